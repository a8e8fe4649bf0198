#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/strategy/params.hpp"

using namespace xarb;
using namespace xarb::strategy;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

// Exactly one problem, and it is `expected` (a prefix of the line).
void check_single(const pair_params& p, const std::string& expected) {
  auto lines = lines_of(validate(p));
  INFO("validate: " << validate(p));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind(expected, 0) == 0);
}

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_v = std::numeric_limits<double>::infinity();

} // namespace

TEST_SUITE("strategy params") {

TEST_CASE("enum names round trip") {
  for (auto m : {signal_model::zscore, signal_model::mean_offset, signal_model::vol_adjusted,
                 signal_model::persistent}) {
    signal_model back = signal_model::zscore;
    REQUIRE(parse(to_string(m), back));
    CHECK(back == m);
  }
  for (auto m : {trade_mode::normal_arb, trade_mode::zero_wear}) {
    trade_mode back = trade_mode::normal_arb;
    REQUIRE(parse(to_string(m), back));
    CHECK(back == m);
  }
  for (auto s : {exec_style::taker_taker, exec_style::maker_taker}) {
    exec_style back = exec_style::taker_taker;
    REQUIRE(parse(to_string(s), back));
    CHECK(back == s);
  }
  for (auto l : {maker_leg::a, maker_leg::b, maker_leg::automatic}) {
    maker_leg back = maker_leg::a;
    REQUIRE(parse(to_string(l), back));
    CHECK(back == l);
  }
  CHECK(to_string(signal_model::zscore) == "zscore");
  CHECK(to_string(signal_model::mean_offset) == "mean_offset");
  CHECK(to_string(signal_model::vol_adjusted) == "vol_adjusted");
  CHECK(to_string(signal_model::persistent) == "persistent");
  CHECK(to_string(trade_mode::normal_arb) == "normal_arb");
  CHECK(to_string(trade_mode::zero_wear) == "zero_wear");
  CHECK(to_string(exec_style::taker_taker) == "taker_taker");
  CHECK(to_string(exec_style::maker_taker) == "maker_taker");
  CHECK(to_string(maker_leg::a) == "a");
  CHECK(to_string(maker_leg::b) == "b");
  CHECK(to_string(maker_leg::automatic) == "auto");
}

TEST_CASE("unknown names do not parse and leave the output alone") {
  signal_model m = signal_model::persistent;
  CHECK_FALSE(parse("ZSCORE", m));
  CHECK_FALSE(parse("", m));
  CHECK(m == signal_model::persistent);
  trade_mode t = trade_mode::zero_wear;
  CHECK_FALSE(parse("zero-wear", t));
  CHECK(t == trade_mode::zero_wear);
  exec_style s = exec_style::maker_taker;
  CHECK_FALSE(parse("taker", s));
  CHECK(s == exec_style::maker_taker);
  maker_leg l = maker_leg::b;
  CHECK_FALSE(parse("automatic", l));
  CHECK(l == maker_leg::b);
}

TEST_CASE("the defaults are valid and keep the documented values") {
  pair_params p;
  CHECK(validate(p).empty());
  CHECK(p.mode == trade_mode::normal_arb);
  CHECK(p.style == exec_style::taker_taker);
  CHECK(p.signal.model == signal_model::zscore);
  CHECK(p.max_tranches == 3);
}

TEST_CASE("every range rule triggers with its path") {
  struct rule {
    std::function<void(pair_params&)> breaks;
    std::string expected;
  };
  const std::vector<rule> rules = {
    {[](auto& p) { p.signal.window = 1; }, "strategy.signal.window: must be between 2 and 1000000 (got 1)"},
    {[](auto& p) { p.signal.window = 1'000'001; }, "strategy.signal.window: must be between 2 and 1000000"},
    {[](auto& p) { p.signal.sample_interval_ns = 999'999; }, "strategy.signal.sample_interval_ms: must be >= 1 (got 0.999999)"},
    {[](auto& p) { p.signal.min_std_bps = 0; }, "strategy.signal.min_std_bps: must be > 0 (got 0)"},
    {[](auto& p) { p.signal.z_entry = 0; p.signal.z_exit = -1; }, "strategy.signal.z_entry: must be > 0 (got 0)"},
    {[](auto& p) { p.signal.z_exit = 2; }, "strategy.signal.z_exit: must be < z_entry (2)"},
    {[](auto& p) { p.signal.offset_bps = -1; p.signal.exit_offset_bps = -2; }, "strategy.signal.offset_bps: must be > 0 (got -1)"},
    {[](auto& p) { p.signal.exit_offset_bps = 10; }, "strategy.signal.exit_offset_bps: must be < offset_bps (10)"},
    {[](auto& p) { p.signal.low_vol_min_profit_bps = 0; }, "strategy.signal.low_vol_min_profit_bps: must be > 0 (got 0)"},
    {[](auto& p) { p.signal.high_vol_min_profit_bps = 2; }, "strategy.signal.high_vol_min_profit_bps: must be >= low_vol_min_profit_bps (3)"},
    {[](auto& p) { p.signal.vol_low_bps = -0.5; }, "strategy.signal.vol_low_bps: must be >= 0 (got -0.5)"},
    {[](auto& p) { p.signal.vol_high_bps = 1; }, "strategy.signal.vol_high_bps: must be > vol_low_bps (1)"},
    {[](auto& p) { p.signal.threshold_bps = 0; }, "strategy.signal.threshold_bps: must be > 0 (got 0)"},
    {[](auto& p) { p.signal.persist_samples = 0; }, "strategy.signal.persist_samples: must be between 1 and 1000000 (got 0)"},
    {[](auto& p) { p.signal.cooldown_ns = -1'500'000'000; }, "strategy.signal.cooldown_s: must be >= 0 (got -1.5)"},
    {[](auto& p) { p.signal.persistent_exit_bps = nan_v; }, "strategy.signal.persistent_exit_bps: must be a finite number"},
    {[](auto& p) { p.signal.tranche_step = 0; }, "strategy.signal.tranche_step: must be > 0 (got 0)"},
    {[](auto& p) { p.order_notional = money::zero(); p.hard_delta_notional = money::zero(); }, "strategy.order_notional: must be > 0 (got 0)"},
    {[](auto& p) { p.max_tranches = 0; }, "strategy.max_tranches: must be between 1 and 3 (got 0)"},
    {[](auto& p) { p.max_tranches = 4; }, "strategy.max_tranches: must be between 1 and 3 (got 4)"},
    {[](auto& p) { p.max_position_notional = money::from_units(999); }, "strategy.max_position_notional: must be >= order_notional (1000)"},
    {[](auto& p) { p.min_profit_bps = -0.1; }, "strategy.min_profit_bps: must be >= 0 (got -0.1)"},
    {[](auto& p) { p.take_profit_bps = -1; }, "strategy.take_profit_bps: must be >= 0 (got -1)"},
    {[](auto& p) { p.stop_loss_bps = -1; }, "strategy.stop_loss_bps: must be >= 0 (got -1)"},
    {[](auto& p) { p.max_hold_ns = -1'000'000'000; }, "strategy.max_hold_s: must be >= 0 (got -1)"},
    {[](auto& p) { p.slippage_bps = 0; }, "strategy.slippage_bps: must be > 0 and <= 500 (got 0)"},
    {[](auto& p) { p.slippage_bps = 501; p.hedge_slippage_bps = 600; }, "strategy.slippage_bps: must be > 0 and <= 500 (got 501)"},
    {[](auto& p) { p.hedge_slippage_bps = 4; }, "strategy.hedge_slippage_bps: must be >= slippage_bps (5)"},
    {[](auto& p) { p.hedge_slippage_bps = 1000.5; }, "strategy.hedge_slippage_bps: must be <= 1000 (got 1000.5)"},
    {[](auto& p) { p.requote_bps = 0; }, "strategy.requote_bps: must be > 0 (got 0)"},
    {[](auto& p) { p.leg_timeout_ns = 9'000'000; }, "strategy.leg_timeout_ms: must be >= 10 (got 9)"},
    {[](auto& p) { p.maker_timeout_ns = 1'999'000'000; }, "strategy.maker_timeout_ms: must be >= leg_timeout_ms (2000)"},
    {[](auto& p) { p.hedge_timeout_ns = 1'000'000'000; }, "strategy.hedge_timeout_ms: must be >= leg_timeout_ms (2000)"},
    {[](auto& p) { p.max_retries = 21; }, "strategy.max_retries: must be between 0 and 20 (got 21)"},
    {[](auto& p) { p.max_book_age_ns = 99'000'000; }, "strategy.max_book_age_ms: must be >= 100 (got 99)"},
    {[](auto& p) { p.rebalance_multiple = 0.9; }, "strategy.rebalance_multiple: must be >= 1 (got 0.9)"},
    {[](auto& p) { p.hard_delta_notional = money::from_string("999.5").value(); }, "strategy.hard_delta_notional: must be >= order_notional (1000)"},
    {[](auto& p) { p.mode = static_cast<trade_mode>(7); }, "strategy.mode: invalid value 7"},
    {[](auto& p) { p.signal.model = static_cast<signal_model>(9); }, "strategy.signal.model: invalid value 9"},
  };
  for (auto& r : rules) {
    INFO("rule: " << r.expected);
    pair_params p;
    r.breaks(p);
    check_single(p, r.expected);
  }
}

TEST_CASE("boundary values are accepted") {
  pair_params p;
  p.signal.window = 2;
  p.signal.sample_interval_ns = 1'000'000;
  p.signal.z_exit = -3; // exit beyond the mean is allowed
  p.signal.exit_offset_bps = -5;
  p.signal.high_vol_min_profit_bps = p.signal.low_vol_min_profit_bps;
  p.signal.vol_low_bps = 0;
  p.signal.persist_samples = 1;
  p.signal.cooldown_ns = 0;
  p.max_tranches = 1;
  p.max_position_notional = p.order_notional;
  p.hard_delta_notional = p.order_notional;
  p.min_profit_bps = p.take_profit_bps = p.stop_loss_bps = 0;
  p.max_hold_ns = 0;
  p.slippage_bps = 500;
  p.hedge_slippage_bps = 1000;
  p.leg_timeout_ns = p.maker_timeout_ns = p.hedge_timeout_ns = 10'000'000;
  p.max_retries = 0;
  p.max_book_age_ns = 100'000'000;
  p.rebalance_multiple = 1;
  CHECK(validate(p).empty());
  p.max_retries = 20;
  p.max_tranches = 3;
  p.signal.window = 1'000'000;
  CHECK(validate(p).empty());
}

TEST_CASE("NaN and infinity are rejected everywhere, without follow-up errors") {
  pair_params p;
  p.signal.z_entry = nan_v;
  p.signal.min_std_bps = inf_v;
  p.slippage_bps = nan_v;
  p.rebalance_multiple = -inf_v;
  auto lines = lines_of(validate(p, "pairs[2]"));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "pairs[2].signal.min_std_bps: must be a finite number");
  CHECK(lines[1] == "pairs[2].signal.z_entry: must be a finite number");
  CHECK(lines[2] == "pairs[2].slippage_bps: must be a finite number");
  CHECK(lines[3] == "pairs[2].rebalance_multiple: must be a finite number");
}

TEST_CASE("all problems are listed, one per line, under the given path") {
  pair_params p;
  p.signal.window = 0;
  p.max_tranches = 9;
  p.requote_bps = -1;
  auto text = validate(p, "pairs[0]");
  auto lines = lines_of(text);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].rfind("pairs[0].signal.window: ", 0) == 0);
  CHECK(lines[1].rfind("pairs[0].max_tranches: ", 0) == 0);
  CHECK(lines[2].rfind("pairs[0].requote_bps: ", 0) == 0);
  CHECK(text.back() != '\n');
  // An empty path gives bare keys.
  CHECK(validate(p, "").rfind("signal.window: ", 0) == 0);
}

TEST_CASE("effective_params: zero_wear forces its settings, normal_arb changes nothing") {
  pair_params p;
  p.max_tranches = 3;
  p.min_profit_bps = 4;
  p.take_profit_bps = 7;
  p.stop_loss_bps = 40;
  p.max_hold_ns = 60'000'000'000;
  p.maker = maker_leg::b;
  p.signal.model = signal_model::persistent;
  CHECK(effective_params(p) == p);

  p.mode = trade_mode::zero_wear;
  auto e = effective_params(p);
  CHECK(e.mode == trade_mode::zero_wear);
  CHECK(e.style == exec_style::maker_taker);
  CHECK(e.max_tranches == 1);
  CHECK(e.min_profit_bps == 0);
  CHECK(e.take_profit_bps == 0);
  CHECK(e.stop_loss_bps == 0);
  CHECK(e.max_hold_ns == 0);
  // Everything else is kept.
  CHECK(e.maker == maker_leg::b);
  CHECK(e.signal == p.signal);
  CHECK(e.order_notional == p.order_notional);
  CHECK(e.hard_delta_notional == p.hard_delta_notional);
  CHECK(validate(e).empty());
  // Idempotent.
  CHECK(effective_params(e) == e);
}

}
