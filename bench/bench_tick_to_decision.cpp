// Tick to decision through the real actor pipeline (issue 3, point 10): two
// simulated venue sessions (sim-a, sim-b of the default world) and ONE pair
// trader for BTC-PERP, so a book update has exactly one subscriber and the
// figure is the per-hop path, not fan-out queueing. The latency is the one
// /metrics exports, xarb_tick_to_decision_seconds: from the venue session's
// pull of the venue events (recv_ts) to the end of the pair trader's decision,
// orders sent. Quantiles are interpolated in the histogram's buckets like
// Prometheus' histogram_quantile().
//
// A plain main(), not Google Benchmark: it measures a running actor system.
//
//   bench_tick_to_decision [--sched default|aggressive|default+inline|
//                           aggressive+inline|both|all] [--seconds S]
//                          [--warmup S] [--runs N] [--threads N]
//                          [--update-hz HZ] [--pull-us US] [--buckets]
//
// `default` is the node's default [scheduler] section (CAF defaults);
// `aggressive` is `low_latency = true` with `max_threads = --threads`
// (default 1: on the 2-core reference machine two spinning workers measured
// worse, docs/BENCHMARKS.md), mapped onto CAF by the same apply_scheduler()
// the node uses. `+inline` runs the pair's decision inside the venue
// sessions (`[scheduler] inline_decisions = true`): no actor hop between the
// book update and the order. With no --sched all four run.
// --benchmark_* flags (from `make bench`) are ignored.
// The load average is printed: on a shared machine it explains most of the
// run-to-run spread.

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>
#include <stdlib.h> // getloadavg

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include "bench/bench_args.hpp"
#include "actors/clock.hpp"
#include "actors/name_registry.hpp"
#include "actors/pair_trader.hpp"
#include "actors/storage/store.hpp"
#include "actors/risk_guard.hpp"
#include "actors/venue_session.hpp"
#include "messages/caf_errors.hpp"
#include "messages/type_ids.hpp"
#include "monitoring/logging.hpp"
#include "monitoring/telemetry.hpp"
#include "nodes/config.hpp"
#include "nodes/scheduler_config.hpp"
#include "venues/sim/sim_config.hpp"

