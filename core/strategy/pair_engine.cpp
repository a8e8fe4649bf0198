// pair_engine: construction, helpers, inputs, operator controls, state.
#include "core/strategy/pair_engine.hpp"
#include "core/strategy/pair_engine_detail.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>


namespace xarb::strategy {

using namespace engine_detail;

// -- construction ---------------------------------------------------------------

pair_engine::pair_engine(engine_config cfg)
  : cfg_(std::move(cfg)),
    legs_{leg_state{cfg_.venue_a, cfg_.symbol}, leg_state{cfg_.venue_b, cfg_.symbol}},
    signal_(cfg_.params.signal),
    orders_(cfg_.symbol + ":" + cfg_.venue_a + "/" + cfg_.venue_b,
            2 * cfg_.params.leg_timeout_ns) {
  if (cfg_.venue_a == cfg_.venue_b)
    throw std::invalid_argument("pair_engine: venue_a == venue_b (" + cfg_.venue_a + ")");
  if (auto problems = validate(cfg_.params, "params"); !problems.empty())
    throw std::invalid_argument("pair_engine: " + problems);
  id_ = cfg_.symbol + ":" + cfg_.venue_a + "/" + cfg_.venue_b;
  source_ = "pair/" + id_;
  ids_ = client_id_generator(cfg_.node, id_, cfg_.epoch);
  apply_params(cfg_.params);
  spread_.pair_id = id_;
  spread_.symbol = cfg_.symbol;
  spread_.venue_a = cfg_.venue_a;
  spread_.venue_b = cfg_.venue_b;
  gate_ = risk::pair_gate{cfg_.require_permit};
}

void pair_engine::apply_params(const pair_params& p) {
  cfg_.params = p;
  eff_ = effective_params(p);
  pricing_.style = eff_.style;
  pricing_.maker = 0;
  if (eff_.maker == maker_leg::b) {
    pricing_.maker = 1;
  } else if (eff_.maker == maker_leg::automatic && legs_[0].has_rules && legs_[1].has_rules
             && legs_[1].rules.maker_fee < legs_[0].rules.maker_fee) {
    pricing_.maker = 1;
  }
}

error_info pair_engine::set_rules(int leg, const instrument_spec& spec) {
  auto& l = legs_[leg & 1];
  if (spec.symbol != cfg_.symbol || spec.venue != l.ledger.get().venue)
    return error_info{error_code::invalid_order,
                      "rules for " + spec.venue + " " + spec.symbol + " do not match leg "
                        + l.ledger.get().venue + " " + cfg_.symbol};
  auto r = make_leg_rules(spec);
  if (!r)
    return r.error();
  l.rules = *r;
  l.has_rules = true;
  gate_.set_rules(leg & 1, risk::gate_rules{l.rules.tick, l.rules.lot, l.rules.min_qty,
                                            l.rules.min_notional});
  l.threshold_px = price::zero(); // rules changed: recompute
  apply_params(cfg_.params); // the automatic maker leg depends on fees
  return {};
}

int pair_engine::leg_of(const std::string& venue) const noexcept {
  if (venue == cfg_.venue_a)
    return 0;
  if (venue == cfg_.venue_b)
    return 1;
  return -1;
}

// -- helpers ----------------------------------------------------------------------

bool pair_engine::leg_usable(int leg, timestamp_ns now) const noexcept {
  const auto& l = legs_[leg];
  return l.has_rules && l.available && l.book.synced() && l.book.best_bid() && l.book.best_ask()
         && now - l.recv_ts <= eff_.max_book_age_ns;
}

bool pair_engine::can_order(int leg, timestamp_ns now) const noexcept {
  const auto& l = legs_[leg];
  return leg_usable(leg, now) && now >= l.next_order_ok && l.recv_ts > l.stale_before;
}

price pair_engine::ref_price(int leg) const {
  auto m = mid_price(legs_[leg].book);
  if (m.is_positive())
    return m;
  m = mid_price(legs_[1 - leg].book);
  return m.is_positive() ? m : quote_.mid;
}

quantity pair_engine::threshold(int leg) const {
  // Asked several times per update; the answer only moves with the price.
  const auto& l = legs_[leg];
  const price px = ref_price(leg);
  if (px != l.threshold_px || !l.threshold_px.is_positive()) {
    l.threshold_px = px;
    l.threshold = min_tradable(l.rules, px);
  }
  return l.threshold;
}

quantity pair_engine::tranche_size(price mid) const {
  if (!mid.is_positive())
    return quantity::zero();
  auto size = divide_by(eff_.order_notional, mid, rounding::down);
  if (!size)
    return quantity::zero();
  auto q = round_down(quantity::from_raw(size->raw()),
                      common_lot(legs_[0].rules.lot, legs_[1].rules.lot));
  if (q < threshold(0) || q < threshold(1))
    return quantity::zero();
  return q;
}

bool pair_engine::flat_positions() const {
  return position(0).abs() < threshold(0) && position(1).abs() < threshold(1);
}

money pair_engine::booked_pnl() const {
  money total;
  for (const auto& l : legs_) {
    const auto& p = l.ledger.get();
    total += p.realized_pnl - p.fees + p.funding;
  }
  return total;
}

bool pair_engine::economics_ok(int dir) const {
  // Expected round trip: the entry edge now plus the exit edge at its mean
  // (closing `dir` trades the other direction), both after fees.
  const double expected = quote_.net_bps[dir] + reading_.mean[1 - dir];
  if (eff_.mode == trade_mode::zero_wear)
    return expected >= 0.0;
  return expected >= eff_.min_profit_bps;
}

bool pair_engine::entry_wanted(int dir) const {
  if (!reading_.warm || !enabled_ || halted_)
    return false;
  // zero_wear is volume mode: any round trip expected to cost nothing goes,
  // whatever the signal model says.
  if (eff_.mode == trade_mode::zero_wear)
    return economics_ok(dir);
  return reading_.entry[dir] && economics_ok(dir);
}

/// What closing everything now at executable prices would leave for this
/// round trip: booked P&L since the open, plus the open legs marked at the
/// VWAP of closing them, minus the closing fees.
bool pair_engine::close_now_value(money& pnl, double& bps) const {
  money value = booked_pnl() - rt_base_;
  money cost_sum;
  for (int i = 0; i < 2; ++i) {
    const auto& l = legs_[i];
    const quantity q = l.ledger.get().qty;
    if (q.is_zero())
      continue;
    const side exit_side = q.is_positive() ? side::sell : side::buy;
    const auto est = l.book.estimate(exit_side, q.abs());
    if (!est.complete)
      return false;
    value += l.ledger.unrealized(est.vwap);
    const bool maker = eff_.style == exec_style::maker_taker && pricing_.maker == i
                       && !urgent_close_;
    auto fee = apply(maker ? l.rules.maker_fee : l.rules.taker_fee, est.notional);
    if (!fee)
      return false;
    value -= *fee;
    cost_sum += l.ledger.cost();
  }
  pnl = value;
  const double base = cost_sum.to_double() / 2.0;
  bps = base > 0 ? value.to_double() / base * 1e4 : 0.0;
  return true;
}

void pair_engine::note(severity sev, std::string text, timestamp_ns now,
                       engine_output& out) const {
  out.events.push_back(event{now, sev, source_, std::move(text)});
}

price pair_engine::taker_limit(int leg, side sd, quantity qty, double slippage_bps) const {
  const auto& l = legs_[leg];
  const auto est = l.book.estimate(sd, qty);
  const auto best = sd == side::buy ? l.book.best_ask() : l.book.best_bid();
  if (!best)
    return price::zero();
  // The cap is measured from the touch: never pay more than slippage_bps
  // beyond it, even if that leaves part of the order unfilled.
  const price cap = shift_bps(best->px, sd == side::buy ? slippage_bps : -slippage_bps,
                              l.rules.tick, sd == side::buy ? rounding::down : rounding::up);
  if (!est.worst.is_positive())
    return cap;
  return sd == side::buy ? std::min(cap, std::max(est.worst, best->px))
                         : std::max(cap, std::min(est.worst, best->px));
}

price pair_engine::passive_price(int leg, side sd) const {
  const auto& l = legs_[leg];
  const auto best = sd == side::buy ? l.book.best_bid() : l.book.best_ask();
  return best ? best->px : price::zero();
}

tracked_order* pair_engine::place(int leg, side sd, quantity qty, price px,
                                  time_in_force tif, bool reduce_only,
                                  order_purpose purpose, timestamp_ns now,
                                  engine_output& out) {
  if (!qty.is_positive() || !px.is_positive())
    return nullptr;
  if (auto err = gate_.check_order(make_check(leg, sd, qty, px, reduce_only, purpose, now),
                                   now)) {
    ++stats_.risk_refused;
    note_refusal(fmt::format("{} {} {} {} @ {} refused by risk: {}", to_string(purpose),
                             legs_[leg].ledger.get().venue, to_string(sd), qty.to_string(),
                             px.to_string(), err.message),
                 now, out);
    return nullptr;
  }
  order_intent o;
  o.client_id = ids_.next();
  o.venue = legs_[leg].ledger.get().venue;
  o.symbol = cfg_.symbol;
  o.sd = sd;
  o.type = order_type::limit;
  o.tif = tif;
  o.px = px;
  o.qty = qty;
  o.reduce_only = reduce_only;
  o.ts = now;
  const timestamp_ns timeout = tif == time_in_force::ioc ? eff_.leg_timeout_ns
                                                        : eff_.maker_timeout_ns;
  auto& t = orders_.create(o, leg, purpose, timeout, out.updates);
  out.orders.push_back(std::move(o));
  to_send_.push_back(t.intent.client_id);
  last_own_fill_ = now; // activity: an imbalance from now on is ours
  ++stats_.orders;
  switch (purpose) {
    case order_purpose::hedge: ++stats_.hedges; break;
    case order_purpose::unwind: ++stats_.unwinds; break;
    case order_purpose::rebalance: ++stats_.rebalances; break;
    case order_purpose::flatten: ++stats_.flattens; break;
    default: break;
  }
  return &t;
}

risk::order_check pair_engine::make_check(int leg, side sd, quantity qty, price px,
                                          bool reduce_only, order_purpose purpose,
                                          timestamp_ns now) {
  risk::order_check c;
  c.leg = leg;
  c.sd = sd;
  c.px = px;
  c.qty = qty;
  c.reduce_only = reduce_only;
  c.flatten = purpose == order_purpose::flatten;
  c.leg_position = position(leg);
  const auto w = collect(now);
  c.pair_net = net_delta() + w.ioc[0] + w.ioc[1];
  c.reference = quote_.valid ? quote_.mid : pair_mid(legs_[0].book, legs_[1].book);
  return c;
}

void pair_engine::note_refusal(const std::string& text, timestamp_ns now, engine_output& out) {
  // A refusal repeats on every update while it holds: the same text once a
  // minute, another one at most every 5 s (the guard has its own events).
  const int64_t quiet = text == last_refusal_ ? 60'000'000'000 : 5'000'000'000;
  if (last_refusal_at_ != 0 && now - last_refusal_at_ < quiet)
    return;
  last_refusal_ = text;
  last_refusal_at_ = now;
  note(severity::warning, text, now, out);
}

void pair_engine::cancel(tracked_order& o, uint8_t kind, timestamp_ns now,
                         engine_output& out) {
  if (o.cancel_sent != 0)
    return;
  orders_.mark_cancel_sent(o, now);
  o.cancel_kind = kind;
  out.cancels.push_back(cancel_request{o.intent.client_id, o.intent.venue, o.intent.symbol, now});
}

void pair_engine::flush_sent(timestamp_ns now, engine_output& out) {
  // The caller sends everything in `out` right after this call returns.
  for (auto& id : to_send_)
    orders_.mark_sent(id, now, out.updates);
  to_send_.clear();
}

pair_engine::working pair_engine::collect(timestamp_ns now) {
  working w;
  orders_.for_each_working(now, [&](tracked_order& o) {
    w.any = true;
    if (o.resting()) {
      w.resting[o.leg] += o.working_signed();
      if (o.cancel_sent == 0)
        w.rest_order[o.leg] = &o;
    } else {
      w.ioc[o.leg] += o.working_signed();
      w.any_ioc = true;
    }
  });
  return w;
}

std::size_t pair_engine::working_orders(timestamp_ns now) {
  std::size_t n = 0;
  orders_.for_each_working(now, [&](tracked_order&) { ++n; });
  return n;
}

// -- inputs -------------------------------------------------------------------------

void pair_engine::on_book(int leg, timestamp_ns recv_ts, timestamp_ns now,
                          engine_output& out) {
  auto& l = legs_[leg & 1];
  l.recv_ts = recv_ts;
  if (const price m = mid_price(l.book); m.is_positive())
    gate_.on_mid(leg & 1, m.to_double(), now);
  evaluate(now, out);
}

void pair_engine::set_leg_available(int leg, bool available, timestamp_ns now,
                                    engine_output& out) {
  auto& l = legs_[leg & 1];
  if (l.available == available)
    return;
  l.available = available;
  note(available ? severity::info : severity::warning,
       fmt::format("leg {} {}", l.ledger.get().venue, available ? "available" : "unavailable"),
       now, out);
  if (!available)
    l.book.clear();
  evaluate(now, out);
}

void pair_engine::on_funding_rate(const funding_rate& r) {
  int leg = leg_of(r.venue);
  if (leg < 0 || r.symbol != cfg_.symbol)
    return;
  legs_[leg].ledger.on_rate(r);
  legs_[leg].rate = r;
}

void pair_engine::on_funding_payment(const funding_payment& p, engine_output& out) {
  int leg = leg_of(p.venue);
  if (leg < 0 || p.symbol != cfg_.symbol)
    return;
  const money before = legs_[leg].ledger.get().funding;
  legs_[leg].ledger.apply_funding(p);
  const money delta = legs_[leg].ledger.get().funding - before;
  if (!delta.is_zero())
    note(severity::info,
         fmt::format("funding {} on {}: {} (rate {})", p.venue, p.symbol, delta.to_string(),
                     p.rate.to_string()),
         p.ts, out);
}

void pair_engine::on_ack(const order_ack& a, timestamp_ns now, engine_output& out) {
  if (auto* o = orders_.find(a.client_id); o && o->state == order_state::sent) {
    auto& worst = worst_rtt_[o->leg];
    worst = std::max<int64_t>(worst, now - o->created);
    consecutive_failures_ = 0;
  }
  orders_.on_ack(a, out.updates);
}

void pair_engine::on_fill(const order_fill& f, timestamp_ns now, engine_output& out) {
  const int leg = leg_of(f.venue);
  if (leg < 0 || f.symbol != cfg_.symbol) {
    note(severity::error,
         fmt::format("fill for {} {} is not this pair's: ignored", f.venue, f.symbol), now, out);
    return;
  }
  // Fills are facts: booked first (the ledger drops duplicates), whatever
  // the order's state.
  if (!legs_[leg].ledger.apply_fill(f)) {
    ++stats_.duplicate_fills;
    return;
  }
  ++stats_.fills;
  auto* o = orders_.find(f.client_id);
  if (!o) {
    ++stats_.unknown_fills;
    note(severity::warning,
         fmt::format("fill {} of unknown order {} on {}: booked", f.fill_id, f.client_id,
                     f.venue),
         now, out);
  } else {
    if (o->cancel_sent != 0 || o->state == order_state::expired)
      ++stats_.late_fills;
    last_own_fill_ = now;
    consecutive_failures_ = 0;
    orders_.on_fill(f, out.updates);
  }
  // Hedge at once: this is the latency-critical path of maker_taker.
  drive(now, out);
  flush_sent(now, out);
}

void pair_engine::on_reject(const order_reject& r, timestamp_ns now, engine_output& out) {
  auto* o = orders_.find(r.client_id);
  if (!o)
    return;
  if (r.code == error_code::rate_limited && o->cancel_sent != 0
      && o->state != order_state::sent) {
    // The venue refused our cancel (429), not the order (it acked it): the
    // order still works. Cancel again after the back-off.
    o->cancel_sent = 0;
    o->cancel_retry = now + reject_backoff_ns;
    note(severity::warning,
         fmt::format("cancel of {} {} refused: {}: retrying", o->intent.venue, o->intent.client_id,
                     r.reason),
         now, out);
    return;
  }
  const bool cancel_reject = r.code == error_code::unknown_order && o->cancel_sent != 0;
  orders_.on_reject(r, out.updates);
  if (!cancel_reject) {
    ++stats_.rejects;
    ++leg_rejects_[o->leg];
    ++consecutive_failures_;
    legs_[o->leg].next_order_ok = now + reject_backoff_ns;
    note(severity::warning,
         fmt::format("{} {} {} {} rejected: {} {}", to_string(o->purpose), o->intent.venue,
                     to_string(o->intent.sd), o->intent.qty.to_string(), to_string(r.code),
                     r.reason),
         now, out);
    // A post-only entry that would cross is simply quoted again at the new
    // touch by the next drive (after the back-off).
  }
  drive(now, out);
  flush_sent(now, out);
}

void pair_engine::on_cancelled(const order_cancelled& c, timestamp_ns now,
                               engine_output& out) {
  auto* o = orders_.find(c.client_id);
  if (!o)
    return;
  orders_.on_cancelled(c, out.updates);
  if (!o->resting() && o->remaining().is_positive()) {
    // The liquidity our book showed was not there: retrying on the same
    // picture would fail the same way. Wait for newer data on that leg.
    legs_[o->leg].stale_before = legs_[o->leg].recv_ts;
  }
  if (o->resting() && o->purpose == order_purpose::open && o->cancel_kind == cancel_abort
      && !closing_) {
    // The maker entry was withdrawn (signal gone, disabled): the tranche
    // shrinks to what the maker leg actually holds. After a re-quote or a
    // maker timeout the next quote goes out if the entry is still wanted.
    abort_rest(pricing_.maker);
  }
  drive(now, out);
  flush_sent(now, out);
}

void pair_engine::on_timer(timestamp_ns now, engine_output& out) {
  for (auto* o : orders_.expire(now, out.updates)) {
    ++stats_.expired;
    const bool maker_timeout = o->resting();
    if (!maker_timeout)
      ++consecutive_failures_;
    note(maker_timeout ? severity::info : severity::warning,
         fmt::format("{} {} {} {} expired ({}): cancelling", to_string(o->purpose),
                     o->intent.venue, to_string(o->intent.sd), o->intent.qty.to_string(),
                     maker_timeout ? "maker timeout" : "leg timeout"),
         now, out);
    cancel(*o, cancel_timeout, now, out);
  }
  // Cancels the venue refused go out again.
  orders_.for_each_working(now, [&](tracked_order& o) {
    if (o.cancel_retry != 0 && o.cancel_sent == 0 && now >= o.cancel_retry) {
      o.cancel_retry = 0;
      cancel(o, o.cancel_kind, now, out);
    }
  });
  orders_.prune(now, keep_closed_ns);
  evaluate(now, out);
}

// -- operator -----------------------------------------------------------------------

void pair_engine::set_enabled(bool on, timestamp_ns now, engine_output& out) {
  if (enabled_ == on)
    return;
  enabled_ = on;
  note(severity::info, on ? "trading enabled" : "trading disabled (positions still managed)",
       now, out);
  evaluate(now, out);
}

void pair_engine::set_mode(trade_mode m, timestamp_ns now, engine_output& out) {
  if (cfg_.params.mode == m)
    return;
  auto p = cfg_.params;
  p.mode = m;
  apply_params(p);
  note(severity::info, fmt::format("mode {}", to_string(m)), now, out);
  evaluate(now, out);
}

std::string pair_engine::set_params(const pair_params& p, timestamp_ns now,
                                    engine_output& out) {
  if (auto problems = validate(p, "params"); !problems.empty())
    return problems;
  const bool signal_changed = !(p.signal == cfg_.params.signal);
  apply_params(p);
  if (signal_changed) {
    // A new model or window starts a new warm-up: statistics computed under
    // other parameters would trigger wrong entries.
    signal_ = spread_signal(p.signal);
    last_sample_ = 0;
  }
  note(severity::info, "parameters updated", now, out);
  evaluate(now, out);
  return {};
}

void pair_engine::flatten(const std::string& reason, timestamp_ns now, engine_output& out) {
  halt(reason.empty() ? "flatten requested" : reason, now, out);
  flattening_ = true;
  target_a_ = quantity::zero();
  closing_ = dir_ >= 0;
  urgent_close_ = true;
  evaluate(now, out);
}

void pair_engine::resume(timestamp_ns now, engine_output& out) {
  if (gate_.hold()) {
    // The operator has looked at the reconciliation disagreement.
    note(severity::warning, "reconciliation hold lifted by the operator: " + gate_.hold_reason(),
         now, out);
    gate_.clear_hold();
    if (!halted_)
      evaluate(now, out);
  }
  if (!halted_)
    return;
  halted_ = false;
  flattening_ = false;
  failed_episodes_ = 0;
  halt_reason_.clear();
  note(severity::info, "resumed", now, out);
  evaluate(now, out);
}

void pair_engine::halt(const std::string& why, timestamp_ns now, engine_output& out) {
  if (!halted_)
    note(severity::critical, "halted: " + why, now, out);
  halted_ = true;
  halt_reason_ = why;
}

// -- risk ----------------------------------------------------------------------------

void pair_engine::set_permit(const risk_permit& p, timestamp_ns now, engine_output& out) {
  const trade_state before = gate_.state();
  const bool had = gate_.has_permit();
  if (!gate_.set_permit(p, now))
    return;
  const trade_state after = gate_.state();
  if (after != before || !had)
    note(after == trade_state::active ? severity::info : severity::warning,
         fmt::format("risk {}{}{}", to_string(after), p.reason.empty() ? "" : ": ", p.reason),
         now, out);
  if (after != before && after != trade_state::active)
    risk_hold(now, out);
  evaluate(now, out);
}

void pair_engine::risk_hold(timestamp_ns now, engine_output& out) {
  if (gate_.state() == trade_state::halted) {
    // Kill switch: every working order is cancelled; the position is held
    // where it is (hedged), nothing new goes out until resumed. IOCs already
    // on their way (a hedge, an entry) count as done: they execute before
    // our cancel arrives. drive() re-anchors the target to what really
    // settled once nothing is working any more.
    const auto w = collect(now);
    orders_.for_each_working(now, [&](tracked_order& o) { cancel(o, cancel_abort, now, out); });
    target_a_ = hedged_part(position(0) + w.ioc[0], position(1) + w.ioc[1]);
    closing_ = false;
    if (target_a_.is_zero() && flat_positions() && !w.any) {
      dir_ = -1;
      tranches_ = 0;
    }
  } else if (gate_.state() == trade_state::reducing && dir_ >= 0 && !flattening_) {
    if (!closing_ || !urgent_close_)
      start_close("risk REDUCING: " + gate_.permit().reason, true, now, out);
  }
}

quantity pair_engine::hedged_part(quantity a, quantity b) const {
  // Leg A's share that leg B offsets (opposite signs), zero below the
  // tradable minimum of either leg.
  quantity held;
  if (!a.is_zero() && sign(a) == -sign(b))
    held = a.is_positive() ? std::min(a, -b) : -std::min(-a, b);
  return held.abs() < threshold(0) || held.abs() < threshold(1) ? quantity::zero() : held;
}

std::string pair_engine::risk_refusal(int dir, quantity add, timestamp_ns now) const {
  const price mid = quote_.valid ? quote_.mid : pair_mid(legs_[0].book, legs_[1].book);
  auto commit = notional(mid, target_a_.abs() + add);
  if (!commit)
    return "commitment overflow";
  auto age = [&](int i) -> int64_t {
    return legs_[i].recv_ts > 0 ? now - legs_[i].recv_ts : -1;
  };
  if (auto why = gate_.entry_refusal(dir, *commit, age(0), age(1), now); !why.empty())
    return why;
  // A tranche whose orders the gate would refuse must not become a target:
  // the pair would sit "opening" for ever, every order refused. Valued at
  // the dearer buy limit of the two legs (what the gate will see).
  const money cap = gate_.has_permit() ? gate_.permit().max_order_notional : money::zero();
  if (cap.is_positive() && add.is_positive()) {
    for (int leg = 0; leg < 2; ++leg) {
      const price px = taker_limit(leg, side::buy, add, eff_.slippage_bps);
      auto n = notional(px.is_positive() ? px : mid, add);
      if (!n || *n > cap)
        return fmt::format("tranche {} worth {} above the order cap {}", add.to_string(),
                           n ? n->to_string() : std::string{"overflow"}, cap.to_string());
    }
  }
  return {};
}

pair_risk_report pair_engine::risk_report(timestamp_ns now) {
  pair_risk_report r;
  r.pair_id = id_;
  r.symbol = cfg_.symbol;
  r.venue_a = cfg_.venue_a;
  r.venue_b = cfg_.venue_b;
  r.permit_version = gate_.has_permit() ? gate_.permit().version : 0;
  r.qty_a = position(0);
  r.qty_b = position(1);
  r.target_a = target_a_;
  r.mark_a = mid_price(legs_[0].book);
  r.mark_b = mid_price(legs_[1].book);
  for (int i = 0; i < 2; ++i) {
    const auto& l = legs_[i];
    const auto& p = l.ledger.get();
    const price mark = i == 0 ? r.mark_a : r.mark_b;
    money pnl = p.realized_pnl - p.fees + p.funding;
    if (mark.is_positive())
      pnl += l.ledger.unrealized(mark);
    (i == 0 ? r.pnl_a : r.pnl_b) = pnl;
    const int64_t age = l.recv_ts > 0 ? now - l.recv_ts : -1;
    (i == 0 ? r.book_age_a_ns : r.book_age_b_ns) = age;
  }
  r.tranche_notional = eff_.order_notional;
  r.mode = std::string(to_string(eff_.mode));
  r.orders = stats_.orders;
  r.rejects_a = leg_rejects_[0];
  r.rejects_b = leg_rejects_[1];
  r.fills = stats_.fills;
  r.risk_refused = stats_.risk_refused;
  r.consecutive_failures = consecutive_failures_;
  r.ack_rtt_a_ns = worst_rtt_[0];
  r.ack_rtt_b_ns = worst_rtt_[1];
  worst_rtt_ = {-1, -1};
  r.fast_market = gate_.fast_now();
  r.fast_move_pct = gate_.fast_move_pct();
  r.working_orders = static_cast<uint32_t>(working_orders(now));
  r.halted = halted_;
  r.ts = now;
  return r;
}

// -- state ---------------------------------------------------------------------------

pair_phase pair_engine::phase() const noexcept {
  if (halted_)
    return pair_phase::halted;
  if (unhedged_since_ != 0)
    return pair_phase::hedging;
  if (closing_)
    return pair_phase::closing;
  if (dir_ >= 0) {
    const bool reached = (position(0) - target_of(0)).abs() < threshold(0)
                         && (position(1) - target_of(1)).abs() < threshold(1);
    return reached ? pair_phase::open : pair_phase::opening;
  }
  return signal_.warm() ? pair_phase::flat : pair_phase::warmup;
}

pair_report pair_engine::status(timestamp_ns now) const {
  pair_report s;
  s.spread = spread_;
  s.mode = std::string(to_string(eff_.mode));
  s.style = std::string(to_string(eff_.style));
  s.model = std::string(to_string(eff_.signal.model));
  s.phase = phase();
  s.enabled = enabled_;
  s.direction = dir_;
  s.tranches = static_cast<uint32_t>(tranches_);
  money total;
  for (int i = 0; i < 2; ++i) {
    const auto& l = legs_[i];
    const auto& p = l.ledger.get();
    leg_status ls;
    ls.venue = p.venue;
    ls.qty = p.qty;
    ls.avg_entry = p.avg_entry;
    ls.realized = p.realized_pnl;
    ls.fees = p.fees;
    ls.funding = p.funding;
    const price mark = mid_price(l.book);
    ls.funding_accrued = mark.is_positive() ? l.ledger.funding_accrued(mark, now) : money{};
    ls.unrealized = mark.is_positive() ? l.ledger.unrealized(mark) : money{};
    ls.funding_rate = l.rate.rate;
    total += ls.realized - ls.fees + ls.funding + ls.unrealized;
    (i == 0 ? s.leg_a : s.leg_b) = std::move(ls);
  }
  s.net_delta = net_delta();
  s.net_pnl = total;
  s.round_trips = stats_.round_trips;
  s.orders = stats_.orders;
  s.fills = stats_.fills;
  s.rejects = stats_.rejects;
  s.hedges = stats_.hedges + stats_.rebalances;
  s.unwinds = stats_.unwinds;
  s.halt_reason = halt_reason_;
  s.ts = now;
  return s;
}

} // namespace xarb::strategy
