// Generated symbols (world_generator.hpp): deterministic from the seed, in
// realistic ranges, and valid instruments on every venue and native format.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>

#include "core/instrument_registry.hpp"
#include "tests/venues/sim/sim_test_util.hpp"
#include "venues/sim/sim_venue.hpp"
#include "venues/sim/world_generator.hpp"

using namespace xarb;
using namespace xarb::sim;
using namespace xarb::sim::test;

namespace {

bool same(const symbol_config& a, const symbol_config& b) {
  return a.symbol == b.symbol && a.base == b.base && a.start_price == b.start_price
         && a.vol_per_sqrt_s == b.vol_per_sqrt_s && a.level_qty == b.level_qty
         && a.lot_decimals_adjust == b.lot_decimals_adjust;
}

/// Significant decimal digits of a positive fixed-point value.
int significant_digits(int64_t raw) {
  while (raw % 10 == 0)
    raw /= 10;
  int n = 0;
  for (; raw > 0; raw /= 10)
    ++n;
  return n;
}

/// The default venues plus two more native formats (GRVT- and Paradex-like).
world_config all_formats_world(int32_t generate) {
  auto w = default_world_config();
  w.generate_symbols = generate;
  auto d = w.venues[0];
  d.name = "sim-d";
  d.native_format = "{base}_USDT_Perp";
  d.lot_decimals = 0;      // coarsest lots
  d.tick_scale = px("0.001");
  d.contracts.clear();
  auto e = w.venues[1];
  e.name = "sim-e";
  e.native_format = "{base}-USD-PERP";
  e.lot_decimals = 6;      // finest lots
  e.tick_scale = px("0.0000001");
  e.min_notional = ratio::from_units(100);
  e.contracts.clear();
  w.venues.push_back(d);
  w.venues.push_back(e);
  return w;
}

} // namespace

TEST_CASE("generator: names, determinism, and independence from the count") {
  auto w = default_world_config();
  CHECK(generated_symbols(w).empty());
  CHECK(world_symbols(w).size() == w.symbols.size());

  w.generate_symbols = 1000;
  const auto g = generated_symbols(w);
  REQUIRE(g.size() == 1000);
  CHECK(g[0].symbol == "G00001-PERP");
  CHECK(g[0].base == "G00001");
  CHECK(g[999].symbol == "G01000-PERP"); // not "G1000": no unit suffix
  CHECK(generated_base(4999) == "G05000");
  std::set<std::string> names;
  for (const auto& s : g) {
    CHECK(s.symbol == s.base + "-PERP");
    names.insert(s.symbol);
  }
  CHECK(names.size() == 1000);

  const auto again = generated_symbols(w);
  for (std::size_t k = 0; k < g.size(); ++k)
    CHECK(same(g[k], again[k]));

  auto fewer = w;
  fewer.generate_symbols = 10;
  const auto f = generated_symbols(fewer);
  REQUIRE(f.size() == 10);
  for (std::size_t k = 0; k < f.size(); ++k)
    CHECK(same(f[k], g[k]));

  auto other = w;
  other.seed = 7;
  const auto o = generated_symbols(other);
  int differ = 0;
  for (std::size_t k = 0; k < o.size(); ++k)
    differ += o[k].start_price != g[k].start_price ? 1 : 0;
  CHECK(differ > 990);

  // World order: configured first, then generated.
  const auto all = world_symbols(w);
  REQUIRE(all.size() == w.symbols.size() + 1000);
  CHECK(all[0].symbol == "BTC-PERP");
  CHECK(all[w.symbols.size()].symbol == "G00001-PERP");

  auto many = w;
  many.generate_symbols = 100'000; // clamped; config validation reports it
  CHECK(generated_symbols(many).size() == static_cast<std::size_t>(max_generated_symbols));
}

