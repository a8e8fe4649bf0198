#include "core/instrument_registry.hpp"

#include <doctest/doctest.h>

using namespace xarb;

namespace {

ratio rt(const char* s) { return ratio::from_string(s).value(); }
price px(const char* s) { return price::from_string(s).value(); }
quantity qt(const char* s) { return quantity::from_string(s).value(); }

instrument_spec spec(std::string venue, std::string native, std::string base,
                     const char* multiplier = "1", const char* tick = "0.1",
                     const char* lot = "0.001") {
  instrument_spec s;
  s.venue = std::move(venue);
  s.native_symbol = std::move(native);
  s.base = base;
  s.symbol = base + "-PERP";
  s.quote = "USDT";
  s.multiplier = rt(multiplier);
  s.tick = px(tick);
  s.lot = qt(lot);
  s.min_qty = qt(lot);
  s.min_notional = money::from_units(5);
  return s;
}

void check_symbol(symbol_style style, const char* native, const char* base,
                  const char* quote, const char* unit) {
  CAPTURE(native);
  auto r = parse_native_symbol(style, native);
  REQUIRE(r);
  CHECK(r->base == base);
  CHECK(r->quote == quote);
  CHECK(r->unit == rt(unit));
}

} // namespace

TEST_CASE("parse_native_symbol: real spellings") {
  using s = symbol_style;
  check_symbol(s::concatenated, "BTCUSDT", "BTC", "USDT", "1");
  check_symbol(s::concatenated, "btcusdt", "BTC", "USDT", "1"); // stream names
  check_symbol(s::concatenated, "ETHUSDC", "ETH", "USDC", "1");
  check_symbol(s::concatenated, "BTCFDUSD", "BTC", "FDUSD", "1");
  check_symbol(s::concatenated, "BTCUSD", "BTC", "USD", "1");
  check_symbol(s::concatenated, "BTCPERP", "BTC", "USDC", "1"); // Bybit USDC perp
  check_symbol(s::concatenated, "1000PEPEUSDT", "PEPE", "USDT", "1000");
  check_symbol(s::concatenated, "10000LADYSUSDT", "LADYS", "USDT", "10000");
  check_symbol(s::concatenated, "1000000MOGUSDT", "MOG", "USDT", "1000000");
  check_symbol(s::concatenated, "1MBABYDOGEUSDT", "BABYDOGE", "USDT", "1000000");
  check_symbol(s::concatenated, "SHIB1000USDT", "SHIB", "USDT", "1000");
  check_symbol(s::concatenated, "1INCHUSDT", "1INCH", "USDT", "1"); // a coin, not a unit
  check_symbol(s::concatenated, "100PEPEUSDT", "100PEPE", "USDT", "1"); // 100 is no unit
  check_symbol(s::dashed, "BTC-USDT-SWAP", "BTC", "USDT", "1");
  check_symbol(s::dashed, "BTC-USD-PERP", "BTC", "USD", "1");
  check_symbol(s::dashed, "kPEPE-USD-PERP", "PEPE", "USD", "1000");
  check_symbol(s::underscored, "BTC_USDT_Perp", "BTC", "USDT", "1");
  check_symbol(s::underscored, "SOL_USDC_PERP", "SOL", "USDC", "1");
  check_symbol(s::coin, "BTC", "BTC", "USDC", "1");
  check_symbol(s::coin, "kPEPE", "PEPE", "USDC", "1000");
  check_symbol(s::coin, "kSHIB", "SHIB", "USDC", "1000");
  check_symbol(s::coin, "1000PEPE", "PEPE", "USDC", "1000");
}

TEST_CASE("parse_native_symbol: automatic style") {
  using s = symbol_style;
  check_symbol(s::automatic, "1000PEPEUSDT", "PEPE", "USDT", "1000");
  check_symbol(s::automatic, "BTC-USDT-SWAP", "BTC", "USDT", "1");
  check_symbol(s::automatic, "BTC_USDT_Perp", "BTC", "USDT", "1");
  check_symbol(s::automatic, "kPEPE", "PEPE", "USDC", "1000");
  check_symbol(s::automatic, "ETH", "ETH", "USDC", "1");
}

