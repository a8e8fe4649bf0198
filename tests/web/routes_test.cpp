#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include <simdjson.h>

#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "web/routes.hpp"

using namespace xarb;

namespace {

constexpr timestamp_ns sec = 1'000'000'000;
constexpr timestamp_ns t0 = 1'700'000'000 * sec;

std::string json_field(const std::string& body, const char* key) {
  simdjson::dom::parser parser;
  std::string_view sv;
  REQUIRE(parser.parse(body)[key].get_string().get(sv) == simdjson::SUCCESS);
  return std::string{sv};
}

using strings = std::vector<std::string>;

const std::string token = "t0k3n-Secret-0123456789abcdef";
const std::string bearer = "Bearer " + token;
const std::string pair_id = "BTC-PERP:sim-a/sim-b";
const std::string pair_path = "/api/pairs/BTC-PERP%3Asim-a%2Fsim-b/flatten";

std::string header(const http_reply& r, std::string_view name) {
  for (auto& [k, v] : r.headers)
    if (k == name)
      return v;
  return {};
}

// A board with one pair and a control API whose send records the commands.
struct control_fixture {
  status_board board;
  std::vector<control_command> sent;
  std::string send_result; ///< what the fake send returns ("" = delivered)
  std::shared_ptr<control_api> api = std::make_shared<control_api>();

  control_fixture() {
    api->token = token;
    api->send = [this](const control_command& c) {
      sent.push_back(c);
      return send_result;
    };
    pair_status p;
    p.id = pair_id;
    p.symbol = "BTC-PERP";
    p.venue_a = "sim-a";
    p.venue_b = "sim-b";
    board.set_pair(p);
    board.expect_venue("sim-a", {"BTC-PERP"});
  }

  // Every reply is checked for the token: it must never be echoed.
  http_reply call(std::string_view method, std::string_view target,
                  std::string_view auth, const control_api* control) {
    auto r = route_request(http_request{method, target, auth}, board, nullptr, t0, control);
    CHECK(r.body.find(token) == std::string::npos);
    for (auto& [k, v] : r.headers)
      CHECK(v.find(token) == std::string::npos);
    return r;
  }
  http_reply post(std::string_view target, std::string_view auth = bearer) {
    return call("POST", target, auth, api.get());
  }
};

} // namespace

