#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "core/risk/capital.hpp"

using namespace xarb;
using namespace xarb::risk;

namespace {

money m(const char* text) {
  return money::from_string(text).value();
}

ratio r(const char* text) {
  return ratio::from_string(text).value();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

const venue_capital_snapshot& venue_of(const std::vector<venue_capital_snapshot>& snap,
                                       const std::string& name) {
  for (const auto& v : snap)
    if (v.venue == name)
      return v;
  FAIL("venue " << name << " missing from snapshot");
  return snap.front();
}

/// Used per layer, L1..L5, as strings ("0" when unused).
std::vector<std::string> used_of(const capital_book& b, const std::string& venue) {
  std::vector<std::string> out;
  const auto snap = b.snapshot(); // a temporary would die before the loop body
  for (const auto& l : venue_of(snap, venue).layers)
    out.push_back(l.used.to_string());
  return out;
}

using strings = std::vector<std::string>;

std::vector<layer_use> parts(std::initializer_list<std::pair<const char*, const char*>> xs) {
  std::vector<layer_use> out;
  for (const auto& [layer, amount] : xs)
    out.push_back({layer, m(amount)});
  return out;
}

const std::string normal{"normal_arb"};
const std::string zero_wear{"zero_wear"};

} // namespace

TEST_SUITE("risk capital") {

TEST_CASE("default layers on a 10000 pool") {
  const auto cfg = default_capital_config();
  CHECK(cfg == capital_config{});
  CHECK(validate(cfg, "risk.capital").empty());
  REQUIRE(cfg.layers.size() == 5);
  CHECK(cfg.default_pool == m("10000"));
  CHECK(cfg.safe_layers == strings{"L1", "L4"});
  CHECK(cfg.layers[4].reserve);
  CHECK(cfg.layers[4].modes.empty());
  CHECK(cfg.layers[0].modes == strings{"normal_arb"});
  CHECK(cfg.layers[3].modes == strings{"zero_wear"});

  capital_book b{cfg};
  CHECK(b.snapshot().empty()); // nothing seen yet
  CHECK(b.pool("sim-a") == m("10000"));
  b.set_pool("sim-a", m("10000"));
  const auto snap = b.snapshot();
  REQUIRE(snap.size() == 1);
  const auto& v = snap[0];
  CHECK(v.venue == "sim-a");
  CHECK(v.pool == m("10000"));
  CHECK_FALSE(v.safe_mode);
  CHECK(v.used == money::zero());
  CHECK(v.available == m("9150")); // 1800+2700+2250+900+1500
  const strings names{"L1", "L2", "L3", "L4", "L5"};
  const strings alloc{"2000", "3000", "2500", "1000", "1500"};
  const strings usable{"1800", "2700", "2250", "900", "1500"};
  const strings shares{"0.2", "0.3", "0.25", "0.1", "0.15"};
  const strings max_usage{"0.9", "0.9", "0.9", "0.9", "1"};
  REQUIRE(v.layers.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CAPTURE(i);
    CHECK(v.layers[i].name == names[i]);
    CHECK(v.layers[i].target_share.to_string() == shares[i]);
    CHECK(v.layers[i].max_usage.to_string() == max_usage[i]);
    CHECK(v.layers[i].allocation.to_string() == alloc[i]);
    CHECK(v.layers[i].usable.to_string() == usable[i]);
    CHECK(v.layers[i].available.to_string() == usable[i]);
    CHECK(v.layers[i].used.is_zero());
    CHECK(v.layers[i].utilisation == 0.0);
    CHECK(v.layers[i].allowed);
  }
  CHECK(b.available("sim-a", normal) == m("8250"));
  CHECK(b.available("sim-a", zero_wear) == m("2400"));
}

TEST_CASE("normal_arb fills L1, then L2, then L3, then borrows L5") {
  capital_book b{default_capital_config()};
  auto r1 = b.reserve("sim-a", m("1000"), normal, "p1");
  REQUIRE(r1);
  CHECK(r1->venue == "sim-a");
  CHECK(r1->owner == "p1");
  CHECK(r1->parts == parts({{"L1", "1000"}}));

  auto r2 = b.reserve("sim-a", m("1500"), normal, "p2");
  REQUIRE(r2);
  CHECK(r2->parts == parts({{"L1", "800"}, {"L2", "700"}}));
  CHECK(r2->total() == m("1500"));

  auto r3 = b.reserve("sim-a", m("4000.5"), normal, "p3");
  REQUIRE(r3);
  CHECK(r3->parts == parts({{"L2", "2000"}, {"L3", "2000.5"}}));

  auto r4 = b.reserve("sim-a", m("1000"), normal, "p4");
  REQUIRE(r4);
  CHECK(r4->parts == parts({{"L3", "249.5"}, {"L5", "750.5"}}));
  CHECK(used_of(b, "sim-a") == strings{"1800", "2700", "2250", "0", "750.5"});
  CHECK(b.available("sim-a", normal) == m("749.5"));
  // L4 is not normal_arb's: zero_wear still has all of it plus what L5 has left.
  CHECK(b.available("sim-a", zero_wear) == m("1649.5"));

  // One big reservation spans every layer in order.
  capital_book c{default_capital_config()};
  auto big = c.reserve("sim-a", m("8250"), normal, "p1");
  REQUIRE(big);
  CHECK(big->parts == parts({{"L1", "1800"}, {"L2", "2700"}, {"L3", "2250"}, {"L5", "1500"}}));
  CHECK(c.available("sim-a", normal).is_zero());
  CHECK(c.available("sim-a", zero_wear) == m("900"));
}

TEST_CASE("zero_wear uses L4, then L5") {
  capital_book b{default_capital_config()};
  auto r1 = b.reserve("sim-a", m("1000"), zero_wear, "z1");
  REQUIRE(r1);
  CHECK(r1->parts == parts({{"L4", "900"}, {"L5", "100"}}));
  CHECK(used_of(b, "sim-a") == strings{"0", "0", "0", "900", "100"});
  // The reserve is shared: normal_arb now has 100 less.
  CHECK(b.available("sim-a", normal) == m("8150"));
}

TEST_CASE("a refusal takes nothing and names the shortfall") {
  capital_book b{default_capital_config()};
  auto too_much = b.reserve("sim-a", m("8250.000000001"), normal, "p1");
  REQUIRE_FALSE(too_much);
  CHECK(too_much.code() == error_code::invalid_order);
  CHECK(too_much.error().message
        == "capital sim-a: 8250 available for normal_arb in L1+L2+L3+L5, 8250.000000001 needed");
  CHECK(b.held("p1", "sim-a").is_zero());
  CHECK(b.snapshot().empty()); // not even the venue was touched

  REQUIRE(b.reserve("sim-a", m("2000"), zero_wear, "z1"));
  const auto before = used_of(b, "sim-a");
  auto refused = b.reserve("sim-a", m("7200"), normal, "p1");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message
        == "capital sim-a: 7150 available for normal_arb in L1+L2+L3+L5, 7200 needed");
  CHECK(used_of(b, "sim-a") == before);
  CHECK(b.held("p1", "sim-a").is_zero());

  auto z = b.reserve("sim-a", m("401"), zero_wear, "z2");
  REQUIRE_FALSE(z);
  CHECK(z.error().message == "capital sim-a: 400 available for zero_wear in L4+L5, 401 needed");
  // Exactly what is available still fits.
  CHECK(b.reserve("sim-a", m("400"), zero_wear, "z2"));
  CHECK(b.available("sim-a", zero_wear).is_zero());
}

TEST_CASE("amount edge cases and unknown modes") {
  capital_book b{default_capital_config()};
  auto zero = b.reserve("sim-a", money::zero(), normal, "p1");
  REQUIRE(zero);
  CHECK(zero->parts.empty());
  auto neg = b.reserve("sim-a", m("-1"), normal, "p1");
  REQUIRE_FALSE(neg);
  CHECK(neg.error().message == "capital sim-a: amount must be >= 0 (got -1)");
  // A mode no layer lists may only borrow from the reserve.
  auto other = b.reserve("sim-a", m("1500"), "funding", "f1");
  REQUIRE(other);
  CHECK(other->parts == parts({{"L5", "1500"}}));

  auto cfg = default_capital_config();
  cfg.layers.pop_back(); // no reserve layer at all
  capital_book c{cfg};
  auto none = c.reserve("sim-a", m("1"), "funding", "f1");
  REQUIRE_FALSE(none);
  CHECK(none.error().message == "capital sim-a: no layer serves funding");
}

TEST_CASE("release restores exactly, in any order") {
  capital_book b{default_capital_config()};
  b.set_pool("sim-a", m("10000"));
  const auto empty = b.snapshot();
  auto r1 = b.reserve("sim-a", m("1234.567891234"), normal, "p1").value();
  auto r2 = b.reserve("sim-a", m("3333.333333333"), normal, "p2").value();
  auto r3 = b.reserve("sim-a", m("1111.111111111"), zero_wear, "z1").value();
  auto r4 = b.reserve("sim-a", m("2500"), normal, "p3").value();
  CHECK(used_of(b, "sim-a")
        == strings{"1800", "2700", "2250", "900", "529.012335678"});
  CHECK(r2.parts == parts({{"L1", "565.432108766"}, {"L2", "2700"}, {"L3", "67.901224567"}}));
  CHECK(r4.parts == parts({{"L3", "2182.098775433"}, {"L5", "317.901224567"}}));
  CHECK(r1.id != r2.id);

  b.release(r2);
  CHECK(b.held("p2", "sim-a").is_zero());
  b.release(r4);
  b.release(r1);
  CHECK(used_of(b, "sim-a") == strings{"0", "0", "0", "900", "211.111111111"});
  b.release(r3);
  const auto after = b.snapshot();
  REQUIRE(after.size() == 1);
  CHECK(after[0].used.is_zero());
  CHECK(after[0].available == empty[0].available);
  for (std::size_t i = 0; i < after[0].layers.size(); ++i)
    CHECK(after[0].layers[i].available == empty[0].layers[i].available);

  // A second release of the same reservation gives nothing more back, even
  // when its owner holds another one.
  auto r5 = b.reserve("sim-a", m("100"), normal, "p1").value();
  b.release(r1);
  CHECK(b.held("p1", "sim-a") == m("100"));
  CHECK(used_of(b, "sim-a")[0] == "100");
  auto forged = r5; // a copy with other parts still releases what was booked
  forged.parts = parts({{"L1", "1"}});
  b.release(forged);
  CHECK(used_of(b, "sim-a")[0] == "0");
  b.release(r5);
  CHECK(b.held("p1", "sim-a").is_zero());
  CHECK(used_of(b, "sim-a") == strings{"0", "0", "0", "0", "0"});
}

TEST_CASE("an owner's reservations add up; release_owner frees them all") {
  capital_book b{default_capital_config()};
  REQUIRE(b.reserve("sim-a", m("100"), normal, "pair-1"));
  REQUIRE(b.reserve("sim-a", m("250.5"), normal, "pair-1"));
  REQUIRE(b.reserve("sim-b", m("1000"), zero_wear, "pair-1"));
  REQUIRE(b.reserve("sim-a", m("500"), normal, "pair-2"));
  CHECK(b.held("pair-1", "sim-a") == m("350.5"));
  CHECK(b.held("pair-1", "sim-b") == m("1000"));
  CHECK(b.held("pair-2", "sim-a") == m("500"));
  CHECK(b.held("pair-3", "sim-a").is_zero());
  CHECK(b.held("pair-1", "sim-c").is_zero());

  b.release_owner("pair-1");
  CHECK(b.held("pair-1", "sim-a").is_zero());
  CHECK(b.held("pair-1", "sim-b").is_zero());
  CHECK(b.held("pair-2", "sim-a") == m("500"));
  CHECK(used_of(b, "sim-a") == strings{"500", "0", "0", "0", "0"});
  CHECK(used_of(b, "sim-b") == strings{"0", "0", "0", "0", "0"});
  b.release_owner("pair-1"); // nothing left: no effect
  b.release_owner("nobody");
  CHECK(used_of(b, "sim-a") == strings{"500", "0", "0", "0", "0"});
}

TEST_CASE("safe mode allows only the safe layers") {
  capital_book b{default_capital_config()};
  REQUIRE(b.reserve("sim-a", m("2000"), normal, "p1")); // L1 1800 + L2 200
  CHECK_FALSE(b.safe_mode("sim-a"));
  b.set_safe_mode("sim-a", true);
  CHECK(b.safe_mode("sim-a"));
  CHECK_FALSE(b.safe_mode("sim-b"));

  // L1 is full, L2/L3/L5 are not allowed: nothing for normal_arb.
  CHECK(b.available("sim-a", normal).is_zero());
  auto refused = b.reserve("sim-a", m("1"), normal, "p2");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message
        == "capital sim-a: 0 available for normal_arb in L1+L2+L3+L5, 1 needed "
           "(safe mode: L1 only)");
  auto z = b.reserve("sim-a", m("900.5"), zero_wear, "z1");
  REQUIRE_FALSE(z);
  CHECK(z.error().message
        == "capital sim-a: 900 available for zero_wear in L4+L5, 900.5 needed "
           "(safe mode: L4 only)");
  auto z_ok = b.reserve("sim-a", m("900"), zero_wear, "z1");
  REQUIRE(z_ok);
  CHECK(z_ok->parts == parts({{"L4", "900"}}));

