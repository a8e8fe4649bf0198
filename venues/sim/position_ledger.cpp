#include "venues/sim/position_ledger.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace xarb::sim {

namespace {

template <class T>
T must(expected<T> x) {
  if (!x)
    throw std::overflow_error("position_ledger: " + x.error().message);
  return *x;
}

money add(money a, money b) {
  money out;
  if (!money::checked_add(a, b, out))
    throw std::overflow_error("position_ledger: money overflow");
  return out;
}

} // namespace

position_ledger::position_ledger(std::string venue, std::string symbol) {
  pos_.venue = std::move(venue);
  pos_.symbol = std::move(symbol);
}

void position_ledger::apply_fill(side sd, price px, quantity qty, money fee,
                                 timestamp_ns ts) {
  pos_.fees = add(pos_.fees, fee);
  pos_.ts = ts;
  const bool buy = sd == side::buy;
  const quantity open = pos_.qty.abs();
  const bool increases = pos_.qty.is_zero() || (pos_.qty.is_positive() == buy);
  if (increases) {
    cost_ = add(cost_, must(notional(px, qty)));
    pos_.qty += buy ? qty : -qty;
    update_avg();
    return;
  }
  // Reduce (and maybe flip).
  const quantity closed = std::min(qty, open);
  money removed = cost_;
  if (closed != open) {
    int64_t raw = 0;
    if (detail::mul_div(cost_.raw(), closed.raw(), open.raw(), rounding::nearest, raw)
        != error_code::none)
      throw std::overflow_error("position_ledger: cost overflow");
    removed = money::from_raw(raw);
  }
  const money exit_value = must(notional(px, closed));
  // A long is closed by selling (gain = exit - cost), a short by buying.
  const money pnl = pos_.qty.is_positive() ? exit_value - removed : removed - exit_value;
  pos_.realized_pnl = add(pos_.realized_pnl, pnl);
  cost_ -= removed;
  pos_.qty += buy ? closed : -closed;
  if (const quantity rest = qty - closed; rest.is_positive()) {
    cost_ = must(notional(px, rest));
    pos_.qty = buy ? rest : -rest;
  }
  update_avg();
}

money position_ledger::apply_funding(price mark, ratio rate, timestamp_ns ts) {
  if (pos_.qty.is_zero())
    return money::zero();
  const money payment = must(apply(rate, must(notional(mark, pos_.qty.abs()))));
  // Positive rate: longs pay (funding negative), shorts receive.
  const money amount = pos_.qty.is_positive() ? -payment : payment;
  pos_.funding = add(pos_.funding, amount);
  pos_.ts = ts;
  return amount;
}

void position_ledger::update_avg() {
  if (pos_.qty.is_zero()) {
    cost_ = money::zero();
    pos_.avg_entry = price::zero();
    return;
  }
  int64_t raw = 0;
  if (detail::mul_div(cost_.raw(), decimal_scale, pos_.qty.abs().raw(), rounding::nearest, raw)
      != error_code::none)
    throw std::overflow_error("position_ledger: avg overflow");
  pos_.avg_entry = price::from_raw(raw);
}

} // namespace xarb::sim