TEST_SUITE("routes") {

TEST_CASE("healthz, readyz, status and metrics") {
  status_board board;
  telemetry tel{"9.9.9"};
  board.set_node({"xarb", "9.9.9", t0, "sim", "paper"});
  board.expect_venue("sim-a", {"BTC-PERP"});

  auto h = route_request("GET", "/healthz", board, &tel, t0);
  CHECK(h.status == 200);
  CHECK(h.body == "ok\n");
  CHECK(h.content_type == content_type_text);

  auto r = route_request("GET", "/readyz", board, &tel, t0);
  CHECK(r.status == 503);
  CHECK(r.content_type == content_type_json);
  CHECK(r.body.find("sim-a/BTC-PERP") != std::string::npos);

  board.set_book("sim-a", "BTC-PERP", true, t0 - 3 * sec, 1);
  r = route_request("GET", "/readyz", board, &tel, t0);
  CHECK(r.status == 200);
  // Undocumented query parameters are refused on every route.
  r = route_request("GET", "/readyz?verbose=1", board, &tel, t0);
  CHECK(r.status == 400);

  auto s = route_request("GET", "/api/status", board, &tel, t0);
  CHECK(s.status == 200);
  CHECK(s.content_type == "application/json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(s.body).get(doc) == simdjson::SUCCESS);
  CHECK(doc["node"]["ready"].get_bool().value());

  auto m = route_request("GET", "/metrics", board, &tel, t0);
  CHECK(m.status == 200);
  CHECK(m.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(m.body.find("xarb_build_info{version=\"9.9.9\"} 1") != std::string::npos);
  // Book ages are refreshed on each scrape.
  CHECK(m.body.find("xarb_book_age_seconds{symbol=\"BTC-PERP\",venue=\"sim-a\"} 3\n")
        != std::string::npos);
}

TEST_CASE("unknown paths are 404 JSON, wrong methods 405 with Allow") {
  status_board board;
  auto nf = route_request("GET", "/nope", board, nullptr, t0);
  CHECK(nf.status == 404);
  CHECK(nf.content_type == content_type_json);
  CHECK(json_field(nf.body, "error") == "not_found");
  CHECK(route_request("GET", "/", board, nullptr, t0).status == 404);
  CHECK(route_request("GET", "/healthz/", board, nullptr, t0).status == 404);
  CHECK(route_request("GET", "/HEALTHZ", board, nullptr, t0).status == 404);

  for (auto method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    auto na = route_request(method, "/api/status", board, nullptr, t0);
    CHECK(na.status == 405);
    CHECK(json_field(na.body, "error") == "method_not_allowed");
    REQUIRE(na.headers.size() == 1);
    CHECK(na.headers[0].first == "Allow");
    CHECK(na.headers[0].second == "GET, HEAD");
  }
  CHECK(route_request("HEAD", "/healthz", board, nullptr, t0).status == 200);
}

TEST_CASE("metrics without telemetry is empty but well-typed") {
  status_board board;
  auto m = route_request("GET", "/metrics", board, nullptr, t0);
  CHECK(m.status == 200);
  CHECK(m.body.empty());
  CHECK(m.content_type == content_type_metrics);
}


TEST_CASE_FIXTURE(control_fixture, "control routes answer 202 and send the command") {
  struct row {
    const char* target;
    control_command expected;
  };
  const row rows[] = {
    {"/api/halt", {control_kind::halt, "", ""}},
    {"/api/halt?reason=fat+finger%21", {control_kind::halt, "", "fat finger!"}},
    {"/api/flatten-all?reason=", {control_kind::flatten_all, "", ""}},
    {"/api/flatten-all?reason=dd%20%C3%A9t%C3%A9", {control_kind::flatten_all, "", "dd été"}},
    {"/api/resume", {control_kind::resume, "", ""}},
    {"/api/resume?scope=sim-a&reason=back", {control_kind::resume_scope, "sim-a", "back"}},
    {"/api/resume?scope=BTC-PERP%3asim-a%2fsim-b", {control_kind::resume_scope, pair_id, ""}},
    {"/api/pairs/BTC-PERP%3Asim-a%2Fsim-b/flatten", {control_kind::flatten_pair, pair_id, ""}},
    {"/api/pairs/BTC-PERP%3asim-a%2fsim-b/flatten?reason=ops",
     {control_kind::flatten_pair, pair_id, "ops"}},
  };
  for (auto& r : rows) {
    CAPTURE(r.target);
    sent.clear();
    auto rep = post(r.target);
    CHECK(rep.status == 202);
    CHECK(rep.content_type == content_type_json);
    REQUIRE(sent.size() == 1);
    CHECK(sent[0] == r.expected);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(rep.body).get(doc) == simdjson::SUCCESS);
    CHECK(doc["accepted"].get_bool().value());
    CHECK(std::string_view{doc["command"].get_string().value()} == to_string(r.expected.kind));
    CHECK(std::string_view{doc["reason"].get_string().value()} == r.expected.reason);
    std::string_view target;
    if (r.expected.target.empty())
      CHECK(doc["target"].get_string().get(target) != simdjson::SUCCESS);
    else
      CHECK(std::string_view{doc["target"].get_string().value()} == r.expected.target);
  }
  // The scheme is case-insensitive; surrounding spaces are tolerated.
  CHECK(post("/api/halt", "bearer " + token).status == 202);
  CHECK(post("/api/halt", "Bearer   " + token + " ").status == 202);
}

TEST_CASE_FIXTURE(control_fixture, "a missing or wrong token is 401 with WWW-Authenticate") {
  for (const std::string& target : strings{"/api/halt", "/api/flatten-all",
                                           "/api/resume?scope=sim-a", pair_path,
                                           "/api/pairs/NOPE/flatten"}) {
    CAPTURE(target);
    auto missing = post(target, "");
    CHECK(missing.status == 401);
    CHECK(json_field(missing.body, "error") == "unauthorized");
    CHECK(header(missing, "WWW-Authenticate").rfind("Bearer", 0) == 0);
    for (const std::string& wrong :
         strings{"Bearer nope", "Bearer " + token + "x", "Bearer " + token.substr(1),
                 "Basic " + token, token, "Bearer", "Bearer  " + token + "x"}) {
      CAPTURE(wrong);
      auto r = post(target, wrong);
      CHECK(r.status == 401);
      CHECK(header(r, "WWW-Authenticate").rfind("Bearer", 0) == 0);
    }
  }
  // Authentication comes before validation: no probing of pair ids or
  // parameters without the token.
  CHECK(post("/api/pairs/%zz/flatten", "Bearer x").status == 401);
  CHECK(post("/api/halt?reason=%0A", "").status == 401);
  CHECK(sent.empty());
}

TEST_CASE_FIXTURE(control_fixture, "without a token every POST is 403 control_disabled") {
  control_api no_token;
  no_token.send = api->send;
  for (const control_api* c : {static_cast<const control_api*>(nullptr),
                               static_cast<const control_api*>(&no_token)}) {
    for (const std::string& target :
         strings{"/api/halt", "/api/flatten-all", "/api/resume", pair_path}) {
      CAPTURE(target);
      for (const std::string& auth : strings{"", "Bearer ", bearer}) {
        auto r = call("POST", target, auth, c);
        CHECK(r.status == 403);
        CHECK(json_field(r.body, "error") == "control_disabled");
        CHECK(json_field(r.body, "message")
              == "no API token is configured: state-changing routes are disabled");
      }
    }
  }
  // The read-only overload has no control API either.
  CHECK(route_request("POST", "/api/halt", board, nullptr, t0).status == 403);
  CHECK(sent.empty());
}

TEST_CASE_FIXTURE(control_fixture, "unknown pairs are 404, unencoded ids match no route") {
  auto r = post("/api/pairs/ETH-PERP%3Asim-a%2Fsim-b/flatten");
  CHECK(r.status == 404);
  CHECK(json_field(r.body, "error") == "unknown_pair");
  CHECK(json_field(r.body, "message").find("ETH-PERP:sim-a/sim-b") != std::string::npos);
  CHECK(post("/api/pairs/btc-perp%3Asim-a%2Fsim-b/flatten").status == 404); // case matters
  // "/api/pairs/flatten" is GET /api/pairs/{id} (405 for a POST).
  CHECK(post("/api/pairs/flatten").status == 405);
  for (auto target : {"/api/pairs/BTC-PERP:sim-a/sim-b/flatten", "/api/pairs//flatten",
                      "/api/pairs/x/flatten/", "/api/halt/",
                      "/api/flatten_all", "/api/%68alt"}) {
    CAPTURE(target);
    auto nf = post(target);
    CHECK(nf.status == 404);
    CHECK(json_field(nf.body, "error") == "not_found");
  }
  CHECK(sent.empty());
}

TEST_CASE_FIXTURE(control_fixture, "bad escapes, control characters and bad parameters are 400") {
  std::string long_reason(201, 'x');
  for (const std::string& target : strings{
         "/api/pairs/BTC-PERP%3Asim-a%2Fsim-b%/flatten", "/api/pairs/%zz/flatten",
         "/api/pairs/BTC-PERP%3/flatten", "/api/pairs/a%0Ab/flatten",
         "/api/pairs/%00/flatten", "/api/pairs/%FF/flatten",
         "/api/halt?reason=%", "/api/halt?reason=%4", "/api/halt?reason=%G0",
         "/api/halt?reason=a%0Ab", "/api/halt?reason=%0D%0AX-Injected:+1",
         "/api/halt?reason=%00", "/api/halt?reason=%7F", "/api/halt?reason=%1B[31m",
         "/api/halt?reason=%C2%85", "/api/halt?reason=%C3", "/api/halt?reason=%C0%AF",
         "/api/flatten-all?reason=" + long_reason,
         "/api/halt?reason=a&reason=b",
         "/api/halt?scope=sim-a",              // scope only on resume
         "/api/resume?scop=sim-a",             // a typo must not resume everything
         "/api/resume?scope=", "/api/resume?scope", "/api/resume?scope=a&scope=b",
         "/api/resume?scope=%zz", "/api/resume?scope=sim%09a",
         pair_path + "?reason=%"}) {
    CAPTURE(target);
    auto r = post(target);
    CHECK(r.status == 400);
    CHECK(r.content_type == content_type_json);
    CHECK(json_field(r.body, "error") == "bad_request");
  }
  CHECK(sent.empty());
  // The limit itself is fine, counted in characters, not bytes.
  CHECK(post("/api/halt?reason=" + std::string(200, 'x')).status == 202);
  std::string e_acute;
  for (int i = 0; i < 200; ++i)
    e_acute += "%C3%A9";
  CHECK(post("/api/halt?reason=" + e_acute).status == 202);
  CHECK(sent.size() == 2);
}

TEST_CASE_FIXTURE(control_fixture, "wrong methods are 405 with the right Allow header") {
  for (const std::string& target : strings{"/api/halt", "/api/flatten-all", "/api/resume",
                                           pair_path, "/api/pairs/UNKNOWN/flatten"}) {
    for (auto method : {"GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
      CAPTURE(target);
      CAPTURE(method);
      auto r = call(method, target, bearer, api.get());
      CHECK(r.status == 405);
      CHECK(json_field(r.body, "error") == "method_not_allowed");
      CHECK(header(r, "Allow") == "POST");
    }
  }
  for (auto target : {"/api/risk", "/api/status", "/metrics", "/healthz", "/readyz"}) {
    CAPTURE(target);
    auto r = post(target);
    CHECK(r.status == 405);
    CHECK(header(r, "Allow") == "GET, HEAD");
  }
  CHECK(sent.empty());
}

TEST_CASE_FIXTURE(control_fixture, "a command that cannot be delivered is 503") {
  send_result = "risk guard not running";
  for (const std::string& target : strings{"/api/halt", "/api/flatten-all", "/api/resume",
                                           "/api/resume?scope=sim-a", pair_path}) {
    CAPTURE(target);
    auto r = post(target);
    CHECK(r.status == 503);
    CHECK(json_field(r.body, "error") == "unavailable");
    CHECK(json_field(r.body, "message") == "risk guard not running");
  }
  CHECK(sent.size() == 5);
  control_api no_sink;
  no_sink.token = token;
  auto r = call("POST", "/api/halt", bearer, &no_sink);
  CHECK(r.status == 503);
  CHECK(json_field(r.body, "error") == "unavailable");
}

TEST_CASE_FIXTURE(control_fixture, "GET /api/risk is 503 until the risk guard publishes") {
  auto r = call("GET", "/api/risk", "", api.get());
  CHECK(r.status == 503);
  CHECK(r.content_type == content_type_json);
  CHECK(json_field(r.body, "error") == "not_ready");
  CHECK(call("HEAD", "/api/risk", "", nullptr).status == 503);

  const std::string snapshot = R"({"state":"halted","reason":"operator halt"})";
  board.set_risk(snapshot);
  r = call("GET", "/api/risk", "", nullptr); // open: no token needed
  CHECK(r.status == 200);
  CHECK(r.content_type == content_type_json);
  CHECK(r.body == snapshot);
  CHECK(call("HEAD", "/api/risk", "", nullptr).status == 200);
  CHECK(sent.empty());
}

}

TEST_CASE_FIXTURE(control_fixture, "GET /api/export/{kind}.csv serves the store's CSV") {
  std::vector<export_query> asked;
  expected<std::string> answer = std::string{"ts_ns,ts,pair_id\r\n1,x,y\r\n"};
  api->export_csv = [&](const export_query& q) -> expected<std::string> {
    asked.push_back(q);
    return answer;
  };
  auto get = [&](const std::string& target, std::string_view method = "GET") {
    return route_request(http_request{method, target, {}}, board, nullptr, t0, api.get());
  };
  auto r = get("/api/export/fills.csv?from=2026-11-22T00%3A00%3A00Z&to=17&pair=" "BTC-PERP%3Asim-a%2Fsim-b");
  CHECK(r.status == 200);
  CHECK(r.content_type == "text/csv; charset=utf-8");
  CHECK(r.body == "ts_ns,ts,pair_id\r\n1,x,y\r\n");
  CHECK(header(r, "Content-Disposition") == "attachment; filename=\"fills.csv\"");
  REQUIRE(asked.size() == 1);
  CHECK(asked[0].kind == "fills");
  CHECK(asked[0].from == "2026-11-22T00:00:00Z"); // decoded
  CHECK(asked[0].to == "17");
  CHECK(asked[0].pair == pair_id);
  for (const char* kind : {"orders", "events", "spreads", "funding"})
    CHECK(get(std::string{"/api/export/"} + kind + ".csv").status == 200);
  CHECK(asked.back().from.empty()); // no bound given
  // No token needed to read (like /api/status); every other method is 405.
  CHECK(get("/api/export/fills.csv", "POST").status == 405);
  // Unknown kinds and parameters; the path must be exact.
  auto unknown = get("/api/export/trades.csv");
  CHECK(unknown.status == 404);
  CHECK(json_field(unknown.body, "error") == "unknown_kind");
  CHECK(get("/api/export/fills.json").status == 404);
  CHECK(get("/api/export/a/fills.csv").status == 404);
  CHECK(get("/api/export/fills.csv?since=3").status == 400);
  CHECK(get("/api/export/fills.csv?pair=%ZZ").status == 400);
  // The export's own errors: the request's fault is 400, the node's 500.
  answer = error_info{error_code::parse_error, "bad time 'yesterday'"};
  auto bad = get("/api/export/fills.csv?from=yesterday");
  CHECK(bad.status == 400);
  CHECK(json_field(bad.body, "message") == "bad time 'yesterday'");
  answer = error_info{error_code::io_error, "rocksdb: corruption"};
  CHECK(get("/api/export/fills.csv").status == 500);
  // No store: 503.
  api->export_csv = nullptr;
  CHECK(get("/api/export/fills.csv").status == 503);
}
