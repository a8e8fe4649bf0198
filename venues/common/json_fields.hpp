#pragma once
// Small simdjson (On-Demand) helpers shared by the venue codecs. Include only
// from .cpp files: simdjson.h is a heavy header.
//
// Venues send decimals as JSON strings ("27450.00") or bare numbers (27450.0)
// and sequence numbers as numbers or strings ("1061718"). These read the raw
// token text, so a number never goes through a double.

#include <charconv>
#include <cstdint>
#include <string_view>

#include <simdjson.h>

#include "messages/decimal.hpp"
#include "messages/error_code.hpp"

namespace xarb::venues::json {

/// `frame` ready for simdjson: its capacity gets SIMDJSON_PADDING spare bytes
/// (a no-op when the transport already reserved them), content unchanged.
inline simdjson::padded_string_view padded(std::string& frame) {
  if (frame.capacity() < frame.size() + simdjson::SIMDJSON_PADDING)
    frame.reserve(frame.size() + simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(frame);
}

/// The text of a scalar token without quotes or trailing blanks: "1.5" and
/// 1.5 both give 1.5. Fails (false) for objects, arrays and null.
inline bool token_text(simdjson::ondemand::value v, std::string_view& out) noexcept {
  std::string_view t = v.raw_json_token();
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n' || t.back() == '\r'
                        || t.back() == '\t' || t.back() == ',' || t.back() == ']'
                        || t.back() == '}'))
    t.remove_suffix(1);
  if (t.empty() || t[0] == '{' || t[0] == '[' || t == "null")
    return false;
  if (t[0] == '"') {
    if (t.size() < 2 || t.back() != '"')
      return false;
    t = t.substr(1, t.size() - 2);
  }
  out = t;
  return true;
}

/// A decimal from a string or number token into price/quantity/ratio/money.
/// Extra fraction digits beyond 9 decimals are rounded to nearest (funding
/// rates such as "0.0001875391284828").
template <class Fixed>
error_code get_decimal(simdjson::ondemand::value v, Fixed& out,
                       rounding mode = rounding::exact) noexcept {
  std::string_view t;
  if (!token_text(v, t))
    return error_code::parse_error;
  return Fixed::parse(t, out, mode);
}

/// An unsigned integer from a string or number token ("1061718" or 1061718).
inline error_code get_u64(simdjson::ondemand::value v, uint64_t& out) noexcept {
  std::string_view t;
  if (!token_text(v, t))
    return error_code::parse_error;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  return ec == std::errc{} && p == t.data() + t.size() ? error_code::none
                                                       : error_code::parse_error;
}

/// A signed integer from a string or number token.
inline error_code get_i64(simdjson::ondemand::value v, int64_t& out) noexcept {
  std::string_view t;
  if (!token_text(v, t))
    return error_code::parse_error;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  return ec == std::errc{} && p == t.data() + t.size() ? error_code::none
                                                       : error_code::parse_error;
}

} // namespace xarb::venues::json
