// /ws/stream over real loopback sockets (127.0.0.1, ephemeral ports).
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "tests/web/http_test_client.hpp"
#include "tests/web/ws_test_client.hpp"
#include "web/control_api.hpp"
#include "web/http_server.hpp"

using namespace xarb;
using namespace std::chrono_literals;
using xarb::test::ws_client;

namespace {

const std::string token = "ws-Token-0123456789abcdef";
const ws_client::header_list with_token{{"Authorization", "Bearer " + token}};

std::string subscribe_msg(const std::string& topics) {
  return R"({"op":"subscribe","topics":)" + topics + "}";
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 3000ms) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (pred())
      return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

// The value of one sample line ("name{labels}") of a text exposition; -1
// when absent.
double sample(const std::string& text, const std::string& series) {
  auto at = text.find("\n" + series + " ");
  if (at == std::string::npos)
    return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

struct fixture {
  status_board board;
  telemetry tel{"0.0.1-test"};
  http_server_config cfg;
  std::unique_ptr<http_server> server;
  uint16_t port = 0;

  std::mutex mtx; // the source runs on the server's I/O thread
  std::map<std::string, std::string> pairs;
  std::size_t big_bytes = 0; ///< > 0: "tops" holds one item this large, new each poll
  uint64_t polls = 0;

  fixture() {
    cfg.port = 0;
    cfg.stream.interval = 20ms;
    auto api = std::make_shared<control_api>();
    api->token = token;
    cfg.control = api;
    auto src = std::make_shared<stream_source>();
    src->keyed = [this](std::string_view topic) {
      std::lock_guard lock{mtx};
      std::vector<stream_item> out;
      if (topic == "pairs")
        for (auto& [id, json] : pairs)
          out.push_back({id, json});
      if (topic == "tops" && big_bytes > 0)
        out.push_back({"big", R"({"n":)" + std::to_string(++polls) + R"(,"pad":")"
                                + std::string(big_bytes, 'x') + "\"}"});
      return out;
    };
    src->log = [](std::string_view, uint64_t, std::size_t) {
      return std::vector<stream_entry>{};
    };
    cfg.stream_data = src;
  }

  void set_pair(const std::string& id, const std::string& json) {
    std::lock_guard lock{mtx};
    pairs[id] = json;
  }

  void start() {
    server = std::make_unique<http_server>(cfg, board, &tel);
    auto res = server->start();
    REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
    port = *res;
  }

  double metric(const std::string& series) { return sample(tel.serialize(), series); }
};

} // namespace

