#include "venues/sim/matching_engine.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace xarb::sim {

namespace {

bool crosses(side sd, price limit, price level) {
  return sd == side::buy ? level <= limit : level >= limit;
}

/// Removes up to `qty` from the front of a best-first side, only at levels
/// the limit crosses. Returns what was removed.
quantity consume(std::vector<book_level>& book, side taker, price limit, quantity qty) {
  quantity taken;
  while (taken < qty && !book.empty() && crosses(taker, limit, book.front().px)) {
    const quantity q = std::min(qty - taken, book.front().qty);
    taken += q;
    book.front().qty -= q;
    if (book.front().qty.is_zero())
      book.erase(book.begin());
  }
  return taken;
}

quantity available(const std::vector<book_level>& book, side taker, price limit) {
  quantity sum;
  for (const auto& lvl : book) {
    if (!crosses(taker, limit, lvl.px))
      break;
    sum += lvl.qty;
  }
  return sum;
}

} // namespace

matching_engine::matching_engine(std::string venue) : venue_(std::move(venue)) {}

void matching_engine::canonical_units(const market_rules& r, price& tick, quantity& lot) const {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument("sim venue " + venue_ + ", " + r.symbol + ": " + what);
  };
  if (!r.multiplier.is_positive() || !r.native_tick.is_positive()
      || !r.native_lot.is_positive() || r.native_min_qty.is_negative())
    fail("multiplier, tick and lot must be positive");
  // canonical tick = native tick / multiplier; canonical lot = lot x multiplier.
  auto t = divide_by(r.native_tick, r.multiplier, rounding::exact);
  auto l = multiply(r.native_lot, r.multiplier, rounding::exact);
  if (!t || !l)
    fail("tick " + r.native_tick.to_string() + " / lot " + r.native_lot.to_string()
         + " not exact in canonical units with multiplier " + r.multiplier.to_string());
  auto back = multiply(*t, r.multiplier, rounding::exact);
  if (!back || *back != r.native_tick || !t->is_positive() || !l->is_positive())
    fail("tick does not round-trip through multiplier " + r.multiplier.to_string());
  tick = *t;
  lot = *l;
}

std::size_t matching_engine::add_market(market_rules r) {
  if (find(r.symbol) != npos)
    throw std::invalid_argument("sim venue " + venue_ + ", " + r.symbol + ": symbol added twice");
  price tick;
  quantity lot;
  canonical_units(r, tick, lot);
  std::string sym = r.symbol;
  by_symbol_.emplace(sym, markets_.size());
  markets_.push_back(market{std::move(r), tick, lot, {}, {}, {},
                            position_ledger{venue_, std::move(sym)}, {}});
  return markets_.size() - 1;
}

void matching_engine::replace_rules(std::size_t i, market_rules r) {
  auto& m = markets_.at(i);
  if (r.symbol != m.rules.symbol)
    throw std::invalid_argument("sim venue " + venue_ + ": rules of " + r.symbol
                                + " given for " + m.rules.symbol);
  canonical_units(r, m.tick, m.lot);
  m.rules = std::move(r);
}

std::size_t matching_engine::find(std::string_view symbol) const noexcept {
  const auto it = by_symbol_.find(symbol);
  return it == by_symbol_.end() ? npos : it->second;
}

quantity matching_engine::reducible(const market& m, side sd) {
  const quantity pos = m.ledger.get().qty;
  if (sd == side::sell)
    return pos.is_positive() ? pos : quantity::zero();
  return pos.is_negative() ? -pos : quantity::zero();
}

