// Web load vs. the hot path (issue 6, point 6): tick-to-decision latency of a
// trading node with and without 200 /ws/stream clients and 1,000 REST
// requests/s. Goal: p99 under load within 2x of the quiet p99.
//
//   bench_web_load [--xarb PATH] [--seconds 60] [--warmup 20] [--ws-clients 200]
//                  [--rps 1000 (0: none)] [--rest-conns 16] [--client-threads 1]
//                  [--port P] [--out-json FILE] [--phases AB]
//                  [--routes PATH,...] [--set section.key=value]... [--keep]
//
// It starts a real node (`xarb run`, env XARB_API_TOKEN and XARB_LISTEN) in
// a temporary directory, with deploy/xarb.example.toml plus the crash
// harness's overlay (tests/integration/crash_harness.py: frequent large
// dislocations, short signal window, short holds, five pairs) so the pairs
// trade, and [web] rate_limit_rps = 0 (the load is not refused) and
// ws_max_clients >= 256. --set overrides any key (e.g. --set web.threads=4,
// --set scheduler.inline_decisions=true) to investigate. After /readyz is 200
// and the warm-up (pairs out of "warmup"), each phase letter runs --seconds:
//   A  no load;
//   B  --ws-clients WebSocket clients, each subscribed to all 8 topics and
//      reading everything, plus --rps GET requests/s over --rest-conns
//      keep-alive connections, paced open-loop (a request is due at its
//      scheduled time whether or not the previous one was answered; latency
//      is counted from that time, so a stalled server is not hidden).
// For each phase the node's xarb_tick_to_decision_seconds histogram is
// scraped from /metrics at the start and the end; p50/p90/p99 come from the
// bucket deltas, interpolated linearly inside a bucket (histogram_quantile()).
// Node CPU comes from /proc/<pid>/stat (and per thread name from
// /proc/<pid>/task), the generator's own CPU from getrusage(): both share the
// machine's cores, which the report says.
// A plain main(), not Google Benchmark (it measures a running node);
// --benchmark_* flags (from `make bench`) are ignored.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
#include <stdlib.h> // getloadavg
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench_args.hpp"
#include "bench/node_probe.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#ifndef XARB_EXAMPLE_TOML
#define XARB_EXAMPLE_TOML "deploy/xarb.example.toml"
#endif

extern char** environ;

namespace {

using namespace xarb::bench; // node_probe.hpp: /metrics, /proc, quantiles

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::array<std::string_view, 8> topics{"tops",  "spreads", "pairs", "orders",
                                                 "fills", "events",  "risk",  "venues"};
// The REST mix: weights out of 20 (a dashboard polls the pairs most,
// Prometheus scrapes least).
constexpr std::array<std::pair<std::string_view, int>, 10> rest_mix{{
  {"/api/status", 2},
  {"/api/pairs", 3},
  {"/api/venues", 2},
  {"/api/risk", 2},
  {"/api/positions", 2},
  {"/api/orders?limit=50", 2},
  {"/api/fills?limit=50", 2},
  {"/api/events?limit=50", 2},
  {"/api/market/top-spreads", 2},
  {"/metrics", 1},
}};

struct options {
  std::string xarb;
  std::string base_config = XARB_EXAMPLE_TOML;
  double seconds = 60;
  double warmup = 20;
  int ws_clients = 200;
  double rps = 1000;
  int rest_conns = 16;
  int client_threads = 1;
  int port = 0;
  std::string out_json;
  std::string phases = "AB";
  std::vector<std::string> sets; // section.key=value
  /// Weight of each rest_mix route; --routes keeps only the listed ones.
  std::array<int, rest_mix.size()> weights = [] {
    std::array<int, rest_mix.size()> w{};
    for (std::size_t i = 0; i < w.size(); ++i)
      w[i] = rest_mix[i].second;
    return w;
  }();
  bool keep = false;
};

double secs(steady::duration d) {
  return std::chrono::duration<double>(d).count();
}

// -- config overlay ---------------------------------------------------------------

/// Replaces the value of every `key = ...` line (any section), keeping the
/// comment. Returns how many lines changed.
int replace_key_everywhere(std::string& text, std::string_view key, std::string_view value) {
  std::istringstream in{text};
  std::string out, line;
  int n = 0;
  const std::string prefix = std::string{key} + " = ";
  while (std::getline(in, line)) {
    if (line.starts_with(prefix)) {
      auto hash = line.find('#');
      std::string comment = hash == std::string::npos ? "" : "  " + line.substr(hash);
      line = prefix + std::string{value} + comment;
      ++n;
    }
    out += line;
    out += '\n';
  }
  text = std::move(out);
  return n;
}

/// Sets `key = value` in the table [section]: replaces the line if there,
/// else inserts it right after the header. False if there is no such table.
bool set_in_section(std::string& text, std::string_view section, std::string_view key,
                    std::string_view value) {
  std::istringstream in{text};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  const std::string header = "[" + std::string{section} + "]";
  const std::string prefix = std::string{key} + " = ";
  const std::string set = prefix + std::string{value};
  for (std::size_t i = 0; i < lines.size(); ++i) {
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
    std::string out;
    for (auto& l : lines)
      out += l + "\n";
    text = std::move(out);
    return true;
  }
  return false;
}

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "bench_web_load: %s\n", why.c_str());
  std::exit(1);
}

