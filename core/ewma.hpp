#pragma once
// Exponentially weighted moving averages (doubles: statistics only).
//
// ewma: fixed smoothing factor per sample, for regularly spaced samples.
//   Initialisation: the first sample sets mean = x and variance = 0; after
//   that  mean += alpha * (x - mean)  and the EW variance follows the
//   incremental form (West 1979 / Finch 2009):
//     diff = x - mean;  mean += alpha * diff;
//     var  = (1 - alpha) * (var + alpha * diff^2)
//
// ewma_halflife: weights decay with elapsed *time*, for irregular samples
//   (book updates, funding prints). The caller passes dt, the time since the
//   previous sample. The result is exactly the weighted mean/variance of all
//   samples with weights w_i = 2^(-age_i / half_life):
//     decay = 2^(-dt / half_life);  W' = decay * W + 1
//     mean' = mean + (x - mean) / W'
//     S'    = decay * S + (x - mean) * (x - mean');   var = S' / W'
//   Initialisation follows from the definition: the first sample has W = 1,
//   so mean = x; early samples are averaged with near-equal weights instead of
//   letting the first one dominate (no start-up bias), and for regular steps
//   it converges to ewma with alpha = 1 - decay once W saturates at
//   1 / (1 - decay). dt = 0 weighs both samples equally; dt < 0 is treated as
//   0; a dt of many half-lives forgets the past (decay underflows to 0).
//
// Both reject non-finite input (add() returns false, nothing changes), and a
// constant input gives variance exactly 0.

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace xarb {

class ewma {
public:
  /// alpha in (0, 1]: weight of the newest sample. Values above 1 become 1;
  /// alpha <= 0 or NaN also become 1 (no smoothing) rather than freezing.
  explicit ewma(double alpha) noexcept
    : alpha_(alpha > 0 && alpha < 1 ? alpha : 1.0) {}

  /// Alpha whose weights halve every `samples` samples: 1 - 2^(-1/samples).
  static double alpha_for_halflife(double samples) noexcept {
    return samples > 0 ? 1.0 - std::exp2(-1.0 / samples) : 1.0;
  }

  /// Alpha of the pandas/TA "span" convention: 2 / (span + 1).
  static double alpha_for_span(double span) noexcept {
    return span >= 1 ? 2.0 / (span + 1.0) : 1.0;
  }

  bool add(double x) noexcept {
    if (!std::isfinite(x))
      return false;
    if (count_++ == 0) {
      mean_ = x;
      var_ = 0;
      return true;
    }
    const double diff = x - mean_;
    mean_ += alpha_ * diff;
    var_ = (1.0 - alpha_) * (var_ + alpha_ * diff * diff);
    return true;
  }

  void clear() noexcept { count_ = 0, mean_ = var_ = 0; }

  double alpha() const noexcept { return alpha_; }
  uint64_t count() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  double mean() const noexcept { return mean_; }
  double variance() const noexcept { return var_; }
  double stddev() const noexcept { return std::sqrt(var_); }

private:
  double alpha_;
  uint64_t count_ = 0;
  double mean_ = 0;
  double var_ = 0;
};

class ewma_halflife {
public:
  /// Half-life in nanoseconds (same unit as the dt passed to add); values
  /// < 1 are treated as 1.
  explicit ewma_halflife(int64_t half_life_ns) noexcept
    : half_life_(static_cast<double>(std::max<int64_t>(half_life_ns, 1))) {}

  /// Adds `x` observed `dt_ns` after the previous sample (ignored for the
  /// first sample).
  bool add(double x, int64_t dt_ns) noexcept {
    if (!std::isfinite(x))
      return false;
    if (count_++ == 0) {
      weight_ = 1;
      mean_ = x;
      s_ = 0;
      return true;
    }
    const double decay =
      dt_ns <= 0 ? 1.0 : std::exp2(-static_cast<double>(dt_ns) / half_life_);
    weight_ = decay * weight_ + 1.0;
    const double diff = x - mean_;
    mean_ += diff / weight_;
    s_ = decay * s_ + diff * (x - mean_);
    if (s_ < 0)
      s_ = 0;
    return true;
  }

  void clear() noexcept { count_ = 0, weight_ = mean_ = s_ = 0; }

  uint64_t count() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  double mean() const noexcept { return mean_; }
  /// Exponentially weighted population variance.
  double variance() const noexcept { return count_ == 0 ? 0.0 : s_ / weight_; }
  double stddev() const noexcept { return std::sqrt(variance()); }
  /// Total weight W of the history (1 after the first sample).
  double weight() const noexcept { return weight_; }
  double half_life_ns() const noexcept { return half_life_; }

private:
  double half_life_;
  uint64_t count_ = 0;
  double weight_ = 0;
  double mean_ = 0;
  double s_ = 0;
};

} // namespace xarb
