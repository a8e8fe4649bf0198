// xarb: cross-venue perpetual-futures arbitrage engine.
//
//   xarb run [--config FILE] [--listen HOST:PORT] [--data-dir DIR]
//            (no --config: DIR/xarb.toml when it exists, else the embedded default)
//   xarb check-config FILE
//   xarb export {fills,orders,events,spreads,funding,history} [--config FILE] [--data-dir DIR]
//               [--from T] [--to T] [--pair ID] [--out FILE]
//   xarb sim-state [--config FILE] [--data-dir DIR] [--until TIME]
//   xarb scan [--url URL | --standalone [--config FILE]] [--limit N] [--sort KEY]
//             [--fallback-leverage VENUE=N]... [--interval S] [--once] [--plain]
//   xarb mock-venue --venue NAME [--listen HOST:PORT] [--tls-cert PEM --tls-key PEM]
//                   [--config FILE] [--sim-venue sim-a] [--seed N] [--tick-ms MS]
//                   [--symbols BTC,ETH] [--no-control]
//   xarb version
//
// Exit codes: 0 ok, 1 failure (invalid config, no data, ...), 2 usage error
// (unknown option, bad value: every CLI11 parse error).

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "nodes/config.hpp"
#include "nodes/export_command.hpp"
#include "nodes/scan_command.hpp"
#include "nodes/sim_state_command.hpp"
#include "venues/common/md_codec.hpp"
#include "venues/mock/mock_cli.hpp"
#include "venues/registry/registry.hpp"
#include "monitoring/logging.hpp"
#include "nodes/node.hpp"

namespace {

int print_errors(const xarb::error_info& err) {
  std::cerr << "xarb: configuration is invalid:\n" << err.message << '\n';
  return 1;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"xarb - cross-venue arbitrage engine for crypto perpetual futures.\n"
               "Without a config file, `xarb run` starts the embedded default:\n"
               "simulated venues, paper execution, UI/API on http://127.0.0.1:8080."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string{"xarb "} + XARB_VERSION);

  auto* run = app.add_subcommand("run", "Start a node and serve until SIGINT/SIGTERM");
  std::string config_file;
  std::string listen;
  std::string data_dir;
  run->add_option("-c,--config", config_file,
                  "TOML configuration file (default: <data-dir>/xarb.toml if it exists, "
                  "else embedded)")
    ->check(CLI::ExistingFile);
  run->add_option("-l,--listen", listen, "HTTP listen address HOST:PORT (default 127.0.0.1:8080)");
  run->add_option("-d,--data-dir", data_dir, "Directory for the node's data (default ./data)");

  auto* check = app.add_subcommand("check-config",
                                   "Validate a configuration file; print every error, exit 1 if any");
  std::string check_file;
  check->add_option("file", check_file, "TOML configuration file")->required();

  auto* exp = app.add_subcommand("export",
                                 "Write stored records as CSV (with a header) to stdout or a file");
  xarb::cli::export_request ereq;
  std::string exp_config;
  std::string exp_from;
  std::string exp_to;
  // Validates at parse time so that a bad value is a usage error (exit 2).
  CLI::Validator time_check{[](std::string& text) {
                              auto t = xarb::cli::parse_time(text);
                              return t ? std::string{} : t.error().message;
                            },
                            "TIME"};
  exp->add_option("kind", ereq.kind,
                  "What to export: fills, orders, events, spreads, funding or history")
    ->required()
    ->check(CLI::IsMember({"fills", "orders", "events", "spreads", "funding", "history"}));
  exp->add_option("-c,--config", exp_config, "TOML configuration giving node.data_dir")
    ->check(CLI::ExistingFile);
  exp->add_option("-d,--data-dir", ereq.data_dir,
                  "The node's data directory (default: node.data_dir, ./data); reads DIR/db");
  exp->add_option("--from", exp_from, "From this time, inclusive: ISO-8601 UTC or ns since epoch")
    ->check(time_check);
  exp->add_option("--to", exp_to, "Up to this time, exclusive: ISO-8601 UTC or ns since epoch")
    ->check(time_check);
  exp->add_option("--pair", ereq.pair,
                  "Only this pair id (events: source or text contains it; history: this symbol)");
  exp->add_option("-o,--out", ereq.out_file, "Write to FILE (created/truncated), not stdout");

