// [scanner]: reader, writer and rules (docs/CONFIG.md).
#include <cmath>

#include "core/scanner/ranking.hpp"
#include "nodes/config_detail.hpp"
#include "nodes/config_toml_io.hpp"

namespace xarb::config_detail {

static_assert(field_count<scanner_section>() == 14,
              "scanner_section changed: update nodes/config_scanner.cpp");

void read_scanner(problem_list& out, table_reader& r, scanner_section& c) {
  r.read("enabled", c.enabled);
  r.read("refresh_ms", c.refresh_ms);
  r.read("top_n", c.top_n);
  r.read("sort", c.sort);
  r.read("stale_after_ms", c.stale_after_ms);
  r.read("funding_basis_hours", c.funding_basis_hours);
  r.read("carry_horizon_hours", c.carry_horizon_hours);
  r.read("default_fallback_leverage", c.default_fallback_leverage);
  r.read("signal_threshold_bps", c.signal_threshold_bps);
  r.read("signal_samples", c.signal_samples);
  r.read("signal_cooldown_s", c.signal_cooldown_s);
  r.read("signals_kept", c.signals_kept);
  r.read("history_interval_s", c.history_interval_s);
  if (auto* t = r.section("fallback_leverage")) {
    // venue = leverage, one key per venue.
    table_reader fr{out, *t, r.path() + ".fallback_leverage"};
    for (auto& [key, node] : *t) {
      int lev = 0;
      const std::string venue{key.str()};
      if (fr.read(venue, lev))
        c.fallback_leverage[venue] = lev;
    }
    fr.finish();
  }
}

void write_scanner(toml_writer& w, const scanner_section& c) {
  w.header("[scanner]");
  w.kv("enabled", c.enabled);
  w.kv("refresh_ms", c.refresh_ms);
  w.kv("top_n", c.top_n);
  w.kv("sort", c.sort);
  w.kv("stale_after_ms", c.stale_after_ms);
  w.kv("funding_basis_hours", c.funding_basis_hours);
  w.kv("carry_horizon_hours", c.carry_horizon_hours);
  w.kv("default_fallback_leverage", c.default_fallback_leverage);
  w.kv("signal_threshold_bps", c.signal_threshold_bps);
  w.kv("signal_samples", c.signal_samples);
  w.kv("signal_cooldown_s", c.signal_cooldown_s);
  w.kv("signals_kept", c.signals_kept);
  w.kv("history_interval_s", c.history_interval_s);
  w.header("[scanner.fallback_leverage]");
  for (auto& [venue, lev] : c.fallback_leverage)
    w.kv(quote(venue), lev);
}

void check_scanner(const node_config& cfg, problem_list& out) {
  const auto& c = cfg.scanner;
  auto range = [&](const std::string& key, auto value, auto lo, auto hi) {
    if (!(value >= lo && value <= hi))
      out.add("scanner." + key,
              "must be between " + format_double(static_cast<double>(lo)) + " and "
                + format_double(static_cast<double>(hi)) + " (got "
                + format_double(static_cast<double>(value)) + ")");
  };
  range("refresh_ms", c.refresh_ms, 50, 60'000);
  range("top_n", c.top_n, 1, 500);
  if (!scanner::parse_sort_key(c.sort))
    out.add("scanner.sort", "must be one of spread, notional, funding, carry (got \"" + c.sort
                              + "\")");
  range("stale_after_ms", c.stale_after_ms, 100, 600'000);
  range("funding_basis_hours", c.funding_basis_hours, 1, 720);
  range("carry_horizon_hours", c.carry_horizon_hours, 0, 8760);
  range("default_fallback_leverage", c.default_fallback_leverage, 1, 1000);
  range("signal_threshold_bps", c.signal_threshold_bps, 0.01, 10'000.0);
  range("signal_samples", c.signal_samples, 1, 1000);
  range("signal_cooldown_s", c.signal_cooldown_s, 0, 86'400);
  range("signals_kept", c.signals_kept, 1, 10'000);
  range("history_interval_s", c.history_interval_s, 0, 86'400);
  for (auto& [venue, lev] : c.fallback_leverage) {
    const std::string path = "scanner.fallback_leverage." + venue;
    range("fallback_leverage." + venue, lev, 1, 1000);
    if (!venue_known(cfg, venue))
      out.add(path, unknown_venue(venue));
  }
}

} // namespace xarb::config_detail
