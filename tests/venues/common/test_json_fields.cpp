#include <doctest/doctest.h>

#include "venues/common/json_fields.hpp"

using namespace xarb;
namespace json = xarb::venues::json;

TEST_CASE("decimals and integers read from strings and numbers alike, never via double") {
  simdjson::ondemand::parser parser;
  auto text = simdjson::padded_string(std::string_view(
    R"({"s":"27450.10","n":0.30000000000000004,"q":[["1.5","2"]],"i":"1061718","j":42,"neg":-7,"o":{},"z":null})"));
  auto doc = parser.iterate(text);
  price px;
  CHECK(json::get_decimal(doc["s"].value(), px) == error_code::none);
  CHECK(px.to_string() == "27450.1");
  // 17 significant digits: exact parsing refuses, nearest rounding accepts.
  ratio r;
  CHECK(json::get_decimal(doc["n"].value(), r) == error_code::precision_loss);
  CHECK(json::get_decimal(doc["n"].value(), r, rounding::nearest) == error_code::none);
  CHECK(r.to_string() == "0.3");
  for (auto level : doc["q"].get_array()) {
    auto fields = level.get_array();
    auto it = fields.begin();
    price p;
    quantity q;
    CHECK(json::get_decimal((*it).value(), p) == error_code::none);
    ++it;
    CHECK(json::get_decimal((*it).value(), q) == error_code::none);
    CHECK(p.to_string() == "1.5");
    CHECK(q.to_string() == "2");
  }
  uint64_t u = 0;
  CHECK(json::get_u64(doc["i"].value(), u) == error_code::none);
  CHECK(u == 1061718);
  CHECK(json::get_u64(doc["j"].value(), u) == error_code::none);
  CHECK(u == 42);
  CHECK(json::get_u64(doc["neg"].value(), u) == error_code::parse_error);
  int64_t i = 0;
  CHECK(json::get_i64(doc["neg"].value(), i) == error_code::none);
  CHECK(i == -7);
  CHECK(json::get_decimal(doc["o"].value(), px) == error_code::parse_error);
  CHECK(json::get_decimal(doc["z"].value(), px) == error_code::parse_error);
}
