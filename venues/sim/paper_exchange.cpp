#include "venues/sim/paper_exchange.hpp"

#include <algorithm>
#include <numeric>

namespace xarb::sim {

paper_exchange::paper_exchange(std::string venue) : engine_(std::move(venue)) {
}

void paper_exchange::add_instruments(std::span<const instrument_spec> specs) {
  for (const auto& spec : specs) {
    if (lists(spec.symbol))
      continue;
    market_rules rules;
    rules.symbol = spec.symbol;
    rules.multiplier = spec.multiplier;
    rules.native_tick = spec.tick;
    rules.native_lot = spec.lot;
    rules.native_min_qty = spec.min_qty;
    rules.min_notional = spec.min_notional;
    rules.maker_fee = spec.maker_fee;
    rules.taker_fee = spec.taker_fee;
    engine_.add_market(std::move(rules));
    market_state st;
    st.rate.venue = engine_.venue();
    st.rate.symbol = spec.symbol;
    st.rate.interval_s = spec.funding_interval_s;
    state_.push_back(std::move(st));
  }
}

void paper_exchange::copy_book(std::size_t i, const order_book& book) {
  auto& bids = engine_.bids(i);
  auto& asks = engine_.asks(i);
  bids.clear();
  asks.clear();
  if (!book.synced())
    return;
  book.to_snapshot(scratch_, depth);
  // The engine keeps its background on the canonical lot; a venue level
  // always is, but a size off the grid is rounded down rather than trusted.
  const int64_t lot = engine_.lot(i).raw();
  auto copy = [lot](const std::vector<book_level>& from, std::vector<book_level>& to) {
    for (const auto& l : from) {
      const int64_t q = lot > 0 ? l.qty.raw() / lot * lot : l.qty.raw();
      if (q > 0)
        to.push_back({l.px, quantity::from_raw(q)});
    }
  };
  copy(scratch_.bids, bids);
  copy(scratch_.asks, asks);
  if (!bids.empty() && !asks.empty())
    state_[i].last_mid =
      price::from_raw(std::midpoint(bids.front().px.raw(), asks.front().px.raw()));
}

void paper_exchange::on_book(std::string_view symbol, const order_book& book, timestamp_ns now,
                             std::vector<event>& out) {
  const auto i = engine_.find(symbol);
  if (i == matching_engine::npos)
    return;
  last_ts_ = std::max(last_ts_, now);
  if (auto b = book.best_bid(), a = book.best_ask(); b && a)
    state_[i].last_mid = price::from_raw(std::midpoint(b->px.raw(), a->px.raw()));
  if (engine_.open_orders(i).empty())
    return; // copied at the next submit
  copy_book(i, book);
  engine_.match_resting(i, last_ts_, out);
}

void paper_exchange::on_book_lost(std::string_view symbol) {
  const auto i = engine_.find(symbol);
  if (i == matching_engine::npos)
    return;
  engine_.bids(i).clear();
  engine_.asks(i).clear();
}

void paper_exchange::submit(const order_intent& o, const order_book* book, timestamp_ns now,
                            std::vector<event>& out) {
  last_ts_ = std::max(last_ts_, now);
  const auto i = engine_.find(o.symbol);
  if (i != matching_engine::npos) {
    if (book)
      copy_book(i, *book);
    else
      on_book_lost(o.symbol);
  }
  engine_.submit(o, last_ts_, out);
}

void paper_exchange::cancel(const cancel_request& c, timestamp_ns now, std::vector<event>& out) {
  last_ts_ = std::max(last_ts_, now);
  engine_.cancel(c, last_ts_, out);
}

void paper_exchange::on_funding(const funding_rate& r, std::optional<price> mark) {
  const auto i = engine_.find(r.symbol);
  if (i == matching_engine::npos)
    return;
  auto& st = state_[i];
  st.rate.rate = r.rate;
  if (r.interval_s > 0)
    st.rate.interval_s = r.interval_s;
  if (r.next_funding_ts != 0)
    st.rate.next_funding_ts = r.next_funding_ts;
  st.rate.ts = r.ts;
  if (mark)
    st.mark = mark;
}

void paper_exchange::advance(timestamp_ns now, std::vector<event>& out) {
  last_ts_ = std::max(last_ts_, now);
  for (std::size_t i = 0; i < state_.size(); ++i) {
    auto& st = state_[i];
    const auto due = st.rate.next_funding_ts;
    if (due == 0 || now < due || due <= st.settled_until)
      continue;
    st.settled_until = due;
    const price mark = st.mark ? *st.mark : st.last_mid;
    if (!mark.is_positive())
      continue; // nothing to settle at: no price known yet
    const quantity settled = engine_.position_of(i).qty;
    const money amount = engine_.apply_funding(i, mark, st.rate.rate, due);
    if (settled.is_zero())
      continue;
    funding_payment p{engine_.venue(), st.rate.symbol, settled, mark, st.rate.rate, amount,
                      due};
    st.payments.push_back(p);
    out.emplace_back(std::move(p));
  }
}

position paper_exchange::position_of(std::string_view symbol) const {
  const auto i = engine_.find(symbol);
  if (i == matching_engine::npos) {
    position p;
    p.venue = engine_.venue();
    p.symbol = std::string{symbol};
    return p;
  }
  return engine_.position_of(i);
}

const std::vector<resting_order>& paper_exchange::open_orders(std::string_view symbol) const {
  static const std::vector<resting_order> none;
  const auto i = engine_.find(symbol);
  return i == matching_engine::npos ? none : engine_.open_orders(i);
}

const std::vector<funding_payment>& paper_exchange::funding_payments(
  std::string_view symbol) const {
  static const std::vector<funding_payment> none;
  const auto i = engine_.find(symbol);
  return i == matching_engine::npos ? none : state_[i].payments;
}

} // namespace xarb::sim