error_info matching_engine::validate(const market& m, const order_intent& o,
                                     quantity& qty) const {
  const auto& r = m.rules;
  const bool is_market = o.type == order_type::market;
  if (o.client_id.empty())
    return {error_code::invalid_order, "empty client_id"};
  if (!o.qty.is_positive())
    return {error_code::invalid_order, "quantity must be positive, got " + o.qty.to_string()};
  if (!is_market && !o.px.is_positive())
    return {error_code::invalid_order, "limit price must be positive, got " + o.px.to_string()};
  if (is_market && o.tif == time_in_force::post_only)
    return {error_code::invalid_order, "a market order cannot be post-only"};
  if (by_id_.find(o.client_id) != by_id_.end())
    return {error_code::duplicate_order, "client_id " + o.client_id + " already used"};
  if (!is_market) {
    auto native_px = multiply(o.px, r.multiplier, rounding::exact);
    if (!native_px || !native_px->is_multiple_of(r.native_tick))
      return {error_code::bad_tick, "price " + o.px.to_string() + " is not a multiple of tick "
                                      + m.tick.to_string()};
  }
  auto native_qty = divide_by(o.qty, r.multiplier, rounding::exact);
  if (!native_qty || !native_qty->is_multiple_of(r.native_lot))
    return {error_code::bad_lot, "quantity " + o.qty.to_string() + " is not a multiple of lot "
                                   + m.lot.to_string()};
  if (*native_qty < r.native_min_qty)
    return {error_code::below_min_qty, "quantity " + o.qty.to_string() + " below minimum"};
  price ref = o.px;
  if (is_market) {
    const auto& opp = o.sd == side::buy ? m.asks : m.bids;
    if (opp.empty())
      return {error_code::no_liquidity, "market order on an empty book"};
    ref = opp.front().px;
  }
  auto value = notional(ref, o.qty);
  if (!value)
    return {error_code::invalid_order, "order value overflows"};
  if (*value < r.min_notional)
    return {error_code::below_min_notional, "order value " + value->to_string() + " below "
                                              + r.min_notional.to_string()};
  qty = o.qty;
  if (o.reduce_only) {
    const quantity cap = reducible(m, o.sd);
    if (cap.is_zero())
      return {error_code::reduce_only_violation, "reduce-only order would increase the position"};
    qty = std::min(qty, cap);
  }
  if (!is_market && o.tif == time_in_force::post_only) {
    const auto& opp = o.sd == side::buy ? m.asks : m.bids;
    if (!opp.empty() && crosses(o.sd, o.px, opp.front().px))
      return {error_code::post_only_would_cross, "post-only order at " + o.px.to_string()
                                                   + " would take " + opp.front().px.to_string()};
  }
  return {};
}

void matching_engine::reject(const order_intent& o, error_info err, timestamp_ns now,
                             std::vector<event>& out) const {
  out.emplace_back(order_reject{o.client_id, venue_, o.symbol, err.code,
                                std::move(err.message), now});
}

void matching_engine::fill(market& m, const std::string& client_id,
                           const std::string& order_id, side sd, price px, quantity qty,
                           quantity leaves, liquidity liq, timestamp_ns now,
                           std::vector<event>& out) {
  const ratio rate = liq == liquidity::maker ? m.rules.maker_fee : m.rules.taker_fee;
  auto value = notional(px, qty);
  auto fee = value ? apply(rate, *value) : expected<money>{value.error()};
  if (!fee)
    throw std::overflow_error("matching_engine: fee " + fee.error().message);
  m.ledger.apply_fill(sd, px, qty, *fee, now);
  order_fill f{client_id, order_id, venue_ + "-t" + std::to_string(next_fill_++),
               venue_, m.rules.symbol, sd, px, qty, leaves, *fee, liq, now};
  auto& e = entry(client_id);
  e.fills.push_back(m.fills.size());
  e.rec.filled += qty;
  m.fills.push_back(f);
  out.emplace_back(std::move(f));
  if (leaves.is_zero())
    close(client_id, order_record::status::filled, now);
}

matching_engine::order_entry& matching_engine::entry(const std::string& client_id) {
  return entries_.at(by_id_.at(client_id));
}

void matching_engine::close(const std::string& client_id, order_record::status st,
                            timestamp_ns now) {
  auto& rec = entry(client_id).rec;
  rec.st = st;
  rec.closed = now;
}

const order_record* matching_engine::order_of(std::string_view client_id) const {
  const auto it = by_id_.find(client_id);
  return it == by_id_.end() ? nullptr : &entries_[it->second].rec;
}

std::vector<order_fill> matching_engine::fills_of(std::string_view client_id) const {
  std::vector<order_fill> out;
  const auto it = by_id_.find(client_id);
  if (it == by_id_.end())
    return out;
  const auto& e = entries_[it->second];
  const auto& all = markets_[e.market].fills;
  out.reserve(e.fills.size());
  for (std::size_t k : e.fills)
    out.push_back(all[k]);
  return out;
}

