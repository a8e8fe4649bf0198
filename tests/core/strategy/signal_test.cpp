// spread_signal: the four entry/exit models, warm-up, persistence and
// cooldown, strength and tranches. Windows of 2 samples {m - s, m + s} give
// mean m and (population) std s exactly, so boundaries are tested with ==.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "core/strategy/signal.hpp"

using xarb::strategy::dir_ab;
using xarb::strategy::dir_ba;
using xarb::strategy::signal_model;
using xarb::strategy::signal_params;
using xarb::strategy::signal_reading;
using xarb::strategy::spread_signal;

namespace {

constexpr int64_t sec = 1'000'000'000;

signal_params params_for(signal_model m, std::size_t window = 2) {
  signal_params p;
  p.model = m;
  p.window = window;
  p.min_std_bps = 0.5;
  p.z_entry = 2.0;
  p.z_exit = 0.5;
  p.offset_bps = 10;
  p.exit_offset_bps = 2;
  p.low_vol_min_profit_bps = 3;
  p.high_vol_min_profit_bps = 12;
  p.vol_low_bps = 1;
  p.vol_high_bps = 10;
  p.threshold_bps = 20;
  p.persist_samples = 3;
  p.cooldown_ns = 10 * sec;
  p.persistent_exit_bps = 1;
  p.tranche_step = 0.5;
  return p;
}

/// Feeds {m - s, m + s} to both directions (window 2: mean m, std s).
void feed_pair(spread_signal& sig, double m_ab, double s_ab, double m_ba, double s_ba,
               int64_t ts = 0) {
  REQUIRE(sig.add(ts, m_ab - s_ab, m_ba - s_ba));
  REQUIRE(sig.add(ts + sec, m_ab + s_ab, m_ba + s_ba));
}

} // namespace

TEST_CASE("warm-up never reports an entry, for every model") {
  for (auto m : {signal_model::zscore, signal_model::mean_offset,
                 signal_model::vol_adjusted, signal_model::persistent}) {
    CAPTURE(static_cast<int>(m));
    spread_signal sig(params_for(m, 4));
    // persistent is fed samples above its threshold so its run is long
    // enough before the window fills; the others are fed a flat 0.
    const double sample = m == signal_model::persistent ? 100.0 : 0.0;
    const double huge = 1e6;
    auto r = sig.read(0, huge, huge);
    CHECK_FALSE(r.warm);
    CHECK_FALSE(r.entry[dir_ab]);
    CHECK_FALSE(r.entry[dir_ba]);
    CHECK_FALSE(r.exit[dir_ab]); // no samples at all: no mean, no exit
    for (int i = 0; i < 3; ++i) {
      REQUIRE(sig.add(i * sec, sample, sample));
      r = sig.read(i * sec, huge, huge);
      CHECK_FALSE(sig.warm());
      CHECK_FALSE(r.warm);
      CHECK_FALSE(r.entry[dir_ab]);
      CHECK_FALSE(r.entry[dir_ba]);
      CHECK(r.strength[dir_ab] == 0.0);
      CHECK(r.strength[dir_ba] == 0.0);
    }
    CHECK(sig.count() == 3);
    REQUIRE(sig.add(3 * sec, sample, sample));
    CHECK(sig.count() == 4);
    CHECK(sig.warm());
    r = sig.read(3 * sec, huge, huge);
    CHECK(r.warm);
    CHECK(r.entry[dir_ab]);
    CHECK(r.entry[dir_ba]);
    CHECK(r.strength[dir_ab] > 1.0);
  }
}

TEST_CASE("exit is judged during warm-up once there is a mean") {
  spread_signal sig(params_for(signal_model::mean_offset, 4));
  REQUIRE(sig.add(0, 0, 0));
  const auto r = sig.read(0, 2, 2.5); // exit: x <= mean + 2
  CHECK_FALSE(r.warm);
  CHECK(r.exit[dir_ab]);
  CHECK_FALSE(r.exit[dir_ba]);
  CHECK_FALSE(r.entry[dir_ab]);
}

