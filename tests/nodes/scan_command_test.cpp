// `xarb scan`: the query target, option validation (in-process CLI11 and the
// real binary), the refresh loop with a fake fetch, and the HTTP client
// against loopback servers started here (200, 404, refused, silent, closed).
#include "nodes/scan_command.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <CLI/CLI.hpp>

#include "nodes/http_client.hpp"

using namespace xarb;
using namespace xarb::cli;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

const std::string top_doc = R"({"ts":1700000000000000000,"age_ms":5,"refresh_ms":0.5,
  "sort":"notional","funding_basis_hours":8,"carry_horizon_hours":8,"symbols":1,"ranked":1,
  "stale_rows":0,"venues":[{"venue":"sim-a","state":"ready","symbols":1,"quotes":1,"stale":false}],
  "rows":[{"rank":1,"symbol":"BTC-PERP","venue_a":"sim-a","venue_b":"sim-b","sell_venue":"sim-a",
  "buy_venue":"sim-b","spread_bps":1.5,"leverage":10,"leverage_fallback":false,
  "notional_spread_bps":15,"funding_diff_bps":0.5,"funding_diff_apr_pct":5.5,"carry_bps":-3,
  "age_ms_a":1,"age_ms_b":2}],"stale":[]})";
const std::string signals_doc = R"({"threshold_bps":60,"samples":3,"cooldown_s":30,"kept":0,
  "signals":[]})";

// -- loopback HTTP server --------------------------------------------------------

/// What the test server answers; nullopt = close the connection unanswered.
using responder =
  std::function<std::optional<http::response<http::string_body>>(const http::request<http::string_body>&)>;

http::response<http::string_body> reply(unsigned status, std::string body) {
  http::response<http::string_body> res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

/// An HTTP server on 127.0.0.1:<ephemeral> with its own thread; one request
/// per connection. Records every request's target and Host header.
class test_server {
public:
  explicit test_server(responder r)
    : respond_(std::move(r)), acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~test_server() {
    ioc_.stop();
    thread_.join();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

  std::vector<std::string> targets() const {
    std::lock_guard<std::mutex> lock{mu_};
    return targets_;
  }
  std::vector<std::string> hosts() const {
    std::lock_guard<std::mutex> lock{mu_};
    return hosts_;
  }

private:
  struct session {
    explicit session(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::response<http::string_body> res;
  };

  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (ec)
        return;
      serve(std::make_shared<session>(std::move(s)));
      accept();
    });
  }

  void serve(std::shared_ptr<session> s) {
    http::async_read(s->socket, s->buffer, s->req, [this, s](beast::error_code ec, std::size_t) {
      if (ec)
        return;
      {
        std::lock_guard<std::mutex> lock{mu_};
        targets_.emplace_back(s->req.target());
        hosts_.emplace_back(s->req[http::field::host]);
      }
      auto answer = respond_(s->req);
      if (!answer) {
        beast::error_code ignored;
        s->socket.shutdown(tcp::socket::shutdown_both, ignored);
        s->socket.close(ignored);
        return;
      }
      s->res = std::move(*answer);
      s->res.keep_alive(false);
      http::async_write(s->socket, s->res, [s](beast::error_code, std::size_t) {
        beast::error_code ignored;
        s->socket.shutdown(tcp::socket::shutdown_send, ignored);
      });
    });
  }

  responder respond_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<std::string> targets_;
  std::vector<std::string> hosts_;
};

/// A port that nothing listens on (bound, then closed).
uint16_t closed_port() {
  asio::io_context ioc;
  tcp::acceptor a{ioc, {asio::ip::make_address("127.0.0.1"), 0}};
  auto port = a.local_endpoint().port();
  a.close();
  return port;
}

/// Serves the scanner documents like a node.
responder node_like() {
  return [](const http::request<http::string_body>& req)
           -> std::optional<http::response<http::string_body>> {
    auto target = std::string{req.target()};
    if (target.rfind("/api/market/top-spreads?", 0) == 0)
      return reply(200, top_doc);
    if (target.rfind("/api/arbitrage/signals?", 0) == 0)
      return reply(200, signals_doc);
    return reply(404, R"({"error":"not_found","message":"no route for )" + target + "\"}");
  };
}

// -- fake fetch ------------------------------------------------------------------

