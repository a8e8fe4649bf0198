#pragma once
// scanner: the cross-venue scanner and funding monitor (issue 7). Watches
// the whole market of every configured venue (each venue session's market
// watch: instruments, tops, funding, health; found by name in the
// name_registry, again after every restart of a session) and, every
// refresh interval:
//   - rebuilds the scan_snapshot (core/scanner/market_scanner.hpp): every
//     symbol listed on two venues or more with verified units, both
//     directions' executable spreads, funding per basis interval, staleness;
//   - publishes it on the scan_board, where the web threads rank it per
//     request (top-spreads, funding, the rankings topic);
//   - feeds the persistent-opportunity detector; each signal goes to the
//     scan_board's signal list and is an event (status board, event log,
//     storage);
// and every history interval sends one market_sample per symbol to the
// storage sink (GET /api/history/{symbol}).
//
// The scanner never trades and nothing waits for it: a restart (it is a
// permanent child of the root supervisor) re-watches every venue and gets
// a full batch from each, so it is whole again after one refresh.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "actors/interfaces.hpp"
#include "actors/venue_session.hpp"
#include "core/scanner/scan_snapshot.hpp"
#include "core/scanner/signal_detector.hpp"

namespace xarb {

class scan_board;
struct scanner_metrics;

inline constexpr const char* scanner_name = "scanner";

struct scanner_config {
  std::vector<std::string> venues;            ///< venue sessions to watch
  caf::timespan refresh_interval = std::chrono::milliseconds(500);
  scanner::scanner_params params;
  scanner::signal_params signals;
  /// One market_sample per symbol to storage this often; 0 = never.
  caf::timespan history_interval = std::chrono::seconds(60);
  std::function<timestamp_ns()> clock;        ///< wall clock (epoch ns); default: system clock
};

/// `board` and `metrics` may be null (tests); services as for every actor.
scanner_actor spawn_scanner(caf::actor_system& sys, scanner_config cfg, actor_services svc,
                            scan_board* board, scanner_metrics* metrics);

} // namespace xarb
