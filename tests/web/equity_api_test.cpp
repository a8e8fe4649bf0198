// The equity curve over the API: GET /api/pnl/equity (shape, paging,
// limits, the same total as /api/pnl) and the stream's `equity` topic
// (snapshot, then deltas) over the status board.
#include <doctest/doctest.h>

#include <string>

#include <simdjson.h>

#include "monitoring/status_board.hpp"
#include "tests/web/equity_samples.hpp"
#include "web/board_stream.hpp"
#include "web/routes.hpp"
#include "web/stream_hub.hpp"

using namespace xarb;
using xarb::test::m;
using xarb::test::sec;
using xarb::test::t0;

namespace {


struct fixture {
  status_board board;
  simdjson::dom::parser parser;

  fixture() {
    pair_status p;
    p.id = "BTC-PERP:sim-a/sim-b";
    p.symbol = "BTC-PERP";
    p.venue_a = "sim-a";
    p.venue_b = "sim-b";
    p.leg_a.venue = "sim-a";
    p.leg_a.realized = m("10.000000001");
    p.leg_a.fees = m("0.5");
    p.leg_b.venue = "sim-b";
    p.leg_b.funding = m("-0.25");
    p.leg_b.unrealized = m("1.75");
    board.set_pair(p);
  }

  http_reply get(std::string_view target) {
    return route_request("GET", target, board, nullptr, t0);
  }
  simdjson::dom::element json(const http_reply& r) {
    simdjson::dom::element e;
    REQUIRE_MESSAGE(parser.parse(r.body).get(e) == simdjson::SUCCESS, r.body);
    return e;
  }
};

} // namespace

TEST_SUITE("equity_api") {

TEST_CASE_FIXTURE(fixture, "GET /api/pnl/equity: the sampled totals, oldest first") {
  auto empty = get("/api/pnl/equity");
  REQUIRE(empty.status == 200);
  CHECK(empty.content_type == "application/json");
  CHECK(empty.body == R"({"interval_s":5,"points":[],"last_seq":0})");

  board.set_equity_interval(2);
  for (int i = 0; i < 5; ++i)
    board.sample_equity(t0 + i * 2 * sec);
  auto r = get("/api/pnl/equity");
  REQUIRE(r.status == 200);
  auto doc = json(r);
  CHECK(int64_t(doc["interval_s"]) == 2);
  CHECK(uint64_t(doc["last_seq"]) == 5);
  auto points = simdjson::dom::array(doc["points"]);
  REQUIRE(points.size() == 5);
  auto first = points.at(0);
  CHECK(uint64_t(first["seq"]) == 1);
  CHECK(int64_t(first["ts_ns"]) == t0);
  CHECK(std::string_view(first["realized"]) == "10.000000001");
  CHECK(std::string_view(first["fees"]) == "0.5");
  CHECK(std::string_view(first["funding"]) == "-0.25");
  CHECK(std::string_view(first["unrealized"]) == "1.75");
  CHECK(std::string_view(first["net"]) == "11.000000001");
  CHECK(simdjson::dom::object(first).size() == 7);
  // The curve ends where /api/pnl's total is.
  simdjson::dom::parser other;
  simdjson::dom::element pnl;
  REQUIRE(other.parse(get("/api/pnl").body).get(pnl) == simdjson::SUCCESS);
  for (auto key : {"realized", "fees", "funding", "unrealized", "net"}) {
    CAPTURE(key);
    CHECK(std::string_view(pnl["total"][key]) == std::string_view(points.at(4)[key]));
  }

  auto page = json(get("/api/pnl/equity?after=2&limit=2"));
  auto some = simdjson::dom::array(page["points"]);
  REQUIRE(some.size() == 2);
  CHECK(uint64_t(some.at(0)["seq"]) == 4);
  CHECK(uint64_t(some.at(1)["seq"]) == 5);
  CHECK(uint64_t(page["last_seq"]) == 5);
  auto none = json(get("/api/pnl/equity?after=9"));
  CHECK(simdjson::dom::array(none["points"]).size() == 0);
  CHECK(uint64_t(none["last_seq"]) == 9);
  CHECK(get("/api/pnl/equity?limit=20000").status == 200);

  for (auto bad : {"/api/pnl/equity?limit=0", "/api/pnl/equity?limit=20001",
                   "/api/pnl/equity?limit=x", "/api/pnl/equity?after=-1",
                   "/api/pnl/equity?after=1&after=2", "/api/pnl/equity?pair=x"}) {
    CAPTURE(bad);
    auto e = get(bad);
    CHECK(e.status == 400);
    CHECK(std::string_view(json(e)["error"]) == "bad_request");
  }
  CHECK(route_request("HEAD", "/api/pnl/equity", board, nullptr, t0).status == 200);
  CHECK(route_request("POST", "/api/pnl/equity", board, nullptr, t0).status == 405);
}

TEST_CASE_FIXTURE(fixture, "the equity topic: the latest points, then every new one") {
  CHECK(is_log_topic("equity"));
  CHECK_FALSE(is_keyed_topic("equity"));
  auto src = make_board_stream(board, [] { return t0; });
  CHECK(src->log("equity", 0, 10).empty());
  for (int i = 0; i < 4; ++i)
    board.sample_equity(t0 + i * sec);
  auto entries = src->log("equity", 0, 10);
  REQUIRE(entries.size() == 4);
  CHECK(entries[3].seq == 4);
  CHECK(entries[0].json
        == R"({"seq":1,"ts_ns":1700000000000000000,"realized":"10.000000001","fees":"0.5",)"
           R"("funding":"-0.25","unrealized":"1.75","net":"11.000000001"})");
  CHECK(src->log("equity", 2, 1).at(0).seq == 4); // the newest when limited

  stream_config cfg;
  cfg.snapshot_entries = 2;
  stream_hub hub{src, cfg, "tok"};
  stream_client c{hub, true};
  auto ack = hub.handle(c, R"({"op":"subscribe","topics":["equity"]})");
  REQUIRE(ack.size() == 1);
  CHECK(ack[0].find("\"equity\"") != std::string::npos);
  hub.refresh();
  auto snap = hub.poll(c);
  REQUIRE(snap.size() == 1);
  auto doc = json(http_reply{200, "", snap[0], {}});
  CHECK(std::string_view(doc["type"]) == "snapshot");
  CHECK(std::string_view(doc["topic"]) == "equity");
  CHECK(uint64_t(doc["seq"]) == 4);
  auto items = simdjson::dom::array(doc["items"]);
  REQUIRE(items.size() == 2);
  CHECK(uint64_t(items.at(0)["seq"]) == 3);
  CHECK(std::string_view(items.at(1)["net"]) == "11.000000001");

  pair_status p = *board.pair("BTC-PERP:sim-a/sim-b");
  p.leg_b.unrealized = m("-1");
  board.set_pair(p);
  board.sample_equity(t0 + 10 * sec);
  hub.refresh();
  auto delta = hub.poll(c);
  REQUIRE(delta.size() == 1);
  auto d = json(http_reply{200, "", delta[0], {}});
  CHECK(std::string_view(d["type"]) == "delta");
  CHECK(uint64_t(d["seq"]) == 5);
  auto fresh = simdjson::dom::array(d["items"]);
  REQUIRE(fresh.size() == 1);
  CHECK(std::string_view(fresh.at(0)["net"]) == "8.250000001");
  hub.refresh();
  CHECK(hub.poll(c).empty());
}

}
