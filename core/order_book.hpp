#pragma once
// L2 order book of one instrument: price levels with aggregated quantity.
//
// Structure (core/book_ladder.hpp): each side is an array over a window of
// price ticks around the top of the book (slot = distance from the window's
// top in ticks, a bitmap of occupied slots, the index of the best slot), plus
// a small sorted vector for levels deeper than the window. The tick is learned
// from the data (gcd of level distances), so no instrument metadata is needed.
//  + a level update is O(1) without branches that depend on the depth: one
//    multiply-shift to find the slot, a store, a bitmap bit; a new best is a
//    min(); only removing the best scans the bitmap (usually within one word);
//  + reading the best is O(1); walks (VWAP, depth, snapshots) skip empty slots
//    64 at a time through the bitmap;
//  - memory is W x 8 bytes per side (W = 64..4096, twice the span of the
//    book, e.g. 8 KiB for 500 dense levels) instead of 16 bytes per level;
//  - re-centring (price walked out of the head room, or the best decayed into
//    the bottom quarter) and tick refinement (a price off the learned grid)
//    rebuild the side in O(W + levels); both are rare in a live feed;
//  - a very sparse book (levels thousands of ticks apart) keeps most levels
//    in the sorted vector, where updates cost a binary search and a memmove.
// Alternative considered: a sorted vector per side with the best at the back
// (no tick, compact), but an update k levels deep moves k elements and its
// search branches on the depth; measured 43-59 ns per update on the benchmark
// workload versus the <= 10 ns target (docs/BENCHMARKS.md).
//
// Validity: prices > 0, quantities > 0 inside the book. apply() checks
// sequencing and integrity and reports errors; after any error the book is
// !synced() and the caller must resync from a snapshot. set_level() is the raw,
// unchecked primitive (simulator, benchmarks, apply itself).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/book_ladder.hpp"
#include "messages/decimal.hpp"
#include "messages/error_code.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"

namespace xarb {

class order_book {
public:
  order_book() = default;

  // -- feeding ---------------------------------------------------------------

  /// Replaces the whole content. Validates: bids strictly descending and asks
  /// strictly ascending (best first, so no duplicate prices), every price and
  /// quantity > 0, best bid < best ask (either side may be empty). On error
  /// (parse_error for malformed levels, crossed_book) the book is cleared and
  /// !synced(). On success: synced, seq() = s.seq, last_update() = s.exchange_ts.
  error_code apply(const book_snapshot& s);

  /// Applies an incremental update; each level replaces the quantity at its
  /// price, qty 0 removes the level (removing an absent level is a no-op).
  /// Rules, checked in this order (`cur` = seq()):
  ///  1. book not synced                          -> book_not_synced
  ///  2. d.seq <= cur (stale / duplicate)         -> ignored, returns none
  ///  3. d.prev_seq != 0: requires d.prev_seq == cur (OKX prevSeqId, Binance
  ///     futures `pu`, GRVT, Lighter begin_nonce)
  ///     else d.first_seq != 0: requires d.first_seq <= cur + 1 (overlap
  ///     allowed, Binance `U <= lastUpdateId + 1 <= u`; d.seq >= cur + 1
  ///     already holds by rule 2)
  ///     else (both 0): requires d.seq == cur + 1 (Bybit `u`)
  ///     violation                                -> sequence_gap
  ///  4. a level with price <= 0 or qty < 0      -> parse_error (nothing applied)
  ///  5. levels applied; seq() = d.seq, last_update() = d.exchange_ts
  ///  6. best bid >= best ask                     -> crossed_book
  /// Any error leaves the book !synced() (contents kept as they were at the
  /// error, for inspection only). Note for Binance futures: the first event
  /// after the REST snapshot does not satisfy `pu == lastUpdateId`, so the
  /// codec passes prev_seq = 0 for that one event (U/u overlap rule applies).
  /// Venues without sequence numbers send snapshots (Hyperliquid) or must
  /// number their deltas.
  error_code apply(const book_delta& d);

