// [venues.<name>] and [market.canonical_units]: reader, writer, rules and the
// helpers the node uses to tell simulated from live venues and to leave
// disabled ones out (docs/CONFIG.md "Venues", "Real venues"). Credentials and
// a proxy's user:pass are secrets: no message here ever quotes their values
// (nor a proxy URL or an endpoint URL, which could hold them).
#include <algorithm>
#include <filesystem>
#include <set>

#include "nodes/config_detail.hpp"
#include "nodes/config_toml_io.hpp"
#include "venues/common/md_codec.hpp"

namespace xarb {

namespace {

/// Longest accepted credential (keys and secrets of real venues are < 200).
constexpr std::size_t max_secret_chars = 1024;
/// Longest accepted URL (endpoints, proxy) and CA file path.
constexpr std::size_t max_url_chars = 2048;
/// Largest canonical unit, in coins (ratio holds up to ~9.2e9).
constexpr int64_t max_canonical_unit = 1'000'000'000;

const venue_section default_venue{};

bool is_sim_venue(const node_config& cfg, std::string_view venue) {
  return std::any_of(cfg.sim.venues.begin(), cfg.sim.venues.end(),
                     [&](const sim::venue_config& v) { return v.name == venue; });
}

} // namespace

const venue_section& venue_of(const node_config& cfg, std::string_view venue) {
  auto i = cfg.venues.find(venue);
  return i == cfg.venues.end() ? default_venue : i->second;
}

bool venue_enabled(const node_config& cfg, std::string_view venue) {
  return venue_of(cfg, venue).enabled;
}

bool venue_is_live(const node_config& cfg, std::string_view venue) {
  auto i = cfg.venues.find(venue);
  return i != cfg.venues.end() && i->second.market_data == "live";
}

std::string venue_adapter(const node_config& cfg, std::string_view venue) {
  auto& v = venue_of(cfg, venue);
  return v.adapter.empty() ? std::string{venue} : v.adapter;
}

std::vector<std::string> live_venues(const node_config& cfg) {
  std::vector<std::string> out; // cfg.venues is a sorted map
  for (auto& [name, v] : cfg.venues)
    if (v.market_data == "live" && v.enabled)
      out.push_back(name);
  return out;
}

std::vector<std::string> enabled_venues(const node_config& cfg) {
  std::vector<std::string> out;
  for (auto& v : cfg.sim.venues)
    if (venue_enabled(cfg, v.name) && !venue_is_live(cfg, v.name))
      out.push_back(v.name);
  for (auto& name : live_venues(cfg))
    out.push_back(name);
  return out;
}

std::string effective_data_mode(const node_config& cfg) {
  const auto all = enabled_venues(cfg);
  const auto live = live_venues(cfg);
  if (!live.empty() && live.size() == all.size())
    return "live";
  if (!live.empty())
    return "mixed";
  return cfg.market.data;
}

bool venue_known(const node_config& cfg, std::string_view venue) {
  return venue_is_live(cfg, venue) || is_sim_venue(cfg, venue);
}

venues::unit_table canonical_unit_table(const node_config& cfg) {
  auto t = venues::unit_table::defaults();
  for (auto& [base, coins] : cfg.market.canonical_units)
    if (coins > 0 && coins <= max_canonical_unit)
      t.units.insert_or_assign(base, ratio::from_units(static_cast<int32_t>(coins)));
  return t;
}

std::string redact_url_credentials(std::string_view url) {
  // The authority runs from "://" to the first '/', '?' or '#'; its last '@'
  // ends the user:pass (which must percent-encode those three characters).
  auto scheme = url.find("://");
  const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  auto end = url.find_first_of("/?#", start);
  if (end == std::string_view::npos)
    end = url.size();
  auto at = url.substr(start, end - start).rfind('@');
  if (at == std::string_view::npos)
    return std::string{url};
  return std::string{url.substr(0, start)} + "<redacted>" + std::string{url.substr(start + at)};
}

std::vector<std::string> skipped_pairs(const node_config& cfg) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < cfg.pairs.size(); ++i) {
    auto& p = cfg.pairs[i];
    for (auto* venue : {&p.venue_a, &p.venue_b})
      if (!venue_enabled(cfg, *venue)) {
        out.push_back("pairs[" + std::to_string(i) + "] " + p.symbol + ":" + p.venue_a + "/"
                      + p.venue_b + " (venue " + *venue + " is disabled)");
        break;
      }
  }
  return out;
}

node_config redact_secrets(node_config cfg) {
  for (auto& [name, v] : cfg.venues) {
    for (auto* secret : {&v.api_key, &v.api_secret, &v.passphrase})
      if (!secret->empty())
        *secret = "<redacted>";
    for (auto* url : {&v.proxy, &v.ws_url, &v.rest_url})
      *url = redact_url_credentials(*url);
  }
  return cfg;
}

