#pragma once
// What the Binance, Aster and Backpack tests share beyond
// tests/venues/codec_test_util.hpp: the fake market of three fixed books,
// REST GET requests, SUBSCRIBE stream names and the REST-bridge rule
// feed_sync uses.

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/instrument_registry.hpp"
#include "tests/venues/codec_test_util.hpp"

namespace xarb::test {

/// Times of binance_market().
struct binance_times {
  static constexpr timestamp_ns now_ns = 1'754'903'057'600'000'000;
  static constexpr timestamp_ns book_ts = 1'754'903'057'555'000'000;
  static constexpr timestamp_ns next_funding = 1'754'928'000'000'000'000;
};

/// A fake market of three fixed books (BTC, ETH and a 1000-unit PEPE
/// contract) named by the protocol under test.
inline fake_market binance_market(const mock::venue_protocol& p, ratio maker, ratio taker) {
  fake_market m(binance_times::now_ns);
  m.venue = std::string{p.venue()};
  auto add = [&](std::string base, ratio unit, std::string_view tick, std::string_view lot,
                 std::string_view min_qty, std::string_view min_notional, int lev, int32_t funding_s) {
    instrument_spec s;
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
    s.min_notional = mon(min_notional);
    s.maker_fee = maker;
    s.taker_fee = taker;
    s.max_leverage = lev;
    s.funding_interval_s = funding_s;
    m.add(std::move(s));
  };
  add("BTC", ratio::from_units(1), "0.1", "0.001", "0.001", "100", 125, 8 * 3600);
  add("ETH", ratio::from_units(1), "0.01", "0.001", "0.001", "20", 100, 4 * 3600);
  add("PEPE", ratio::from_units(1000), "0.0000001", "1", "1", "5", 50, 4 * 3600);
  const auto ts = binance_times::book_ts;
  m.set_book(m.native(0), {lvl("27450.1", "1.5"), lvl("27450", "2.25"), lvl("27449.5", "0.01")},
             {lvl("27450.2", "0.8"), lvl("27451", "3")}, 1000, ts);
  m.set_book(m.native(1), {lvl("1850.55", "10")}, {lvl("1850.56", "4.5")}, 5000, ts);
  m.set_book(m.native(2), {lvl("0.0123456", "1200")}, {lvl("0.0123457", "800")}, 77, ts);
  m.set_mark(m.native(0), mock::mark_state{px("27450.15"), px("27449.9"), rt("0.000125"), 8 * 3600,
                                           binance_times::next_funding});
  m.set_mark(m.native(1), mock::mark_state{px("1850.5"), px("1850.4"), rt("-0.00002"), 4 * 3600,
                                           binance_times::next_funding});
  return m;
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

} // namespace xarb::test