namespace {

using namespace std::chrono_literals;

struct options {
  std::vector<std::string> scheds{"default", "aggressive", "default+inline",
                                  "aggressive+inline"};
  double seconds = 8.0;
  double warmup = 1.0;
  int runs = 1;
  int threads = 1;
  int update_hz = 0;   // 0: the default world's rates
  int pull_us = 0;     // 0: the venue session's default tick (5 ms)
  bool buckets = false;
  bool risk = true;    // a risk guard and permits, as in the node (--no-risk: without)
  // --storage-load N: a thread writes N events/s into a RocksDB store (WAL
  // on, batches of 1000) while the pair decides: the bulk path must not
  // slow the hot path.
  int storage_load = 0;
};

struct hist {
  std::vector<double> upper;       // bucket upper bounds, +Inf last
  std::vector<uint64_t> cumulative;
  uint64_t count = 0;
  double sum = 0;
};

hist collect(const prometheus::Histogram& h) {
  auto m = h.Collect().histogram;
  hist out;
  out.count = m.sample_count;
  out.sum = m.sample_sum;
  for (auto& b : m.bucket) {
    out.upper.push_back(b.upper_bound);
    out.cumulative.push_back(b.cumulative_count);
  }
  return out;
}

/// Observations between two snapshots of the same histogram.
hist minus(hist a, const hist& b) {
  for (std::size_t i = 0; i < a.cumulative.size(); ++i)
    a.cumulative[i] -= b.cumulative[i];
  a.count -= b.count;
  a.sum -= b.sum;
  return a;
}

/// histogram_quantile(): linear inside the bucket holding the rank; the +Inf
/// bucket answers its lower bound.
double quantile(const hist& h, double q) {
  if (h.count == 0)
    return 0;
  const double rank = q * static_cast<double>(h.count);
  uint64_t prev = 0;
  double lower = 0;
  for (std::size_t i = 0; i < h.upper.size(); ++i) {
    if (static_cast<double>(h.cumulative[i]) >= rank) {
      if (i + 1 == h.upper.size())
        return lower;
      const double in = static_cast<double>(h.cumulative[i] - prev);
      return lower + (h.upper[i] - lower) * (rank - static_cast<double>(prev)) / in;
    }
    prev = h.cumulative[i];
    lower = h.upper[i];
  }
  return lower;
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

struct result {
  std::string sched;
  hist h;
  double seconds = 0;
  double session_msgs = 0;  // venue-session messages (ticks + orders)
  double cpu = 0;           // process CPU seconds
};

xarb::scheduler_section scheduler_of(const std::string& sched, const options& opt) {
  xarb::scheduler_section s = xarb::default_config().scheduler;
  if (sched.starts_with("aggressive")) {
    s.low_latency = true;
    s.max_threads = opt.threads;
  }
  return s;
}

result run_once(const std::string& sched, const options& opt) {
  xarb::telemetry metrics{"bench"};
  xarb::name_registry registry;
  xarb::risk::rate_limit_registry limits;
  xarb::actor_services svc{&registry, nullptr, &metrics, opt.risk ? &limits : nullptr};
  result r;
  r.sched = sched;
  {
    caf::actor_system_config cfg;
    cfg.add_message_types<caf::id_block::xarb>();
    xarb::add_error_renderer(cfg);
    xarb::apply_scheduler(scheduler_of(sched, opt), cfg);
    caf::actor_system sys{cfg};

    auto world = xarb::sim::default_world_config();
    world.start_ts = xarb::wall_clock_ns();
    if (opt.update_hz > 0)
      for (auto& v : world.venues)
        v.update_hz = opt.update_hz;
    std::vector<caf::actor> actors;
    for (const char* venue : {"sim-a", "sim-b"}) {
      xarb::venue_session_config vc;
      vc.venue = venue;
      vc.world = world;
      if (opt.pull_us > 0)
        vc.tick_interval = std::chrono::microseconds(opt.pull_us);
      auto h = xarb::spawn_venue_session(sys, vc, svc);
      registry.put(xarb::venue_session_name(venue), caf::actor_cast<caf::strong_actor_ptr>(h));
      actors.push_back(caf::actor_cast<caf::actor>(h));
    }
    if (opt.risk) {
      // As in the node: every pair trades under the guard's permit, checks
      // each order inline and shares the venue keys' request budgets.
      xarb::risk_guard_config gc;
      gc.risk = xarb::default_config().risk;
      gc.venues = {"sim-a", "sim-b"};
      auto g = xarb::spawn_risk_guard(sys, gc, svc, std::make_shared<xarb::risk_guard_store>());
      registry.put(xarb::risk_guard_name, caf::actor_cast<caf::strong_actor_ptr>(g));
      actors.push_back(caf::actor_cast<caf::actor>(g));
    }
    xarb::pair_config pc;
    pc.require_permit = opt.risk;
    pc.symbol = "BTC-PERP";
    pc.venue_a = "sim-a";
    pc.venue_b = "sim-b";
    pc.node = "bench";
    pc.params = xarb::default_config().strategy;
    pc.inline_decisions = sched.ends_with("+inline");
    actors.push_back(caf::actor_cast<caf::actor>(xarb::spawn_pair_trader(sys, pc, svc)));

    // Storage traffic on its own thread, like the detached storage_sink.
    std::atomic<bool> stop_load{false};
    std::atomic<uint64_t> written{0};
    std::thread load;
    std::unique_ptr<xarb::storage::store> store;
    const std::string store_dir = (std::filesystem::temp_directory_path()
                                   / ("xarb-bench-t2d-" + std::to_string(::getpid())))
                                    .string();
    if (opt.storage_load > 0) {
      xarb::storage::store_options so;
      so.dir = store_dir;
      auto s = xarb::storage::store::open(so);
      if (!s) {
        std::fprintf(stderr, "store: %s\n", s.error().message.c_str());
        std::exit(1);
      }
      store = std::move(*s);
      load = std::thread{[&, rate = opt.storage_load] {
        const auto start = std::chrono::steady_clock::now();
        uint64_t n = 0;
        while (!stop_load.load()) {
          const double due = std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                               .count() * rate;
          if (static_cast<double>(n) >= due) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            continue;
          }
          xarb::storage::batch b;
          for (int k = 0; k < 1000; ++k, ++n)
            b.add(xarb::event{static_cast<xarb::timestamp_ns>(n), xarb::severity::info, "bench",
                              "storage load event " + std::to_string(n)});
          if (!store->write(std::move(b)))
            written += 1000;
        }
      }};
    }
    // Warm-up: subscriptions, first snapshots (whose recv_ts is older than the
    // subscription), cold caches. Only what follows is counted.
    std::this_thread::sleep_for(std::chrono::duration<double>(opt.warmup));
    auto& sessions = metrics.messages_processed("venue_session");
    const auto h0 = collect(metrics.tick_to_decision());
    const double m0 = sessions.Value();
    const double c0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(opt.seconds));
    const auto t1 = std::chrono::steady_clock::now();
    r.h = minus(collect(metrics.tick_to_decision()), h0);
    r.session_msgs = sessions.Value() - m0;
    r.cpu = cpu_seconds() - c0;
    r.seconds = std::chrono::duration<double>(t1 - t0).count();
    if (load.joinable()) {
      stop_load = true;
      load.join();
      std::printf("storage load: %.0f events/s written during the run\n",
                  static_cast<double>(written.load()) / (r.seconds + opt.warmup));
      store.reset();
      std::filesystem::remove_all(store_dir);
    }
    for (auto& a : actors)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  } // the actor system waits for its actors here
  return r;
}

