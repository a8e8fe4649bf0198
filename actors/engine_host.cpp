#include "actors/engine_host.hpp"

#include <caf/send.hpp>
#include <prometheus/histogram.h>

#include "monitoring/logging.hpp"

namespace xarb {

void flush_engine(engine_host& h, timestamp_ns now) {
  auto& out = h.out;
  while (!out.empty()) {
    // Local copies: feeding a synthetic reject back refills `out`.
    auto orders = std::move(out.orders);
    auto cancels = std::move(out.cancels);
    auto updates = std::move(out.updates);
    auto events = std::move(out.events);
    out.clear();
    for (auto& o : orders) {
      const int l = h.engine->leg_of(o.venue);
      if (l >= 0 && h.sessions[l]) {
        caf::send_as(h.trader, h.sessions[l], std::move(o));
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
      // Every order transition is on the record (info): the text log is
      // the journal until the storage sink lands. Orders are rare next to
      // book updates, so this is off the per-update path.
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
  }
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
