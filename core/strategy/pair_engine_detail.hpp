#pragma once
// Private to pair_engine*.cpp: constants and small helpers shared by the
// engine's translation units.

#include <cstddef>
#include <cstdint>

#include "messages/decimal.hpp"
#include "messages/market.hpp"

namespace xarb::strategy::engine_detail {

constexpr uint8_t cancel_requote = 1;
constexpr uint8_t cancel_abort = 2;
constexpr uint8_t cancel_timeout = 3;
constexpr uint8_t cancel_flatten = 4;

/// Terminal orders are kept this long for late fills and status.
constexpr timestamp_ns keep_closed_ns = 60'000'000'000;
/// After a reject, a leg waits this long before its next order.
constexpr timestamp_ns reject_backoff_ns = 50'000'000;
/// Consecutive hedge episodes ending in an unwind before the pair halts.
constexpr std::size_t max_failed_episodes = 3;

inline int sign(quantity q) noexcept {
  return q.is_positive() ? 1 : (q.is_negative() ? -1 : 0);
}

inline quantity round_down(quantity q, quantity lot) {
  if (!lot.is_positive())
    return q;
  auto r = q.abs().round_to(lot, rounding::down);
  return r ? *r : quantity::zero();
}

inline const char* dir_name(int d) {
  return d == 0 ? "ab (sell A, buy B)" : "ba (sell B, buy A)";
}

} // namespace xarb::strategy::engine_detail