namespace config_detail {

static_assert(field_count<venue_section>() == 14,
              "venue_section changed: update nodes/config_venues.cpp");

std::string unknown_venue(std::string_view name) {
  const std::string n{name};
  return "unknown venue \"" + n + "\" (neither [[sim.venues]] nor a [venues." + n
         + "] with market_data = \"live\")";
}

void read_venues(problem_list& out, table_reader& r, const toml::table& t,
                 std::map<std::string, venue_section, std::less<>>& venues) {
  for (auto&& [key, node] : t) {
    const std::string name{key.str()};
    auto* vt = r.section(name); // reports a non-table
    if (!vt)
      continue;
    table_reader vr{out, *vt, r.path() + "." + name};
    venue_section v;
    vr.read("enabled", v.enabled);
    vr.read("market_data", v.market_data);
    vr.read("adapter", v.adapter);
    vr.read("network", v.network);
    vr.read("ws_url", v.ws_url);
    vr.read("rest_url", v.rest_url);
    vr.read("symbols", v.symbols);
    vr.read("proxy", v.proxy);
    vr.read("ca_file", v.ca_file);
    vr.read("maker_fee", v.maker_fee);
    vr.read("taker_fee", v.taker_fee);
    vr.read("api_key", v.api_key);
    vr.read("api_secret", v.api_secret);
    vr.read("passphrase", v.passphrase);
    vr.finish();
    venues.insert_or_assign(name, std::move(v));
  }
}

void read_canonical_units(problem_list& out, const toml::table& t, const std::string& path,
                          std::map<std::string, int64_t, std::less<>>& units) {
  table_reader r{out, t, path};
  for (auto&& [key, node] : t) {
    const std::string base{key.str()};
    int64_t coins = 0;
    if (r.read(base, coins))
      units.insert_or_assign(base, coins);
  }
  r.finish();
}

namespace {

/// A name as a TOML key: bare when it can be.
std::string toml_key(const std::string& name) {
  bool bare = !name.empty();
  for (char c : name)
    bare = bare && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_');
  return bare ? name : quote(name);
}

void write_venue(toml_writer& w, const std::string& name, const venue_section& v) {
  w.header("[venues." + toml_key(name) + "]");
  w.kv("enabled", v.enabled);
  w.kv("market_data", v.market_data);
  w.kv("adapter", v.adapter);
  w.kv("network", v.network);
  w.kv("ws_url", v.ws_url);
  w.kv("rest_url", v.rest_url);
  w.kv("symbols", v.symbols);
  w.kv("proxy", v.proxy);
  w.kv("ca_file", v.ca_file);
  w.kv("maker_fee", v.maker_fee);
  w.kv("taker_fee", v.taker_fee);
  w.kv("api_key", v.api_key);
  w.kv("api_secret", v.api_secret);
  w.kv("passphrase", v.passphrase);
}

bool has_control_or_space(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c <= 0x20 || c == 0x7f;
  });
}

/// Problems of "host[:port]" ("[v6]:port" for IPv6); "" if fine.
std::string host_port_problem(std::string_view authority, bool port_required) {
  if (authority.empty())
    return "has no host";
  std::string_view host, port;
  bool has_port = false;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return "has an unclosed IPv6 literal ([...])";
    host = authority.substr(1, close - 1);
    auto rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      return "has text after the IPv6 literal";
    has_port = !rest.empty();
    port = has_port ? rest.substr(1) : rest;
    if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
      return "has an invalid IPv6 literal";
  } else {
    auto colon = authority.rfind(':');
    has_port = colon != std::string_view::npos;
    host = authority.substr(0, colon);
    port = has_port ? authority.substr(colon + 1) : std::string_view{};
    if (host.empty())
      return "has no host";
    for (char c : host)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
            || c == '.' || c == '_'))
        return "has an invalid host (letters, digits, '-', '.', or an IP address)";
  }
  if (!has_port)
    return port_required ? "needs a port (host:port)" : "";
  int n = 0;
  bool digits = !port.empty() && port.size() <= 5;
  for (char c : port) {
    digits = digits && c >= '0' && c <= '9';
    n = digits ? n * 10 + (c - '0') : n;
  }
  if (!digits || n < 1 || n > 65535)
    return "has an invalid port (1..65535)";
  return "";
}

