#pragma once
// Token-bucket rate limiter for venue request budgets ("1200 weight per
// minute", "10 orders per second").
//
// Exact integer accounting, no drift: the rate is `tokens` per `period_ns`, and
// the bucket level is kept in units of 1/period_ns of a token, so one
// nanosecond of elapsed time adds exactly `tokens` units and one token costs
// exactly `period_ns` units. Nothing is ever rounded, so 3 tokens per second
// refills exactly 3 tokens after exactly 1 s, however the time is sliced.
// (Intermediate products use 128 bits.)
//
// Time is passed in (monotonic nanoseconds, e.g. steady_clock); a `now` older
// than the last one seen counts as no elapsed time, never as negative time.

#include <algorithm>
#include <cstdint>

#include "messages/market.hpp"

namespace xarb {

class token_bucket {
public:
  /// Holds at most `capacity` tokens, refills `tokens` every `period_ns`
  /// (continuously). Parameters < 1 are treated as 1. Starts full unless
  /// `start_full` is false (then empty).
  token_bucket(int64_t capacity, int64_t tokens, int64_t period_ns,
               timestamp_ns now, bool start_full = true) noexcept
    : capacity_(std::max<int64_t>(capacity, 1)),
      rate_(std::max<int64_t>(tokens, 1)),
      period_(std::max<int64_t>(period_ns, 1)),
      last_(now),
      level_(start_full ? full_units() : 0) {}

  /// Convenience: `per_second` tokens per second.
  static token_bucket per_second(int64_t capacity, int64_t per_second,
                                 timestamp_ns now, bool start_full = true) noexcept {
    return token_bucket{capacity, per_second, 1'000'000'000, now, start_full};
  }

  /// Takes `n` tokens if available now. n <= 0 always succeeds (takes nothing);
  /// n > capacity() always fails.
  bool try_take(int64_t n, timestamp_ns now) noexcept {
    refill(now);
    if (n <= 0)
      return true;
    if (n > capacity_)
      return false;
    const i128 cost = static_cast<i128>(n) * period_;
    if (level_ < cost)
      return false;
    level_ -= cost;
    return true;
  }

  /// Nanoseconds from `now` until `n` tokens are available (0 if they are
  /// now); -1 if never (n > capacity()). Waiting exactly that long and calling
  /// try_take(n) succeeds if nobody else took tokens meanwhile.
  int64_t time_until(int64_t n, timestamp_ns now) const noexcept {
    if (n <= 0)
      return 0;
    if (n > capacity_)
      return -1;
    const i128 deficit = static_cast<i128>(n) * period_ - level_at(now);
    if (deficit <= 0)
      return 0;
    return static_cast<int64_t>((deficit + rate_ - 1) / rate_);
  }

  /// Whole tokens available at `now`.
  int64_t available(timestamp_ns now) const noexcept {
    return static_cast<int64_t>(level_at(now) / period_);
  }

  /// Empties the bucket (e.g. the venue answered "rate limited").
  void drain(timestamp_ns now) noexcept {
    refill(now);
    level_ = 0;
  }

  int64_t capacity() const noexcept { return capacity_; }
  int64_t tokens_per_period() const noexcept { return rate_; }
  int64_t period_ns() const noexcept { return period_; }

private:
  __extension__ using i128 = __int128;

  i128 full_units() const noexcept { return static_cast<i128>(capacity_) * period_; }

  i128 level_at(timestamp_ns now) const noexcept {
    if (now <= last_)
      return level_;
    const i128 full = full_units();
    // Elapsed time beyond what fills the bucket does not matter; capping it
    // first keeps the product far inside 128 bits.
    const i128 elapsed = static_cast<i128>(now) - last_;
    const i128 missing = full - level_;
    if (elapsed >= (missing + rate_ - 1) / rate_)
      return full;
    return level_ + elapsed * rate_;
  }

  void refill(timestamp_ns now) noexcept {
    level_ = level_at(now);
    last_ = std::max(last_, now);
  }

  int64_t capacity_;
  int64_t rate_;   ///< units added per nanosecond (= tokens per period)
  int64_t period_; ///< units per token
  timestamp_ns last_;
  i128 level_;     ///< current level in units (token = period_ units)
};

} // namespace xarb
