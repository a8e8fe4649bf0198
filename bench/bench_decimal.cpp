// Decimal field parsing/formatting: the per-field cost of turning a venue's
// price/size strings into exact fixed-point values. Target: parse <= 20 ns.
#include "messages/decimal.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <string_view>

namespace {

using xarb::price;

/// Hides a value from the optimiser without the "memory" clobber of
/// benchmark::DoNotOptimize, which costs more than a ~10 ns parse. Results
/// are summed and consumed once per run instead.
template <class T>
inline void opaque(T& v) {
  asm volatile("" : "+r"(v));
}

// One realistic string per benchmark (the three of the brief).
void parse_one(benchmark::State& state, std::string_view text) {
  int64_t sum = 0;
  for (auto _ : state) {
    const char* data = text.data();
    opaque(data); // the parser cannot be hoisted out of the loop
    price p;
    (void) price::parse(std::string_view{data, text.size()}, p);
    sum += p.raw();
  }
  benchmark::DoNotOptimize(sum);
}

void BM_parse_65432_10(benchmark::State& state) { parse_one(state, "65432.10"); }
void BM_parse_0_00012345(benchmark::State& state) { parse_one(state, "0.00012345"); }
void BM_parse_1234_5678(benchmark::State& state) { parse_one(state, "1234.5678"); }

// A rotating mix of price/size fields as they appear in the recorded venue
// frames (Binance, Bybit, OKX, Hyperliquid, Lighter, GRVT): defeats the
// branch predictor learning a single string.
constexpr std::array<std::string_view, 16> mix{
  "65432.10", "0.00012345", "1234.5678", "11794.15000000", "0.0024",     "16493.50",
  "0.006",    "68674.0",    "0.97139",   "2.1105",         "87474.3",    "3.825",
  "25.35190000", "31.21000000", "2325.00", "99.0000"};

void BM_parse_mix(benchmark::State& state) {
  int64_t sum = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    price p;
    (void) price::parse(mix[i], p);
    sum += p.raw();
    i = (i + 1) % mix.size();
  }
  benchmark::DoNotOptimize(sum);
}

void BM_format_shortest(benchmark::State& state) {
  const auto p = price::from_string("65432.1").value();
  char buf[32];
  for (auto _ : state) {
    benchmark::DoNotOptimize(xarb::detail::format_nanos(p.raw(), buf));
    benchmark::ClobberMemory();
  }
}

void BM_notional(benchmark::State& state) {
  const auto p = price::from_string("65432.1").value();
  const auto q = xarb::quantity::from_string("0.123").value();
  for (auto _ : state)
    benchmark::DoNotOptimize(xarb::notional(p, q));
}

} // namespace

BENCHMARK(BM_parse_65432_10);
BENCHMARK(BM_parse_0_00012345);
BENCHMARK(BM_parse_1234_5678);
BENCHMARK(BM_parse_mix);
BENCHMARK(BM_format_shortest);
BENCHMARK(BM_notional);

BENCHMARK_MAIN();
