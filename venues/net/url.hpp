#pragma once
// URLs of the venue transport: ws:// wss:// http:// https:// split into what
// a connection needs (host, port, target, TLS or not). Pure, no Asio.
//
// Hosts are names (lower-cased), IPv4 literals or bracketed IPv6 literals
// ("[::1]", stored without the brackets). Userinfo ("user:pass@") is kept
// (percent-decoded) because proxy URLs carry credentials; the WS and HTTP
// clients refuse it on their own URLs. A fragment is dropped (never sent).

#include <cstdint>
#include <string>
#include <string_view>

#include "messages/expected.hpp"

namespace xarb::net {

struct url_parts {
  std::string scheme;        ///< "ws", "wss", "http" or "https" (lower case)
  std::string host;          ///< name (lower case) or IP literal, no brackets
  uint16_t port = 0;         ///< explicit or the scheme's default (80 / 443)
  std::string target = "/";  ///< path + query, never empty, starts with '/'
  bool tls = false;          ///< wss / https
  bool websocket = false;    ///< ws / wss
  std::string user;          ///< userinfo, percent-decoded; empty when absent
  std::string password;

  /// True when `host` is an IPv4 or IPv6 literal (verified as an IP, no SNI).
  bool host_is_ip() const noexcept;
  /// The Host header value: "host", or "host:port" when the port is not the
  /// scheme's default; IPv6 in brackets.
  std::string host_header() const;
  /// "host:port" always (CONNECT target, logs); IPv6 in brackets.
  std::string authority() const;
  /// Back to text (without userinfo, so safe to log).
  std::string str() const;

  friend bool operator==(const url_parts&, const url_parts&) = default;
};

/// Parses an absolute URL. Fails with parse_error naming the problem:
/// missing or unsupported scheme, empty or invalid host, bad port (0, not a
/// number, > 65535), malformed IPv6 literal, spaces or control characters.
expected<url_parts> parse_url(std::string_view text);

/// `target` placed under `base`: venue bases may carry a path prefix
/// ("https://api.x.com/v1" + "/time" -> ".../v1/time"), so this concatenates
/// base path and target with exactly one '/' between them. It is NOT RFC 3986
/// reference resolution. An absolute URL as target is parsed on its own; an
/// empty target gives the base. The base must not have a query.
expected<url_parts> join(const url_parts& base, std::string_view target);
expected<url_parts> join(std::string_view base, std::string_view target);

/// True for a valid dotted-quad IPv4 or an IPv6 literal (without brackets).
bool is_ip_literal(std::string_view host) noexcept;

} // namespace xarb::net
