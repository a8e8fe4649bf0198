#include "venues/sim/paper_exchange.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <type_traits>

namespace xarb::sim {

paper_exchange::paper_exchange(std::string venue) : engine_(std::move(venue)) {
}

namespace {

market_rules rules_of(const instrument_spec& spec) {
  market_rules rules;
  rules.symbol = spec.symbol;
  rules.multiplier = spec.multiplier;
  rules.native_tick = spec.tick;
  rules.native_lot = spec.lot;
  rules.native_min_qty = spec.min_qty;
  rules.min_notional = spec.min_notional;
  rules.maker_fee = spec.maker_fee;
  rules.taker_fee = spec.taker_fee;
  return rules;
}

constexpr std::string_view expired_reason = "expired: symbol not listed";

} // namespace

void paper_exchange::add_state(const std::string& symbol, int32_t interval_s, bool is_listed) {
  market_state st;
  st.rate.venue = engine_.venue();
  st.rate.symbol = symbol;
  st.rate.interval_s = interval_s;
  state_.push_back(std::move(st));
  listed_.push_back(is_listed);
}

void paper_exchange::add_instruments(std::span<const instrument_spec> specs) {
  for (const auto& spec : specs) {
    const auto i = engine_.find(spec.symbol);
    if (i == matching_engine::npos) {
      engine_.add_market(rules_of(spec));
      add_state(spec.symbol, spec.funding_interval_s, true);
    } else if (!listed_[i]) { // kept from a journal, listed again
      engine_.replace_rules(i, rules_of(spec));
      state_[i].rate.interval_s = spec.funding_interval_s;
      listed_[i] = true;
    }
  }
}

std::size_t paper_exchange::listed(std::string_view symbol) const noexcept {
  const auto i = engine_.find(symbol);
  return i != matching_engine::npos && listed_[i] ? i : matching_engine::npos;
}

std::size_t paper_exchange::market_for(const std::string& symbol) {
  if (const auto i = engine_.find(symbol); i != matching_engine::npos)
    return i;
  // Rules of a market nobody can trade (lists() is false): only the
  // account's history lives there.
  market_rules rules;
  rules.symbol = symbol;
  rules.native_tick = price::from_raw(1);
  rules.native_lot = quantity::from_raw(1);
  const auto i = engine_.add_market(std::move(rules));
  add_state(symbol, 0, false);
  return i;
}

void paper_exchange::record(const std::vector<event>& out, std::size_t from,
                            uint64_t seq) const {
  if (!recorder_)
    return;
  for (std::size_t k = from; k < out.size(); ++k) {
    std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, order_ack>) {
          paper_accepted a;
          a.order = *engine_.order_of(x.client_id);
          a.order.filled = quantity{};
          a.order.st = order_record::status::open;
          a.order.closed = 0;
          a.seq = seq;
          recorder_(a);
        } else if constexpr (std::is_same_v<T, order_fill> || std::is_same_v<T, order_cancelled>
                             || std::is_same_v<T, funding_payment>) {
          recorder_(x);
        }
        // Rejects and market data change nothing in the account.
      },
      out[k]);
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
  const auto i = listed(symbol);
  if (i == matching_engine::npos)
    return;
  last_ts_ = std::max(last_ts_, now);
  if (auto b = book.best_bid(), a = book.best_ask(); b && a)
    state_[i].last_mid = price::from_raw(std::midpoint(b->px.raw(), a->px.raw()));
  if (engine_.open_orders(i).empty())
    return; // copied at the next submit
  copy_book(i, book);
  const auto from = out.size();
  engine_.match_resting(i, last_ts_, out);
  record(out, from, 0);
}

void paper_exchange::on_book_lost(std::string_view symbol) {
  const auto i = listed(symbol);
  if (i == matching_engine::npos)
    return;
  engine_.bids(i).clear();
  engine_.asks(i).clear();
}

void paper_exchange::submit(const order_intent& o, const order_book* book, timestamp_ns now,
                            std::vector<event>& out) {
  last_ts_ = std::max(last_ts_, now);
  const auto i = engine_.find(o.symbol);
  if (i != matching_engine::npos && !listed_[i]) { // as if the engine did not know it
    out.emplace_back(order_reject{o.client_id, engine_.venue(), o.symbol,
                                  error_code::unknown_symbol, "unknown symbol " + o.symbol,
                                  last_ts_});
    return;
  }
  if (i != matching_engine::npos) {
    if (book)
      copy_book(i, *book);
    else
      on_book_lost(o.symbol);
  }
  const auto from = out.size();
  const auto seq = engine_.next_order_seq();
  engine_.submit(o, last_ts_, out);
  record(out, from, seq);
}

