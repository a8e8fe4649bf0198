// rate_limits: see rate_limits.hpp.
#include "core/risk/rate_limits.hpp"
#include "core/problems.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include <fmt/format.h>

namespace xarb::risk {

namespace {

constexpr int64_t ns_per_ms = 1'000'000;
constexpr int64_t ns_per_s = 1'000'000'000;
constexpr int64_t never = std::numeric_limits<int64_t>::max();

/// a * b, saturated at int64 max (configs are validated, but a bad one must
/// not wrap a block into the past). Both >= 0.
int64_t sat_mul(int64_t a, int64_t b) noexcept {
  if (a <= 0 || b <= 0)
    return 0;
  if (a > never / b)
    return never;
  return a * b;
}

/// a + b, saturated at int64 max (b >= 0).
int64_t sat_add(int64_t a, int64_t b) noexcept {
  if (b > 0 && a > never - b)
    return never;
  return a + b;
}

/// What one request to an endpoint costs.
struct cost {
  int64_t orders = 0;
  int64_t cancels = 0;
  int64_t weight = 0;
};

cost cost_of(const rate_limit_config& c, endpoint e) noexcept {
  switch (e) {
    case endpoint::new_order: return {1, 0, c.weight_new_order};
    case endpoint::cancel: return {0, 1, c.weight_cancel};
    case endpoint::snapshot: return {0, 0, c.weight_snapshot};
    case endpoint::query: return {0, 0, c.weight_query};
  }
  return {0, 0, 0};
}

/// Collects "path.key: message" lines.
class checker : public problems {
public:
  using problems::problems;
  void at_least_one(std::string_view key, int64_t x) {
    if (x < 1)
      bad(key, fmt::format("must be >= 1 (got {})", x));
  }

