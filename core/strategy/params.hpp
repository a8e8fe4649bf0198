#pragma once
// Parameters of one pair's strategy (signal, tranches, mode, execution,
// hedging). Plain data with defaults; nodes/config reads them from
// [strategy] (defaults for every pair) and [[pairs]] (per-pair overrides),
// and validate() below is the single source of truth for their ranges.
//
// Units: *_bps are basis points of the pair's mid price (1 bp = 0.0001);
// *_ns are nanoseconds; quantities and money are exact decimals.
// docs/STRATEGY.md explains each knob with an example.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "messages/decimal.hpp"

namespace xarb::strategy {

/// How the entry/exit signal is computed from the spread series.
enum class signal_model : uint8_t {
  zscore,       ///< rolling mean/std; enter at z >= z_entry, exit at z <= z_exit (seed 000)
  mean_offset,  ///< enter when spread >= mean of the window + offset_bps (seed 003)
  vol_adjusted, ///< enter when the net edge beats a minimum that rises with volatility (seed 001)
  persistent,   ///< fixed threshold held for persist_samples samples, then cooldown (seed 002)
};

/// normal_arb: trade the spread when the expected round trip beats
/// min_profit_bps after all costs. zero_wear: volume mode, switched on by the
/// operator: open and close only when the whole round trip costs <= 0 after
/// fees and rebates (see effective_params()).
enum class trade_mode : uint8_t { normal_arb, zero_wear };

/// taker_taker: both legs IOC at once. maker_taker: post-only on the maker
/// venue, each maker fill hedged at once with IOC on the other venue.
enum class exec_style : uint8_t { taker_taker, maker_taker };

/// Which leg rests as maker in maker_taker: A, B, or automatic (the venue
/// with the lower maker fee, A on a tie).
enum class maker_leg : uint8_t { a, b, automatic };

std::string_view to_string(signal_model x) noexcept;
std::string_view to_string(trade_mode x) noexcept;
std::string_view to_string(exec_style x) noexcept;
std::string_view to_string(maker_leg x) noexcept;
bool parse(std::string_view s, signal_model& out) noexcept;
bool parse(std::string_view s, trade_mode& out) noexcept;
bool parse(std::string_view s, exec_style& out) noexcept;
bool parse(std::string_view s, maker_leg& out) noexcept;

struct signal_params {
  signal_model model = signal_model::zscore;
  std::size_t window = 240;          ///< rolling window, samples (warm-up until full): 60 s
  int64_t sample_interval_ns = 250'000'000; ///< one statistics sample per interval
  double min_std_bps = 0.05;         ///< std floor: a flat spread must not explode z
  // zscore
  double z_entry = 2.0;
  double z_exit = 0.5;
  // mean_offset
  double offset_bps = 10;            ///< entry: spread >= mean + offset
  double exit_offset_bps = 0;        ///< exit: spread <= mean + exit_offset
  // vol_adjusted: the minimum net edge moves linearly from low_vol_min to
  // high_vol_min as the window's std goes from vol_low_bps to vol_high_bps.
  double low_vol_min_profit_bps = 3;
  double high_vol_min_profit_bps = 12;
  double vol_low_bps = 1;
  double vol_high_bps = 10;
  // persistent
  double threshold_bps = 20;         ///< entry: net edge >= threshold ...
  std::size_t persist_samples = 3;   ///< ... for this many consecutive samples
  int64_t cooldown_ns = 30'000'000'000; ///< no new entry this long after one
  double persistent_exit_bps = 0;    ///< exit: spread <= mean + this
  /// Each further tranche needs strength >= 1 + k x tranche_step (k = 1, 2).
  double tranche_step = 0.5;

  friend bool operator==(const signal_params&, const signal_params&) = default;
};

struct pair_params {
  signal_params signal;
  trade_mode mode = trade_mode::normal_arb;
  exec_style style = exec_style::taker_taker;
  maker_leg maker = maker_leg::automatic;

