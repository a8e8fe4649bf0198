// The full API at the routing level (no sockets): the OpenAPI document
// against the route table and the dispatcher, the read routes over a
// populated board, and the control routes' bodies and preconditions.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include <simdjson.h>

#include "monitoring/status_board.hpp"
#include "web/route_table.hpp"
#include "web/routes.hpp"

using namespace xarb;

namespace {

constexpr timestamp_ns sec = 1'000'000'000;
constexpr timestamp_ns t0 = 1'700'000'000 * sec;
const std::string token = "api-test-token-0123456789abcdef";
const std::string bearer = "Bearer " + token;
const std::string pair_a = "BTC-PERP:sim-a/sim-b";
const std::string pair_b = "ETH-PERP:sim-a/sim-b";
const std::string path_a = "/api/pairs/BTC-PERP%3Asim-a%2Fsim-b";

template <class T>
T dec(std::string_view text) {
  T v;
  REQUIRE(T::parse(text, v, rounding::exact) == error_code::none);
  return v;
}

order_update order(const std::string& pair, const std::string& cid, order_state to) {
  order_update u;
  u.pair_id = pair;
  u.client_id = cid;
  u.venue = "sim-a";
  u.symbol = "BTC-PERP";
  u.px = dec<price>("64000.5");
  u.qty = dec<quantity>("0.01");
  u.to = to;
  u.ts = t0;
  return u;
}

struct api_fixture {
  status_board board;
  std::vector<control_command> sent;
  std::vector<std::pair<std::string, std::string>> patches;
  params_result params_answer;
  control_api api;
  simdjson::dom::parser parser;

  api_fixture() {
    board.set_node({"xarb", "1.2.3", t0 - 100 * sec, "sim", "paper"});
    board.expect_venue("sim-a", {"BTC-PERP", "ETH-PERP"});
    board.expect_venue("sim-b", {"BTC-PERP", "ETH-PERP"});
    for (auto& [id, sym, ab, ba] :
         {std::tuple{pair_a, "BTC-PERP", "0.0003", "-0.0005"},
          std::tuple{pair_b, "ETH-PERP", "-0.0004", "0.0001"}}) {
      pair_status p;
      p.id = id;
      p.symbol = sym;
      p.venue_a = "sim-a";
      p.venue_b = "sim-b";
      p.spread_ab = dec<ratio>(ab);
      p.spread_ba = dec<ratio>(ba);
      p.valid = true;
      p.leg_a.venue = "sim-a";
      p.leg_b.venue = "sim-b";
      board.set_pair(p);
    }
    api.token = token;
    api.send = [this](const control_command& c) {
      sent.push_back(c);
      return std::string{};
    };
    api.update_params = [this](const std::string& id, std::string_view body) {
      patches.emplace_back(id, std::string{body});
      return params_answer;
    };
    api.config_json = R"({"node":{"name":"xarb"}})";
    api.symbols_json = R"([{"symbol":"BTC-PERP"}])";
    api.rate_limit_json = [](const std::string& venue) {
      return venue == "sim-a" ? std::string{R"({"orders_available":9})"} : std::string{};
    };
  }

  http_reply call(std::string_view method, std::string_view target, std::string_view body = {},
                  std::string_view auth = {}, std::string_view type = "application/json") {
    http_request req{method, target, auth, body, type, "127.0.0.1"};
    auto r = route_request(req, board, nullptr, t0, &api);
    CHECK(r.body.find(token) == std::string::npos);
    return r;
  }
  http_reply get(std::string_view target) { return call("GET", target); }
  http_reply post(std::string_view target, std::string_view body = {}) {
    return call("POST", target, body, bearer);
  }
  simdjson::dom::element json(const http_reply& r) {
    simdjson::dom::element e;
    REQUIRE_MESSAGE(parser.parse(r.body).get(e) == simdjson::SUCCESS, r.body);
    return e;
  }
  std::string error_of(const http_reply& r) {
    std::string_view s;
    if (json(r)["error"].get_string().get(s) != simdjson::SUCCESS)
      return "<none>";
    return std::string{s};
  }
};

/// The template with its placeholder filled in, as a client would call it.
std::string concrete(std::string_view tmpl) {
  std::string out{tmpl};
  if (auto i = out.find("{id}"); i != std::string::npos)
    out.replace(i, 4, "BTC-PERP%3Asim-a%2Fsim-b");
  if (auto i = out.find("{kind}"); i != std::string::npos)
    out.replace(i, 6, "fills");
  if (auto i = out.find("{symbol}"); i != std::string::npos)
    out.replace(i, 8, "BTC-PERP");
  return out;
}

} // namespace

