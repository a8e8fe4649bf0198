// The cross-venue scanner at scale (issue 7, point 5): 1,000 symbols x 7
// venues, every book updating 10 times a second. Goals for the whole node:
// a refresh <= 10 ms (p99), <= 1 core on average, <= 300 MB RSS (peak).
//
//   bench_scanner [--part micro|node|both] [--refreshes N] [--seconds S]
//                 [--warmup S] [--requests N] [--min-rows N] [--xarb PATH]
//                 [--config TOML] [--port P] [--set section.key=value]... [--keep]
//
// micro  In-process, no actors: a market_scanner fed like the node feeds it
//        (7 venues, 1,000 symbols, partial listings, per-venue fees and
//        leverage with one venue at 0 = fallback, funding every 1 h / 4 h /
//        8 h), tops at 10/s per book (prices random-walking on each venue's
//        tick grid, deterministic PRNG, with occasional dislocations so
//        signals fire), funding once a minute per book, a refresh every
//        500 ms of simulated time. Wall time of refresh() + observe(), of
//        rank() per sort key (limit 20) and with a fallback-leverage query,
//        the cost per on_top, the rows, and the heap a snapshot holds.
// node   A real `xarb run --config deploy/examples/scale-1000x7.toml` (built
//        next to this binary) on 127.0.0.1: once /readyz is 200 and the
//        scanner has >= --min-rows rows, --warmup s then --seconds s of
//        sampling its CPU (utime+stime deltas) and RSS (VmRSS, VmHWM) every
//        second, /metrics scraped at both ends (xarb_scanner_refresh_seconds
//        bucket deltas -> mean, p50, p99), then --requests timed GETs of
//        top-spreads (three queries), then SIGTERM and a check for exit 0.
//        --set overrides a key of the config (a copy in the work dir), e.g.
//        --set scheduler.max_threads=2 to investigate.
//
// Exit status: 0 every goal met, 3 a goal missed, 1 the node could not be
// started or measured. A plain main(), not Google Benchmark; --benchmark_*
// flags (from `make bench`) are ignored. Results: docs/BENCHMARKS.md.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h> // getloadavg
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench_args.hpp"
#include "bench/node_probe.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/scanner/market_scanner.hpp"
#include "core/scanner/ranking.hpp"
#include "core/scanner/signal_detector.hpp"

#ifndef XARB_SCALE_TOML
#define XARB_SCALE_TOML "deploy/examples/scale-1000x7.toml"
#endif

extern char** environ;

using namespace xarb;