  bool synced() const noexcept { return synced_; }
  uint64_t seq() const noexcept { return seq_; }

  /// Empties both sides; the book becomes !synced(), seq() and last_update() 0.
  void clear() noexcept;

  /// Raw level update without any validation or crossed check (qty 0 removes;
  /// a negative qty or a price <= 0 is ignored). Returns whether the best
  /// level of that side changed (price or quantity). Does not touch
  /// seq/synced/last_update.
  bool set_level(book_side s, price px, quantity qty) {
    const int64_t p = px.raw();
    if (p <= 0)
      return false;
    // Branch-free side selection (feeds alternate sides unpredictably):
    // ask = 1 negates the price into its key.
    const auto ask = static_cast<int64_t>(s == book_side::ask);
    return sides_[ask].set((p ^ -ask) + ask, qty.raw());
  }

  // -- reading ---------------------------------------------------------------

  std::optional<book_level> best_bid() const noexcept {
    if (sides_[0].empty())
      return std::nullopt;
    const auto e = sides_[0].best();
    return book_level{price::from_raw(e.key), quantity::from_raw(e.qty)};
  }
  std::optional<book_level> best_ask() const noexcept {
    if (sides_[1].empty())
      return std::nullopt;
    const auto e = sides_[1].best();
    return book_level{price::from_raw(-e.key), quantity::from_raw(e.qty)};
  }

  /// Number of levels of a side: O(W/64) (bitmap popcount), not for the
  /// per-update path.
  std::size_t levels(book_side s) const noexcept {
    return sides_[s == book_side::bid ? 0 : 1].size();
  }

  /// i-th best level of a side (0 = best); a zero level when i >= levels(s).
  /// O(i + W/64): fine for display, use to_snapshot() for many levels.
  book_level level(book_side s, std::size_t i) const noexcept;

  /// Result of walking the book for a taker order of a given size.
  struct fill_estimate {
    quantity filled;      ///< min(requested, available)
    price vwap;           ///< exact average price of `filled`, nearest nano
    price worst;          ///< last (worst) level touched
    money notional;       ///< sum of px x qty over the walk, nearest nano
    bool complete = false; ///< filled == requested (and requested > 0)
  };

  /// Walks the opposite side for a taker: buy takes asks, sell takes bids.
  /// Sums are exact (128-bit); the notional saturates at money::max() in the
  /// (unrealistic) case it exceeds the fixed-point range. qty <= 0 or an
  /// empty side gives an all-zero, incomplete estimate.
  fill_estimate estimate(side taker, quantity qty) const noexcept;

  /// Total quantity of the levels of side `s` whose price is within
  /// `distance` (inclusive) of that side's best price. 0 when empty or
  /// distance < 0. Saturates at quantity::max().
  quantity depth_within(book_side s, price distance) const noexcept;

  /// Writes up to `max_levels` best-first levels per side, seq and
  /// exchange_ts (= last_update()) into `out`; venue, symbol and recv_ts are
  /// left untouched.
  void to_snapshot(book_snapshot& out, std::size_t max_levels) const;

  /// exchange_ts of the last applied snapshot or delta.
  timestamp_ns last_update() const noexcept { return last_update_; }

  /// Learned tick of a side (raw nanos) and its window width: diagnostics.
  uint64_t learned_tick(book_side s) const noexcept {
    return sides_[s == book_side::bid ? 0 : 1].tick();
  }
  uint32_t window_width(book_side s) const noexcept {
    return sides_[s == book_side::bid ? 0 : 1].width();
  }

private:
  bool crossed() const noexcept {
    return !sides_[0].empty() && !sides_[1].empty()
           && sides_[0].best().key >= -sides_[1].best().key;
  }

  detail::book_ladder sides_[2]; ///< [0] bids (key = price), [1] asks (key = -price)
  std::vector<detail::book_ladder::entry> scratch_; ///< reused by snapshot apply
  uint64_t seq_ = 0;
  timestamp_ns last_update_ = 0;
  bool synced_ = false;
};

} // namespace xarb
