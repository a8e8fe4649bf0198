#pragma once
// EdgeX REST documents: getMetaData (the listing: contractList + coinList)
// and getDepth. Internal to venues/edgex (the codec calls these).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "messages/expected.hpp"
#include "messages/instrument.hpp"
#include "messages/market.hpp"
#include "venues/common/md_codec.hpp"

namespace xarb::venues::edgex_rest {

/// What the codec learns per contractId.
struct contract {
  std::string native;     ///< contractName
  int32_t interval_s = 0; ///< funding interval
};

/// getMetaData -> the live contracts as specs (fees default to `info`'s),
/// and contractId -> contract into `by_id` (left untouched on failure).
expected<std::vector<instrument_spec>>
parse_metadata(std::string_view body, const venue_info& info,
               std::unordered_map<uint64_t, contract>& by_id, std::vector<std::string>* skipped);

/// getDepth -> the record of `id` (or, with no id known, the one named
/// `native`): seq = endVersion, exchange_ts = the envelope's responseTime
/// (the record carries no timestamp).
expected<book_snapshot> parse_depth(std::string_view native, std::optional<uint64_t> id,
                                    std::string_view body, const venue_info& info);

} // namespace xarb::venues::edgex_rest
