#include "core/strategy/order_tracker.hpp"

#include <utility>

namespace xarb::strategy {

order_tracker::order_tracker(std::string pair_id, timestamp_ns ambiguous_after_ns)
  : pair_id_(std::move(pair_id)), ambiguous_after_ns_(ambiguous_after_ns) {
}

void order_tracker::move(tracked_order& o, order_state to, timestamp_ns ts,
                         std::string reason, std::vector<order_update>& out) {
  order_update u;
  u.pair_id = pair_id_;
  u.client_id = o.intent.client_id;
  u.venue = o.intent.venue;
  u.symbol = o.intent.symbol;
  u.sd = o.intent.sd;
  u.tif = o.intent.tif;
  u.purpose = o.purpose;
  u.px = o.intent.px;
  u.qty = o.intent.qty;
  u.filled = o.filled;
  u.fees = o.fees;
  u.from = o.state;
  u.to = to;
  u.reason = reason;
  u.ts = ts;
  if (!reason.empty())
    o.reason = std::move(reason);
  if (is_terminal(to) && !is_terminal(o.state))
    o.closed_at = ts;
  o.state = to;
  out.push_back(std::move(u));
}

tracked_order& order_tracker::create(order_intent intent, int leg, order_purpose purpose,
                                     timestamp_ns timeout_ns,
                                     std::vector<order_update>& out) {
  tracked_order o;
  o.leg = leg;
  o.purpose = purpose;
  o.created = intent.ts;
  o.deadline = intent.ts + timeout_ns;
  o.intent = std::move(intent);
  auto id = o.intent.client_id;
  auto [it, inserted] = orders_.emplace(std::move(id), std::move(o));
  auto& ref = it->second;
  // Creation is recorded as intent -> intent: the write-ahead point.
  move(ref, order_state::intent, ref.created, "", out);
  return ref;
}

tracked_order& order_tracker::restore(tracked_order o) {
  auto id = o.intent.client_id;
  return orders_.try_emplace(std::move(id), std::move(o)).first->second;
}

void order_tracker::mark_sent(const std::string& client_id, timestamp_ns now,
                              std::vector<order_update>& out) {
  if (auto* o = find(client_id); o && o->state == order_state::intent)
    move(*o, order_state::sent, now, "", out);
}

tracked_order* order_tracker::find(const std::string& client_id) {
  auto i = orders_.find(client_id);
  return i == orders_.end() ? nullptr : &i->second;
}

tracked_order* order_tracker::on_ack(const order_ack& a, std::vector<order_update>& out) {
  auto* o = find(a.client_id);
  if (o && o->state == order_state::sent)
    move(*o, order_state::acked, a.ts, "", out);
  return o;
}

tracked_order* order_tracker::on_fill(const order_fill& f, std::vector<order_update>& out) {
  auto* o = find(f.client_id);
  if (!o)
    return nullptr;
  o->filled += f.qty;
  o->fees += f.fee;
  if (o->state == order_state::expired || is_terminal(o->state)) {
    // A late fill: booked, recorded, the state stays (expired orders get
    // their final word from a cancel confirmation or the ambiguity bound).
    move(*o, o->state, f.ts, "late fill", out);
    if (o->state == order_state::expired && !o->remaining().is_positive())
      move(*o, order_state::filled, f.ts, "", out);
    return o;
  }
  move(*o, o->remaining().is_positive() ? order_state::partially_filled : order_state::filled,
       f.ts, "", out);
  return o;
}

tracked_order* order_tracker::on_reject(const order_reject& r,
                                        std::vector<order_update>& out) {
  auto* o = find(r.client_id);
  if (!o || is_terminal(o->state))
    return o;
  // A reject of our *cancel* (the order is already gone) is not a reject of
  // the order: the venue answers unknown_order after it filled or expired.
  if (r.code == error_code::unknown_order && o->cancel_sent != 0) {
    if (!o->remaining().is_positive())
      move(*o, order_state::filled, r.ts, "", out);
    return o;
  }
  move(*o, order_state::rejected, r.ts,
       std::string(to_string(r.code)) + (r.reason.empty() ? "" : ": " + r.reason), out);
  return o;
}

tracked_order* order_tracker::on_cancelled(const order_cancelled& c,
                                           std::vector<order_update>& out) {
  auto* o = find(c.client_id);
  if (!o || is_terminal(o->state))
    return o;
  move(*o, o->remaining().is_positive() ? order_state::cancelled : order_state::filled,
       c.ts, c.reason, out);
  return o;
}

void order_tracker::mark_cancel_sent(tracked_order& o, timestamp_ns now) {
  if (o.cancel_sent == 0)
    o.cancel_sent = now;
}

std::vector<tracked_order*> order_tracker::expire(timestamp_ns now,
                                                  std::vector<order_update>& out) {
  std::vector<tracked_order*> expired;
  for (auto& [id, o] : orders_) {
    if (is_terminal(o.state) || o.state == order_state::expired || o.state == order_state::intent)
      continue;
    if (now >= o.deadline) {
      move(o, order_state::expired, now, o.resting() ? "maker timeout" : "leg timeout", out);
      expired.push_back(&o);
    }
  }
  return expired;
}

bool order_tracker::may_fill(const tracked_order& o, timestamp_ns now) const noexcept {
  if (is_terminal(o.state) || !o.remaining().is_positive())
    return false;
  if (o.state == order_state::expired)
    return now - o.deadline < ambiguous_after_ns_;
  return true;
}

void order_tracker::prune(timestamp_ns now, timestamp_ns keep_ns) {
  std::erase_if(orders_, [&](const auto& kv) {
    const auto& o = kv.second;
    if (is_terminal(o.state))
      return now - o.closed_at > keep_ns;
    if (o.state == order_state::expired)
      return now - o.deadline > ambiguous_after_ns_ + keep_ns;
    return false;
  });
}

} // namespace xarb::strategy
