// Real venues in the config (issue 9): [venues.<name>] market_data = "live"
// with adapter, network, endpoints, symbols, proxy, CA file and fees; the
// helpers that tell live from simulated venues; cross references that accept
// live venues; masking of a proxy's user:pass; [market.canonical_units]; and
// deploy/examples/live-paper.toml (nodes/config_venues.cpp).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <simdjson.h>

#include "nodes/config.hpp"
#include "nodes/config_save.hpp"
#include "tests/nodes/config_helpers.hpp"

using namespace xarb;
using xarb::test::contains;
using xarb::test::errors_of;

namespace {

namespace fs = std::filesystem;

const std::string live_example = std::string{XARB_SOURCE_DIR} + "/deploy/examples/live-paper.toml";
const std::string main_example = std::string{XARB_SOURCE_DIR} + "/deploy/xarb.example.toml";

const std::string adapters = "aster, backpack, binance, bitget, bybit, edgex, grvt, hyperliquid, "
                             "lighter, okx, paradex";

node_config load(std::string_view toml) {
  auto res = load_config_string(toml, "t.toml");
  REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
  return *res;
}

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

/// A file that exists for the test's lifetime (a CA bundle stand-in).
struct temp_file {
  fs::path path;
  temp_file() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("xarb-ca-" + std::to_string(rd()) + ".pem");
    std::ofstream{path} << "-----BEGIN CERTIFICATE-----\n";
  }
  ~temp_file() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

/// A string member of GET /api/config, by path.
std::string json_string(const std::string& json, std::initializer_list<const char*> path) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  REQUIRE(parser.parse(json).get(e) == simdjson::SUCCESS);
  for (auto* key : path)
    REQUIRE(e[key].get(e) == simdjson::SUCCESS);
  std::string_view v;
  REQUIRE(e.get(v) == simdjson::SUCCESS);
  return std::string{v};
}

constexpr const char* proxy_password = "pr0xy-S3CRET";

} // namespace