TEST_CASE("generator: prices, volatility, depth and lots in realistic ranges") {
  auto w = default_world_config();
  w.generate_symbols = max_generated_symbols;
  const auto g = generated_symbols(w);
  int below_one = 0;
  int above_thousand = 0;
  for (const auto& s : g) {
    INFO(s.symbol << " price " << s.start_price.to_string() << " qty "
                  << s.level_qty.to_string());
    const double p = s.start_price.to_double();
    REQUIRE(p >= 0.001);
    REQUIRE(p <= 50'000);
    CHECK(significant_digits(s.start_price.raw()) <= 3);
    CHECK(s.vol_per_sqrt_s >= 7e-5);
    CHECK(s.vol_per_sqrt_s <= 3.6e-4);
    CHECK(significant_digits(s.level_qty.raw()) <= 2);
    const double level = p * s.level_qty.to_double(); // $20k-$100k, +-5% rounding
    CHECK(level >= 19'000);
    CHECK(level <= 105'000);
    // Lot with a venue's lot_decimals = 3: $1-$10 at >= 10, a whole unit below.
    CHECK(s.lot_decimals_adjust >= -3);
    CHECK(s.lot_decimals_adjust <= 1);
    const double lot = std::pow(10.0, -(3 + s.lot_decimals_adjust));
    if (p < 10) {
      CHECK(lot == 1.0);
    } else {
      CHECK(lot * p >= 0.999);
      CHECK(lot * p < 10.001);
    }
    below_one += p < 1 ? 1 : 0;
    above_thousand += p > 1000 ? 1 : 0;
  }
  // Log-uniform over 7.7 decades: 3/7.7 below 1, 1.7/7.7 above 1000.
  CHECK(below_one > 1700);
  CHECK(below_one < 2200);
  CHECK(above_thousand > 900);
  CHECK(above_thousand < 1300);
}

TEST_CASE("generator: every generated symbol is a valid instrument on every native format") {
  const auto w = all_formats_world(1000);
  instrument_registry registry;
  std::map<std::string, int> formats;
  for (const auto& vc : w.venues) {
    venue v{w, vc.name};
    REQUIRE(v.instruments().size() == w.symbols.size() + 1000);
    std::vector<event> out;
    v.advance(t0, out);
    v.advance(t0 + 100 * ms, out); // every book's snapshot, after the latency
    REQUIRE(only<book_snapshot>(out).size() == v.instruments().size());
    const double min_notional = vc.min_notional.to_double();
    for (const auto& spec : v.instruments()) {
      INFO(vc.name << " " << spec.native_symbol);
      CHECK(registry.add(spec).code == error_code::none);
      for (auto f : {spec.tick.raw(), spec.lot.raw()}) {
        CHECK(f >= 1);                      // >= 1e-9
        CHECK(f <= 1'000'000'000'000'000'000); // <= 1e9
      }
      if (spec.symbol.rfind("G", 0) != 0)
        continue;
      ++formats[vc.native_format];
      // The native symbol parses back to the base, in 1-coin units, both
      // with the format's own style and guessed.
      const std::map<std::string, symbol_style> style_of{
        {"{base}USDT", symbol_style::concatenated}, {"{base}-USDT-SWAP", symbol_style::dashed},
        {"{base}", symbol_style::coin}, {"{base}_USDT_Perp", symbol_style::underscored},
        {"{base}-USD-PERP", symbol_style::dashed}};
      for (auto style : {symbol_style::automatic, style_of.at(vc.native_format)}) {
        auto parsed = parse_native_symbol(style, spec.native_symbol);
        REQUIRE(parsed.has_value());
        CHECK(parsed->base == spec.base);
        CHECK(parsed->unit == ratio::from_units(1));
      }
      // min_notional is reachable: a level holds more, in whole lots.
      const auto& q = v.quote_rules(spec.symbol);
      const auto snap = v.snapshot(spec.symbol);
      REQUIRE(snap.bids.size() >= 20);
      REQUIRE(snap.asks.size() >= 20);
      CHECK(snap.bids.front().px < snap.asks.front().px);
      CHECK(snap.bids.front().px.is_multiple_of(q.tick));
      CHECK(snap.asks.front().qty.is_multiple_of(q.lot));
      const auto& best = snap.asks.front();
      const double best_level = best.px.to_double() * best.qty.to_double();
      CHECK(best_level > min_notional);
      const double one_lot = snap.asks.front().px.to_double() * q.lot.to_double();
      CHECK(one_lot < 20'000); // a minimum order is not a whole level
      // The book is where the fair price says.
      const double mid = (snap.bids.front().px.to_double() + snap.asks.front().px.to_double()) / 2;
      CHECK(mid == doctest::Approx(v.fair_mid(spec.symbol)).epsilon(0.01));
    }
  }
  CHECK(formats.size() == 5);
  for (const auto& [format, n] : formats)
    CHECK(n == 1000);
}
