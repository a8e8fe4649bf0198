// Listings (venue_listing.hpp): a venue lists a subset of the world's
// symbols; unlisted ones are unknown to it, and a listed symbol's market is
// the same whatever else the venue lists.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>

#include "tests/venues/sim/sim_test_util.hpp"
#include "venues/sim/sim_venue.hpp"
#include "venues/sim/venue_listing.hpp"
#include "venues/sim/world_generator.hpp"

using namespace xarb;
using namespace xarb::sim;
using namespace xarb::sim::test;

namespace {

std::vector<event> run(venue& v, timestamp_ns from, timestamp_ns to, timestamp_ns step) {
  std::vector<event> out;
  for (timestamp_ns t = from; t <= to; t += step)
    v.advance(t, out);
  return out;
}

/// The symbol an event is about.
std::string symbol_of(const event& e) {
  return std::visit([](const auto& x) { return x.symbol; }, e);
}

std::vector<event> events_of(const std::vector<event>& events, const std::string& symbol) {
  std::vector<event> out;
  for (const auto& e : events)
    if (symbol_of(e) == symbol)
      out.push_back(e);
  return out;
}

std::set<std::string> listed_names(const world_config& w, const venue_config& v) {
  const auto all = world_symbols(w);
  std::set<std::string> out;
  for (std::size_t k : listed_indices(w, v, all))
    out.insert(all[k].symbol);
  return out;
}

venue_config& venue_named(world_config& w, const std::string& name) {
  for (auto& v : w.venues)
    if (v.name == name)
      return v;
  throw std::logic_error("no venue " + name);
}

} // namespace

TEST_CASE("listing: unlisted symbols are unknown: no instrument, event, query or order") {
  auto w = default_world_config();
  venue_named(w, "sim-b").unlisted = {"SOL-PERP", "PEPE-PERP"};
  venue v{w, "sim-b"};
  REQUIRE(v.instruments().size() == 3);
  for (const auto& spec : v.instruments())
    CHECK((spec.symbol != "SOL-PERP" && spec.symbol != "PEPE-PERP"));
  CHECK(v.instruments()[1].symbol == "ETH-PERP"); // world order kept

  const auto events = run(v, t0, t0 + 20 * sec, 50 * ms);
  std::set<std::string> seen;
  for (const auto& e : events)
    seen.insert(symbol_of(e));
  CHECK(seen == std::set<std::string>{"BTC-PERP", "ETH-PERP", "DOGE-PERP"});

  for (auto* sym : {"SOL-PERP", "PEPE-PERP"}) {
    CHECK_THROWS_WITH_AS(v.snapshot(sym),
                         ("sim venue sim-b: unknown symbol '" + std::string{sym} + "'").c_str(),
                         std::invalid_argument);
    CHECK_THROWS_AS(v.position_of(sym), std::invalid_argument);
    CHECK_THROWS_AS(v.fair_mid(sym), std::invalid_argument);
    CHECK_THROWS_AS(v.fills(sym), std::invalid_argument);
  }
  std::vector<event> out;
  v.submit(order("o1", "sim-b", "SOL-PERP", side::buy, order_type::market, time_in_force::ioc,
                 {}, qty("1")),
           t0 + 21 * sec, out);
  REQUIRE(out.size() == 1);
  CHECK(as<order_reject>(out[0]).code == error_code::unknown_symbol);

  // The other venues still list them.
  venue a{w, "sim-a"};
  CHECK(a.instruments().size() == 5);
}

TEST_CASE("listing: a listed symbol's market does not depend on what else is listed") {
  const auto full = default_world_config();
  auto partial = full;
  venue_named(partial, "sim-a").unlisted = {"BTC-PERP", "SOL-PERP"};
  venue f{full, "sim-a"};
  venue p{partial, "sim-a"};
  REQUIRE(p.instruments().size() == 3);
  auto buy = order("o1", "sim-a", "ETH-PERP", side::buy, order_type::market, time_in_force::ioc,
                   {}, qty("2"));
  std::vector<event> ef, ep;
  for (timestamp_ns t = t0; t <= t0 + 60 * sec; t += 37 * ms) {
    f.advance(t, ef);
    p.advance(t, ep);
    if (t == t0 + 37 * ms * 500) {
      f.submit(buy, t, ef);
      p.submit(buy, t, ep);
    }
    for (auto* sym : {"ETH-PERP", "DOGE-PERP", "PEPE-PERP"}) {
      CHECK(f.fair_mid(sym) == p.fair_mid(sym)); // same fair path (world index)
      CHECK(f.basis_bps(sym) == p.basis_bps(sym)); // same basis stream
    }
  }
  // Same books, same update times, same fills, bit for bit.
  for (auto* sym : {"ETH-PERP", "DOGE-PERP", "PEPE-PERP"}) {
    INFO(sym);
    const auto a = events_of(ef, sym);
    CHECK(a.size() > 500);
    CHECK(a == events_of(ep, sym));
  }
  CHECK(f.position_of("ETH-PERP") == p.position_of("ETH-PERP"));
  CHECK(events_of(ep, "BTC-PERP").empty());
}

