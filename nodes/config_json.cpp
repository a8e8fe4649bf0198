// JSON views of the config for the web API: a pair's parameters (read and
// patched: POST /api/pairs/{id}/params) and the whole effective config with
// secrets masked (GET /api/config). The TOML reader stays the one source of
// truth for keys, units and types: a JSON patch is turned into TOML and read
// by the same code as the config file, then validated by the same rules.
#include <sstream>

#include <simdjson.h>
#include <toml++/toml.h>

#include "nodes/config.hpp"
#include "nodes/config_detail.hpp"
#include "nodes/json_object.hpp"

namespace xarb {

namespace {

/// A JSON string as a TOML basic string.
std::string toml_quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

/// One JSON scalar as a TOML value; false (and `why`) for arrays, null and
/// objects.
bool toml_value(simdjson::dom::element e, std::string& out, std::string& why) {
  switch (e.type()) {
    case simdjson::dom::element_type::STRING:
      out = toml_quote(std::string_view(e));
      return true;
    case simdjson::dom::element_type::BOOL:
      out = bool(e) ? "true" : "false";
      return true;
    case simdjson::dom::element_type::INT64:
      out = std::to_string(int64_t(e));
      return true;
    case simdjson::dom::element_type::UINT64:
      out = std::to_string(uint64_t(e));
      return true;
    case simdjson::dom::element_type::DOUBLE: {
      std::ostringstream s;
      s.precision(17);
      s << double(e);
      out = s.str();
      if (out.find_first_of(".eE") == std::string::npos)
        out += ".0";
      return true;
    }
    default:
      why = "must be a number, a string or a boolean";
      return false;
  }
}

/// Appends `key = value` lines of a JSON object; nested objects are not
/// allowed except "signal" at the top (handled by the caller).
void object_to_toml(simdjson::dom::object obj, std::string_view prefix, std::string& toml,
                    std::vector<std::string>& errors, bool top) {
  for (auto field : obj) {
    std::string path = std::string{prefix} + std::string{field.key};
    if (top && field.key == "signal")
      continue;
    std::string value, why;
    if (!toml_value(field.value, value, why)) {
      errors.push_back(path + ": " + why);
      continue;
    }
    toml += toml_quote(field.key) + " = " + value + "\n";
  }
}

} // namespace

bool is_secret_key(std::string_view k) noexcept {
  // A path to a secret is not a secret: token_file, private_key_path ...
  for (auto suffix : {"_file", "_path", "_dir"})
    if (k.ends_with(suffix))
      return false;
  for (auto needle : {"secret", "password", "passphrase", "private", "api_key", "token",
                      "signing"})
    if (k.find(needle) != std::string_view::npos)
      return true;
  return false;
}

std::optional<simdjson::dom::object> parse_json_object(simdjson::dom::parser& parser,
                                                       const simdjson::padded_string& padded,
                                                       std::string_view not_object,
                                                       std::vector<std::string>& errors) {
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root)) {
    errors.push_back(std::string{"malformed JSON: "} + simdjson::error_message(err));
    return std::nullopt;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) {
    errors.emplace_back(not_object);
    return std::nullopt;
  }
  return obj;
}

params_patch patch_params_json(const strategy::pair_params& base, std::string_view patch) {
  params_patch r;
  r.params = base;
  simdjson::dom::parser parser;
  simdjson::padded_string padded{patch};
  auto parsed = parse_json_object(parser, padded, "the parameters must be a JSON object", r.errors);
  if (!parsed)
    return r;
  simdjson::dom::object obj = *parsed;
  // {"params": {...}} (seed 000's form) is the same as {...}.
  if (obj.size() == 1) {
    simdjson::dom::object inner;
    if (!obj.at_key("params").get_object().get(inner))
      obj = inner;
  }
  if (obj.size() == 0) {
    r.errors.emplace_back("no parameter given");
    return r;
  }
  std::string toml;
  object_to_toml(obj, "params.", toml, r.errors, true);
  simdjson::dom::element signal;
  if (!obj.at_key("signal").get(signal)) {
    simdjson::dom::object sig;
    if (signal.get_object().get(sig)) {
      r.errors.emplace_back("params.signal: must be an object of signal keys");
    } else {
      toml += "[signal]\n";
      object_to_toml(sig, "params.signal.", toml, r.errors, false);
    }
  }
  if (!r.errors.empty())
    return r;
  config_detail::problem_list problems{"params"};
  auto next = base;
  config_detail::read_strategy_toml(toml, "params", next, problems);
  for (auto& [path, message] : problems.items())
    r.errors.push_back(path + ": " + message);
  if (!r.errors.empty())
    return r;
  // The same range rules as the config file.
  auto invalid = strategy::validate(next, "params");
  std::istringstream lines{invalid};
  for (std::string line; std::getline(lines, line);)
    if (!line.empty())
      r.errors.push_back(line);
  if (r.errors.empty())
    r.params = next;
  return r;
}

std::string params_to_json(const strategy::pair_params& p) {
  auto tbl = toml::parse(config_detail::write_strategy_toml(p));
  std::ostringstream out;
  out << toml::json_formatter{tbl, toml::format_flags::none};
  return out.str();
}

namespace {

/// Keys whose URL value may hold a user:pass (masked, the rest shown).
bool is_url_key(std::string_view k) noexcept {
  return k == "proxy" || k == "ws_url" || k == "rest_url";
}

void mask(toml::table& t) {
  std::vector<std::string> secrets;
  std::vector<std::pair<std::string, std::string>> urls;
  for (auto&& [k, v] : t) {
    if (auto* str = v.as_string(); str && is_url_key(k.str())) {
      if (auto masked = redact_url_credentials(str->get()); masked != str->get())
        urls.emplace_back(k.str(), std::move(masked));
      continue;
    }
    if (is_secret_key(k.str())) {
      // Unset ("") stays "": a reader can tell set from unset.
      if (auto* str = v.as_string(); !str || !str->get().empty())
        secrets.emplace_back(k.str());
      continue;
    }
    if (auto* sub = v.as_table())
      mask(*sub);
    else if (auto* arr = v.as_array())
      for (auto& item : *arr)
        if (auto* st = item.as_table())
          mask(*st);
  }
  for (auto& k : secrets)
    t.insert_or_assign(k, "<redacted>");
  for (auto& [k, masked] : urls)
    t.insert_or_assign(k, masked);
}

} // namespace

std::string config_to_json(const node_config& cfg) {
  auto tbl = toml::parse(to_toml(cfg));
  mask(tbl);
  std::ostringstream out;
  out << toml::json_formatter{tbl, toml::format_flags::none};
  return out.str();
}

} // namespace xarb