TEST_CASE("parse_native_symbol: rejects what it does not understand") {
  using s = symbol_style;
  for (auto [style, text] :
       {std::pair{s::concatenated, "USDT"}, std::pair{s::concatenated, "BTCEUR"},
        std::pair{s::concatenated, ""}, std::pair{s::dashed, "BTC-USDT"},
        std::pair{s::dashed, "BTC-USDT-241227"}, std::pair{s::dashed, "BTC--SWAP"},
        std::pair{s::dashed, "-USDT-SWAP"}, std::pair{s::dashed, "A-B-C-SWAP"},
        std::pair{s::underscored, "BTC_USDT_Fut_20Oct23"}, std::pair{s::underscored, "BTC_USDT"},
        std::pair{s::coin, "xyz:AAPL"}, std::pair{s::coin, "@107"}, std::pair{s::coin, ""}}) {
    CAPTURE(text);
    auto r = parse_native_symbol(style, text);
    REQUIRE_FALSE(r);
    CHECK(r.code() == error_code::unknown_symbol);
  }
}

TEST_CASE("style_for_venue and canonical helpers") {
  CHECK(style_for_venue("binance") == symbol_style::concatenated);
  CHECK(style_for_venue("Bybit") == symbol_style::concatenated);
  CHECK(style_for_venue("okx") == symbol_style::dashed);
  CHECK(style_for_venue("paradex") == symbol_style::dashed);
  CHECK(style_for_venue("grvt") == symbol_style::underscored);
  CHECK(style_for_venue("backpack") == symbol_style::underscored);
  CHECK(style_for_venue("hyperliquid") == symbol_style::coin);
  CHECK(style_for_venue("sim-a") == symbol_style::automatic);
  CHECK(to_string(symbol_style::underscored) == "underscored");
  CHECK(canonical_symbol("PEPE") == "PEPE-PERP");
  CHECK(contract_multiplier(rt("1000"), rt("1000")).value() == rt("1"));
  CHECK(contract_multiplier(rt("1"), rt("1000")).value() == rt("0.001"));
  CHECK(contract_multiplier(rt("1000000"), rt("1000")).value() == rt("1000"));
  CHECK(contract_multiplier(rt("1"), rt("3")).code() == error_code::precision_loss);
  CHECK(contract_multiplier(rt("0"), rt("3")).code() == error_code::config_error);
}

TEST_CASE("registry: add, find, venues, common symbols") {
  instrument_registry reg;
  REQUIRE_FALSE(reg.add(spec("binance", "BTCUSDT", "BTC")));
  REQUIRE_FALSE(reg.add(spec("okx", "BTC-USDT-SWAP", "BTC", "0.01", "0.1", "1")));
  REQUIRE_FALSE(reg.add(spec("hyperliquid", "BTC", "BTC", "1", "1", "0.00001")));
  REQUIRE_FALSE(reg.add(spec("binance", "1000PEPEUSDT", "PEPE", "1", "0.0000001", "1")));
  REQUIRE_FALSE(reg.add(spec("hyperliquid", "kPEPE", "PEPE", "1", "0.000001", "1")));
  REQUIRE_FALSE(reg.add(spec("backpack", "PEPE_USDC_PERP", "PEPE", "0.001", "0.000000001", "1")));
  CHECK(reg.size() == 6);

  const auto* b = reg.find("binance", "1000PEPEUSDT");
  REQUIRE(b != nullptr);
  CHECK(b->symbol == "PEPE-PERP");
  CHECK(reg.find("binance", "PEPEUSDT") == nullptr);
  CHECK(reg.find("kraken", "BTCUSDT") == nullptr);
  CHECK(reg.find_canonical("hyperliquid", "PEPE-PERP")->native_symbol == "kPEPE");
  CHECK(reg.find_canonical("okx", "PEPE-PERP") == nullptr);
  CHECK(reg.find_canonical("nowhere", "BTC-PERP") == nullptr);

  CHECK(reg.venues_for("BTC-PERP") == std::vector<std::string>{"binance", "hyperliquid", "okx"});
  CHECK(reg.venues_for("DOGE-PERP").empty());
  auto specs = reg.specs_for("PEPE-PERP");
  REQUIRE(specs.size() == 3);
  CHECK(specs[0]->venue == "backpack");
  CHECK(specs[2]->native_symbol == "kPEPE");
  CHECK(reg.common_symbols("binance", "hyperliquid")
        == std::vector<std::string>{"BTC-PERP", "PEPE-PERP"});
  CHECK(reg.common_symbols("binance", "okx") == std::vector<std::string>{"BTC-PERP"});
  CHECK(reg.common_symbols("binance", "nowhere").empty());
  CHECK(reg.symbols() == std::vector<std::string>{"BTC-PERP", "PEPE-PERP"});
}