  const auto v = venue_of(b.snapshot(), "sim-a");
  CHECK(v.safe_mode);
  const std::vector<bool> allowed{true, false, false, true, false};
  for (std::size_t i = 0; i < 5; ++i) {
    CAPTURE(i);
    CHECK(v.layers[i].allowed == allowed[i]);
  }
  CHECK(v.layers[1].used == m("200")); // kept, not taken back
  CHECK(v.layers[1].available.is_zero());
  CHECK(v.layers[4].available.is_zero());
  CHECK(v.available.is_zero());

  // Releasing in safe mode frees L1 for normal_arb again, L1 only.
  b.release_owner("p1");
  auto again = b.reserve("sim-a", m("1800"), normal, "p1");
  REQUIRE(again);
  CHECK(again->parts == parts({{"L1", "1800"}}));

  // Leaving safe mode reopens everything.
  b.set_safe_mode("sim-a", false);
  CHECK(b.available("sim-a", normal) == m("6450"));

  // L5 is borrowable in safe mode only when it is listed as safe.
  auto cfg = default_capital_config();
  cfg.safe_layers = {"L1", "L4", "L5"};
  capital_book c{cfg};
  c.set_safe_mode("sim-a", true);
  auto borrow = c.reserve("sim-a", m("2000"), normal, "p1");
  REQUIRE(borrow);
  CHECK(borrow->parts == parts({{"L1", "1800"}, {"L5", "200"}}));
  auto no_safe = default_capital_config();
  no_safe.safe_layers = {"L4"};
  capital_book d{no_safe};
  d.set_safe_mode("sim-a", true);
  auto none = d.reserve("sim-a", m("1"), normal, "p1");
  REQUIRE_FALSE(none);
  CHECK(none.error().message
        == "capital sim-a: 0 available for normal_arb in L1+L2+L3+L5, 1 needed "
           "(safe mode: none of these layers allowed)");
}

