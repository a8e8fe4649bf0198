#include "core/strategy/pnl_ledger.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace xarb::strategy {

namespace {

template <class T>
T must(expected<T> x) {
  if (!x)
    throw std::overflow_error("pnl_ledger: " + x.error().message);
  return *x;
}

template <class Tag>
fixed<Tag> add(fixed<Tag> a, fixed<Tag> b) {
  fixed<Tag> out;
  if (!fixed<Tag>::checked_add(a, b, out))
    throw std::overflow_error("pnl_ledger: overflow adding " + a.to_string() + " + "
                              + b.to_string());
  return out;
}

template <class Tag>
fixed<Tag> sub(fixed<Tag> a, fixed<Tag> b) {
  fixed<Tag> out;
  if (!fixed<Tag>::checked_sub(a, b, out))
    throw std::overflow_error("pnl_ledger: overflow subtracting " + a.to_string() + " - "
                              + b.to_string());
  return out;
}

int64_t mul_div(int64_t value, int64_t mul, int64_t div, const char* what) {
  int64_t out = 0;
  if (detail::mul_div(value, mul, div, rounding::nearest, out) != error_code::none)
    throw std::overflow_error(std::string{"pnl_ledger: "} + what + " overflow");
  return out;
}

/// amount x own / position, rounded to nearest once; 0 if either is 0.
money share_of(money amount, quantity own, quantity position) {
  if (own.is_zero() || position.is_zero())
    return money::zero();
  return money::from_raw(mul_div(amount.raw(), own.raw(), position.raw(), "funding share"));
}

} // namespace

// -- pnl_summary ----------------------------------------------------------------

pnl_summary& operator+=(pnl_summary& a, const pnl_summary& b) {
  pnl_summary r;
  r.realized = add(a.realized, b.realized);
  r.fees = add(a.fees, b.fees);
  r.funding = add(a.funding, b.funding);
  r.funding_accrued = add(a.funding_accrued, b.funding_accrued);
  r.unrealized = add(a.unrealized, b.unrealized);
  r.net = add(a.net, b.net);
  r.volume = add(a.volume, b.volume);
  a = r; // all or nothing
  return a;
}

pnl_summary operator+(pnl_summary a, const pnl_summary& b) {
  a += b;
  return a;
}

// -- recent_ids -----------------------------------------------------------------

pnl_ledger::recent_ids& pnl_ledger::recent_ids::operator=(const recent_ids& o) {
  if (this != &o) {
    fifo_ = o.fifo_;
    rebuild();
  }
  return *this;
}

pnl_ledger::recent_ids& pnl_ledger::recent_ids::operator=(recent_ids&& o) {
  if (this != &o) {
    fifo_ = std::move(o.fifo_);
    rebuild();
    o.clear();
  }
  return *this;
}

void pnl_ledger::recent_ids::add(const std::string& id) {
  fifo_.push_back(id);
  set_.insert(fifo_.back());
  if (fifo_.size() > fill_id_memory) {
    set_.erase(fifo_.front());
    fifo_.pop_front();
  }
}

void pnl_ledger::recent_ids::rebuild() {
  set_.clear();
  for (const auto& id : fifo_)
    set_.insert(id);
}

void pnl_ledger::recent_ids::clear() noexcept {
  set_.clear();
  fifo_.clear();
}

// -- pnl_ledger -----------------------------------------------------------------

pnl_ledger::pnl_ledger(std::string venue, std::string symbol) {
  pos_.venue = std::move(venue);
  pos_.symbol = std::move(symbol);
}

bool pnl_ledger::apply_fill(const order_fill& f) {
  if (f.venue != pos_.venue || f.symbol != pos_.symbol)
    return false;
  if (!f.fill_id.empty() && ids_.contains(f.fill_id))
    return false;
  if (f.qty.is_negative())
    throw std::invalid_argument("pnl_ledger: negative fill qty " + f.qty.to_string());

  // Everything is computed first and committed at the end, so an overflow
  // leaves the ledger as it was.
  const bool buy = f.sd == side::buy;
  const money traded = must(notional(f.px, f.qty));
  const money fees = add(pos_.fees, f.fee);
  const money volume = add(volume_, traded);
  quantity qty = pos_.qty;
  money cost = cost_;
  money realized = pos_.realized_pnl;
  if (qty.is_zero() || qty.is_positive() == buy) {
    cost = add(cost, traded);
    qty = add(qty, buy ? f.qty : -f.qty);
  } else {
    // Reduce (and maybe flip).
    const quantity open = qty.abs();
    const quantity closed = std::min(f.qty, open);
    const money removed = closed == open
      ? cost
      : money::from_raw(mul_div(cost.raw(), closed.raw(), open.raw(), "cost"));
    const money exit_value = must(notional(f.px, closed));
    // A long is closed by selling (gain = exit - cost), a short by buying.
    realized = add(realized, qty.is_positive() ? sub(exit_value, removed)
                                               : sub(removed, exit_value));
    cost = sub(cost, removed);
    qty = buy ? qty + closed : qty - closed;
    if (const quantity rest = f.qty - closed; rest.is_positive()) {
      cost = must(notional(f.px, rest));
      qty = buy ? rest : -rest;
    }
  }
  price avg;
  if (qty.is_zero())
    cost = money::zero();
  else
    avg = price::from_raw(mul_div(cost.raw(), decimal_scale, qty.abs().raw(), "avg"));

  // A late fill (stamped before a settlement already booked) changes what
  // this sub-position held then: re-attribute those settlements.
  const quantity signed_qty = buy ? f.qty : -f.qty;
  std::array<money, settlement_memory> shares{};
  money funding = pos_.funding;
  for (std::size_t k = 0; k < settlements_.size(); ++k) {
    const auto& s = settlements_[k];
    shares[k] = s.share;
    if (f.ts < s.ts) {
      shares[k] = share_of(s.amount, add(s.own, signed_qty), s.position);
      funding = add(funding, sub(shares[k], s.share));
    }
  }

  // Commit.
  for (std::size_t k = 0; k < settlements_.size(); ++k) {
    auto& s = settlements_[k];
    if (f.ts < s.ts) {
      s.own += signed_qty;
      s.share = shares[k];
    }
  }
  pos_.qty = qty;
  pos_.avg_entry = avg;
  pos_.realized_pnl = realized;
  pos_.fees = fees;
  pos_.funding = funding;
  pos_.ts = std::max(pos_.ts, f.ts);
  cost_ = cost;
  volume_ = volume;
  ++fills_;
  record_fill_ts(f.ts, signed_qty);
  if (!f.fill_id.empty())
    ids_.add(f.fill_id);
  return true;
}