/// Problems of an endpoint URL "SCHEME://host[:port][/path]" whose scheme is
/// `a` or `b`; "" if fine. The value is never quoted (it might hold user:pass).
std::string endpoint_problem(std::string_view url, std::string_view a, std::string_view b) {
  const std::string form = std::string{"must be "} + std::string{a} + "://HOST[:PORT][/PATH] or "
                           + std::string{b} + "://HOST[:PORT][/PATH]";
  if (url.size() > max_url_chars)
    return "must be at most " + std::to_string(max_url_chars) + " characters";
  if (has_control_or_space(url))
    return "must not contain spaces or control characters";
  auto sep = url.find("://");
  if (sep == std::string_view::npos)
    return form;
  auto scheme = url.substr(0, sep);
  if (scheme != a && scheme != b)
    return form + " (the scheme is " + std::string{scheme} + ")";
  auto rest = url.substr(sep + 3);
  auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos)
    return "must not hold credentials (user:pass@): use api_key/api_secret or proxy";
  auto problem = host_port_problem(authority, false);
  return problem.empty() ? "" : std::string{problem};
}

/// Problems of "http://[user:pass@]host:port"; "" if fine. Never quotes it.
std::string proxy_problem(std::string_view url) {
  const std::string form = "must be http://[user:pass@]host:port";
  if (url.size() > max_url_chars)
    return "must be at most " + std::to_string(max_url_chars) + " characters";
  if (has_control_or_space(url))
    return "must not contain spaces or control characters";
  constexpr std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme)
    return form;
  auto rest = url.substr(scheme.size());
  auto end = rest.find_first_of("/?#");
  if (end != std::string_view::npos && rest.substr(end) != "/")
    return form + " (no path; percent-encode / ? # in user:pass)";
  auto authority = rest.substr(0, end);
  auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    auto user_pass = authority.substr(0, at);
    if (user_pass == "<redacted>")
      return "the credentials are \"<redacted>\" but none are saved: give user:pass";
    auto colon = user_pass.find(':');
    if (colon == 0 || colon == std::string_view::npos)
      return form + " (credentials as user:pass)";
    authority = authority.substr(at + 1);
  }
  return host_port_problem(authority, true);
}

std::string adapter_choices() {
  std::string out;
  for (auto name : venues::codec_names())
    out += (out.empty() ? "" : ", ") + std::string{name};
  return out;
}

/// The keys only a live venue has, set away from their defaults on a
/// simulated one.
void check_sim_venue(const std::string& path, const venue_section& v, problem_list& out) {
  const auto& d = default_venue;
  const std::pair<const char*, bool> live_only[] = {
    {"adapter", v.adapter != d.adapter},   {"network", v.network != d.network},
    {"ws_url", v.ws_url != d.ws_url},      {"rest_url", v.rest_url != d.rest_url},
    {"symbols", v.symbols != d.symbols},   {"proxy", v.proxy != d.proxy},
    {"ca_file", v.ca_file != d.ca_file},   {"maker_fee", v.maker_fee != d.maker_fee},
    {"taker_fee", v.taker_fee != d.taker_fee}};
  for (auto [key, set] : live_only)
    if (set)
      out.add(path + "." + key, std::string{key} + " is only for market_data = \"live\" (a "
                                  "simulated venue takes it from [[sim.venues]] or has none): "
                                  "remove it");
}

void check_live_venue(const node_config& cfg, const std::string& name, const venue_section& v,
                      problem_list& out) {
  const std::string path = "venues." + name;
  const bool sim_name = is_sim_venue(cfg, name);
  if (!sim_name) {
    // The name of a live venue ends up in logs, metrics and URLs too.
    bool ok = !name.empty() && name.size() <= 64;
    for (char c : name)
      ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                  || c == '-' || c == '_' || c == '.');
    if (!ok)
      out.add(path, "a venue name is 1..64 letters, digits, '-', '_' and '.'");
  }
  if (v.adapter.empty() && sim_name)
    out.add(path + ".market_data", "\"" + name + "\" is a [[sim.venues]] name: switching it to "
                                     "\"live\" needs an explicit adapter (one of "
                                     + adapter_choices() + ")");
  else if (!v.adapter.empty() && !venues::has_codec(v.adapter))
    out.add(path + ".adapter",
            "unknown adapter \"" + v.adapter + "\" (one of " + adapter_choices() + ")");
  else if (v.adapter.empty() && !venues::has_codec(name))
    out.add(path + ".adapter", "\"" + name + "\" is not a venue adapter: set adapter to one of "
                                 + adapter_choices() + " (or market_data = \"sim\")");
  // Every adapter has both networks' URLs for now; the lead narrows this
  // when an adapter turns out to have no testnet.
  if (v.network != "mainnet" && v.network != "testnet")
    out.add(path + ".network", "must be one of mainnet, testnet (got \"" + v.network + "\")");
  if (!v.ws_url.empty())
    if (auto p = endpoint_problem(v.ws_url, "ws", "wss"); !p.empty())
      out.add(path + ".ws_url", p);
  if (!v.rest_url.empty())
    if (auto p = endpoint_problem(v.rest_url, "http", "https"); !p.empty())
      out.add(path + ".rest_url", p);
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < v.symbols.size(); ++i) {
    auto& s = v.symbols[i];
    const auto sp = path + ".symbols[" + std::to_string(i) + "]";
    if (!canonical_symbol_form(s))
      out.add(sp, "\"" + s + "\" is not a canonical symbol (BASE-PERP, base in upper case: "
                             "\"BTC-PERP\")");
    else if (!seen.insert(s).second)
      out.add(sp, "\"" + s + "\" is given twice");
  }
  if (!v.proxy.empty())
    if (auto p = proxy_problem(v.proxy); !p.empty())
      out.add(path + ".proxy", p);
  if (!v.ca_file.empty()) {
    std::error_code ec;
    if (v.ca_file.size() > max_url_chars)
      out.add(path + ".ca_file", "must be at most " + std::to_string(max_url_chars)
                                   + " characters");
    else if (!std::filesystem::exists(v.ca_file, ec))
      out.add(path + ".ca_file", "\"" + v.ca_file + "\" does not exist");
    else if (!std::filesystem::is_regular_file(v.ca_file, ec))
      out.add(path + ".ca_file", "\"" + v.ca_file + "\" is not a file (a PEM bundle)");
  }
  const auto fee_limit = ratio::from_string("0.01").value();
  for (auto [key, fee] : {std::pair{"maker_fee", &v.maker_fee}, std::pair{"taker_fee", &v.taker_fee}})
    if (*fee && fee->value().abs() > fee_limit)
      out.add(path + "." + key,
              "must be between -0.01 and 0.01 (got " + fee->value().to_string() + ")");
}

} // namespace