TEST_CASE("registry: rejects duplicates and invalid specs") {
  instrument_registry reg;
  REQUIRE_FALSE(reg.add(spec("binance", "BTCUSDT", "BTC")));
  auto dup = reg.add(spec("binance", "BTCUSDT", "BTC"));
  CHECK(dup.code == error_code::config_error);
  CHECK(dup.message.find("duplicate") != std::string::npos);
  // Same canonical symbol twice on one venue would make find_canonical ambiguous.
  CHECK(reg.add(spec("binance", "BTCUSDC", "BTC")).code == error_code::config_error);

  auto bad = [&](instrument_spec s) {
    auto e = reg.add(std::move(s));
    CHECK(e.code == error_code::config_error);
    CHECK_FALSE(e.message.empty());
  };
  bad(spec("binance", "ETHUSDT", "ETH", "0"));
  bad(spec("binance", "ETHUSDT", "ETH", "-1"));
  bad(spec("binance", "ETHUSDT", "ETH", "1", "0"));
  bad(spec("binance", "ETHUSDT", "ETH", "1", "0.1", "0"));
  bad(spec("binance", "ETHUSDT", "ETH", "1", "-0.1", "1"));
  bad(spec("", "ETHUSDT", "ETH"));
  bad(spec("binance", "", "ETH"));
  auto mismatch = spec("binance", "ETHUSDT", "ETH");
  mismatch.symbol = "BTC-PERP";
  bad(mismatch);
  auto no_symbol = spec("binance", "ETHUSDT", "ETH");
  no_symbol.symbol.clear();
  bad(no_symbol);
  auto negative_min = spec("binance", "ETHUSDT", "ETH");
  negative_min.min_notional = money::from_units(-1);
  bad(negative_min);
  CHECK(reg.size() == 1);
  CHECK(reg.find("binance", "ETHUSDT") == nullptr);
  // A valid spec with the same name still goes in after the failures.
  CHECK_FALSE(reg.add(spec("binance", "ETHUSDT", "ETH")));
}

