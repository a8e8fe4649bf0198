// Binance USD-M order-book stream, end to end, the xarb side of the ccxt
// comparison (bench/ccxt/, docs/BENCHMARKS.md "Venue codecs (issue 9)").
// A plain main() with three modes:
//
//   --serve [--listen 127.0.0.1:0] [--symbols N] [--hz H] [--tick-ms T]
//       a Binance mock venue (venues/mock) whose simulated market has N
//       perpetuals updating H times a second each: the stream both clients
//       read. Prints "mock binance listening on http://HOST:PORT ..." and
//       runs until SIGINT/SIGTERM.
//   --url http://HOST:PORT [--warmup S] [--seconds S] [--record FILE]
//       subscribes to the depth stream of every listed perpetual over
//       loopback (venues/net ws_connection + http_client), brings the books
//       in sync (REST snapshot bridge) and applies every delta: Binance
//       codec -> feed_sync -> order_book, on the network thread as it
//       arrives. After the warm-up it counts messages for S seconds and the
//       process CPU time (all threads: socket reads, WebSocket, parsing,
//       books). --record writes the REST answers and frames it received
//       from the start (the replay file).
//   --replay FILE [--repeat R]
//       the recorded session (listing, snapshots, frames in arrival order)
//       decoded and applied as fast as possible, R times.
//
// Each mode ends with one line for bench/ccxt/run.sh:
//   RESULT side=xarb mode=... msgs=N seconds=S msgs_per_s=X cpu_us_per_msg=Y
//          applied=A book_errors=E

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_args.hpp"
#include "core/order_book.hpp"
#include "venues/binance/binance_style.hpp"
#include "venues/common/feed_sync.hpp"
#include "venues/common/units.hpp"
#include "venues/mock/mock_cli.hpp"
#include "venues/net/http_client.hpp"
#include "venues/net/io_thread.hpp"
#include "venues/net/ws_connection.hpp"
#include "venues/sim/sim_config.hpp"

namespace {

using namespace xarb;

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "bench_md_stream: %s\n"
               "usage: bench_md_stream --serve [--listen HOST:PORT] [--symbols N] [--hz H] "
               "[--tick-ms T]\n"
               "       bench_md_stream --url http://HOST:PORT [--warmup S] [--seconds S] "
               "[--record FILE]\n"
               "       bench_md_stream --replay FILE [--repeat R]\n",
               why);
  std::exit(2);
}

double process_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

timestamp_ns wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// The Binance codec as the comparison needs it: depth streams only (ccxt's
/// watchOrderBook does not read bookTicker).
std::unique_ptr<venues::md_codec> depth_only_codec() {
  auto o = venues::binance_codec_options();
  o.book_ticker = false;
  return venues::make_binance_style_codec(std::move(o));
}

/// feed_sync's output applied to one order_book per symbol, as the session
/// does; a failed apply asks feed_sync for a resync.
class books_sink final : public venues::feed_sink {
public:
  venues::feed_sync* sync = nullptr;
  std::map<std::string, order_book, std::less<>> books;
  uint64_t applied = 0, errors = 0;
  std::vector<std::string> fetches;

  void book(const book_snapshot& s) override {
    if (books[s.symbol].apply(s) != error_code::none)
      ++errors;
  }
  void delta(const book_delta& d, std::optional<int32_t>) override {
    auto i = books.find(d.symbol);
    if (i == books.end())
      return;
    if (i->second.apply(d) == error_code::none) {
      ++applied;
      return;
    }
    ++errors;
    if (sync)
      sync->resync(d.symbol, d.recv_ts);
  }
  void top(const top_of_book&) override {}
  void funding(const funding_rate&, std::optional<price>, std::optional<price>) override {}
  void fetch_snapshot(const std::string& native) override { fetches.push_back(native); }
  void send(std::vector<std::string>) override {}
  void dropped(venues::feed_drop, std::string_view) override {}
};

void print_result(const char* mode, uint64_t msgs, double seconds, double cpu_s, uint64_t applied,
                  uint64_t errors) {
  std::printf("RESULT side=xarb mode=%s msgs=%llu seconds=%.3f msgs_per_s=%.0f "
              "cpu_us_per_msg=%.3f applied=%llu book_errors=%llu\n",
              mode, static_cast<unsigned long long>(msgs), seconds,
              seconds > 0 ? static_cast<double>(msgs) / seconds : 0.0,
              msgs ? cpu_s * 1e6 / static_cast<double>(msgs) : 0.0,
              static_cast<unsigned long long>(applied), static_cast<unsigned long long>(errors));
  std::fflush(stdout);
}

// -- --serve ---------------------------------------------------------------------

