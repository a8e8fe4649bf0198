#include "actors/risk_guard.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/clock.hpp"
#include "actors/exception_logging.hpp"
#include "actors/name_registry.hpp"
#include "monitoring/logging.hpp"
#include "monitoring/risk_status.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"

namespace xarb {

namespace {

struct risk_guard_state {
  static inline const char* name = "risk_guard";
  risk_guard_config cfg;
  actor_services svc;
  std::shared_ptr<risk_guard_store> store;
  /// Where each pair's permits go: the actor that sent its last report.
  std::map<std::string, pair_trader_actor> traders;
  std::shared_ptr<spdlog::logger> log;
  prometheus::Counter* processed = nullptr;
  timestamp_ns evaluated_at = 0;
  bool eval_pending = false;
  // Position audit: the round in flight (answers of older rounds ignored).
  risk::position_audit audit;
  uint64_t audit_round = 0;
  std::size_t audit_waiting = 0;
  bool audit_failed = false;
  std::map<risk::contract, quantity> audit_venues;
};

using self_ptr = risk_guard_actor::stateful_pointer<risk_guard_state>;

/// Sends the permits that changed and logs the events. Requires store->mtx.
void dispatch(self_ptr self, timestamp_ns now) {
  auto& st = self->state;
  auto& book = *st.store->book;
  for (auto& p : book.take_permits(now)) {
    auto it = st.traders.find(p.pair_id);
    if (it != st.traders.end() && it->second)
      self->send(it->second, std::move(p));
  }
  for (auto& e : book.take_events()) {
    if (st.log)
      st.log->log(level_of(e.sev), "{}", e.text);
    if (st.svc.board)
      st.svc.board->add_event(e); // /api/events and the events topic
  }
}

/// Runs `f(book)` then a full evaluation and dispatch, all under the
/// store's lock. Any exception inside is a failed risk check: fail closed.
/// `deferrable`: inputs (reports, alerts) arriving within min_eval_interval
/// of the last evaluation are evaluated together a little later.
template <class F>
void with_book(self_ptr self, F&& f, bool deferrable = false) {
  auto& st = self->state;
  std::lock_guard guard{st.store->mtx};
  auto& book = *st.store->book;
  const auto now = st.cfg.clock();
  try {
    f(book, now);
    const int64_t min_gap = st.cfg.min_eval_interval.count();
    if (deferrable && now - st.evaluated_at < min_gap) {
      if (!st.eval_pending) {
        st.eval_pending = true;
        self->delayed_send(self, caf::timespan{min_gap - (now - st.evaluated_at)},
                           atom::risk_v);
      }
      return;
    }
    book.evaluate(now);
    st.evaluated_at = now;
  } catch (const std::exception& e) {
    book.fail_closed(e.what(), now);
  } catch (...) {
    book.fail_closed("unknown exception", now);
  }
  dispatch(self, now);
}

caf::timespan audit_interval(const risk_guard_state& st) {
  return caf::timespan{st.cfg.risk.audit_interval_ns};
}

/// The venues have all answered: compare with the pairs' books.
void finish_audit(self_ptr self) {
  auto& st = self->state;
  if (st.audit_failed)
    return; // a venue did not answer: no verdict this round
  with_book(self, [&](risk::risk_book& book, timestamp_ns now) {
    bool complete = false;
    const auto books = book.contract_positions(complete);
    if (!complete)
      return;
    for (const auto& f : st.audit.round(books, st.audit_venues)) {
      const auto reason = fmt::format(
        "position audit: {} holds {} {} but the pairs' books say {} ({} rounds)", f.venue,
        f.venue_qty.to_string(), f.symbol, f.books_qty.to_string(), f.rounds);
      const auto n = book.reduce_contract(f.venue, f.symbol, reason, now);
      if (st.log)
        st.log->critical("{}: {} pair(s) REDUCING until an operator resumes", reason, n);
    }
  });
}

/// One audit round: every contract the pairs trade, asked of its venue.
void start_audit(self_ptr self) {
  auto& st = self->state;
  if (st.audit_waiting > 0 || !st.svc.registry)
    return; // the previous round is still out (its timeout ends it)
  std::map<risk::contract, quantity> books;
  {
    std::lock_guard guard{st.store->mtx};
    bool complete = false;
    books = st.store->book->contract_positions(complete);
    if (!complete || books.empty())
      return;
  }
  const uint64_t round = ++st.audit_round;
  st.audit_failed = false;
  st.audit_venues.clear();
  st.audit_waiting = books.size();
  const auto timeout = std::max<caf::timespan>(audit_interval(st), std::chrono::seconds(1));
  for (const auto& [k, qty] : books) {
    auto session = st.svc.registry->get_as<venue_session_actor>(venue_session_name(k.first));
    auto done = [self, round] {
      auto& s = self->state;
      if (s.audit_round == round && s.audit_waiting > 0 && --s.audit_waiting == 0)
        finish_audit(self);
    };
    if (!session) {
      st.audit_failed = true;
      done();
      continue;
    }
    account_query q;
    q.symbol = k.second;
    q.funding_since = std::numeric_limits<timestamp_ns>::max(); // positions only
    self->request(session, timeout, std::move(q))
      .then(
        [self, round, done, k = k](account_report& r) {
          if (self->state.audit_round == round)
            self->state.audit_venues[k] = r.pos.qty;
          done();
        },
        [self, round, done](caf::error&) {
          if (self->state.audit_round == round)
            self->state.audit_failed = true;
          done();
        });
  }
}

void publish(self_ptr self, timestamp_ns now) {
  auto& st = self->state;
  std::lock_guard guard{st.store->mtx};
  const auto snap = st.store->book->snapshot(now);
  if (st.svc.board)
    st.svc.board->set_risk(to_json(snap, st.store->book->config()));
  if (st.store->metrics)
    st.store->metrics->update(snap);
}

risk_guard_actor::behavior_type risk_guard_impl(self_ptr self, risk_guard_config cfg,
                                                actor_services svc,
                                                std::shared_ptr<risk_guard_store> store) {
  auto& st = self->state;
  if (!cfg.clock)
    cfg.clock = wall_clock_ns;
  st.cfg = std::move(cfg);
  st.svc = svc;
  st.store = std::move(store);
  st.log = log::get("risk");
  install_exception_logging(self, "risk_guard", "risk_guard");
  {
    std::lock_guard guard{st.store->mtx};
    if (!st.store->book)
      st.store->book = std::make_unique<risk::risk_book>(st.cfg.risk, st.cfg.venues);
    else if (st.log)
      st.log->warn("risk guard restarted: breakers, kill states and equity peak kept");
  }
  if (svc.metrics) {
    st.processed = &svc.metrics->messages_processed("risk_guard");
    std::lock_guard guard{st.store->mtx};
    if (!st.store->metrics)
      st.store->metrics = std::make_shared<risk_metrics>(*svc.metrics->registry());
  }
  self->send(self, atom::tick_v);
  if (audit_interval(st).count() > 0) {
    st.audit = risk::position_audit{st.cfg.risk.audit_rounds};
    self->delayed_send(self, audit_interval(st), atom::report_v);
  }
  auto count = [self] {
    if (self->state.processed)
      self->state.processed->Increment();
  };
  return {
    [=](pair_risk_report& r) {
      count();
      auto& s = self->state;
      auto sender = caf::actor_cast<pair_trader_actor>(self->current_sender());
      if (sender)
        s.traders[r.pair_id] = sender;
      with_book(
        self, [&](risk::risk_book& book, timestamp_ns now) { book.on_report(r, now); }, true);
    },
    [=](venue_alert& a) {
      count();
      with_book(
        self, [&](risk::risk_book& book, timestamp_ns now) { book.on_alert(a, now); }, true);
    },
    [=](atom::risk) {
      self->state.eval_pending = false;
      with_book(self, [](risk::risk_book&, timestamp_ns) {});
    },
    [=](atom::report) {
      self->delayed_send(self, audit_interval(self->state), atom::report_v);
      start_audit(self);
    },
    [=](atom::tick) {
      auto& s = self->state;
      self->delayed_send(self, s.cfg.tick_interval, atom::tick_v);
      with_book(self, [&](risk::risk_book& book, timestamp_ns now) {
        if (s.svc.limits)
          book.on_rate_limits(s.svc.limits->snapshot(now), now);
      });
      publish(self, s.cfg.clock());
    },
    [=](atom::halt, const std::string& reason) -> std::string {
      count();
      with_book(self, [&](risk::risk_book& book, timestamp_ns now) {
        book.halt_all(reason.empty() ? "operator halt" : reason, now);
      });
      publish(self, self->state.cfg.clock());
      return {};
    },
    [=](atom::flatten, const std::string& reason) -> std::string {
      count();
      with_book(self, [&](risk::risk_book& book, timestamp_ns now) {
        book.flatten_all(reason.empty() ? "operator flatten all" : reason, now);
      });
      publish(self, self->state.cfg.clock());
      return {};
    },
    [=](atom::flatten, const std::string& pair, const std::string& reason) -> std::string {
      count();
      bool known = false;
      with_book(self, [&](risk::risk_book& book, timestamp_ns now) {
        known = book.flatten_pair(pair, reason.empty() ? "operator flatten" : reason, now);
      });
      publish(self, self->state.cfg.clock());
      return known ? std::string{} : "unknown pair '" + pair + "'";
    },
    [=](atom::resume) -> std::string {
      count();
      with_book(self, [&](risk::risk_book& book, timestamp_ns now) { book.resume(now); });
      publish(self, self->state.cfg.clock());
      return {};
    },
    [=](atom::resume, const std::string& scope) -> std::string {
      count();
      with_book(self,
                [&](risk::risk_book& book, timestamp_ns now) { book.resume(now, &scope); });
      publish(self, self->state.cfg.clock());
      return {};
    },
    [=](atom::status) -> std::string {
      auto& s = self->state;
      std::lock_guard guard{s.store->mtx};
      return to_json(s.store->book->snapshot(s.cfg.clock()), s.store->book->config());
    },
    [=](atom::crash) -> void { throw std::runtime_error("risk_guard: crash requested"); },
  };
}

} // namespace

risk_guard_actor spawn_risk_guard(caf::actor_system& sys, risk_guard_config cfg,
                                  actor_services services,
                                  std::shared_ptr<risk_guard_store> store) {
  if (!store)
    store = std::make_shared<risk_guard_store>();
  return sys.spawn(risk_guard_impl, std::move(cfg), services, std::move(store));
}

} // namespace xarb
