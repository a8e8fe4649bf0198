#include "actors/venue_session.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <variant>
#include <vector>

#include <caf/actor_system.hpp>
#include <fmt/format.h>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/clock.hpp"
#include "actors/engine_host.hpp"
#include "actors/exception_logging.hpp"
#include "actors/live_market.hpp"
#include "actors/market_watch.hpp"
#include "actors/name_registry.hpp"
#include "actors/risk_guard.hpp"
#include "actors/storage_sink.hpp"
#include "core/order_book.hpp"
#include "messages/caf_errors.hpp"
#include "messages/risk.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "monitoring/logging.hpp"
#include "venues/sim/account.hpp"
#include "venues/sim/flow_log.hpp"
#include "venues/sim/paper_exchange.hpp"
#include "venues/sim/paper_journal.hpp"
#include "venues/sim/sim_venue.hpp"

namespace xarb {

namespace {

struct book_entry {
  order_book book;
  std::vector<caf::actor> subscribers;     ///< depth
  std::vector<caf::actor> top_subscribers; ///< top of book only
  std::vector<inline_hook> hooks;          ///< pairs deciding inline
  top_of_book last_top;                    ///< last one published
  funding_rate last_rate;                  ///< last one received (market watch)
  bool has_rate = false;
  timestamp_ns last_update = 0;
  bool stale = false;
  // Changed during this batch of events, published once the batch is
  // applied (conflation: one snapshot per symbol per tick).
  bool dirty = false;
  timestamp_ns dirty_exchange_ts = 0;
  timestamp_ns dirty_recv_ts = 0;
  uint64_t resyncs = 0;
  // REST snapshot budget refused: no resync before this time.
  timestamp_ns resync_retry_at = 0;
  uint64_t resyncs_deferred = 0;
  // REST-vs-WS consistency check.
  timestamp_ns next_check = 0;
  bool inconsistent = false;   ///< the last compared check failed
  uint64_t consistency_failures = 0;
  // Live venues: deltas applied since the last snapshot (checksum trust).
  uint64_t since_snapshot = 0;
  // What the status board and metrics last saw (they are refreshed at most
  // every status_interval_ns, or at once when `synced` flips).
  timestamp_ns status_at = 0;
  bool status_synced = false;
  bool status_known = false;
  // This book's gauges, looked up on first use and kept.
  prometheus::Gauge* synced_gauge = nullptr;
  prometheus::Gauge* last_update_gauge = nullptr;
};

/// Who gets an order's answers, and when its request reached us (0 once
/// its first answer went back, or for an order we did not send: cancels,
/// orders adopted through an account_query).
struct order_route {
  caf::actor owner;
  timestamp_ns received = 0;
};

/// Book freshness reaches the status board and metrics at this rate, not on
/// every update: that is a mutex and map look-ups off the hot path.
constexpr int64_t status_interval_ns = 100'000'000;

struct venue_session_state {
  static inline const char* name = "venue_session";

