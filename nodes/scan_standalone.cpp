// `xarb scan --standalone`: the scanner on its own, in this process, on the
// embedded default market (or --config): the venue sessions under a
// supervisor and the scanner, no pair traders, no storage, no HTTP server.
// The view reads the same documents as against a node, from the same route
// handlers (route_request on an in-process control API), so both modes show
// exactly what GET /api/market/top-spreads would.
#include <chrono>
#include <csignal>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/clock.hpp"
#include "actors/name_registry.hpp"
#include "actors/scanner.hpp"
#include "actors/supervisor.hpp"
#include "actors/venue_session.hpp"
#include "messages/caf_errors.hpp"
#include "messages/type_ids.hpp"
#include "monitoring/logging.hpp"
#include "monitoring/scan_board.hpp"
#include "monitoring/scanner_metrics.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "nodes/config.hpp"
#include "nodes/node_api.hpp"
#include "nodes/scan_command.hpp"
#include "nodes/scheduler_config.hpp"
#include "web/control_api.hpp"
#include "web/routes.hpp"

namespace xarb::cli {

int run_scan_standalone(const scan_options& opts, std::ostream& out, std::ostream& err) {
  auto cfg = opts.config_file.empty() ? expected<node_config>{default_config()}
                                      : load_config_file(opts.config_file);
  if (!cfg) {
    err << "xarb scan: configuration is invalid:\n" << cfg.error().message << '\n';
    return 1;
  }
  // The terminal belongs to the view: only errors are logged.
  init_logging("error", false);
  telemetry metrics;
  status_board board;
  name_registry registry;
  scan_board scans;
  scans.set_settings(scanner_settings_of(cfg->scanner));
  auto scan_metrics = make_scanner_metrics(*metrics.registry());
  actor_services svc{&registry, &board, &metrics, nullptr};

  caf::actor_system_config sys_cfg;
  sys_cfg.add_message_types<caf::id_block::xarb>();
  add_error_renderer(sys_cfg);
  apply_scheduler(cfg->scheduler, sys_cfg);
  caf::actor_system sys{sys_cfg};

  supervisor_config root;
  root.name = "root";
  root.registry = &registry;
  auto world = cfg->sim;
  if (world.start_ts == 0)
    world.start_ts = wall_clock_ns(); // every session shows the same market
  for (auto& v : cfg->sim.venues) {
    if (!venue_enabled(*cfg, v.name))
      continue; // like `xarb run`: no session, not scanned
    venue_session_config vc;
    vc.venue = v.name;
    vc.world = world;
    vc.liveness_ns = cfg->risk.breakers.liveness.budget_ns;
    vc.consistency_interval_ns = static_cast<int64_t>(cfg->market.consistency_check_s * 1e9);
    root.children.push_back(child_spec{
      venue_session_name(v.name), restart_policy::permanent,
      [vc, svc](caf::actor_system& s) {
        return caf::actor_cast<caf::actor>(spawn_venue_session(s, vc, svc));
      },
      std::chrono::seconds(2)});
  }
  auto sc = scanner_config_of(*cfg);
  sc.history_interval = caf::timespan{0}; // no storage here
  root.children.push_back(child_spec{
    scanner_name, restart_policy::permanent,
    [sc, svc, &scans, &scan_metrics](caf::actor_system& s) {
      return caf::actor_cast<caf::actor>(spawn_scanner(s, sc, svc, &scans, &scan_metrics));
    },
    std::chrono::seconds(2)});
  auto tree = sys.spawn(supervisor, root);

  control_api api;
  api.scan = &scans;
  auto fetch = [&](const std::string& target) -> expected<std::string> {
    http_request req;
    req.method = "GET";
    req.target = target;
    req.remote = "standalone";
    auto reply = route_request(req, board, &metrics, wall_clock_ns(), &api);
    if (reply.status != 200)
      return error_info{error_code::internal,
                        "GET " + target + ": " + std::to_string(reply.status) + " " + reply.body};
    return std::move(reply.body);
  };
  // The first screen waits for the first refresh with quotes from every
  // venue (a few hundred ms), not an empty table.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (;;) {
    auto snap = scans.snapshot();
    if (snap && !snap->rows.empty() && snap->stale_rows == 0)
      break;
    if (std::chrono::steady_clock::now() > deadline) {
      err << "xarb scan: the simulated market did not come up within 15 s\n";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const int rc = run_scan(opts, fetch, out, err);

  caf::anon_send(tree, atom::shutdown_v);
  caf::scoped_actor self{sys};
  self->monitor(tree);
  self->receive([](caf::down_msg&) {});
  return rc;
}

} // namespace xarb::cli
