#pragma once
// Turns a model mid into an exact L2 book and diffs books into deltas.
//
// Levels sit on a fixed price grid (multiples of `step`, itself a multiple of
// the tick) so that a small move of the mid changes only the touch and the
// two ends of the book, which keeps deltas small like a real feed. The best
// bid is floor(mid x (1 - half_spread)) and the best ask ceil(mid x (1 +
// half_spread)) on that grid, at least one step apart. Sizes are random
// around `level_qty`, growing slowly with depth, on the lot, >= 1 lot.

#include <cstdint>
#include <utility>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "venues/sim/prng.hpp"

namespace xarb::sim {

struct quote_params {
  price tick;                 ///< canonical
  price step;                 ///< distance between levels, a multiple of tick
  quantity lot;               ///< canonical
  quantity level_qty;         ///< typical level size
  int32_t levels = 25;        ///< per side
  double half_spread_bps = 1;
  double refresh_probability = 0.15; ///< chance an existing level is redrawn per update
};

/// Best bid and ask for `mid` (quote per canonical unit) on the step grid.
std::pair<price, price> touch_prices(double mid, const quote_params& p);

/// Rebuilds one best-first side so that it holds the `levels` grid prices
/// starting at `best`. Levels already there keep their size unless redrawn
/// (refresh_probability); new or emptied ones get a fresh size. This is how
/// consumed liquidity replenishes: at the next update.
void rebuild_side(std::vector<book_level>& levels, book_side which, price best,
                  const quote_params& p, rng& r);

/// Appends the changes from `before` to `after` (both best-first): levels
/// whose size changed or that are new, then {px, 0} for levels removed, in
/// best-first price order.
void diff_side(const std::vector<book_level>& before, const std::vector<book_level>& after,
               book_side which, std::vector<book_level>& out);

/// Sorted best-first, strictly monotonic, positive sizes, on tick.
bool side_is_valid(const std::vector<book_level>& levels, book_side which, price tick);

} // namespace xarb::sim