/// deploy/xarb.example.toml + the crash harness's active-market overlay.
std::string overlay(const options& opt) {
  std::ifstream f{opt.base_config};
  if (!f)
    die("cannot read " + opt.base_config + " (--base-config)");
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  const std::pair<const char*, const char*> subs[] = {
    {"dislocation_per_hour", "900.0"}, {"dislocation_bps", "60.0"},
    {"window", "20"},                  {"sample_interval_ms", "100"},
    {"max_hold_s", "6"},               {"min_profit_bps", "0.5"},
    {"funding_interval_s", "60"},
  };
  for (auto [key, value] : subs)
    if (replace_key_everywhere(text, key, value) == 0)
      die(std::string{"overlay: '"} + key + " = ' not found in " + opt.base_config);
  // The load must reach the node, not the per-client limiter (all our
  // clients are 127.0.0.1), and every stream client must get a slot.
  std::vector<std::string> sets{"web.rate_limit_rps=0", "web.ws_max_clients="
                                + std::to_string(std::max(256, opt.ws_clients + 16))};
  sets.insert(sets.end(), opt.sets.begin(), opt.sets.end());
  for (auto& s : sets) {
    auto eq = s.find('=');
    auto dot = s.rfind('.', eq);
    if (eq == std::string::npos || dot == std::string::npos)
      die("--set takes section.key=value: " + s);
    if (!set_in_section(text, s.substr(0, dot), s.substr(dot + 1, eq - dot - 1),
                        s.substr(eq + 1)))
      die("--set: no [" + s.substr(0, dot) + "] table in the config");
  }
  const char* pairs[][4] = {
    {"BTC-PERP", "sim-a", "sim-b", "taker_taker"}, {"ETH-PERP", "sim-b", "sim-c", "taker_taker"},
    {"SOL-PERP", "sim-a", "sim-c", "maker_taker"}, {"DOGE-PERP", "sim-a", "sim-b", "maker_taker"},
    {"PEPE-PERP", "sim-b", "sim-c", "taker_taker"},
  };
  for (auto& p : pairs)
    text += std::string{"\n[[pairs]]\nsymbol = \""} + p[0] + "\"\nvenue_a = \"" + p[1]
            + "\"\nvenue_b = \"" + p[2] + "\"\nstyle = \"" + p[3] + "\"\n";
  return text;
}

// -- the node process ---------------------------------------------------------------

struct node_process : node_child {
  void start(const options& opt, const std::string& cfg, const std::string& data,
             const std::string& log, const std::string& token) {
    if (!node_child::start({opt.xarb, "run", "--config", cfg, "--data-dir", data},
                           {"XARB_API_TOKEN=" + token,
                            "XARB_LISTEN=127.0.0.1:" + std::to_string(opt.port)},
                           log))
      die("fork failed");
  }
  /// SIGTERM, then SIGKILL after `grace`. Returns the exit status text.
  std::string stop(std::chrono::seconds grace = 20s) {
    std::string how;
    node_child::stop(how, grace);
    return how;
  }
};

int free_port() {
  asio::io_context ioc;
  tcp::acceptor a{ioc, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}};
  return a.local_endpoint().port();
}

/// One GET on a fresh connection, bounded by `timeout`: {status, body};
/// status 0 on any failure.
std::pair<int, std::string> http_get(int port, const std::string& target,
                                     std::chrono::milliseconds timeout = 5000ms) {
  asio::io_context ioc;
  beast::tcp_stream s{ioc};
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256u << 20);
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  int status = 0;
  s.expires_after(timeout);
  s.async_connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"),
                                static_cast<unsigned short>(port)},
                  [&](beast::error_code ec) {
                    if (ec)
                      return;
                    http::async_write(s, req, [&](beast::error_code wec, std::size_t) {
                      if (wec)
                        return;
                      http::async_read(s, buf, parser, [&](beast::error_code rec, std::size_t) {
                        if (!rec)
                          status = static_cast<int>(parser.get().result_int());
                      });
                    });
                  });
  ioc.run();
  return {status, status ? parser.get().body() : std::string{}};
}

// -- CPU ------------------------------------------------------------------------------

struct cpu_sample {
  double process = 0;
  std::map<int, std::pair<std::string, double>> threads; // tid -> (name, cpu s)
  double self = 0;                                       // the bench's own CPU s
};

double self_cpu() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

cpu_sample sample_cpu(pid_t pid) {
  cpu_sample c;
  const std::string base = "/proc/" + std::to_string(pid);
  c.process = stat_cpu(base + "/stat");
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator(base + "/task", ec)) {
    std::string comm;
    double v = stat_cpu(e.path().string() + "/stat", &comm);
    if (v >= 0)
      c.threads[std::atoi(e.path().filename().c_str())] = {comm, v};
  }
  c.self = self_cpu();
  return c;
}

/// CPU seconds per node thread between two samples, keyed "name/tid" (a
/// thread born in between counts from zero). The node's threads mostly
/// inherit CAF's names, so the tid order (creation order) tells them apart.
std::map<std::string, std::pair<int, double>> per_thread(const cpu_sample& a,
                                                         const cpu_sample& b) {
  std::map<std::string, std::pair<int, double>> out;
  for (auto& [tid, nv] : b.threads) {
    auto it = a.threads.find(tid);
    double before = it == a.threads.end() ? 0 : it->second.second;
    out[nv.first + "/" + std::to_string(tid)] = {tid, nv.second - before};
  }
  return out;
}

// -- load generator -----------------------------------------------------------------

struct ws_stats {
  std::atomic<uint64_t> connected{0}, subscribed{0}, failed{0}, dropped{0};
  std::atomic<uint64_t> messages{0}, bytes{0};
  std::array<std::atomic<uint64_t>, topics.size() + 1> per_topic{}; // + other
  std::atomic<bool> closing{false};
  std::mutex mtx;
  std::map<std::string, uint64_t> drop_reasons; // under mtx
};

class ws_client : public std::enable_shared_from_this<ws_client> {
public:
  ws_client(asio::io_context& ioc, ws_stats& st, tcp::endpoint ep, std::string token)
    : ws_(asio::make_strand(ioc)), st_(st), ep_(ep), token_(std::move(token)) {}

