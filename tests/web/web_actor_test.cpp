// The web actor in a real actor system: it serves while alive, frees the port
// when it terminates, and quits with an error when the bind fails.
#include <doctest/doctest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "messages/caf_errors.hpp"
#include "messages/type_ids.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "tests/web/http_test_client.hpp"
#include "web/web_actor.hpp"

using namespace xarb;

namespace {

struct test_config : caf::actor_system_config {
  test_config() {
    add_message_types<caf::id_block::xarb>();
    add_error_renderer(*this);
    set("scheduler.max-threads", 2);
  }
};

struct fixture {
  status_board board;
  telemetry tel{"test"};
  test_config cfg;
  caf::actor_system sys{cfg};

  web_config ephemeral() {
    web_config wc;
    wc.listen = "127.0.0.1:0";
    return wc;
  }

  // Asks a web actor for its bound port; 0 on error.
  uint16_t port_of(const caf::actor& web) {
    caf::scoped_actor self{sys};
    uint16_t port = 0;
    self->request(web, std::chrono::seconds(5), atom::status_v)
      .receive([&](uint16_t p) { port = p; }, [&](const caf::error&) { port = 0; });
    return port;
  }
};

} // namespace

TEST_SUITE("web_actor") {

TEST_CASE_FIXTURE(fixture, "serves while alive and releases the port on exit") {
  auto web = sys.spawn(web_actor, ephemeral(), &board, &tel);
  auto port = port_of(web);
  REQUIRE(port != 0);
  auto h = test::fetch(port, "/healthz");
  REQUIRE(h);
  CHECK(h->status == 200);

  caf::scoped_actor self{sys};
  self->send_exit(web, caf::exit_reason::user_shutdown);
  self->wait_for(web);
  CHECK_FALSE(test::fetch(port, "/healthz"));

  // A replacement (what a supervisor restart does) can bind the same port.
  auto wc = ephemeral();
  wc.listen = "127.0.0.1:" + std::to_string(port);
  auto web2 = sys.spawn(web_actor, wc, &board, &tel);
  CHECK(port_of(web2) == port);
  auto h2 = test::fetch(port, "/api/status");
  REQUIRE(h2);
  CHECK(h2->status == 200);
  self->send_exit(web2, caf::exit_reason::user_shutdown);
  self->wait_for(web2);
}

TEST_CASE_FIXTURE(fixture, "a failed bind makes the actor quit with io_error") {
  http_server_config occupied;
  occupied.port = 0;
  http_server blocker{occupied, board, &tel};
  auto taken = blocker.start();
  REQUIRE(taken.has_value());

  auto wc = ephemeral();
  wc.listen = "127.0.0.1:" + std::to_string(*taken);
  caf::scoped_actor self{sys};
  auto web = sys.spawn(web_actor, wc, &board, &tel);
  self->monitor(web);
  caf::error reason;
  bool down = false;
  self->receive(
    [&](caf::down_msg& dm) {
      down = true;
      reason = dm.reason;
    },
    caf::after(std::chrono::seconds(5)) >> [] {});
  REQUIRE(down);
  CHECK(reason.category() == caf::atom("xarb"));
  CHECK(reason.code() == static_cast<uint8_t>(error_code::io_error));
  CHECK(sys.render(reason).find("cannot listen on 127.0.0.1:" + std::to_string(*taken))
        != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "an invalid address makes the actor quit with config_error") {
  auto wc = ephemeral();
  wc.listen = "not-an-ip:80";
  caf::scoped_actor self{sys};
  auto web = sys.spawn(web_actor, wc, &board, &tel);
  self->monitor(web);
  caf::error reason;
  self->receive([&](caf::down_msg& dm) { reason = dm.reason; },
                caf::after(std::chrono::seconds(5)) >> [] {});
  CHECK(reason.code() == static_cast<uint8_t>(error_code::config_error));
  CHECK(sys.render(reason).find("not-an-ip") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "an empty listen string uses the http host and port") {
  web_config wc;
  wc.listen.clear();
  wc.http.host = "127.0.0.1";
  wc.http.port = 0;
  auto web = sys.spawn(web_actor, wc, &board, &tel);
  auto port = port_of(web);
  REQUIRE(port != 0);
  auto h = test::fetch(port, "/readyz");
  REQUIRE(h);
  CHECK(h->status == 503); // nothing registered on the board
  caf::anon_send_exit(web, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(fixture, "the equity curve: a point at start, then one per interval") {
  pair_status p;
  p.id = "BTC-PERP:sim-a/sim-b";
  p.leg_a.venue = "sim-a";
  p.leg_a.realized = money::from_string("2.5").value();
  board.set_pair(p);
  std::mutex mtx;
  std::vector<equity_point> persisted;
  auto wc = ephemeral();
  wc.equity_interval = std::chrono::seconds(1);
  wc.on_equity = [&](const equity_point& e) {
    std::lock_guard lock{mtx};
    persisted.push_back(e);
  };
  auto web = sys.spawn(web_actor, wc, &board, &tel);
  REQUIRE(port_of(web) != 0);
  CHECK(board.equity_interval_s() == 1);
  // The first point is taken at start (before the port is answered).
  auto first = board.equity(0, 10);
  REQUIRE(first.points.size() >= 1);
  CHECK(first.points[0].net == money::from_string("2.5").value());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (board.equity(0, 10).points.size() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  caf::anon_send_exit(web, caf::exit_reason::user_shutdown);
  auto pts = board.equity(0, 10).points;
  REQUIRE(pts.size() >= 2);
  CHECK(pts[1].seq == 2);
  CHECK(pts[1].ts_ns > pts[0].ts_ns);
  std::lock_guard lock{mtx};
  REQUIRE(persisted.size() >= 2);
  CHECK(persisted[0] == pts[0]);
  CHECK(persisted[1] == pts[1]);
}

TEST_CASE_FIXTURE(fixture, "no equity sampling when the interval is zero") {
  auto wc = ephemeral();
  wc.equity_interval = std::chrono::seconds(0);
  auto web = sys.spawn(web_actor, wc, &board, &tel);
  REQUIRE(port_of(web) != 0);
  CHECK(board.equity(0, 10).points.empty());
  caf::anon_send_exit(web, caf::exit_reason::user_shutdown);
}

}
