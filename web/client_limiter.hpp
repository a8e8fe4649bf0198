#pragma once
// Per-client request rate limit of the HTTP server: one token bucket per
// client address. The map is bounded: a bucket that has refilled completely
// is the same as no bucket and is dropped, and beyond max_keys addresses the
// least recently seen is evicted, so a flood of addresses cannot grow
// memory (an evicted client merely gets a fresh, full bucket).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace xarb {

class client_limiter {
public:
  using clock = std::chrono::steady_clock;
  using clock_fn = std::function<clock::time_point()>; ///< injectable for tests

  struct decision {
    bool allowed = true;
    /// When refused: whole seconds until a token is back (>= 1), for the
    /// Retry-After header; 0 when allowed.
    uint32_t retry_after_s = 0;
  };

  /// `rps` <= 0 disables the limit (every request allowed). `burst` is the
  /// bucket size; below 1 it is max(1, rps).
  client_limiter(double rps, double burst, std::size_t max_keys = 4096, clock_fn now = {});

  bool enabled() const noexcept { return rps_ > 0; }

  /// Takes one token from `key`'s bucket. Thread-safe.
  decision acquire(std::string_view key);

  std::size_t size() const;          ///< buckets held
  uint64_t evictions() const;        ///< buckets evicted while not yet full

private:
  struct bucket {
    std::string key;
    double tokens = 0;
    clock::time_point last{};
  };
  using lru_list = std::list<bucket>; // least recently used first

  clock::time_point now() const { return now_ ? now_() : clock::now(); }
  bool refilled(const bucket& b, clock::time_point t) const;

  double rps_;
  double burst_;
  std::size_t max_keys_;
  clock_fn now_;
  mutable std::mutex mtx_;
  lru_list lru_;
  std::unordered_map<std::string_view, lru_list::iterator> index_; // views into lru_ keys
  uint64_t evictions_ = 0;
};

} // namespace xarb