int serve(const std::string& listen, int symbols, double hz, int tick_ms) {
  auto protocol = mock::make_binance_style_protocol({});
  mock::mock_venue_options o;
  o.protocol = std::move(protocol);
  o.listen = listen;
  o.tick_ms = tick_ms;
  auto world = sim::default_world_config();
  world.generate_symbols = std::max(0, symbols - static_cast<int>(world.symbols.size()));
  for (auto& v : world.venues)
    if (v.name == "sim-a")
      v.update_hz = hz;
  o.world = world;
  return mock::run_mock_venue(std::move(o), std::cout, std::cerr);
}

// -- --url -----------------------------------------------------------------------

/// One recorded line: 'L' listing body (path), 'S' snapshot body (native),
/// 'W' frame. Tab-separated; bodies and frames are single-line JSON.
class recorder {
public:
  explicit recorder(const std::string& path) {
    if (!path.empty())
      out_.open(path, std::ios::binary | std::ios::trunc);
  }
  void line(char kind, std::string_view key, std::string_view body) {
    if (!out_.is_open())
      return;
    out_ << kind << '\t' << key << '\t' << body << '\n';
  }

private:
  std::ofstream out_;
};

int stream(const std::string& url, double warmup_s, double seconds, const std::string& record) {
  net::io_thread io("bench.md");
  io.start();
  net::http_client_config hc;
  hc.base_url = url;
  net::http_client http(io, hc);
  auto codec = depth_only_codec();
  books_sink sink;
  venues::feed_sync sync(*codec, sink);
  sink.sync = &sync;
  recorder rec(record);

  // Listing (exchangeInfo + fundingInfo), synchronously.
  std::vector<std::string> bodies;
  for (const auto& req : codec->instruments_requests()) {
    std::promise<expected<venues::http_response>> p;
    auto f = p.get_future();
    http.request(req, [&p](expected<venues::http_response> r) { p.set_value(std::move(r)); });
    auto r = f.get();
    if (!r || r->status != 200) {
      std::fprintf(stderr, "bench_md_stream: %s failed\n", req.target.c_str());
      return 1;
    }
    rec.line('L', req.target, r->body);
    bodies.push_back(std::move(r->body));
  }
  auto specs = codec->parse_instruments(bodies);
  if (!specs || specs->empty()) {
    std::fprintf(stderr, "bench_md_stream: listing not understood\n");
    return 1;
  }
  auto canonical = venues::to_canonical_specs(std::move(*specs), venues::unit_table::defaults());
  sync.set_instruments(canonical);
  std::vector<std::string> natives;
  for (const auto& s : canonical) {
    natives.push_back(s.native_symbol);
    sink.books[s.symbol];
  }
  venues::ws_plan plan;
  for (auto& p : codec->plan(natives))
    if (p.books)
      plan = p;
  std::fprintf(stderr, "bench_md_stream: %zu books on %s%s\n", natives.size(), url.c_str(),
               plan.target.c_str());

  std::atomic<uint64_t> frames{0};
  std::unique_ptr<net::ws_connection> ws;
  // Everything below runs on the io thread: frames, REST answers.
  std::function<void()> fetch_pending = [&] {
    auto pending = std::move(sink.fetches);
    sink.fetches.clear();
    for (const auto& n : pending)
      http.request(codec->snapshot_request(n), [&, n](expected<venues::http_response> r) {
        expected<book_snapshot> snap = error_info{error_code::venue_unavailable, "REST failed"};
        if (r && r->status == 200) {
          rec.line('S', n, r->body);
          snap = codec->parse_snapshot(n, r->body);
        }
        sync.rest_snapshot(n, std::move(snap));
        fetch_pending();
      });
  };
  venues::decode_result res;
  net::ws_config wc;
  wc.name = "bench/books";
  wc.url = "ws" + url.substr(4) + plan.target;
  wc.heartbeat = codec->info().heartbeat;
  wc.max_msgs_per_s = 0;
  net::ws_callbacks cb;
  cb.on_open = [&](uint64_t) {
    for (const auto& f : plan.subscribe)
      ws->send_text(f);
    sync.connection_open(wall_ns());
    fetch_pending();
  };
  cb.on_frame = [&](std::string&& payload, bool, timestamp_ns recv_ts) {
    rec.line('W', "", payload);
    codec->decode(payload, recv_ts, sync, res);
    frames.fetch_add(1, std::memory_order_relaxed);
    if (!sink.fetches.empty())
      fetch_pending();
  };
  cb.on_close = [&](const net::ws_close_info& c) {
    std::fprintf(stderr, "bench_md_stream: connection closed: %s\n", c.detail.c_str());
    sync.connection_lost();
  };
  ws = std::make_unique<net::ws_connection>(io, wc, cb);
  if (auto e = ws->start(); e) {
    std::fprintf(stderr, "bench_md_stream: %s\n", e.message.c_str());
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(warmup_s));
  const uint64_t n0 = frames.load();
  const double c0 = process_cpu_s();
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const uint64_t n1 = frames.load();
  const double c1 = process_cpu_s();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Counters of the io thread, read on it.
  std::promise<std::pair<uint64_t, uint64_t>> pc;
  io.post([&] { pc.set_value({sink.applied, sink.errors}); });
  const auto [applied, errors] = pc.get_future().get();
  ws->close();
  ws.reset();
  io.stop();
  io.join();
  print_result("loopback", n1 - n0, wall, c1 - c0, applied, errors);
  return 0;
}

