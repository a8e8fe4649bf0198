// Target parsing, strict percent-decoding, text checks and the bearer check
// behind the control routes.
#include <doctest/doctest.h>

#include <string>

#include "web/control_api.hpp"
#include "web/url.hpp"

using namespace xarb;

TEST_SUITE("url") {

TEST_CASE("split_target separates path and query, drops the fragment") {
  auto a = url::split_target("/api/resume?scope=sim-a&reason=x");
  CHECK(a.path == "/api/resume");
  CHECK(a.query == "scope=sim-a&reason=x");
  auto b = url::split_target("/api/halt");
  CHECK(b.path == "/api/halt");
  CHECK(b.query.empty());
  auto c = url::split_target("/api/halt#frag?x=1");
  CHECK(c.path == "/api/halt");
  CHECK(c.query.empty());
  auto d = url::split_target("/a?q=1#f");
  CHECK(d.query == "q=1");
}

TEST_CASE("percent_decode is strict") {
  CHECK(*url::percent_decode("BTC-PERP%3Asim-a%2Fsim-b", false) == "BTC-PERP:sim-a/sim-b");
  CHECK(*url::percent_decode("%3a%2f", false) == ":/");
  CHECK(*url::percent_decode("a+b", false) == "a+b");
  CHECK(*url::percent_decode("a+b%2B", true) == "a b+");
  CHECK(*url::percent_decode("", true) == "");
  for (auto bad : {"%", "%4", "%zz", "%G1", "%1G", "abc%", "%%41", "% 41"}) {
    CAPTURE(bad);
    auto r = url::percent_decode(bad, true);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == error_code::parse_error);
  }
}

TEST_CASE("query_param finds one value and refuses repeats") {
  auto v = url::query_param("a=1&reason=x%20y&b", "reason");
  REQUIRE(v);
  REQUIRE(v->has_value());
  CHECK(**v == "x%20y");
  auto flag = url::query_param("a=1&b", "b");
  REQUIRE(flag);
  REQUIRE(flag->has_value());
  CHECK((*flag)->empty());
  auto none = url::query_param("reasons=1&xreason=2", "reason");
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  CHECK_FALSE(url::query_param("reason=a&reason=b", "reason"));
  CHECK(url::unexpected_param("reason=a&&scope=b&", {"reason", "scope"})
        == std::nullopt);
  CHECK(url::unexpected_param("reason=a&scop=b", {"reason", "scope"}) == "scop");
}

TEST_CASE("decoded text: UTF-8, no control characters, bounded length") {
  CHECK(*url::checked_text_length("abc") == 3);
  CHECK(*url::checked_text_length("\xC3\xA9t\xC3\xA9") == 3);         // "été"
  CHECK(*url::checked_text_length("\xF0\x9F\x9A\x80") == 1);           // U+1F680
  for (std::string bad : {std::string{"a\nb"}, std::string{"\t"}, std::string{"\x7F"},
                          std::string{"x\0y", 3}, std::string{"\xC2\x85"}, // C1 NEL
                          std::string{"\xFF"}, std::string{"\xC3"},      // truncated
                          std::string{"\xC0\xAF"},                       // overlong '/'
                          std::string{"\xED\xA0\x80"},                   // surrogate
                          std::string{"\xF4\x90\x80\x80"}}) {            // > U+10FFFF
    CAPTURE(bad);
    CHECK_FALSE(url::checked_text_length(bad));
  }
  CHECK(*url::decode_text("fat+finger%21", true, 200, "reason") == "fat finger!");
  CHECK(url::decode_text(std::string(200, 'x'), true, 200, "reason"));
  auto too_long = url::decode_text(std::string(201, 'x'), true, 200, "reason");
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().message.find("reason") != std::string::npos);
  std::string e_acute;
  for (int i = 0; i < 200; ++i)
    e_acute += "%C3%A9";
  CHECK(url::decode_text(e_acute, true, 200, "reason")); // 200 code points, 400 bytes
  CHECK_FALSE(url::decode_text("%0A", true, 200, "reason"));
  CHECK_FALSE(url::decode_text("%zz", true, 200, "reason"));
}

TEST_CASE("constant_time_equal and bearer_matches") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK(constant_time_equal("", ""));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("ab", "abc"));
  CHECK_FALSE(constant_time_equal("abcd", "abc"));
  CHECK_FALSE(constant_time_equal("", "abc"));
  CHECK_FALSE(constant_time_equal(std::string_view{"ab\0", 3}, "ab"));

  const std::string tok = "T0ken-abcdefghijklmnop";
  CHECK(bearer_matches("Bearer " + tok, tok));
  CHECK(bearer_matches("bearer " + tok, tok));
  CHECK(bearer_matches("BEARER   " + tok + " ", tok));
  CHECK_FALSE(bearer_matches("Bearer " + tok + "x", tok));
  CHECK_FALSE(bearer_matches("Bearer " + tok.substr(1), tok));
  CHECK_FALSE(bearer_matches("Bearer", tok));
  CHECK_FALSE(bearer_matches("Bearer ", tok));
  CHECK_FALSE(bearer_matches("Bearer" + tok, tok));
  CHECK_FALSE(bearer_matches("Basic " + tok, tok));
  CHECK_FALSE(bearer_matches(tok, tok));
  CHECK_FALSE(bearer_matches("", tok));
  CHECK_FALSE(bearer_matches("Bearer ", ""));   // no token configured: never
  CHECK_FALSE(bearer_matches("Bearer x", ""));
}

}
