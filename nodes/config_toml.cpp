// TOML <-> node_config ([risk]: config_toml_risk.cpp; the shared reader and
// writer: config_toml_io.hpp). The reader checks structure and types (unknown keys,
// wrong types, missing required keys, unparsable decimals) and remembers
// where every key is so that config_rules.cpp can point at it; the writer
// emits the complete config in the same layout.
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <type_traits>

#include "nodes/config_toml_io.hpp"

namespace xarb::config_detail {

namespace {

// -- drift guard ----------------------------------------------------------------
// The reader and writer below list every field of the sim structs. If a field
// is added there, these asserts fail until this file, config_rules.cpp and
// deploy/xarb.example.toml learn about it.

static_assert(field_count<sim::symbol_config>() == 6,
              "sim::symbol_config changed: update nodes/config_toml.cpp");
static_assert(field_count<sim::contract_override>() == 3,
              "sim::contract_override changed: update nodes/config_toml.cpp");
static_assert(field_count<sim::venue_config>() == 34,
              "sim::venue_config changed: update nodes/config_toml.cpp");
static_assert(field_count<sim::world_config>() == 7,
              "sim::world_config changed: update nodes/config_toml.cpp");
static_assert(field_count<web_section>() == 12,
              "web_section changed: update nodes/config_toml.cpp");
static_assert(field_count<market_section>() == 4,
              "market_section changed: update nodes/config_toml.cpp");
static_assert(field_count<storage_section>() == 6,
              "storage_section changed: update nodes/config_toml.cpp");
static_assert(field_count<storage_retention>() == 8,
              "storage_retention changed: update nodes/config_toml.cpp");
static_assert(field_count<node_config>() == 13,
              "node_config changed: update nodes/config_toml.cpp");
static_assert(field_count<pair_entry>() == 4,
              "pair_entry changed: update nodes/config_toml.cpp");
static_assert(field_count<strategy::signal_params>() == 17,
              "strategy::signal_params changed: update each_signal_key below");
static_assert(field_count<strategy::pair_params>() == 21,
              "strategy::pair_params changed: update each_strategy_key below");

// -- strategy keys --------------------------------------------------------------
// One list drives the reader, the writer and the per-pair "differs from
// [strategy]" test. Every int64_t field is a duration in ns, written in the
// key's unit (`unit` = ns per unit); other fields have unit 0.

template <class Fn>
void each_signal_key(Fn&& fn) {
  using S = strategy::signal_params;
  fn("model", &S::model, 0);
  fn("window", &S::window, 0);
  fn("sample_interval_ms", &S::sample_interval_ns, ns_per_ms);
  fn("min_std_bps", &S::min_std_bps, 0);
  fn("z_entry", &S::z_entry, 0);
  fn("z_exit", &S::z_exit, 0);
  fn("offset_bps", &S::offset_bps, 0);
  fn("exit_offset_bps", &S::exit_offset_bps, 0);
  fn("low_vol_min_profit_bps", &S::low_vol_min_profit_bps, 0);
  fn("high_vol_min_profit_bps", &S::high_vol_min_profit_bps, 0);
  fn("vol_low_bps", &S::vol_low_bps, 0);
  fn("vol_high_bps", &S::vol_high_bps, 0);
  fn("threshold_bps", &S::threshold_bps, 0);
  fn("persist_samples", &S::persist_samples, 0);
  fn("cooldown_s", &S::cooldown_ns, ns_per_s);
  fn("persistent_exit_bps", &S::persistent_exit_bps, 0);
  fn("tranche_step", &S::tranche_step, 0);
}

template <class Fn>
void each_strategy_key(Fn&& fn) {
  using P = strategy::pair_params;
  fn("mode", &P::mode, 0);
  fn("style", &P::style, 0);
  fn("maker", &P::maker, 0);
  fn("order_notional", &P::order_notional, 0);
  fn("max_tranches", &P::max_tranches, 0);
  fn("max_position_notional", &P::max_position_notional, 0);
  fn("min_profit_bps", &P::min_profit_bps, 0);
  fn("take_profit_bps", &P::take_profit_bps, 0);
  fn("stop_loss_bps", &P::stop_loss_bps, 0);
  fn("max_hold_s", &P::max_hold_ns, ns_per_s);
  fn("slippage_bps", &P::slippage_bps, 0);
  fn("hedge_slippage_bps", &P::hedge_slippage_bps, 0);
  fn("requote_bps", &P::requote_bps, 0);
  fn("leg_timeout_ms", &P::leg_timeout_ns, ns_per_ms);
  fn("maker_timeout_ms", &P::maker_timeout_ns, ns_per_ms);
  fn("hedge_timeout_ms", &P::hedge_timeout_ns, ns_per_ms);
  fn("max_retries", &P::max_retries, 0);
  fn("max_book_age_ms", &P::max_book_age_ns, ns_per_ms);
  fn("rebalance_multiple", &P::rebalance_multiple, 0);
  fn("hard_delta_notional", &P::hard_delta_notional, 0);
}


void read_symbol(table_reader& r, sim::symbol_config& s) {
  r.require("symbol", s.symbol);
  r.require("base", s.base);
  r.require("start_price", s.start_price);
  r.require("vol_per_sqrt_s", s.vol_per_sqrt_s);
  r.require("level_qty", s.level_qty);
  r.read("lot_decimals_adjust", s.lot_decimals_adjust);
}

void read_venue(problem_list& out, table_reader& r, sim::venue_config& v) {
  r.require("name", v.name);
  r.require("tick_scale", v.tick_scale);
  r.require("maker_fee", v.maker_fee);
  r.require("taker_fee", v.taker_fee);
  r.read("latency_ms", v.latency_ms);
  r.read("update_hz", v.update_hz);
  r.read("levels", v.levels);
  r.read("basis_mean_bps", v.basis_mean_bps);
  r.read("basis_vol_bps", v.basis_vol_bps);
  r.read("basis_reversion", v.basis_reversion);
  r.read("dislocation_per_hour", v.dislocation_per_hour);
  r.read("dislocation_bps", v.dislocation_bps);
  r.read("dislocation_reversion", v.dislocation_reversion);
  r.read("half_spread_bps", v.half_spread_bps);
  r.read("level_step_bps", v.level_step_bps);
  r.read("funding_interval_s", v.funding_interval_s);
  r.read("funding_bias_bps", v.funding_bias_bps);
  r.read("funding_basis_weight", v.funding_basis_weight);
  r.read("funding_update_s", v.funding_update_s);
  r.read("lot_decimals", v.lot_decimals);
  r.read("min_notional", v.min_notional);
  r.read("multiplier", v.multiplier);
  r.read("gap_probability", v.gap_probability);
  r.read("corrupt_probability", v.corrupt_probability);
  r.read("rate_limit_orders_per_s", v.rate_limit_orders_per_s);
  r.read("rate_limit_burst", v.rate_limit_burst);
  r.read("ban_after_429", v.ban_after_429);
  r.read("ban_s", v.ban_s);
  r.read("native_format", v.native_format);
  r.read("quote", v.quote);
  r.read("max_leverage", v.max_leverage);
  r.read("unlisted", v.unlisted);
  r.read("listing_ratio", v.listing_ratio);
  std::vector<sim::contract_override> contracts;
  if (r.each_table("contracts", [&](const toml::table* t, const std::string& p) {
        sim::contract_override c;
        if (t) {
          table_reader cr{out, *t, p};
          cr.require("symbol", c.symbol);
          cr.read("native_symbol", c.native_symbol);
          cr.read("multiplier", c.multiplier);
          cr.finish();
        }
        contracts.push_back(std::move(c));
      }))
    v.contracts = std::move(contracts);
}

void read_sim(problem_list& out, table_reader& r, sim::world_config& w) {
  r.read("seed", w.seed);
  r.read("step_ms", w.step_ms);
  r.read("correlation", w.correlation);
  r.read("start_ts", w.start_ts);
  r.read("generate_symbols", w.generate_symbols);
  std::vector<sim::symbol_config> symbols;
  if (r.each_table("symbols", [&](const toml::table* t, const std::string& p) {
        sim::symbol_config s;
        if (t) {
          table_reader sr{out, *t, p};
          read_symbol(sr, s);
          sr.finish();
        }
        symbols.push_back(std::move(s));
      }))
    w.symbols = std::move(symbols);
  std::vector<sim::venue_config> venues;
  if (r.each_table("venues", [&](const toml::table* t, const std::string& p) {
        sim::venue_config v;
        if (t) {
          table_reader vr{out, *t, p};
          read_venue(out, vr, v);
          vr.finish();
        }
        venues.push_back(std::move(v));
      }))
    w.venues = std::move(venues);
}

/// window_s -> samples of `interval_ns`; 0 when out of any sensible range.
std::size_t window_samples(double seconds, int64_t interval_ns) {
  if (interval_ns <= 0)
    return 0;
  double w = std::round(seconds * 1e9 / static_cast<double>(interval_ns));
  return w >= 1 && w <= 1e15 ? static_cast<std::size_t>(w) : 0;
}

/// Reads the strategy keys of `r` ([strategy] or one [[pairs]] entry) over
/// `p`, and its `signal` sub-table. `window_s` is the window in seconds
/// given by [strategy.signal] (if any): a pair that only changes
/// sample_interval_ms keeps the window's duration rather than its samples.
/// Reading [strategy] sets it.
void read_strategy(problem_list& out, table_reader& r, strategy::pair_params& p,
                   std::optional<double>& window_s) {
  each_strategy_key([&](std::string_view key, auto member, int64_t unit) {
    read_field(r, key, p.*member, unit);
  });
  auto put_in = "a signal key: put it in [" + (r.path().back() == ']' ? std::string{"pairs"}
                                                                       : r.path())
                + ".signal]";
  each_signal_key([&](std::string_view key, auto, int64_t) { r.hint(key, put_in); });
  r.hint("window_s", put_in);
  auto* t = r.section("signal");
  if (!t)
    return;
  table_reader sr{out, *t, r.path() + ".signal"};
  auto& s = p.signal;
  auto interval_before = s.sample_interval_ns;
  each_signal_key([&](std::string_view key, auto member, int64_t unit) {
    read_field(sr, key, s.*member, unit);
  });
  double seconds = 0;
  if (sr.has("window") && sr.has("window_s")) {
    sr.read("window_s", seconds); // known key; the value is not used
    sr.error("window_s", "give either window (samples) or window_s (seconds), not both");
  } else if (sr.read("window_s", seconds)) {
    auto samples = window_samples(seconds, s.sample_interval_ns);
    if (samples < 2 || samples > 1'000'000) {
      sr.error("window_s", format_double(seconds) + " s is not 2..1000000 samples of "
                             "sample_interval_ms (" + format_double(
                               static_cast<double>(s.sample_interval_ns) / ns_per_ms) + ")");
    } else {
      s.window = samples;
      window_s = seconds;
      sr.remember_as("window_s", sr.path() + ".window");
    }
  } else if (!sr.has("window") && window_s && s.sample_interval_ns != interval_before) {
    // Out-of-range results are left to validate() (pairs[i].signal.window).
    auto samples = window_samples(*window_s, s.sample_interval_ns);
    s.window = samples > 0 ? samples : 1;
  }
  sr.finish();
}

template <class Fn>
void read_section(problem_list& out, table_reader& root, const char* name, Fn&& fn) {
  if (auto* t = root.section(name)) {
    table_reader r{out, *t, name};
    fn(r);
    r.finish();
  }
}

// -- writer ---------------------------------------------------------------------

/// The strategy keys of `p`: all of them ([strategy]) or, with `base`, only
/// those that differ from it ([[pairs]], so the file stays readable).
void write_strategy(toml_writer& w, const strategy::pair_params& p,
                    const strategy::pair_params* base, std::string_view signal_header) {
  each_strategy_key([&](std::string_view key, auto member, int64_t unit) {
    if (!base || p.*member != base->*member)
      write_field(w, key, p.*member, unit);
  });
  bool header = false;
  each_signal_key([&](std::string_view key, auto member, int64_t unit) {
    if (base && p.signal.*member == base->signal.*member)
      return;
    if (!header) {
      w.header(signal_header);
      header = true;
    }
    write_field(w, key, p.signal.*member, unit);
  });
}

} // namespace

const char* type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      auto up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string breaker_action_choices() {
  std::string out;
  for (int i = 0; i < 256; ++i) {
    auto name = risk::to_string(static_cast<risk::breaker_action>(i));
    if (name == "invalid")
      break;
    out += out.empty() ? "" : ", ";
    out += name;
  }
  return out;
}

std::string format_double(double x) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  return std::string(buf, res.ptr);
}

