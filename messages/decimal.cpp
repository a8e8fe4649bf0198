#include "messages/decimal.hpp"

#include <bit>
#include <cstring>
#include <limits>

namespace xarb::detail {

namespace {

constexpr uint64_t pow10_u64[] = {
  1ull,
  10ull,
  100ull,
  1000ull,
  10000ull,
  100000ull,
  1000000ull,
  10000000ull,
  100000000ull,
  1000000000ull,
  10000000000ull,
  100000000000ull,
  1000000000000ull,
  10000000000000ull,
  100000000000000ull,
  1000000000000000ull,
  10000000000000000ull,
  100000000000000000ull,
  1000000000000000000ull,
  10000000000000000000ull,
};

__extension__ using i128 = __int128;
__extension__ using u128 = unsigned __int128;

constexpr uint64_t max_magnitude = static_cast<uint64_t>(INT64_MAX);

/// Decides whether a truncated magnitude must be bumped by one unit.
/// `cmp_half` is <0, 0 or >0 as the discarded part is below, at or above half.
constexpr bool bump(rounding mode, bool negative, bool inexact, int cmp_half) {
  if (!inexact)
    return false;
  switch (mode) {
    case rounding::exact:
    case rounding::toward_zero: return false;
    case rounding::down: return negative;
    case rounding::up: return !negative;
    case rounding::nearest: return cmp_half >= 0;
  }
  return false;
}

inline bool is_digit(char c) { return static_cast<unsigned>(c - '0') < 10u; }

/// Reads 8 ASCII digits at once (SWAR): false, with `out` untouched, if any of
/// the 8 bytes is not a digit. The caller guarantees 8 readable bytes.
inline bool eight_digits(const char* p, uint64_t& out) noexcept {
  static_assert(std::endian::native == std::endian::little);
  uint64_t x;
  std::memcpy(&x, p, 8);
  // Every byte in '0'..'9': high nibble 3, and adding 6 does not carry out.
  if (((x & 0xF0F0F0F0F0F0F0F0ull)
       | (((x + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) >> 4))
      != 0x3333333333333333ull)
    return false;
  x = (x & 0x0F0F0F0F0F0F0F0Full) * 2561 >> 8;             // pairs
  x = (x & 0x00FF00FF00FF00FFull) * 6553601 >> 16;          // quads
  out = (x & 0x0000FFFF0000FFFFull) * 42949672960001ull >> 32; // eight
  return true;
}

} // namespace

namespace {

/// The general parser: any length, exponents, rounding modes.
error_code parse_general(const char* p, const char* last, int64_t& out,
                         rounding mode) noexcept {
  if (p == last)
    return error_code::parse_error;
  bool negative = false;
  if (*p == '-' || *p == '+') {
    negative = *p == '-';
    if (++p == last)
      return error_code::parse_error;
  }
  uint64_t mant = 0;   // up to 19 significant digits
  int sig = 0;         // significant digits held in mant
  int exp10 = 0;       // value = mant * 10^exp10
  bool any_digit = false;
  bool dropped = false; // non-zero digits beyond 19 significant ones
  int first_dropped = -1;   // first digit beyond 19 significant ones
  bool rest_dropped = false; // non-zero digits after that one
  // Integer part.
  while (p != last && is_digit(*p)) {
    any_digit = true;
    auto d = static_cast<uint64_t>(*p++ - '0');
    if (sig < 19) {
      if (mant != 0 || d != 0) {
        mant = mant * 10 + d;
        ++sig;
      }
    } else {
      ++exp10; // magnitude too large for 19 digits: overflow decided below
      dropped |= d != 0;
    }
  }
  // Fraction.
  if (p != last && *p == '.') {
    ++p;
    bool frac_digit = false;
    while (p != last && is_digit(*p)) {
      frac_digit = true;
      auto d = static_cast<uint64_t>(*p++ - '0');
      if (sig < 19) {
        if (mant != 0 || d != 0) {
          mant = mant * 10 + d;
          ++sig;
        }
        --exp10;
      } else {
        dropped |= d != 0;
        if (first_dropped < 0)
          first_dropped = static_cast<int>(d);
        else
          rest_dropped |= d != 0;
      }
    }
    if (!any_digit && !frac_digit)
      return error_code::parse_error;
    any_digit = true;
  }
  if (!any_digit)
    return error_code::parse_error;
  // Exponent.
  if (p != last && (*p == 'e' || *p == 'E')) {
    ++p;
    bool exp_neg = false;
    if (p != last && (*p == '-' || *p == '+')) {
      exp_neg = *p == '-';
      ++p;
    }
    if (p == last || !is_digit(*p))
      return error_code::parse_error;
    int e = 0;
    while (p != last && is_digit(*p)) {
      if (e < 10000)
        e = e * 10 + (*p - '0');
      ++p;
    }
    exp10 += exp_neg ? -e : e;
  }
  if (p != last)
    return error_code::parse_error;
  if (mant == 0) {
    out = 0;
    return error_code::none;
  }
  const int shift = exp10 + decimal_places;
  uint64_t mag = 0;
  if (shift >= 0) {
    if (shift > 18 || mant > max_magnitude / pow10_u64[shift])
      return error_code::overflow;
    mag = mant * pow10_u64[shift];
    if (mag > max_magnitude)
      return error_code::overflow;
    if (dropped) {
      // Only reachable with shift == 0 (19 digits held, fraction digits
      // dropped): round on the dropped digits.
      if (mode == rounding::exact)
        return error_code::precision_loss;
      const int cmp_half = first_dropped < 5 ? -1 : (first_dropped > 5 || rest_dropped ? 1 : 0);
      if (bump(mode, negative, true, cmp_half))
        ++mag;
      if (mag > max_magnitude)
        return error_code::overflow;
    }
  } else {
    const int down = -shift;
    uint64_t rem = 0;
    int cmp_half = -1;
    if (down > 19) {
      mag = 0;
      rem = mant;
      cmp_half = -1; // mant < 10^19 <= half of 10^20
    } else {
      const uint64_t div = pow10_u64[down];
      mag = mant / div;
      rem = mant % div;
      const uint64_t half = div / 2; // div is even for down >= 1
      cmp_half = rem < half ? -1 : (rem > half ? 1 : (dropped ? 1 : 0));
    }
    const bool inexact = rem != 0 || dropped;
    if (inexact && mode == rounding::exact)
      return error_code::precision_loss;
    if (bump(mode, negative, inexact, cmp_half))
      ++mag;
    if (mag > max_magnitude)
      return error_code::overflow;
  }
  out = negative ? -static_cast<int64_t>(mag) : static_cast<int64_t>(mag);
  return error_code::none;
}

} // namespace

error_code parse_nanos(const char* first, const char* last, int64_t& out,
                       rounding mode) noexcept {
  // Fast path for the usual venue field, [-]digits[.digits] with at most 10
  // integer digits and 9 decimals: one pass, two short multiply-add chains.
  // Everything else (exponents, '+', long or odd input, errors) goes to
  // parse_general.
  const char* p = first;
  const bool negative = p != last && *p == '-';
  p += negative;
  const char* const int_begin = p;
  uint64_t ip = 0; // integer digits (wrap harmlessly beyond 18 digits: unused then)
  uint64_t chunk = 0; // prices rarely have 8+ integer digits: no SWAR there
  while (p != last && is_digit(*p))
    ip = ip * 10 + static_cast<uint64_t>(*p++ - '0');
  const auto int_digits = p - int_begin;
  uint64_t fp = 0; // fraction digits, an independent dependency chain
  std::ptrdiff_t frac = 0;
  if (p != last && *p == '.') {
    const char* const frac_begin = ++p;
    if (last - p >= 8 && eight_digits(p, chunk)) {
      fp = chunk;
      p += 8;
    }
    while (p != last && is_digit(*p))
      fp = fp * 10 + static_cast<uint64_t>(*p++ - '0');
    frac = p - frac_begin;
  }
  if (p == last && int_digits + frac > 0 && int_digits <= 10 && frac <= decimal_places) {
    // ip < 1e10 and fp < 1e9: ip * 1e9 + fp * 10^(9 - frac) < 1e19 fits.
    const uint64_t mag = ip * static_cast<uint64_t>(decimal_scale)
                         + fp * pow10_u64[decimal_places - frac];
    if (mag <= max_magnitude) {
      out = negative ? -static_cast<int64_t>(mag) : static_cast<int64_t>(mag);
      return error_code::none;
    }
  }
  return parse_general(first, last, out, mode);
}

namespace {

constexpr uint64_t ascii_zeros = 0x3030303030303030ull;

/// The eight decimal digits of `v` (< 10^8), leading zeros included, as
/// byte values 0..9 with the most significant digit in the lowest byte (the
/// first in memory). Two 4-digit halves in 32-bit lanes are split into
/// 2-digit lanes, then into digits, by multiply-shift division (exact for
/// these ranges: x*10486>>20 == x/100 for x < 10^4, x*103>>10 == x/10 for
/// x < 100).
inline uint64_t digits8(uint64_t v) noexcept {
  const uint64_t x = (v / 10000) | ((v % 10000) << 32);
  const uint64_t q = ((x * 10486) >> 20) & 0x0000007F0000007Full;
  const uint64_t y = q | ((x - q * 100) << 16);
  const uint64_t t = ((y * 103) >> 10) & 0x000F000F000F000Full;
  return t | ((y - t * 10) << 8);
}

inline void store8(char* p, uint64_t bytes) noexcept { std::memcpy(p, &bytes, 8); }

} // namespace

// 8 digits per step without a loop; the stores may write zero digits past
// the returned length but never past 21 bytes (the longest text).
std::size_t format_nanos(int64_t nanos, char* buf) noexcept {
  static_assert(std::endian::native == std::endian::little && decimal_places == 9);
  char* p = buf;
  const uint64_t mag = nanos < 0 ? 0ull - static_cast<uint64_t>(nanos)
                                 : static_cast<uint64_t>(nanos);
  if (nanos < 0)
    *p++ = '-';
  uint64_t ip = mag / static_cast<uint64_t>(decimal_scale);
  const uint64_t fp = mag % static_cast<uint64_t>(decimal_scale);
  if (ip >= 100'000'000) { // up to 9223372036: one or two leading digits
    const uint64_t hi = ip / 100'000'000;
    ip %= 100'000'000;
    if (hi >= 10)
      *p++ = static_cast<char>('0' + hi / 10);
    *p++ = static_cast<char>('0' + hi % 10);
    store8(p, digits8(ip) + ascii_zeros);
    p += 8;
  } else {
    const uint64_t z = digits8(ip);
    const int lead = ip == 0 ? 7 : std::countr_zero(z) / 8; // zero digits in front
    store8(p, (z >> (8 * lead)) + ascii_zeros);
    p += 8 - lead;
  }
  if (fp != 0) { // the shortest exact form: no trailing zero
    p[0] = '.';
    p[1] = static_cast<char>('0' + fp / 100'000'000);
    const uint64_t rest = fp % 100'000'000;
    p += 2;
    if (rest != 0) {
      const uint64_t z = digits8(rest);
      store8(p, z + ascii_zeros);
      p += 8 - std::countl_zero(z) / 8;
    }
  }
  return static_cast<std::size_t>(p - buf);
}

std::size_t format_nanos_fixed(int64_t nanos, int decimals, char* buf) noexcept {
  if (decimals < 0)
    decimals = 0;
  if (decimals > decimal_places)
    decimals = decimal_places;
  char* p = buf;
  uint64_t mag = nanos < 0 ? 0ull - static_cast<uint64_t>(nanos)
                           : static_cast<uint64_t>(nanos);
  if (nanos < 0)
    *p++ = '-';
  uint64_t ip = mag / static_cast<uint64_t>(decimal_scale);
  uint64_t fp = (mag % static_cast<uint64_t>(decimal_scale))
                / pow10_u64[decimal_places - decimals];
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + ip % 10);
    ip /= 10;
  } while (ip != 0);
  while (n > 0)
    *p++ = tmp[--n];
  if (decimals > 0) {
    *p++ = '.';
    for (int i = decimals - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + fp % 10);
      fp /= 10;
    }
    p += decimals;
  }
  return static_cast<std::size_t>(p - buf);
}

