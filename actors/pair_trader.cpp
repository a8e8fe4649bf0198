#include "actors/pair_trader.hpp"

#include <array>
#include <memory>
#include <stdexcept>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/clock.hpp"
#include "actors/engine_host.hpp"
#include "actors/exception_logging.hpp"
#include "actors/failpoint.hpp"
#include "actors/name_registry.hpp"
#include "actors/recovery.hpp"
#include "actors/risk_guard.hpp"
#include "actors/storage/store.hpp"
#include "actors/storage_sink.hpp"
#include "core/strategy/pair_engine.hpp"
#include "monitoring/logging.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"

namespace xarb {

namespace {

struct leg {
  std::string venue;
  std::string session_name;
  venue_session_actor session;   ///< also in host->sessions (under its mutex)
};

struct pair_trader_state {
  static inline const char* name = "pair_trader";

  pair_config cfg;
  actor_services svc;
  std::string id;
  std::array<leg, 2> legs;
  risk_guard_actor guard;        ///< where reports go (found by name)
  timestamp_ns reported_at = 0;
  timestamp_ns spread_recorded_at = 0;   ///< last spread sample sent to the sink
  /// The engine and its output buffer; shared with the venue sessions when
  /// decisions are inline. Every access holds host->mtx.
  std::shared_ptr<engine_host> host;
  timestamp_ns published_at = 0;
  pair_phase published_phase = pair_phase::warmup;
  bool published_valid = false;
  bool published_once = false;
  std::shared_ptr<spdlog::logger> log;
  prometheus::Counter* processed = nullptr;
  prometheus::Histogram* tick_to_decision = nullptr;
  prometheus::Gauge* gauge_ab = nullptr;
  prometheus::Gauge* gauge_ba = nullptr;
  /// Per leg: the reconciliation request in flight (answers of older ones
  /// are ignored).
  std::array<uint64_t, 2> reconcile_gen{0, 0};
  /// The journal could not be read: the pair never trades (critical event).
  bool recovery_failed = false;
};

using self_ptr = pair_trader_actor::stateful_pointer<pair_trader_state>;

/// The status board and gauges get the pair at most every
/// publish_interval_ns (and at once when the spread turns valid/invalid or
/// the phase changes): a mutex and string copies stay off the hot path.
constexpr int64_t publish_interval_ns = 100'000'000;

/// The engine's timer period (leg timeouts, re-quotes, holding time).
constexpr auto timer_period = std::chrono::milliseconds(10);

/// Requires host->mtx held.
void publish(self_ptr self, timestamp_ns now) {
  auto& st = self->state;
  const auto& engine = *st.host->engine;
  const auto& sp = engine.spread();
  const auto phase = engine.phase();
  if (st.published_once && sp.valid == st.published_valid && phase == st.published_phase
      && now - st.published_at < publish_interval_ns)
    return;
  st.published_once = true;
  st.published_valid = sp.valid;
  st.published_phase = phase;
  st.published_at = now;
  if (st.svc.board || st.svc.metrics) {
    const auto report = engine.status(now);
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

/// Reports positions, commitment and P&L to the risk guard. Requires
/// host->mtx held.
void report_risk(self_ptr self, timestamp_ns now) {
  auto& st = self->state;
  if (!st.guard)
    return;
  st.reported_at = now;
  self->send(st.guard, st.host->engine->risk_report(now));
}

/// Reports go out at least this often (and after every fill).
constexpr int64_t report_interval_ns = 100'000'000;

/// A spread sample goes to the storage sink at most this often.
constexpr int64_t spread_record_interval_ns = 1'000'000'000;

/// Sends each leg's position to the storage sink. Requires host->mtx held.
void record_positions(self_ptr self, timestamp_ns now) {
  auto& h = *self->state.host;
  if (!h.sink)
    return;
  for (int i = 0; i < 2; ++i) {
    auto p = h.engine->ledger(i).get();
    p.ts = now;
    self->send(h.sink, self->state.id, std::move(p));
  }
}

/// Runs `f(engine, out)` under the host's lock, then sends what it decided.
template <class F>
void with_engine(self_ptr self, F&& f) {
  auto& h = *self->state.host;
  std::lock_guard guard{h.mtx};
  const auto now = self->state.cfg.clock();
  f(*h.engine, h.out, now);
  flush_engine(h, now);
}

void on_account_report(self_ptr self, int index, account_report& r);

/// Asks leg `index`'s venue session for its account report; no order leaves
/// the pair until it is answered. Retried after a failure or a timeout.
void reconcile_leg(self_ptr self, int index) {
  auto& st = self->state;
  auto session = st.legs[index].session;
  if (!session || st.recovery_failed)
    return;
  const uint64_t gen = ++st.reconcile_gen[index];
  account_query q;
  {
    std::lock_guard guard{st.host->mtx};
    st.host->engine->begin_reconcile(index);
    q = st.host->engine->reconcile_query(index, st.cfg.clock());
  }
  if (st.log)
    st.log->info("pair {}: reconciling with {} ({} orders to check)", st.id,
                 st.legs[index].venue, q.client_ids.size());
  self->request(session, st.cfg.reconcile_timeout, std::move(q))
    .then(
      [self, index, gen](account_report& r) {
        if (self->state.reconcile_gen[index] == gen)
          on_account_report(self, index, r);
      },
      [self, index, gen](caf::error& err) {
        auto& s = self->state;
        if (s.reconcile_gen[index] != gen)
          return;
        if (s.log)
          s.log->warn("pair {}: reconciliation with {} failed ({}): asking again in 1 s",
                      s.id, s.legs[index].venue, self->system().render(err));
        self->delayed_send(self, std::chrono::seconds(1), atom::resync_v,
                           static_cast<int32_t>(index));
      });
}

void on_account_report(self_ptr self, int index, account_report& r) {
  with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                        timestamp_ns now) {
    auto& h = *self->state.host;
    const auto& id = self->state.id;
    // Fills the venue has and the books do not: journaled, then booked
    // through the normal path (the order tracker sees them).
    const auto missing = engine.missing_fills(index, r);
    for (const auto& f : missing) {
      journal_fill(h, id, f, now);
      engine.on_fill(f, now, out);
    }
    // Its event ("reconciled <venue>: ...") is the log line.
    const auto res = engine.reconcile(index, r, missing.size(), now, out);
    for (const auto& b : res.to_journal) {
      if (const auto* f = std::get_if<order_fill>(&b))
        journal_fill(h, id, *f, now);
      else
        journal_funding(h, id, std::get<funding_payment>(b), now);
    }
    publish(self, now);
    report_risk(self, now);
    if (!missing.empty() || !res.to_journal.empty())
      record_positions(self, now);
  });
}

void attach_leg(self_ptr self, leg& l, caf::strong_actor_ptr ptr) {
  auto handle = caf::actor_cast<venue_session_actor>(ptr);
  if (!handle || handle == l.session)
    return;
  if (l.session)
    self->demonitor(l.session.address());
  l.session = handle;
  auto& st = self->state;
  const int index = &l == &st.legs[0] ? 0 : 1;
  {
    std::lock_guard guard{st.host->mtx};
    st.host->sessions[index] = handle;
  }
  self->monitor(handle);
  self->send(handle, atom::subscribe_v, st.cfg.symbol, caf::actor_cast<caf::actor>(self));
  if (st.cfg.inline_decisions)
    self->send(handle, atom::subscribe_v, inline_hook{st.host, st.cfg.symbol, index});
  if (self->state.log)
    self->state.log->info("pair {}: subscribed to {}", self->state.id, l.session_name);
  reconcile_leg(self, index);
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
  ec.require_permit = st.cfg.require_permit;
  ec.sole_owner = st.cfg.sole_owner;
  // The journal of the previous incarnations (issue 5).
  strategy::pair_journal journal;
  std::string recovery_error;
  if (svc.store) {
    auto loaded = load_pair_journal(*svc.store, st.id);
    if (loaded)
      journal = std::move(*loaded);
    else
      recovery_error = loaded.error().message;
  }
  // A new incarnation, new client ids: the epoch (ms) is above every id the
  // journal has seen, even if the clock went back.
  const auto now_ms = static_cast<uint64_t>(wall_clock_ns() / 1'000'000);
  const auto journal_ms = static_cast<uint64_t>(std::max<timestamp_ns>(journal.last_order_ts, 0)
                                                / 1'000'000);
  ec.epoch = st.cfg.epoch != 0 ? st.cfg.epoch : std::max(now_ms, journal_ms + 1);
  st.host = std::make_shared<engine_host>();
  st.host->engine = std::make_unique<strategy::pair_engine>(std::move(ec));
  {
    // No order before every leg is reconciled with its venue.
    std::lock_guard guard{st.host->mtx};
    auto& engine = *st.host->engine;
    const auto now = st.cfg.clock();
    if (recovery_error.empty()) {
      engine.restore(journal, now, st.host->out);
    } else {
      st.recovery_failed = true;
      st.host->out.events.push_back(
        event{now, severity::critical, "pair/" + st.id,
              "journal unreadable, the pair will not trade: " + recovery_error});
    }
    engine.begin_reconcile(0);
    engine.begin_reconcile(1);
    if (!st.cfg.enabled)
      engine.set_enabled(false, now, st.host->out);
  }
  st.host->trader = caf::actor_cast<caf::actor>(self);
  st.host->id = st.id;
  st.host->log = st.log;
  st.host->store = svc.store;
  st.host->board = svc.board;
  st.host->storage_stats = make_storage_metrics(svc.metrics);
  if (svc.limits) {
    // Every pair on a venue key shares its request budget.
    const auto now = st.cfg.clock();
    for (int i = 0; i < 2; ++i) {
      const auto& vr = st.cfg.venue_risk[i];
      auto lim = svc.limits->get(i == 0 ? st.cfg.venue_a : st.cfg.venue_b, vr.key_id,
                                 vr.rate_limits, now);
      st.host->engine->gate().set_limiter(i, lim);
      st.host->limiters[i] = std::move(lim);
    }
  }
  st.legs[0].venue = st.cfg.venue_a;
  st.legs[1].venue = st.cfg.venue_b;
  if (svc.metrics) {
    st.processed = &svc.metrics->messages_processed("pair_trader");
    st.tick_to_decision = &svc.metrics->tick_to_decision();
    st.host->tick_to_decision = st.tick_to_decision;
    st.gauge_ab = &svc.metrics->spread(st.id, "ab");
    st.gauge_ba = &svc.metrics->spread(st.id, "ba");
  }
  // Sessions holding an inline hook drop it once we are gone.
  self->attach_functor([host = st.host](const caf::error&) { host->alive = false; });
  {
    std::lock_guard guard{st.host->mtx};
    const auto now = st.cfg.clock();
    if (svc.store && !st.host->out.events.empty()) {
      // The storage sink is not known yet: the restore's events go to the
      // store directly (and to the log by flush_engine).
      storage::batch b;
      for (const auto& e : st.host->out.events)
        b.add(e);
      if (auto err = svc.store->write(std::move(b)); err && st.log)
        st.log->error("pair {}: recovery events not stored: {}", st.id, err.message);
    }
    flush_engine(*st.host, now);
    publish(self, now);
  }
  // A venue session that goes down leaves its leg unusable until the
  // registry tells us about its successor.
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& s = self->state;
    with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                          timestamp_ns now) {
      for (int i = 0; i < 2; ++i) {
        auto& l = s.legs[i];
        if (l.session && l.session.address() == dm.source) {
          if (s.log)
            s.log->warn("pair {}: {} went down ({})", s.id, l.session_name,
                        self->system().render(dm.reason));
          l.session = nullptr;
          s.host->sessions[i] = nullptr;
          engine.set_leg_available(i, false, now, out);
        }
      }
      publish(self, now);
    });
  });
  for (auto& l : st.legs) {
    l.session_name = venue_session_name(l.venue);
    if (svc.registry)
      svc.registry->watch(l.session_name, caf::actor_cast<caf::actor>(self));
  }
  if (svc.registry) {
    svc.registry->watch(risk_guard_name, caf::actor_cast<caf::actor>(self));
    svc.registry->watch(storage_sink_name, caf::actor_cast<caf::actor>(self));
  }
  self->send(self, atom::tick_v);
  auto count = [self] {
    if (self->state.processed)
      self->state.processed->Increment();
  };
  return {
    [=](atom::rebound, const std::string& name, caf::strong_actor_ptr ptr) {
      count();
      auto& s = self->state;
      if (name == risk_guard_name) {
        s.guard = caf::actor_cast<risk_guard_actor>(ptr);
        std::lock_guard guard{s.host->mtx};
        report_risk(self, s.cfg.clock());
        return;
      }
      if (name == storage_sink_name) {
        std::lock_guard guard{s.host->mtx};
        s.host->sink = caf::actor_cast<storage_sink_actor>(ptr);
        return;
      }
      for (auto& l : s.legs)
        if (l.session_name == name)
          attach_leg(self, l, ptr);
    },
    [=](risk_permit& p) {
      count();
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                            timestamp_ns now) {
        engine.set_permit(p, now, out);
        publish(self, now);
      });
    },
    [=](instrument_spec& spec) {
      count();
      auto& s = self->state;
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output&,
                            timestamp_ns) {
        const int l = engine.leg_of(spec.venue);
        if (l < 0 || spec.symbol != s.cfg.symbol)
          return;
        if (auto err = engine.set_rules(l, spec); err && s.log)
          s.log->error("pair {}: rules of {} rejected: {}", s.id, spec.venue, err.message);
      });
    },
    [=](book_snapshot& snap) {
      count();
      auto& s = self->state;
      if (snap.symbol != s.cfg.symbol)
        return;
      auto& h = *s.host;
      std::lock_guard guard{h.mtx};
      const int l = h.engine->leg_of(snap.venue);
      if (l < 0)
        return;
      const auto now = s.cfg.clock();
      if (decide_inline(h, l, snap, now) && s.tick_to_decision && snap.recv_ts > 0) {
        // From the frame's arrival at the venue session to the decision
        // (and any order it produced) leaving this actor.
        s.tick_to_decision->Observe(static_cast<double>(s.cfg.clock() - snap.recv_ts) / 1e9);
      }
      publish(self, now);
    },
    [=](funding_rate& r) {
      count();
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output&,
                            timestamp_ns) { engine.on_funding_rate(r); });
    },
    [=](funding_payment& p) {
      count();
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                            timestamp_ns now) {
        // Write-ahead like a fill: the payment is a fact of the ledger.
        if (engine.leg_of(p.venue) >= 0 && p.symbol == self->state.cfg.symbol)
          journal_funding(*self->state.host, self->state.id, p, now);
        engine.on_funding_payment(p, out);
      });
    },
    [=](health_report& r) {
      count();
      auto& s = self->state;
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                            timestamp_ns now) {
        for (int i = 0; i < 2; ++i)
          if (s.legs[i].session_name == r.component)
            engine.set_leg_available(i, r.state == health_state::ready, now, out);
        publish(self, now);
      });
    },
    [=](order_ack& a) {
      count();
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                            timestamp_ns now) { engine.on_ack(a, now, out); });
    },
    [=](order_fill& f) {
      count();
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                            timestamp_ns now) {
        // Write-ahead of the fill (engine_host.hpp): on disk before booked
        // (once: a duplicate delivery is dropped by the ledger).
        if (!engine.booked(f)) {
          failpoint("fill_unjournaled"); // crash harness: only the venue knows it
          journal_fill(*self->state.host, self->state.id, f, now);
        }
        engine.on_fill(f, now, out);
        publish(self, now);
        report_risk(self, now);
        record_positions(self, now);
      });
    },
    [=](order_reject& r) {
      count();
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                            timestamp_ns now) { engine.on_reject(r, now, out); });
    },
    [=](order_cancelled& c) {
      count();
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                            timestamp_ns now) { engine.on_cancelled(c, now, out); });
    },
    [=](atom::tick) {
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                            timestamp_ns now) {
        auto& h = *self->state.host;
        probe_storage(h, now);
        engine.on_timer(now, out);
        retry_cancels(h, now);
        if (h.sink && engine.spread().ts > 0
            && now - self->state.spread_recorded_at >= spread_record_interval_ns) {
          self->state.spread_recorded_at = now;
          self->send(h.sink, engine.spread());
        }
        publish(self, now);
        if (now - self->state.reported_at >= report_interval_ns)
          report_risk(self, now);
      });
      self->delayed_send(self, timer_period, atom::tick_v);
    },
    [=](atom::status) {
      auto& h = *self->state.host;
      std::lock_guard guard{h.mtx};
      return h.engine->status(self->state.cfg.clock());
    },
    [=](atom::enable, bool on) {
      count();
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                            timestamp_ns now) { engine.set_enabled(on, now, out); });
    },
    [=](atom::mode, const std::string& name) -> std::string {
      count();
      strategy::trade_mode m;
      if (!strategy::parse(name, m))
        return "unknown mode '" + name + "' (normal_arb | zero_wear)";
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                            timestamp_ns now) {
        engine.set_mode(m, now, out);
        publish(self, now);
      });
      return {};
    },
    [=](atom::params, const strategy::pair_params& p) -> std::string {
      count();
      std::string problems;
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                            timestamp_ns now) {
        problems = engine.set_params(p, now, out);
        if (problems.empty())
          self->state.cfg.params = p; // a restart of the engine keeps them
        publish(self, now);
      });
      return problems;
    },
    [=](atom::flatten, const std::string& reason) {
      count();
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                            timestamp_ns now) {
        engine.flatten(reason.empty() ? "operator flatten" : reason, now, out);
        publish(self, now);
      });
    },
    [=](atom::resume) {
      count();
      with_engine(self, [&](strategy::pair_engine& engine, strategy::engine_output& out,
                            timestamp_ns now) {
        engine.resume(now, out);
        publish(self, now);
      });
    },
    [=](atom::resync, int32_t index) {
      if (index == 0 || index == 1)
        reconcile_leg(self, index);
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
