// ws_connection against loopback servers (tests/venues/net/test_servers.hpp):
// text both ways over ws:// and wss://, TLS verification (unknown CA, wrong
// host name, SNI), reconnect + resubscribe with the back-off delay,
// heartbeats, silence, pacing, proxy, close and stats.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/io_context.hpp>

#include "tests/venues/net/test_servers.hpp"
#include "venues/net/io_thread.hpp"
#include "venues/net/net_clock.hpp"
#include "venues/net/ws_connection.hpp"

using namespace xarb;
using namespace xarb::net;
using namespace xarb::net::test;
using namespace std::chrono_literals;

namespace {

constexpr int64_t ms = 1'000'000;

/// Records every callback; on_open sends `subscribe` (resubscription).
struct recorder {
  mutable std::mutex mtx;
  std::vector<uint64_t> opens;
  std::vector<steady::time_point> open_at;
  std::vector<std::string> frames;
  std::vector<bool> binary;
  std::vector<std::size_t> spare; ///< capacity - size of each payload
  std::vector<timestamp_ns> recv_ts;
  std::vector<ws_close_info> closes;
  std::vector<steady::time_point> close_at;
  std::vector<std::string> subscribe;
  ws_connection* conn = nullptr;
  std::function<void(const std::string&)> on_frame_hook;

  ws_callbacks callbacks() {
    ws_callbacks cb;
    cb.on_open = [this](uint64_t gen) {
      {
        std::lock_guard lock{mtx};
        opens.push_back(gen);
        open_at.push_back(steady::now());
      }
      for (auto& s : subscribe)
        conn->send_text(s);
    };
    cb.on_frame = [this](std::string&& payload, bool bin, timestamp_ns ts) {
      {
        std::lock_guard lock{mtx};
        spare.push_back(payload.capacity() - payload.size());
        frames.push_back(payload);
        binary.push_back(bin);
        recv_ts.push_back(ts);
      }
      if (on_frame_hook)
        on_frame_hook(payload);
    };
    cb.on_close = [this](const ws_close_info& info) {
      std::lock_guard lock{mtx};
      closes.push_back(info);
      close_at.push_back(steady::now());
    };
    return cb;
  }

  steady::time_point first_open() const {
    std::lock_guard lock{mtx};
    return open_at.at(0);
  }
  std::size_t n_opens() const {
    std::lock_guard lock{mtx};
    return opens.size();
  }
  std::size_t n_closes() const {
    std::lock_guard lock{mtx};
    return closes.size();
  }
  std::vector<std::string> got() const {
    std::lock_guard lock{mtx};
    return frames;
  }
  std::vector<ws_close_info> closed() const {
    std::lock_guard lock{mtx};
    return closes;
  }
  std::size_t count(const std::string& text) const {
    std::lock_guard lock{mtx};
    return static_cast<std::size_t>(std::count(frames.begin(), frames.end(), text));
  }
};

ws_config base_config(const std::string& url) {
  ws_config c;
  c.name = "test/ws";
  c.url = url;
  c.tls.ca_file = cert_file("ca.pem");
  c.connect_timeout_ns = 3'000 * ms;
  c.handshake_timeout_ns = 3'000 * ms;
  c.backoff.base_ns = 50 * ms;
  c.backoff.cap_ns = 400 * ms;
  c.backoff.jitter = jitter_kind::none;
  return c;
}

/// A client: its own io_thread, a recorder and the connection (destroyed
/// first).
struct client {
  io_thread io{"test.client"};
  recorder rec;
  std::unique_ptr<ws_connection> ws;

  explicit client(ws_config cfg, std::vector<std::string> subscribe = {}) {
    rec.subscribe = std::move(subscribe);
    io.start();
    ws = std::make_unique<ws_connection>(io, std::move(cfg), rec.callbacks());
    rec.conn = ws.get();
    auto err = ws->start();
    REQUIRE_MESSAGE(!err, err.message);
  }
  ~client() { ws.reset(); }

  bool wait_open(std::size_t n = 1) {
    return eventually([&] { return rec.n_opens() >= n; });
  }
};

std::size_t count_of(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<std::size_t>(std::count(v.begin(), v.end(), s));
}

/// A port nobody listens on (bound, then released).
uint16_t closed_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a{ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  auto p = a.local_endpoint().port();
  a.close();
  return p;
}

} // namespace

