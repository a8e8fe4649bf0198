#include <doctest/doctest.h>

#include "web/listen_address.hpp"

using namespace xarb;

TEST_SUITE("listen_address") {

TEST_CASE("accepts IPv4 and bracketed IPv6 literals") {
  CHECK(*parse_listen_address("127.0.0.1:8080") == listen_address{"127.0.0.1", 8080});
  CHECK(*parse_listen_address("0.0.0.0:0") == listen_address{"0.0.0.0", 0});
  CHECK(*parse_listen_address("[::1]:65535") == listen_address{"::1", 65535});
  CHECK(*parse_listen_address("[::]:9") == listen_address{"::", 9});
  CHECK(to_string(listen_address{"::1", 80}) == "[::1]:80");
  CHECK(to_string(listen_address{"10.0.0.1", 80}) == "10.0.0.1:80");
}

TEST_CASE("rejects everything else with a reason") {
  for (auto bad : {"", "8080", "127.0.0.1", "127.0.0.1:", ":8080", "localhost:8080",
                   "example.com:80", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80a",
                   "127.0.0.1:+80", "127.0.0.1:123456", "256.0.0.1:80", "::1:8080",
                   "[::1:8080", "[127.0.0.1]:80", "[]:80", " 127.0.0.1:80"}) {
    INFO(bad);
    auto r = parse_listen_address(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == error_code::config_error);
    CHECK(r.error().message.find("invalid listen address") == 0);
  }
  CHECK(parse_listen_address("localhost:80").error().message.find("no host names")
        != std::string::npos);
  CHECK(parse_listen_address("::1:80").error().message.find("brackets") != std::string::npos);
}

}
