// http_client against loopback servers: GET/POST over http and https,
// keep-alive reuse, stale-connection retry, timeout, body limit, TLS
// verification, CONNECT proxy (with credentials), configuration errors.
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "tests/venues/net/test_servers.hpp"
#include "venues/net/http_client.hpp"
#include "venues/net/io_thread.hpp"

using namespace xarb;
using namespace xarb::net;
using namespace xarb::net::test;
using namespace std::chrono_literals;
using venues::http_request;
using venues::http_response;

namespace {

constexpr int64_t ms = 1'000'000;

http_client_config base_config(const std::string& url) {
  http_client_config c;
  c.name = "test/http";
  c.base_url = url;
  c.tls.ca_file = cert_file("ca.pem");
  c.connect_timeout_ns = 3'000 * ms;
  c.request_timeout_ns = 5'000 * ms;
  return c;
}

http_request get(std::string target) {
  http_request r;
  r.target = std::move(target);
  return r;
}

/// Runs one request and waits for its answer.
expected<http_response> call(http_client& client, http_request req) {
  auto p = std::make_shared<std::promise<expected<http_response>>>();
  auto f = p->get_future();
  client.request(std::move(req), [p](expected<http_response> r) { p->set_value(std::move(r)); });
  if (f.wait_for(10s) != std::future_status::ready)
    return error_info{error_code::internal, "test: no answer in 10 s"};
  return f.get();
}

std::string header(const http_response& r, const std::string& name) {
  for (auto& [k, v] : r.headers)
    if (k == name)
      return v;
  return {};
}

std::string header(const http_seen& r, const std::string& name) {
  for (auto& [k, v] : r.headers)
    if (k == name)
      return v;
  return {};
}

struct client_fixture {
  io_thread io{"test.http"};
  std::unique_ptr<http_client> http;

  explicit client_fixture(http_client_config cfg) {
    io.start();
    http = std::make_unique<http_client>(io, std::move(cfg));
  }
  ~client_fixture() { http.reset(); }
};

} // namespace

TEST_CASE("http: GET returns status, body and headers; keep-alive reuses the connection") {
  http_test_server server;
  client_fixture c{base_config(server.url())};
  auto req = get("/echo?x=1");
  req.headers = {{"X-Api-Key", "k1"}};
  auto r = call(*c.http, req);
  REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
  CHECK(r->status == 200);
  CHECK(r->body == "GET /echo?x=1 ");
  CHECK(header(*r, "X-MBX-USED-WEIGHT-1M") == "1");
  CHECK(header(*r, "Content-Type") == "text/plain");

  auto r2 = call(*c.http, get("/second"));
  REQUIRE(r2);
  CHECK(r2->body == "GET /second ");
  CHECK(header(*r2, "X-MBX-USED-WEIGHT-1M") == "2");
  CHECK(server.connections() == 1); // one connection for both

  auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].connection == 1);
  CHECK(seen[1].connection == 1);
  CHECK(header(seen[0], "Host") == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(header(seen[0], "User-Agent") == "xarb");
  CHECK(header(seen[0], "X-Api-Key") == "k1");
  CHECK(header(seen[0], "Accept-Encoding").empty()); // no compression asked

  auto s = c.http->stats();
  CHECK(s.requests == 2);
  CHECK(s.responses == 2);
  CHECK(s.failures == 0);
  CHECK(s.connections == 1);
  CHECK(s.reused == 1);
  CHECK(s.bytes_in == r->body.size() + r2->body.size());
  CHECK(s.last_latency_ns > 0);
}

TEST_CASE("https: POST with a JSON body, verified, kept alive") {
  http_test_server server{{true, "localhost"}};
  client_fixture c{base_config(server.url("localhost"))};
  http_request req;
  req.method = "POST";
  req.target = "/info";
  req.body = R"({"type":"meta"})";
  auto r = call(*c.http, req);
  REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
  CHECK(r->status == 200);
  CHECK(r->body == R"(POST /info {"type":"meta"})");
  auto r2 = call(*c.http, get("/after"));
  REQUIRE(r2);
  CHECK(server.connections() == 1);
  auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(header(seen[0], "Content-Type") == "application/json");
  CHECK(header(seen[0], "Content-Length") == "15");
  CHECK(header(seen[0], "Host") == "localhost:" + std::to_string(server.port()));
  CHECK(c.http->stats().bytes_out == 15);
}