TEST_CASE("ws://: text both ways, handshake headers, stats") {
  ws_test_server server;
  server.set_echo(true);
  auto cfg = base_config(server.url("127.0.0.1", "/stream?x=1"));
  cfg.headers = {{"X-Test", "yes"}};
  cfg.user_agent = "xarb-test/1";
  client c{cfg, {"hello"}};
  REQUIRE(c.wait_open());
  REQUIRE(eventually([&] { return c.rec.count("hello") == 1; }));
  server.send_all("push-1");
  REQUIRE(eventually([&] { return c.rec.count("push-1") == 1; }));

  CHECK(server.texts() == std::vector<std::string>{"hello"});
  auto hs = server.handshakes();
  REQUIRE(hs.size() == 1);
  auto header = [&](const std::string& name) {
    for (auto& [k, v] : hs[0])
      if (k == name)
        return v;
    return std::string{};
  };
  CHECK(header("X-Test") == "yes");
  CHECK(header("User-Agent") == "xarb-test/1");
  CHECK(header("Host") == "127.0.0.1:" + std::to_string(server.port()));

  {
    std::lock_guard lock{c.rec.mtx};
    CHECK(c.rec.opens == std::vector<uint64_t>{1});
    for (auto s : c.rec.spare)
      CHECK(s >= frame_padding);
    for (auto b : c.rec.binary)
      CHECK_FALSE(b);
    for (auto ts : c.rec.recv_ts)
      CHECK(ts > 1'600'000'000LL * 1'000'000'000LL);
  }
  auto s = c.ws->snapshot();
  CHECK(s.state == ws_state::open);
  CHECK(s.attempts == 1);
  CHECK(s.connects == 1);
  CHECK(s.reconnects == 0);
  CHECK(s.frames_in == 2);
  CHECK(s.bytes_in == std::string{"hello"}.size() + std::string{"push-1"}.size());
  CHECK(s.frames_out == 1);
  CHECK(s.bytes_out == 5);
  CHECK(s.last_frame_ts > 0);
  CHECK(c.rec.n_closes() == 0);
}

TEST_CASE("wss://localhost: verified, SNI sent, text both ways") {
  ws_test_server server{{true, "localhost"}};
  server.set_echo(true);
  client c{base_config(server.url("localhost")), {"sub-1", "sub-2"}};
  REQUIRE(c.wait_open());
  REQUIRE(eventually([&] { return c.rec.got().size() == 2; }));
  CHECK(c.rec.got() == std::vector<std::string>{"sub-1", "sub-2"});
  CHECK(server.texts() == std::vector<std::string>{"sub-1", "sub-2"});
  CHECK(server.sni() == std::vector<std::string>{"localhost"});
  CHECK(c.ws->snapshot().frames_out == 2);
}

TEST_CASE("wss://127.0.0.1: an IP is verified as an IP, without SNI") {
  ws_test_server server{{true, "localhost"}};
  server.set_echo(true);
  client c{base_config(server.url("127.0.0.1")), {"x"}};
  REQUIRE(c.wait_open());
  REQUIRE(eventually([&] { return c.rec.count("x") == 1; }));
  CHECK(server.sni() == std::vector<std::string>{""});
}

TEST_CASE("wss: a certificate from an unknown CA is refused") {
  ws_test_server server{{true, "localhost"}};
  for (std::string ca : {cert_file("other_ca.pem"), std::string{}}) { // unrelated CA, system store
    CAPTURE(ca);
    auto cfg = base_config(server.url("localhost"));
    cfg.tls.ca_file = ca;
    cfg.backoff.base_ns = 1000 * ms; // one attempt is enough
    client c{cfg, {"never"}};
    REQUIRE(eventually([&] { return c.rec.n_closes() >= 1; }));
    auto cl = c.rec.closed().front();
    CHECK(cl.reason == disconnect_reason::tls);
    CHECK(cl.generation == 0);
    CHECK(cl.retry_in_ns == 1000 * ms);
    CHECK(cl.detail.find("certificate verification failed") != std::string::npos);
    CHECK(c.rec.n_opens() == 0);
    CHECK(c.rec.got().empty());
    auto s = c.ws->snapshot();
    CHECK(s.disconnects_for(disconnect_reason::tls) == 1);
    CHECK(s.connects == 0);
    CHECK(s.frames_in == 0);
    CHECK(s.state == ws_state::backing_off);
  }
  CHECK(server.ws_accepts() == 0);
  CHECK(server.texts().empty());
}

