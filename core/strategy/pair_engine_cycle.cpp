// pair_engine: pricing, signal and decisions (entries, tranches, exits, targets).
#include "core/strategy/pair_engine.hpp"
#include "core/strategy/pair_engine_detail.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>


namespace xarb::strategy {

using namespace engine_detail;

// -- the cycle ------------------------------------------------------------------------

void pair_engine::evaluate(timestamp_ns now, engine_output& out) {
  // Price the pair for one tranche and keep the statistics.
  const bool usable = leg_usable(0, now) && leg_usable(1, now);
  quote_.valid = false;
  if (usable) {
    quote_ = price_pair(legs_[0].book, legs_[1].book,
                        tranche_size(pair_mid(legs_[0].book, legs_[1].book)),
                        legs_[0].rules, legs_[1].rules, pricing_);
  }
  spread_.ts = now;
  spread_.valid = quote_.valid;
  if (quote_.valid) {
    spread_.size = quote_.size;
    spread_.bid_a = quote_.sell_a;
    spread_.ask_a = quote_.buy_a;
    spread_.bid_b = quote_.sell_b;
    spread_.ask_b = quote_.buy_b;
    spread_.spread_ab = quote_.spread_ab;
    spread_.spread_ba = quote_.spread_ba;
    // The window is frozen while a position is open: reversion is measured
    // against the market before the dislocation, not against a mean that
    // has been chasing it.
    // Nor is it fed while recovering: the market seen then may be the very
    // dislocation a recovered position was opened on (an adopted position
    // keeps an empty window: it is closed by max_hold_s, the stop loss or
    // the take profit, docs/STORAGE.md).
    if (dir_ < 0 && !reconciling() && !adopt_pending_
        && now - last_sample_ >= eff_.signal.sample_interval_ns) {
      last_sample_ = now;
      signal_.add(now, quote_.net_bps[0], quote_.net_bps[1]);
    }
    reading_ = signal_.read(now, quote_.net_bps[0], quote_.net_bps[1]);
    spread_.samples = signal_.count();
    spread_.net_ab_bps = quote_.net_bps[0];
    spread_.net_ba_bps = quote_.net_bps[1];
    spread_.mean_ab = reading_.mean[0];
    spread_.std_ab = reading_.std[0];
    spread_.z_ab = reading_.warm ? reading_.z[0] : 0.0;
    spread_.mean_ba = reading_.mean[1];
    spread_.std_ba = reading_.std[1];
    spread_.z_ba = reading_.warm ? reading_.z[1] : 0.0;
    decide(now, out);
  }
  drive(now, out);
  flush_sent(now, out);
}

void pair_engine::decide(timestamp_ns now, engine_output& out) {
  // Halted: hold the (hedged) position, no entries, no exits: the operator
  // decides (flatten or resume).
  // Recovering (restart, venue session back): nothing is decided before the
  // venues have answered and the recovered position is adopted.
  if (flattening_ || halted_ || reconciling() || adopt_pending_)
    return;
  // The risk guard's state comes first: HALTED holds, REDUCING closes.
  switch (gate_.state()) {
    case trade_state::active: break;
    case trade_state::halted: return;
    case trade_state::reducing:
      if (dir_ >= 0 && (!closing_ || !urgent_close_))
        start_close("risk REDUCING: " + gate_.permit().reason, true, now, out);
      return;
  }
  const auto w = collect(now);
  const bool settled = !w.any && unhedged_since_ == 0;
  if (dir_ < 0) {
    // After an unwind the market just proved the hedge venue cannot take the
    // trade: no new entry for a hedge timeout.
    if (!settled || !flat_positions() || now < entries_blocked_until_)
      return;
    int best = -1;
    for (int d = 0; d < 2; ++d)
      if (entry_wanted(d)
          && (best < 0 || quote_.net_bps[d] + reading_.mean[1 - d]
                            > quote_.net_bps[best] + reading_.mean[1 - best]))
        best = d;
    if (best < 0)
      return;
    if (auto why = risk_refusal(best, tranche_size(quote_.mid), now); !why.empty()) {
      note_refusal(fmt::format("entry {} refused by risk: {}", dir_name(best), why), now, out);
      return;
    }
    open_tranche(best, now, out);
    return;
  }
  if (closing_) {
    // A passive exit that does not get filled becomes a taker exit after a
    // maker timeout (zero_wear excepted: it closes at zero cost or not at all).
    if (!urgent_close_ && eff_.mode == trade_mode::normal_arb
        && now - close_started_ > eff_.maker_timeout_ns) {
      urgent_close_ = true;
      note(severity::warning, "passive exit not filled: closing as taker", now, out);
    }
    return;
  }
  // Exits.
  money rt_pnl;
  double rt_bps = 0;
  const bool valued = close_now_value(rt_pnl, rt_bps);
  const bool hedged_open = settled && !target_a_.is_zero();
  if (eff_.mode == trade_mode::zero_wear) {
    if (hedged_open && valued && !rt_pnl.is_negative()) {
      start_close(fmt::format("zero_wear: round trip {} ({:.2f} bps) >= 0", rt_pnl.to_string(),
                              rt_bps),
                  false, now, out);
      return;
    }
  } else {
    if (eff_.max_hold_ns > 0 && now - opened_at_ >= eff_.max_hold_ns) {
      start_close("max holding time", true, now, out);
      return;
    }
    if (valued && eff_.stop_loss_bps > 0 && rt_bps <= -eff_.stop_loss_bps) {
      start_close(fmt::format("stop loss: {:.2f} bps", rt_bps), true, now, out);
      return;
    }
    if (valued && eff_.take_profit_bps > 0 && rt_bps >= eff_.take_profit_bps) {
      start_close(fmt::format("take profit: {:.2f} bps", rt_bps), false, now, out);
      return;
    }
    if (reading_.exit[dir_] && hedged_open) {
      start_close(fmt::format("reverted: edge {:.2f} bps, z {:.2f}", quote_.net_bps[dir_],
                              reading_.z[dir_]),
                  false, now, out);
      return;
    }
  }
  // Further tranches: each needs a stronger signal, a completed previous one
  // and room under the position limit.
  if (!settled || tranches_ >= eff_.max_tranches)
    return;
  const bool reached = (position(0) - target_of(0)).abs() < threshold(0)
                       && (position(1) - target_of(1)).abs() < threshold(1);
  if (!reached || !entry_wanted(dir_)
      || !signal_.tranche_allowed(reading_.strength[dir_], tranches_))
    return;
  if (auto why = risk_refusal(dir_, tranche_size(quote_.mid), now); !why.empty()) {
    // Right after a tranche filled the guard has not seen it yet: its next
    // grant is on the way (the fill was reported), not a refusal to report.
    const bool regrant_due = gate_.has_permit() && gate_.permit().ts < last_own_fill_
                             && why.starts_with("exposure budget");
    if (!regrant_due)
      note_refusal(fmt::format("tranche {} refused by risk: {}", tranches_ + 1, why), now, out);
    return;
  }
  open_tranche(dir_, now, out);
}

void pair_engine::open_tranche(int dir, timestamp_ns now, engine_output& out) {
  const quantity qty = tranche_size(quote_.mid);
  if (!qty.is_positive())
    return;
  // Position limit, in quote currency per leg.
  auto next = notional(quote_.mid, target_a_.abs() + qty);
  if (!next || *next > eff_.max_position_notional)
    return;
  if (dir_ < 0) {
    dir_ = dir;
    opened_at_ = now;
    rt_base_ = booked_pnl();
    urgent_close_ = false;
  }
  target_a_ += dir == 0 ? -qty : qty;
  ++tranches_;
  ++stats_.entries;
  const double expected = quote_.net_bps[dir] + reading_.mean[1 - dir];
  stats_.last_entry_expected_bps = expected;
  stats_.min_entry_expected_bps = std::min(stats_.min_entry_expected_bps, expected);
  signal_.on_entry(dir, now);
  note(severity::info,
       fmt::format("open tranche {}/{} {} size {}: edge {:.2f} bps, expected round trip "
                   "{:.2f} bps, strength {:.2f}",
                   tranches_, eff_.max_tranches, dir_name(dir), qty.to_string(),
                   quote_.net_bps[dir], expected, reading_.strength[dir]),
       now, out);
}

void pair_engine::start_close(const std::string& why, bool urgent, timestamp_ns now,
                              engine_output& out) {
  closing_ = true;
  urgent_close_ = urgent;
  close_started_ = now;
  target_a_ = quantity::zero();
  note(severity::info, fmt::format("close {}: {}", dir_name(dir_), why), now, out);
}

void pair_engine::abort_rest(int leg) {
  // The tranche shrinks to what `leg` actually holds (never grows or flips).
  const quantity held = leg == 0 ? position(0) : -position(1);
  quantity t = target_a_;
  if (t.is_zero() || sign(held) != sign(t))
    t = quantity::zero();
  else if (held.abs() < t.abs())
    t = held;
  if (t.abs() < threshold(0) || t.abs() < threshold(1))
    t = quantity::zero();
  target_a_ = t;
}

void pair_engine::set_leg_target(int leg, quantity leg_target) {
  target_a_ = leg == 0 ? leg_target : -leg_target;
  if (target_a_.abs() < threshold(0) || target_a_.abs() < threshold(1))
    target_a_ = quantity::zero();
  if (!target_a_.is_zero()) {
    // A failed close that had to re-hedge is an open position again.
    closing_ = false;
    dir_ = target_a_.is_negative() ? 0 : 1;
  }
}

} // namespace xarb::strategy