/// A scan_fetch that serves the two documents, records the targets, and
/// runs `on_call(n)` (n = 0-based call number) which may fail the call.
struct fake_node {
  std::vector<std::string> calls;
  std::function<std::optional<error_info>(std::size_t)> on_call = [](std::size_t) {
    return std::optional<error_info>{};
  };

  scan_fetch fetch() {
    return [this](const std::string& target) -> expected<std::string> {
      calls.push_back(target);
      if (auto e = on_call(calls.size() - 1))
        return *e;
      return target.rfind("/api/market/top-spreads", 0) == 0 ? top_doc : signals_doc;
    };
  }
};

scan_options fast_opts(int iterations) {
  scan_options o;
  o.iterations = iterations;
  o.interval_s = 0.01;
  o.plain = true;
  return o;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1))
    ++n;
  return n;
}

// -- in-process CLI --------------------------------------------------------------

struct parsed {
  bool ok = false;
  std::string error;
  scan_options opts;
};

parsed parse_cli(std::vector<std::string> args) {
  CLI::App app{"test"};
  parsed p;
  add_scan_subcommand(app, p.opts);
  args.insert(args.begin(), "scan");
  std::vector<const char*> argv{"xarb"};
  for (auto& a : args)
    argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
    p.ok = true;
  } catch (const CLI::ParseError& e) {
    p.error = e.what();
  }
  return p;
}

} // namespace

TEST_CASE("top_spreads_target: limit, sort and per-venue fallback leverage, encoded") {
  scan_options o;
  CHECK(top_spreads_target(o) == "/api/market/top-spreads?limit=20&sort=notional");
  o.limit = 500;
  o.sort = "carry";
  o.fallback_leverage = {{"sim-a", "2"}, {"hyper liquid", "2.5"}, {"x&y=z", "3"}, {"é_~.", "4"}};
  CHECK(top_spreads_target(o)
        == "/api/market/top-spreads?limit=500&sort=carry&sim-a_fallback_leverage=2"
           "&hyper%20liquid_fallback_leverage=2.5&x%26y%3Dz_fallback_leverage=3"
           "&%C3%A9_~._fallback_leverage=4");
  CHECK(signals_target(o) == "/api/arbitrage/signals?limit=5");
  CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(percent_encode("a/b?c#d%e+f g") == "a%2Fb%3Fc%23d%25e%2Bf%20g");
}

TEST_CASE("parse_fallback_leverage: VENUE=N with a positive N") {
  auto ok = parse_fallback_leverage("paradex=5");
  REQUIRE(ok);
  CHECK(ok->first == "paradex");
  CHECK(ok->second == "5");
  CHECK(parse_fallback_leverage("sim-a=2.5").value().second == "2.5");
  for (const char* bad : {"paradex", "=5", "paradex=", "paradex=0", "paradex=0.0", "paradex=-1",
                          "paradex=1e3", "paradex=x", "paradex=.5", "paradex=5.", "a b=2",
                          "paradex=5=6"}) {
    CAPTURE(bad);
    auto r = parse_fallback_leverage(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == error_code::parse_error);
    CHECK(r.error().message.find("expected VENUE=N") != std::string::npos);
  }
}

TEST_CASE("validate_scan_options: what the CLI checks") {
  scan_options o;
  CHECK_FALSE(validate_scan_options(o));
  auto with = [](auto change) {
    scan_options x;
    change(x);
    return validate_scan_options(x).value_or("");
  };
  CHECK(with([](auto& x) { x.sort = "volume"; }).find("--sort must be one of") == 0);
  CHECK(with([](auto& x) { x.limit = 0; }) == "--limit must be in 1..500");
  CHECK(with([](auto& x) { x.limit = 501; }) == "--limit must be in 1..500");
  CHECK(with([](auto& x) { x.interval_s = 0; }).find("interval") != std::string::npos);
  CHECK(with([](auto& x) { x.fallback_leverage = {{"a", "2"}, {"a", "3"}}; })
        == "--fallback-leverage: venue 'a' given twice");
  CHECK(with([](auto& x) { x.fallback_leverage = {{"a", "zero"}}; }).find("positive") != std::string::npos);
  CHECK(with([](auto& x) { x.url = "https://node"; }).find("only http://") != std::string::npos);
  CHECK(with([](auto& x) {
          x.url = "https://node";
          x.standalone = true;
        }).empty());
}

