#pragma once
// Circuit breakers of the risk guard (docs/RISK.md): the board of active
// trips, the detectors that decide when to trip, and their thresholds.
//
// Pure and deterministic: no CAF, no clock reads (every call takes `now` in
// ns), money exact. The risk_book feeds the detectors, trips and clears the
// board, and derives the permits from the active trips. A trip has a kind, a
// scope and an action:
//   scope  ""                      the node
//          "sim-a"                 a venue
//          "BTC-PERP"              a symbol
//          "BTC-PERP:sim-a/sim-b"  a pair id
//          "sim-a|BTC-PERP"        a book (book_scope())
//   action freeze     no new entries in the scope (positions still managed)
//          reduce     REDUCING
//          halt       HALTED
//          safe_mode  venue capital restricted to the safe layers (venue only)
// A trip is timed (until > 0: expire() ends it) or latched (until == 0: only
// clear(), when its condition ends, or an operator resume() ends it).

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/event.hpp"
#include "messages/market.hpp"
#include "messages/risk.hpp"

namespace xarb::risk {

// -- vocabulary ------------------------------------------------------------------

enum class breaker_kind : uint8_t {
  consecutive_failures,
  error_rate,
  stale_book,
  liveness,
  book_consistency,
  latency,
  fast_market,
  daily_loss,
  drawdown,
  venue_drawdown,
  balance_floor,
  rate_limit,
  manual,
};

enum class breaker_action : uint8_t { freeze, reduce, halt, safe_mode };

/// What a scope's name denotes (see the header comment).
enum class breaker_scope : uint8_t { node, venue, symbol, pair, book };

inline constexpr std::size_t breaker_kind_count = 13;

constexpr std::array<breaker_kind, breaker_kind_count> all_breaker_kinds{
  breaker_kind::consecutive_failures, breaker_kind::error_rate,
  breaker_kind::stale_book,           breaker_kind::liveness,
  breaker_kind::book_consistency,     breaker_kind::latency,
  breaker_kind::fast_market,          breaker_kind::daily_loss,
  breaker_kind::drawdown,             breaker_kind::venue_drawdown,
  breaker_kind::balance_floor,        breaker_kind::rate_limit,
  breaker_kind::manual};

std::string_view to_string(breaker_kind k) noexcept;
std::string_view to_string(breaker_action a) noexcept;
std::string_view to_string(breaker_scope s) noexcept;
bool parse(std::string_view text, breaker_kind& out) noexcept;
bool parse(std::string_view text, breaker_action& out) noexcept;

/// The scope each kind trips on by default (manual: node).
breaker_scope default_scope(breaker_kind k) noexcept;

/// The trade state an action imposes on its scope: reduce -> reducing,
/// halt -> halted, freeze and safe_mode -> active (they restrict entries or
/// capital, not the state).
trade_state state_of(breaker_action a) noexcept;

/// True for the actions that refuse every new entry in the scope (all but
/// safe_mode, which only narrows the capital a venue may commit).
bool blocks_entries(breaker_action a) noexcept;

/// The scope name of one order book: "sim-a|BTC-PERP".
std::string book_scope(std::string_view venue, std::string_view symbol);

/// "300 s", "500 ms", "1500 us", "7 ns": the largest unit that divides `ns`
/// exactly (event texts stay exact and short).
std::string format_duration(int64_t ns);

// -- the board of active trips -----------------------------------------------------

struct breaker_trip {
  breaker_kind kind = breaker_kind::manual;
  std::string scope;                ///< "" = node, else venue / symbol / pair id / book
  breaker_action action = breaker_action::freeze;
  std::string reason;               ///< e.g. "5 errors within 60 s (limit 5)"
  double value = 0;                 ///< the measurement that tripped it (statistics)
  double limit = 0;                 ///< its threshold
  timestamp_ns since = 0;           ///< first trip (kept by refreshes)
  timestamp_ns until = 0;           ///< 0 = latched: only clear()/resume() ends it
  friend bool operator==(const breaker_trip&, const breaker_trip&) = default;
};

/// The active trips, one per (kind, scope), with an event for every change
/// and a counter per kind. Not thread-safe: owned by the risk book.
class breaker_board {
public:
  static constexpr std::string_view event_source = "risk";

  /// Trips, or refreshes an active trip of the same kind and scope: keeps
  /// `since`, takes the later `until` (latched beats any time), and the new
  /// action, reason, value and limit. Emits one event (warning for
  /// freeze/safe_mode, critical for reduce/halt) only for a new trip.
  /// hold_ns <= 0 = latched. Returns true if newly tripped.
  bool trip(breaker_kind k, const std::string& scope, breaker_action a, std::string reason,
            double value, double limit, timestamp_ns now, int64_t hold_ns,
            std::vector<event>& out);