  void start() {
    beast::get_lowest_layer(ws_).expires_after(15s);
    beast::get_lowest_layer(ws_).async_connect(
      ep_, beast::bind_front_handler(&ws_client::on_connect, shared_from_this()));
  }

  void close() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      if (!self->open_)
        return;
      self->ws_.async_close(websocket::close_code::normal, [self](beast::error_code) {});
    });
  }

private:
  void fail(const std::string& what) {
    ++st_.failed;
    std::lock_guard lock{st_.mtx};
    ++st_.drop_reasons["connect/handshake: " + what];
  }

  void on_connect(beast::error_code ec) {
    if (ec)
      return fail(ec.message());
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.set_option(websocket::stream_base::decorator(
      [tok = token_](websocket::request_type& r) { r.set(http::field::authorization, "Bearer " + tok); }));
    ws_.async_handshake("127.0.0.1", "/ws/stream",
                        beast::bind_front_handler(&ws_client::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec)
      return fail(ec.message());
    open_ = true;
    ++st_.connected;
    ws_.text(true);
    static const std::string subscribe = [] {
      std::string s = R"({"op":"subscribe","topics":[)";
      for (std::size_t i = 0; i < topics.size(); ++i)
        s += (i ? ",\"" : "\"") + std::string{topics[i]} + "\"";
      return s + "]}";
    }();
    ws_.async_write(asio::buffer(subscribe), [self = shared_from_this()](beast::error_code wec,
                                                                          std::size_t) {
      if (wec)
        self->fail("subscribe: " + wec.message());
    });
    do_read();
  }

  void do_read() {
    ws_.async_read(buf_, beast::bind_front_handler(&ws_client::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t n) {
    if (ec) {
      open_ = false;
      if (!st_.closing) {
        ++st_.dropped;
        std::string why = ec.message();
        if (ec == websocket::error::closed)
          why = "closed by server: " + std::to_string(ws_.reason().code) + " "
                + std::string{ws_.reason().reason.c_str()};
        std::lock_guard lock{st_.mtx};
        ++st_.drop_reasons[why];
      }
      return;
    }
    st_.messages.fetch_add(1, std::memory_order_relaxed);
    st_.bytes.fetch_add(n, std::memory_order_relaxed);
    auto data = buf_.cdata();
    std::string_view msg{static_cast<const char*>(data.data()), std::min<std::size_t>(data.size(), 80)};
    if (msg.find(R"("type":"subscribed")") != std::string_view::npos)
      ++st_.subscribed;
    std::size_t t = topics.size();
    if (auto p = msg.find(R"("topic":")"); p != std::string_view::npos)
      for (std::size_t i = 0; i < topics.size(); ++i)
        if (msg.substr(p + 9).starts_with(topics[i]) && msg.substr(p + 9 + topics[i].size()).starts_with("\""))
          t = i;
    st_.per_topic[t].fetch_add(1, std::memory_order_relaxed);
    buf_.consume(buf_.size());
    do_read();
  }

  websocket::stream<beast::tcp_stream> ws_;
  ws_stats& st_;
  tcp::endpoint ep_;
  std::string token_;
  beast::flat_buffer buf_;
  bool open_ = false;
};

struct rest_stats {
  std::atomic<uint64_t> outstanding{0}; // scheduled, not yet answered
};

/// One keep-alive connection; requests are due every `interval`, queue up
/// while one is in flight, and their latency counts from the due time.
class rest_conn : public std::enable_shared_from_this<rest_conn> {
public:
  struct result {
    std::vector<std::vector<double>> from_due{rest_mix.size()}; // seconds
    std::vector<std::vector<double>> service{rest_mix.size()};  // write -> response
    std::map<int, uint64_t> status;  // 0 = transport error
    uint64_t bytes = 0, reconnects = 0;
    std::size_t max_queue = 0;
  };

  rest_conn(asio::io_context& ioc, rest_stats& st, tcp::endpoint ep,
            std::array<int, rest_mix.size()> weights)
    : stream_(asio::make_strand(ioc)), timer_(stream_.get_executor()), st_(st), ep_(ep),
      weights_(weights) {
    for (int w : weights_)
      total_ += static_cast<std::size_t>(w);
  }

  void connect() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_connect(); });
  }

  void run(steady::time_point first, steady::time_point deadline, steady::duration interval,
           std::size_t slot) {
    asio::dispatch(stream_.get_executor(), [=, self = shared_from_this()] {
      self->next_ = first;
      self->deadline_ = deadline;
      self->interval_ = interval;
      self->slot_ = slot;
      self->arm();
    });
  }

  const result& res() const { return res_; }

private:
  struct pending {
    steady::time_point due;
    std::size_t path;
  };

  void do_connect() {
    stream_.expires_after(5s);
    stream_.async_connect(ep_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) {
        // Retry shortly: the queue keeps the due times.
        self->timer_reconnect();
        return;
      }
      self->connected_ = true;
      self->send_next();
    });
  }

  void timer_reconnect() {
    auto t = std::make_shared<asio::steady_timer>(stream_.get_executor(), 50ms);
    t->async_wait([t, self = shared_from_this()](beast::error_code) { self->do_connect(); });
  }

  std::size_t pick() {
    // Weighted round robin over the mix, offset per connection.
    std::size_t k = (slot_ * 7 + count_++) % total_;
    for (std::size_t i = 0; i < rest_mix.size(); ++i) {
      if (k < static_cast<std::size_t>(weights_[i]))
        return i;
      k -= static_cast<std::size_t>(weights_[i]);
    }
    return 0;
  }

  void arm() {
    if (next_ >= deadline_)
      return;
    timer_.expires_at(next_);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec)
        return;
      auto now = steady::now();
      // Open loop: every request that is due, even if the generator woke late.
      while (self->next_ <= now && self->next_ < self->deadline_) {
        self->queue_.push_back({self->next_, self->pick()});
        ++self->st_.outstanding;
        self->next_ += self->interval_;
      }
      self->res_.max_queue = std::max(self->res_.max_queue, self->queue_.size());
      self->send_next();
      self->arm();
    });
  }

  void send_next() {
    if (busy_ || !connected_ || queue_.empty())
      return;
    busy_ = true;
    cur_ = queue_.front();
    queue_.pop_front();
    req_ = {http::verb::get, std::string{rest_mix[cur_.path].first}, 11};
    req_.set(http::field::host, "127.0.0.1");
    req_.keep_alive(true);
    sent_ = steady::now();
    stream_.expires_after(10s);
    http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec,
                                                                  std::size_t) {
      if (ec)
        return self->failed();
      self->parser_.emplace();
      self->parser_->body_limit(256u << 20);
      http::async_read(self->stream_, self->buf_, *self->parser_,
                       [self](beast::error_code rec, std::size_t n) {
                         if (rec)
                           return self->failed();
                         self->done(n);
                       });
    });
  }

  void done(std::size_t n) {
    auto now = steady::now();
    auto& r = parser_->get();
    res_.from_due[cur_.path].push_back(secs(now - cur_.due));
    res_.service[cur_.path].push_back(secs(now - sent_));
    ++res_.status[static_cast<int>(r.result_int())];
    res_.bytes += n;
    --st_.outstanding;
    busy_ = false;
    if (!r.keep_alive()) {
      connected_ = false;
      ++res_.reconnects;
      beast::error_code ignored;
      stream_.socket().close(ignored);
      return do_connect();
    }
    send_next();
  }

  void failed() {
    ++res_.status[0];
    --st_.outstanding;
    busy_ = false;
    connected_ = false;
    ++res_.reconnects;
    beast::error_code ignored;
    stream_.socket().close(ignored);
    buf_.clear();
    do_connect();
  }

  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  rest_stats& st_;
  tcp::endpoint ep_;
  beast::flat_buffer buf_;
  http::request<http::empty_body> req_;
  std::optional<http::response_parser<http::string_body>> parser_;
  std::deque<pending> queue_;
  pending cur_{};
  steady::time_point sent_{}, next_{}, deadline_{};
  steady::duration interval_{};
  std::array<int, rest_mix.size()> weights_;
  std::size_t total_ = 0;
  std::size_t slot_ = 0, count_ = 0;
  bool busy_ = false, connected_ = false;
  result res_;
};

