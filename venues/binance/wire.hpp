#pragma once
// Small text helpers shared by the Binance-style codecs and mock protocols
// (Binance, Aster, Backpack): decimal formatting at a venue's precision,
// ASCII case mapping, epoch unit conversions. Internal to venues/binance,
// venues/aster and venues/backpack; no simdjson here.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "messages/decimal.hpp"
#include "messages/market.hpp"

namespace xarb::venues::wire {

/// Fraction digits a value needs (0.1 -> 1, 0.00010 -> 4, 5 -> 0).
template <class Tag>
constexpr int decimals_of(fixed<Tag> x) noexcept {
  int64_t r = x.raw() % decimal_scale;
  if (r == 0)
    return 0;
  int d = decimal_places;
  while (r % 10 == 0) {
    r /= 10;
    --d;
  }
  return d;
}

/// Appends `x` with at least `min_decimals` fraction digits ("27450.10" for
/// a 0.01 tick), never dropping a digit the value has.
template <class Tag>
void append_decimal(std::string& out, fixed<Tag> x, int min_decimals) {
  char buf[32];
  const int d = std::clamp(std::max(min_decimals, decimals_of(x)), 0, decimal_places);
  out.append(buf, xarb::detail::format_nanos_fixed(x.raw(), d, buf));
}

/// `x` rounded to nearest at `decimals` and printed with exactly that many
/// fraction digits (Binance prints rates and marks with 8).
template <class Tag>
void append_rounded(std::string& out, fixed<Tag> x, int decimals) {
  int64_t step = 1;
  for (int i = decimals; i < decimal_places; ++i)
    step *= 10;
  int64_t r = x.raw();
  if (step > 1)
    (void)xarb::detail::round_to_step(x.raw(), step, rounding::nearest, r);
  char buf[32];
  out.append(buf, xarb::detail::format_nanos_fixed(r, decimals, buf));
}

inline std::string to_lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

inline std::string to_upper(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return out;
}

/// Epoch value scaled to ns; false on overflow (hostile numbers).
inline bool scale_to_ns(uint64_t v, int64_t factor, timestamp_ns& out) noexcept {
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / factor))
    return false;
  out = static_cast<int64_t>(v) * factor;
  return true;
}

/// An epoch whose unit is not trusted (Backpack documents microseconds for
/// fields that carry milliseconds): < 1e14 is ms, < 1e17 is us, else ns.
inline bool any_epoch_to_ns(uint64_t v, timestamp_ns& out) noexcept {
  if (v < 100'000'000'000'000ULL)
    return scale_to_ns(v, 1'000'000, out);
  if (v < 100'000'000'000'000'000ULL)
    return scale_to_ns(v, 1'000, out);
  return scale_to_ns(v, 1, out);
}

constexpr int64_t ns_to_ms(timestamp_ns t) noexcept { return t / 1'000'000; }
constexpr int64_t ns_to_us(timestamp_ns t) noexcept { return t / 1'000; }

} // namespace xarb::venues::wire
