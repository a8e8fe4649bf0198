#pragma once
// Small simdjson (On-Demand) helpers shared by the venue codecs. Include only
// from .cpp files: simdjson.h is a heavy header.
//
// Venues send decimals as JSON strings ("27450.00") or bare numbers (27450.0)
// and sequence numbers as numbers or strings ("1061718"). These read the raw
// token text, so a number never goes through a double.

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
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

/// Whether the document was consumed completely (no trailing junk); call
/// after iterating the root object to its end.
inline bool at_end(simdjson::ondemand::document& doc) noexcept {
  return doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
}

/// Walks the root object of a WebSocket frame, calling
/// `on_field(key, value)` (key: the raw key, comparable with a string) for
/// each member; it returns nullptr or an error text, which stops the walk.
/// The frame's own errors: "not JSON", "not a JSON object", "bad JSON",
/// "trailing characters after the JSON object".
template <class F>
const char* walk_frame(simdjson::ondemand::parser& parser, std::string& frame, F&& on_field) {
  simdjson::ondemand::document doc;
  simdjson::ondemand::object root;
  if (parser.iterate(padded(frame)).get(doc) != simdjson::SUCCESS)
    return "not JSON";
  if (doc.get_object().get(root) != simdjson::SUCCESS)
    return "not a JSON object";
  for (auto fr : root) {
    simdjson::ondemand::field f;
    if (std::move(fr).get(f) != simdjson::SUCCESS)
      return "bad JSON";
    if (const char* err = on_field(f.key(), f.value()))
      return err;
  }
  if (!at_end(doc))
    return "trailing characters after the JSON object";
  return nullptr;
}

/// A decimal from a string or number token into price/quantity/ratio/money.
/// Extra fraction digits beyond 9 decimals are rounded to nearest (funding
/// rates such as "0.0001875391284828").
template <class Fixed>
error_code get_decimal(simdjson::ondemand::value v, Fixed& out,
                       rounding mode = rounding::exact) noexcept;

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

namespace swar {

inline uint64_t load8(const char* p) noexcept {
  uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

/// The high bit of every byte of `x` that is not an ASCII digit.
inline uint64_t non_digits(uint64_t x) noexcept {
  const uint64_t t = x ^ 0x3030303030303030ull; // digits -> 0..9
  return (((t & 0x7F7F7F7F7F7F7F7Full) + 0x7676767676767676ull) | t) & 0x8080808080808080ull;
}

/// The number written by the first `n` (1..8) digit bytes of `x` (the first
/// byte is the most significant digit): the digits move to the top of the
/// word, below them zeros, then pairs, quads and the eight are combined.
inline uint64_t digits_value(uint64_t x, unsigned n) noexcept {
  x = (x & 0x0F0F0F0F0F0F0F0Full) << (8 * (8 - n));
  x = (x * 10 + (x >> 8)) & 0x00FF00FF00FF00FFull;
  x = (x * 100 + (x >> 16)) & 0x0000FFFF0000FFFFull;
  return (x * 10000 + (x >> 32)) & 0xFFFFFFFFull;
}

} // namespace swar

/// The usual shape of a venue decimal, read 8 bytes at a time: `p` starts
/// [-]I[.F] with 1..8 integer digits and, after a dot, 1..8 fraction
/// digits. Returns its length and its value in nanos (exact), or 0 when the
/// text has another shape (the caller then uses the exact general parser).
/// Reads up to 24 bytes from `p`, and only when `end - p >= 24`; does not
/// look at the byte that ends the number (the caller checks it).
inline std::size_t fast_decimal(const char* p, const char* end, int64_t& nanos) noexcept {
  static_assert(std::endian::native == std::endian::little);
  static constexpr uint64_t scale[] = {1'000'000'000, 100'000'000, 10'000'000, 1'000'000,
                                       100'000,       10'000,      1'000,      100,
                                       10};
  if (end - p < 24)
    return 0;
  const bool negative = *p == '-';
  const char* q = p + negative;
  const uint64_t a = swar::load8(q);
  const uint64_t ma = swar::non_digits(a);
  unsigned ni = 8;
  if (ma != 0)
    ni = static_cast<unsigned>(std::countr_zero(ma)) / 8;
  else if (static_cast<unsigned>(q[8] - '0') < 10u)
    return 0; // 9+ integer digits
  if (ni == 0)
    return 0;
  uint64_t v = 0;
  const char* r = q + ni;
  bool two_words = *r == '.'; // the fraction needs its own word (below)
  if (*r != '.') {
    v = swar::digits_value(a, ni) * 1'000'000'000ull;
  } else if (ni < 8) {
    // Usually all digits fit one word once the dot is squeezed out: bytes
    // below the dot from `a`, the rest from the word one byte further.
    const uint64_t low = (uint64_t{1} << (8 * ni)) - 1;
    const uint64_t c = (a & low) | (swar::load8(q + 1) & ~low);
    const uint64_t mc = swar::non_digits(c);
    unsigned n = 8;
    if (mc != 0)
      n = static_cast<unsigned>(std::countr_zero(mc)) / 8;
    else if (static_cast<unsigned>(q[9] - '0') < 10u)
      n = 9; // more than 8 digits in all: two words below
    if (n == ni)
      return 0; // "1." : the exact parser decides
    if (n <= 8) {
      v = swar::digits_value(c, n) * scale[n - ni];
      r += 1 + (n - ni);
      two_words = false;
    }
  }
  if (two_words) { // 8 integer digits, or more than 8 digits in all
    const uint64_t b = swar::load8(r + 1);
    const uint64_t mb = swar::non_digits(b);
    unsigned nf = 8;
    if (mb != 0)
      nf = static_cast<unsigned>(std::countr_zero(mb)) / 8;
    else if (static_cast<unsigned>(r[9] - '0') < 10u)
      return 0; // 9+ fraction digits: rounding rules, the exact parser decides
    if (nf == 0)
      return 0;
    v = swar::digits_value(a, ni) * 1'000'000'000ull + swar::digits_value(b, nf) * scale[nf];
    r += 1 + nf;
  }
  nanos = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return static_cast<std::size_t>(r - p);
}

template <class Fixed>
error_code get_decimal(simdjson::ondemand::value v, Fixed& out, rounding mode) noexcept {
  std::string_view t;
  if (!token_text(v, t))
    return error_code::parse_error;
  // The usual shape first (exact whatever `mode`: no digit is dropped). The
  // token lies in a simdjson document, which is followed by at least
  // SIMDJSON_PADDING readable bytes.
  int64_t nanos = 0;
  const auto n = fast_decimal(t.data(), t.data() + t.size() + simdjson::SIMDJSON_PADDING, nanos);
  if (n > 0 && n == t.size()) {
    out = Fixed::from_raw(nanos);
    return error_code::none;
  }
  return Fixed::parse(t, out, mode);
}

} // namespace xarb::venues::json
