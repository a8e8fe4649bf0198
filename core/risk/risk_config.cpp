#include "core/risk/risk_config.hpp"

#include <cmath>
#include <set>

#include <fmt/format.h>

namespace xarb::risk {

namespace {

void add(std::string& out, const std::string& line) {
  if (line.empty())
    return;
  if (!out.empty() && out.back() != '\n')
    out += '\n';
  out += line;
}

void non_negative(std::string& out, const std::string& path, const char* key, money v) {
  if (v.is_negative())
    add(out, fmt::format("{}.{}: must be >= 0 (got {})", path, key, v.to_string()));
}

// Finite too: NaN compares false everywhere (a NaN band would switch the
// fat-finger check off) and an infinite leverage is no limit at all.
void positive(std::string& out, const std::string& path, const char* key, double v) {
  if (!(v > 0))
    add(out, fmt::format("{}.{}: must be > 0 (got {})", path, key, v));
  else if (!std::isfinite(v))
    add(out, fmt::format("{}.{}: must be a finite number (got {})", path, key, v));
}

} // namespace

std::string validate(const risk_config& c, const std::string& path) {
  std::string out;
  non_negative(out, path, "max_order_notional", c.max_order_notional);
  if (c.price_band_bps < 0)
    add(out, fmt::format("{}.price_band_bps: must be >= 0 (got {})", path, c.price_band_bps));
  else if (!std::isfinite(c.price_band_bps))
    add(out, fmt::format("{}.price_band_bps: must be a finite number (got {})", path,
                         c.price_band_bps));
  non_negative(out, path, "max_pair_gross", c.max_pair_gross);
  non_negative(out, path, "max_pair_net", c.max_pair_net);
  non_negative(out, path, "max_symbol_gross", c.max_symbol_gross);
  non_negative(out, path, "max_symbol_net", c.max_symbol_net);
  non_negative(out, path, "max_venue_gross", c.max_venue_gross);
  non_negative(out, path, "max_venue_net", c.max_venue_net);
  non_negative(out, path, "max_total_gross", c.max_total_gross);
  non_negative(out, path, "max_total_net", c.max_total_net);
  positive(out, path, "default_max_leverage", c.default_max_leverage);
  positive(out, path, "default_margin_leverage", c.default_margin_leverage);
  if (c.lease_ns < 100'000'000)
    add(out, fmt::format("{}.lease_ms: must be >= 100 (got {})", path, c.lease_ns / 1'000'000));
  add(out, validate(c.breakers, path + ".breakers"));
  add(out, validate(c.capital, path + ".capital"));
  add(out, validate(c.rate_limits, path + ".rate_limits"));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < c.venues.size(); ++i) {
    const auto& v = c.venues[i];
    const auto vp = fmt::format("{}.venues[{}]", path, i);
    if (v.venue.empty())
      add(out, vp + ".venue: must not be empty");
    else if (!seen.insert(v.venue).second)
      add(out, fmt::format("{}.venue: duplicate venue '{}'", vp, v.venue));
    positive(out, vp, "max_leverage", v.max_leverage);
    positive(out, vp, "margin_leverage", v.margin_leverage);
    if (v.key_id.empty())
      add(out, vp + ".key_id: must not be empty");
    add(out, validate(v.rate_limits, vp + ".rate_limits"));
  }
  return out;
}

venue_risk_config venue_settings(const risk_config& c, const std::string& venue) {
  for (const auto& v : c.venues)
    if (v.venue == venue)
      return v;
  venue_risk_config v;
  v.venue = venue;
  v.max_leverage = c.default_max_leverage;
  v.margin_leverage = c.default_margin_leverage;
  v.rate_limits = c.rate_limits;
  return v;
}

} // namespace xarb::risk