TEST_SUITE("ws_stream") {

TEST_CASE_FIXTURE(fixture, "bearer header: hello, snapshot, then a delta of what changed") {
  set_pair("p1", R"({"v":1})");
  set_pair("p2", R"({"v":1})");
  start();
  ws_client c{port, with_token};
  REQUIRE(c.open());
  CHECK(c.status() == 101);
  auto hello = c.next();
  REQUIRE(hello);
  CHECK(hello->find(R"("type":"hello")") != std::string::npos);
  CHECK(hello->find(R"("interval_ms":20)") != std::string::npos);
  CHECK(hello->find(R"("authenticated":true)") != std::string::npos);

  REQUIRE(c.send(subscribe_msg(R"(["pairs"])")));
  auto sub = c.next();
  REQUIRE(sub);
  CHECK(*sub == R"({"type":"subscribed","topics":["pairs"]})");
  auto snap = c.next();
  REQUIRE(snap);
  CHECK(snap->find(R"("type":"snapshot","topic":"pairs")") != std::string::npos);
  CHECK(snap->find(R"("items":{"p1":{"v":1},"p2":{"v":1}})") != std::string::npos);

  set_pair("p2", R"({"v":2})");
  auto delta = c.next();
  REQUIRE(delta);
  CHECK(delta->find(R"("type":"delta")") != std::string::npos);
  CHECK(delta->find(R"("upsert":{"p2":{"v":2}},"remove":[])") != std::string::npos);
  // Nothing changes: nothing is sent.
  CHECK_FALSE(c.next(100ms));

  REQUIRE(c.send(R"({"op":"ping"})"));
  CHECK(c.next() == std::optional<std::string>{R"({"type":"pong"})"});

  CHECK(metric(R"(xarb_ws_clients)") == 1);
  CHECK(metric(R"(xarb_http_requests_total{code="101",route="/ws/stream"})") == 1);
  // Counted when the write completes, which may be after the client read it.
  CHECK(eventually([&] {
    return metric(R"(xarb_ws_messages_sent_total{topic="pairs"})") == 2
           && metric(R"(xarb_ws_messages_sent_total{topic="control"})") == 3;
  }));
  CHECK(metric("xarb_ws_bytes_sent_total") > 100);
  CHECK(metric("xarb_ws_hub_refresh_seconds_count") > 0);
  c.close();
  CHECK(eventually([&] { return metric("xarb_ws_clients") == 0; }));
}

TEST_CASE_FIXTURE(fixture, "without a header the client authenticates with the auth op") {
  set_pair("p1", R"({"v":1})");
  start();
  ws_client c{port};
  REQUIRE(c.open());
  auto hello = c.next();
  REQUIRE(hello);
  CHECK(hello->find(R"("authenticated":false)") != std::string::npos);
  REQUIRE(c.send(subscribe_msg(R"(["pairs"])")));
  auto refused = c.next();
  REQUIRE(refused);
  CHECK(refused->find(R"("error":"unauthorized")") != std::string::npos);
  REQUIRE(c.send(R"({"op":"auth","token":"nope"})"));
  refused = c.next();
  REQUIRE(refused);
  CHECK(refused->find(R"("error":"unauthorized")") != std::string::npos);
  REQUIRE(c.send(R"({"op":"auth","token":")" + token + "\"}"));
  CHECK(c.next() == std::optional<std::string>{R"({"type":"authenticated"})"});
  REQUIRE(c.send(subscribe_msg(R"(["pairs"])")));
  CHECK(c.next_with(R"("type":"subscribed")"));
  auto snap = c.next_with(R"("type":"snapshot")");
  REQUIRE(snap);
  CHECK(snap->find(R"("p1":{"v":1})") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "a client that never authenticates is closed (1008)") {
  cfg.stream.auth_timeout = 200ms;
  start();
  ws_client c{port};
  REQUIRE(c.open());
  REQUIRE(c.next()); // hello
  CHECK(c.wait_closed(3000ms));
  CHECK(c.close_reason().code == 1008);
  CHECK(c.close_reason().reason == "authentication timeout");
  CHECK(eventually([&] {
    return metric(R"(xarb_ws_clients_dropped_total{reason="auth_timeout"})") == 1;
  }));
}

TEST_CASE_FIXTURE(fixture, "refusals before the upgrade: 426, 401, 403, 503") {
  start();
  auto plain = test::fetch(port, "/ws/stream");
  REQUIRE(plain);
  CHECK(plain->status == 426);
  CHECK(plain->body.find("upgrade_required") != std::string::npos);

  ws_client wrong{port, {{"Authorization", "Bearer " + token + "x"}}};
  CHECK_FALSE(wrong.open());
  CHECK(wrong.status() == 401);
  CHECK(wrong.refusal_body().find("unauthorized") != std::string::npos);
  CHECK(wrong.refusal_body().find(token) == std::string::npos);

  ws_client nowhere{port, with_token, true, "/ws/other"};
  CHECK(nowhere.status() == 404);

  // The token is required: none configured, or no control API at all.
  auto no_token = cfg;
  no_token.port = 0;
  no_token.control = std::make_shared<control_api>();
  http_server s1{no_token, board, &tel};
  auto p1 = s1.start();
  REQUIRE(p1);
  ws_client c1{*p1, with_token};
  CHECK(c1.status() == 403);
  CHECK(c1.refusal_body().find("control_disabled") != std::string::npos);
  no_token.control = nullptr;
  http_server s2{no_token, board, &tel};
  auto p2 = s2.start();
  REQUIRE(p2);
  CHECK(ws_client{*p2}.status() == 403);

  auto no_stream = cfg;
  no_stream.port = 0;
  no_stream.stream_data = nullptr;
  http_server s3{no_stream, board, &tel};
  auto p3 = s3.start();
  REQUIRE(p3);
  ws_client c3{*p3, with_token};
  CHECK(c3.status() == 503);
}

TEST_CASE_FIXTURE(fixture, "clients beyond max_clients get 503 until a slot frees") {
  cfg.stream.max_clients = 1;
  start();
  auto first = std::make_unique<ws_client>(port, with_token);
  REQUIRE(first->open());
  ws_client second{port, with_token};
  CHECK(second.status() == 503);
  CHECK(second.refusal_body().find("too_many_clients") != std::string::npos);
  first->close();
  first.reset();
  CHECK(eventually([&] { return ws_client{port, with_token}.open(); }));
}

TEST_CASE_FIXTURE(fixture, "bad messages get errors; too many close the connection") {
  cfg.stream.max_message_bytes = 64;
  start();
  ws_client c{port, with_token};
  REQUIRE(c.open());
  REQUIRE(c.next()); // hello
  REQUIRE(c.send("{oops"));
  auto e = c.next();
  REQUIRE(e);
  CHECK(e->find(R"("error":"bad_request")") != std::string::npos);
  REQUIRE(c.send(R"({"op":"ping","pad":")" + std::string(200, 'x') + "\"}")); // > 64 bytes
  e = c.next();
  REQUIRE(e);
  CHECK(e->find("too large") != std::string::npos);
  REQUIRE(c.send(subscribe_msg(R"(["nope"])")));
  e = c.next();
  REQUIRE(e);
  CHECK(e->find(R"("error":"unknown_topic")") != std::string::npos);
  REQUIRE(c.send(R"({"op":"ping"})"));
  CHECK(c.next() == std::optional<std::string>{R"({"type":"pong"})"}); // still open
  for (int i = 0; i < 17; ++i)
    REQUIRE(c.send("x"));
  CHECK(c.wait_closed(3000ms));
  CHECK(c.close_reason().code == 1008);
  CHECK(c.close_reason().reason == "too many errors");
  CHECK(eventually(
    [&] { return metric(R"(xarb_ws_clients_dropped_total{reason="errors"})") == 1; }));
}