TEST_CASE("http: the base URL's path prefix is kept") {
  http_test_server server;
  client_fixture c{base_config(server.url() + "/api/")};
  auto r = call(*c.http, get("/v1/time?a=b"));
  REQUIRE(r);
  CHECK(r->body == "GET /api/v1/time?a=b ");
}

TEST_CASE("http: Connection: close from the server means a new connection next time") {
  http_test_server server;
  client_fixture c{base_config(server.url())};
  REQUIRE(call(*c.http, get("/close")));
  auto r = call(*c.http, get("/next"));
  REQUIRE(r);
  CHECK(server.connections() == 2);
  CHECK(c.http->stats().reused == 0);
  CHECK(c.http->stats().connections == 2);
}

TEST_CASE("http: a kept-alive connection the server dropped is retried once") {
  http_test_server server;
  client_fixture c{base_config(server.url())};
  REQUIRE(call(*c.http, get("/then-drop")));
  std::this_thread::sleep_for(150ms); // the server closes the idle socket
  auto r = call(*c.http, get("/fresh"));
  REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
  CHECK(r->body == "GET /fresh ");
  CHECK(server.connections() == 2);
  auto s = c.http->stats();
  CHECK(s.retries == 1);
  CHECK(s.failures == 0);
}

TEST_CASE("http: 4xx answers are returned, not errors") {
  http_test_server server;
  client_fixture c{base_config(server.url())};
  auto r = call(*c.http, get("/status/429"));
  REQUIRE(r);
  CHECK(r->status == 429);
  CHECK(header(*r, "Retry-After") == "7");
  CHECK(c.http->stats().failures == 0);
}

TEST_CASE("http: a slow answer times out, the next request works") {
  http_test_server server;
  auto cfg = base_config(server.url());
  cfg.request_timeout_ns = 300 * ms;
  client_fixture c{cfg};
  auto t0 = steady::now();
  auto r = call(*c.http, get("/slow"));
  REQUIRE_FALSE(r);
  CHECK(r.code() == error_code::timeout);
  CHECK(steady::now() - t0 >= 250ms); // (the server would answer after 1.5 s)
  auto ok = call(*c.http, get("/ok"));
  REQUIRE(ok);
  CHECK(ok->status == 200);
  auto s = c.http->stats();
  CHECK(s.timeouts == 1);
  CHECK(s.failures == 1);
  CHECK(s.responses == 1);
}

TEST_CASE("http: requests queue and are answered in order") {
  http_test_server server;
  client_fixture c{base_config(server.url())};
  std::mutex mtx;
  std::vector<std::string> order;
  std::promise<void> all;
  for (int i = 0; i < 5; ++i)
    c.http->request(get("/q" + std::to_string(i)), [&, i](expected<http_response> r) {
      std::lock_guard lock{mtx};
      order.push_back(r ? r->body : "error");
      if (i == 4)
        all.set_value();
    });
  REQUIRE(all.get_future().wait_for(10s) == std::future_status::ready);
  CHECK(order == std::vector<std::string>{"GET /q0 ", "GET /q1 ", "GET /q2 ", "GET /q3 ",
                                          "GET /q4 "});
  CHECK(server.connections() == 1);
}

TEST_CASE("http: a body over max_body_bytes fails") {
  http_test_server server;
  auto cfg = base_config(server.url());
  cfg.max_body_bytes = 1000;
  client_fixture c{cfg};
  auto r = call(*c.http, get("/big"));
  REQUIRE_FALSE(r);
  CHECK(r.code() == error_code::io_error);
  CHECK(r.error().message.find("body over 1000 bytes") != std::string::npos);
  auto ok = call(*c.http, get("/small"));
  CHECK(ok);
}