TEST_CASE("wss: a certificate for another host name is refused") {
  ws_test_server server{{true, "wrong.example"}};
  auto cfg = base_config(server.url("localhost"));
  cfg.backoff.base_ns = 1000 * ms;
  client c{cfg, {"never"}};
  REQUIRE(eventually([&] { return c.rec.n_closes() >= 1; }));
  auto cl = c.rec.closed().front();
  CHECK(cl.reason == disconnect_reason::tls);
  CHECK(cl.detail.find("hostname mismatch") != std::string::npos);
  CHECK(c.rec.n_opens() == 0);
  CHECK(server.ws_accepts() == 0);
  // The server's side of the failed handshake may finish after the client's.
  REQUIRE(eventually([&] { return !server.sni().empty(); }));
  CHECK(server.sni() == std::vector<std::string>{"localhost"});

  SUBCASE("an IP literal against a name-only certificate") {
    auto ip_cfg = base_config(server.url("127.0.0.1"));
    ip_cfg.backoff.base_ns = 1000 * ms;
    client d{ip_cfg};
    REQUIRE(eventually([&] { return d.rec.n_closes() >= 1; }));
    CHECK(d.rec.closed().front().detail.find("IP address mismatch") != std::string::npos);
  }
  SUBCASE("insecure_skip_verify connects anyway") {
    server.set_echo(true);
    auto insecure = base_config(server.url("localhost"));
    insecure.tls = {};
    insecure.tls.insecure_skip_verify = true;
    client d{insecure, {"unsafe"}};
    REQUIRE(d.wait_open());
    REQUIRE(eventually([&] { return d.rec.count("unsafe") == 1; }));
  }
}

TEST_CASE("reconnect after the server drops the socket: resubscribe after the back-off") {
  ws_test_server server;
  auto cfg = base_config(server.url());
  cfg.backoff.base_ns = 150 * ms;
  client c{cfg, {"sub"}};
  REQUIRE(c.wait_open());
  REQUIRE(eventually([&] { return server.texts().size() == 1; }));
  server.drop_all();
  REQUIRE(c.wait_open(2));
  REQUIRE(eventually([&] { return server.texts().size() == 2; }));

  auto frames = server.frames();
  CHECK(frames[0].session == 1);
  CHECK(frames[1].session == 2);
  CHECK(frames[1].text == "sub"); // resubscribed on the new connection
  ws_close_info cl;
  steady::time_point closed_at, reopened_at;
  {
    std::lock_guard lock{c.rec.mtx};
    CHECK(c.rec.opens == std::vector<uint64_t>{1, 2});
    REQUIRE(c.rec.closes.size() == 1);
    cl = c.rec.closes[0];
    closed_at = c.rec.close_at[0];
    reopened_at = c.rec.open_at[1];
  }
  CHECK(cl.reason == disconnect_reason::server_close);
  CHECK(cl.generation == 1);
  CHECK(cl.retry_in_ns == 150 * ms);
  CHECK(reopened_at - closed_at >= std::chrono::milliseconds(140)); // the back-off was waited
  auto s = c.ws->snapshot();
  CHECK(s.connects == 2);
  CHECK(s.reconnects == 1);
  CHECK(s.attempts == 2);
  CHECK(s.disconnects_for(disconnect_reason::server_close) == 1);
  CHECK(s.backoff_ns == 0); // open again
  CHECK(s.state == ws_state::open);
  CHECK(server.tcp_accepts() == 2);
}

TEST_CASE("a close frame from the server is reported with its code") {
  ws_test_server server;
  client c{base_config(server.url())};
  REQUIRE(c.wait_open());
  server.close_all();
  REQUIRE(eventually([&] { return c.rec.n_closes() >= 1; }));
  auto cl = c.rec.closed().front();
  CHECK(cl.reason == disconnect_reason::server_close);
  CHECK(cl.detail.find("code 1001") != std::string::npos);
  REQUIRE(c.wait_open(2));
}