void read_toml(std::string_view text, std::string_view source, node_config& cfg,
               problem_list& out) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& err) {
    // A syntax error stops the parse: toml++ reports only the first one.
    out.at("", err.source().begin.line, err.source().begin.column,
           "TOML syntax error: " + std::string{err.description()});
    return;
  }
  table_reader r{out, root, ""};
  read_section(out, r, "node", [&](table_reader& s) {
    s.read("name", cfg.node.name);
    s.read("data_dir", cfg.node.data_dir);
    s.read("log_level", cfg.node.log_level);
    s.read("log_json", cfg.node.log_json);
  });
  read_section(out, r, "web", [&](table_reader& s) {
    auto& w = cfg.web;
    s.read("listen", w.listen);
    s.read("token_file", w.token_file);
    s.read("threads", w.threads);
    s.read("max_body_bytes", w.max_body_bytes);
    s.read("rate_limit_rps", w.rate_limit_rps);
    s.read("rate_limit_burst", w.rate_limit_burst);
    s.read("stream_interval_ms", w.stream_interval_ms);
    s.read("ws_max_clients", w.ws_max_clients);
    s.read("ws_queue_bytes", w.ws_queue_bytes);
    s.read("live_confirm_text", w.live_confirm_text);
    s.read("ui_dir", w.ui_dir);
    s.read("equity_sample_s", w.equity_sample_s);
  });
  read_section(out, r, "scheduler", [&](table_reader& s) {
    s.read("max_threads", cfg.scheduler.max_threads);
    s.read("policy", cfg.scheduler.policy);
    s.read("low_latency", cfg.scheduler.low_latency);
    s.read("inline_decisions", cfg.scheduler.inline_decisions);
  });
  read_section(out, r, "supervision", [&](table_reader& s) {
    s.read("max_restarts", cfg.supervision.max_restarts);
    s.read("period_s", cfg.supervision.period_s);
    s.read("backoff_initial_ms", cfg.supervision.backoff_initial_ms);
    s.read("backoff_max_ms", cfg.supervision.backoff_max_ms);
  });
  read_section(out, r, "shutdown", [&](table_reader& s) { s.read("grace_ms", cfg.shutdown.grace_ms); });
  read_section(out, r, "market", [&](table_reader& s) {
    s.read("data", cfg.market.data);
    s.read("execution", cfg.market.execution);
    s.read("consistency_check_s", cfg.market.consistency_check_s);
    if (auto* t = s.section("canonical_units"))
      read_canonical_units(out, *t, s.path() + ".canonical_units", cfg.market.canonical_units);
  });
  if (auto* t = r.section("venues")) {
    table_reader vr{out, *t, "venues"};
    read_venues(out, vr, *t, cfg.venues);
    vr.finish();
  }
  read_section(out, r, "storage", [&](table_reader& s) {
    auto& st = cfg.storage;
    s.read("sync_journal", st.sync_journal);
    s.read("batch_max", st.batch_max);
    s.read("flush_ms", st.flush_ms);
    s.read("record_market", st.record_market);
    s.read("sim_history", st.sim_history);
    if (auto* t = s.section("retention_days")) {
      table_reader rr{out, *t, s.path() + ".retention_days"};
      auto& d = st.retention_days;
      rr.read("orders", d.orders);
      rr.read("fills", d.fills);
      rr.read("positions", d.positions);
      rr.read("events", d.events);
      rr.read("spreads", d.spreads);
      rr.read("market", d.market);
      rr.read("config", d.config);
      rr.read("history", d.history);
      rr.finish();
    }
  });
  std::optional<double> window_s;
  read_section(out, r, "strategy",
               [&](table_reader& s) { read_strategy(out, s, cfg.strategy, window_s); });
  read_section(out, r, "risk", [&](table_reader& s) { read_risk(out, s, cfg.risk); });
  read_section(out, r, "scanner", [&](table_reader& s) { read_scanner(out, s, cfg.scanner); });
  read_section(out, r, "sim", [&](table_reader& s) { read_sim(out, s, cfg.sim); });
  // Pairs start from [strategy] (read above, wherever it is in the file).
  std::vector<pair_entry> pairs;
  if (r.each_table("pairs", [&](const toml::table* t, const std::string& p) {
        pair_entry e;
        e.params = cfg.strategy;
        if (t) {
          table_reader pr{out, *t, p};
          pr.require("symbol", e.symbol);
          pr.require("venue_a", e.venue_a);
          pr.require("venue_b", e.venue_b);
          auto pair_window_s = window_s;
          read_strategy(out, pr, e.params, pair_window_s);
          pr.finish();
        }
        pairs.push_back(std::move(e));
      }))
    cfg.pairs = std::move(pairs);
  r.finish();
}