TEST_CASE("listing: fair prices agree across venues that list different generated symbols") {
  auto w = default_world_config();
  w.generate_symbols = 200;
  venue_named(w, "sim-a").listing_ratio = 0.9;
  venue_named(w, "sim-c").listing_ratio = 0.6;
  venue a{w, "sim-a"};
  venue c{w, "sim-c"};
  std::set<std::string> on_a, on_c;
  for (const auto& s : a.instruments())
    on_a.insert(s.symbol);
  for (const auto& s : c.instruments())
    on_c.insert(s.symbol);
  CHECK(on_a != on_c);
  std::vector<event> sink;
  for (timestamp_ns t = t0; t <= t0 + 3 * sec; t += sec) {
    a.advance(t, sink);
    c.advance(t, sink);
  }
  int common = 0;
  for (const auto& sym : on_a)
    if (on_c.count(sym) != 0) {
      CHECK(a.fair_mid(sym) == c.fair_mid(sym));
      ++common;
    }
  CHECK(common > 80);
  CHECK(a.fair_mid("BTC-PERP") != 65000.0); // the path moved
  // And the fair path is the world's: a venue listing everything agrees too.
  venue b{w, "sim-b"};
  b.advance(t0, sink);
  b.advance(t0 + 3 * sec, sink);
  CHECK(b.instruments().size() == 205);
  for (const auto& sym : on_c)
    CHECK(b.fair_mid(sym) == c.fair_mid(sym));
}

TEST_CASE("listing_ratio: deterministic, order-independent, near the ratio") {
  auto w = default_world_config();
  w.generate_symbols = 1000;
  for (auto& v : w.venues)
    v.listing_ratio = 0.9;
  const auto a = listed_names(w, w.venues[0]);
  // Configured symbols are always listed.
  for (const auto& s : w.symbols)
    CHECK(a.count(s.symbol) == 1);
  CHECK(a.size() >= 5 + 870);
  CHECK(a.size() <= 5 + 930);
  CHECK(listed_names(w, w.venues[0]) == a);

  // Other venues, their order, and more generated symbols change nothing.
  auto reordered = w;
  std::reverse(reordered.venues.begin(), reordered.venues.end());
  reordered.venues.push_back(w.venues[1]);
  reordered.venues.back().name = "sim-x";
  reordered.generate_symbols = 2000;
  auto more = listed_names(reordered, reordered.venues[2]); // sim-a
  std::set<std::string> first_thousand;
  for (const auto& s : more)
    if (s.rfind("G0", 0) != 0 || s < "G01001")
      first_thousand.insert(s);
  CHECK(first_thousand == a);

  // Venues draw independently: same ratio, different sets, overlap ~ 0.81.
  const auto b = listed_names(w, w.venues[1]);
  CHECK(a != b);
  std::size_t both = 0;
  for (const auto& s : a)
    both += b.count(s);
  CHECK(both > 5 + 760);
  CHECK(both < 5 + 860);

  // Another seed, another draw; the edges are exact.
  auto other = w;
  other.seed = 43;
  CHECK(listed_names(other, other.venues[0]) != a);
  w.venues[0].listing_ratio = 1.0;
  CHECK(listed_names(w, w.venues[0]).size() == 1005);
  w.venues[0].listing_ratio = 0.0;
  CHECK(listed_names(w, w.venues[0]).size() == 5);
  w.venues[0].listing_ratio = 0.5;
  const auto half = listed_names(w, w.venues[0]);
  CHECK(half.size() > 5 + 440);
  CHECK(half.size() < 5 + 560);
  for (const auto& s : half) // a lower ratio lists a subset
    CHECK(a.count(s) == 1);

  // unlisted applies to generated names too.
  w.venues[0].listing_ratio = 1.0;
  w.venues[0].unlisted = {"G00007-PERP", "ETH-PERP"};
  const auto u = listed_names(w, w.venues[0]);
  CHECK(u.size() == 1003);
  CHECK(u.count("G00007-PERP") == 0);
  CHECK(u.count("ETH-PERP") == 0);
}

TEST_CASE("listing: a venue's instruments are its listed symbols; bad listings are refused") {
  auto w = default_world_config();
  w.generate_symbols = 300;
  auto& vc = venue_named(w, "sim-c");
  vc.listing_ratio = 0.85;
  vc.unlisted = {"DOGE-PERP"};
  const auto listed = listed_names(w, vc);
  venue v{w, "sim-c"};
  std::set<std::string> specs;
  for (const auto& s : v.instruments())
    specs.insert(s.symbol);
  CHECK(specs == listed);
  CHECK(specs.count("DOGE-PERP") == 0);
  const auto events = run(v, t0, t0 + 2 * sec, 100 * ms);
  std::set<std::string> seen;
  for (const auto& e : events)
    seen.insert(symbol_of(e));
  CHECK(seen == listed);

  auto none = w;
  auto& n = venue_named(none, "sim-c");
  n.listing_ratio = 0;
  n.unlisted.clear();
  for (const auto& s : none.symbols)
    n.unlisted.push_back(s.symbol);
  CHECK_THROWS_WITH_AS(venue(none, "sim-c"),
                       "sim venue sim-c: lists none of the world's symbols",
                       std::invalid_argument);
  auto unknown = w;
  venue_named(unknown, "sim-c").unlisted = {"XRP-PERP"};
  CHECK_THROWS_WITH_AS(venue(unknown, "sim-c"),
                       "sim venue sim-c: unlisted symbol 'XRP-PERP' is not a symbol of the world",
                       std::invalid_argument);
  auto ratio = w;
  venue_named(ratio, "sim-c").listing_ratio = 1.5;
  CHECK_THROWS_AS(venue(ratio, "sim-c"), std::invalid_argument);
}

TEST_CASE("max_leverage 0: the venue publishes no leverage") {
  auto w = default_world_config();
  venue_named(w, "sim-b").max_leverage = 0;
  venue b{w, "sim-b"};
  for (const auto& spec : b.instruments())
    CHECK(spec.max_leverage == 0);
  venue a{w, "sim-a"};
  CHECK(a.instruments()[0].max_leverage == 20);
  venue_named(w, "sim-b").max_leverage = -1;
  CHECK_THROWS_AS(venue(w, "sim-b"), std::invalid_argument);
}
