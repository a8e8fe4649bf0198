#pragma once
// Canonical units of real venues' instruments.
//
// Codecs list instruments with multiplier = base coins per native unit (1000
// for 1000PEPEUSDT and kPEPE, 1 for BTCUSDT). Inside xarb every venue's PEPE
// must be in ONE unit so spreads compare like with like, and prices must stay
// exact at 9 decimals (1000PEPEUSDT ticks at 1e-7 per 1000 PEPE = 1e-10 per
// coin, which a per-coin price would lose). The canonical unit of a base is
// therefore a node-wide table: a few well-known bases trade in thousands or
// millions on most venues (defaults below), [market] canonical_units in the
// config adds or overrides entries, everything else is 1 coin. Each spec's
// multiplier becomes native unit / canonical unit (contract_multiplier), and
// a spec whose tick or lot cannot be expressed exactly in canonical units is
// skipped with a reason that names the config key to set.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/instrument.hpp"

namespace xarb::venues {

struct unit_table {
  std::map<std::string, ratio, std::less<>> units; ///< base -> coins per canonical unit

  /// Coins per canonical unit of `base` (1 when not in the table).
  ratio of(std::string_view base) const;

  /// PEPE, SHIB, BONK, FLOKI ... at 1000, MOG and BABYDOGE at 1,000,000.
  static unit_table defaults();
};

/// Rescales `listed` (codec output) to canonical units. Skipped specs get a
/// "NATIVE: reason" line in `skipped` when given.
std::vector<instrument_spec> to_canonical_specs(std::vector<instrument_spec> listed,
                                                const unit_table& units,
                                                std::vector<std::string>* skipped = nullptr);

} // namespace xarb::venues
