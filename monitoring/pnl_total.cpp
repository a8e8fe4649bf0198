#include "monitoring/pnl_total.hpp"

namespace xarb {

void pnl_parts::add(const leg_status& l) {
  realized += l.realized;
  fees += l.fees;
  funding += l.funding;
  funding_accrued += l.funding_accrued;
  unrealized += l.unrealized;
}

pnl_parts pnl_total(const std::vector<pair_status>& pairs) {
  pnl_parts total;
  for (auto& p : pairs)
    for (const auto* l : {&p.leg_a, &p.leg_b})
      if (!l->venue.empty()) // a leg that has not reported yet
        total.add(*l);
  return total;
}

} // namespace xarb
