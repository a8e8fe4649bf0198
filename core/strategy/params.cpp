// Enum names, zero_wear overrides and the range rules of pair_params.
#include "core/strategy/params.hpp"
#include "core/problems.hpp"

#include <charconv>
#include <cmath>

namespace xarb::strategy {

// -- enum names ------------------------------------------------------------------

namespace {

template <class E, std::size_t N>
struct enum_names {
  E values[N];
  std::string_view names[N];

  std::string_view name(E x) const noexcept {
    for (std::size_t i = 0; i < N; ++i)
      if (values[i] == x)
        return names[i];
    return "invalid";
  }

  bool parse(std::string_view s, E& out) const noexcept {
    for (std::size_t i = 0; i < N; ++i)
      if (names[i] == s) {
        out = values[i];
        return true;
      }
    return false;
  }
};

constexpr enum_names<signal_model, 4> model_names{
  {signal_model::zscore, signal_model::mean_offset, signal_model::vol_adjusted,
   signal_model::persistent},
  {"zscore", "mean_offset", "vol_adjusted", "persistent"}};
constexpr enum_names<trade_mode, 2> mode_names{
  {trade_mode::normal_arb, trade_mode::zero_wear}, {"normal_arb", "zero_wear"}};
constexpr enum_names<exec_style, 2> style_names{
  {exec_style::taker_taker, exec_style::maker_taker}, {"taker_taker", "maker_taker"}};
constexpr enum_names<maker_leg, 3> leg_names{
  {maker_leg::a, maker_leg::b, maker_leg::automatic}, {"a", "b", "auto"}};

} // namespace

std::string_view to_string(signal_model x) noexcept { return model_names.name(x); }
std::string_view to_string(trade_mode x) noexcept { return mode_names.name(x); }
std::string_view to_string(exec_style x) noexcept { return style_names.name(x); }
std::string_view to_string(maker_leg x) noexcept { return leg_names.name(x); }
bool parse(std::string_view s, signal_model& out) noexcept { return model_names.parse(s, out); }
bool parse(std::string_view s, trade_mode& out) noexcept { return mode_names.parse(s, out); }
bool parse(std::string_view s, exec_style& out) noexcept { return style_names.parse(s, out); }
bool parse(std::string_view s, maker_leg& out) noexcept { return leg_names.parse(s, out); }

// -- effective parameters --------------------------------------------------------

pair_params effective_params(const pair_params& p) {
  if (p.mode != trade_mode::zero_wear)
    return p;
  auto e = p;
  // Volume mode: one maker/taker tranche, opened and closed only when the
  // whole round trip costs <= 0; the profit exits would fight that rule.
  e.style = exec_style::maker_taker;
  e.max_tranches = 1;
  e.min_profit_bps = 0;
  e.take_profit_bps = 0;
  e.stop_loss_bps = 0;
  e.max_hold_ns = 0;
  return e;
}

// -- validation ------------------------------------------------------------------

namespace {

constexpr int64_t ns_per_ms = 1'000'000;
constexpr int64_t ns_per_s = 1'000'000'000;

std::string show(double x) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  return std::string(buf, res.ptr);
}

std::string show(std::size_t x) { return std::to_string(x); }
std::string show(money x) { return x.to_string(); }

/// A duration in the unit of its config key ("2000" ms, "1.5" s).
std::string show_in(int64_t ns, int64_t unit) {
  if (ns % unit == 0)
    return std::to_string(ns / unit);
  return show(static_cast<double>(ns) / static_cast<double>(unit));
}

/// Collects problems as "prefix.key: message" lines. Keys are the config
/// file's names, so durations are reported in the key's unit (_ms, _s).
class checker : public problems {
public:
  using problems::problems;
  /// False (and reported) for NaN/inf: the other rules then skip the value.
  bool finite(std::string_view key, double x) {
    if (std::isfinite(x))
      return true;
    bad(key, "must be a finite number");
    return false;
  }

  void greater(std::string_view key, double x, double lo) {
    if (finite(key, x) && !(x > lo))
      bad(key, "must be > " + show(lo) + " (got " + show(x) + ")");
  }

  void at_least(std::string_view key, double x, double lo) {
    if (finite(key, x) && !(x >= lo))
      bad(key, "must be >= " + show(lo) + " (got " + show(x) + ")");
  }

  void between(std::string_view key, std::size_t x, std::size_t lo, std::size_t hi) {
    if (x < lo || x > hi)
      bad(key, "must be between " + show(lo) + " and " + show(hi) + " (got " + show(x) + ")");
  }

