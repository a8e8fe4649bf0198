// pair_engine: driving positions to target: hedging, unwind, limits, execution styles.
#include "core/strategy/pair_engine.hpp"
#include "core/strategy/pair_engine_detail.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace xarb::strategy {

using namespace engine_detail;

void pair_engine::drive(timestamp_ns now, engine_output& out) {
  if (!legs_[0].has_rules || !legs_[1].has_rules)
    return;
  // No order before every leg is reconciled with its venue (recovery).
  if (reconciling())
    return;
  if (adopt_pending_) {
    adopt_positions(now, out);
    if (adopt_pending_)
      return;
  }
  const auto w = collect(now);
  if (gate_.hold() && flat_positions() && !w.any) {
    // The disagreement found by reconciliation is unwound.
    gate_.clear_hold();
    note(severity::warning, "reconciliation hold lifted: the pair is flat", now, out);
  }
  const quantity net = net_delta();
  // Hard limit on the unhedged value.
  if (!flattening_ && eff_.hard_delta_notional.is_positive()) {
    auto value = notional(ref_price(0), net.abs());
    if (value && *value > eff_.hard_delta_notional) {
      note(severity::critical,
           fmt::format("net delta {} worth {} exceeds the hard limit {}: flattening",
                       net.to_string(), value->to_string(),
                       eff_.hard_delta_notional.to_string()),
           now, out);
      flatten("hard delta limit", now, out);
      return;
    }
  }
  if (flattening_) {
    flatten_step(now, w, out);
    return;
  }
  if (hedge_step(now, w, out))
    return;
  // HALTED by the risk guard: hedges only (above), no execution.
  if (gate_.state() != trade_state::halted) {
    execute_step(now, w, out);
  } else if (!w.any) {
    // Held and settled: the target is what is really held (the orders
    // working at the halt filled or not), so that a resume neither trades
    // back to a stale target nor leaves a hedged position nobody manages.
    const quantity held = hedged_part(position(0), position(1));
    target_a_ = held;
    closing_ = false;
    if (!held.is_zero()) {
      const int d = held.is_negative() ? 0 : 1;
      if (dir_ < 0) {
        opened_at_ = now;
        rt_base_ = booked_pnl();
      }
      dir_ = d;
      tranches_ = std::max<std::size_t>(tranches_, 1);
    }
  }
  finish_cycle(now, collect(now), out);
}

