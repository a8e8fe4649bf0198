#include "monitoring/equity_ring.hpp"

#include <algorithm>

#include "monitoring/pnl_total.hpp"

namespace xarb {

equity_point make_equity_point(timestamp_ns ts, const pnl_parts& total) {
  equity_point p;
  p.ts_ns = ts;
  p.realized = total.realized;
  p.fees = total.fees;
  p.funding = total.funding;
  p.unrealized = total.unrealized;
  p.net = total.net();
  return p;
}

equity_ring::equity_ring(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

equity_point equity_ring::add(equity_point p) {
  p.seq = next_++;
  points_.push_back(p);
  while (points_.size() > capacity_)
    points_.pop_front();
  return p;
}

void equity_ring::seed(std::vector<equity_point> points) {
  if (points.size() > capacity_)
    points.erase(points.begin(), points.end() - static_cast<std::ptrdiff_t>(capacity_));
  bool ordered = true;
  for (std::size_t i = 0; i < points.size(); ++i)
    ordered = ordered && points[i].seq != 0 && (i == 0 || points[i].seq > points[i - 1].seq);
  if (!ordered)
    for (std::size_t i = 0; i < points.size(); ++i)
      points[i].seq = i + 1;
  points_.assign(points.begin(), points.end());
  next_ = points_.empty() ? 1 : points_.back().seq + 1;
}

equity_ring::page equity_ring::newest(uint64_t after, std::size_t limit) const {
  page out;
  out.last_seq = points_.empty() ? 0 : points_.back().seq;
  // Walk back from the newest: O(limit), never the whole ring.
  for (auto i = points_.rbegin(); i != points_.rend() && out.points.size() < limit; ++i) {
    if (i->seq <= after)
      break;
    out.points.push_back(*i);
  }
  std::reverse(out.points.begin(), out.points.end());
  return out;
}

} // namespace xarb
