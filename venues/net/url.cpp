#include "venues/net/url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace xarb::net {

namespace {

expected<url_parts> fail(std::string why, std::string_view text) {
  return error_info{error_code::parse_error,
                    "invalid URL '" + std::string{text} + "': " + std::move(why)};
}

char lower(char c) noexcept {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::string to_lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    c = lower(c);
  return out;
}

bool has_space_or_control(std::string_view s) noexcept {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = lower(c);
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size())
      return false; // truncated escape
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0)
      return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

uint16_t default_port(bool tls) noexcept {
  return tls ? 443 : 80;
}

bool valid_host_name(std::string_view h) noexcept {
  if (h.empty() || h.size() > 253 || h.front() == '.' || h.front() == '-')
    return false;
  return std::all_of(h.begin(), h.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

bool looks_numeric(std::string_view h) noexcept {
  return !h.empty() && std::all_of(h.begin(), h.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
}

bool is_ipv4(std::string_view h) noexcept {
  if (h.size() > 15)
    return false;
  std::string s{h};
  in_addr a{};
  return inet_pton(AF_INET, s.c_str(), &a) == 1;
}

bool is_ipv6(std::string_view h) noexcept {
  if (h.size() > 45 || h.find(':') == std::string_view::npos)
    return false;
  std::string s{h};
  in6_addr a{};
  return inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

} // namespace

bool is_ip_literal(std::string_view host) noexcept {
  return is_ipv4(host) || is_ipv6(host);
}

bool url_parts::host_is_ip() const noexcept {
  return is_ip_literal(host);
}

std::string url_parts::host_header() const {
  auto h = bracketed(host);
  if (port != default_port(tls))
    h += ":" + std::to_string(port);
  return h;
}

std::string url_parts::authority() const {
  return bracketed(host) + ":" + std::to_string(port);
}

std::string url_parts::str() const {
  return scheme + "://" + host_header() + target;
}

expected<url_parts> parse_url(std::string_view text) {
  if (text.empty())
    return fail("empty", text);
  if (has_space_or_control(text))
    return fail("contains a space or control character", text);
  auto sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0)
    return fail("missing scheme (expected ws://, wss://, http:// or https://)", text);
  url_parts u;
  u.scheme = to_lower(text.substr(0, sep));
  if (u.scheme == "ws" || u.scheme == "wss")
    u.websocket = true;
  else if (u.scheme != "http" && u.scheme != "https")
    return fail("unsupported scheme '" + u.scheme + "'", text);
  u.tls = u.scheme == "wss" || u.scheme == "https";

  auto rest = text.substr(sep + 3);
  if (auto hash = rest.find('#'); hash != std::string_view::npos)
    rest = rest.substr(0, hash); // fragments are never sent
  auto auth_end = rest.find_first_of("/?");
  auto authority = rest.substr(0, auth_end);
  auto target = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);

  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    auto info = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = info.find(':');
    auto user = info.substr(0, colon);
    auto pass = colon == std::string_view::npos ? std::string_view{} : info.substr(colon + 1);
    if (user.empty())
      return fail("empty user name before '@'", text);
    if (!percent_decode(user, u.user) || !percent_decode(pass, u.password))
      return fail("bad percent-escape in user info", text);
  }

  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return fail("unterminated IPv6 literal", text);
    auto literal = authority.substr(1, close - 1);
    if (!is_ipv6(literal))
      return fail("invalid IPv6 literal '" + std::string{literal} + "'", text);
    u.host = to_lower(literal);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return fail("unexpected text after the IPv6 literal", text);
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    auto colon = authority.find(':');
    auto host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
      if (port_text.find(':') != std::string_view::npos)
        return fail("IPv6 literals must be in brackets", text);
    }
    if (host.empty())
      return fail("empty host", text);
    if (looks_numeric(host) && !is_ipv4(host))
      return fail("invalid IPv4 address '" + std::string{host} + "'", text);
    if (!valid_host_name(host))
      return fail("invalid host '" + std::string{host} + "'", text);
    u.host = to_lower(host);
  }

  if (has_port) {
    if (port_text.empty() || port_text.size() > 5
        || !std::all_of(port_text.begin(), port_text.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return fail("bad port '" + std::string{port_text} + "'", text);
    auto p = std::stoul(std::string{port_text});
    if (p == 0 || p > 65535)
      return fail("port out of range: " + std::string{port_text}, text);
    u.port = static_cast<uint16_t>(p);
  } else {
    u.port = default_port(u.tls);
  }

  if (target.empty())
    u.target = "/";
  else if (target.front() == '?')
    u.target = "/" + std::string{target};
  else
    u.target = std::string{target};
  return u;
}

expected<url_parts> join(const url_parts& base, std::string_view target) {
  if (target.find("://") != std::string_view::npos)
    return parse_url(target);
  if (base.target.find('?') != std::string::npos)
    return error_info{error_code::parse_error,
                      "base URL '" + base.str() + "' has a query: cannot join '"
                        + std::string{target} + "'"};
  if (has_space_or_control(target))
    return error_info{error_code::parse_error, "target '" + std::string{target}
                                                 + "' contains a space or control character"};
  url_parts out = base;
  if (target.empty())
    return out;
  std::string prefix = base.target;
  while (!prefix.empty() && prefix.back() == '/')
    prefix.pop_back();
  if (target.front() == '?')
    out.target = (prefix.empty() ? "/" : prefix) + std::string{target};
  else if (target.front() == '/')
    out.target = prefix + std::string{target};
  else
    out.target = prefix + "/" + std::string{target};
  return out;
}

expected<url_parts> join(std::string_view base, std::string_view target) {
  auto b = parse_url(base);
  if (!b)
    return b.error();
  return join(*b, target);
}

} // namespace xarb::net