// -- phases -----------------------------------------------------------------------------

struct phase_result {
  char kind = 'A';
  double seconds = 0;
  hist t2d, refresh, http_dur;
  double node_cpu = 0, self_cpu = 0;
  std::map<std::string, std::pair<int, double>> threads;
  double ws_sent_msgs = 0, ws_sent_bytes = 0, http_requests = 0, rate_limited = 0;
  double orders = 0, fills = 0; // venue orders and fills: the node trades meanwhile
  std::map<std::string, double> server_drops;
  // B only
  uint64_t ws_connected = 0, ws_subscribed = 0, ws_failed = 0, ws_dropped = 0;
  uint64_t ws_msgs = 0, ws_bytes = 0;
  std::array<uint64_t, topics.size() + 1> ws_topic{};
  std::map<std::string, uint64_t> ws_reasons;
  rest_conn::result rest; // merged
  uint64_t rest_unanswered = 0;
  double load_avg = 0;
};

struct scrape {
  std::string text;
  cpu_sample cpu;
  steady::time_point at;
};

scrape take_scrape(int port, pid_t pid) {
  scrape s;
  s.at = steady::now();
  s.cpu = sample_cpu(pid);
  auto [status, body] = http_get(port, "/metrics");
  if (status != 200)
    die("GET /metrics failed during a phase (status " + std::to_string(status) + ")");
  s.text = std::move(body);
  return s;
}

void fill_from_scrapes(phase_result& r, const scrape& a, const scrape& b) {
  r.seconds = secs(b.at - a.at);
  auto h = [&](const char* n) { return minus(parse_hist(b.text, n), parse_hist(a.text, n)); };
  auto d = [&](const char* n) { return parse_total(b.text, n) - parse_total(a.text, n); };
  r.t2d = h("xarb_tick_to_decision_seconds");
  r.refresh = h("xarb_ws_hub_refresh_seconds");
  r.http_dur = h("xarb_http_request_duration_seconds");
  r.ws_sent_msgs = d("xarb_ws_messages_sent_total");
  r.ws_sent_bytes = d("xarb_ws_bytes_sent_total");
  r.http_requests = d("xarb_http_requests_total");
  r.rate_limited = d("xarb_http_rate_limited_total");
  r.orders = d("xarb_venue_orders_total");
  r.fills = d("xarb_venue_fills_total");
  auto before = parse_series(a.text, "xarb_ws_clients_dropped_total");
  for (auto& [k, v] : parse_series(b.text, "xarb_ws_clients_dropped_total"))
    if (v - before[k] > 0)
      r.server_drops[k] = v - before[k];
  r.node_cpu = b.cpu.process - a.cpu.process;
  r.self_cpu = b.cpu.self - a.cpu.self;
  r.threads = per_thread(a.cpu, b.cpu);
  double l[3];
  if (::getloadavg(l, 3) == 3)
    r.load_avg = l[0];
}

phase_result run_quiet(const options& opt, pid_t pid) {
  phase_result r;
  r.kind = 'A';
  auto a = take_scrape(opt.port, pid);
  std::this_thread::sleep_for(std::chrono::duration<double>(opt.seconds));
  auto b = take_scrape(opt.port, pid);
  fill_from_scrapes(r, a, b);
  return r;
}