  /// Condition-based end (liveness back, book fresh again): removes the trip
  /// with an info event "... cleared: why". Returns true if it was tripped.
  bool clear(breaker_kind k, const std::string& scope, const std::string& why,
             timestamp_ns now, std::vector<event>& out);

  /// Ends the timed trips whose until <= now (an info event each).
  void expire(timestamp_ns now, std::vector<event>& out);

  /// Operator resume: clears every trip, or only those whose scope equals
  /// `*scope` when given (exact match: resuming venue "sim-a" does not touch
  /// book "sim-a|BTC-PERP"). An info event each; returns how many.
  std::size_t resume(timestamp_ns now, std::vector<event>& out,
                     const std::string* scope = nullptr);

  bool tripped(breaker_kind k, const std::string& scope) const;

  /// The trip of (k, scope), nullptr when not tripped.
  const breaker_trip* find(breaker_kind k, const std::string& scope) const;

  /// Sorted by (kind, scope).
  const std::vector<breaker_trip>& active() const noexcept { return trips_; }

  bool empty() const noexcept { return trips_.empty(); }

  /// Metric: every new trip of this kind (refreshes do not count).
  uint64_t trips_total(breaker_kind k) const noexcept;

  std::size_t active_count(breaker_kind k) const noexcept;

  /// The earliest `until` of the timed trips (when to call expire() next);
  /// 0 when no trip is timed.
  timestamp_ns next_expiry() const noexcept;

private:
  std::vector<breaker_trip>::iterator lower(breaker_kind k, const std::string& scope);
  std::vector<breaker_trip>::const_iterator lower(breaker_kind k,
                                                  const std::string& scope) const;

  std::vector<breaker_trip> trips_;
  std::array<uint64_t, breaker_kind_count> totals_{};
};

// -- detectors -------------------------------------------------------------------------

/// Consecutive failures (rejects, expiries, unwinds) since the last success.
class failure_streak {
public:
  explicit failure_streak(uint64_t limit = 3) noexcept : limit_(limit) {}

  /// Returns the new count.
  uint64_t on_failure() noexcept { return ++count_; }
  void on_success() noexcept { count_ = 0; }
  void reset() noexcept { count_ = 0; }