TEST_CASE("add_scan_subcommand: options parse into scan_options, bad values are usage errors") {
  auto p = parse_cli({"--url", "http://10.0.0.5:9090", "-n", "50", "--sort", "funding",
                      "--fallback-leverage", "paradex=5", "--fallback-leverage", "sim-a=2.5",
                      "--interval", "0.5", "--once", "--plain"});
  REQUIRE(p.ok);
  CHECK(p.opts.url == "http://10.0.0.5:9090");
  CHECK(p.opts.limit == 50);
  CHECK(p.opts.sort == "funding");
  CHECK(p.opts.fallback_leverage
        == std::vector<std::pair<std::string, std::string>>{{"paradex", "5"}, {"sim-a", "2.5"}});
  CHECK(p.opts.interval_s == 0.5);
  CHECK(p.opts.iterations == 1);
  CHECK(p.opts.plain);
  CHECK_FALSE(p.opts.standalone);

  auto d = parse_cli({});
  REQUIRE(d.ok);
  CHECK(d.opts.url == "http://127.0.0.1:8080");
  CHECK(d.opts.iterations == 0);
  CHECK(d.opts.limit == 20);
  CHECK(d.opts.sort == "notional");
  CHECK_FALSE(validate_scan_options(d.opts));

  CHECK(parse_cli({"--standalone"}).opts.standalone);

  struct bad_case {
    std::vector<std::string> args;
    const char* says;
  };
  for (auto& [args, says] : std::vector<bad_case>{
         {{"--sort", "volume"}, "volume"},
         {{"--limit", "0"}, "--limit"},
         {{"-n", "501"}, "501"},
         {{"--limit", "ten"}, "ten"},
         {{"--interval", "0"}, "interval must be > 0"},
         {{"--interval", "-1"}, "interval must be > 0"},
         {{"--interval", "fast"}, "number of seconds"},
         {{"--fallback-leverage", "paradex"}, "expected VENUE=N"},
         {{"--fallback-leverage", "a=1", "--fallback-leverage", "a=2"}, "given twice"},
         {{"--url", "https://x:1"}, "only http://"},
         {{"--url", "http://x:99999"}, "1..65535"},
         {{"--url", "http://127.0.0.1:1", "--standalone"}, "excludes"},
         {{"--config", "/etc/hostname"}, "requires"},
         {{"--bogus"}, "bogus"}}) {
    CAPTURE(args.front());
    auto r = parse_cli(args);
    CHECK_FALSE(r.ok);
    CHECK(r.error.find(says) != std::string::npos);
  }
}

TEST_CASE("parse_http_url: http only, host and port, IPv6, prefix") {
  auto ep = parse_http_url("http://127.0.0.1:8080");
  REQUIRE(ep);
  CHECK(ep->host == "127.0.0.1");
  CHECK(ep->port == 8080);
  CHECK(ep->prefix.empty());
  CHECK(ep->url == "http://127.0.0.1:8080");
  CHECK(parse_http_url("HTTP://node/").value().url == "http://node:80");
  CHECK(parse_http_url("localhost:9090").value().url == "http://localhost:9090");
  auto v6 = parse_http_url("http://[::1]:8080/xarb/");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->prefix == "/xarb");
  CHECK(v6->url == "http://[::1]:8080/xarb");
  for (auto [bad, says] : std::vector<std::pair<const char*, const char*>>{
         {"https://node:8080", "only http:// is supported, not https://"},
         {"ws://node", "only http://"},
         {"http://", "no host"},
         {"http://:8080", "no host"},
         {"http://node:", "empty port"},
         {"http://node:0", "1..65535"},
         {"http://node:65536", "1..65535"},
         {"http://node:80a", "1..65535"},
         {"http://::1:8080", "brackets"},
         {"http://[::1", "unterminated"},
         {"http://u:p@node", "user information"},
         {"http://node/?x=1", "query"},
         {"http://no de", "space"}}) {
    CAPTURE(bad);
    auto r = parse_http_url(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == error_code::parse_error);
    CHECK(r.error().message.find(says) != std::string::npos);
  }
}