  /// Duration `ns` >= `lo_ns`, both shown in `unit` (ns per unit).
  void duration_at_least(std::string_view key, int64_t ns, int64_t lo_ns, int64_t unit) {
    if (ns < lo_ns)
      bad(key, "must be >= " + show_in(lo_ns, unit) + " (got " + show_in(ns, unit) + ")");
  }
};

bool finite_all(std::initializer_list<double> xs) {
  for (double x : xs)
    if (!std::isfinite(x))
      return false;
  return true;
}

template <class E>
void known_enum(checker& c, std::string_view key, E x) {
  if (to_string(x) == "invalid")
    c.bad(key, "invalid value " + std::to_string(static_cast<int>(x)));
}

void check_signal(const signal_params& s, checker& c) {
  known_enum(c, "signal.model", s.model);
  c.between("signal.window", s.window, 2, 1'000'000);
  c.duration_at_least("signal.sample_interval_ms", s.sample_interval_ns, ns_per_ms, ns_per_ms);
  c.greater("signal.min_std_bps", s.min_std_bps, 0);
  // zscore
  c.greater("signal.z_entry", s.z_entry, 0);
  if (c.finite("signal.z_exit", s.z_exit) && std::isfinite(s.z_entry) && !(s.z_exit < s.z_entry))
    c.bad("signal.z_exit", "must be < z_entry (" + show(s.z_entry) + ")");
  // mean_offset
  c.greater("signal.offset_bps", s.offset_bps, 0);
  if (c.finite("signal.exit_offset_bps", s.exit_offset_bps) && std::isfinite(s.offset_bps)
      && !(s.exit_offset_bps < s.offset_bps))
    c.bad("signal.exit_offset_bps", "must be < offset_bps (" + show(s.offset_bps) + ")");
  // vol_adjusted
  c.greater("signal.low_vol_min_profit_bps", s.low_vol_min_profit_bps, 0);
  c.greater("signal.high_vol_min_profit_bps", s.high_vol_min_profit_bps, 0);
  if (finite_all({s.low_vol_min_profit_bps, s.high_vol_min_profit_bps})
      && s.high_vol_min_profit_bps < s.low_vol_min_profit_bps)
    c.bad("signal.high_vol_min_profit_bps",
          "must be >= low_vol_min_profit_bps (" + show(s.low_vol_min_profit_bps) + ")");
  c.at_least("signal.vol_low_bps", s.vol_low_bps, 0);
  if (c.finite("signal.vol_high_bps", s.vol_high_bps) && std::isfinite(s.vol_low_bps)
      && !(s.vol_high_bps > s.vol_low_bps))
    c.bad("signal.vol_high_bps", "must be > vol_low_bps (" + show(s.vol_low_bps) + ")");
  // persistent
  c.greater("signal.threshold_bps", s.threshold_bps, 0);
  c.between("signal.persist_samples", s.persist_samples, 1, 1'000'000);
  c.duration_at_least("signal.cooldown_s", s.cooldown_ns, 0, ns_per_s);
  c.finite("signal.persistent_exit_bps", s.persistent_exit_bps);
  // tranches
  c.greater("signal.tranche_step", s.tranche_step, 0);
}

void check_pair(const pair_params& p, checker& c) {
  known_enum(c, "mode", p.mode);
  known_enum(c, "style", p.style);
  known_enum(c, "maker", p.maker);
  // sizing
  if (!p.order_notional.is_positive())
    c.bad("order_notional", "must be > 0 (got " + show(p.order_notional) + ")");
  c.between("max_tranches", p.max_tranches, 1, 3);
  if (p.max_position_notional < p.order_notional)
    c.bad("max_position_notional",
          "must be >= order_notional (" + show(p.order_notional) + ")");
  // thresholds and exits
  c.at_least("min_profit_bps", p.min_profit_bps, 0);
  c.at_least("take_profit_bps", p.take_profit_bps, 0);
  c.at_least("stop_loss_bps", p.stop_loss_bps, 0);
  c.duration_at_least("max_hold_s", p.max_hold_ns, 0, ns_per_s);
  // execution
  if (c.finite("slippage_bps", p.slippage_bps)
      && !(p.slippage_bps > 0 && p.slippage_bps <= 500))
    c.bad("slippage_bps", "must be > 0 and <= 500 (got " + show(p.slippage_bps) + ")");
  if (c.finite("hedge_slippage_bps", p.hedge_slippage_bps)) {
    if (p.hedge_slippage_bps > 1000)
      c.bad("hedge_slippage_bps", "must be <= 1000 (got " + show(p.hedge_slippage_bps) + ")");
    else if (std::isfinite(p.slippage_bps) && p.hedge_slippage_bps < p.slippage_bps)
      c.bad("hedge_slippage_bps", "must be >= slippage_bps (" + show(p.slippage_bps) + ")");
  }
  c.greater("requote_bps", p.requote_bps, 0);
  c.duration_at_least("leg_timeout_ms", p.leg_timeout_ns, 10 * ns_per_ms, ns_per_ms);
  if (p.maker_timeout_ns < p.leg_timeout_ns)
    c.bad("maker_timeout_ms",
          "must be >= leg_timeout_ms (" + show_in(p.leg_timeout_ns, ns_per_ms) + ")");
  if (p.hedge_timeout_ns < p.leg_timeout_ns)
    c.bad("hedge_timeout_ms",
          "must be >= leg_timeout_ms (" + show_in(p.leg_timeout_ns, ns_per_ms) + ")");
  c.between("max_retries", p.max_retries, 0, 20);
  c.duration_at_least("max_book_age_ms", p.max_book_age_ns, 100 * ns_per_ms, ns_per_ms);
  // hedge ledger
  c.at_least("rebalance_multiple", p.rebalance_multiple, 1);
  if (p.hard_delta_notional < p.order_notional)
    c.bad("hard_delta_notional", "must be >= order_notional (" + show(p.order_notional) + ")");
}

} // namespace

std::string validate(const pair_params& p, std::string_view path) {
  checker c{path};
  check_signal(p.signal, c);
  check_pair(p, c);
  return std::move(c).str();
}

} // namespace xarb::strategy
