#pragma once
// Instrument registry: which contract each venue's native symbol is, in which
// units, and which venues list the same canonical instrument.
//
// Canonical symbol: "<BASE>-PERP" (e.g. "BTC-PERP", "PEPE-PERP"). The quote
// asset is kept in the spec; whether USDT- and USDC-margined contracts may be
// paired is the strategy's decision, not the registry's.
//
// Canonical unit. Prices and sizes inside xarb are in one canonical unit per
// base asset, so spreads between venues compare like with like:
//   canonical size  = native size  x spec.multiplier
//   canonical price = native price / spec.multiplier
// The canonical unit of a base is the LARGEST native unit any venue uses for
// it (1000 PEPE when a venue trades 1000PEPEUSDT or kPEPE, otherwise 1 coin).
// Reason: prices stay representable with 9 decimals. 1000PEPEUSDT ticks at
// 0.0000001 per 1000 PEPE = 1e-10 per PEPE, which a per-coin price would lose;
// per-1000 prices of a venue quoting single PEPE are just x1000 (exact). So:
// parse each venue's symbol (parse_native_symbol -> unit), take the max unit
// across venues as the canonical unit, and set
//   spec.multiplier = unit / canonical_unit   (contract_multiplier()).
// Contract-sized venues (OKX ctVal) multiply that by the contract value.
// NOTE: OKX quotes the price per coin while sizing in contracts; with a single
// multiplier the price rule above does not hold for such specs (see report).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/error_code.hpp"
#include "messages/expected.hpp"
#include "messages/instrument.hpp"

namespace xarb {

/// How a venue spells its perpetual symbols.
enum class symbol_style : uint8_t {
  automatic,    ///< guess from the spelling (prefer an explicit style)
  concatenated, ///< BTCUSDT, 1000PEPEUSDT, SHIB1000USDT (Binance, Bybit, Bitget, Aster)
  dashed,       ///< BTC-USDT-SWAP (OKX), BTC-USD-PERP (Paradex)
  underscored,  ///< BTC_USDT_Perp (GRVT), BTC_USDC_PERP (Backpack)
  coin,         ///< BTC, kPEPE (Hyperliquid, Lighter; USDC-settled)
};

std::string_view to_string(symbol_style x) noexcept;

/// The style of a known venue name ("binance", "okx", "hyperliquid", ...);
/// automatic for unknown names (including simulated venues).
symbol_style style_for_venue(std::string_view venue) noexcept;

/// What a native symbol says about the contract.
struct native_symbol_info {
  std::string base;  ///< upper-case asset without unit prefix: "PEPE"
  std::string quote; ///< "USDT", "USDC", "USD", ...
  ratio unit = ratio::from_units(1); ///< base coins per native unit: 1000 for 1000PEPEUSDT / kPEPE
  friend bool operator==(const native_symbol_info&, const native_symbol_info&) = default;
};

/// Recognises a native perpetual symbol. Unit prefixes: a power of ten
/// >= 1000 ("1000PEPE", "1000000MOG"; "1INCH" stays a coin), "1M"
/// ("1MBABYDOGE" = 1e6), Hyperliquid's lower-case "k" ("kPEPE" = 1000), and a
/// power-of-ten suffix ("SHIB1000"). Concatenated symbols are matched
/// case-insensitively against the quotes FDUSD, USDT, USDC, BUSD, USD and
/// PERP (Bybit's USDC perps, quote USDC). Fails with unknown_symbol.
expected<native_symbol_info> parse_native_symbol(symbol_style style,
                                                 std::string_view native);

/// "<BASE>-PERP".
std::string canonical_symbol(std::string_view base);

/// native_unit / canonical_unit, exactly (precision_loss otherwise): the
/// spec.multiplier of a venue whose native unit is `native_unit` base coins.
expected<ratio> contract_multiplier(ratio native_unit, ratio canonical_unit);

// -- unit conversions (exact; rounding only onto the venue's grid) ------------

/// native price / multiplier; precision_loss if not exact at 9 decimals.
expected<price> to_canonical_price(const instrument_spec& spec, price native);

/// native size x multiplier; precision_loss if not exact.
expected<quantity> to_canonical_qty(const instrument_spec& spec, quantity native);

/// canonical price x multiplier, rounded onto the tick grid with `mode` in a
/// single rounding step. rounding::exact fails with bad_tick when off-grid.
expected<price> to_native_price(const instrument_spec& spec, price canonical,
                                rounding mode);

/// canonical size / multiplier, rounded onto the lot grid with `mode` in a
/// single rounding step. rounding::exact fails with bad_lot when off-grid.
expected<quantity> to_native_qty(const instrument_spec& spec, quantity canonical,
                                 rounding mode);

class instrument_registry {
public:
  /// Validates and adds a spec: venue, native_symbol and symbol non-empty;
  /// symbol == base + "-PERP" when base is set; multiplier, tick and lot > 0;
  /// min_qty, min_notional >= 0; no other spec with the same (venue,
  /// native_symbol) or the same (venue, symbol). Returns a config_error on
  /// failure (nothing added), an empty error_info on success.
  [[nodiscard]] error_info add(instrument_spec spec);

  /// nullptr when unknown. Pointers stay valid for the registry's lifetime.
  const instrument_spec* find(std::string_view venue,
                              std::string_view native_symbol) const;
  const instrument_spec* find_canonical(std::string_view venue,
                                        std::string_view symbol) const;

  /// Specs of a canonical symbol on every venue, ordered by venue name.
  std::vector<const instrument_spec*> specs_for(std::string_view symbol) const;

  /// Venues listing a canonical symbol, sorted.
  std::vector<std::string> venues_for(std::string_view symbol) const;

  /// Canonical symbols listed on both venues, sorted.
  std::vector<std::string> common_symbols(std::string_view venue_a,
                                          std::string_view venue_b) const;

  /// Every canonical symbol, sorted.
  std::vector<std::string> symbols() const;

  std::size_t size() const noexcept { return size_; }

private:
  template <class V>
  using string_map = std::map<std::string, V, std::less<>>;

  string_map<string_map<instrument_spec>> by_native_;          // venue -> native -> spec
  string_map<string_map<const instrument_spec*>> by_canonical_; // venue -> symbol -> spec
  string_map<string_map<const instrument_spec*>> by_symbol_;    // symbol -> venue -> spec
  std::size_t size_ = 0;
};

} // namespace xarb
