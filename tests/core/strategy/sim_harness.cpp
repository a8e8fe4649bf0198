#include "tests/core/strategy/sim_harness.hpp"

#include <stdexcept>
#include <type_traits>

namespace xarb::test {

sim::world_config two_venue_world(uint64_t seed) {
  sim::world_config w;
  w.seed = seed;
  w.step_ms = 100;
  sim::symbol_config btc;
  btc.symbol = "BTC-PERP";
  btc.base = "BTC";
  btc.start_price = price::from_string("65000").value();
  btc.vol_per_sqrt_s = 0.5e-4;
  btc.level_qty = quantity::from_string("0.8").value();
  w.symbols = {btc};
  sim::venue_config a;
  a.name = "va";
  a.tick_scale = price::from_string("0.00001").value();
  a.maker_fee = ratio::from_string("0.0002").value();
  a.taker_fee = ratio::from_string("0.0005").value();
  a.latency_ms = 5;
  a.update_hz = 20;
  a.basis_vol_bps = 0.5;
  a.dislocation_per_hour = 0;
  a.half_spread_bps = 0.5;
  a.level_step_bps = 1;
  a.lot_decimals = 3;
  a.native_format = "{base}USDT";
  sim::venue_config b = a;
  b.name = "vb";
  b.tick_scale = price::from_string("0.000001").value();
  b.maker_fee = ratio::from_string("-0.00005").value();
  b.taker_fee = ratio::from_string("0.0004").value();
  b.latency_ms = 10;
  b.update_hz = 10;
  b.lot_decimals = 2;
  b.native_format = "{base}-USDT-SWAP";
  w.venues = {a, b};
  return w;
}

sim_harness::sim_harness(harness_config cfg) : cfg_(std::move(cfg)), chaos_(cfg_.chaos_seed) {
  cfg_.world.start_ts = cfg_.t0;
  venues_[0] = std::make_unique<sim::venue>(cfg_.world, cfg_.venue_a);
  venues_[1] = std::make_unique<sim::venue>(cfg_.world, cfg_.venue_b);
  strategy::engine_config ec;
  ec.node = "test";
  ec.symbol = cfg_.symbol;
  ec.venue_a = cfg_.venue_a;
  ec.venue_b = cfg_.venue_b;
  ec.params = cfg_.params;
  ec.epoch = 1;
  ec.require_permit = cfg_.require_permit;
  engine_ = std::make_unique<strategy::pair_engine>(ec);
  for (int leg = 0; leg < 2; ++leg)
    for (auto& spec : venues_[leg]->instruments())
      if (spec.symbol == cfg_.symbol)
        if (auto err = engine_->set_rules(leg, spec))
          throw std::runtime_error("set_rules: " + err.message);
  now_ = cfg_.t0;
  next_timer_ = cfg_.t0;
}

timestamp_ns sim_harness::delay(timestamp_ns base) {
  if (cfg_.spike_probability > 0 && chaos_.uniform() < cfg_.spike_probability)
    return base + cfg_.spike_ns;
  return base;
}

void sim_harness::feed(int leg, sim::event& ev) {
  auto& e = *engine_;
  std::visit(
    [&](auto& x) {
      using T = std::decay_t<decltype(x)>;
      if constexpr (std::is_same_v<T, book_snapshot>) {
        if (x.symbol != cfg_.symbol)
          return;
        e.book(leg).apply(x);
        e.on_book(leg, x.recv_ts, now_, out_);
      } else if constexpr (std::is_same_v<T, book_delta>) {
        if (x.symbol != cfg_.symbol)
          return;
        if (e.book(leg).apply(x) != error_code::none) {
          // Gap: resync from the venue's snapshot, as a venue session does.
          auto snap = venues_[leg]->snapshot(cfg_.symbol);
          e.book(leg).apply(snap);
        }
        e.on_book(leg, now_, now_, out_);
      } else if constexpr (std::is_same_v<T, funding_rate>) {
        e.on_funding_rate(x);
      } else if constexpr (std::is_same_v<T, funding_payment>) {
        e.on_funding_payment(x, out_);
      } else if constexpr (std::is_same_v<T, order_ack>) {
        e.on_ack(x, now_, out_);
      } else if constexpr (std::is_same_v<T, order_fill>) {
        e.on_fill(x, now_, out_);
      } else if constexpr (std::is_same_v<T, order_reject>) {
        e.on_reject(x, now_, out_);
      } else if constexpr (std::is_same_v<T, order_cancelled>) {
        e.on_cancelled(x, now_, out_);
      }
    },
    ev);
  drain_output();
}

void sim_harness::drain_output() {
  for (auto& o : out_.orders) {
    int leg = engine_->leg_of(o.venue);
    auto& q = to_venue_[leg];
    timestamp_ns at = delay(now_ + cfg_.order_latency_ns);
    if (!q.empty() && q.back().at > at)
      at = q.back().at; // FIFO per connection
    q.push_back(in_flight_out{at, leg, o});
  }
  for (auto& c : out_.cancels) {
    int leg = engine_->leg_of(c.venue);
    auto& q = to_venue_[leg];
    timestamp_ns at = delay(now_ + cfg_.order_latency_ns);
    if (!q.empty() && q.back().at > at)
      at = q.back().at;
    q.push_back(in_flight_out{at, leg, c});
  }
  for (auto& u : out_.updates)
    updates_.push_back(std::move(u));
  for (auto& ev : out_.events)
    events_.push_back(std::move(ev));
  out_.clear();
}

void sim_harness::step() {
  now_ += cfg_.step_ns;
  // 1. Market data and maker fills (already delayed by the venue).
  for (int leg = 0; leg < 2; ++leg) {
    scratch_.clear();
    venues_[leg]->advance(now_, scratch_);
    for (auto& ev : scratch_)
      feed(leg, ev);
  }
  // 2. Orders and cancels reaching the venues.
  for (int leg = 0; leg < 2; ++leg) {
    auto& q = to_venue_[leg];
    while (!q.empty() && q.front().at <= now_) {
      auto msg = std::move(q.front().msg);
      q.pop_front();
      scratch_.clear();
      if (auto* o = std::get_if<order_intent>(&msg)) {
        const bool refuse = cfg_.reject_all.count(o->venue) > 0
                            || (cfg_.reject_probability > 0
                                && chaos_.uniform() < cfg_.reject_probability);
        if (refuse) {
          ++injected_rejects_;
          scratch_.push_back(order_reject{o->client_id, o->venue, o->symbol,
                                          error_code::rate_limited, "injected", now_});
        } else {
          delivered_.push_back(*o);
          venues_[leg]->submit(*o, now_, scratch_);
        }
      } else {
        ++cancels_delivered_;
        venues_[leg]->cancel(std::get<cancel_request>(msg), now_, scratch_);
      }
      auto& back = to_engine_[leg];
      for (auto& ev : scratch_) {
        timestamp_ns at = delay(now_ + cfg_.report_latency_ns);
        if (!back.empty() && back.back().at > at)
          at = back.back().at;
        back.push_back(in_flight_in{at, std::move(ev)});
      }
    }
  }
  // 3. Answers reaching the engine.
  for (int leg = 0; leg < 2; ++leg) {
    auto& q = to_engine_[leg];
    while (!q.empty() && q.front().at <= now_) {
      auto ev = std::move(q.front().ev);
      q.pop_front();
      feed(leg, ev);
    }
  }
  // 4. The engine's timer.
  if (now_ >= next_timer_) {
    next_timer_ = now_ + cfg_.timer_ns;
    engine_->on_timer(now_, out_);
    drain_output();
  }
}

void sim_harness::run_until(timestamp_ns until, const std::function<void()>& each_step) {
  while (now_ < until) {
    step();
    if (each_step)
      each_step();
  }
}

bool sim_harness::settle(timestamp_ns limit) {
  engine_->set_enabled(false, now_, out_);
  drain_output();
  const timestamp_ns end = now_ + limit;
  auto quiet = [&] {
    return to_venue_[0].empty() && to_venue_[1].empty() && to_engine_[0].empty()
           && to_engine_[1].empty() && engine_->working_orders(now_) == 0
           && venues_[0]->open_orders(cfg_.symbol).empty()
           && venues_[1]->open_orders(cfg_.symbol).empty();
  };
  while (now_ < end) {
    step();
    if (!quiet())
      continue;
    // Maker fills travel with market data: give the slowest feed time to
    // deliver anything generated before the last order closed.
    run_for(500'000'000);
    if (quiet())
      return true;
  }
  return false;
}

std::size_t sim_harness::count_events(const std::string& needle) const {
  std::size_t n = 0;
  for (auto& e : events_)
    if (e.text.find(needle) != std::string::npos)
      ++n;
  return n;
}

strategy::pair_params scenario_params() {
  using strategy::signal_model;
  strategy::pair_params p;
  p.signal.model = signal_model::zscore;
  p.signal.window = 120;                 // 30 s of 250 ms samples
  p.signal.sample_interval_ns = 250'000'000;
  p.signal.z_entry = 3;
  p.signal.z_exit = 0.5;
  p.order_notional = money::from_units(6500); // 0.1 BTC
  p.max_tranches = 3;
  p.max_position_notional = money::from_units(20000);
  p.min_profit_bps = 2;
  p.stop_loss_bps = 0;
  p.take_profit_bps = 0;
  p.hard_delta_notional = money::from_units(30000);
  return p;
}

std::string sim_harness::accounting_mismatch() {
  return test::accounting_mismatch(*engine_, *venues_[0], *venues_[1], cfg_.symbol);
}

std::string accounting_mismatch(const strategy::pair_engine& engine,
                                const sim::venue& venue_a, const sim::venue& venue_b,
                                const std::string& symbol) {
  std::string out;
  for (int leg = 0; leg < 2; ++leg) {
    const auto& mine = engine.ledger(leg).get();
    const auto venue = (leg == 0 ? venue_a : venue_b).position_of(symbol);
    auto check = [&](const char* what, int64_t a, int64_t b) {
      if (a != b)
        out += "leg " + std::to_string(leg) + " " + what + ": engine " + std::to_string(a)
               + " venue " + std::to_string(b) + " (raw)\n";
    };
    check("qty", mine.qty.raw(), venue.qty.raw());
    check("realized_pnl", mine.realized_pnl.raw(), venue.realized_pnl.raw());
    check("fees", mine.fees.raw(), venue.fees.raw());
    check("funding", mine.funding.raw(), venue.funding.raw());
    check("avg_entry", mine.avg_entry.raw(), venue.avg_entry.raw());
  }
  return out;
}

void sim_harness::set_basis(int leg, double ou_bps, double dislocation_bps) {
  venues_[leg]->set_basis(cfg_.symbol, ou_bps, dislocation_bps);
}

void sim_harness::act(const action& f) {
  f(*engine_, now_, out_);
  drain_output();
}

void sim_harness::set_permit(const risk_permit& p) {
  act([&](strategy::pair_engine& e, timestamp_ns now, strategy::engine_output& out) {
    e.set_permit(p, now, out);
  });
}

std::size_t sim_harness::orders_sent(order_purpose p, timestamp_ns since) const {
  std::size_t n = 0;
  for (const auto& u : updates_)
    if (u.purpose == p && u.to == order_state::sent && u.ts >= since)
      ++n;
  return n;
}

std::size_t sim_harness::venue_open_orders() const {
  return venues_[0]->open_orders(cfg_.symbol).size() + venues_[1]->open_orders(cfg_.symbol).size();
}

} // namespace xarb::test