TEST_CASE("run_scan: frames from a fake fetch, plain, both documents per frame") {
  fake_node node;
  std::ostringstream out;
  std::ostringstream err;
  auto o = fast_opts(2);
  o.fallback_leverage = {{"paradex", "5"}};
  CHECK(run_scan(o, node.fetch(), out, err) == 0);
  CHECK(err.str().empty());
  CHECK(node.calls
        == std::vector<std::string>{
          "/api/market/top-spreads?limit=20&sort=notional&paradex_fallback_leverage=5",
          "/api/arbitrage/signals?limit=5",
          "/api/market/top-spreads?limit=20&sort=notional&paradex_fallback_leverage=5",
          "/api/arbitrage/signals?limit=5"});
  auto text = out.str();
  CHECK(count(text, "  1 BTC-PERP         sim-a        sim-b             1.50") == 2);
  CHECK(count(text, "http://127.0.0.1:8080  age ") == 2);
  CHECK(text.find('\x1b') == std::string::npos); // not a terminal: plain
}

TEST_CASE("run_scan: a failing first fetch exits 1 with the fetch's message") {
  fake_node node;
  node.on_call = [](std::size_t) {
    return std::optional<error_info>{error_info{error_code::io_error, "cannot reach the node"}};
  };
  std::ostringstream out;
  std::ostringstream err;
  CHECK(run_scan(fast_opts(3), node.fetch(), out, err) == 1);
  CHECK(err.str() == "xarb scan: cannot reach the node\n");
  CHECK(out.str().empty());
  CHECK(node.calls.size() == 1);

  // The signals document failing on the first frame is as fatal.
  fake_node half;
  half.on_call = [](std::size_t n) {
    return n == 1 ? std::optional<error_info>{error_info{error_code::io_error, "HTTP 404"}}
                  : std::nullopt;
  };
  std::ostringstream out2;
  std::ostringstream err2;
  CHECK(run_scan(fast_opts(3), half.fetch(), out2, err2) == 1);
  CHECK(err2.str() == "xarb scan: HTTP 404\n");
}

TEST_CASE("run_scan: a later failure is shown over the last good frame and retried") {
  fake_node node;
  node.on_call = [](std::size_t n) {
    return n == 2 ? std::optional<error_info>{error_info{error_code::timeout, "no response"}}
                  : std::nullopt;
  };
  std::ostringstream out;
  std::ostringstream err;
  CHECK(run_scan(fast_opts(3), node.fetch(), out, err) == 0);
  CHECK(err.str().empty());
  CHECK(node.calls.size() == 5); // frame 2 stopped at its failed first fetch
  auto text = out.str();
  CHECK(count(text, "refresh failed at ") == 1);
  CHECK(text.find(" UTC: no response; showing data from ") != std::string::npos);
  CHECK(text.find("retrying every 0.01 s") != std::string::npos);
  CHECK(count(text, "  1 BTC-PERP ") == 3); // the failed frame still shows the last data
  // The notice precedes the second frame, not the third.
  auto notice = text.find("refresh failed");
  CHECK(count(text.substr(0, notice), "  1 BTC-PERP ") == 1);
}

TEST_CASE("run_scan: SIGINT ends an endless loop with 0, the old handler is restored") {
  struct sigaction before {};
  sigaction(SIGINT, nullptr, &before);
  fake_node node;
  node.on_call = [](std::size_t n) {
    if (n == 3) // during frame 2: that frame is still shown, then the loop ends
      std::raise(SIGINT);
    return std::optional<error_info>{};
  };
  std::ostringstream out;
  std::ostringstream err;
  CHECK(run_scan(fast_opts(0), node.fetch(), out, err) == 0);
  CHECK(node.calls.size() == 4);
  CHECK(count(out.str(), "  1 BTC-PERP ") == 2);
  struct sigaction after {};
  sigaction(SIGINT, nullptr, &after);
  CHECK((after.sa_handler == before.sa_handler));
}

