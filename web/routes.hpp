#pragma once
// HTTP routing of the web actor, independent of Beast: a request in, a
// response out. Kept pure (the clock is passed in, commands go out through a
// callback) so every route is unit testable without sockets;
// web/http_server.cpp only does the transport.
//
// Read routes (GET and HEAD, open; anything else is 405, Allow: GET, HEAD):
//   /metrics     Prometheus text 0.0.4 (book ages refreshed first)
//   /healthz     200 "ok" while the process runs
//   /readyz      200 when every expected book is synced, else 503 + reason
//   /api/status  node, venues with books, pairs (application/json)
//   /api/risk    200 the risk guard's snapshot; 503 not_ready until it publishes
//   /api/export/{fills|orders|events|spreads|funding}.csv[?from=T&to=T&pair=ID]
//                200 text/csv (header row, RFC 4180, exact decimals; `xarb export`
//                over HTTP; T = ISO-8601 UTC or integer ns); 404 unknown_kind,
//                400 bad time or unknown parameter, 503 no store
//
// Control routes (POST only; anything else is 405, Allow: POST). The body may
// be empty or JSON and is ignored. Query: ?reason=<text> (optional, at most
// 200 characters, no control characters), passed to the risk guard.
//   /api/halt                 halt everything, cancel every open order
//   /api/flatten-all          reduce-only unwind of every pair
//   /api/resume[?scope=S]     resume all, or only scope S (pair id|venue|symbol)
//   /api/pairs/{id}/flatten   unwind one pair; {id} URL-encoded, e.g.
//                             BTC-PERP%3Asim-a%2Fsim-b
// Checked in this order:
//   403 control_disabled   no control_api or no token configured
//   401 unauthorized       missing/wrong "Authorization: Bearer <token>"
//                          (+ WWW-Authenticate: Bearer)
//   400 bad_request        bad percent-escape, invalid UTF-8, control
//                          characters, reason too long, empty or repeated
//                          scope/reason
//   404 unknown_pair       {id} is not on the status board
//   503 unavailable        the command could not be delivered (send failed)
//   202 accepted           {"accepted":true,"command":"halt",...}
// 202 means handed to the risk guard; its effect shows in GET /api/risk.
// Unknown paths are 404 with a JSON body. Every error body is
// {"error":"<code>","message":"<text>"}; no body ever echoes the token.

#include <string>
#include <string_view>
#include <vector>

#include "messages/market.hpp"
#include "web/control_api.hpp"

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

/// What the routes need of a request (views into the transport's buffers).
struct http_request {
  std::string_view method;        ///< e.g. "GET"
  std::string_view target;        ///< path plus optional query
  std::string_view authorization; ///< Authorization header value, "" if absent
  std::string_view body;          ///< request body ("" if none)
  std::string_view content_type;  ///< Content-Type header value, "" if absent
  std::string_view remote;        ///< client address ("127.0.0.1"), for logs
};

inline constexpr std::string_view content_type_json = "application/json";
inline constexpr std::string_view content_type_text = "text/plain; charset=utf-8";
inline constexpr std::string_view content_type_metrics = "text/plain; version=0.0.4; charset=utf-8";

/// Longest accepted ?reason= (and pair id / scope), in code points.
inline constexpr std::size_t max_control_text_chars = 200;

/// Builds the reply for `req`. `tel` may be null (no /metrics data);
/// `control` may be null (control routes answer 403 control_disabled).
http_reply route_request(const http_request& req, const status_board& board,
                         telemetry* tel, timestamp_ns now, const control_api* control);

/// Read routes only (no Authorization header, no control API).
http_reply route_request(std::string_view method, std::string_view target,
                         const status_board& board, telemetry* tel, timestamp_ns now);

/// A JSON error body: {"error":"<code>","message":"<text>"}.
http_reply error_reply(unsigned status, std::string_view code, std::string_view message);

} // namespace xarb