TEST_CASE("connection refused: the back-off grows, no open") {
  auto cfg = base_config("ws://127.0.0.1:" + std::to_string(closed_port()) + "/ws");
  cfg.backoff.base_ns = 20 * ms;
  client c{cfg};
  REQUIRE(eventually([&] { return c.rec.n_closes() >= 3; }));
  auto cl = c.rec.closed();
  CHECK(cl[0].reason == disconnect_reason::connect);
  CHECK(cl[0].detail.find("refused") != std::string::npos);
  CHECK(cl[0].retry_in_ns == 20 * ms);
  CHECK(cl[1].retry_in_ns == 40 * ms);
  CHECK(cl[2].retry_in_ns == 80 * ms);
  CHECK(c.rec.n_opens() == 0);
  auto s = c.ws->snapshot();
  CHECK(s.attempts >= 3);
  CHECK(s.connects == 0);
  CHECK(s.disconnects_for(disconnect_reason::connect) >= 3);
}

TEST_CASE("a server that is not a WebSocket endpoint: handshake failure") {
  http_test_server http;
  auto cfg = base_config("ws://127.0.0.1:" + std::to_string(http.port()) + "/ws");
  cfg.backoff.base_ns = 1000 * ms;
  client c{cfg};
  REQUIRE(eventually([&] { return c.rec.n_closes() >= 1; }));
  auto cl = c.rec.closed().front();
  CHECK(cl.reason == disconnect_reason::handshake);
  CHECK(cl.detail.find("HTTP 200") != std::string::npos);
}

TEST_CASE("application ping text at the interval; replies arrive as frames") {
  ws_test_server server;
  server.set_reply("ping", "pong");
  auto cfg = base_config(server.url());
  cfg.heartbeat.ping_interval_ns = 100 * ms;
  cfg.heartbeat.ping_text = "ping";
  client c{cfg};
  REQUIRE(c.wait_open());
  REQUIRE(eventually([&] { return count_of(server.texts(), "ping") >= 4; }));
  // Ping k (1-based) leaves k intervals after the open, not earlier. (Arrival
  // times only bound it from below: a starved server thread reads late.)
  auto opened = c.rec.first_open();
  auto frames = server.frames();
  for (std::size_t i = 0; i < frames.size(); ++i)
    CHECK(frames[i].at - opened >= std::chrono::milliseconds(100 * (i + 1) - 20));
  REQUIRE(eventually([&] { return c.rec.count("pong") >= 3; }));
  CHECK(c.ws->snapshot().frames_out >= 4);
  CHECK(server.pings_seen() == 0); // no WS ping frames in this mode
}

TEST_CASE("WS ping frames: sent at the interval, and server pings are answered") {
  ws_test_server server;
  auto cfg = base_config(server.url());
  cfg.heartbeat.ping_interval_ns = 100 * ms;
  cfg.heartbeat.ws_ping_frames = true;
  client c{cfg};
  REQUIRE(c.wait_open());
  REQUIRE(eventually([&] { return server.pings_seen() >= 3; }));
  CHECK(server.texts().empty());
  CHECK(c.ws->snapshot().pings_out >= 3);
  // Pongs from the server (Beast answers our pings) count as control frames in.
  REQUIRE(eventually([&] { return c.ws->snapshot().pongs_in >= 3; }));

  server.ping_all();
  REQUIRE(eventually([&] { return server.pongs_seen() >= 1; })); // Beast answered
  CHECK(eventually([&] { return c.ws->snapshot().pings_in >= 1; }));
}

TEST_CASE("silence: no frame for the timeout drops and reconnects") {
  ws_test_server server;
  server.set_silent(true);
  auto cfg = base_config(server.url());
  cfg.heartbeat.silence_ns = 300 * ms;
  client c{cfg, {"sub"}};
  REQUIRE(c.wait_open());
  REQUIRE(eventually([&] { return c.rec.n_closes() >= 1; }));
  {
    std::lock_guard lock{c.rec.mtx};
    CHECK(c.rec.close_at.at(0) - c.rec.open_at.at(0) >= std::chrono::milliseconds(290));
  }
  auto cl = c.rec.closed().front();
  CHECK(cl.reason == disconnect_reason::silence);
  CHECK(cl.detail.find("300 ms") != std::string::npos);
  REQUIRE(c.wait_open(2));
  CHECK(c.ws->snapshot().disconnects_for(disconnect_reason::silence) >= 1);
  REQUIRE(eventually([&] { return count_of(server.texts(), "sub") >= 2; })); // resubscribed
}

