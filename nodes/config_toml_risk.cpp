// TOML <-> [risk] (core/risk/risk_config.hpp): the risk guard's limits, its
// breaker rules, capital layers, rate-limit budgets and per-venue settings.
// Same conventions as config_toml.cpp: money as strings or integers, breaker
// durations as _ms / _s keys, enums by name, unknown keys are errors. The
// key lists below drive both the reader and the writer.
#include <optional>
#include <utility>

#include "nodes/config_toml_io.hpp"

namespace xarb::config_detail {

namespace {

// -- drift guard ----------------------------------------------------------------
// A new field in core/risk fails here until the lists below, config_rules.cpp,
// deploy/xarb.example.toml and docs/CONFIG.md know it.

using B = risk::breaker_config;
static_assert(field_count<risk::risk_config>() == 20,
              "risk::risk_config changed: update nodes/config_toml_risk.cpp");
static_assert(field_count<risk::venue_risk_config>() == 5,
              "risk::venue_risk_config changed: update nodes/config_toml_risk.cpp");
static_assert(field_count<risk::capital_config>() == 4,
              "risk::capital_config changed: update nodes/config_toml_risk.cpp");
static_assert(field_count<risk::layer_config>() == 5,
              "risk::layer_config changed: update nodes/config_toml_risk.cpp");
static_assert(field_count<risk::rate_limit_config>() == 17,
              "risk::rate_limit_config changed: update each_rate_limit_key");
static_assert(field_count<B>() == 12, "risk::breaker_config changed: update each_breaker_key");
static_assert(field_count<B::consecutive_failures_rule>() == 3);
static_assert(field_count<B::error_rate_rule>() == 4);
static_assert(field_count<B::stale_book_rule>() == 3);
static_assert(field_count<B::liveness_rule>() == 3);
static_assert(field_count<B::book_consistency_rule>() == 2);
static_assert(field_count<B::latency_rule>() == 4);
static_assert(field_count<B::fast_market_rule>() == 4);
static_assert(field_count<B::daily_loss_rule>() == 4);
static_assert(field_count<B::drawdown_rule>() == 3);
static_assert(field_count<B::venue_drawdown_rule>() == 3);
static_assert(field_count<B::balance_floor_rule>() == 3);
static_assert(field_count<B::rate_limit_rule>() == 2);

// -- key lists ------------------------------------------------------------------

/// Every breaker key: fn(rule, key, field, unit). A rule's keys are
/// contiguous (one [risk.breakers.<rule>] table each); int64_t fields are
/// durations in ns written in the key's unit, as in the strategy lists.
/// `Cfg` is breaker_config or const breaker_config.
template <class Cfg, class Fn>
void each_breaker_key(Cfg& b, Fn&& fn) {
  auto& cf = b.consecutive_failures;
  fn("consecutive_failures", "limit", cf.limit, 0);
  fn("consecutive_failures", "action", cf.action, 0);
  fn("consecutive_failures", "hold_s", cf.hold_ns, ns_per_s);
  auto& er = b.error_rate;
  fn("error_rate", "limit", er.limit, 0);
  fn("error_rate", "window_s", er.window_ns, ns_per_s);
  fn("error_rate", "action", er.action, 0);
  fn("error_rate", "hold_s", er.hold_ns, ns_per_s);
  auto& sb = b.stale_book;
  fn("stale_book", "budget_ms", sb.budget_ns, ns_per_ms);
  fn("stale_book", "action", sb.action, 0);
  fn("stale_book", "hold_s", sb.hold_ns, ns_per_s);
  auto& lv = b.liveness;
  fn("liveness", "budget_ms", lv.budget_ns, ns_per_ms);
  fn("liveness", "action", lv.action, 0);
  fn("liveness", "hold_s", lv.hold_ns, ns_per_s);
  auto& bc = b.book_consistency;
  fn("book_consistency", "action", bc.action, 0);
  fn("book_consistency", "hold_s", bc.hold_ns, ns_per_s);
  auto& la = b.latency;
  fn("latency", "limit_ms", la.limit_ns, ns_per_ms);
  fn("latency", "clear_after_s", la.clear_after_ns, ns_per_s);
  fn("latency", "action", la.action, 0);
  fn("latency", "hold_s", la.hold_ns, ns_per_s);
  auto& fm = b.fast_market;
  fn("fast_market", "move_pct", fm.move_pct, 0);
  fn("fast_market", "window_s", fm.window_ns, ns_per_s);
  fn("fast_market", "action", fm.action, 0);
  fn("fast_market", "hold_s", fm.hold_ns, ns_per_s);
  auto& dl = b.daily_loss;
  fn("daily_loss", "limit", dl.limit, 0);
  fn("daily_loss", "day_start_offset_s", dl.day_start_offset_ns, ns_per_s);
  fn("daily_loss", "action", dl.action, 0);
  fn("daily_loss", "hold_s", dl.hold_ns, ns_per_s);
  auto& dd = b.drawdown;
  fn("drawdown", "pct", dd.pct, 0);
  fn("drawdown", "action", dd.action, 0);
  fn("drawdown", "hold_s", dd.hold_ns, ns_per_s);
  auto& vd = b.venue_drawdown;
  fn("venue_drawdown", "pct", vd.pct, 0);
  fn("venue_drawdown", "action", vd.action, 0);
  fn("venue_drawdown", "hold_s", vd.hold_ns, ns_per_s);
  auto& bf = b.balance_floor;
  fn("balance_floor", "floor", bf.floor, 0);
  fn("balance_floor", "action", bf.action, 0);
  fn("balance_floor", "hold_s", bf.hold_ns, ns_per_s);
  auto& rl = b.rate_limit;
  fn("rate_limit", "action", rl.action, 0);
  fn("rate_limit", "hold_s", rl.hold_ns, ns_per_s);
}

/// Every rate-limit key; the fields are plain integers already named in
/// their unit (backoff_initial_ms), so the key is the field's name.
template <class Fn>
void each_rate_limit_key(Fn&& fn) {
  using R = risk::rate_limit_config;
  fn("orders_per_s", &R::orders_per_s);
  fn("orders_burst", &R::orders_burst);
  fn("cancels_per_s", &R::cancels_per_s);
  fn("cancels_burst", &R::cancels_burst);
  fn("weight_per_min", &R::weight_per_min);
  fn("weight_burst", &R::weight_burst);
  fn("weight_new_order", &R::weight_new_order);
  fn("weight_cancel", &R::weight_cancel);
  fn("weight_snapshot", &R::weight_snapshot);
  fn("weight_query", &R::weight_query);
  fn("backoff_initial_ms", &R::backoff_initial_ms);
  fn("backoff_max_ms", &R::backoff_max_ms);
  fn("backoff_reset_s", &R::backoff_reset_s);
  fn("ban_guard_count", &R::ban_guard_count);
  fn("ban_guard_window_s", &R::ban_guard_window_s);
  fn("ban_guard_pause_s", &R::ban_guard_pause_s);
  fn("ban_pause_s", &R::ban_pause_s);
}

/// Every money key of [risk] itself.
template <class Fn>
void each_limit_key(Fn&& fn) {
  using C = risk::risk_config;
  fn("max_order_notional", &C::max_order_notional);
  fn("max_pair_gross", &C::max_pair_gross);
  fn("max_pair_net", &C::max_pair_net);
  fn("max_symbol_gross", &C::max_symbol_gross);
  fn("max_symbol_net", &C::max_symbol_net);
  fn("max_venue_gross", &C::max_venue_gross);
  fn("max_venue_net", &C::max_venue_net);
  fn("max_total_gross", &C::max_total_gross);
  fn("max_total_net", &C::max_total_net);
}

// -- reader ---------------------------------------------------------------------

/// Reads `name` of `parent` as a table, if given, with `fn(reader)`.
template <class Fn>
void read_table(problem_list& out, table_reader& parent, std::string_view name, Fn&& fn) {
  if (auto* t = parent.section(name)) {
    table_reader r{out, *t, parent.path() + "." + std::string{name}};
    fn(r);
    r.finish();
  }
}

void read_rate_limits(table_reader& r, risk::rate_limit_config& c) {
  each_rate_limit_key([&](std::string_view key, auto member) { r.read(key, c.*member); });
}

/// One [risk.breakers.<rule>] table per rule.
void read_breakers(problem_list& out, table_reader& r, risk::breaker_config& b) {
  std::string_view current;
  std::optional<table_reader> rule;
  each_breaker_key(b, [&](std::string_view name, std::string_view key, auto& field,
                          int64_t unit) {
    if (name != current) {
      if (rule)
        rule->finish();
      rule.reset();
      current = name;
      if (auto* t = r.section(name))
        rule.emplace(out, *t, r.path() + "." + std::string{name});
    }
    if (rule)
      read_field(*rule, key, field, unit);
  });
  if (rule)
    rule->finish();
}

void read_capital(problem_list& out, table_reader& r, risk::capital_config& c) {
  r.read("default_pool", c.default_pool);
  r.read("safe_layers", c.safe_layers);
  std::vector<std::pair<std::string, money>> pools;
  if (r.each_table("pools", [&](const toml::table* t, const std::string& p) {
        std::pair<std::string, money> e;
        if (t) {
          table_reader pr{out, *t, p};
          pr.require("venue", e.first);
          pr.require("pool", e.second);
          pr.finish();
        }
        pools.push_back(std::move(e));
      }))
    c.pools = std::move(pools);
  std::vector<risk::layer_config> layers;
  if (r.each_table("layers", [&](const toml::table* t, const std::string& p) {
        risk::layer_config l;
        if (t) {
          table_reader lr{out, *t, p};
          lr.require("name", l.name);
          lr.require("target_share", l.target_share);
          lr.read("max_usage", l.max_usage);
          lr.read("modes", l.modes);
          lr.read("reserve", l.reserve);
          lr.finish();
        }
        layers.push_back(std::move(l));
      }))
    c.layers = std::move(layers);
}

} // namespace

void read_risk(problem_list& out, table_reader& r, risk::risk_config& c) {
  each_limit_key([&](std::string_view key, auto member) { r.read(key, c.*member); });
  r.read("price_band_bps", c.price_band_bps);
  r.read("default_max_leverage", c.default_max_leverage);
  r.read("default_margin_leverage", c.default_margin_leverage);
  r.read("direction_consistency", c.direction_consistency);
  r.read_duration("lease_ms", c.lease_ns, ns_per_ms);
  r.read_duration("audit_ms", c.audit_interval_ns, ns_per_ms);
  r.read("audit_rounds", c.audit_rounds);
  read_table(out, r, "breakers", [&](table_reader& b) { read_breakers(out, b, c.breakers); });
  read_table(out, r, "capital", [&](table_reader& k) { read_capital(out, k, c.capital); });
  read_table(out, r, "rate_limits", [&](table_reader& k) { read_rate_limits(k, c.rate_limits); });
  // Venues start from the [risk] defaults read above, wherever they are in the file.
  std::vector<risk::venue_risk_config> venues;
  if (r.each_table("venues", [&](const toml::table* t, const std::string& p) {
        risk::venue_risk_config v;
        v.max_leverage = c.default_max_leverage;
        v.margin_leverage = c.default_margin_leverage;
        v.rate_limits = c.rate_limits;
        if (t) {
          table_reader vr{out, *t, p};
          vr.require("venue", v.venue);
          vr.read("max_leverage", v.max_leverage);
          vr.read("margin_leverage", v.margin_leverage);
          vr.read("key_id", v.key_id);
          read_table(out, vr, "rate_limits",
                     [&](table_reader& k) { read_rate_limits(k, v.rate_limits); });
          vr.finish();
        }
        venues.push_back(std::move(v));
      }))
    c.venues = std::move(venues);
}

// -- writer ---------------------------------------------------------------------

void write_risk(toml_writer& w, const risk::risk_config& c) {
  w.header("[risk]");
  w.kv("max_order_notional", c.max_order_notional);
  w.kv("price_band_bps", c.price_band_bps);
  each_limit_key([&](std::string_view key, auto member) {
    if (key != "max_order_notional")
      w.kv(key, c.*member);
  });
  w.kv("default_max_leverage", c.default_max_leverage);
  w.kv("default_margin_leverage", c.default_margin_leverage);
  w.kv("direction_consistency", c.direction_consistency);
  w.duration("lease_ms", c.lease_ns, ns_per_ms);
  w.duration("audit_ms", c.audit_interval_ns, ns_per_ms);
  w.kv("audit_rounds", c.audit_rounds);

  std::string_view current;
  each_breaker_key(c.breakers, [&](std::string_view name, std::string_view key,
                                   const auto& field, int64_t unit) {
    if (name != current) {
      w.header("[risk.breakers." + std::string{name} + "]");
      current = name;
    }
    write_field(w, key, field, unit);
  });

  auto& k = c.capital;
  w.header("[risk.capital]");
  w.kv("default_pool", k.default_pool);
  w.kv("safe_layers", k.safe_layers);
  if (k.layers.empty())
    w.kv("layers", std::vector<std::string>{}); // "layers = []": no layer at all
  for (auto& [venue, pool] : k.pools) {
    w.header("[[risk.capital.pools]]");
    w.kv("venue", venue);
    w.kv("pool", pool);
  }
  for (auto& l : k.layers) {
    w.header("[[risk.capital.layers]]");
    w.kv("name", l.name);
    w.kv("target_share", l.target_share);
    w.kv("max_usage", l.max_usage);
    w.kv("modes", l.modes);
    w.kv("reserve", l.reserve);
  }

  w.header("[risk.rate_limits]");
  each_rate_limit_key([&](std::string_view key, auto member) { w.kv(key, c.rate_limits.*member); });

  for (auto& v : c.venues) {
    w.header("[[risk.venues]]");
    w.kv("venue", v.venue);
    w.kv("max_leverage", v.max_leverage);
    w.kv("margin_leverage", v.margin_leverage);
    w.kv("key_id", v.key_id);
    // Only what differs from [risk.rate_limits], which the rest inherits.
    bool header = false;
    each_rate_limit_key([&](std::string_view key, auto member) {
      if (v.rate_limits.*member == c.rate_limits.*member)
        return;
      if (!header) {
        w.header("[risk.venues.rate_limits]");
        header = true;
      }
      w.kv(key, v.rate_limits.*member);
    });
  }
}

std::optional<duration_key> breaker_duration_key(std::string_view rule, std::string_view field) {
  std::optional<duration_key> found;
  const risk::breaker_config b;
  each_breaker_key(b, [&](std::string_view name, std::string_view key, const auto&,
                          int64_t unit) {
    if (found || unit == 0 || name != rule)
      return;
    // hold_s / budget_ms -> hold_ns / budget_ns
    auto stem = key.substr(0, key.rfind('_'));
    if (field.size() == stem.size() + 3 && field.substr(0, stem.size()) == stem
        && field.substr(stem.size()) == "_ns")
      found = duration_key{std::string{key}, unit};
  });
  return found;
}

} // namespace xarb::config_detail