  // -- sizing -----------------------------------------------------------------
  money order_notional = money::from_units(1000); ///< one tranche, quote currency
  std::size_t max_tranches = 3;      ///< 1..3
  money max_position_notional = money::from_units(3000); ///< per leg, whole pair

  // -- thresholds and exits ---------------------------------------------------
  double min_profit_bps = 2;         ///< normal_arb: expected round trip after costs
  double take_profit_bps = 0;        ///< close when the open round trip would earn this; 0 = off
  double stop_loss_bps = 50;         ///< close when it would lose this; 0 = off
  int64_t max_hold_ns = 1800'000'000'000; ///< close after this; 0 = off

  // -- execution --------------------------------------------------------------
  double slippage_bps = 5;           ///< IOC limit = VWAP-worst price +- this
  double hedge_slippage_bps = 20;    ///< cap for hedges and unwinds
  double requote_bps = 1;            ///< maker order re-quoted when it is this far off
  int64_t leg_timeout_ns = 2'000'000'000;    ///< no ack / no final state -> cancel, expire
  int64_t maker_timeout_ns = 30'000'000'000; ///< a resting maker order lives at most this
  int64_t hedge_timeout_ns = 5'000'000'000;  ///< unhedged delta may last this, then unwind
  std::size_t max_retries = 3;       ///< new hedge orders per episode, then unwind
  int64_t max_book_age_ns = 5'000'000'000;   ///< older books block decisions

  // -- hedge ledger -----------------------------------------------------------
  /// Drift (net delta no order of ours explains) is carried up to this many
  /// x the larger venue minimum order, then a rebalance order goes.
  double rebalance_multiple = 2;
  /// Net delta notional above this flattens both legs reduce-only and halts.
  money hard_delta_notional = money::from_units(5000);

  friend bool operator==(const pair_params&, const pair_params&) = default;
};

// Serialization (CAF inspect; no CAF include needed): a pair's parameters
// travel to its trader when an operator changes them (POST
// /api/pairs/{id}/params). Every field, in declaration order.
template <class Inspector>
auto inspect(Inspector& f, signal_params& x) {
  return f(x.model, x.window, x.sample_interval_ns, x.min_std_bps, x.z_entry, x.z_exit,
           x.offset_bps, x.exit_offset_bps, x.low_vol_min_profit_bps,
           x.high_vol_min_profit_bps, x.vol_low_bps, x.vol_high_bps, x.threshold_bps,
           x.persist_samples, x.cooldown_ns, x.persistent_exit_bps, x.tranche_step);
}

template <class Inspector>
auto inspect(Inspector& f, pair_params& x) {
  return f(x.signal, x.mode, x.style, x.maker, x.order_notional, x.max_tranches,
           x.max_position_notional, x.min_profit_bps, x.take_profit_bps, x.stop_loss_bps,
           x.max_hold_ns, x.slippage_bps, x.hedge_slippage_bps, x.requote_bps,
           x.leg_timeout_ns, x.maker_timeout_ns, x.hedge_timeout_ns, x.max_retries,
           x.max_book_age_ns, x.rebalance_multiple, x.hard_delta_notional);
}

/// The parameters actually used: zero_wear overrides entry/exit thresholds
/// (round-trip cost <= 0), forces maker_taker and one tranche, and suspends
/// take-profit/stop-loss/max-hold (it closes only at zero cost or on a hard
/// limit / operator flatten).
pair_params effective_params(const pair_params& p);

/// Every range problem, one per line, as "PATH.KEY: what is wrong", e.g.
/// "strategy.signal.z_exit: must be < z_entry (2)"; empty when valid. KEY is
/// the config-file key (nodes/config), so durations are named and shown in
/// that key's unit ("leg_timeout_ms", "max_hold_s"). NaN/inf are rejected.
/// Checks every model's parameters, not only the selected model's.
std::string validate(const pair_params& p, std::string_view path = "strategy");

} // namespace xarb::strategy
