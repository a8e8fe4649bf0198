#include "web/listen_address.hpp"

#include <arpa/inet.h>

namespace xarb {

namespace {

bool is_ipv4(const std::string& s) {
  in_addr a;
  return ::inet_pton(AF_INET, s.c_str(), &a) == 1;
}

bool is_ipv6(const std::string& s) {
  in6_addr a;
  return ::inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

} // namespace

expected<listen_address> parse_listen_address(std::string_view text) {
  auto fail = [&](std::string why) {
    return error_info{error_code::config_error,
                      "invalid listen address '" + std::string{text} + "': " + std::move(why)};
  };
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return fail("expected HOST:PORT, e.g. 127.0.0.1:8080");
  auto host_part = text.substr(0, colon);
  auto port_part = text.substr(colon + 1);
  if (port_part.empty() || port_part.size() > 5)
    return fail("port must be a number 0-65535");
  uint32_t port = 0;
  for (char c : port_part) {
    if (c < '0' || c > '9')
      return fail("port must be a number 0-65535");
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port > 65535)
    return fail("port must be a number 0-65535");
  listen_address out;
  out.port = static_cast<uint16_t>(port);
  if (host_part.size() >= 2 && host_part.front() == '[' && host_part.back() == ']') {
    out.host = std::string{host_part.substr(1, host_part.size() - 2)};
    if (!is_ipv6(out.host))
      return fail("'" + out.host + "' is not an IPv6 address");
    return out;
  }
  out.host = std::string{host_part};
  if (out.host.empty())
    return fail("missing host (use 127.0.0.1 for local access)");
  if (is_ipv6(out.host))
    return fail("write IPv6 addresses in brackets, e.g. [::1]:8080");
  if (!is_ipv4(out.host))
    return fail("host must be an IP address literal such as 127.0.0.1 (no host names)");
  return out;
}

std::string to_string(const listen_address& x) {
  auto host = x.host.find(':') != std::string::npos ? "[" + x.host + "]" : x.host;
  return host + ":" + std::to_string(x.port);
}

} // namespace xarb
