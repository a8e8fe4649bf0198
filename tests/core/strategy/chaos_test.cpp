// Chaos test (issue 3, point 9): one simulated hour of trading against two
// simulated venues with random partial fills (thin books), injected rejects,
// latency spikes on both wires and cancel races, for each execution style.
// Invariants:
//   - the pair's net delta never stays above the larger venue minimum size
//     for longer than the hedge timeout;
//   - the engine's P&L (realized, fees, funding) and positions equal the
//     matching engine's own accounting to the last fixed-point unit.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/core/strategy/sim_harness.hpp"

using namespace xarb;
using namespace xarb::strategy;
using xarb::test::harness_config;
using xarb::test::sim_harness;
using xarb::test::two_venue_world;

namespace {

constexpr timestamp_ns ms = 1'000'000;
constexpr timestamp_ns sec = 1'000 * ms;

harness_config chaos_config(exec_style style, uint64_t seed) {
  harness_config c;
  c.world = two_venue_world(seed);
  // Thin books: entries and hedges often fill only partly.
  c.world.symbols[0].level_qty = *quantity::from_string("0.05");
  for (auto& v : c.world.venues) {
    v.dislocation_per_hour = 40;
    v.dislocation_bps = 35;
    v.funding_interval_s = 600;   // six settlements in the hour
    v.funding_update_s = 30;
    v.funding_bias_bps = 2;
    v.gap_probability = 0.001;    // and the odd lost update: resyncs
  }
  c.world.venues[1].half_spread_bps = 0.2; // B's quotes cross often: maker fills
  c.world.venues[1].level_step_bps = 0.3;
  pair_params& p = c.params;
  p.style = style;
  p.signal.window = 120;
  p.signal.sample_interval_ns = 250 * ms;
  p.signal.z_entry = 2.5;
  p.signal.z_exit = 0.5;
  p.order_notional = money::from_units(13000);
  p.max_tranches = 3;
  p.max_position_notional = money::from_units(40000);
  p.hard_delta_notional = money::from_units(40000);
  p.min_profit_bps = 1;
  p.stop_loss_bps = 40;
  p.max_hold_ns = 300 * sec;
  p.slippage_bps = 3;
  p.hedge_slippage_bps = 15;
  p.requote_bps = 0.5;
  p.leg_timeout_ns = 1 * sec;
  p.maker_timeout_ns = 3 * sec;
  p.hedge_timeout_ns = 5 * sec;
  p.max_retries = 4;
  c.step_ns = 1 * ms;
  c.order_latency_ns = 4 * ms;
  c.report_latency_ns = 4 * ms;
  c.chaos_seed = seed * 7 + 1;
  c.reject_probability = 0.03;
  c.spike_probability = 0.01;
  c.spike_ns = 250 * ms;
  return c;
}

struct chaos_result {
  timestamp_ns longest_unhedged = 0;
  uint64_t episodes = 0;
};

chaos_result run_hour(sim_harness& h) {
  const quantity limit = std::max(h.venue(0).instruments()[0].min_qty,
                                  h.venue(1).instruments()[0].min_qty);
  chaos_result r;
  timestamp_ns above_since = 0;
  h.run_for(3600 * sec, [&] {
    const quantity net = h.engine().net_delta();
    if (net.abs() > limit) {
      if (above_since == 0) {
        above_since = h.now();
        ++r.episodes;
      }
      r.longest_unhedged = std::max(r.longest_unhedged, h.now() - above_since);
    } else {
      above_since = 0;
    }
  });
  return r;
}

void check_books_match(sim_harness& h) {
  CHECK(h.accounting_mismatch() == "");
}

void chaos(exec_style style, uint64_t seed) {
  auto c = chaos_config(style, seed);
  sim_harness h(c);
  const auto r = run_hour(h);
  const auto& st = h.engine().stats();
  std::size_t partial = 0;
  for (auto& u : h.updates())
    if (u.to == order_state::cancelled && u.filled.is_positive() && u.filled < u.qty)
      ++partial;
  money funding;
  for (int leg = 0; leg < 2; ++leg)
    funding += h.engine().ledger(leg).get().funding;
  MESSAGE(to_string(style), ": entries ", st.entries, ", round trips ", st.round_trips,
          ", orders ", st.orders, ", fills ", st.fills, ", partial ", partial, ", rejects ",
          st.rejects, " (injected ", h.injected_rejects(), "), late fills ", st.late_fills,
          ", expired ", st.expired, ", hedges ", st.hedges, ", unwinds ", st.unwinds,
          ", unhedged episodes ", r.episodes, ", longest ", r.longest_unhedged / ms,
          " ms, funding ", funding.to_string());
  // The hour really was chaotic ...
  CHECK(st.round_trips >= 3);
  CHECK(partial >= 1);
  CHECK(h.injected_rejects() >= 1);
  CHECK(st.rejects >= 1);
  CHECK(st.hedges >= 1);
  CHECK(!funding.is_zero());
  if (style == exec_style::maker_taker)
    CHECK(st.late_fills + st.expired >= 1);
  // ... and the pair never stayed exposed beyond the hedge timeout.
  CHECK(r.longest_unhedged <= c.params.hedge_timeout_ns);
  // Everything settles, and the books agree with the venues to the unit.
  REQUIRE(h.settle(60 * sec));
  CHECK(st.duplicate_fills == 0);
  CHECK(st.unknown_fills == 0);
  check_books_match(h);
}

} // namespace

TEST_SUITE("chaos") {
  TEST_CASE("one chaotic hour, taker_taker") {
    chaos(exec_style::taker_taker, 21);
  }

  TEST_CASE("one chaotic hour, maker_taker") {
    chaos(exec_style::maker_taker, 22);
  }
}
