// [venues.<name>]: reading, rules, masking, the TOML round trip and what a
// disabled venue takes out of the node (nodes/config_venues.cpp).
#include <doctest/doctest.h>

#include <string>

#include <simdjson.h>

#include "nodes/config.hpp"
#include "tests/nodes/config_helpers.hpp"

using namespace xarb;
using xarb::test::contains;
using xarb::test::errors_of;

namespace {

node_config load(std::string_view toml) {
  auto res = load_config_string(toml, "t.toml");
  REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
  return *res;
}

/// venues.<venue>.<key> of GET /api/config.
std::string json_venue_key(const node_config& cfg, const char* venue, const char* key) {
  simdjson::dom::parser parser;
  auto text = config_to_json(cfg);
  simdjson::dom::element doc;
  REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);
  std::string_view v;
  REQUIRE(doc["venues"][venue][key].get(v) == simdjson::SUCCESS);
  return std::string{v};
}

constexpr const char* secret_key = "AKIA-very-secret-key-7f3a";
constexpr const char* secret_secret = "s3cr3t/+==value-9b1c";

const std::string with_secrets = std::string{R"([venues.sim-c]
enabled = false
api_key = ")"} + secret_key + R"("
api_secret = ")" + secret_secret + R"("
)";

} // namespace