bool canonical_symbol_form(std::string_view s) {
  constexpr std::string_view suffix = "-PERP";
  if (s.size() <= suffix.size() || s.size() > 64 || !s.ends_with(suffix))
    return false;
  auto base = s.substr(0, s.size() - suffix.size());
  return std::all_of(base.begin(), base.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

void write_venues(toml_writer& w, const node_config& cfg) {
  // Every simulated venue, so the effective settings of each are visible
  // (GET /api/config lists them all); then the other tables: the live
  // venues (and, only in an invalid config, tables naming no venue), so
  // nothing given is lost.
  std::set<std::string, std::less<>> written;
  for (auto& v : cfg.sim.venues)
    if (written.insert(v.name).second)
      write_venue(w, v.name, venue_of(cfg, v.name));
  for (auto& [name, v] : cfg.venues)
    if (!written.count(name))
      write_venue(w, name, v);
}

void write_canonical_units(toml_writer& w, const market_section& m) {
  w.header("[market.canonical_units]");
  for (auto& [base, coins] : m.canonical_units)
    w.kv(toml_key(base), coins);
}

void check_venues(const node_config& cfg, problem_list& out) {
  bool any_live = false;
  for (auto& [name, v] : cfg.venues) {
    const std::string path = "venues." + name;
    if (v.market_data == "live") {
      any_live = true;
      check_live_venue(cfg, name, v, out);
    } else if (v.market_data == "sim") {
      if (!is_sim_venue(cfg, name))
        out.add(path, "unknown venue \"" + name + "\" (not in [[sim.venues]]; a real venue "
                                                  "needs market_data = \"live\")");
      check_sim_venue(path, v, out);
    } else {
      out.add(path + ".market_data", "must be one of sim, live (got \"" + v.market_data + "\")");
    }
    const std::pair<const char*, const std::string*> secrets[] = {
      {"api_key", &v.api_key}, {"api_secret", &v.api_secret}, {"passphrase", &v.passphrase}};
    for (auto [key, value] : secrets) {
      bool control = false;
      for (unsigned char c : *value)
        control = control || c < 0x20 || c == 0x7f;
      // The value is a secret: the message must not show it.
      if (value->size() > max_secret_chars)
        out.add(path + "." + key, "must be at most " + std::to_string(max_secret_chars)
                                    + " characters");
      else if (control)
        out.add(path + "." + key, "must not contain control characters");
    }
  }
  if ((!cfg.sim.venues.empty() || any_live) && enabled_venues(cfg).empty())
    out.add("venues", "at least one venue must stay enabled (every [[sim.venues]] entry and "
                      "every live venue has enabled = false)");
}

void check_canonical_units(const market_section& m, problem_list& out) {
  for (auto& [base, coins] : m.canonical_units) {
    const std::string path = "market.canonical_units." + base;
    bool upper = !base.empty() && base.size() <= 32;
    for (char c : base)
      upper = upper && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    if (!upper)
      out.add(path, "a base asset is 1..32 upper-case letters and digits (\"PEPE\")");
    if (coins < 1 || coins > max_canonical_unit)
      out.add(path, "must be between 1 and " + std::to_string(max_canonical_unit) + " coins (got "
                      + std::to_string(coins) + ")");
  }
}

} // namespace config_detail
} // namespace xarb