phase_result run_loaded(const options& opt, pid_t pid, const std::string& token) {
  phase_result r;
  r.kind = 'B';
  asio::io_context ioc{opt.client_threads};
  auto guard = asio::make_work_guard(ioc);
  std::vector<std::thread> threads;
  for (int i = 0; i < opt.client_threads; ++i)
    threads.emplace_back([&ioc] { ioc.run(); });
  const tcp::endpoint ep{asio::ip::make_address("127.0.0.1"),
                         static_cast<unsigned short>(opt.port)};
  ws_stats ws;
  std::vector<std::shared_ptr<ws_client>> clients;
  for (int i = 0; i < opt.ws_clients; ++i) {
    clients.push_back(std::make_shared<ws_client>(ioc, ws, ep, token));
    clients.back()->start();
  }
  // Every client connected and subscribed (or failed), then a second for
  // the first snapshots: the phase measures the steady stream.
  const auto until = steady::now() + 30s;
  while (steady::now() < until
         && ws.subscribed + ws.failed < static_cast<uint64_t>(opt.ws_clients))
    std::this_thread::sleep_for(50ms);
  std::this_thread::sleep_for(1s);
  rest_stats rs;
  std::vector<std::shared_ptr<rest_conn>> conns;
  for (int i = 0; opt.rps > 0 && i < opt.rest_conns; ++i) {
    conns.push_back(std::make_shared<rest_conn>(ioc, rs, ep, opt.weights));
    conns.back()->connect();
  }
  std::this_thread::sleep_for(200ms);

  const uint64_t m0 = ws.messages, b0 = ws.bytes;
  std::array<uint64_t, topics.size() + 1> t0{};
  for (std::size_t i = 0; i < t0.size(); ++i)
    t0[i] = ws.per_topic[i];
  auto a = take_scrape(opt.port, pid);
  const auto start = steady::now();
  const auto deadline = start + std::chrono::duration_cast<steady::duration>(
                                  std::chrono::duration<double>(opt.seconds));
  const auto interval = std::chrono::duration_cast<steady::duration>(
    std::chrono::duration<double>(opt.rps > 0 ? opt.rest_conns / opt.rps : 1.0));
  for (std::size_t i = 0; i < conns.size(); ++i)
    conns[i]->run(start + interval * static_cast<long>(i) / static_cast<long>(conns.size()),
                  deadline, interval, i);
  std::this_thread::sleep_until(deadline);
  auto b = take_scrape(opt.port, pid);
  r.ws_msgs = ws.messages - m0;
  r.ws_bytes = ws.bytes - b0;
  for (std::size_t i = 0; i < t0.size(); ++i)
    r.ws_topic[i] = ws.per_topic[i] - t0[i];
  r.ws_connected = ws.connected;
  r.ws_subscribed = ws.subscribed;
  r.ws_failed = ws.failed;
  r.ws_dropped = ws.dropped;
  fill_from_scrapes(r, a, b);

  // Drain: answers of requests due before the deadline, then close.
  const auto drain = steady::now() + 5s;
  while (rs.outstanding > 0 && steady::now() < drain)
    std::this_thread::sleep_for(10ms);
  r.rest_unanswered = rs.outstanding;
  ws.closing = true;
  for (auto& c : clients)
    c->close();
  std::this_thread::sleep_for(500ms);
  guard.reset();
  ioc.stop();
  for (auto& t : threads)
    t.join();
  {
    std::lock_guard lock{ws.mtx};
    r.ws_reasons = ws.drop_reasons;
  }
  for (auto& c : conns) {
    auto& x = c->res();
    for (std::size_t p = 0; p < rest_mix.size(); ++p) {
      r.rest.from_due[p].insert(r.rest.from_due[p].end(), x.from_due[p].begin(),
                                x.from_due[p].end());
      r.rest.service[p].insert(r.rest.service[p].end(), x.service[p].begin(),
                               x.service[p].end());
    }
    for (auto [k, v] : x.status)
      r.rest.status[k] += v;
    r.rest.bytes += x.bytes;
    r.rest.reconnects += x.reconnects;
    r.rest.max_queue = std::max(r.rest.max_queue, x.max_queue);
  }
  clients.clear();
  conns.clear();
  return r;
}

// -- report -------------------------------------------------------------------------------

std::vector<double> all_of(const std::vector<std::vector<double>>& v) {
  std::vector<double> out;
  for (auto& x : v)
    out.insert(out.end(), x.begin(), x.end());
  return out;
}

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

void print_phase(const phase_result& r) {
  const auto& h = r.t2d;
  double lo = 0, hi = 0;
  const double p99 = quantile(h, 0.99, &lo, &hi);
  std::printf("%c  %6.1f s  %8.0f  %6.1f  %7.1f  %7.1f  %7.1f  %7.1f  [%g-%g us]  %5.0f%%  %5.0f%%  %4.2f\n",
              r.kind, r.seconds, h.count, h.count / r.seconds, quantile(h, 0.5) * 1e6,
              quantile(h, 0.9) * 1e6, p99 * 1e6, mean(h) * 1e6, lo * 1e6, hi * 1e6,
              100 * r.node_cpu / r.seconds, 100 * r.self_cpu / r.seconds, r.load_avg);
}