void paper_exchange::cancel(const cancel_request& c, timestamp_ns now, std::vector<event>& out) {
  last_ts_ = std::max(last_ts_, now);
  const auto from = out.size();
  engine_.cancel(c, last_ts_, out);
  record(out, from, 0);
}

void paper_exchange::on_funding(const funding_rate& r, std::optional<price> mark) {
  const auto i = listed(r.symbol);
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
    const quantity settled = engine_.position_of(i).qty;
    // Nothing to settle at (no price known yet), or nothing to settle: the
    // journal still learns that this funding time is done.
    if (!mark.is_positive() || settled.is_zero()) {
      record(funding_skipped{st.rate.symbol, due});
      continue;
    }
    const money amount = engine_.apply_funding(i, mark, st.rate.rate, due);
    funding_payment p{engine_.venue(), st.rate.symbol, settled, mark, st.rate.rate, amount,
                      due};
    st.payments.push_back(p);
    record(p);
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

paper_exchange::restore_summary paper_exchange::restore(std::span<const paper_record> records,
                                                        timestamp_ns now,
                                                        std::vector<event>& out) {
  const auto& venue = engine_.venue();
  const bool used = engine_.next_order_seq() != 1
                    || std::any_of(state_.begin(), state_.end(), [](const market_state& st) {
                         return st.settled_until != 0 || !st.payments.empty();
                       });
  if (used)
    throw std::logic_error("paper exchange " + venue + ": restore into a used account");
  restore_summary sum;
  timestamp_ns last = now;
  for (const auto& rec : records) {
    std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, paper_accepted>) {
          market_for(x.order.symbol);
          engine_.restore_order(x.order, x.seq);
        } else if constexpr (std::is_same_v<T, funding_skipped>) {
          auto& st = state_[market_for(x.symbol)];
          st.settled_until = std::max(st.settled_until, x.due);
        } else {
          if (x.venue != venue)
            throw std::invalid_argument("paper exchange " + venue + ": restore of a record of "
                                        + x.venue);
          if constexpr (std::is_same_v<T, order_fill>) {
            engine_.restore_fill(x);
          } else if constexpr (std::is_same_v<T, order_cancelled>) {
            engine_.restore_close(x.client_id, x.ts);
          } else {
            const auto i = market_for(x.symbol);
            if (engine_.position_of(i).qty != x.position)
              throw std::invalid_argument("paper exchange " + venue + ": funding of " + x.symbol
                                          + " at " + std::to_string(x.ts) + " on position "
                                          + x.position.to_string() + ", restored "
                                          + engine_.position_of(i).qty.to_string());
            const money amount = engine_.apply_funding(i, x.mark, x.rate, x.ts);
            if (amount != x.amount)
              throw std::invalid_argument("paper exchange " + venue + ": funding of " + x.symbol
                                          + " at " + std::to_string(x.ts) + " recomputes to "
                                          + amount.to_string() + ", journal "
                                          + x.amount.to_string());
            auto& st = state_[i];
            st.payments.push_back(x);
            st.settled_until = std::max(st.settled_until, x.ts);
          }
        }
      },
      rec);
    last = std::max(last, time_of(rec));
    ++sum.records;
  }
  last_ts_ = std::max(last_ts_, last);
  for (std::size_t i = 0; i < state_.size(); ++i) {
    const auto& symbol = state_[i].rate.symbol;
    if (listed_[i]) {
      sum.open += engine_.open_orders(i).size();
      continue;
    }
    sum.unlisted.push_back(symbol);
    // A copy: restore_close edits the list.
    const std::vector<resting_order> orders = engine_.open_orders(i);
    for (const auto& o : orders) {
      order_cancelled c{o.client_id, venue, symbol, o.leaves, std::string{expired_reason},
                        last_ts_};
      engine_.restore_close(o.client_id, last_ts_);
      record(c);
      out.emplace_back(std::move(c));
      ++sum.expired;
    }
  }
  return sum;
}

} // namespace xarb::sim
