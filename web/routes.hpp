#pragma once
// HTTP routing of the web actor, independent of Beast: a request line in, a
// response out. Kept pure (the clock is passed in) so every route is unit
// testable without sockets; web/http_server.cpp only does the transport.
//
// Routes (GET and HEAD; anything else is 405 with an Allow header):
//   /metrics     Prometheus text 0.0.4 (book ages refreshed first)
//   /healthz     200 "ok" while the process runs
//   /readyz      200 when every expected book is synced, else 503 + reason
//   /api/status  node, venues with books, pairs (application/json)
// Unknown paths are 404 with a JSON body.

#include <string>
#include <string_view>
#include <vector>

#include "messages/market.hpp"

namespace xarb {

class status_board;
class telemetry;

struct http_reply {
  unsigned status = 200;
  std::string content_type;
  std::string body;
  /// Extra headers, e.g. {"Allow", "GET, HEAD"} on a 405.
  std::vector<std::pair<std::string, std::string>> headers;
};

inline constexpr std::string_view content_type_json = "application/json";
inline constexpr std::string_view content_type_text = "text/plain; charset=utf-8";
inline constexpr std::string_view content_type_metrics = "text/plain; version=0.0.4; charset=utf-8";

/// Builds the reply for `method` (e.g. "GET") and `target` (path plus an
/// optional query, which is ignored). `tel` may be null (no /metrics data).
http_reply route_request(std::string_view method, std::string_view target,
                         const status_board& board, telemetry* tel, timestamp_ns now);

/// A JSON error body: {"error":"<code>","message":"<text>"}.
http_reply error_reply(unsigned status, std::string_view code, std::string_view message);

} // namespace xarb
