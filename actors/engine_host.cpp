#include "actors/engine_host.hpp"

#include "monitoring/status_board.hpp"
#include "actors/failpoint.hpp"

#include <algorithm>

#include <caf/send.hpp>
#include <fmt/format.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include "actors/storage/store.hpp"
#include "actors/storage_sink.hpp"
#include "monitoring/logging.hpp"

namespace xarb {

namespace {

constexpr const char* storage_halt_text = "storage failure: new entries halted, hedging continues";

/// Records the outcome of one write to the store: the first failure blocks
/// new entries, the first success after failures lifts the block.
void note_storage(engine_host& h, const error_info& err, storage::family fam,
                  timestamp_ns now, std::size_t records = 1) {
  auto& gate = h.engine->gate();
  if (!err) {
    if (h.storage_stats)
      h.storage_stats->records(fam).Increment(static_cast<double>(records));
    if (gate.local_block()) {
      gate.clear_local_block();
      h.out.events.push_back(event{now, severity::warning, "pair/" + h.id,
                                   "storage recovered: new entries resume"});
    }
    return;
  }
  ++h.journal_failures;
  if (h.storage_stats)
    h.storage_stats->write_errors().Increment();
  if (!gate.local_block()) {
    gate.set_local_block("journal write failed: " + err.message);
    h.storage_probed_at = now;
    h.out.events.push_back(event{now, severity::critical, "pair/" + h.id,
                                 std::string{storage_halt_text} + " (" + err.message + ")"});
  }
}

/// The purpose of order `id` among this output's updates (open if unknown:
/// an order we cannot classify is treated as an entry, the safe side).
order_purpose purpose_of(const std::vector<order_update>& updates, const std::string& id) {
  for (auto& u : updates)
    if (u.client_id == id)
      return u.purpose;
  return order_purpose::open;
}

} // namespace

void flush_engine(engine_host& h, timestamp_ns now) {
  auto& out = h.out;
  while (!out.empty()) {
    // Local copies: feeding a synthetic reject back refills `out`.
    auto orders = std::move(out.orders);
    auto cancels = std::move(out.cancels);
    auto updates = std::move(out.updates);
    auto events = std::move(out.events);
    out.clear();
    // Write-ahead: every transition on disk, in order, before any order of
    // this output leaves. Orders are rare next to book updates; the
    // journal's sync policy is the store's (store_options::sync_journal).
    std::vector<std::string> unjournaled;  // client ids with a failed write
    error_info journal_err;
    if (h.store && !updates.empty()) {
      // One atomic write, one sync for the whole step (all or nothing).
      auto err = h.store->journal(updates);
      if (err) {
        journal_err = err;
        for (auto& u : updates)
          if (std::find(unjournaled.begin(), unjournaled.end(), u.client_id)
              == unjournaled.end())
            unjournaled.push_back(u.client_id);
      }
      note_storage(h, err, storage::family::orders, now, updates.size());
    }
    std::size_t entries_left = 0;  // failpoint entry_leg_sent: orders of an entry still to go
    if (failpoints_armed())
      for (auto& o : orders)
        entries_left += purpose_of(updates, o.client_id) == order_purpose::open ? 1 : 0;
    for (auto& o : orders) {
      const int l = h.engine->leg_of(o.venue);
      if (!unjournaled.empty()
          && std::find(unjournaled.begin(), unjournaled.end(), o.client_id)
               != unjournaled.end()) {
        const auto purpose = purpose_of(updates, o.client_id);
        if (purpose == order_purpose::open) {
          // An entry never leaves without its journal line.
          h.engine->on_reject(order_reject{o.client_id, o.venue, o.symbol,
                                           error_code::io_error,
                                           "journal write failed: " + journal_err.message, now},
                              now, out);
          continue;
        }
        // Protective: an unhedged leg is worse than a missing journal line.
        ++h.unjournaled_sent;
        out.events.push_back(event{now, severity::critical, "pair/" + h.id,
                                   fmt::format("{} order {} sent unjournaled: {}",
                                               to_string(purpose), o.client_id,
                                               journal_err.message)});
      }
      if (l >= 0 && h.sessions[l]) {
        const auto id = failpoints_armed() ? o.client_id : std::string{};
        caf::send_as(h.trader, h.sessions[l], std::move(o));
        if (!id.empty()) {
          // Crash harness: die with the order on its way (actors/failpoint.hpp).
          const auto purpose = purpose_of(updates, id);
          if (purpose == order_purpose::hedge)
            failpoint("hedge_sent");
          if (purpose == order_purpose::open && entries_left-- == 2)
            failpoint("entry_leg_sent");
        }
      } else {
        h.engine->on_reject(order_reject{o.client_id, o.venue, o.symbol,
                                         error_code::venue_unavailable,
                                         "venue session down", now},
                            now, out);
      }
    }
    for (auto& c : cancels) {
      const int l = h.engine->leg_of(c.venue);
      if (l < 0 || !h.sessions[l])
        continue; // the order dies with the session; the engine expires it
      if (const auto& lim = h.limiters[l]; lim && !lim->acquire(risk::endpoint::cancel, now)) {
        // Never dropped: sent as soon as the cancel budget allows.
        h.deferred_cancels.push_back(std::move(c));
        continue;
      }
      caf::send_as(h.trader, h.sessions[l], std::move(c));
    }
    if (h.log) {
      // Every order transition is also in the text log (info). Orders are
      // rare next to book updates, so this is off the per-update path.
      if (h.log->should_log(spdlog::level::info))
        for (auto& u : updates)
          h.log->info("pair {}: order {} {} {} {} {} @ {} ({}): {} -> {}{}{}", h.id,
                       u.client_id, to_string(u.purpose), u.venue, to_string(u.sd),
                       u.qty.to_string(), u.px.to_string(), to_string(u.tif),
                       to_string(u.from), to_string(u.to), u.reason.empty() ? "" : ": ",
                       u.reason);
      for (auto& e : events)
        h.log->log(level_of(e.sev), "pair {}: {}", h.id, e.text);
    }
    if (h.board) {
      for (auto& u : updates)
        h.board->add_order(u);
      for (auto& e : events)
        h.board->add_event(e);
    }
    if (h.sink)
      for (auto& e : events)
        caf::anon_send(h.sink, std::move(e));
  }
}

namespace {

/// Journals a booking (fill or funding payment) of the fills family; a
/// failure is logged and blocks entries, the booking is applied anyway.
/// `what()` names it, for the log line of a failure only.
template <class Record, class What>
void journal_booking(engine_host& h, const Record& rec, What&& what, timestamp_ns now) {
  if (!h.store)
    return;
  auto err = h.store->journal(rec);
  if (err && h.log)
    h.log->error("pair {}: {} not journaled (applied anyway): {}", h.id, what(), err.message);
  note_storage(h, err, storage::family::fills, now);
}

} // namespace

void journal_fill(engine_host& h, const std::string& pair_id, const order_fill& f,
                  timestamp_ns now) {
  if (h.board)
    h.board->add_fill(pair_id, f);
  journal_booking(
    h, storage::fill_record{pair_id, f},
    [&] { return fmt::format("fill {} of {}", f.fill_id, f.client_id); }, now);
}

void journal_funding(engine_host& h, const std::string& pair_id, const funding_payment& p,
                     timestamp_ns now) {
  journal_booking(
    h, storage::funding_record{pair_id, p},
    [&] { return fmt::format("funding payment of {} at {}", p.venue, p.ts); }, now);
}

void probe_storage(engine_host& h, timestamp_ns now) {
  if (!h.store || !h.engine->gate().local_block() || now - h.storage_probed_at < h.storage_probe_ns)
    return;
  h.storage_probed_at = now;
  // The probe: one small event written synchronously. On disk means the
  // store writes again.
  storage::batch b;
  b.add(event{now, severity::info, "pair/" + h.id, "storage probe: write ok"});
  auto err = h.store->write(std::move(b));
  if (err)
    return; // still failing: no new event, the block stays
  // Lifts the block and raises the same event for the log and the sink.
  note_storage(h, err, storage::family::events, now);
}

void retry_cancels(engine_host& h, timestamp_ns now) {
  if (h.deferred_cancels.empty())
    return;
  auto pending = std::move(h.deferred_cancels);
  h.deferred_cancels.clear();
  for (auto& c : pending) {
    const int l = h.engine->leg_of(c.venue);
    if (l < 0 || !h.sessions[l])
      continue;
    if (const auto& lim = h.limiters[l]; lim && !lim->acquire(risk::endpoint::cancel, now)) {
      h.deferred_cancels.push_back(std::move(c));
      continue;
    }
    caf::send_as(h.trader, h.sessions[l], std::move(c));
  }
}

bool decide_inline(engine_host& h, int leg, const book_snapshot& snapshot, timestamp_ns now) {
  auto& engine = *h.engine;
  if (engine.book(leg).apply(snapshot) != error_code::none) {
    engine.set_leg_available(leg, false, now, h.out);
    flush_engine(h, now);
    return false;
  }
  engine.on_book(leg, snapshot.recv_ts, now, h.out);
  flush_engine(h, now);
  return true;
}

} // namespace xarb