  uint64_t count() const noexcept { return count_; }
  uint64_t limit() const noexcept { return limit_; }
  bool tripped() const noexcept { return limit_ > 0 && count_ >= limit_; }

private:
  uint64_t limit_;
  uint64_t count_ = 0;
};

/// Errors within a sliding window. An error at t counts while
/// now - t <= window (both ends inclusive: 5 errors from 0 s to 60 s are
/// "5 in 60 s"; from 0 s to 61 s they are not).
class error_window {
public:
  explicit error_window(uint64_t limit = 5, int64_t window_ns = 60'000'000'000) noexcept
    : limit_(limit), window_ns_(window_ns) {}

  /// Records an error at `now`; returns the count within the window.
  std::size_t add(timestamp_ns now);

  /// Errors within the window ending at `now` (older ones are dropped).
  std::size_t count(timestamp_ns now);

  bool exceeded(timestamp_ns now) { return limit_ > 0 && count(now) >= limit_; }

  void reset() noexcept { errors_.clear(); }

  uint64_t limit() const noexcept { return limit_; }
  int64_t window_ns() const noexcept { return window_ns_; }

private:
  void prune(timestamp_ns now);

  uint64_t limit_;
  int64_t window_ns_;
  std::deque<timestamp_ns> errors_; ///< sorted
};

/// Order round-trip latency: breached from a sample above the limit until
/// no sample above it has been seen for clear_after_ns (good samples in
/// between do not clear it early).
class latency_monitor {
public:
  explicit latency_monitor(int64_t limit_ns = 500'000'000,
                           int64_t clear_after_ns = 30'000'000'000) noexcept
    : limit_ns_(limit_ns), clear_after_ns_(clear_after_ns) {}

  /// Records one round trip; returns true if it is above the limit.
  bool on_sample(int64_t rtt_ns, timestamp_ns now) noexcept;

  /// A sample above the limit was seen and clear_after_ns has not passed
  /// since the last such sample.
  bool breached(timestamp_ns now) const noexcept;

  int64_t last_sample() const noexcept { return last_; }   ///< -1: none yet
  int64_t max_sample() const noexcept { return max_; }     ///< -1: none yet
  uint64_t samples() const noexcept { return samples_; }
  timestamp_ns last_breach() const noexcept { return last_breach_; } ///< 0: never
  int64_t limit_ns() const noexcept { return limit_ns_; }
  int64_t clear_after_ns() const noexcept { return clear_after_ns_; }

  void reset() noexcept;

private:
  int64_t limit_ns_;
  int64_t clear_after_ns_;
  int64_t last_ = -1;
  int64_t max_ = -1;
  uint64_t samples_ = 0;
  bool has_breach_ = false;
  timestamp_ns last_breach_ = 0;
};

/// Fast market: the range of the mid within a sliding window, in % of the
/// window's low: (max - min) / min * 100. A mid at t stays in the window
/// while now - t <= window_ns. Runs per book update: monotonic deques keep
/// min and max in amortised O(1) per mid. Mids are statistics (double).
class fast_market_detector {
public:
  explicit fast_market_detector(double move_pct = 0.5,
                                int64_t window_ns = 1'000'000'000) noexcept
    : move_pct_(move_pct), window_ns_(window_ns) {}

  /// Adds a mid (ignored unless > 0 and finite); returns the current move %.
  /// A `now` older than the previous one is taken as the previous one.
  double on_mid(timestamp_ns now, double mid);
  double on_mid(timestamp_ns now, price mid) { return on_mid(now, mid.to_double()); }

  /// Drops the mids that left the window at `now` without adding one;
  /// returns the current move %.
  double advance(timestamp_ns now);

  /// The move % as of the last on_mid()/advance() (0 with < 2 distinct mids).
  double move_pct() const noexcept { return move_; }
  bool tripped() const noexcept { return move_ > move_pct_; }

  double window_min() const noexcept; ///< 0 when empty
  double window_max() const noexcept; ///< 0 when empty
  double threshold_pct() const noexcept { return move_pct_; }
  int64_t window_ns() const noexcept { return window_ns_; }

  void reset() noexcept;

private:
  struct sample {
    timestamp_ns ts;
    double mid;
  };

  void prune(timestamp_ns now);
  void recompute() noexcept;

  double move_pct_;
  int64_t window_ns_;
  std::deque<sample> mins_; ///< mids increasing front to back
  std::deque<sample> maxs_; ///< mids decreasing front to back
  timestamp_ns last_ts_ = 0;
  bool started_ = false;
  double move_ = 0;
};

/// Drawdown from the equity PEAK, not from the start (Hummingbot #2969:
/// 10000 -> 12000 -> 10900 is a 9.17 % drawdown, not a 9 % gain).
class equity_tracker {
public:
  void on_equity(money equity, timestamp_ns now) noexcept;

  bool has_value() const noexcept { return has_value_; }
  money equity() const noexcept { return equity_; }
  money peak() const noexcept { return peak_; }
  timestamp_ns peak_ts() const noexcept { return peak_ts_; }

  /// peak - equity (>= 0).
  money drawdown() const noexcept;

  /// drawdown / peak * 100; 0 when the peak is <= 0 (no meaningful base).
  double drawdown_pct() const noexcept;

  /// drawdown_pct() >= limit_pct, and limit_pct > 0.
  bool exceeded(double limit_pct) const noexcept;

  /// The current equity becomes the peak (after an operator resume).
  void reset_peak(timestamp_ns now) noexcept;

private:
  bool has_value_ = false;
  money equity_;
  money peak_;
  timestamp_ns peak_ts_ = 0;
};

/// Loss since the first equity observation of the current UTC day (shifted
/// by day_start_offset_ns); day = floor((now - offset) / 86400 s).
class daily_loss_tracker {
public:
  static constexpr int64_t ns_per_day = 86'400'000'000'000;

  explicit daily_loss_tracker(int64_t day_start_offset_ns = 0) noexcept
    : offset_(day_start_offset_ns) {}

  /// The first observation of a day becomes its baseline (a later day
  /// resets it; a timestamp from an earlier day is taken as today's).
  void on_equity(money equity, timestamp_ns now) noexcept;

  bool has_value() const noexcept { return has_value_; }

  /// baseline - equity: > 0 is a loss, < 0 a gain.
  money loss() const noexcept;

  money baseline() const noexcept { return baseline_; }
  money equity() const noexcept { return equity_; }
  int64_t day() const noexcept { return day_; }

  /// When the current day ends (the next baseline reset); 0 before any value.
  timestamp_ns next_day_start() const noexcept;

  /// loss() >= limit and limit > 0.
  bool exceeded(money limit) const noexcept;

