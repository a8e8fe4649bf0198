#pragma once
// Exact fixed-point decimals for prices, quantities, money and ratios.
//
// Every value is an int64 count of 1e-9 units ("nanos"): 9 decimal places,
// range +-9,223,372,036.854775807. That covers any crypto price, per-order
// quantity (in the instrument's canonical unit, see core/instrument_registry)
// and account-level money. Values are parsed straight from the venue's decimal
// strings and formatted back without ever touching a double; arithmetic that
// can overflow is checked. `to_double()` exists only for statistics.
//
// The four strong types share the representation but do not mix implicitly:
// price * quantity -> money via notional(), ratio * money -> money via apply().

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "messages/error_code.hpp"
#include "messages/expected.hpp"

namespace xarb {

inline constexpr int decimal_places = 9;
inline constexpr int64_t decimal_scale = 1'000'000'000;

/// How to round when a value has to move onto a grid (tick, lot) or when a
/// division is inexact.
enum class rounding : uint8_t {
  exact,       ///< no rounding allowed: inexact is an error
  down,        ///< toward negative infinity (floor)
  up,          ///< toward positive infinity (ceil)
  toward_zero, ///< truncate
  nearest,     ///< half away from zero
};

namespace detail {

/// Parses a decimal string into nanos. Accepts an optional sign, digits, an
/// optional fraction and an optional exponent ("1.5e-5"). Leading/trailing
/// spaces are not accepted. Extra fraction digits must be zero unless `mode`
/// allows rounding. Never reads past `last`.
error_code parse_nanos(const char* first, const char* last, int64_t& out,
                       rounding mode = rounding::exact) noexcept;

/// Writes `nanos` as the shortest exact decimal ("12.5", "-0.000001", "3").
/// `buf` must hold at least 21 bytes. Returns the number of bytes written.
std::size_t format_nanos(int64_t nanos, char* buf) noexcept;

/// Writes `nanos` with exactly `decimals` fraction digits (0..9), which must
/// not drop non-zero digits (caller rounds first). Returns bytes written.
std::size_t format_nanos_fixed(int64_t nanos, int decimals, char* buf) noexcept;

/// Rounds `value` to a multiple of `step` (> 0). Fails with `overflow` or,
/// for rounding::exact, `precision_loss` when not already a multiple.
error_code round_to_step(int64_t value, int64_t step, rounding mode,
                         int64_t& out) noexcept;

/// value * mul / div with a 128-bit intermediate and the given rounding.
error_code mul_div(int64_t value, int64_t mul, int64_t div, rounding mode,
                   int64_t& out) noexcept;

} // namespace detail

template <class Tag>
class fixed {
public:
  using rep = int64_t;

  // -- construction ----------------------------------------------------------

  constexpr fixed() noexcept = default;

  static constexpr fixed from_raw(rep nanos) noexcept {
    fixed x;
    x.raw_ = nanos;
    return x;
  }

  /// Exact integer value; only for small compile-time-known constants.
  static constexpr fixed from_units(int32_t units) noexcept {
    return from_raw(static_cast<rep>(units) * decimal_scale);
  }

  static constexpr fixed zero() noexcept { return fixed{}; }
  static constexpr fixed max() noexcept { return from_raw(INT64_MAX); }
  static constexpr fixed min() noexcept { return from_raw(-INT64_MAX); }

  /// Hot-path parser: writes into `out`, returns error_code::none on success.
  static error_code parse(std::string_view text, fixed& out,
                          rounding mode = rounding::exact) noexcept {
    return detail::parse_nanos(text.data(), text.data() + text.size(),
                               out.raw_, mode);
  }

  /// Convenience parser with a descriptive error.
  static expected<fixed> from_string(std::string_view text,
                                     rounding mode = rounding::exact) {
    fixed out;
    if (auto ec = parse(text, out, mode); ec != error_code::none)
      return error_info{ec, "cannot parse decimal '" + std::string{text} + "'"};
    return out;
  }

  // -- observers -------------------------------------------------------------

  constexpr rep raw() const noexcept { return raw_; }
  constexpr bool is_zero() const noexcept { return raw_ == 0; }
  constexpr bool is_negative() const noexcept { return raw_ < 0; }
  constexpr bool is_positive() const noexcept { return raw_ > 0; }
  constexpr fixed abs() const noexcept { return from_raw(raw_ < 0 ? -raw_ : raw_); }

  /// For statistics only (z-scores, volatility). Never for money decisions.
  constexpr double to_double() const noexcept {
    return static_cast<double>(raw_) / static_cast<double>(decimal_scale);
  }

  std::string to_string() const {
    char buf[32];
    return std::string(buf, detail::format_nanos(raw_, buf));
  }