namespace {

using namespace xarb::bench; // node_probe.hpp: /metrics, /proc, quantiles

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;
__extension__ using i128 = __int128;

constexpr double goal_refresh_ms = 10.0;
constexpr double goal_cores = 1.0;
constexpr double goal_rss_mb = 300.0;

struct options {
  std::string part = "both";
  int refreshes = 240;
  double seconds = 60;
  double warmup = 10;
  int requests = 100;
  int min_rows = 15000;
  std::string xarb;
  std::string config = XARB_SCALE_TOML;
  int port = 0;
  bool keep = false;
  std::vector<std::string> sets; // section.key=value over --config
};

double secs(steady::duration d) {
  return std::chrono::duration<double>(d).count();
}

double ms_of(steady::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

/// This thread's CPU time, ms: unlike wall time, not inflated when the
/// shared machine preempts us.
double thread_cpu_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v)
    s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

const char* verdict(bool ok) {
  return ok ? "PASS" : "FAIL";
}

std::size_t heap_in_use() {
  return mallinfo2().uordblks;
}

// -- micro: the scanner in-process ---------------------------------------------------

/// splitmix64: deterministic, fast, good enough for a market generator.
struct prng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  int64_t range(int64_t lo, int64_t hi) { // inclusive
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
};

/// The venues of deploy/examples/scale-1000x7.toml.
struct micro_venue {
  const char* name;
  const char* format; // native symbol, {} = base
  const char* quote;
  int64_t taker_fee_nanos;
  int32_t leverage;   // 0 = not published: the fallback applies
  int32_t funding_interval_s;
  double listing_ratio;
  int64_t tick_scale_nanos; // tick = price x scale, rounded down to a power of 10
};

constexpr micro_venue micro_venues[] = {
  {"sim-a", "{}USDT", "USDT", 500'000, 125, 28800, 1.0, 10'000},
  {"sim-b", "{}-USDT-SWAP", "USDT", 400'000, 100, 28800, 0.95, 1'000},
  {"sim-c", "{}", "USDC", 450'000, 50, 3600, 0.9, 100'000},
  {"sim-d", "{}USDT", "USDT", 550'000, 100, 28800, 0.92, 10'000},
  {"sim-e", "{}USDT", "USDT", 600'000, 125, 14400, 0.88, 10'000},
  {"sim-f", "{}-USD-PERP", "USDC", 300'000, 0, 3600, 0.85, 100'000},
  {"sim-g", "{}_USDT_Perp", "USDT", 450'000, 50, 28800, 0.9, 10'000},
};
constexpr std::size_t n_venues = std::size(micro_venues);

struct book {
  std::size_t symbol;
  std::size_t venue;
  int64_t tick;           // nanos
  int64_t basis_e6 = 0;   // venue basis, parts per million of fair
  int dislocated = 0;     // steps left of a dislocation
  int64_t dislocation_e6 = 0;
  top_of_book top;
  funding_rate rate;
};

struct micro_world {
  std::vector<std::string> bases;
  std::vector<int64_t> fair; // nanos per symbol
  std::vector<std::vector<instrument_spec>> specs{n_venues};
  std::vector<book> books;
  prng rng{42};
};

int64_t pow10_floor(int64_t x) {
  int64_t p = 1;
  while (p <= x / 10)
    p *= 10;
  return p;
}

micro_world make_world(std::size_t symbols) {
  micro_world w;
  for (std::size_t i = 0; i < symbols; ++i) {
    char b[16];
    std::snprintf(b, sizeof b, "G%05zu", i + 1);
    w.bases.emplace_back(b);
    // Log-uniform start prices, 0.001 .. 70,000.
    const double px = std::exp(std::log(0.001) + w.rng.uniform() * std::log(7e7));
    w.fair.push_back(static_cast<int64_t>(px * 1e9));
  }
  for (std::size_t v = 0; v < n_venues; ++v) {
    const auto& mv = micro_venues[v];
    for (std::size_t s = 0; s < symbols; ++s) {
      // Symbol 0 is on every venue; the others with the venue's ratio.
      if (s != 0 && w.rng.uniform() >= mv.listing_ratio)
        continue;
      std::string native = mv.format;
      native.replace(native.find("{}"), 2, w.bases[s]);
      instrument_spec spec;
      spec.venue = mv.name;
      spec.native_symbol = native;
      spec.symbol = w.bases[s] + "-PERP";
      spec.base = w.bases[s];
      spec.quote = mv.quote;
      const int64_t tick = std::max<int64_t>(
        1, pow10_floor(static_cast<int64_t>(static_cast<i128>(w.fair[s]) * mv.tick_scale_nanos
                                            / 1'000'000'000)));
      spec.tick = price::from_raw(tick);
      spec.lot = quantity::from_raw(1'000'000);
      spec.min_qty = spec.lot;
      spec.min_notional = money::from_units(5);
      spec.maker_fee = ratio::from_raw(mv.taker_fee_nanos / 3);
      spec.taker_fee = ratio::from_raw(mv.taker_fee_nanos);
      spec.max_leverage = mv.leverage;
      spec.funding_interval_s = mv.funding_interval_s;
      w.specs[v].push_back(spec);
      book bk{s, v, tick};
      bk.basis_e6 = w.rng.range(-100, 100);
      bk.top.venue = mv.name;
      bk.top.symbol = spec.symbol;
      bk.top.bid.qty = quantity::from_units(1);
      bk.top.ask.qty = quantity::from_units(1);
      bk.rate.venue = mv.name;
      bk.rate.symbol = spec.symbol;
      bk.rate.interval_s = mv.funding_interval_s;
      w.books.push_back(std::move(bk));
    }
  }
  return w;
}

/// One 100 ms step: fair prices random-walk, each book's basis
/// mean-reverts, ~1 book in 100,000 dislocates by 80-120 bps for 3 s.
void step_world(micro_world& w, timestamp_ns now) {
  for (auto& f : w.fair)
    f = std::max<int64_t>(1000, f + f / 100'000 * w.rng.range(-3, 3));
  for (auto& b : w.books) {
    b.basis_e6 += w.rng.range(-20, 20) - b.basis_e6 / 10;
    if (b.dislocated > 0) {
      --b.dislocated;
    } else if (w.rng.next() % 100'000 == 0) {
      b.dislocated = 30;
      b.dislocation_e6 = (w.rng.next() % 2 ? 1 : -1) * w.rng.range(8'000, 12'000);
    }
    const int64_t f = w.fair[b.symbol];
    const int64_t shift = b.basis_e6 + (b.dislocated > 0 ? b.dislocation_e6 : 0);
    const int64_t p = f + static_cast<int64_t>(static_cast<i128>(f) * shift / 1'000'000);
    const int64_t half = std::max(b.tick, f / 20'000); // 0.5 bps
    int64_t bid = (p - half) / b.tick * b.tick;
    if (bid <= 0)
      bid = b.tick;
    const int64_t ask = bid + std::max(b.tick, (2 * half) / b.tick * b.tick);
    b.top.bid.px = price::from_raw(bid);
    b.top.ask.px = price::from_raw(ask);
    ++b.top.seq;
    b.top.exchange_ts = now;
    b.top.recv_ts = now;
  }
}

struct micro_result {
  std::size_t books = 0, symbols = 0, rows = 0, stale_rows = 0, problems = 0;
  uint64_t ignored = 0, signals = 0;
  std::vector<double> refresh_ms, observe_ms, total_ms; // wall
  std::vector<double> refresh_cpu, observe_cpu, total_cpu; // thread CPU
  std::map<std::string, std::vector<double>> rank_ms, rank_cpu;
  double on_top_ns = 0, on_funding_ns = 0;
  uint64_t tops = 0, fundings = 0;
  std::size_t snapshot_heap = 0, snapshot_estimate = 0, state_heap = 0;
};

/// What a snapshot holds, counted from its vectors (strings beyond the
/// small-string buffer counted by capacity).
std::size_t estimate_bytes(const scanner::scan_snapshot& s) {
  auto str = [](const std::string& x) {
    return x.capacity() > 15 ? x.capacity() + 1 : std::size_t{0};
  };
  std::size_t n = sizeof s + s.venues.capacity() * sizeof(scanner::venue_summary)
                  + s.symbols.capacity() * sizeof(scanner::symbol_quotes)
                  + s.rows.capacity() * sizeof(scanner::scan_row);
  for (auto& v : s.venues)
    n += str(v.name);
  for (auto& sq : s.symbols) {
    n += str(sq.symbol) + sq.venues.capacity() * sizeof(scanner::venue_quote);
    for (auto& q : sq.venues)
      n += str(q.native_symbol) + str(q.quote_asset);
  }
  return n;
}

micro_result run_micro(const options& opt) {
  micro_result r;
  constexpr int64_t step_ns = 100'000'000;
  constexpr int steps_per_refresh = 5; // 500 ms
  constexpr int warmup_steps = 100;    // 10 s: every book quoted, funding seen
  auto w = make_world(1000);
  r.books = w.books.size();

  const auto heap0 = heap_in_use();
  scanner::scanner_params params;
  params.fallback_leverage["sim-f"] = 2;
  scanner::market_scanner market{params};
  scanner::signal_detector detector;
  for (std::size_t v = 0; v < n_venues; ++v) {
    market.set_instruments(micro_venues[v].name, w.specs[v]);
    market.set_venue_state(micro_venues[v].name, health_state::ready, 0);
  }

  std::vector<std::pair<std::string, scanner::rank_query>> queries;
  for (auto k : {scanner::sort_key::spread, scanner::sort_key::notional,
                 scanner::sort_key::funding, scanner::sort_key::carry}) {
    scanner::rank_query q;
    q.sort = k;
    q.limit = 20;
    queries.emplace_back(std::string{scanner::to_string(k)}, q);
  }
  {
    scanner::rank_query q; // seed 000's ?paradex_fallback_leverage=2, per venue
    q.sort = scanner::sort_key::notional;
    q.limit = 20;
    q.fallback_leverage["sim-f"] = 3;
    queries.emplace_back("notional+fallback", q);
  }

  // Every book has a funding rate from the start (a venue publishes one
  // on subscribe); then each is updated once a minute.
  for (auto& b : w.books) {
    b.rate.rate = ratio::from_raw(w.rng.range(-300'000, 500'000)); // -3 .. +5 bps
    market.on_funding(b.rate);
  }
  // The board keeps the latest snapshot while the next one is built.
  std::shared_ptr<const scanner::scan_snapshot> last;
  const int total_steps = warmup_steps + opt.refreshes * steps_per_refresh;
  steady::duration top_time{}, funding_time{};
  for (int step = 1; step <= total_steps; ++step) {
    const timestamp_ns now = 1'700'000'000'000'000'000 + step * step_ns;
    step_world(w, now);
    const bool measured = step > warmup_steps;
    auto t0 = steady::now();
    for (auto& b : w.books)
      market.on_top(b.top);
    auto t1 = steady::now();
    if (measured) {
      top_time += t1 - t0;
      r.tops += w.books.size();
    }
    // Funding: every book once a minute (600 steps), spread over the steps.
    t0 = steady::now();
    uint64_t nf = 0;
    for (std::size_t i = static_cast<std::size_t>(step) % 600; i < w.books.size(); i += 600) {
      auto& b = w.books[i];
      b.rate.rate = ratio::from_raw(w.rng.range(-300'000, 500'000)); // -3 .. +5 bps
      b.rate.ts = now;
      b.rate.next_funding_ts = now + int64_t{b.rate.interval_s} * 1'000'000'000;
      market.on_funding(b.rate);
      ++nf;
    }
    t1 = steady::now();
    if (measured) {
      funding_time += t1 - t0;
      r.fundings += nf;
    }
    if (step % steps_per_refresh != 0)
      continue;
    const double ca = thread_cpu_ms();
    const auto a = steady::now();
    auto snap = market.refresh(now);
    const auto b = steady::now();
    const double cb = thread_cpu_ms();
    const auto fired = detector.observe(*snap);
    const auto c = steady::now();
    const double cc = thread_cpu_ms();
    r.signals += fired.size();
    std::shared_ptr<const scanner::scan_snapshot> shared = std::move(snap);
    if (measured) {
      r.refresh_ms.push_back(ms_of(b - a));
      r.observe_ms.push_back(ms_of(c - b));
      r.total_ms.push_back(ms_of(c - a));
      r.refresh_cpu.push_back(cb - ca);
      r.observe_cpu.push_back(cc - cb);
      r.total_cpu.push_back(cc - ca);
      for (auto& [name, q] : queries) {
        const double tc = thread_cpu_ms();
        const auto t = steady::now();
        auto ranked = scanner::rank(*shared, q);
        r.rank_ms[name].push_back(ms_of(steady::now() - t));
        r.rank_cpu[name].push_back(thread_cpu_ms() - tc);
        if (ranked.rows.empty() && ranked.ranked > 0)
          std::fprintf(stderr, "bench_scanner: rank %s returned nothing\n", name.c_str());
      }
    }
    last = std::move(shared);
    if (step == warmup_steps)
      r.state_heap = heap_in_use() - heap0; // scanner state + one snapshot
  }
  r.on_top_ns = r.tops ? std::chrono::duration<double, std::nano>(top_time).count()
                           / static_cast<double>(r.tops)
                       : 0;
  r.on_funding_ns = r.fundings ? std::chrono::duration<double, std::nano>(funding_time).count()
                                   / static_cast<double>(r.fundings)
                               : 0;
  r.symbols = last->symbols.size();
  r.rows = last->rows.size();
  r.stale_rows = last->stale_rows;
  r.problems = market.problems().size();
  r.ignored = market.ignored_updates();
  r.snapshot_estimate = estimate_bytes(*last);
  // The heap one snapshot holds: build one more, measure, drop it.
  const auto before = heap_in_use();
  auto extra = market.refresh(last->ts);
  r.snapshot_heap = heap_in_use() - before;
  r.state_heap -= std::min(r.state_heap, r.snapshot_heap);
  for (auto& p : market.problems())
    std::fprintf(stderr, "bench_scanner: scanner problem: %s\n", p.c_str());
  return r;
}

bool print_micro(const micro_result& r, const options& opt) {
  std::printf("\n== micro: market_scanner in-process (%d refreshes measured, 500 ms of simulated "
              "time apart)\n",
              opt.refreshes);
  std::printf("  market: %zu symbols x %zu venues, %zu books (partial listings), tops at 10/s "
              "per book = %zu tops/s simulated; funding once a minute per book\n",
              std::size_t{1000}, n_venues, r.books, r.books * 10);
  std::printf("  snapshot: %zu symbols on >= 2 venues, %zu rows (%zu stale), %zu instrument "
              "problems, %llu ignored updates, %llu signals fired\n",
              r.symbols, r.rows, r.stale_rows, r.problems,
              static_cast<unsigned long long>(r.ignored),
              static_cast<unsigned long long>(r.signals));
  std::printf("  on_top: %.1f ns per top (%llu tops; %.2f%% of one core at %zu tops/s); "
              "on_funding: %.1f ns\n",
              r.on_top_ns, static_cast<unsigned long long>(r.tops),
              r.on_top_ns * 1e-9 * static_cast<double>(r.books * 10) * 100, r.books * 10,
              r.on_funding_ns);
  std::printf("  %-34s %-36s %s\n", "wall time (ms) / thread CPU (ms)",
              "wall p50     p99     max    mean", "cpu p50     p99     max");
  auto line = [](const std::string& what, const std::vector<double>& v,
                 const std::vector<double>& c) {
    std::printf("  %-34s %7.3f %7.3f %7.3f %7.3f     %7.3f %7.3f %7.3f\n", what.c_str(),
                exact_q(v, 0.5), exact_q(v, 0.99), exact_q(v, 1.0), mean_of(v), exact_q(c, 0.5),
                exact_q(c, 0.99), exact_q(c, 1.0));
  };
  line("refresh()", r.refresh_ms, r.refresh_cpu);
  line("signal_detector.observe()", r.observe_ms, r.observe_cpu);
  line("refresh + observe", r.total_ms, r.total_cpu);
  for (auto& [name, v] : r.rank_ms)
    line("rank(" + name + ", limit 20)", v, r.rank_cpu.at(name));
  std::printf("  memory: a snapshot holds %.2f MB of heap (estimate from its vectors %.2f MB); "
              "the scanner's state %.2f MB\n",
              static_cast<double>(r.snapshot_heap) / 1e6,
              static_cast<double>(r.snapshot_estimate) / 1e6,
              static_cast<double>(r.state_heap) / 1e6);
  const double p99 = exact_q(r.total_ms, 0.99);
  const bool ok = p99 <= goal_refresh_ms;
  std::printf("  refresh + observe p99 %.3f ms wall (%.3f ms CPU) <= %.0f ms: %s\n", p99,
              exact_q(r.total_cpu, 0.99), goal_refresh_ms, verdict(ok));
  return ok;
}

// -- node: the whole `xarb run` ------------------------------------------------------

[[noreturn]] void usage(const char* why);

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "bench_scanner: FAILED: %s\n", why.c_str());
  std::exit(1);
}

struct node_process : node_child {
  void start(const options& opt, const std::string& data, const std::string& log,
             const std::string& token) {
    if (!node_child::start({opt.xarb, "run", "--config", opt.config, "--data-dir", data,
                            "--listen", "127.0.0.1:" + std::to_string(opt.port)},
                           {"XARB_API_TOKEN=" + token}, log))
      die("fork failed");
  }
  int stop(std::string& how, std::chrono::seconds grace = 30s) {
    return node_child::stop(how, grace);
  }
};

/// Sets `key = value` in the table [section] of a TOML text: replaces the
/// line if there, else inserts it after the header; appends the table if
/// the text has none.
std::string set_in_section(const std::string& text, std::string_view section,
                           std::string_view key, std::string_view value) {
  std::istringstream in{text};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  const std::string header = "[" + std::string{section} + "]";
  const std::string prefix = std::string{key} + " = ";
  const std::string set = prefix + std::string{value};
  bool done = false;
  for (std::size_t i = 0; i < lines.size() && !done; ++i) {
    if (lines[i] != header && !lines[i].starts_with(header + " "))
      continue;
    std::size_t j = i + 1;
    for (; j < lines.size() && !lines[j].starts_with("["); ++j)
      if (lines[j].starts_with(prefix)) {
        lines[j] = set;
        break;
      }
    if (j == lines.size() || lines[j].starts_with("["))
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i) + 1, set);
    done = true;
  }
  if (!done) {
    lines.push_back("");
    lines.push_back(header);
    lines.push_back(set);
  }
  std::string out;
  for (auto& l : lines)
    out += l + "\n";
  return out;
}

int free_port() {
  asio::io_context ioc;
  tcp::acceptor a{ioc, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}};
  return a.local_endpoint().port();
}

/// A keep-alive HTTP/1.1 client; every operation bounded by `timeout`.
/// Reconnects after any failure (status 0 = transport error).
class http_client {
public:
  http_client(int port, std::string token) : port_(port), token_(std::move(token)) {}

