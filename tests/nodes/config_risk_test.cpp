// [risk] of the node configuration (core/risk/risk_config.hpp), the [market]
// liveness/consistency keys and the [[sim.venues]] fault and rate-limit keys:
// parsing, errors with FILE:LINE:COLUMN and the TOML path, round trips.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "nodes/config.hpp"
#include "tests/nodes/config_helpers.hpp"

using namespace xarb;
using xarb::test::contains;
using xarb::test::errors_of;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

node_config load_ok(std::string_view toml) {
  auto res = load_config_string(toml, "ok.toml");
  REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
  return *res;
}

money m(const char* s) { return money::from_string(s).value(); }
ratio q(const char* s) { return ratio::from_string(s).value(); }

constexpr int64_t ms = 1'000'000;
constexpr int64_t sec = 1'000'000'000;

/// A config with a non-default value in every [risk] field, the new
/// [market] keys and the new [[sim.venues]] keys.
node_config everything_changed() {
  auto c = default_config();
  c.market.consistency_check_s = 2.5;
  auto& v = c.sim.venues[1];
  v.corrupt_probability = 0.01;
  v.rate_limit_orders_per_s = 7;
  v.rate_limit_burst = 9;
  v.ban_after_429 = 4;
  v.ban_s = 90;
  auto& r = c.risk;
  r.max_order_notional = m("1234.5");
  r.price_band_bps = 150.25;
  r.max_pair_gross = m("9000");
  r.max_pair_net = m("0");
  r.max_symbol_gross = m("19000.000000001");
  r.max_symbol_net = m("1999");
  r.max_venue_gross = m("29000");
  r.max_venue_net = m("19000");
  r.max_total_gross = m("59000");
  r.max_total_net = m("4999");
  r.default_max_leverage = 2.5;
  r.default_margin_leverage = 12;
  r.direction_consistency = false;
  r.lease_ns = 2'500'500'000; // not whole ms: written as 2500.5
  r.audit_interval_ns = 7'000'000'000;
  r.audit_rounds = 4;
  auto& b = r.breakers;
  b.consecutive_failures = {4, risk::breaker_action::halt, 61 * sec};
  b.error_rate = {6, 30 * sec, risk::breaker_action::reduce, 600 * sec};
  b.stale_book = {1500 * ms, risk::breaker_action::halt, 5 * sec};
  b.liveness = {3 * sec, risk::breaker_action::reduce, 1 * sec};
  b.book_consistency = {risk::breaker_action::halt, 120 * sec};
  b.latency = {250 * ms, 10 * sec, risk::breaker_action::reduce, 20 * sec};
  b.fast_market = {1.25, 500 * ms, risk::breaker_action::halt, 45 * sec};
  b.daily_loss = {m("250.75"), 8 * 3600 * sec, risk::breaker_action::halt, 3600 * sec};
  b.drawdown = {7.5, risk::breaker_action::halt, 60 * sec};
  b.venue_drawdown = {4, risk::breaker_action::reduce, 30 * sec};
  b.balance_floor = {m("100"), risk::breaker_action::safe_mode, 15 * sec};
  b.rate_limit = {risk::breaker_action::reduce, 600 * sec};
  auto& k = r.capital;
  k.default_pool = m("5000.5");
  k.pools = {{"sim-a", m("25000")}, {"sim-c", m("0")}};
  k.layers = {{"core", q("0.6"), q("0.8"), {"normal_arb", "zero_wear"}, false},
              {"spare", q("0.35"), q("1"), {}, true}};
  k.safe_layers = {"core"};
  auto& rl = r.rate_limits;
  rl = {11, 21, 22, 41, 1300, 1250, 2, 3, 25, 6, 500, 30'000, 90, 4, 30, 200, 900};
  risk::venue_risk_config va;
  va.venue = "sim-a";
  va.max_leverage = 4;
  va.margin_leverage = 20;
  va.key_id = "main";
  va.rate_limits = rl;
  va.rate_limits.orders_per_s = 5;
  va.rate_limits.ban_pause_s = 1200;
  risk::venue_risk_config vb;
  vb.venue = "sim-b";
  vb.max_leverage = 1.5;
  vb.margin_leverage = 5;
  vb.key_id = "sub-1";
  vb.rate_limits = rl;
  r.venues = {va, vb};
  return c;
}

} // namespace

