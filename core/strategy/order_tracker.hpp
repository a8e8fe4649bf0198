#pragma once
// The orders of one pair, each an explicit state machine (messages/
// strategy.hpp: intent -> sent -> acked -> partially_filled -> filled /
// cancelled / rejected / expired). Every transition is appended to the
// caller's update list, so the journal and the UI see each one.
//
// Fills are facts: a fill is counted on its order whatever state the order
// is in (a fill after our cancel, or after the leg timeout expired the
// order, is still a fill). Position and P&L come from fills only (see
// pnl_ledger); this class answers "what may still fill" so the engine never
// sends a second order for quantity that is already working.

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "messages/order.hpp"
#include "messages/strategy.hpp"

namespace xarb::strategy {

struct tracked_order {
  order_intent intent;
  int leg = 0;                   ///< 0 = A, 1 = B
  order_purpose purpose = order_purpose::open;
  order_state state = order_state::intent;
  quantity filled;
  money fees;
  timestamp_ns created = 0;
  timestamp_ns deadline = 0;     ///< leg / maker timeout
  timestamp_ns cancel_sent = 0;  ///< 0 = no cancel requested
  timestamp_ns closed_at = 0;    ///< when it reached a terminal state
  /// Why we asked for the cancel (the engine's business: requote, abort ...).
  uint8_t cancel_kind = 0;
  /// A cancel the venue refused (rate limited) goes out again at this time.
  timestamp_ns cancel_retry = 0;
  std::string reason;

  quantity remaining() const noexcept { return intent.qty - filled; }
  /// Remaining signed quantity (buy +, sell -) that may still fill.
  quantity working_signed() const noexcept {
    return intent.sd == side::buy ? remaining() : -remaining();
  }
  bool resting() const noexcept { return intent.tif != time_in_force::ioc; }
};

class order_tracker {
public:
  order_tracker(std::string pair_id, timestamp_ns ambiguous_after_ns);

  /// Records a new order in state `intent` (deadline = now + timeout).
  tracked_order& create(order_intent intent, int leg, order_purpose purpose,
                        timestamp_ns timeout_ns, std::vector<order_update>& out);

  /// Puts back an order a previous incarnation journaled (recovery, issue 5),
  /// as it was: no transition is recorded. An id already known is left as is.
  tracked_order& restore(tracked_order o);

  /// Closes an order on the venue's word (reconciliation): -> `to`, recorded.
  void close(tracked_order& o, order_state to, timestamp_ns ts, std::string reason,
             std::vector<order_update>& out) {
    move(o, to, ts, std::move(reason), out);
  }

  /// intent -> sent (the order has been handed to the venue session).
  void mark_sent(const std::string& client_id, timestamp_ns now,
                 std::vector<order_update>& out);

  // Venue answers. Each returns the order, or nullptr for an unknown id.
  tracked_order* on_ack(const order_ack& a, std::vector<order_update>& out);
  tracked_order* on_fill(const order_fill& f, std::vector<order_update>& out);
  tracked_order* on_reject(const order_reject& r, std::vector<order_update>& out);
  tracked_order* on_cancelled(const order_cancelled& c, std::vector<order_update>& out);

  /// We asked for a cancel (no state change: the venue decides).
  void mark_cancel_sent(tracked_order& o, timestamp_ns now);

  /// Non-terminal orders whose deadline passed: -> expired (the caller sends
  /// the cancels). Returns them.
  std::vector<tracked_order*> expire(timestamp_ns now, std::vector<order_update>& out);

  /// Drops terminal orders closed more than `keep_ns` ago and expired orders
  /// older than the ambiguity bound (their fate is then the venue's and
  /// reconciliation's business; a late fill is still booked by the caller).
  void prune(timestamp_ns now, timestamp_ns keep_ns);

  /// Orders that may still fill (not terminal; expired ones only until the
  /// ambiguity bound after their expiry).
  template <class F>
  void for_each_working(timestamp_ns now, F&& f) {
    for (auto& [id, o] : orders_)
      if (may_fill(o, now))
        f(o);
  }

  tracked_order* find(const std::string& client_id);
  std::size_t size() const noexcept { return orders_.size(); }
  bool may_fill(const tracked_order& o, timestamp_ns now) const noexcept;

private:
  void move(tracked_order& o, order_state to, timestamp_ns ts, std::string reason,
            std::vector<order_update>& out);

  std::string pair_id_;
  timestamp_ns ambiguous_after_ns_;
  std::unordered_map<std::string, tracked_order> orders_;
};

} // namespace xarb::strategy
