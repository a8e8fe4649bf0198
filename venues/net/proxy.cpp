#include "venues/net/proxy.hpp"

#include "venues/net/url.hpp"

namespace xarb::net {

namespace {

std::string bracketed(std::string_view host) {
  std::string h{host};
  return h.find(':') != std::string::npos ? "[" + h + "]" : h;
}

} // namespace

expected<proxy_config> parse_proxy(std::string_view url) {
  auto bad = [&](std::string why) {
    return error_info{error_code::config_error,
                      "invalid proxy URL: " + std::move(why)}; // never echo credentials
  };
  auto u = parse_url(url);
  if (!u) {
    // parse_url quotes the text; a proxy URL may hold a password.
    return bad("expected http://[user:pass@]host:port");
  }
  if (u->scheme != "http")
    return bad("scheme must be http:// (got " + u->scheme + "://)");
  if (u->target != "/")
    return bad("a proxy URL has no path or query");
  auto scheme_end = url.find("://") + 3;
  auto authority = url.substr(scheme_end);
  authority = authority.substr(0, authority.find('/'));
  auto host_part = authority.substr(authority.rfind('@') == std::string_view::npos
                                      ? 0
                                      : authority.rfind('@') + 1);
  auto port_colon = host_part.rfind(':');
  if (port_colon == std::string_view::npos
      || (host_part.front() == '[' && port_colon < host_part.find(']')))
    return bad("the port is required (http://host:port)");
  return proxy_config{u->host, u->port, u->user, u->password};
}

std::string base64_encode(std::string_view in) {
  static constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) {
    return static_cast<unsigned>(static_cast<unsigned char>(in[k]));
  };
  for (; i + 3 <= in.size(); i += 3) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (auto rest = in.size() - i; rest > 0) {
    unsigned v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0u);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string connect_request(const proxy_config& proxy, std::string_view host, uint16_t port) {
  auto authority = bracketed(host) + ":" + std::to_string(port);
  std::string req = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
  if (!proxy.user.empty())
    req += "Proxy-Authorization: Basic " + base64_encode(proxy.user + ":" + proxy.password)
           + "\r\n";
  req += "User-Agent: xarb\r\n\r\n";
  return req;
}

std::string to_string(const proxy_config& p) {
  return bracketed(p.host) + ":" + std::to_string(p.port);
}

} // namespace xarb::net
