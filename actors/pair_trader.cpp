#include "actors/pair_trader.hpp"

#include <array>
#include <memory>
#include <stdexcept>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/clock.hpp"
#include "actors/exception_logging.hpp"
#include "actors/name_registry.hpp"
#include "core/strategy/pair_engine.hpp"
#include "monitoring/logging.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"

namespace xarb {

namespace {

struct leg {
  std::string venue;
  std::string session_name;
  venue_session_actor session;
};

struct pair_trader_state {
  static inline const char* name = "pair_trader";

  pair_config cfg;
  actor_services svc;
  std::string id;
  std::array<leg, 2> legs;
  std::unique_ptr<strategy::pair_engine> engine;
  strategy::engine_output out;   ///< reused: no allocation per update once warm
  timestamp_ns published_at = 0;
  pair_phase published_phase = pair_phase::warmup;
  bool published_valid = false;
  bool published_once = false;
  std::shared_ptr<spdlog::logger> log;
  prometheus::Counter* processed = nullptr;
  prometheus::Histogram* tick_to_decision = nullptr;
  prometheus::Gauge* gauge_ab = nullptr;
  prometheus::Gauge* gauge_ba = nullptr;
};

using self_ptr = pair_trader_actor::stateful_pointer<pair_trader_state>;

/// The status board and gauges get the pair at most every
/// publish_interval_ns (and at once when the spread turns valid/invalid or
/// the phase changes): a mutex and string copies stay off the hot path.
constexpr int64_t publish_interval_ns = 100'000'000;

/// The engine's timer period (leg timeouts, re-quotes, holding time).
constexpr auto timer_period = std::chrono::milliseconds(10);

void publish(self_ptr self, timestamp_ns now) {
  auto& st = self->state;
  const auto& sp = st.engine->spread();
  const auto phase = st.engine->phase();
  if (st.published_once && sp.valid == st.published_valid && phase == st.published_phase
      && now - st.published_at < publish_interval_ns)
    return;
  st.published_once = true;
  st.published_valid = sp.valid;
  st.published_phase = phase;
  st.published_at = now;
  if (st.svc.board || st.svc.metrics) {
    const auto report = st.engine->status(now);
    if (st.svc.board)
      st.svc.board->set_pair(report);
    if (st.svc.metrics)
      st.svc.metrics->set_pair(report);
  }
  if (st.gauge_ab) {
    st.gauge_ab->Set(sp.valid ? sp.spread_ab.to_double() : 0.0);
    st.gauge_ba->Set(sp.valid ? sp.spread_ba.to_double() : 0.0);
  }
}

spdlog::level::level_enum level_of(severity s) {
  switch (s) {
    case severity::debug: return spdlog::level::debug;
    case severity::info: return spdlog::level::info;
    case severity::warning: return spdlog::level::warn;
    case severity::error: return spdlog::level::err;
    case severity::critical: return spdlog::level::critical;
  }
  return spdlog::level::info;
}

/// Sends what the engine decided and records the rest. An order for a venue
/// whose session is down is answered at once with a reject, so the engine
/// never waits for an order that was not sent.
void flush(self_ptr self, timestamp_ns now) {
  auto& st = self->state;
  auto& out = st.out;
  while (!out.empty()) {
    // Local copies: feeding a synthetic reject back refills `out`.
    auto orders = std::move(out.orders);
    auto cancels = std::move(out.cancels);
    auto updates = std::move(out.updates);
    auto events = std::move(out.events);
    out.clear();
    for (auto& o : orders) {
      const int l = st.engine->leg_of(o.venue);
      if (l >= 0 && st.legs[l].session) {
        self->send(st.legs[l].session, o);
      } else {
        st.engine->on_reject(order_reject{o.client_id, o.venue, o.symbol,
                                          error_code::venue_unavailable,
                                          "venue session down", now},
                             now, out);
      }
    }
    for (auto& c : cancels) {
      const int l = st.engine->leg_of(c.venue);
      if (l >= 0 && st.legs[l].session)
        self->send(st.legs[l].session, c);
    }
    if (st.log) {
      // Order transitions at debug level: skip the formatting (decimal
      // strings) unless someone reads them.
      if (st.log->should_log(spdlog::level::debug))
        for (auto& u : updates)
          st.log->debug("pair {}: order {} {} {} {} {} @ {} ({}): {} -> {}{}{}", st.id,
                        u.client_id, to_string(u.purpose), u.venue, to_string(u.sd),
                        u.qty.to_string(), u.px.to_string(), to_string(u.tif),
                        to_string(u.from), to_string(u.to), u.reason.empty() ? "" : ": ",
                        u.reason);
      for (auto& e : events)
        st.log->log(level_of(e.sev), "pair {}: {}", st.id, e.text);
    }
  }
}

int leg_index(self_ptr self, const std::string& venue) {
  return self->state.engine->leg_of(venue);
}

void attach_leg(self_ptr self, leg& l, caf::strong_actor_ptr ptr) {
  auto handle = caf::actor_cast<venue_session_actor>(ptr);
  if (!handle || handle == l.session)
    return;
  if (l.session)
    self->demonitor(l.session.address());
  l.session = handle;
  self->monitor(handle);
  self->send(handle, atom::subscribe_v, self->state.cfg.symbol,
             caf::actor_cast<caf::actor>(self));
  if (self->state.log)
    self->state.log->info("pair {}: subscribed to {}", self->state.id, l.session_name);
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
  strategy::engine_config ec;
  ec.node = st.cfg.node;
  ec.symbol = st.cfg.symbol;
  ec.venue_a = st.cfg.venue_a;
  ec.venue_b = st.cfg.venue_b;
  ec.params = st.cfg.params;
  // A new incarnation, new client ids: restarts are >= 100 ms apart.
  ec.epoch = st.cfg.epoch != 0 ? st.cfg.epoch
                               : static_cast<uint64_t>(wall_clock_ns() / 1'000'000);
  st.engine = std::make_unique<strategy::pair_engine>(std::move(ec));
  st.legs[0].venue = st.cfg.venue_a;
  st.legs[1].venue = st.cfg.venue_b;
  if (svc.metrics) {
    st.processed = &svc.metrics->messages_processed("pair_trader");
    st.tick_to_decision = &svc.metrics->tick_to_decision();
    st.gauge_ab = &svc.metrics->spread(st.id, "ab");
    st.gauge_ba = &svc.metrics->spread(st.id, "ba");
  }
  publish(self, st.cfg.clock());
  // A venue session that goes down leaves its leg unusable until the
  // registry tells us about its successor.
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& s = self->state;
    const auto now = s.cfg.clock();
    for (int i = 0; i < 2; ++i) {
      auto& l = s.legs[i];
      if (l.session && l.session.address() == dm.source) {
        if (s.log)
          s.log->warn("pair {}: {} went down ({})", s.id, l.session_name,
                      self->system().render(dm.reason));
        l.session = nullptr;
        s.engine->set_leg_available(i, false, now, s.out);
      }
    }
    flush(self, now);
    publish(self, now);
  });
  for (auto& l : st.legs) {
    l.session_name = venue_session_name(l.venue);
    if (svc.registry)
      svc.registry->watch(l.session_name, caf::actor_cast<caf::actor>(self));
  }
  self->send(self, atom::tick_v);
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
    [=](instrument_spec& spec) {
      count();
      auto& s = self->state;
      const int l = leg_index(self, spec.venue);
      if (l < 0 || spec.symbol != s.cfg.symbol)
        return;
      if (auto err = s.engine->set_rules(l, spec); err && s.log)
        s.log->error("pair {}: rules of {} rejected: {}", s.id, spec.venue, err.message);
    },
    [=](book_snapshot& snap) {
      count();
      auto& s = self->state;
      const int l = leg_index(self, snap.venue);
      if (l < 0 || snap.symbol != s.cfg.symbol)
        return;
      auto& engine = *s.engine;
      const auto now = s.cfg.clock();
      if (engine.book(l).apply(snap) != error_code::none) {
        engine.set_leg_available(l, false, now, s.out);
        flush(self, now);
        return;
      }
      engine.on_book(l, snap.recv_ts, now, s.out);
      flush(self, now);
      if (s.tick_to_decision && snap.recv_ts > 0) {
        // From the frame's arrival at the venue session to the decision
        // (and any order it produced) leaving this actor.
        s.tick_to_decision->Observe(static_cast<double>(s.cfg.clock() - snap.recv_ts) / 1e9);
      }
      publish(self, now);
    },
    [=](funding_rate& r) {
      count();
      self->state.engine->on_funding_rate(r);
    },
    [=](funding_payment& p) {
      count();
      auto& s = self->state;
      s.engine->on_funding_payment(p, s.out);
      flush(self, s.cfg.clock());
    },
    [=](health_report& r) {
      count();
      auto& s = self->state;
      const auto now = s.cfg.clock();
      for (int i = 0; i < 2; ++i)
        if (s.legs[i].session_name == r.component)
          s.engine->set_leg_available(i, r.state == health_state::ready, now, s.out);
      flush(self, now);
      publish(self, now);
    },
    [=](order_ack& a) {
      count();
      auto& s = self->state;
      const auto now = s.cfg.clock();
      s.engine->on_ack(a, now, s.out);
      flush(self, now);
    },
    [=](order_fill& f) {
      count();
      auto& s = self->state;
      const auto now = s.cfg.clock();
      s.engine->on_fill(f, now, s.out);
      flush(self, now);
      publish(self, now);
    },
    [=](order_reject& r) {
      count();
      auto& s = self->state;
      const auto now = s.cfg.clock();
      s.engine->on_reject(r, now, s.out);
      flush(self, now);
    },
    [=](order_cancelled& c) {
      count();
      auto& s = self->state;
      const auto now = s.cfg.clock();
      s.engine->on_cancelled(c, now, s.out);
      flush(self, now);
    },
    [=](atom::tick) {
      auto& s = self->state;
      const auto now = s.cfg.clock();
      s.engine->on_timer(now, s.out);
      flush(self, now);
      publish(self, now);
      self->delayed_send(self, timer_period, atom::tick_v);
    },
    [=](atom::status) { return self->state.engine->status(self->state.cfg.clock()); },
    [=](atom::enable, bool on) {
      count();
      auto& s = self->state;
      const auto now = s.cfg.clock();
      s.engine->set_enabled(on, now, s.out);
      flush(self, now);
    },
    [=](atom::mode, const std::string& name) -> std::string {
      count();
      auto& s = self->state;
      strategy::trade_mode m;
      if (!strategy::parse(name, m))
        return "unknown mode '" + name + "' (normal_arb | zero_wear)";
      const auto now = s.cfg.clock();
      s.engine->set_mode(m, now, s.out);
      flush(self, now);
      publish(self, now);
      return {};
    },
    [=](atom::flatten, const std::string& reason) {
      count();
      auto& s = self->state;
      const auto now = s.cfg.clock();
      s.engine->flatten(reason.empty() ? "operator flatten" : reason, now, s.out);
      flush(self, now);
      publish(self, now);
    },
    [=](atom::resume) {
      count();
      auto& s = self->state;
      const auto now = s.cfg.clock();
      s.engine->resume(now, s.out);
      flush(self, now);
      publish(self, now);
    },
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