TEST_CASE("zscore: boundaries, strength, threshold") {
  spread_signal sig(params_for(signal_model::zscore));
  feed_pair(sig, 0, 1, 0, 1);
  auto r = sig.read(0, 2.0, 0.5);
  REQUIRE(r.mean[dir_ab] == 0.0);
  REQUIRE(r.std[dir_ab] == 1.0);
  CHECK(r.z[dir_ab] == 2.0);
  CHECK(r.entry[dir_ab]);                 // z == z_entry enters
  CHECK(r.strength[dir_ab] == 1.0);
  CHECK(r.entry_threshold_bps[dir_ab] == 2.0);
  CHECK_FALSE(r.exit[dir_ab]);
  CHECK(r.z[dir_ba] == 0.5);
  CHECK(r.exit[dir_ba]);                  // z == z_exit exits
  CHECK_FALSE(r.entry[dir_ba]);

  r = sig.read(0, 1.999, 0.501);
  CHECK_FALSE(r.entry[dir_ab]);
  CHECK_FALSE(r.exit[dir_ba]);
  CHECK(r.strength[dir_ab] == doctest::Approx(0.9995));

  r = sig.read(0, 3.0, -4.0);
  CHECK(r.strength[dir_ab] == 1.5);
  CHECK(r.strength[dir_ba] == -2.0);
  CHECK(r.exit[dir_ba]);
}

TEST_CASE("zscore: a flat series uses the min_std floor") {
  spread_signal sig(params_for(signal_model::zscore)); // min_std_bps 0.5
  feed_pair(sig, 5, 0, 5, 0);
  auto r = sig.read(0, 6.0, 5.99);
  CHECK(r.std[dir_ab] == 0.0);            // reported raw
  CHECK(r.z[dir_ab] == 2.0);              // (6 - 5) / 0.5
  CHECK(r.entry[dir_ab]);
  CHECK(r.entry_threshold_bps[dir_ab] == 6.0);
  CHECK(std::isfinite(r.z[dir_ba]));
  CHECK_FALSE(r.entry[dir_ba]);
  r = sig.read(0, 5.25, 5.0);              // z = 0.5 -> exit
  CHECK(r.exit[dir_ab]);
  CHECK(r.z[dir_ba] == 0.0);
  CHECK(r.exit[dir_ba]);
}

TEST_CASE("mean_offset: entry at mean + offset, exit at mean + exit_offset") {
  spread_signal sig(params_for(signal_model::mean_offset)); // offset 10, exit 2
  feed_pair(sig, 15, 5, 15, 5);
  auto r = sig.read(0, 25.0, 17.0);
  REQUIRE(r.mean[dir_ab] == 15.0);
  CHECK(r.entry[dir_ab]);
  CHECK(r.strength[dir_ab] == 1.0);
  CHECK(r.entry_threshold_bps[dir_ab] == 25.0);
  CHECK_FALSE(r.exit[dir_ab]);
  CHECK(r.exit[dir_ba]);
  CHECK_FALSE(r.entry[dir_ba]);
  r = sig.read(0, 24.99, 17.01);
  CHECK_FALSE(r.entry[dir_ab]);
  CHECK_FALSE(r.exit[dir_ba]);
  r = sig.read(0, 35.0, 5.0);
  CHECK(r.strength[dir_ab] == 2.0);
  CHECK(r.strength[dir_ba] == -1.0);
}

TEST_CASE("mean_offset: the mean covers only the last window samples") {
  spread_signal sig(params_for(signal_model::mean_offset));
  feed_pair(sig, 100, 0, 100, 0);
  CHECK_FALSE(sig.read(0, 100, 100).entry[dir_ab]);
  feed_pair(sig, 0, 0, 0, 0, 2 * sec);
  const auto r = sig.read(0, 10, 10);
  CHECK(r.mean[dir_ab] == 0.0);
  CHECK(r.entry[dir_ab]);
}