TEST_CASE("https: unknown CA and wrong host name are refused") {
  SUBCASE("unknown CA") {
    http_test_server server{{true, "localhost"}};
    auto cfg = base_config(server.url("localhost"));
    cfg.tls.ca_file = cert_file("other_ca.pem");
    client_fixture c{cfg};
    auto r = call(*c.http, get("/x"));
    REQUIRE_FALSE(r);
    CHECK(r.code() == error_code::io_error);
    CHECK(r.error().message.find("certificate verification failed") != std::string::npos);
    CHECK(server.requests().empty());
  }
  SUBCASE("wrong host") {
    http_test_server server{{true, "wrong.example"}};
    client_fixture c{base_config(server.url("localhost"))};
    auto r = call(*c.http, get("/x"));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("hostname mismatch") != std::string::npos);
    CHECK(server.requests().empty());
  }
}

TEST_CASE("http(s) through a CONNECT proxy, with and without credentials") {
  SUBCASE("https with credentials") {
    http_test_server server{{true, "localhost"}};
    connect_proxy proxy{"bob:pw"};
    auto cfg = base_config(server.url("localhost"));
    cfg.proxy = proxy.url();
    client_fixture c{cfg};
    auto r = call(*c.http, get("/via"));
    REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
    CHECK(r->body == "GET /via ");
    REQUIRE(call(*c.http, get("/again")));
    CHECK(proxy.tunnels() == 1); // kept alive through the tunnel
    CHECK(proxy.targets()
          == std::vector<std::string>{"localhost:" + std::to_string(server.port())});
  }
  SUBCASE("plain http, open proxy") {
    http_test_server server;
    connect_proxy proxy;
    auto cfg = base_config(server.url());
    cfg.proxy = proxy.url();
    client_fixture c{cfg};
    auto r = call(*c.http, get("/plain"));
    REQUIRE(r);
    CHECK(r->body == "GET /plain ");
    CHECK(proxy.tunnels() == 1);
  }
  SUBCASE("wrong credentials") {
    http_test_server server;
    connect_proxy proxy{"bob:pw"};
    auto cfg = base_config(server.url());
    cfg.proxy = proxy.url_with("bob:nope");
    client_fixture c{cfg};
    auto r = call(*c.http, get("/x"));
    REQUIRE_FALSE(r);
    CHECK(r.code() == error_code::io_error);
    CHECK(r.error().message.find("407") != std::string::npos);
    CHECK(proxy.refused() == 1);
    CHECK(server.requests().empty());
  }
}

TEST_CASE("http: connection refused and configuration errors") {
  uint16_t port = 0;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a{ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}};
    port = a.local_endpoint().port();
  }
  client_fixture refused{base_config("http://127.0.0.1:" + std::to_string(port))};
  auto r = call(*refused.http, get("/x"));
  REQUIRE_FALSE(r);
  CHECK(r.code() == error_code::io_error);
  CHECK(r.error().message.find("refused") != std::string::npos);

  for (auto [url, what] : {std::pair{"wss://x.com", "not an http"},
                           std::pair{"http://u:p@x.com", "credentials"},
                           std::pair{"x.com", "missing scheme"}}) {
    CAPTURE(url);
    client_fixture c{base_config(url)};
    CHECK(c.http->config_error().code == error_code::config_error);
    auto e = call(*c.http, get("/"));
    REQUIRE_FALSE(e);
    CHECK(e.code() == error_code::config_error);
    CHECK(e.error().message.find(what) != std::string::npos);
  }
  http_test_server server;
  client_fixture m{base_config(server.url())};
  http_request weird;
  weird.method = "FETCH";
  auto e = call(*m.http, weird);
  REQUIRE_FALSE(e);
  CHECK(e.error().message.find("unknown HTTP method") != std::string::npos);
}

TEST_CASE("http: destroying the client drops queued requests without calling back") {
  http_test_server server;
  io_thread io;
  io.start();
  std::atomic<int> called{0};
  {
    http_client client{io, base_config(server.url())};
    for (int i = 0; i < 3; ++i)
      client.request(get("/slow"), [&](expected<http_response>) { ++called; });
    std::this_thread::sleep_for(50ms);
  }
  std::this_thread::sleep_for(100ms);
  CHECK(called == 0);
}
