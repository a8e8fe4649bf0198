#pragma once
// Market-data vocabulary: book levels, snapshots, deltas, top of book, funding.
//
// Units: every message that leaves a venue_session carries the *canonical*
// symbol and canonical units (price per canonical unit, size in canonical
// units; see core/instrument_registry.hpp). Books inside a venue session may
// keep native units; conversion happens at that boundary only.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/decimal.hpp"

namespace xarb {

/// Nanoseconds since the Unix epoch. Core code never reads a clock: callers
/// pass timestamps in.
using timestamp_ns = int64_t;

enum class book_side : uint8_t { bid, ask };

std::string_view to_string(book_side x) noexcept;

struct book_level {
  price px;
  quantity qty;
  friend bool operator==(const book_level&, const book_level&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, book_level& x) {
  return f(x.px, x.qty);
}

/// A full (possibly depth-limited) view of one book. Bids best (highest)
/// first, asks best (lowest) first.
struct book_snapshot {
  std::string venue;
  std::string symbol;
  uint64_t seq = 0;            ///< venue sequence of the last applied update
  timestamp_ns exchange_ts = 0;
  timestamp_ns recv_ts = 0;
  std::vector<book_level> bids;
  std::vector<book_level> asks;
  friend bool operator==(const book_snapshot&, const book_snapshot&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, book_snapshot& x) {
  return f(x.venue, x.symbol, x.seq, x.exchange_ts, x.recv_ts, x.bids, x.asks);
}

/// An incremental update: each level replaces the quantity at its price; a
/// zero quantity removes the level.
///
/// Sequencing (core/order_book.hpp applies these rules):
/// - `prev_seq != 0`: the update follows exactly the update numbered
///   `prev_seq` (OKX prevSeqId, Binance futures `pu`);
/// - otherwise `first_seq` must be `last applied + 1` (Binance spot `U`),
///   or may overlap it for the first update after a snapshot.
/// - `seq` is the sequence of the last change in the update (`u`).
struct book_delta {
  std::string venue;
  std::string symbol;
  uint64_t first_seq = 0;
  uint64_t seq = 0;
  uint64_t prev_seq = 0;
  timestamp_ns exchange_ts = 0;
  timestamp_ns recv_ts = 0;
  std::vector<book_level> bids;
  std::vector<book_level> asks;
  friend bool operator==(const book_delta&, const book_delta&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, book_delta& x) {
  return f(x.venue, x.symbol, x.first_seq, x.seq, x.prev_seq, x.exchange_ts,
           x.recv_ts, x.bids, x.asks);
}

/// Best bid and ask after an update. An empty side has qty 0.
struct top_of_book {
  std::string venue;
  std::string symbol;
  uint64_t seq = 0;
  book_level bid;
  book_level ask;
  timestamp_ns exchange_ts = 0;
  timestamp_ns recv_ts = 0;    ///< when the frame arrived (tick start)
  friend bool operator==(const top_of_book&, const top_of_book&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, top_of_book& x) {
  return f(x.venue, x.symbol, x.seq, x.bid, x.ask, x.exchange_ts, x.recv_ts);
}

/// Funding of a perpetual: `rate` is paid by longs to shorts (if positive)
/// once per `interval_s`, next at `next_funding_ts`.
struct funding_rate {
  std::string venue;
  std::string symbol;
  ratio rate;
  int32_t interval_s = 0;
  timestamp_ns next_funding_ts = 0;
  timestamp_ns ts = 0;
  friend bool operator==(const funding_rate&, const funding_rate&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, funding_rate& x) {
  return f(x.venue, x.symbol, x.rate, x.interval_s, x.next_funding_ts, x.ts);
}

/// A funding settlement of the account's whole position in one contract, as
/// the venue books it (Binance FUNDING_FEE income, OKX funding bill ...).
/// `amount` > 0 was received, < 0 paid; at a positive rate longs pay:
/// amount = -sign(position) x round(rate x round(mark x |position|)).
struct funding_payment {
  std::string venue;
  std::string symbol;
  quantity position;   ///< signed position settled on (canonical units)
  price mark;          ///< settlement price
  ratio rate;          ///< rate applied for the interval
  money amount;
  timestamp_ns ts = 0; ///< settlement time (exchange clock)
  friend bool operator==(const funding_payment&, const funding_payment&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, funding_payment& x) {
  return f(x.venue, x.symbol, x.position, x.mark, x.rate, x.amount, x.ts);
}

} // namespace xarb
