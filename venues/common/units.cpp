#include "venues/common/units.hpp"

#include "core/instrument_registry.hpp"

namespace xarb::venues {

ratio unit_table::of(std::string_view base) const {
  auto i = units.find(base);
  return i == units.end() ? ratio::from_units(1) : i->second;
}

unit_table unit_table::defaults() {
  unit_table t;
  // Bases that Binance/Bybit/Bitget/OKX/Hyperliquid list as 1000X or kX.
  for (const char* base : {"PEPE", "SHIB", "BONK", "FLOKI", "LUNC", "XEC", "SATS", "RATS",
                           "CAT", "CHEEMS", "WHY", "X", "TOSHI", "NEIROCTO", "LADYS", "BTT"})
    t.units.emplace(base, ratio::from_units(1000));
  for (const char* base : {"MOG", "BABYDOGE"})
    t.units.emplace(base, ratio::from_units(1'000'000));
  return t;
}

std::vector<instrument_spec> to_canonical_specs(std::vector<instrument_spec> listed,
                                                const unit_table& units,
                                                std::vector<std::string>* skipped) {
  std::vector<instrument_spec> out;
  out.reserve(listed.size());
  auto skip = [&](const instrument_spec& s, const std::string& why) {
    if (skipped)
      skipped->push_back(s.native_symbol + ": " + why);
  };
  for (auto& spec : listed) {
    const auto canonical_unit = units.of(spec.base);
    auto m = contract_multiplier(spec.multiplier, canonical_unit);
    if (!m) {
      skip(spec, "native unit " + spec.multiplier.to_string() + " coins is not a whole "
                   "fraction of the canonical unit " + canonical_unit.to_string()
                   + " ([market] canonical_units." + spec.base + ")");
      continue;
    }
    spec.multiplier = *m;
    if (!to_canonical_price(spec, spec.tick) || !to_canonical_qty(spec, spec.lot)
        || !to_canonical_qty(spec, spec.min_qty)) {
      skip(spec, "tick " + spec.tick.to_string() + " / lot " + spec.lot.to_string()
                   + " not exact in a canonical unit of " + canonical_unit.to_string() + " "
                   + spec.base + " (set [market] canonical_units." + spec.base + ")");
      continue;
    }
    out.push_back(std::move(spec));
  }
  return out;
}

} // namespace xarb::venues