void print_details(const phase_result& r) {
  std::printf("\nphase %c (%.1f s): order outcomes %.0f, fills %.0f (the node trades meanwhile)\n", r.kind, r.seconds,
              r.orders, r.fills);
  std::printf("  hub refresh: %.0f (%.1f/s), mean %.1f us, p50 %.1f us, p99 %.1f us\n",
              r.refresh.count, r.refresh.count / r.seconds, mean(r.refresh) * 1e6,
              quantile(r.refresh, 0.5) * 1e6, quantile(r.refresh, 0.99) * 1e6);
  std::printf("  http (server side, parsed request -> response built): %.0f (%.0f/s), mean "
              "%.1f us, p50 %.1f us, p99 %.1f us; 429s %.0f\n",
              r.http_dur.count, r.http_dur.count / r.seconds, mean(r.http_dur) * 1e6,
              quantile(r.http_dur, 0.5) * 1e6, quantile(r.http_dur, 0.99) * 1e6,
              r.rate_limited);
  std::printf("  ws sent by the node: %.0f messages (%.0f/s), %.1f MB (%.2f MB/s)\n",
              r.ws_sent_msgs, r.ws_sent_msgs / r.seconds, r.ws_sent_bytes / 1e6,
              r.ws_sent_bytes / 1e6 / r.seconds);
  for (auto& [k, v] : r.server_drops)
    std::printf("  ws clients dropped by the node %s: %.0f\n", k.c_str(), v);
  std::printf("  node CPU %.0f%%, per thread (name/tid, in creation order, >= 0.5%%):",
              100 * r.node_cpu / r.seconds);
  std::vector<std::pair<int, std::string>> t;
  for (auto& [name, v] : r.threads)
    if (v.second / r.seconds >= 0.005)
      t.emplace_back(v.first, name + " " + fmt("%.1f%%", 100 * v.second / r.seconds));
  std::sort(t.begin(), t.end());
  for (auto& [tid, text] : t)
    std::printf(" %s;", text.c_str());
  std::printf("\n");
  if (r.kind != 'B')
    return;
  std::printf("  ws clients: %llu connected, %llu subscribed, %llu failed, %llu dropped; "
              "received %llu messages (%.0f/s), %.1f MB (%.2f MB/s)\n",
              static_cast<unsigned long long>(r.ws_connected),
              static_cast<unsigned long long>(r.ws_subscribed),
              static_cast<unsigned long long>(r.ws_failed),
              static_cast<unsigned long long>(r.ws_dropped),
              static_cast<unsigned long long>(r.ws_msgs), r.ws_msgs / r.seconds,
              r.ws_bytes / 1e6, r.ws_bytes / 1e6 / r.seconds);
  std::printf("  ws messages/s by topic:");
  for (std::size_t i = 0; i < r.ws_topic.size(); ++i)
    std::printf(" %s %.0f;", i < topics.size() ? std::string{topics[i]}.c_str() : "control",
                r.ws_topic[i] / r.seconds);
  std::printf("\n");
  for (auto& [k, v] : r.ws_reasons)
    std::printf("  ws client end: %s x%llu\n", k.c_str(), static_cast<unsigned long long>(v));
  auto all = all_of(r.rest.from_due);
  std::printf("  rest: %zu answered (%.0f/s), %llu unanswered, %llu reconnects, max queue "
              "per connection %zu, %.1f MB; status:",
              all.size(), static_cast<double>(all.size()) / r.seconds,
              static_cast<unsigned long long>(r.rest_unanswered),
              static_cast<unsigned long long>(r.rest.reconnects), r.rest.max_queue,
              static_cast<double>(r.rest.bytes) / 1e6);
  for (auto [k, v] : r.rest.status)
    std::printf(" %d x%llu", k, static_cast<unsigned long long>(v));
  std::printf("\n  rest latency from due time: p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
              "write->response p50 %.2f ms, p99 %.2f ms\n",
              exact_q(all, 0.5) * 1e3, exact_q(all, 0.99) * 1e3, exact_q(all, 1.0) * 1e3,
              exact_q(all_of(r.rest.service), 0.5) * 1e3,
              exact_q(all_of(r.rest.service), 0.99) * 1e3);
  for (std::size_t p = 0; p < rest_mix.size(); ++p)
    std::printf("    %-26s %6zu  p50 %7.2f ms  p99 %7.2f ms\n",
                std::string{rest_mix[p].first}.c_str(), r.rest.from_due[p].size(),
                exact_q(r.rest.from_due[p], 0.5) * 1e3, exact_q(r.rest.from_due[p], 0.99) * 1e3);
}

std::string json_hist(const hist& h) {
  return "{\"count\":" + fmt("%.0f", h.count) + ",\"mean_us\":" + fmt("%.3f", mean(h) * 1e6)
         + ",\"p50_us\":" + fmt("%.3f", quantile(h, 0.5) * 1e6) + ",\"p90_us\":"
         + fmt("%.3f", quantile(h, 0.9) * 1e6) + ",\"p99_us\":"
         + fmt("%.3f", quantile(h, 0.99) * 1e6) + "}";
}

std::string json_esc(const std::string& s) {
  std::string o;
  for (char c : s)
    if (c == '"' || c == '\\')
      o += std::string{"\\"} + c;
    else if (static_cast<unsigned char>(c) >= 0x20)
      o += c;
  return o;
}

