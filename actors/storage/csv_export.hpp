#pragma once
// CSV export of stored records (`xarb export`, later the API): a header row,
// then one row per record in key order. RFC 4180: fields holding a comma, a
// quote, CR or LF are quoted, quotes doubled; rows end with CRLF. Decimals are
// written exactly (fixed-point strings, never doubles); every row starts with
// the key time as integer nanoseconds and as ISO-8601 UTC with 9 decimals.

#include <ostream>
#include <string>
#include <string_view>

#include "actors/storage/store.hpp"

namespace xarb::storage {

/// Kinds `export_csv` accepts: "fills", "orders", "events", "spreads", "funding"
/// (the funding payments booked by the pairs), "history" (the scanner's
/// market samples, one row per symbol and venue).
inline constexpr std::string_view csv_kinds = "fills, orders, events, spreads, funding, history";

/// Writes records of `kind` with from <= ts < to (to = INT64_MAX: no upper
/// bound). `pair_filter` ("" = all) keeps records whose pair_id equals it;
/// events have no pair, so for them it keeps those whose source or text
/// contains it; history has no pair either: there it is the symbol (exact,
/// e.g. "BTC-PERP"; one seek), and rows come symbol by symbol, each in time
/// order (the family's key order), not in global time order.
/// Unknown kind -> {config_error, "... valid kinds: ..."}.
error_info export_csv(const store& db, std::string_view kind, timestamp_ns from,
                      timestamp_ns to, std::string_view pair_filter, std::ostream& out);

/// "2024-03-01T12:00:00.000000001Z" (negative times are before 1970).
std::string iso8601_utc(timestamp_ns ts);

/// `field` quoted per RFC 4180 if it needs to be.
std::string csv_field(std::string_view field);

} // namespace xarb::storage