  auto* sst = app.add_subcommand(
    "sim-state", "Print what the simulated venues hold (JSON), rebuilt from their order-flow logs");
  xarb::cli::sim_state_request sreq;
  std::string sst_config;
  std::string sst_until;
  sst->add_option("-c,--config", sst_config, "TOML configuration (the [sim] market and node.data_dir)")
    ->check(CLI::ExistingFile);
  sst->add_option("-d,--data-dir", sreq.data_dir,
                  "The node's data directory (default: node.data_dir, ./data); reads DIR/sim");
  sst->add_option("--until", sst_until,
                  "Simulate the venues up to this time (default: now): ISO-8601 UTC or ns")
    ->check(time_check);

  xarb::cli::scan_options scan_opts;
  auto* scan = xarb::cli::add_scan_subcommand(app, scan_opts);

  auto* mv = app.add_subcommand(
    "mock-venue", "Serve one simulated venue over the real venue's REST + WebSocket protocol "
                  "(loopback by default) until SIGINT/SIGTERM");
  std::string mv_venue;
  std::string mv_listen = "127.0.0.1:0";
  std::string mv_cert;
  std::string mv_key;
  std::optional<uint64_t> mv_seed;
  int32_t mv_tick_ms = 50;
  std::vector<std::string> mv_symbols;
  std::string mv_sim_venue = "sim-a";
  bool mv_no_control = false;
  std::string mv_config;
  {
    std::vector<std::string> names;
    for (auto n : xarb::venues::codec_names())
      names.emplace_back(n);
    mv->add_option("-v,--venue", mv_venue, "Which venue's protocol to speak")
      ->required()
      ->check(CLI::IsMember(names));
  }
  mv->add_option("-l,--listen", mv_listen, "HOST:PORT to listen on (port 0: pick one; printed)");
  mv->add_option("--tls-cert", mv_cert, "PEM certificate chain: serve https:// and wss://")
    ->check(CLI::ExistingFile);
  mv->add_option("--tls-key", mv_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
  mv->add_option("-c,--config", mv_config,
                 "TOML configuration whose [sim] market the mock runs (default: the embedded one)")
    ->check(CLI::ExistingFile);
  mv->add_option("--seed", mv_seed, "Market seed (default: the simulated world's)");
  mv->add_option("--tick-ms", mv_tick_ms, "Market step and delivery period in ms")
    ->check(CLI::Range(1, 60000));
  mv->add_option("--symbols", mv_symbols, "Only these bases or canonical symbols (default: all)")
    ->delimiter(',');
  mv->add_option("--sim-venue", mv_sim_venue,
                 "Which simulated venue's rules (fees, ticks) the market trades like");
  mv->add_flag("--no-control", mv_no_control,
               "Do not serve the fault-injection endpoints /__mock/fault and /__mock/stats");

  app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e); // prints help/version/the error
    return rc == 0 ? 0 : 2;
  }

  if (app.got_subcommand("version")) {
    std::cout << "xarb " << XARB_VERSION << '\n';
    return 0;
  }

  if (app.got_subcommand(check)) {
    auto cfg = xarb::load_config_file(check_file);
    if (!cfg)
      return print_errors(cfg.error());
    std::cout << check_file << ": OK\n";
    return 0;
  }

  if (app.got_subcommand(exp)) {
    if (ereq.data_dir.empty()) { // like `xarb run`: config, then environment
      auto cfg = exp_config.empty()
                   ? xarb::expected<xarb::node_config>{xarb::default_config()}
                   : xarb::load_config_file(exp_config);
      if (!cfg)
        return print_errors(cfg.error());
      if (auto err = xarb::apply_env_overrides(*cfg))
        return print_errors(err);
      ereq.data_dir = cfg->node.data_dir;
    }
    if (!exp_from.empty())
      ereq.from = xarb::cli::parse_time(exp_from).value();
    if (!exp_to.empty())
      ereq.to = xarb::cli::parse_time(exp_to).value();
    return xarb::cli::run_export(ereq, std::cout, std::cerr);
  }

  if (app.got_subcommand(scan)) {
    if (scan_opts.standalone)
      return xarb::cli::run_scan_standalone(scan_opts, std::cout, std::cerr);
    return xarb::cli::run_scan(scan_opts,
                               xarb::cli::http_scan_fetch(scan_opts.url,
                                                          xarb::cli::scan_http_timeout),
                               std::cout, std::cerr);
  }

  if (app.got_subcommand(mv)) {
    auto protocol = xarb::venues::make_protocol(mv_venue);
    if (!protocol) {
      std::cerr << "xarb mock-venue: " << protocol.error().message << '\n';
      return 2;
    }
    xarb::mock::mock_venue_options o;
    o.protocol = std::move(*protocol);
    o.listen = mv_listen;
    o.tls_cert = mv_cert;
    o.tls_key = mv_key;
    o.seed = mv_seed;
    o.tick_ms = mv_tick_ms;
    o.symbols = mv_symbols;
    o.sim_venue = mv_sim_venue;
    o.control = !mv_no_control;
    if (!mv_config.empty()) {
      auto cfg = xarb::load_config_file(mv_config);
      if (!cfg)
        return print_errors(cfg.error());
      o.world = cfg->sim;
    }
    return xarb::mock::run_mock_venue(std::move(o), std::cout, std::cerr);
  }

  if (app.got_subcommand(sst)) {
    auto cfg = sst_config.empty() ? xarb::expected<xarb::node_config>{xarb::default_config()}
                                  : xarb::load_config_file(sst_config);
    if (!cfg)
      return print_errors(cfg.error());
    if (auto err = xarb::apply_env_overrides(*cfg))
      return print_errors(err);
    if (sreq.data_dir.empty())
      sreq.data_dir = cfg->node.data_dir;
    if (!sst_until.empty())
      sreq.until = xarb::cli::parse_time(sst_until).value();
    return xarb::cli::run_sim_state(*cfg, sreq, std::cout, std::cerr);
  }

  // run. Without --config, a config saved from the console
  // (<data_dir>/xarb.toml, POST /api/config) is loaded when it exists; the
  // data dir is the one the node would use: --data-dir, XARB_DATA_DIR, ./data.
  const std::string start_data_dir = [&] {
    if (!data_dir.empty())
      return data_dir;
    if (auto env = xarb::process_env("XARB_DATA_DIR"); env && !env->empty())
      return *env;
    return xarb::default_config().node.data_dir;
  }();
  bool saved_config = false;
  if (config_file.empty()) {
    std::error_code ec;
    const std::string saved = start_data_dir + "/xarb.toml";
    if (std::filesystem::is_regular_file(saved, ec)) {
      config_file = saved;
      saved_config = true;
    }
  }
  auto cfg = config_file.empty() ? xarb::expected<xarb::node_config>{xarb::default_config()}
                                 : xarb::load_config_file(config_file);
  if (!cfg)
    return print_errors(cfg.error());
  // What the file (or the embedded default) says, before the overrides:
  // POST /api/config compares saves with it.
  const auto origin = xarb::make_config_origin(config_file, start_data_dir, *cfg);
  xarb::apply_env_overrides(*cfg);
  if (!listen.empty())
    cfg->web.listen = listen;
  if (!data_dir.empty())
    cfg->node.data_dir = data_dir;
  if (auto err = xarb::validate(*cfg))
    return print_errors(err);
  xarb::init_logging(cfg->node.log_level, cfg->node.log_json);
  if (saved_config)
    xarb::log::get("node")->info("config: {} (saved from the console; --config FILE "
                                 "overrides)", config_file);
  else
    xarb::log::get("node")->info("config: {}; saves from the console go to {}",
                                 config_file.empty() ? "embedded default" : config_file,
                                 origin.save_path);
  return xarb::run_node(*cfg, origin);
}