bool matching_engine::submit(const order_intent& o, timestamp_ns now, std::vector<event>& out) {
  const std::size_t idx = find(o.symbol);
  if (idx == npos) {
    reject(o, {error_code::unknown_symbol, "unknown symbol " + o.symbol}, now, out);
    return false;
  }
  auto& m = markets_[idx];
  quantity leaves;
  if (auto err = validate(m, o, leaves)) {
    reject(o, std::move(err), now, out);
    return false;
  }
  const std::string order_id = venue_ + "-o" + std::to_string(next_order_);
  const uint64_t seq = next_order_++;
  const bool is_market = o.type == order_type::market;
  {
    order_entry e;
    e.rec = order_record{o.client_id, order_id, o.symbol, o.sd, o.tif, o.reduce_only,
                         is_market ? price{} : o.px, leaves, quantity{},
                         order_record::status::open, now, 0};
    e.market = idx;
    by_id_.emplace(o.client_id, entries_.size());
    entries_.push_back(std::move(e));
  }
  out.emplace_back(order_ack{o.client_id, order_id, venue_, o.symbol, now});

  const price limit = is_market ? (o.sd == side::buy ? price::max() : price::min()) : o.px;
  auto& book = o.sd == side::buy ? m.asks : m.bids;
  bool consumed = false;
  // Walk the depth: one taker fill per level, at that level's price.
  while (leaves.is_positive() && !book.empty() && crosses(o.sd, limit, book.front().px)) {
    const book_level lvl = book.front();
    const quantity q = std::min(leaves, lvl.qty);
    consume(book, o.sd, limit, q);
    consumed = true;
    leaves -= q;
    fill(m, o.client_id, order_id, o.sd, lvl.px, q, leaves, liquidity::taker, now, out);
  }
  if (leaves.is_positive()) {
    if (is_market || o.tif == time_in_force::ioc) {
      out.emplace_back(order_cancelled{o.client_id, venue_, o.symbol, leaves,
                                       is_market ? "market_remainder" : "ioc_remainder", now});
      close(o.client_id, order_record::status::cancelled, now);
    } else {
      m.orders.push_back(resting_order{o.client_id, order_id, o.sd, o.px, leaves,
                                       o.reduce_only, seq});
    }
  }
  return consumed;
}

void matching_engine::cancel(const cancel_request& c, timestamp_ns now,
                             std::vector<event>& out) {
  const std::size_t idx = find(c.symbol);
  if (idx != npos) {
    auto& orders = markets_[idx].orders;
    auto it = std::find_if(orders.begin(), orders.end(),
                           [&](const resting_order& r) { return r.client_id == c.client_id; });
    if (it != orders.end()) {
      out.emplace_back(order_cancelled{c.client_id, venue_, c.symbol, it->leaves, "cancelled", now});
      close(c.client_id, order_record::status::cancelled, now);
      orders.erase(it);
      return;
    }
  }
  out.emplace_back(order_reject{c.client_id, venue_, c.symbol, error_code::unknown_order,
                                "no open order " + c.client_id + " on " + c.symbol, now});
}

bool matching_engine::match_resting(std::size_t i, timestamp_ns now, std::vector<event>& out) {
  auto& m = markets_.at(i);
  if (m.orders.empty())
    return false;
  // Price-time priority per side: best price first, then arrival.
  std::vector<std::size_t> order(m.orders.size());
  for (std::size_t k = 0; k < order.size(); ++k)
    order[k] = k;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = m.orders[a];
    const auto& y = m.orders[b];
    if (x.sd != y.sd)
      return x.sd < y.sd;
    if (x.px != y.px)
      return x.sd == side::buy ? x.px > y.px : x.px < y.px;
    return x.seq < y.seq;
  });
  bool consumed = false;
  std::vector<bool> done(m.orders.size(), false);
  for (std::size_t k : order) {
    auto& o = m.orders[k];
    quantity cap = o.leaves;
    if (o.reduce_only) {
      cap = std::min(cap, reducible(m, o.sd));
      if (cap.is_zero()) {
        out.emplace_back(order_cancelled{o.client_id, venue_, m.rules.symbol, o.leaves,
                                         "reduce_only", now});
        close(o.client_id, order_record::status::cancelled, now);
        done[k] = true;
        continue;
      }
    }
    auto& book = o.sd == side::buy ? m.asks : m.bids;
    const quantity q = std::min(cap, available(book, o.sd, o.px));
    if (!q.is_positive())
      continue;
    consume(book, o.sd, o.px, q);
    consumed = true;
    o.leaves -= q;
    fill(m, o.client_id, o.venue_order_id, o.sd, o.px, q, o.leaves, liquidity::maker, now, out);
    // A reduce-only order outliving its position closes right away.
    if (o.reduce_only && o.leaves.is_positive() && reducible(m, o.sd).is_zero()) {
      out.emplace_back(order_cancelled{o.client_id, venue_, m.rules.symbol, o.leaves,
                                       "reduce_only", now});
      close(o.client_id, order_record::status::cancelled, now);
      o.leaves = quantity::zero();
    }
    done[k] = o.leaves.is_zero();
  }
  std::size_t w = 0;
  for (std::size_t k = 0; k < m.orders.size(); ++k) {
    if (done[k])
      continue;
    if (w != k) // self-move would empty the strings
      m.orders[w] = std::move(m.orders[k]);
    ++w;
  }
  m.orders.resize(w);
  return consumed;
}

