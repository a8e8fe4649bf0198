// Public config API: defaults, loading, environment overrides, validation and
// printing. Reading TOML lives in config_toml.cpp, the rules in
// config_rules.cpp.
#include "nodes/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "nodes/config_detail.hpp"

namespace xarb {

using config_detail::problem_list;

// -- problem_list ----------------------------------------------------------------

namespace config_detail {

std::string_view parent_path(std::string_view path) {
  if (path.empty())
    return path;
  if (path.back() == ']') {
    auto open = path.rfind('[');
    return open == std::string_view::npos ? std::string_view{} : path.substr(0, open);
  }
  auto dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
}

void problem_list::at(const std::string& path, uint32_t line, uint32_t column,
                      std::string message) {
  problems_.push_back({line, column, {}, path, std::move(message), problems_.size()});
  reported_.insert(path);
}

bool problem_list::suppressed(const std::string& path) const {
  for (std::string_view p = path; !p.empty(); p = parent_path(p))
    if (reported_.find(p) != reported_.end())
      return true;
  return false;
}

void problem_list::add(const std::string& path, std::string message) {
  if (suppressed(path))
    return;
  problem pr{0, 0, {}, path, std::move(message), problems_.size()};
  for (std::string_view p = path; !p.empty(); p = parent_path(p))
    if (auto i = positions_.find(p); i != positions_.end()) {
      pr.line = i->second.line;
      pr.column = i->second.column;
      break;
    }
  problems_.push_back(std::move(pr));
}

void problem_list::with_origin(const std::string& origin, const std::string& path,
                               std::string message) {
  problems_.push_back({0, 0, origin, path, std::move(message), problems_.size()});
  reported_.insert(path);
}

void problem_list::remember(const std::string& path, uint32_t line, uint32_t column) {
  positions_.insert_or_assign(path, position{line, column});
}

std::vector<std::pair<std::string, std::string>> problem_list::items() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& pr : problems_)
    out.emplace_back(pr.path, pr.message);
  return out;
}

std::string problem_list::format() const {
  auto sorted = problems_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const problem& a, const problem& b) {
    // Located problems first, in file order; the others keep their order.
    auto ka = a.line == 0 ? UINT32_MAX : a.line;
    auto kb = b.line == 0 ? UINT32_MAX : b.line;
    if (ka != kb)
      return ka < kb;
    return a.column < b.column;
  });
  std::string out;
  for (auto& pr : sorted) {
    if (!out.empty())
      out += '\n';
    if (!pr.origin.empty())
      out += pr.origin + ": ";
    else if (pr.line > 0)
      out += source_ + ":" + std::to_string(pr.line) + ":" + std::to_string(pr.column) + ": ";
    if (!pr.path.empty())
      out += pr.path + ": ";
    out += pr.message;
  }
  return out;
}

} // namespace config_detail

// -- defaults and loading ------------------------------------------------------

node_config default_config() {
  node_config cfg;
  cfg.sim = sim::default_world_config();
  return cfg;
}

expected<node_config> load_config_string(std::string_view text, std::string_view source) {
  auto cfg = default_config();
  problem_list problems{std::string{source}};
  config_detail::read_toml(text, source, cfg, problems);
  config_detail::check_rules(cfg, problems);
  if (!problems.empty())
    return error_info{error_code::config_error, problems.format()};
  return cfg;
}

expected<node_config> load_config_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return error_info{error_code::config_error, path + ": cannot open the file"};
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad())
    return error_info{error_code::config_error, path + ": cannot read the file"};
  return load_config_string(buf.str(), path);
}

// -- environment ---------------------------------------------------------------

std::optional<std::string> process_env(const char* name) {
  if (const char* v = std::getenv(name))
    return std::string{v};
  return std::nullopt;
}

error_info apply_env_overrides(node_config& cfg, const env_lookup& env) {
  struct override_spec {
    const char* var;
    const char* path;
    std::string* field;
  };
  const override_spec specs[] = {
    {"XARB_LISTEN", "web.listen", &cfg.web.listen},
    {"XARB_DATA_DIR", "node.data_dir", &cfg.node.data_dir},
    {"XARB_LOG_LEVEL", "node.log_level", &cfg.node.log_level},
  };
  std::vector<const override_spec*> applied;
  for (auto& spec : specs) {
    auto value = env(spec.var);
    if (!value || value->empty())
      continue;
    *spec.field = *value;
    applied.push_back(&spec);
  }
  if (applied.empty())
    return {};
  // Report problems of the overridden keys only, attributed to the variable.
  problem_list all{"<env>"};
  config_detail::check_rules(cfg, all);
  problem_list mine{"<env>"};
  for (auto& [path, message] : all.items())
    for (auto* spec : applied)
      if (path == spec->path)
        mine.with_origin(std::string{"env "} + spec->var, path, message);
  if (mine.empty())
    return {};
  return error_info{error_code::config_error, mine.format()};
}

// -- validation and printing ---------------------------------------------------

error_info validate(const node_config& cfg) {
  problem_list problems{"<config>"};
  config_detail::check_rules(cfg, problems);
  if (problems.empty())
    return {};
  return error_info{error_code::config_error, problems.format()};
}

