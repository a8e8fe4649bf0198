#pragma once
// Jittered exponential back-off for reconnects. Pure: no clock reads (times
// are passed in) and the random source is injectable, so tests pin it.
//
// The n-th delay after a run of failures (n = 0, 1, ...) is drawn below the
// ceiling min(cap, base * factor^n):
//   full jitter:  uniform in [0, ceiling]          (spreads a herd best)
//   equal jitter: ceiling/2 + uniform in [0, ceiling/2] (never shorter than half)
//   none:         the ceiling itself
// A connection that stayed up for at least `stable_ns` resets the run, so a
// venue that drops us once an hour reconnects fast every time, while one that
// accepts and drops at once keeps backing off.

#include <cstdint>
#include <functional>
#include <random>

namespace xarb::net {

enum class jitter_kind : uint8_t { full, equal, none };

struct backoff_params {
  int64_t base_ns = 250'000'000;     ///< ceiling of the first delay
  double factor = 2.0;               ///< growth per failure (>= 1)
  int64_t cap_ns = 30'000'000'000;   ///< no delay exceeds this
  jitter_kind jitter = jitter_kind::equal;
  int64_t stable_ns = 60'000'000'000; ///< up this long = the run of failures is over
};

class backoff {
public:
  /// Uniform in [0, 1]. Empty = a std::mt19937_64 seeded from random_device.
  using random_fn = std::function<double()>;

  explicit backoff(backoff_params p = {}, random_fn rnd = {});

  /// The bound of the next delay: min(cap, base * factor^attempts()).
  int64_t ceiling_ns() const noexcept;

  /// Draws the next delay (0 <= d <= ceiling_ns()) and counts the attempt.
  int64_t next_delay_ns();

  /// Failures in the current run (delays drawn since the last reset).
  uint32_t attempts() const noexcept { return attempts_; }

  /// A connection came up at `now_ns`.
  void connected(int64_t now_ns) noexcept;

  /// The connection went down at `now_ns`: resets the run when it had been
  /// up for at least stable_ns. Returns whether it reset.
  bool disconnected(int64_t now_ns) noexcept;

  void reset() noexcept { attempts_ = 0; }

  const backoff_params& params() const noexcept { return p_; }

private:
  double uniform();

  backoff_params p_;
  random_fn rnd_;
  std::mt19937_64 gen_;
  uint32_t attempts_ = 0;
  int64_t up_since_ = -1; ///< -1 = not connected
};

} // namespace xarb::net