TEST_CASE("vol_adjusted: minimum profit interpolates with std") {
  struct point { double std, min; };
  // vol_low 1 -> 3 bps, vol_high 10 -> 12 bps, linear in between.
  for (auto pt : {point{0, 3}, point{0.5, 3}, point{1, 3}, point{4, 6},
                  point{5.5, 7.5}, point{10, 12}, point{20, 12}}) {
    CAPTURE(pt.std);
    spread_signal sig(params_for(signal_model::vol_adjusted));
    feed_pair(sig, 0, pt.std, 0, pt.std);
    auto r = sig.read(0, pt.min, pt.min - 0.01);
    REQUIRE(r.std[dir_ab] == pt.std);
    CHECK(r.entry_threshold_bps[dir_ab] == doctest::Approx(pt.min).epsilon(1e-12));
    CHECK(r.entry[dir_ab] == (pt.min >= r.entry_threshold_bps[dir_ab]));
    CHECK_FALSE(r.entry[dir_ba]);
    r = sig.read(0, pt.min + 0.01, 2 * pt.min);
    CHECK(r.entry[dir_ab]);
    CHECK(r.strength[dir_ba] == doctest::Approx(2.0).epsilon(1e-12));
  }
}

TEST_CASE("vol_adjusted: exact boundary, strength, exit at the mean") {
  spread_signal sig(params_for(signal_model::vol_adjusted));
  feed_pair(sig, 4, 1, 4, 1); // std 1 = vol_low: min 3
  auto r = sig.read(0, 3.0, 2.99);
  CHECK(r.entry[dir_ab]);
  CHECK(r.strength[dir_ab] == 1.0);
  CHECK_FALSE(r.entry[dir_ba]);
  CHECK(r.exit[dir_ab]);        // 3 <= mean 4
  r = sig.read(0, 4.0, 4.01);
  CHECK(r.exit[dir_ab]);        // == mean
  CHECK_FALSE(r.exit[dir_ba]);
  CHECK(r.strength[dir_ab] == doctest::Approx(4.0 / 3.0));
  r = sig.read(0, 9.0, -3.0);
  CHECK(r.strength[dir_ab] == 3.0);
  CHECK(r.strength[dir_ba] == -1.0);
}

TEST_CASE("persistent: needs N consecutive samples, a dip resets") {
  spread_signal sig(params_for(signal_model::persistent)); // 20 bps x 3
  REQUIRE(sig.add(0, 25, 0));
  REQUIRE(sig.add(1 * sec, 25, 0));
  CHECK(sig.warm());
  CHECK(sig.persist_count(dir_ab) == 2);
  CHECK_FALSE(sig.read(1 * sec, 25, 0).entry[dir_ab]);
  REQUIRE(sig.add(2 * sec, 25, 0));
  auto r = sig.read(2 * sec, 25, 0);
  CHECK(r.entry[dir_ab]);
  CHECK_FALSE(r.entry[dir_ba]);
  CHECK(r.strength[dir_ab] == 1.25);
  CHECK(r.entry_threshold_bps[dir_ab] == 20.0);
  CHECK(sig.read(2 * sec, 20, 0).entry[dir_ab]);        // >= threshold
  CHECK_FALSE(sig.read(2 * sec, 19.99, 0).entry[dir_ab]); // current x too low

  REQUIRE(sig.add(3 * sec, 19.99, 0)); // dip
  CHECK(sig.persist_count(dir_ab) == 0);
  CHECK_FALSE(sig.read(3 * sec, 30, 0).entry[dir_ab]);
  REQUIRE(sig.add(4 * sec, 20, 0));
  REQUIRE(sig.add(5 * sec, 20, 0));
  CHECK_FALSE(sig.read(5 * sec, 30, 0).entry[dir_ab]);
  REQUIRE(sig.add(6 * sec, 20, 0));   // exactly at threshold counts
  r = sig.read(6 * sec, 30, 0);
  CHECK(r.entry[dir_ab]);
  CHECK(r.strength[dir_ab] == 1.5);
}

