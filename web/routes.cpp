#include "web/routes.hpp"

#include <algorithm>

#include <optional>
#include <utility>

#include "monitoring/json_writer.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "web/url.hpp"

namespace xarb {

namespace {

http_reply make(unsigned status, std::string_view type, std::string body) {
  http_reply r;
  r.status = status;
  r.content_type = std::string{type};
  r.body = std::move(body);
  return r;
}

enum class route {
  none,
  // read routes
  metrics,
  healthz,
  readyz,
  status,
  risk,
  export_csv,
  // control routes
  halt,
  flatten_all,
  resume,
  flatten_pair,
};

struct route_match {
  route id = route::none;
  std::string_view segment; ///< {id} of /api/pairs/{id}/... or {kind} of /api/export/{kind}.csv
};

bool is_control(route r) {
  return r == route::halt || r == route::flatten_all || r == route::resume
         || r == route::flatten_pair;
}

// Matches the raw (encoded) path exactly: no trailing slash, no case folding,
// no decoding of fixed segments.
route_match match_path(std::string_view path) {
  static constexpr std::pair<std::string_view, route> fixed[] = {
    {"/metrics", route::metrics},        {"/healthz", route::healthz},
    {"/readyz", route::readyz},          {"/api/status", route::status},
    {"/api/risk", route::risk},          {"/api/halt", route::halt},
    {"/api/flatten-all", route::flatten_all}, {"/api/resume", route::resume},
  };
  for (auto& [p, r] : fixed)
    if (path == p)
      return {r, {}};
  // /api/export/{kind}.csv
  constexpr std::string_view exports = "/api/export/";
  constexpr std::string_view csv = ".csv";
  if (path.size() > exports.size() + csv.size() && path.starts_with(exports)
      && path.ends_with(csv)) {
    auto seg = path.substr(exports.size(), path.size() - exports.size() - csv.size());
    if (seg.find('/') == std::string_view::npos)
      return {route::export_csv, seg};
  }
  // /api/pairs/{id}/flatten: {id} is one segment ('/' in an id is %2F).
  constexpr std::string_view pairs = "/api/pairs/";
  constexpr std::string_view flatten = "/flatten";
  if (path.size() > pairs.size() + flatten.size() && path.starts_with(pairs)
      && path.ends_with(flatten)) {
    auto seg = path.substr(pairs.size(), path.size() - pairs.size() - flatten.size());
    if (seg.find('/') == std::string_view::npos)
      return {route::flatten_pair, seg};
  }
  return {};
}

http_reply method_not_allowed(std::string_view allow) {
  auto r = error_reply(405, "method_not_allowed",
                       "allowed methods: " + std::string{allow});
  r.headers.emplace_back("Allow", std::string{allow});
  return r;
}

http_reply bad_request(std::string_view message) {
  return error_reply(400, "bad_request", message);
}

http_reply read_route(route id, const status_board& board, telemetry* tel,
                      timestamp_ns now) {
  switch (id) {
    case route::healthz:
      return make(200, content_type_text, "ok\n");
    case route::readyz: {
      auto r = board.check_readiness();
      return make(r.ready ? 200 : 503, content_type_json, to_json(r));
    }
    case route::status:
      return make(200, content_type_json, board.status_json(now));
    case route::risk: {
      auto json = board.risk();
      if (json.empty())
        return error_reply(503, "not_ready", "the risk guard has not published a snapshot yet");
      return make(200, content_type_json, std::move(json));
    }
    case route::metrics:
      if (tel == nullptr)
        return make(200, content_type_metrics, "");
      tel->refresh_book_ages(board, now);
      return make(200, content_type_metrics, tel->serialize());
    default:
      return error_reply(500, "internal", "not a read route");
  }
}

// Decodes the optional query parameter `name` into `out`. Returns an error
// reply on failure; `present` tells whether the parameter was given.
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

// GET /api/export/{kind}.csv[?from=&to=&pair=]: the store's records as CSV.
http_reply export_route(const route_match& m, std::string_view query,
                        const control_api* control) {
  static constexpr std::string_view kinds[] = {"fills", "orders", "events", "spreads",
                                               "funding"};
  if (std::find(std::begin(kinds), std::end(kinds), m.segment) == std::end(kinds))
    return error_reply(404, "unknown_kind",
                       "export kinds: fills, orders, events, spreads, funding");
  if (auto unexpected = url::unexpected_param(query, {"from", "to", "pair"}))
    return bad_request("unknown query parameter '" + std::string{*unexpected} + "'");
  export_query q;
  q.kind = std::string{m.segment};
  bool present = false;
  for (auto [name, out] : {std::pair{"from", &q.from}, std::pair{"to", &q.to},
                           std::pair{"pair", &q.pair}})
    if (auto err = text_param(query, name, *out, present))
      return std::move(*err);
  if (control == nullptr || !control->export_csv)
    return error_reply(503, "unavailable", "no store to export from");
  auto csv = control->export_csv(q);
  if (!csv) {
    const auto code = csv.error().code;
    const bool theirs = code == error_code::parse_error || code == error_code::config_error;
    return error_reply(theirs ? 400 : 500, theirs ? "bad_request" : "internal",
                       csv.error().message);
  }
  auto r = make(200, "text/csv; charset=utf-8", std::move(*csv));
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + q.kind + ".csv\"");
  return r;
}

http_reply control_route(const route_match& m, std::string_view query,
                         const http_request& req, const status_board& board,
                         const control_api* control) {
  if (control == nullptr || control->token.empty())
    return error_reply(403, "control_disabled",
                       "set XARB_API_TOKEN to enable state-changing routes");
  if (!bearer_matches(req.authorization, control->token)) {
    bool given = !req.authorization.empty();
    auto r = error_reply(401, "unauthorized",
                         given ? "invalid bearer token" : "missing bearer token");
    r.headers.emplace_back("WWW-Authenticate",
                           given ? R"(Bearer realm="xarb", error="invalid_token")"
                                 : R"(Bearer realm="xarb")");
    return r;
  }
  // Unknown parameters are refused: a misspelt "scope" must not turn a
  // scoped resume into a global one.
  auto unexpected = m.id == route::resume ? url::unexpected_param(query, {"reason", "scope"})
                                          : url::unexpected_param(query, {"reason"});
  if (unexpected)
    return bad_request("unknown query parameter '" + std::string{*unexpected} + "'");

  control_command cmd;
  bool present = false;
  if (auto err = text_param(query, "reason", cmd.reason, present))
    return std::move(*err);
  switch (m.id) {
    case route::halt:
      cmd.kind = control_kind::halt;
      break;
    case route::flatten_all:
      cmd.kind = control_kind::flatten_all;
      break;
    case route::resume:
      cmd.kind = control_kind::resume;
      if (auto err = text_param(query, "scope", cmd.target, present))
        return std::move(*err);
      if (present) {
        if (cmd.target.empty())
          return bad_request("scope must not be empty (omit it to resume everything)");
        cmd.kind = control_kind::resume_scope;
      }
      break;
    case route::flatten_pair: {
      auto id = url::decode_text(m.segment, false, max_control_text_chars, "pair id");
      if (!id)
        return bad_request(id.error().message);
      if (!board.pair(*id))
        return error_reply(404, "unknown_pair",
                           "no pair '" + *id
                             + "' (ids are URL-encoded, e.g. BTC-PERP%3Asim-a%2Fsim-b)");
      cmd.kind = control_kind::flatten_pair;
      cmd.target = std::move(*id);
      break;
    }
    default:
      return error_reply(500, "internal", "not a control route");
  }
  auto failure = control->send ? control->send(cmd) : std::string{"no command sink"};
  if (!failure.empty())
    return error_reply(503, "unavailable", failure);
  json::writer w;
  w.begin_object().key("accepted").value(true).key("command").value(to_string(cmd.kind));
  if (cmd.kind == control_kind::flatten_pair || cmd.kind == control_kind::resume_scope)
    w.key("target").value(cmd.target);
  w.key("reason").value(cmd.reason).end_object();
  return make(202, content_type_json, std::move(w).str());
}

} // namespace

http_reply error_reply(unsigned status, std::string_view code, std::string_view message) {
  json::writer w;
  w.begin_object().key("error").value(code).key("message").value(message).end_object();
  return make(status, content_type_json, std::move(w).str());
}

http_reply route_request(const http_request& req, const status_board& board,
                         telemetry* tel, timestamp_ns now, const control_api* control) {
  auto [path, query] = url::split_target(req.target);
  auto m = match_path(path);
  if (m.id == route::none)
    return error_reply(404, "not_found", "no route for this path");
  if (is_control(m.id)) {
    if (req.method != "POST")
      return method_not_allowed("POST");
    return control_route(m, query, req, board, control);
  }
  if (req.method != "GET" && req.method != "HEAD")
    return method_not_allowed("GET, HEAD");
  if (m.id == route::export_csv)
    return export_route(m, query, control);
  return read_route(m.id, board, tel, now);
}

http_reply route_request(std::string_view method, std::string_view target,
                         const status_board& board, telemetry* tel, timestamp_ns now) {
  return route_request(http_request{method, target, {}}, board, tel, now, nullptr);
}

} // namespace xarb
