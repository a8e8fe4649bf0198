#pragma once
// Metric families of the cross-venue scanner (docs/METRICS.md), registered
// once per registry by the node; the scanner actor (and each restart of it)
// keeps the handles.

#include <memory>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace xarb {

struct scanner_metrics {
  prometheus::Histogram* refresh_seconds = nullptr; ///< xarb_scanner_refresh_seconds
  prometheus::Gauge* symbols = nullptr;             ///< xarb_scanner_symbols
  prometheus::Gauge* rows_live = nullptr;           ///< xarb_scanner_rows{state="live"}
  prometheus::Gauge* rows_stale = nullptr;          ///< xarb_scanner_rows{state="stale"}
  prometheus::Gauge* venues_stale = nullptr;        ///< xarb_scanner_stale_venues
  prometheus::Gauge* problems = nullptr;            ///< xarb_scanner_instrument_problems
  prometheus::Gauge* last_refresh = nullptr;        ///< xarb_scanner_last_refresh_timestamp_seconds
  prometheus::Counter* batches = nullptr;           ///< xarb_scanner_watch_batches_total
  prometheus::Counter* signals = nullptr;           ///< xarb_scanner_signals_total
  prometheus::Counter* samples = nullptr;           ///< xarb_scanner_history_samples_total
};

/// Registers the families in `registry` and returns their series.
scanner_metrics make_scanner_metrics(prometheus::Registry& registry);

} // namespace xarb
