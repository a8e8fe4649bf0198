#pragma once
// Request budgets per venue API key, shared by every pair trading on it and
// by the venue session (REST snapshots). Thread-safe: pair traders check
// them inline before each order from their own threads.
//
// Three token buckets per key (a venue counts all three):
//   - new orders (e.g. Binance ORDERS 300 / 10 s),
//   - cancels (separate, so order traffic never starves the cancels a kill
//     switch needs),
//   - request weight (every REST call by its endpoint weight, e.g. Binance
//     REQUEST_WEIGHT 2400 / min; a depth snapshot costs more than an order).
// An acquire takes from every bucket it needs or from none.
//
// HTTP 429 from the venue: the key backs off (no request at all) for
// backoff_initial, doubling on each further 429 up to backoff_max; a quiet
// period of backoff_reset without a 429 resets the escalation. ban_guard_count
// 429s within ban_guard_window stop the key completely for ban_guard_pause,
// before the venue escalates to a ban (Binance: 418). A 418 (ban) stops it
// for ban_pause. Time is passed in (ns); nothing reads a clock.
//
// Details:
//   - new_order costs 1 order token + weight_new_order, cancel 1 cancel token
//     + weight_cancel, snapshot/query their weight only.
//   - Refused while blocked: reason = the block's, retry_at = its end. Refused
//     for budget: reason "<orders|cancels|weight> budget empty" naming the
//     bucket with the longest wait, retry_at = now + that wait (when all it
//     needs is there, if nobody else takes meanwhile).
//   - A 429 also drains the weight bucket (the venue says we used it up). The
//     escalation level counts every 429 (ban-guard ones too); the ban guard
//     counts 429s at most ban_guard_window old (inclusive).
//   - A block never shortens a longer one still running (the longer one keeps
//     its reason and kind).
//   - snapshot(): blocked_until / state_reason / backing_off / stopped only
//     while blocked (0 / "" / false otherwise); backoff_level 0 once the
//     escalation has reset.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/token_bucket.hpp"
#include "messages/error_code.hpp"
#include "messages/market.hpp"

namespace xarb::risk {

/// REST endpoints with their own weight.
enum class endpoint : uint8_t { new_order, cancel, snapshot, query };

std::string_view to_string(endpoint e) noexcept;

struct rate_limit_config {
  int64_t orders_per_s = 10;        ///< new orders: sustained rate ...
  int64_t orders_burst = 20;        ///< ... and bucket size
  int64_t cancels_per_s = 20;
  int64_t cancels_burst = 40;
  int64_t weight_per_min = 1200;    ///< request weight per minute (all endpoints)
  int64_t weight_burst = 1200;
  int64_t weight_new_order = 1;     ///< endpoint weights
  int64_t weight_cancel = 1;
  int64_t weight_snapshot = 20;
  int64_t weight_query = 5;
  int64_t backoff_initial_ms = 1'000;
  int64_t backoff_max_ms = 60'000;
  int64_t backoff_reset_s = 60;
  int64_t ban_guard_count = 3;      ///< this many 429s ...
  int64_t ban_guard_window_s = 60;  ///< ... within this window ...
  int64_t ban_guard_pause_s = 300;  ///< ... stop the key this long
  int64_t ban_pause_s = 600;        ///< after a 418
  friend bool operator==(const rate_limit_config&, const rate_limit_config&) = default;
};

/// Every problem with the values, one per line ("" when valid); `path`
/// prefixes each line (e.g. "risk.rate_limits").
std::string validate(const rate_limit_config& c, const std::string& path);

/// The answer to an acquire: ok, or refused with why and when to retry.
struct limit_decision {
  bool ok = false;
  error_code code = error_code::none;  ///< rate_limited when refused
  std::string reason;                  ///< e.g. "orders budget empty", "backing off after 429"
  timestamp_ns retry_at = 0;           ///< earliest time a retry can succeed
  explicit operator bool() const noexcept { return ok; }
};

/// For status pages, metrics and the UI.
struct rate_limit_snapshot {
  std::string venue;
  std::string key_id;               ///< never the key itself: a short label
  int64_t orders_available = 0;
  int64_t orders_capacity = 0;
  int64_t cancels_available = 0;
  int64_t cancels_capacity = 0;
  int64_t weight_available = 0;
  int64_t weight_capacity = 0;
  bool backing_off = false;
  bool stopped = false;             ///< ban guard or ban
  timestamp_ns blocked_until = 0;
  int64_t backoff_level = 0;        ///< 429s in the current escalation
  uint64_t refused = 0;             ///< acquires refused since start
  uint64_t http_429 = 0;
  uint64_t http_418 = 0;
  std::string state_reason;         ///< "" when not blocked
};

class venue_rate_limiter {
public:
  venue_rate_limiter(std::string venue, std::string key_id, rate_limit_config cfg,
                     timestamp_ns now);

  /// Takes the budget of one request to `e` (its weight, plus one new-order
  /// or cancel token) or nothing.
  limit_decision acquire(endpoint e, timestamp_ns now);
  /// Whether acquire(e) would succeed now (takes nothing).
  bool would_allow(endpoint e, timestamp_ns now) const;

  /// The venue answered 429 (rate limited) / 418 (banned).
  void on_http_429(timestamp_ns now);
  void on_http_418(timestamp_ns now);

  rate_limit_snapshot snapshot(timestamp_ns now) const;
  const std::string& venue() const noexcept { return venue_; }
  const rate_limit_config& config() const noexcept { return cfg_; }

private:
  limit_decision check_locked(endpoint e, timestamp_ns now) const;
  bool blocked_locked(timestamp_ns now) const noexcept;
  /// Blocks until `until` unless a longer block is running.
  void block_locked(timestamp_ns until, bool stop, std::string reason, timestamp_ns now);

  mutable std::mutex mtx_;
  std::string venue_;
  std::string key_id_;
  rate_limit_config cfg_;
  token_bucket orders_;
  token_bucket cancels_;
  token_bucket weight_;
  timestamp_ns blocked_until_ = 0;
  bool stopped_ = false;            ///< the block is a ban guard / ban stop
  std::string block_reason_;
  int64_t level_ = 0;               ///< 429s in the current escalation
  timestamp_ns last_429_ = 0;
  std::vector<timestamp_ns> recent_429_;  ///< within ban_guard_window
  uint64_t refused_ = 0;
  uint64_t n429_ = 0;
  uint64_t n418_ = 0;
};

/// Node-wide: one limiter per (venue, key id). Thread-safe.
class rate_limit_registry {
public:
  /// The limiter of (venue, key_id), created with `cfg` on first use (later
  /// calls return the existing one whatever their cfg).
  std::shared_ptr<venue_rate_limiter> get(const std::string& venue, const std::string& key_id,
                                          const rate_limit_config& cfg, timestamp_ns now);
  /// nullptr if none was created for `venue` (any key).
  std::shared_ptr<venue_rate_limiter> find(const std::string& venue) const;
  std::vector<rate_limit_snapshot> snapshot(timestamp_ns now) const;

private:
  mutable std::mutex mtx_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<venue_rate_limiter>> limiters_;
};

} // namespace xarb::risk
