#pragma once
// Test helpers shared by the Binance, Aster and Backpack codec/mock tests: a
// recording md_handler, a small fake market_view, REST request plumbing,
// the recorded-frames file format and the REST-bridge rule feed_sync uses.

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/instrument_registry.hpp"
#include "core/order_book.hpp"
#include "messages/decimal.hpp"
#include "venues/common/md_codec.hpp"
#include "venues/mock/venue_protocol.hpp"

namespace xarb::test {

inline price px(std::string_view s) { return price::from_string(s).value(); }
inline quantity qty(std::string_view s) { return quantity::from_string(s).value(); }
inline ratio rt(std::string_view s) { return ratio::from_string(s).value(); }
inline money mn(std::string_view s) { return money::from_string(s).value(); }
inline book_level lvl(std::string_view p, std::string_view q) { return {px(p), qty(q)}; }

/// Keeps copies of everything a codec reported.
struct recording_handler final : venues::md_handler {
  std::vector<book_snapshot> snapshots;
  std::vector<book_delta> deltas;
  std::vector<top_of_book> tops;
  std::vector<venues::mark_update> marks;
  void on_snapshot(const book_snapshot& s) override { snapshots.push_back(s); }
  void on_delta(const book_delta& d, std::optional<int32_t>) override { deltas.push_back(d); }
  void on_top(const top_of_book& t) override { tops.push_back(t); }
  void on_mark(const venues::mark_update& m) override { marks.push_back(m); }
  std::size_t calls() const { return snapshots.size() + deltas.size() + tops.size() + marks.size(); }
  void clear() { *this = recording_handler{}; }
};

/// Decodes one frame (copied) and returns the result.
inline venues::decode_result decode(venues::md_codec& c, std::string_view frame,
                                    venues::md_handler& h, timestamp_ns recv = 7) {
  std::string f{frame};
  venues::decode_result r;
  c.decode(f, recv, h, r);
  return r;
}

/// A market_view over three fixed books (BTC, ETH and a 1000-unit PEPE
/// contract) named by the protocol under test.
class fake_market final : public mock::market_view {
public:
  static constexpr timestamp_ns now_ns = 1'754'903'057'600'000'000;
  static constexpr timestamp_ns book_ts = 1'754'903'057'555'000'000;
  static constexpr timestamp_ns next_funding = 1'754'928'000'000'000'000;

  fake_market(const mock::venue_protocol& p, ratio maker, ratio taker) {
    add(p, "BTC", ratio::from_units(1), "0.1", "0.001", "0.001", "100", 125, 8 * 3600, maker, taker);
    add(p, "ETH", ratio::from_units(1), "0.01", "0.001", "0.001", "20", 100, 4 * 3600, maker, taker);
    add(p, "PEPE", ratio::from_units(1000), "0.0000001", "1", "1", "5", 50, 4 * 3600, maker, taker);
    auto& btc = books_[native(0)];
    btc.seq = 1000;
    btc.bids = {lvl("27450.1", "1.5"), lvl("27450", "2.25"), lvl("27449.5", "0.01")};
    btc.asks = {lvl("27450.2", "0.8"), lvl("27451", "3")};
    auto& eth = books_[native(1)];
    eth.seq = 5000;
    eth.bids = {lvl("1850.55", "10")};
    eth.asks = {lvl("1850.56", "4.5")};
    auto& pepe = books_[native(2)];
    pepe.seq = 77;
    pepe.bids = {lvl("0.0123456", "1200")};
    pepe.asks = {lvl("0.0123457", "800")};
    for (auto& [n, b] : books_) {
      b.venue = std::string{p.venue()};
      b.symbol = n;
      b.exchange_ts = book_ts;
    }
    marks_[native(0)] = mock::mark_state{px("27450.15"), px("27449.9"), rt("0.000125"), 8 * 3600,
                                         next_funding};
    marks_[native(1)] = mock::mark_state{px("1850.5"), px("1850.4"), rt("-0.00002"), 4 * 3600,
                                         next_funding};
  }

  std::string native(std::size_t i) const { return instruments_.at(i).spec.native_symbol; }

  const std::vector<mock::mock_instrument>& instruments() const override { return instruments_; }
  const mock::mock_instrument* find(std::string_view n) const override {
    for (const auto& mi : instruments_)
      if (mi.spec.native_symbol == n)
        return &mi;
    return nullptr;
  }
  book_snapshot book(std::string_view n, std::size_t depth) const override {
    auto it = books_.find(std::string{n});
    if (it == books_.end())
      return {};
    auto b = it->second;
    if (b.bids.size() > depth)
      b.bids.resize(depth);
    if (b.asks.size() > depth)
      b.asks.resize(depth);
    return b;
  }
  std::optional<mock::mark_state> mark(std::string_view n) const override {
    auto it = marks_.find(std::string{n});
    if (it == marks_.end())
      return std::nullopt;
    return it->second;
  }
  timestamp_ns now() const override { return now_ns; }

