// Fixed-point decimals: parsing, formatting, grid rounding, checked arithmetic.
#include "messages/decimal.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>

using namespace xarb;

namespace {

constexpr int64_t max_raw = INT64_MAX;

/// Parses with `mode` and returns the raw nanos (CHECKs success).
int64_t raw(std::string_view s, rounding mode = rounding::exact) {
  price p;
  const auto ec = price::parse(s, p, mode);
  CAPTURE(s);
  CHECK(ec == error_code::none);
  return p.raw();
}

error_code parse_error_of(std::string_view s, rounding mode = rounding::exact) {
  price p = price::from_raw(12345);
  const auto ec = price::parse(s, p, mode);
  if (ec != error_code::none)
    CHECK(p.raw() == 12345); // a failed parse leaves the output alone
  return ec;
}

price px(const char* s) { return price::from_string(s).value(); }
quantity qt(const char* s) { return quantity::from_string(s).value(); }
money mn(const char* s) { return money::from_string(s).value(); }
ratio rt(const char* s) { return ratio::from_string(s).value(); }

} // namespace

TEST_CASE("parse: plain values and realistic venue strings") {
  CHECK(raw("0") == 0);
  CHECK(raw("1") == 1'000'000'000);
  CHECK(raw("65432.10") == 65'432'100'000'000);
  CHECK(raw("0.00012345") == 123'450);
  CHECK(raw("1234.5678") == 1'234'567'800'000);
  CHECK(raw("0.000000001") == 1);
  CHECK(raw("11794.15000000") == 11'794'150'000'000);
  CHECK(raw("0.0024") == 2'400'000);
}

TEST_CASE("parse: signs") {
  CHECK(raw("-1.5") == -1'500'000'000);
  CHECK(raw("+1.5") == 1'500'000'000);
  CHECK(raw("-0") == 0);
  CHECK(raw("-0.000") == 0);
  CHECK(raw("+0") == 0);
  CHECK(parse_error_of("-") == error_code::parse_error);
  CHECK(parse_error_of("+") == error_code::parse_error);
  CHECK(parse_error_of("--1") == error_code::parse_error);
  CHECK(parse_error_of("+-1") == error_code::parse_error);
  CHECK(parse_error_of("1-") == error_code::parse_error);
}

TEST_CASE("parse: leading and trailing zeros, bare points") {
  CHECK(raw("000123.4500") == 123'450'000'000);
  CHECK(raw("00000000000000000000000000001") == 1'000'000'000); // 29 digits, value 1
  CHECK(raw("0.1000000000000000000000000") == 100'000'000);     // trailing zeros beyond 9
  CHECK(raw(".5") == 500'000'000);
  CHECK(raw("-.5") == -500'000'000);
  CHECK(raw("5.") == 5'000'000'000);
  CHECK(raw("-5.") == -5'000'000'000);
  CHECK(raw("0.") == 0);
  CHECK(raw(".0") == 0);
  CHECK(parse_error_of(".") == error_code::parse_error);
  CHECK(parse_error_of("-.") == error_code::parse_error);
  CHECK(parse_error_of("") == error_code::parse_error);
}

TEST_CASE("parse: malformed input") {
  for (const char* s : {" 1", "1 ", "1,5", "1.2.3", "abc", "1a", "0x10", "1..2", "e5",
                        ".e5", "1e", "1e+", "1e-", "1ee5", "1e5.5", "inf", "nan", "١"}) {
    CAPTURE(s);
    CHECK(parse_error_of(s) == error_code::parse_error);
  }
  // Never reads past the end of the view.
  const char buf[] = "12345";
  price p;
  CHECK(price::parse(std::string_view{buf, 2}, p) == error_code::none);
  CHECK(p == px("12"));
  CHECK(price::parse(std::string_view{buf, 0}, p) == error_code::parse_error);
}

TEST_CASE("parse: exponents") {
  CHECK(raw("1e-5") == 10'000);
  CHECK(raw("1E3") == 1'000'000'000'000);
  CHECK(raw("1e+3") == 1'000'000'000'000);
  CHECK(raw("1.5e-5") == 15'000);
  CHECK(raw("-2.5E2") == -250'000'000'000);
  CHECK(raw("12345e-9") == 12'345);
  CHECK(raw("0.000012345e4") == 123'450'000);
  CHECK(raw("1e0") == 1'000'000'000);
  CHECK(raw("1e-9") == 1);
  CHECK(raw("0e99999") == 0);
  CHECK(raw("9.223372036854775807e9") == max_raw);
  CHECK(parse_error_of("1e-10") == error_code::precision_loss);
  CHECK(raw("1e-10", rounding::up) == 1);
  CHECK(raw("1e-99999", rounding::nearest) == 0);
  CHECK(raw("1e-99999", rounding::up) == 1);
  CHECK(raw("-1e-99999", rounding::down) == -1);
  CHECK(parse_error_of("1e10") == error_code::overflow);
  CHECK(parse_error_of("1e99999") == error_code::overflow);
  CHECK(parse_error_of("1e999999999999999999999") == error_code::overflow);
}

TEST_CASE("parse: range limits and overflow") {
  CHECK(raw("9223372036.854775807") == max_raw);
  CHECK(raw("-9223372036.854775807") == -max_raw);
  CHECK(raw("9223372036") == 9'223'372'036'000'000'000);
  CHECK(parse_error_of("9223372036.854775808") == error_code::overflow);
  CHECK(parse_error_of("-9223372036.854775808") == error_code::overflow); // INT64_MIN excluded
  CHECK(parse_error_of("9223372037") == error_code::overflow);
  CHECK(parse_error_of("10000000000") == error_code::overflow);
  CHECK(parse_error_of("99999999999999999999") == error_code::overflow);     // 20 digits
  CHECK(parse_error_of("123456789012345678901234567890") == error_code::overflow);
  CHECK(raw("9223372036.8547758074", rounding::nearest) == max_raw);
  CHECK(price::max().raw() == max_raw);
  CHECK(price::min().raw() == -max_raw);
}

TEST_CASE("parse: precision loss and rounding modes") {
  // 10 decimals: exact refuses, the modes round.
  CHECK(parse_error_of("0.0000000001") == error_code::precision_loss);
  CHECK(parse_error_of("1.2345678905") == error_code::precision_loss);
  CHECK(raw("1.0000000000") == 1'000'000'000); // zero extra digits are exact
  struct row {
    const char* text;
    int64_t down, up, toward_zero, nearest;
  };
  for (auto r : {row{"1.2345678904", 1234567890, 1234567891, 1234567890, 1234567890},
                 row{"1.2345678905", 1234567890, 1234567891, 1234567890, 1234567891},
                 row{"1.2345678906", 1234567890, 1234567891, 1234567890, 1234567891},
                 row{"-1.2345678904", -1234567891, -1234567890, -1234567890, -1234567890},
                 row{"-1.2345678905", -1234567891, -1234567890, -1234567890, -1234567891},
                 row{"-1.2345678906", -1234567891, -1234567890, -1234567890, -1234567891},
                 row{"0.00000000049", 0, 1, 0, 0},
                 row{"0.0000000005", 0, 1, 0, 1},
                 row{"-0.0000000005", -1, 0, 0, -1},
                 // Ties decided by digits far beyond the 9th.
                 row{"0.00000000050000000000001", 0, 1, 0, 1},
                 row{"2.50000000000000000000000", 2500000000, 2500000000, 2500000000,
                     2500000000}}) {
    CAPTURE(r.text);
    CHECK(raw(r.text, rounding::down) == r.down);
    CHECK(raw(r.text, rounding::up) == r.up);
    CHECK(raw(r.text, rounding::toward_zero) == r.toward_zero);
    CHECK(raw(r.text, rounding::nearest) == r.nearest);
  }
}

TEST_CASE("parse: 19+ significant digits") {
  // 19 significant digits fit the mantissa exactly.
  CHECK(raw("1234567890.123456789") == 1'234'567'890'123'456'789);
  CHECK(raw("0.1234567890123456789", rounding::nearest) == 123'456'789);
  CHECK(raw("0.1234567895000000000", rounding::nearest) == 123'456'790);
  // More than 19 significant digits with only zeros beyond: exact.
  CHECK(raw("1234567890.1234567890000") == 1'234'567'890'123'456'789);
  CHECK(raw("12.34567890000000000000000000") == 12'345'678'900);
  // More than 19 significant digits with non-zero digits beyond the 9th decimal.
  CHECK(parse_error_of("1234567890.1234567891") == error_code::precision_loss);
  CHECK(parse_error_of("0.12345678912345678912345") == error_code::precision_loss);
  CHECK(raw("0.12345678912345678912345", rounding::nearest) == 123'456'789);
  CHECK(raw("0.12345678912345678912345", rounding::up) == 123'456'790);
}

TEST_CASE("parse: 20+ significant digits round in every mode (decimal.cpp shift>=0 path)") {
  // Integer part of 10 digits + 10 decimals: the 20th digit is dropped while
  // the value needs no downscaling. Rounding modes must still apply.
  CHECK(raw("1234567890.1234567899", rounding::nearest) == 1'234'567'890'123'456'790);
  CHECK(raw("1234567890.1234567891", rounding::up) == 1'234'567'890'123'456'790);
  CHECK(raw("-1234567890.1234567891", rounding::down) == -1'234'567'890'123'456'790);
  CHECK(raw("1234567890.1234567891", rounding::down) == 1'234'567'890'123'456'789);
  // Rounding up past the maximum overflows.
  CHECK(parse_error_of("9223372036.8547758075", rounding::nearest) == error_code::overflow);
}

TEST_CASE("parse: random [-]I.F strings against a big-integer reference") {
  // Exercises every length class (fast short fields, 19+ digits, long zero
  // tails) with exact parsing; the reference works digit by digit in 128 bits.
  __extension__ using i128 = __int128;
  std::mt19937_64 rng{99};
  auto digits = [&](std::size_t n, bool zero_heavy) {
    std::string d;
    for (std::size_t i = 0; i < n; ++i)
      d += static_cast<char>('0' + ((zero_heavy && rng() % 3 != 0) ? 0 : rng() % 10));
    return d;
  };
  for (int i = 0; i < 50000; ++i) {
    const bool negative = rng() % 4 == 0;
    const std::string ip = digits(rng() % 13, rng() % 5 == 0);
    const bool point = rng() % 5 != 0;
    const std::string fp = point ? digits(rng() % 14, rng() % 3 == 0) : "";
    if (ip.empty() && fp.empty())
      continue;
    const std::string text = (negative ? "-" : "") + ip + (point ? "." : "") + fp;
    // Reference.
    i128 value = 0;
    bool big = false;
    for (char c : ip) {
      value = value * 10 + (c - '0');
      big |= value > static_cast<i128>(INT64_MAX);
    }
    bool lossy = false;
    for (std::size_t k = 0; k < 9; ++k) {
      value = value * 10 + (k < fp.size() ? fp[k] - '0' : 0);
      big |= value > static_cast<i128>(INT64_MAX);
    }
    for (std::size_t k = 9; k < fp.size(); ++k)
      lossy |= fp[k] != '0';
    CAPTURE(text);
    price p = price::from_raw(777);
    const auto ec = price::parse(text, p);
    if (big) {
      CHECK(ec == error_code::overflow);
    } else if (lossy) {
      CHECK(ec == error_code::precision_loss);
    } else {
      REQUIRE(ec == error_code::none);
      CHECK(p.raw() == static_cast<int64_t>(negative ? -value : value));
    }
  }
}

TEST_CASE("format: shortest exact text") {
  CHECK(px("0").to_string() == "0");
  CHECK(px("1").to_string() == "1");
  CHECK(px("65432.10").to_string() == "65432.1");
  CHECK(px("0.00012345").to_string() == "0.00012345");
  CHECK(px("-0.000001").to_string() == "-0.000001");
  CHECK(px("-12.5").to_string() == "-12.5");
  CHECK(px("100").to_string() == "100");
  CHECK(price::from_raw(1).to_string() == "0.000000001");
  CHECK(price::max().to_string() == "9223372036.854775807");
  CHECK(price::min().to_string() == "-9223372036.854775807");
  CHECK(price::from_raw(INT64_MIN).to_string() == "-9223372036.854775808");
  CHECK(to_string(qt("3.25")) == "3.25");
}

TEST_CASE("format: shortest text equals a digit-by-digit reference for every trailing-zero count") {
  // The formatter strips trailing zeros in steps of 4, 2, 2, 1 and writes two
  // digits at a time; the reference does both one digit at a time.
  auto reference = [](int64_t v) {
    std::string out = v < 0 ? "-" : "";
    const uint64_t mag = v < 0 ? 0ull - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    out += std::to_string(mag / 1'000'000'000ull);
    uint64_t fp = mag % 1'000'000'000ull;
    if (fp != 0) {
      std::string f = std::to_string(fp);
      f.insert(0, 9 - f.size(), '0');
      while (f.back() == '0')
        f.pop_back();
      out += "." + f;
    }
    return out;
  };
  std::mt19937_64 rng{77};
  uint64_t scale = 1;
  for (int zeros = 0; zeros <= 18; ++zeros, scale *= 10) {
    for (int i = 0; i < 2000; ++i) {
      const uint64_t limit = static_cast<uint64_t>(INT64_MAX) / scale;
      auto v = static_cast<int64_t>((rng() % limit) * scale);
      if (i % 2 == 1)
        v = -v;
      CAPTURE(v);
      CHECK(price::from_raw(v).to_string() == reference(v));
    }
  }
}

TEST_CASE("format: fixed decimals") {
  CHECK(px("65000.1").to_string(2) == "65000.10");
  CHECK(px("65000").to_string(0) == "65000");
  CHECK(px("1.5").to_string(9) == "1.500000000");
  CHECK(px("-0.5").to_string(3) == "-0.500");
  CHECK(px("0").to_string(4) == "0.0000");
  CHECK(px("7").to_string(-3) == "7");             // clamped to 0
  CHECK(px("7").to_string(12) == "7.000000000");   // clamped to 9
  CHECK(price::max().to_string(9) == "9223372036.854775807");
  // Caller rounds first: digits beyond `decimals` are cut, not rounded.
  CHECK(px("1.239").to_string(2) == "1.23");
}

TEST_CASE("parse/format round trip on random values") {
  std::mt19937_64 rng{2024};
  for (int i = 0; i < 20000; ++i) {
    auto v = static_cast<int64_t>(rng());
    if (v == INT64_MIN)
      continue;
    if (i % 3 == 0)
      v %= 1'000'000'000'000; // many small values too
    const auto p = price::from_raw(v);
    const auto text = p.to_string();
    CAPTURE(text);
    price back;
    REQUIRE(price::parse(text, back) == error_code::none);
    CHECK(back == p);
    price fixed_back;
    REQUIRE(price::parse(p.to_string(9), fixed_back) == error_code::none);
    CHECK(fixed_back == p);
  }
}

TEST_CASE("from_string gives a descriptive error") {
  auto r = price::from_string("12x");
  REQUIRE_FALSE(r);
  CHECK(r.code() == error_code::parse_error);
  CHECK(r.error().message.find("12x") != std::string::npos);
  CHECK(quantity::from_string("0.1", rounding::nearest).value() == qt("0.1"));
  CHECK(quantity::from_string("0.0000000001").code() == error_code::precision_loss);
}

TEST_CASE("round_to: every mode, positive and negative") {
  const price tick = px("0.5");
  struct row {
    const char* value;
    const char *down, *up, *toward_zero, *nearest;
  };
  for (auto r : {row{"10.2", "10", "10.5", "10", "10"},
                 row{"10.25", "10", "10.5", "10", "10.5"}, // tie: away from zero
                 row{"10.3", "10", "10.5", "10", "10.5"},
                 row{"-10.2", "-10.5", "-10", "-10", "-10"},
                 row{"-10.25", "-10.5", "-10", "-10", "-10.5"},
                 row{"-10.3", "-10.5", "-10", "-10", "-10.5"},
                 row{"0.1", "0", "0.5", "0", "0"},
                 row{"-0.1", "-0.5", "0", "0", "0"}}) {
    CAPTURE(r.value);
    const price v = px(r.value);
    CHECK(v.round_to(tick, rounding::down).value() == px(r.down));
    CHECK(v.round_to(tick, rounding::up).value() == px(r.up));
    CHECK(v.round_to(tick, rounding::toward_zero).value() == px(r.toward_zero));
    CHECK(v.round_to(tick, rounding::nearest).value() == px(r.nearest));
    CHECK(v.round_to(tick, rounding::exact).code() == error_code::precision_loss);
  }
  // On-grid values are returned unchanged in every mode.
  for (auto mode : {rounding::exact, rounding::down, rounding::up, rounding::toward_zero,
                    rounding::nearest}) {
    CHECK(px("10.5").round_to(tick, mode).value() == px("10.5"));
    CHECK(px("-10.5").round_to(tick, mode).value() == px("-10.5"));
    CHECK(px("0").round_to(tick, mode).value() == px("0"));
  }
  CHECK(qt("0.0123").round_to(qt("0.001"), rounding::down).value() == qt("0.012"));
  CHECK(px("1").round_to(price::zero(), rounding::down).code() == error_code::invalid_order);
  CHECK(px("1").round_to(px("-1"), rounding::down).code() == error_code::invalid_order);
  // Rounding up past the range overflows.
  CHECK(price::max().round_to(px("1000"), rounding::up).code() == error_code::overflow);
  CHECK(price::min().round_to(px("1000"), rounding::down).code() == error_code::overflow);
  CHECK(price::max().round_to(px("1000"), rounding::down).value() == px("9223372000"));
  CHECK(px("10").is_multiple_of(px("2.5")));
  CHECK_FALSE(px("10").is_multiple_of(px("3")));
  CHECK_FALSE(px("10").is_multiple_of(price::zero()));
}

TEST_CASE("checked add/sub and observers") {
  price out = px("1");
  CHECK(price::checked_add(px("1.5"), px("2.25"), out));
  CHECK(out == px("3.75"));
  CHECK(price::checked_sub(px("1.5"), px("2.25"), out));
  CHECK(out == px("-0.75"));
  out = px("7");
  CHECK_FALSE(price::checked_add(price::max(), price::from_raw(1), out));
  CHECK(out == px("7"));
  CHECK_FALSE(price::checked_sub(price::min(), price::from_raw(2), out));
  CHECK(out == px("7"));
  CHECK(px("-3").abs() == px("3"));
  CHECK(px("-3").is_negative());
  CHECK(px("3").is_positive());
  CHECK(price::zero().is_zero());
  CHECK(price::from_units(-42) == px("-42"));
  CHECK(px("1.25").to_double() == 1.25);
  CHECK(px("2") * 3 == px("6"));
  CHECK(px("2") > px("1.999999999"));
}

TEST_CASE("notional: exact, rounded, overflow") {
  CHECK(notional(px("65432.1"), qt("0.5")).value() == mn("32716.05"));
  CHECK(notional(px("0.000000001"), qt("0.5")).value() == money::from_raw(1)); // 0.5 nano -> 1
  CHECK(notional(px("0.000000001"), qt("0.5"), rounding::down).value() == money::zero());
  CHECK(notional(px("0.000000001"), qt("0.5"), rounding::exact).code()
        == error_code::precision_loss);
  CHECK(notional(px("-0.000000001"), qt("0.5")).value() == money::from_raw(-1));
  CHECK(notional(px("100000"), qt("100000")).code() == error_code::overflow);
  CHECK(notional(px("96000"), qt("96000")).value() == mn("9216000000"));
  CHECK(notional(price::max(), qt("1")).value() == money::max());
  CHECK(notional(price::max(), qt("1.000000001")).code() == error_code::overflow);
}

TEST_CASE("mul_div: 64-bit fast path and 128-bit path agree with a floor/ceil reference") {
  // value * mul / div in every rounding mode, against a reference that
  // derives each mode from the exact floor and remainder in 128 bits. The
  // draws mix products that fit 64 bits (the fast path) and ones that do not.
  __extension__ using i128 = __int128;
  auto reference = [](int64_t v, int64_t m, int64_t d, rounding mode, int64_t& out) {
    i128 num = static_cast<i128>(v) * m, den = d;
    if (den < 0) {
      num = -num;
      den = -den;
    }
    i128 q = num / den, r = num % den; // truncated
    if (r != 0) {
      const bool negative = num < 0;
      const i128 twice = (r < 0 ? -r : r) * 2;
      switch (mode) {
        case rounding::exact: return error_code::precision_loss;
        case rounding::toward_zero: break;
        case rounding::down: q -= negative; break;
        case rounding::up: q += !negative; break;
        case rounding::nearest:
          if (twice >= den)
            q += negative ? -1 : 1;
          break;
      }
    }
    if (q > INT64_MAX || q < -static_cast<i128>(INT64_MAX))
      return error_code::overflow;
    out = static_cast<int64_t>(q);
    return error_code::none;
  };
  std::mt19937_64 rng{9};
  auto draw = [&]() -> int64_t {
    const int bits = static_cast<int>(rng() % 63) + 1;
    auto v = static_cast<int64_t>(rng() >> (64 - bits));
    return rng() % 2 ? -v : v;
  };
  for (int i = 0; i < 200000; ++i) {
    const int64_t v = draw(), m = draw(), d = draw();
    if (d == 0)
      continue;
    for (auto mode : {rounding::exact, rounding::down, rounding::up, rounding::toward_zero,
                      rounding::nearest}) {
      int64_t got = 0, want = 0;
      const auto ec = detail::mul_div(v, m, d, mode, got);
      const auto wec = reference(v, m, d, mode, want);
      CAPTURE(v);
      CAPTURE(m);
      CAPTURE(d);
      CAPTURE(static_cast<int>(mode));
      REQUIRE(ec == wec);
      if (ec == error_code::none)
        REQUIRE(got == want);
    }
  }
}

TEST_CASE("apply and divide: fees and ratios") {
  CHECK(apply(rt("0.0005"), mn("10000")).value() == mn("5"));
  CHECK(apply(rt("-0.0002"), mn("10000")).value() == mn("-2"));
  CHECK(apply(rt("0.0005"), mn("0.000000001")).value() == money::zero());
  CHECK(apply(rt("0.5"), mn("0.000000001")).value() == money::from_raw(1)); // tie away
  CHECK(apply(rt("0.5"), mn("0.000000001"), rounding::exact).code()
        == error_code::precision_loss);
  CHECK(apply(rt("1000"), mn("9300000")).code() == error_code::overflow);
  CHECK(divide(mn("1"), mn("3")).value() == rt("0.333333333"));
  CHECK(divide(mn("2"), mn("3")).value() == rt("0.666666667"));
  CHECK(divide(mn("2"), mn("3"), rounding::down).value() == rt("0.666666666"));
  CHECK(divide(mn("-2"), mn("3")).value() == rt("-0.666666667"));
  CHECK(divide(mn("2"), mn("-3"), rounding::up).value() == rt("-0.666666666"));
  CHECK(divide(mn("1"), mn("4"), rounding::exact).value() == rt("0.25"));
  CHECK(divide(mn("1"), mn("3"), rounding::exact).code() == error_code::precision_loss);
  CHECK(divide(mn("1"), money::zero()).code() == error_code::invalid_order);
  CHECK(divide(mn("9000000000"), mn("0.1")).code() == error_code::overflow);
}

TEST_CASE("multiply and divide_by: contract multipliers") {
  CHECK(multiply(qt("5"), rt("0.01"), rounding::exact).value() == qt("0.05"));
  CHECK(multiply(qt("3"), rt("1000"), rounding::exact).value() == qt("3000"));
  CHECK(multiply(qt("0.000000001"), rt("0.5"), rounding::exact).code()
        == error_code::precision_loss);
  CHECK(multiply(qt("0.000000001"), rt("0.5"), rounding::nearest).value()
        == quantity::from_raw(1));
  CHECK(multiply(qt("0.000000001"), rt("0.5"), rounding::down).value() == quantity::zero());
  CHECK(multiply(qt("10000000"), rt("1000"), rounding::exact).code() == error_code::overflow);
  CHECK(divide_by(px("0.0112345"), rt("0.001"), rounding::exact).value() == px("11.2345"));
  CHECK(divide_by(px("1"), rt("3"), rounding::exact).code() == error_code::precision_loss);
  CHECK(divide_by(px("1"), rt("3"), rounding::nearest).value() == px("0.333333333"));
  CHECK(divide_by(px("1"), rt("3"), rounding::up).value() == px("0.333333334"));
  CHECK(divide_by(px("-1"), rt("3"), rounding::down).value() == px("-0.333333334"));
  CHECK(divide_by(px("1"), ratio::zero(), rounding::nearest).code()
        == error_code::invalid_order);
  CHECK(divide_by(px("9000000000"), rt("0.5"), rounding::nearest).code()
        == error_code::overflow);
}