TEST_CASE("run_scan: SIGTERM during the refresh wait ends it promptly") {
  std::atomic<int> calls{0};
  scan_fetch fetch = [&](const std::string& target) -> expected<std::string> {
    ++calls;
    return target.rfind("/api/market/top-spreads", 0) == 0 ? top_doc : signals_doc;
  };
  // Sent from another thread once the first frame is out, while the loop
  // waits 60 s for the next.
  std::thread killer{[&] {
    for (int i = 0; i < 1000 && calls.load() < 2; ++i) // bounded: never hang the suite
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::kill(::getpid(), SIGTERM);
  }};
  auto o = fast_opts(0);
  o.interval_s = 60;
  std::ostringstream out;
  std::ostringstream err;
  auto t0 = std::chrono::steady_clock::now();
  int rc = run_scan(o, fetch, out, err);
  auto took = std::chrono::steady_clock::now() - t0;
  killer.join();
  CHECK(rc == 0);
  CHECK(calls.load() == 2);
  CHECK(count(out.str(), "  1 BTC-PERP ") == 1);
  CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("http_scan_fetch: 200 body, the request it sends") {
  test_server server{node_like()};
  auto fetch = http_scan_fetch(server.url(), std::chrono::milliseconds(2000));
  auto body = fetch("/api/market/top-spreads?limit=3&sort=spread");
  REQUIRE(body);
  CHECK(*body == top_doc);
  CHECK(server.targets() == std::vector<std::string>{"/api/market/top-spreads?limit=3&sort=spread"});
  CHECK(server.hosts() == std::vector<std::string>{"127.0.0.1:" + std::to_string(server.port())});

  // A URL prefix is prepended to every target.
  auto prefixed = http_scan_fetch(server.url() + "/proxy/", std::chrono::milliseconds(2000));
  auto missing = prefixed("/api/arbitrage/signals?limit=5");
  REQUIRE_FALSE(missing);
  CHECK(server.targets().back() == "/proxy/api/arbitrage/signals?limit=5");
}

TEST_CASE("http_scan_fetch: a non-200 answer quotes the body's error and message") {
  test_server server{[](const http::request<http::string_body>& req)
                       -> std::optional<http::response<http::string_body>> {
    if (req.target() == "/plain")
      return reply(500, "internal trouble");
    if (req.target() == "/code")
      return reply(503, R"({"error":"unavailable"})");
    return reply(404, R"({"error":"not_found","message":"no such route","extra":1})");
  }};
  auto fetch = http_scan_fetch(server.url(), std::chrono::milliseconds(2000));
  auto r = fetch("/api/market/top-spreads?limit=20");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == error_code::io_error);
  CHECK(r.error().message
        == "the node at " + server.url()
             + " answered HTTP 404 to /api/market/top-spreads: not_found: no such route");
  CHECK(fetch("/plain").error().message.find("HTTP 500 to /plain: internal trouble")
        != std::string::npos);
  CHECK(fetch("/code").error().message.find("HTTP 503 to /code: unavailable")
        != std::string::npos);
}

TEST_CASE("http_scan_fetch: refused, silent, closing servers and bad URLs fail clearly") {
  auto port = closed_port();
  auto url = "http://127.0.0.1:" + std::to_string(port);
  auto refused = http_scan_fetch(url, std::chrono::milliseconds(2000))("/api/x");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == error_code::io_error);
  CHECK(refused.error().message
        == "cannot reach the node at " + url
             + ": connection refused — start it with `xarb run` or use --standalone");

  // Listening but never accepting: the kernel completes the handshake, no
  // answer ever comes.
  asio::io_context ioc;
  tcp::acceptor silent{ioc, {asio::ip::make_address("127.0.0.1"), 0}};
  auto silent_url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port());
  auto t0 = std::chrono::steady_clock::now();
  auto timed_out = http_scan_fetch(silent_url, std::chrono::milliseconds(150))("/api/x");
  auto took = std::chrono::steady_clock::now() - t0;
  REQUIRE_FALSE(timed_out);
  CHECK(timed_out.error().code == error_code::timeout);
  CHECK(timed_out.error().message
        == "cannot reach the node at " + silent_url + ": no response within 150 ms");
  CHECK(took >= std::chrono::milliseconds(140));
  CHECK(took < std::chrono::seconds(5));

  test_server closer{[](const http::request<http::string_body>&)
                       -> std::optional<http::response<http::string_body>> { return std::nullopt; }};
  auto closed = http_scan_fetch(closer.url(), std::chrono::milliseconds(2000))("/api/x");
  REQUIRE_FALSE(closed);
  CHECK(closed.error().message.find("closed before a complete response") != std::string::npos);

  auto bad = http_scan_fetch("https://node:8080", std::chrono::milliseconds(100));
  for (int i = 0; i < 2; ++i) {
    auto r = bad("/api/x");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == error_code::parse_error);
    CHECK(r.error().message.find("only http://") != std::string::npos);
  }
}

