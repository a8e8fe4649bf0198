// The breaker board, its detectors and the range rules of breaker_config.
#include "core/risk/breakers.hpp"
#include "core/problems.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>

#include <fmt/format.h>

namespace xarb::risk {

// -- names -----------------------------------------------------------------------

namespace {

constexpr std::array<std::string_view, breaker_kind_count> kind_names{
  "consecutive_failures", "error_rate", "stale_book",     "liveness",      "book_consistency",
  "latency",              "fast_market", "daily_loss",    "drawdown",      "venue_drawdown",
  "balance_floor",        "rate_limit",  "manual"};

constexpr std::array<std::string_view, 4> action_names{"freeze", "reduce", "halt", "safe_mode"};

constexpr std::array<std::string_view, 5> scope_names{"node", "venue", "symbol", "pair", "book"};

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, E x) noexcept {
  auto i = static_cast<std::size_t>(x);
  return i < N ? names[i] : std::string_view{"invalid"};
}

template <class E, std::size_t N>
bool parse_name(const std::array<std::string_view, N>& names, std::string_view text,
                E& out) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == text) {
      out = static_cast<E>(i);
      return true;
    }
  return false;
}

constexpr std::size_t index_of(breaker_kind k) noexcept { return static_cast<std::size_t>(k); }

constexpr int64_t ns_per_us = 1'000;
constexpr int64_t ns_per_ms = 1'000'000;
constexpr int64_t ns_per_s = 1'000'000'000;

timestamp_ns saturating_add(timestamp_ns a, int64_t b) noexcept {
  timestamp_ns r = 0;
  if (__builtin_add_overflow(a, b, &r))
    return b > 0 ? std::numeric_limits<timestamp_ns>::max()
                 : std::numeric_limits<timestamp_ns>::min();
  return r;
}

money saturating_sub(money a, money b) noexcept {
  money r;
  if (money::checked_sub(a, b, r))
    return r;
  return b.is_negative() ? money::max() : money::min();
}

} // namespace

std::string_view to_string(breaker_kind k) noexcept { return name_of(kind_names, k); }
std::string_view to_string(breaker_action a) noexcept { return name_of(action_names, a); }
std::string_view to_string(breaker_scope s) noexcept { return name_of(scope_names, s); }
bool parse(std::string_view text, breaker_kind& out) noexcept {
  return parse_name(kind_names, text, out);
}
bool parse(std::string_view text, breaker_action& out) noexcept {
  return parse_name(action_names, text, out);
}

breaker_scope default_scope(breaker_kind k) noexcept {
  switch (k) {
    case breaker_kind::consecutive_failures:
      return breaker_scope::pair;
    case breaker_kind::stale_book:
      return breaker_scope::book;
    case breaker_kind::fast_market:
      return breaker_scope::symbol;
    case breaker_kind::error_rate:
    case breaker_kind::liveness:
    case breaker_kind::book_consistency:
    case breaker_kind::latency:
    case breaker_kind::venue_drawdown:
    case breaker_kind::balance_floor:
    case breaker_kind::rate_limit:
      return breaker_scope::venue;
    case breaker_kind::daily_loss:
    case breaker_kind::drawdown:
    case breaker_kind::manual:
      break;
  }
  return breaker_scope::node;
}

trade_state state_of(breaker_action a) noexcept {
  switch (a) {
    case breaker_action::reduce:
      return trade_state::reducing;
    case breaker_action::halt:
      return trade_state::halted;
    case breaker_action::freeze:
    case breaker_action::safe_mode:
      break;
  }
  return trade_state::active;
}

bool blocks_entries(breaker_action a) noexcept { return a != breaker_action::safe_mode; }

std::string book_scope(std::string_view venue, std::string_view symbol) {
  std::string out;
  out.reserve(venue.size() + 1 + symbol.size());
  out += venue;
  out += '|';
  out += symbol;
  return out;
}

