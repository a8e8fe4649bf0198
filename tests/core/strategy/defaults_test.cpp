// Issue 3 point 8: the embedded default (default_world_config() venues and
// symbols, pair_params{} as `xarb run` uses them) trades within minutes.
// Every one of the 15 default pairs runs five simulated minutes against the
// simulated venues, stepped like a venue session (5 ms).
#include <doctest/doctest.h>

#include "tests/core/strategy/sim_harness.hpp"
#include "venues/sim/sim_config.hpp"

using namespace xarb;
using namespace xarb::strategy;

TEST_CASE("the embedded default produces profitable round trips within minutes") {
  constexpr timestamp_ns sec = 1'000'000'000;
  const auto world = sim::default_world_config();
  uint64_t round_trips = 0;
  uint64_t pairs_trading = 0;
  timestamp_ns first = 0;
  money total;
  for (const auto& sym : world.symbols) {
    for (std::size_t i = 0; i < world.venues.size(); ++i) {
      for (std::size_t j = i + 1; j < world.venues.size(); ++j) {
        test::harness_config c;
        c.world = world;
        c.symbol = sym.symbol;
        c.venue_a = world.venues[i].name;
        c.venue_b = world.venues[j].name;
        c.params = pair_params{}; // the default, as [strategy] ships it
        c.step_ns = 5'000'000;
        test::sim_harness h(c);
        timestamp_ns first_here = 0;
        h.run_for(300 * sec, [&] {
          if (first_here == 0 && h.engine().stats().round_trips > 0)
            first_here = h.now() - c.t0;
        });
        const auto& st = h.engine().stats();
        round_trips += st.round_trips;
        if (st.round_trips > 0)
          ++pairs_trading;
        if (first_here != 0 && (first == 0 || first_here < first))
          first = first_here;
        for (int leg = 0; leg < 2; ++leg) {
          const auto& p = h.engine().ledger(leg).get();
          total += p.realized_pnl - p.fees + p.funding;
        }
        // Whatever happened, the pair is hedged.
        CHECK(h.engine().net_delta().abs() <= std::max(h.venue(0).instruments()[0].min_qty,
                                                       h.venue(1).instruments()[0].min_qty));
      }
    }
  }
  MESSAGE("default: ", round_trips, " round trips on ", pairs_trading,
          " pairs in 5 simulated minutes, first after ", first / sec, " s, P&L ",
          total.to_string());
  CHECK(round_trips >= 5);
  CHECK(pairs_trading >= 4);
  CHECK(first > 0);
  CHECK(first <= 180 * sec);
  CHECK(total.is_positive());
}