  std::pair<int, std::string> get(const std::string& target,
                                  std::chrono::milliseconds timeout = 10000ms) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto r = once(target, timeout);
      if (r.first != 0)
        return r;
      stream_.reset();
    }
    return {0, {}};
  }

private:
  std::pair<int, std::string> once(const std::string& target, std::chrono::milliseconds timeout) {
    ioc_.restart();
    bool ok = true;
    if (!stream_) {
      stream_.emplace(ioc_);
      buf_.clear();
      stream_->expires_after(timeout);
      stream_->async_connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"),
                                           static_cast<unsigned short>(port_)},
                             [&](beast::error_code ec) { ok = !ec; });
      ioc_.run();
      ioc_.restart();
      if (!ok)
        return {0, {}};
    }
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + token_);
    req.keep_alive(true);
    http::response_parser<http::string_body> parser;
    parser.body_limit(256u << 20);
    int status = 0;
    stream_->expires_after(timeout);
    http::async_write(*stream_, req, [&](beast::error_code wec, std::size_t) {
      if (wec)
        return;
      http::async_read(*stream_, buf_, parser, [&](beast::error_code rec, std::size_t) {
        if (!rec)
          status = static_cast<int>(parser.get().result_int());
      });
    });
    ioc_.run();
    if (status == 0)
      return {0, {}};
    if (!parser.get().keep_alive())
      stream_.reset();
    return {status, std::move(parser.get().body())};
  }

  asio::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buf_;
  int port_;
  std::string token_;
};