TEST_CASE("force books what exists, overdraft on the first eligible layer") {
  capital_book b{default_capital_config()};
  auto f = b.force("sim-a", m("9000"), normal, "p1");
  CHECK(f.venue == "sim-a");
  CHECK(f.owner == "p1");
  CHECK(f.parts == parts({{"L1", "2550"}, {"L2", "2700"}, {"L3", "2250"}, {"L5", "1500"}}));
  CHECK(f.total() == m("9000"));
  CHECK(b.held("p1", "sim-a") == m("9000"));
  const auto v = venue_of(b.snapshot(), "sim-a");
  CHECK(v.layers[0].used == m("2550"));
  CHECK(v.layers[0].usable == m("1800"));
  CHECK(v.layers[0].available.is_zero());
  CHECK(v.layers[0].utilisation == doctest::Approx(2550.0 / 1800.0));
  CHECK(v.used == m("9000"));
  CHECK(v.available == m("900")); // L4 only
  // Full: a reserve is refused, a force is not.
  CHECK_FALSE(b.reserve("sim-a", m("1"), normal, "p2"));
  auto f2 = b.force("sim-a", m("5"), normal, "p2");
  CHECK(f2.parts == parts({{"L1", "5"}}));
  b.release(f);
  b.release(f2);
  CHECK(used_of(b, "sim-a") == strings{"0", "0", "0", "0", "0"});

  // In safe mode the overdraft goes to the first allowed eligible layer.
  b.set_safe_mode("sim-a", true);
  auto fz = b.force("sim-a", m("1000"), zero_wear, "z1");
  CHECK(fz.parts == parts({{"L4", "1000"}}));
  auto fn = b.force("sim-a", m("2000"), normal, "p3");
  CHECK(fn.parts == parts({{"L1", "2000"}}));
  // No eligible layer allowed at all: still booked, on the first eligible.
  auto cfg = default_capital_config();
  cfg.safe_layers = {"L4"};
  capital_book c{cfg};
  c.set_safe_mode("sim-a", true);
  auto fo = c.force("sim-a", m("10"), normal, "p1");
  CHECK(fo.parts == parts({{"L1", "10"}}));
  CHECK(c.force("sim-a", money::zero(), normal, "p1").parts.empty());
}