TEST_SUITE("api") {

TEST_CASE_FIXTURE(api_fixture, "the OpenAPI document describes exactly the served routes") {
  auto r = get("/api/openapi.json");
  REQUIRE(r.status == 200);
  auto doc = json(r);
  CHECK(std::string_view(doc["openapi"]) == "3.0.3");
  CHECK(std::string_view(doc["info"]["version"]) == "1.2.3");
  simdjson::dom::object paths;
  REQUIRE(doc["paths"].get_object().get(paths) == simdjson::SUCCESS);
  // Every documented operation is served: its method reaches a handler
  // (never 404/405) and every other method is 405 with an Allow header.
  std::set<std::string> documented;
  for (auto [path, ops] : paths) {
    for (auto [method, op] : simdjson::dom::object(ops)) {
      std::string m{method};
      for (auto& ch : m)
        ch = static_cast<char>(ch - 'a' + 'A');
      documented.insert(m + " " + std::string{path});
      CAPTURE(m);
      CAPTURE(std::string{path});
      auto target = concrete(path);
      auto served = call(m, target, {}, bearer);
      CHECK(served.status != 404);
      CHECK(served.status != 405);
      CHECK(!std::string_view(op["summary"]).empty());
      simdjson::dom::object responses;
      REQUIRE(op["responses"].get_object().get(responses) == simdjson::SUCCESS);
      CHECK(responses.size() >= 3);
      auto wrong = call(m == "GET" ? "DELETE" : "GET", target, {}, bearer);
      if (wrong.status == 405) {
        bool allow = false;
        for (auto& [k, v] : wrong.headers)
          allow = allow || (k == "Allow" && v.find(m) != std::string::npos);
        CHECK(allow);
      }
    }
  }
  // Every route of the table is documented, and nothing else.
  std::set<std::string> table;
  for (auto& route : web_detail::route_table())
    table.insert(std::string{route.method} + " " + std::string{route.path});
  CHECK(documented == table);
  // The routes the issue asks for.
  for (auto want : {"GET /api/status", "GET /api/symbols", "GET /api/events",
                    "GET /api/market/top-spreads", "GET /api/pairs", "GET /api/pairs/{id}",
                    "GET /api/positions", "GET /api/orders", "GET /api/fills", "GET /api/pnl",
                    "GET /api/venues", "GET /api/risk", "GET /api/config",
                    "POST /api/engine/start", "POST /api/engine/stop", "POST /api/mode",
                    "POST /api/pairs/{id}/params", "POST /api/pairs/{id}/flatten",
                    "POST /api/flatten-all", "POST /api/halt", "POST /api/resume",
                    "POST /api/runtime/order-execution", "POST /api/runtime/market-data-mode",
                    "GET /api/export/{kind}.csv", "GET /api/openapi.json", "GET /ws/stream",
                    "GET /metrics", "GET /healthz", "GET /readyz",
                    // issue 7: the scanner
                    "GET /api/market/funding", "GET /api/arbitrage/signals",
                    "GET /api/history/{symbol}"}) {
    CAPTURE(want);
    CHECK(documented.count(want) == 1);
  }
  // Operation ids are unique; every POST is secured by the bearer scheme.
  std::set<std::string> ids;
  for (auto& route : web_detail::route_table()) {
    CHECK(ids.insert(std::string{route.id}).second);
    auto op = doc["paths"][route.path];
    std::string m{route.method};
    for (auto& ch : m)
      ch = static_cast<char>(ch - 'A' + 'a');
    simdjson::dom::element sec_req;
    const bool secured = op[m]["security"].get(sec_req) == simdjson::SUCCESS;
    CHECK(secured == (route.method == "POST"));
  }
}

TEST_CASE("route templates match one whole segment") {
  using web_detail::match_template;
  CHECK(match_template("/api/pairs/{id}", "/api/pairs/x").value() == "x");
  CHECK_FALSE(match_template("/api/pairs/{id}", "/api/pairs/"));
  CHECK_FALSE(match_template("/api/pairs/{id}", "/api/pairs/a/b"));
  CHECK(match_template("/api/pairs/{id}/params", "/api/pairs/a%2Fb/params").value() == "a%2Fb");
  CHECK_FALSE(match_template("/api/pairs/{id}/params", "/api/pairs//params"));
  CHECK(match_template("/api/export/{kind}.csv", "/api/export/fills.csv").value() == "fills");
  CHECK_FALSE(match_template("/api/export/{kind}.csv", "/api/export/.csv"));
  CHECK_FALSE(match_template("/api/export/{kind}.csv", "/api/export/a/b.csv"));
  CHECK(match_template("/api/status", "/api/status").has_value());
  CHECK_FALSE(match_template("/api/status", "/api/status/"));
}

TEST_CASE_FIXTURE(api_fixture, "logs: events, orders and fills with limit, after and pair") {
  for (int i = 1; i <= 5; ++i)
    board.add_event(event{t0 + i, severity::info, "pair/x", "e" + std::to_string(i)});
  auto r = get("/api/events?limit=2");
  REQUIRE(r.status == 200);
  auto doc = json(r);
  auto events = simdjson::dom::array(doc["events"]);
  REQUIRE(events.size() == 2);
  CHECK(uint64_t(events.at(0)["seq"]) == 4);
  CHECK(std::string_view(events.at(1)["text"]) == "e5");
  CHECK(uint64_t(doc["last_seq"]) == 5);
  CHECK(simdjson::dom::array(json(get("/api/events?after=3"))["events"]).size() == 2);
  CHECK(simdjson::dom::array(json(get("/api/events?after=5"))["events"]).size() == 0);
  for (auto bad : {"/api/events?limit=0", "/api/events?limit=1001", "/api/events?limit=-1",
                   "/api/events?limit=abc", "/api/events?limit=1&limit=2",
                   "/api/events?after=x", "/api/events?pair=x", "/api/orders?state=closed"}) {
    CAPTURE(bad);
    CHECK(get(bad).status == 400);
  }

  board.add_order(order(pair_a, "c1", order_state::sent));
  board.add_order(order(pair_b, "c2", order_state::sent));
  board.add_order(order(pair_a, "c1", order_state::filled));
  board.add_order(order(pair_a, "c3", order_state::acked));
  auto all = json(get("/api/orders"));
  CHECK(simdjson::dom::array(all["orders"]).size() == 4);
  CHECK(uint64_t(all["last_seq"]) == 4);
  auto only_a = simdjson::dom::array(json(get("/api/orders?pair=BTC-PERP%3Asim-a%2Fsim-b"))["orders"]);
  REQUIRE(only_a.size() == 3);
  CHECK(std::string_view(only_a.at(2)["client_id"]) == "c3");
  CHECK(std::string_view(only_a.at(1)["state"]) == "filled");
  CHECK(std::string_view(only_a.at(0)["price"]) == "64000.5");
  auto open = simdjson::dom::array(json(get("/api/orders?state=open"))["orders"]);
  std::set<std::string> open_ids;
  for (auto o : open)
    open_ids.insert(std::string{std::string_view(o["client_id"])});
  CHECK(open_ids == std::set<std::string>{"c2", "c3"});

  order_fill f;
  f.client_id = "c1";
  f.fill_id = "t1";
  f.venue = "sim-a";
  f.symbol = "BTC-PERP";
  f.px = dec<price>("64000.5");
  f.qty = dec<quantity>("0.01");
  f.fee = dec<money>("0.32");
  board.add_fill(pair_a, f);
  f.fill_id = "t2";
  board.add_fill(pair_b, f);
  auto fills = simdjson::dom::array(json(get("/api/fills?pair=ETH-PERP%3Asim-a%2Fsim-b"))["fills"]);
  REQUIRE(fills.size() == 1);
  CHECK(std::string_view(fills.at(0)["fill_id"]) == "t2");
  CHECK(std::string_view(fills.at(0)["fee"]) == "0.32");
  CHECK(uint64_t(fills.at(0)["seq"]) == 2);
}

TEST_CASE_FIXTURE(api_fixture, "pairs, positions, P&L, top spreads, venues, documents") {
  auto p = *board.pair(pair_a);
  p.leg_a.qty = dec<quantity>("0.5");
  p.leg_a.realized = dec<money>("10.1");
  p.leg_a.fees = dec<money>("1.05");
  p.leg_a.funding = dec<money>("-0.2");
  p.leg_a.unrealized = dec<money>("3");
  p.leg_b.qty = dec<quantity>("-0.5");
  p.leg_b.fees = dec<money>("0.95");
  board.set_pair(p);
  auto q = *board.pair(pair_b);
  q.leg_a.qty = dec<quantity>("0.25"); // ETH on sim-a
  q.leg_a.realized = dec<money>("-1");
  board.set_pair(q);

  auto one = get(path_a);
  REQUIRE(one.status == 200);
  CHECK(json(one)["params"].is_null());
  board.set_pair_params(pair_a, R"({"min_profit_bps":3.0})");
  CHECK(double(json(get(path_a))["params"]["min_profit_bps"]) == 3.0);
  CHECK(get("/api/pairs/NOPE").status == 404);
  CHECK(get("/api/pairs/%zz").status == 400);
  CHECK(simdjson::dom::array(json(get("/api/pairs"))["pairs"]).size() == 2);

  auto pos = json(get("/api/positions"));
  CHECK(simdjson::dom::array(pos["legs"]).size() == 4);
  bool seen = false;
  for (auto c : simdjson::dom::array(pos["contracts"]))
    if (std::string_view(c["venue"]) == "sim-a" && std::string_view(c["symbol"]) == "BTC-PERP") {
      CHECK(std::string_view(c["qty"]) == "0.5");
      seen = true;
    }
  CHECK(seen);

  auto pnl = json(get("/api/pnl"));
  // Exact: realized 10.1 - 1 = 9.1, fees 2, funding -0.2, unrealized 3.
  CHECK(std::string_view(pnl["total"]["realized"]) == "9.1");
  CHECK(std::string_view(pnl["total"]["fees"]) == "2");
  CHECK(std::string_view(pnl["total"]["net"]) == "9.9");
  CHECK(simdjson::dom::array(pnl["venues"]).size() == 2);

  // No scanner in this node: the scanner's routes say so.
  CHECK(get("/api/market/top-spreads?limit=1").status == 503);
  CHECK(error_of(get("/api/market/funding")) == "unavailable");

  board.count_session("sim-a");
  board.count_session("sim-a");
  board.add_latency("sim-a", 4.0);
  auto venues = simdjson::dom::array(json(get("/api/venues"))["venues"]);
  REQUIRE(venues.size() == 2);
  CHECK(uint64_t(venues.at(0)["reconnects"]) == 1);
  CHECK(double(venues.at(0)["latency_ms"]) == 4.0);
  CHECK(int64_t(venues.at(0)["rate_limits"]["orders_available"]) == 9);
  CHECK(venues.at(1)["rate_limits"].is_null());

  CHECK(get("/api/config").body == api.config_json);
  CHECK(std::string_view(json(get("/api/symbols"))["symbols"].at(0)["symbol"]) == "BTC-PERP");
  CHECK(get("/ws/stream").status == 426);
}

TEST_CASE_FIXTURE(api_fixture, "control routes: engine, mode, resume scope, reasons in the body") {
  CHECK(post("/api/engine/stop", R"({"reason":"maintenance"})").status == 202);
  CHECK(post("/api/engine/start").status == 202);
  REQUIRE(sent.size() == 2);
  CHECK(sent[0] == control_command{control_kind::engine_stop, "", "maintenance"});
  CHECK(sent[1].kind == control_kind::engine_start);
  sent.clear();

  CHECK(post("/api/mode", R"({"mode":"zero_wear"})").status == 202);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0] == control_command{control_kind::set_mode, "zero_wear", ""});
  for (auto bad : {R"({})", R"({"mode":"yolo"})", R"({"mode":1})", R"({"mode":"zero_wear","x":1})",
                   R"([])", R"("zero_wear")", R"({"mode":)", "{\"mode\":\"\xff\"}"}) {
    CAPTURE(bad);
    auto r = post("/api/mode", bad);
    CHECK(r.status == 400);
    CHECK((error_of(r) == "bad_request" || error_of(r) == "bad_json"));
  }
  CHECK(sent.size() == 1);
  // JSON only: a form post is refused, a charset parameter is fine.
  CHECK(call("POST", "/api/mode", "mode=zero_wear", bearer, "application/x-www-form-urlencoded")
          .status
        == 415);
  CHECK(call("POST", "/api/mode", R"({"mode":"normal_arb"})", bearer,
             "Application/JSON; charset=utf-8")
          .status
        == 202);
  sent.clear();

  CHECK(post("/api/resume", R"({"scope":"sim-b","reason":"venue back"})").status == 202);
  CHECK(post("/api/resume?scope=ETH-PERP").status == 202);
  CHECK(post("/api/resume", R"({"scope":"nowhere"})").status == 404);
  CHECK(post("/api/resume?scope=sim-a", R"({"scope":"sim-b"})").status == 400);
  CHECK(post("/api/halt?reason=a", R"({"reason":"b"})").status == 400);
  CHECK(post("/api/halt", R"({"reason":5})").status == 400);
  CHECK(post("/api/halt", R"({"reason":"x","scope":"sim-a"})").status == 400);
  REQUIRE(sent.size() == 2);
  CHECK(sent[0] == control_command{control_kind::resume_scope, "sim-b", "venue back"});
  CHECK(sent[1] == control_command{control_kind::resume_scope, "ETH-PERP", ""});
}

