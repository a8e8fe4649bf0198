#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "nodes/config.hpp"
#include "tests/nodes/config_helpers.hpp"

using namespace xarb;
using xarb::test::contains;
using xarb::test::errors_of;

namespace {

const std::string example_path = std::string{XARB_SOURCE_DIR} + "/deploy/xarb.example.toml";

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

// The error text of a config that must fail.
// Line-by-line differences of two TOML dumps, for readable failures.
std::string differences(const std::string& a, const std::string& b) {
  auto la = lines_of(a);
  auto lb = lines_of(b);
  std::string out;
  for (std::size_t i = 0; i < std::max(la.size(), lb.size()); ++i) {
    auto x = i < la.size() ? la[i] : "<none>";
    auto y = i < lb.size() ? lb[i] : "<none>";
    if (x != y)
      out += "line " + std::to_string(i + 1) + ": '" + x + "' vs '" + y + "'\n";
  }
  return out;
}

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    if (auto i = vars.find(name); i != vars.end())
      return i->second;
    return std::nullopt;
  };
}

} // namespace

TEST_SUITE("config: defaults and the example file") {

TEST_CASE("default_config has the documented values and is valid") {
  auto c = default_config();
  CHECK(c.node.name == "xarb");
  CHECK(c.node.data_dir == "./data");
  CHECK(c.node.log_level == "info");
  CHECK_FALSE(c.node.log_json);
  CHECK(c.web.listen == "127.0.0.1:8080");
  CHECK(c.scheduler.max_threads == 0);
  CHECK(c.scheduler.policy == "stealing");
  CHECK_FALSE(c.scheduler.low_latency);
  CHECK_FALSE(c.scheduler.inline_decisions);
  CHECK(c.supervision.max_restarts == 5);
  CHECK(c.supervision.period_s == 30);
  CHECK(c.supervision.backoff_initial_ms == 100);
  CHECK(c.supervision.backoff_max_ms == 10000);
  CHECK(c.shutdown.grace_ms == 5000);
  CHECK(c.market.data == "sim");
  CHECK(c.market.execution == "paper");
  CHECK(c.market.consistency_check_s == 60);
  // [risk] is core/risk's default, unchanged (tuned there, not here).
  CHECK(c.risk == risk::risk_config{});
  // [strategy] is params.hpp's default, unchanged (tuned there, not here).
  CHECK(c.strategy == strategy::pair_params{});
  CHECK(c.strategy.signal.window == 240);
  CHECK(c.strategy.order_notional == money::from_units(1000));
  CHECK(c.pairs.empty());
  // The sim section is the simulator's own embedded default.
  CHECK(to_toml(c) == to_toml([] {
          node_config x;
          x.sim = sim::default_world_config();
          return x;
        }()));
  CHECK(c.sim.symbols.size() >= 5);
  CHECK(c.sim.venues.size() >= 3);
  CHECK_FALSE(validate(c));
}

TEST_CASE("an empty file gives the defaults") {
  auto res = load_config_string("", "empty.toml");
  REQUIRE(res.has_value());
  CHECK(to_toml(*res) == to_toml(default_config()));
}

TEST_CASE("deploy/xarb.example.toml parses and equals default_config()") {
  auto res = load_config_file(example_path);
  REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
  auto& c = *res;
  auto d = default_config();
  // to_toml prints every field (a static_assert in config_toml.cpp keeps it
  // complete), so equal text means equal configs.
  auto diff = differences(to_toml(c), to_toml(d));
  CHECK_MESSAGE(diff.empty(), "example (left) vs default_config() (right):\n" << diff);
  REQUIRE(c.sim.venues.size() == d.sim.venues.size());
  for (std::size_t i = 0; i < c.sim.venues.size(); ++i) {
    CHECK(c.sim.venues[i].name == d.sim.venues[i].name);
    CHECK(c.sim.venues[i].maker_fee == d.sim.venues[i].maker_fee);
    CHECK(c.sim.venues[i].contracts.size() == d.sim.venues[i].contracts.size());
  }
  CHECK(c.sim.symbols[0].start_price == d.sim.symbols[0].start_price);
  CHECK(c.sim.correlation == d.sim.correlation);
}

TEST_CASE("the example file documents every key") {
  auto example = lines_of(read_file(example_path));
  REQUIRE(example.size() > 50);
  // Every key the writer emits (with a pair so [[pairs]] keys appear too).
  auto cfg = default_config();
  cfg.pairs.push_back({"BTC-PERP", "sim-a", "sim-b"});
  // ... and the [risk] lists that are empty by default.
  cfg.risk.capital.pools.push_back({"sim-a", money::from_units(5000)});
  cfg.risk.venues.push_back(risk::venue_settings(cfg.risk, "sim-a"));
  cfg.risk.venues[0].rate_limits.orders_per_s = 5;
  // ... and [market.canonical_units], empty by default.
  cfg.market.canonical_units["PEPE"] = 1000;
  std::set<std::string> keys;
  for (auto& line : lines_of(to_toml(cfg)))
    if (auto eq = line.find(" = "); eq != std::string::npos)
      keys.insert(line.substr(0, eq));
  REQUIRE(keys.size() > 40);
  for (auto& key : keys) {
    INFO("key: " << key);
    bool documented = false;
    for (std::size_t i = 0; i < example.size() && !documented; ++i) {
      auto line = example[i];
      if (line.rfind("# ", 0) == 0)
        line = line.substr(2); // commented-out example ([[pairs]])
      if (line.rfind(key + " = ", 0) != 0)
        continue;
      bool trailing = line.find(" # ", key.size()) != std::string::npos;
      bool above = i > 0 && example[i - 1].rfind("#", 0) == 0;
      documented = trailing || above;
    }
    CHECK(documented);
  }
}

TEST_CASE("to_toml round-trips a modified config exactly") {
  auto c = default_config();
  c.node.name = "node-7";
  c.node.data_dir = "/var/lib/xarb \"q\"\\x";
  c.node.log_json = true;
  c.web.listen = "[::1]:0";
  c.scheduler.max_threads = 3;
  c.scheduler.policy = "sharing";
  c.strategy.order_notional = money::from_string("2500.5").value();
  c.sim.correlation = 0.123456789012345;
  c.sim.seed = 18446744073709551615ull >> 1;
  c.sim.venues[1].update_hz = 1e-2;
  c.sim.venues[2].contracts.clear();
  c.strategy.mode = strategy::trade_mode::zero_wear;
  c.strategy.signal.model = strategy::signal_model::vol_adjusted;
  c.strategy.signal.z_exit = -0.1;
  c.strategy.leg_timeout_ns = 25'500'000;   // not whole ms: written as 25.5
  c.strategy.max_hold_ns = 90'123'456'789; // not whole s
  c.pairs = {{"ETH-PERP", "sim-c", "sim-a", c.strategy}, {"BTC-PERP", "sim-a", "sim-b", c.strategy}};
  c.pairs[1].params.style = strategy::exec_style::maker_taker;
  c.pairs[1].params.maker = strategy::maker_leg::b;
  c.pairs[1].params.hard_delta_notional = money::from_string("7000.25").value();
  c.pairs[1].params.signal.persist_samples = 5;
  c.pairs[1].params.signal.cooldown_ns = 1'500'000'000;
  auto text = to_toml(c);
  auto back = load_config_string(text, "roundtrip.toml");
  REQUIRE_MESSAGE(back.has_value(), (back ? "" : back.error().message));
  CHECK(to_toml(*back) == text);
  CHECK(back->node.data_dir == "/var/lib/xarb \"q\"\\x");
  CHECK(back->sim.correlation == 0.123456789012345);
  CHECK(back->pairs == c.pairs);
  CHECK(back->strategy == c.strategy);
  CHECK(back->sim.venues[2].contracts.empty());
  CHECK(contains(text, "leg_timeout_ms = 25.5\n"));
  CHECK(contains(text, "max_hold_s = 90.123456789\n"));
  // A pair prints only what differs from [strategy].
  CHECK(contains(text, R"([[pairs]]
symbol = "ETH-PERP"
venue_a = "sim-c"
venue_b = "sim-a"

[[pairs]]
symbol = "BTC-PERP"
venue_a = "sim-a"
venue_b = "sim-b"
style = "maker_taker"
maker = "b"
hard_delta_notional = "7000.25"

[pairs.signal]
persist_samples = 5
cooldown_s = 1.5
)"));
}

TEST_CASE("pairs built in code with default params round-trip against a changed [strategy]") {
  auto c = default_config();
  c.strategy.order_notional = money::from_units(50);
  c.strategy.max_position_notional = money::from_units(100);
  c.pairs = {{"BTC-PERP", "sim-a", "sim-b"}}; // params: params.hpp defaults
  auto back = load_config_string(to_toml(c), "roundtrip.toml");
  REQUIRE_MESSAGE(back.has_value(), (back ? "" : back.error().message));
  CHECK(back->pairs == c.pairs);
  CHECK(back->pairs[0].params.order_notional == money::from_units(1000));
  CHECK(back->strategy.order_notional == money::from_units(50));
}

TEST_CASE("missing keys and sections keep their defaults") {
  auto res = load_config_string(R"(
[web]
listen = "0.0.0.0:9000"

[strategy]
order_notional = 250

[[sim.venues]]
name = "solo"
tick_scale = "0.0001"
maker_fee = "0"
taker_fee = "0.0005"
)",
                                "partial.toml");
  REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
  CHECK(res->web.listen == "0.0.0.0:9000");
  CHECK(res->strategy.order_notional == money::from_units(250));
  CHECK(res->strategy.signal.window == 240);
  CHECK(res->node.name == "xarb");
  // [[sim.venues]] replaced the list; unlisted venue keys take struct defaults.
  REQUIRE(res->sim.venues.size() == 1);
  auto& v = res->sim.venues[0];
  sim::venue_config fresh;
  CHECK(v.latency_ms == fresh.latency_ms);
  CHECK(v.levels == fresh.levels);
  CHECK(v.native_format == fresh.native_format);
  CHECK(v.contracts.empty());
  // Symbols were not given: the default list stays.
  CHECK(res->sim.symbols.size() == default_config().sim.symbols.size());
}

TEST_CASE("describe is one line with the effective settings") {
  auto c = default_config();
  c.web.listen = "127.0.0.1:9999";
  auto d = describe(c);
  CHECK(d.find('\n') == std::string::npos);
  CHECK(contains(d, "web.listen=127.0.0.1:9999"));
  CHECK(contains(d, "market.data=sim"));
  CHECK(contains(d, "sim.venues=[sim-a,sim-b,sim-c]"));
  CHECK(contains(d, "pairs=all"));
  CHECK(contains(d, "strategy=normal_arb/taker_taker/zscore"));
  c.pairs = {{"BTC-PERP", "sim-a", "sim-b"}, {"ETH-PERP", "sim-a", "sim-c"}};
  c.pairs[1].params.signal.model = strategy::signal_model::persistent;
  CHECK(contains(describe(c),
                 "pairs=[BTC-PERP:sim-a/sim-b,ETH-PERP:sim-a/sim-c(normal_arb/taker_taker/persistent)]"));
}

}

