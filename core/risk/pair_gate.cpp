#include "core/risk/pair_gate.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace xarb::risk {

namespace {

int sign_of(quantity q) noexcept {
  return q.is_positive() ? 1 : (q.is_negative() ? -1 : 0);
}

int sign_of(side s) noexcept {
  return s == side::buy ? 1 : -1;
}

bool multiple_of(int64_t v, int64_t step) noexcept {
  return step <= 0 || v % step == 0;
}

error_info refuse(error_code c, std::string text) {
  return error_info{c, std::move(text)};
}

} // namespace

bool pair_gate::set_permit(const risk_permit& p, timestamp_ns /*now*/) {
  if (has_permit_ && p.version <= permit_.version)
    return false;
  permit_ = p;
  has_permit_ = true;
  if (p.fast_move_pct != fast_cfg_pct_ || p.fast_window_ns != fast_cfg_window_) {
    fast_cfg_pct_ = p.fast_move_pct;
    fast_cfg_window_ = p.fast_window_ns;
    if (p.fast_move_pct > 0 && p.fast_window_ns > 0)
      for (auto& f : fast_)
        f = fast_market_detector{p.fast_move_pct, p.fast_window_ns};
  }
  return true;
}

trade_state pair_gate::state() const noexcept {
  const trade_state s = has_permit_ ? permit_.state : trade_state::active;
  return hold_ ? worst(s, trade_state::reducing) : s;
}

std::string pair_gate::entry_refusal(int dir, money commit_after, int64_t age_a,
                                     int64_t age_b, timestamp_ns now) const {
  // The pair's own veto comes first: it holds even without a permit.
  if (local_block_)
    return "storage: " + local_reason_;
  if (hold_)
    return "reconciliation: " + hold_reason_;
  if (!has_permit_)
    return required_ ? "no permit from the risk guard yet" : std::string{};
  const auto& p = permit_;
  if (p.state != trade_state::active)
    return fmt::format("{}: {}", to_string(p.state), p.reason);
  if (!p.entries)
    return p.reason.empty() ? "entries frozen" : p.reason;
  if (now > p.valid_until)
    return "permit expired (risk guard silent)";
  if (p.max_book_age_ns > 0 && (age_a < 0 || age_b < 0 || age_a > p.max_book_age_ns
                                || age_b > p.max_book_age_ns))
    return fmt::format("stale book: ages {:.0f} / {:.0f} ms, budget {:.0f} ms",
                       static_cast<double>(age_a) / 1e6, static_cast<double>(age_b) / 1e6,
                       static_cast<double>(p.max_book_age_ns) / 1e6);
  if (fast_market(now))
    return fmt::format("fast market: {:.2f} % within {:.0f} ms", fast_move_,
                       static_cast<double>(p.fast_window_ns) / 1e6);
  const money cap = dir == 0 ? p.cap_ab : p.cap_ba;
  if (commit_after > cap)
    return fmt::format("exposure budget: {} per leg after the entry, {} granted ({})",
                       commit_after.to_string(), cap.to_string(),
                       dir == 0 ? "ab" : "ba");
  return {};
}

bool pair_gate::reduces_position(const order_check& o) noexcept {
  const int pos = sign_of(o.leg_position);
  return pos != 0 && sign_of(o.sd) == -pos && o.qty <= o.leg_position.abs();
}

bool pair_gate::reduces_net(const order_check& o) noexcept {
  const int net = sign_of(o.pair_net);
  return net != 0 && sign_of(o.sd) == -net && o.qty <= o.pair_net.abs();
}

error_info pair_gate::precheck(const order_check& o, timestamp_ns now) const {
  if (auto err = rules_check(o))
    return err;
  if (const auto& l = limiters_[o.leg & 1]; l && !l->would_allow(endpoint::new_order, now))
    return refuse(error_code::rate_limited, "rate limit " + l->venue() + ": budget empty");
  return {};
}

error_info pair_gate::check_order(const order_check& o, timestamp_ns now) {
  auto result = [&]() -> error_info {
    if (auto err = rules_check(o))
      return err;
    if (const auto& l = limiters_[o.leg & 1]) {
      auto d = l->acquire(endpoint::new_order, now);
      if (!d) {
        ++rate_limited_;
        return refuse(error_code::rate_limited, "rate limit " + l->venue() + ": " + d.reason);
      }
    }
    return {};
  }();
  if (result)
    ++refused_;
  return result;
}