TEST_CASE_FIXTURE(api_fixture, "pair parameters: validated, every problem listed") {
  params_answer.params_json = R"({"min_profit_bps":3.0})";
  auto ok = post(path_a + "/params", R"({"min_profit_bps":3})");
  REQUIRE(ok.status == 200);
  auto doc = json(ok);
  CHECK(bool(doc["applied"]));
  CHECK(double(doc["params"]["min_profit_bps"]) == 3.0);
  REQUIRE(patches.size() == 1);
  CHECK(patches[0] == std::pair<std::string, std::string>{pair_a, R"({"min_profit_bps":3})"});

  params_answer = {};
  params_answer.errors = {"params.signal.z_exit: must be < z_entry (1)",
                          "params.order_notional: must be > 0"};
  auto bad = post(path_a + "/params", R"({"signal":{"z_exit":5},"order_notional":"-1"})");
  CHECK(bad.status == 400);
  auto err = json(bad);
  CHECK(std::string_view(err["error"]) == "invalid_params");
  CHECK(simdjson::dom::array(err["errors"]).size() == 2);
  CHECK(std::string_view(err["message"]) == "2 problems: nothing changed");

  patches.clear();
  CHECK(post(path_a + "/params").status == 400);        // empty body
  CHECK(post(path_a + "/params", "{").status == 400);   // malformed
  CHECK(post(path_a + "/params", "[1]").status == 400); // not an object
  CHECK(post("/api/pairs/NOPE/params", "{}").status == 404);
  CHECK(patches.empty());
  params_answer = {};
  params_answer.unavailable = "no trader";
  CHECK(post(path_a + "/params", R"({"min_profit_bps":3})").status == 503);
}

