// risk_book: inputs, breakers, kill switch, allocation and permits.
#include "core/risk/risk_book.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace xarb::risk {

namespace {

constexpr std::string_view source = "risk";

money saturate(long double v) {
  v = std::floor(v);
  if (!(v < 9.2e18L))
    return money::max();
  if (!(v > -9.2e18L))
    return money::min();
  return money::from_raw(static_cast<int64_t>(v));
}

/// money x factor (leverage), rounded down, saturating. In long double: a
/// 64-bit mantissa keeps every nano of a pool x leverage (a double loses
/// them above 2^53 nanos, 9 million units).
money scale(money m, double factor) {
  return saturate(static_cast<long double>(m.raw()) * static_cast<long double>(factor));
}

/// money / divisor (notional / margin leverage), rounded down, saturating:
/// dividing, not multiplying by 1 / divisor, keeps 3000 / 10 exactly 300.
money divide(money m, double divisor) {
  if (!(divisor > 0))
    return money::max();
  return saturate(static_cast<long double>(m.raw()) / static_cast<long double>(divisor));
}

money notional_of(quantity q, price mark) {
  if (!mark.is_positive() || q.is_zero())
    return money::zero();
  auto n = notional(mark, q.abs());
  return n ? *n : money::max();
}

int sign_of(quantity q) {
  return q.is_positive() ? 1 : (q.is_negative() ? -1 : 0);
}

/// A room (headroom) and the limit that sets it: `key` names the limit
/// without any value (events fire when it changes), `why` says it in full.
/// The texts are built only for a limit that binds (this runs for every
/// pair, direction and limit on every evaluation).
struct room {
  money amount = money::max();
  std::string key;
  std::string why;
  template <class Describe>
  void limit(money m, Describe&& describe) {
    if (m < amount) {
      amount = m;
      auto [k, reason] = describe();
      key = std::move(k);
      why = std::move(reason);
    }
  }
};

using texts = std::pair<std::string, std::string>;

/// A pair's committed direction on one leg: its target (which includes
/// orders in flight), else what it holds.
int committed_sign(const pair_risk_report& r, int leg) {
  if (!r.target_a.is_zero())
    return leg == 0 ? sign_of(r.target_a) : -sign_of(r.target_a);
  return sign_of(leg == 0 ? r.qty_a : r.qty_b);
}

std::string money_text(money m) {
  return m.to_string(2);
}

/// Grants carry 2 % on top of one tranche: the pair values its commitment
/// at its own executable mid, the guard at the last reported one. Exact:
/// tranche x 1.02 rounded down to the nano.
constexpr ratio grant_slack = ratio::from_raw(1'020'000'000);

money with_slack(money tranche) {
  auto v = multiply(tranche, grant_slack, rounding::down);
  return v ? *v : money::max();
}

constexpr std::size_t max_live_caps = 64;

/// The largest cap among the permits the pair may still apply.
money largest(const std::vector<std::pair<uint64_t, money>>& caps) {
  money out;
  for (const auto& c : caps)
    out = std::max(out, c.second);
  return out;
}

} // namespace

risk_book::risk_book(risk_config cfg, std::vector<std::string> venues)
  : cfg_(std::move(cfg)),
    venue_names_(std::move(venues)),
    capital_(cfg_.capital),
    daily_(cfg_.breakers.daily_loss.day_start_offset_ns) {
  for (const auto& v : venue_names_)
    venue(v);
}

risk_book::venue_state& risk_book::venue(const std::string& name) {
  auto it = venues_.find(name);
  if (it == venues_.end()) {
    const auto& b = cfg_.breakers;
    it = venues_
           .emplace(name, venue_state{b.error_rate.limit, b.error_rate.window_ns,
                                      b.latency.limit_ns, b.latency.clear_after_ns})
           .first;
  }
  return it->second;
}

void risk_book::note(severity sev, std::string text, timestamp_ns now) {
  events_.push_back(event{now, sev, std::string(source), std::move(text)});
}

void risk_book::error(const std::string& v, const std::string& why, timestamp_ns now) {
  auto& vs = venue(v);
  const std::size_t n = vs.errors.add(now);
  const auto& rule = cfg_.breakers.error_rate;
  if (rule.limit > 0 && n >= rule.limit)
    board_.trip(breaker_kind::error_rate, v, rule.action,
                fmt::format("{} errors within {} (limit {}), last: {}", n,
                            format_duration(rule.window_ns), rule.limit, why),
                static_cast<double>(n), static_cast<double>(rule.limit), now, rule.hold_ns,
                events_);
}

// -- inputs -------------------------------------------------------------------------

void risk_book::on_report(const pair_risk_report& r, timestamp_ns now) {
  // Garbage in the risk inputs is a failed check: the guard fails closed.
  if (r.pair_id.empty() || r.symbol.empty() || r.venue_a.empty() || r.venue_b.empty()
      || r.venue_a == r.venue_b)
    throw std::invalid_argument(fmt::format("malformed pair report (pair '{}', venues '{}'/'{}')",
                                            r.pair_id, r.venue_a, r.venue_b));
  auto [it, fresh] = pairs_.try_emplace(r.pair_id);
  auto& p = it->second;
  const auto& b = cfg_.breakers;
  if (fresh) {
    p.streak = failure_streak{b.consecutive_failures.limit};
    note(severity::info, fmt::format("pair {} reporting", r.pair_id), now);
  }
  const pair_risk_report prev = p.report;
  const bool had = p.reported;
  p.report = r;
  p.reported = true;
  if (r.permit_version > p.acked) {
    p.acked = r.permit_version;
    // Every permit older than the acked one is superseded: the pair trades
    // under the acked one and may still apply any later one in flight.
    std::erase_if(p.live_caps, [&](const auto& c) { return c.first < p.acked; });
    p.max_unacked_cap = largest(p.live_caps);
  }
  // Errors per venue: new rejects since the previous report (a restarted
  // pair starts its counters again).
  auto new_count = [&](uint64_t now_v, uint64_t before) {
    return had && now_v >= before ? now_v - before : (had ? now_v : 0);
  };
  for (uint64_t i = 0, n = new_count(r.rejects_a, prev.rejects_a); i < n; ++i)
    error(r.venue_a, "order rejected (" + r.pair_id + ")", now);
  for (uint64_t i = 0, n = new_count(r.rejects_b, prev.rejects_b); i < n; ++i)
    error(r.venue_b, "order rejected (" + r.pair_id + ")", now);
  // Consecutive failures of the pair: a trip when a new failure takes the
  // streak to the limit. The streak stays at its count while the pair is
  // frozen (no order, no success), so re-tripping on every report would
  // refresh the hold forever and undo an operator resume.
  const auto& cf = b.consecutive_failures;
  const bool new_failure = !had || r.consecutive_failures > prev.consecutive_failures;
  if (cf.limit > 0 && r.consecutive_failures >= cf.limit && new_failure)
    board_.trip(breaker_kind::consecutive_failures, r.pair_id, cf.action,
                fmt::format("{} consecutive order failures (limit {})", r.consecutive_failures,
                            cf.limit),
                static_cast<double>(r.consecutive_failures), static_cast<double>(cf.limit), now,
                cf.hold_ns, events_);
  // Order round trips per venue.
  const auto& lat = b.latency;
  for (int leg = 0; leg < 2; ++leg) {
    const int64_t rtt = leg == 0 ? r.ack_rtt_a_ns : r.ack_rtt_b_ns;
    if (rtt < 0)
      continue;
    const auto& v = leg == 0 ? r.venue_a : r.venue_b;
    auto& vs = venue(v);
    // A trip on a slow sample only: a good sample while the breach is still
    // within its clear time must not re-trip what a resume just cleared
    // (book_wide() clears it once the clear time has passed).
    const bool slow = vs.latency.on_sample(rtt, now);
    if (lat.limit_ns > 0 && slow)
      board_.trip(breaker_kind::latency, v, lat.action,
                  fmt::format("order round trip {:.1f} ms above {}",
                              static_cast<double>(vs.latency.max_sample()) / 1e6,
                              format_duration(lat.limit_ns)),
                  static_cast<double>(rtt) / 1e6, static_cast<double>(lat.limit_ns) / 1e6, now,
                  lat.hold_ns, events_);
  }
  // Book staleness per book.
  const auto& sb = b.stale_book;
  for (int leg = 0; leg < 2; ++leg) {
    const int64_t age = leg == 0 ? r.book_age_a_ns : r.book_age_b_ns;
    const auto scope = book_scope(leg == 0 ? r.venue_a : r.venue_b, r.symbol);
    if (sb.budget_ns > 0 && age > sb.budget_ns)
      board_.trip(breaker_kind::stale_book, scope, sb.action,
                  fmt::format("book {:.0f} ms old (budget {})", static_cast<double>(age) / 1e6,
                              format_duration(sb.budget_ns)),
                  static_cast<double>(age) / 1e6, static_cast<double>(sb.budget_ns) / 1e6, now,
                  sb.hold_ns, events_);
    else if (age >= 0 && board_.tripped(breaker_kind::stale_book, scope))
      board_.clear(breaker_kind::stale_book, scope, "book fresh again", now, events_);
  }
  // Fast market, symbol-wide.
  const auto& fm = b.fast_market;
  if (r.fast_market && fm.move_pct > 0)
    board_.trip(breaker_kind::fast_market, r.symbol, fm.action,
                fmt::format("{:.2f} % within {} (limit {:.2f} %)", r.fast_move_pct,
                            format_duration(fm.window_ns), fm.move_pct),
                r.fast_move_pct, fm.move_pct, now, fm.hold_ns, events_);
}

void risk_book::on_alert(const venue_alert& a, timestamp_ns now) {
  const auto& b = cfg_.breakers;
  venue(a.venue);
  switch (a.kind) {
    case venue_alert_kind::liveness_lost:
      board_.trip(breaker_kind::liveness, a.venue, b.liveness.action,
                  "market data silent: " + a.detail, 0, static_cast<double>(b.liveness.budget_ns) / 1e6,
                  now, b.liveness.hold_ns, events_);
      error(a.venue, "liveness lost", now);
      break;
    case venue_alert_kind::liveness_ok:
      board_.clear(breaker_kind::liveness, a.venue, "market data flowing again", now, events_);
      break;
    case venue_alert_kind::consistency_failed:
      board_.trip(breaker_kind::book_consistency, a.venue, b.book_consistency.action,
                  fmt::format("REST snapshot of {} disagrees with the WS book: {}", a.symbol,
                              a.detail),
                  0, 0, now, b.book_consistency.hold_ns, events_);
      error(a.venue, "book consistency", now);
      break;
    case venue_alert_kind::consistency_ok:
      break; // the trip runs its hold time out
    case venue_alert_kind::rate_limited:
      error(a.venue, "HTTP 429: " + a.detail, now);
      break;
    case venue_alert_kind::banned:
      board_.trip(breaker_kind::rate_limit, a.venue, b.rate_limit.action,
                  "venue ban (HTTP 418): " + a.detail, 0, 0, now, b.rate_limit.hold_ns, events_);
      error(a.venue, "HTTP 418: " + a.detail, now);
      break;
  }
}

void risk_book::on_rate_limits(const std::vector<rate_limit_snapshot>& s, timestamp_ns now) {
  limits_ = s;
  const auto& rule = cfg_.breakers.rate_limit;
  for (const auto& l : s) {
    if (l.stopped && l.blocked_until > now) {
      const int64_t hold = rule.hold_ns > 0 ? rule.hold_ns : l.blocked_until - now;
      board_.trip(breaker_kind::rate_limit, l.venue, rule.action,
                  "request budget stopped: " + l.state_reason, static_cast<double>(l.http_429), 0,
                  now, hold, events_);
    } else if (board_.tripped(breaker_kind::rate_limit, l.venue)) {
      const auto* t = board_.find(breaker_kind::rate_limit, l.venue);
      if (t && t->until == 0 && t->reason.rfind("request budget", 0) == 0)
        board_.clear(breaker_kind::rate_limit, l.venue, "request budget available again", now,
                     events_);
    }
  }
}

// -- operator -------------------------------------------------------------------------

void risk_book::halt_all(const std::string& reason, timestamp_ns now) {
  kill_ = trade_state::halted;
  kill_reason_ = reason.empty() ? "operator halt" : reason;
  note(severity::critical,
       "HALT ALL: " + kill_reason_ + " (open orders cancelled, positions held)", now);
}

void risk_book::flatten_all(const std::string& reason, timestamp_ns now) {
  // Flatten beats halt: a halted node that is told to flatten reduces.
  kill_ = trade_state::reducing;
  kill_reason_ = reason.empty() ? "operator flatten all" : reason;
  note(severity::critical, "FLATTEN ALL: " + kill_reason_, now);
}

bool risk_book::flatten_pair(const std::string& pair_id, const std::string& reason,
                             timestamp_ns now) {
  auto it = pairs_.find(pair_id);
  if (it == pairs_.end())
    return false;
  it->second.kill = trade_state::reducing;
  it->second.kill_reason = reason.empty() ? "operator flatten" : reason;
  note(severity::warning, fmt::format("flatten pair {}: {}", pair_id, it->second.kill_reason),
       now);
  return true;
}

void risk_book::set_venue_state(const std::string& v, trade_state s, const std::string& reason,
                                timestamp_ns now) {
  auto& vs = venue(v);
  vs.kill = s;
  vs.kill_reason = reason;
  note(s == trade_state::active ? severity::info : severity::critical,
       fmt::format("venue {} {}{}{}", v, to_string(s), reason.empty() ? "" : ": ", reason), now);
}

std::size_t risk_book::reduce_contract(const std::string& venue, const std::string& symbol,
                                       const std::string& reason, timestamp_ns now) {
  std::size_t n = 0;
  for (auto& [id, p] : pairs_) {
    const auto& r = p.report;
    if (p.reported && r.symbol == symbol && (r.venue_a == venue || r.venue_b == venue)
        && flatten_pair(id, reason, now))
      ++n;
  }
  return n;
}

std::map<std::pair<std::string, std::string>, quantity> risk_book::contract_positions(
  bool& complete) const {
  std::map<std::pair<std::string, std::string>, quantity> out;
  complete = true;
  for (const auto& [id, p] : pairs_) {
    if (!p.reported) {
      complete = false;
      continue;
    }
    const auto& r = p.report;
    out[{r.venue_a, r.symbol}] += r.qty_a;
    out[{r.venue_b, r.symbol}] += r.qty_b;
  }
  return out;
}

std::size_t risk_book::resume(timestamp_ns now, const std::string* scope) {
  std::size_t n = 0;
  if (!scope) {
    if (kill_ != trade_state::active)
      ++n;
    kill_ = trade_state::active;
    kill_reason_.clear();
    for (auto& [name, p] : pairs_) {
      if (p.kill != trade_state::active)
        ++n;
      p.kill = trade_state::active;
      p.kill_reason.clear();
      p.streak.reset();
    }
    for (auto& [name, v] : venues_) {
      if (v.kill != trade_state::active)
        ++n;
      v.kill = trade_state::active;
      v.kill_reason.clear();
      v.errors.reset();
      if (v.equity.has_value())
        v.equity.reset_peak(now);
    }
    n += board_.resume(now, events_);
    // The operator has seen the loss: drawdown and the daily loss are
    // measured from here on (else they would trip again at once).
    if (equity_.has_value())
      equity_.reset_peak(now);
    if (daily_.has_value()) {
      daily_ack_ = daily_.loss();
      daily_ack_day_ = daily_.day();
    }
    for (const auto& v : venue_names_)
      capital_.set_safe_mode(v, false);
    note(severity::warning, fmt::format("RESUME ALL ({} states and breakers cleared)", n), now);
    return n;
  }
  if (auto it = pairs_.find(*scope); it != pairs_.end()) {
    if (it->second.kill != trade_state::active)
      ++n;
    it->second.kill = trade_state::active;
    it->second.kill_reason.clear();
    it->second.streak.reset();
  }
  if (auto it = venues_.find(*scope); it != venues_.end()) {
    if (it->second.kill != trade_state::active)
      ++n;
    it->second.kill = trade_state::active;
    it->second.kill_reason.clear();
    it->second.errors.reset();
    if (it->second.equity.has_value())
      it->second.equity.reset_peak(now);
    capital_.set_safe_mode(*scope, false);
  }
  n += board_.resume(now, events_, scope);
  note(severity::warning, fmt::format("resume {} ({} states and breakers cleared)", *scope, n),
       now);
  return n;
}

void risk_book::fail_closed(const std::string& what, timestamp_ns now) {
  kill_ = trade_state::halted;
  kill_reason_ = "risk check failed: " + what;
  note(severity::critical, "HALT ALL (fail closed): " + kill_reason_, now);
  // Permits must go out even though evaluate() failed: everything halted.
  for (auto& [id, p] : pairs_) {
    p.next = p.sent;
    p.next.pair_id = id;
    p.next.state = trade_state::halted;
    p.next.entries = false;
    p.next.reason = kill_reason_;
    p.next.cap_ab = p.commit;
    p.next.cap_ba = p.commit;
  }
}

// -- evaluation -----------------------------------------------------------------------

trade_state risk_book::node_state() const noexcept {
  trade_state s = kill_;
  for (const auto& t : board_.active())
    if (t.scope.empty())
      s = worst(s, state_of(t.action));
  return s;
}

trade_state risk_book::scope_state(const std::string& scope, trade_state kill,
                                   std::string& reason) const {
  trade_state s = kill;
  for (const auto& t : board_.active()) {
    if (t.scope != scope)
      continue;
    const trade_state ts = state_of(t.action);
    if (ts > s) {
      s = ts;
      reason = fmt::format("{} {}: {}", to_string(t.kind), scope.empty() ? "node" : scope,
                           t.reason);
    }
  }
  return s;
}

bool risk_book::scope_frozen(const std::string& scope, std::string& reason) const {
  for (const auto& t : board_.active())
    if (t.scope == scope && blocks_entries(t.action)) {
      reason = fmt::format("{} {}: {}", to_string(t.kind), scope.empty() ? "node" : scope,
                           t.reason);
      return true;
    }
  return false;
}

scope_status risk_book::pair_scope(const pair_state& p) const {
  scope_status st;
  st.name = p.report.pair_id;
  const auto& r = p.report;
  struct part {
    std::string scope;
    trade_state kill;
    std::string kill_reason;
  };
  std::vector<part> parts;
  parts.push_back({"", kill_, kill_reason_});
  for (const auto* v : {&r.venue_a, &r.venue_b}) {
    auto it = venues_.find(*v);
    parts.push_back({*v, it != venues_.end() ? it->second.kill : trade_state::active,
                     it != venues_.end() ? it->second.kill_reason : std::string{}});
  }
  parts.push_back({r.symbol, trade_state::active, {}});
  parts.push_back({r.pair_id, p.kill, p.kill_reason});
  parts.push_back({book_scope(r.venue_a, r.symbol), trade_state::active, {}});
  parts.push_back({book_scope(r.venue_b, r.symbol), trade_state::active, {}});
  for (const auto& pt : parts) {
    std::string why;
    trade_state s = scope_state(pt.scope, pt.kill, why);
    if (pt.kill != trade_state::active && pt.kill >= s)
      why = fmt::format("{} {}", pt.scope.empty() ? "node" : pt.scope, pt.kill_reason);
    if (s > st.state) {
      st.state = s;
      st.reason = why;
    }
  }
  if (st.state != trade_state::active) {
    st.entries = false;
    return st;
  }
  for (const auto& pt : parts) {
    std::string why;
    if (scope_frozen(pt.scope, why)) {
      st.entries = false;
      st.reason = why;
      return st;
    }
  }
  return st;
}

void risk_book::aggregate() {
  for (auto& [name, v] : venues_) {
    v.pnl = v.gross = v.net = v.reserved = money::zero();
  }
  symbols_.clear();
  directions_.clear();
  total_gross_ = total_net_ = total_pnl_ = total_reserved_ = money::zero();
  for (auto& [id, p] : pairs_) {
    if (!p.reported)
      continue;
    const auto& r = p.report;
    for (int leg = 0; leg < 2; ++leg) {
      const int sgn = committed_sign(r, leg);
      if (sgn == 0)
        continue;
      auto& d = directions_[book_scope(leg == 0 ? r.venue_a : r.venue_b, r.symbol)];
      if (sgn > 0) {
        if (d.longs++ == 0)
          d.long_id = id;
      } else if (d.shorts++ == 0) {
        d.short_id = id;
      }
    }
    const price mark_a = r.mark_a.is_positive() ? r.mark_a : r.mark_b;
    const price mark_b = r.mark_b.is_positive() ? r.mark_b : r.mark_a;
    const quantity committed = std::max({r.target_a.abs(), r.qty_a.abs(), r.qty_b.abs()});
    p.commit = notional_of(committed, mark_a.is_positive() ? mark_a : mark_b);
    const money na = notional_of(r.qty_a, mark_a) * sign_of(r.qty_a);
    const money nb = notional_of(r.qty_b, mark_b) * sign_of(r.qty_b);
    auto& va = venue(r.venue_a);
    auto& vb = venue(r.venue_b);
    va.gross += p.commit;
    vb.gross += p.commit;
    va.net += na;
    vb.net += nb;
    va.pnl += r.pnl_a;
    vb.pnl += r.pnl_b;
    auto& sym = symbols_[r.symbol];
    sym.gross += p.commit * 2;
    sym.net += na + nb;
    total_gross_ += p.commit * 2;
    total_net_ += na + nb;
    total_pnl_ += r.pnl_a + r.pnl_b;
    // What the pair may still spend of permits it has not acknowledged.
    money outstanding = p.max_unacked_cap - p.commit;
    if (outstanding.is_negative())
      outstanding = money::zero();
    p.reserved = outstanding;
    va.reserved += outstanding;
    vb.reserved += outstanding;
    sym.reserved += outstanding * 2;
    total_reserved_ += outstanding * 2;
  }
}

void risk_book::book_wide(timestamp_ns now) {
  const auto& b = cfg_.breakers;
  // Node equity: every venue's capital pool plus every pair's P&L (after
  // fees and funding, unrealized at mid).
  money pools;
  for (const auto& v : venue_names_)
    pools += capital_.pool(v);
  const money equity = pools + total_pnl_;
  equity_.on_equity(equity, now);
  daily_.on_equity(equity, now);
  if (daily_.day() != daily_ack_day_)
    daily_ack_ = money::zero();
  const money loss = daily_.loss() - daily_ack_;
  if (b.daily_loss.limit.is_positive() && loss >= b.daily_loss.limit)
    board_.trip(breaker_kind::daily_loss, "", b.daily_loss.action,
                fmt::format("daily loss {} reached the limit {}", money_text(loss),
                            money_text(b.daily_loss.limit)),
                loss.to_double(), b.daily_loss.limit.to_double(), now, b.daily_loss.hold_ns,
                events_);
  if (b.drawdown.pct > 0 && equity_.exceeded(b.drawdown.pct))
    board_.trip(breaker_kind::drawdown, "", b.drawdown.action,
                fmt::format("drawdown {:.2f} % from the equity peak {} (limit {:.2f} %)",
                            equity_.drawdown_pct(), money_text(equity_.peak()), b.drawdown.pct),
                equity_.drawdown_pct(), b.drawdown.pct, now, b.drawdown.hold_ns, events_);
  for (const auto& name : venue_names_) {
    auto& v = venue(name);
    const money veq = capital_.pool(name) + v.pnl;
    v.equity.on_equity(veq, now);
    const auto& vd = b.venue_drawdown;
    if (vd.pct > 0 && v.equity.exceeded(vd.pct))
      board_.trip(breaker_kind::venue_drawdown, name, vd.action,
                  fmt::format("venue drawdown {:.2f} % from its peak {} (limit {:.2f} %)",
                              v.equity.drawdown_pct(), money_text(v.equity.peak()), vd.pct),
                  v.equity.drawdown_pct(), vd.pct, now, vd.hold_ns, events_);
    const bool safe = [&] {
      for (const auto& t : board_.active())
        if (t.scope == name && t.action == breaker_action::safe_mode)
          return true;
      return false;
    }();
    if (safe != capital_.safe_mode(name))
      capital_.set_safe_mode(name, safe);
    const auto& bf = b.balance_floor;
    if (bf.floor.is_positive() && veq < bf.floor)
      board_.trip(breaker_kind::balance_floor, name, bf.action,
                  fmt::format("balance {} below the floor {}", money_text(veq),
                              money_text(bf.floor)),
                  veq.to_double(), bf.floor.to_double(), now, bf.hold_ns, events_);
    else if (board_.tripped(breaker_kind::balance_floor, name))
      board_.clear(breaker_kind::balance_floor, name, "balance above the floor", now, events_);
    // Latency breaches end after their clear time without a new sample.
    if (board_.tripped(breaker_kind::latency, name) && !v.latency.breached(now))
      board_.clear(breaker_kind::latency, name, "round trips back under the limit", now, events_);
  }
}

void risk_book::allocate(timestamp_ns now) {
  for (auto& [id, p] : pairs_) {
    if (!p.reported)
      continue;
    const auto& r = p.report;
    auto& va = venue(r.venue_a);
    auto& vb = venue(r.venue_b);
    auto& sym = symbols_[r.symbol];
    // This pair's own outstanding reservation is not a constraint on itself.
    va.reserved -= p.reserved;
    vb.reserved -= p.reserved;
    sym.reserved -= p.reserved * 2;
    total_reserved_ -= p.reserved * 2;

    const scope_status st = pair_scope(p);
    risk_permit next;
    next.pair_id = id;
    next.state = st.state;
    next.entries = st.entries;
    next.reason = st.reason;
    next.max_order_notional = cfg_.max_order_notional;
    next.price_band_bps = cfg_.price_band_bps;
    next.max_book_age_ns = cfg_.breakers.stale_book.budget_ns;
    next.fast_move_pct = cfg_.breakers.fast_market.move_pct;
    next.fast_window_ns = cfg_.breakers.fast_market.window_ns;
    next.fast_freeze_ns = cfg_.breakers.fast_market.hold_ns;

    // Grants: one tranche (plus slack) per direction if every limit has room.
    money grant[2];
    std::string refusal;
    std::string refusal_key;        ///< the refused limit without values (events)
    capital_.release_owner(id);
    p.capital.clear();
    const auto va_cfg = venue_settings(cfg_, r.venue_a);
    const auto vb_cfg = venue_settings(cfg_, r.venue_b);
    const std::string mode = r.mode.empty() ? std::string(mode_normal_arb) : r.mode;
    // The commitment is a fact: it holds its capital whatever is left.
    for (const auto* vc : {&va_cfg, &vb_cfg}) {
      const money margin = divide(p.commit, vc->margin_leverage);
      if (margin.is_positive())
        p.capital.push_back(capital_.force(vc->venue, margin, mode, id));
    }
    const money want = with_slack(r.tranche_notional);
    if (st.state == trade_state::active && st.entries && want.is_positive()) {
      const price mark = r.mark_a.is_positive() ? r.mark_a : r.mark_b;
      const money pair_net = notional_of(r.qty_a + r.qty_b, mark);
      for (int dir = 0; dir < 2; ++dir) {
        room rm;
        if (cfg_.max_pair_gross.is_positive())
          rm.limit(cfg_.max_pair_gross - p.commit, [&] {
            return texts{"pair gross", "pair gross limit " + money_text(cfg_.max_pair_gross)};
          });
        if (cfg_.max_pair_net.is_positive() && pair_net > cfg_.max_pair_net)
          rm.limit(money::zero(), [&] {
            return texts{"pair net", fmt::format("pair net {} above {}", money_text(pair_net),
                                                 money_text(cfg_.max_pair_net))};
          });
        if (cfg_.max_symbol_gross.is_positive()) {
          money left = cfg_.max_symbol_gross - sym.gross - sym.reserved;
          rm.limit(money::from_raw(left.raw() / 2), [&] {
            return texts{"symbol gross", fmt::format("symbol {} gross limit {}", r.symbol,
                                                     money_text(cfg_.max_symbol_gross))};
          });
        }
        if (cfg_.max_symbol_net.is_positive() && sym.net.abs() > cfg_.max_symbol_net)
          rm.limit(money::zero(), [&] {
            return texts{"symbol net", fmt::format("symbol {} net {} above {}", r.symbol,
                                                   money_text(sym.net),
                                                   money_text(cfg_.max_symbol_net))};
          });
        if (cfg_.max_total_gross.is_positive()) {
          money left = cfg_.max_total_gross - total_gross_ - total_reserved_;
          rm.limit(money::from_raw(left.raw() / 2), [&] {
            return texts{"total gross", "total gross limit " + money_text(cfg_.max_total_gross)};
          });
        }
        if (cfg_.max_total_net.is_positive() && total_net_.abs() > cfg_.max_total_net)
          rm.limit(money::zero(), [&] {
            return texts{"total net", fmt::format("total net {} above {}", money_text(total_net_),
                                                  money_text(cfg_.max_total_net))};
          });
        for (int leg = 0; leg < 2; ++leg) {
          const auto& vn = leg == 0 ? r.venue_a : r.venue_b;
          const auto& vs = leg == 0 ? va : vb;
          const auto& vc = leg == 0 ? va_cfg : vb_cfg;
          if (cfg_.max_venue_gross.is_positive())
            rm.limit(cfg_.max_venue_gross - vs.gross - vs.reserved, [&] {
              return texts{"venue " + vn + " gross",
                           fmt::format("venue {} gross limit {}", vn,
                                       money_text(cfg_.max_venue_gross))};
            });
          const money lev_cap = scale(capital_.pool(vn), vc.max_leverage);
          rm.limit(lev_cap - vs.gross - vs.reserved, [&] {
            return texts{"venue " + vn + " leverage",
                         fmt::format("venue {} leverage {:.2f}x of {}", vn, vc.max_leverage,
                                     money_text(capital_.pool(vn)))};
          });
          // Direction on this venue: ab sells A and buys B.
          const int s = (dir == 0) == (leg == 0) ? -1 : 1;
          if (cfg_.max_venue_net.is_positive()) {
            money left = cfg_.max_venue_net - vs.net * s - vs.reserved;
            rm.limit(left, [&] {
              return texts{"venue " + vn + " net",
                           fmt::format("venue {} net limit {}", vn,
                                       money_text(cfg_.max_venue_net))};
            });
          }
          if (cfg_.direction_consistency) {
            // Another pair committed the other way on this venue and symbol
            // (its target, which includes orders in flight, else what it holds).
            auto it = directions_.find(book_scope(vn, r.symbol));
            if (it != directions_.end()) {
              const auto& d = it->second;
              const int own = committed_sign(p.report, leg);
              const int opposite_others = s > 0 ? d.shorts - (own < 0 ? 1 : 0)
                                                : d.longs - (own > 0 ? 1 : 0);
              if (opposite_others > 0)
                rm.limit(money::zero(), [&] {
                  const std::string& oid = s > 0 ? d.short_id : d.long_id;
                  return texts{"direction consistency " + vn,
                               fmt::format("direction consistency: {} is {} {} on {}", oid,
                                           s > 0 ? "short" : "long", r.symbol, vn)};
                });
            }
          }
        }
        if (rm.amount >= want) {
          grant[dir] = want;
        } else if (refusal.empty()) {
          const char* d = dir == 0 ? "ab" : "ba";
          refusal = fmt::format("{} ({}): {} left, {} needed", rm.why, d,
                                money_text(std::max(rm.amount, money::zero())), money_text(want));
          refusal_key = fmt::format("{} ({})", rm.key, d);
        }
      }
      // Capital: the margin of the grant on both venues, all or nothing.
      const money g = std::max(grant[0], grant[1]);
      if (g.is_positive()) {
        std::vector<reservation> taken;
        for (const auto* vc : {&va_cfg, &vb_cfg}) {
          auto res = capital_.reserve(vc->venue, divide(g, vc->margin_leverage), mode, id);
          if (!res) {
            refusal = res.error().message;
            refusal_key = "capital " + vc->venue;
            grant[0] = grant[1] = money::zero();
            break;
          }
          taken.push_back(*res);
        }
        if (grant[0].is_zero() && grant[1].is_zero()) {
          for (auto& t : taken)
            capital_.release(t);
        } else {
          for (auto& t : taken)
            p.capital.push_back(std::move(t));
        }
      }
    } else if (st.state == trade_state::active && st.entries) {
      refusal = "pair has not reported its tranche size";
      refusal_key = refusal;
    }
    next.cap_ab = p.commit + grant[0];
    next.cap_ba = p.commit + grant[1];
    const bool no_grant = grant[0].is_zero() && grant[1].is_zero();
    if (next.entries && no_grant && !refusal.empty())
      next.reason = refusal;
    // Events when the reason an entry is refused changes (not every cycle,
    // and not when only a value in it moves: the key holds no amounts).
    const bool refused_state = !next.entries || next.state != trade_state::active;
    const std::string text = refused_state ? next.reason : (no_grant ? refusal : std::string{});
    const std::string key =
      refused_state ? text.substr(0, text.find(':')) : (no_grant ? refusal_key : std::string{});
    if (key != p.refusal_key) {
      if (!key.empty())
        note(severity::warning, fmt::format("pair {} entries refused: {}", id, text), now);
      else if (!p.refusal_key.empty())
        note(severity::info, fmt::format("pair {} entries allowed again", id), now);
      p.refusal_key = key;
    }
    // This pair's new reservation constrains the pairs after it: the grant,
    // or more while a permit with a larger cap may still be applied.
    const money granted = std::max(grant[0], grant[1]);
    money outstanding = p.max_unacked_cap - p.commit;
    if (outstanding.is_negative())
      outstanding = money::zero();
    p.reserved = std::max(granted, outstanding);
    // That unacknowledged part holds its capital too (it may be spent).
    if (outstanding > granted)
      for (const auto* vc : {&va_cfg, &vb_cfg}) {
        const money margin = divide(outstanding - granted, vc->margin_leverage);
        if (margin.is_positive())
          p.capital.push_back(capital_.force(vc->venue, margin, mode, id));
      }
    va.reserved += p.reserved;
    vb.reserved += p.reserved;
    sym.reserved += p.reserved * 2;
    total_reserved_ += p.reserved * 2;
    p.next = std::move(next);
  }
}

void risk_book::evaluate(timestamp_ns now) {
  board_.expire(now, events_);
  aggregate();
  book_wide(now);
  allocate(now);
}

std::vector<risk_permit> risk_book::take_permits(timestamp_ns now) {
  std::vector<risk_permit> out;
  for (auto& [id, p] : pairs_) {
    if (!p.reported || p.next.pair_id.empty())
      continue;
    // Caps follow the marks: a move within 0.5 % is not worth a permit
    // (grants carry 2 % slack; the reservation counts what was sent).
    auto near = [](money x, money y) {
      const money d = (x - y).abs();
      const money m = std::max(x.abs(), y.abs());
      return d.is_zero() || d.to_double() * 200.0 <= m.to_double();
    };
    auto same = [&](const risk_permit& a, const risk_permit& b) {
      return a.state == b.state && a.entries == b.entries && a.reason == b.reason
             && near(a.cap_ab, b.cap_ab) && near(a.cap_ba, b.cap_ba)
             && a.max_order_notional == b.max_order_notional
             && a.price_band_bps == b.price_band_bps && a.max_book_age_ns == b.max_book_age_ns
             && a.fast_move_pct == b.fast_move_pct && a.fast_window_ns == b.fast_window_ns
             && a.fast_freeze_ns == b.fast_freeze_ns;
    };
    const bool renew = p.sent_any && now - p.sent.ts >= cfg_.lease_ns / 2;
    if (p.sent_any && same(p.next, p.sent) && !renew)
      continue;
    risk_permit send = p.next;
    send.version = (p.sent_any ? p.sent.version : 0) + 1;
    send.ts = now;
    send.valid_until = now + cfg_.lease_ns;
    p.sent = send;
    p.sent_any = true;
    // Caps decreasing front to back: a cap that a later permit's cap
    // covers can never be the largest of what is live again.
    const money cap = std::max(send.cap_ab, send.cap_ba);
    while (!p.live_caps.empty() && p.live_caps.back().second <= cap)
      p.live_caps.pop_back();
    p.live_caps.emplace_back(send.version, cap);
    if (p.live_caps.size() > max_live_caps) {
      // A pair that never acknowledges: keep the largest cap for longer
      // (conservative) rather than grow without bound.
      p.live_caps[1].second = p.live_caps[0].second;
      p.live_caps.erase(p.live_caps.begin());
    }
    p.max_unacked_cap = largest(p.live_caps);
    ++permits_sent_;
    out.push_back(std::move(send));
  }
  return out;
}

std::vector<event> risk_book::take_events() {
  std::vector<event> out;
  out.swap(events_);
  return out;
}

const risk_permit* risk_book::permit(const std::string& pair_id) const {
  auto it = pairs_.find(pair_id);
  return it == pairs_.end() || it->second.next.pair_id.empty() ? nullptr : &it->second.next;
}

risk_snapshot risk_book::snapshot(timestamp_ns now) const {
  risk_snapshot s;
  s.ts = now;
  s.state = node_state();
  {
    std::string why;
    scope_state("", kill_, why);
    s.reason = kill_ != trade_state::active ? kill_reason_ : why;
  }
  s.equity = equity_.equity();
  s.peak_equity = equity_.peak();
  s.drawdown_pct = equity_.drawdown_pct();
  s.daily_loss = daily_.has_value() ? daily_.loss() - daily_ack_ : money::zero();
  s.total_gross = total_gross_;
  s.total_net = total_net_;
  s.pnl = total_pnl_;
  for (const auto& [name, sym] : symbols_) {
    scope_status st;
    st.name = name;
    st.state = scope_state(name, trade_state::active, st.reason);
    std::string why;
    st.entries = st.state == trade_state::active && !scope_frozen(name, why);
    if (!st.entries && st.reason.empty())
      st.reason = why;
    s.symbols.push_back(std::move(st));
  }
  for (const auto& name : venue_names_) {
    auto it = venues_.find(name);
    if (it == venues_.end())
      continue;
    const auto& v = it->second;
    venue_status vs;
    vs.venue = name;
    vs.state = scope_state(name, v.kill, vs.reason);
    if (v.kill != trade_state::active && v.kill >= vs.state)
      vs.reason = v.kill_reason;
    std::string why;
    vs.entries = vs.state == trade_state::active && !scope_frozen(name, why);
    if (!vs.entries && vs.reason.empty())
      vs.reason = why;
    vs.pool = capital_.pool(name);
    vs.pnl = v.pnl;
    vs.equity = vs.pool + v.pnl;
    vs.gross = v.gross;
    vs.net = v.net;
    vs.leverage = vs.pool.is_positive() ? v.gross.to_double() / vs.pool.to_double() : 0.0;
    vs.max_leverage = venue_settings(cfg_, name).max_leverage;
    vs.drawdown_pct = v.equity.drawdown_pct();
    vs.safe_mode = capital_.safe_mode(name);
    s.venues.push_back(std::move(vs));
  }
  for (const auto& [id, p] : pairs_) {
    if (!p.reported)
      continue;
    pair_status ps;
    ps.pair_id = id;
    ps.symbol = p.report.symbol;
    ps.state = p.next.state;
    ps.entries = p.next.entries;
    ps.reason = p.next.reason;
    ps.commit = p.commit;
    ps.cap_ab = p.next.cap_ab;
    ps.cap_ba = p.next.cap_ba;
    const price mark = p.report.mark_a.is_positive() ? p.report.mark_a : p.report.mark_b;
    ps.net = notional_of(p.report.qty_a + p.report.qty_b, mark);
    ps.pnl = p.report.pnl_a + p.report.pnl_b;
    ps.permit_version = p.sent_any ? p.sent.version : 0;
    ps.acked_version = p.acked;
    ps.orders_refused = p.report.risk_refused;
    ps.last_report = p.report.ts;
    s.pairs.push_back(std::move(ps));
  }
  s.breakers = board_.active();
  for (auto k : all_breaker_kinds)
    s.trips_total.emplace_back(k, board_.trips_total(k));
  s.capital = capital_.snapshot();
  s.rate_limits = limits_;
  s.permits_sent = permits_sent_;
  return s;
}

} // namespace xarb::risk
