#include "core/strategy/spread_pricer.hpp"

#include <cmath>
#include <numeric>

namespace xarb::strategy {

expected<leg_rules> make_leg_rules(const instrument_spec& spec) {
  leg_rules r;
  r.venue = spec.venue;
  if (!spec.multiplier.is_positive())
    return error_info{error_code::config_error,
                      spec.venue + " " + spec.symbol + ": multiplier must be > 0"};
  auto tick = divide_by(spec.tick, spec.multiplier, rounding::down);
  auto lot = multiply(spec.lot, spec.multiplier, rounding::down);
  auto min_qty = multiply(spec.min_qty, spec.multiplier, rounding::up);
  if (!tick || !lot || !min_qty)
    return error_info{error_code::config_error,
                      spec.venue + " " + spec.symbol + ": rules overflow"};
  // Exact conversion only: a canonical tick that is not a whole number of
  // nanos would make every price we send slightly off the venue's grid.
  __extension__ using i128 = __int128;
  const i128 scale = decimal_scale;
  const bool tick_exact = (i128{spec.tick.raw()} * scale) % spec.multiplier.raw() == 0;
  const bool lot_exact = (i128{spec.lot.raw()} * spec.multiplier.raw()) % scale == 0;
  if (!tick_exact || !lot_exact || !tick->is_positive() || !lot->is_positive())
    return error_info{error_code::config_error,
                      spec.venue + " " + spec.symbol
                        + ": tick/lot do not convert exactly to canonical units"};
  r.tick = *tick;
  r.lot = *lot;
  r.min_qty = *min_qty;
  r.min_notional = spec.min_notional;
  r.maker_fee = spec.maker_fee;
  r.taker_fee = spec.taker_fee;
  r.funding_interval_s = spec.funding_interval_s;
  return r;
}

quantity min_tradable(const leg_rules& r, price px) {
  quantity q = r.min_qty.is_positive() ? r.min_qty : r.lot;
  if (r.min_notional.is_positive() && px.is_positive()) {
    if (auto by_value = divide_by(r.min_notional, px, rounding::up)) {
      auto need = quantity::from_raw(by_value->raw());
      if (need > q)
        q = need;
    }
  }
  if (r.lot.is_positive())
    if (auto on_lot = q.round_to(r.lot, rounding::up))
      q = *on_lot;
  return q;
}

quantity common_lot(quantity a, quantity b) {
  if (!a.is_positive())
    return b;
  if (!b.is_positive())
    return a;
  return quantity::from_raw(std::lcm(a.raw(), b.raw()));
}

price mid_price(const order_book& book) {
  auto bid = book.best_bid();
  auto ask = book.best_ask();
  if (!bid || !ask)
    return price::zero();
  return price::from_raw(std::midpoint(bid->px.raw(), ask->px.raw()));
}

price pair_mid(const order_book& a, const order_book& b) {
  const price mid_a = mid_price(a);
  const price mid_b = mid_price(b);
  if (!mid_a.is_positive() || !mid_b.is_positive())
    return price::zero();
  return price::from_raw(std::midpoint(mid_a.raw(), mid_b.raw()));
}

ratio bps_ratio(double bps) {
  return ratio::from_raw(static_cast<int64_t>(std::llround(bps * 1e5)));
}

price shift_bps(price px, double bps, price tick, rounding mode) {
  const ratio factor = ratio::from_units(1) + bps_ratio(bps);
  auto shifted = multiply(px, factor, mode);
  if (!shifted)
    return px;
  if (!tick.is_positive())
    return *shifted;
  auto on_tick = shifted->round_to(tick, mode);
  return on_tick ? *on_tick : *shifted;
}

namespace {

double to_bps(int64_t num_raw, int64_t mid_raw) {
  return static_cast<double>(num_raw) / static_cast<double>(mid_raw) * 1e4;
}

/// Fee paid on `px` at `fee`, in price units (nanos, double is fine: bps).
double fee_raw(price px, ratio fee) {
  return static_cast<double>(px.raw()) * fee.to_double();
}

} // namespace

spread_quote price_pair(const order_book& a, const order_book& b, quantity size,
                        const leg_rules& ra, const leg_rules& rb, const leg_pricing& how) {
  spread_quote q;
  q.size = size;
  if (!a.synced() || !b.synced() || !size.is_positive())
    return q;
  auto bid_a = a.best_bid();
  auto ask_a = a.best_ask();
  auto bid_b = b.best_bid();
  auto ask_b = b.best_ask();
  if (!bid_a || !ask_a || !bid_b || !ask_b)
    return q;
  q.mid = pair_mid(a, b);
  if (!q.mid.is_positive())
    return q;
  const auto sa = a.estimate(side::sell, size);
  const auto ba = a.estimate(side::buy, size);
  const auto sb = b.estimate(side::sell, size);
  const auto bb = b.estimate(side::buy, size);
  q.sell_a = sa.vwap;
  q.buy_a = ba.vwap;
  q.sell_b = sb.vwap;
  q.buy_b = bb.vwap;
  q.worst_sell_a = sa.worst;
  q.worst_buy_a = ba.worst;
  q.worst_sell_b = sb.worst;
  q.worst_buy_b = bb.worst;
  if (!sa.complete || !ba.complete || !sb.complete || !bb.complete)
    return q;
  auto ab = relative(q.sell_a - q.buy_b, q.mid);
  auto ba_r = relative(q.sell_b - q.buy_a, q.mid);
  if (!ab || !ba_r)
    return q;
  q.spread_ab = *ab;
  q.spread_ba = *ba_r;
  const int64_t m = q.mid.raw();
  q.gross_bps[0] = to_bps((q.sell_a - q.buy_b).raw(), m);
  q.gross_bps[1] = to_bps((q.sell_b - q.buy_a).raw(), m);
  // Per direction: the selling leg and the buying leg, taker or maker.
  const bool maker_a = how.style == exec_style::maker_taker && how.maker == 0;
  const bool maker_b = how.style == exec_style::maker_taker && how.maker == 1;
  auto net = [m](price sell, ratio sell_fee, price buy, ratio buy_fee) {
    const double fees = fee_raw(sell, sell_fee) + fee_raw(buy, buy_fee);
    return (static_cast<double>((sell - buy).raw()) - fees) / static_cast<double>(m) * 1e4;
  };
  // ab: sell A, buy B. ba: sell B, buy A. A maker leg rests at its touch.
  q.net_bps[0] = net(maker_a ? ask_a->px : q.sell_a, maker_a ? ra.maker_fee : ra.taker_fee,
                     maker_b ? bid_b->px : q.buy_b, maker_b ? rb.maker_fee : rb.taker_fee);
  q.net_bps[1] = net(maker_b ? ask_b->px : q.sell_b, maker_b ? rb.maker_fee : rb.taker_fee,
                     maker_a ? bid_a->px : q.buy_a, maker_a ? ra.maker_fee : ra.taker_fee);
  q.valid = true;
  return q;
}

} // namespace xarb::strategy