TEST_SUITE("config: [venues.<name>]") {

TEST_CASE("defaults: every venue enabled, sim market data, no credentials") {
  auto c = default_config();
  CHECK(c.venues.empty());
  for (auto& v : c.sim.venues) {
    CAPTURE(v.name);
    auto& vs = venue_of(c, v.name);
    CHECK(vs.enabled);
    CHECK(vs.market_data == "sim");
    CHECK(vs.api_key.empty());
    CHECK(vs.api_secret.empty());
    CHECK(vs.passphrase.empty());
  }
  CHECK(enabled_venues(c) == std::vector<std::string>{"sim-a", "sim-b", "sim-c"});
  CHECK(live_venues(c).empty());
  CHECK_FALSE(venue_is_live(c, "sim-a"));
  CHECK(skipped_pairs(c).empty());
  // Every venue has its table in the printed config, defaults included.
  auto text = to_toml(c);
  CHECK(contains(text, "[venues.sim-a]\nenabled = true\nmarket_data = \"sim\"\nadapter = \"\"\n"
                       "network = \"mainnet\"\nws_url = \"\"\nrest_url = \"\"\nsymbols = []\n"
                       "proxy = \"\"\nca_file = \"\"\nmaker_fee = \"\"\ntaker_fee = \"\"\n"
                       "api_key = \"\"\napi_secret = \"\"\npassphrase = \"\"\n"));
  CHECK(contains(text, "[venues.sim-b]\n"));
  CHECK(contains(text, "[venues.sim-c]\n"));
  CHECK(json_venue_key(c, "sim-b", "api_key").empty());
}

TEST_CASE("a table sets a venue's keys; the others keep the defaults") {
  auto c = load(R"([venues.sim-c]
enabled = false
api_key = "k"
api_secret = "s"
passphrase = "p"

[venues.sim-a]
market_data = "sim"
)");
  REQUIRE(c.venues.size() == 2);
  auto& vc = venue_of(c, "sim-c");
  CHECK_FALSE(vc.enabled);
  CHECK(vc.api_key == "k");
  CHECK(vc.api_secret == "s");
  CHECK(vc.passphrase == "p");
  CHECK(venue_enabled(c, "sim-a"));
  CHECK(venue_enabled(c, "sim-b")); // no table
  CHECK_FALSE(venue_enabled(c, "sim-c"));
  CHECK(enabled_venues(c) == std::vector<std::string>{"sim-a", "sim-b"});
}

TEST_CASE("unknown venues, unknown keys, wrong types and bad values are all reported") {
  auto err = errors_of(R"([venues.sim-x]
enabled = true

[venues.sim-a]
enabeld = false
market_data = 1

[venues.sim-b]
enabled = "no"
market_data = "live"

[venues.sim-c]
market_data = "replay"
)");
  CHECK(contains(err, "t.toml:1:1: venues.sim-x: unknown venue \"sim-x\" (not in [[sim.venues]]; "
                      "a real venue needs market_data = \"live\")"));
  CHECK(contains(err, "t.toml:5:1: venues.sim-a.enabeld: unknown key (did you mean 'enabled'?)"));
  CHECK(contains(err, "venues.sim-a.market_data: expected a string, got an integer"));
  CHECK(contains(err, "venues.sim-b.enabled: expected a boolean (true or false), got a string"));
  // A [[sim.venues]] name switched to live needs to say which protocol.
  CHECK(contains(err, "t.toml:10:15: venues.sim-b.market_data: \"sim-b\" is a [[sim.venues]] "
                      "name: switching it to \"live\" needs an explicit adapter (one of aster, "
                      "backpack, binance, bitget, bybit, edgex, grvt, hyperliquid, lighter, okx, "
                      "paradex)"));
  CHECK(contains(err, "venues.sim-c.market_data: must be one of sim, live (got \"replay\")"));
}

TEST_CASE("a venue entry that is not a table, and [venues] that is not one") {
  CHECK(contains(errors_of("[venues]\nsim-a = false\n"),
                 "venues.sim-a: expected a table, got a boolean"));
  CHECK(contains(errors_of("venues = 3\n"), "venues: expected a table, got an integer"));
}

TEST_CASE("at least one venue must stay enabled") {
  auto err = errors_of(R"([venues.sim-a]
enabled = false
[venues.sim-b]
enabled = false
[venues.sim-c]
enabled = false
)");
  CHECK(contains(err, "venues: at least one venue must stay enabled"));
  // Two off is fine.
  auto c = load("[venues.sim-a]\nenabled = false\n[venues.sim-b]\nenabled = false\n");
  CHECK(enabled_venues(c) == std::vector<std::string>{"sim-c"});
}

TEST_CASE("credentials: bad ones are reported without their value") {
  std::string long_key(1100, 'k');
  auto err = errors_of("[venues.sim-a]\napi_key = \"" + long_key + "\"\napi_secret = \"ab\\tsecretvalue\"\n");
  CHECK(contains(err, "venues.sim-a.api_key: must be at most 1024 characters"));
  CHECK(contains(err, "venues.sim-a.api_secret: must not contain control characters"));
  CHECK_FALSE(contains(err, long_key));
  CHECK_FALSE(contains(err, "secretvalue"));
}

TEST_CASE("masking: \"\" while unset, \"<redacted>\" when set, never the value") {
  auto c = load(with_secrets);
  CHECK(json_venue_key(c, "sim-c", "api_key") == "<redacted>");
  CHECK(json_venue_key(c, "sim-c", "api_secret") == "<redacted>");
  CHECK(json_venue_key(c, "sim-c", "passphrase").empty());
  CHECK(json_venue_key(c, "sim-a", "api_key").empty());
  auto json = config_to_json(c);
  CHECK_FALSE(contains(json, secret_key));
  CHECK_FALSE(contains(json, secret_secret));
  // The start-up log line names the venues, never a credential.
  auto line = describe(c);
  CHECK(contains(line, "venues.disabled=[sim-c]"));
  CHECK(contains(line, "venues.credentials=[sim-c]"));
  CHECK_FALSE(contains(line, secret_key));
  CHECK_FALSE(contains(line, secret_secret));
  CHECK_FALSE(contains(describe(default_config()), "venues.disabled"));
  // The stored copy (config history) holds no credential either.
  auto stored = to_toml(redact_secrets(c));
  CHECK_FALSE(contains(stored, secret_key));
  CHECK(contains(stored, "api_key = \"<redacted>\""));
  CHECK(contains(stored, "passphrase = \"\""));
}

TEST_CASE("to_toml round-trips venues and credentials exactly") {
  auto c = load(with_secrets);
  auto text = to_toml(c);
  CHECK(contains(text, secret_key)); // the file format keeps them
  auto back = load(text);
  CHECK(to_toml(back) == text);
  CHECK(venue_of(back, "sim-c") == venue_of(c, "sim-c"));
  CHECK_FALSE(venue_enabled(back, "sim-c"));
  // A venue name that needs quoting as a key.
  auto d = default_config();
  d.sim.venues[0].name = "sim.a";
  d.venues["sim.a"].enabled = false;
  auto quoted = to_toml(d);
  CHECK(contains(quoted, "[venues.\"sim.a\"]\nenabled = false\n"));
  auto e = load_config_string(quoted, "q.toml");
  REQUIRE_MESSAGE(e.has_value(), (e ? "" : e.error().message));
  CHECK_FALSE(venue_enabled(*e, "sim.a"));
}

TEST_CASE("explicit pairs on a disabled venue are skipped, not an error") {
  auto c = load(R"([venues.sim-c]
enabled = false

[[pairs]]
symbol = "BTC-PERP"
venue_a = "sim-a"
venue_b = "sim-c"

[[pairs]]
symbol = "ETH-PERP"
venue_a = "sim-a"
venue_b = "sim-b"
)");
  auto skipped = skipped_pairs(c);
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0] == "pairs[0] BTC-PERP:sim-a/sim-c (venue sim-c is disabled)");
  CHECK_FALSE(validate(c));
}

TEST_CASE("[web] ui_dir and equity_sample_s") {
  auto c = default_config();
  CHECK(c.web.ui_dir.empty());
  CHECK(c.web.equity_sample_s == 5);
  auto l = load("[web]\nui_dir = \"/srv/xarb-ui\"\nequity_sample_s = 60\n");
  CHECK(l.web.ui_dir == "/srv/xarb-ui");
  CHECK(l.web.equity_sample_s == 60);
  CHECK(contains(errors_of("[web]\nequity_sample_s = 0\n"),
                 "web.equity_sample_s: must be between 1 and 3600 (got 0)"));
  CHECK(contains(errors_of("[web]\nequity_sample_s = 3601\n"), "web.equity_sample_s"));
  CHECK(contains(errors_of("[web]\nui_dir = 1\n"), "web.ui_dir: expected a string"));
}

}
