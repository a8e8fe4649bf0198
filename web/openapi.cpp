// GET /api/openapi.json: the OpenAPI 3.0 document, generated from the route
// table so that every served route is documented and nothing else is.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "monitoring/json_writer.hpp"
#include "monitoring/status_board.hpp"
#include "web/route_table.hpp"

namespace xarb::web_detail {

namespace {

std::string_view reason_phrase(unsigned code) {
  switch (code) {
    case 101: return "Switching Protocols (WebSocket)";
    case 200: return "OK";
    case 202: return "Accepted: handed to the actors; the effect shows in the read routes";
    case 400: return "Bad request (malformed JSON, bad parameter, invalid value)";
    case 401: return "Missing or invalid bearer token";
    case 403: return "Control disabled (no API token configured)";
    case 404: return "Not found";
    case 405: return "Method not allowed (see the Allow header)";
    case 409: return "Conflict with the node's configuration";
    case 413: return "Request body too large";
    case 415: return "Unsupported media type (send application/json)";
    case 426: return "Upgrade required (WebSocket endpoint)";
    case 429: return "Too many requests from this client (see Retry-After)";
    case 500: return "Internal error";
    case 503: return "Unavailable (not ready, or the command could not be delivered)";
  }
  return "Response";
}

/// The statuses a route documents: success, its own, and the shared ones.
std::vector<unsigned> statuses_of(const route_spec& r) {
  std::vector<unsigned> out{r.success};
  std::string_view rest = r.errors;
  while (!rest.empty()) {
    auto sp = rest.find(' ');
    auto item = rest.substr(0, sp);
    rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
    unsigned code = 0;
    for (char ch : item)
      code = code * 10 + static_cast<unsigned>(ch - '0');
    if (code != 0)
      out.push_back(code);
  }
  // Every route refuses undocumented query parameters and malformed HTTP.
  out.push_back(400);
  if (needs_token(r)) {
    out.push_back(401);
    out.push_back(403);
    out.push_back(413);
    out.push_back(415); // a body that is not application/json
  }
  out.push_back(405);
  out.push_back(429);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string param_name(std::string_view tmpl) {
  auto open = tmpl.find('{');
  if (open == std::string_view::npos)
    return {};
  auto close = tmpl.find('}', open);
  return std::string{tmpl.substr(open + 1, close - open - 1)};
}

void write_operation(json::writer& w, const route_spec& r) {
  w.begin_object();
  w.key("operationId").value(r.id);
  w.key("tags").begin_array().value(r.tag).end_array();
  w.key("summary").value(r.summary);
  std::string description{r.description};
  for (auto& q : r.query)
    if (q.name.starts_with('*'))
      description += std::string{description.empty() ? "" : " "} + "Query parameters {venue}"
                     + std::string{q.name.substr(1)} + " (" + std::string{q.type}
                     + "): " + std::string{q.description} + ".";
  if (!description.empty())
    w.key("description").value(description);
  w.key("parameters").begin_array();
  if (auto name = param_name(r.path); !name.empty()) {
    w.begin_object().key("name").value(name).key("in").value("path").key("required")
      .value(true).key("description").value(r.param_doc);
    w.key("schema").begin_object().key("type").value("string").end_object().end_object();
  }
  for (auto& q : r.query) {
    if (q.name.empty() || q.name.starts_with('*'))
      continue; // families are described in the description
    w.begin_object().key("name").value(q.name).key("in").value("query").key("required")
      .value(false).key("description").value(q.description);
    w.key("schema").begin_object().key("type").value(q.type).end_object().end_object();
  }
  w.end_array();
  if (!r.body_schema.empty()) {
    w.key("requestBody").begin_object().key("required").value(false);
    w.key("content").begin_object().key("application/json").begin_object();
    w.key("schema").raw(r.body_schema);
    w.end_object().end_object().end_object();
  }
  if (needs_token(r)) {
    w.key("security").begin_array().begin_object().key("bearer").begin_array().end_array()
      .end_object().end_array();
  }
  w.key("responses").begin_object();
  for (auto code : statuses_of(r)) {
    w.key(std::to_string(code)).begin_object().key("description").value(reason_phrase(code));
    w.key("content").begin_object();
    if (code == r.success && code != 101) {
      w.key(r.media).begin_object().end_object();
    } else {
      w.key(content_type_json).begin_object().key("schema").begin_object()
        .key("$ref").value("#/components/schemas/error").end_object().end_object();
    }
    w.end_object().end_object();
  }
  w.end_object();
  w.end_object();
}

} // namespace

std::string openapi_document(std::string_view version) {
  json::writer w;
  w.begin_object();
  w.key("openapi").value("3.0.3");
  w.key("info").begin_object().key("title").value("xarb control API")
    .key("version").value(version)
    .key("description").value("Read routes are open on the bound address; every POST needs "
                              "Authorization: Bearer <token>. Money, prices and sizes are "
                              "exact decimal strings. docs/API.md explains every route.")
    .end_object();
  w.key("tags").begin_array();
  for (auto [name, text] : {std::pair{"system", "health, metrics, status, config"},
                            std::pair{"market", "symbols, spreads, venues"},
                            std::pair{"trading", "pairs, positions, orders, fills, P&L"},
                            std::pair{"risk", "the risk guard"},
                            std::pair{"control", "state-changing commands (bearer token)"},
                            std::pair{"export", "CSV export of the store"}})
    w.begin_object().key("name").value(name).key("description").value(text).end_object();
  w.end_array();
  // Group the operations by path, in table order.
  std::vector<std::string_view> order;
  std::map<std::string_view, std::vector<const route_spec*>> by_path;
  for (auto& r : route_table()) {
    if (!by_path.count(r.path))
      order.push_back(r.path);
    by_path[r.path].push_back(&r);
  }
  w.key("paths").begin_object();
  for (auto path : order) {
    w.key(path).begin_object();
    for (auto* r : by_path[path]) {
      std::string method{r->method};
      for (auto& ch : method)
        ch = static_cast<char>(ch - 'A' + 'a');
      w.key(method);
      write_operation(w, *r);
    }
    w.end_object();
  }
  w.end_object();
  w.key("components").begin_object();
  w.key("securitySchemes").begin_object().key("bearer").begin_object()
    .key("type").value("http").key("scheme").value("bearer")
    .key("description").value("XARB_API_TOKEN, or the 0600 token file (docs/API.md)")
    .end_object().end_object();
  w.key("schemas").begin_object().key("error").begin_object()
    .key("type").value("object")
    .key("required").begin_array().value("error").value("message").end_array()
    .key("properties").begin_object()
    .key("error").begin_object().key("type").value("string").end_object()
    .key("message").begin_object().key("type").value("string").end_object()
    .key("errors").begin_object().key("type").value("array").key("items").begin_object()
    .key("type").value("string").end_object().end_object()
    .end_object().end_object().end_object();
  w.end_object();
  w.end_object();
  return std::move(w).str();
}

http_reply get_openapi(const route_ctx& c) {
  return json_reply(200, openapi_document(c.board.node().version));
}

} // namespace xarb::web_detail