std::string json_phase(const phase_result& r) {
  std::string s = "{\"phase\":\"" + std::string(1, r.kind) + "\",\"seconds\":"
                  + fmt("%.3f", r.seconds) + ",\"tick_to_decision\":" + json_hist(r.t2d)
                  + ",\"node_cpu_pct\":" + fmt("%.1f", 100 * r.node_cpu / r.seconds)
                  + ",\"bench_cpu_pct\":" + fmt("%.1f", 100 * r.self_cpu / r.seconds)
                  + ",\"load_avg_1m\":" + fmt("%.2f", r.load_avg)
                  + ",\"orders\":" + fmt("%.0f", r.orders) + ",\"fills\":" + fmt("%.0f", r.fills)
                  + ",\"hub_refresh\":" + json_hist(r.refresh)
                  + ",\"http_server\":" + json_hist(r.http_dur)
                  + ",\"ws_sent_messages\":" + fmt("%.0f", r.ws_sent_msgs)
                  + ",\"ws_sent_bytes\":" + fmt("%.0f", r.ws_sent_bytes)
                  + ",\"node_threads_cpu_pct\":{";
  bool first = true;
  for (auto& [name, v] : r.threads) {
    s += (first ? "\"" : ",\"") + json_esc(name) + "\":" + fmt("%.2f", 100 * v.second / r.seconds);
    first = false;
  }
  s += "}";
  if (r.kind == 'B') {
    auto all = all_of(r.rest.from_due);
    s += ",\"ws\":{\"connected\":" + std::to_string(r.ws_connected) + ",\"subscribed\":"
         + std::to_string(r.ws_subscribed) + ",\"failed\":" + std::to_string(r.ws_failed)
         + ",\"dropped\":" + std::to_string(r.ws_dropped) + ",\"messages\":"
         + std::to_string(r.ws_msgs) + ",\"bytes\":" + std::to_string(r.ws_bytes) + "}";
    s += ",\"rest\":{\"answered\":" + std::to_string(all.size()) + ",\"unanswered\":"
         + std::to_string(r.rest_unanswered) + ",\"p50_ms\":" + fmt("%.3f", exact_q(all, 0.5) * 1e3)
         + ",\"p99_ms\":" + fmt("%.3f", exact_q(all, 0.99) * 1e3) + ",\"status\":{";
    first = true;
    for (auto [k, v] : r.rest.status) {
      s += (first ? "\"" : ",\"") + std::to_string(k) + "\":" + std::to_string(v);
      first = false;
    }
    s += "},\"routes\":{";
    for (std::size_t p = 0; p < rest_mix.size(); ++p)
      s += (p ? ",\"" : "\"") + std::string{rest_mix[p].first} + "\":{\"n\":"
           + std::to_string(r.rest.from_due[p].size()) + ",\"p50_ms\":"
           + fmt("%.3f", exact_q(r.rest.from_due[p], 0.5) * 1e3) + ",\"p99_ms\":"
           + fmt("%.3f", exact_q(r.rest.from_due[p], 0.99) * 1e3) + "}";
    s += "}}";
  }
  return s + "}";
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "bench_web_load: %s\nusage: bench_web_load [--xarb PATH] [--seconds S] "
               "[--warmup S] [--ws-clients N] [--rps R] [--rest-conns N] [--client-threads N] "
               "[--port P] [--out-json FILE] [--phases AB] [--base-config TOML] "
               "[--routes PATH,PATH...] [--set section.key=value]... [--keep]\n",
               why);
  std::exit(2);
}

options parse(int argc, char** argv) {
  options opt;
  xarb::bench::arg_reader args{argc, argv, usage};
  for (std::string_view a; args.next(a);) {
    if (a == "--xarb") opt.xarb = args.value();
    else if (a == "--base-config") opt.base_config = args.value();
    else if (a == "--seconds") opt.seconds = args.number();
    else if (a == "--warmup") opt.warmup = args.number();
    else if (a == "--ws-clients") opt.ws_clients = args.integer();
    else if (a == "--rps") opt.rps = args.number();
    else if (a == "--rest-conns") opt.rest_conns = args.integer();
    else if (a == "--client-threads") opt.client_threads = args.integer();
    else if (a == "--port") opt.port = args.integer();
    else if (a == "--out-json") opt.out_json = args.value();
    else if (a == "--phases") opt.phases = args.value();
    else if (a == "--set") opt.sets.push_back(args.value());
    else if (a == "--keep") opt.keep = true;
    else if (a == "--routes") {
      // Comma-separated paths of the mix (without the query), e.g.
      // /api/pairs,/metrics: only those, with their weights.
      auto list = "," + args.value() + ",";
      for (std::size_t r = 0; r < rest_mix.size(); ++r) {
        auto path = rest_mix[r].first.substr(0, rest_mix[r].first.find('?'));
        if (list.find("," + std::string{path} + ",") == std::string::npos)
          opt.weights[r] = 0;
      }
      if (std::all_of(opt.weights.begin(), opt.weights.end(), [](int w) { return w == 0; }))
        usage("--routes matches no route of the mix");
    }
    else usage("unknown option");
  }
  if (opt.seconds <= 0 || opt.warmup < 0 || opt.ws_clients < 0 || opt.rps < 0
      || opt.rest_conns < 1 || opt.client_threads < 1 || opt.port < 0 || opt.port > 65535
      || opt.phases.empty()
      || opt.phases.find_first_not_of("AB") != std::string::npos)
    usage("bad value");
  if (opt.xarb.empty()) {
    // The xarb built next to this binary: <build>/bench/.. /nodes/xarb.
    auto self = std::filesystem::read_symlink("/proc/self/exe");
    opt.xarb = (self.parent_path().parent_path() / "nodes" / "xarb").string();
  }
  return opt;
}

node_process* g_node = nullptr;

void on_signal(int) {
  if (g_node && g_node->pid > 0)
    ::kill(g_node->pid, SIGTERM);
  std::_Exit(130);
}

} // namespace

