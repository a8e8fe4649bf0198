#pragma once
// Small helpers shared by the Hyperliquid, Paradex and Lighter codecs and
// mock protocols (header-only; include from .cpp files only: it pulls in
// simdjson through json_fields.hpp).
//
// Decoding side: overflow-checked time conversions and error-code wrappers
// so a codec never throws and never overflows on hostile input. Encoding
// side (mocks): JSON string escaping and decimal formatting in the venues'
// spellings.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "venues/common/json_fields.hpp"

namespace xarb::venues::wire {

inline constexpr int64_t ns_per_ms = 1'000'000;
inline constexpr int64_t ns_per_us = 1'000;
inline constexpr int64_t ns_per_hour = 3600LL * 1'000'000'000LL;

/// t x scale into `out` when it fits (t >= 0); false otherwise.
inline bool scale_time(int64_t t, int64_t scale, timestamp_ns& out) noexcept {
  if (t < 0 || t > std::numeric_limits<int64_t>::max() / scale)
    return false;
  out = t * scale;
  return true;
}

/// The first full hour strictly after `ts` (hourly funding venues).
inline timestamp_ns next_hour_after(timestamp_ns ts) noexcept {
  if (ts < 0 || ts > std::numeric_limits<int64_t>::max() - ns_per_hour)
    return 0;
  return (ts / ns_per_hour + 1) * ns_per_hour;
}

/// A non-negative integer token (number or string) as int64.
inline bool read_i64(simdjson::ondemand::value v, int64_t& out) noexcept {
  return json::get_i64(v, out) == error_code::none;
}

inline bool read_u64(simdjson::ondemand::value v, uint64_t& out) noexcept {
  return json::get_u64(v, out) == error_code::none;
}

/// A decimal token ("1.5" or 1.5); extra digits beyond 9 decimals rounded
/// to nearest by default (funding rates, percent conversions). Same result
/// as json::get_decimal(), with a faster path for the quoted strings every
/// venue here sends: the closing quote is searched directly instead of
/// trimming the raw token's trailing structure (hot path).
template <class Fixed>
inline bool read_decimal(simdjson::ondemand::value v, Fixed& out,
                         rounding mode = rounding::nearest) noexcept {
  const std::string_view t = v.raw_json_token();
  if (t.size() >= 2 && t[0] == '"') {
    const auto end = t.find('"', 1);
    if (end == std::string_view::npos)
      return false;
    return Fixed::parse(t.substr(1, end - 1), out, mode) == error_code::none;
  }
  return json::get_decimal(v, out, mode) == error_code::none;
}

/// A string value (unescaped into the parser's buffer: no allocation).
inline bool read_string(simdjson::ondemand::value v, std::string_view& out) noexcept {
  return v.get_string().get(out) == simdjson::SUCCESS;
}

/// A JSON-RPC style error object {"code":..,"message":".."}: its message
/// (left empty when absent or not a string; a non-object is no error).
/// False only when the object is truncated.
inline bool read_error_message(simdjson::ondemand::value v, std::string_view& message) noexcept {
  simdjson::ondemand::object e;
  if (v.get_object().get(e) != simdjson::SUCCESS)
    return true;
  for (auto ef : e) {
    simdjson::ondemand::field g;
    if (std::move(ef).get(g) != simdjson::SUCCESS)
      return false;
    if (g.key() == "message")
      (void)read_string(g.value(), message);
  }
  return true;
}

/// A percentage as a fraction (Lighter publishes funding and fees in %).
inline bool percent_to_fraction(ratio pct, ratio& out) noexcept {
  int64_t raw = 0;
  if (detail::mul_div(pct.raw(), 1, 100, rounding::nearest, raw) != error_code::none)
    return false;
  out = ratio::from_raw(raw);
  return true;
}

// -- encoding (mocks) ---------------------------------------------------------

/// Appends `s` as a JSON string literal.
inline void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char hex[] = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xF];
          out += hex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

/// Number of fraction digits of a step such as 0.001 (3); 0 for >= 1.
template <class Fixed>
inline int decimals_of(Fixed step) noexcept {
  int64_t r = step.raw();
  if (r <= 0)
    return 0;
  int d = decimal_places;
  while (d > 0 && r % 10 == 0) {
    r /= 10;
    --d;
  }
  return d;
}

/// 10^-d as a fixed value (d in 0..9).
template <class Fixed>
inline Fixed pow10_step(int d) noexcept {
  int64_t r = decimal_scale;
  for (int i = 0; i < d && i < decimal_places; ++i)
    r /= 10;
  return Fixed::from_raw(r);
}

/// The rate per interval `to_s` of a rate per `from_s` (exact to 1e-9, nearest).
inline ratio rescale_rate(ratio r, int32_t from_s, int32_t to_s) noexcept {
  if (from_s <= 0 || to_s <= 0 || from_s == to_s)
    return r;
  int64_t raw = 0;
  if (detail::mul_div(r.raw(), to_s, from_s, rounding::nearest, raw) != error_code::none)
    return r;
  return ratio::from_raw(raw);
}

} // namespace xarb::venues::wire
