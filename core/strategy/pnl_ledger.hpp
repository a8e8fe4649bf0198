#pragma once
// Exact P&L of one pair's own sub-position in one contract on one venue.
//
// Convention (the same as the simulated venue's position_ledger, so that a
// pair trading alone on a venue matches the venue to the last 1e-9 unit):
//   - the open position keeps its cost = sum of fill notionals
//     notional(px, qty) (each rounded to nearest 1e-9), not an average;
//   - a reducing fill removes cost pro rata, cost x closed / open, rounded to
//     nearest once (a full close removes all of it, so a round trip realises
//     exactly exit notional - entry notional with no drift);
//   - realized = exit value - removed cost for a long, removed cost - exit
//     value for a short; a flip opens the rest at the fill price;
//   - fees are summed as given (negative = rebate);
//   - avg_entry = cost / |qty| rounded to nearest, for display only.
//
// Funding. A venue settles the whole account's position in a contract; other
// pairs (or the operator) may hold part of it. A payment is attributed
// linearly: share = amount x own_qty_at(ts) / position (rounded to nearest),
// where own_qty_at(ts) counts only fills whose exchange time is *strictly*
// before the settlement time: the simulated venue settles before anything
// else that happens at the same instant (see venues/sim/sim_venue.hpp), and
// a real venue's position snapshot at the funding instant cannot include a
// trade stamped with it either. A fill stamped before a settlement may reach
// us after the payment (fills and income travel separately), so the last
// `settlement_memory` settlements are kept and re-attributed when such a late
// fill arrives; the difference is booked at once. Hence a pair that is the
// only trader of the contract on its venue books exactly the venue's funding.
//
// Pure: no clock reads, no CAF. Everything throws std::overflow_error when a
// figure leaves the fixed-point range, and then changes nothing.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"

namespace xarb::strategy {

/// P&L figures of one ledger (or of a pair: both legs summed). net =
/// realized - fees + funding + unrealized; funding_accrued is an estimate of
/// the current interval's funding, shown apart and NOT part of net.
struct pnl_summary {
  money realized;
  money fees;            ///< paid (positive) or earned (negative)
  money funding;         ///< booked: received (positive) or paid (negative)
  money funding_accrued; ///< estimate, not booked
  money unrealized;
  money net;
  money volume;          ///< sum of traded notionals
  friend bool operator==(const pnl_summary&, const pnl_summary&) = default;
};

/// Field-wise sum (checked: throws std::overflow_error).
pnl_summary& operator+=(pnl_summary& a, const pnl_summary& b);
pnl_summary operator+(pnl_summary a, const pnl_summary& b);

class pnl_ledger {
public:
  /// Fill ids remembered for duplicate detection (FIFO).
  static constexpr std::size_t fill_id_memory = 65536;
  /// Settlements kept for re-attribution on late fills.
  static constexpr std::size_t settlement_memory = 8;
  /// Distinct fill timestamps kept to compute own_qty_at() for a payment
  /// that arrives after later fills. Bounded memory: beyond it the oldest
  /// are dropped, so only a payment delayed past that many distinct fill
  /// times (and before all kept settlements) would be misattributed.
  static constexpr std::size_t fill_ts_memory = 65536;

  pnl_ledger(std::string venue, std::string symbol);

  const std::string& venue() const noexcept { return pos_.venue; }
  const std::string& symbol() const noexcept { return pos_.symbol; }

  /// Books a fill of this venue and symbol. Returns false and changes
  /// nothing for a duplicate fill_id (one of the last fill_id_memory; an
  /// empty fill_id is never a duplicate) or a fill of another venue/symbol.
  /// Throws std::invalid_argument for a negative qty, std::overflow_error on
  /// fixed-point overflow (nothing changed in both cases).
  bool apply_fill(const order_fill& f);

  /// Attributes a funding settlement to this sub-position (see top). Returns
  /// false and changes nothing for another venue/symbol, a settlement already
  /// booked (same ts), or one older than every settlement kept (a replay).
  bool apply_funding(const funding_payment& p);

  /// Remembers the venue's current funding rate for funding_accrued().
  /// Ignores another venue/symbol.
  void on_rate(const funding_rate& r);

  /// Estimate of the not-yet-settled funding of the current interval:
  /// -sign(qty) x round(rate x notional(mark, |qty|)) x elapsed / interval,
  /// elapsed = now - (next_funding_ts - interval) clamped to [0, interval].
  /// Uses the current qty and rate; 0 without a rate or when flat. Never
  /// booked: the venue's payment is.
  money funding_accrued(price mark, timestamp_ns now) const;

  /// qty, avg_entry, realized_pnl, fees, funding, ts (latest event booked).
  const position& get() const noexcept { return pos_; }

  /// Cost of the open position (>= 0; 0 when flat).
  money cost() const noexcept { return cost_; }

  /// Mark-to-market of the open qty against its cost: long notional(mark,
  /// qty) - cost, short cost - notional(mark, |qty|); 0 when flat.
  money unrealized(price mark) const;

  /// realized - fees + funding + unrealized(mark).
  money net(price mark) const;

  uint64_t fill_count() const noexcept { return fills_; }
  /// Whether a fill id is among the last fill_id_memory booked.
  bool has_fill(std::string_view fill_id) const { return ids_.contains(fill_id); }
  /// Time of the latest settlement booked (0: none).
  timestamp_ns last_settlement() const noexcept {
    return settlements_.empty() ? 0 : settlements_.back().ts;
  }
  money volume() const noexcept { return volume_; }

  /// Every figure at once.
  pnl_summary summary(price mark, timestamp_ns now) const;

private:
  struct settlement {
    timestamp_ns ts = 0;
    quantity position; ///< account position the venue settled on
    money amount;      ///< the venue's payment for it
    quantity own;      ///< own_qty_at(ts) as known now
    money share;       ///< what is booked for it
  };

  /// The last fill_id_memory fill ids: a FIFO for eviction plus a hash set
  /// of views into it (a deque never moves its elements on push_back /
  /// pop_front). Copies and moves rebuild the views.
  class recent_ids {
  public:
    recent_ids() = default;
    recent_ids(const recent_ids& o) : fifo_(o.fifo_) { rebuild(); }
    recent_ids(recent_ids&& o) : fifo_(std::move(o.fifo_)) { rebuild(); o.clear(); }
    recent_ids& operator=(const recent_ids& o);
    recent_ids& operator=(recent_ids&& o);
    ~recent_ids() = default;

    bool contains(std::string_view id) const { return set_.contains(id); }
    void add(const std::string& id);
    std::size_t size() const noexcept { return fifo_.size(); }

  private:
    void rebuild();
    void clear() noexcept;
    std::deque<std::string> fifo_;
    std::unordered_set<std::string_view> set_;
  };

  quantity own_qty_at(timestamp_ns ts) const;
  void record_fill_ts(timestamp_ns ts, quantity signed_qty);

  position pos_;
  money cost_;
  money volume_;
  uint64_t fills_ = 0;

  recent_ids ids_;

  // Net signed qty of fills by exchange time, from the oldest settlement a
  // payment may still come for (all of them until settlement_memory are kept).
  std::map<timestamp_ns, quantity> fills_by_ts_;

  std::deque<settlement> settlements_; // oldest first, at most settlement_memory

  std::optional<funding_rate> rate_;
};

} // namespace xarb::strategy