std::string format_duration(int64_t ns) {
  if (ns % ns_per_s == 0)
    return fmt::format("{} s", ns / ns_per_s);
  if (ns % ns_per_ms == 0)
    return fmt::format("{} ms", ns / ns_per_ms);
  if (ns % ns_per_us == 0)
    return fmt::format("{} us", ns / ns_per_us);
  return fmt::format("{} ns", ns);
}

// -- breaker_board ------------------------------------------------------------------

namespace {

bool before(const breaker_trip& t, breaker_kind k, const std::string& scope) noexcept {
  return std::tie(t.kind, t.scope) < std::tie(k, scope);
}

/// "breaker error_rate on sim-a" / "breaker daily_loss" (node scope).
std::string subject(breaker_kind k, const std::string& scope) {
  if (scope.empty())
    return fmt::format("breaker {}", to_string(k));
  return fmt::format("breaker {} on {}", to_string(k), scope);
}

severity severity_of(breaker_action a) noexcept {
  return a == breaker_action::reduce || a == breaker_action::halt ? severity::critical
                                                                   : severity::warning;
}

void emit(std::vector<event>& out, timestamp_ns now, severity sev, std::string text) {
  out.push_back(event{now, sev, std::string{breaker_board::event_source}, std::move(text)});
}

void emit_cleared(std::vector<event>& out, const breaker_trip& t, timestamp_ns now,
                  std::string_view why) {
  emit(out, now, severity::info,
       fmt::format("{} cleared: {}", subject(t.kind, t.scope), why));
}

std::string expiry_reason(const breaker_trip& t) {
  return fmt::format("hold of {} expired", format_duration(t.until - t.since));
}

} // namespace

std::vector<breaker_trip>::iterator breaker_board::lower(breaker_kind k,
                                                         const std::string& scope) {
  return std::lower_bound(trips_.begin(), trips_.end(), 0,
                          [&](const breaker_trip& t, int) { return before(t, k, scope); });
}

std::vector<breaker_trip>::const_iterator breaker_board::lower(breaker_kind k,
                                                               const std::string& scope) const {
  return std::lower_bound(trips_.begin(), trips_.end(), 0,
                          [&](const breaker_trip& t, int) { return before(t, k, scope); });
}

bool breaker_board::trip(breaker_kind k, const std::string& scope, breaker_action a,
                         std::string reason, double value, double limit, timestamp_ns now,
                         int64_t hold_ns, std::vector<event>& out) {
  const timestamp_ns until = hold_ns > 0 ? saturating_add(now, hold_ns) : 0;
  auto it = lower(k, scope);
  if (it != trips_.end() && it->kind == k && it->scope == scope) {
    if (it->until != 0 && it->until <= now) {
      // Overdue (expire() not called yet): that trip is over, this is a new one.
      emit_cleared(out, *it, now, expiry_reason(*it));
      it = trips_.erase(it);
    } else {
      // Refresh: a latched trip stays latched; a timed one takes the later end.
      if (it->until != 0)
        it->until = until == 0 ? 0 : std::max(it->until, until);
      it->action = a;
      it->reason = std::move(reason);
      it->value = value;
      it->limit = limit;
      return false;
    }
  }
  std::string text = subject(k, scope);
  text += ": ";
  if (!reason.empty()) {
    text += reason;
    text += ": ";
  }
  text += to_string(a);
  text += hold_ns > 0 ? " for " + format_duration(hold_ns) : std::string{" until cleared"};
  emit(out, now, severity_of(a), std::move(text));
  trips_.insert(it, breaker_trip{k, scope, a, std::move(reason), value, limit, now, until});
  if (index_of(k) < totals_.size())
    ++totals_[index_of(k)];
  return true;
}

bool breaker_board::clear(breaker_kind k, const std::string& scope, const std::string& why,
                          timestamp_ns now, std::vector<event>& out) {
  auto it = lower(k, scope);
  if (it == trips_.end() || it->kind != k || it->scope != scope)
    return false;
  emit_cleared(out, *it, now, why);
  trips_.erase(it);
  return true;
}

