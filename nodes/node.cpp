#include "nodes/node.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <map>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/clock.hpp"
#include "actors/name_registry.hpp"
#include "actors/pair_trader.hpp"
#include "actors/risk_guard.hpp"
#include "actors/scanner.hpp"
#include "actors/storage/csv_export.hpp"
#include "actors/storage/store.hpp"
#include "actors/storage_sink.hpp"
#include "actors/supervisor.hpp"
#include "actors/venue_session.hpp"
#include "messages/caf_errors.hpp"
#include "messages/expected.hpp"
#include "messages/type_ids.hpp"
#include "monitoring/scan_board.hpp"
#include "monitoring/scanner_metrics.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "monitoring/logging.hpp"
#include "nodes/export_command.hpp"
#include "nodes/live_venues.hpp"
#include "nodes/scheduler_config.hpp"
#include "nodes/node_api.hpp"
#include "venues/sim/venue_listing.hpp"
#include "venues/sim/world_generator.hpp"
#include "web/api_token.hpp"
#include "web/board_stream.hpp"
#include "web/control_api.hpp"
#include "web/static_files.hpp"
#include "web/web_actor.hpp"

namespace xarb {

namespace {

using namespace std::chrono_literals;

/// The simulated market's start (the anchor of its fair path), kept in
/// `dir`/world_start so that the market and the venues' replayed histories
/// agree across restarts; `now` the first time.
expected<timestamp_ns> sim_world_start(const std::string& dir, timestamp_ns now) {
  const std::string path = dir + "/world_start";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return error_info{error_code::io_error, "cannot create " + dir + ": " + ec.message()};
  if (std::ifstream in{path}) {
    timestamp_ns t0 = 0;
    if (in >> t0 && t0 > 0)
      return t0;
    return error_info{error_code::parse_error,
                      path + " does not hold a start time (ns); remove " + dir
                        + " to start a new simulated market"};
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out{tmp, std::ios::trunc};
    out << now << '\n';
    if (!out.flush())
      return error_info{error_code::io_error, "cannot write " + tmp};
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return error_info{error_code::io_error, "cannot create " + path + ": " + ec.message()};
  return now;
}

/// A leg whose contract no other pair trades on that venue: reconciliation
/// compares its position with the venue's (the venue reports the account's
/// whole position, so a shared contract can only be checked order by order).
void mark_sole_owners(std::vector<pair_config>& pairs) {
  std::map<std::pair<std::string, std::string>, int> users;
  for (const auto& p : pairs) {
    ++users[{p.venue_a, p.symbol}];
    ++users[{p.venue_b, p.symbol}];
  }
  for (auto& p : pairs)
    p.sole_owner = {users[{p.venue_a, p.symbol}] == 1, users[{p.venue_b, p.symbol}] == 1};
}

/// Every pair to watch: the configured list, or every venue pair of every
/// symbol (configured or generated) both venues list.
std::vector<pair_config> make_pairs(const node_config& cfg) {
  std::vector<pair_config> out;
  auto add = [&](const std::string& symbol, const std::string& a, const std::string& b,
                 const strategy::pair_params& params) {
    pair_config p;
    p.symbol = symbol;
    p.venue_a = a;
    p.venue_b = b;
    p.node = cfg.node.name;
    p.inline_decisions = cfg.scheduler.inline_decisions;
    p.params = params;
    // Trades only under the risk guard's permit; shares each venue key's
    // request budget with every pair on it.
    p.require_permit = true;
    p.venue_risk = {risk::venue_settings(cfg.risk, a), risk::venue_settings(cfg.risk, b)};
    out.push_back(std::move(p));
  };
  if (!cfg.pairs.empty()) {
    // Each entry's params are [strategy] with that [[pairs]] table's
    // overrides. Entries on a disabled venue are skipped (run_node warns).
    for (auto& p : cfg.pairs)
      if (venue_enabled(cfg, p.venue_a) && venue_enabled(cfg, p.venue_b))
        add(p.symbol, p.venue_a, p.venue_b, p.params);
    mark_sole_owners(out);
    return out;
  }
  // Every pair of enabled venues ([venues.<name>] enabled = false: none).
  std::vector<sim::venue_config> venues;
  for (auto& v : cfg.sim.venues)
    if (venue_enabled(cfg, v.name) && !venue_is_live(cfg, v.name))
      venues.push_back(v);
  const auto symbols = sim::world_symbols(cfg.sim);
  std::vector<std::vector<bool>> lists(venues.size(), std::vector<bool>(symbols.size()));
  for (std::size_t v = 0; v < venues.size(); ++v)
    for (std::size_t k : sim::listed_indices(cfg.sim, venues[v], symbols))
      lists[v][k] = true;
  for (std::size_t k = 0; k < symbols.size(); ++k)
    for (std::size_t i = 0; i < venues.size(); ++i)
      for (std::size_t j = i + 1; j < venues.size(); ++j)
        if (lists[i][k] && lists[j][k])
          add(symbols[k].symbol, venues[i].name, venues[j].name, cfg.strategy);
  mark_sole_owners(out);
  return out;
}

supervisor_config make_supervisor(caf::actor_system& sys, const node_config& cfg,
                                  std::string name, name_registry* registry,
                                  telemetry* metrics) {
  supervisor_config sc;
  sc.name = std::move(name);
  sc.max_restarts = cfg.supervision.max_restarts;
  sc.period = std::chrono::seconds(cfg.supervision.period_s);
  sc.backoff_initial = std::chrono::milliseconds(cfg.supervision.backoff_initial_ms);
  sc.backoff_max = std::chrono::milliseconds(cfg.supervision.backoff_max_ms);
  sc.registry = registry;
  auto log = log::get("supervisor");
  sc.on_restart = [&sys, metrics, log](const std::string& child,
                                       const caf::error& reason, int count) {
    log->warn("restarting {} (restart #{}) after: {}", child, count, sys.render(reason));
    if (metrics)
      metrics->actor_restarts(child).Increment();
  };
  sc.on_child_state = [metrics](const std::string& child, bool up) {
    if (!metrics)
      return;
    metrics->actor_up(child).Set(up ? 1 : 0);
    metrics->actor_restarts(child); // the series exists (at 0) before a restart
  };
  sc.on_escalate = [log, n = sc.name](const std::string& why) {
    log->error("supervisor {} gives up: {}", n, why);
  };
  return sc;
}

/// The store's options from [storage]: the database in <data_dir>/db.
storage::store_options store_options_of(const node_config& cfg) {
  storage::store_options so;
  so.dir = cfg.node.data_dir + "/db";
  so.sync_journal = cfg.storage.sync_journal;
  const auto& d = cfg.storage.retention_days;
  constexpr int64_t day_s = 86'400;
  auto set = [&](storage::family f, int days) {
    so.retention_s[static_cast<std::size_t>(f)] = days * day_s;
  };
  set(storage::family::orders, d.orders);
  set(storage::family::fills, d.fills);
  set(storage::family::positions, d.positions);
  set(storage::family::events, d.events);
  set(storage::family::spreads, d.spreads);
  set(storage::family::market, d.market);
  set(storage::family::config, d.config);
  set(storage::family::history, d.history);
  return so;
}

caf::timespan grace(const node_config& cfg) {
  return std::chrono::milliseconds(cfg.shutdown.grace_ms);
}

} // namespace

int run_node(const node_config& cfg, const config_origin& origin) {
  auto log = log::get("node");
  std::error_code fs_err;
  std::filesystem::create_directories(cfg.node.data_dir, fs_err);
  if (fs_err) {
    log->critical("cannot create data dir {}: {}", cfg.node.data_dir, fs_err.message());
    return 1;
  }
  log->info("xarb {} starting: {}", XARB_VERSION, describe(cfg));

  // The store outlives the actor system (declared first, destroyed last):
  // pair traders journal into it from their own threads.
  const auto so = store_options_of(cfg);
  auto opened = storage::store::open(so);
  if (!opened) {
    log->critical("cannot open the store at {}: {}", so.dir, opened.error().message);
    return 1;
  }
  std::shared_ptr<storage::store> store = std::move(opened).value();
  log->info("store open at {} (sync_journal {})", so.dir, so.sync_journal);
  {
    // Config history: the effective config from now on.
    storage::batch b;
    b.add_config(wall_clock_ns(), to_toml(redact_secrets(cfg)));
    if (auto err = store->write(std::move(b)))
      log->error("config history not stored: {}", err.message);
  }

  telemetry metrics;
  status_board board;
  board.set_node(cfg.node.name, XARB_VERSION, wall_clock_ns(), effective_data_mode(cfg),
                 cfg.market.execution);
  board.set_event_hook([&metrics](const event& e) { metrics.count_event(e.sev); });
  name_registry registry;
  risk::rate_limit_registry limits;
  // The scanner's results, read by the web threads; its metric series
  // outlive restarts of the scanner.
  scan_board scans;
  scans.set_settings(scanner_settings_of(cfg.scanner));
  auto scan_metrics = make_scanner_metrics(*metrics.registry());
  actor_services svc{&registry, &board, &metrics, &limits};
  svc.store = store.get();
  // The risk book outlives restarts of the risk guard actor.
  auto risk_store = std::make_shared<risk_guard_store>();

  caf::actor_system_config sys_cfg;
  sys_cfg.add_message_types<caf::id_block::xarb>();
  add_error_renderer(sys_cfg);
  apply_scheduler(cfg.scheduler, sys_cfg);
  caf::actor_system sys{sys_cfg};

  // -- the supervision tree --------------------------------------------------
  // Every venue session (and every restart of one) simulates the same market
  // clock, so all venues agree on the fair price at any wall-clock time.
  auto world = cfg.sim;
  const std::string sim_dir = cfg.node.data_dir + "/sim";
  if (world.start_ts == 0) {
    // With history the market's clock survives restarts too: the fair path
    // is anchored at the first start, recorded next to the flow logs.
    auto t0 = cfg.storage.sim_history ? sim_world_start(sim_dir, wall_clock_ns())
                                      : expected<timestamp_ns>{wall_clock_ns()};
    if (!t0) {
      log->critical("simulated market: {}", t0.error().message);
      return 1;
    }
    world.start_ts = *t0;
  }
  auto venues_cfg = make_supervisor(sys, cfg, "venues", &registry, &metrics);
  for (auto& v : cfg.sim.venues) {
    if (venue_is_live(cfg, v.name))
      continue; // a [[sim.venues]] name switched to a real venue: below
    if (!venue_enabled(cfg, v.name)) {
      log->warn("venue {} is disabled ([venues.{}] enabled = false): no session, no pairs",
                v.name, v.name);
      continue;
    }
    venue_session_config vc;
    vc.venue = v.name;
    vc.world = world;
    const auto vr = risk::venue_settings(cfg.risk, v.name);
    vc.key_id = vr.key_id;
    vc.rate_limits = vr.rate_limits;
    vc.consistency_interval_ns = static_cast<int64_t>(cfg.market.consistency_check_s * 1e9);
    vc.liveness_ns = cfg.risk.breakers.liveness.budget_ns;
    if (cfg.storage.sim_history)
      vc.flow_path = sim_dir + "/" + v.name + ".flow";
    vc.record_market = cfg.storage.record_market;
    venues_cfg.children.push_back(child_spec{
      venue_session_name(v.name), restart_policy::permanent,
      [vc, svc](caf::actor_system& s) {
        return caf::actor_cast<caf::actor>(spawn_venue_session(s, vc, svc));
      },
      grace(cfg)});
  }
  // Real venues (issue 9): their market data, paper execution on it.
  for (auto& name : live_venues(cfg)) {
    auto live = live_market_of(cfg, name, &metrics);
    if (!live) {
      log->critical("{}", live.error().message);
      return 1;
    }
    venue_session_config vc;
    vc.venue = name;
    vc.live = std::move(*live);
    const auto vr = risk::venue_settings(cfg.risk, name);
    vc.key_id = vr.key_id;
    vc.rate_limits = vr.rate_limits;
    vc.liveness_ns = cfg.risk.breakers.liveness.budget_ns;
    vc.record_market = cfg.storage.record_market;
    if (cfg.storage.sim_history)
      vc.paper_path = sim_dir + "/" + name + ".paper";
    log->info("venue {}: real market data from {} ({}), {} book(s){}, paper execution", name,
              vc.live->adapter, vc.live->ws_url, vc.live->symbols.size(),
              vc.live->symbols.empty() ? " (every listed one, up to 50)" : "");
    venues_cfg.children.push_back(child_spec{
      venue_session_name(name), restart_policy::permanent,
      [vc, svc](caf::actor_system& s) {
        return caf::actor_cast<caf::actor>(spawn_venue_session(s, vc, svc));
      },
      grace(cfg)});
  }
  // Pair traders start from runtime_pairs: an operator's changes (engine
  // on/off, mode, parameters) survive a trader's restart.
  for (auto& skipped : skipped_pairs(cfg)) {
    log->warn("skipping {}", skipped);
    board.add_event(event{wall_clock_ns(), severity::warning, "node", "pair skipped: " + skipped});
  }
  auto pairs_rt = std::make_shared<runtime_pairs>(make_pairs(cfg));
  auto strategies_cfg = make_supervisor(sys, cfg, "strategies", &registry, &metrics);
  for (auto& id : pairs_rt->ids()) {
    const auto p = pairs_rt->get(id);
    board.set_pair_params(id, pairs_rt->params_json(id));
    strategies_cfg.children.push_back(child_spec{
      pair_trader_name(p), restart_policy::permanent,
      [id, pairs_rt, svc](caf::actor_system& s) {
        return caf::actor_cast<caf::actor>(spawn_pair_trader(s, pairs_rt->get(id), svc));
      },
      grace(cfg)});
  }
  auto root_cfg = make_supervisor(sys, cfg, "root", &registry, &metrics);
  // -- the web actor: API token, control API, live stream ---------------------
  const auto token_file =
    cfg.web.token_file.empty() ? cfg.node.data_dir + "/api_token" : cfg.web.token_file;
  auto token = load_api_token(std::getenv("XARB_API_TOKEN"), token_file);
  if (!token) {
    log->critical("API token: {}", token.error().message);
    return 1;
  }
  if (token->generated) {
    // Printed once, on the terminal only (never in the log file): the
    // operator copies it; later starts read it from the file.
    std::fprintf(stderr,
                 "\n  xarb API token (saved to %s, mode 0600; shown only now):\n  %s\n\n",
                 token->source.c_str(), token->token.c_str());
    log->warn("a new API token was generated and saved to {} (printed on stderr once)",
              token->source);
  } else {
    log->info("web control routes need the bearer token from {}", token->source);
  }
  node_api_inputs api_in;
  api_in.cfg = &cfg;
  api_in.registry = &registry;
  api_in.board = &board;
  api_in.limits = &limits;
  api_in.store = store;
  api_in.pairs = pairs_rt;
  api_in.token = token->token;
  api_in.scan = cfg.scanner.enabled ? &scans : nullptr;
  api_in.config = std::make_shared<config_editor>(origin);
  web_config wc;
  wc.listen = cfg.web.listen;
  wc.http.control = make_control_api(api_in);
  wc.http.threads = static_cast<unsigned>(cfg.web.threads);
  wc.http.max_body_bytes = static_cast<std::size_t>(cfg.web.max_body_bytes);
  wc.http.rate_limit_rps = cfg.web.rate_limit_rps;
  wc.http.rate_limit_burst = cfg.web.rate_limit_burst;
  wc.http.stream.interval = std::chrono::milliseconds(cfg.web.stream_interval_ms);
  wc.http.stream.max_clients = static_cast<std::size_t>(cfg.web.ws_max_clients);
  wc.http.stream.max_queue_bytes = static_cast<std::size_t>(cfg.web.ws_queue_bytes);
  wc.http.stream_data =
    make_board_stream(board, wall_clock_ns, cfg.scanner.enabled ? &scans : nullptr);
  // The browser console (issue 8) and its equity curve.
  wc.http.ui_dir = resolve_ui_dir(cfg.web.ui_dir);
  wc.equity_interval = std::chrono::seconds(cfg.web.equity_sample_s);
  root_cfg.children.push_back(child_spec{
    "web", restart_policy::permanent,
    [wc, &board, &metrics](caf::actor_system& s) {
      return s.spawn(web_actor, wc, &board, &metrics);
    },
    grace(cfg)});
  // The storage sink (own thread: RocksDB blocks) starts before the pairs,
  // which find it by name.
  storage_sink_config skc;
  skc.batch_max = static_cast<std::size_t>(cfg.storage.batch_max);
  skc.flush_interval = std::chrono::milliseconds(cfg.storage.flush_ms);
  skc.record_market = cfg.storage.record_market;
  root_cfg.children.push_back(child_spec{
    storage_sink_name, restart_policy::permanent,
    [skc, store, &metrics](caf::actor_system& s) {
      return caf::actor_cast<caf::actor>(
        spawn_storage_sink(s, skc, store, make_storage_metrics(&metrics)));
    },
    grace(cfg)});
  // The risk guard starts before the venues and the pairs: pairs wait for
  // its permit before any entry.
  risk_guard_config gc;
  gc.risk = cfg.risk;
  gc.venues = enabled_venues(cfg); // a disabled venue is never waited for
  root_cfg.children.push_back(child_spec{
    risk_guard_name, restart_policy::permanent,
    [gc, svc, risk_store](caf::actor_system& s) {
      return caf::actor_cast<caf::actor>(spawn_risk_guard(s, gc, svc, risk_store));
    },
    grace(cfg)});
  // Nested supervisors get a shutdown timeout that covers stopping all of
  // their children one after the other.
  root_cfg.children.push_back(supervisor_child(venues_cfg));
  // The scanner watches every venue's whole market (by name: it finds
  // restarted sessions again) and trades nothing.
  if (cfg.scanner.enabled) {
    auto sc = scanner_config_of(cfg);
    root_cfg.children.push_back(child_spec{
      scanner_name, restart_policy::permanent,
      [sc, svc, &scans, &scan_metrics](caf::actor_system& s) {
        return caf::actor_cast<caf::actor>(spawn_scanner(s, sc, svc, &scans, &scan_metrics));
      },
      grace(cfg)});
  }
  root_cfg.children.push_back(supervisor_child(strategies_cfg));
  auto root = sys.spawn(supervisor, root_cfg);

  // -- signals: SIGINT/SIGTERM -> graceful shutdown; a second one -> exit now --
  boost::asio::io_context io;
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  std::atomic<int> signal_count{0};
  std::function<void(const boost::system::error_code&, int)> on_signal;
  on_signal = [&](const boost::system::error_code& ec, int signo) {
    if (ec)
      return;
    if (signal_count.fetch_add(1) == 0) {
      log->info("signal {}: shutting down (grace {} ms)", signo, cfg.shutdown.grace_ms);
      caf::anon_send(root, atom::shutdown_v);
      signals.async_wait(on_signal);
    } else {
      log->warn("second signal {}: exiting immediately", signo);
      spdlog::shutdown();
      std::_Exit(1);
    }
  };
  signals.async_wait(on_signal);
  std::thread signal_thread{[&io] { io.run(); }};

  // -- wait for the tree to finish -------------------------------------------
  caf::error exit_reason;
  {
    caf::scoped_actor self{sys};
    self->monitor(root);
    self->receive([&](caf::down_msg& dm) { exit_reason = dm.reason; });
  }
  signals.cancel();
  io.stop();
  signal_thread.join();
  int rc = 0;
  if (exit_reason && exit_reason != caf::exit_reason::user_shutdown) {
    log->critical("supervision tree stopped: {}", sys.render(exit_reason));
    rc = 1;
  } else {
    log->info("stopped cleanly");
  }
  root = nullptr;
  return rc;
}

} // namespace xarb