TEST_CASE("run_scan over HTTP: a node-like server renders; a closed port exits 1") {
  test_server server{node_like()};
  auto o = fast_opts(1);
  o.url = server.url();
  o.limit = 7;
  o.sort = "spread";
  std::ostringstream out;
  std::ostringstream err;
  CHECK(run_scan(o, http_scan_fetch(o.url, std::chrono::milliseconds(2000)), out, err) == 0);
  CHECK(err.str().empty());
  CHECK(out.str().find("  1 BTC-PERP         sim-a        sim-b             1.50") != std::string::npos);
  CHECK(out.str().find(server.url() + "  age ") != std::string::npos);
  CHECK(server.targets()
        == std::vector<std::string>{"/api/market/top-spreads?limit=7&sort=spread",
                                    "/api/arbitrage/signals?limit=5"});

  auto url = "http://127.0.0.1:" + std::to_string(closed_port());
  std::ostringstream out2;
  std::ostringstream err2;
  CHECK(run_scan(fast_opts(1), http_scan_fetch(url, std::chrono::milliseconds(2000)), out2, err2)
        == 1);
  CHECK(err2.str().find("xarb scan: cannot reach the node at " + url + ": connection refused")
        == 0);
}

#ifdef XARB_BIN
namespace {

struct result {
  int code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// `xarb scan <args>` with stdout and stderr captured.
result xarb_scan(const std::string& args) {
  auto dir = std::filesystem::temp_directory_path()
             / ("xarb_scan_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto out = dir / "stdout";
  auto err = dir / "stderr";
  std::string cmd = std::string{XARB_BIN} + " scan " + args + " >" + out.string() + " 2>"
                    + err.string() + " </dev/null";
  int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  result r{WEXITSTATUS(status), slurp(out), slurp(err)};
  std::filesystem::remove_all(dir);
  return r;
}

} // namespace

TEST_CASE("xarb scan (the binary): usage errors exit 2, an unreachable node exits 1") {
  for (const char* args : {"--sort volume", "--limit 0", "--limit 501", "--interval 0",
                           "--fallback-leverage paradex", "--url https://x:1", "--nonsense"}) {
    CAPTURE(args);
    auto r = xarb_scan(args);
    CHECK(r.code == 2);
    CHECK_FALSE(r.err.empty());
    CHECK(r.out.empty());
  }
  auto url = "http://127.0.0.1:" + std::to_string(closed_port());
  auto r = xarb_scan("--once --url " + url);
  CHECK(r.code == 1);
  CHECK(r.err == "xarb scan: cannot reach the node at " + url
                   + ": connection refused — start it with `xarb run` or use --standalone\n");

  test_server server{node_like()};
  auto ok = xarb_scan("--once -n 3 --url " + server.url());
  CHECK(ok.code == 0);
  CHECK(ok.out.find("  1 BTC-PERP ") != std::string::npos);
  CHECK(ok.out.find('\x1b') == std::string::npos); // stdout is a file: plain

  auto help = xarb_scan("--help");
  CHECK(help.code == 0);
  CHECK(help.out.find("--fallback-leverage") != std::string::npos);
}
TEST_CASE("xarb scan --standalone: the embedded market, scanned in-process") {
  auto r = xarb_scan("--standalone --once -n 5 --sort spread");
  CHECK(r.code == 0);
  CAPTURE(r.out);
  CAPTURE(r.err);
  // 5 symbols x 3 venue pairs, every venue fresh, the first screen complete.
  CHECK(r.out.find("standalone") != std::string::npos);
  CHECK(r.out.find("symbols 5  ranked 15  stale 0  sort spread") != std::string::npos);
  CHECK(r.out.find("sim-a ready 5/5  sim-b ready 5/5  sim-c ready 5/5") != std::string::npos);
  CHECK(r.out.find("  5 ") != std::string::npos);
  CHECK(r.out.find("  6 ") == std::string::npos);
  // A config that does not load: exit 1 with the errors.
  auto dir = std::filesystem::temp_directory_path()
             / ("xarb_scan_cfg_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto bad = dir / "bad.toml";
  std::ofstream{bad} << "[scanner]\nrefresh_ms = 1\n";
  auto b = xarb_scan("--standalone --once -c " + bad.string());
  CHECK(b.code == 1);
  CHECK(b.err.find("scanner.refresh_ms") != std::string::npos);
  std::filesystem::remove_all(dir);
}
#endif
