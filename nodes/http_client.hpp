#pragma once
// A tiny synchronous HTTP/1.1 GET client (Boost.Beast over TCP) for the CLI:
// `xarb scan` reads the node's API with it. One connection per request
// ("Connection: close"), plain http only: the node serves plain HTTP on
// loopback by default, and TLS belongs to a reverse proxy in front of it.
//
// Every phase (resolve, connect, write + read) is bounded by the timeout, so
// a node that accepts but never answers cannot hang the terminal view.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "messages/expected.hpp"

namespace xarb::cli {

/// Where to send requests, parsed from "http://HOST[:PORT][/PREFIX]".
struct http_endpoint {
  std::string host;   ///< name, IPv4, or IPv6 without the brackets
  uint16_t port = 80;
  std::string prefix; ///< path prefix without a trailing '/', "" for none
  std::string url;    ///< normalised for messages: "http://HOST:PORT[/PREFIX]"
};

/// Parses an http URL. Errors (parse_error) name the problem: another scheme
/// ("https://..." is refused: plain http only), no host, a bad port, a query
/// or fragment, spaces or control characters.
expected<http_endpoint> parse_http_url(std::string_view url);

struct http_response {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

/// Largest response body accepted (a 500-row top-spreads is well under 1 MB).
inline constexpr std::size_t http_body_limit = 16 * 1024 * 1024;

/// GET ep.prefix + target (target = path + query, starting with '/'). Any
/// status is a response; only transport problems are errors:
///   io_error  "connection refused", "cannot resolve host 'x'",
///             "the connection closed before a complete response", ...
///   timeout   "no connection within N ms", "no response within N ms"
expected<http_response> http_get(const http_endpoint& ep, std::string_view target,
                                 std::chrono::milliseconds timeout);

} // namespace xarb::cli
