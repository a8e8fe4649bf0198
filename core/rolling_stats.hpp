#pragma once
// Rolling statistics for spreads and z-scores (doubles: statistics only).
//
// rolling_stats: mean / variance / std over the last N samples, O(1) per
// sample (amortised, see below).
// welford: the same over every sample ever added (unbounded), mergeable.
//
// Numerics. Spreads can sit on a large offset (a price of 1e9 with noise of
// 1e-3), so sums of x and x^2 are useless: var = E[x^2] - E[x]^2 cancels
// catastrophically, and compensating the sums (Kahan) does not help because
// x^2 itself is already rounded far above the noise. Instead:
//  - values are stored and processed relative to a `shift` (a recent sample),
//    so the arithmetic sees small numbers (x - shift is exact for nearby
//    values, Sterbenz lemma);
//  - mean and M2 (sum of squared deviations) follow Welford's updates; for a
//    full window, adding x_new and evicting x_old is one combined update
//      mean' = mean + (x_new - x_old) / N
//      M2'   = M2 + (x_new - x_old) * ((x_new - mean') + (x_old - mean));
//  - unlike unbounded Welford, sliding updates accumulate rounding error that
//    never decays, so every N evictions the window is recomputed exactly
//    (two-pass with the compensation term) and the shift moves to the current
//    mean. That is O(N) every N samples: O(1) amortised, bounded drift;
//  - M2 is clamped at 0 and a window made only of identical samples reports
//    exactly that value with variance exactly 0 (tracked by a run counter).
// Non-finite input (NaN, +-inf) is rejected: add() returns false, nothing
// changes.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace xarb {

class rolling_stats {
public:
  /// Window of `window` samples; 0 is treated as 1.
  explicit rolling_stats(std::size_t window)
    : buf_(std::max<std::size_t>(window, 1), 0.0) {}

  /// Adds a sample, evicting the oldest once full. False (ignored) for NaN/inf.
  bool add(double x) noexcept {
    if (!std::isfinite(x))
      return false;
    const std::size_t w = buf_.size();
    if (count_ == 0)
      shift_ = x;
    run_ = (count_ > 0 && x == buf_[prev(head_)]) ? std::min(run_ + 1, w) : 1;
    const double y = x - shift_;
    if (count_ < w) {
      buf_[head_] = x;
      ++count_;
      const double delta = y - mean_;
      mean_ += delta / static_cast<double>(count_);
      m2_ += delta * (y - mean_);
    } else {
      const double old = buf_[head_] - shift_;
      buf_[head_] = x;
      const double new_mean = mean_ + (y - old) / static_cast<double>(w);
      m2_ += (y - old) * ((y - new_mean) + (old - mean_));
      mean_ = new_mean;
      if (++evictions_ >= w)
        recompute();
    }
    head_ = head_ + 1 == w ? 0 : head_ + 1;
    if (m2_ < 0)
      m2_ = 0;
    if (run_ >= count_) {
      // Every sample in the window equals x: exact answers.
      shift_ = x;
      mean_ = 0;
      m2_ = 0;
    }
    return true;
  }

  void clear() noexcept {
    std::fill(buf_.begin(), buf_.end(), 0.0);
    head_ = count_ = run_ = evictions_ = 0;
    shift_ = mean_ = m2_ = 0;
  }

  std::size_t window() const noexcept { return buf_.size(); }
  std::size_t count() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  bool full() const noexcept { return count_ == buf_.size(); }

  /// Most recent sample (0 when empty).
  double last() const noexcept { return count_ == 0 ? 0.0 : buf_[prev(head_)]; }

  /// Mean of the window (0 when empty).
  double mean() const noexcept { return shift_ + mean_; }

  /// Population variance (divides by count); >= 0, 0 when empty.
  double variance() const noexcept {
    return count_ == 0 ? 0.0 : m2_ / static_cast<double>(count_);
  }

  /// Sample variance (divides by count - 1); 0 when count < 2.
  double sample_variance() const noexcept {
    return count_ < 2 ? 0.0 : m2_ / static_cast<double>(count_ - 1);
  }

  /// Population standard deviation.
  double stddev() const noexcept { return std::sqrt(variance()); }
  double sample_stddev() const noexcept { return std::sqrt(sample_variance()); }

  /// (x - mean) / stddev; 0 when empty or when stddev <= min_std (a flat
  /// window says nothing about how unusual x is).
  double z_score(double x, double min_std = 0.0) const noexcept {
    const double sd = stddev();
    if (count_ == 0 || !(sd > min_std))
      return 0.0;
    return (x - mean()) / sd;
  }