TEST_SUITE("config: live venues") {

TEST_CASE("a live venue needs no [[sim.venues]] entry; unset keys keep their defaults") {
  auto c = load("[venues.binance]\nmarket_data = \"live\"\n");
  CHECK(venue_is_live(c, "binance"));
  CHECK_FALSE(venue_is_live(c, "sim-a"));
  CHECK_FALSE(venue_is_live(c, "nowhere"));
  CHECK(venue_known(c, "binance"));
  CHECK(venue_known(c, "sim-a"));
  CHECK_FALSE(venue_known(c, "nowhere"));
  CHECK(venue_adapter(c, "binance") == "binance");
  auto& v = venue_of(c, "binance");
  CHECK(v.adapter.empty());
  CHECK(v.network == "mainnet");
  CHECK(v.ws_url.empty());
  CHECK(v.rest_url.empty());
  CHECK(v.symbols.empty());
  CHECK(v.proxy.empty());
  CHECK(v.ca_file.empty());
  CHECK_FALSE(v.maker_fee.has_value());
  CHECK_FALSE(v.taker_fee.has_value());
  CHECK(live_venues(c) == std::vector<std::string>{"binance"});
  CHECK(enabled_venues(c) == std::vector<std::string>{"sim-a", "sim-b", "sim-c", "binance"});
  CHECK(contains(describe(c), "venues.live=[binance]"));
}

TEST_CASE("every live key is read, and to_toml round-trips it exactly") {
  temp_file ca;
  auto c = load(R"([venues.okx-mock]
market_data = "live"
adapter = "okx"
network = "testnet"
ws_url = "ws://127.0.0.1:9101/ws/v5/public"
rest_url = "http://[::1]:9101"
symbols = ["BTC-PERP", "1000PEPE-PERP", "ETH-PERP"]
proxy = "http://user:)" + std::string{proxy_password} + R"(@10.0.0.5:3128"
ca_file = ")" + ca.path.string() + R"("
maker_fee = "-0.0001"
taker_fee = 0
api_key = "k"
)");
  auto& v = venue_of(c, "okx-mock");
  CHECK(v.adapter == "okx");
  CHECK(venue_adapter(c, "okx-mock") == "okx");
  CHECK(v.network == "testnet");
  CHECK(v.ws_url == "ws://127.0.0.1:9101/ws/v5/public");
  CHECK(v.rest_url == "http://[::1]:9101");
  CHECK(v.symbols == std::vector<std::string>{"BTC-PERP", "1000PEPE-PERP", "ETH-PERP"});
  CHECK(v.proxy == "http://user:" + std::string{proxy_password} + "@10.0.0.5:3128");
  CHECK(v.ca_file == ca.path.string());
  REQUIRE(v.maker_fee.has_value());
  CHECK(*v.maker_fee == ratio::from_string("-0.0001").value());
  REQUIRE(v.taker_fee.has_value());
  CHECK(*v.taker_fee == ratio::zero()); // an explicit 0 is not "unset"
  auto text = to_toml(c);
  CHECK(contains(text, "[venues.okx-mock]\nenabled = true\nmarket_data = \"live\"\nadapter = \"okx\"\n"
                       "network = \"testnet\"\n"));
  CHECK(contains(text, "symbols = [\"BTC-PERP\", \"1000PEPE-PERP\", \"ETH-PERP\"]\n"));
  CHECK(contains(text, "maker_fee = \"-0.0001\"\ntaker_fee = \"0\"\n"));
  CHECK(contains(text, proxy_password)); // the file format keeps the secret
  auto back = load(text);
  CHECK(to_toml(back) == text);
  CHECK(venue_of(back, "okx-mock") == v);
  // The simulated venues' tables are written too (their defaults).
  CHECK(back.venues.size() == c.venues.size() + c.sim.venues.size());
}

TEST_CASE("enabled_venues: simulated ones in config order, then the enabled live ones sorted") {
  auto c = load(R"([venues.sim-b]
market_data = "live"
adapter = "okx"

[venues.zeta]
market_data = "live"
adapter = "bybit"

[venues.binance]
market_data = "live"

[venues.bybit]
market_data = "live"
enabled = false

[venues.aster-x]
market_data = "live"
adapter = "aster"

[venues.sim-c]
enabled = false
)");
  CHECK(live_venues(c) == std::vector<std::string>{"aster-x", "binance", "sim-b", "zeta"});
  CHECK(enabled_venues(c)
        == std::vector<std::string>{"sim-a", "aster-x", "binance", "sim-b", "zeta"});
  CHECK(venue_is_live(c, "bybit")); // live, but disabled
  CHECK(venue_adapter(c, "sim-b") == "okx");
  CHECK(venue_adapter(c, "zeta") == "bybit");
  auto line = describe(c);
  CHECK(contains(line, "venues.live=[sim-b(okx),aster-x(aster),binance,bybit,zeta(bybit)]"));
  CHECK(contains(line, "venues.disabled=[sim-c,bybit]"));
  CHECK(effective_data_mode(c) == "mixed"); // sim-a is still simulated
}

TEST_CASE("effective_data_mode: sim, mixed, live") {
  CHECK(effective_data_mode(load("")) == "sim");
  auto all_live = load(R"([venues.sim-a]
enabled = false
[venues.sim-b]
enabled = false
[venues.sim-c]
enabled = false
[venues.binance]
market_data = "live"
)");
  CHECK(effective_data_mode(all_live) == "live");
  auto one_sim = load(R"([venues.sim-a]
enabled = false
[venues.sim-b]
enabled = false
[venues.binance]
market_data = "live"
)");
  CHECK(effective_data_mode(one_sim) == "mixed");
}

TEST_CASE("the live rules: every problem, with its key") {
  auto err = errors_of(R"([venues.foo]
market_data = "live"

[venues.bar]
market_data = "live"
adapter = "ftx"

[venues.binance]
market_data = "live"
network = "devnet"
ws_url = "http://fstream.binance.com/ws"
rest_url = "ws://127.0.0.1:9101"
symbols = ["BTC-PERP", "btc-perp", "BTC-PERP", "BTCUSDT", "-PERP"]
maker_fee = "0.02"
taker_fee = "-0.011"
)");
  CHECK(contains(err, "t.toml:1:1: venues.foo.adapter: \"foo\" is not a venue adapter: set "
                      "adapter to one of " + adapters + " (or market_data = \"sim\")"));
  CHECK(contains(err, "t.toml:6:11: venues.bar.adapter: unknown adapter \"ftx\" (one of " + adapters
                      + ")"));
  CHECK(contains(err, "venues.binance.network: must be one of mainnet, testnet (got \"devnet\")"));
  CHECK(contains(err, "venues.binance.ws_url: must be ws://HOST[:PORT][/PATH] or "
                      "wss://HOST[:PORT][/PATH] (the scheme is http)"));
  CHECK(contains(err, "venues.binance.rest_url: must be http://HOST[:PORT][/PATH] or "
                      "https://HOST[:PORT][/PATH] (the scheme is ws)"));
  CHECK(contains(err, "venues.binance.symbols[1]: \"btc-perp\" is not a canonical symbol "
                      "(BASE-PERP, base in upper case: \"BTC-PERP\")"));
  CHECK(contains(err, "venues.binance.symbols[2]: \"BTC-PERP\" is given twice"));
  CHECK(contains(err, "venues.binance.symbols[3]: \"BTCUSDT\" is not a canonical symbol"));
  CHECK(contains(err, "venues.binance.symbols[4]: \"-PERP\" is not a canonical symbol"));
  CHECK(contains(err, "venues.binance.maker_fee: must be between -0.01 and 0.01 (got 0.02)"));
  CHECK(contains(err, "venues.binance.taker_fee: must be between -0.01 and 0.01 (got -0.011)"));
}

TEST_CASE("endpoint URLs: host, port, IPv6, path; no credentials, never quoted") {
  auto ok = load(R"([venues.a]
market_data = "live"
adapter = "binance"
ws_url = "wss://fstream.binance.com/stream?streams=btcusdt@depth"
rest_url = "https://fapi.binance.com"

[venues.b]
market_data = "live"
adapter = "okx"
ws_url = "ws://[::1]:9101"
rest_url = "http://localhost:65535/api/"
)");
  CHECK(venue_of(ok, "a").ws_url == "wss://fstream.binance.com/stream?streams=btcusdt@depth");
  auto bad = [](const std::string& key, const std::string& url) {
    return errors_of("[venues.binance]\nmarket_data = \"live\"\n" + key + " = \"" + url + "\"\n");
  };
  CHECK(contains(bad("ws_url", "127.0.0.1:9101"), "venues.binance.ws_url: must be ws://HOST"));
  CHECK(contains(bad("ws_url", "ws://:9101"), "venues.binance.ws_url: has no host"));
  CHECK(contains(bad("ws_url", "ws://host:0"), "venues.binance.ws_url: has an invalid port (1..65535)"));
  CHECK(contains(bad("ws_url", "ws://host:70000"), "has an invalid port (1..65535)"));
  CHECK(contains(bad("ws_url", "ws://host:9x"), "has an invalid port (1..65535)"));
  CHECK(contains(bad("ws_url", "ws://[::1:9101"), "has an unclosed IPv6 literal"));
  CHECK(contains(bad("ws_url", "ws://ho st"), "must not contain spaces or control characters"));
  CHECK(contains(bad("ws_url", "ws://h*st"), "has an invalid host"));
  auto cred = bad("rest_url", "https://admin:hunter2@api.example.com");
  CHECK(contains(cred, "venues.binance.rest_url: must not hold credentials (user:pass@): use "
                       "api_key/api_secret or proxy"));
  CHECK_FALSE(contains(cred, "hunter2"));
}

TEST_CASE("proxy: http://[user:pass@]host:port; messages never show it") {
  auto ok = load("[venues.binance]\nmarket_data = \"live\"\nproxy = \"http://proxy.lan:3128/\"\n");
  CHECK(venue_of(ok, "binance").proxy == "http://proxy.lan:3128/");
  auto bad = [](const std::string& url) {
    auto e = errors_of("[venues.binance]\nmarket_data = \"live\"\nproxy = \"" + url + "\"\n");
    CHECK_FALSE(contains(e, proxy_password));
    return e;
  };
  const std::string pw = proxy_password;
  CHECK(contains(bad("socks5://u:" + pw + "@h:1080"),
                 "venues.binance.proxy: must be http://[user:pass@]host:port"));
  CHECK(contains(bad("http://u:" + pw + "@h"), "venues.binance.proxy: needs a port (host:port)"));
  CHECK(contains(bad("http://" + pw + "@h:3128"),
                 "venues.binance.proxy: must be http://[user:pass@]host:port (credentials as "
                 "user:pass)"));
  CHECK(contains(bad("http://u:" + pw + "@h:3128/path"),
                 "must be http://[user:pass@]host:port (no path; percent-encode / ? # in "
                 "user:pass)"));
  CHECK(contains(bad("http://<redacted>@h:3128"),
                 "venues.binance.proxy: the credentials are \"<redacted>\" but none are saved: "
                 "give user:pass"));
}

TEST_CASE("ca_file must exist and be a file") {
  temp_file ca;
  CHECK(venue_of(load("[venues.okx]\nmarket_data = \"live\"\nca_file = \"" + ca.path.string()
                      + "\"\n"),
                 "okx")
          .ca_file == ca.path.string());
  CHECK(contains(errors_of("[venues.okx]\nmarket_data = \"live\"\nca_file = \"/nonexistent/ca.pem\"\n"),
                 "venues.okx.ca_file: \"/nonexistent/ca.pem\" does not exist"));
  auto dir = ca.path.parent_path().string();
  CHECK(contains(errors_of("[venues.okx]\nmarket_data = \"live\"\nca_file = \"" + dir + "\"\n"),
                 "venues.okx.ca_file: \"" + dir + "\" is not a file (a PEM bundle)"));
}

TEST_CASE("fees: decimal strings, \"\" = the venue's base tier; types are checked") {
  auto c = load("[venues.bybit]\nmarket_data = \"live\"\nmaker_fee = \"\"\ntaker_fee = \"0.00055\"\n");
  CHECK_FALSE(venue_of(c, "bybit").maker_fee.has_value());
  CHECK(venue_of(c, "bybit").taker_fee == ratio::from_string("0.00055").value());
  auto err = errors_of("[venues.bybit]\nmarket_data = \"live\"\nmaker_fee = 0.0002\n"
                       "taker_fee = \"cheap\"\n");
  CHECK(contains(err, "venues.bybit.maker_fee: write exact decimals as strings, e.g. \"0.0002\""));
  CHECK(contains(err, "venues.bybit.taker_fee: \"cheap\" is not a decimal"));
  CHECK(contains(errors_of("[venues.bybit]\nmarket_data = \"live\"\nsymbols = \"BTC-PERP\"\n"),
                 "venues.bybit.symbols: expected an array of strings, got a string"));
}

TEST_CASE("a simulated venue keeps the live keys at their defaults") {
  auto err = errors_of(R"([venues.sim-a]
adapter = "binance"
network = "testnet"
ws_url = "ws://127.0.0.1:1"
rest_url = "http://127.0.0.1:1"
symbols = ["BTC-PERP"]
proxy = "http://u:pw@h:1"
ca_file = "/x.pem"
maker_fee = "0.0001"
taker_fee = "0.0001"
)");
  for (auto* key : {"adapter", "network", "ws_url", "rest_url", "symbols", "proxy", "ca_file",
                    "maker_fee", "taker_fee"}) {
    CAPTURE(key);
    CHECK(contains(err, std::string{"venues.sim-a."} + key + ": " + key
                          + " is only for market_data = \"live\" (a simulated venue takes it "
                            "from [[sim.venues]] or has none): remove it"));
  }
  CHECK_FALSE(contains(err, "u:pw"));
  // The defaults written out (as to_toml does) are fine.
  auto c = load("[venues.sim-a]\nnetwork = \"mainnet\"\nsymbols = []\nmaker_fee = \"\"\n");
  CHECK_FALSE(venue_is_live(c, "sim-a"));
}

TEST_CASE("a [[sim.venues]] name switched to live with an adapter, and bad live names") {
  auto c = load("[venues.sim-a]\nmarket_data = \"live\"\nadapter = \"hyperliquid\"\n");
  CHECK(venue_is_live(c, "sim-a"));
  CHECK(enabled_venues(c) == std::vector<std::string>{"sim-b", "sim-c", "sim-a"});
  auto err = errors_of("[venues.\"bin ance\"]\nmarket_data = \"live\"\nadapter = \"binance\"\n");
  CHECK(contains(err, "venues.bin ance: a venue name is 1..64 letters, digits, '-', '_' and '.'"));
}

TEST_CASE("at least one venue: live ones count; [[sim.venues]] may be empty with a live venue") {
  auto c = load(R"([venues.sim-a]
enabled = false
[venues.sim-b]
enabled = false
[venues.sim-c]
enabled = false
[venues.okx]
market_data = "live"
)");
  CHECK(enabled_venues(c) == std::vector<std::string>{"okx"});
  auto err = errors_of(R"([venues.sim-a]
enabled = false
[venues.sim-b]
enabled = false
[venues.sim-c]
enabled = false
[venues.okx]
market_data = "live"
enabled = false
)");
  CHECK(contains(err, "venues: at least one venue must stay enabled (every [[sim.venues]] entry "
                      "and every live venue has enabled = false)"));
  auto only_live = load("[sim]\nvenues = []\nsymbols = []\n[venues.okx]\nmarket_data = \"live\"\n");
  CHECK(only_live.sim.venues.empty());
  CHECK(enabled_venues(only_live) == std::vector<std::string>{"okx"});
  CHECK(contains(errors_of("[sim]\nvenues = []\n"),
                 "sim.venues: at least one [[sim.venues]] entry is required (or a "
                 "[venues.<name>] with market_data = \"live\")"));
  // [[sim.symbols]] are needed only while there are simulated venues.
  CHECK(contains(errors_of("[sim]\nsymbols = []\n"),
                 "sim.symbols: at least one [[sim.symbols]] entry is required"));
}

TEST_CASE("pairs, [[risk.venues]], capital pools and fallback leverage accept live venues") {
  auto c = load(R"([venues.binance]
market_data = "live"
[venues.okx]
market_data = "live"
symbols = ["BTC-PERP", "XRP-PERP"]

[[pairs]]
symbol = "XRP-PERP"
venue_a = "binance"
venue_b = "okx"

[[pairs]]
symbol = "BTC-PERP"
venue_a = "sim-a"
venue_b = "okx"

[[risk.venues]]
venue = "binance"
max_leverage = 2

[[risk.capital.pools]]
venue = "okx"
pool = "2500"

[scanner.fallback_leverage]
binance = 20
)");
  REQUIRE(c.pairs.size() == 2);
  CHECK(c.risk.venues.at(0).venue == "binance");
  CHECK(c.scanner.fallback_leverage.at("binance") == 20);
  auto unknown = [](const char* name) {
    return std::string{"unknown venue \""} + name + "\" (neither [[sim.venues]] nor a [venues."
           + name + "] with market_data = \"live\")";
  };
  auto err = errors_of(R"([venues.binance]
market_data = "live"
[venues.okx]
market_data = "live"
symbols = ["BTC-PERP"]
[venues.bybit]
market_data = "sim"

[[pairs]]
symbol = "ETH-PERP"
venue_a = "binance"
venue_b = "okx"

[[pairs]]
symbol = "btc"
venue_a = "binance"
venue_b = "kraken"

[[pairs]]
symbol = "XRP-PERP"
venue_a = "sim-a"
venue_b = "binance"

[[risk.venues]]
venue = "kraken"

[[risk.capital.pools]]
venue = "bybit"
pool = "1"

[scanner.fallback_leverage]
ftx = 3
)");
  CHECK(contains(err, "pairs[0].venue_b: venue \"okx\" does not watch \"ETH-PERP\" (add it to "
                      "[venues.okx] symbols)"));
  CHECK(contains(err, "pairs[1].symbol: \"btc\" is not a canonical symbol (BASE-PERP, base in "
                      "upper case: \"BTC-PERP\")"));
  CHECK(contains(err, "pairs[1].venue_b: " + unknown("kraken")));
  CHECK(contains(err, "pairs[2].symbol: unknown symbol \"XRP-PERP\" (not in [[sim.symbols]])"));
  CHECK(contains(err, "risk.venues[0].venue: " + unknown("kraken")));
  // A [venues.X] table with market_data = "sim" does not make X a venue.
  CHECK(contains(err, "venues.bybit: unknown venue \"bybit\" (not in [[sim.venues]]; a real venue "
                      "needs market_data = \"live\")"));
  CHECK(contains(err, "risk.capital.pools[0].venue: " + unknown("bybit")));
  CHECK(contains(err, "scanner.fallback_leverage.ftx: " + unknown("ftx")));
}

TEST_CASE("a pair on a disabled live venue is skipped, not an error") {
  auto c = load(R"([venues.binance]
market_data = "live"
enabled = false
[venues.okx]
market_data = "live"

[[pairs]]
symbol = "BTC-PERP"
venue_a = "binance"
venue_b = "okx"
)");
  CHECK(skipped_pairs(c)
        == std::vector<std::string>{"pairs[0] BTC-PERP:binance/okx (venue binance is disabled)"});
}

TEST_CASE("proxy credentials are masked in describe, JSON and the stored copy") {
  const std::string pw = proxy_password;
  auto c = load(R"([venues.binance]
market_data = "live"
proxy = "http://trader:)" + pw + R"(@10.0.0.5:3128"
[venues.okx]
market_data = "live"
proxy = "http://proxy.lan:8080"
ws_url = "ws://127.0.0.1:9101"
)");
  CHECK(redact_url_credentials("http://trader:" + pw + "@10.0.0.5:3128")
        == "http://<redacted>@10.0.0.5:3128");
  CHECK(redact_url_credentials("http://a:b@c@h:1/") == "http://<redacted>@h:1/");
  CHECK(redact_url_credentials("http://proxy.lan:8080") == "http://proxy.lan:8080");
  CHECK(redact_url_credentials("wss://h/stream?s=btc@depth") == "wss://h/stream?s=btc@depth");
  CHECK(redact_url_credentials("u:p@h:1") == "<redacted>@h:1");
  CHECK(redact_url_credentials("") == "");

  auto line = describe(c);
  CHECK_FALSE(contains(line, pw));
  CHECK(contains(line, "venues.proxy=[binance=http://<redacted>@10.0.0.5:3128,"
                       "okx=http://proxy.lan:8080]"));
  CHECK(contains(line, "venues.live=[binance,okx(ws://127.0.0.1:9101)]"));

  auto json = config_to_json(c);
  CHECK_FALSE(contains(json, pw));
  CHECK(json_string(json, {"venues", "binance", "proxy"}) == "http://<redacted>@10.0.0.5:3128");
  CHECK(json_string(json, {"venues", "okx", "proxy"}) == "http://proxy.lan:8080");
  CHECK(json_string(json, {"venues", "okx", "ws_url"}) == "ws://127.0.0.1:9101");

  auto stored = to_toml(redact_secrets(c));
  CHECK_FALSE(contains(stored, pw));
  CHECK(contains(stored, "proxy = \"http://<redacted>@10.0.0.5:3128\""));
  CHECK(contains(stored, "proxy = \"http://proxy.lan:8080\""));
}

TEST_CASE("POST /api/config merge: live keys settable, a masked proxy keeps its user:pass") {
  const std::string pw = proxy_password;
  const std::string base = "[venues.binance]\nmarket_data = \"live\"\nproxy = \"http://trader:" + pw
                           + "@10.0.0.5:3128\"\n";
  auto checked = [](const merged_toml& m) {
    REQUIRE(m.errors.empty());
    return check_config_text(m.text, "/data/xarb.toml");
  };
  // The GET shape sent back unchanged keeps the saved value.
  auto same = checked(merge_config_patch(base, R"({"venues":{"binance":{
    "proxy":"http://<redacted>@10.0.0.5:3128","symbols":["BTC-PERP"],"maker_fee":"0.0001"},
    "okx-mock":{"market_data":"live","adapter":"okx","ws_url":"ws://127.0.0.1:9101",
    "rest_url":"http://127.0.0.1:9101","network":"testnet"}}})"));
  REQUIRE(same.errors.empty());
  CHECK(venue_of(same.cfg, "binance").proxy == "http://trader:" + pw + "@10.0.0.5:3128");
  CHECK(venue_of(same.cfg, "binance").symbols == std::vector<std::string>{"BTC-PERP"});
  CHECK(venue_of(same.cfg, "binance").maker_fee == ratio::from_string("0.0001").value());
  CHECK(venue_of(same.cfg, "okx-mock").adapter == "okx");
  CHECK(venue_of(same.cfg, "okx-mock").network == "testnet");
  CHECK(live_venues(same.cfg) == std::vector<std::string>{"binance", "okx-mock"});
  // "<redacted>" alone keeps it too.
  auto whole = checked(merge_config_patch(base, R"({"venues":{"binance":{"proxy":"<redacted>"}}})"));
  CHECK(venue_of(whole.cfg, "binance").proxy == "http://trader:" + pw + "@10.0.0.5:3128");
  // A new host keeps the saved user:pass.
  auto moved = checked(merge_config_patch(
    base, R"({"venues":{"binance":{"proxy":"http://<redacted>@proxy2.lan:8080"}}})"));
  REQUIRE(moved.errors.empty());
  CHECK(venue_of(moved.cfg, "binance").proxy == "http://trader:" + pw + "@proxy2.lan:8080");
  // New credentials replace the saved ones; "" removes the proxy.
  auto fresh = checked(merge_config_patch(
    base, R"({"venues":{"binance":{"proxy":"http://ops:new@proxy2.lan:8080"}}})"));
  CHECK(venue_of(fresh.cfg, "binance").proxy == "http://ops:new@proxy2.lan:8080");
  auto none = checked(merge_config_patch(base, R"({"venues":{"binance":{"proxy":""}}})"));
  CHECK(venue_of(none.cfg, "binance").proxy.empty());
  // A masked proxy where none with credentials is saved: refused, by path.
  auto orphan = checked(merge_config_patch(
    "", R"({"venues":{"okx":{"market_data":"live","proxy":"http://<redacted>@h:3128"}}})"));
  REQUIRE(orphan.errors.size() == 1);
  CHECK(orphan.errors[0] == "venues.okx.proxy: the credentials are \"<redacted>\" but none are "
                            "saved: give user:pass");
  // The save's reply (config_json) and differences never show the password.
  auto json = config_to_json(moved.cfg);
  CHECK_FALSE(contains(json, pw));
  CHECK(json_string(json, {"venues", "binance", "proxy"}) == "http://<redacted>@proxy2.lan:8080");
  auto before = load_config_string(base, "b.toml");
  REQUIRE(before.has_value());
  CHECK(config_differences(*before, moved.cfg)
        == std::vector<std::string>{"venues.binance.proxy"});
}

TEST_CASE("[market.canonical_units]: read, checked, over the built-in table") {
  auto c = load(R"([market.canonical_units]
FOO = 10
SHIB = 1
"1000X" = 1000000
)");
  CHECK(c.market.canonical_units
        == std::map<std::string, int64_t, std::less<>>{{"1000X", 1'000'000}, {"FOO", 10}, {"SHIB", 1}});
  auto t = canonical_unit_table(c);
  CHECK(t.of("FOO") == ratio::from_units(10));
  CHECK(t.of("SHIB") == ratio::from_units(1));        // overridden
  CHECK(t.of("PEPE") == ratio::from_units(1000));     // built in
  CHECK(t.of("MOG") == ratio::from_units(1'000'000)); // built in
  CHECK(t.of("BTC") == ratio::from_units(1));
  CHECK(canonical_unit_table(default_config()).units == venues::unit_table::defaults().units);
  auto text = to_toml(c);
  CHECK(contains(text, "[market.canonical_units]\n1000X = 1000000\nFOO = 10\nSHIB = 1\n"));
  CHECK(load(text).market == c.market);
  CHECK(contains(describe(c), "market.canonical_units={1000X:1000000,FOO:10,SHIB:1}"));
  {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(config_to_json(c)).get(doc) == simdjson::SUCCESS);
    int64_t foo = 0, x = 0;
    CHECK(doc["market"]["canonical_units"]["FOO"].get(foo) == simdjson::SUCCESS);
    CHECK(doc["market"]["canonical_units"]["1000X"].get(x) == simdjson::SUCCESS);
    CHECK(foo == 10);
    CHECK(x == 1'000'000);
  }
  auto err = errors_of(R"([market.canonical_units]
pepe = 1000
BONK = 0
WIF = 2000000000
DOGE = "1000"
SATS = 1000.0
)");
  CHECK(contains(err, "t.toml:2:8: market.canonical_units.pepe: a base asset is 1..32 upper-case "
                      "letters and digits (\"PEPE\")"));
  CHECK(contains(err, "market.canonical_units.BONK: must be between 1 and 1000000000 coins (got 0)"));
  CHECK(contains(err, "market.canonical_units.WIF: must be between 1 and 1000000000 coins (got "
                      "2000000000)"));
  CHECK(contains(err, "market.canonical_units.DOGE: expected an integer, got a string"));
  CHECK(contains(err, "market.canonical_units.SATS: expected an integer, got a float"));
  CHECK(contains(errors_of("[market]\ncanonical_units = 5\n"),
                 "market.canonical_units: expected a table, got an integer"));
}

TEST_CASE("deploy/examples/live-paper.toml: 11 live venues on mainnet, paper, valid") {
  auto res = load_config_file(live_example);
  REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
  auto& c = *res;
  const std::vector<std::string> all{"aster",       "backpack", "binance", "bitget",
                                     "bybit",       "edgex",    "grvt",    "hyperliquid",
                                     "lighter",     "okx",      "paradex"};
  CHECK(c.sim.venues.empty());
  CHECK(live_venues(c) == all);
  CHECK(enabled_venues(c) == all);
  for (auto& name : all) {
    CAPTURE(name);
    auto& v = venue_of(c, name);
    CHECK(v.network == "mainnet");
    CHECK(v.adapter.empty());
    CHECK(v.ws_url.empty());
    CHECK(v.symbols == std::vector<std::string>{"BTC-PERP", "ETH-PERP", "SOL-PERP"});
    CHECK(v.api_key.empty());
  }
  CHECK(c.market.execution == "paper");
  CHECK(c.scanner.enabled);
  REQUIRE(c.pairs.size() == 5);
  CHECK(c.pairs[0].symbol == "BTC-PERP");
  CHECK(c.pairs[0].venue_a == "binance");
  CHECK(c.pairs[0].venue_b == "okx");
  CHECK(skipped_pairs(c).empty());
  CHECK_FALSE(validate(c));
  auto again = load_config_string(to_toml(c), "printed.toml");
  REQUIRE_MESSAGE(again.has_value(), (again ? "" : again.error().message));
  CHECK(to_toml(*again) == to_toml(c));
}

TEST_CASE("the commented live venue examples of deploy/xarb.example.toml are valid") {
  // Each "# [venues.X]" block, uncommented, appended to the defaults.
  std::istringstream in{read_file(main_example)};
  std::string toml;
  int blocks = 0;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# [venues.", 0) == 0) {
      inside = true;
      ++blocks;
    }
    if (inside && line.rfind("# ", 0) == 0 && line.find(" = ") != std::string::npos
        && line.rfind("# [", 0) != 0)
      toml += line.substr(2) + "\n";
    else if (inside && line.rfind("# [", 0) == 0)
      toml += line.substr(2) + "\n";
    else if (inside && line.rfind("#", 0) != 0)
      inside = false;
    else if (inside && line == "#")
      inside = false; // a blank comment line ends a block
  }
  CHECK(blocks == 2);
  auto c = load(toml);
  CHECK(live_venues(c) == std::vector<std::string>{"binance", "binance-mock"});
  CHECK(venue_of(c, "binance").proxy == "http://user:pass@10.0.0.5:3128");
  CHECK(venue_adapter(c, "binance-mock") == "binance");
  CHECK(venue_of(c, "binance-mock").ws_url == "ws://127.0.0.1:9101");
}

}
