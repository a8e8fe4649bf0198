// Storage throughput (issue 5, point 7): sustained events/s into RocksDB with
// the WAL on, in the batches the storage_sink writes, and the write-ahead
// journal of one engine step (both legs' intent -> sent) with and without
// fsync. Plain main(): it measures a sustained rate, not a micro operation.
//   bench_storage [--seconds S] [--batch N] [--dir DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "actors/storage/store.hpp"

namespace {

using namespace xarb;
using clk = std::chrono::steady_clock;

struct options {
  double seconds = 5;
  std::size_t batch = 1000;
  std::string dir;
};

event sample_event(timestamp_ns ts, uint64_t i) {
  return event{ts, severity::info, "pair/BTC-PERP:sim-a/sim-b",
               "open tranche 1/3 ab (sell A, buy B) size 0.01: edge 12.34 bps #" + std::to_string(i)};
}

order_update sample_update(timestamp_ns ts, int leg, uint64_t i) {
  order_update u;
  u.pair_id = "BTC-PERP:sim-a/sim-b";
  u.client_id = "xarb3f9a1c0mhq2k1x" + std::to_string(100000 + i * 2 + leg);
  u.venue = leg == 0 ? "sim-a" : "sim-b";
  u.symbol = "BTC-PERP";
  u.sd = leg == 0 ? side::sell : side::buy;
  u.px = price::from_raw(65'000'500'000'000);
  u.qty = quantity::from_raw(10'000'000);
  u.from = order_state::intent;
  u.to = order_state::sent;
  u.ts = ts;
  return u;
}

double bulk(storage::store& s, const options& opt) {
  uint64_t n = 0;
  const auto t0 = clk::now();
  const auto end = t0 + std::chrono::duration<double>(opt.seconds);
  timestamp_ns ts = 1'800'000'000'000'000'000;
  while (clk::now() < end) {
    storage::batch b;
    for (std::size_t k = 0; k < opt.batch; ++k)
      b.add(sample_event(ts++, n++));
    if (auto err = s.write(std::move(b))) {
      std::fprintf(stderr, "write failed: %s\n", err.message.c_str());
      std::exit(1);
    }
  }
  const double secs = std::chrono::duration<double>(clk::now() - t0).count();
  return static_cast<double>(n) / secs;
}

/// Latency of journaling one engine step (2 orders, intent -> sent).
void journal(storage::store& s, const options& opt, const char* label) {
  std::vector<double> us;
  const auto t0 = clk::now();
  const auto end = t0 + std::chrono::duration<double>(opt.seconds / 2);
  timestamp_ns ts = 1'900'000'000'000'000'000;
  uint64_t i = 0;
  while (clk::now() < end) {
    std::vector<order_update> step{sample_update(ts, 0, i), sample_update(ts, 1, i)};
    ++ts;
    ++i;
    const auto a = clk::now();
    if (auto err = s.journal(step)) {
      std::fprintf(stderr, "journal failed: %s\n", err.message.c_str());
      std::exit(1);
    }
    us.push_back(std::chrono::duration<double, std::micro>(clk::now() - a).count());
  }
  std::sort(us.begin(), us.end());
  auto q = [&](double p) { return us[static_cast<std::size_t>(p * (us.size() - 1))]; };
  std::printf("journal %-9s %8zu steps  p50 %8.1f us  p99 %8.1f us\n", label, us.size(), q(0.5),
              q(0.99));
}

} // namespace

int main(int argc, char** argv) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a.starts_with("--benchmark_"))
      continue; // `make bench` passes Google Benchmark flags to every bench_*
    if (a == "--seconds")
      opt.seconds = std::atof(value().c_str());
    else if (a == "--batch")
      opt.batch = static_cast<std::size_t>(std::atol(value().c_str()));
    else if (a == "--dir")
      opt.dir = value();
    else {
      std::fprintf(stderr, "usage: bench_storage [--seconds S] [--batch N] [--dir DIR]\n");
      return 2;
    }
  }
  const bool temp = opt.dir.empty();
  if (temp)
    opt.dir = (std::filesystem::temp_directory_path()
               / ("xarb-bench-storage-" + std::to_string(::getpid())))
                .string();
  for (bool sync : {false, true}) {
    storage::store_options so;
    so.dir = opt.dir + (sync ? "/sync" : "/nosync");
    so.sync_journal = sync;
    auto s = storage::store::open(so);
    if (!s) {
      std::fprintf(stderr, "open failed: %s\n", s.error().message.c_str());
      return 1;
    }
    if (!sync)
      std::printf("bulk events (WAL on, batches of %zu): %.0f events/s\n", opt.batch,
                  bulk(**s, opt));
    journal(**s, opt, sync ? "fsync" : "no-fsync");
  }
  if (temp)
    std::filesystem::remove_all(opt.dir);
  return 0;
}
