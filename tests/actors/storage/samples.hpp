#pragma once
// Records with every field set to something other than its default.

#include <limits>
#include <string>

#include "actors/storage/records.hpp"

namespace xarb::storage::test {

/// The whole time range of a scan.
inline constexpr auto ts_min = std::numeric_limits<timestamp_ns>::min();
inline constexpr auto ts_max = std::numeric_limits<timestamp_ns>::max();

inline price px(const char* s) { return price::from_string(s).value(); }
inline quantity qt(const char* s) { return quantity::from_string(s).value(); }
inline money mn(const char* s) { return money::from_string(s).value(); }
inline ratio rt(const char* s) { return ratio::from_string(s).value(); }

inline order_update sample_order(timestamp_ns ts, std::string pair = "BTC-PERP:sim-a/sim-b",
                                 std::string client_id = "n1-p1-7") {
  order_update x;
  x.pair_id = std::move(pair);
  x.client_id = std::move(client_id);
  x.venue = "sim-a";
  x.symbol = "BTC-PERP";
  x.sd = side::sell;
  x.tif = time_in_force::post_only;
  x.purpose = order_purpose::hedge;
  x.px = px("65432.1");
  x.qty = qt("0.125");
  x.filled = qt("0.05");
  x.fees = mn("-0.0123");
  x.from = order_state::acked;
  x.to = order_state::partially_filled;
  x.reason = "partial, \"maker\"";
  x.ts = ts;
  return x;
}

inline fill_record sample_fill(timestamp_ns ts, std::string pair = "BTC-PERP:sim-a/sim-b") {
  fill_record x;
  x.pair_id = std::move(pair);
  x.fill.client_id = "n1-p1-7";
  x.fill.venue_order_id = "v-99";
  x.fill.fill_id = "t-12345";
  x.fill.venue = "sim-b";
  x.fill.symbol = "BTC-PERP";
  x.fill.sd = side::sell;
  x.fill.px = px("65000.5");
  x.fill.qty = qt("0.001");
  x.fill.leaves_qty = qt("0.002");
  x.fill.fee = mn("0.0325");
  x.fill.liq = liquidity::maker;
  x.fill.ts = ts;
  return x;
}

inline position_record sample_position(timestamp_ns ts) {
  return {"ETH-PERP:sim-a/sim-b", "sim-a", "ETH-PERP", qt("-1.5"), px("3100.25"),
          mn("12.5"), mn("0.75"), mn("-0.1"), ts};
}

inline event sample_event(timestamp_ns ts, std::string text = "hedge done") {
  return {ts, severity::warning, "pair_trader/BTC-PERP:sim-a/sim-b", std::move(text)};
}

inline spread_update sample_spread(timestamp_ns ts, std::string pair = "BTC-PERP:sim-a/sim-b") {
  spread_update x;
  x.pair_id = std::move(pair);
  x.symbol = "BTC-PERP";
  x.venue_a = "sim-a";
  x.venue_b = "sim-b";
  x.bid_a = px("100.5");
  x.ask_a = px("100.6");
  x.bid_b = px("100.4");
  x.ask_b = px("100.45");
  x.size = qt("2");
  x.spread_ab = rt("0.0005");
  x.spread_ba = rt("-0.002");
  x.mean_ab = 0.25;
  x.std_ab = 1.5;
  x.z_ab = -0.5;
  x.mean_ba = 0.125;
  x.std_ba = 2;
  x.z_ba = 3;
  x.samples = 600;
  x.valid = true;
  x.ts = ts;
  x.net_ab_bps = -7.25;
  x.net_ba_bps = 4.5;
  return x;
}

inline book_snapshot sample_snapshot(timestamp_ns ts) {
  return {"sim-a", "BTC-PERP", 42, ts - 5, ts,
          {{px("100"), qt("1")}, {px("99.5"), qt("2")}},
          {{px("100.5"), qt("3")}}};
}

inline book_delta sample_delta(timestamp_ns ts) {
  return {"sim-b", "ETH-PERP", 10, 12, 9, ts - 3, ts, {{px("50"), qt("0")}},
          {{px("51"), qt("4")}, {px("52"), qt("5")}}};
}

/// A market sample of `symbol` on sim-a (funding known) and sim-b (stale,
/// no funding yet); more venues "v2".. "vN-1" when `venues` > 2.
inline market_sample sample_market(timestamp_ns ts, std::string symbol = "BTC-PERP",
                                   int venues = 2) {
  market_sample x;
  x.symbol = std::move(symbol);
  x.ts = ts;
  x.venues.push_back({"sim-a", px("65000.5"), px("65001"), rt("0.0001"), 28'800, true, false});
  x.venues.push_back({"sim-b", px("64999.9"), px("65000.25"), rt("0"), 0, false, true});
  for (int i = 2; i < venues; ++i)
    x.venues.push_back({"v" + std::to_string(i), px("65000.123456789"), px("65000.987654321"),
                        rt("-0.000123456"), 3'600, true, false});
  return x;
}

} // namespace xarb::storage::test