TEST_CASE("snapshot numbers, utilisation and sorting") {
  capital_book b{default_capital_config()};
  REQUIRE(b.reserve("sim-b", m("900"), normal, "p1"));
  REQUIRE(b.reserve("sim-b", m("450"), zero_wear, "z1"));
  b.set_safe_mode("sim-c", false);
  b.set_pool("sim-a", m("5000"));
  const auto snap = b.snapshot();
  REQUIRE(snap.size() == 3);
  CHECK(snap[0].venue == "sim-a");
  CHECK(snap[1].venue == "sim-b");
  CHECK(snap[2].venue == "sim-c");
  const auto& v = snap[1];
  CHECK(v.pool == m("10000"));
  CHECK(v.used == m("1350"));
  CHECK(v.available == m("7800")); // 9150 - 1350
  CHECK(v.layers[0].used == m("900"));
  CHECK(v.layers[0].available == m("900"));
  CHECK(v.layers[0].utilisation == doctest::Approx(0.5));
  CHECK(v.layers[3].utilisation == doctest::Approx(0.5));
  CHECK(v.layers[1].utilisation == 0.0);
  CHECK(snap[0].layers[0].allocation == m("1000"));
  CHECK(snap[0].layers[0].usable == m("900"));
  CHECK(snap[0].available == m("4575"));
}

