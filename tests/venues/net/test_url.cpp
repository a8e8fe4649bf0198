// venues/net pure parts: URL parsing and joining, proxy URLs and the CONNECT
// request.
#include <doctest/doctest.h>

#include "venues/net/proxy.hpp"
#include "venues/net/url.hpp"

using namespace xarb;
using namespace xarb::net;

TEST_CASE("parse_url: schemes, default ports, targets") {
  auto u = parse_url("wss://fstream.binance.com/stream?streams=btcusdt@depth");
  REQUIRE(u);
  CHECK(u->scheme == "wss");
  CHECK(u->host == "fstream.binance.com");
  CHECK(u->port == 443);
  CHECK(u->target == "/stream?streams=btcusdt@depth");
  CHECK(u->tls);
  CHECK(u->websocket);
  CHECK_FALSE(u->host_is_ip());
  CHECK(u->host_header() == "fstream.binance.com");
  CHECK(u->authority() == "fstream.binance.com:443");

  auto h = parse_url("http://Example.COM");
  REQUIRE(h);
  CHECK(h->host == "example.com");
  CHECK(h->port == 80);
  CHECK(h->target == "/");
  CHECK_FALSE(h->tls);
  CHECK_FALSE(h->websocket);

  auto p = parse_url("HTTPS://api.x.com:8443/v5/public?x=1#frag");
  REQUIRE(p);
  CHECK(p->scheme == "https");
  CHECK(p->port == 8443);
  CHECK(p->target == "/v5/public?x=1"); // the fragment is dropped
  CHECK(p->host_header() == "api.x.com:8443");
  CHECK(p->str() == "https://api.x.com:8443/v5/public?x=1");

  auto q = parse_url("ws://h?x=1");
  REQUIRE(q);
  CHECK(q->target == "/?x=1");
  CHECK(q->port == 80);
}

TEST_CASE("parse_url: IP literals") {
  auto v4 = parse_url("wss://127.0.0.1:9443/ws");
  REQUIRE(v4);
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->host_is_ip());
  CHECK(v4->host_header() == "127.0.0.1:9443");

  auto v6 = parse_url("https://[::1]:8443/x");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->host_is_ip());
  CHECK(v6->port == 8443);
  CHECK(v6->host_header() == "[::1]:8443");
  CHECK(v6->authority() == "[::1]:8443");

  auto v6d = parse_url("http://[2001:DB8::1]");
  REQUIRE(v6d);
  CHECK(v6d->host == "2001:db8::1");
  CHECK(v6d->port == 80);
  CHECK(v6d->host_header() == "[2001:db8::1]");

  CHECK(is_ip_literal("10.0.0.1"));
  CHECK(is_ip_literal("fe80::1"));
  CHECK_FALSE(is_ip_literal("localhost"));
  CHECK_FALSE(is_ip_literal("1.2.3"));
}

TEST_CASE("parse_url: user info is decoded") {
  auto u = parse_url("http://us%40er:p%3Ass@proxy.local:3128");
  REQUIRE(u);
  CHECK(u->user == "us@er");
  CHECK(u->password == "p:ss");
  CHECK(u->host == "proxy.local");
  CHECK(u->port == 3128);
  CHECK(u->str() == "http://proxy.local:3128/"); // never prints credentials
}