/// The number after `"key":` in a JSON text; NaN if absent.
double json_number(const std::string& body, const std::string& key) {
  auto p = body.find("\"" + key + "\":");
  if (p == std::string::npos)
    return std::nan("");
  return std::strtod(body.c_str() + p + key.size() + 3, nullptr);
}

// -- /metrics -------------------------------------------------------------------------

/// Sum of every series of a gauge/counter family with the given label text
/// (e.g. `{state="live"}`, or "" for all).
double parse_gauge(const std::string& text, const std::string& name, std::string_view labels) {
  double s = 0;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    std::string_view l = line;
    if (!l.starts_with(name) || l.size() <= name.size())
      continue;
    const char next = l[name.size()];
    if (next != ' ' && next != '{')
      continue;
    if (!labels.empty() && l.substr(name.size(), labels.size()) != labels)
      continue;
    s += line_value(l);
  }
  return s;
}

double status_mb(pid_t pid, std::string_view key) {
  std::ifstream f{"/proc/" + std::to_string(pid) + "/status"};
  for (std::string line; std::getline(f, line);)
    if (std::string_view{line}.starts_with(key))
      return std::strtod(line.c_str() + key.size() + 1, nullptr) / 1024.0;
  return -1;
}

/// tid -> (thread name, CPU seconds).
std::map<int, std::pair<std::string, double>> thread_cpu(pid_t pid) {
  std::map<int, std::pair<std::string, double>> out;
  std::error_code ec;
  const std::string base = "/proc/" + std::to_string(pid) + "/task";
  for (auto& e : std::filesystem::directory_iterator(base, ec)) {
    std::string comm;
    double v = stat_cpu(e.path().string() + "/stat", &comm);
    if (v >= 0)
      out[std::atoi(e.path().filename().c_str())] = {comm, v};
  }
  return out;
}

