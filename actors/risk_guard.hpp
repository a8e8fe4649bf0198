#pragma once
// risk_guard: the single risk authority of a node (docs/RISK.md). A thin
// actor around core/risk/risk_book.hpp: pair reports and venue alerts go in,
// permits go out to the pair traders (who check them inline before every
// order: no request/response on the hot path), the snapshot goes to the
// status board and the metrics.
//
// Fail closed: an exception inside the risk checks halts everything (every
// permit HALTED), and a permit that is not renewed within its lease stops
// entries in the pair itself, so a dead or wedged guard never leaves pairs
// opening positions unchecked.
//
// The book lives in a risk_guard_store owned by the node, so a restarted
// guard keeps its breakers, kill states, equity peak and daily baseline.
//
// Position audit (issue 5, core/risk/position_audit.hpp): every
// risk.audit_interval_ns the guard asks each venue session for its position
// in every contract the pairs trade and compares it with the pairs' books
// summed (shared contracts too); a difference seen in risk.audit_rounds
// consecutive rounds puts every pair on that contract in REDUCING (critical
// event) until an operator resumes.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/interfaces.hpp"
#include "actors/venue_session.hpp"
#include "core/risk/position_audit.hpp"
#include "core/risk/risk_book.hpp"

namespace xarb {

class risk_metrics;

/// Registry name of the risk guard.
inline constexpr const char* risk_guard_name = "risk_guard";

struct risk_guard_config {
  risk::risk_config risk;
  std::vector<std::string> venues;          ///< every venue the node trades on
  caf::timespan tick_interval = std::chrono::milliseconds(100);
  /// Reports and alerts are evaluated at once unless the last evaluation
  /// is younger than this; then together when it has passed (operator
  /// commands always at once). Bounds the guard's CPU with many pairs.
  caf::timespan min_eval_interval = std::chrono::milliseconds(10);
  std::function<timestamp_ns()> clock;      ///< default: system clock
};

/// Survives restarts of the guard actor (owned by the node, shared with it).
struct risk_guard_store {
  std::mutex mtx;                           ///< guards book (the guard and status readers)
  std::unique_ptr<risk::risk_book> book;
  std::shared_ptr<risk_metrics> metrics;
};

risk_guard_actor spawn_risk_guard(caf::actor_system& sys, risk_guard_config cfg,
                                  actor_services services,
                                  std::shared_ptr<risk_guard_store> store);

} // namespace xarb
