#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include <simdjson.h>

#include "monitoring/json_writer.hpp"

using namespace xarb;

namespace {

// Parses `text` with simdjson: the writer must always produce valid JSON.
bool valid_json(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  return parser.parse(text).get(doc) == simdjson::SUCCESS;
}

std::string parsed_string(const std::string& quoted) {
  simdjson::dom::parser parser;
  std::string_view sv;
  auto err = parser.parse(quoted).get_string().get(sv);
  REQUIRE(err == simdjson::SUCCESS);
  return std::string{sv};
}

} // namespace

TEST_SUITE("json_writer") {

TEST_CASE("escapes quotes, backslashes and control characters") {
  CHECK(json::quote("plain") == R"("plain")");
  CHECK(json::quote("a\"b\\c") == R"("a\"b\\c")");
  CHECK(json::quote("l1\nl2\tt\r") == R"("l1\nl2\tt\r")");
  CHECK(json::quote(std::string{"\x01\x1f\x7f", 3}) == R"("\u0001\u001f\u007f")");
  CHECK(json::quote(std::string{"nul\0in", 6}) == R"("nul\u0000in")");
  // Round trip through a real parser.
  std::string nasty{"\"\\/\b\f\n\r\t\x02 end", 13};
  CHECK(parsed_string(json::quote(nasty)) == nasty);
}

TEST_CASE("keeps valid UTF-8 and replaces invalid bytes") {
  std::string utf8 = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80"; // café € 🚀
  CHECK(json::quote(utf8) == "\"" + utf8 + "\"");
  CHECK(json::quote("\xff") == R"("\ufffd")");
  CHECK(json::quote("a\xc3") == R"("a\ufffd")");         // truncated sequence
  CHECK(json::quote("\xc0\xaf") == R"("\ufffd\ufffd")");  // overlong
  CHECK(json::quote("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")"); // surrogate
  CHECK(json::quote("\xf4\x90\x80\x80") == R"("\ufffd\ufffd\ufffd\ufffd")"); // > U+10FFFF
  std::string garbage;
  for (int i = 0; i < 256; ++i)
    garbage.push_back(static_cast<char>(i));
  CHECK(valid_json(json::quote(garbage)));
}

TEST_CASE("writes nested objects and arrays with correct commas") {
  json::writer w;
  w.begin_object()
    .key("a").value(1)
    .key("b").begin_array().value("x").value(true).null().begin_object().end_object().end_array()
    .key("c").value(uint64_t{18446744073709551615ull})
    .key("d").value(int64_t{-5})
    .key("e").begin_array().end_array()
    .end_object();
  CHECK(w.str() == R"({"a":1,"b":["x",true,null,{}],"c":18446744073709551615,"d":-5,"e":[]})");
  CHECK(valid_json(w.str()));
}

TEST_CASE("doubles are shortest round-trip, non-finite become null") {
  json::writer w;
  w.begin_array()
    .value(0.5)
    .value(1e-7)
    .value(-2.25)
    .value(std::numeric_limits<double>::quiet_NaN())
    .value(std::numeric_limits<double>::infinity())
    .end_array();
  CHECK(w.str() == "[0.5,1e-07,-2.25,null,null]");
  CHECK(valid_json(w.str()));
}

TEST_CASE("raw inserts verbatim and keys are escaped") {
  json::writer w;
  w.begin_object().key("we\"ird").raw("[1,2]").key("n").value(3).end_object();
  CHECK(w.str() == R"({"we\"ird":[1,2],"n":3})");
}

}
