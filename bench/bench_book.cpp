// Order book hot path. Target: one level update <= 10 ns median.
//
// Workload (documented in docs/BENCHMARKS.md): 500 levels per side on a
// 0.1 tick grid around 65000; a precomputed stream of level updates where the
// level's distance from the initial best is geometric (p = 0.25, mean ~3
// levels) for 90% of updates and uniform over the top 200 levels for 10%;
// 30% of updates are deletes (qty 0), the rest set a random size (inserting
// into holes left by earlier deletes). The stream is replayed cyclically, so
// the top of the book settles at ~70% occupancy with holes, as in a live feed.
#include "core/order_book.hpp"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

namespace {

using namespace xarb;

constexpr int levels_per_side = 500;
constexpr int64_t tick = 100'000'000; // 0.1
constexpr int64_t best_bid0 = 65'000 * decimal_scale;
constexpr int64_t best_ask0 = best_bid0 + tick;

struct update {
  book_side side;
  price px;
  quantity qty;
};

book_snapshot initial_snapshot() {
  book_snapshot s;
  s.seq = 1;
  for (int i = 0; i < levels_per_side; ++i) {
    const auto q = quantity::from_raw((1 + i % 7) * 100'000'000);
    s.bids.push_back({price::from_raw(best_bid0 - i * tick), q});
    s.asks.push_back({price::from_raw(best_ask0 + i * tick), q});
  }
  return s;
}

std::vector<update> make_updates(std::size_t n, uint64_t seed) {
  std::mt19937_64 rng{seed};
  std::geometric_distribution<int> near{0.25};
  std::uniform_int_distribution<int> far{0, 199};
  std::uniform_real_distribution<double> u{0, 1};
  std::uniform_int_distribution<int64_t> size{1, 5000};
  std::vector<update> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int k = u(rng) < 0.9 ? std::min(near(rng), levels_per_side - 1) : far(rng);
    const bool bid = (rng() & 1) != 0;
    const int64_t p = bid ? best_bid0 - k * tick : best_ask0 + k * tick;
    const int64_t q = u(rng) < 0.3 ? 0 : size(rng) * 1'000'000;
    out.push_back({bid ? book_side::bid : book_side::ask, price::from_raw(p),
                   quantity::from_raw(q)});
  }
  return out;
}

// One benchmark iteration = a batch of `batch` consecutive updates, so the
// framework's per-iteration bookkeeping is not charged to the book. The
// per-update time is the "per_update" counter (= Time / batch).
constexpr std::size_t batch = 256;

void BM_book_level_update(benchmark::State& state) {
  order_book book;
  if (book.apply(initial_snapshot()) != error_code::none)
    state.SkipWithError("bad snapshot");
  const auto updates = make_updates(1 << 16, 42);
  // Warm up into the steady state (holes near the top).
  for (const auto& u : updates)
    book.set_level(u.side, u.px, u.qty);
  const update* const first = updates.data();
  const update* const last = first + updates.size();
  const update* next = first;
  // The book's own writes are the observable work; results are summed and
  // consumed once, so no per-update memory clobber inflates the time.
  unsigned changed = 0;
  for (auto _ : state) {
    for (const update* u = next; u != next + batch; ++u)
      changed += book.set_level(u->side, u->px, u->qty);
    next = next + batch == last ? first : next + batch;
  }
  benchmark::DoNotOptimize(changed);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch));
  state.counters["per_update"] = benchmark::Counter(
    static_cast<double>(batch),
    benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["bid_levels"] = static_cast<double>(book.levels(book_side::bid));
}

void BM_book_delta_apply_10(benchmark::State& state) {
  order_book book;
  if (book.apply(initial_snapshot()) != error_code::none)
    state.SkipWithError("bad snapshot");
  // 10-level deltas (both sides mixed) built from the same update stream.
  const auto updates = make_updates(10 << 12, 7);
  std::vector<book_delta> deltas(1 << 12);
  for (std::size_t d = 0; d < deltas.size(); ++d) {
    for (std::size_t j = 0; j < 10; ++j) {
      const auto& u = updates[d * 10 + j];
      (u.side == book_side::bid ? deltas[d].bids : deltas[d].asks).push_back({u.px, u.qty});
    }
  }
  uint64_t seq = book.seq();
  std::size_t i = 0;
  unsigned errors = 0;
  for (auto _ : state) {
    auto& d = deltas[i];
    d.seq = ++seq; // contiguous (first_seq = prev_seq = 0)
    errors += book.apply(d) != error_code::none;
    i = (i + 1) & ((1 << 12) - 1);
  }
  if (errors != 0)
    state.SkipWithError("delta rejected");
  if (!book.synced())
    state.SkipWithError("book lost sync");
  state.SetItemsProcessed(state.iterations() * 10);
}

void BM_book_estimate(benchmark::State& state) {
  order_book book;
  if (book.apply(initial_snapshot()) != error_code::none)
    state.SkipWithError("bad snapshot");
  // Size that walks ~state.range(0) levels (level sizes average 0.4).
  const auto qty = quantity::from_raw(state.range(0) * 400'000'000);
  for (auto _ : state)
    benchmark::DoNotOptimize(book.estimate(side::buy, qty));
}

void BM_book_snapshot_apply_500(benchmark::State& state) {
  order_book book;
  const auto snap = initial_snapshot();
  for (auto _ : state)
    benchmark::DoNotOptimize(book.apply(snap));
  state.SetItemsProcessed(state.iterations() * 2 * levels_per_side);
}

} // namespace

BENCHMARK(BM_book_level_update);
BENCHMARK(BM_book_delta_apply_10);
BENCHMARK(BM_book_estimate)->Arg(1)->Arg(10);
BENCHMARK(BM_book_snapshot_apply_500);

BENCHMARK_MAIN();
