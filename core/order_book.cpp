#include "core/order_book.hpp"

#include <algorithm>
#include <limits>

namespace xarb {

namespace {

__extension__ using i128 = __int128;

using detail::book_ladder;

/// Checks one side of a snapshot (best first): positive prices and sizes,
/// strictly worsening prices (bids descending, asks ascending).
bool valid_side(const std::vector<book_level>& levels, bool bid) noexcept {
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const auto& l = levels[i];
    if (l.px.raw() <= 0 || l.qty.raw() <= 0)
      return false;
    if (i > 0) {
      const int64_t prev = levels[i - 1].px.raw();
      if (bid ? prev <= l.px.raw() : prev >= l.px.raw())
        return false;
    }
  }
  return true;
}

bool valid_delta_levels(const std::vector<book_level>& levels) noexcept {
  for (const auto& l : levels)
    if (l.px.raw() <= 0 || l.qty.raw() < 0)
      return false;
  return true;
}

/// num / den rounded to nearest, half away from zero; den > 0.
i128 div_nearest(i128 num, i128 den) noexcept {
  const bool negative = num < 0;
  const i128 mag = negative ? -num : num;
  const i128 q = (mag + den / 2) / den;
  return negative ? -q : q;
}

int64_t saturate(i128 x) noexcept {
  constexpr i128 hi = std::numeric_limits<int64_t>::max();
  if (x > hi)
    return std::numeric_limits<int64_t>::max();
  if (x < -hi)
    return -std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(x);
}

/// Key of a price on side `bid` (see book_ladder.hpp) and back.
int64_t to_key(int64_t px, bool bid) noexcept { return bid ? px : -px; }
int64_t to_price(int64_t key, bool bid) noexcept { return bid ? key : -key; }

void to_entries(const std::vector<book_level>& levels, bool bid,
                std::vector<book_ladder::entry>& out) {
  out.clear();
  out.reserve(levels.size());
  for (const auto& l : levels)
    out.push_back({to_key(l.px.raw(), bid), l.qty.raw()});
}

order_book::fill_estimate walk(const book_ladder& ladder, bool bid,
                               quantity qty) noexcept {
  order_book::fill_estimate est;
  if (qty.raw() <= 0 || ladder.empty())
    return est;
  int64_t remaining = qty.raw();
  int64_t filled = 0;
  int64_t worst = 0;
  i128 sum = 0; // sum of px_raw * qty_raw, i.e. notional in 1e-18 units
  bool saturated = false;
  ladder.walk([&](int64_t key, int64_t level_qty) {
    const int64_t px = to_price(key, bid);
    const int64_t take = std::min(remaining, level_qty);
    if (__builtin_add_overflow(sum, static_cast<i128>(px) * take, &sum))
      saturated = true;
    filled += take;
    remaining -= take;
    worst = px;
    return remaining > 0;
  });
  est.filled = quantity::from_raw(filled);
  est.worst = price::from_raw(worst);
  est.complete = remaining == 0;
  if (saturated) {
    est.notional = money::max();
    est.vwap = price::max();
    return est;
  }
  est.vwap = price::from_raw(saturate(div_nearest(sum, filled)));
  est.notional = money::from_raw(saturate(div_nearest(sum, decimal_scale)));
  return est;
}

} // namespace

error_code order_book::apply(const book_snapshot& s) {
  error_code ec = error_code::none;
  if (!valid_side(s.bids, true) || !valid_side(s.asks, false))
    ec = error_code::parse_error;
  else if (!s.bids.empty() && !s.asks.empty()
           && s.bids.front().px.raw() >= s.asks.front().px.raw())
    ec = error_code::crossed_book;
  if (ec != error_code::none) {
    clear();
    return ec;
  }
  to_entries(s.bids, true, scratch_);
  sides_[0].assign(scratch_);
  to_entries(s.asks, false, scratch_);
  sides_[1].assign(scratch_);
  seq_ = s.seq;
  last_update_ = s.exchange_ts;
  synced_ = true;
  return error_code::none;
}

error_code order_book::apply(const book_delta& d) {
  if (!synced_)
    return error_code::book_not_synced;
  if (d.seq <= seq_)
    return error_code::none; // stale or duplicate: already reflected
  bool contiguous = false;
  if (d.prev_seq != 0)
    contiguous = d.prev_seq == seq_;
  else if (d.first_seq != 0)
    contiguous = d.first_seq <= seq_ + 1;
  else
    contiguous = d.seq == seq_ + 1;
  if (!contiguous) {
    synced_ = false;
    return error_code::sequence_gap;
  }
  if (!valid_delta_levels(d.bids) || !valid_delta_levels(d.asks)) {
    synced_ = false;
    return error_code::parse_error;
  }
  for (const auto& l : d.bids)
    sides_[0].set(l.px.raw(), l.qty.raw());
  for (const auto& l : d.asks)
    sides_[1].set(-l.px.raw(), l.qty.raw());
  seq_ = d.seq;
  last_update_ = d.exchange_ts;
  if (crossed()) {
    synced_ = false;
    return error_code::crossed_book;
  }
  return error_code::none;
}

void order_book::clear() noexcept {
  sides_[0].clear();
  sides_[1].clear();
  seq_ = 0;
  last_update_ = 0;
  synced_ = false;
}

book_level order_book::level(book_side s, std::size_t i) const noexcept {
  const bool bid = s == book_side::bid;
  book_level out;
  std::size_t n = 0;
  sides_[bid ? 0 : 1].walk([&](int64_t key, int64_t qty) {
    if (n++ < i)
      return true;
    out = {price::from_raw(to_price(key, bid)), quantity::from_raw(qty)};
    return false;
  });
  return out;
}

order_book::fill_estimate order_book::estimate(side taker,
                                               quantity qty) const noexcept {
  return taker == side::buy ? walk(sides_[1], false, qty) : walk(sides_[0], true, qty);
}

quantity order_book::depth_within(book_side s, price distance) const noexcept {
  const auto& ladder = sides_[s == book_side::bid ? 0 : 1];
  if (ladder.empty() || distance.raw() < 0)
    return quantity::zero();
  const i128 best = ladder.best().key;
  int64_t total = 0;
  bool overflow = false;
  ladder.walk([&](int64_t key, int64_t qty) {
    if (best - key > distance.raw())
      return false;
    overflow |= __builtin_add_overflow(total, qty, &total);
    return !overflow;
  });
  return overflow ? quantity::max() : quantity::from_raw(total);
}

void order_book::to_snapshot(book_snapshot& out, std::size_t max_levels) const {
  for (int k = 0; k < 2; ++k) {
    const bool bid = k == 0;
    auto& levels = bid ? out.bids : out.asks;
    levels.clear();
    levels.reserve(std::min(max_levels, sides_[k].size()));
    sides_[k].walk([&](int64_t key, int64_t qty) {
      if (levels.size() >= max_levels)
        return false;
      levels.push_back({price::from_raw(to_price(key, bid)), quantity::from_raw(qty)});
      return true;
    });
  }
  out.seq = seq_;
  out.exchange_ts = last_update_;
}

} // namespace xarb