void read_strategy_toml(std::string_view text, std::string_view path,
                        strategy::pair_params& p, problem_list& out) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& err) {
    out.add(std::string{path}, "malformed: " + std::string{err.description()});
    return;
  }
  table_reader r{out, root, std::string{path}};
  std::optional<double> window_s;
  read_strategy(out, r, p, window_s);
  r.finish();
}

std::string write_strategy_toml(const strategy::pair_params& p) {
  toml_writer w;
  write_strategy(w, p, nullptr, "[signal]");
  return std::move(w).str();
}

std::string write_toml(const node_config& c) {
  toml_writer w;
  w.header("[node]");
  w.kv("name", c.node.name);
  w.kv("data_dir", c.node.data_dir);
  w.kv("log_level", c.node.log_level);
  w.kv("log_json", c.node.log_json);
  w.header("[web]");
  w.kv("listen", c.web.listen);
  w.kv("token_file", c.web.token_file);
  w.kv("threads", c.web.threads);
  w.kv("max_body_bytes", c.web.max_body_bytes);
  w.kv("rate_limit_rps", c.web.rate_limit_rps);
  w.kv("rate_limit_burst", c.web.rate_limit_burst);
  w.kv("stream_interval_ms", c.web.stream_interval_ms);
  w.kv("ws_max_clients", c.web.ws_max_clients);
  w.kv("ws_queue_bytes", c.web.ws_queue_bytes);
  w.kv("live_confirm_text", c.web.live_confirm_text);
  w.kv("ui_dir", c.web.ui_dir);
  w.kv("equity_sample_s", c.web.equity_sample_s);
  w.header("[scheduler]");
  w.kv("max_threads", c.scheduler.max_threads);
  w.kv("policy", c.scheduler.policy);
  w.kv("low_latency", c.scheduler.low_latency);
  w.kv("inline_decisions", c.scheduler.inline_decisions);
  w.header("[supervision]");
  w.kv("max_restarts", c.supervision.max_restarts);
  w.kv("period_s", c.supervision.period_s);
  w.kv("backoff_initial_ms", c.supervision.backoff_initial_ms);
  w.kv("backoff_max_ms", c.supervision.backoff_max_ms);
  w.header("[shutdown]");
  w.kv("grace_ms", c.shutdown.grace_ms);
  w.header("[market]");
  w.kv("data", c.market.data);
  w.kv("execution", c.market.execution);
  w.kv("consistency_check_s", c.market.consistency_check_s);
  write_canonical_units(w, c.market);
  write_venues(w, c);
  w.header("[storage]");
  w.kv("sync_journal", c.storage.sync_journal);
  w.kv("batch_max", c.storage.batch_max);
  w.kv("flush_ms", c.storage.flush_ms);
  w.kv("record_market", c.storage.record_market);
  w.kv("sim_history", c.storage.sim_history);
  w.header("[storage.retention_days]");
  w.kv("orders", c.storage.retention_days.orders);
  w.kv("fills", c.storage.retention_days.fills);
  w.kv("positions", c.storage.retention_days.positions);
  w.kv("events", c.storage.retention_days.events);
  w.kv("spreads", c.storage.retention_days.spreads);
  w.kv("market", c.storage.retention_days.market);
  w.kv("config", c.storage.retention_days.config);
  w.kv("history", c.storage.retention_days.history);
  w.header("[strategy]");
  write_strategy(w, c.strategy, nullptr, "[strategy.signal]");
  write_risk(w, c.risk);
  w.header("[sim]");
  w.kv("seed", c.sim.seed);
  w.kv("step_ms", c.sim.step_ms);
  w.kv("correlation", c.sim.correlation);
  w.kv("start_ts", c.sim.start_ts);
  w.kv("generate_symbols", c.sim.generate_symbols);
  // An empty list must stay empty when read back (no entries = the defaults).
  if (c.sim.symbols.empty())
    w.kv("symbols", std::vector<std::string>{});
  if (c.sim.venues.empty())
    w.kv("venues", std::vector<std::string>{});
  for (auto& s : c.sim.symbols) {
    w.header("[[sim.symbols]]");
    w.kv("symbol", s.symbol);
    w.kv("base", s.base);
    w.kv("start_price", s.start_price);
    w.kv("vol_per_sqrt_s", s.vol_per_sqrt_s);
    w.kv("level_qty", s.level_qty);
    w.kv("lot_decimals_adjust", s.lot_decimals_adjust);
  }
  for (auto& v : c.sim.venues) {
    w.header("[[sim.venues]]");
    w.kv("name", v.name);
    w.kv("tick_scale", v.tick_scale);
    w.kv("maker_fee", v.maker_fee);
    w.kv("taker_fee", v.taker_fee);
    w.kv("latency_ms", v.latency_ms);
    w.kv("update_hz", v.update_hz);
    w.kv("levels", v.levels);
    w.kv("basis_mean_bps", v.basis_mean_bps);
    w.kv("basis_vol_bps", v.basis_vol_bps);
    w.kv("basis_reversion", v.basis_reversion);
    w.kv("dislocation_per_hour", v.dislocation_per_hour);
    w.kv("dislocation_bps", v.dislocation_bps);
    w.kv("dislocation_reversion", v.dislocation_reversion);
    w.kv("half_spread_bps", v.half_spread_bps);
    w.kv("level_step_bps", v.level_step_bps);
    w.kv("funding_interval_s", v.funding_interval_s);
    w.kv("funding_bias_bps", v.funding_bias_bps);
    w.kv("funding_basis_weight", v.funding_basis_weight);
    w.kv("funding_update_s", v.funding_update_s);
    w.kv("lot_decimals", v.lot_decimals);
    w.kv("min_notional", v.min_notional);
    w.kv("multiplier", v.multiplier);
    w.kv("gap_probability", v.gap_probability);
    w.kv("corrupt_probability", v.corrupt_probability);
    w.kv("rate_limit_orders_per_s", v.rate_limit_orders_per_s);
    w.kv("rate_limit_burst", v.rate_limit_burst);
    w.kv("ban_after_429", v.ban_after_429);
    w.kv("ban_s", v.ban_s);
    w.kv("native_format", v.native_format);
    w.kv("quote", v.quote);
    w.kv("max_leverage", v.max_leverage);
    w.kv("unlisted", v.unlisted);
    w.kv("listing_ratio", v.listing_ratio);
    for (auto& k : v.contracts) {
      w.header("[[sim.venues.contracts]]");
      w.kv("symbol", k.symbol);
      w.kv("native_symbol", k.native_symbol);
      w.kv("multiplier", k.multiplier);
    }
  }
  for (auto& p : c.pairs) {
    w.header("[[pairs]]");
    w.kv("symbol", p.symbol);
    w.kv("venue_a", p.venue_a);
    w.kv("venue_b", p.venue_b);
    write_strategy(w, p.params, &c.strategy, "[pairs.signal]");
  }
  write_scanner(w, c.scanner);
  return std::move(w).str();
}

} // namespace xarb::config_detail
