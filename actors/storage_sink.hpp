#pragma once
// storage_sink: the bulk writer of the node's store (issue 5).
//
// Two write paths reach the store (actors/storage/store.hpp):
// - the order journal (order transitions, fills) is written synchronously by
//   the pair traders themselves (engine_host.hpp: write-ahead, before an
//   order leaves), never through this actor: a message hop would let the
//   order overtake its journal line;
// - everything bulk (events, spread samples, position snapshots, recorded
//   market data, the scanner's market samples) comes here as messages, is buffered and written in one
//   WriteBatch when batch_max records are buffered or every flush_interval,
//   whichever comes first. The hot path only pays a message send.
//
// RocksDB blocks (WAL appends, stalls when compaction falls behind): the
// node spawns the sink detached, on its own thread, so a slow disk never
// stalls a scheduler worker. A failed batch is counted and dropped (bulk
// records are history, not state); it is logged at most once per second.
//
// Metrics (storage_metrics, in the telemetry registry):
//   xarb_storage_records_total{family}   records written (journal included)
//   xarb_storage_write_errors_total      failed writes (journal included)
//   xarb_storage_batch_seconds           duration of each batch write

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>

#include "actors/interfaces.hpp"
#include "actors/storage/records.hpp"

namespace prometheus {
class Counter;
class Histogram;
class Registry;
} // namespace prometheus

namespace xarb {

namespace storage {
class store;
}

class telemetry;

/// Registry name of the storage sink.
inline constexpr const char* storage_sink_name = "storage_sink";

/// Handles on the storage metrics. Cheap to construct more than once on the
/// same registry: prometheus-cpp merges families and series by name and
/// labels, so every instance counts into the same series.
class storage_metrics {
public:
  explicit storage_metrics(prometheus::Registry& registry);
  prometheus::Counter& records(storage::family f) noexcept {
    return *records_[static_cast<std::size_t>(f)];
  }
  prometheus::Counter& write_errors() noexcept { return *errors_; }
  prometheus::Histogram& batch_seconds() noexcept { return *batch_seconds_; }

private:
  std::array<prometheus::Counter*, storage::family_count> records_{};
  prometheus::Counter* errors_ = nullptr;
  prometheus::Histogram* batch_seconds_ = nullptr;
};

/// Storage metrics in `metrics`' registry; null if `metrics` is null.
std::shared_ptr<storage_metrics> make_storage_metrics(telemetry* metrics);

struct storage_sink_config {
  std::size_t batch_max = 1000;                    ///< flush at this many records
  caf::timespan flush_interval = std::chrono::milliseconds(50);
  bool record_market = false;                      ///< keep book_snapshot / book_delta
  /// Own thread (RocksDB blocks). Tests on the deterministic coordinator
  /// turn it off.
  bool detached = true;
};

/// Spawns the sink writing into `store` (shared: pair traders journal into
/// the same store from their own threads). `metrics` may be null.
storage_sink_actor spawn_storage_sink(caf::actor_system& sys, storage_sink_config cfg,
                                      std::shared_ptr<storage::store> store,
                                      std::shared_ptr<storage_metrics> metrics);

} // namespace xarb