TEST_CASE("per-venue pools, exact rounding down") {
  auto cfg = default_capital_config();
  cfg.pools = {{"sim-b", m("2000")}, {"dust", m("0.000000007")}};
  capital_book b{cfg};
  CHECK(b.pool("sim-b") == m("2000"));
  CHECK(b.pool("sim-a") == m("10000"));
  b.set_pool("sim-c", m("12345.678901234"));
  const auto snap = b.snapshot();
  REQUIRE(snap.size() == 3); // configured pools appear before any use
  const auto& c = venue_of(snap, "sim-c");
  CHECK(c.layers[0].allocation == m("2469.135780246")); // 2469.1357802468 rounded down
  CHECK(c.layers[2].allocation == m("3086.419725308"));  // 3086.4197253085
  CHECK(c.layers[2].usable == m("2777.777752777"));      // 2777.7777527772
  CHECK(c.layers[4].usable == m("1851.851835185"));      // 1851.8518351851
  const auto& dust = venue_of(snap, "dust");
  CHECK(dust.layers[0].allocation == m("0.000000001")); // 1.4 nanos -> 1
  CHECK(dust.layers[0].usable.is_zero());                // 0.9 nanos -> 0
  CHECK(dust.layers[0].utilisation == 0.0);

  auto r1 = b.reserve("sim-b", m("1650"), normal, "p1");
  REQUIRE(r1);
  // Everything normal_arb may use: 360 + 540 + 450 from L1..L3, 300 from L5.
  CHECK(r1->parts == parts({{"L1", "360"}, {"L2", "540"}, {"L3", "450"}, {"L5", "300"}}));
  auto more = b.reserve("sim-b", m("351"), normal, "p2");
  REQUIRE_FALSE(more);
  CHECK(more.error().message
        == "capital sim-b: 0 available for normal_arb in L1+L2+L3+L5, 351 needed");

  // Lowering a pool below what is used takes nothing back but refuses more.
  b.set_pool("sim-b", m("1000"));
  CHECK(b.held("p1", "sim-b") == m("1650"));
  CHECK(b.available("sim-b", normal).is_zero());
  CHECK(b.available("sim-b", zero_wear) == m("90")); // L4 only: L5 is overdrawn
  b.release(*r1);
  CHECK(b.available("sim-b", normal) == m("825"));
}