TEST_CASE("silence: answered heartbeats keep the connection") {
  ws_test_server server;
  server.set_reply("ping", "pong");
  auto cfg = base_config(server.url());
  cfg.heartbeat.ping_interval_ns = 60 * ms;
  cfg.heartbeat.ping_text = "ping";
  cfg.heartbeat.silence_ns = 500 * ms;
  client c{cfg};
  REQUIRE(c.wait_open());
  std::this_thread::sleep_for(900ms);
  CHECK(c.rec.n_closes() == 0);
  CHECK(c.rec.n_opens() == 1);
  CHECK(c.rec.count("pong") >= 5);
}

TEST_CASE("pacing: queued frames leave no faster than max_msgs_per_s") {
  ws_test_server server;
  auto cfg = base_config(server.url());
  cfg.max_msgs_per_s = 20; // one per 50 ms
  client c{cfg, {"s1", "s2", "s3", "s4", "s5", "s6"}};
  REQUIRE(c.wait_open());
  REQUIRE(eventually([&] { return server.texts().size() == 6; }));
  CHECK(server.texts() == std::vector<std::string>{"s1", "s2", "s3", "s4", "s5", "s6"});
  // Frame k (0-based) cannot leave before k spacings after the open; arrival
  // times bound that from below even when the server thread reads late.
  auto opened = c.rec.first_open();
  auto frames = server.frames();
  for (std::size_t k = 0; k < frames.size(); ++k)
    CHECK(frames[k].at - opened >= std::chrono::milliseconds(50 * k) - 20ms);
  CHECK(frames.back().at - opened >= 230ms);
  CHECK(c.ws->snapshot().frames_out == 6);
}

TEST_CASE("through a CONNECT proxy with credentials (wss) and refused without them") {
  ws_test_server server{{true, "localhost"}};
  server.set_echo(true);
  connect_proxy proxy{"user:pa:ss"};

  auto cfg = base_config(server.url("localhost"));
  cfg.proxy = "http://user:pa%3Ass@127.0.0.1:" + std::to_string(proxy.port());
  client c{cfg, {"via-proxy"}};
  REQUIRE(c.wait_open());
  REQUIRE(eventually([&] { return c.rec.count("via-proxy") == 1; }));
  CHECK(proxy.tunnels() == 1);
  CHECK(proxy.targets() == std::vector<std::string>{"localhost:" + std::to_string(server.port())});
  CHECK(server.sni() == std::vector<std::string>{"localhost"}); // TLS end to end

  auto bad = base_config(server.url("localhost"));
  bad.proxy = proxy.url_with("user:wrong");
  bad.backoff.base_ns = 1000 * ms;
  client d{bad};
  REQUIRE(eventually([&] { return d.rec.n_closes() >= 1; }));
  auto cl = d.rec.closed().front();
  CHECK(cl.reason == disconnect_reason::proxy);
  CHECK(cl.detail.find("407") != std::string::npos);
  CHECK(cl.detail.find("wrong") == std::string::npos); // no credentials in reasons
  CHECK(proxy.refused() == 1);
  CHECK(d.ws->snapshot().disconnects_for(disconnect_reason::proxy) == 1);
}

TEST_CASE("a message over max_frame_bytes drops the connection") {
  ws_test_server server;
  auto cfg = base_config(server.url());
  cfg.max_frame_bytes = 1000;
  client c{cfg};
  REQUIRE(c.wait_open());
  server.send_all(std::string(2000, 'z'));
  REQUIRE(eventually([&] { return c.rec.n_closes() >= 1; }));
  CHECK(c.rec.closed().front().reason == disconnect_reason::too_big);
  CHECK(c.rec.got().empty());
}

