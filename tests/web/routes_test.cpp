#include <doctest/doctest.h>

#include <string>

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
  r = route_request("GET", "/readyz?verbose=1", board, &tel, t0);
  CHECK(r.status == 200);

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

}
