#pragma once
// The inline half of the risk guard: each pair engine owns one pair_gate
// holding the latest risk_permit, and asks it before every entry and every
// order. No message, no lock of anyone else's: the checks are a few
// comparisons on the pair's own thread (plus the shared rate limiter of the
// venue key, a short uncontended mutex).
//
// Rules (docs/RISK.md):
//   state ACTIVE    every order allowed within the checks below
//         REDUCING  only orders that reduce exposure: shrink the leg's
//                   position (reduce-only) or bring the pair's net delta
//                   back toward zero (a hedge)
//         HALTED    only hedges that bring the net delta back toward zero,
//                   and the reduce-only orders of an explicit flatten
//   entries         need ACTIVE, permit.entries, a valid lease, both books
//                   younger than max_book_age, no fast market, and the new
//                   commitment within the direction's cap
//   every order     tick / lot / minimum size (and minimum notional unless
//                   reduce-only) valid; price within price_band_bps of the
//                   reference; a non-reducing order within
//                   max_order_notional; then the venue key's rate budget
// Without a permit (none received yet) the gate refuses entries when
// `required`, and is open otherwise (pure engine tests, benchmarks).

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "core/risk/breakers.hpp"
#include "core/risk/rate_limits.hpp"
#include "messages/decimal.hpp"
#include "messages/error_code.hpp"
#include "messages/order.hpp"
#include "messages/risk.hpp"

namespace xarb::risk {

/// A leg's order validity rules (canonical units).
struct gate_rules {
  price tick;
  quantity lot;
  quantity min_qty;
  money min_notional;
};

/// One order as the engine is about to send it.
struct order_check {
  int leg = 0;
  side sd = side::buy;
  price px;
  quantity qty;
  bool reduce_only = false;
  bool flatten = false;         ///< part of an explicit flatten
  quantity leg_position;        ///< signed position of the leg now
  quantity pair_net;            ///< projected net delta of the pair (positions + working IOCs)
  price reference;              ///< fat-finger reference (the pair mid)
};

class pair_gate {
public:
  explicit pair_gate(bool required = false) : required_(required) {}

  /// A new permit (older versions are ignored). Returns true if it was applied.
  bool set_permit(const risk_permit& p, timestamp_ns now);
  bool has_permit() const noexcept { return has_permit_; }
  const risk_permit& permit() const noexcept { return permit_; }
  /// The permit's state; ACTIVE without a permit unless required (then HALTED
  /// for entries only: see entry_refusal).
  trade_state state() const noexcept;

  void set_rules(int leg, const gate_rules& r) noexcept { rules_[leg & 1] = r; has_rules_[leg & 1] = true; }
  void set_limiter(int leg, std::shared_ptr<venue_rate_limiter> l) { limiters_[leg & 1] = std::move(l); }
  const std::shared_ptr<venue_rate_limiter>& limiter(int leg) const noexcept { return limiters_[leg & 1]; }

  /// Why a new entry in direction `dir` (0 = ab, 1 = ba) committing
  /// `commit_after` per leg (the whole position after it) is refused now, or
  /// "" when allowed. `age_a`/`age_b`: book ages (ns).
  std::string entry_refusal(int dir, money commit_after, int64_t age_a, int64_t age_b,
                            timestamp_ns now) const;

  /// Checks one order; takes its rate budget when everything else passes.
  /// No error: send it. Error: do not send (the text says why).
  error_info check_order(const order_check& o, timestamp_ns now);
  /// The same checks without taking the rate budget (it must be there now):
  /// both legs of a simultaneous pair of orders are checked before either goes.
  error_info precheck(const order_check& o, timestamp_ns now) const;
  /// Whether the order reduces exposure (see the header comment).
  static bool reduces_position(const order_check& o) noexcept;
  static bool reduces_net(const order_check& o) noexcept;

  /// Every book update of `leg`: its mid, for the fast-market detector. The
  /// market is fast when BOTH venues moved more than fast_move_pct within
  /// the window: one venue alone moving is a dislocation (what the pair
  /// trades), both moving is the market. Entries freeze for fast_freeze_ns
  /// after the last such observation.
  void on_mid(int leg, double mid, timestamp_ns now);
  /// Entries frozen by the fast-market rule.
  bool fast_market(timestamp_ns now) const noexcept { return now < fast_until_; }
  /// Both legs moved more than the limit within the window right now.
  bool fast_now() const noexcept { return fast_now_; }
  double fast_move_pct() const noexcept { return fast_move_; }

  /// A veto of new entries decided by the pair itself (issue 5: the order
  /// journal failed). While set, entry_refusal() returns "storage: <reason>"
  /// whatever the permit says, and check_order()/precheck() refuse every
  /// order that reduces neither the leg's position (reduce-only) nor the
  /// pair's net delta (a hedge), as in REDUCING: hedges, unwinds, closes and
  /// flattens go on, the rest of an entry under way stops. Cleared by
  /// clear_local_block().
  void set_local_block(std::string reason) {
    local_block_ = true;
    local_reason_ = std::move(reason);
  }
  void clear_local_block() noexcept {
    local_block_ = false;
    local_reason_.clear();
  }
  bool local_block() const noexcept { return local_block_; }
  const std::string& local_block_reason() const noexcept { return local_reason_; }

  /// The pair's own REDUCING (issue 5: the venue disagrees with the journal
  /// after a restart). While set, state() is at least REDUCING, so the engine
  /// closes the position; entries are refused ("reconciliation: <reason>")
  /// and orders are held to the REDUCING rule whatever the permit says.
  /// Cleared by clear_hold().
  void set_hold(std::string reason) {
    hold_ = true;
    hold_reason_ = std::move(reason);
  }
  void clear_hold() noexcept {
    hold_ = false;
    hold_reason_.clear();
  }
  bool hold() const noexcept { return hold_; }
  const std::string& hold_reason() const noexcept { return hold_reason_; }

  uint64_t refused_orders() const noexcept { return refused_; }
  uint64_t rate_limited() const noexcept { return rate_limited_; }

private:
  error_info rules_check(const order_check& o) const;

  bool required_;
  bool local_block_ = false;
  std::string local_reason_;
  bool hold_ = false;
  std::string hold_reason_;
  bool has_permit_ = false;
  risk_permit permit_;
  std::array<gate_rules, 2> rules_{};
  std::array<bool, 2> has_rules_{false, false};
  std::array<std::shared_ptr<venue_rate_limiter>, 2> limiters_;
  std::array<fast_market_detector, 2> fast_{fast_market_detector{0.5, 1'000'000'000},
                                           fast_market_detector{0.5, 1'000'000'000}};
  bool fast_now_ = false;
  double fast_cfg_pct_ = 0;
  int64_t fast_cfg_window_ = 0;
  timestamp_ns fast_until_ = 0;
  double fast_move_ = 0;
  uint64_t refused_ = 0;
  uint64_t rate_limited_ = 0;
};

} // namespace xarb::risk