  /// Fixed number of decimals, e.g. for a venue that wants "65000.10".
  std::string to_string(int decimals) const {
    char buf[32];
    return std::string(buf, detail::format_nanos_fixed(raw_, decimals, buf));
  }

  // -- grid rounding ---------------------------------------------------------

  /// Rounds onto a multiple of `step` (tick or lot).
  expected<fixed> round_to(fixed step, rounding mode) const {
    if (step.raw_ <= 0)
      return error_info{error_code::invalid_order, "step must be positive"};
    fixed out;
    if (auto ec = detail::round_to_step(raw_, step.raw_, mode, out.raw_);
        ec != error_code::none)
      return error_info{ec, to_string() + " is not on the grid of " + step.to_string()};
    return out;
  }

  constexpr bool is_multiple_of(fixed step) const noexcept {
    return step.raw_ > 0 && raw_ % step.raw_ == 0;
  }

  // -- checked arithmetic ----------------------------------------------------

  /// Returns false on overflow and leaves `out` untouched.
  static constexpr bool checked_add(fixed a, fixed b, fixed& out) noexcept {
    rep r;
    if (__builtin_add_overflow(a.raw_, b.raw_, &r))
      return false;
    out.raw_ = r;
    return true;
  }
  static constexpr bool checked_sub(fixed a, fixed b, fixed& out) noexcept {
    rep r;
    if (__builtin_sub_overflow(a.raw_, b.raw_, &r))
      return false;
    out.raw_ = r;
    return true;
  }

  /// Unchecked operators for values already known to be in range (book
  /// levels from a validated feed). Use checked_* for anything accumulated.
  constexpr fixed operator+(fixed o) const noexcept { return from_raw(raw_ + o.raw_); }
  constexpr fixed operator-(fixed o) const noexcept { return from_raw(raw_ - o.raw_); }
  constexpr fixed operator-() const noexcept { return from_raw(-raw_); }
  constexpr fixed& operator+=(fixed o) noexcept { raw_ += o.raw_; return *this; }
  constexpr fixed& operator-=(fixed o) noexcept { raw_ -= o.raw_; return *this; }
  constexpr fixed operator*(int64_t k) const noexcept { return from_raw(raw_ * k); }

  friend constexpr auto operator<=>(fixed, fixed) noexcept = default;
  friend constexpr bool operator==(fixed, fixed) noexcept = default;

  // CAF 0.17 inspection (no CAF include needed: found by ADL).
  template <class Inspector>
  friend auto inspect(Inspector& f, fixed& x) {
    return f(x.raw_);
  }

private:
  rep raw_ = 0;
};

struct price_tag {};
struct quantity_tag {};
struct money_tag {};
struct ratio_tag {};

using price = fixed<price_tag>;       ///< quote currency per canonical unit
using quantity = fixed<quantity_tag>; ///< size in canonical or native units
using money = fixed<money_tag>;       ///< quote-currency amount (P&L, fees)
using ratio = fixed<ratio_tag>;       ///< dimensionless: fee rate, funding rate

template <class Tag>
std::string to_string(fixed<Tag> x) {
  return x.to_string();
}

/// price x quantity, exact to 1e-9 with the given rounding, overflow checked.
expected<money> notional(price px, quantity qty, rounding mode = rounding::nearest);

/// money x ratio (fees: notional x fee rate), overflow checked.
expected<money> apply(ratio r, money amount, rounding mode = rounding::nearest);

/// Exact quotient a / b as a ratio (e.g. spread / mid), rounded.
expected<ratio> divide(money a, money b, rounding mode = rounding::nearest);

/// a / b as a dimensionless ratio of two prices (e.g. spread / mid), rounded.
expected<ratio> relative(price a, price b, rounding mode = rounding::nearest);

/// Generic a * b / c on any two fixed values of the same scale, rounded.
/// Used by contract multipliers: canonical = native * multiplier.
template <class A, class B>
expected<fixed<A>> multiply(fixed<A> a, fixed<B> b, rounding mode) {
  int64_t out = 0;
  if (auto ec = detail::mul_div(a.raw(), b.raw(), decimal_scale, mode, out);
      ec != error_code::none)
    return error_info{ec, "multiply " + a.to_string() + " x " + b.to_string()};
  return fixed<A>::from_raw(out);
}

template <class A, class B>
expected<fixed<A>> divide_by(fixed<A> a, fixed<B> b, rounding mode) {
  if (b.raw() == 0)
    return error_info{error_code::invalid_order, "division by zero"};
  int64_t out = 0;
  if (auto ec = detail::mul_div(a.raw(), decimal_scale, b.raw(), mode, out);
      ec != error_code::none)
    return error_info{ec, "divide " + a.to_string() + " / " + b.to_string()};
  return fixed<A>::from_raw(out);
}

} // namespace xarb
