#include "core/book_ladder.hpp"

#include <algorithm>
#include <numeric>

namespace xarb::detail {

namespace {

uint64_t distance(int64_t a, int64_t b) noexcept {
  return a >= b ? static_cast<uint64_t>(a) - static_cast<uint64_t>(b)
                : static_cast<uint64_t>(b) - static_cast<uint64_t>(a);
}

/// A guess for the first lone level: the largest power of ten (<= 1e9 raw,
/// i.e. 1.0) dividing the price. Refined by gcd as soon as levels arrive.
uint64_t provisional_tick(int64_t key) noexcept {
  const uint64_t m = distance(key, 0);
  uint64_t t = 1;
  while (t < 1'000'000'000 && m % (t * 10) == 0)
    t *= 10;
  return t;
}

} // namespace

void book_ladder::set_tick(uint64_t tick) noexcept {
  tick_ = tick == 0 ? 1 : tick;
  // m = ceil(2^64 / tick) = (2^64 + e) / tick with 0 <= e < tick. For a
  // multiple d = q * tick < 2^64: d * m / 2^64 = q + q * e / 2^64 and
  // q * e < q * tick = d < 2^64, so (d * m) >> 64 == q exactly; for a
  // non-multiple, q * tick != d. So "slot * tick == d" is an exact grid test.
  // A tick of 1 (2^64 does not fit) gets 0: the fast path then only hits
  // slot 0 and everything else is handled exactly by the slow path.
  magic_ = tick_ == 1 ? 0 : UINT64_MAX / tick_ + 1;
  tick_known_ = true;
}

void book_ladder::collect(std::vector<entry>& out) const {
  out.clear();
  out.reserve(size());
  walk([&](int64_t key, int64_t qty) {
    out.push_back({key, qty});
    return true;
  });
}

uint64_t book_ladder::slot_of(uint64_t d) const noexcept {
  // Exact for multiples of the tick (see set_tick); tick 1 has no magic.
  __extension__ using u128 = unsigned __int128;
  return tick_ == 1 ? d : static_cast<uint64_t>((static_cast<u128>(d) * magic_) >> 64);
}

void book_ladder::clear() noexcept {
  std::fill(qty_.begin(), qty_.end(), 0);
  std::fill(bits_.begin(), bits_.end(), 0);
  deep_.clear();
  best_ = width_;
}

void book_ladder::assign(const std::vector<entry>& levels) {
  if (levels.empty()) {
    clear();
    return;
  }
  // gcd of the level distances (and of the tick learned so far); the common
  // case, a distance already on the grid, is checked by a multiplication.
  if (!tick_known_)
    set_tick(levels.size() > 1 ? distance(levels[0].key, levels[1].key)
                               : provisional_tick(levels.front().key));
  for (std::size_t i = 1; i < levels.size(); ++i) {
    const uint64_t d = distance(levels[i - 1].key, levels[i].key);
    if (slot_of(d) * tick_ != d)
      set_tick(std::gcd(tick_, d));
  }
  rebuild_from(levels.front().key, levels);
}

void book_ladder::rebuild(int64_t anchor) {
  collect(scratch_);
  rebuild_from(anchor, scratch_);
}

void book_ladder::rebuild_from(int64_t anchor, const std::vector<entry>& all) {
  // Width: twice the span of the current levels, within [min, max].
  const uint64_t span = all.empty() ? 1 : distance(anchor, all.back().key) / tick_ + 1;
  uint32_t w = min_width;
  while (w < max_width && w / 2 < span)
    w <<= 1;
  // Head room above the anchor for the best to improve without a rebuild,
  // without leaving the int64 range.
  const uint64_t room = (static_cast<uint64_t>(INT64_MAX) - static_cast<uint64_t>(anchor)) / tick_;
  const uint64_t margin = std::min<uint64_t>(w / 8, room);
  top_ = static_cast<int64_t>(static_cast<uint64_t>(anchor) + margin * tick_);
  width_ = w;
  qty_.assign(w, 0);
  bits_.assign(w / 64, 0);
  deep_.clear();
  // Locals: stores through qty_/bits_ would otherwise force reloads of the
  // members on every iteration.
  uint32_t best = w;
  int64_t* const qty = qty_.data();
  uint64_t* const bits = bits_.data();
  const auto top = static_cast<uint64_t>(top_);
  for (const auto& e : all) {
    const uint64_t i = slot_of(top - static_cast<uint64_t>(e.key));
    if (i < w) {
      qty[i] = e.qty;
      bits[i >> 6] |= uint64_t{1} << (i & 63);
      best = std::min(best, static_cast<uint32_t>(i));
    } else {
      deep_.push_back(e);
    }
  }
  best_ = best;
  std::reverse(deep_.begin(), deep_.end());
}

void book_ladder::best_removed() {
  std::size_t w = best_ >> 6;
  uint64_t b = bits_[w] & (~uint64_t{0} << (best_ & 63));
  while (b == 0 && ++w < bits_.size())
    b = bits_[w];
  best_ = b == 0 ? width_
                 : static_cast<uint32_t>(w * 64 + static_cast<unsigned>(__builtin_ctzll(b)));
  // Keep the window around the top: re-centre when it ran dry (deep levels
  // left) or the best decayed into its bottom quarter.
  if ((window_empty() && !deep_.empty())
      || (!window_empty() && best_ >= width_ - width_ / 4))
    rebuild(best().key);
}

bool book_ladder::set_slow(int64_t key, int64_t qty) {
  if (qty < 0)
    return false;
  const bool had = !empty();
  const entry before = had ? best() : entry{};
  const auto best_changed = [&] {
    const bool has = !empty();
    return has != had || (has && best() != before);
  };
  const auto deep_pos = [&] {
    return std::lower_bound(deep_.begin(), deep_.end(), key,
                            [](const entry& e, int64_t k) { return e.key < k; });
  };
  if (key <= top_) {
    const uint64_t d = static_cast<uint64_t>(top_) - static_cast<uint64_t>(key);
    if (d % tick_ == 0 && d / tick_ < width_)
      return set_slot(static_cast<uint32_t>(d / tick_), qty); // tick 1 (no magic)
  }
  if (qty == 0) {
    // A key above the window or off the grid cannot exist: only a deep
    // level can be removed here.
    auto it = deep_pos();
    if (it == deep_.end() || it->key != key)
      return false;
    deep_.erase(it);
    return best_changed();
  }
  if (!had) {
    if (!tick_known_)
      set_tick(provisional_tick(key));
    rebuild_from(key, {});
  } else if (distance(top_, key) % tick_ != 0) {
    // Off the grid: refine the tick (all existing levels stay on it).
    collect(scratch_);
    set_tick(std::gcd(tick_, distance(top_, key)));
    rebuild_from(std::max(key, scratch_.front().key), scratch_);
  } else if (key > top_) {
    rebuild(key);
  } else {
    // On the grid, below the window.
    auto it = deep_pos();
    if (it != deep_.end() && it->key == key)
      it->qty = qty;
    else
      deep_.insert(it, entry{key, qty});
    return best_changed();
  }
  set(key, qty); // lands in the window (or, below it, in deep)
  return best_changed();
}

} // namespace xarb::detail
