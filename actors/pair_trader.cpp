#include "actors/pair_trader.hpp"

#include <array>
#include <stdexcept>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/clock.hpp"
#include "actors/exception_logging.hpp"
#include "actors/name_registry.hpp"
#include "core/order_book.hpp"
#include "core/rolling_stats.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "monitoring/logging.hpp"

namespace xarb {

namespace {

struct leg {
  std::string venue;
  std::string session_name;
  venue_session_actor session;
  order_book book;
  health_state venue_state = health_state::starting;
  timestamp_ns recv_ts = 0;
};

struct pair_trader_state {
  static inline const char* name = "pair_trader";

  pair_config cfg;
  actor_services svc;
  std::string id;
  std::array<leg, 2> legs;
  rolling_stats stats_ab{1};
  rolling_stats stats_ba{1};
  timestamp_ns last_sample = 0;
  spread_update last;
  timestamp_ns published_at = 0;
  bool published_valid = false;
  bool published_once = false;
  std::shared_ptr<spdlog::logger> log;
  prometheus::Counter* processed = nullptr;
  prometheus::Histogram* tick_to_decision = nullptr;
  prometheus::Gauge* gauge_ab = nullptr;
  prometheus::Gauge* gauge_ba = nullptr;
};

using self_ptr = pair_trader_actor::stateful_pointer<pair_trader_state>;

/// Floor for the standard deviation in z-scores: a flat spread must not turn
/// a 0.01 bp wiggle into a huge z.
constexpr double min_std_bps = 0.05;

price mid_of(const order_book& b) {
  auto bid = b.best_bid();
  auto ask = b.best_ask();
  return price::from_raw(bid->px.raw() / 2 + ask->px.raw() / 2
                         + (bid->px.raw() % 2 + ask->px.raw() % 2) / 2);
}

bool leg_usable(const leg& l, timestamp_ns now, int64_t max_age) {
  return l.session && l.book.synced() && l.book.best_bid() && l.book.best_ask()
         && now - l.recv_ts <= max_age;
}

/// The status board and gauges get the spread at most every
/// publish_interval_ns (and at once when it turns valid or invalid): a mutex
/// and string copies stay off the per-update path.
constexpr int64_t publish_interval_ns = 100'000'000;

void publish(self_ptr self) {
  auto& st = self->state;
  if (st.published_once && st.last.valid == st.published_valid
      && st.last.ts - st.published_at < publish_interval_ns)
    return;
  st.published_once = true;
  st.published_valid = st.last.valid;
  st.published_at = st.last.ts;
  if (st.svc.board)
    st.svc.board->set_pair(st.last);
  if (st.gauge_ab) {
    st.gauge_ab->Set(st.last.valid ? st.last.spread_ab.to_double() : 0.0);
    st.gauge_ba->Set(st.last.valid ? st.last.spread_ba.to_double() : 0.0);
  }
}

void invalidate(self_ptr self, timestamp_ns now) {
  auto& st = self->state;
  if (!st.last.valid)
    return;
  st.last.valid = false;
  st.last.ts = now;
  publish(self);
}

/// The hot path: called after every book update of either leg.
void recompute(self_ptr self, timestamp_ns tick_ts) {
  auto& st = self->state;
  auto now = st.cfg.clock();
  auto& a = st.legs[0];
  auto& b = st.legs[1];
  if (!leg_usable(a, now, st.cfg.max_book_age_ns)
      || !leg_usable(b, now, st.cfg.max_book_age_ns)) {
    invalidate(self, now);
    return;
  }
  auto mid_a = mid_of(a.book);
  auto mid_b = mid_of(b.book);
  auto mid = price::from_raw(mid_a.raw() / 2 + mid_b.raw() / 2);
  auto size = divide_by(st.cfg.order_notional, mid, rounding::down);
  if (!size || size->is_zero()) {
    invalidate(self, now);
    return;
  }
  auto qty = quantity::from_raw(size->raw());
  auto sell_a = a.book.estimate(side::sell, qty);
  auto buy_a = a.book.estimate(side::buy, qty);
  auto sell_b = b.book.estimate(side::sell, qty);
  auto buy_b = b.book.estimate(side::buy, qty);
  auto& u = st.last;
  u.size = qty;
  u.bid_a = sell_a.vwap;
  u.ask_a = buy_a.vwap;
  u.bid_b = sell_b.vwap;
  u.ask_b = buy_b.vwap;
  u.ts = now;
  u.valid = sell_a.complete && buy_a.complete && sell_b.complete && buy_b.complete;
  if (!u.valid) {
    publish(self);
    return;
  }
  auto ab = relative(u.bid_a - u.ask_b, mid);
  auto ba = relative(u.bid_b - u.ask_a, mid);
  if (!ab || !ba) {
    u.valid = false;
    publish(self);
    return;
  }
  u.spread_ab = *ab;
  u.spread_ba = *ba;
  // Statistics in basis points (doubles are for statistics only).
  double x_ab = u.spread_ab.to_double() * 1e4;
  double x_ba = u.spread_ba.to_double() * 1e4;
  if (now - st.last_sample >= st.cfg.sample_interval_ns) {
    st.last_sample = now;
    st.stats_ab.add(x_ab);
    st.stats_ba.add(x_ba);
  }
  u.samples = st.stats_ab.count();
  u.mean_ab = st.stats_ab.mean();
  u.std_ab = st.stats_ab.stddev();
  u.mean_ba = st.stats_ba.mean();
  u.std_ba = st.stats_ba.stddev();
  bool ready = u.samples >= st.cfg.min_samples;
  u.z_ab = ready ? st.stats_ab.z_score(x_ab, min_std_bps) : 0.0;
  u.z_ba = ready ? st.stats_ba.z_score(x_ba, min_std_bps) : 0.0;
  if (st.tick_to_decision && tick_ts > 0) {
    // From the frame's arrival at the venue session to this decision.
    st.tick_to_decision->Observe(static_cast<double>(now - tick_ts) / 1e9);
  }
  publish(self);
}

void attach_leg(self_ptr self, leg& l, caf::strong_actor_ptr ptr) {
  auto handle = caf::actor_cast<venue_session_actor>(ptr);
  if (!handle || handle == l.session)
    return;
  if (l.session)
    self->demonitor(l.session.address());
  l.session = handle;
  l.book.clear();
  l.venue_state = health_state::starting;
  self->monitor(handle);
  self->send(handle, atom::subscribe_v, self->state.cfg.symbol,
             caf::actor_cast<caf::actor>(self));
  if (self->state.log)
    self->state.log->info("pair {}: subscribed to {}", self->state.id, l.session_name);
}

leg* find_leg(self_ptr self, const std::string& venue) {
  for (auto& l : self->state.legs)
    if (l.venue == venue)
      return &l;
  return nullptr;
}

pair_trader_actor::behavior_type pair_trader_impl(self_ptr self, pair_config cfg,
                                                  actor_services svc) {
  auto& st = self->state;
  if (!cfg.clock)
    cfg.clock = wall_clock_ns;
  if (cfg.venue_a == cfg.venue_b)
    throw std::invalid_argument("pair_trader: venue_a == venue_b (" + cfg.venue_a + ")");
  st.cfg = std::move(cfg);
  st.svc = svc;
  st.id = pair_id(st.cfg);
  st.log = log::get("pair_trader");
  install_exception_logging(self, "pair_trader", "pair/" + st.id);
  st.stats_ab = rolling_stats{st.cfg.window};
  st.stats_ba = rolling_stats{st.cfg.window};
  st.legs[0].venue = st.cfg.venue_a;
  st.legs[1].venue = st.cfg.venue_b;
  st.last.pair_id = st.id;
  st.last.symbol = st.cfg.symbol;
  st.last.venue_a = st.cfg.venue_a;
  st.last.venue_b = st.cfg.venue_b;
  if (svc.metrics) {
    st.processed = &svc.metrics->messages_processed("pair_trader");
    st.tick_to_decision = &svc.metrics->tick_to_decision();
    st.gauge_ab = &svc.metrics->spread(st.id, "ab");
    st.gauge_ba = &svc.metrics->spread(st.id, "ba");
  }
  publish(self);
  // A venue session that goes down leaves its leg unusable until the
  // registry tells us about its successor.
  self->set_down_handler([self](caf::down_msg& dm) {
    for (auto& l : self->state.legs) {
      if (l.session && l.session.address() == dm.source) {
        if (self->state.log)
          self->state.log->warn("pair {}: {} went down ({})", self->state.id,
                                l.session_name, self->system().render(dm.reason));
        l.session = nullptr;
        l.book.clear();
        l.venue_state = health_state::stopped;
      }
    }
    invalidate(self, self->state.cfg.clock());
  });
  for (auto& l : st.legs) {
    l.session_name = venue_session_name(l.venue);
    if (svc.registry)
      svc.registry->watch(l.session_name, caf::actor_cast<caf::actor>(self));
  }
  auto count = [self] {
    if (self->state.processed)
      self->state.processed->Increment();
  };
  return {
    [=](atom::rebound, const std::string& name, caf::strong_actor_ptr ptr) {
      count();
      for (auto& l : self->state.legs)
        if (l.session_name == name)
          attach_leg(self, l, ptr);
    },
    [=](book_snapshot& snap) {
      count();
      auto* l = find_leg(self, snap.venue);
      if (!l || snap.symbol != self->state.cfg.symbol)
        return;
      if (l->book.apply(snap) != error_code::none) {
        invalidate(self, self->state.cfg.clock());
        return;
      }
      l->recv_ts = snap.recv_ts;
      recompute(self, snap.recv_ts);
    },
    [=](funding_rate&) {
      count();
      // Funding enters the P&L model with the strategy (issue 3).
    },
    [=](health_report& r) {
      count();
      for (auto& l : self->state.legs)
        if (l.session_name == r.component)
          l.venue_state = r.state;
    },
    [=](atom::status) { return self->state.last; },
    [=](atom::crash) -> void {
      throw std::runtime_error("pair_trader " + self->state.id + ": crash requested");
    },
  };
}

} // namespace

std::string pair_id(const pair_config& cfg) {
  return cfg.symbol + ":" + cfg.venue_a + "/" + cfg.venue_b;
}

std::string pair_trader_name(const pair_config& cfg) {
  return "pair/" + pair_id(cfg);
}

pair_trader_actor spawn_pair_trader(caf::actor_system& sys, pair_config cfg,
                                    actor_services services) {
  return sys.spawn(pair_trader_impl, std::move(cfg), services);
}

} // namespace xarb
