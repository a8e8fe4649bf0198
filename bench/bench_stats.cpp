// Rolling statistics on the pair_trader's spread stream: one sample in, mean /
// std / z out. The window of 600 is e.g. 10 minutes of 1 s samples.
#include "core/ewma.hpp"
#include "core/rolling_stats.hpp"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

namespace {

std::vector<double> spread_samples(std::size_t n) {
  std::mt19937_64 rng{1};
  std::normal_distribution<double> noise{0.0, 2e-4};
  std::vector<double> xs(n);
  for (auto& x : xs)
    x = 1e-4 + noise(rng);
  return xs;
}

void BM_rolling_stats_add(benchmark::State& state) {
  xarb::rolling_stats s{static_cast<std::size_t>(state.range(0))};
  const auto xs = spread_samples(1 << 14);
  for (double x : xs)
    s.add(x); // start full: the steady state evicts on every add
  std::size_t i = 0;
  for (auto _ : state) {
    s.add(xs[i]); // state change is the work; consumed below
    i = (i + 1) & ((1 << 14) - 1);
  }
  benchmark::DoNotOptimize(s.mean());
}

void BM_rolling_stats_add_z(benchmark::State& state) {
  xarb::rolling_stats s{static_cast<std::size_t>(state.range(0))};
  const auto xs = spread_samples(1 << 14);
  for (double x : xs)
    s.add(x);
  std::size_t i = 0;
  double z = 0;
  for (auto _ : state) {
    s.add(xs[i]);
    z += s.z_score(xs[i]);
    i = (i + 1) & ((1 << 14) - 1);
  }
  benchmark::DoNotOptimize(z);
}

void BM_ewma_halflife_add(benchmark::State& state) {
  xarb::ewma_halflife e{60'000'000'000};
  const auto xs = spread_samples(1 << 14);
  std::size_t i = 0;
  for (auto _ : state) {
    e.add(xs[i], 100'000'000);
    i = (i + 1) & ((1 << 14) - 1);
  }
  benchmark::DoNotOptimize(e.mean());
}

} // namespace

BENCHMARK(BM_rolling_stats_add)->Arg(600);
BENCHMARK(BM_rolling_stats_add_z)->Arg(600);
BENCHMARK(BM_ewma_halflife_add);

BENCHMARK_MAIN();