void breaker_board::expire(timestamp_ns now, std::vector<event>& out) {
  auto last = std::remove_if(trips_.begin(), trips_.end(), [&](const breaker_trip& t) {
    if (t.until == 0 || t.until > now)
      return false;
    emit_cleared(out, t, now, expiry_reason(t));
    return true;
  });
  trips_.erase(last, trips_.end());
}

std::size_t breaker_board::resume(timestamp_ns now, std::vector<event>& out,
                                  const std::string* scope) {
  auto last = std::remove_if(trips_.begin(), trips_.end(), [&](const breaker_trip& t) {
    if (scope != nullptr && t.scope != *scope)
      return false;
    emit_cleared(out, t, now, "operator resume");
    return true;
  });
  auto n = static_cast<std::size_t>(trips_.end() - last);
  trips_.erase(last, trips_.end());
  return n;
}

bool breaker_board::tripped(breaker_kind k, const std::string& scope) const {
  return find(k, scope) != nullptr;
}

const breaker_trip* breaker_board::find(breaker_kind k, const std::string& scope) const {
  auto it = lower(k, scope);
  if (it == trips_.end() || it->kind != k || it->scope != scope)
    return nullptr;
  return &*it;
}

uint64_t breaker_board::trips_total(breaker_kind k) const noexcept {
  return index_of(k) < totals_.size() ? totals_[index_of(k)] : 0;
}

std::size_t breaker_board::active_count(breaker_kind k) const noexcept {
  return static_cast<std::size_t>(std::count_if(
    trips_.begin(), trips_.end(), [k](const breaker_trip& t) { return t.kind == k; }));
}

timestamp_ns breaker_board::next_expiry() const noexcept {
  timestamp_ns next = 0;
  for (const auto& t : trips_)
    if (t.until != 0 && (next == 0 || t.until < next))
      next = t.until;
  return next;
}

// -- error_window -------------------------------------------------------------------------

void error_window::prune(timestamp_ns now) {
  // Inclusive window: an error exactly window_ns old still counts.
  while (!errors_.empty() && now - errors_.front() > window_ns_)
    errors_.pop_front();
}

std::size_t error_window::add(timestamp_ns now) {
  if (errors_.empty() || now >= errors_.back())
    errors_.push_back(now);
  else // out of order (rare): keep the deque sorted
    errors_.insert(std::upper_bound(errors_.begin(), errors_.end(), now), now);
  prune(errors_.back());
  return errors_.size();
}

std::size_t error_window::count(timestamp_ns now) {
  prune(now);
  return errors_.size();
}

// -- latency_monitor ------------------------------------------------------------------------

bool latency_monitor::on_sample(int64_t rtt_ns, timestamp_ns now) noexcept {
  ++samples_;
  last_ = rtt_ns;
  max_ = std::max(max_, rtt_ns);
  if (rtt_ns <= limit_ns_)
    return false;
  last_breach_ = has_breach_ ? std::max(last_breach_, now) : now;
  has_breach_ = true;
  return true;
}

bool latency_monitor::breached(timestamp_ns now) const noexcept {
  return has_breach_ && now - last_breach_ < std::max<int64_t>(clear_after_ns_, 1);
}

void latency_monitor::reset() noexcept {
  last_ = -1;
  max_ = -1;
  samples_ = 0;
  has_breach_ = false;
  last_breach_ = 0;
}

// -- fast_market_detector -------------------------------------------------------------------

void fast_market_detector::prune(timestamp_ns now) {
  const timestamp_ns cutoff = saturating_add(now, -window_ns_);
  while (!mins_.empty() && mins_.front().ts < cutoff)
    mins_.pop_front();
  while (!maxs_.empty() && maxs_.front().ts < cutoff)
    maxs_.pop_front();
}

void fast_market_detector::recompute() noexcept {
  if (mins_.empty() || maxs_.empty()) {
    move_ = 0;
    return;
  }
  const double lo = mins_.front().mid;
  const double hi = maxs_.front().mid;
  // (hi - lo) * 100 / lo rather than / lo * 100: exact for 100 -> 100.5.
  move_ = (hi - lo) * 100.0 / lo;
}