/// Busy CPU seconds of the whole machine (all cores) from /proc/stat.
double machine_busy_s() {
  std::ifstream f{"/proc/stat"};
  std::string cpu;
  f >> cpu;
  double v[8] = {};
  for (double& x : v)
    f >> x;
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  // user nice system idle iowait irq softirq steal: busy = all but idle, iowait.
  return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / hz;
}

double self_cpu_s() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

int compilers_running() {
  int n = 0;
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    std::ifstream f{e.path() / "comm"};
    std::string comm;
    if (std::getline(f, comm) && (comm == "cc1plus" || comm == "cc1"))
      ++n;
  }
  return n;
}

struct node_result {
  double ready_s = 0;
  double window_s = 0;
  double cpu_s = 0;
  double others_cores = 0; // the machine's busy cores minus the node and this bench
  std::vector<double> cores_per_s; // per-second samples
  std::vector<double> rss_mb;
  double hwm_mb = 0;
  double rss_ready_mb = 0;
  hist refresh_window, refresh_all;
  double rows_live = 0, rows_stale = 0, symbols = 0, batches_per_s = 0;
  std::vector<double> refresh_ms_seen; // from top-spreads bodies, one per second
  std::map<std::string, std::vector<double>> get_ms;
  std::map<std::string, std::size_t> get_bytes;
  std::map<std::string, int> get_bad;
  std::vector<std::pair<double, std::string>> threads; // cpu s in the window, name/tid
  int compilers_start = 0, compilers_end = 0;
  double load_start[3] = {0, 0, 0};
  std::string stop;
  int exit_code = -1;
};

