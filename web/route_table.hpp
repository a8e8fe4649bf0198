#pragma once
// The route table of the web actor: one entry per (method, path template)
// with its handler and its documentation. The dispatcher (web/routes.cpp)
// matches requests against it and /api/openapi.json (web/openapi.cpp) is
// generated from it, so a served route cannot be missing from the spec.
// Internal to web/: the public entry points are in web/routes.hpp.

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "web/routes.hpp"

namespace xarb {

class status_board;
class telemetry;

namespace web_detail {

/// Everything a handler may use. `param` is the raw (still encoded) value of
/// the template's single {placeholder}, "" if it has none.
struct route_ctx {
  const http_request& req;
  std::string_view query;
  std::string_view param;
  const status_board& board;
  telemetry* tel;
  timestamp_ns now;
  const control_api* api;
};

using route_handler = http_reply (*)(const route_ctx&);

/// A documented query parameter ("integer", "string", "boolean"). A name
/// starting with '*' is a family: "*_fallback_leverage" accepts
/// "paradex_fallback_leverage" etc. (OpenAPI has no spelling for it: the
/// generator lists it in the operation's description).
struct query_doc {
  std::string_view name;
  std::string_view type;
  std::string_view description;
};

struct route_spec {
  std::string_view method;   ///< "GET" (HEAD is implied) or "POST"
  std::string_view path;     ///< template: "/api/pairs/{id}", "/api/export/{kind}.csv"
  std::string_view id;       ///< operationId, unique
  std::string_view tag;      ///< OpenAPI tag: system, market, trading, risk, control, export
  std::string_view summary;  ///< one line
  std::string_view description; ///< details, may be ""
  std::string_view param_doc;   ///< meaning of {placeholder}, "" if none
  std::array<query_doc, 8> query{}; ///< accepted query parameters (empty names unused)
  /// JSON Schema of the request body (POST), "" = none accepted beyond an
  /// empty body.
  std::string_view body_schema;
  /// Response media type of the success reply.
  std::string_view media = content_type_json;
  unsigned success = 200;    ///< success status
  /// Other statuses this route answers besides 401/403/405/429 (which the
  /// generator adds for POST / every route), e.g. "400 404 503".
  std::string_view errors;
  route_handler handler = nullptr;
};

/// The OpenAPI 3.0 document of the route table.
std::string openapi_document(std::string_view version);

/// Every route, in documentation order.
std::span<const route_spec> route_table();

/// True when the route requires the bearer token (every POST).
inline bool needs_token(const route_spec& r) { return r.method == "POST"; }

/// The placeholder's raw value if `path` matches `tmpl`, else nullopt.
/// Literal parts compare exactly; a placeholder matches one non-empty
/// segment (no '/') and may have a literal suffix inside the segment
/// ("{kind}.csv").
std::optional<std::string_view> match_template(std::string_view tmpl, std::string_view path);

// -- helpers shared by the handlers ---------------------------------------------

http_reply make_reply(unsigned status, std::string_view type, std::string body);
http_reply json_reply(unsigned status, std::string body);
http_reply bad_request(std::string_view message);

/// True if `key` is the documented name (or belongs to a '*' family).
bool query_name_matches(std::string_view doc_name, std::string_view key);

/// Refuses query parameters the route does not document (a misspelt filter
/// must not silently widen a result or a command).
std::optional<http_reply> check_query(const route_ctx& c, const route_spec& r);

/// ?limit= (1..max, default `def`).
std::optional<http_reply> limit_param(const route_ctx& c, std::size_t def, std::size_t max,
                                      std::size_t& out);

/// An optional decoded text parameter (valid UTF-8, no control characters,
/// at most max_control_text_chars); `present` tells whether it was given.
std::optional<http_reply> text_param(std::string_view query, std::string_view name,
                                     std::string& out, bool& present);

/// The reply to a failed store read (export, history): parse_error and
/// config_error are the request's fault (400 bad_request), unknown_symbol
/// is 404, anything else the node's (500 internal).
http_reply store_error_reply(const error_info& err);

/// The decoded {placeholder} (a pair id etc.).
std::optional<http_reply> decoded_param(const route_ctx& c, std::string_view what,
                                        std::string& out);

/// The decoded pair id of /api/pairs/{id}/...: 400 if malformed, 404
/// unknown_pair if the board does not know it.
std::optional<http_reply> known_pair(const route_ctx& c, std::string& id);

// -- handlers (web/api_read.cpp, web/api_control.cpp, web/openapi.cpp) ----------

http_reply get_metrics(const route_ctx&);
http_reply get_healthz(const route_ctx&);
http_reply get_readyz(const route_ctx&);
http_reply get_status(const route_ctx&);
http_reply get_symbols(const route_ctx&);
http_reply get_events(const route_ctx&);
http_reply get_top_spreads(const route_ctx&); // web/api_market.cpp
http_reply get_funding(const route_ctx&);
http_reply get_signals(const route_ctx&);
http_reply get_history(const route_ctx&);
http_reply get_pairs(const route_ctx&);
http_reply get_pair(const route_ctx&);
http_reply get_positions(const route_ctx&);
http_reply get_orders(const route_ctx&);
http_reply get_fills(const route_ctx&);
http_reply get_pnl(const route_ctx&);
http_reply get_pnl_equity(const route_ctx&);
http_reply get_venues(const route_ctx&);
http_reply get_risk(const route_ctx&);
http_reply get_config(const route_ctx&);
http_reply get_config_file(const route_ctx&); // web/api_config.cpp
http_reply get_export(const route_ctx&);
http_reply get_openapi(const route_ctx&);
http_reply get_ws_stream(const route_ctx&);

http_reply post_engine_start(const route_ctx&);
http_reply post_engine_stop(const route_ctx&);
http_reply post_mode(const route_ctx&);
http_reply post_pair_params(const route_ctx&);
http_reply post_pair_flatten(const route_ctx&);
http_reply post_flatten_all(const route_ctx&);
http_reply post_halt(const route_ctx&);
http_reply post_resume(const route_ctx&);
http_reply post_order_execution(const route_ctx&);
http_reply post_market_data_mode(const route_ctx&);
http_reply post_config(const route_ctx&); // web/api_config.cpp

} // namespace web_detail
} // namespace xarb
