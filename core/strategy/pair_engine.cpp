#include "core/strategy/pair_engine.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace xarb::strategy {

namespace {

constexpr uint8_t cancel_requote = 1;
constexpr uint8_t cancel_abort = 2;
constexpr uint8_t cancel_timeout = 3;
constexpr uint8_t cancel_flatten = 4;

/// Terminal orders are kept this long for late fills and status.
constexpr timestamp_ns keep_closed_ns = 60'000'000'000;
/// After a reject, a leg waits this long before its next order.
constexpr timestamp_ns reject_backoff_ns = 50'000'000;
/// Consecutive hedge episodes ending in an unwind before the pair halts.
constexpr std::size_t max_failed_episodes = 3;

int sign(quantity q) noexcept {
  return q.is_positive() ? 1 : (q.is_negative() ? -1 : 0);
}

quantity round_down(quantity q, quantity lot) {
  if (!lot.is_positive())
    return q;
  auto r = q.abs().round_to(lot, rounding::down);
  return r ? *r : quantity::zero();
}

const char* dir_name(int d) {
  return d == 0 ? "ab (sell A, buy B)" : "ba (sell B, buy A)";
}

} // namespace

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
  return min_tradable(legs_[leg].rules, ref_price(leg));
}

quantity pair_engine::tranche_size() const {
  if (!quote_.mid.is_positive())
    return quantity::zero();
  auto size = divide_by(eff_.order_notional, quote_.mid, rounding::down);
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
  last_now_ = now;
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
  orders_.on_ack(a, out.updates);
  last_now_ = now;
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
    orders_.on_fill(f, out.updates);
  }
  last_now_ = now;
  // Hedge at once: this is the latency-critical path of maker_taker.
  drive(now, out);
  flush_sent(now, out);
}

void pair_engine::on_reject(const order_reject& r, timestamp_ns now, engine_output& out) {
  auto* o = orders_.find(r.client_id);
  if (!o)
    return;
  const bool cancel_reject = r.code == error_code::unknown_order && o->cancel_sent != 0;
  orders_.on_reject(r, out.updates);
  if (!cancel_reject) {
    ++stats_.rejects;
    legs_[o->leg].next_order_ok = now + reject_backoff_ns;
    note(severity::warning,
         fmt::format("{} {} {} {} rejected: {} {}", to_string(o->purpose), o->intent.venue,
                     to_string(o->intent.sd), o->intent.qty.to_string(), to_string(r.code),
                     r.reason),
         now, out);
    if (o->purpose == order_purpose::open && o->resting()) {
      // A post-only entry that would cross is simply re-quoted; nothing to do.
    }
  }
  last_now_ = now;
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
  last_now_ = now;
  drive(now, out);
  flush_sent(now, out);
}

void pair_engine::on_timer(timestamp_ns now, engine_output& out) {
  last_now_ = now;
  for (auto* o : orders_.expire(now, out.updates)) {
    ++stats_.expired;
    const bool maker_timeout = o->resting();
    note(maker_timeout ? severity::info : severity::warning,
         fmt::format("{} {} {} {} expired ({}): cancelling", to_string(o->purpose),
                     o->intent.venue, to_string(o->intent.sd), o->intent.qty.to_string(),
                     maker_timeout ? "maker timeout" : "leg timeout"),
         now, out);
    cancel(*o, cancel_timeout, now, out);
  }
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

// -- the cycle ------------------------------------------------------------------------

void pair_engine::evaluate(timestamp_ns now, engine_output& out) {
  // Price the pair for one tranche and keep the statistics.
  const bool usable = leg_usable(0, now) && leg_usable(1, now);
  quote_.valid = false;
  if (usable) {
    const price mid_a = mid_price(legs_[0].book);
    const price mid_b = mid_price(legs_[1].book);
    quote_.mid = price::from_raw(mid_a.raw() / 2 + mid_b.raw() / 2);
    quote_ = price_pair(legs_[0].book, legs_[1].book, tranche_size(), legs_[0].rules,
                        legs_[1].rules, pricing_);
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
    if (dir_ < 0 && now - last_sample_ >= eff_.signal.sample_interval_ns) {
      last_sample_ = now;
      signal_.add(now, quote_.net_bps[0], quote_.net_bps[1]);
    }
    reading_ = signal_.read(now, quote_.net_bps[0], quote_.net_bps[1]);
    spread_.samples = signal_.count();
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
  if (flattening_ || halted_)
    return;
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
    if (best >= 0)
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
  open_tranche(dir_, now, out);
}

void pair_engine::open_tranche(int dir, timestamp_ns now, engine_output& out) {
  const quantity qty = tranche_size();
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

void pair_engine::drive(timestamp_ns now, engine_output& out) {
  if (!legs_[0].has_rules || !legs_[1].has_rules)
    return;
  const auto w = collect(now);
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
  execute_step(now, w, out);
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
  auto can_trade = [&](int leg) { return can_order(leg, now); };
  if (!timed_out) {
    for (int leg : order) {
      const quantity gap = target_of(leg) - position(leg) - w.resting[leg];
      if (sign(gap) != need_sign || !can_trade(leg))
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
    if (!can_trade(leg))
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
    const quantity qty = round_down(std::min(gap0.abs(), gap1.abs()),
                                    common_lot(legs_[0].rules.lot, legs_[1].rules.lot));
    if (qty < threshold(0) || qty < threshold(1))
      return;
    const side s0 = gap0.is_positive() ? side::buy : side::sell;
    const side s1 = opposite(s0);
    const double slip = opening ? eff_.slippage_bps : eff_.hedge_slippage_bps;
    const price p0 = taker_limit(0, s0, qty, slip);
    const price p1 = taker_limit(1, s1, qty, slip);
    if (!p0.is_positive() || !p1.is_positive())
      return;
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
    if (opening && o->purpose == order_purpose::open && dir_ >= 0 && !entry_wanted(dir_)) {
      cancel(*o, cancel_abort, now, out);
      return;
    }
    // Re-quote only when the touch moved away (the order lost its place);
    // a market moving toward the order is what fills it.
    const price want = passive_price(m, o->intent.sd);
    if (want.is_positive() && leg_usable(m, now)) {
      const auto behind = o->intent.sd == side::buy ? want - o->intent.px
                                                    : o->intent.px - want;
      const double off = static_cast<double>(behind.raw())
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
  if (opening && dir_ >= 0 && !entry_wanted(dir_)) {
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
  for (auto* o : w.rest_order)
    if (o)
      cancel(*o, cancel_flatten, now, out);
  bool done = true;
  for (int leg = 0; leg < 2; ++leg) {
    const quantity pos = position(leg);
    if (pos.abs() < threshold(leg))
      continue;
    done = false;
    if (!w.ioc[leg].is_zero() || !w.resting[leg].is_zero() || !can_order(leg, now))
      continue;
    const side sd = pos.is_positive() ? side::sell : side::buy;
    const quantity qty = round_down(pos.abs(), legs_[leg].rules.lot);
    if (qty < threshold(leg))
      continue;
    place(leg, sd, qty, taker_limit(leg, sd, qty, eff_.hedge_slippage_bps),
          time_in_force::ioc, true, order_purpose::flatten, now, out);
  }
  if (done && !w.any) {
    flattening_ = false;
    closing_ = false;
    dir_ = -1;
    tranches_ = 0;
    target_a_ = quantity::zero();
    unhedged_since_ = 0;
    note(severity::warning, "flat: pair stays halted until resumed", now, out);
  }
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
