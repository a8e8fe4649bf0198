#include "venues/sim/account.hpp"

#include <algorithm>

namespace xarb::sim {

namespace {

template <class Venue>
account_report report(const Venue& v, const account_query& q, timestamp_ns now) {
  account_report r;
  r.venue = v.name();
  r.symbol = q.symbol;
  r.pos = v.position_of(q.symbol);
  r.ts = now;
  auto describe = [&](const order_record& rec) {
    venue_order o;
    o.client_id = rec.client_id;
    o.known = true;
    o.open = rec.st == order_record::status::open;
    o.sd = rec.sd;
    o.tif = rec.tif;
    o.px = rec.px;
    o.qty = rec.qty;
    o.filled = rec.filled;
    o.fills = v.fills_of(rec.client_id);
    return o;
  };
  for (const auto& id : q.client_ids) {
    if (const auto* rec = v.order_of(id); rec && rec->symbol == q.symbol) {
      r.orders.push_back(describe(*rec));
    } else {
      venue_order unknown;
      unknown.client_id = id;
      r.orders.push_back(std::move(unknown));
    }
  }
  if (!q.id_prefix.empty()) {
    for (const auto& ro : v.open_orders(q.symbol)) {
      if (!ro.client_id.starts_with(q.id_prefix)
          || std::find(q.client_ids.begin(), q.client_ids.end(), ro.client_id)
               != q.client_ids.end())
        continue;
      if (const auto* rec = v.order_of(ro.client_id))
        r.orphans.push_back(describe(*rec));
    }
  }
  for (const auto& p : v.funding_payments(q.symbol))
    if (p.ts >= q.funding_since)
      r.funding.push_back(p);
  return r;
}

} // namespace

account_report account_of(const venue& v, const account_query& q, timestamp_ns now) {
  return report(v, q, now);
}

account_report account_of(const paper_exchange& v, const account_query& q, timestamp_ns now) {
  return report(v, q, now);
}

} // namespace xarb::sim
