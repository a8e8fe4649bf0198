// run_mock_venue (the body of `xarb mock-venue`) and its listen-address parser.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <future>
#include <sstream>
#include <thread>

#include "tests/venues/mock/mock_test_support.hpp"
#include "venues/mock/mock_cli.hpp"

using namespace xarb;
using namespace xarb::mock;
using ms = std::chrono::milliseconds;

TEST_CASE("parse_listen: literal addresses and ports") {
  auto a = parse_listen("127.0.0.1:8080");
  REQUIRE(a);
  CHECK(a->first == "127.0.0.1");
  CHECK(a->second == 8080);
  auto b = parse_listen("[::1]:0");
  REQUIRE(b);
  CHECK(b->first == "::1");
  CHECK(b->second == 0);
  CHECK(parse_listen("0.0.0.0:65535"));
  for (const char* bad : {"localhost:80", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536",
                          "127.0.0.1:8x", "::1:80", "[::1]80", "[::1]", ":80", ""}) {
    CAPTURE(bad);
    CHECK(parse_listen(bad).code() == error_code::parse_error);
  }
}

namespace {

mock_venue_options options() {
  mock_venue_options o;
  o.protocol = std::make_unique<test::test_protocol>();
  o.handle_signals = false;
  o.tick_ms = 20;
  return o;
}

} // namespace

TEST_CASE("run_mock_venue: port 0 prints the bound URL, serves, stops on a stop request") {
  std::ostringstream out, err;
  std::promise<uint16_t> ready;
  auto port = ready.get_future();
  auto o = options();
  o.seed = 11;
  o.symbols = {"BTC", "ETH"};
  o.on_ready = [&](mock_server& s) { ready.set_value(s.port()); };
  std::stop_source stop;
  int rc = -1;
  std::thread runner([&] { rc = run_mock_venue(std::move(o), out, err, stop.get_token()); });
  REQUIRE(port.wait_for(ms{10000}) == std::future_status::ready);
  const auto p = port.get();
  CHECK(p != 0);
  auto r = test::http_call(p, "GET", "/api/instruments");
  CHECK(r.status == 200);
  CHECK(r.body.find("ETHUSDT") != std::string::npos);
  CHECK(r.body.find("SOLUSDT") == std::string::npos); // only the symbols asked for
  {
    test::ws_conn c{p};
    REQUIRE(c.connected());
    c.subscribe("book", "ETHUSDT");
    CHECK(c.next_of("delta", ms{2000}));
  }
  stop.request_stop();
  runner.join();
  CHECK(rc == 0);
  const auto url = "127.0.0.1:" + std::to_string(p);
  CHECK(out.str() == "mock testx listening on http://" + url + " (ws://" + url + ")\n");
  CHECK(err.str().empty());
  CHECK(test::http_call(p, "GET", "/api/instruments").status == 0); // stopped
}

TEST_CASE("run_mock_venue: SIGTERM stops it when handling signals") {
  std::ostringstream out, err;
  std::promise<void> ready;
  auto up = ready.get_future();
  auto o = options();
  o.handle_signals = true;
  o.on_ready = [&](mock_server&) { ready.set_value(); };
  int rc = -1;
  std::thread runner([&] { rc = run_mock_venue(std::move(o), out, err); });
  REQUIRE(up.wait_for(ms{10000}) == std::future_status::ready);
  std::raise(SIGTERM); // the handler is installed before on_ready
  runner.join();
  CHECK(rc == 0);
  CHECK(out.str().starts_with("mock testx listening on http://127.0.0.1:"));
}

TEST_CASE("run_mock_venue: bad options exit 2 with a reason") {
  auto run = [](mock_venue_options o, std::string& err_text) {
    std::ostringstream out, err;
    std::stop_source stop;
    stop.request_stop(); // would return at once if it started
    const int rc = run_mock_venue(std::move(o), out, err, stop.get_token());
    err_text = err.str();
    return rc;
  };
  std::string err;
  {
    auto o = options();
    o.listen = "localhost:80";
    CHECK(run(std::move(o), err) == 2);
    CHECK(err.find("literal IP") != std::string::npos);
  }
  {
    auto o = options();
    o.protocol.reset();
    CHECK(run(std::move(o), err) == 2);
    CHECK(err.find("protocol") != std::string::npos);
  }
  {
    auto o = options();
    o.symbols = {"NOPE"};
    CHECK(run(std::move(o), err) == 2);
    CHECK(err.find("NOPE") != std::string::npos);
  }
  {
    auto o = options();
    o.tls_cert = "/nonexistent.pem";
    o.tls_key = "/nonexistent.key";
    CHECK(run(std::move(o), err) == 2);
    CHECK(err.find("certificate") != std::string::npos);
  }
  {
    auto o = options();
    o.tick_ms = 0;
    CHECK(run(std::move(o), err) == 2);
  }
  { // a stop already requested: starts, prints, stops
    auto o = options();
    CHECK(run(std::move(o), err) == 0);
    CHECK(err.empty());
  }
}