error_code round_to_step(int64_t value, int64_t step, rounding mode,
                         int64_t& out) noexcept {
  if (step <= 0)
    return error_code::invalid_order;
  int64_t q = value / step;
  int64_t r = value % step;
  if (r == 0) {
    out = value;
    return error_code::none;
  }
  if (mode == rounding::exact)
    return error_code::precision_loss;
  const bool negative = value < 0;
  const uint64_t ar = r < 0 ? 0ull - static_cast<uint64_t>(r) : static_cast<uint64_t>(r);
  const uint64_t twice = ar * 2;
  const int cmp_half = twice < static_cast<uint64_t>(step)
                         ? -1
                         : (twice > static_cast<uint64_t>(step) ? 1 : 0);
  if (bump(mode, negative, true, cmp_half))
    q += negative ? -1 : 1;
  int64_t res;
  if (__builtin_mul_overflow(q, step, &res))
    return error_code::overflow;
  out = res;
  return error_code::none;
}

namespace {

/// |numerator| / `ud` rounded by `mode` (the sign decides floor and ceil),
/// into `out`: the division mul_div does, in 64 or 128 bits.
template <class U>
error_code round_divide(U mag, U ud, bool negative, rounding mode, int64_t& out) noexcept {
  U q = mag / ud;
  const U r = mag % ud;
  if (r != 0) {
    if (mode == rounding::exact)
      return error_code::precision_loss;
    const U twice = r * 2; // r < ud, and ud < 2^63 (64 bits) or 2^127: no overflow
    const int cmp_half = twice < ud ? -1 : (twice > ud ? 1 : 0);
    if (bump(mode, negative, true, cmp_half))
      ++q;
  }
  if (q > static_cast<U>(max_magnitude))
    return error_code::overflow;
  out = negative ? -static_cast<int64_t>(q) : static_cast<int64_t>(q);
  return error_code::none;
}

} // namespace