TEST_CASE("conversions: canonical unit 1000 PEPE") {
  // Canonical unit is 1000 PEPE; a per-coin venue has multiplier 0.001.
  auto thousand = spec("binance", "1000PEPEUSDT", "PEPE", "1", "0.0000001", "1");
  auto coin = spec("backpack", "PEPE_USDC_PERP", "PEPE", "0.001", "0.000000001", "1");

  CHECK(to_canonical_price(thousand, px("0.0112345")).value() == px("0.0112345"));
  CHECK(to_canonical_qty(thousand, qt("250")).value() == qt("250"));

  // 0.000011234 per PEPE -> 0.011234 per 1000 PEPE; 1,234,567 PEPE -> 1234.567
  CHECK(to_canonical_price(coin, px("0.000011234")).value() == px("0.011234"));
  CHECK(to_canonical_qty(coin, qt("1234567")).value() == qt("1234.567"));

  // Back to native: one rounding onto the grid.
  CHECK(to_native_price(coin, px("0.011234"), rounding::exact).value() == px("0.000011234"));
  CHECK(to_native_price(coin, px("0.0112345"), rounding::nearest).value() == px("0.000011235"));
  CHECK(to_native_price(coin, px("0.0112345"), rounding::down).value() == px("0.000011234"));
  CHECK(to_native_price(coin, px("0.0112345"), rounding::exact).code() == error_code::bad_tick);
  CHECK(to_native_qty(coin, qt("1234.5678"), rounding::down).value() == qt("1234567"));
  CHECK(to_native_qty(coin, qt("1234.5678"), rounding::nearest).value() == qt("1234568"));
  CHECK(to_native_qty(coin, qt("1234.5678"), rounding::up).value() == qt("1234568"));
  CHECK(to_native_qty(coin, qt("1234.5678"), rounding::toward_zero).value() == qt("1234567"));
  CHECK(to_native_qty(coin, qt("1234.5678"), rounding::exact).code() == error_code::bad_lot);
  CHECK(to_native_qty(coin, qt("-1234.5678"), rounding::down).value() == qt("-1234568"));
  CHECK(to_native_qty(coin, qt("-1234.5678"), rounding::toward_zero).value() == qt("-1234567"));
  CHECK(to_native_qty(coin, qt("1234.567"), rounding::exact).value() == qt("1234567"));
  // Ties round half away from zero: 0.0005 canonical = 0.5 PEPE.
  CHECK(to_native_qty(coin, qt("0.0005"), rounding::nearest).value() == qt("1"));
  CHECK(to_native_qty(coin, qt("-0.0005"), rounding::nearest).value() == qt("-1"));
}

TEST_CASE("conversions: fractional contracts, large units, overflow") {
  auto okx = spec("okx", "BTC-USDT-SWAP", "BTC", "0.01", "0.1", "1");
  CHECK(to_canonical_qty(okx, qt("5")).value() == qt("0.05"));
  CHECK(to_native_qty(okx, qt("0.05"), rounding::exact).value() == qt("5"));
  CHECK(to_native_qty(okx, qt("0.054"), rounding::nearest).value() == qt("5"));
  CHECK(to_native_qty(okx, qt("0.055"), rounding::nearest).value() == qt("6"));

  // Canonical unit 1 MOG for a venue trading 1,000,000 MOG per unit.
  // (This is why the canonical unit should be the largest native unit: a
  // per-coin price of a 1e6-unit contract runs out of decimals.)
  auto mog = spec("binance", "1000000MOGUSDT", "MOG", "1000000", "0.001", "1");
  CHECK(to_canonical_price(mog, px("1.234")).value() == px("0.000001234"));
  CHECK(to_canonical_price(mog, px("1.2345")).code() == error_code::precision_loss);
  CHECK(to_canonical_qty(mog, qt("3")).value() == qt("3000000"));
  CHECK(to_native_price(mog, px("0.000001234"), rounding::exact).value() == px("1.234"));
  CHECK(to_native_qty(mog, qt("3000000"), rounding::exact).value() == qt("3"));
  CHECK(to_canonical_qty(mog, qt("10000")).code() == error_code::overflow);
  CHECK(to_native_price(mog, px("9000000"), rounding::nearest).code() == error_code::overflow);

  auto broken = okx;
  broken.tick = price::zero();
  CHECK(to_native_price(broken, px("1"), rounding::nearest).code() == error_code::config_error);
  broken.lot = quantity::zero();
  CHECK(to_native_qty(broken, qt("1"), rounding::nearest).code() == error_code::config_error);
}