TEST_SUITE("config: errors") {

TEST_CASE("syntax errors carry line and column") {
  auto e = errors_of("[node]\nname = \"x\"\nbroken = = 3\n");
  CHECK(e.rfind("t.toml:3:", 0) == 0);
  CHECK(contains(e, "TOML syntax error"));
}

TEST_CASE("unknown keys anywhere, with a suggestion") {
  auto e = errors_of(R"([node]
nmae = "x"
[webb]
listen = "1"
[[sim.venues]]
name = "v"
tick_scale = "0.001"
maker_fee = "0"
taker_fee = "0"
latency = 3
[[sim.venues.contracts]]
symbol = "BTC-PERP"
multipler = "1"
)");
  CHECK(contains(e, "t.toml:2:1: node.nmae: unknown key (did you mean 'name'?)"));
  CHECK(contains(e, "t.toml:3:2: webb: unknown key (did you mean 'web'?)"));
  CHECK(contains(e, "sim.venues[0].latency: unknown key (did you mean 'latency_ms'?)"));
  CHECK(contains(e, "sim.venues[0].contracts[0].multipler: unknown key (did you mean 'multiplier'?)"));
  CHECK(lines_of(e).size() == 4);
}

TEST_CASE("wrong types") {
  auto e = errors_of(R"(node = 3
[web]
listen = 8080
[scheduler]
max_threads = "4"
low_latency = 1
[strategy]
order_notional = 1000.5
[strategy.signal]
window = 1.5
[sim]
correlation = "0.5"
symbols = { symbol = "X" }
)");
  CHECK(contains(e, "t.toml:1:8: node: expected a table, got an integer"));
  CHECK(contains(e, "t.toml:3:10: web.listen: expected a string, got an integer"));
  CHECK(contains(e, "scheduler.max_threads: expected an integer, got a string"));
  CHECK(contains(e, "scheduler.low_latency: expected a boolean (true or false), got an integer"));
  CHECK(contains(e, "strategy.order_notional: write exact decimals as strings"));
  CHECK(contains(e, "strategy.signal.window: expected an integer, got a float"));
  CHECK(contains(e, "sim.correlation: expected a number, got a string"));
  CHECK(contains(e, "sim.symbols: expected an array of tables"));
  CHECK(lines_of(e).size() == 8);
}

TEST_CASE("out-of-range values") {
  auto e = errors_of(R"([scheduler]
max_threads = 1000
policy = "fifo"
[supervision]
backoff_initial_ms = 500
backoff_max_ms = 100
[shutdown]
grace_ms = -1
[strategy]
max_tranches = 4
[strategy.signal]
z_exit = 3
[sim]
seed = -1
correlation = 1.5
step_ms = 3000000000
)");
  CHECK(contains(e, "scheduler.max_threads: must be between 0 and 256 (got 1000)"));
  CHECK(contains(e, "scheduler.policy: must be one of stealing, sharing (got \"fifo\")"));
  CHECK(contains(e, "supervision.backoff_max_ms: must be >= backoff_initial_ms (500)"));
  CHECK(contains(e, "shutdown.grace_ms: must be between 0 and 600000 (got -1)"));
  CHECK(contains(e, "t.toml:10:16: strategy.max_tranches: must be between 1 and 3 (got 4)"));
  CHECK(contains(e, "t.toml:12:10: strategy.signal.z_exit: must be < z_entry (2)"));
  CHECK(contains(e, "sim.seed: must not be negative (got -1)"));
  CHECK(contains(e, "sim.correlation: must be between 0 and 1 (got 1.5)"));
  CHECK(contains(e, "sim.step_ms: integer out of range (got 3000000000)"));
  // Locations point at the offending values.
  CHECK(contains(e, "t.toml:2:15: scheduler.max_threads"));
  CHECK(contains(e, "t.toml:15:15: sim.correlation"));
}

TEST_CASE("non-finite numbers and venue ranges") {
  auto e = errors_of(R"([[sim.venues]]
name = "v"
tick_scale = "2"
maker_fee = "0.5"
taker_fee = "-0.001"
levels = 5
update_hz = nan
basis_vol_bps = inf
gap_probability = 1.5
lot_decimals = 12
)");
  CHECK(contains(e, "sim.venues[0].tick_scale: must be at most 1"));
  CHECK(contains(e, "sim.venues[0].maker_fee: must be between -0.01 and 0.01 (got 0.5)"));
  CHECK(contains(e, "sim.venues[0].taker_fee: must be between 0 and 0.01 (got -0.001)"));
  CHECK(contains(e, "sim.venues[0].levels: must be between 20 and 1000 (got 5)"));
  CHECK(contains(e, "sim.venues[0].update_hz: must be a finite number"));
  CHECK(contains(e, "sim.venues[0].basis_vol_bps: must be a finite number"));
  CHECK(contains(e, "sim.venues[0].gap_probability: must be between 0 and 1 (got 1.5)"));
  CHECK(contains(e, "sim.venues[0].lot_decimals: must be between 0 and 9 (got 12)"));
}

TEST_CASE("bad listen addresses") {
  for (auto bad : {"localhost:8080", "127.0.0.1", "127.0.0.1:70000", "[::1:80"}) {
    INFO(bad);
    auto e = errors_of(std::string{"[web]\nlisten = \""} + bad + "\"\n");
    CHECK(contains(e, "t.toml:2:10: web.listen: invalid listen address"));
  }
}

TEST_CASE("decimals that do not parse") {
  auto e = errors_of(R"([strategy]
order_notional = "1,000"
[[sim.symbols]]
symbol = "X"
base = "X"
start_price = "0.0000000001"
vol_per_sqrt_s = 0.0001
level_qty = "abc"
)");
  CHECK(contains(e, "strategy.order_notional: \"1,000\" is not a decimal"));
  CHECK(contains(e, "sim.symbols[0].start_price: \"0.0000000001\" is not a decimal"));
  CHECK(contains(e, "sim.symbols[0].level_qty: \"abc\" is not a decimal"));
  // A decimal that parses but is not positive is a range error.
  auto z = errors_of("[strategy]\norder_notional = \"0\"\n");
  CHECK(contains(z, "t.toml:2:18: strategy.order_notional: must be > 0 (got 0)"));
}

TEST_CASE("duplicate names and missing required keys") {
  auto e = errors_of(R"([[sim.symbols]]
symbol = "A-PERP"
base = "A"
start_price = "1"
vol_per_sqrt_s = 0.0001
level_qty = "1"
[[sim.symbols]]
symbol = "A-PERP"
base = "B"
start_price = "1"
vol_per_sqrt_s = 0.0001
level_qty = "1"
[[sim.symbols]]
base = "C"
[[sim.venues]]
name = "v1"
tick_scale = "0.001"
maker_fee = "0"
taker_fee = "0"
[[sim.venues]]
name = "v1"
tick_scale = "0.001"
maker_fee = "0"
taker_fee = "0"
)");
  CHECK(contains(e, "t.toml:8:10: sim.symbols[1].symbol: duplicate symbol \"A-PERP\" "
                    "(first defined in sim.symbols[0])"));
  CHECK(contains(e, "sim.symbols[2].symbol: missing required key 'symbol'"));
  CHECK(contains(e, "sim.symbols[2].start_price: missing required key 'start_price'"));
  CHECK(contains(e, "sim.venues[1].name: duplicate venue name \"v1\""));
  // The missing symbol is not reported a second time as "must not be empty".
  CHECK_FALSE(contains(e, "sim.symbols[2].symbol: must not be empty"));
}

TEST_CASE("pairs must reference known symbols and venues") {
  auto e = errors_of(R"([[pairs]]
symbol = "BTC-PERP"
venue_a = "sim-a"
venue_b = "sim-x"
[[pairs]]
symbol = "NOPE"
venue_a = "sim-a"
venue_b = "sim-a"
[[pairs]]
symbol = "ETH-PERP"
venue_a = "sim-a"
venue_b = "sim-b"
[[pairs]]
symbol = "ETH-PERP"
venue_a = "sim-b"
venue_b = "sim-a"
[[pairs]]
symbol = "ETH-PERP"
)");
  CHECK(contains(e, "t.toml:4:11: pairs[0].venue_b: unknown venue \"sim-x\""));
  CHECK(contains(e, "pairs[1].symbol: unknown symbol \"NOPE\""));
  CHECK(contains(e, "pairs[1].venue_b: must differ from venue_a"));
  CHECK(contains(e, "pairs[3]: duplicate pair (same as pairs[2])"));
  CHECK(contains(e, "pairs[4].venue_a: missing required key 'venue_a'"));
  // Contracts must name known symbols too.
  auto k = errors_of(R"([[sim.venues]]
name = "v"
tick_scale = "0.001"
maker_fee = "0"
taker_fee = "0"
[[sim.venues.contracts]]
symbol = "ZZZ"
)");
  CHECK(contains(k, "sim.venues[0].contracts[0].symbol: unknown symbol \"ZZZ\""));
}

TEST_CASE("market modes that are not available yet") {
  auto e = errors_of("[market]\ndata = \"live\"\nexecution = \"live\"\n");
  CHECK(contains(e, "market.data: \"live\" is not available yet"));
  CHECK(contains(e, "market.execution: \"live\" is not available yet"));
  auto r = errors_of("[market]\ndata = \"replay\"\n");
  CHECK(contains(r, "market.data: \"replay\" is not available yet"));
  auto x = errors_of("[market]\ndata = \"csv\"\n");
  CHECK(contains(x, "market.data: must be one of sim (got \"csv\")"));
}

TEST_CASE("every error is listed together, one per line, in file order") {
  auto e = errors_of(R"([node]
name = "has space"
log_level = "loud"
extra = 1
[web]
listen = "nowhere"
[scheduler]
max_threads = -2
[market]
data = "live"
)");
  auto lines = lines_of(e);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0].rfind("t.toml:2:8: node.name:", 0) == 0);
  CHECK(lines[1].rfind("t.toml:3:13: node.log_level: must be one of", 0) == 0);
  CHECK(lines[2].rfind("t.toml:4:1: node.extra: unknown key", 0) == 0);
  CHECK(lines[3].rfind("t.toml:6:10: web.listen: invalid listen address", 0) == 0);
  CHECK(lines[4].rfind("t.toml:8:15: scheduler.max_threads: must be between 0 and 256", 0) == 0);
  CHECK(lines[5].rfind("t.toml:10:8: market.data:", 0) == 0);
}

