#include "venues/sim/book_builder.hpp"

#include <algorithm>
#include <cmath>

namespace xarb::sim {

namespace {

price on_grid(double value, price step, rounding mode) {
  auto raw = static_cast<int64_t>(std::llround(value * static_cast<double>(decimal_scale)));
  auto px = price::from_raw(std::max<int64_t>(raw, 0)).round_to(step, mode);
  return px ? *px : step;
}

/// true if `a` is a better price than `b` on this side.
bool better(book_side s, price a, price b) {
  return s == book_side::bid ? a > b : a < b;
}

quantity draw_size(const quote_params& p, int32_t depth, rng& r) {
  const double factor = (0.25 + 1.5 * r.uniform()) * (1.0 + 0.04 * depth);
  const double raw = p.level_qty.to_double() * factor * static_cast<double>(decimal_scale);
  auto q = quantity::from_raw(static_cast<int64_t>(std::llround(raw))).round_to(p.lot, rounding::nearest);
  return q && q->is_positive() ? *q : p.lot;
}

} // namespace

std::pair<price, price> touch_prices(double mid, const quote_params& p) {
  const double h = p.half_spread_bps / 1e4;
  price bid = on_grid(mid * (1.0 - h), p.step, rounding::down);
  price ask = on_grid(mid * (1.0 + h), p.step, rounding::up);
  if (!bid.is_positive())
    bid = p.step;
  if (ask <= bid)
    ask = bid + p.step;
  return {bid, ask};
}

void rebuild_side(std::vector<book_level>& levels, book_side which, price best,
                  const quote_params& p, rng& r) {
  std::vector<book_level> next;
  next.reserve(static_cast<std::size_t>(p.levels));
  std::size_t j = 0;
  for (int32_t k = 0; k < p.levels; ++k) {
    const price px = which == book_side::bid ? best - p.step * k : best + p.step * k;
    if (!px.is_positive())
      break;
    while (j < levels.size() && better(which, levels[j].px, px))
      ++j; // levels now outside the window (or better than the new touch) go
    quantity qty;
    if (j < levels.size() && levels[j].px == px && levels[j].qty.is_positive()) {
      qty = levels[j].qty;
      if (r.uniform() < p.refresh_probability)
        qty = draw_size(p, k, r);
    } else {
      qty = draw_size(p, k, r);
    }
    next.push_back({px, qty});
  }
  levels = std::move(next);
}

void diff_side(const std::vector<book_level>& before, const std::vector<book_level>& after,
               book_side which, std::vector<book_level>& out) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < before.size() || j < after.size()) {
    if (j == after.size() || (i < before.size() && better(which, before[i].px, after[j].px))) {
      out.push_back({before[i++].px, quantity::zero()});
    } else if (i == before.size() || better(which, after[j].px, before[i].px)) {
      out.push_back(after[j++]);
    } else {
      if (before[i].qty != after[j].qty)
        out.push_back(after[j]);
      ++i;
      ++j;
    }
  }
}

bool side_is_valid(const std::vector<book_level>& levels, book_side which, price tick) {
  for (std::size_t k = 0; k < levels.size(); ++k) {
    if (!levels[k].qty.is_positive() || !levels[k].px.is_positive()
        || !levels[k].px.is_multiple_of(tick))
      return false;
    if (k > 0 && !better(which, levels[k - 1].px, levels[k].px))
      return false;
  }
  return true;
}

} // namespace xarb::sim
