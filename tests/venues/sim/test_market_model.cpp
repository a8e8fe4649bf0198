// The statistical model behind the simulated venues: correlated fair path,
// OU basis with dislocations, and the tradeable cross-venue spreads they make.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "venues/sim/basis_process.hpp"
#include "venues/sim/book_builder.hpp"
#include "venues/sim/fair_path.hpp"
#include "venues/sim/market_model.hpp"
#include "venues/sim/prng.hpp"
#include "venues/sim/sim_venue.hpp"

using namespace xarb;
using namespace xarb::sim;

namespace {

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(x.size());
  my /= static_cast<double>(y.size());
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

venue_config quiet_venue() {
  venue_config v;
  v.name = "q";
  v.basis_mean_bps = 2;
  v.basis_vol_bps = 0;
  v.basis_reversion = 0.2;
  v.dislocation_per_hour = 0;
  v.dislocation_reversion = 0.05;
  return v;
}

} // namespace

TEST_CASE("prng: fixed outputs, independent streams, sane normals") {
  rng a{42};
  rng b{42};
  rng c{43};
  for (int i = 0; i < 100; ++i)
    CHECK(a.next() == b.next());
  CHECK(a.next() != c.next());
  CHECK(fnv1a("sim-a") != fnv1a("sim-b"));
  CHECK(fnv1a("") == 14695981039346656037ull);
  rng n{7};
  double sum = 0, sq = 0;
  constexpr int count = 20000;
  for (int i = 0; i < count; ++i) {
    const double z = n.normal();
    sum += z;
    sq += z * z;
  }
  CHECK(std::abs(sum / count) < 0.03);
  CHECK(std::abs(sq / count - 1.0) < 0.05);
}

TEST_CASE("fair path: seed-determined, correlated across symbols") {
  const auto world = default_world_config();
  fair_path p1{world};
  fair_path p2{world};
  auto other = world;
  other.seed = 43;
  fair_path p3{other};
  for (std::size_t i = 0; i < p1.size(); ++i)
    CHECK(p1.price(i) == doctest::Approx(world.symbols[i].start_price.to_double()));
  std::vector<double> btc, eth;
  double prev_btc = std::log(p1.price(0)), prev_eth = std::log(p1.price(1));
  for (int64_t k = 1; k <= 20000; ++k) {
    p1.advance_to(k);
    const double lb = std::log(p1.price(0)), le = std::log(p1.price(1));
    btc.push_back(lb - prev_btc);
    eth.push_back(le - prev_eth);
    prev_btc = lb;
    prev_eth = le;
  }
  p2.advance_to(20000); // one jump = many small steps
  p3.advance_to(20000);
  for (std::size_t i = 0; i < p1.size(); ++i) {
    CHECK(p1.price(i) == p2.price(i));
    CHECK(p1.price(i) != p3.price(i));
  }
  CHECK(correlation(btc, eth) == doctest::Approx(world.correlation).epsilon(0.1));
  // Volatility per step matches vol_per_sqrt_s x sqrt(step).
  double sq = 0;
  for (double r : btc)
    sq += r * r;
  const double realized = std::sqrt(sq / static_cast<double>(btc.size()));
  CHECK(realized == doctest::Approx(world.symbols[0].vol_per_sqrt_s * std::sqrt(0.1)).epsilon(0.05));
}

TEST_CASE("basis: deterministic mean reversion of OU and dislocation parts") {
  basis_process b{quiet_venue(), 0.1, 1};
  b.reset(50, 30);
  for (int k = 0; k < 50; ++k) // 5 seconds
    b.step();
  CHECK(b.ou_bps() == doctest::Approx(2 + 48 * std::exp(-0.2 * 5)));
  CHECK(b.dislocation_bps() == doctest::Approx(30 * std::exp(-0.05 * 5)));
  CHECK(b.bps() == doctest::Approx(b.ou_bps() + b.dislocation_bps()));
  CHECK(b.dislocations() == 0);
}

