#pragma once
// Paradex Simple Binary Encoding (schema id 1) for the public channels,
// mandatory from 21 September 2026 when a client connects with
// ?sbeSchemaId=1&sbeSchemaVersion=N. Layout from paradex-py
// paradex_py/api/sbe/codec.py (generated from paradex_1_0.xml; the Python
// decoder was checked, the live wire was not: UNVERIFIED against the venue):
//  - every frame: 8-byte little-endian header <u16 blockLength, u16 templateId,
//    u16 schemaId = 1, u16 version>, then a fixed block of blockLength bytes,
//    then repeating groups <u16 entryLength, u16 count> and var strings
//    <u8 length, bytes>; a reader advances by blockLength / entryLength, so
//    newer versions may append fields;
//  - decimals: int64 fixed point with exponent -8 ("f8"); INT64_MIN = null;
//    some rates are f12; timestamps int64 microseconds.
// Templates: 1 Trade, 2 Bbo, 3 Book, 4 MarketSummary, 5 FundingData,
// 6 FundingRateComparison, 20-23 private, 40 Heartbeat, 41 Subscribed.
//
// This header holds the byte-level reader used by the codec and the
// encoders used by the mock protocol (and tests).

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/market.hpp"

namespace xarb::venues::paradex_sbe {

inline constexpr uint16_t schema_id = 1;
inline constexpr int64_t null_i64 = std::numeric_limits<int64_t>::min();

enum class tmpl : uint16_t {
  trade = 1,
  bbo = 2,
  book = 3,
  market_summary = 4,
  funding_data = 5,
  funding_rate_comparison = 6,
  heartbeat = 40,
  subscribed = 41,
};

/// Fixed block lengths as of schema version `version` (0: first release;
/// 1 appended FundingData.impact_premium_rate and MarketSummary's forward
/// rate, risk-free rate and precise funding rate).
inline constexpr uint16_t bbo_block = 48;
inline constexpr uint16_t book_block = 89;
inline constexpr uint16_t heartbeat_block = 16;
inline constexpr uint16_t subscribed_block = 17;
inline uint16_t funding_block(uint16_t version) { return version >= 1 ? 66 : 58; }
inline uint16_t summary_block(uint16_t version) { return version >= 1 ? 240 : 216; }

struct header {
  uint16_t block_length = 0;
  uint16_t template_id = 0;
  uint16_t schema = 0;
  uint16_t version = 0;
};

/// Bounds-checked little-endian reader over one frame.
class reader {
public:
  explicit reader(std::string_view bytes) noexcept : p_(bytes.data()), n_(bytes.size()) {}

  bool u8(std::size_t at, uint8_t& v) const noexcept {
    if (at >= n_)
      return false;
    v = static_cast<uint8_t>(p_[at]);
    return true;
  }
  bool u16(std::size_t at, uint16_t& v) const noexcept {
    if (at > n_ || n_ - at < 2)
      return false;
    v = static_cast<uint16_t>(static_cast<uint8_t>(p_[at])
                              | static_cast<uint16_t>(static_cast<uint8_t>(p_[at + 1])) << 8);
    return true;
  }
  bool i64(std::size_t at, int64_t& v) const noexcept {
    if (at > n_ || n_ - at < 8)
      return false;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&v, p_ + at, sizeof v);
    } else {
      uint64_t u = 0;
      for (int i = 7; i >= 0; --i)
        u = u << 8 | static_cast<uint8_t>(p_[at + static_cast<std::size_t>(i)]);
      std::memcpy(&v, &u, sizeof v);
    }
    return true;
  }
  /// <u8 length, bytes> at `at`; `next` = the offset after it.
  bool str(std::size_t at, std::string_view& v, std::size_t& next) const noexcept {
    uint8_t len = 0;
    if (!u8(at, len) || n_ - at - 1 < len)
      return false;
    v = std::string_view(p_ + at + 1, len);
    next = at + 1 + len;
    return true;
  }
  std::size_t size() const noexcept { return n_; }

private:
  const char* p_;
  std::size_t n_;
};

/// Whether `frame` starts with a Paradex SBE header (schema 1): JSON text
/// can never have the bytes 0x01 0x00 at offsets 4-5.
inline bool looks_like_sbe(std::string_view frame) noexcept {
  return frame.size() >= 8 && frame[4] == '\x01' && frame[5] == '\0';
}

inline bool read_header(const reader& r, header& h) noexcept {
  return r.u16(0, h.block_length) && r.u16(2, h.template_id) && r.u16(4, h.schema)
         && r.u16(6, h.version);
}

/// f8 -> the 9-decimal fixed value; false on overflow (null is the caller's
/// business).
template <class Fixed>
bool from_f8(int64_t f8, Fixed& out) noexcept {
  constexpr int64_t lim = std::numeric_limits<int64_t>::max() / 10;
  if (f8 > lim || f8 < -lim)
    return false;
  out = Fixed::from_raw(f8 * 10);
  return true;
}

/// f12 -> 9 decimals, rounded to nearest.
inline ratio from_f12(int64_t f12) noexcept {
  const int64_t q = f12 / 1000, r = f12 % 1000;
  return ratio::from_raw(q + (r >= 500 ? 1 : r <= -500 ? -1 : 0));
}

/// 9 decimals -> f8, rounded to nearest (the 9th decimal cannot travel).
template <class Fixed>
int64_t to_f8(Fixed v) noexcept {
  const int64_t q = v.raw() / 10, r = v.raw() % 10;
  return q + (r >= 5 ? 1 : r <= -5 ? -1 : 0);
}

// -- encoders (mock side) -----------------------------------------------------

/// BookEvent: pkgType 0 snapshot / 1 delta; best-first levels.
std::string encode_book(std::string_view market, uint64_t seq, timestamp_ns ts, bool snapshot,
                        const std::vector<book_level>& bids, const std::vector<book_level>& asks,
                        uint16_t version);

/// BboEvent; an empty side (qty 0) is sent as null.
std::string encode_bbo(std::string_view market, uint64_t seq, timestamp_ns ts,
                       const book_level& bid, const book_level& ask, uint16_t version);

/// FundingDataEvent.
std::string encode_funding(std::string_view market, uint64_t seq, timestamp_ns ts, ratio rate,
                           ratio rate_8h, int16_t period_hours, uint16_t version);

/// MarketSummaryEvent (mark, index, funding rate; the rest zero or null).
std::string encode_summary(std::string_view market, uint64_t seq, timestamp_ns ts, price mark,
                           price index, ratio funding_rate, uint16_t version);

/// HeartbeatEvent.
std::string encode_heartbeat(uint64_t seq, timestamp_ns ts, uint16_t version);

} // namespace xarb::venues::paradex_sbe