TEST_CASE("persistent: cooldown blocks both directions, then allows again") {
  spread_signal sig(params_for(signal_model::persistent)); // cooldown 10 s
  for (int i = 0; i < 3; ++i)
    REQUIRE(sig.add(i * sec, 30, 30));
  const int64_t t0 = 100 * sec;
  auto r = sig.read(t0, 30, 30);
  REQUIRE(r.entry[dir_ab]);
  REQUIRE(r.entry[dir_ba]);
  sig.on_entry(dir_ab, t0);
  CHECK(sig.cooldown_until() == t0 + 10 * sec);
  CHECK(sig.persist_count(dir_ab) == 0); // counters reset
  CHECK(sig.persist_count(dir_ba) == 0);
  r = sig.read(t0, 30, 30);
  CHECK_FALSE(r.entry[dir_ab]);
  CHECK_FALSE(r.entry[dir_ba]);
  for (int i = 1; i <= 3; ++i)
    REQUIRE(sig.add(t0 + i * sec, 30, 30));
  r = sig.read(t0 + 10 * sec - 1, 30, 30);
  CHECK_FALSE(r.entry[dir_ab]);
  CHECK_FALSE(r.entry[dir_ba]);
  CHECK(r.strength[dir_ab] == 1.5); // strength still shown
  r = sig.read(t0 + 10 * sec, 30, 30);
  CHECK(r.entry[dir_ab]);
  CHECK(r.entry[dir_ba]);
}

TEST_CASE("persistent: the run must be rebuilt after an entry") {
  spread_signal sig(params_for(signal_model::persistent));
  for (int i = 0; i < 3; ++i)
    REQUIRE(sig.add(i * sec, 30, 0));
  sig.on_entry(dir_ab, 3 * sec);
  REQUIRE(sig.add(20 * sec, 30, 0));
  REQUIRE(sig.add(21 * sec, 30, 0));
  CHECK_FALSE(sig.read(22 * sec, 30, 0).entry[dir_ab]); // cooldown over, run 2
  REQUIRE(sig.add(22 * sec, 30, 0));
  CHECK(sig.read(22 * sec, 30, 0).entry[dir_ab]);
}

TEST_CASE("persistent: exit at mean + persistent_exit_bps") {
  spread_signal sig(params_for(signal_model::persistent)); // exit +1
  feed_pair(sig, 20, 10, 20, 10);
  const auto r = sig.read(0, 21, 21.01);
  CHECK(r.exit[dir_ab]);
  CHECK_FALSE(r.exit[dir_ba]);
}

TEST_CASE("on_entry does not affect the other models") {
  spread_signal sig(params_for(signal_model::mean_offset));
  feed_pair(sig, 0, 0, 0, 0);
  sig.on_entry(dir_ab, 0);
  const auto r = sig.read(1, 10, 10);
  CHECK(r.entry[dir_ab]);
  CHECK(r.entry[dir_ba]);
}

TEST_CASE("read() uses the current x, not the last sample") {
  spread_signal sig(params_for(signal_model::mean_offset, 3));
  for (int i = 0; i < 3; ++i)
    REQUIRE(sig.add(i * sec, 0, 0));
  CHECK(sig.read(3 * sec, 10, 0).entry[dir_ab]);
  CHECK_FALSE(sig.read(3 * sec, 5, 0).entry[dir_ab]);
  REQUIRE(sig.add(3 * sec, 30, 30)); // mean now 10
  auto r = sig.read(3 * sec, 0, 20);
  CHECK_FALSE(r.entry[dir_ab]);      // last sample was 30, current 0
  CHECK(r.exit[dir_ab]);
  CHECK(r.entry[dir_ba]);            // 20 >= 10 + 10
  CHECK(sig.count() == 3);           // reads do not sample

  spread_signal z(params_for(signal_model::zscore));
  feed_pair(z, 0, 1, 0, 1);
  CHECK(z.read(0, 2, 0).entry[dir_ab]);
  CHECK_FALSE(z.read(0, 1, 0).entry[dir_ab]);
}

TEST_CASE("the two directions are independent") {
  spread_signal sig(params_for(signal_model::mean_offset));
  feed_pair(sig, 0, 0, 100, 0);
  auto r = sig.read(0, 10, 100);
  CHECK(r.mean[dir_ab] == 0.0);
  CHECK(r.mean[dir_ba] == 100.0);
  CHECK(r.entry[dir_ab]);
  CHECK_FALSE(r.entry[dir_ba]);
  CHECK_FALSE(r.exit[dir_ab]);
  CHECK(r.exit[dir_ba]);
  r = sig.read(0, 0, 110);
  CHECK_FALSE(r.entry[dir_ab]);
  CHECK(r.exit[dir_ab]);
  CHECK(r.entry[dir_ba]);
  CHECK(r.strength[dir_ab] == 0.0);
  CHECK(r.strength[dir_ba] == 1.0);
}