double fast_market_detector::on_mid(timestamp_ns now, double mid) {
  if (!(mid > 0) || !std::isfinite(mid))
    return advance(now);
  if (started_ && now < last_ts_)
    now = last_ts_;
  started_ = true;
  last_ts_ = now;
  // A new mid dominates every older one that is not lower (for the min) or
  // higher (for the max): those can never be the window's extreme again.
  while (!mins_.empty() && mins_.back().mid >= mid)
    mins_.pop_back();
  mins_.push_back(sample{now, mid});
  while (!maxs_.empty() && maxs_.back().mid <= mid)
    maxs_.pop_back();
  maxs_.push_back(sample{now, mid});
  prune(now);
  recompute();
  return move_;
}

double fast_market_detector::advance(timestamp_ns now) {
  if (started_ && now < last_ts_)
    now = last_ts_;
  if (started_)
    last_ts_ = now;
  prune(now);
  recompute();
  return move_;
}

double fast_market_detector::window_min() const noexcept {
  return mins_.empty() ? 0 : mins_.front().mid;
}

double fast_market_detector::window_max() const noexcept {
  return maxs_.empty() ? 0 : maxs_.front().mid;
}

void fast_market_detector::reset() noexcept {
  mins_.clear();
  maxs_.clear();
  last_ts_ = 0;
  started_ = false;
  move_ = 0;
}

// -- equity_tracker --------------------------------------------------------------------------

void equity_tracker::on_equity(money equity, timestamp_ns now) noexcept {
  equity_ = equity;
  if (!has_value_ || equity > peak_) {
    peak_ = equity;
    peak_ts_ = now;
  }
  has_value_ = true;
}

money equity_tracker::drawdown() const noexcept {
  if (!has_value_)
    return money{};
  return saturating_sub(peak_, equity_);
}

double equity_tracker::drawdown_pct() const noexcept {
  if (!has_value_ || !peak_.is_positive())
    return 0;
  return static_cast<double>(drawdown().raw()) * 100.0 / static_cast<double>(peak_.raw());
}

bool equity_tracker::exceeded(double limit_pct) const noexcept {
  return limit_pct > 0 && drawdown_pct() >= limit_pct;
}

void equity_tracker::reset_peak(timestamp_ns now) noexcept {
  if (!has_value_)
    return;
  peak_ = equity_;
  peak_ts_ = now;
}

// -- daily_loss_tracker ----------------------------------------------------------------------

int64_t daily_loss_tracker::day_of(timestamp_ns now, int64_t offset_ns) noexcept {
  const int64_t t = saturating_add(now, offset_ns == std::numeric_limits<int64_t>::min()
                                           ? std::numeric_limits<int64_t>::max()
                                           : -offset_ns);
  int64_t d = t / ns_per_day;
  if (t % ns_per_day < 0)
    --d; // floor, not truncation, before 1970 or with a large offset
  return d;
}

void daily_loss_tracker::on_equity(money equity, timestamp_ns now) noexcept {
  const int64_t d = day_of(now, offset_);
  if (!has_value_ || d > day_) {
    day_ = d;
    baseline_ = equity;
  }
  equity_ = equity;
  has_value_ = true;
}

money daily_loss_tracker::loss() const noexcept {
  if (!has_value_)
    return money{};
  return saturating_sub(baseline_, equity_);
}

timestamp_ns daily_loss_tracker::next_day_start() const noexcept {
  if (!has_value_)
    return 0;
  return (day_ + 1) * ns_per_day + offset_;
}

bool daily_loss_tracker::exceeded(money limit) const noexcept {
  return limit.is_positive() && loss() >= limit;
}

// -- validation ------------------------------------------------------------------------------

namespace {

/// Collects problems as "path.key: message" lines.
class checker : public problems {
public:
  using problems::problems;
  void positive(std::string_view key, int64_t x) {
    if (x <= 0)
      bad(key, fmt::format("must be > 0 (got {})", x));
  }

  void positive(std::string_view key, uint64_t x) {
    if (x == 0)
      bad(key, "must be > 0 (got 0)");
  }