std::string describe(const node_config& cfg) {
  std::string out;
  auto kv = [&out](std::string_view key, const std::string& value) {
    if (!out.empty())
      out += ' ';
    out += key;
    out += '=';
    out += value;
  };
  auto b = [](bool x) { return std::string{x ? "true" : "false"}; };
  auto join = [](const auto& items, auto name_of) {
    std::string s = "[";
    for (auto& item : items) {
      if (s.size() > 1)
        s += ',';
      s += name_of(item);
    }
    return s + "]";
  };
  kv("node.name", cfg.node.name);
  kv("node.data_dir", cfg.node.data_dir);
  kv("node.log_level", cfg.node.log_level);
  kv("node.log_json", b(cfg.node.log_json));
  kv("web.listen", cfg.web.listen);
  kv("scheduler.max_threads", std::to_string(cfg.scheduler.max_threads));
  kv("scheduler.policy", cfg.scheduler.policy);
  kv("scheduler.low_latency", b(cfg.scheduler.low_latency));
  kv("scheduler.inline_decisions", b(cfg.scheduler.inline_decisions));
  kv("supervision.max_restarts", std::to_string(cfg.supervision.max_restarts));
  kv("supervision.period_s", std::to_string(cfg.supervision.period_s));
  kv("supervision.backoff_initial_ms", std::to_string(cfg.supervision.backoff_initial_ms));
  kv("supervision.backoff_max_ms", std::to_string(cfg.supervision.backoff_max_ms));
  kv("shutdown.grace_ms", std::to_string(cfg.shutdown.grace_ms));
  kv("market.data", cfg.market.data);
  kv("market.execution", cfg.market.execution);
  if (!cfg.market.canonical_units.empty()) {
    std::string units = "{";
    for (auto& [base, coins] : cfg.market.canonical_units)
      units += (units.size() > 1 ? "," : "") + base + ":" + std::to_string(coins);
    kv("market.canonical_units", units + "}");
  }
  // The limits that stop trading soonest; 0 = off.
  auto& rk = cfg.risk;
  kv("risk", "order<=" + rk.max_order_notional.to_string() + ",pair_gross<="
               + rk.max_pair_gross.to_string() + ",total_gross<="
               + rk.max_total_gross.to_string() + ",daily_loss<="
               + rk.breakers.daily_loss.limit.to_string() + ",drawdown<="
               + config_detail::format_double(rk.breakers.drawdown.pct) + "%");
  auto strategy_of = [](const strategy::pair_params& p) {
    return std::string{strategy::to_string(p.mode)} + "/" + std::string{strategy::to_string(p.style)}
           + "/" + std::string{strategy::to_string(p.signal.model)};
  };
  kv("strategy", strategy_of(cfg.strategy));
  kv("strategy.order_notional", cfg.strategy.order_notional.to_string());
  kv("sim.seed", std::to_string(cfg.sim.seed));
  kv("sim.step_ms", std::to_string(cfg.sim.step_ms));
  kv("sim.correlation", config_detail::format_double(cfg.sim.correlation));
  kv("sim.symbols", join(cfg.sim.symbols, [](auto& s) { return s.symbol; }));
  if (cfg.sim.generate_symbols > 0)
    kv("sim.generate_symbols", std::to_string(cfg.sim.generate_symbols));
  kv("sim.venues", join(cfg.sim.venues, [](auto& v) { return v.name; }));
  // Which venues are live, off or have credentials; never a credential
  // itself (a proxy without its user:pass).
  std::vector<std::string> names, live, disabled, with_keys, proxies;
  for (auto& v : cfg.sim.venues)
    names.push_back(v.name);
  for (auto& [name, vs] : cfg.venues)
    if (vs.market_data == "live" && std::find(names.begin(), names.end(), name) == names.end())
      names.push_back(name);
  for (auto& name : names) {
    auto& vs = venue_of(cfg, name);
    if (vs.market_data == "live") {
      // binance, okx(testnet), mock-bn(binance,ws://127.0.0.1:9101)
      std::string how;
      auto add = [&how](const std::string& s) { how += (how.empty() ? "" : ",") + s; };
      if (!vs.adapter.empty() && vs.adapter != name)
        add(vs.adapter);
      if (vs.network != "mainnet")
        add(vs.network);
      if (!vs.ws_url.empty())
        add(redact_url_credentials(vs.ws_url));
      if (!vs.rest_url.empty())
        add(redact_url_credentials(vs.rest_url));
      live.push_back(how.empty() ? name : name + "(" + how + ")");
    }
    if (!vs.enabled)
      disabled.push_back(name);
    if (!vs.api_key.empty() || !vs.api_secret.empty() || !vs.passphrase.empty())
      with_keys.push_back(name);
    if (!vs.proxy.empty())
      proxies.push_back(name + "=" + redact_url_credentials(vs.proxy));
  }
  auto same = [](const std::string& s) { return s; };
  if (!live.empty())
    kv("venues.live", join(live, same));
  if (!disabled.empty())
    kv("venues.disabled", join(disabled, same));
  if (!with_keys.empty())
    kv("venues.credentials", join(with_keys, same));
  if (!proxies.empty())
    kv("venues.proxy", join(proxies, same));
  if (cfg.pairs.empty())
    kv("pairs", "all");
  else
    kv("pairs", join(cfg.pairs, [&](auto& p) {
         // Pairs with their own parameters are marked; mode/style/model shown.
         auto id = p.symbol + ":" + p.venue_a + "/" + p.venue_b;
         if (p.params == cfg.strategy)
           return id;
         return id + "(" + strategy_of(p.params) + ")";
       }));
  return out;
}

std::string to_toml(const node_config& cfg) {
  return config_detail::write_toml(cfg);
}

} // namespace xarb