bool pair_engine::hedge_step(timestamp_ns now, const working& w, engine_output& out) {
  const quantity net = net_delta();
  const quantity proj = net + w.ioc[0] + w.ioc[1];
  const quantity floor = std::min(threshold(0), threshold(1));
  // An episode lasts while the real delta or the projected one (positions
  // plus working IOCs) is tradeable: it ends only once the hedge is done.
  if (net.abs() < floor && proj.abs() < floor) {
    if (unhedged_since_ != 0) {
      note(severity::info,
           fmt::format("hedged after {:.1f} ms ({} hedge orders)",
                       static_cast<double>(now - unhedged_since_) / 1e6, hedge_attempts_),
           now, out);
      if (!episode_unwound_)
        failed_episodes_ = 0;
      episode_unwound_ = false;
    }
    unhedged_since_ = 0;
    hedge_attempts_ = 0;
    hedge_leg_ = -1;
    return w.any_ioc;
  }
  if (unhedged_since_ == 0) {
    // Imbalance that no order of ours explains (a fill we did not expect, a
    // restart) is drift: carried up to the rebalance limit, then rebalanced.
    const bool drift = !w.any && now - last_own_fill_ > eff_.leg_timeout_ns;
    const double limit = static_cast<double>(std::max(threshold(0), threshold(1)).raw())
                         * eff_.rebalance_multiple;
    if (drift && static_cast<double>(proj.abs().raw()) <= limit)
      return w.any_ioc;
    unhedged_since_ = now;
    hedge_attempts_ = 0;
    episode_drift_ = drift;
  }
  // Working IOCs will bring the delta back: wait for them.
  if (proj.abs() < floor)
    return true;
  // One hedge order at a time: wait for working IOCs to resolve.
  if (w.any_ioc)
    return true;
  const side need = proj.is_positive() ? side::sell : side::buy;
  const int need_sign = proj.is_positive() ? -1 : 1;
  // The hedge is tried for half the hedge timeout (or max_retries orders);
  // then the orphan is unwound, so the delta is gone within the timeout.
  const bool timed_out = now - unhedged_since_ >= eff_.hedge_timeout_ns / 2
                         || hedge_attempts_ >= eff_.max_retries;
  // Candidates: legs behind their target in the needed direction (resting
  // orders count as on their way); the taker leg first in maker_taker.
  int order[2] = {0, 1};
  if (eff_.style == exec_style::maker_taker) {
    order[0] = 1 - pricing_.maker;
    order[1] = pricing_.maker;
  } else {
    const quantity g0 = (target_of(0) - position(0) - w.resting[0]).abs();
    const quantity g1 = (target_of(1) - position(1) - w.resting[1]).abs();
    if (g1 > g0)
      std::swap(order[0], order[1]);
  }
  if (!timed_out) {
    for (int leg : order) {
      const quantity gap = target_of(leg) - position(leg) - w.resting[leg];
      if (sign(gap) != need_sign || !can_order(leg, now))
        continue;
      const quantity qty = round_down(std::min(proj.abs(), gap.abs()), legs_[leg].rules.lot);
      if (qty < threshold(leg))
        continue;
      ++hedge_attempts_;
      hedge_leg_ = leg;
      place(leg, need, qty, taker_limit(leg, need, qty, eff_.hedge_slippage_bps),
            time_in_force::ioc, false,
            episode_drift_ ? order_purpose::rebalance : order_purpose::hedge, now, out);
      return true;
    }
    // Nothing can hedge right now (book unusable, below minimum, back-off):
    // wait, the episode clock runs.
    return true;
  }
  // Unwind: the other leg goes back to match what got done, reduce-only when
  // that shrinks its position; the target follows reality.
  const int first = hedge_leg_ >= 0 ? 1 - hedge_leg_ : order[1];
  for (int leg : {first, 1 - first}) {
    if (!can_order(leg, now))
      continue;
    const quantity qty = round_down(proj.abs(), legs_[leg].rules.lot);
    if (qty < threshold(leg))
      continue;
    const quantity pos = position(leg);
    const bool reduce = sign(pos) == -need_sign && qty <= pos.abs();
    note(severity::error,
         fmt::format("hedge not done after {:.0f} ms and {} orders: unwinding {} {} on {}",
                     static_cast<double>(now - unhedged_since_) / 1e6, hedge_attempts_,
                     to_string(need), qty.to_string(), legs_[leg].ledger.get().venue),
         now, out);
    set_leg_target(leg, pos + (need == side::buy ? qty : -qty));
    episode_unwound_ = true;
    ++consecutive_failures_;
    entries_blocked_until_ = now + eff_.hedge_timeout_ns;
    if (++failed_episodes_ >= max_failed_episodes)
      halt("repeated hedge failures", now, out);
    // The unwind gets its own attempts, alternating legs if it fails too.
    unhedged_since_ = now - eff_.hedge_timeout_ns / 4;
    hedge_attempts_ = 0;
    hedge_leg_ = leg;
    place(leg, need, qty, taker_limit(leg, need, qty, eff_.hedge_slippage_bps),
          time_in_force::ioc, reduce, order_purpose::unwind, now, out);
    return true;
  }
  return true;
}