void pnl_ledger::record_fill_ts(timestamp_ns ts, quantity signed_qty) {
  // Only fills at or after the oldest settlement still open to a payment
  // matter to own_qty_at(); older ones are in the current qty already.
  if (settlements_.size() == settlement_memory && ts < settlements_.front().ts)
    return;
  auto& q = fills_by_ts_[ts];
  q += signed_qty;
  if (fills_by_ts_.size() > fill_ts_memory)
    fills_by_ts_.erase(fills_by_ts_.begin());
}

quantity pnl_ledger::own_qty_at(timestamp_ns ts) const {
  // Fills stamped at or after `ts` were not in the position settled at ts.
  quantity later;
  for (auto i = fills_by_ts_.lower_bound(ts); i != fills_by_ts_.end(); ++i)
    later = add(later, i->second);
  return sub(pos_.qty, later);
}

bool pnl_ledger::apply_funding(const funding_payment& p) {
  if (p.venue != pos_.venue || p.symbol != pos_.symbol)
    return false;
  auto at = std::lower_bound(settlements_.begin(), settlements_.end(), p.ts,
                             [](const settlement& s, timestamp_ns t) { return s.ts < t; });
  if (at != settlements_.end() && at->ts == p.ts)
    return false; // already booked
  if (settlements_.size() == settlement_memory && at == settlements_.begin())
    return false; // older than everything kept: a replay we can no longer tell
  const quantity own = own_qty_at(p.ts);
  const money share = share_of(p.amount, own, p.position);
  const money funding = add(pos_.funding, share);

  settlements_.insert(at, settlement{p.ts, p.position, p.amount, own, share});
  if (settlements_.size() > settlement_memory)
    settlements_.pop_front();
  pos_.funding = funding;
  pos_.ts = std::max(pos_.ts, p.ts);
  if (settlements_.size() == settlement_memory) {
    // No payment older than the oldest kept settlement is accepted any more.
    const timestamp_ns horizon = settlements_.front().ts;
    fills_by_ts_.erase(fills_by_ts_.begin(), fills_by_ts_.lower_bound(horizon));
  }
  return true;
}

void pnl_ledger::on_rate(const funding_rate& r) {
  if (r.venue != pos_.venue || r.symbol != pos_.symbol)
    return;
  rate_ = r;
}

money pnl_ledger::funding_accrued(price mark, timestamp_ns now) const {
  if (!rate_ || pos_.qty.is_zero() || rate_->interval_s <= 0 || rate_->next_funding_ts <= 0)
    return money::zero();
  const int64_t interval = int64_t{rate_->interval_s} * decimal_scale;
  const timestamp_ns start = rate_->next_funding_ts - interval;
  const int64_t elapsed = now <= start ? 0 : std::min(now - start, interval);
  const money full = must(apply(rate_->rate, must(notional(mark, pos_.qty.abs()))));
  const money part = money::from_raw(mul_div(full.raw(), elapsed, interval, "accrued"));
  // Positive rate: longs pay.
  return pos_.qty.is_positive() ? -part : part;
}

money pnl_ledger::unrealized(price mark) const {
  if (pos_.qty.is_zero())
    return money::zero();
  const money value = must(notional(mark, pos_.qty.abs()));
  return pos_.qty.is_positive() ? sub(value, cost_) : sub(cost_, value);
}

money pnl_ledger::net(price mark) const {
  return add(add(sub(pos_.realized_pnl, pos_.fees), pos_.funding), unrealized(mark));
}

pnl_summary pnl_ledger::summary(price mark, timestamp_ns now) const {
  pnl_summary s;
  s.realized = pos_.realized_pnl;
  s.fees = pos_.fees;
  s.funding = pos_.funding;
  s.funding_accrued = funding_accrued(mark, now);
  s.unrealized = unrealized(mark);
  s.net = net(mark);
  s.volume = volume_;
  return s;
}

} // namespace xarb::strategy