TEST_CASE("file errors name the file") {
  auto missing = load_config_file("/nonexistent/xarb.toml");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message == "/nonexistent/xarb.toml: cannot open the file");
}

TEST_CASE("validate checks configs changed in code") {
  auto c = default_config();
  CHECK_FALSE(validate(c));
  c.web.listen = "example.com:80";
  c.supervision.backoff_max_ms = 1;
  c.sim.venues[2].name = "sim-a";
  auto err = validate(c);
  REQUIRE(err);
  auto lines = lines_of(err.message);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].rfind("web.listen: invalid listen address", 0) == 0);
  CHECK(lines[1].rfind("supervision.backoff_max_ms: must be >= backoff_initial_ms", 0) == 0);
  CHECK(lines[2].rfind("sim.venues[2].name: duplicate venue name", 0) == 0);
}

}

TEST_SUITE("config: strategy and per-pair parameters") {

TEST_CASE("every [strategy] and [strategy.signal] key is read, with units") {
  auto res = load_config_string(R"(
[strategy]
mode = "zero_wear"
style = "maker_taker"
maker = "b"
order_notional = "250.5"
max_tranches = 2
max_position_notional = 600
min_profit_bps = 1.5
take_profit_bps = 4
stop_loss_bps = 30.0
max_hold_s = 600
slippage_bps = 3
hedge_slippage_bps = 15
requote_bps = 0.5
leg_timeout_ms = 1500
maker_timeout_ms = 20000.5
hedge_timeout_ms = 4000
max_retries = 5
max_book_age_ms = 750
rebalance_multiple = 1.5
hard_delta_notional = "900"

[strategy.signal]
model = "mean_offset"
window = 120
sample_interval_ms = 500
min_std_bps = 0.1
z_entry = 2.5
z_exit = -0.5
offset_bps = 8
exit_offset_bps = 1
low_vol_min_profit_bps = 2
high_vol_min_profit_bps = 9
vol_low_bps = 0.5
vol_high_bps = 7
threshold_bps = 60
persist_samples = 4
cooldown_s = 12
persistent_exit_bps = -1
tranche_step = 0.75
)",
                                "s.toml");
  REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
  auto& p = res->strategy;
  CHECK(p.mode == strategy::trade_mode::zero_wear);
  CHECK(p.style == strategy::exec_style::maker_taker);
  CHECK(p.maker == strategy::maker_leg::b);
  CHECK(p.order_notional == money::from_string("250.5").value());
  CHECK(p.max_tranches == 2);
  CHECK(p.max_position_notional == money::from_units(600));
  CHECK(p.min_profit_bps == 1.5);
  CHECK(p.take_profit_bps == 4);
  CHECK(p.stop_loss_bps == 30);
  CHECK(p.max_hold_ns == 600'000'000'000);
  CHECK(p.slippage_bps == 3);
  CHECK(p.hedge_slippage_bps == 15);
  CHECK(p.requote_bps == 0.5);
  CHECK(p.leg_timeout_ns == 1'500'000'000);
  CHECK(p.maker_timeout_ns == 20'000'500'000);
  CHECK(p.hedge_timeout_ns == 4'000'000'000);
  CHECK(p.max_retries == 5);
  CHECK(p.max_book_age_ns == 750'000'000);
  CHECK(p.rebalance_multiple == 1.5);
  CHECK(p.hard_delta_notional == money::from_units(900));
  auto& s = p.signal;
  CHECK(s.model == strategy::signal_model::mean_offset);
  CHECK(s.window == 120);
  CHECK(s.sample_interval_ns == 500'000'000);
  CHECK(s.min_std_bps == 0.1);
  CHECK(s.z_entry == 2.5);
  CHECK(s.z_exit == -0.5);
  CHECK(s.offset_bps == 8);
  CHECK(s.exit_offset_bps == 1);
  CHECK(s.low_vol_min_profit_bps == 2);
  CHECK(s.high_vol_min_profit_bps == 9);
  CHECK(s.vol_low_bps == 0.5);
  CHECK(s.vol_high_bps == 7);
  CHECK(s.threshold_bps == 60);
  CHECK(s.persist_samples == 4);
  CHECK(s.cooldown_ns == 12'000'000'000);
  CHECK(s.persistent_exit_bps == -1);
  CHECK(s.tranche_step == 0.75);
  // And the whole thing prints back to itself.
  auto again = load_config_string(to_toml(*res), "again.toml");
  REQUIRE(again.has_value());
  CHECK(again->strategy == p);
}

TEST_CASE("a pair starts from [strategy] and overrides the keys it gives") {
  // [[pairs]] may come before [strategy] in the file.
  auto res = load_config_string(R"(
[[pairs]]
symbol = "BTC-PERP"
venue_a = "sim-a"
venue_b = "sim-b"
style = "maker_taker"
max_tranches = 1
[pairs.signal]
model = "persistent"
threshold_bps = 40

[[pairs]]
symbol = "ETH-PERP"
venue_a = "sim-b"
venue_b = "sim-c"
signal = { z_entry = 3.0, cooldown_s = 5 }

[[pairs]]
symbol = "SOL-PERP"
venue_a = "sim-a"
venue_b = "sim-c"

[strategy]
order_notional = "500"
max_position_notional = "1500"
[strategy.signal]
z_entry = 2.2
threshold_bps = 25
)",
                                "p.toml");
  REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
  auto& c = *res;
  REQUIRE(c.pairs.size() == 3);
  CHECK(c.strategy.order_notional == money::from_units(500));
  CHECK(c.strategy.signal.z_entry == 2.2);

  auto& btc = c.pairs[0].params;
  CHECK(btc.order_notional == money::from_units(500)); // inherited
  CHECK(btc.style == strategy::exec_style::maker_taker);
  CHECK(btc.max_tranches == 1);
  CHECK(btc.signal.model == strategy::signal_model::persistent);
  CHECK(btc.signal.threshold_bps == 40);
  CHECK(btc.signal.z_entry == 2.2); // inherited signal key
  CHECK(c.strategy.style == strategy::exec_style::taker_taker); // not changed by the pair

  auto& eth = c.pairs[1].params;
  CHECK(eth.signal.z_entry == 3.0);
  CHECK(eth.signal.cooldown_ns == 5'000'000'000);
  CHECK(eth.signal.threshold_bps == 25);
  CHECK(eth.max_position_notional == money::from_units(1500));

  CHECK(c.pairs[2].params == c.strategy);

  auto back = load_config_string(to_toml(c), "back.toml");
  REQUIRE_MESSAGE(back.has_value(), (back ? "" : back.error().message));
  CHECK(back->pairs == c.pairs);
  CHECK(to_toml(*back) == to_toml(c));
}

TEST_CASE("window_s is converted to samples; a pair keeps the window's duration") {
  auto res = load_config_string(R"(
[strategy.signal]
window_s = 60
sample_interval_ms = 500

[[pairs]]
symbol = "BTC-PERP"
venue_a = "sim-a"
venue_b = "sim-b"
[pairs.signal]
sample_interval_ms = 250

[[pairs]]
symbol = "ETH-PERP"
venue_a = "sim-a"
venue_b = "sim-b"
[pairs.signal]
sample_interval_ms = 100
window = 30

[[pairs]]
symbol = "SOL-PERP"
venue_a = "sim-a"
venue_b = "sim-b"
[pairs.signal]
window_s = 10
)",
                                "w.toml");
  REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
  CHECK(res->strategy.signal.window == 120);
  CHECK(res->pairs[0].params.signal.window == 240); // 60 s of 250 ms samples
  CHECK(res->pairs[1].params.signal.window == 30);  // explicit samples win
  CHECK(res->pairs[2].params.signal.window == 20);  // 10 s of 500 ms samples
  // to_toml writes samples, which read back identically.
  auto back = load_config_string(to_toml(*res), "back.toml");
  REQUIRE(back.has_value());
  CHECK(back->pairs == res->pairs);
  CHECK(back->strategy == res->strategy);
}

TEST_CASE("strategy errors: types, names, window vs window_s, locations") {
  auto e = errors_of(R"([strategy]
mode = "volume"
style = 3
order_notional = 10.5
leg_timeout_ms = "2s"
max_hold = 10
[strategy.signal]
window = 100
window_s = 30
model = "zscor"
[[pairs]]
symbol = "BTC-PERP"
venue_a = "sim-a"
venue_b = "sim-b"
max_tranche = 2
signal = { windw = 3 }
[[pairs]]
symbol = "ETH-PERP"
venue_a = "sim-a"
venue_b = "sim-b"
signal = 5
)");
  CHECK(contains(e, "t.toml:2:8: strategy.mode: must be one of normal_arb, zero_wear (got \"volume\")"));
  CHECK(contains(e, "t.toml:3:9: strategy.style: expected a string, got an integer"));
  CHECK(contains(e, "t.toml:4:18: strategy.order_notional: write exact decimals as strings"));
  CHECK(contains(e, "t.toml:5:18: strategy.leg_timeout_ms: expected a number, got a string"));
  CHECK(contains(e, "t.toml:6:1: strategy.max_hold: unknown key (did you mean 'max_hold_s'?)"));
  CHECK(contains(e, "t.toml:9:12: strategy.signal.window_s: give either window (samples) or "
                    "window_s (seconds), not both"));
  CHECK(contains(e, "t.toml:10:9: strategy.signal.model: must be one of zscore, mean_offset, "
                    "vol_adjusted, persistent (got \"zscor\")"));
  CHECK(contains(e, "t.toml:15:1: pairs[0].max_tranche: unknown key (did you mean 'max_tranches'?)"));
  CHECK(contains(e, "pairs[0].signal.windw: unknown key (did you mean 'window'?)"));
  CHECK(contains(e, "t.toml:21:10: pairs[1].signal: expected a table, got an integer"));
  CHECK(lines_of(e).size() == 10);

  // A signal key at the wrong level says where it belongs.
  auto m = errors_of("[strategy]\nwindow = 10\n[[pairs]]\nsymbol = \"BTC-PERP\"\n"
                     "venue_a = \"sim-a\"\nvenue_b = \"sim-b\"\nz_entry = 3\n");
  CHECK(contains(m, "t.toml:2:1: strategy.window: unknown key (a signal key: put it in "
                    "[strategy.signal])"));
  CHECK(contains(m, "t.toml:7:1: pairs[0].z_entry: unknown key (a signal key: put it in "
                    "[pairs.signal])"));

  auto w = errors_of("[strategy.signal]\nwindow_s = 0.1\n");
  CHECK(contains(w, "t.toml:2:12: strategy.signal.window_s: 0.1 s is not 2..1000000 samples "
                    "of sample_interval_ms (250)"));
}

TEST_CASE("range rules of [strategy] and of each pair, located, reported once") {
  auto e = errors_of(R"([strategy]
max_tranches = 5
slippage_bps = 30
[strategy.signal]
z_exit = 2.5
[[pairs]]
symbol = "BTC-PERP"
venue_a = "sim-a"
venue_b = "sim-b"
max_tranches = 2
leg_timeout_ms = 5
[pairs.signal]
persist_samples = 0
)");
  auto lines = lines_of(e);
  CHECK(contains(e, "t.toml:2:16: strategy.max_tranches: must be between 1 and 3 (got 5)"));
  // Not in the file: located at its table.
  CHECK(contains(e, "t.toml:1:1: strategy.hedge_slippage_bps: must be >= slippage_bps (30)"));
  CHECK(contains(e, "t.toml:5:10: strategy.signal.z_exit: must be < z_entry (2)"));
  CHECK(contains(e, "t.toml:11:18: pairs[0].leg_timeout_ms: must be >= 10 (got 5)"));
  CHECK(contains(e, "t.toml:13:19: pairs[0].signal.persist_samples: must be between 1 and 1000000 (got 0)"));
  // The pair inherits z_exit and the slippage problem: reported once, at [strategy].
  CHECK_FALSE(contains(e, "pairs[0].signal.z_exit"));
  CHECK_FALSE(contains(e, "pairs[0].hedge_slippage_bps"));
  CHECK(lines.size() == 5);
}

TEST_CASE("NaN and infinity in strategy keys are rejected") {
  auto e = errors_of("[strategy]\nmin_profit_bps = nan\n[strategy.signal]\nz_entry = inf\n");
  CHECK(contains(e, "t.toml:2:18: strategy.min_profit_bps: must be a finite number"));
  CHECK(contains(e, "t.toml:4:11: strategy.signal.z_entry: must be a finite number"));
  CHECK(lines_of(e).size() == 2);
}

TEST_CASE("validate() checks strategy parameters changed in code") {
  auto c = default_config();
  c.pairs = {{"BTC-PERP", "sim-a", "sim-b", c.strategy}};
  c.pairs[0].params.max_retries = 50;
  c.strategy.requote_bps = 0;
  auto err = validate(c);
  REQUIRE(err);
  auto lines = lines_of(err.message);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "strategy.requote_bps: must be > 0 (got 0)");
  CHECK(lines[1] == "pairs[0].max_retries: must be between 0 and 20 (got 50)");
}

}

TEST_SUITE("config: environment") {

TEST_CASE("XARB_LISTEN, XARB_DATA_DIR and XARB_LOG_LEVEL override the file") {
  auto c = default_config();
  auto err = apply_env_overrides(c, env_of({{"XARB_LISTEN", "127.0.0.1:9100"},
                                            {"XARB_DATA_DIR", "/tmp/xarb-data"},
                                            {"XARB_LOG_LEVEL", "debug"},
                                            {"XARB_OTHER", "ignored"}}));
  CHECK_FALSE(err);
  CHECK(c.web.listen == "127.0.0.1:9100");
  CHECK(c.node.data_dir == "/tmp/xarb-data");
  CHECK(c.node.log_level == "debug");
}

TEST_CASE("unset or empty variables change nothing") {
  auto c = default_config();
  CHECK_FALSE(apply_env_overrides(c, env_of({{"XARB_LISTEN", ""}})));
  CHECK(to_toml(c) == to_toml(default_config()));
}

TEST_CASE("bad values are attributed to the variable") {
  auto c = default_config();
  auto err = apply_env_overrides(c, env_of({{"XARB_LISTEN", "my-host:80"},
                                            {"XARB_LOG_LEVEL", "chatty"},
                                            {"XARB_DATA_DIR", "/ok"}}));
  REQUIRE(err);
  auto lines = lines_of(err.message);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].rfind("env XARB_LOG_LEVEL: node.log_level: must be one of", 0) == 0);
  CHECK(lines[1].rfind("env XARB_LISTEN: web.listen: invalid listen address", 0) == 0);
  // An error elsewhere in the config is not blamed on the environment.
  auto d = default_config();
  d.scheduler.max_threads = 9999;
  CHECK_FALSE(apply_env_overrides(d, env_of({{"XARB_DATA_DIR", "/x"}})));
  CHECK(validate(d));
}

TEST_CASE("process_env reads the real environment") {
  ::setenv("XARB_TEST_ONLY_VAR", "v1", 1);
  CHECK(process_env("XARB_TEST_ONLY_VAR") == std::optional<std::string>{"v1"});
  ::unsetenv("XARB_TEST_ONLY_VAR");
  CHECK_FALSE(process_env("XARB_TEST_ONLY_VAR"));
}

}

#include <thread>

#include "nodes/scheduler_config.hpp"

TEST_CASE("scheduler: max_threads 0 is one worker per core, never CAF's default of 4") {
  xarb::scheduler_section s;
  const auto cores = std::max<std::size_t>(1, std::thread::hardware_concurrency());
  CHECK(xarb::worker_threads(s) == cores);
  s.max_threads = 3;
  CHECK(xarb::worker_threads(s) == 3u);
}