void pair_engine::execute_step(timestamp_ns now, const working& w, engine_output& out) {
  const quantity gap0 = target_of(0) - position(0) - w.resting[0];
  const quantity gap1 = target_of(1) - position(1) - w.resting[1];
  const bool opening = !closing_;
  const order_purpose purpose = opening ? order_purpose::open : order_purpose::close;
  const bool maker_mode = eff_.style == exec_style::maker_taker && !urgent_close_;
  if (!maker_mode) {
    // Both legs IOC at once, same size.
    if (w.rest_order[0] || w.rest_order[1]) {
      for (auto* o : w.rest_order)
        if (o)
          cancel(*o, cancel_abort, now, out);
      return;
    }
    if (w.any || sign(gap0) == 0 || sign(gap0) != -sign(gap1))
      return;
    if (!can_order(0, now) || !can_order(1, now))
      return;
    quantity qty = round_down(std::min(gap0.abs(), gap1.abs()),
                              common_lot(legs_[0].rules.lot, legs_[1].rules.lot));
    if (!opening && gate_.state() != trade_state::active) {
      // Closed by the risk guard: one tranche at a time (the next once this
      // one settled), so a leg that fails leaves at most a slice unhedged.
      const quantity slice = tranche_size(ref_price(0));
      if (slice.is_positive() && slice < qty)
        qty = slice;
    }
    if (qty < threshold(0) || qty < threshold(1))
      return;
    const side s0 = gap0.is_positive() ? side::buy : side::sell;
    const side s1 = opposite(s0);
    const double slip = opening ? eff_.slippage_bps : eff_.hedge_slippage_bps;
    const price p0 = taker_limit(0, s0, qty, slip);
    const price p1 = taker_limit(1, s1, qty, slip);
    if (!p0.is_positive() || !p1.is_positive())
      return;
    // Both legs pass the risk checks before either goes: a refusal must not
    // leave one leg alone in the market.
    for (int leg = 0; leg < 2; ++leg) {
      const side sd = leg == 0 ? s0 : s1;
      const price px = leg == 0 ? p0 : p1;
      if (auto err = gate_.precheck(make_check(leg, sd, qty, px, !opening, purpose, now), now)) {
        ++stats_.risk_refused;
        note_refusal(fmt::format("{} {} {} {} refused by risk: {}", to_string(purpose),
                                 legs_[leg].ledger.get().venue, to_string(sd), qty.to_string(),
                                 err.message),
                     now, out);
        return;
      }
    }
    place(0, s0, qty, p0, time_in_force::ioc, !opening, purpose, now, out);
    place(1, s1, qty, p1, time_in_force::ioc, !opening, purpose, now, out);
    return;
  }
  // maker_taker: the maker leg rests at the touch; its fills are hedged by
  // hedge_step on the taker leg.
  const int m = pricing_.maker;
  const quantity gap_m = m == 0 ? gap0 : gap1;
  if (auto* o = w.rest_order[m]) {
    // Entry no longer wanted: withdraw the rest of the tranche.
    if (opening && o->purpose == order_purpose::open && dir_ >= 0
        && (!entry_wanted(dir_) || !risk_refusal(dir_, quantity::zero(), now).empty())) {
      cancel(*o, cancel_abort, now, out);
      return;
    }
    // Re-quote when the touch moved past the tolerance either way: away,
    // the order lost its place; toward it, the order now sells (buys)
    // cheaper (dearer) than the market offers and its edge is gone.
    const price want = passive_price(m, o->intent.sd);
    if (want.is_positive() && leg_usable(m, now)) {
      const double off = std::abs(static_cast<double>((want - o->intent.px).raw()))
                         / static_cast<double>(want.raw()) * 1e4;
      if (off > eff_.requote_bps) {
        ++stats_.requotes;
        cancel(*o, cancel_requote, now, out);
      }
    }
    return;
  }
  if (w.any_ioc || sign(gap_m) == 0 || !can_order(m, now) || !leg_usable(1 - m, now))
    return;
  // Do not start new maker quotes for an entry the signal no longer backs.
  if (opening && dir_ >= 0
      && (!entry_wanted(dir_) || !risk_refusal(dir_, quantity::zero(), now).empty())) {
    abort_rest(m);
    return;
  }
  const quantity qty = round_down(gap_m.abs(), legs_[m].rules.lot);
  if (qty < threshold(m))
    return;
  const side sd = gap_m.is_positive() ? side::buy : side::sell;
  const price px = passive_price(m, sd);
  place(m, sd, qty, px, time_in_force::post_only, !opening, purpose, now, out);
}

