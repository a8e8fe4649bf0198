#pragma once
// One side of an L2 book, built for O(1) level updates (see order_book.hpp for
// the trade-offs). Internal to core/order_book; not a public API.
//
// Prices are handled as "keys": key = price for bids, -price for asks, so a
// higher key is always the better price and both sides share one code path.
//
// Layout:
//  - a window of W slots (W a power of two, 64..4096) on the tick grid:
//    slot i holds the quantity at key top - i * tick (0 = empty), plus a
//    bitmap of occupied slots and the index of the best occupied slot;
//  - `deep`: levels below the window (further from the top than W ticks),
//    a small sorted vector, worst first.
// The tick is learned from the data: the gcd of the distances between levels
// (a first lone level gets a provisional power of ten). A level off the grid
// refines the tick (gcd) and rebuilds; a new best above the window or a best
// that decays toward the window's bottom re-centres it (O(W + levels),
// rare: the window keeps W/8 slots of head room above the best).
// Invariants: every level is on the grid anchored at `top`; window levels
// have keys in (top - W*tick, top]; deep keys are below that; the window is
// never empty while deep levels exist.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace xarb::detail {

class book_ladder {
public:
  struct entry {
    int64_t key;
    int64_t qty;
    friend bool operator==(const entry&, const entry&) = default;
  };

  /// Sets the quantity at `key` (qty 0 removes, qty < 0 is ignored).
  /// Returns whether the best level (key or quantity) changed.
  bool set(int64_t key, int64_t qty) {
    // Slot = (top - key) / tick by a multiply-shift (exact for multiples of
    // the tick, see set_tick), verified by multiplying back; anything
    // unusual (above the top, off the grid, below the window, qty < 0)
    // takes the slow path.
    __extension__ using u128 = unsigned __int128;
    const uint64_t d = static_cast<uint64_t>(top_) - static_cast<uint64_t>(key);
    const auto i = static_cast<uint64_t>((static_cast<u128>(d) * magic_) >> 64);
    if (key <= top_ && i * tick_ == d && i < width_ && qty >= 0)
      return set_slot(static_cast<uint32_t>(i), qty);
    return set_slow(key, qty);
  }

  /// Number of levels: O(W/64) (a popcount per bitmap word).
  std::size_t size() const noexcept {
    std::size_t n = deep_.size();
    for (uint64_t w : bits_)
      n += static_cast<std::size_t>(__builtin_popcountll(w));
    return n;
  }
  bool empty() const noexcept { return window_empty() && deep_.empty(); }

  /// Best level; !empty().
  entry best() const noexcept {
    if (!window_empty())
      return {key_of(best_), qty_[best_]};
    return deep_.back();
  }

  /// Calls f(key, qty) for every level, best first, until f returns false.
  template <class F>
  void walk(F&& f) const {
    for (std::size_t w = best_ >> 6; w < bits_.size(); ++w) {
      for (uint64_t b = bits_[w]; b != 0; b &= b - 1) {
        const auto i = static_cast<uint32_t>(w * 64 + static_cast<unsigned>(__builtin_ctzll(b)));
        if (!f(key_of(i), qty_[i]))
          return;
      }
    }
    for (auto it = deep_.rbegin(); it != deep_.rend(); ++it)
      if (!f(it->key, it->qty))
        return;
  }

  /// Removes every level; the learned tick is kept.
  void clear() noexcept;

  /// Replaces the content with `levels`, best first, keys strictly
  /// decreasing, quantities > 0 (validated by the caller).
  void assign(const std::vector<entry>& levels);

  /// Learned tick (in raw units) and window width, for tests and benchmarks.
  uint64_t tick() const noexcept { return tick_; }
  uint32_t width() const noexcept { return width_; }

private:
  bool window_empty() const noexcept { return best_ >= width_; }

  int64_t key_of(uint32_t i) const noexcept {
    return static_cast<int64_t>(static_cast<uint64_t>(top_) - uint64_t{i} * tick_);
  }

  bool set_slot(uint32_t i, int64_t qty) {
    const int64_t old = qty_[i];
    qty_[i] = qty;
    const uint64_t mask = uint64_t{1} << (i & 63);
    const bool live = qty > 0;
    uint64_t& word = bits_[i >> 6];
    word = (word & ~mask) | (mask & (uint64_t{0} - static_cast<uint64_t>(live)));
    const uint32_t best = best_;
    // Changed: a new best (i < best, necessarily live) or the best itself.
    const bool changed = i <= best && old != qty;
    best_ = live && i < best ? i : best;
    if (__builtin_expect(!live && i == best && old > 0, 0))
      best_removed();
    return changed;
  }

  bool set_slow(int64_t key, int64_t qty);
  void best_removed();
  /// Re-centres the window with `anchor` (>= every key) near its top.
  void rebuild(int64_t anchor);
  void rebuild_from(int64_t anchor, const std::vector<entry>& best_first);
  void set_tick(uint64_t tick) noexcept;
  uint64_t slot_of(uint64_t distance) const noexcept;
  void collect(std::vector<entry>& out) const;

  static constexpr uint32_t min_width = 64;
  static constexpr uint32_t max_width = 4096;

  int64_t top_ = INT64_MIN;    ///< key of slot 0
  uint64_t tick_ = 1;          ///< grid step in raw units (0 = nothing learned yet)
  uint64_t magic_ = 0;         ///< ceil(2^64 / tick_) (0 for tick 1: all slow)
  uint32_t width_ = 0;         ///< W (0 before the first level)
  uint32_t best_ = 0;          ///< lowest occupied slot, width_ when none
  bool tick_known_ = false;
  std::vector<int64_t> qty_;
  std::vector<uint64_t> bits_;
  std::vector<entry> deep_;    ///< below the window, ascending key (worst first)
  std::vector<entry> scratch_; ///< reused by rebuilds
};

} // namespace xarb::detail