  venue_session_config cfg;
  actor_services svc;
  std::unique_ptr<sim::venue> venue;
  std::unique_ptr<sim::flow_log> flow;   ///< null: the exchange keeps no history
  // A real venue (cfg.live): its market data, and paper execution on it.
  // Exactly one of `venue` and `live` is set.
  std::unique_ptr<live_market> live;
  std::unique_ptr<sim::paper_exchange> paper;
  std::vector<sim::event> paper_events;  ///< fills of resting paper orders, applied after a batch
  std::unique_ptr<sim::paper_journal> journal; ///< null: the paper account is not kept
  bool paper_restored = false;           ///< the journal was replayed (after the first listing)
  bool checksums_trusted = true;         ///< false after repeated mismatches on fresh snapshots
  uint32_t checksum_strikes = 0;
  timestamp_ns last_malformed_log = 0;
  storage_sink_actor sink;               ///< where market data is recorded (record_market)
  std::map<std::string, book_entry, std::less<>> books;
  std::unordered_map<std::string, order_route> order_owners;
  health_state state = health_state::starting;
  std::string detail;
  std::vector<sim::event> events; // reused across ticks
  book_snapshot out;              // reused publication buffer
  std::shared_ptr<spdlog::logger> log;
  prometheus::Counter* processed = nullptr;
  std::optional<venue_metrics> vm; ///< this venue's series (null without services.metrics)
  std::shared_ptr<risk::venue_rate_limiter> limiter; ///< null without services.limits
  timestamp_ns last_frame = 0;    ///< last market-data frame (liveness)
  bool liveness_lost = false;
  book_snapshot check;            ///< reused by the consistency check
  market_watch watch;             ///< whole-market watchers (the scanner)
};

using self_ptr = venue_session_actor::stateful_pointer<venue_session_state>;

/// The venue's contracts: the simulator's, or a real venue's listing (empty
/// until it arrives).
const std::vector<instrument_spec>& instruments_of(const venue_session_state& st) {
  static const std::vector<instrument_spec> none;
  if (st.live)
    return st.live->instruments();
  return st.venue ? st.venue->instruments() : none;
}

timestamp_ns now_of(self_ptr self) {
  return self->state.cfg.clock();
}

/// An operational event of the venue: in the text log and on the board's
/// event log (/api/events, the events topic), so an operator sees resyncs,
/// stale books and storage failures without reading the log file.
template <class... Args>
void venue_event(venue_session_state& st, severity sev, fmt::format_string<Args...> f,
                 Args&&... args) {
  auto text = fmt::format(f, std::forward<Args>(args)...);
  if (st.log)
    st.log->log(level_of(sev), "{}", text);
  if (st.svc.board)
    st.svc.board->add_event(event{st.cfg.clock(), sev, "venue/" + st.cfg.venue, std::move(text)});
}

health_report make_report(self_ptr self) {
  auto& st = self->state;
  return health_report{venue_session_name(st.cfg.venue), st.state, st.detail,
                       now_of(self)};
}

/// Tells the risk guard (if one is registered) and the log.
void alert(self_ptr self, venue_alert_kind kind, std::string symbol, std::string detail) {
  auto& st = self->state;
  const bool bad = kind != venue_alert_kind::liveness_ok
                   && kind != venue_alert_kind::consistency_ok;
  if (st.log)
    st.log->log(bad ? spdlog::level::warn : spdlog::level::info, "venue {} {} alert {}: {}",
                st.cfg.venue, symbol.empty() ? "-" : symbol, to_string(kind), detail);
  if (!st.svc.registry)
    return;
  if (auto guard = st.svc.registry->get(risk_guard_name))
    caf::anon_send(caf::actor_cast<caf::actor>(guard),
                   venue_alert{st.cfg.venue, std::move(symbol), kind, std::move(detail),
                               now_of(self)});
}

/// A subscription to a symbol this venue does not list: tell the subscriber
/// instead of silently ignoring it.
void reject_unknown_symbol(self_ptr self, const caf::actor& sub,
                           const std::string& symbol) {
  caf::anon_send(sub, health_report{venue_session_name(self->state.cfg.venue),
                                    health_state::degraded,
                                    "unknown symbol " + symbol, now_of(self)});
}

void broadcast_health(self_ptr self) {
  auto report = make_report(self);
  for (auto& [symbol, entry] : self->state.books) {
    for (auto& sub : entry.subscribers)
      caf::anon_send(sub, report);
    for (auto& sub : entry.top_subscribers)
      caf::anon_send(sub, report);
  }
}

/// `due`: the caller knows the throttle interval has passed (the tick
/// flushing an update the throttle held back).
void publish_book_status(self_ptr self, const std::string& symbol,
                         book_entry& entry, bool due = false) {
  auto& st = self->state;
  bool synced = entry.book.synced() && !entry.stale;
  if (!due && entry.status_known && synced == entry.status_synced
      && entry.last_update - entry.status_at < status_interval_ns)
    return;
  entry.status_known = true;
  entry.status_synced = synced;
  entry.status_at = entry.last_update;
  if (st.svc.board) {
    // The best levels as of this update (zero levels while a side is empty
    // or the book is unsynced); book_level is trivially copyable.
    const bool live = entry.book.synced();
    const auto bid = live ? entry.book.best_bid().value_or(book_level{}) : book_level{};
    const auto ask = live ? entry.book.best_ask().value_or(book_level{}) : book_level{};
    st.svc.board->set_book(st.cfg.venue, symbol, synced, entry.last_update,
                           entry.book.seq(), bid, ask);
  }
  if (st.svc.metrics) {
    if (!entry.synced_gauge) {
      entry.synced_gauge = &st.svc.metrics->book_synced(st.cfg.venue, symbol);
      entry.last_update_gauge = &st.svc.metrics->book_last_update(st.cfg.venue, symbol);
    }
    entry.synced_gauge->Set(synced ? 1 : 0);
    entry.last_update_gauge->Set(static_cast<double>(entry.last_update) / 1e9);
  }
}

/// Book updates the status throttle held back reach the board once the
/// interval has passed, even if no further update comes to carry them.
void flush_book_status(self_ptr self, timestamp_ns now) {
  for (auto& [symbol, entry] : self->state.books)
    if (entry.status_known && entry.status_at != entry.last_update
        && now - entry.status_at >= status_interval_ns)
      publish_book_status(self, symbol, entry, true);
}

/// Recomputes the session state from its books and tells everyone if it
/// changed: syncing until every book has its first snapshot, ready while all
/// are synced and fresh, degraded while any is resyncing or stale.
void update_state(self_ptr self) {
  auto& st = self->state;
  std::size_t unsynced = 0;
  std::size_t stale = 0;
  bool ever_synced = true;
  for (auto& [symbol, entry] : st.books) {
    if (!entry.book.synced())
      ++unsynced;
    if (entry.stale)
      ++stale;
    if (entry.last_update == 0)
      ever_synced = false;
  }
  health_state next = health_state::ready;
  std::string detail;
  if (st.liveness_lost) {
    next = health_state::degraded;
    detail = "no market data for more than " + std::to_string(st.cfg.liveness_ns / 1'000'000)
             + " ms; ";
  }
  if (!ever_synced) {
    if (next != health_state::degraded)
      next = health_state::syncing;
    detail += std::to_string(unsynced) + " book(s) waiting for a snapshot";
  } else if (unsynced + stale > 0) {
    next = health_state::degraded;
    detail += std::to_string(unsynced) + " book(s) resyncing, "
              + std::to_string(stale) + " stale";
  } else if (!detail.empty()) {
    detail.resize(detail.size() - 2); // the "; " separator
  }
  if (next == st.state && detail == st.detail)
    return;
  if (st.log)
    st.log->info("venue {} state {} -> {} {}", st.cfg.venue,
                 to_string(st.state), to_string(next), detail);
  st.state = next;
  st.detail = detail;
  st.watch.note_state();
  if (st.svc.board)
    st.svc.board->set_venue_state(st.cfg.venue, st.state, st.detail);
  if (st.svc.metrics)
    st.svc.metrics->set_venue_state(st.cfg.venue, st.state);
  broadcast_health(self);
}

/// Sends a top_of_book to the top subscribers if the best bid or ask changed.
void publish_top(self_ptr self, const std::string& symbol, book_entry& entry,
                 timestamp_ns exchange_ts, timestamp_ns recv_ts, bool force) {
  auto& st = self->state;
  if (entry.top_subscribers.empty() && st.watch.empty())
    return;
  auto bid = entry.book.best_bid().value_or(book_level{});
  auto ask = entry.book.best_ask().value_or(book_level{});
  auto& top = entry.last_top;
  if (!force && top.bid == bid && top.ask == ask)
    return;
  top.venue = st.cfg.venue;
  top.symbol = symbol;
  top.seq = entry.book.seq();
  top.bid = bid;
  top.ask = ask;
  top.exchange_ts = exchange_ts;
  top.recv_ts = recv_ts;
  for (auto& sub : entry.top_subscribers)
    caf::anon_send(sub, top);
  st.watch.note_top(top);
}

bool hooked(const book_entry& entry, const caf::actor& sub) {
  for (auto& h : entry.hooks)
    if (h.host->trader == sub)
      return true;
  return false;
}

/// Runs the inline decisions of the pairs hooked on this book. A pair whose
/// engine throws loses its hook and its trader is killed (its supervisor
/// restarts it): a strategy fault never takes the venue session down.
void run_hooks(self_ptr self, book_entry& entry, const book_snapshot& snap, bool timed) {
  auto& st = self->state;
  std::erase_if(entry.hooks, [](const inline_hook& h) { return !h.host->alive; });
  for (auto& hook : entry.hooks) {
    auto& h = *hook.host;
    try {
      std::lock_guard guard{h.mtx};
      const auto now = now_of(self);
      if (decide_inline(h, hook.leg, snap, now) && timed && h.tick_to_decision
          && snap.recv_ts > 0)
        h.tick_to_decision->Observe(static_cast<double>(now_of(self) - snap.recv_ts) / 1e9);
    } catch (const std::exception& e) {
      if (st.log)
        st.log->error("venue {} {}: inline decision of pair {} failed: {}", st.cfg.venue,
                      snap.symbol, h.id, e.what());
      h.alive = false;
      caf::anon_send_exit(h.trader, caf::exit_reason::kill);
    }
  }
}

void publish_depth(self_ptr self, const std::string& symbol, book_entry& entry,
                   timestamp_ns exchange_ts, timestamp_ns recv_ts) {
  auto& st = self->state;
  publish_top(self, symbol, entry, exchange_ts, recv_ts, false);
  if (entry.subscribers.empty())
    return;
  auto& out = st.out;
  bool built = false;
  for (auto& sub : entry.subscribers) {
    if (!entry.hooks.empty() && hooked(entry, sub))
      continue; // that pair decided inline when the update was applied
    if (!built) {
      entry.book.to_snapshot(out, st.cfg.depth_levels);
      out.venue = st.cfg.venue;
      out.symbol = symbol;
      out.exchange_ts = exchange_ts;
      out.recv_ts = recv_ts;
      built = true;
    }
    caf::anon_send(sub, out);
  }
}

/// Inline pairs decide on every applied update at once, one frame at a
/// time, before the rest of the batch (their path is the latency-critical
/// one); message subscribers get the conflated state at the end of it.
void decide_now(self_ptr self, const std::string& symbol, book_entry& entry,
                timestamp_ns exchange_ts, timestamp_ns recv_ts, bool timed = true) {
  if (entry.hooks.empty() || !entry.book.synced())
    return;
  auto& st = self->state;
  auto& out = st.out;
  entry.book.to_snapshot(out, st.cfg.depth_levels);
  out.venue = st.cfg.venue;
  out.symbol = symbol;
  out.exchange_ts = exchange_ts;
  out.recv_ts = recv_ts;
  run_hooks(self, entry, out, timed);
}

void mark_dirty(book_entry& entry, timestamp_ns exchange_ts, timestamp_ns recv_ts) {
  entry.dirty = true;
  entry.dirty_exchange_ts = exchange_ts;
  entry.dirty_recv_ts = recv_ts;
}

/// Publishes every book changed since the last call. Subscribers get the
/// state after the whole batch: nothing of the batch is left to do after
/// the first message goes out, so a subscriber on the same worker starts
/// at once.
void publish_dirty(self_ptr self) {
  for (auto& [symbol, entry] : self->state.books) {
    if (!entry.dirty)
      continue;
    entry.dirty = false;
    if (entry.book.synced())
      publish_depth(self, symbol, entry, entry.dirty_exchange_ts, entry.dirty_recv_ts);
  }
}

/// The book of `symbol` is not usable: watchers drop its top, and the next
/// top after it recovers goes out even if the prices did not change.
void forget_top(venue_session_state& st, const std::string& symbol, book_entry& entry) {
  entry.last_top.bid = {};
  entry.last_top.ask = {};
  st.watch.note_unsynced(symbol);
}

/// REST-style resync: fetch a full snapshot and replace the book. The
/// snapshot takes the key's request budget: when it is refused the book
/// stays unsynced and the resync waits for the limiter's retry_at.
/// `paid`: the caller already took the budget of this snapshot.
/// Market data as received (snapshots, deltas, resync snapshots) goes to the
/// storage sink for later replay when cfg.record_market is on.
template <class Frame>
void record_frame(self_ptr self, const Frame& x) {
  auto& st = self->state;
  if (st.cfg.record_market && st.sink)
    caf::anon_send(st.sink, x);
}

void resync(self_ptr self, const std::string& symbol, book_entry& entry,
            std::string_view why, bool paid = false) {
  auto& st = self->state;
  entry.book.clear();
  forget_top(st, symbol, entry);
  const auto start = now_of(self);
  if (st.live) {
    // A real venue: the fresh snapshot comes later (REST bridge or
    // resubscribe, paced by the venue's request budget), as market data.
    if (st.paper)
      st.paper->on_book_lost(symbol);
    if (!st.live->resync(symbol, start))
      return; // already under way (the tick asks again until it heals)
    ++entry.resyncs;
    venue_event(st, severity::warning, "venue {} {}: {} -> resync #{}", st.cfg.venue, symbol,
                why, entry.resyncs);
    if (st.vm)
      st.vm->resyncs->Increment();
    if (st.svc.board)
      st.svc.board->count_resync(st.cfg.venue);
    return;
  }
  if (start < entry.resync_retry_at)
    return; // deferred: the tick retries once the budget allows
  if (st.limiter && !paid) {
    auto d = st.limiter->acquire(risk::endpoint::snapshot, start);
    if (!d) {
      entry.resync_retry_at = std::max(d.retry_at, start + 1);
      ++entry.resyncs_deferred;
      venue_event(st, severity::warning, "venue {} {}: {} -> resync deferred #{} ({}), retry in {} ms",
                  st.cfg.venue, symbol, why, entry.resyncs_deferred, d.reason,
                  (entry.resync_retry_at - start) / 1'000'000);
      if (st.svc.metrics)
        st.svc.metrics->book_resyncs_deferred(st.cfg.venue).Increment();
      return;
    }
  }
  ++entry.resyncs;
  venue_event(st, severity::warning, "venue {} {}: {} -> resync #{}", st.cfg.venue, symbol, why,
              entry.resyncs);
  if (st.vm)
    st.vm->resyncs->Increment();
  if (st.svc.board)
    st.svc.board->count_resync(st.cfg.venue);
  auto snap = st.venue->snapshot(symbol);
  auto now = now_of(self);
  snap.recv_ts = now;
  record_frame(self, snap);
  if (auto ec = entry.book.apply(snap); ec != error_code::none) {
    venue_event(st, severity::error, "venue {} {}: resync snapshot rejected: {}", st.cfg.venue,
                symbol, to_string(ec));
    return; // stays unsynced; the next tick tries again
  }
  entry.last_update = now;
  entry.stale = false;
  mark_dirty(entry, snap.exchange_ts, now);
  decide_now(self, symbol, entry, snap.exchange_ts, now);
}

/// Sends an order's answer to its owner. The first answer to an order we
/// submitted ends its round trip: observed in ms on the board and in
/// seconds in xarb_venue_order_latency_seconds (session clock, so for the
/// simulated venue it is the time the session and the matching engine took).
void route_order_event(self_ptr self, const std::string& client_id,
                       const caf::message& msg, bool final) {
  auto& st = self->state;
  auto& owners = st.order_owners;
  auto i = owners.find(client_id);
  if (i == owners.end())
    return;
  caf::anon_send(i->second.owner, msg);
  if (i->second.received != 0) {
    const auto ns = std::max<timestamp_ns>(now_of(self) - i->second.received, 0);
    i->second.received = 0;
    if (st.svc.board)
      st.svc.board->add_latency(st.cfg.venue, static_cast<double>(ns) / 1e6);
    if (st.vm)
      st.vm->order_latency->Observe(static_cast<double>(ns) / 1e9);
  }
  if (final)
    owners.erase(i);
}

/// The venue's answer to a request over its limits: "HTTP 429" (rate
/// limited) or "HTTP 418" (banned). The shared limiter backs the key off,
/// the guard hears of it.
void on_rate_limited(self_ptr self, const order_reject& r, timestamp_ns now) {
  auto& st = self->state;
  const bool ban = r.reason.rfind("HTTP 418", 0) == 0;
  if (!ban && r.reason.rfind("HTTP 429", 0) != 0)
    return; // our own limiter's refusal, not the venue's answer
  if (st.limiter) {
    if (ban)
      st.limiter->on_http_418(now);
    else
      st.limiter->on_http_429(now);
  }
  alert(self, ban ? venue_alert_kind::banned : venue_alert_kind::rate_limited, "",
        r.reason + " (" + r.client_id + " " + r.symbol + ")");
}

/// A rate-limited cancel leaves the order open at the venue: its owner must
/// still get its fills and its final state.
bool still_open(self_ptr self, const order_reject& r) {
  auto& st = self->state;
  if (r.code != error_code::rate_limited || !st.books.count(r.symbol))
    return false;
  const auto& open = st.paper ? st.paper->open_orders(r.symbol) : st.venue->open_orders(r.symbol);
  for (auto& o : open)
    if (o.client_id == r.client_id)
      return true;
  return false;
}

/// A market-data frame arrived: the stream is alive.
void note_frame(self_ptr self, timestamp_ns recv_ts) {
  auto& st = self->state;
  st.last_frame = recv_ts;
  if (st.liveness_lost) {
    st.liveness_lost = false;
    alert(self, venue_alert_kind::liveness_ok, "", "market data flowing again");
  }
}

/// The checksum a real venue (OKX, Bitget) sent with a delta, checked on
/// the book after applying it: false when they disagree (resync). A venue
/// whose number formatting differs from ours would disagree forever, so
/// repeated mismatches on the first delta after a fresh snapshot switch the
/// check off for this session (reported; sequence checks remain).
bool checksum_ok(self_ptr self, const std::string& symbol, book_entry& entry,
                 std::optional<int32_t> theirs) {
  auto& st = self->state;
  if (!theirs || !st.live || !st.checksums_trusted)
    return true;
  entry.book.to_snapshot(st.check, 25);
  auto ours = st.live->checksum_of(symbol, st.check);
  if (!ours)
    return true; // a level not exact in native units: cannot judge
  const bool first = entry.since_snapshot == 1;
  if (*ours == *theirs) {
    if (first)
      st.checksum_strikes = 0;
    return true;
  }
  if (first && ++st.checksum_strikes >= 3) {
    st.checksums_trusted = false;
    venue_event(st, severity::error,
                "venue {}: book checksums disagree right after {} fresh snapshots (ours {}, "
                "theirs {}): the venue formats its numbers differently; checksum "
                "verification is off for this session, sequence checks remain",
                st.cfg.venue, st.checksum_strikes, *ours, *theirs);
    return true;
  }
  return false;
}

/// Applies the events the venue released. `recv_ts` is when the session took
/// them in (a real venue: the socket read), which starts the tick-to-decision
/// clock; the venue's own exchange_ts is kept.
void handle_events(self_ptr self, timestamp_ns recv_ts) {
  auto& st = self->state;
  for (auto& ev : st.events) {
    std::visit(
      [&](auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, book_snapshot>) {
          if (!st.live)
            x.recv_ts = recv_ts; // a real venue's frames carry their socket read time
          note_frame(self, recv_ts);
          record_frame(self, x);
          auto i = st.books.find(x.symbol);
          if (i == st.books.end()) {
            if (st.vm)
              st.vm->drop(md_drop_reason::unknown_symbol);
            return;
          }
          auto& entry = i->second;
          if (auto ec = entry.book.apply(x); ec != error_code::none) {
            if (st.vm)
              st.vm->drop(drop_reason_of(ec));
            resync(self, x.symbol, entry, to_string(ec));
          } else {
            if (st.vm)
              st.vm->book_updates->Increment();
            entry.last_update = x.recv_ts;
            entry.stale = false;
            entry.since_snapshot = 0;
            mark_dirty(entry, x.exchange_ts, x.recv_ts);
            decide_now(self, x.symbol, entry, x.exchange_ts, x.recv_ts);
            if (st.paper)
              st.paper->on_book(x.symbol, entry.book, x.recv_ts, st.paper_events);
          }
          publish_book_status(self, x.symbol, entry);
        } else if constexpr (std::is_same_v<T, book_delta>) {
          // Every live delta has its checksum slot, whatever becomes of it.
          const auto checksum = st.live ? st.live->take_checksum() : std::nullopt;
          if (!st.live)
            x.recv_ts = recv_ts;
          note_frame(self, recv_ts);
          record_frame(self, x);
          auto i = st.books.find(x.symbol);
          if (i == st.books.end()) {
            if (st.vm)
              st.vm->drop(md_drop_reason::unknown_symbol);
            return;
          }
          auto& entry = i->second;
          auto before = entry.book.seq();
          auto ec = entry.book.apply(x);
          if (ec == error_code::none) {
            if (entry.book.seq() == before) {
              if (st.vm)
                st.vm->drop(md_drop_reason::stale); // duplicate or old: ignored
            } else if (++entry.since_snapshot; !checksum_ok(self, x.symbol, entry, checksum)) {
              if (st.vm)
                st.vm->drop(md_drop_reason::checksum);
              resync(self, x.symbol, entry, "checksum mismatch");
            } else {
              if (st.vm)
                st.vm->book_updates->Increment();
              entry.last_update = x.recv_ts;
              entry.stale = false;
              mark_dirty(entry, x.exchange_ts, x.recv_ts);
              decide_now(self, x.symbol, entry, x.exchange_ts, x.recv_ts);
              if (st.paper)
                st.paper->on_book(x.symbol, entry.book, x.recv_ts, st.paper_events);
            }
          } else {
            if (st.vm)
              st.vm->drop(drop_reason_of(ec));
            resync(self, x.symbol, entry, to_string(ec));
          }
          publish_book_status(self, x.symbol, entry);
        } else if constexpr (std::is_same_v<T, funding_rate>) {
          note_frame(self, recv_ts);
          auto i = st.books.find(x.symbol);
          if (i != st.books.end()) {
            if (st.paper)
              st.paper->on_funding(x, st.live->mark_of(x.symbol));
            i->second.last_rate = x;
            i->second.has_rate = true;
            st.watch.note_rate(x);
            for (auto& sub : i->second.subscribers)
              caf::anon_send(sub, x);
          }
        } else if constexpr (std::is_same_v<T, funding_payment>) {
          auto i = st.books.find(x.symbol);
          if (i != st.books.end())
            for (auto& sub : i->second.subscribers)
              caf::anon_send(sub, x);
        } else if constexpr (std::is_same_v<T, order_fill>) {
          if (st.vm) {
            st.vm->fill(x.liq);
            if (x.leaves_qty.is_zero())
              st.vm->order(venue_order_result::filled);
          }
          route_order_event(self, x.client_id, caf::make_message(x),
                            x.leaves_qty.is_zero());
        } else if constexpr (std::is_same_v<T, order_reject>) {
          if (st.vm)
            st.vm->order(venue_order_result::rejected);
          if (x.code == error_code::rate_limited)
            on_rate_limited(self, x, recv_ts);
          const bool open = still_open(self, x);
          route_order_event(self, x.client_id, caf::make_message(x), !open);
        } else if constexpr (std::is_same_v<T, order_cancelled>) {
          if (st.vm)
            st.vm->order(venue_order_result::cancelled);
          route_order_event(self, x.client_id, caf::make_message(x), true);
        } else {
          static_assert(std::is_same_v<T, order_ack>);
          if (st.vm)
            st.vm->order(venue_order_result::accepted);
          route_order_event(self, x.client_id, caf::make_message(x), false);
        }
      },
      ev);
  }
  st.events.clear();
  // Paper orders the live book just filled: their fills go out like any
  // venue answer (they may in turn change nothing in the books).
  if (!st.paper_events.empty()) {
    std::swap(st.events, st.paper_events);
    handle_events(self, recv_ts);
  }
}

void check_staleness(self_ptr self, timestamp_ns now) {
  auto& st = self->state;
  for (auto& [symbol, entry] : st.books) {
    bool stale = entry.last_update != 0
                 && now - entry.last_update > st.cfg.stale_after_ns;
    if (stale != entry.stale) {
      entry.stale = stale;
      if (stale)
        forget_top(st, symbol, entry);
      venue_event(st, stale ? severity::warning : severity::info, "venue {} {}: book {}",
                  st.cfg.venue, symbol, stale ? "stale" : "fresh again");
      publish_book_status(self, symbol, entry);
    }
  }
}

void check_liveness(self_ptr self, timestamp_ns now) {
  auto& st = self->state;
  if (st.cfg.liveness_ns <= 0 || st.liveness_lost || now - st.last_frame <= st.cfg.liveness_ns)
    return;
  st.liveness_lost = true;
  alert(self, venue_alert_kind::liveness_lost, "",
        "no market-data frame for more than " + std::to_string(st.cfg.liveness_ns / 1'000'000)
          + " ms (last at " + std::to_string(st.last_frame) + ")");
}

std::string level_text(const std::vector<book_level>& side, std::size_t k) {
  if (k >= side.size())
    return "none";
  return side[k].px.to_string() + " x " + side[k].qty.to_string();
}

/// "" if the top `depth` levels agree, else the first differing level.
std::string first_difference(const book_snapshot& ours, const book_snapshot& rest,
                             std::size_t depth) {
  for (int s = 0; s < 2; ++s) {
    const auto& a = s == 0 ? ours.bids : ours.asks;
    const auto& b = s == 0 ? rest.bids : rest.asks;
    for (std::size_t k = 0; k < depth && (k < a.size() || k < b.size()); ++k) {
      if (k < a.size() && k < b.size() && a[k] == b[k])
        continue;
      return std::string{s == 0 ? "bid" : "ask"} + " level " + std::to_string(k) + ": stream "
             + level_text(a, k) + ", rest " + level_text(b, k) + " (seq "
             + std::to_string(rest.seq) + ")";
    }
  }
  return {};
}

/// REST-vs-WS check: a sequence check cannot see a level the stream got
/// wrong; only comparing with the venue's own book can.
void check_consistency(self_ptr self, timestamp_ns now) {
  auto& st = self->state;
  // A real venue's REST snapshot is seldom at the stream's exact sequence:
  // its books are guarded by sequence rules, checksums and resyncs instead.
  if (st.cfg.consistency_interval_ns <= 0 || st.live)
    return;
  for (auto& [symbol, entry] : st.books) {
    if (!entry.book.synced() || entry.stale || now < entry.next_check)
      continue;
    entry.next_check = now + st.cfg.consistency_interval_ns;
    if (st.limiter && !st.limiter->acquire(risk::endpoint::snapshot, now))
      continue; // no budget: skip this round
    const auto rest = st.venue->snapshot(symbol);
    if (rest.seq != entry.book.seq())
      continue; // the stream is behind or ahead: not comparable, not a failure
    entry.book.to_snapshot(st.check, st.cfg.depth_levels);
    auto diff = first_difference(st.check, rest, st.cfg.depth_levels);
    if (diff.empty()) {
      if (entry.inconsistent) {
        entry.inconsistent = false;
        alert(self, venue_alert_kind::consistency_ok, symbol,
              "stream matches REST at seq " + std::to_string(rest.seq));
      }
      continue;
    }
    entry.inconsistent = true;
    ++entry.consistency_failures;
    venue_event(st, severity::error, "venue {} {}: book differs from the REST snapshot: {}",
                st.cfg.venue, symbol, diff);
    if (st.svc.metrics)
      st.svc.metrics->book_consistency_failures(st.cfg.venue, symbol).Increment();
    alert(self, venue_alert_kind::consistency_failed, symbol, diff);
    // The snapshot just fetched is the resync's (sim: the same call again).
    resync(self, symbol, entry, "consistency check failed", true);
    publish_book_status(self, symbol, entry);
  }
}


/// Creates the simulated exchange. With a flow log it is rebuilt from its
/// history (replayed, then caught up to `now`: what happened meanwhile stays
/// the exchange's, as on a real venue) and every book is seeded from the
/// exchange's current snapshot; without history it starts now and its start
/// is recorded. Throws std::runtime_error when the log cannot be used (the
/// exchange's history would be lost: the operator decides).
void open_venue(self_ptr self, timestamp_ns now) {
  auto& st = self->state;
  auto world = st.cfg.world;
  if (st.cfg.flow_path.empty()) {
    st.venue = std::make_unique<sim::venue>(world, st.cfg.venue);
    return;
  }
  auto opened = sim::flow_log::open(st.cfg.flow_path, st.cfg.venue, st.cfg.flow_sync);
  if (!opened)
    throw std::runtime_error("venue " + st.cfg.venue + ": " + opened.error().message);
  st.flow = std::move(*opened);
  if (st.flow->torn_bytes() > 0 && st.log)
    st.log->warn("venue {}: flow log {}: dropped a torn last record ({} bytes)", st.cfg.venue,
                 st.cfg.flow_path, st.flow->torn_bytes());
  if (st.flow->world_start() == 0) {
    st.venue = std::make_unique<sim::venue>(world, st.cfg.venue);
    st.venue->advance(now, st.events); // starts it; the first tick handles the events
    if (auto err = st.flow->set_start(world.start_ts != 0 ? world.start_ts
                                                          : st.venue->start_time(),
                                      st.venue->started_at()))
      throw std::runtime_error("venue " + st.cfg.venue + ": " + err.message);
    return;
  }
  world.start_ts = st.flow->world_start();
  st.venue = std::make_unique<sim::venue>(world, st.cfg.venue);
  st.flow->replay(*st.venue);
  std::vector<sim::event> past;
  st.venue->advance(now, past);
  for (auto& [symbol, entry] : st.books) {
    auto snap = st.venue->snapshot(symbol);
    snap.recv_ts = now;
    if (entry.book.apply(snap) == error_code::none)
      entry.last_update = now;
  }
  if (st.log)
    st.log->info("venue {}: exchange rebuilt from {} ({} requests replayed)", st.cfg.venue,
                 st.cfg.flow_path, st.flow->records().size());
}

/// Appends a request to the flow log before the venue sees it. False (and
/// the order answered with a reject) if the append failed.
template <class Request>
bool log_request(self_ptr self, const Request& r, timestamp_ns now) {
  auto& st = self->state;
  if (!st.flow)
    return true;
  error_info err;
  if constexpr (std::is_same_v<Request, order_intent>)
    err = st.flow->append_submit(r, now);
  else
    err = st.flow->append_cancel(r, now);
  if (!err)
    return true;
  venue_event(st, severity::error, "venue {}: flow log append failed, request {} refused: {}",
              st.cfg.venue, r.client_id, err.message);
  st.events.emplace_back(order_reject{r.client_id, st.cfg.venue, r.symbol, error_code::io_error,
                                      "venue unavailable: " + err.message, now});
  return false;
}

/// The whole market for a (new) watcher: specs, every fresh top, every rate.
market_watch_batch full_batch(self_ptr self) {
  auto& ss = self->state;
  market_watch_batch full;
  full.venue = ss.cfg.venue;
  full.state = ss.state;
  full.ts = now_of(self);
  full.specs = instruments_of(ss);
  for (auto& [symbol, entry] : ss.books) {
    if (entry.has_rate)
      full.rates.push_back(entry.last_rate);
    auto bid = entry.book.best_bid();
    auto ask = entry.book.best_ask();
    if (!entry.book.synced() || entry.stale || !bid || !ask)
      continue;
    // What later deltas are compared with: the watcher's view.
    auto& top = entry.last_top;
    top = top_of_book{ss.cfg.venue, symbol, entry.book.seq(), *bid, *ask,
                      entry.book.last_update(), entry.last_update};
    full.tops.push_back(top);
  }
  return full;
}

/// The paper account as it was before the restart: replayed from the
/// journal once the first listing gave the contracts their rules, then
/// every account change is appended. A journal that does not fit the
/// venue is fatal for the session (like a damaged flow log): trading on a
/// silently different account would be worse.
void restore_paper(self_ptr self) {
  auto& st = self->state;
  st.paper_restored = true;
  const auto now = now_of(self);
  auto summary = st.paper->restore(st.journal->records(), now, st.events);
  auto* journal = st.journal.get();
  st.paper->set_recorder([self, journal](const sim::paper_record& r) {
    if (auto err = journal->append(r))
      venue_event(self->state, severity::error,
                  "venue {}: paper journal {}: append failed ({}); this change is not kept "
                  "across a restart",
                  self->state.cfg.venue, self->state.cfg.paper_path, err.message);
  });
  std::string unlisted;
  for (const auto& symbol : summary.unlisted)
    unlisted += (unlisted.empty() ? "; no longer listed: " : ", ") + symbol;
  if (summary.records > 0 || summary.expired > 0)
    venue_event(st, severity::info,
                "venue {}: paper account restored from {} ({} records, {} open orders, {} "
                "expired{})",
                st.cfg.venue, st.cfg.paper_path, summary.records, summary.open, summary.expired,
                unlisted);
}

/// What a real venue's message meant for the session: its notes go to the
/// event log; the listing creates the books and reaches subscribers and
/// watchers; a lost books connection unsyncs every book until it is back.
void apply_outcome(self_ptr self, live_market::outcome& out) {
  auto& st = self->state;
  for (auto& note : out.notes)
    venue_event(st, severity::warning, "venue {}: {}", st.cfg.venue, note);
  if (out.listed) {
    const auto& specs = st.live->instruments();
    if (st.svc.board)
      st.svc.board->set_instruments(st.cfg.venue, specs);
    try {
      st.paper->add_instruments(specs);
    } catch (const std::exception& e) {
      venue_event(st, severity::error, "venue {}: paper trading refuses a contract: {}",
                  st.cfg.venue, e.what());
    }
    if (st.journal && !st.paper_restored)
      restore_paper(self);
    for (const auto& spec : specs) {
      auto [i, fresh] = st.books.try_emplace(spec.symbol);
      for (auto& sub : i->second.subscribers)
        caf::anon_send(sub, spec);
      if (fresh)
        publish_book_status(self, spec.symbol, i->second);
    }
    venue_event(st, severity::info, "venue {}: {} listing received, {} book(s) watched",
                st.cfg.venue, st.cfg.live->adapter, specs.size());
    for (auto& watcher : st.watch.watchers())
      market_watch::send_full(watcher, full_batch(self));
    update_state(self);
  }
  if (out.books_down) {
    for (auto& [symbol, entry] : st.books) {
      entry.book.clear();
      forget_top(st, symbol, entry);
      st.paper->on_book_lost(symbol);
      publish_book_status(self, symbol, entry);
    }
    update_state(self);
  }
  if (out.kind == venues::frame_kind::malformed) {
    if (st.vm)
      st.vm->drop(md_drop_reason::malformed);
    // Counted always, logged at most every 10 s: a broken stream must not
    // flood the event log.
    const auto now = now_of(self);
    if (now - st.last_malformed_log >= 10'000'000'000) {
      st.last_malformed_log = now;
      venue_event(st, severity::warning, "venue {}: malformed frame skipped ({} so far): {}",
                  st.cfg.venue, st.live->stats().malformed, out.error);
    }
  } else if (out.kind == venues::frame_kind::error) {
    venue_event(st, severity::warning, "venue {} reports an error: {}", st.cfg.venue, out.error);
  }
}

venue_session_actor::behavior_type venue_session_impl(self_ptr self,
                                                      venue_session_config cfg,
                                                      actor_services svc) {
  auto& st = self->state;
  if (!cfg.clock)
    cfg.clock = wall_clock_ns;
  st.cfg = std::move(cfg);
  st.svc = svc;
  st.log = log::get("venue_session");
  install_exception_logging(self, "venue_session", venue_session_name(st.cfg.venue));
  // An unknown venue name is a configuration error: quit loudly.
  const auto start = now_of(self);
  if (st.cfg.live) {
    // A real venue: the configured books exist at once (subscribers are not
    // refused while the listing is on its way); the others come with it.
    for (const auto& symbol : st.cfg.live->symbols)
      st.books.emplace(symbol, book_entry{});
    st.paper = std::make_unique<sim::paper_exchange>(st.cfg.venue);
    if (!st.cfg.paper_path.empty()) {
      auto opened = sim::paper_journal::open(st.cfg.paper_path, st.cfg.venue, st.cfg.paper_sync);
      if (!opened)
        throw std::runtime_error("venue " + st.cfg.venue + ": " + opened.error().message);
      st.journal = std::move(*opened);
      if (st.journal->torn_bytes() > 0)
        venue_event(st, severity::warning,
                    "venue {}: paper journal {}: dropped a torn last record ({} bytes)",
                    st.cfg.venue, st.cfg.paper_path, st.journal->torn_bytes());
    }
    st.live = std::make_unique<live_market>(st.cfg.venue, *st.cfg.live,
                                            caf::actor_cast<caf::actor>(self), st.events);
    st.live->start(start);
  } else {
    // The books exist before the venue: a rebuilt exchange seeds them.
    {
      const sim::venue listing{st.cfg.world, st.cfg.venue};
      for (const auto& spec : listing.instruments())
        st.books.emplace(spec.symbol, book_entry{});
    }
    open_venue(self, start);
    if (st.cfg.venue_hook)
      st.cfg.venue_hook(*st.venue);
  }
  if (st.svc.limits)
    st.limiter = st.svc.limits->get(st.cfg.venue, st.cfg.key_id, st.cfg.rate_limits, start);
  // Silence counts from when the venue's stream can first speak.
  st.last_frame = st.live ? start : std::max(start, st.cfg.world.start_ts);
  const auto n = static_cast<int64_t>(instruments_of(st).size());
  int64_t k = 0;
  for (auto& spec : instruments_of(st)) {
    // Checks staggered over one interval: REST snapshots do not come in bursts.
    st.books[spec.symbol].next_check
      = start + st.cfg.consistency_interval_ns * ++k / std::max<int64_t>(n, 1);
  }
  if (st.svc.metrics) {
    st.processed = &st.svc.metrics->messages_processed("venue_session");
    st.vm = st.svc.metrics->venue(st.cfg.venue);
    st.vm->sessions->Increment();
  }
  st.state = health_state::starting;
  if (st.svc.board) {
    // Every start counts (restart by the supervisor, node restart): the
    // reconnects of /api/venues are sessions - 1.
    st.svc.board->count_session(st.cfg.venue);
    st.svc.board->set_venue_state(st.cfg.venue, health_state::starting, "");
    for (auto& [symbol, entry] : st.books)
      publish_book_status(self, symbol, entry);
  }
  update_state(self);
  self->attach_functor(
    [board = svc.board, metrics = svc.metrics, venue = st.cfg.venue](const caf::error&) {
      if (board)
        board->set_venue_state(venue, health_state::stopped, "");
      if (metrics)
        metrics->set_venue_state(venue, health_state::stopped);
    });
  if (st.cfg.record_market && st.svc.registry)
    st.svc.registry->watch(storage_sink_name, caf::actor_cast<caf::actor>(self));
  // Market watchers are monitored: one that dies is no longer fed.
  self->set_down_handler([self](caf::down_msg& dm) { self->state.watch.remove(dm.source); });
  self->send(self, atom::tick_v);
  auto count = [self] {
    if (self->state.processed)
      self->state.processed->Increment();
  };
  return {
    [=](atom::subscribe, const std::string& symbol, caf::actor sub) {
      count();
      auto i = self->state.books.find(symbol);
      if (i == self->state.books.end()) {
        reject_unknown_symbol(self, sub, symbol);
        return;
      }
      auto& subs = i->second.subscribers;
      if (std::find(subs.begin(), subs.end(), sub) == subs.end())
        subs.push_back(sub);
      // Trading rules first: a pair trader decides nothing without them
      // (a real venue's come when its listing arrives).
      for (auto& spec : instruments_of(self->state))
        if (spec.symbol == symbol)
          caf::anon_send(sub, spec);
      caf::anon_send(sub, make_report(self));
      if (i->second.book.synced())
        publish_depth(self, symbol, i->second, i->second.book.last_update(),
                      i->second.last_update);
    },
    [=](atom::subscribe, atom::top, const std::string& symbol, caf::actor sub) {
      count();
      auto i = self->state.books.find(symbol);
      if (i == self->state.books.end()) {
        reject_unknown_symbol(self, sub, symbol);
        return;
      }
      auto& entry = i->second;
      auto& subs = entry.top_subscribers;
      if (std::find(subs.begin(), subs.end(), sub) == subs.end())
        subs.push_back(sub);
      caf::anon_send(sub, make_report(self));
      if (entry.book.synced()) {
        // Just this subscriber gets the current top at once.
        auto saved = std::exchange(subs, std::vector<caf::actor>{sub});
        publish_top(self, symbol, entry, entry.book.last_update(), entry.last_update, true);
        subs = std::move(saved);
      }
    },
    [=](atom::subscribe, inline_hook& hook) {
      count();
      auto i = self->state.books.find(hook.symbol);
      if (!hook.host || i == self->state.books.end())
        return;
      auto& hooks = i->second.hooks;
      std::erase_if(hooks, [&](const inline_hook& h) {
        return h.host == hook.host || !h.host->alive;
      });
      hooks.push_back(std::move(hook));
      // The pair starts from the current book, like a depth subscriber.
      // (Not a frame just received: kept out of the latency histogram.)
      decide_now(self, i->first, i->second, i->second.book.last_update(),
                 i->second.last_update, false);
    },
    [=](atom::subscribe, atom::watch, caf::actor watcher) {
      count();
      auto& ss = self->state;
      if (!ss.watch.add(watcher))
        return;
      self->monitor(watcher);
      // The whole market as it is now, then changes with every tick.
      market_watch::send_full(watcher, full_batch(self));
    },
    [=](atom::unsubscr, atom::watch, caf::actor watcher) {
      count();
      self->state.watch.remove(watcher.address());
    },
    [=](atom::unsubscr, const std::string& symbol, caf::actor sub) {
      count();
      auto i = self->state.books.find(symbol);
      if (i != self->state.books.end()) {
        std::erase(i->second.subscribers, sub);
        std::erase(i->second.top_subscribers, sub);
      }
    },
    [=](order_intent& o) {
      count();
      auto& s = self->state;
      // The round trip starts now: before the flow log and the venue.
      s.order_owners[o.client_id] =
        order_route{caf::actor_cast<caf::actor>(self->current_sender()), now_of(self)};
      if (s.paper) {
        // Paper on a real venue: against its live book, if we trust it.
        const auto now = std::max(now_of(self), s.paper->exchange_time());
        auto i = s.books.find(o.symbol);
        const order_book* book = i != s.books.end() && i->second.book.synced()
                                     && !i->second.stale
                                   ? &i->second.book
                                   : nullptr;
        s.paper->submit(o, book, now, s.events);
        handle_events(self, now);
        publish_dirty(self);
        return;
      }
      // The time the venue will use (it never goes back): logged as is, so
      // a replay applies the request at the same instant.
      const auto now = std::max(now_of(self), s.venue->exchange_time());
      if (log_request(self, o, now))
        s.venue->submit(o, now, s.events);
      handle_events(self, now);
      publish_dirty(self);
    },
    [=](cancel_request& c) {
      count();
      auto& s = self->state;
      if (!s.order_owners.count(c.client_id))
        s.order_owners[c.client_id].owner = caf::actor_cast<caf::actor>(self->current_sender());
      if (s.paper) {
        const auto now = std::max(now_of(self), s.paper->exchange_time());
        s.paper->cancel(c, now, s.events);
        handle_events(self, now);
        publish_dirty(self);
        return;
      }
      const auto now = std::max(now_of(self), s.venue->exchange_time());
      if (log_request(self, c, now))
        s.venue->cancel(c, now, s.events);
      handle_events(self, now);
      publish_dirty(self);
    },
    [=](atom::rebound, const std::string& name, caf::strong_actor_ptr ptr) {
      if (name == storage_sink_name)
        self->state.sink = caf::actor_cast<storage_sink_actor>(ptr);
    },
    [=](account_query& q) -> caf::result<account_report> {
      count();
      auto& s = self->state;
      if (!s.books.count(q.symbol))
        return to_caf_error({error_code::unknown_symbol,
                             "venue " + s.cfg.venue + " does not list " + q.symbol});
      const auto sender = caf::actor_cast<caf::actor>(self->current_sender());
      auto r = s.paper ? sim::account_of(*s.paper, q, now_of(self))
                       : sim::account_of(*s.venue, q, now_of(self));
      // What happens to these orders from now on goes to the asker (after a
      // restart of either side nobody else knows them).
      for (const auto* list : {&r.orders, &r.orphans})
        for (const auto& o : *list)
          if (o.known && sender)
            s.order_owners[o.client_id].owner = sender;
      if (s.log)
        s.log->info("venue {}: account report for {}: position {}, {} orders asked, {} "
                    "orphans, {} funding payments",
                    s.cfg.venue, q.symbol, r.pos.qty.to_string(), r.orders.size(),
                    r.orphans.size(), r.funding.size());
      return r;
    },
    [=](atom::status) { return make_report(self); },
    [=](atom::tick) {
      count();
      auto& s = self->state;
      // Re-arm first: the timer's cost is not added to this tick's latency.
      self->delayed_send(self, s.cfg.tick_interval, atom::tick_v);
      auto now = now_of(self);
      if (s.live) {
        s.live->tick(now, s.limiter.get());
        s.paper->advance(now, s.events); // funding settlements due
      } else {
        s.venue->advance(now, s.events);
      }
      // The frames are in our hands now (a real venue: the socket read);
      // generating them was the exchange's work.
      auto recv = now_of(self);
      handle_events(self, recv);
      check_staleness(self, recv);
      for (auto& [symbol, entry] : s.books)
        if (!entry.book.synced() && entry.last_update != 0 && recv >= entry.resync_retry_at) {
          resync(self, symbol, entry, "book not synced");
          publish_book_status(self, symbol, entry);
        }
      check_liveness(self, recv);
      check_consistency(self, recv);
      flush_book_status(self, recv);
      update_state(self);
      // Last: subscribers on this worker run as soon as we return.
      publish_dirty(self);
      s.watch.flush(s.cfg.venue, s.state, recv);
    },
    [=](atom::resync, const std::string& symbol) {
      count();
      auto i = self->state.books.find(symbol);
      if (i != self->state.books.end()) {
        resync(self, symbol, i->second, "requested");
        publish_book_status(self, symbol, i->second);
        update_state(self);
        publish_dirty(self);
        self->state.watch.flush(self->state.cfg.venue, self->state.state, now_of(self));
      }
    },
    [=](md_frame& f) {
      count();
      auto& s = self->state;
      if (!s.live)
        return;
      auto out = s.live->on_frame(f);
      apply_outcome(self, out);
      handle_events(self, f.recv_ts);
      publish_dirty(self);
    },
    [=](md_link& l) {
      count();
      auto& s = self->state;
      if (!s.live)
        return;
      auto out = s.live->on_link(l);
      if (l.up)
        venue_event(s, severity::info, "venue {}: connection {} open", s.cfg.venue, l.conn);
      apply_outcome(self, out);
    },
    [=](rest_reply& r) {
      count();
      auto& s = self->state;
      if (!s.live)
        return;
      auto out = s.live->on_rest(r, now_of(self), s.limiter.get());
      apply_outcome(self, out);
      handle_events(self, now_of(self));
      publish_dirty(self);
    },
    [=](atom::crash) -> void {
      throw std::runtime_error("venue_session " + self->state.cfg.venue
                               + ": crash requested");
    },
  };
}

} // namespace

std::string venue_session_name(const std::string& venue) {
  return "venue/" + venue;
}

venue_session_actor spawn_venue_session(caf::actor_system& sys,
                                        venue_session_config cfg,
                                        actor_services services) {
  return sys.spawn(venue_session_impl, std::move(cfg), services);
}

} // namespace xarb
