#pragma once
// Optional HTTP proxy for the venue transport: the WS and HTTP clients open
// a CONNECT tunnel through it, then speak TLS / WebSocket / HTTP inside the
// tunnel as if connected directly (so certificates are still verified end
// to end). Plain http:// and ws:// targets are tunnelled the same way (no
// absolute-form proxying); a proxy that only allows CONNECT to 443 refuses
// those. Credentials go in a Proxy-Authorization: Basic header.

#include <cstdint>
#include <string>
#include <string_view>

#include "messages/expected.hpp"

namespace xarb::net {

struct proxy_config {
  std::string host;     ///< name or IP literal (no brackets)
  uint16_t port = 0;
  std::string user;     ///< empty = no Proxy-Authorization
  std::string password;
  friend bool operator==(const proxy_config&, const proxy_config&) = default;
};

/// Parses "http://[user:pass@]host:port" (the port is required; a trailing
/// "/" is allowed, any other path is refused). Percent-escapes in user and
/// password are decoded. https:// proxies are not supported.
expected<proxy_config> parse_proxy(std::string_view url);

/// The CONNECT request asking `proxy` for a tunnel to host:port, with the
/// Basic credentials when the proxy has a user.
std::string connect_request(const proxy_config& proxy, std::string_view host, uint16_t port);

/// RFC 4648 base64 with padding.
std::string base64_encode(std::string_view in);

/// "host:port" for logs, never the credentials.
std::string to_string(const proxy_config& p);

} // namespace xarb::net
