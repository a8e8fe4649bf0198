#include "web/client_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace xarb {

client_limiter::client_limiter(double rps, double burst, std::size_t max_keys, clock_fn now)
  : rps_(std::isfinite(rps) && rps > 0 ? rps : 0),
    burst_(std::isfinite(burst) && burst >= 1 ? burst : std::max(1.0, rps_)),
    max_keys_(std::max<std::size_t>(max_keys, 1)),
    now_(std::move(now)) {}

bool client_limiter::refilled(const bucket& b, clock::time_point t) const {
  std::chrono::duration<double> idle = t - b.last;
  return b.tokens + idle.count() * rps_ >= burst_;
}

client_limiter::decision client_limiter::acquire(std::string_view key) {
  if (!enabled())
    return {};
  const auto t = now();
  std::lock_guard lock{mtx_};
  // Buckets are in order of last use, so the full (idle) ones are in front.
  while (!lru_.empty() && refilled(lru_.front(), t)) {
    index_.erase(lru_.front().key);
    lru_.pop_front();
  }
  auto found = index_.find(key);
  if (found == index_.end()) {
    if (lru_.size() >= max_keys_) { // still active, but the oldest must go
      index_.erase(lru_.front().key);
      lru_.pop_front();
      ++evictions_;
    }
    lru_.push_back({std::string{key}, burst_, t});
    found = index_.emplace(lru_.back().key, std::prev(lru_.end())).first;
  } else {
    lru_.splice(lru_.end(), lru_, found->second); // iterators stay valid
  }
  auto& b = *found->second;
  std::chrono::duration<double> elapsed = t - b.last;
  b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed.count()) * rps_);
  b.last = t;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return {};
  }
  double wait = (1 - b.tokens) / rps_;
  auto secs = std::ceil(wait);
  return {false, static_cast<uint32_t>(std::clamp(secs, 1.0, 86400.0))};
}

std::size_t client_limiter::size() const {
  std::lock_guard lock{mtx_};
  return lru_.size();
}

uint64_t client_limiter::evictions() const {
  std::lock_guard lock{mtx_};
  return evictions_;
}

} // namespace xarb
