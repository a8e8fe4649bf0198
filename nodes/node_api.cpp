#include "nodes/node_api.hpp"

#include <limits>
#include <sstream>

#include <caf/send.hpp>

#include "actors/clock.hpp"
#include "actors/name_registry.hpp"
#include "actors/risk_guard.hpp"
#include "actors/storage/csv_export.hpp"
#include "actors/storage/store.hpp"
#include "core/risk/rate_limits.hpp"
#include "messages/type_ids.hpp"
#include "monitoring/json_writer.hpp"
#include "monitoring/logging.hpp"
#include "monitoring/risk_status.hpp"
#include "monitoring/scan_json.hpp"
#include "monitoring/status_board.hpp"
#include "nodes/config.hpp"
#include "nodes/export_command.hpp"
#include "venues/sim/sim_venue.hpp"

namespace xarb {

// -- runtime_pairs ------------------------------------------------------------

runtime_pairs::runtime_pairs(std::vector<pair_config> pairs) {
  for (auto& p : pairs) {
    auto id = pair_id(p);
    pairs_.emplace(std::move(id), std::move(p));
  }
}

pair_config runtime_pairs::get(const std::string& id) const {
  std::lock_guard guard{mtx_};
  return pairs_.at(id);
}

std::vector<std::string> runtime_pairs::ids() const {
  std::lock_guard guard{mtx_};
  std::vector<std::string> out;
  for (auto& [id, p] : pairs_)
    out.push_back(id);
  return out;
}

bool runtime_pairs::contains(const std::string& id) const {
  std::lock_guard guard{mtx_};
  return pairs_.count(id) > 0;
}

void runtime_pairs::set_enabled(bool on) {
  std::lock_guard guard{mtx_};
  for (auto& [id, p] : pairs_)
    p.enabled = on;
}

void runtime_pairs::set_mode(strategy::trade_mode m) {
  std::lock_guard guard{mtx_};
  for (auto& [id, p] : pairs_)
    p.params.mode = m;
}

params_result runtime_pairs::update_params(const std::string& id, std::string_view patch) {
  std::lock_guard guard{mtx_};
  params_result r;
  auto i = pairs_.find(id);
  if (i == pairs_.end()) {
    r.errors.push_back("no pair '" + id + "'");
    return r;
  }
  auto next = patch_params_json(i->second.params, patch);
  if (!next.errors.empty()) {
    r.errors = std::move(next.errors);
    return r;
  }
  i->second.params = next.params;
  r.params_json = params_to_json(next.params);
  return r;
}

std::string runtime_pairs::params_json(const std::string& id) const {
  std::lock_guard guard{mtx_};
  auto i = pairs_.find(id);
  return i == pairs_.end() ? std::string{} : params_to_json(i->second.params);
}

// -- documents ------------------------------------------------------------------

std::vector<instrument_spec> sim_instruments(const node_config& cfg) {
  std::vector<instrument_spec> out;
  for (auto& v : cfg.sim.venues) {
    if (!venue_enabled(cfg, v.name) || venue_is_live(cfg, v.name))
      continue; // disabled, or a real venue (its listing comes from the venue)
    try {
      sim::venue venue{cfg.sim, v.name};
      for (auto& spec : venue.instruments())
        out.push_back(spec);
    } catch (const std::exception& e) {
      log::get("web")->warn("symbols of {} not listed: {}", v.name, e.what());
    }
  }
  return out;
}

std::string symbols_json(const std::vector<instrument_spec>& sim,
                         const std::map<std::string, std::vector<instrument_spec>, std::less<>>& live) {
  // Per symbol, each venue's spec, as the venue sessions publish them.
  std::map<std::string, std::vector<instrument_spec>> by_symbol;
  for (auto& spec : sim)
    by_symbol[spec.symbol].push_back(spec);
  for (auto& [venue, specs] : live)
    for (auto& spec : specs)
      by_symbol[spec.symbol].push_back(spec);
  json::writer w;
  w.begin_array();
  for (auto& [symbol, specs] : by_symbol) {
    w.begin_object().key("symbol").value(symbol);
    w.key("base").value(specs.front().base);
    w.key("venues").begin_array();
    for (auto& s : specs) {
      w.begin_object();
      w.key("venue").value(s.venue);
      w.key("native_symbol").value(s.native_symbol);
      w.key("quote").value(s.quote);
      w.key("multiplier").value(s.multiplier.to_string());
      w.key("tick").value(s.tick.to_string());
      w.key("lot").value(s.lot.to_string());
      w.key("min_qty").value(s.min_qty.to_string());
      w.key("min_notional").value(s.min_notional.to_string());
      w.key("maker_fee").value(s.maker_fee.to_string());
      w.key("taker_fee").value(s.taker_fee.to_string());
      w.key("max_leverage").value(static_cast<int64_t>(s.max_leverage));
      w.key("funding_interval_s").value(static_cast<int64_t>(s.funding_interval_s));
      w.end_object();
    }
    w.end_array().end_object();
  }
  w.end_array();
  return std::move(w).str();
}

namespace {

std::string rate_limit_of(const risk::rate_limit_registry& limits, const std::string& venue) {
  for (auto& s : limits.snapshot(wall_clock_ns())) {
    if (s.venue != venue)
      continue;
    json::writer w;
    write_rate_limit(w, s);
    return std::move(w).str(); // one key per venue in this version
  }
  return {};
}

/// Sends `f(trader)` to every pair trader running now. One that is
/// restarting is not reached: it starts from runtime_pairs, which the
/// caller changed first.
template <class F>
void each_trader(const name_registry& registry, const runtime_pairs& pairs, F&& f) {
  for (auto& id : pairs.ids())
    if (auto trader = registry.get_as<pair_trader_actor>("pair/" + id))
      f(trader);
}

/// A request body fit for one log line: control characters become spaces.
std::string one_line(std::string_view text, std::size_t max = 500) {
  std::string out{text.substr(0, max)};
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      c = ' ';
  return out;
}

} // namespace

scanner::signal_params signal_params_of(const scanner_section& c) {
  scanner::signal_params p;
  p.threshold_bps = c.signal_threshold_bps;
  p.samples = c.signal_samples;
  p.cooldown_ns = int64_t{c.signal_cooldown_s} * 1'000'000'000;
  p.keep = static_cast<std::size_t>(c.signals_kept);
  return p;
}

scanner_settings scanner_settings_of(const scanner_section& c) {
  scanner_settings s;
  s.enabled = c.enabled;
  s.top_n = static_cast<std::size_t>(c.top_n);
  auto sort = scanner::parse_sort_key(c.sort); // validated with the config
  s.sort = sort ? *sort : scanner::sort_key::notional;
  s.refresh_ms = c.refresh_ms;
  s.history_interval_s = c.history_interval_s;
  s.signals = signal_params_of(c);
  return s;
}

scanner_config scanner_config_of(const node_config& cfg) {
  const auto& c = cfg.scanner;
  scanner_config sc;
  sc.venues = enabled_venues(cfg); // a disabled venue has no session to watch
  sc.refresh_interval = std::chrono::milliseconds(c.refresh_ms);
  sc.params.stale_after_ns = int64_t{c.stale_after_ms} * 1'000'000;
  sc.params.funding_basis_hours = c.funding_basis_hours;
  sc.params.carry_horizon_hours = c.carry_horizon_hours;
  for (auto& [venue, lev] : c.fallback_leverage)
    sc.params.fallback_leverage[venue] = lev;
  sc.params.default_fallback_leverage = c.default_fallback_leverage;
  sc.signals = signal_params_of(c);
  sc.history_interval = std::chrono::seconds(c.history_interval_s);
  return sc;
}


expected<std::string> history_json(const storage::store& store, const history_query& q,
                                   int32_t basis_hours, timestamp_ns now) {
  constexpr timestamp_ns day_ns = 86'400'000'000'000;
  timestamp_ns to = now;
  if (!q.to.empty()) {
    auto t = cli::parse_time(q.to);
    if (!t)
      return t.error();
    to = *t;
  }
  timestamp_ns from = to - day_ns;
  if (!q.from.empty()) {
    auto t = cli::parse_time(q.from);
    if (!t)
      return t.error();
    from = *t;
  }
  if (from >= to)
    return error_info{error_code::parse_error, "from must be before to"};
  std::vector<market_sample> samples;
  bool truncated = false;
  auto err = store.scan_history(q.symbol, from, to, [&](const market_sample& m) {
    if (samples.size() == q.limit) {
      truncated = true;
      return false;
    }
    samples.push_back(m);
    return true;
  });
  if (err)
    return err;
  json::writer w;
  scan_json::write_history(w, q.symbol, q.venue, from, to, samples, truncated, basis_hours);
  return std::move(w).str();
}

std::shared_ptr<const control_api> make_control_api(const node_api_inputs& in) {
  auto api = std::make_shared<control_api>();
  api->token = in.token;
  // GET /api/export/{kind}.csv: `xarb export` on the node's own store
  // (RocksDB reads are thread-safe and see a consistent view).
  if (auto store = in.store)
    api->export_csv = [store](const export_query& q) -> expected<std::string> {
      timestamp_ns from = std::numeric_limits<timestamp_ns>::min();
      timestamp_ns to = std::numeric_limits<timestamp_ns>::max();
      for (auto [text, out] : {std::pair{&q.from, &from}, std::pair{&q.to, &to}}) {
        if (text->empty())
          continue;
        auto t = cli::parse_time(*text);
        if (!t)
          return t.error();
        *out = *t;
      }
      std::ostringstream out;
      if (auto err = storage::export_csv(*store, q.kind, from, to, q.pair, out))
        return err;
      return std::move(out).str();
    };
  // GET /api/history/{symbol}: the scanner's samples of one symbol (one
  // prefix seek in the store's history family).
  if (auto store = in.store) {
    const int32_t basis = in.cfg->scanner.funding_basis_hours;
    api->history = [store, basis](const history_query& q) -> expected<std::string> {
      return history_json(*store, q, basis, wall_clock_ns());
    };
  }
  api->scan = in.scan;
  api->config_json = config_to_json(*in.cfg);
  if (auto* b = in.board)
    api->symbols_source = [b, sim = sim_instruments(*in.cfg)] {
      return symbols_json(sim, b->instruments());
    };
  else
    api->symbols_json = symbols_json(sim_instruments(*in.cfg), {});
  if (auto editor = in.config) {
    api->config_save = [editor](std::string_view patch, bool dry_run) {
      return editor->save(patch, dry_run);
    };
    api->config_file = [editor] { return editor->file(); };
  }
  if (auto* limits = in.limits)
    api->rate_limit_json = [limits](const std::string& venue) {
      return rate_limit_of(*limits, venue);
    };
  api->live_orders.configured = in.cfg->market.execution == "live";
  api->live_orders.confirm_text = in.cfg->web.live_confirm_text;
  api->data_modes = {effective_data_mode(*in.cfg)};
  auto* registry = in.registry;
  auto* board = in.board;
  auto pairs = in.pairs;
  api->update_params = [registry, board, pairs](const std::string& id,
                                                std::string_view patch) -> params_result {
    if (!pairs || !pairs->contains(id))
      return params_result{{}, {}, "no such pair on this node"};
    auto r = pairs->update_params(id, patch);
    if (!r.errors.empty())
      return r;
    const auto cfg = pairs->get(id);
    if (auto trader = registry->get_as<pair_trader_actor>(pair_trader_name(cfg)))
      caf::anon_send(trader, atom::params_v, cfg.params);
    board->set_pair_params(id, r.params_json);
    log::get("web")->warn("operator changed the parameters of {}: {}", id, one_line(patch));
    return r;
  };
  api->send = [registry, board, pairs](const control_command& cmd) -> std::string {
    switch (cmd.kind) {
      case control_kind::engine_start:
      case control_kind::engine_stop: {
        const bool on = cmd.kind == control_kind::engine_start;
        pairs->set_enabled(on);
        board->set_engine_running(on);
        each_trader(*registry, *pairs, [on](const pair_trader_actor& t) {
          caf::anon_send(t, atom::enable_v, on);
        });
        break;
      }
      case control_kind::set_mode: {
        strategy::trade_mode m;
        if (!strategy::parse(cmd.target, m))
          return "unknown mode '" + cmd.target + "'";
        pairs->set_mode(m);
        board->set_trade_mode(cmd.target);
        each_trader(*registry, *pairs, [&](const pair_trader_actor& t) {
          caf::anon_send(t, atom::mode_v, cmd.target);
        });
        break;
      }
      case control_kind::live_orders:
        // Reached only when the config allows live orders and the operator
        // typed the confirmation text (web/api_control.cpp).
        board->set_live_order_enabled(cmd.target == "on");
        break;
      default: {
        auto guard = registry->get_as<risk_guard_actor>(risk_guard_name);
        if (!guard)
          return "risk guard not running";
        switch (cmd.kind) {
          case control_kind::halt:
            caf::anon_send(guard, atom::halt_v, cmd.reason);
            break;
          case control_kind::flatten_all:
            caf::anon_send(guard, atom::flatten_v, cmd.reason);
            break;
          case control_kind::flatten_pair:
            caf::anon_send(guard, atom::flatten_v, cmd.target, cmd.reason);
            break;
          case control_kind::resume:
            caf::anon_send(guard, atom::resume_v);
            break;
          case control_kind::resume_scope:
            caf::anon_send(guard, atom::resume_v, cmd.target);
            break;
          default:
            return "unknown command";
        }
      }
    }
    // An audit line and an event per command (routes already rejected
    // control characters).
    log::get("web")->warn("operator command {} target='{}' reason='{}'", to_string(cmd.kind),
                          cmd.target, cmd.reason);
    board->add_event(event{wall_clock_ns(), severity::warning, "web",
                           "operator " + std::string{to_string(cmd.kind)}
                             + (cmd.target.empty() ? "" : " " + cmd.target)
                             + (cmd.reason.empty() ? "" : ": " + cmd.reason)});
    return {};
  };
  return api;
}

} // namespace xarb
