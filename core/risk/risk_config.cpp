#include "core/risk/risk_config.hpp"

#include "core/problems.hpp"

#include <cmath>
#include <set>

#include <fmt/format.h>

namespace xarb::risk {

namespace {

void non_negative(problems& out, std::string_view key, money v) {
  if (v.is_negative())
    out.bad(key, fmt::format("must be >= 0 (got {})", v.to_string()));
}

// Finite too: NaN compares false everywhere (a NaN band would switch the
// fat-finger check off) and an infinite leverage is no limit at all.
void positive(problems& out, std::string_view key, double v) {
  if (!(v > 0))
    out.bad(key, fmt::format("must be > 0 (got {})", v));
  else if (!std::isfinite(v))
    out.bad(key, fmt::format("must be a finite number (got {})", v));
}

} // namespace

std::string validate(const risk_config& c, const std::string& path) {
  problems out{path};
  non_negative(out, "max_order_notional", c.max_order_notional);
  if (c.price_band_bps < 0)
    out.bad("price_band_bps", fmt::format("must be >= 0 (got {})", c.price_band_bps));
  else if (!std::isfinite(c.price_band_bps))
    out.bad("price_band_bps", fmt::format("must be a finite number (got {})", c.price_band_bps));
  non_negative(out, "max_pair_gross", c.max_pair_gross);
  non_negative(out, "max_pair_net", c.max_pair_net);
  non_negative(out, "max_symbol_gross", c.max_symbol_gross);
  non_negative(out, "max_symbol_net", c.max_symbol_net);
  non_negative(out, "max_venue_gross", c.max_venue_gross);
  non_negative(out, "max_venue_net", c.max_venue_net);
  non_negative(out, "max_total_gross", c.max_total_gross);
  non_negative(out, "max_total_net", c.max_total_net);
  positive(out, "default_max_leverage", c.default_max_leverage);
  positive(out, "default_margin_leverage", c.default_margin_leverage);
  if (c.audit_interval_ns != 0 && c.audit_interval_ns < 1'000'000'000)
    out.bad("audit_ms", fmt::format("must be 0 (off) or >= 1000 (got {})",
                                    c.audit_interval_ns / 1'000'000));
  if (c.audit_rounds < 2 || c.audit_rounds > 100)
    out.bad("audit_rounds", fmt::format("must be between 2 and 100 (got {})", c.audit_rounds));
  if (c.lease_ns < 100'000'000)
    out.bad("lease_ms", fmt::format("must be >= 100 (got {})", c.lease_ns / 1'000'000));
  out.append(validate(c.breakers, path + ".breakers"));
  out.append(validate(c.capital, path + ".capital"));
  out.append(validate(c.rate_limits, path + ".rate_limits"));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < c.venues.size(); ++i) {
    const auto& v = c.venues[i];
    const auto vp = fmt::format("venues[{}]", i);
    if (v.venue.empty())
      out.bad(vp + ".venue", "must not be empty");
    else if (!seen.insert(v.venue).second)
      out.bad(vp + ".venue", fmt::format("duplicate venue '{}'", v.venue));
    positive(out, vp + ".max_leverage", v.max_leverage);
    positive(out, vp + ".margin_leverage", v.margin_leverage);
    if (v.key_id.empty())
      out.bad(vp + ".key_id", "must not be empty");
    out.append(validate(v.rate_limits, path + "." + vp + ".rate_limits"));
  }
  return std::move(out).str();
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
