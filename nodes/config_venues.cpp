// [venues.<name>]: reader, writer, rules and the helpers the node uses to
// leave disabled venues out (docs/CONFIG.md). Credentials are secrets: no
// message here ever quotes their values.
#include <set>

#include "nodes/config_detail.hpp"
#include "nodes/config_toml_io.hpp"

namespace xarb {

namespace {

/// Longest accepted credential (keys and secrets of real venues are < 200).
constexpr std::size_t max_secret_chars = 1024;

const venue_section default_venue{};

} // namespace

const venue_section& venue_of(const node_config& cfg, std::string_view venue) {
  auto i = cfg.venues.find(venue);
  return i == cfg.venues.end() ? default_venue : i->second;
}

bool venue_enabled(const node_config& cfg, std::string_view venue) {
  return venue_of(cfg, venue).enabled;
}

std::vector<std::string> enabled_venues(const node_config& cfg) {
  std::vector<std::string> out;
  for (auto& v : cfg.sim.venues)
    if (venue_enabled(cfg, v.name))
      out.push_back(v.name);
  return out;
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
  for (auto& [name, v] : cfg.venues)
    for (auto* secret : {&v.api_key, &v.api_secret, &v.passphrase})
      if (!secret->empty())
        *secret = "<redacted>";
  return cfg;
}

namespace config_detail {

static_assert(field_count<venue_section>() == 5,
              "venue_section changed: update nodes/config_venues.cpp");

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
    vr.read("api_key", v.api_key);
    vr.read("api_secret", v.api_secret);
    vr.read("passphrase", v.passphrase);
    vr.finish();
    venues.insert_or_assign(name, std::move(v));
  }
}

namespace {

/// A venue name as a TOML key: bare when it can be.
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
  w.kv("api_key", v.api_key);
  w.kv("api_secret", v.api_secret);
  w.kv("passphrase", v.passphrase);
}

} // namespace

void write_venues(toml_writer& w, const node_config& cfg) {
  // Every simulated venue, so the effective settings of each are visible
  // (GET /api/config lists them all); then tables naming no venue (only in
  // an invalid config), so nothing given is lost.
  std::set<std::string, std::less<>> written;
  for (auto& v : cfg.sim.venues)
    if (written.insert(v.name).second)
      write_venue(w, v.name, venue_of(cfg, v.name));
  for (auto& [name, v] : cfg.venues)
    if (!written.count(name))
      write_venue(w, name, v);
}

void check_venues(const node_config& cfg, problem_list& out) {
  std::set<std::string, std::less<>> known;
  for (auto& v : cfg.sim.venues)
    known.insert(v.name);
  for (auto& [name, v] : cfg.venues) {
    const std::string path = "venues." + name;
    if (!known.count(name))
      out.add(path, "unknown venue \"" + name + "\" (not in [[sim.venues]])");
    if (v.market_data == "live")
      out.add(path + ".market_data",
              "live market data needs the venue adapters of issue 9 (only \"sim\" in this "
              "version)");
    else if (v.market_data != "sim")
      out.add(path + ".market_data", "must be one of sim, live (got \"" + v.market_data + "\")");
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
  if (!cfg.sim.venues.empty() && enabled_venues(cfg).empty())
    out.add("venues", "at least one venue must stay enabled (every [[sim.venues]] entry has "
                      "enabled = false)");
}

} // namespace config_detail
} // namespace xarb