TEST_CASE("close(): local_close once, no reconnect; sends after it are dropped") {
  ws_test_server server;
  client c{base_config(server.url())};
  REQUIRE(c.wait_open());
  c.ws->close();
  REQUIRE(eventually([&] { return c.rec.n_closes() == 1; }));
  auto cl = c.rec.closed().front();
  CHECK(cl.reason == disconnect_reason::local_close);
  CHECK(cl.retry_in_ns == -1);
  CHECK(cl.generation == 1);
  REQUIRE(eventually([&] { return server.open_sessions() == 0; })); // close handshake done
  c.ws->send_text("late");
  REQUIRE(eventually([&] { return c.ws->snapshot().dropped_out == 1; }));
  std::this_thread::sleep_for(200ms);
  CHECK(c.rec.n_opens() == 1);
  CHECK(server.tcp_accepts() == 1);
  CHECK(c.ws->state() == ws_state::stopped);
  CHECK(c.ws->snapshot().disconnects_for(disconnect_reason::local_close) == 1);
}

TEST_CASE("configuration errors are reported by start()") {
  io_thread io;
  auto bad = [&](ws_config cfg, const char* what) {
    CAPTURE(what);
    ws_connection ws{io, std::move(cfg), {}};
    auto err = ws.start();
    CHECK(err.code == error_code::config_error);
    CHECK(err.message.find(what) != std::string::npos);
    CHECK(ws.state() == ws_state::idle);
  };
  bad(base_config("https://x.com/"), "not a ws");
  bad(base_config("wss://u:p@x.com/"), "credentials");
  bad(base_config("wss://x.com:99999/"), "out of range");
  auto p = base_config("wss://x.com/");
  p.proxy = "socks5://p:1";
  bad(p, "proxy");
  auto ca = base_config("wss://x.com/");
  ca.tls.ca_file = "/nonexistent/ca.pem";
  bad(ca, "CA file");

  ws_connection twice{io, base_config("ws://127.0.0.1:1/"), {}};
  CHECK(!twice.start());
  CHECK(twice.start().code == error_code::internal);
}

TEST_CASE("destroying the connection from its own callback is safe") {
  ws_test_server server;
  server.set_echo(true);
  io_thread io;
  io.start();
  std::unique_ptr<ws_connection> ws;
  std::atomic<int> frames{0};
  std::atomic<bool> destroyed{false};
  ws_callbacks cb;
  cb.on_open = [&](uint64_t) { ws->send_text("bye"); };
  cb.on_frame = [&](std::string&&, bool, timestamp_ns) {
    ++frames;
    ws.reset(); // from the io thread, inside a callback
    destroyed = true;
  };
  ws = std::make_unique<ws_connection>(io, base_config(server.url()), cb);
  REQUIRE(!ws->start());
  REQUIRE(eventually([&] { return destroyed.load(); }));
  std::this_thread::sleep_for(100ms);
  CHECK(frames == 1);
  REQUIRE(eventually([&] { return server.open_sessions() == 0; }));
}

namespace {
std::atomic<timestamp_ns> fake_now{0};
timestamp_ns fake_clock() noexcept {
  return fake_now.load();
}
} // namespace

TEST_CASE("recv_ts and the message rate follow net_now(); lag is fed by the owner") {
  constexpr timestamp_ns t0 = 1'700'000'000LL * 1'000'000'000LL;
  fake_now = t0 + 100 * ms;
  set_net_clock(&fake_clock);
  ws_test_server server;
  {
    client c{base_config(server.url())};
    REQUIRE(c.wait_open());
    for (int i = 0; i < 10; ++i)
      server.send_all("m" + std::to_string(i));
    REQUIRE(eventually([&] { return c.rec.got().size() == 10; }));
    {
      std::lock_guard lock{c.rec.mtx};
      for (auto ts : c.rec.recv_ts)
        CHECK(ts == t0 + 100 * ms);
    }
    fake_now = t0 + 1'000 * ms + 1; // the next second: the bucket is complete
    auto s = c.ws->snapshot();
    CHECK(s.msgs_per_s == doctest::Approx(10.0 / 5));
    CHECK(s.last_frame_ts == t0 + 100 * ms);
    c.ws->note_lag(3 * ms);
    c.ws->note_lag(9 * ms);
    s = c.ws->snapshot();
    CHECK(s.lag_last_ns == 9 * ms);
    CHECK(s.lag_max_ns == 9 * ms);
    CHECK(s.lag_samples == 2);
    CHECK(s.lag_ewma_ns > 3.0 * ms);
    CHECK(s.lag_ewma_ns < 9.0 * ms);
  }
  set_net_clock(nullptr);
}