TEST_CASE_FIXTURE(fixture, "a client that stops reading is dropped; others keep their deltas") {
  cfg.stream.max_queue_bytes = 256 * 1024;
  big_bytes = 100 * 1024; // a new 100 KiB "tops" item every 20 ms
  set_pair("p1", R"({"v":0})");
  start();
  ws_client normal{port, with_token};
  REQUIRE(normal.open());
  REQUIRE(normal.send(subscribe_msg(R"(["pairs"])")));
  REQUIRE(normal.next_with(R"("type":"snapshot")"));

  ws_client stalled{port, with_token, /*read=*/false};
  REQUIRE(stalled.open());
  REQUIRE(stalled.send(subscribe_msg(R"(["tops"])")));

  bool dropped = false;
  int v = 0;
  auto until = std::chrono::steady_clock::now() + 10s;
  while (!dropped && std::chrono::steady_clock::now() < until) {
    set_pair("p1", R"({"v":)" + std::to_string(++v) + "}");
    auto d = normal.next_with(R"({"p1":{"v":)" + std::to_string(v) + "}}");
    REQUIRE_MESSAGE(d, "normal client missed a delta, v=" << v);
    dropped = metric(R"(xarb_ws_clients_dropped_total{reason="slow"})") == 1;
  }
  REQUIRE(dropped);
  // The normal client is unaffected and the stalled one's slot is freed.
  set_pair("p1", R"({"v":"after"})");
  CHECK(normal.next_with(R"({"p1":{"v":"after"}})"));
  CHECK(eventually([&] { return metric("xarb_ws_clients") == 1; }));
  CHECK(metric(R"(xarb_ws_clients_dropped_total{reason="slow"})") == 1);
}

TEST_CASE_FIXTURE(fixture, "stop closes every stream client promptly (1001)") {
  start();
  ws_client a{port, with_token};
  ws_client b{port};
  REQUIRE(a.open());
  REQUIRE(b.open());
  REQUIRE(a.send(subscribe_msg(R"(["pairs","fills"])")));
  REQUIRE(a.next_with("subscribed"));
  auto t0 = std::chrono::steady_clock::now();
  std::thread stopper([&] { server->stop(); });
  CHECK(a.wait_closed(3000ms));
  CHECK(b.wait_closed(3000ms));
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(a.close_reason().code == 1001);
  CHECK(metric(R"(xarb_ws_clients_dropped_total{reason="shutdown"})") == 2);
  CHECK(metric("xarb_ws_clients") == 0);
  CHECK_FALSE(server->running());
  // And it serves again after a restart.
  auto again = server->start();
  REQUIRE(again);
  ws_client c{*again, with_token};
  CHECK(c.open());
}

}