void print_header() {
  std::printf("%-17s %5s %8s %7s %7s %7s %7s %8s %10s %6s\n", "scheduler", "thr", "count",
              "dec/s", "p50us", "p90us", "p99us", "meanus", "sess-msg/s", "cpu%");
}

void print(const result& r, const options& opt) {
  const auto& h = r.h;
  const auto s = scheduler_of(r.sched, opt);
  const std::string thr = s.max_threads > 0 ? std::to_string(s.max_threads) : "caf";
  std::printf("%-17s %5s %8llu %7.1f %7.2f %7.2f %7.2f %8.2f %10.1f %6.0f\n", r.sched.c_str(),
              thr.c_str(), static_cast<unsigned long long>(h.count),
              static_cast<double>(h.count) / r.seconds, quantile(h, 0.5) * 1e6,
              quantile(h, 0.9) * 1e6, quantile(h, 0.99) * 1e6,
              h.count ? h.sum / static_cast<double>(h.count) * 1e6 : 0.0,
              r.session_msgs / r.seconds, 100.0 * r.cpu / r.seconds);
  if (opt.buckets) {
    uint64_t prev = 0;
    for (std::size_t i = 0; i < h.upper.size(); ++i) {
      if (h.cumulative[i] != prev)
        std::printf("    le %-10g %8llu\n", h.upper[i] * 1e6,
                    static_cast<unsigned long long>(h.cumulative[i] - prev));
      prev = h.cumulative[i];
    }
  }
  std::fflush(stdout);
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "bench_tick_to_decision: %s\nusage: bench_tick_to_decision [--sched "
               "default|aggressive|default+inline|aggressive+inline|both|all] [--seconds S] [--warmup S] [--runs N] "
               "[--threads N] [--update-hz HZ] [--pull-us US] [--buckets] [--no-risk] "
               "[--storage-load EVENTS_PER_S]\n",
               why);
  std::exit(2);
}

options parse(int argc, char** argv) {
  options opt;
  xarb::bench::arg_reader args{argc, argv, usage};
  for (std::string_view a; args.next(a);) {
    if (a == "--sched") {
      auto v = args.value();
      if (v == "both")
        opt.scheds = {"default", "aggressive"};
      else if (v == "all")
        opt.scheds = {"default", "aggressive", "default+inline", "aggressive+inline"};
      else if (v == "default" || v == "aggressive" || v == "default+inline"
               || v == "aggressive+inline")
        opt.scheds = {v};
      else
        usage("--sched takes default, aggressive, default+inline, aggressive+inline, both "
              "or all");
    } else if (a == "--seconds") {
      opt.seconds = args.number();
    } else if (a == "--warmup") {
      opt.warmup = args.number();
    } else if (a == "--runs") {
      opt.runs = args.integer();
    } else if (a == "--threads") {
      opt.threads = args.integer();
    } else if (a == "--update-hz") {
      opt.update_hz = args.integer();
    } else if (a == "--pull-us") {
      opt.pull_us = args.integer();
    } else if (a == "--buckets") {
      opt.buckets = true;
    } else if (a == "--no-risk") {
      opt.risk = false;
    } else if (a == "--storage-load") {
      opt.storage_load = args.integer();
    } else {
      usage("unknown option");
    }
  }
  if (opt.seconds <= 0 || opt.warmup < 0 || opt.runs < 1 || opt.threads < 0
      || opt.update_hz < 0 || opt.update_hz > 1000 || opt.pull_us < 0)
    usage("bad value");
  return opt;
}

} // namespace

int main(int argc, char** argv) {
  const auto opt = parse(argc, argv);
  xarb::init_logging("error", false); // start-up and shutdown leg warnings are expected
  std::printf("tick to decision: sim-a + sim-b sessions, 1 pair trader (BTC-PERP), %.0f s "
              "per run after %.0f s warm-up; quantiles interpolated in the "
              "xarb_tick_to_decision_seconds buckets\n",
              opt.seconds, opt.warmup);
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) == 3)
    std::printf("load average at start: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
  print_header();
  for (const auto& sched : opt.scheds) {
    std::vector<result> runs;
    for (int i = 0; i < opt.runs; ++i) {
      runs.push_back(run_once(sched, opt));
      print(runs.back(), opt);
    }
    if (opt.runs > 1) {
      // The run with the median p50, and the median of each quantile.
      std::vector<double> p50, p90, p99;
      for (auto& r : runs) {
        p50.push_back(quantile(r.h, 0.5) * 1e6);
        p90.push_back(quantile(r.h, 0.9) * 1e6);
        p99.push_back(quantile(r.h, 0.99) * 1e6);
      }
      auto med = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
      };
      std::printf("%-17s median of %d runs: p50 %.2f us, p90 %.2f us, p99 %.2f us\n",
                  sched.c_str(), opt.runs, med(p50), med(p90), med(p99));
    }
  }
  return 0;
}