TEST_CASE_FIXTURE(api_fixture, "live orders need the config switch and the exact confirmation") {
  const auto route = "/api/runtime/order-execution";
  auto r = post(route, R"({"live_order_enabled":true,"confirm_text":"ENABLE_LIVE_ORDER"})");
  CHECK(r.status == 409);
  CHECK(error_of(r) == "live_not_configured");
  CHECK(sent.empty());
  CHECK(post(route, R"({"live_order_enabled":false})").status == 200);
  CHECK(sent.empty()); // already off: nothing to do

  api.live_orders.configured = true;
  for (auto body : {R"({"live_order_enabled":true})",
                    R"({"live_order_enabled":true,"confirm_text":"enable_live_order"})",
                    R"({"live_order_enabled":true,"confirm_text":"ENABLE_LIVE_ORDER "})",
                    R"({"live_order_enabled":true,"confirm_text":""})"}) {
    CAPTURE(body);
    auto refused = post(route, body);
    CHECK(refused.status == 400);
    CHECK(error_of(refused) == "confirmation_required");
  }
  for (auto body : {R"({})", R"({"live_order_enabled":"true"})", R"({"live_order_enabled":1})",
                    R"({"live_order_enabled":true,"confirm":"x"})"}) {
    CAPTURE(body);
    CHECK(post(route, body).status == 400);
  }
  CHECK(sent.empty());
  auto on = post(route, R"({"live_order_enabled":true,"confirm_text":"ENABLE_LIVE_ORDER"})");
  CHECK(on.status == 200);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0] == control_command{control_kind::live_orders, "on", ""});
  board.set_live_order_enabled(true);
  CHECK(post(route, R"({"live_order_enabled":false})").status == 200);
  REQUIRE(sent.size() == 2);
  CHECK(sent[1].target == "off");
}

