#pragma once
// A strategy::pair_params that differs from the defaults in every field,
// shared by the tests that must notice a forgotten field: the serialization
// round trip (messages) and the JSON/TOML round trip (nodes/config_json).
// Values are exact in the config's units (ms, s, decimal money).

#include "core/strategy/params.hpp"

namespace xarb::test {

inline strategy::pair_params non_default_params() {
  strategy::pair_params p;
  auto m = [](const char* text) {
    money v;
    (void)money::parse(text, v, rounding::exact);
    return v;
  };
  p.mode = strategy::trade_mode::zero_wear;
  p.style = strategy::exec_style::maker_taker;
  p.maker = strategy::maker_leg::b;
  p.order_notional = m("1234.5");
  p.max_tranches = 2;
  p.max_position_notional = m("2469");
  p.min_profit_bps = 3.25;
  p.take_profit_bps = 4.5;
  p.stop_loss_bps = 40;
  p.max_hold_ns = 90'000'000'000;
  p.slippage_bps = 6;
  p.hedge_slippage_bps = 25;
  p.requote_bps = 1.5;
  p.leg_timeout_ns = 1'500'000'000;
  p.maker_timeout_ns = 20'000'000'000;
  p.hedge_timeout_ns = 4'000'000'000;
  p.max_retries = 2;
  p.max_book_age_ns = 3'000'000'000;
  p.rebalance_multiple = 3;
  p.hard_delta_notional = m("6000.123456789");
  auto& s = p.signal;
  s.model = strategy::signal_model::persistent;
  s.window = 120;
  s.sample_interval_ns = 500'000'000;
  s.min_std_bps = 0.25;
  s.z_entry = 2.5;
  s.z_exit = 0.75;
  s.offset_bps = 12;
  s.exit_offset_bps = 1;
  s.low_vol_min_profit_bps = 4;
  s.high_vol_min_profit_bps = 14;
  s.vol_low_bps = 2;
  s.vol_high_bps = 11;
  s.threshold_bps = 22;
  s.persist_samples = 5;
  s.cooldown_ns = 15'000'000'000;
  s.persistent_exit_bps = 0.5;
  s.tranche_step = 0.25;
  return p;
}

} // namespace xarb::test