node_result run_node(options opt) {
  node_result r;
  if (opt.xarb.empty()) {
    auto self = std::filesystem::read_symlink("/proc/self/exe");
    opt.xarb = (self.parent_path().parent_path() / "nodes" / "xarb").string();
  }
  if (::access(opt.xarb.c_str(), X_OK) != 0)
    die("no executable xarb at " + opt.xarb + " (--xarb PATH)");
  if (::access(opt.config.c_str(), R_OK) != 0)
    die("cannot read the config " + opt.config + " (--config TOML)");
  if (opt.port == 0)
    opt.port = free_port();
  const auto work = std::filesystem::temp_directory_path()
                    / ("xarb-bench-scanner-" + std::to_string(::getpid()));
  std::filesystem::create_directories(work);
  const std::string data = (work / "data").string(), log = (work / "node.log").string();
  if (!opt.sets.empty()) {
    std::ifstream f{opt.config};
    std::stringstream ss;
    ss << f.rdbuf();
    std::string text = ss.str();
    for (auto& s : opt.sets) {
      auto eq = s.find('=');
      auto dot = s.rfind('.', eq);
      if (eq == std::string::npos || dot == std::string::npos)
        usage("--set takes section.key=value");
      text = set_in_section(text, s.substr(0, dot), s.substr(dot + 1, eq - dot - 1),
                            s.substr(eq + 1));
      std::printf("  config: --set %s\n", s.c_str());
    }
    opt.config = (work / "config.toml").string();
    std::ofstream{opt.config} << text;
  }
  std::string token = "bench-scanner-";
  {
    std::random_device rd;
    const char* hex = "0123456789abcdef";
    for (int i = 0; i < 40; ++i)
      token += hex[rd() % 16];
  }
  ::getloadavg(r.load_start, 3);
  r.compilers_start = compilers_running();
  std::printf("\n== node: %s run --config %s --listen 127.0.0.1:%d (work dir %s)\n",
              opt.xarb.c_str(), opt.config.c_str(), opt.port, work.c_str());
  std::printf("  %u cores shared by the node and this bench; load average at start %.2f %.2f "
              "%.2f; %d compiler process(es) running\n",
              std::thread::hardware_concurrency(), r.load_start[0], r.load_start[1],
              r.load_start[2], r.compilers_start);
  std::fflush(stdout);
  node_process node;
  static node_process* g_node = nullptr;
  g_node = &node;
  std::signal(SIGINT, [](int) {
    if (g_node && g_node->pid > 0)
      ::kill(g_node->pid, SIGTERM);
    std::_Exit(130);
  });
  auto fail = [&](const std::string& why) {
    std::string tail;
    {
      std::ifstream f{log};
      std::deque<std::string> lines;
      for (std::string l; std::getline(f, l);) {
        lines.push_back(l);
        if (lines.size() > 20)
          lines.pop_front();
      }
      for (auto& l : lines)
        tail += "    " + l + "\n";
    }
    std::string how;
    node.stop(how, 10s);
    die(why + " (node " + how + "); last lines of " + log + ":\n" + tail);
  };
  node.start(opt, data, log, token);
  const auto t_start = steady::now();
  http_client client{opt.port, token};

  // Ready: /readyz 200, then the scanner has its rows.
  while (client.get("/readyz", 2000ms).first != 200) {
    if (!node.alive())
      fail("the node exited during start-up");
    if (steady::now() - t_start > 180s)
      fail("the node did not become ready within 180 s");
    std::this_thread::sleep_for(250ms);
  }
  while (true) {
    auto [st, body] = client.get("/api/market/top-spreads?limit=1");
    const double rows = json_number(body, "rows_total");
    if (st == 200 && body.find("\"ready\":true") != std::string::npos && rows >= opt.min_rows)
      break;
    if (!node.alive())
      fail("the node exited before the scanner was ready");
    if (steady::now() - t_start > 240s)
      fail("the scanner has not reached " + std::to_string(opt.min_rows) + " rows within 240 s "
           "(top-spreads status " + std::to_string(st) + ", rows_total "
           + std::to_string(rows) + ")");
    std::this_thread::sleep_for(250ms);
  }
  r.ready_s = secs(steady::now() - t_start);
  r.rss_ready_mb = status_mb(node.pid, "VmRSS:");
  std::printf("  ready (readyz 200, scanner rows >= %d) after %.1f s, RSS %.0f MB; warm-up "
              "%.0f s\n",
              opt.min_rows, r.ready_s, r.rss_ready_mb, opt.warmup);
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::duration<double>(opt.warmup));

  // The window: one sample a second.
  auto m0 = client.get("/metrics");
  if (m0.first != 200)
    fail("/metrics answered " + std::to_string(m0.first));
  const auto threads0 = thread_cpu(node.pid);
  const std::string stat_path = "/proc/" + std::to_string(node.pid) + "/stat";
  const double cpu0 = stat_cpu(stat_path);
  const double busy0 = machine_busy_s(), self0 = self_cpu_s();
  const auto w0 = steady::now();
  double cpu_prev = cpu0;
  auto t_prev = w0;
  for (int i = 1; secs(steady::now() - w0) < opt.seconds; ++i) {
    std::this_thread::sleep_until(w0 + std::chrono::duration_cast<steady::duration>(
                                         std::chrono::duration<double>(i)));
    if (!node.alive())
      fail("the node exited during the measurement");
    const double c = stat_cpu(stat_path);
    const auto t = steady::now();
    r.cores_per_s.push_back((c - cpu_prev) / secs(t - t_prev));
    cpu_prev = c;
    t_prev = t;
    r.rss_mb.push_back(status_mb(node.pid, "VmRSS:"));
    auto [st, body] = client.get("/api/market/top-spreads?limit=1");
    if (st == 200)
      r.refresh_ms_seen.push_back(json_number(body, "refresh_ms"));
  }
  const auto w1 = steady::now();
  r.cpu_s = stat_cpu(stat_path) - cpu0;
  r.window_s = secs(w1 - w0);
  r.others_cores =
    (machine_busy_s() - busy0 - r.cpu_s - (self_cpu_s() - self0)) / r.window_s;
  const auto threads1 = thread_cpu(node.pid);
  auto m1 = client.get("/metrics");
  if (m1.first != 200)
    fail("/metrics answered " + std::to_string(m1.first));
  r.compilers_end = compilers_running();
  for (auto& [tid, nv] : threads1) {
    auto it = threads0.find(tid);
    const double d = nv.second - (it == threads0.end() ? 0 : it->second.second);
    r.threads.emplace_back(d, nv.first + "/" + std::to_string(tid));
  }
  std::sort(r.threads.rbegin(), r.threads.rend());
  const auto h0 = parse_hist(m0.second, "xarb_scanner_refresh_seconds");
  r.refresh_all = parse_hist(m1.second, "xarb_scanner_refresh_seconds");
  r.refresh_window = minus(r.refresh_all, h0);
  r.rows_live = parse_gauge(m1.second, "xarb_scanner_rows", "{state=\"live\"}");
  r.rows_stale = parse_gauge(m1.second, "xarb_scanner_rows", "{state=\"stale\"}");
  r.symbols = parse_gauge(m1.second, "xarb_scanner_symbols", "");
  r.batches_per_s = (parse_gauge(m1.second, "xarb_scanner_watch_batches_total", "")
                     - parse_gauge(m0.second, "xarb_scanner_watch_batches_total", ""))
                    / r.window_s;

  // Timed GETs, after the CPU window (they are the bench's load, not the
  // node's own), paced at 40/s: under the default per-client limit of
  // [web] rate_limit_rps = 50 (burst 100), so none is refused with 429.
  const std::pair<const char*, const char*> gets[] = {
    {"notional (default)", "/api/market/top-spreads?limit=20"},
    {"funding", "/api/market/top-spreads?limit=20&sort=funding"},
    {"sim-f fallback 3x", "/api/market/top-spreads?limit=20&sim-f_fallback_leverage=3"},
  };
  auto due = steady::now();
  for (int i = 0; i < opt.requests; ++i)
    for (auto [name, target] : gets) {
      std::this_thread::sleep_until(due);
      due += 25ms;
      const auto t = steady::now();
      auto [st, body] = client.get(target);
      const double ms = ms_of(steady::now() - t);
      if (st != 200 || body.find("\"rows\":[{") == std::string::npos) {
        ++r.get_bad[name + std::string{" (status "} + std::to_string(st) + ")"];
        continue;
      }
      r.get_ms[name].push_back(ms);
      r.get_bytes[name] = body.size();
    }
  r.hwm_mb = status_mb(node.pid, "VmHWM:");
  r.exit_code = node.stop(r.stop);
  if (!opt.keep)
    std::filesystem::remove_all(work);
  else
    std::printf("  kept %s\n", work.c_str());
  return r;
}