TEST_SUITE("config: [risk]") {

TEST_CASE("defaults: [risk] is risk_config{}, new [market] and [[sim.venues]] keys") {
  auto c = default_config();
  CHECK(c.risk == risk::risk_config{});
  CHECK(c.risk.venues.empty());
  CHECK(c.risk.capital.layers.size() == 5);
  CHECK(c.market.consistency_check_s == 60);
  for (auto& v : c.sim.venues) {
    CHECK(v.corrupt_probability == 0);
    CHECK(v.rate_limit_orders_per_s == 0);
    CHECK(v.rate_limit_burst == 0);
    CHECK(v.ban_after_429 == 0);
    CHECK(v.ban_s == 60);
  }
  CHECK_FALSE(validate(c));
}

TEST_CASE("every [risk] key is read, with units") {
  auto c = load_ok(R"(
[risk]
max_order_notional = "1234.5"
price_band_bps = 150.25
max_pair_gross = 9000
max_pair_net = "0"
max_symbol_gross = "19000.000000001"
max_symbol_net = "1999"
max_venue_gross = "29000"
max_venue_net = "19000"
max_total_gross = "59000"
max_total_net = "4999"
default_max_leverage = 2.5
default_margin_leverage = 12
direction_consistency = false
lease_ms = 2500.5
audit_ms = 7000
audit_rounds = 4

[risk.breakers.consecutive_failures]
limit = 4
action = "halt"
hold_s = 61
[risk.breakers.error_rate]
limit = 6
window_s = 30
action = "reduce"
hold_s = 600
[risk.breakers.stale_book]
budget_ms = 1500
action = "halt"
hold_s = 5
[risk.breakers.liveness]
budget_ms = 3000
action = "reduce"
hold_s = 1
[risk.breakers.book_consistency]
action = "halt"
hold_s = 120
[risk.breakers.latency]
limit_ms = 250
clear_after_s = 10
action = "reduce"
hold_s = 20
[risk.breakers.fast_market]
move_pct = 1.25
window_s = 0.5
action = "halt"
hold_s = 45
[risk.breakers.daily_loss]
limit = "250.75"
day_start_offset_s = 28800
action = "halt"
hold_s = 3600
[risk.breakers.drawdown]
pct = 7.5
action = "halt"
hold_s = 60
[risk.breakers.venue_drawdown]
pct = 4
action = "reduce"
hold_s = 30
[risk.breakers.balance_floor]
floor = "100"
action = "safe_mode"
hold_s = 15
[risk.breakers.rate_limit]
action = "reduce"
hold_s = 600

[risk.capital]
default_pool = "5000.5"
safe_layers = ["core"]
[[risk.capital.pools]]
venue = "sim-a"
pool = "25000"
[[risk.capital.pools]]
venue = "sim-c"
pool = 0
[[risk.capital.layers]]
name = "core"
target_share = "0.6"
max_usage = "0.8"
modes = ["normal_arb", "zero_wear"]
[[risk.capital.layers]]
name = "spare"
target_share = "0.35"
max_usage = 1
reserve = true

[risk.rate_limits]
orders_per_s = 11
orders_burst = 21
cancels_per_s = 22
cancels_burst = 41
weight_per_min = 1300
weight_burst = 1250
weight_new_order = 2
weight_cancel = 3
weight_snapshot = 25
weight_query = 6
backoff_initial_ms = 500
backoff_max_ms = 30000
backoff_reset_s = 90
ban_guard_count = 4
ban_guard_window_s = 30
ban_guard_pause_s = 200
ban_pause_s = 900

[[risk.venues]]
venue = "sim-a"
max_leverage = 4
margin_leverage = 20.0
key_id = "main"
[risk.venues.rate_limits]
orders_per_s = 5
ban_pause_s = 1200

[[risk.venues]]
venue = "sim-b"
max_leverage = 1.5
margin_leverage = 5
key_id = "sub-1"

[market]
consistency_check_s = 2.5
# (WS liveness: [risk.breakers.liveness] budget_ms)

[[sim.venues]]
name = "sim-a"
tick_scale = "0.00001"
maker_fee = "0.0002"
taker_fee = "0.0005"
[[sim.venues]]
name = "sim-b"
tick_scale = "0.000001"
maker_fee = "-0.00005"
taker_fee = "0.0004"
corrupt_probability = 0.01
rate_limit_orders_per_s = 7
rate_limit_burst = 9
ban_after_429 = 4
ban_s = 90
[[sim.venues]]
name = "sim-c"
tick_scale = "0.0001"
maker_fee = "0.00015"
taker_fee = "0.00045"
)");
  auto want = everything_changed();
  // Field by field first, for readable failures.
  CHECK(c.risk.max_order_notional == want.risk.max_order_notional);
  CHECK(c.risk.max_pair_gross == m("9000"));
  CHECK(c.risk.max_symbol_gross == want.risk.max_symbol_gross);
  CHECK(c.risk.lease_ns == 2'500'500'000);
  CHECK(c.risk.audit_interval_ns == 7'000'000'000);
  CHECK(c.risk.audit_rounds == 4);
  CHECK_FALSE(c.risk.direction_consistency);
  CHECK(c.risk.breakers.consecutive_failures == want.risk.breakers.consecutive_failures);
  CHECK(c.risk.breakers.error_rate == want.risk.breakers.error_rate);
  CHECK(c.risk.breakers.stale_book == want.risk.breakers.stale_book);
  CHECK(c.risk.breakers.liveness == want.risk.breakers.liveness);
  CHECK(c.risk.breakers.book_consistency == want.risk.breakers.book_consistency);
  CHECK(c.risk.breakers.latency == want.risk.breakers.latency);
  CHECK(c.risk.breakers.fast_market == want.risk.breakers.fast_market);
  CHECK(c.risk.breakers.fast_market.window_ns == 500 * ms);
  CHECK(c.risk.breakers.daily_loss == want.risk.breakers.daily_loss);
  CHECK(c.risk.breakers.drawdown == want.risk.breakers.drawdown);
  CHECK(c.risk.breakers.venue_drawdown == want.risk.breakers.venue_drawdown);
  CHECK(c.risk.breakers.balance_floor == want.risk.breakers.balance_floor);
  CHECK(c.risk.breakers.rate_limit == want.risk.breakers.rate_limit);
  CHECK(c.risk.capital.default_pool == m("5000.5"));
  CHECK(c.risk.capital.pools == want.risk.capital.pools);
  CHECK(c.risk.capital.layers == want.risk.capital.layers);
  CHECK(c.risk.capital.safe_layers == std::vector<std::string>{"core"});
  CHECK(c.risk.rate_limits == want.risk.rate_limits);
  REQUIRE(c.risk.venues.size() == 2);
  CHECK(c.risk.venues[0] == want.risk.venues[0]);
  // sim-b gave no rate limits: [risk.rate_limits], not the struct defaults.
  CHECK(c.risk.venues[1] == want.risk.venues[1]);
  CHECK(c.risk.venues[1].rate_limits.orders_per_s == 11);
  CHECK(c.risk == want.risk);
  CHECK(c.market == want.market);
  CHECK(c.sim.venues[1].corrupt_probability == 0.01);
  CHECK(c.sim.venues[1].rate_limit_orders_per_s == 7);
  CHECK(c.sim.venues[1].rate_limit_burst == 9);
  CHECK(c.sim.venues[1].ban_after_429 == 4);
  CHECK(c.sim.venues[1].ban_s == 90);
}

TEST_CASE("a config changed everywhere round-trips exactly") {
  auto c = everything_changed();
  // Every rule and section really differs from its default.
  const risk::risk_config d;
  CHECK(c.risk.breakers.consecutive_failures != d.breakers.consecutive_failures);
  CHECK(c.risk.breakers.error_rate != d.breakers.error_rate);
  CHECK(c.risk.breakers.stale_book != d.breakers.stale_book);
  CHECK(c.risk.breakers.liveness != d.breakers.liveness);
  CHECK(c.risk.breakers.book_consistency != d.breakers.book_consistency);
  CHECK(c.risk.breakers.latency != d.breakers.latency);
  CHECK(c.risk.breakers.fast_market != d.breakers.fast_market);
  CHECK(c.risk.breakers.daily_loss != d.breakers.daily_loss);
  CHECK(c.risk.breakers.drawdown != d.breakers.drawdown);
  CHECK(c.risk.breakers.venue_drawdown != d.breakers.venue_drawdown);
  CHECK(c.risk.breakers.balance_floor != d.breakers.balance_floor);
  CHECK(c.risk.breakers.rate_limit != d.breakers.rate_limit);
  CHECK(c.risk.capital != d.capital);
  CHECK(c.risk.rate_limits != d.rate_limits);
  REQUIRE_FALSE(validate(c));

  auto text = to_toml(c);
  auto back = load_config_string(text, "roundtrip.toml");
  REQUIRE_MESSAGE(back.has_value(), (back ? "" : back.error().message));
  CHECK(back->risk == c.risk);
  CHECK(back->market == c.market);
  CHECK(back->sim.venues[1].rate_limit_burst == 9);
  CHECK(back->sim.venues[1].ban_s == 90);
  CHECK(to_toml(*back) == text);
  // Units and layout as documented.
  CHECK(contains(text, "lease_ms = 2500.5\n"));
  CHECK(contains(text, "[risk.breakers.fast_market]\nmove_pct = 1.25\nwindow_s = 0.5\n"
                       "action = \"halt\"\nhold_s = 45\n"));
  CHECK(contains(text, "day_start_offset_s = 28800\n"));
  CHECK(contains(text, "safe_layers = [\"core\"]\n"));
  CHECK(contains(text, "modes = [\"normal_arb\", \"zero_wear\"]\n"));
  CHECK(contains(text, "consistency_check_s = 2.5\n"));
  // A venue prints only the rate limits that differ from [risk.rate_limits].
  CHECK(contains(text, "key_id = \"main\"\n\n[risk.venues.rate_limits]\norders_per_s = 5\n"
                       "ban_pause_s = 1200\n"));
  CHECK(contains(text, "key_id = \"sub-1\"\n\n[sim]"));
}

TEST_CASE("a venue starts from [risk]'s leverages and [risk.rate_limits]") {
  auto c = load_ok(R"(
[[risk.venues]]
venue = "sim-c"
[[risk.venues]]
venue = "sim-a"
max_leverage = 2
[risk.venues.rate_limits]
cancels_per_s = 7
[risk]
default_max_leverage = 4
default_margin_leverage = 8
[risk.rate_limits]
orders_per_s = 3
)");
  REQUIRE(c.risk.venues.size() == 2);
  auto& a = c.risk.venues[0];
  CHECK(a.venue == "sim-c");
  CHECK(a.max_leverage == 4);
  CHECK(a.margin_leverage == 8);
  CHECK(a.key_id == "default");
  CHECK(a.rate_limits == c.risk.rate_limits);
  CHECK(a.rate_limits.orders_per_s == 3);
  auto& b = c.risk.venues[1];
  CHECK(b.max_leverage == 2);
  CHECK(b.margin_leverage == 8);
  CHECK(b.rate_limits.orders_per_s == 3);
  CHECK(b.rate_limits.cancels_per_s == 7);
  // What is not given keeps the default.
  CHECK(c.risk.max_order_notional == risk::risk_config{}.max_order_notional);
  CHECK(c.risk.breakers == risk::breaker_config{});
  // Round trip: the venues' inherited values are written back explicitly.
  auto back = load_config_string(to_toml(c), "back.toml");
  REQUIRE_MESSAGE(back.has_value(), (back ? "" : back.error().message));
  CHECK(back->risk == c.risk);
}

TEST_CASE("a [[risk.capital.layers]] list replaces the default list") {
  auto c = load_ok(R"(
[risk.capital]
safe_layers = []
[[risk.capital.layers]]
name = "only"
target_share = "1"
)");
  REQUIRE(c.risk.capital.layers.size() == 1);
  auto& l = c.risk.capital.layers[0];
  CHECK(l.name == "only");
  CHECK(l.target_share == ratio::from_units(1));
  CHECK(l.max_usage == q("0.9"));
  CHECK(l.modes.empty());
  CHECK_FALSE(l.reserve);
  CHECK(c.risk.capital.safe_layers.empty());
  CHECK(c.risk.capital.default_pool == money::from_units(10000));
  // No layer at all is written as "layers = []" and rejected on the way back.
  c.risk.capital.layers.clear();
  auto text = to_toml(c);
  CHECK(contains(text, "[risk.capital]\ndefault_pool = \"10000\"\nsafe_layers = []\nlayers = []\n"));
  auto e = errors_of(text);
  CHECK(contains(e, "risk.capital.layers: at least one layer is needed"));
  CHECK(lines_of(e).size() == 1);
}

TEST_CASE("describe names the key risk limits") {
  auto c = default_config();
  auto d = describe(c);
  CHECK(d.find('\n') == std::string::npos);
  CHECK(contains(d, " risk=order<=5000,pair_gross<=10000,total_gross<=60000,daily_loss<=500,"
                    "drawdown<=10% "));
  c.risk.breakers.drawdown.pct = 2.5;
  c.risk.max_order_notional = m("750.5");
  CHECK(contains(describe(c), "risk=order<=750.5,"));
  CHECK(contains(describe(c), ",drawdown<=2.5%"));
}

TEST_CASE("unknown keys in every [risk] table, with a suggestion") {
  auto e = errors_of(R"([risk]
max_order = "1"
[risk.breakers.latency]
limit = 3
[risk.breakers.latncy]
hold_s = 1
[risk.capital]
pool = 3
[[risk.capital.layers]]
name = "L1"
target_share = "0.5"
mode = ["normal_arb"]
[risk.rate_limits]
orders_per_sec = 3
[[risk.venues]]
venue = "sim-a"
leverage = 2
[risk.venues.rate_limits]
bogus = 1
)");
  // The rules still run: the replaced layer list lacks the default safe layer L4.
  CHECK(contains(e, "t.toml:7:1: risk.capital.safe_layers: unknown layer 'L4'"));
  CHECK(contains(e, "t.toml:2:1: risk.max_order: unknown key (did you mean 'max_order_notional'?)"));
  CHECK(contains(e, "t.toml:4:1: risk.breakers.latency.limit: unknown key (did you mean 'limit_ms'?)"));
  CHECK(contains(e, "t.toml:5:16: risk.breakers.latncy: unknown key (did you mean 'latency'?)"));
  CHECK(contains(e, "t.toml:8:1: risk.capital.pool: unknown key (did you mean 'pools'?)"));
  CHECK(contains(e, "t.toml:12:1: risk.capital.layers[0].mode: unknown key (did you mean 'modes'?)"));
  CHECK(contains(e, "t.toml:14:1: risk.rate_limits.orders_per_sec: unknown key (did you mean 'orders_per_s'?)"));
  CHECK(contains(e, "t.toml:17:1: risk.venues[0].leverage: unknown key"));
  CHECK(contains(e, "t.toml:19:1: risk.venues[0].rate_limits.bogus: unknown key"));
  CHECK(lines_of(e).size() == 9);
}

TEST_CASE("wrong types, floats for money, bad action names") {
  auto e = errors_of(R"([risk]
max_order_notional = 5000.5
price_band_bps = "200"
direction_consistency = 1
lease_ms = "5s"
breakers = 3
[risk.capital]
default_pool = true
safe_layers = "L1"
[[risk.capital.layers]]
name = 1
target_share = 0.5
modes = ["normal_arb", 2]
reserve = "no"
[risk.rate_limits]
orders_per_s = 10.5
[[risk.venues]]
venue = "sim-a"
max_leverage = "3"
key_id = 7
rate_limits = []
)");
  CHECK(contains(e, "t.toml:2:22: risk.max_order_notional: write exact decimals as strings"));
  CHECK(contains(e, "t.toml:3:18: risk.price_band_bps: expected a number, got a string"));
  CHECK(contains(e, "t.toml:4:25: risk.direction_consistency: expected a boolean (true or false), got an integer"));
  CHECK(contains(e, "t.toml:5:12: risk.lease_ms: expected a number, got a string"));
  CHECK(contains(e, "t.toml:6:12: risk.breakers: expected a table, got an integer"));
  CHECK(contains(e, "t.toml:8:16: risk.capital.default_pool: expected a decimal string, got a boolean"));
  CHECK(contains(e, "t.toml:9:15: risk.capital.safe_layers: expected an array of strings, got a string"));
  CHECK(contains(e, "t.toml:11:8: risk.capital.layers[0].name: expected a string, got an integer"));
  CHECK(contains(e, "t.toml:12:16: risk.capital.layers[0].target_share: write exact decimals as strings"));
  CHECK(contains(e, "t.toml:13:24: risk.capital.layers[0].modes[1]: expected a string, got an integer"));
  CHECK(contains(e, "t.toml:14:11: risk.capital.layers[0].reserve: expected a boolean (true or false), got a string"));
  CHECK(contains(e, "t.toml:16:16: risk.rate_limits.orders_per_s: expected an integer, got a float"));
  CHECK(contains(e, "t.toml:19:16: risk.venues[0].max_leverage: expected a number, got a string"));
  CHECK(contains(e, "t.toml:20:10: risk.venues[0].key_id: expected a string, got an integer"));
  CHECK(contains(e, "t.toml:21:15: risk.venues[0].rate_limits: expected a table, got an array"));
  CHECK(lines_of(e).size() == 15);

  auto a = errors_of(R"([risk.breakers.daily_loss]
action = "stop"
[risk.breakers.latency]
action = 2
[risk.breakers.error_rate]
limit = -1
)");
  CHECK(contains(a, "t.toml:2:10: risk.breakers.daily_loss.action: must be one of freeze, "
                    "reduce, halt, safe_mode (got \"stop\")"));
  CHECK(contains(a, "t.toml:4:10: risk.breakers.latency.action: expected a string, got an integer"));
  CHECK(contains(a, "t.toml:6:9: risk.breakers.error_rate.limit: must not be negative (got -1)"));
  CHECK(lines_of(a).size() == 3);
}

TEST_CASE("range rules of core/risk, located, in the file's units") {
  auto e = errors_of(R"([risk]
max_pair_gross = "-5"
price_band_bps = -1
default_max_leverage = 0
lease_ms = 50
[risk.breakers.daily_loss]
limit = -100
action = "safe_mode"
day_start_offset_s = 90000
[risk.breakers.error_rate]
window_s = 0
hold_s = -2.5
[risk.breakers.latency]
limit_ms = 0
[risk.breakers.drawdown]
pct = 150
[risk.breakers.balance_floor]
floor = "-1"
[risk.capital]
default_pool = "-1"
[[risk.capital.pools]]
venue = "sim-a"
pool = "-10"
[risk.rate_limits]
backoff_initial_ms = 70000
)");
  CHECK(contains(e, "t.toml:2:18: risk.max_pair_gross: must be >= 0 (got -5)"));
  CHECK(contains(e, "t.toml:3:18: risk.price_band_bps: must be >= 0 (got -1)"));
  CHECK(contains(e, "t.toml:4:24: risk.default_max_leverage: must be > 0 (got 0)"));
  CHECK(contains(e, "t.toml:5:12: risk.lease_ms: must be >= 100 (got 50)"));
  CHECK(contains(e, "t.toml:7:9: risk.breakers.daily_loss.limit: must be >= 0 (got -100)"));
  CHECK(contains(e, "t.toml:8:10: risk.breakers.daily_loss.action: safe_mode needs a venue scope "
                    "(daily_loss trips on a node)"));
  CHECK(contains(e, "t.toml:9:22: risk.breakers.daily_loss.day_start_offset_s: must be >= 0 and "
                    "< 86400 (one day) (got 90000)"));
  CHECK(contains(e, "t.toml:11:12: risk.breakers.error_rate.window_s: must be > 0 (got 0)"));
  CHECK(contains(e, "t.toml:12:10: risk.breakers.error_rate.hold_s: must be >= 0 (got -2.5)"));
  CHECK(contains(e, "t.toml:14:12: risk.breakers.latency.limit_ms: must be > 0 (got 0)"));
  CHECK(contains(e, "t.toml:16:7: risk.breakers.drawdown.pct: must be > 0 and <= 100 (got 150)"));
  CHECK(contains(e, "t.toml:18:9: risk.breakers.balance_floor.floor: must be >= 0 (got -1)"));
  CHECK(contains(e, "t.toml:20:16: risk.capital.default_pool: must be >= 0 (got -1)"));
  CHECK(contains(e, "t.toml:23:8: risk.capital.pools[0].pool: must be >= 0 (got -10)"));
  CHECK(contains(e, "t.toml:25:22: risk.rate_limits.backoff_initial_ms: must be <= backoff_max_ms "
                    "(60000) (got 70000)"));
  CHECK(lines_of(e).size() == 15);
}

TEST_CASE("capital layers: shares above 1, duplicates, unknown safe layers") {
  auto e = errors_of(R"([risk.capital]
safe_layers = ["L1", "L9"]
[[risk.capital.layers]]
name = "L1"
target_share = "0.6"
[[risk.capital.layers]]
name = "L2"
target_share = "0.3"
max_usage = "0"
[[risk.capital.layers]]
name = "L1"
target_share = "0.2"
[[risk.capital.layers]]
name = "L3"
target_share = "1.5"
)");
  CHECK(contains(e, "t.toml:2:15: risk.capital.safe_layers: unknown layer 'L9'"));
  CHECK(contains(e, "t.toml:3:1: risk.capital.layers: target shares sum to 2.6, must be <= 1"));
  CHECK(contains(e, "t.toml:9:13: risk.capital.layers[1].max_usage: must be in (0, 1] (got 0)"));
  CHECK(contains(e, "t.toml:11:8: risk.capital.layers[2].name: duplicate layer name"));
  CHECK(contains(e, "t.toml:15:16: risk.capital.layers[3].target_share: must be in [0, 1] (got 1.5)"));
  CHECK(lines_of(e).size() == 5);

  // Exactly 1 is fine; 1.000000001 is not.
  auto ok = load_config_string("[[risk.capital.layers]]\nname = \"a\"\ntarget_share = \"0.4\"\n"
                               "[[risk.capital.layers]]\nname = \"b\"\ntarget_share = \"0.6\"\n"
                               "[risk.capital]\nsafe_layers = [\"a\"]\n");
  CHECK(ok.has_value());
  auto over = errors_of("[[risk.capital.layers]]\nname = \"a\"\ntarget_share = \"0.4\"\n"
                        "[[risk.capital.layers]]\nname = \"b\"\ntarget_share = \"0.600000001\"\n"
                        "[risk.capital]\nsafe_layers = [\"a\"]\n");
  CHECK(contains(over, "risk.capital.layers: target shares sum to 1.000000001, must be <= 1"));
}

TEST_CASE("missing required keys of [[risk.venues]], pools and layers") {
  auto e = errors_of(R"([[risk.venues]]
max_leverage = 2
[[risk.capital.pools]]
venue = "sim-a"
[[risk.capital.layers]]
target_share = "0.5"
[risk.capital]
safe_layers = []
)");
  CHECK(contains(e, "t.toml:1:1: risk.venues[0].venue: missing required key 'venue'"));
  CHECK(contains(e, "t.toml:3:1: risk.capital.pools[0].pool: missing required key 'pool'"));
  CHECK(contains(e, "t.toml:5:1: risk.capital.layers[0].name: missing required key 'name'"));
  // Only those three: the empty names they leave are not reported again.
  CHECK(lines_of(e).size() == 3);
}

TEST_CASE("duplicate [[risk.venues]] and venues that are not [[sim.venues]]") {
  auto e = errors_of(R"([[risk.venues]]
venue = "sim-a"
[[risk.venues]]
venue = "sim-x"
[[risk.venues]]
venue = "sim-a"
[[risk.capital.pools]]
venue = "sim-b"
pool = "100"
[[risk.capital.pools]]
venue = "nowhere"
pool = "100"
[[risk.capital.pools]]
venue = "sim-b"
pool = "200"
)");
  CHECK(contains(e, "t.toml:4:9: risk.venues[1].venue: unknown venue \"sim-x\" (neither [[sim.venues]] nor a [venues.sim-x] with market_data = \"live\")"));
  CHECK(contains(e, "t.toml:6:9: risk.venues[2].venue: duplicate venue 'sim-a'"));
  CHECK(contains(e, "t.toml:11:9: risk.capital.pools[1].venue: unknown venue \"nowhere\" (neither [[sim.venues]] nor a [venues.nowhere] with market_data = \"live\")"));
  CHECK(contains(e, "t.toml:14:9: risk.capital.pools[2].venue: duplicate venue"));
  CHECK(lines_of(e).size() == 4);
}

TEST_CASE("a problem a venue inherits from [risk] is reported once, there") {
  auto e = errors_of(R"([risk]
default_margin_leverage = -1
[risk.rate_limits]
orders_per_s = 0
[[risk.venues]]
venue = "sim-a"
[[risk.venues]]
venue = "sim-b"
[risk.venues.rate_limits]
cancels_burst = 0
)");
  CHECK(contains(e, "t.toml:2:27: risk.default_margin_leverage: must be > 0 (got -1)"));
  CHECK(contains(e, "t.toml:4:16: risk.rate_limits.orders_per_s: must be >= 1 (got 0)"));
  CHECK(contains(e, "t.toml:10:17: risk.venues[1].rate_limits.cancels_burst: must be >= 1 (got 0)"));
  CHECK_FALSE(contains(e, "risk.venues[0]"));
  CHECK(lines_of(e).size() == 3);
}

TEST_CASE("[market] and [[sim.venues]] keys: types and ranges") {
  auto e = errors_of(R"([market]
consistency_check_s = -1
# (WS liveness: [risk.breakers.liveness] budget_ms)
[[sim.venues]]
name = "v"
tick_scale = "0.001"
maker_fee = "0"
taker_fee = "0"
corrupt_probability = 1.5
rate_limit_orders_per_s = -1
rate_limit_burst = "5"
ban_after_429 = 2.5
ban_s = 0
)");
  CHECK(contains(e, "t.toml:2:23: market.consistency_check_s: must be between 0 and 86400 (got -1)"));
  CHECK(contains(e, "t.toml:9:23: sim.venues[0].corrupt_probability: must be between 0 and 1 (got 1.5)"));
  CHECK(contains(e, "t.toml:10:27: sim.venues[0].rate_limit_orders_per_s: must be between 0 and "
                    "1000000 (got -1)"));
  CHECK(contains(e, "t.toml:11:20: sim.venues[0].rate_limit_burst: expected an integer, got a string"));
  CHECK(contains(e, "t.toml:12:17: sim.venues[0].ban_after_429: expected an integer, got a float"));
  CHECK(contains(e, "t.toml:13:9: sim.venues[0].ban_s: must be between 1 and 86400 (got 0)"));
  CHECK(lines_of(e).size() == 6);
  // consistency_check_s = 0 switches the check off and is valid.
  auto off = load_ok("[market]\nconsistency_check_s = 0\n");
  CHECK(off.market.consistency_check_s == 0);
}

TEST_CASE("validate() checks [risk] changed in code, with the file's names") {
  auto c = default_config();
  c.risk.breakers.stale_book.budget_ns = -1'500'000'000;
  c.risk.breakers.latency.clear_after_ns = 0;
  c.risk.capital.layers[1].max_usage = ratio::from_units(2);
  c.risk.capital.pools = {{"sim-z", money::from_units(5)}};
  c.risk.venues = {risk::venue_risk_config{}};
  c.risk.venues[0].venue = "sim-b";
  c.risk.venues[0].rate_limits.weight_snapshot = 5000;
  auto err = validate(c);
  REQUIRE(err);
  auto lines = lines_of(err.message);
  CHECK(lines == std::vector<std::string>{
                   "risk.breakers.stale_book.budget_ms: must be > 0 (got -1500)",
                   "risk.breakers.latency.clear_after_s: must be > 0 (got 0)",
                   "risk.capital.layers[1].max_usage: must be in (0, 1] (got 2)",
                   "risk.venues[0].rate_limits.weight_snapshot: must be between 0 and 1200 "
                   "(got 5000)",
                   "risk.capital.pools[0].venue: unknown venue \"sim-z\" (neither "
                   "[[sim.venues]] nor a [venues.sim-z] with market_data = \"live\")",
                 });
}

}