void pair_engine::flatten_step(timestamp_ns now, const working& w, engine_output& out) {
  // Reduce-only, in slices that keep the pair's net delta bounded: first
  // whatever imbalance there is (it only shrinks the delta), then both legs
  // together, one tranche at a time, the next slice only once the previous
  // one is settled. A leg that cannot trade holds the other one back.
  for (auto* o : w.rest_order)
    if (o)
      cancel(*o, cancel_flatten, now, out);
  const quantity pos[2] = {position(0), position(1)};
  const bool open0 = pos[0].abs() >= threshold(0);
  const bool open1 = pos[1].abs() >= threshold(1);
  if (!open0 && !open1) {
    if (!w.any) {
      flattening_ = false;
      closing_ = false;
      dir_ = -1;
      tranches_ = 0;
      target_a_ = quantity::zero();
      unhedged_since_ = 0;
      note(severity::warning, "flat: pair stays halted until resumed", now, out);
    }
    return;
  }
  if (w.any_ioc || w.any)
    return; // one slice at a time
  auto close = [&](int leg, quantity qty) {
    if (!can_order(leg, now))
      return false;
    qty = round_down(std::min(qty, pos[leg].abs()), legs_[leg].rules.lot);
    if (qty < threshold(leg))
      return false;
    const side sd = pos[leg].is_positive() ? side::sell : side::buy;
    return place(leg, sd, qty, taker_limit(leg, sd, qty, eff_.hedge_slippage_bps),
                 time_in_force::ioc, true, order_purpose::flatten, now, out)
           != nullptr;
  };
  const quantity net = pos[0] + pos[1];
  const quantity floor = std::min(threshold(0), threshold(1));
  if (net.abs() >= floor || !open0 || !open1) {
    // The imbalance: reduce the leg whose position has the delta's sign.
    for (int leg = 0; leg < 2; ++leg)
      if (sign(pos[leg]) == sign(net) && close(leg, net.abs()))
        return;
    if (!open0 || !open1) {
      // A lone leg of the other sign than the net (cannot happen with both
      // legs below the minimum): close it.
      close(open0 ? 0 : 1, pos[open0 ? 0 : 1].abs());
    }
    return;
  }
  // Hedged: one slice on both legs at once.
  quantity slice = std::min(pos[0].abs(), pos[1].abs());
  const quantity tranche = tranche_size(ref_price(0));
  if (tranche.is_positive())
    slice = std::min(slice, tranche);
  slice = round_down(slice, common_lot(legs_[0].rules.lot, legs_[1].rules.lot));
  if (slice < threshold(0) || slice < threshold(1))
    slice = std::min(pos[0].abs(), pos[1].abs());
  if (!can_order(0, now) || !can_order(1, now))
    return;
  if (close(0, slice))
    close(1, slice);
}

void pair_engine::finish_cycle(timestamp_ns now, const working& w, engine_output& out) {
  if (dir_ < 0 || w.any || unhedged_since_ != 0 || !target_a_.is_zero() || !flat_positions())
    return;
  if (closing_) {
    ++stats_.round_trips;
    note(severity::info,
         fmt::format("round trip {} closed: P&L {} after fees and funding",
                     stats_.round_trips, (booked_pnl() - rt_base_).to_string()),
         now, out);
  } else {
    note(severity::info, "entry withdrawn: flat again", now, out);
  }
  closing_ = false;
  urgent_close_ = false;
  dir_ = -1;
  tranches_ = 0;
}

} // namespace xarb::strategy