error_code mul_div(int64_t value, int64_t mul, int64_t div, rounding mode,
                   int64_t& out) noexcept {
  if (div == 0)
    return error_code::invalid_order;
  // Most products fit 64 bits (book levels, fees, contract multipliers):
  // a 64-bit division is several times cheaper than the 128-bit one, same
  // result.
  if (int64_t prod = 0; div > 0 && !__builtin_mul_overflow(value, mul, &prod)
                        && prod != std::numeric_limits<int64_t>::min()) {
    const bool negative = prod < 0;
    const uint64_t mag = negative ? 0ull - static_cast<uint64_t>(prod)
                                  : static_cast<uint64_t>(prod);
    return round_divide<uint64_t>(mag, static_cast<uint64_t>(div), negative, mode, out);
  }
  i128 num = static_cast<i128>(value) * mul;
  i128 d = div;
  if (d < 0) {
    d = -d;
    num = -num;
  }
  const bool negative = num < 0;
  const u128 mag = negative ? static_cast<u128>(-num) : static_cast<u128>(num);
  return round_divide<u128>(mag, static_cast<u128>(d), negative, mode, out);
}

} // namespace xarb::detail

namespace xarb {

expected<money> notional(price px, quantity qty, rounding mode) {
  int64_t out = 0;
  if (auto ec = detail::mul_div(px.raw(), qty.raw(), decimal_scale, mode, out);
      ec != error_code::none)
    return error_info{ec, "notional " + px.to_string() + " x " + qty.to_string()};
  return money::from_raw(out);
}

expected<money> apply(ratio r, money amount, rounding mode) {
  int64_t out = 0;
  if (auto ec = detail::mul_div(amount.raw(), r.raw(), decimal_scale, mode, out);
      ec != error_code::none)
    return error_info{ec, "apply " + r.to_string() + " to " + amount.to_string()};
  return money::from_raw(out);
}

namespace {

/// a / b as a ratio, for any two values of the same scale. Text is only
/// built on failure: relative() is on the hot path.
expected<ratio> ratio_of(int64_t a, int64_t b, rounding mode, const char* what) {
  if (b == 0)
    return error_info{error_code::invalid_order, "division by zero"};
  int64_t out = 0;
  if (auto ec = detail::mul_div(a, decimal_scale, b, mode, out); ec != error_code::none)
    return error_info{ec, std::string{what} + " " + ratio::from_raw(a).to_string()
                            + " / " + ratio::from_raw(b).to_string()};
  return ratio::from_raw(out);
}

} // namespace

expected<ratio> divide(money a, money b, rounding mode) {
  return ratio_of(a.raw(), b.raw(), mode, "divide");
}

expected<ratio> relative(price a, price b, rounding mode) {
  return ratio_of(a.raw(), b.raw(), mode, "relative");
}

} // namespace xarb