TEST_CASE("validate") {
  CHECK(validate(default_capital_config(), "x") == "");

  auto sum = default_capital_config();
  sum.layers[4].target_share = r("0.16");
  CHECK(validate(sum, "risk.capital")
        == "risk.capital.layers: target shares sum to 1.01, must be <= 1");
  auto exact_one = default_capital_config();
  exact_one.layers[4].target_share = r("0.15");
  exact_one.layers[3].target_share = r("0.099999999");
  CHECK(validate(exact_one, "c") == ""); // 0.999999999
  exact_one.layers[3].target_share = r("0.100000001");
  CHECK(validate(exact_one, "c") == "c.layers: target shares sum to 1.000000001, must be <= 1");

  auto unknown = default_capital_config();
  unknown.safe_layers = {"L1", "L9"};
  CHECK(validate(unknown, "c") == "c.safe_layers: unknown layer 'L9'");

  auto dup = default_capital_config();
  dup.layers[1].name = "L1";
  dup.safe_layers = {"L1"};
  CHECK(validate(dup, "c") == "c.layers.L1: duplicate layer name");

  auto usage = default_capital_config();
  usage.layers[0].max_usage = ratio::zero();
  usage.layers[1].max_usage = r("1.5");
  usage.layers[2].target_share = r("-0.1");
  const auto lines = lines_of(validate(usage, "c"));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "c.layers.L1.max_usage: must be in (0, 1] (got 0)");
  CHECK(lines[1] == "c.layers.L2.max_usage: must be in (0, 1] (got 1.5)");
  CHECK(lines[2] == "c.layers.L3.target_share: must be in [0, 1] (got -0.1)");

  auto pools = default_capital_config();
  pools.default_pool = m("-1");
  pools.pools = {{"sim-a", m("-5")}, {"sim-b", m("5")}, {"sim-b", m("6")}};
  const auto pl = lines_of(validate(pools, "c"));
  REQUIRE(pl.size() == 3);
  CHECK(pl[0] == "c.default_pool: must be >= 0 (got -1)");
  CHECK(pl[1] == "c.pools.sim-a: must be >= 0 (got -5)");
  CHECK(pl[2] == "c.pools.sim-b: duplicate venue");

  auto empty = default_capital_config();
  empty.layers.clear();
  empty.safe_layers.clear();
  CHECK(validate(empty, "c") == "c.layers: at least one layer is needed");

  auto noname = default_capital_config();
  noname.layers[2].name.clear();
  noname.layers[2].modes = {""};
  const auto nl = lines_of(validate(noname, "c"));
  REQUIRE(nl.size() == 2);
  CHECK(nl[0] == "c.layers.[2]: name must not be empty");
  CHECK(nl[1] == "c.layers.[2].modes: mode names must not be empty");
}

} // TEST_SUITE