TEST_CASE_FIXTURE(api_fixture, "market data mode: only what the node is configured for") {
  const auto route = "/api/runtime/market-data-mode";
  auto r = post(route, R"({"simulated_market_data":true})");
  CHECK(r.status == 200);
  CHECK(bool(json(r)["simulated_market_data"]));
  CHECK(post(route, R"({"mode":"sim"})").status == 200);
  auto live = post(route, R"({"simulated_market_data":false})");
  CHECK(live.status == 409);
  CHECK(error_of(live) == "not_configured");
  CHECK(post(route, R"({"mode":"live"})").status == 409);
  CHECK(post(route, R"({"mode":"replay"})").status == 400);
  CHECK(post(route, R"({"mode":"sim","simulated_market_data":true})").status == 400);
  CHECK(post(route, R"({})").status == 400);
  CHECK(sent.empty());
}

TEST_CASE_FIXTURE(api_fixture, "market data mode: a node mixing live and simulated venues") {
  const auto route = "/api/runtime/market-data-mode";
  board.set_node("n1", "0.1.0", 1, "mixed", "paper");
  for (auto body : {R"({"mode":"sim"})", R"({"mode":"live"})", R"({"simulated_market_data":true})"}) {
    auto r = post(route, body);
    CHECK(r.status == 409);
    CHECK(error_of(r) == "restart_required");
  }
  CHECK(post(route, R"({"mode":"replay"})").status == 400);
  CHECK(sent.empty());
}

} // TEST_SUITE