money matching_engine::apply_funding(std::size_t i, price mark, ratio rate, timestamp_ns ts) {
  return markets_.at(i).ledger.apply_funding(mark, rate, ts);
}

namespace {

/// n of an id "<prefix><n>" (0 when it is not one).
uint64_t id_number(std::string_view id, std::string_view prefix) {
  if (!id.starts_with(prefix) || id.size() == prefix.size() || id.size() - prefix.size() > 19)
    return 0;
  uint64_t n = 0;
  for (char c : id.substr(prefix.size())) {
    if (c < '0' || c > '9')
      return 0;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

} // namespace

void matching_engine::restore_order(const order_record& rec, uint64_t seq) {
  const std::size_t idx = find(rec.symbol);
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument("sim venue " + venue_ + ", restore order " + rec.client_id
                                + ": " + what);
  };
  if (idx == npos)
    fail("unknown symbol " + rec.symbol);
  if (rec.client_id.empty() || by_id_.find(rec.client_id) != by_id_.end())
    fail("client id empty or already known");
  if (!rec.qty.is_positive() || seq == 0)
    fail("quantity and arrival number must be positive");
  order_entry e;
  e.rec = rec;
  e.rec.filled = quantity{};
  e.rec.st = order_record::status::open;
  e.rec.closed = 0;
  e.market = idx;
  by_id_.emplace(rec.client_id, entries_.size());
  entries_.push_back(std::move(e));
  next_order_ = std::max(next_order_, seq + 1);
  if (rec.px.is_positive() && rec.tif != time_in_force::ioc)
    markets_[idx].orders.push_back(resting_order{rec.client_id, rec.venue_order_id, rec.sd,
                                                 rec.px, rec.qty, rec.reduce_only, seq});
}

void matching_engine::restore_fill(const order_fill& f) {
  const auto it = by_id_.find(f.client_id);
  if (it == by_id_.end() || entries_[it->second].rec.symbol != f.symbol
      || entries_[it->second].rec.st != order_record::status::open)
    throw std::invalid_argument("sim venue " + venue_ + ", restore fill " + f.fill_id
                                + ": no open order " + f.client_id + " on " + f.symbol);
  auto& e = entries_[it->second];
  auto& m = markets_[e.market];
  m.ledger.apply_fill(f.sd, f.px, f.qty, f.fee, f.ts);
  e.fills.push_back(m.fills.size());
  e.rec.filled += f.qty;
  m.fills.push_back(f);
  const uint64_t n = id_number(f.fill_id, venue_ + "-t");
  next_fill_ = std::max(next_fill_, (n != 0 ? n : next_fill_) + 1);
  auto rest = std::find_if(m.orders.begin(), m.orders.end(),
                           [&](const resting_order& r) { return r.client_id == f.client_id; });
  if (rest != m.orders.end())
    rest->leaves = f.leaves_qty;
  if (f.leaves_qty.is_zero()) {
    if (rest != m.orders.end())
      m.orders.erase(rest);
    close(f.client_id, order_record::status::filled, f.ts);
  }
}

void matching_engine::restore_close(std::string_view client_id, timestamp_ns ts) {
  const auto it = by_id_.find(client_id);
  if (it == by_id_.end() || entries_[it->second].rec.st != order_record::status::open)
    throw std::invalid_argument("sim venue " + venue_ + ": restore close of "
                                + std::string{client_id} + ", not an open order");
  auto& e = entries_[it->second];
  auto& orders = markets_[e.market].orders;
  std::erase_if(orders, [&](const resting_order& r) { return r.client_id == client_id; });
  e.rec.st = order_record::status::cancelled;
  e.rec.closed = ts;
}

} // namespace xarb::sim