bool print_node(const node_result& r, const options& opt) {
  const double cores = r.cpu_s / r.window_s;
  std::printf("  window %.1f s (after %.0f s warm-up); other processes used %.2f of the %u "
              "cores meanwhile; compilers running at start/end of the window: %d/%d\n",
              r.window_s, opt.warmup, std::max(0.0, r.others_cores),
              std::thread::hardware_concurrency(), r.compilers_start, r.compilers_end);
  std::printf("  scanner: %.0f symbols, rows %.0f live + %.0f stale; %.0f watch batches/s\n",
              r.symbols, r.rows_live, r.rows_stale, r.batches_per_s);
  const auto& h = r.refresh_window;
  double hi = 0;
  const double p99 = quantile(h, 0.99, nullptr, &hi) * 1e3;
  std::printf("  xarb_scanner_refresh_seconds in the window: %.0f refreshes, mean %.3f ms, p50 "
              "%.3f ms, p99 %.3f ms (bucket <= %.1f ms); since start: %.0f, mean %.3f ms, p99 "
              "%.3f ms\n",
              h.count, h.count > 0 ? h.sum / h.count * 1e3 : 0, quantile(h, 0.5) * 1e3, p99,
              hi * 1e3, r.refresh_all.count,
              r.refresh_all.count > 0 ? r.refresh_all.sum / r.refresh_all.count * 1e3 : 0,
              quantile(r.refresh_all, 0.99) * 1e3);
  std::printf("  refresh_ms of the snapshots seen (one a second, %zu): p50 %.3f ms, max %.3f "
              "ms\n",
              r.refresh_ms_seen.size(), exact_q(r.refresh_ms_seen, 0.5),
              exact_q(r.refresh_ms_seen, 1.0));
  std::printf("  CPU: %.3f cores on average (%.1f CPU s in %.1f s), per second p50 %.3f, max "
              "%.3f\n",
              cores, r.cpu_s, r.window_s, exact_q(r.cores_per_s, 0.5),
              exact_q(r.cores_per_s, 1.0));
  std::printf("  CPU by thread (>= 1%% of a core):");
  for (auto& [c, name] : r.threads)
    if (c / r.window_s >= 0.01)
      std::printf(" %s %.1f%%;", name.c_str(), 100 * c / r.window_s);
  std::printf("\n");
  std::printf("  RSS: %.0f MB when ready; in the window first %.0f MB, last %.0f MB, mean %.0f "
              "MB, max %.0f MB; peak (VmHWM) %.0f MB\n",
              r.rss_ready_mb, r.rss_mb.empty() ? 0 : r.rss_mb.front(),
              r.rss_mb.empty() ? 0 : r.rss_mb.back(), mean_of(r.rss_mb), exact_q(r.rss_mb, 1.0),
              r.hwm_mb);
  for (auto& [name, v] : r.get_ms)
    std::printf("  GET top-spreads %-20s %3zu requests (keep-alive, 40/s), p50 %6.2f ms, p99 "
                "%6.2f ms, max %6.2f ms, %zu bytes\n",
                name.c_str(), v.size(), exact_q(v, 0.5), exact_q(v, 0.99), exact_q(v, 1.0),
                r.get_bytes.at(name));
  for (auto& [name, n] : r.get_bad)
    std::printf("  GET top-spreads %s: %d request(s) failed\n", name.c_str(), n);
  std::printf("  node stop (SIGTERM): %s\n", r.stop.c_str());
  const bool ok_refresh = h.count > 0 && p99 <= goal_refresh_ms;
  const bool ok_cpu = cores <= goal_cores;
  const bool ok_rss = r.hwm_mb > 0 && r.hwm_mb <= goal_rss_mb;
  const bool ok_exit = r.exit_code == 0;
  const bool ok_gets = r.get_bad.empty();
  std::printf("\n== goals (whole node, 1,000 symbols x 7 venues at 10 updates/s per book)\n");
  std::printf("  refresh p99 %.3f ms <= %.0f ms: %s\n", p99, goal_refresh_ms,
              verdict(ok_refresh));
  std::printf("  CPU %.3f cores <= %.1f: %s\n", cores, goal_cores, verdict(ok_cpu));
  std::printf("  RSS peak %.0f MB <= %.0f MB: %s\n", r.hwm_mb, goal_rss_mb, verdict(ok_rss));
  std::printf("  clean stop (exit 0): %s; top-spreads answered: %s\n", verdict(ok_exit),
              verdict(ok_gets));
  return ok_refresh && ok_cpu && ok_rss && ok_exit && ok_gets;
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "bench_scanner: %s\nusage: bench_scanner [--part micro|node|both] "
               "[--refreshes N] [--seconds S] [--warmup S] [--requests N] [--min-rows N] "
               "[--xarb PATH] [--config TOML] [--port P] [--set section.key=value]... "
               "[--keep]\n",
               why);
  std::exit(2);
}

