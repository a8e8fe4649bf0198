// xarb: cross-venue perpetual-futures arbitrage engine.
//
//   xarb run [--config FILE] [--listen HOST:PORT] [--data-dir DIR]
//   xarb check-config FILE
//   xarb version

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "nodes/config.hpp"
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
  run->add_option("-c,--config", config_file, "TOML configuration file (default: embedded)")
    ->check(CLI::ExistingFile);
  run->add_option("-l,--listen", listen, "HTTP listen address HOST:PORT (default 127.0.0.1:8080)");
  run->add_option("-d,--data-dir", data_dir, "Directory for the node's data (default ./data)");

  auto* check = app.add_subcommand("check-config",
                                   "Validate a configuration file; print every error, exit 1 if any");
  std::string check_file;
  check->add_option("file", check_file, "TOML configuration file")->required();

  app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
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

  // run
  auto cfg = config_file.empty() ? xarb::expected<xarb::node_config>{xarb::default_config()}
                                 : xarb::load_config_file(config_file);
  if (!cfg)
    return print_errors(cfg.error());
  xarb::apply_env_overrides(*cfg);
  if (!listen.empty())
    cfg->web.listen = listen;
  if (!data_dir.empty())
    cfg->node.data_dir = data_dir;
  if (auto err = xarb::validate(*cfg))
    return print_errors(err);
  xarb::init_logging(cfg->node.log_level, cfg->node.log_json);
  return xarb::run_node(*cfg);
}