  void non_negative(std::string_view key, int64_t x) {
    if (x < 0)
      bad(key, fmt::format("must be >= 0 (got {})", x));
  }

  void non_negative(std::string_view key, money x) {
    if (x.is_negative())
      bad(key, fmt::format("must be >= 0 (got {})", x.to_string()));
  }

  void percent(std::string_view key, double x) {
    if (!std::isfinite(x))
      bad(key, "must be a finite number");
    else if (!(x > 0 && x <= 100))
      bad(key, fmt::format("must be > 0 and <= 100 (got {})", x));
  }

  /// The action is known and fits the kind's scope; hold_ns >= 0.
  void rule(std::string_view name, breaker_kind k, breaker_action a, int64_t hold_ns) {
    const std::string action_key = fmt::format("{}.action", name);
    if (to_string(a) == "invalid")
      bad(action_key, fmt::format("invalid value {}", static_cast<int>(a)));
    else if (a == breaker_action::safe_mode && default_scope(k) != breaker_scope::venue)
      bad(action_key, fmt::format("safe_mode needs a venue scope ({} trips on a {})",
                                  to_string(k), to_string(default_scope(k))));
    non_negative(fmt::format("{}.hold_ns", name), hold_ns);
  }
};

} // namespace

std::string validate(const breaker_config& c, const std::string& path) {
  checker k{path};
  const auto& cf = c.consecutive_failures;
  k.positive("consecutive_failures.limit", cf.limit);
  k.rule("consecutive_failures", breaker_kind::consecutive_failures, cf.action, cf.hold_ns);

  const auto& er = c.error_rate;
  k.positive("error_rate.limit", er.limit);
  k.positive("error_rate.window_ns", er.window_ns);
  k.rule("error_rate", breaker_kind::error_rate, er.action, er.hold_ns);

  k.positive("stale_book.budget_ns", c.stale_book.budget_ns);
  k.rule("stale_book", breaker_kind::stale_book, c.stale_book.action, c.stale_book.hold_ns);

  k.positive("liveness.budget_ns", c.liveness.budget_ns);
  k.rule("liveness", breaker_kind::liveness, c.liveness.action, c.liveness.hold_ns);

  k.rule("book_consistency", breaker_kind::book_consistency, c.book_consistency.action,
         c.book_consistency.hold_ns);

  k.positive("latency.limit_ns", c.latency.limit_ns);
  k.positive("latency.clear_after_ns", c.latency.clear_after_ns);
  k.rule("latency", breaker_kind::latency, c.latency.action, c.latency.hold_ns);

  const auto& fm = c.fast_market;
  k.percent("fast_market.move_pct", fm.move_pct);
  k.positive("fast_market.window_ns", fm.window_ns);
  k.rule("fast_market", breaker_kind::fast_market, fm.action, fm.hold_ns);

  const auto& dl = c.daily_loss;
  k.non_negative("daily_loss.limit", dl.limit);
  if (dl.day_start_offset_ns < 0 || dl.day_start_offset_ns >= daily_loss_tracker::ns_per_day)
    k.bad("daily_loss.day_start_offset_ns",
          fmt::format("must be >= 0 and < 86400000000000 (one day) (got {})",
                      dl.day_start_offset_ns));
  k.rule("daily_loss", breaker_kind::daily_loss, dl.action, dl.hold_ns);

  k.percent("drawdown.pct", c.drawdown.pct);
  k.rule("drawdown", breaker_kind::drawdown, c.drawdown.action, c.drawdown.hold_ns);

  k.percent("venue_drawdown.pct", c.venue_drawdown.pct);
  k.rule("venue_drawdown", breaker_kind::venue_drawdown, c.venue_drawdown.action,
         c.venue_drawdown.hold_ns);

  k.non_negative("balance_floor.floor", c.balance_floor.floor);
  k.rule("balance_floor", breaker_kind::balance_floor, c.balance_floor.action,
         c.balance_floor.hold_ns);

  k.rule("rate_limit", breaker_kind::rate_limit, c.rate_limit.action, c.rate_limit.hold_ns);
  return std::move(k).str();
}

} // namespace xarb::risk