  /// Exact recomputation of mean and M2 from the buffer (normally called
  /// automatically every `window` evictions).
  void recompute() noexcept {
    evictions_ = 0;
    if (count_ == 0)
      return;
    const double new_shift = mean();
    const auto n = static_cast<double>(count_);
    // Four independent accumulators (unrolled): a single serial add chain
    // would dominate the amortised cost per sample.
    const double* x = buf_.data();
    const std::size_t n4 = count_ & ~std::size_t{3};
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (std::size_t i = 0; i < n4; i += 4) {
      s0 += x[i] - new_shift;
      s1 += x[i + 1] - new_shift;
      s2 += x[i + 2] - new_shift;
      s3 += x[i + 3] - new_shift;
    }
    for (std::size_t i = n4; i < count_; ++i)
      s0 += x[i] - new_shift;
    const double m = ((s0 + s1) + (s2 + s3)) / n;
    // Sum of squared deviations plus the compensation term (sum of the
    // deviations, 0 in exact arithmetic) of the corrected two-pass formula.
    double q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    double c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (std::size_t i = 0; i < n4; i += 4) {
      const double d0 = (x[i] - new_shift) - m;
      const double d1 = (x[i + 1] - new_shift) - m;
      const double d2 = (x[i + 2] - new_shift) - m;
      const double d3 = (x[i + 3] - new_shift) - m;
      q0 += d0 * d0, q1 += d1 * d1, q2 += d2 * d2, q3 += d3 * d3;
      c0 += d0, c1 += d1, c2 += d2, c3 += d3;
    }
    for (std::size_t i = n4; i < count_; ++i) {
      const double d = (x[i] - new_shift) - m;
      q0 += d * d;
      c0 += d;
    }
    const double total_sq = (q0 + q1) + (q2 + q3);
    const double total_comp = (c0 + c1) + (c2 + c3);
    shift_ = new_shift;
    mean_ = m;
    m2_ = std::max(0.0, total_sq - total_comp * total_comp / n);
  }

private:
  std::size_t prev(std::size_t i) const noexcept {
    return i == 0 ? buf_.size() - 1 : i - 1;
  }

  std::vector<double> buf_; ///< raw samples, ring buffer
  std::size_t head_ = 0;    ///< next slot to write (= oldest when full)
  std::size_t count_ = 0;
  std::size_t run_ = 0;     ///< trailing run of identical samples (<= window)
  std::size_t evictions_ = 0;
  double shift_ = 0;        ///< origin of mean_ (a recent sample / mean)
  double mean_ = 0;         ///< mean - shift_
  double m2_ = 0;           ///< sum of squared deviations from the mean
};

/// Unbounded Welford accumulator: every sample ever added counts equally.
/// Shifted by the first sample for the same reason as rolling_stats.
class welford {
public:
  /// False (ignored) for NaN/inf.
  bool add(double x) noexcept {
    if (!std::isfinite(x))
      return false;
    if (count_ == 0) {
      shift_ = x;
      min_ = max_ = x;
    }
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
    ++count_;
    const double y = x - shift_;
    const double delta = y - mean_;
    mean_ += delta / static_cast<double>(count_);
    m2_ += delta * (y - mean_);
    if (m2_ < 0)
      m2_ = 0;
    return true;
  }

  /// Combines another accumulator into this one (Chan et al. parallel form).
  void merge(const welford& o) noexcept {
    if (o.count_ == 0)
      return;
    if (count_ == 0) {
      *this = o;
      return;
    }
    const auto na = static_cast<double>(count_);
    const auto nb = static_cast<double>(o.count_);
    const double mb = (o.shift_ - shift_) + o.mean_; // o's mean in our frame
    const double delta = mb - mean_;
    const double n = na + nb;
    mean_ += delta * nb / n;
    m2_ += o.m2_ + delta * delta * na * nb / n;
    count_ += o.count_;
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
  }

  void clear() noexcept { *this = welford{}; }

  uint64_t count() const noexcept { return count_; }
  double mean() const noexcept { return count_ == 0 ? 0.0 : shift_ + mean_; }
  double variance() const noexcept {
    return count_ == 0 ? 0.0 : m2_ / static_cast<double>(count_);
  }
  double sample_variance() const noexcept {
    return count_ < 2 ? 0.0 : m2_ / static_cast<double>(count_ - 1);
  }
  double stddev() const noexcept { return std::sqrt(variance()); }
  double sample_stddev() const noexcept { return std::sqrt(sample_variance()); }
  double min() const noexcept { return count_ == 0 ? 0.0 : min_; }
  double max() const noexcept { return count_ == 0 ? 0.0 : max_; }

  double z_score(double x, double min_std = 0.0) const noexcept {
    const double sd = stddev();
    if (count_ == 0 || !(sd > min_std))
      return 0.0;
    return (x - mean()) / sd;
  }

private:
  uint64_t count_ = 0;
  double shift_ = 0;
  double mean_ = 0; ///< mean - shift_
  double m2_ = 0;
  double min_ = 0;
  double max_ = 0;
};

} // namespace xarb