options parse(int argc, char** argv) {
  options opt;
  xarb::bench::arg_reader args{argc, argv, usage};
  for (std::string_view a; args.next(a);) {
    if (a == "--part") opt.part = args.value();
    else if (a == "--refreshes") opt.refreshes = args.integer();
    else if (a == "--seconds") opt.seconds = args.number();
    else if (a == "--warmup") opt.warmup = args.number();
    else if (a == "--requests") opt.requests = args.integer();
    else if (a == "--min-rows") opt.min_rows = args.integer();
    else if (a == "--xarb") opt.xarb = args.value();
    else if (a == "--config") opt.config = args.value();
    else if (a == "--port") opt.port = args.integer();
    else if (a == "--keep") opt.keep = true;
    else if (a == "--set") opt.sets.push_back(args.value());
    else usage("unknown option");
  }
  if ((opt.part != "micro" && opt.part != "node" && opt.part != "both") || opt.refreshes < 1
      || opt.seconds <= 0 || opt.warmup < 0 || opt.requests < 1 || opt.min_rows < 0
      || opt.port < 0 || opt.port > 65535)
    usage("bad value");
  return opt;
}

} // namespace

int main(int argc, char** argv) {
  const auto opt = parse(argc, argv);
  std::signal(SIGPIPE, SIG_IGN);
  std::printf("scanner at scale (issue 7): goals refresh p99 <= %.0f ms, <= %.0f core, <= %.0f "
              "MB RSS for the whole node\n",
              goal_refresh_ms, goal_cores, goal_rss_mb);
  bool ok = true;
  if (opt.part != "node") {
    std::printf("compilers running during the micro part: %d\n", compilers_running());
    ok = print_micro(run_micro(opt), opt) && ok;
  }
  std::fflush(stdout);
  if (opt.part != "micro")
    ok = print_node(run_node(opt), opt) && ok;
  std::printf("\n%s\n", ok ? "ALL GOALS MET" : "GOAL(S) MISSED");
  return ok ? 0 : 3;
}
