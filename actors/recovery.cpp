#include "actors/recovery.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <unordered_map>

#include "actors/storage/store.hpp"

namespace xarb {

expected<strategy::pair_journal> load_pair_journal(const storage::store& db,
                                                   const std::string& pair_id) {
  using storage::family;
  constexpr auto all_from = std::numeric_limits<timestamp_ns>::min();
  constexpr auto all_to = std::numeric_limits<timestamp_ns>::max();
  strategy::pair_journal j;
  // Orders: the latest transition of each. Keys sort by the transition's own
  // time, which mixes venue and local clocks; the sequence is the write
  // order (it never repeats, even across restarts), so it decides.
  struct last_seen {
    uint64_t seq = 0;
    order_update u;
  };
  std::unordered_map<std::string, last_seen> latest;
  auto err = db.scan(family::orders, all_from, all_to, [&](const storage::stored_record& r) {
    const auto* u = std::get_if<order_update>(&r.value);
    if (!u || u->pair_id != pair_id)
      return true;
    j.last_order_ts = std::max(j.last_order_ts, u->ts);
    auto& slot = latest[u->client_id];
    if (r.seq >= slot.seq)
      slot = last_seen{r.seq, *u};
    return true;
  });
  if (err)
    return err;
  for (auto& [id, slot] : latest)
    if (!is_terminal(slot.u.to))
      j.open_orders.push_back(std::move(slot.u));
  std::sort(j.open_orders.begin(), j.open_orders.end(),
            [](const order_update& a, const order_update& b) { return a.ts < b.ts; });
  err = db.scan(family::fills, all_from, all_to, [&](const storage::stored_record& r) {
    if (const auto* f = std::get_if<storage::fill_record>(&r.value)) {
      if (f->pair_id == pair_id)
        j.bookings.emplace_back(f->fill);
    } else if (const auto* p = std::get_if<storage::funding_record>(&r.value)) {
      if (p->pair_id == pair_id)
        j.bookings.emplace_back(p->payment);
    }
    return true;
  });
  if (err)
    return err;
  return j;
}

} // namespace xarb