error_info pair_gate::rules_check(const order_check& o) const {
  if (!o.qty.is_positive() || !o.px.is_positive())
    return refuse(error_code::invalid_order, "non-positive price or size");
  // Validity against the venue's rules: the engine rounds everything, so
  // a failure here is a bug upstream, caught before the venue sees it.
  const int leg = o.leg & 1;
  if (has_rules_[leg]) {
    const auto& r = rules_[leg];
    if (!multiple_of(o.px.raw(), r.tick.raw()))
      return refuse(error_code::bad_tick, fmt::format("price {} is not a multiple of the tick {}",
                                                      o.px.to_string(), r.tick.to_string()));
    if (!multiple_of(o.qty.raw(), r.lot.raw()))
      return refuse(error_code::bad_lot, fmt::format("size {} is not a multiple of the lot {}",
                                                     o.qty.to_string(), r.lot.to_string()));
    if (o.qty < r.min_qty)
      return refuse(error_code::below_min_qty, fmt::format("size {} below the minimum {}",
                                                           o.qty.to_string(),
                                                           r.min_qty.to_string()));
    if (!o.reduce_only && r.min_notional.is_positive()) {
      auto n = notional(o.px, o.qty);
      if (n && *n < r.min_notional)
        return refuse(error_code::below_min_notional,
                      fmt::format("notional {} below the minimum {}", n->to_string(),
                                  r.min_notional.to_string()));
    }
  }
  if (o.reduce_only && !reduces_position(o))
    return refuse(error_code::reduce_only_violation,
                  fmt::format("reduce-only {} {} would not reduce the position {}",
                              to_string(o.sd), o.qty.to_string(), o.leg_position.to_string()));
  // Shrinking a position counts only when the order is reduce-only: the venue
  // then enforces it, whereas a plain order checked against the position of
  // now can still flip it (another order on the leg may fill first). A hedge
  // is judged on the projected net, which includes the working orders.
  const bool reduce_pos = o.reduce_only; // and reduces_position(o): checked above
  const bool reduce_net = reduces_net(o);
  // The pair's local block (storage failure): like REDUCING, only orders
  // that reduce exposure. Stops the remaining orders of an entry that was
  // under way when the block came (the engine retries them otherwise).
  if (local_block_ && !reduce_pos && !reduce_net)
    return refuse(error_code::io_error,
                  "storage: " + local_reason_ + ": order would not reduce exposure");
  if (hold_ && !reduce_pos && !reduce_net)
    return refuse(error_code::invalid_order,
                  "reconciliation REDUCING (" + hold_reason_ + "): order would not reduce exposure");
  if (!has_permit_)
    return {};
  const auto& p = permit_;
  switch (p.state) {
    case trade_state::active:
      break;
    case trade_state::reducing:
      if (!reduce_pos && !reduce_net)
        return refuse(error_code::invalid_order,
                      "risk REDUCING (" + p.reason + "): order would not reduce exposure");
      break;
    case trade_state::halted:
      if (!reduce_net && !(o.flatten && o.reduce_only))
        return refuse(error_code::invalid_order,
                      "risk HALTED (" + p.reason + "): only hedges and flattens");
      break;
  }
  if (p.price_band_bps > 0 && o.reference.is_positive()) {
    const double off = std::abs(static_cast<double>((o.px - o.reference).raw()))
                       / static_cast<double>(o.reference.raw()) * 1e4;
    if (off > p.price_band_bps)
      return refuse(error_code::invalid_order,
                    fmt::format("price {} is {:.1f} bps from the reference {} (band {:.1f})",
                                o.px.to_string(), off,
                                o.reference.to_string(), p.price_band_bps));
  }
  if (!reduce_pos && !reduce_net && p.max_order_notional.is_positive()) {
    auto n = notional(o.px, o.qty);
    if (!n || *n > p.max_order_notional)
      return refuse(error_code::invalid_order,
                    fmt::format("order notional {} above the cap {}",
                                n ? n->to_string() : std::string{"overflow"},
                                p.max_order_notional.to_string()));
  }
  return {};
}

void pair_gate::on_mid(int leg, double mid, timestamp_ns now) {
  if (!has_permit_ || permit_.fast_move_pct <= 0 || permit_.fast_window_ns <= 0
      || !(mid > 0))
    return;
  fast_[leg & 1].on_mid(now, mid);
  const double move = std::min(fast_[0].advance(now), fast_[1].advance(now));
  fast_now_ = move > permit_.fast_move_pct;
  if (fast_now_) {
    fast_move_ = move;
    fast_until_ = now + permit_.fast_freeze_ns;
  }
}

} // namespace xarb::risk