TEST_CASE("tranche_allowed and tranches_for") {
  spread_signal sig(params_for(signal_model::zscore)); // step 0.5
  CHECK(sig.tranche_allowed(1.0, 0));
  CHECK_FALSE(sig.tranche_allowed(0.999, 0));
  CHECK(sig.tranche_allowed(1.5, 1));
  CHECK_FALSE(sig.tranche_allowed(1.49, 1));
  CHECK(sig.tranche_allowed(2.0, 2));
  CHECK_FALSE(sig.tranche_allowed(1.99, 2));
  CHECK(sig.tranches_for(0.0, 3) == 0);
  CHECK(sig.tranches_for(0.99, 3) == 0);
  CHECK(sig.tranches_for(1.0, 3) == 1);
  CHECK(sig.tranches_for(1.49, 3) == 1);
  CHECK(sig.tranches_for(1.5, 3) == 2);
  CHECK(sig.tranches_for(2.0, 3) == 3);
  CHECK(sig.tranches_for(50.0, 3) == 3);
  CHECK(sig.tranches_for(50.0, 1) == 1);
  CHECK(sig.tranches_for(50.0, 0) == 0);

  auto p = params_for(signal_model::zscore);
  p.tranche_step = 0.25;
  spread_signal fine(p);
  CHECK(fine.tranches_for(1.25, 3) == 2);
  CHECK(fine.tranches_for(1.5, 3) == 3);
}

TEST_CASE("reset() restarts warm-up and clears the cooldown") {
  spread_signal sig(params_for(signal_model::persistent));
  for (int i = 0; i < 3; ++i)
    REQUIRE(sig.add(i * sec, 30, 30));
  sig.on_entry(dir_ba, 3 * sec);
  sig.reset();
  CHECK(sig.count() == 0);
  CHECK_FALSE(sig.warm());
  CHECK(sig.window() == 2);
  CHECK(sig.sample_due(3 * sec));
  for (int i = 0; i < 3; ++i)
    REQUIRE(sig.add((4 + i) * sec, 30, 30));
  CHECK(sig.read(7 * sec, 30, 30).entry[dir_ab]); // no leftover cooldown
}

TEST_CASE("window 0 is treated as 1; params() and window() reflect it") {
  auto p = params_for(signal_model::mean_offset, 0);
  spread_signal sig(p);
  CHECK(sig.window() == 1);
  CHECK(sig.params().offset_bps == 10);
  CHECK(sig.params().model == signal_model::mean_offset);
  REQUIRE(sig.add(0, 0, 0));
  CHECK(sig.warm());
  CHECK(sig.read(0, 10, 0).entry[dir_ab]);
}

TEST_CASE("non-finite values: the sample is dropped, reads give no signal") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  spread_signal sig(params_for(signal_model::mean_offset));
  CHECK_FALSE(sig.add(0, nan, 1));
  CHECK_FALSE(sig.add(0, 1, inf));
  CHECK(sig.count() == 0);
  CHECK(sig.sample_due(0));
  feed_pair(sig, 0, 0, 0, 0);
  const auto r = sig.read(0, nan, inf);
  CHECK_FALSE(r.entry[dir_ab]);
  CHECK_FALSE(r.exit[dir_ab]);
  CHECK_FALSE(r.entry[dir_ba]);
  CHECK(r.strength[dir_ba] == 0.0);
  CHECK(r.z[dir_ab] == 0.0);
}

TEST_CASE("sample_due follows sample_interval_ns") {
  auto p = params_for(signal_model::zscore);
  p.sample_interval_ns = 250'000'000;
  spread_signal sig(p);
  CHECK(sig.sample_due(5 * sec));
  REQUIRE(sig.add(5 * sec, 0, 0));
  CHECK(sig.last_sample_ts() == 5 * sec);
  CHECK_FALSE(sig.sample_due(5 * sec + 249'999'999));
  CHECK(sig.sample_due(5 * sec + 250'000'000));
}