TEST_CASE("parse_url: bad URLs are refused with a reason") {
  struct bad_case {
    const char* url;
    const char* why;
  };
  const bad_case cases[] = {
    {"", "empty"},
    {"fstream.binance.com/ws", "missing scheme"},
    {"ftp://x.com/", "unsupported scheme"},
    {"wss://", "empty host"},
    {"wss:///path", "empty host"},
    {"wss://host:/x", "bad port"},
    {"wss://host:0/x", "out of range"},
    {"wss://host:65536/x", "out of range"},
    {"wss://host:12a/x", "bad port"},
    {"wss://[::1/x", "unterminated"},
    {"wss://[zz::1]/x", "invalid IPv6"},
    {"wss://::1/x", "IPv6 literals must be in brackets"},
    {"wss://999.1.1.1/x", "invalid IPv4"},
    {"wss://1.2.3/x", "invalid IPv4"},
    {"wss://ho st/x", "space"},
    {"wss://host/a b", "space"},
    {"wss://bad$host/x", "invalid host"},
    {"http://:pw@host", "empty user"},
    {"http://u:%zz@host", "percent-escape"},
    {"wss://[::1]x/", "after the IPv6"},
  };
  for (auto& c : cases) {
    CAPTURE(c.url);
    auto u = parse_url(c.url);
    REQUIRE_FALSE(u);
    CHECK(u.code() == error_code::parse_error);
    CHECK(u.error().message.find(c.why) != std::string::npos);
  }
}

TEST_CASE("join: targets go under the base path") {
  auto j = join("https://api.x.com", "/fapi/v1/depth?symbol=BTCUSDT");
  REQUIRE(j);
  CHECK(j->str() == "https://api.x.com/fapi/v1/depth?symbol=BTCUSDT");

  auto k = join("https://api.x.com/v1/", "/time");
  REQUIRE(k);
  CHECK(k->target == "/v1/time");

  auto l = join("wss://ws.x.com/v1", "stream");
  REQUIRE(l);
  CHECK(l->target == "/v1/stream");

  auto m = join("https://api.x.com/v1", "?a=1");
  REQUIRE(m);
  CHECK(m->target == "/v1?a=1");

  auto n = join("https://api.x.com/v1", "");
  REQUIRE(n);
  CHECK(n->target == "/v1");

  auto abs = join("https://api.x.com/v1", "wss://other.com:9443/ws");
  REQUIRE(abs);
  CHECK(abs->host == "other.com");
  CHECK(abs->target == "/ws");

  CHECK_FALSE(join("https://api.x.com/v1?k=1", "/t"));
  CHECK_FALSE(join("https://api.x.com", "/a b"));
  CHECK_FALSE(join("nope", "/t"));
}

TEST_CASE("parse_proxy: http://[user:pass@]host:port") {
  auto p = parse_proxy("http://alice:s3cr%3At@10.1.2.3:3128");
  REQUIRE(p);
  CHECK(p->host == "10.1.2.3");
  CHECK(p->port == 3128);
  CHECK(p->user == "alice");
  CHECK(p->password == "s3cr:t");
  CHECK(to_string(*p) == "10.1.2.3:3128");

  auto q = parse_proxy("http://[::1]:8080/");
  REQUIRE(q);
  CHECK(q->host == "::1");
  CHECK(q->user.empty());
  CHECK(to_string(*q) == "[::1]:8080");

  for (auto bad : {"https://p:1", "http://p", "http://p:1/path", "socks5://p:1",
                   "http://[::1]", "http://u:pw@p"}) {
    CAPTURE(bad);
    auto r = parse_proxy(bad);
    REQUIRE_FALSE(r);
    CHECK(r.code() == error_code::config_error);
    CHECK(r.error().message.find("pw") == std::string::npos); // credentials never echoed
  }
}

TEST_CASE("connect_request and base64") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode("Aladdin:open sesame") == "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");

  proxy_config open{"127.0.0.1", 3128, "", ""};
  CHECK(connect_request(open, "api.x.com", 443)
        == "CONNECT api.x.com:443 HTTP/1.1\r\nHost: api.x.com:443\r\nUser-Agent: xarb\r\n\r\n");
  proxy_config auth{"127.0.0.1", 3128, "Aladdin", "open sesame"};
  auto r = connect_request(auth, "::1", 8443);
  CHECK(r.rfind("CONNECT [::1]:8443 HTTP/1.1\r\n", 0) == 0);
  CHECK(r.find("Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n")
        != std::string::npos);
  CHECK(r.substr(r.size() - 4) == "\r\n\r\n");
}
