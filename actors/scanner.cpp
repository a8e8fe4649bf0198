#include "actors/scanner.hpp"

#include <map>
#include <memory>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/clock.hpp"
#include "actors/exception_logging.hpp"
#include "actors/name_registry.hpp"
#include "actors/storage_sink.hpp"
#include "core/scanner/market_scanner.hpp"
#include "monitoring/logging.hpp"
#include "monitoring/scan_board.hpp"
#include "monitoring/scanner_metrics.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"

namespace xarb {

namespace {

struct scanner_state {
  static inline const char* name = "scanner";

  scanner_config cfg;
  actor_services svc;
  scan_board* board = nullptr;
  scanner_metrics* metrics = nullptr;
  scanner::market_scanner market;
  scanner::signal_detector detector;
  std::shared_ptr<const scanner::scan_snapshot> last;
  std::map<caf::actor_addr, std::string> sessions; ///< monitored session -> venue
  caf::actor sink;                                  ///< storage sink (history samples)
  std::size_t problems = 0;
  uint64_t refreshes = 0;
  uint64_t signals = 0;
  uint64_t batches = 0;
  std::shared_ptr<spdlog::logger> log;
  prometheus::Counter* processed = nullptr;
};

using self_ptr = scanner_actor::stateful_pointer<scanner_state>;

timestamp_ns now_of(self_ptr self) { return self->state.cfg.clock(); }

std::string venue_of_session(const std::string& name) {
  static const std::string prefix = venue_session_name("");
  return name.compare(0, prefix.size(), prefix) == 0 ? name.substr(prefix.size()) : std::string{};
}

void on_batch(self_ptr self, const market_watch_batch& b) {
  auto& st = self->state;
  auto& m = st.market;
  if (b.full)
    m.set_instruments(b.venue, b.specs);
  m.set_venue_state(b.venue, b.state, b.ts);
  for (const auto& u : b.unsynced)
    m.on_unsynced(b.venue, u);
  for (const auto& t : b.tops)
    m.on_top(t);
  for (const auto& r : b.rates)
    m.on_funding(r);
  ++st.batches;
  if (st.metrics)
    st.metrics->batches->Increment();
}

/// A signal is an event: on the status board's log (API, events topic,
/// xarb_events_total) and in storage.
void announce(self_ptr self, const scanner::arb_signal& s) {
  auto& st = self->state;
  event e;
  e.ts = s.ts;
  e.sev = severity::info;
  e.source = "scanner";
  e.text = fmt::format("signal #{} {}: sell {} / buy {} at {:.2f} bps (notional {:.1f} bps at "
                       "{}x, carry {:.2f} bps) held {} samples",
                       s.seq, s.symbol, s.sell_venue, s.buy_venue, s.spread_bps,
                       s.notional_spread_bps, s.leverage, s.carry_bps, s.samples);
  if (st.log)
    st.log->info("{}", e.text);
  if (st.board)
    st.board->add_signal(s);
  if (st.svc.board)
    st.svc.board->add_event(e);
  if (st.sink)
    caf::anon_send(st.sink, e);
  if (st.metrics)
    st.metrics->signals->Increment();
}

void refresh(self_ptr self) {
  auto& st = self->state;
  const auto started = std::chrono::steady_clock::now();
  const auto now = now_of(self);
  auto snap = st.market.refresh(now);
  snap->seq = ++st.refreshes;
  const auto fired = st.detector.observe(*snap);
  snap->refresh_ms =
    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::shared_ptr<const scanner::scan_snapshot> shared = std::move(snap);
  st.last = shared;
  const auto& problems = st.market.problems();
  if (problems.size() != st.problems) {
    st.problems = problems.size();
    for (const auto& p : problems)
      if (st.log)
        st.log->warn("scanner: {}", p);
    if (st.board)
      st.board->set_problems(problems);
  }
  if (st.board)
    st.board->publish(shared);
  for (const auto& s : fired) {
    ++st.signals;
    announce(self, s);
  }
  if (st.metrics) {
    auto& m = *st.metrics;
    m.refresh_seconds->Observe(shared->refresh_ms / 1e3);
    m.symbols->Set(static_cast<double>(shared->symbols.size()));
    m.rows_live->Set(static_cast<double>(shared->rows.size() - shared->stale_rows));
    m.rows_stale->Set(static_cast<double>(shared->stale_rows));
    std::size_t stale = 0;
    for (auto& v : shared->venues)
      stale += v.stale ? 1 : 0;
    m.venues_stale->Set(static_cast<double>(stale));
    m.problems->Set(static_cast<double>(problems.size()));
    m.last_refresh->Set(static_cast<double>(now) / 1e9);
  }
}

/// One market_sample per compared symbol, from the latest snapshot.
void sample_history(self_ptr self) {
  auto& st = self->state;
  if (!st.sink || !st.last)
    return;
  const auto& snap = *st.last;
  for (const auto& sq : snap.symbols) {
    market_sample m;
    m.symbol = sq.symbol;
    m.ts = snap.ts;
    for (const auto& q : sq.venues) {
      if (!q.has_quote)
        continue;
      m.venues.push_back(venue_quote_sample{snap.venue_name(q), q.bid, q.ask, q.funding_rate,
                                            q.funding_interval_s, q.funding_known, q.stale});
    }
    if (m.venues.size() < 2)
      continue;
    caf::anon_send(st.sink, std::move(m));
    if (st.metrics)
      st.metrics->samples->Increment();
  }
}

scanner_actor::behavior_type scanner_impl(self_ptr self, scanner_config cfg, actor_services svc,
                                          scan_board* board, scanner_metrics* metrics) {
  auto& st = self->state;
  if (!cfg.clock)
    cfg.clock = wall_clock_ns;
  st.market.set_params(cfg.params);
  st.detector.set_params(cfg.signals);
  st.cfg = std::move(cfg);
  st.svc = svc;
  st.board = board;
  st.metrics = metrics;
  st.log = log::get("scanner");
  install_exception_logging(self, "scanner", scanner_name);
  if (svc.metrics)
    st.processed = &svc.metrics->messages_processed("scanner");
  // A session that dies leaves its venue stopped until its replacement's
  // full batch arrives (the registry tells us about it).
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& s = self->state;
    if (auto i = s.sessions.find(dm.source); i != s.sessions.end()) {
      s.market.set_venue_state(i->second, health_state::stopped, now_of(self));
      s.sessions.erase(i);
    }
  });
  if (svc.registry) {
    auto me = caf::actor_cast<caf::actor>(self);
    for (const auto& v : st.cfg.venues)
      svc.registry->watch(venue_session_name(v), me);
    svc.registry->watch(storage_sink_name, me);
  }
  if (st.log)
    st.log->info("scanner watching {} venue(s), refresh every {} ms", st.cfg.venues.size(),
                 std::chrono::duration_cast<std::chrono::milliseconds>(st.cfg.refresh_interval)
                   .count());
  self->delayed_send(self, st.cfg.refresh_interval, atom::tick_v);
  if (st.cfg.history_interval.count() > 0)
    self->delayed_send(self, st.cfg.history_interval, atom::report_v);
  auto count = [self] {
    if (self->state.processed)
      self->state.processed->Increment();
  };
  return {
    [=](atom::rebound, const std::string& name, caf::strong_actor_ptr ptr) {
      count();
      auto& s = self->state;
      if (!ptr)
        return;
      if (name == storage_sink_name) {
        s.sink = caf::actor_cast<caf::actor>(ptr);
        return;
      }
      auto venue = venue_of_session(name);
      if (venue.empty())
        return;
      auto session = caf::actor_cast<venue_session_actor>(ptr);
      s.sessions[session.address()] = venue;
      self->monitor(session);
      self->send(session, atom::subscribe_v, atom::watch_v, caf::actor_cast<caf::actor>(self));
    },
    [=](market_watch_batch& b) {
      count();
      on_batch(self, b);
    },
    [=](atom::tick) {
      count();
      self->delayed_send(self, self->state.cfg.refresh_interval, atom::tick_v);
      refresh(self);
    },
    [=](atom::report) {
      count();
      self->delayed_send(self, self->state.cfg.history_interval, atom::report_v);
      sample_history(self);
    },
    [=](atom::status) {
      auto& s = self->state;
      return caf::make_result(s.refreshes, s.signals, s.batches);
    },
    [=](atom::crash) -> void { throw std::runtime_error("scanner: crash requested"); },
  };
}

} // namespace

scanner_actor spawn_scanner(caf::actor_system& sys, scanner_config cfg, actor_services svc,
                            scan_board* board, scanner_metrics* metrics) {
  return sys.spawn(scanner_impl, std::move(cfg), svc, board, metrics);
}

} // namespace xarb