TEST_CASE("basis: long-run mean and stationary spread of the OU part") {
  auto v = quiet_venue();
  v.basis_vol_bps = 2;
  basis_process b{v, 0.1, 99};
  double sum = 0, sq = 0;
  constexpr int steps = 360000; // 10 simulated hours
  for (int k = 0; k < steps; ++k) {
    b.step();
    sum += b.bps();
    sq += b.bps() * b.bps();
  }
  const double mean = sum / steps;
  const double sd = std::sqrt(sq / steps - mean * mean);
  CHECK(mean == doctest::Approx(2.0).epsilon(0.25));
  CHECK(sd == doctest::Approx(2.0 / std::sqrt(2 * 0.2)).epsilon(0.15));
}

TEST_CASE("basis: dislocations arrive at the configured rate and size") {
  auto v = quiet_venue();
  v.dislocation_per_hour = 6;
  v.dislocation_bps = 30;
  uint64_t count = 0;
  double biggest = 0;
  for (uint64_t s = 0; s < 10; ++s) { // 10 symbol-hours
    basis_process b{v, 0.1, s};
    for (int k = 0; k < 36000; ++k) {
      b.step();
      biggest = std::max(biggest, std::abs(b.dislocation_bps()));
    }
    count += b.dislocations();
  }
  CHECK(count >= 35); // expected 60
  CHECK(count <= 90);
  CHECK(biggest >= 15);
  CHECK(biggest <= 2 * 45);
}

TEST_CASE("default world: within a simulated hour cross-venue spreads beat two taker fees") {
  const auto world = default_world_config();
  std::vector<venue> venues;
  std::vector<market_model> models;
  for (const auto& v : world.venues) {
    venues.emplace_back(world, v.name);
    models.emplace_back(world, v);
  }
  const std::size_t nsym = world.symbols.size();
  int64_t steps_tradeable = 0;
  int64_t symbol_steps_tradeable = 0; // (step, symbol) with some tradeable pair
  int64_t episodes = 0;
  bool was_tradeable = false;
  double best_edge_bps = -1e9;
  constexpr int64_t steps = 36000; // one hour of 100 ms steps
  for (int64_t k = 1; k <= steps; ++k) {
    bool tradeable = false;
    for (auto& m : models)
      m.advance_to(k);
    for (std::size_t s = 0; s < nsym; ++s) {
      const auto& sym = world.symbols[s].symbol;
      bool symbol_tradeable = false;
      for (std::size_t a = 0; a < venues.size(); ++a) {
        for (std::size_t b = 0; b < venues.size(); ++b) {
          if (a == b)
            continue;
          // Buy on a at its ask, sell on b at its bid.
          const auto ta = touch_prices(models[a].mid(s), venues[a].quote_rules(sym));
          const auto tb = touch_prices(models[b].mid(s), venues[b].quote_rules(sym));
          const double mid = models[a].fair(s);
          const double edge_bps = (tb.first.to_double() - ta.second.to_double()) / mid * 1e4;
          const double fees_bps = (world.venues[a].taker_fee.to_double()
                                   + world.venues[b].taker_fee.to_double()) * 1e4;
          best_edge_bps = std::max(best_edge_bps, edge_bps - fees_bps);
          symbol_tradeable = symbol_tradeable || edge_bps > fees_bps;
        }
      }
      symbol_steps_tradeable += symbol_tradeable ? 1 : 0;
      tradeable = tradeable || symbol_tradeable;
    }
    steps_tradeable += tradeable ? 1 : 0;
    episodes += (tradeable && !was_tradeable) ? 1 : 0;
    was_tradeable = tradeable;
  }
  const double symbol_share = static_cast<double>(symbol_steps_tradeable)
                              / static_cast<double>(steps * static_cast<int64_t>(nsym));
  MESSAGE("tradeable steps ", steps_tradeable, ", per-symbol share ", symbol_share,
          ", episodes ", episodes, ", best edge over fees ", best_edge_bps, " bps");
  CHECK(episodes >= 5);          // it happens, repeatedly
  CHECK(best_edge_bps > 5);      // and by a margin
  CHECK(symbol_share > 0.01);
  CHECK(symbol_share < 0.12);    // but a symbol is mostly in line across venues
  uint64_t dislocations = 0;
  for (const auto& m : models)
    for (std::size_t s = 0; s < nsym; ++s)
      dislocations += m.basis(s).dislocations();
  CHECK(dislocations >= 30); // 6/h x 15 processes = 90 expected
}
