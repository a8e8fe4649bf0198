#include "monitoring/scanner_metrics.hpp"

namespace xarb {

scanner_metrics make_scanner_metrics(prometheus::Registry& registry) {
  using namespace prometheus;
  scanner_metrics m;
  // A refresh ranks every symbol x venue pair: ~21,000 rows at 1,000
  // symbols on 7 venues; the goal is <= 10 ms.
  m.refresh_seconds = &BuildHistogram()
                         .Name("xarb_scanner_refresh_seconds")
                         .Help("Time one scanner refresh took (all rows rebuilt)")
                         .Register(registry)
                         .Add({}, Histogram::BucketBoundaries{0.0001, 0.00025, 0.0005, 0.001,
                                                              0.0025, 0.005, 0.01, 0.025, 0.05,
                                                              0.1, 0.25});
  m.symbols = &BuildGauge()
                 .Name("xarb_scanner_symbols")
                 .Help("Symbols listed on two venues or more, compared by the scanner")
                 .Register(registry)
                 .Add({});
  auto& rows = BuildGauge()
                 .Name("xarb_scanner_rows")
                 .Help("Symbol x venue-pair rows of the last refresh, by state (stale rows are "
                       "shown, never ranked)")
                 .Register(registry);
  m.rows_live = &rows.Add({{"state", "live"}});
  m.rows_stale = &rows.Add({{"state", "stale"}});
  m.venues_stale = &BuildGauge()
                      .Name("xarb_scanner_stale_venues")
                      .Help("Watched venues whose session is not ready or has no fresh quote")
                      .Register(registry)
                      .Add({});
  m.problems = &BuildGauge()
                  .Name("xarb_scanner_instrument_problems")
                  .Help("Instruments left out because their units could not be verified")
                  .Register(registry)
                  .Add({});
  m.last_refresh = &BuildGauge()
                      .Name("xarb_scanner_last_refresh_timestamp_seconds")
                      .Help("Unix time of the scanner's last refresh")
                      .Register(registry)
                      .Add({});
  m.batches = &BuildCounter()
                 .Name("xarb_scanner_watch_batches_total")
                 .Help("Market watch batches received from the venue sessions")
                 .Register(registry)
                 .Add({});
  m.signals = &BuildCounter()
                 .Name("xarb_scanner_signals_total")
                 .Help("Persistent-opportunity signals raised")
                 .Register(registry)
                 .Add({});
  m.samples = &BuildCounter()
                 .Name("xarb_scanner_history_samples_total")
                 .Help("Per-symbol market samples sent to storage for /api/history")
                 .Register(registry)
                 .Add({});
  return m;
}

} // namespace xarb
