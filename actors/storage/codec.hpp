#pragma once
// Keys and values of the store.
//
// Key (16 bytes): big-endian (ts + 2^63) then big-endian sequence, so the
// bytewise order of RocksDB is time order (negative times first), then
// sequence order for equal times.
//
// History keys (family history, the scanner's market samples) put the symbol
// first: symbol bytes, one 0x00 separator, then the 16-byte key above. One
// symbol's samples are contiguous and in time order, so reading a symbol's
// time range is one seek however many symbols are stored (1,000 at scale).
// The symbol bytes, not a hash: no collision to check, readable keys, and the
// separator (below every byte a symbol may hold) keeps "BTC-PERP" apart from
// "BTC-PERPX". RocksDB's block prefix compression stores the repeated symbol
// once per restart interval, so it costs about what a hash would.
//
// Value: one version byte (value_version) then the CAF binary serialization
// of the record; market values put a tag byte (market_tag) between the two,
// and so do fills values (version fills_version, fills_tag). History values
// are value_version then the market_sample.
// A value with an unknown version or tag, or that does not decode exactly, is
// an error: a newer or corrupt database never crashes an older binary.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "actors/storage/records.hpp"
#include "messages/expected.hpp"

namespace xarb::storage {

inline constexpr std::size_t key_size = 16;
inline constexpr uint8_t value_version = 1;

/// Which record a market value holds.
enum class market_tag : uint8_t { snapshot = 1, delta = 2 };

/// Fills-family values are written with version fills_version and a tag
/// byte (fills and funding payments share the family: one journal order);
/// version-1 fills values (no tag, a fill_record) still decode.
inline constexpr uint8_t fills_version = 2;
enum class fills_tag : uint8_t { fill = 1, funding = 2 };

/// Spreads-family values are written with version spreads_version (the
/// spread_update with its net_*_bps fields); version-1 values, written
/// before those fields existed, still decode (net_*_bps = 0).
inline constexpr uint8_t spreads_version = 2;

struct key_parts {
  timestamp_ns ts = 0;
  uint64_t seq = 0;
  friend bool operator==(const key_parts&, const key_parts&) = default;
};

std::string encode_key(timestamp_ns ts, uint64_t seq);

/// nullopt unless `key` is exactly key_size bytes.
std::optional<key_parts> decode_key(std::string_view key) noexcept;

// -- history keys ---------------------------------------------------------------

inline constexpr char history_separator = '\0';
/// Longest symbol a history key holds (canonical symbols are ~10 bytes).
inline constexpr std::size_t max_history_symbol = 128;

/// Whether `symbol` can key history: 1..max_history_symbol bytes, no NUL.
bool valid_history_symbol(std::string_view symbol) noexcept;

/// symbol + separator: the prefix of every history key of `symbol`.
std::string history_prefix(std::string_view symbol);

/// history_prefix(symbol) + encode_key(ts, seq). `symbol` must be valid.
std::string encode_history_key(std::string_view symbol, timestamp_ns ts, uint64_t seq);

struct history_key_parts {
  std::string_view symbol; ///< a view into the decoded key
  timestamp_ns ts = 0;
  uint64_t seq = 0;
};

/// nullopt unless `key` is a valid symbol, the separator and key_size bytes.
std::optional<history_key_parts> decode_history_key(std::string_view key) noexcept;

/// Time and sequence of a key of family `fam` (history keys included).
std::optional<key_parts> decode_key_of(family fam, std::string_view key) noexcept;

/// The family a record belongs to (market for snapshots and deltas, history
/// for market samples).
family family_of(const record& x) noexcept;

/// The timestamp a record is keyed by (its own ts; recv_ts for market data).
/// Config text carries no time: the caller supplies it.
timestamp_ns key_time(const record& x) noexcept;

/// Versioned value bytes. Fails only if CAF serialization fails.
expected<std::string> encode_value(const record& x);

/// Decodes a value of family `fam`.
expected<record> decode_value(family fam, std::string_view bytes);

} // namespace xarb::storage