  /// Updates the stored book as the simulator would (qty 0 removes).
  void apply(const book_delta& d) {
    order_book ob;
    auto& b = books_.at(d.symbol);
    check(ob.apply(b) == error_code::none);
    for (const auto& l : d.bids)
      ob.set_level(book_side::bid, l.px, l.qty);
    for (const auto& l : d.asks)
      ob.set_level(book_side::ask, l.px, l.qty);
    ob.to_snapshot(b, 1000);
    b.seq = d.seq;
    b.exchange_ts = d.exchange_ts;
  }

private:
  static void check(bool ok) {
    if (!ok)
      throw std::runtime_error("fake_market: invalid book");
  }

  void add(const mock::venue_protocol& p, std::string base, ratio unit, std::string_view tick,
           std::string_view lot, std::string_view min_qty, std::string_view min_notional, int lev,
           int32_t funding_s, ratio maker, ratio taker) {
    mock::mock_instrument mi;
    auto& s = mi.spec;
    s.venue = std::string{p.venue()};
    s.native_symbol = p.native_symbol(base, unit);
    auto parsed = parse_native_symbol(style_for_venue(s.venue), s.native_symbol).value();
    s.base = parsed.base;
    s.quote = parsed.quote;
    s.symbol = canonical_symbol(s.base);
    s.multiplier = parsed.unit;
    s.tick = px(tick);
    s.lot = qty(lot);
    s.min_qty = qty(min_qty);
    s.min_notional = mn(min_notional);
    s.maker_fee = maker;
    s.taker_fee = taker;
    s.max_leverage = lev;
    s.funding_interval_s = funding_s;
    mi.index = static_cast<uint32_t>(instruments_.size());
    instruments_.push_back(std::move(mi));
  }

  std::vector<mock::mock_instrument> instruments_;
  std::map<std::string, book_snapshot> books_;
  std::map<std::string, mock::mark_state> marks_;
};

/// An http_request as the mock server would hand it to a protocol.
inline mock::rest_call to_rest_call(const venues::http_request& r) {
  mock::rest_call c;
  c.method = r.method;
  c.body = r.body;
  const auto q = r.target.find('?');
  c.path = r.target.substr(0, q);
  if (q == std::string::npos)
    return c;
  std::string_view rest = std::string_view{r.target}.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto part = rest.substr(0, amp);
    const auto eq = part.find('=');
    c.query[std::string{part.substr(0, eq)}] =
      eq == std::string_view::npos ? std::string{} : std::string{part.substr(eq + 1)};
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
  }
  return c;
}

inline mock::rest_call get(std::string path, std::map<std::string, std::string, std::less<>> query = {}) {
  mock::rest_call c;
  c.method = "GET";
  c.path = std::move(path);
  c.query = std::move(query);
  return c;
}

/// The stream names of a SUBSCRIBE frame's "params" (quotes stripped).
inline std::vector<std::string> frame_streams(const std::string& frame) {
  std::vector<std::string> out;
  const auto open = frame.find('['), close = frame.find(']');
  if (open == std::string::npos || close == std::string::npos)
    return out;
  const auto list = frame.substr(open + 1, close - open - 1);
  for (std::size_t at = 0; at < list.size();) {
    const auto comma = std::min(list.find(',', at), list.size());
    out.push_back(list.substr(at + 1, comma - at - 2));
    at = comma + 1;
  }
  return out;
}

// -- recorded mock frames -------------------------------------------------------

struct frame_line {
  std::string venue, kind, source, frame;
};

/// Lines "venue|kind|source|frame" of a recorded-frames file (same format
/// as venue-samples.txt).
inline std::vector<frame_line> load_frames(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot open " + path);
  std::vector<frame_line> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    auto a = line.find('|');
    auto b = a == std::string::npos ? a : line.find('|', a + 1);
    auto c = b == std::string::npos ? b : line.find('|', b + 1);
    if (c == std::string::npos)
      throw std::runtime_error("bad frame line: " + line.substr(0, 60));
    out.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1, c - b - 1),
                   line.substr(c + 1)});
  }
  return out;
}

