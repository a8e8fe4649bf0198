// Venue codecs (issue 9): parse + apply of one book message per venue.
// Target: a 20-level delta (10 bids + 10 asks changed) decoded, synced and
// applied to the book in <= 0.5 us (median of the repetitions' means).
//
// Each venue's mock protocol encodes the frames the real venue sends
// (bench/codec_fixture.hpp has the workload: a 50-level BTC book, changes
// near the top); the timed loop is what a venue session does per received
// frame: md_codec::decode -> feed_sync (sequence bridge, canonical units)
// -> order_book::apply (+ the CRC32 check where the venue sends checksums).
// Rows:
//   delta/<venue>        the whole path for a book message (snapshot venues:
//                        their full top-N book message)
//   delta_checksum/<v>   the same plus the session's check of the venue's
//                        book checksum (OKX, Bitget: top 25 levels, CRC32)
//   decode_only/<venue>  the codec alone, into a handler that does nothing
//   top/<venue>          a best-bid/offer frame through codec + feed_sync
// The frames are replayed in order; every 2048 frames the book is put back
// to its starting point outside the timing. A row whose replay produced a
// book error fails.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <simdjson.h>

#include "bench/codec_fixture.hpp"
#include "venues/common/md_codec.hpp"

namespace {

using namespace xarb;
using xarb::bench::codec_fixture;

constexpr std::size_t run_frames = 2048;

#define XARB_STR2(x) #x
#define XARB_STR(x) XARB_STR2(x)

struct null_handler final : venues::md_handler {
  uint64_t calls = 0;
  void on_snapshot(const book_snapshot&) override { ++calls; }
  void on_delta(const book_delta&, std::optional<int32_t>) override { ++calls; }
  void on_top(const top_of_book&) override { ++calls; }
  void on_mark(const venues::mark_update&) override { ++calls; }
};

void report(benchmark::State& state, std::size_t bytes) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["frame_bytes"] = static_cast<double>(bytes);
}

/// `verify`: check the venue's book checksums after applying, as the
/// session does (OKX, Bitget); the target row is without (parse + apply).
__attribute__((noinline)) void run_delta(benchmark::State& state, codec_fixture* fx, bool verify) {
  auto& frames = fx->book_frames();
  fx->sink().verify = verify ? &fx->sync() : nullptr;
  const auto checks0 = fx->sink().checksums;
  fx->rewind();
  const auto errors0 = fx->sink().errors;
  std::size_t i = 0;
  venues::decode_result res;
  timestamp_ns recv = 1;
  for (auto _ : state) {
    if (i == frames.size()) {
      state.PauseTiming();
      fx->rewind();
      i = 0;
      state.ResumeTiming();
    }
    fx->codec().decode(frames[i++], ++recv, fx->sync(), res);
  }
  if (fx->sink().errors != errors0 || res.kind != venues::frame_kind::data)
    state.SkipWithError("book errors during the replay");
  report(state, fx->mean_book_frame_bytes());
  if (verify && fx->sink().checksums == checks0)
    state.SkipWithError("no checksum was verified");
  fx->sink().verify = nullptr;
}

__attribute__((noinline)) void bm_delta(benchmark::State& state, codec_fixture* fx) {
  run_delta(state, fx, false);
}

__attribute__((noinline)) void bm_delta_checksum(benchmark::State& state, codec_fixture* fx) {
  run_delta(state, fx, true);
}

__attribute__((noinline)) void bm_decode_only(benchmark::State& state, codec_fixture* fx) {
  auto& frames = fx->book_frames();
  null_handler h;
  std::size_t i = 0;
  venues::decode_result res;
  for (auto _ : state) {
    if (i == frames.size())
      i = 0;
    fx->codec().decode(frames[i++], 1, h, res);
  }
  if (h.calls == 0)
    state.SkipWithError("nothing decoded");
  report(state, fx->mean_book_frame_bytes());
}

__attribute__((noinline)) void bm_top(benchmark::State& state, codec_fixture* fx) {
  auto& frames = fx->top_frames();
  const auto tops0 = fx->sink().tops;
  std::size_t i = 0;
  std::size_t bytes = 0;
  for (const auto& f : frames)
    bytes += f.size();
  venues::decode_result res;
  for (auto _ : state) {
    if (i == frames.size())
      i = 0;
    fx->codec().decode(frames[i++], 1, fx->sync(), res);
  }
  if (fx->sink().tops == tops0)
    state.SkipWithError("no BBO reached feed_sync");
  report(state, bytes / frames.size());
}

} // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  // simdjson On-Demand (what the codecs use) is compiled for the "builtin"
  // kernel chosen by the compiler flags, not dispatched at run time.
  const std::string active{simdjson::get_active_implementation()->name()};
  benchmark::AddCustomContext("simdjson_version", XARB_STR(SIMDJSON_VERSION));
  benchmark::AddCustomContext("simdjson_ondemand_kernel", XARB_STR(SIMDJSON_BUILTIN_IMPLEMENTATION));
  benchmark::AddCustomContext("simdjson_runtime_dom_kernel", active);
  std::vector<std::unique_ptr<codec_fixture>> fixtures;
  for (auto name : venues::codec_names()) {
    try {
      fixtures.push_back(std::make_unique<codec_fixture>(std::string{name}, run_frames));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bench_codecs: %s\n", e.what());
      return 1;
    }
  }
  // XARB_BENCH_ITERATIONS=N: exactly N messages per row (instruction counts
  // under valgrind --tool=callgrind --toggle-collect='*bm_*').
  const char* fixed = std::getenv("XARB_BENCH_ITERATIONS");
  const auto iterations = fixed ? std::max<int64_t>(1, std::atoll(fixed)) : 0;
  auto add = [&](const std::string& name, auto fn, codec_fixture* fx) {
    auto* b = benchmark::RegisterBenchmark(name.c_str(), fn, fx);
    if (iterations > 0)
      b->Iterations(iterations);
    // The fastest repetition: the least disturbed by other load on a shared VM.
    b->ComputeStatistics("min", [](const std::vector<double>& v) {
      return *std::min_element(v.begin(), v.end());
    });
  };
  for (auto& fx : fixtures)
    add("delta/" + fx->venue(), bm_delta, fx.get());
  for (auto& fx : fixtures)
    if (fx->checksums())
      add("delta_checksum/" + fx->venue(), bm_delta_checksum, fx.get());
  for (auto& fx : fixtures)
    add("decode_only/" + fx->venue(), bm_decode_only, fx.get());
  for (auto& fx : fixtures)
    if (!fx->top_frames().empty())
      add("top/" + fx->venue(), bm_top, fx.get());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
