#pragma once
// One-pass scanner of Binance-style WebSocket frames, shared by the Binance,
// Aster and Backpack codecs. Those venues send flat events with one-letter
// keys ("e" event type, "s" symbol, "U"/"u" update ids, "b"/"a" levels or
// best prices ...), raw or wrapped as {"stream":..,"data":{..}}, and answer
// control requests with {"result":..,"id":..} or an error object.
//
// Why one pass: simdjson On-Demand reads a document forward only. Keys come
// in any order (Backpack sorts them, Binance puts "e" first), and "b"/"a"
// are level arrays in depth events but scalars in book tickers, so the
// scanner records the raw token text of every scalar it knows and parses
// level arrays straight into the caller's (reused) vectors; the codec then
// interprets the fields by event type. Nothing here allocates once the
// vectors are warm; the views point into the padded frame.
//
// Internal header (includes simdjson): include from .cpp files only.

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "messages/market.hpp"
#include "venues/common/md_codec.hpp"

namespace xarb::venues::detail {

/// Raw token texts (quotes stripped) of the fields one frame carried; empty
/// when absent. Event fields may come from the top level or from "data".
struct scanned_frame {
  // -- control / wrapper -------------------------------------------------------
  std::string_view stream;     ///< wrapper stream name
  bool has_data = false;       ///< a "data" object was present
  bool has_result = false;     ///< {"result": ...}: a request's answer
  bool has_id = false;
  std::string_view id;         ///< raw id token ("null" kept as text)
  bool has_error = false;      ///< "error" object, or top-level "code" + "msg"
  std::string_view error_code; ///< error code text
  std::string_view error_msg;  ///< "msg" or "message"
  // -- event fields --------------------------------------------------------------
  std::string_view e, s, E, T, U, u, pu, p, i, r, f, n;
  std::string_view b, B, a, A; ///< book ticker scalars (b/a when not arrays)
  bool levels_b = false;       ///< "b" was a level array (parsed into bids)
  bool levels_a = false;       ///< "a" was a level array (parsed into asks)
  bool levels_bad = false;     ///< a level was not [price, qty] of decimals
  const char* bad_what = nullptr; ///< static text naming what failed

  void reset() noexcept { *this = scanned_frame{}; }
};

/// Scans `frame` (padded in place, content unchanged) into `out`, parsing
/// level arrays into `bids`/`asks` (cleared first). Returns false when the
/// frame is not a JSON object or is broken; `out.bad_what` then says why.
bool scan_frame(simdjson::ondemand::parser& parser, std::string& frame, scanned_frame& out,
                std::vector<book_level>& bids, std::vector<book_level>& asks);

/// scan_frame() without its one-pass fast path: simdjson On-Demand only.
/// For tests, which hold the two paths to the same result.
bool scan_frame_simdjson(simdjson::ondemand::parser& parser, std::string& frame,
                         scanned_frame& out, std::vector<book_level>& bids,
                         std::vector<book_level>& asks);

/// Parses a JSON array of [price, qty, ...] pairs into `out` (appended).
/// False on anything else.
bool parse_levels(simdjson::ondemand::value v, std::vector<book_level>& out);

/// The key of an object field as written (no unescaping: keys we look for
/// never contain escapes, and a key with one simply does not match).
inline std::string_view raw_key(simdjson::ondemand::field& f) noexcept {
  const char* k = f.key().raw();
  const char* e = k;
  while (*e != '"') {
    if (*e == '\\' && e[1] != '\0')
      ++e;
    ++e;
  }
  return {k, static_cast<std::size_t>(e - k)};
}

/// An unsigned integer field's text; false when empty or not all digits.
inline bool u64_of(std::string_view t, uint64_t& v) noexcept {
  if (t.empty())
    return false;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc{} && p == t.data() + t.size();
}

/// A decimal field's text; false when empty or not a decimal.
template <class F>
bool dec_of(std::string_view t, F& v, rounding mode = rounding::exact) noexcept {
  return !t.empty() && F::parse(t, v, mode) == error_code::none;
}

/// A venue timestamp field's text to ns (ms for Binance/Aster, any epoch
/// unit for Backpack); absent gives 0, false on junk.
using time_reader = bool (*)(std::string_view, timestamp_ns&) noexcept;

/// A bookTicker event (s, b/B, a/A, optional u; time from T, else E) into
/// `t` (symbol, prices, seq, exchange time): nullptr, or what is wrong.
const char* read_book_ticker(const scanned_frame& f, time_reader time_of, top_of_book& t);

/// A mark price event into `m`: s and p (mark), i (index) when sent, the
/// funding rate from `rate` (its text, "" when not sent; nearest nano),
/// the next funding time from `next_funding` and the event time from E
/// (`time_of`). nullptr, or the field that is bad: "s/p", "i", "rate" or
/// "time".
const char* read_mark_price(const scanned_frame& f, std::string_view rate,
                            std::string_view next_funding, time_reader time_of,
                            venues::mark_update& m);

/// Sorts levels best first (bids descending, asks ascending) and drops
/// zero-quantity entries: REST snapshots are not always ordered that way and
/// may list emptied levels, while order_book::apply(snapshot) wants a clean
/// book.
void normalize_book_sides(std::vector<book_level>& bids, std::vector<book_level>& asks);

} // namespace xarb::venues::detail
