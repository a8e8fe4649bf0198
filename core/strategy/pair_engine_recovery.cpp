// pair_engine: recovery after a restart and reconciliation with the venues
// (issue 5; core/strategy/recovery.hpp, docs/STORAGE.md "Recovery").
#include "core/strategy/pair_engine.hpp"
#include "core/strategy/pair_engine_detail.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

namespace xarb::strategy {

using namespace engine_detail;

namespace {

bool may_still_work(order_state s) noexcept {
  return !is_terminal(s);
}

} // namespace

void pair_engine::restore(const pair_journal& j, timestamp_ns now, engine_output& out) {
  // Ledgers: every booking in journal order reproduces the figures exactly
  // (the ledger is a pure function of its bookings). Track when the current
  // position was opened, for the holding time and the round trip's P&L.
  uint64_t fills = 0;
  uint64_t payments = 0;
  // What the journal booked per order: a crash between a fill's write-ahead
  // and its order's transition leaves the order's last transition behind.
  std::unordered_map<std::string, std::pair<quantity, money>> booked_of;
  for (const auto& b : j.bookings) {
    if (const auto* f = std::get_if<order_fill>(&b)) {
      const int leg = leg_of(f->venue);
      if (leg < 0 || f->symbol != cfg_.symbol)
        continue;
      const bool was_flat = position(0).is_zero() && position(1).is_zero();
      if (!legs_[leg].ledger.apply_fill(*f))
        continue;
      ++fills;
      auto& sum = booked_of[f->client_id];
      sum.first += f->qty;
      sum.second += f->fee;
      if (was_flat) {
        restored_open_ts_ = f->ts;
        restored_rt_base_ = booked_pnl();
      }
    } else {
      const auto& p = std::get<funding_payment>(b);
      const int leg = leg_of(p.venue);
      if (leg >= 0 && p.symbol == cfg_.symbol && legs_[leg].ledger.apply_funding(p))
        ++payments;
    }
  }
  // Orders that may still work: back into the tracker as they were, with a
  // fresh deadline (the venue's answer decides their fate).
  std::size_t restored = 0;
  for (const auto& u : j.open_orders) {
    if (!may_still_work(u.to))
      continue;
    const int leg = leg_of(u.venue);
    if (leg < 0)
      continue;
    tracked_order o;
    o.intent.client_id = u.client_id;
    o.intent.venue = u.venue;
    o.intent.symbol = u.symbol;
    o.intent.sd = u.sd;
    o.intent.tif = u.tif;
    o.intent.px = u.px;
    o.intent.qty = u.qty;
    o.intent.ts = u.ts;
    o.leg = leg;
    o.purpose = u.purpose;
    // An intent journaled before a crash may have left: it is "sent" until
    // the venue says otherwise.
    o.state = u.to == order_state::intent ? order_state::sent : u.to;
    o.filled = u.filled;
    o.fees = u.fees;
    if (const auto it = booked_of.find(u.client_id);
        it != booked_of.end() && it->second.first > o.filled) {
      o.filled = it->second.first;
      o.fees = it->second.second;
    }
    o.created = u.ts;
    o.deadline = now + (o.resting() ? eff_.maker_timeout_ns : eff_.leg_timeout_ns);
    auto& kept = orders_.restore(std::move(o));
    if (!is_terminal(kept.state) && !kept.remaining().is_positive()) {
      // Its fills were journaled, its end was not: it is over.
      orders_.close(kept, order_state::filled, now, "filled (journal)", out.updates);
      continue;
    }
    ++restored;
  }
  reconciling_ = {true, true};
  adopt_pending_ = !position(0).is_zero() || !position(1).is_zero();
  stats_.fills += fills;
  if (fills + payments + restored > 0)
    note(severity::info,
         fmt::format("restored from the journal: {} fills, {} funding payments, {} orders "
                     "that may still work; positions {} {} / {} {}; waiting for the venues",
                     fills, payments, restored, cfg_.venue_a, position(0).to_string(),
                     cfg_.venue_b, position(1).to_string()),
         now, out);
}

account_query pair_engine::reconcile_query(int leg, timestamp_ns now) {
  leg &= 1;
  account_query q;
  q.symbol = cfg_.symbol;
  q.id_prefix = ids_.pair_prefix();
  const auto& venue = legs_[leg].ledger.venue();
  // Expired orders still within the ambiguity bound are asked about too
  // (restored ones have a fresh deadline): only the venue knows whether
  // they filled.
  orders_.for_each_working(now, [&](tracked_order& o) {
    if (o.intent.venue == venue)
      q.client_ids.push_back(o.intent.client_id);
  });
  std::sort(q.client_ids.begin(), q.client_ids.end());
  const timestamp_ns last = legs_[leg].ledger.last_settlement();
  q.funding_since = last > 0 ? last + 1 : 0;
  return q;
}

std::vector<order_fill> pair_engine::missing_fills(int leg, const account_report& r) const {
  leg &= 1;
  std::vector<order_fill> out;
  std::unordered_set<std::string> seen;
  const auto& ledger = legs_[leg].ledger;
  auto consider = [&](const venue_order& o) {
    for (const auto& f : o.fills)
      if (f.venue == ledger.venue() && f.symbol == ledger.symbol()
          && !ledger.has_fill(f.fill_id) && seen.insert(f.fill_id).second)
        out.push_back(f);
  };
  for (const auto& o : r.orders)
    consider(o);
  for (const auto& o : r.orphans)
    consider(o);
  std::stable_sort(out.begin(), out.end(),
                   [](const order_fill& a, const order_fill& b) { return a.ts < b.ts; });
  return out;
}

reconcile_result pair_engine::reconcile(int leg, const account_report& r,
                                        std::size_t recovered, timestamp_ns now,
                                        engine_output& out) {
  leg &= 1;
  reconcile_result res;
  res.fills_recovered = recovered;
  auto& l = legs_[leg];
  const auto& venue = l.ledger.venue();
  if (r.venue != venue || r.symbol != cfg_.symbol) {
    res.agreed = false;
    res.detail = fmt::format("account report for {} {} is not leg {}'s ({} {}): ignored",
                             r.venue, r.symbol, leg, venue, cfg_.symbol);
    note(severity::error, res.detail, now, out);
    return res;
  }
  // Orders: the venue's word closes what it no longer works.
  for (const auto& vo : r.orders) {
    auto* o = orders_.find(vo.client_id);
    if (!o || is_terminal(o->state))
      continue;
    if (!vo.known) {
      orders_.close(*o, order_state::rejected, now, "unknown at the venue (reconciliation)",
                    out.updates);
      ++res.orders_closed;
    } else if (!vo.open) {
      orders_.close(*o, o->remaining().is_positive() ? order_state::cancelled
                                                     : order_state::filled,
                    now, "closed at the venue (reconciliation)", out.updates);
      ++res.orders_closed;
    } else if (o->state == order_state::sent) {
      orders_.close(*o, order_state::acked, now, "open at the venue (reconciliation)",
                    out.updates);
    }
  }
  // Orphans: open orders of this pair (any incarnation) the books do not
  // know. Nobody manages them: cancel.
  for (const auto& vo : r.orphans) {
    if (!vo.open || orders_.find(vo.client_id))
      continue;
    out.cancels.push_back(cancel_request{vo.client_id, venue, cfg_.symbol, now});
    ++res.orphans_cancelled;
    note(severity::warning,
         fmt::format("orphan order {} on {} ({} {} @ {}, {} filled) not in the journal: "
                     "cancelling",
                     vo.client_id, venue, to_string(vo.sd), vo.qty.to_string(),
                     vo.px.to_string(), vo.filled.to_string()),
         now, out);
  }
  // Funding the books missed (paid while the node was down).
  for (const auto& p : r.funding) {
    if (l.ledger.apply_funding(p)) {
      res.to_journal.emplace_back(p);
      note(severity::info,
           fmt::format("funding {} on {} at {} recovered from the venue", p.amount.to_string(),
                       venue, p.ts),
           now, out);
    }
  }
  // Position: comparable only when no other pair trades the contract on
  // this venue (the venue reports the whole account's position).
  const quantity mine = position(leg);
  if (cfg_.sole_owner[leg] && r.pos.qty != mine) {
    res.agreed = false;
    const quantity diff = r.pos.qty - mine;
    res.detail = fmt::format("{} {}: the venue holds {}, the journal {} (difference {})",
                             venue, cfg_.symbol, r.pos.qty.to_string(), mine.to_string(),
                             diff.to_string());
    // The venue is the truth: adopt its position with an adjustment fill at
    // its average entry (so both agree from here), then reduce.
    order_fill adj;
    adj.fill_id = fmt::format("reconcile-{}-{}", venue, now);
    adj.venue = venue;
    adj.symbol = cfg_.symbol;
    adj.sd = diff.is_positive() ? side::buy : side::sell;
    adj.qty = diff.abs();
    adj.px = r.pos.avg_entry.is_positive() ? r.pos.avg_entry : ref_price(leg);
    adj.liq = liquidity::taker;
    adj.ts = now;
    if (adj.px.is_positive() && l.ledger.apply_fill(adj)) {
      res.to_journal.emplace_back(adj);
      adopt_pending_ = true;
    }
    gate_.set_hold(res.detail);
    note(severity::critical,
         fmt::format("reconciliation: {}: adopted the venue's position, pair REDUCING until "
                     "flat (or an operator resume)",
                     res.detail),
         now, out);
    risk_hold(now, out);
  } else {
    res.detail = fmt::format("{} {}: position {} {}", venue, cfg_.symbol, mine.to_string(),
                             cfg_.sole_owner[leg] ? "agrees with the venue"
                                                  : "(shared contract: orders and fills "
                                                    "reconciled)");
  }
  reconciling_[leg] = false;
  note(res.agreed ? severity::info : severity::critical,
       fmt::format("reconciled {}: {} fills recovered, {} orders closed, {} orphans "
                   "cancelled; {}",
                   venue, res.fills_recovered, res.orders_closed, res.orphans_cancelled,
                   res.detail),
       now, out);
  evaluate(now, out);
  return res;
}

void pair_engine::adopt_positions(timestamp_ns now, engine_output& out) {
  // Needs both legs' rules and prices: the hedged part is judged against the
  // tradable minimum.
  if (!leg_usable(0, now) || !leg_usable(1, now))
    return;
  adopt_pending_ = false;
  const quantity held = hedged_part(position(0), position(1));
  target_a_ = held;
  closing_ = false;
  if (held.is_zero())
    return; // an orphan leg or dust: the hedge step deals with it
  dir_ = held.is_negative() ? 0 : 1;
  opened_at_ = restored_open_ts_ > 0 ? restored_open_ts_ : now;
  rt_base_ = restored_open_ts_ > 0 ? restored_rt_base_ : booked_pnl();
  const price mid = pair_mid(legs_[0].book, legs_[1].book);
  const quantity one = tranche_size(mid);
  std::size_t n = 1;
  if (one.is_positive())
    n = static_cast<std::size_t>((held.abs().raw() + one.raw() - 1) / one.raw());
  tranches_ = std::clamp<std::size_t>(n, 1, std::max<std::size_t>(1, eff_.max_tranches));
  note(severity::warning,
       fmt::format("adopted the recovered position: {} {} / {} {}, {} tranche(s) {}", cfg_.venue_a,
                   position(0).to_string(), cfg_.venue_b, position(1).to_string(), tranches_,
                   dir_name(dir_)),
       now, out);
  if (gate_.state() != trade_state::active)
    risk_hold(now, out);
}

} // namespace xarb::strategy
