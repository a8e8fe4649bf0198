// The risk checks on the hot path (core/risk/pair_gate.hpp) and the guard's
// evaluation cycle (core/risk/risk_book.hpp). docs/BENCHMARKS.md.
#include "core/risk/pair_gate.hpp"
#include "core/risk/risk_book.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using namespace xarb;

constexpr timestamp_ns t0 = 1'800'000'000'000'000'000;

risk_permit active_permit() {
  risk_permit p;
  p.pair_id = "BTC-PERP:sim-a/sim-b";
  p.version = 1;
  p.state = trade_state::active;
  p.entries = true;
  p.cap_ab = money::from_units(1020);
  p.cap_ba = money::from_units(1020);
  p.max_order_notional = money::from_units(5000);
  p.price_band_bps = 200;
  p.max_book_age_ns = 2'000'000'000;
  p.fast_move_pct = 0.5;
  p.fast_window_ns = 1'000'000'000;
  p.fast_freeze_ns = 30'000'000'000;
  p.valid_until = t0 + 3'600'000'000'000;
  return p;
}

risk::pair_gate make_gate(bool with_limiter) {
  risk::pair_gate g{true};
  g.set_permit(active_permit(), t0);
  for (int leg = 0; leg < 2; ++leg)
    g.set_rules(leg, {price::from_raw(100'000'000), quantity::from_raw(1'000'000),
                      quantity::from_raw(1'000'000), money::from_units(5)});
  if (with_limiter) {
    risk::rate_limit_config rl;
    rl.orders_per_s = 1'000'000'000;
    rl.orders_burst = 1'000'000'000;
    rl.weight_per_min = 1'000'000'000;
    rl.weight_burst = 1'000'000'000;
    for (int leg = 0; leg < 2; ++leg)
      g.set_limiter(leg, std::make_shared<risk::venue_rate_limiter>("sim", "k", rl, t0));
  }
  return g;
}

/// Per book update: the fast-market detector of one leg (both legs alternate).
void BM_gate_on_mid(benchmark::State& state) {
  auto g = make_gate(false);
  timestamp_ns now = t0;
  double mid = 65000;
  int leg = 0;
  for (auto _ : state) {
    now += 50'000'000; // 20 updates per second per leg
    mid += (leg ? 0.5 : -0.5);
    g.on_mid(leg, mid, now);
    leg ^= 1;
  }
  benchmark::DoNotOptimize(g.fast_market(now));
}

/// Per entry decision: every entry rule.
void BM_gate_entry_refusal(benchmark::State& state) {
  auto g = make_gate(false);
  const money commit = money::from_units(1000);
  for (auto _ : state) {
    auto why = g.entry_refusal(0, commit, 20'000'000, 30'000'000, t0 + 1);
    benchmark::DoNotOptimize(why);
  }
}

/// Per order: validity, state, band, cap, and the venue key's budget.
void BM_gate_check_order(benchmark::State& state) {
  auto g = make_gate(state.range(0) != 0);
  risk::order_check o;
  o.leg = 0;
  o.sd = side::sell;
  o.px = price::from_raw(65'000'000'000'000);
  o.qty = quantity::from_raw(15'000'000);
  o.reference = price::from_raw(65'001'000'000'000);
  for (auto _ : state) {
    auto err = g.check_order(o, t0 + 1);
    benchmark::DoNotOptimize(err);
  }
}

/// The guard's cycle with N pairs reporting (3 venues x N/3 symbols).
void BM_risk_book_evaluate(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  risk::risk_config cfg;
  cfg.max_total_gross = money::zero();
  cfg.max_symbol_gross = money::zero();
  risk::risk_book book{cfg, {"sim-a", "sim-b", "sim-c"}};
  const char* venues[3][2] = {{"sim-a", "sim-b"}, {"sim-a", "sim-c"}, {"sim-b", "sim-c"}};
  timestamp_ns now = t0;
  std::vector<pair_risk_report> reports;
  for (int i = 0; i < n; ++i) {
    pair_risk_report r;
    r.symbol = "S" + std::to_string(i / 3) + "-PERP";
    r.venue_a = venues[i % 3][0];
    r.venue_b = venues[i % 3][1];
    r.pair_id = r.symbol + ":" + r.venue_a + "/" + r.venue_b;
    r.mark_a = price::from_units(100);
    r.mark_b = price::from_units(100);
    r.tranche_notional = money::from_units(100);
    r.mode = "normal_arb";
    r.book_age_a_ns = r.book_age_b_ns = 10'000'000;
    reports.push_back(r);
  }
  for (auto& r : reports)
    book.on_report(r, now);
  std::size_t i = 0;
  for (auto _ : state) {
    now += 1'000'000;
    auto& r = reports[i++ % reports.size()];
    r.ts = now;
    book.on_report(r, now);
    book.evaluate(now);
    auto permits = book.take_permits(now);
    benchmark::DoNotOptimize(permits);
    book.take_events();
  }
}

} // namespace

BENCHMARK(BM_gate_on_mid);
BENCHMARK(BM_gate_entry_refusal);
BENCHMARK(BM_gate_check_order)->Arg(0)->Arg(1);
BENCHMARK(BM_risk_book_evaluate)->Arg(15)->Arg(150);
BENCHMARK_MAIN();
