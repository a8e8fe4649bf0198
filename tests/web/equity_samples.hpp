#pragma once
// Shared by the equity curve tests (ring, route, stream): a fixed clock and
// exact money from text.
#include <doctest/doctest.h>

#include "messages/decimal.hpp"
#include "messages/market.hpp"

namespace xarb::test {

inline constexpr timestamp_ns sec = 1'000'000'000;
inline constexpr timestamp_ns t0 = 1'700'000'000 * sec;

inline money m(const char* s) {
  money v;
  REQUIRE(money::parse(s, v, rounding::exact) == error_code::none);
  return v;
}

} // namespace xarb::test
