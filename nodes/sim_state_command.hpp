#pragma once
// `xarb sim-state`: what the simulated venues hold, rebuilt offline from
// their order-flow logs (DATA_DIR/sim/<venue>.flow, venues/sim/flow_log.hpp)
// exactly as a restarted node rebuilds them. The independent witness of the
// crash harness (tests/integration/crash_harness.py) and an operator's check:
// the venues' own records, not the node's books.
//
// Output: one JSON document:
//   {"at": ns, "venues": [{"name", "requests", "submits", "duplicate_submits": [ids],
//     "positions": [{"symbol","qty","avg_entry","realized","fees","funding"}],
//     "open_orders": [{"client_id","symbol","side","px","leaves"}],
//     "fills": [{"fill_id","client_id","symbol","side","px","qty","fee","liquidity","ts"}],
//     "funding": [{"symbol","position","rate","amount","ts"}]}]}
// "duplicate_submits": client order ids the venue received more than once.
// The logs are opened read-only (safe while a node runs; its last request
// may then be missing).

#include <ostream>
#include <string>

#include "messages/market.hpp"

namespace xarb {
struct node_config;
}

namespace xarb::cli {

struct sim_state_request {
  std::string data_dir;  ///< the node's data dir; logs in data_dir + "/sim"
  timestamp_ns until = 0; ///< simulate the venues up to this time (0: now)
};

/// Writes the JSON to `out`; problems to `err` as one line each. Returns the
/// exit code: 0 ok, 1 failure (no history, unreadable log).
int run_sim_state(const node_config& cfg, const sim_state_request& req, std::ostream& out,
                  std::ostream& err);

} // namespace xarb::cli
