#include <doctest/doctest.h>

#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/risk/risk_config.hpp"

using namespace xarb;
using namespace xarb::risk;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

money m(const char* text) {
  return money::from_string(text).value();
}

} // namespace

TEST_SUITE("risk config") {

TEST_CASE("the defaults are valid and documented values") {
  const risk_config c;
  CHECK(validate(c) == "");
  CHECK(c.max_order_notional == m("5000"));
  CHECK(c.price_band_bps == 200);
  CHECK(c.max_pair_gross == m("10000"));
  CHECK(c.max_pair_net == m("1000"));
  CHECK(c.max_symbol_gross == m("20000"));
  CHECK(c.max_symbol_net == m("2000"));
  CHECK(c.max_venue_gross == m("30000"));
  CHECK(c.max_venue_net == m("20000"));
  CHECK(c.max_total_gross == m("60000"));
  CHECK(c.max_total_net == m("5000"));
  CHECK(c.default_max_leverage == 3);
  CHECK(c.default_margin_leverage == 10);
  CHECK(c.direction_consistency);
  CHECK(c.lease_ns == 5'000'000'000);
}

TEST_CASE("every top-level problem on its own line with the path") {
  risk_config c;
  c.max_order_notional = m("-1");
  c.price_band_bps = -0.5;
  c.max_pair_gross = m("-2");
  c.max_pair_net = m("-3");
  c.max_symbol_gross = m("-4");
  c.max_symbol_net = m("-5");
  c.max_venue_gross = m("-6");
  c.max_venue_net = m("-7");
  c.max_total_gross = m("-8");
  c.max_total_net = m("-9");
  c.default_max_leverage = 0;
  c.default_margin_leverage = -1;
  c.lease_ns = 99'999'999;
  c.audit_interval_ns = 999'000'000;
  c.audit_rounds = 1;
  const auto lines = lines_of(validate(c, "node.risk"));
  const std::vector<std::string> want{
    "node.risk.max_order_notional: must be >= 0 (got -1)",
    "node.risk.price_band_bps: must be >= 0 (got -0.5)",
    "node.risk.max_pair_gross: must be >= 0 (got -2)",
    "node.risk.max_pair_net: must be >= 0 (got -3)",
    "node.risk.max_symbol_gross: must be >= 0 (got -4)",
    "node.risk.max_symbol_net: must be >= 0 (got -5)",
    "node.risk.max_venue_gross: must be >= 0 (got -6)",
    "node.risk.max_venue_net: must be >= 0 (got -7)",
    "node.risk.max_total_gross: must be >= 0 (got -8)",
    "node.risk.max_total_net: must be >= 0 (got -9)",
    "node.risk.default_max_leverage: must be > 0 (got 0)",
    "node.risk.default_margin_leverage: must be > 0 (got -1)",
    "node.risk.audit_ms: must be 0 (off) or >= 1000 (got 999)",
    "node.risk.audit_rounds: must be between 2 and 100 (got 1)",
    "node.risk.lease_ms: must be >= 100 (got 99)",
  };
  CHECK(lines == want);
}

TEST_CASE("boundaries: zero limits switch off, 100 ms lease is enough") {
  risk_config c;
  c.max_order_notional = money::zero();
  c.price_band_bps = 0;
  c.max_pair_gross = c.max_pair_net = c.max_symbol_gross = c.max_symbol_net = money::zero();
  c.max_venue_gross = c.max_venue_net = c.max_total_gross = c.max_total_net = money::zero();
  c.lease_ns = 100'000'000;
  c.audit_interval_ns = 0; // off
  c.audit_rounds = 2;
  c.default_max_leverage = 0.000001;
  CHECK(validate(c) == "");
}

TEST_CASE("NaN and infinity are refused (they would switch a limit off)") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  risk_config c;
  c.price_band_bps = nan;
  c.default_max_leverage = inf;
  c.default_margin_leverage = nan;
  venue_risk_config v;
  v.venue = "sim-a";
  v.max_leverage = inf;
  c.venues.push_back(v);
  const auto lines = lines_of(validate(c));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "risk.price_band_bps: must be a finite number (got nan)");
  CHECK(lines[1] == "risk.default_max_leverage: must be a finite number (got inf)");
  CHECK(lines[2] == "risk.default_margin_leverage: must be > 0 (got nan)");
  CHECK(lines[3] == "risk.venues[0].max_leverage: must be a finite number (got inf)");
  c = risk_config{};
  c.price_band_bps = inf;
  CHECK(validate(c) == "risk.price_band_bps: must be a finite number (got inf)");
}

TEST_CASE("venues: names, duplicates, leverages, key, rate limits") {
  risk_config c;
  venue_risk_config a;
  a.venue = "sim-a";
  venue_risk_config empty;
  empty.venue = "";
  empty.max_leverage = 0;
  empty.margin_leverage = -2;
  empty.key_id = "";
  venue_risk_config dup = a;
  dup.rate_limits.orders_per_s = 0;
  c.venues = {a, empty, dup};
  const auto lines = lines_of(validate(c));
  REQUIRE(lines.size() >= 6);
  CHECK(lines[0] == "risk.venues[1].venue: must not be empty");
  CHECK(lines[1] == "risk.venues[1].max_leverage: must be > 0 (got 0)");
  CHECK(lines[2] == "risk.venues[1].margin_leverage: must be > 0 (got -2)");
  CHECK(lines[3] == "risk.venues[1].key_id: must not be empty");
  CHECK(lines[4] == "risk.venues[2].venue: duplicate venue 'sim-a'");
  // The venue's own rate budget is validated under its path.
  CHECK(lines[5].rfind("risk.venues[2].rate_limits.orders_per_s", 0) == 0);
}

TEST_CASE("nested parts are validated under their paths") {
  risk_config c;
  c.breakers.error_rate.limit = 0;
  c.capital.default_pool = m("-1");
  c.rate_limits.orders_burst = 0;
  const auto lines = lines_of(validate(c));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "risk.breakers.error_rate.limit: must be > 0 (got 0)");
  CHECK(lines[1] == "risk.capital.default_pool: must be >= 0 (got -1)");
  CHECK(lines[2].rfind("risk.rate_limits.orders_burst", 0) == 0);
}

TEST_CASE("venue_settings: listed venue as is, others from the defaults") {
  risk_config c;
  c.default_max_leverage = 4;
  c.default_margin_leverage = 20;
  c.rate_limits.orders_per_s = 7;
  venue_risk_config a;
  a.venue = "sim-a";
  a.max_leverage = 2;
  a.margin_leverage = 5;
  a.key_id = "k-a";
  a.rate_limits.orders_per_s = 3;
  c.venues.push_back(a);
  CHECK(venue_settings(c, "sim-a") == a);
  const auto b = venue_settings(c, "sim-b");
  CHECK(b.venue == "sim-b");
  CHECK(b.max_leverage == 4);
  CHECK(b.margin_leverage == 20);
  CHECK(b.key_id == "default");
  CHECK(b.rate_limits.orders_per_s == 7);
}

} // TEST_SUITE