int main(int argc, char** argv) {
  auto opt = parse(argc, argv);
  if (::access(opt.xarb.c_str(), X_OK) != 0)
    die("no executable xarb at " + opt.xarb + " (--xarb PATH)");
  if (opt.port == 0)
    opt.port = free_port();
  std::signal(SIGPIPE, SIG_IGN);
  const auto work = std::filesystem::temp_directory_path()
                    / ("xarb-bench-web-" + std::to_string(::getpid()));
  std::filesystem::create_directories(work);
  const std::string cfg = (work / "bench.toml").string(), data = (work / "data").string(),
                    log = (work / "node.log").string();
  {
    std::ofstream f{cfg};
    f << overlay(opt);
  }
  std::string token = "bench-";
  {
    std::random_device rd;
    const char* hex = "0123456789abcdef";
    for (int i = 0; i < 40; ++i)
      token += hex[rd() % 16];
  }
  node_process node;
  g_node = &node;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  double l[3] = {0, 0, 0};
  ::getloadavg(l, 3);
  std::printf("web load bench: node %s, port %d, work dir %s\n", opt.xarb.c_str(), opt.port,
              work.c_str());
  std::printf("load: %d WebSocket clients x 8 topics, %.0f REST GET/s over %d keep-alive "
              "connections (open loop), %d generator thread(s); phases %s, %.0f s each after "
              "%.0f s warm-up; %u cores shared by the node and this generator; load average "
              "at start %.2f %.2f %.2f\n",
              opt.ws_clients, opt.rps, opt.rest_conns, opt.client_threads, opt.phases.c_str(),
              opt.seconds, opt.warmup, std::thread::hardware_concurrency(), l[0], l[1], l[2]);
  for (auto& s : opt.sets)
    std::printf("config: --set %s\n", s.c_str());
  std::printf("REST mix (weight):");
  for (std::size_t i = 0; i < rest_mix.size(); ++i)
    if (opt.weights[i] > 0)
      std::printf(" %s (%d)", std::string{rest_mix[i].first}.c_str(), opt.weights[i]);
  std::printf("\n");
  std::fflush(stdout);
  node.start(opt, cfg, data, log, token);

  // Ready, then pairs out of warm-up and the warm-up time.
  const auto t_start = steady::now();
  while (http_get(opt.port, "/readyz", 1000ms).first != 200) {
    if (!node.alive())
      die("the node exited during start-up; log: " + log);
    if (steady::now() - t_start > 120s)
      die("the node did not become ready within 120 s; log: " + log);
    std::this_thread::sleep_for(200ms);
  }
  const auto t_ready = steady::now();
  std::printf("ready after %.1f s\n", secs(t_ready - t_start));
  while (true) {
    auto [st, body] = http_get(opt.port, "/api/pairs");
    bool warm = st == 200 && body.find("\"phase\":\"warmup\"") == std::string::npos;
    if (warm && secs(steady::now() - t_ready) >= opt.warmup)
      break;
    if (!node.alive())
      die("the node exited during warm-up; log: " + log);
    if (secs(steady::now() - t_ready) > opt.warmup + 60)
      die("pairs still in warm-up after " + std::to_string(opt.warmup + 60) + " s");
    std::this_thread::sleep_for(250ms);
  }
  std::printf("warm: pairs out of warm-up, %.1f s after ready\n", secs(steady::now() - t_ready));
  std::fflush(stdout);

  std::vector<phase_result> results;
  for (char p : opt.phases) {
    if (!results.empty())
      std::this_thread::sleep_for(2s); // settle between phases
    results.push_back(p == 'A' ? run_quiet(opt, node.pid) : run_loaded(opt, node.pid, token));
    if (!node.alive())
      die("the node exited during phase " + std::string(1, p) + "; log: " + log);
  }
  const auto stopped = node.stop();

  std::printf("\ntick to decision (xarb_tick_to_decision_seconds bucket deltas, linear "
              "interpolation inside a bucket; buckets 1,1.5,2,3,4,5,7.5,10,15,20,30,50,75,100 us "
              "then 200,500 us, 1,2,5,10,20,50,100 ms)\n");
  std::printf("ph  duration  decisions  dec/s   p50us    p90us    p99us   meanus  p99 bucket    "
              "node   bench  load\n");
  hist a_all, b_all;
  for (auto& r : results) {
    print_phase(r);
    (r.kind == 'A' ? a_all : b_all) = plus(r.kind == 'A' ? a_all : b_all, r.t2d);
  }
  for (auto& r : results)
    print_details(r);
  const double pa = quantile(a_all, 0.99), pb = quantile(b_all, 0.99);
  const double ratio = pa > 0 ? pb / pa : 0;
  const bool have_both = a_all.count > 0 && b_all.count > 0;
  if (have_both)
    std::printf("\np99 under load / p99 quiet = %.1f us / %.1f us = %.2fx: goal (<= 2x) %s\n",
                pb * 1e6, pa * 1e6, ratio, ratio <= 2.0 ? "MET" : "MISSED");
  std::printf("node stop: %s\n", stopped.c_str());

  if (!opt.out_json.empty()) {
    std::ofstream f{opt.out_json};
    f << "{\"ws_clients\":" << opt.ws_clients << ",\"rps\":" << opt.rps
      << ",\"rest_conns\":" << opt.rest_conns << ",\"client_threads\":" << opt.client_threads
      << ",\"cores\":" << std::thread::hardware_concurrency() << ",\"config_sets\":[";
    for (std::size_t i = 0; i < opt.sets.size(); ++i)
      f << (i ? "," : "") << "\"" << json_esc(opt.sets[i]) << "\"";
    f << "],\"phases\":[";
    for (std::size_t i = 0; i < results.size(); ++i)
      f << (i ? "," : "") << json_phase(results[i]);
    f << "]";
    if (have_both)
      f << ",\"p99_quiet_us\":" << fmt("%.3f", pa * 1e6) << ",\"p99_load_us\":"
        << fmt("%.3f", pb * 1e6) << ",\"ratio\":" << fmt("%.3f", ratio)
        << ",\"goal_met\":" << (ratio <= 2.0 ? "true" : "false");
    f << "}\n";
    std::printf("wrote %s\n", opt.out_json.c_str());
  }
  if (!opt.keep)
    std::filesystem::remove_all(work);
  else
    std::printf("kept %s\n", work.c_str());
  return 0;
}
