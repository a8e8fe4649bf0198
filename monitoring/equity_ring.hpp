#pragma once
// The equity curve: the node's /api/pnl "total", sampled every [web]
// equity_sample_s seconds into a bounded ring (24 h at 5 s by default).
// Not thread-safe: the status board owns one and locks around it.
//
// Points carry a sequence number (strictly increasing from 1, continuing
// after seeded points) so that GET /api/pnl/equity?after= and the stream's
// `equity` topic page like the other logs.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/market.hpp"

namespace xarb {

struct pnl_parts;

struct equity_point {
  uint64_t seq = 0;
  timestamp_ns ts_ns = 0;
  money realized;
  money fees;
  money funding;
  money unrealized;
  money net; ///< realized - fees + funding + unrealized
  friend bool operator==(const equity_point&, const equity_point&) = default;
};

/// A point with seq 0 from a P&L total.
equity_point make_equity_point(timestamp_ns ts, const pnl_parts& total);

class equity_ring {
public:
  static constexpr std::size_t default_capacity = 17'280; ///< 24 h at 5 s

  explicit equity_ring(std::size_t capacity = default_capacity);

  /// Appends `p` with the next seq (its own seq is ignored); drops the
  /// oldest point beyond capacity. Returns the point as stored.
  equity_point add(equity_point p);

  /// Replaces the content with `points` (e.g. read back from the store),
  /// oldest first; keeps their seqs when strictly increasing and non-zero,
  /// else renumbers from 1. Keeps the newest `capacity`; later adds
  /// continue after the last seq.
  void seed(std::vector<equity_point> points);

  struct page {
    std::vector<equity_point> points; ///< oldest first
    uint64_t last_seq = 0;            ///< newest seq held (0 = none yet)
  };
  /// The newest `limit` points with seq > after, oldest first.
  page newest(uint64_t after, std::size_t limit) const;

  std::size_t size() const noexcept { return points_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }
  uint64_t last_seq() const noexcept { return next_ - 1; }

private:
  std::size_t capacity_;
  std::deque<equity_point> points_;
  uint64_t next_ = 1;
};

} // namespace xarb
