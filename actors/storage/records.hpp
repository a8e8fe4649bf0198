#pragma once
// What the storage sink keeps: the column families, the two record types that
// exist only for storage (fill_record, position_record), and the decoded form
// of any stored value. CAF-free: the codecs (codec.hpp) bring in CAF.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "messages/decimal.hpp"
#include "messages/event.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"
#include "messages/scanner.hpp"
#include "messages/spread.hpp"
#include "messages/strategy.hpp"

namespace xarb::storage {

/// One RocksDB column family per kind of record. Every family is keyed by
/// time then sequence except `history` (market samples of the scanner),
/// keyed by symbol first so that one symbol's time range is one seek
/// (codec.hpp).
enum class family : uint8_t { orders, fills, positions, events, spreads, market, config, history };

inline constexpr std::size_t family_count = 8;

inline constexpr std::array<family, family_count> all_families{
  family::orders,  family::fills,  family::positions, family::events,
  family::spreads, family::market, family::config,    family::history};

/// Column family name: "orders", "fills", ...
std::string_view to_string(family x) noexcept;

/// A fill as the pair trader booked it (the venue's fill plus its pair).
struct fill_record {
  std::string pair_id;
  order_fill fill;
  friend bool operator==(const fill_record&, const fill_record&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, fill_record& x) {
  return f(x.pair_id, x.fill);
}

/// A funding payment as the pair trader booked it (the venue's payment for
/// the whole account; the pair's ledger attributes its share on replay).
struct funding_record {
  std::string pair_id;
  funding_payment payment;
  friend bool operator==(const funding_record&, const funding_record&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, funding_record& x) {
  return f(x.pair_id, x.payment);
}

/// A snapshot of one pair's position on one venue.
struct position_record {
  std::string pair_id;
  std::string venue;
  std::string symbol;
  quantity qty;
  price avg_entry;
  money realized;
  money fees;
  money funding;
  timestamp_ns ts = 0;
  friend bool operator==(const position_record&, const position_record&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, position_record& x) {
  return f(x.pair_id, x.venue, x.symbol, x.qty, x.avg_entry, x.realized, x.fees,
           x.funding, x.ts);
}

/// Any decoded value. The family says which alternatives can occur: orders ->
/// order_update, fills -> fill_record | funding_record, positions -> position_record, events ->
/// event, spreads -> spread_update, market -> book_snapshot | book_delta,
/// config -> std::string (TOML text), history -> market_sample.
using record = std::variant<order_update, fill_record, position_record, event,
                            spread_update, book_snapshot, book_delta, std::string,
                            funding_record, market_sample>;

/// A record with its key (for history records, the symbol part of the key
/// is the sample's own symbol).
struct stored_record {
  timestamp_ns ts = 0;
  uint64_t seq = 0;
  record value;
};

} // namespace xarb::storage
