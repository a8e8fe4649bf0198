#include "venues/sim/sim_venue.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <stdexcept>

#include "venues/sim/world_generator.hpp"

namespace xarb::sim {

namespace {

constexpr int64_t ns_per_s = 1'000'000'000;
/// A real exchange counts 429s towards a ban over a minute.
constexpr int64_t ban_window_ns = 60 * ns_per_s;

const venue_config& find_venue(const world_config& cfg, const std::string& name) {
  std::string known;
  for (const auto& v : cfg.venues) {
    if (v.name == name)
      return v;
    known += (known.empty() ? "" : ", ") + v.name;
  }
  throw std::invalid_argument("unknown sim venue '" + name + "' (configured: "
                              + (known.empty() ? "none" : known) + ")");
}

void require(bool ok, const std::string& venue, const std::string& what) {
  if (!ok)
    throw std::invalid_argument("sim venue " + venue + ": " + what);
}

int64_t pow10_raw(int exp) { // 10^exp in nanos, exp in [-9, 9]
  int64_t v = 1;
  for (int k = 0; k < exp + decimal_places; ++k)
    v *= 10;
  return v;
}

/// native tick = native start x tick_scale rounded down to a power of ten.
price native_tick(price native_start, price tick_scale) {
  auto v = multiply(native_start, tick_scale, rounding::down);
  const int64_t raw = v ? v->raw() : 0;
  int64_t p = 1;
  while (raw / 10 >= p)
    p *= 10;
  return price::from_raw(p);
}

std::string native_name(const venue_config& v, const std::string& base) {
  std::string out = v.native_format;
  const std::string key = "{base}";
  if (auto pos = out.find(key); pos != std::string::npos)
    out.replace(pos, key.size(), base);
  return out;
}

} // namespace

venue::venue(const world_config& cfg, std::string name)
  : cfg_(find_venue(cfg, name)),
    name_(std::move(name)),
    start_ts_(cfg.start_ts),
    engine_(name_),
    model_(cfg, cfg_),
    wire_(mix_seed(cfg.seed ^ fnv1a(name_), fnv1a("wire"))),
    faults_(mix_seed(cfg.seed ^ fnv1a(name_), fnv1a("faults"))) {
  const auto symbols = world_symbols(cfg);
  require(!symbols.empty(), name_, "no symbols configured");
  require(model_.size() > 0, name_, "lists none of the world's symbols");
  require(cfg.step_ms > 0, name_, "step_ms must be > 0");
  require(cfg_.update_hz > 0 && cfg_.update_hz <= 1000, name_, "update_hz must be in (0, 1000]");
  require(cfg_.levels >= 1, name_, "levels must be >= 1");
  require(cfg_.latency_ms >= 0, name_, "latency_ms must be >= 0");
  require(cfg_.funding_interval_s > 0 && cfg_.funding_update_s > 0, name_,
          "funding intervals must be > 0");
  require(cfg_.tick_scale.is_positive(), name_, "tick_scale must be > 0");
  require(cfg_.half_spread_bps >= 0 && cfg_.level_step_bps >= 0, name_,
          "spreads must be >= 0");
  require(cfg_.gap_probability >= 0 && cfg_.gap_probability <= 1
            && cfg_.corrupt_probability >= 0 && cfg_.corrupt_probability <= 1,
          name_, "gap_probability and corrupt_probability must be in [0, 1]");
  require(cfg_.rate_limit_orders_per_s >= 0 && cfg_.rate_limit_burst >= 0
            && cfg_.ban_after_429 >= 0, name_,
          "rate_limit_orders_per_s, rate_limit_burst and ban_after_429 must be >= 0");
  require(cfg_.ban_after_429 == 0 || cfg_.ban_s > 0, name_, "ban_s must be > 0");
  require(cfg_.max_leverage >= 0, name_, "max_leverage must be >= 0 (0 = not published)");
  require(cfg_.listing_ratio >= 0 && cfg_.listing_ratio <= 1, name_,
          "listing_ratio must be in [0, 1]");
  for (const auto& u : cfg_.unlisted)
    require(std::any_of(symbols.begin(), symbols.end(),
                        [&](const symbol_config& s) { return s.symbol == u; }),
            name_, "unlisted symbol '" + u + "' is not a symbol of the world");
  step_ns_ = int64_t{cfg.step_ms} * 1'000'000;
  latency_ns_ = int64_t{cfg_.latency_ms} * 1'000'000;
  period_ns_ = std::max<int64_t>(1, std::llround(1e9 / cfg_.update_hz));
  rate_period_ns_ = int64_t{cfg_.funding_update_s} * ns_per_s;
  interval_ns_ = int64_t{cfg_.funding_interval_s} * ns_per_s;

  const uint64_t venue_seed = cfg.seed ^ fnv1a(name_);
  world_size_ = symbols.size();
  for (std::size_t i = 0; i < model_.size(); ++i) {
    const std::size_t world = model_.world_index(i);
    const auto& s = symbols[world];
    require(s.start_price.is_positive(), name_, s.symbol + ": start_price must be > 0");
    std::string native = native_name(cfg_, s.base);
    ratio mult = cfg_.multiplier;
    for (const auto& o : cfg_.contracts) {
      if (o.symbol != s.symbol)
        continue;
      mult = o.multiplier;
      if (!o.native_symbol.empty())
        native = o.native_symbol;
    }
    require(mult.is_positive(), name_, s.symbol + ": multiplier must be > 0");
    // native price = canonical price x multiplier (canonical = native / mult).
    auto native_start = multiply(s.start_price, mult, rounding::nearest);
    require(native_start && native_start->is_positive(), name_,
            s.symbol + ": start price does not fit the native contract");
    const int lot_exp = -(cfg_.lot_decimals + s.lot_decimals_adjust);
    require(lot_exp >= -decimal_places && lot_exp <= 9, name_,
            s.symbol + ": lot must be within 1e-9 .. 1e9");

    instrument_spec spec;
    spec.venue = name_;
    spec.native_symbol = native;
    spec.symbol = s.symbol;
    spec.base = s.base;
    spec.quote = cfg_.quote;
    spec.multiplier = mult;
    spec.tick = native_tick(*native_start, cfg_.tick_scale);
    spec.lot = quantity::from_raw(pow10_raw(lot_exp));
    spec.min_qty = spec.lot;
    spec.min_notional = money::from_raw(cfg_.min_notional.raw());
    spec.maker_fee = cfg_.maker_fee;
    spec.taker_fee = cfg_.taker_fee;
    spec.max_leverage = cfg_.max_leverage;
    spec.funding_interval_s = cfg_.funding_interval_s;
    const std::size_t idx = engine_.add_market(market_rules{
      s.symbol, mult, spec.tick, spec.lot, spec.min_qty, spec.min_notional,
      spec.maker_fee, spec.taker_fee});
    instruments_.push_back(std::move(spec));

    symbol_state st;
    st.world = world;
    st.quote.tick = engine_.tick(idx);
    st.quote.lot = engine_.lot(idx);
    const double ticks = s.start_price.to_double() * cfg_.level_step_bps / 1e4
                         / st.quote.tick.to_double();
    st.quote.step = st.quote.tick * std::max<int64_t>(1, std::llround(ticks));
    st.quote.level_qty = s.level_qty;
    st.quote.levels = cfg_.levels;
    st.quote.half_spread_bps = cfg_.half_spread_bps;
    st.sizes = rng(mix_seed(venue_seed, fnv1a("sizes"), world));
    syms_.push_back(std::move(st));
  }
}

std::size_t venue::index(std::string_view symbol) const {
  const std::size_t i = engine_.find(symbol);
  if (i == matching_engine::npos)
    throw std::invalid_argument("sim venue " + name_ + ": unknown symbol '"
                                + std::string{symbol} + "'");
  return i;
}

// -- time -------------------------------------------------------------------

void venue::ensure_started(timestamp_ns now) {
  if (started_)
    return;
  if (start_ts_ == 0)
    start(now, now);
  else if (now >= start_ts_)
    start(start_ts_, now);
}

// The fair path is anchored at `t0` (shared by every venue of the world) but
// publication starts at `at`: a venue created late (a restarted session)
// joins the same market at the current time instead of replaying, and
// flooding its client with, every update since t0.
void venue::start(timestamp_ns t0, timestamp_ns at) {
  started_ = true;
  t0_ = t0;
  started_at_ = at;
  gen_ts_ = at;
  const auto n = static_cast<int64_t>(world_size_);
  book_heap_.clear();
  book_heap_.reserve(syms_.size());
  for (std::size_t i = 0; i < syms_.size(); ++i) {
    auto& st = syms_[i];
    rebuild(i);
    st.pub_bids = engine_.bids(i);
    st.pub_asks = engine_.asks(i);
    st.seq = 1;
    emit(at, snapshot(instruments_[i].symbol));
    // Stagger symbols across the first period so updates interleave; by
    // world index, so a symbol updates at the same times whatever is listed.
    book_heap_.emplace_back(at + period_ns_ * (static_cast<int64_t>(st.world) + 1) / n, i);
  }
  std::make_heap(book_heap_.begin(), book_heap_.end(), std::greater<>{});
  // Funding times are wall-clock aligned, like 00:00/08:00/16:00 UTC.
  next_settle_ts_ = (at / interval_ns_ + 1) * interval_ns_;
  next_rate_ts_ = at + rate_period_ns_;
  refresh_rates(at, true);
}

void venue::generate(timestamp_ns now) {
  ensure_started(now);
  if (!started_ || now <= gen_ts_)
    return;
  for (;;) {
    // Ties at one timestamp: settlement, then rate refresh, then books
    // (lowest index first: the heap's order). O(log n) per book update.
    const timestamp_ns t_book = book_heap_.front().first;
    const timestamp_ns t = std::min({next_settle_ts_, next_rate_ts_, t_book});
    if (t > now)
      break;
    gen_ts_ = t;
    if (t == next_settle_ts_) {
      settle_funding(t);
    } else if (t == next_rate_ts_) {
      refresh_rates(t, false);
      next_rate_ts_ += rate_period_ns_;
    } else {
      std::pop_heap(book_heap_.begin(), book_heap_.end(), std::greater<>{});
      auto& next = book_heap_.back();
      book_update(next.second, t);
      next.first += period_ns_;
      std::push_heap(book_heap_.begin(), book_heap_.end(), std::greater<>{});
    }
  }
  gen_ts_ = now;
}

void venue::advance(timestamp_ns now, std::vector<event>& out) {
  generate(now);
  if (stalled_)
    return; // the exchange runs on; nothing reaches the client
  while (!pending_.empty() && pending_.front().first <= now) {
    out.push_back(std::move(pending_.front().second));
    pending_.pop_front();
  }
}

// -- market data --------------------------------------------------------------

void venue::rebuild(std::size_t i) {
  model_.advance_to((gen_ts_ - t0_) / step_ns_);
  auto& st = syms_[i];
  const auto [bid, ask] = touch_prices(model_.mid(i), st.quote);
  rebuild_side(engine_.bids(i), book_side::bid, bid, st.quote, st.sizes);
  rebuild_side(engine_.asks(i), book_side::ask, ask, st.quote, st.sizes);
}

void venue::book_update(std::size_t i, timestamp_ns t) {
  rebuild(i);
  scratch_.clear();
  engine_.match_resting(i, t, scratch_);
  for (auto& e : scratch_)
    emit(t, std::move(e));
  publish(i, t);
}

void venue::publish(std::size_t i, timestamp_ns t) {
  auto& st = syms_[i];
  book_delta d;
  diff_side(st.pub_bids, engine_.bids(i), book_side::bid, d.bids);
  diff_side(st.pub_asks, engine_.asks(i), book_side::ask, d.asks);
  if (d.bids.empty() && d.asks.empty())
    return;
  st.pub_bids = engine_.bids(i);
  st.pub_asks = engine_.asks(i);
  d.prev_seq = st.seq;
  d.first_seq = d.seq = ++st.seq;
  if (cfg_.gap_probability > 0 && wire_.uniform() < cfg_.gap_probability)
    return; // lost on the wire: the client sees a gap and must resync
  // A forced corruption waits for a delta it can corrupt (one with a
  // nonzero level); a random one that finds none is simply not done.
  if ((st.corrupt_next
       || (cfg_.corrupt_probability > 0 && faults_.uniform() < cfg_.corrupt_probability))
      && corrupt(i, d)) {
    st.corrupt_next = false;
    ++corrupted_;
  }
  d.venue = name_;
  d.symbol = instruments_[i].symbol;
  d.exchange_ts = t;
  emit(t, std::move(d));
}

// Only the published copy is altered, never pub_bids/pub_asks: the exchange
// (snapshot()) stays right while the client's book drifts. Growing a level by
// whole lots keeps it on the lot and positive, so nothing in the client's
// validation (sequence, crossed book) can notice.
bool venue::corrupt(std::size_t i, book_delta& d) {
  const bool bids_first = (faults_.next() & 1) == 0;
  const int64_t lots = 1 + static_cast<int64_t>(faults_.next() % 3);
  for (int k = 0; k < 2; ++k) {
    auto& levels = (k == 0) == bids_first ? d.bids : d.asks;
    for (auto& l : levels) {
      if (l.qty.is_positive()) { // best-first: the best changed level
        l.qty = l.qty + syms_[i].quote.lot * lots;
        return true;
      }
    }
  }
  return false;
}

void venue::corrupt_next(std::string_view symbol) {
  syms_[index(symbol)].corrupt_next = true;
}

book_snapshot venue::snapshot(std::string_view symbol) const {
  const std::size_t i = index(symbol);
  const auto& st = syms_[i];
  return book_snapshot{name_, instruments_[i].symbol, st.seq, gen_ts_, gen_ts_ + latency_ns_,
                       st.pub_bids, st.pub_asks};
}

// -- funding ------------------------------------------------------------------

funding_rate venue::rate_message(std::size_t i, timestamp_ns t) const {
  return funding_rate{name_, instruments_[i].symbol, syms_[i].rate, cfg_.funding_interval_s,
                      next_settle_ts_, t};
}

void venue::refresh_rates(timestamp_ns t, bool force) {
  model_.advance_to((t - t0_) / step_ns_);
  for (std::size_t i = 0; i < syms_.size(); ++i) {
    double bps = cfg_.funding_bias_bps + cfg_.funding_basis_weight * model_.basis_bps(i);
    bps = std::clamp(bps, -75.0, 75.0);
    // 0.01 bp = 1e-6 = 1000 nanos: exact and comparable.
    const ratio rate = ratio::from_raw(std::llround(bps * 100.0) * 1000);
    if (!force && rate == syms_[i].rate)
      continue;
    syms_[i].rate = rate;
    emit(t, rate_message(i, t));
  }
}

void venue::settle_funding(timestamp_ns t) {
  for (std::size_t i = 0; i < syms_.size(); ++i) {
    const auto& bids = engine_.bids(i);
    const auto& asks = engine_.asks(i);
    if (!bids.empty() && !asks.empty()) {
      // Mark = book mid (rounded toward the bid when odd in nanos).
      const price mark = price::from_raw(std::midpoint(bids.front().px.raw(),
                                                       asks.front().px.raw()));
      const quantity settled = engine_.position_of(i).qty;
      const money amount = engine_.apply_funding(i, mark, syms_[i].rate, t);
      // The venue's booking of it, as a real venue reports funding income.
      if (!settled.is_zero()) {
        funding_payment p{name_, instruments_[i].symbol, settled, mark, syms_[i].rate,
                          amount, t};
        syms_[i].payments.push_back(p);
        emit(t, std::move(p));
      }
    }
  }
  next_settle_ts_ += interval_ns_;
  for (std::size_t i = 0; i < syms_.size(); ++i)
    emit(t, rate_message(i, t));
}

// -- orders -------------------------------------------------------------------

void venue::submit(const order_intent& o, timestamp_ns now, std::vector<event>& out) {
  ++requests_;
  generate(now);
  const timestamp_ns t = std::max(now, gen_ts_);
  if (!admit(o.client_id, o.symbol, t, out))
    return;
  if (!o.venue.empty() && o.venue != name_) {
    out.emplace_back(order_reject{o.client_id, o.venue, o.symbol, error_code::unknown_venue,
                                  "order for " + o.venue + " sent to " + name_, t});
    return;
  }
  if (engine_.submit(o, t, out))
    publish(engine_.find(o.symbol), t);
}

void venue::cancel(const cancel_request& c, timestamp_ns now, std::vector<event>& out) {
  ++requests_;
  generate(now);
  const timestamp_ns t = std::max(now, gen_ts_);
  if (!admit(c.client_id, c.symbol, t, out))
    return;
  engine_.cancel(c, t, out);
}

// A request over the limit takes no token (Binance answers 429 without
// counting it against the order budget) and changes nothing; during a ban
// nothing is counted at all.
bool venue::admit(const std::string& client_id, const std::string& symbol, timestamp_ns t,
                  std::vector<event>& out) {
  if (t < banned_until_) {
    out.emplace_back(order_reject{client_id, name_, symbol, error_code::rate_limited,
                                  "HTTP 418 banned until " + std::to_string(banned_until_)
                                    + " (too many requests after 429)",
                                  t});
    return false;
  }
  if (cfg_.rate_limit_orders_per_s <= 0)
    return true;
  const int64_t per_s = cfg_.rate_limit_orders_per_s;
  const int64_t burst = cfg_.rate_limit_burst > 0 ? cfg_.rate_limit_burst : per_s;
  if (!limit_)
    limit_.emplace(token_bucket::per_second(burst, per_s, t));
  if (limit_->try_take(1, t))
    return true;
  ++sent_429_;
  std::string reason = "HTTP 429 too many requests (limit " + std::to_string(per_s)
                       + "/s, burst " + std::to_string(burst) + ")";
  if (cfg_.ban_after_429 > 0) {
    while (!recent_429_.empty() && recent_429_.front() <= t - ban_window_ns)
      recent_429_.pop_front();
    recent_429_.push_back(t);
    if (static_cast<int64_t>(recent_429_.size()) >= cfg_.ban_after_429) {
      banned_until_ = t + int64_t{cfg_.ban_s} * ns_per_s;
      recent_429_.clear();
      reason += "; banned until " + std::to_string(banned_until_);
    }
  }
  out.emplace_back(order_reject{client_id, name_, symbol, error_code::rate_limited,
                                std::move(reason), t});
  return false;
}

void venue::emit(timestamp_ns exchange_ts, event e) {
  const timestamp_ns release = exchange_ts + latency_ns_;
  if (auto* s = std::get_if<book_snapshot>(&e))
    s->recv_ts = release;
  else if (auto* d = std::get_if<book_delta>(&e))
    d->recv_ts = release;
  pending_.emplace_back(release, std::move(e));
}

// -- queries ------------------------------------------------------------------

position venue::position_of(std::string_view symbol) const {
  return engine_.position_of(index(symbol));
}

double venue::fair_mid(std::string_view symbol) const { return model_.fair(index(symbol)); }

void venue::set_basis(std::string_view symbol, double ou_bps, double dislocation_bps) {
  model_.basis(index(symbol)).reset(ou_bps, dislocation_bps);
}

double venue::basis_bps(std::string_view symbol) const {
  return model_.basis_bps(index(symbol));
}

const std::vector<order_fill>& venue::fills(std::string_view symbol) const {
  return engine_.fills(index(symbol));
}

const std::vector<funding_payment>& venue::funding_payments(std::string_view symbol) const {
  return syms_[index(symbol)].payments;
}

const std::vector<resting_order>& venue::open_orders(std::string_view symbol) const {
  return engine_.open_orders(index(symbol));
}

const quote_params& venue::quote_rules(std::string_view symbol) const {
  return syms_[index(symbol)].quote;
}

} // namespace xarb::sim
