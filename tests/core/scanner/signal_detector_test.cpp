// core/scanner/signal_detector: threshold held for N samples, cooldown,
// broken runs, stale rows, the last 50 kept.
#include <doctest/doctest.h>

#include "core/scanner/signal_detector.hpp"
#include "tests/core/scanner/scanner_fixture.hpp"

using namespace xarb;
using namespace xarb::scanner;
using namespace xarb::scanner::test;

namespace {

constexpr timestamp_ns second = 1'000'000'000;

/// va/vb on BTC with the bid on va `bps` above vb's ask (sell va, buy vb).
struct market {
  market_scanner sc;
  market() { two_venues(sc, 10, 10); }
  std::unique_ptr<scan_snapshot> sample(double bps, timestamp_ns t) {
    // vb: 100 / 100.01; va's bid = 100.01 x (1 + bps) (mid ~ 100.0x: close enough,
    // the tests stay away from the threshold by more than the mid effect).
    const double bid = 100.01 * (1 + bps / 1e4);
    auto px = std::to_string(bid).substr(0, 8);
    auto ask = std::to_string(bid + 0.01).substr(0, 8);
    sc.on_top(top("va", "BTC-PERP", px, ask, t));
    sc.on_top(top("vb", "BTC-PERP", "100", "100.01", t));
    return sc.refresh(t);
  }
};

} // namespace

TEST_CASE("a signal needs the threshold for N consecutive samples, then cools down") {
  market m;
  signal_detector d; // 60 bp, 3 samples, 30 s, 50 kept
  timestamp_ns t = t0;
  CHECK(d.observe(*m.sample(70, t)).empty());
  CHECK(d.observe(*m.sample(70, t += second)).empty());
  auto s = d.observe(*m.sample(70, t += second));
  REQUIRE(s.size() == 1);
  CHECK(s[0].seq == 1);
  CHECK(s[0].ts == t);
  CHECK(s[0].symbol == "BTC-PERP");
  CHECK(s[0].sell_venue == "va");
  CHECK(s[0].buy_venue == "vb");
  CHECK(s[0].samples == 3);
  CHECK(s[0].spread_bps > 60);
  CHECK(s[0].leverage == 10);
  CHECK(s[0].notional_spread_bps == doctest::Approx(s[0].spread_bps * 10));
  CHECK(d.recent().size() == 1);

  // Still above: quiet for 30 s, whatever the number of samples.
  for (int i = 0; i < 25; ++i)
    CHECK(d.observe(*m.sample(70, t += second)).empty());
  // After the cooldown (t = signal + 30 s) it takes 3 fresh samples again.
  t = s[0].ts + 30 * second;
  CHECK(d.observe(*m.sample(70, t)).empty());
  CHECK(d.observe(*m.sample(70, t += second)).empty());
  auto s2 = d.observe(*m.sample(70, t += second));
  REQUIRE(s2.size() == 1);
  CHECK(s2[0].seq == 2);
  CHECK(d.total() == 2);
}

TEST_CASE("a sample below the threshold or a stale row breaks the run") {
  market m;
  signal_detector d;
  timestamp_ns t = t0;
  CHECK(d.observe(*m.sample(70, t)).empty());
  CHECK(d.observe(*m.sample(70, t += second)).empty());
  CHECK(d.observe(*m.sample(50, t += second)).empty()); // below 60
  CHECK(d.observe(*m.sample(70, t += second)).empty());
  CHECK(d.observe(*m.sample(70, t += second)).empty());
  CHECK(d.observe(*m.sample(70, t += second)).size() == 1);

  signal_detector d2;
  CHECK(d2.observe(*m.sample(70, t += 40 * second)).empty());
  CHECK(d2.observe(*m.sample(70, t += second)).empty());
  // vb degraded: its rows are stale; the sample does not count and breaks the run.
  m.sc.set_venue_state("vb", health_state::degraded, t);
  CHECK(d2.observe(*m.sample(70, t += second)).empty());
  m.sc.set_venue_state("vb", health_state::ready, t);
  CHECK(d2.observe(*m.sample(70, t += second)).empty());
  CHECK(d2.observe(*m.sample(70, t += second)).empty());
  CHECK(d2.observe(*m.sample(70, t += second)).size() == 1);
  CHECK(d2.tracked() == 1); // in cooldown
  // Below the threshold and out of cooldown: forgotten.
  d2.observe(*m.sample(10, t += 31 * second));
  CHECK(d2.tracked() == 0);
}

TEST_CASE("the other direction is its own opportunity; parameters apply") {
  market m;
  signal_params p;
  p.threshold_bps = 20;
  p.samples = 1;
  p.cooldown_ns = 0;
  p.keep = 3;
  signal_detector d{p};
  timestamp_ns t = t0;
  for (int i = 0; i < 5; ++i)
    CHECK(d.observe(*m.sample(30, t += second)).size() == 1);
  CHECK(d.recent().size() == 3); // keep
  CHECK(d.recent().front().seq == 3);
  CHECK(d.recent().back().seq == 5);
  // vb rich now: sell vb, buy va.
  m.sc.on_top(top("va", "BTC-PERP", "100", "100.01", t + second));
  m.sc.on_top(top("vb", "BTC-PERP", "100.5", "100.51", t + second));
  auto s = d.observe(*m.sc.refresh(t + second));
  REQUIRE(s.size() == 1);
  CHECK(s[0].sell_venue == "vb");
  CHECK(s[0].buy_venue == "va");
  p.keep = 1;
  d.set_params(p);
  CHECK(d.recent().size() == 1);
}
