#pragma once
// The `xarb run` node: builds the supervision tree from the configuration,
// serves until SIGINT/SIGTERM, then shuts down gracefully.

#include "nodes/config.hpp"
#include "nodes/config_save.hpp"

namespace xarb {

/// Runs a node until it is asked to stop. Returns the process exit code:
/// 0 after a graceful shutdown, 1 when the supervision tree gave up
/// (restart intensity exceeded) or the web server could not bind.
/// `origin`: where the config came from, for POST /api/config (saves go to
/// origin.save_path).
int run_node(const node_config& cfg, const config_origin& origin);

} // namespace xarb