  void between(std::string_view key, int64_t x, int64_t lo, int64_t hi) {
    if (x < lo || x > hi)
      bad(key, fmt::format("must be between {} and {} (got {})", lo, hi, x));
  }
};

} // namespace

std::string_view to_string(endpoint e) noexcept {
  switch (e) {
    case endpoint::new_order: return "new_order";
    case endpoint::cancel: return "cancel";
    case endpoint::snapshot: return "snapshot";
    case endpoint::query: return "query";
  }
  return "unknown";
}

std::string validate(const rate_limit_config& c, const std::string& path) {
  checker k{path};
  k.at_least_one("orders_per_s", c.orders_per_s);
  k.at_least_one("orders_burst", c.orders_burst);
  k.at_least_one("cancels_per_s", c.cancels_per_s);
  k.at_least_one("cancels_burst", c.cancels_burst);
  k.at_least_one("weight_per_min", c.weight_per_min);
  k.at_least_one("weight_burst", c.weight_burst);
  // A weight above the bucket could never be paid: that endpoint would be
  // refused forever. (Weight 0 = the venue does not count it.)
  const int64_t wmax = std::max<int64_t>(c.weight_burst, 0);
  k.between("weight_new_order", c.weight_new_order, 0, wmax);
  k.between("weight_cancel", c.weight_cancel, 0, wmax);
  k.between("weight_snapshot", c.weight_snapshot, 0, wmax);
  k.between("weight_query", c.weight_query, 0, wmax);
  k.at_least_one("backoff_initial_ms", c.backoff_initial_ms);
  k.at_least_one("backoff_max_ms", c.backoff_max_ms);
  if (c.backoff_initial_ms >= 1 && c.backoff_max_ms >= 1 &&
      c.backoff_initial_ms > c.backoff_max_ms)
    k.bad("backoff_initial_ms", fmt::format("must be <= backoff_max_ms ({}) (got {})",
                                            c.backoff_max_ms, c.backoff_initial_ms));
  k.at_least_one("backoff_reset_s", c.backoff_reset_s);
  k.at_least_one("ban_guard_count", c.ban_guard_count);
  k.at_least_one("ban_guard_window_s", c.ban_guard_window_s);
  k.at_least_one("ban_guard_pause_s", c.ban_guard_pause_s);
  k.at_least_one("ban_pause_s", c.ban_pause_s);
  return std::move(k).str();
}

// -- venue_rate_limiter ------------------------------------------------------

venue_rate_limiter::venue_rate_limiter(std::string venue, std::string key_id,
                                       rate_limit_config cfg, timestamp_ns now)
  : venue_(std::move(venue)),
    key_id_(std::move(key_id)),
    cfg_(cfg),
    orders_(token_bucket::per_second(cfg_.orders_burst, cfg_.orders_per_s, now)),
    cancels_(token_bucket::per_second(cfg_.cancels_burst, cfg_.cancels_per_s, now)),
    weight_(cfg_.weight_burst, cfg_.weight_per_min, 60 * ns_per_s, now) {}

bool venue_rate_limiter::blocked_locked(timestamp_ns now) const noexcept {
  return now < blocked_until_;
}

limit_decision venue_rate_limiter::check_locked(endpoint e, timestamp_ns now) const {
  limit_decision d;
  if (blocked_locked(now)) {
    d.code = error_code::rate_limited;
    d.reason = block_reason_;
    d.retry_at = blocked_until_;
    return d;
  }
  const cost c = cost_of(cfg_, e);
  // The retry time is when every bucket it needs has enough (the longest
  // wait); the reason names that bucket.
  int64_t wait = 0;
  const char* short_of = nullptr;
  const auto need = [&](const token_bucket& b, int64_t n, const char* name) {
    const int64_t t = b.time_until(n, now);
    const int64_t w = t < 0 ? never : t;
    if (w > wait) {
      wait = w;
      short_of = name;
    }
  };
  need(orders_, c.orders, "orders");
  need(cancels_, c.cancels, "cancels");
  need(weight_, c.weight, "weight");
  if (short_of == nullptr) {
    d.ok = true;
    return d;
  }
  d.code = error_code::rate_limited;
  if (wait == never) {
    // Only with an invalid config (a weight above its bucket).
    d.reason = fmt::format("{} costs more {} than the bucket holds", to_string(e), short_of);
    d.retry_at = never;
  } else {
    d.reason = fmt::format("{} budget empty", short_of);
    d.retry_at = sat_add(now, wait);
  }
  return d;
}

limit_decision venue_rate_limiter::acquire(endpoint e, timestamp_ns now) {
  std::lock_guard lock{mtx_};
  limit_decision d = check_locked(e, now);
  if (!d.ok) {
    ++refused_;
    return d;
  }
  // check_locked saw enough in every bucket at this same `now`, so these
  // cannot fail: nothing else runs while we hold the lock.
  const cost c = cost_of(cfg_, e);
  orders_.try_take(c.orders, now);
  cancels_.try_take(c.cancels, now);
  weight_.try_take(c.weight, now);
  return d;
}

bool venue_rate_limiter::would_allow(endpoint e, timestamp_ns now) const {
  std::lock_guard lock{mtx_};
  return check_locked(e, now).ok;
}

void venue_rate_limiter::block_locked(timestamp_ns until, bool stop, std::string reason,
                                      timestamp_ns now) {
  // A new block never shortens a longer one still running.
  if (blocked_locked(now) && until <= blocked_until_)
    return;
  blocked_until_ = until;
  stopped_ = stop;
  block_reason_ = std::move(reason);
}

void venue_rate_limiter::on_http_429(timestamp_ns now) {
  std::lock_guard lock{mtx_};
  ++n429_;
  // The venue says the weight is used up whatever our bucket thinks.
  weight_.drain(now);

  const int64_t window = sat_mul(cfg_.ban_guard_window_s, ns_per_s);
  std::erase_if(recent_429_, [&](timestamp_ns t) { return now - t > window; });
  recent_429_.push_back(now);

  // Escalation: a quiet backoff_reset since the last 429 starts over.
  if (level_ > 0 && now - last_429_ > sat_mul(cfg_.backoff_reset_s, ns_per_s))
    level_ = 0;
  ++level_;
  last_429_ = now;

  const auto n = static_cast<int64_t>(recent_429_.size());
  if (n >= cfg_.ban_guard_count) {
    block_locked(sat_add(now, sat_mul(cfg_.ban_guard_pause_s, ns_per_s)), true,
                 fmt::format("ban guard: {} x 429 within {} s: stopped for {} s", n,
                             cfg_.ban_guard_window_s, cfg_.ban_guard_pause_s),
                 now);
    return;
  }
  // min(initial * 2^(level-1), max), doubling step by step so it saturates.
  const int64_t max_ms = std::max<int64_t>(cfg_.backoff_max_ms, 1);
  int64_t ms = std::min(std::max<int64_t>(cfg_.backoff_initial_ms, 1), max_ms);
  for (int64_t i = 1; i < level_ && ms < max_ms; ++i)
    ms = std::min(sat_mul(ms, 2), max_ms);
  block_locked(sat_add(now, sat_mul(ms, ns_per_ms)), false,
               fmt::format("backing off after 429 (level {}: {} ms)", level_, ms), now);
}

void venue_rate_limiter::on_http_418(timestamp_ns now) {
  std::lock_guard lock{mtx_};
  ++n418_;
  block_locked(sat_add(now, sat_mul(cfg_.ban_pause_s, ns_per_s)), true,
               fmt::format("banned by venue (418): stopped for {} s", cfg_.ban_pause_s), now);
}

rate_limit_snapshot venue_rate_limiter::snapshot(timestamp_ns now) const {
  std::lock_guard lock{mtx_};
  rate_limit_snapshot s;
  s.venue = venue_;
  s.key_id = key_id_;
  s.orders_available = orders_.available(now);
  s.orders_capacity = orders_.capacity();
  s.cancels_available = cancels_.available(now);
  s.cancels_capacity = cancels_.capacity();
  s.weight_available = weight_.available(now);
  s.weight_capacity = weight_.capacity();
  if (blocked_locked(now)) {
    s.backing_off = !stopped_;
    s.stopped = stopped_;
    s.blocked_until = blocked_until_;
    s.state_reason = block_reason_;
  }
  const bool escalation_over =
      level_ > 0 && now - last_429_ > sat_mul(cfg_.backoff_reset_s, ns_per_s);
  s.backoff_level = escalation_over ? 0 : level_;
  s.refused = refused_;
  s.http_429 = n429_;
  s.http_418 = n418_;
  return s;
}

// -- rate_limit_registry -----------------------------------------------------

std::shared_ptr<venue_rate_limiter> rate_limit_registry::get(const std::string& venue,
                                                             const std::string& key_id,
                                                             const rate_limit_config& cfg,
                                                             timestamp_ns now) {
  std::lock_guard lock{mtx_};
  auto& slot = limiters_[{venue, key_id}];
  if (!slot)
    slot = std::make_shared<venue_rate_limiter>(venue, key_id, cfg, now);
  return slot;
}

std::shared_ptr<venue_rate_limiter> rate_limit_registry::find(const std::string& venue) const {
  std::lock_guard lock{mtx_};
  // Keys sort by (venue, key): the first entry at or after (venue, "") is
  // the venue's first limiter if it has any.
  const auto it = limiters_.lower_bound({venue, std::string{}});
  if (it == limiters_.end() || it->first.first != venue)
    return nullptr;
  return it->second;
}

std::vector<rate_limit_snapshot> rate_limit_registry::snapshot(timestamp_ns now) const {
  // Copy the pointers first: each limiter locks its own mutex, and holding
  // ours meanwhile is harmless but needless.
  std::vector<std::shared_ptr<venue_rate_limiter>> all;
  {
    std::lock_guard lock{mtx_};
    all.reserve(limiters_.size());
    for (const auto& [k, l] : limiters_)
      all.push_back(l);
  }
  std::vector<rate_limit_snapshot> out;
  out.reserve(all.size());
  for (const auto& l : all)
    out.push_back(l->snapshot(now));
  return out;
}

} // namespace xarb::risk
