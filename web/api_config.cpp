// The console's Config page: GET /api/config/file and POST /api/config
// (docs/API.md). The node does the work (nodes/config_save.hpp through
// control_api::config_save / config_file); these handlers check the
// request and shape the replies. Replies carry masked configs only.
#include <simdjson.h>

#include "monitoring/json_writer.hpp"
#include "web/route_table.hpp"

namespace xarb::web_detail {

namespace {

/// "application/json" with optional parameters, case-insensitive.
bool json_media(std::string_view ct) {
  auto type = ct.substr(0, ct.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
    type.remove_suffix(1);
  constexpr std::string_view want = "application/json";
  if (type.size() != want.size())
    return false;
  for (std::size_t i = 0; i < type.size(); ++i) {
    char ch = type[i];
    if (ch >= 'A' && ch <= 'Z')
      ch = static_cast<char>(ch - 'A' + 'a');
    if (ch != want[i])
      return false;
  }
  return true;
}

/// ?dry_run=true|false|1|0 (absent = false).
std::optional<http_reply> dry_run_param(const route_ctx& c, bool& out) {
  std::string text;
  bool present = false;
  if (auto e = text_param(c.query, "dry_run", text, present))
    return e;
  out = false;
  if (!present)
    return std::nullopt;
  if (text == "true" || text == "1")
    out = true;
  else if (text != "false" && text != "0")
    return bad_request("dry_run must be true or false");
  return std::nullopt;
}

void string_array(json::writer& w, const std::vector<std::string>& items) {
  w.begin_array();
  for (auto& s : items)
    w.value(s);
  w.end_array();
}

} // namespace

http_reply get_config_file(const route_ctx& c) {
  if (c.api == nullptr || !c.api->config_file)
    return error_reply(503, "unavailable", "the config file is not available on this node");
  auto info = c.api->config_file();
  json::writer w;
  w.begin_object().key("path").value(info.path).key("exists").value(info.exists);
  w.key("running_matches").value(info.running_matches);
  w.key("config").raw(info.config_json.empty() ? std::string_view{"null"}
                                               : std::string_view{info.config_json});
  w.key("errors");
  string_array(w, info.errors);
  w.end_object();
  return json_reply(200, std::move(w).str());
}

http_reply post_config(const route_ctx& c) {
  bool dry_run = false;
  if (auto e = dry_run_param(c, dry_run))
    return std::move(*e);
  const auto body = c.req.body;
  if (!c.req.content_type.empty() && !json_media(c.req.content_type))
    return error_reply(415, "unsupported_media_type",
                       "send the body as Content-Type: application/json");
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return bad_request("the body must be a JSON object: a partial config in the GET "
                       "/api/config shape, e.g. {\"venues\":{\"sim-c\":{\"enabled\":false}}}");
  {
    simdjson::dom::parser parser;
    simdjson::padded_string padded{body};
    simdjson::dom::element root;
    if (auto err = parser.parse(padded).get(root))
      return error_reply(400, "bad_json",
                         std::string{"malformed JSON body: "} + simdjson::error_message(err));
    if (!root.is_object())
      return error_reply(400, "bad_json", "the body must be a JSON object");
  }
  if (c.api == nullptr || !c.api->config_save)
    return error_reply(503, "unavailable", "saving the config is not available on this node");
  auto r = c.api->config_save(body, dry_run);
  json::writer w;
  if (!r.errors.empty()) {
    w.begin_object().key("error").value("invalid_params");
    w.key("message").value(std::to_string(r.errors.size())
                           + (r.errors.size() == 1 ? " problem" : " problems")
                           + ": nothing saved");
    w.key("errors");
    string_array(w, r.errors);
    w.end_object();
    return json_reply(400, std::move(w).str());
  }
  if (!r.failure.empty())
    return error_reply(500, "internal", "the config is valid but was not saved: " + r.failure);
  w.begin_object().key("saved").value(r.saved).key("dry_run").value(dry_run);
  w.key("path").value(r.path).key("restart_required").value(r.restart_required);
  w.key("changed");
  string_array(w, r.changed);
  w.key("config").raw(r.config_json.empty() ? std::string_view{"null"}
                                            : std::string_view{r.config_json});
  w.end_object();
  return json_reply(200, std::move(w).str());
}

} // namespace xarb::web_detail
