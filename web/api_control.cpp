// POST handlers of the route table. The dispatcher has already checked the
// bearer token. Bodies are small JSON objects parsed strictly: malformed
// JSON, a non-object, an unknown key or a wrong type is a 400 naming it, so a
// misspelt field never turns into a default. Commands go out through the
// control_api (the node forwards them to the actors); nothing here blocks.
#include <simdjson.h>

#include "monitoring/json_writer.hpp"
#include "monitoring/status_board.hpp"
#include "web/route_table.hpp"
#include "web/url.hpp"

namespace xarb::web_detail {

namespace {

/// A parsed body: an object (empty when the body was empty).
struct body {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  bool empty = true;
};

bool is_json_type(std::string_view ct) {
  auto semi = ct.find(';');
  auto type = ct.substr(0, semi);
  while (!type.empty() && type.back() == ' ')
    type.remove_suffix(1);
  if (type.size() != 16)
    return false;
  for (std::size_t i = 0; i < type.size(); ++i) {
    char ch = type[i];
    if (ch >= 'A' && ch <= 'Z')
      ch = static_cast<char>(ch - 'A' + 'a');
    if (ch != "application/json"[i])
      return false;
  }
  return true;
}

/// Parses the request body into `b`. Empty (or whitespace) = no fields.
/// `allowed` lists the keys accepted ({} = any key, checked by the caller).
std::optional<http_reply> parse_body(const route_ctx& c, body& b,
                                     std::initializer_list<std::string_view> allowed,
                                     bool any_key = false) {
  auto text = c.req.body;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return std::nullopt;
  if (!c.req.content_type.empty() && !is_json_type(c.req.content_type))
    return error_reply(415, "unsupported_media_type",
                       "send the body as Content-Type: application/json");
  simdjson::dom::element root;
  // simdjson needs padding: parse from a padded copy (bodies are small).
  simdjson::padded_string padded{text};
  if (auto err = b.parser.parse(padded).get(root))
    return error_reply(400, "bad_json", std::string{"malformed JSON body: "}
                                          + simdjson::error_message(err));
  if (auto err = root.get_object().get(b.obj); err)
    return error_reply(400, "bad_json", "the body must be a JSON object");
  b.empty = false;
  if (!any_key)
    for (auto field : b.obj) {
      bool known = false;
      for (auto k : allowed)
        known = known || field.key == k;
      if (!known) {
        auto shown = url::decode_text(field.key, false, 40, "key");
        return error_reply(400, "bad_request",
                           "unknown field '" + (shown ? *shown : std::string{"?"}) + "'");
      }
    }
  return std::nullopt;
}

/// An optional string field of the body, checked like a query text.
std::optional<http_reply> body_text(const body& b, std::string_view key, std::string& out,
                                    bool& present) {
  present = false;
  if (b.empty)
    return std::nullopt;
  simdjson::dom::element e;
  if (b.obj.at_key(key).get(e))
    return std::nullopt;
  std::string_view s;
  if (e.get_string().get(s))
    return bad_request(std::string{key} + " must be a string");
  auto n = url::checked_text_length(s);
  if (!n)
    return bad_request(std::string{key} + ": " + n.error().message);
  if (*n > max_control_text_chars)
    return bad_request(std::string{key} + " is longer than "
                       + std::to_string(max_control_text_chars) + " characters");
  out = std::string{s};
  present = true;
  return std::nullopt;
}

/// An optional boolean field of the body.
std::optional<http_reply> body_bool(const body& b, std::string_view key, bool& out,
                                    bool& present) {
  present = false;
  if (b.empty)
    return std::nullopt;
  simdjson::dom::element e;
  if (b.obj.at_key(key).get(e))
    return std::nullopt;
  if (e.get_bool().get(out))
    return bad_request(std::string{key} + " must be true or false");
  present = true;
  return std::nullopt;
}

/// "reason" from the query or the body (not both).
std::optional<http_reply> reason_of(const route_ctx& c, const body& b, std::string& reason) {
  bool in_query = false, in_body = false;
  if (auto e = text_param(c.query, "reason", reason, in_query))
    return e;
  std::string from_body;
  if (auto e = body_text(b, "reason", from_body, in_body))
    return e;
  if (in_query && in_body)
    return bad_request("give reason in the query or in the body, not both");
  if (in_body)
    reason = std::move(from_body);
  return std::nullopt;
}

http_reply deliver(const route_ctx& c, const control_command& cmd) {
  auto failure = c.api->send ? c.api->send(cmd) : std::string{"no command sink"};
  if (!failure.empty())
    return error_reply(503, "unavailable", failure);
  json::writer w;
  w.begin_object().key("accepted").value(true).key("command").value(to_string(cmd.kind));
  if (!cmd.target.empty())
    w.key("target").value(cmd.target);
  w.key("reason").value(cmd.reason).end_object();
  return json_reply(202, std::move(w).str());
}

/// The routes whose body holds only an optional reason.
http_reply simple_command(const route_ctx& c, control_kind kind) {
  body b;
  if (auto e = parse_body(c, b, {"reason"}))
    return std::move(*e);
  control_command cmd;
  cmd.kind = kind;
  if (auto e = reason_of(c, b, cmd.reason))
    return std::move(*e);
  return deliver(c, cmd);
}

} // namespace

http_reply post_engine_start(const route_ctx& c) {
  return simple_command(c, control_kind::engine_start);
}

http_reply post_engine_stop(const route_ctx& c) {
  return simple_command(c, control_kind::engine_stop);
}

http_reply post_flatten_all(const route_ctx& c) {
  return simple_command(c, control_kind::flatten_all);
}

http_reply post_halt(const route_ctx& c) {
  return simple_command(c, control_kind::halt);
}

http_reply post_pair_flatten(const route_ctx& c) {
  body b;
  if (auto e = parse_body(c, b, {"reason"}))
    return std::move(*e);
  control_command cmd;
  cmd.kind = control_kind::flatten_pair;
  if (auto e = known_pair(c, cmd.target))
    return std::move(*e);
  if (auto e = reason_of(c, b, cmd.reason))
    return std::move(*e);
  return deliver(c, cmd);
}

http_reply post_resume(const route_ctx& c) {
  body b;
  if (auto e = parse_body(c, b, {"reason", "scope"}))
    return std::move(*e);
  control_command cmd;
  cmd.kind = control_kind::resume;
  if (auto e = reason_of(c, b, cmd.reason))
    return std::move(*e);
  bool in_query = false, in_body = false;
  std::string from_body;
  if (auto e = text_param(c.query, "scope", cmd.target, in_query))
    return std::move(*e);
  if (auto e = body_text(b, "scope", from_body, in_body))
    return std::move(*e);
  if (in_query && in_body)
    return bad_request("give scope in the query or in the body, not both");
  if (in_body)
    cmd.target = std::move(from_body);
  if (in_query || in_body) {
    if (cmd.target.empty())
      return bad_request("scope must not be empty (omit it to resume everything)");
    // A scope that names nothing would resume nothing while answering 202.
    bool known = c.board.pair(cmd.target).has_value() || c.board.venue(cmd.target).has_value();
    if (!known)
      for (auto& p : c.board.pairs())
        known = known || p.symbol == cmd.target;
    if (!known)
      return error_reply(404, "unknown_scope",
                         "scope '" + cmd.target + "' is no pair id, venue or symbol");
    cmd.kind = control_kind::resume_scope;
  }
  return deliver(c, cmd);
}

http_reply post_mode(const route_ctx& c) {
  body b;
  if (auto e = parse_body(c, b, {"mode"}))
    return std::move(*e);
  control_command cmd;
  cmd.kind = control_kind::set_mode;
  bool present = false;
  if (auto e = body_text(b, "mode", cmd.target, present))
    return std::move(*e);
  if (!present)
    return bad_request("mode is required: {\"mode\":\"normal_arb\"|\"zero_wear\"}");
  if (cmd.target != "normal_arb" && cmd.target != "zero_wear")
    return bad_request("mode must be normal_arb or zero_wear");
  return deliver(c, cmd);
}

http_reply post_pair_params(const route_ctx& c) {
  std::string id;
  if (auto e = known_pair(c, id))
    return std::move(*e);
  body b;
  if (auto e = parse_body(c, b, {}, true))
    return std::move(*e);
  if (b.empty)
    return bad_request("the body must be a JSON object of parameters, e.g. "
                       "{\"min_profit_bps\":3,\"signal\":{\"z_entry\":2.5}}");
  if (!c.api->update_params)
    return error_reply(503, "unavailable", "parameter changes are not available");
  auto r = c.api->update_params(id, c.req.body);
  if (!r.unavailable.empty())
    return error_reply(503, "unavailable", r.unavailable);
  json::writer w;
  if (!r.errors.empty()) {
    w.begin_object().key("error").value("invalid_params");
    w.key("message").value(std::to_string(r.errors.size())
                           + (r.errors.size() == 1 ? " problem" : " problems")
                           + ": nothing changed");
    w.key("errors").begin_array();
    for (auto& e : r.errors)
      w.value(e);
    w.end_array().end_object();
    return json_reply(400, std::move(w).str());
  }
  w.begin_object().key("applied").value(true).key("pair").value(id);
  w.key("params").raw(r.params_json.empty() ? std::string_view{"null"}
                                            : std::string_view{r.params_json});
  w.end_object();
  return json_reply(200, std::move(w).str());
}

http_reply post_order_execution(const route_ctx& c) {
  body b;
  if (auto e = parse_body(c, b, {"live_order_enabled", "confirm_text"}))
    return std::move(*e);
  bool enable = false, present = false;
  if (auto e = body_bool(b, "live_order_enabled", enable, present))
    return std::move(*e);
  if (!present)
    return bad_request("live_order_enabled (true|false) is required");
  std::string confirm;
  bool has_confirm = false;
  if (auto e = body_text(b, "confirm_text", confirm, has_confirm))
    return std::move(*e);
  const auto& policy = c.api->live_orders;
  if (enable) {
    if (!policy.configured)
      return error_reply(409, "live_not_configured",
                         "live orders are off in the config (market.execution = \"paper\"): "
                         "execution stays paper");
    if (!has_confirm || !constant_time_equal(confirm, policy.confirm_text))
      return error_reply(400, "confirmation_required",
                         "switching live orders on needs confirm_text with the exact "
                         "confirmation text");
  }
  control_command cmd;
  cmd.kind = control_kind::live_orders;
  cmd.target = enable ? "on" : "off";
  if (c.board.node().live_order_enabled != enable) {
    auto failure = c.api->send ? c.api->send(cmd) : std::string{"no command sink"};
    if (!failure.empty())
      return error_reply(503, "unavailable", failure);
  }
  json::writer w;
  w.begin_object().key("live_order_enabled").value(enable);
  w.key("execution").value(enable ? "live" : c.board.node().execution_mode);
  w.end_object();
  return json_reply(200, std::move(w).str());
}

http_reply post_market_data_mode(const route_ctx& c) {
  body b;
  if (auto e = parse_body(c, b, {"simulated_market_data", "mode"}))
    return std::move(*e);
  bool simulated = false, has_sim = false, has_mode = false;
  std::string mode;
  if (auto e = body_bool(b, "simulated_market_data", simulated, has_sim))
    return std::move(*e);
  if (auto e = body_text(b, "mode", mode, has_mode))
    return std::move(*e);
  if (has_sim == has_mode)
    return bad_request("give exactly one of simulated_market_data (bool) or mode (sim|live)");
  if (has_sim)
    mode = simulated ? "sim" : "live";
  if (mode != "sim" && mode != "live")
    return bad_request("mode must be sim or live");
  const auto current = c.board.node().data_mode;
  if (current == "mixed")
    return error_reply(409, "restart_required",
                       "this node reads some venues live and simulates the others: the source "
                       "is per venue ([venues.<name>] market_data), changed by a restart");
  if (mode != current) {
    bool available = false;
    for (auto& m : c.api->data_modes)
      available = available || m == mode;
    return error_reply(409, available ? "restart_required" : "not_configured",
                       available ? "switching the market data source needs a restart with "
                                   "market.data = \"" + mode + "\""
                                 : "this node has no " + mode
                                     + " market data configured (market.data = \"" + current
                                     + "\")");
  }
  json::writer w;
  w.begin_object().key("mode").value(current).key("simulated_market_data")
    .value(current == "sim").key("changed").value(false).end_object();
  return json_reply(200, std::move(w).str());
}

} // namespace xarb::web_detail
