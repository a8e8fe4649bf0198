#include "actors/storage_sink.hpp"

#include <utility>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "actors/exception_logging.hpp"
#include "actors/storage/store.hpp"
#include "monitoring/logging.hpp"
#include "monitoring/telemetry.hpp"

namespace xarb {

// -- metrics ---------------------------------------------------------------------

storage_metrics::storage_metrics(prometheus::Registry& registry) {
  auto& records = prometheus::BuildCounter()
                    .Name("xarb_storage_records_total")
                    .Help("Records written to the store, by column family (journal included).")
                    .Register(registry);
  for (auto f : storage::all_families)
    records_[static_cast<std::size_t>(f)] =
      &records.Add({{"family", std::string{storage::to_string(f)}}});
  errors_ = &prometheus::BuildCounter()
               .Name("xarb_storage_write_errors_total")
               .Help("Failed store writes (journal writes and batches).")
               .Register(registry)
               .Add({});
  // 10 us .. ~1 s: a batch is a WAL append, slow only when RocksDB stalls.
  batch_seconds_ = &prometheus::BuildHistogram()
                      .Name("xarb_storage_batch_seconds")
                      .Help("Duration of one batched write of the storage sink.")
                      .Register(registry)
                      .Add({}, prometheus::Histogram::BucketBoundaries{
                                 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 1e-2, 5e-2, 0.1, 0.5, 1.0});
}

std::shared_ptr<storage_metrics> make_storage_metrics(telemetry* metrics) {
  if (!metrics)
    return nullptr;
  return std::make_shared<storage_metrics>(*metrics->registry());
}

// -- the actor -------------------------------------------------------------------

namespace {

struct storage_sink_state {
  static inline const char* name = "storage_sink";

  storage_sink_config cfg;
  std::shared_ptr<storage::store> store;
  std::shared_ptr<storage_metrics> metrics;
  std::shared_ptr<spdlog::logger> log;
  storage::batch pending;
  std::array<uint64_t, storage::family_count> pending_count{};
  uint64_t written = 0;
  uint64_t failed = 0;
  uint64_t dropped_market = 0;
  uint64_t invalid_samples = 0; ///< market samples whose symbol cannot key history
  std::chrono::steady_clock::time_point error_logged_at{};
  bool error_logged = false;

  void flush() {
    if (pending.empty() || !store)
      return;
    const auto n = pending.size();
    const auto counts = pending_count;
    pending_count = {};
    const auto start = std::chrono::steady_clock::now();
    auto err = store->write(std::exchange(pending, storage::batch{}));
    const auto end = std::chrono::steady_clock::now();
    if (metrics)
      metrics->batch_seconds().Observe(std::chrono::duration<double>(end - start).count());
    if (!err) {
      written += n;
      if (metrics)
        for (std::size_t i = 0; i < counts.size(); ++i)
          if (counts[i] != 0)
            metrics->records(static_cast<storage::family>(i))
              .Increment(static_cast<double>(counts[i]));
      return;
    }
    // Bulk records are history, not state: counted and dropped. A failing
    // disk fails every batch: one line per second is enough.
    failed += n;
    if (metrics)
      metrics->write_errors().Increment();
    if (log && (!error_logged || end - error_logged_at >= std::chrono::seconds(1))) {
      error_logged = true;
      error_logged_at = end;
      log->error("storage sink: batch of {} records lost: {} ({} lost so far)", n,
                 err.message, failed);
    }
  }

  ~storage_sink_state() {
    // What is still buffered when the sink stops is written, not lost.
    flush();
  }
};

using self_ptr = storage_sink_actor::stateful_pointer<storage_sink_state>;

template <class T>
void add(self_ptr self, storage::family f, const T& x) {
  auto& st = self->state;
  st.pending.add(x);
  ++st.pending_count[static_cast<std::size_t>(f)];
  if (st.pending.size() >= st.cfg.batch_max)
    st.flush();
}

storage_sink_actor::behavior_type storage_sink_impl(self_ptr self, storage_sink_config cfg,
                                                    std::shared_ptr<storage::store> store,
                                                    std::shared_ptr<storage_metrics> metrics) {
  auto& st = self->state;
  if (cfg.batch_max == 0)
    cfg.batch_max = 1;
  st.cfg = cfg;
  st.store = std::move(store);
  st.metrics = std::move(metrics);
  st.log = log::get("storage_sink");
  install_exception_logging(self, "storage_sink", storage_sink_name);
  self->delayed_send(self, st.cfg.flush_interval, atom::tick_v);
  return {
    [=](event& e) { add(self, storage::family::events, e); },
    [=](spread_update& s) { add(self, storage::family::spreads, s); },
    [=](std::string& pair, position& p) {
      storage::position_record r;
      r.pair_id = std::move(pair);
      r.venue = std::move(p.venue);
      r.symbol = std::move(p.symbol);
      r.qty = p.qty;
      r.avg_entry = p.avg_entry;
      r.realized = p.realized_pnl;
      r.fees = p.fees;
      r.funding = p.funding;
      r.ts = p.ts;
      add(self, storage::family::positions, r);
    },
    [=](book_snapshot& b) {
      if (self->state.cfg.record_market)
        add(self, storage::family::market, b);
      else
        ++self->state.dropped_market;
    },
    [=](book_delta& d) {
      if (self->state.cfg.record_market)
        add(self, storage::family::market, d);
      else
        ++self->state.dropped_market;
    },
    [=](market_sample& m) {
      // A symbol history keys cannot hold would make store::write refuse the
      // whole batch (everyone's records): dropped here, logged once.
      if (storage::valid_history_symbol(m.symbol)) {
        add(self, storage::family::history, m);
        return;
      }
      auto& s = self->state;
      if (++s.invalid_samples == 1 && s.log)
        s.log->error("storage sink: market sample with an invalid symbol dropped ({} bytes)",
                     m.symbol.size());
    },
    [=](atom::tick) {
      self->state.flush();
      self->delayed_send(self, self->state.cfg.flush_interval, atom::tick_v);
    },
    [=](atom::status) -> caf::result<uint64_t, uint64_t> {
      auto& s = self->state;
      s.flush();
      return {s.written, s.failed};
    },
  };
}

} // namespace

storage_sink_actor spawn_storage_sink(caf::actor_system& sys, storage_sink_config cfg,
                                      std::shared_ptr<storage::store> store,
                                      std::shared_ptr<storage_metrics> metrics) {
  if (cfg.detached)
    return sys.spawn<caf::detached>(storage_sink_impl, std::move(cfg), std::move(store),
                                    std::move(metrics));
  return sys.spawn(storage_sink_impl, std::move(cfg), std::move(store), std::move(metrics));
}

} // namespace xarb
