// [scanner] (issue 7): defaults, reading, round trip, every rule.
#include <doctest/doctest.h>

#include <string>

#include "nodes/config.hpp"
#include "tests/nodes/config_helpers.hpp"

using namespace xarb;
using xarb::test::contains;
using xarb::test::errors_of;


TEST_SUITE("config: [scanner]") {

TEST_CASE("defaults are seed 002's signal rules and seed 000's ranking") {
  const auto c = default_config().scanner;
  CHECK(c.enabled);
  CHECK(c.refresh_ms == 500);
  CHECK(c.top_n == 20);
  CHECK(c.sort == "notional");
  CHECK(c.stale_after_ms == 5000);
  CHECK(c.funding_basis_hours == 8);
  CHECK(c.carry_horizon_hours == 8);
  CHECK(c.fallback_leverage.empty());
  CHECK(c.default_fallback_leverage == 1);
  CHECK(c.signal_threshold_bps == 60);
  CHECK(c.signal_samples == 3);
  CHECK(c.signal_cooldown_s == 30);
  CHECK(c.signals_kept == 50);
  CHECK(c.history_interval_s == 60);
}

TEST_CASE("every key is read, and written back identically") {
  auto res = load_config_string(R"(
[scanner]
enabled = false
refresh_ms = 250
top_n = 50
sort = "carry"
stale_after_ms = 3000
funding_basis_hours = 1
carry_horizon_hours = 24
default_fallback_leverage = 2
signal_threshold_bps = 40.5
signal_samples = 5
signal_cooldown_s = 60
signals_kept = 100
history_interval_s = 0

[scanner.fallback_leverage]
sim-c = 3
"sim-a" = 5
)",
                                "t.toml");
  REQUIRE_MESSAGE(res.has_value(), res.error().message);
  const auto& c = res->scanner;
  CHECK_FALSE(c.enabled);
  CHECK(c.refresh_ms == 250);
  CHECK(c.top_n == 50);
  CHECK(c.sort == "carry");
  CHECK(c.stale_after_ms == 3000);
  CHECK(c.funding_basis_hours == 1);
  CHECK(c.carry_horizon_hours == 24);
  CHECK(c.default_fallback_leverage == 2);
  CHECK(c.signal_threshold_bps == 40.5);
  CHECK(c.signal_samples == 5);
  CHECK(c.signal_cooldown_s == 60);
  CHECK(c.signals_kept == 100);
  CHECK(c.history_interval_s == 0);
  CHECK(c.fallback_leverage.size() == 2);
  CHECK(c.fallback_leverage.at("sim-c") == 3);
  CHECK(c.fallback_leverage.at("sim-a") == 5);
  auto again = load_config_string(to_toml(*res), "round-trip");
  REQUIRE_MESSAGE(again.has_value(), again.error().message);
  CHECK(again->scanner == c);
}

TEST_CASE("bad values: every problem reported at once") {
  auto e = errors_of(R"(
[scanner]
refresh_ms = 10
top_n = 0
sort = "profit"
stale_after_ms = 50
funding_basis_hours = 0
carry_horizon_hours = -1
default_fallback_leverage = 0
signal_threshold_bps = 0.0
signal_samples = 0
signal_cooldown_s = -5
signals_kept = 0
history_interval_s = -1
bogus = 1

[scanner.fallback_leverage]
sim-z = 2
sim-a = 0
sim-b = "x"
)");
  for (auto* key : {"scanner.refresh_ms", "scanner.top_n", "scanner.sort", "scanner.stale_after_ms",
                    "scanner.funding_basis_hours", "scanner.carry_horizon_hours",
                    "scanner.default_fallback_leverage", "scanner.signal_threshold_bps",
                    "scanner.signal_samples", "scanner.signal_cooldown_s", "scanner.signals_kept",
                    "scanner.history_interval_s", "bogus", "scanner.fallback_leverage.sim-z",
                    "scanner.fallback_leverage.sim-a", "scanner.fallback_leverage.sim-b"}) {
    CAPTURE(key);
    CHECK(contains(e, key));
  }
  CHECK(contains(e, "scanner.fallback_leverage.sim-z: unknown venue \"sim-z\" (neither "
                    "[[sim.venues]] nor a [venues.sim-z] with market_data = \"live\")"));
  CHECK(contains(e, "must be one of spread, notional, funding, carry"));
}

} // TEST_SUITE
