// The dispatcher: matches a request against the route table
// (web/route_table.cpp), applies the checks every route shares (method,
// bearer token, documented query parameters) and calls the handler.
#include "web/routes.hpp"

#include <charconv>
#include <utility>

#include "monitoring/json_writer.hpp"
#include "web/route_table.hpp"
#include "monitoring/status_board.hpp"
#include "web/url.hpp"

namespace xarb {

namespace web_detail {

http_reply make_reply(unsigned status, std::string_view type, std::string body) {
  http_reply r;
  r.status = status;
  r.content_type = std::string{type};
  r.body = std::move(body);
  return r;
}

http_reply json_reply(unsigned status, std::string body) {
  return make_reply(status, content_type_json, std::move(body));
}

http_reply bad_request(std::string_view message) {
  return error_reply(400, "bad_request", message);
}

bool query_name_matches(std::string_view doc_name, std::string_view key) {
  if (doc_name.starts_with('*')) {
    const auto suffix = doc_name.substr(1);
    return key.size() > suffix.size() && key.ends_with(suffix);
  }
  return doc_name == key;
}

std::optional<http_reply> check_query(const route_ctx& c, const route_spec& r) {
  if (c.query.empty())
    return std::nullopt;
  // The same rule as url::unexpected_param, over the route's documented names.
  std::string_view rest = c.query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto item = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (item.empty())
      continue;
    auto key = item.substr(0, item.find('='));
    bool known = false;
    for (auto& q : r.query)
      known = known || (!q.name.empty() && query_name_matches(q.name, key));
    if (!known) {
      auto shown = url::decode_text(key, true, 40, "parameter");
      return bad_request("unknown query parameter '" + (shown ? *shown : std::string{"?"})
                         + "'");
    }
  }
  return std::nullopt;
}

std::optional<http_reply> limit_param(const route_ctx& c, std::size_t def, std::size_t max,
                                      std::size_t& out) {
  auto raw = url::query_param(c.query, "limit");
  if (!raw)
    return bad_request(raw.error().message);
  out = def;
  if (!raw->has_value())
    return std::nullopt;
  auto v = **raw;
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || end != v.data() + v.size() || n < 1 || n > max)
    return bad_request("limit must be an integer in 1.." + std::to_string(max));
  out = static_cast<std::size_t>(n);
  return std::nullopt;
}

std::optional<http_reply> text_param(std::string_view query, std::string_view name,
                                     std::string& out, bool& present) {
  auto raw = url::query_param(query, name);
  if (!raw)
    return bad_request(raw.error().message);
  present = raw->has_value();
  if (!present)
    return std::nullopt;
  auto text = url::decode_text(**raw, true, max_control_text_chars, name);
  if (!text)
    return bad_request(text.error().message);
  out = std::move(*text);
  return std::nullopt;
}

http_reply store_error_reply(const error_info& err) {
  if (err.code == error_code::unknown_symbol)
    return error_reply(404, "unknown_symbol", err.message);
  const bool theirs = err.code == error_code::parse_error || err.code == error_code::config_error;
  return error_reply(theirs ? 400 : 500, theirs ? "bad_request" : "internal", err.message);
}

std::optional<http_reply> decoded_param(const route_ctx& c, std::string_view what,
                                        std::string& out) {
  auto v = url::decode_text(c.param, false, max_control_text_chars, what);
  if (!v)
    return bad_request(v.error().message);
  out = std::move(*v);
  return std::nullopt;
}

std::optional<http_reply> known_pair(const route_ctx& c, std::string& id) {
  if (auto e = decoded_param(c, "pair id", id))
    return e;
  if (!c.board.pair(id))
    return error_reply(404, "unknown_pair",
                       "no pair '" + id
                         + "' (ids are URL-encoded, e.g. BTC-PERP%3Asim-a%2Fsim-b)");
  return std::nullopt;
}

} // namespace web_detail

namespace {

using namespace web_detail;

http_reply method_not_allowed(const std::string& allow) {
  auto r = error_reply(405, "method_not_allowed", "allowed methods: " + allow);
  r.headers.emplace_back("Allow", allow);
  return r;
}

std::optional<http_reply> check_token(const http_request& req, const control_api* control) {
  if (control == nullptr || control->token.empty())
    return error_reply(403, "control_disabled",
                       "no API token is configured: state-changing routes are disabled");
  if (bearer_matches(req.authorization, control->token))
    return std::nullopt;
  bool given = !req.authorization.empty();
  auto r = error_reply(401, "unauthorized",
                       given ? "invalid bearer token" : "missing bearer token");
  r.headers.emplace_back("WWW-Authenticate",
                         given ? R"(Bearer realm="xarb", error="invalid_token")"
                               : R"(Bearer realm="xarb")");
  return r;
}

} // namespace

http_reply error_reply(unsigned status, std::string_view code, std::string_view message) {
  json::writer w;
  w.begin_object().key("error").value(code).key("message").value(message).end_object();
  return make_reply(status, content_type_json, std::move(w).str());
}

http_reply route_request(const http_request& req, const status_board& board,
                         telemetry* tel, timestamp_ns now, const control_api* control) {
  auto [path, query] = url::split_target(req.target);
  const bool head = req.method == "HEAD";
  std::string allow;
  for (auto& r : route_table()) {
    auto param = match_template(r.path, path);
    if (!param)
      continue;
    if (req.method == r.method || (head && r.method == "GET")) {
      if (needs_token(r))
        if (auto denied = check_token(req, control))
          return std::move(*denied);
      route_ctx c{req, query, *param, board, tel, now, control};
      if (auto bad = check_query(c, r))
        return std::move(*bad);
      return r.handler(c);
    }
    if (!allow.empty())
      allow += ", ";
    allow += r.method == "GET" ? "GET, HEAD" : std::string{r.method};
  }
  if (!allow.empty())
    return method_not_allowed(allow);
  return error_reply(404, "not_found", "no route for this path (GET /api/openapi.json lists them)");
}

http_reply route_request(std::string_view method, std::string_view target,
                         const status_board& board, telemetry* tel, timestamp_ns now) {
  return route_request(http_request{method, target, {}, {}, {}, {}}, board, tel, now, nullptr);
}

} // namespace xarb