/// Writes the file when XARB_WRITE_MOCK_FRAMES is set (done once by hand;
/// the file is then committed and only read).
inline bool maybe_write_frames(const std::string& path, const std::vector<frame_line>& lines) {
  if (!std::getenv("XARB_WRITE_MOCK_FRAMES"))
    return false;
  std::ofstream out(path);
  out << "# Frames recorded from the " << lines.front().venue
      << " mock protocol (tests/venues/" << lines.front().venue
      << "); regenerate with XARB_WRITE_MOCK_FRAMES=1.\n";
  for (const auto& l : lines) {
    if (l.frame.find('\n') != std::string::npos)
      throw std::runtime_error("multi-line frame");
    out << l.venue << '|' << l.kind << '|' << l.source << '|' << l.frame << '\n';
  }
  return true;
}

inline const frame_line& frame_of(const std::vector<frame_line>& lines, std::string_view kind) {
  for (const auto& l : lines)
    if (l.kind == kind)
      return l;
  throw std::runtime_error("no recorded frame " + std::string{kind});
}

// -- REST bridge (what feed_sync does for rest_bridge venues) ----------------------

/// After a REST snapshot at L (book.apply(snapshot) done, `first` = true):
/// deltas with seq <= L are dropped, the first newer one is applied with
/// prev_seq = 0 so order_book's overlap rule U <= L + 1 decides, later ones
/// as they come.
inline error_code bridge_apply(order_book& book, const book_delta& d, bool& first) {
  if (!first)
    return book.apply(d);
  if (d.seq <= book.seq())
    return error_code::none; // already in the snapshot
  book_delta b = d;
  b.prev_seq = 0;
  const auto ec = book.apply(b);
  if (ec == error_code::none)
    first = false;
  return ec;
}

// -- robustness ---------------------------------------------------------------------

/// Every strict prefix of `frame` must decode to malformed or ignored (and
/// never call the handler); returns the number of prefixes that did not.
inline int bad_prefixes(venues::md_codec& c, std::string_view frame) {
  int bad = 0;
  for (std::size_t n = 0; n < frame.size(); ++n) {
    recording_handler h;
    const auto r = decode(c, frame.substr(0, n), h);
    if ((r.kind != venues::frame_kind::malformed && r.kind != venues::frame_kind::ignored)
        || h.calls() != 0)
      ++bad;
  }
  return bad;
}

/// Junk that must never crash a codec.
inline std::vector<std::string> junk_frames() {
  std::vector<std::string> j = {
    "", " ", "null", "[]", "{}", "[1,2]", "\"str\"", "12345", "{\"broken\":", "}{", "{{}}",
    R"({"e":null})", R"({"e":5,"s":[]})", R"({"data":5})", R"({"data":[1]})", R"({"data":{"e":{}}})",
    R"({"e":"depthUpdate"})", R"({"e":"depthUpdate","s":"X","U":1,"u":2,"b":[],"a":{}})",
    R"({"e":"depthUpdate","s":"X","U":"x","u":2,"pu":1,"b":[],"a":[]})",
    R"({"e":"depthUpdate","s":"X","U":3,"u":2,"pu":1,"b":[],"a":[]})",
    R"({"e":"depthUpdate","s":"X","U":1,"u":99999999999999999999999,"b":[],"a":[]})",
    R"({"e":"depthUpdate","s":"X","U":1,"u":2,"pu":1,"E":99999999999999999999,"b":[],"a":[]})",
    R"({"e":"depthUpdate","s":"X","U":1,"u":2,"pu":1,"T":18446744073709551615,"b":[],"a":[]})",
    R"({"e":"depthUpdate","s":"X","U":1,"u":2,"pu":1,"b":[["1"]],"a":[]})",
    R"({"e":"depthUpdate","s":"X","U":1,"u":2,"pu":1,"b":[[1e999,"1"]],"a":[]})",
    R"({"e":"depthUpdate","s":"X","U":1,"u":2,"pu":1,"b":[["99999999999999999999","1"]],"a":[]})",
    R"({"e":"depth","s":"X","U":0,"u":0,"b":[],"a":[]})",
    R"({"e":"depth","s":"X","U":1,"u":2,"b":[[{},[]]],"a":[]})",
    R"({"e":"bookTicker","s":"X","b":"1","B":"x","a":"2","A":"1"})",
    R"({"e":"bookTicker","s":"X","b":[["1","1"]],"B":"1","a":"2","A":"1"})",
    R"({"e":"markPriceUpdate","s":"X","p":"abc"})", R"({"e":"markPrice","s":"X","p":"1","f":"1e"})",
    R"({"e":"markPriceUpdate","s":"X","p":"1","T":-5})", R"({"result":null})",
    R"({"error":5})", R"({"error":{"code":{}}})", R"({"code":1})",
    std::string("\x00\x01\xff\xfe{\"e\":", 10), std::string(300, '['), std::string(300, '{'),
    "\xef\xbb\xbf{\"e\":\"depth\"}", "{\"e\":\"dep\\u0074h\"}"};
  return j;
}

} // namespace xarb::test