// -- --replay --------------------------------------------------------------------

int replay(const std::string& path, int repeat) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "bench_md_stream: cannot read %s\n", path.c_str());
    return 1;
  }
  struct event {
    char kind;
    std::string key;
    std::string body;
  };
  std::vector<event> events;
  std::vector<std::string> listing;
  for (std::string line; std::getline(in, line);) {
    const auto t1 = line.find('\t');
    const auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t1 != 1 || t2 == std::string::npos)
      continue;
    event e{line[0], line.substr(2, t2 - 2), line.substr(t2 + 1)};
    if (e.kind == 'L')
      listing.push_back(std::move(e.body));
    else
      events.push_back(std::move(e));
  }
  auto codec = depth_only_codec();
  books_sink sink;
  venues::feed_sync sync(*codec, sink);
  auto specs = codec->parse_instruments(listing);
  if (!specs) {
    std::fprintf(stderr, "bench_md_stream: recorded listing not understood\n");
    return 1;
  }
  auto canonical = venues::to_canonical_specs(std::move(*specs), venues::unit_table::defaults());
  sync.set_instruments(canonical);
  for (auto& e : events)
    if (e.kind == 'W')
      e.body.reserve(e.body.size() + net::frame_padding);
  uint64_t msgs = 0;
  double cpu = 0, wall = 0;
  venues::decode_result res;
  for (int r = 0; r < repeat; ++r) {
    sink.books.clear();
    for (const auto& s : canonical)
      sink.books[s.symbol];
    sync.connection_lost();
    sync.connection_open(1);
    sink.fetches.clear(); // answered by the recorded 'S' lines, in their order
    const double c0 = process_cpu_s();
    const auto t0 = std::chrono::steady_clock::now();
    timestamp_ns recv = 1;
    for (auto& e : events) {
      if (e.kind == 'W') {
        codec->decode(e.body, ++recv, sync, res);
        ++msgs;
      } else if (e.kind == 'S') {
        sync.rest_snapshot(e.key, codec->parse_snapshot(e.key, e.body));
      }
    }
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    cpu += process_cpu_s() - c0;
  }
  print_result("replay", msgs, wall, cpu, sink.applied, sink.errors);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  xarb::bench::arg_reader args(argc, argv, usage);
  std::string mode, url, record, file, listen = "127.0.0.1:0";
  double warmup = 3, seconds = 10, hz = 50;
  int symbols = 100, tick_ms = 1, repeat = 5;
  for (std::string_view flag; args.next(flag);) {
    if (flag == "--serve")
      mode = "serve";
    else if (flag == "--url")
      mode = "url", url = args.value();
    else if (flag == "--replay")
      mode = "replay", file = args.value();
    else if (flag == "--listen")
      listen = args.value();
    else if (flag == "--symbols")
      symbols = args.integer();
    else if (flag == "--hz")
      hz = args.number();
    else if (flag == "--tick-ms")
      tick_ms = args.integer();
    else if (flag == "--warmup")
      warmup = args.number();
    else if (flag == "--seconds")
      seconds = args.number();
    else if (flag == "--record")
      record = args.value();
    else if (flag == "--repeat")
      repeat = args.integer();
    else
      usage("unknown flag");
  }
  if (mode == "serve")
    return serve(listen, symbols, hz, tick_ms);
  if (mode == "url") {
    if (url.rfind("http://", 0) != 0)
      usage("--url must be http://HOST:PORT");
    return stream(url, warmup, seconds, record);
  }
  if (mode == "replay")
    return replay(file, std::max(1, repeat));
  // `make bench` runs every bench_* without flags: this one needs a mock
  // and a client, which bench/ccxt/run.sh starts.
  std::printf("bench_md_stream: run bench/ccxt/run.sh (or --serve / --url / --replay)\n");
  return 0;
}