  static int64_t day_of(timestamp_ns now, int64_t offset_ns) noexcept;

private:
  int64_t offset_;
  bool has_value_ = false;
  int64_t day_ = 0;
  money baseline_;
  money equity_;
};

// -- thresholds ------------------------------------------------------------------------------

/// Every breaker threshold with its default, in one place (the risk config
/// embeds it; docs/RISK.md lists it). hold_ns: > 0 = the trip lasts this long
/// (refreshed while the cause persists); 0 = until its condition ends
/// (clear()) or, for the latched ones, until an operator resume.
struct breaker_config {
  struct consecutive_failures_rule {  // scope: pair
    uint64_t limit = 3;
    breaker_action action = breaker_action::freeze;
    int64_t hold_ns = 60'000'000'000;
    friend bool operator==(const consecutive_failures_rule&, const consecutive_failures_rule&) = default;
  } consecutive_failures;

  struct error_rate_rule {            // scope: venue (seed 003: 5 errors in 60 s -> 5 min)
    uint64_t limit = 5;
    int64_t window_ns = 60'000'000'000;
    breaker_action action = breaker_action::freeze;
    int64_t hold_ns = 300'000'000'000;
    friend bool operator==(const error_rate_rule&, const error_rate_rule&) = default;
  } error_rate;

  struct stale_book_rule {            // scope: book; while stale
    int64_t budget_ns = 2'000'000'000;
    breaker_action action = breaker_action::freeze;
    int64_t hold_ns = 0;
    friend bool operator==(const stale_book_rule&, const stale_book_rule&) = default;
  } stale_book;

  struct liveness_rule {              // scope: venue; while lost
    int64_t budget_ns = 5'000'000'000;
    breaker_action action = breaker_action::freeze;
    int64_t hold_ns = 0;
    friend bool operator==(const liveness_rule&, const liveness_rule&) = default;
  } liveness;

  struct book_consistency_rule {      // scope: venue; 60 s after the last failure
    breaker_action action = breaker_action::freeze;
    int64_t hold_ns = 60'000'000'000;
    friend bool operator==(const book_consistency_rule&, const book_consistency_rule&) = default;
  } book_consistency;

  struct latency_rule {               // scope: venue (seed 003: 500 ms)
    int64_t limit_ns = 500'000'000;
    int64_t clear_after_ns = 30'000'000'000; ///< good time needed to clear
    breaker_action action = breaker_action::freeze;
    int64_t hold_ns = 0;
    friend bool operator==(const latency_rule&, const latency_rule&) = default;
  } latency;

  struct fast_market_rule {           // scope: symbol (seed 001: 0.5 % in 1 s)
    double move_pct = 0.5;
    int64_t window_ns = 1'000'000'000;
    breaker_action action = breaker_action::freeze;
    int64_t hold_ns = 30'000'000'000;
    friend bool operator==(const fast_market_rule&, const fast_market_rule&) = default;
  } fast_market;

  struct daily_loss_rule {            // scope: node; latched
    money limit = money::from_units(500);  ///< 0 = off
    int64_t day_start_offset_ns = 0;       ///< 0 = UTC midnight
    breaker_action action = breaker_action::reduce;
    int64_t hold_ns = 0;
    friend bool operator==(const daily_loss_rule&, const daily_loss_rule&) = default;
  } daily_loss;

  struct drawdown_rule {              // scope: node; latched; from the equity peak
    double pct = 10;
    breaker_action action = breaker_action::reduce;
    int64_t hold_ns = 0;
    friend bool operator==(const drawdown_rule&, const drawdown_rule&) = default;
  } drawdown;

  struct venue_drawdown_rule {        // scope: venue; latched (seed 001 safe mode)
    double pct = 5;
    breaker_action action = breaker_action::safe_mode;
    int64_t hold_ns = 0;
    friend bool operator==(const venue_drawdown_rule&, const venue_drawdown_rule&) = default;
  } venue_drawdown;

  struct balance_floor_rule {         // scope: venue; while below
    money floor;                      ///< 0 = off
    breaker_action action = breaker_action::reduce;
    int64_t hold_ns = 0;
    friend bool operator==(const balance_floor_rule&, const balance_floor_rule&) = default;
  } balance_floor;

  struct rate_limit_rule {            // scope: venue; while the key is stopped (ban guard)
    breaker_action action = breaker_action::halt;
    int64_t hold_ns = 0;
    friend bool operator==(const rate_limit_rule&, const rate_limit_rule&) = default;
  } rate_limit;

  friend bool operator==(const breaker_config&, const breaker_config&) = default;
};

/// Every problem, one per line as "path.key: message" ("" when valid).
std::string validate(const breaker_config& c, const std::string& path);

} // namespace xarb::risk
