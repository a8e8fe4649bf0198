#pragma once
// The simulated venue's matching engine: order validation, taker matching
// through book depth, resting orders filled as maker, fees and positions.
// Standalone (no clock, no randomness): sim_venue.hpp drives it and owns the
// market data around it.
//
// Units. Orders, books, fills and positions are canonical (messages/order.hpp).
// Tick and lot rules are native: an order price is converted with
// native = canonical x multiplier, a size with native = canonical /
// multiplier, and both must land exactly on the native grid.
//
// The book holds the venue's *background* liquidity only. Our own resting
// orders are kept apart (never shown in market data, never self-matched): a
// resting buy at P fills as maker at P when the background asks reach P or
// lower (match_resting, called after every book refresh), consuming that
// background liquidity. No price impact beyond the consumed levels.
//
// Rules (checked in this order, first failure rejects):
//   unknown_symbol; invalid_order (empty client_id, qty <= 0, limit price <= 0,
//   market + post_only); duplicate_order (client_id of any order ever
//   acknowledged; rejected ids may be reused); bad_tick (limit only); bad_lot;
//   below_min_qty (native); no_liquidity (market order, empty opposite side);
//   below_min_notional (limit price, or best opposite price for a market
//   order); reduce_only_violation (no position, or the order would add to it;
//   an order larger than the position is *trimmed* to |position|);
//   post_only_would_cross.
// Then: ack, taker fills level by level at each level's price (taker fee),
// then for market/IOC an order_cancelled for any remainder (also when nothing
// filled), for GTC/post-only the remainder rests. A resting reduce-only order
// is trimmed at fill time and cancelled once there is nothing left to reduce.
// Fees: fee = notional(px, qty) x rate, each rounded to nearest 1e-9.
//
// Records, as a real venue keeps them (order and trade history queries): every
// acknowledged order has an order_record (rejected orders are unknown) and
// every fill is kept per symbol exactly as emitted, so a client that lost its
// state (crash, restart) can reconcile. They grow with the order flow.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"
#include "venues/sim/position_ledger.hpp"
#include "venues/sim/sim_event.hpp"

namespace xarb::sim {

/// Trading rules of one symbol; tick/lot/min_qty native (instrument_spec).
struct market_rules {
  std::string symbol;                      ///< canonical
  ratio multiplier = ratio::from_units(1); ///< canonical units per native contract
  price native_tick;
  quantity native_lot;
  quantity native_min_qty;
  money min_notional;
  ratio maker_fee;                         ///< negative = rebate
  ratio taker_fee;
};

struct resting_order {
  std::string client_id;
  std::string venue_order_id;
  side sd = side::buy;
  price px;
  quantity leaves;
  bool reduce_only = false;
  uint64_t seq = 0;          ///< arrival order: time priority at equal price
};

/// The venue's own record of one of our orders (only acknowledged orders are
/// recorded: a rejected order is unknown, like on a real venue).
struct order_record {
  std::string client_id;
  std::string venue_order_id;
  std::string symbol;           ///< canonical
  side sd = side::buy;
  time_in_force tif = time_in_force::gtc;
  bool reduce_only = false;
  price px;                     ///< canonical limit price (0 for market)
  quantity qty;                 ///< canonical, as accepted (after any reduce-only trim)
  quantity filled;
  enum class status : uint8_t { open, filled, cancelled } st = status::open;
  timestamp_ns created = 0;     ///< exchange time of the ack
  timestamp_ns closed = 0;      ///< when it became filled/cancelled, 0 while open
  friend bool operator==(const order_record&, const order_record&) = default;
};

class matching_engine {
public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  explicit matching_engine(std::string venue);

  const std::string& venue() const noexcept { return venue_; }

  /// Adds a symbol. Throws std::invalid_argument when the native tick/lot do
  /// not map exactly to canonical units or are not positive.
  std::size_t add_market(market_rules rules);

  std::size_t find(std::string_view symbol) const noexcept;
  std::size_t size() const noexcept { return markets_.size(); }
  const market_rules& rules(std::size_t i) const { return markets_.at(i).rules; }
  price tick(std::size_t i) const { return markets_.at(i).tick; }   ///< canonical
  quantity lot(std::size_t i) const { return markets_.at(i).lot; }  ///< canonical

  /// Background book, best first (bids descending, asks ascending), every
  /// qty > 0 and on the canonical lot. The owner keeps it that way.
  std::vector<book_level>& bids(std::size_t i) { return markets_.at(i).bids; }
  std::vector<book_level>& asks(std::size_t i) { return markets_.at(i).asks; }
  const std::vector<book_level>& bids(std::size_t i) const { return markets_.at(i).bids; }
  const std::vector<book_level>& asks(std::size_t i) const { return markets_.at(i).asks; }

  /// Our open orders on symbol `i`, in arrival order.
  const std::vector<resting_order>& open_orders(std::size_t i) const {
    return markets_.at(i).orders;
  }

  const position& position_of(std::size_t i) const { return markets_.at(i).ledger.get(); }

  /// Handles one order: reject, or ack + fills (+ cancel of an IOC/market
  /// remainder), appended to `out` with ts = now. Returns true if it consumed
  /// book liquidity (the caller publishes a book delta).
  bool submit(const order_intent& o, timestamp_ns now, std::vector<event>& out);

  /// order_cancelled, or order_reject{unknown_order} if not open.
  void cancel(const cancel_request& c, timestamp_ns now, std::vector<event>& out);

  /// Fills resting orders that the background book now crosses (maker), and
  /// cancels reduce-only orders with nothing left to reduce. Returns true if
  /// book liquidity was consumed.
  bool match_resting(std::size_t i, timestamp_ns now, std::vector<event>& out);

  /// Funding settlement for symbol `i` at `mark`. Returns the amount booked
  /// to the position's `funding` (bit-identical; 0 when flat).
  money apply_funding(std::size_t i, price mark, ratio rate, timestamp_ns ts);

  // -- records (queries) --------------------------------------------------------

  /// The record of an acknowledged order; nullptr if unknown (never
  /// acknowledged). Valid until the next submit.
  const order_record* order_of(std::string_view client_id) const;
  /// Every fill of that order, in exchange order (empty if unknown).
  std::vector<order_fill> fills_of(std::string_view client_id) const;
  /// Every fill on symbol `i` since start, in exchange order.
  const std::vector<order_fill>& fills(std::size_t i) const { return markets_.at(i).fills; }

  // -- restore: an account rebuilt from its outcomes (paper_journal.hpp) -------
  // Each hook re-applies one event exactly as the engine emitted it, in the
  // original order, so positions, records and open orders come out identical.
  // They throw std::invalid_argument on an event that does not fit the state
  // (unknown symbol or order, a client id seen twice): the caller's record is
  // inconsistent.

  /// Arrival number the next acknowledged order gets (its id "<venue>-o<seq>").
  uint64_t next_order_seq() const noexcept { return next_order_; }
  /// Re-creates an order as acknowledged: `rec` open with nothing filled
  /// (its filled/st/closed are ignored), arrival number `seq`. A limit order
  /// (px > 0) that is not IOC rests with leaves = qty until restore_fill or
  /// restore_close changes that. Later orders are numbered after `seq`.
  void restore_order(const order_record& rec, uint64_t seq);
  /// Books a fill as emitted: ledger, fill history, order record (filled once
  /// leaves is 0); a resting order keeps f.leaves_qty. Later fill ids
  /// ("<venue>-t<n>") are numbered after this one.
  void restore_fill(const order_fill& f);
  /// Closes an open order as cancelled at `ts` (no longer resting).
  void restore_close(std::string_view client_id, timestamp_ns ts);
  /// New trading rules for market `i` (e.g. a symbol restored before the
  /// venue listed it again); the same checks as add_market.
  void replace_rules(std::size_t i, market_rules rules);

private:
  struct market {
    market_rules rules;
    price tick;
    quantity lot;
    std::vector<book_level> bids;
    std::vector<book_level> asks;
    std::vector<resting_order> orders;
    position_ledger ledger;
    std::vector<order_fill> fills;           ///< every fill, exchange order
  };

  struct order_entry {
    order_record rec;
    std::size_t market = 0;
    std::vector<std::size_t> fills;          ///< indices into that market's fills
  };

  /// Heterogeneous lookup by string_view.
  struct id_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  /// Canonical tick and lot of `r`; throws std::invalid_argument like add_market.
  void canonical_units(const market_rules& r, price& tick, quantity& lot) const;
  error_info validate(const market& m, const order_intent& o, quantity& qty) const;
  void reject(const order_intent& o, error_info err, timestamp_ns now,
              std::vector<event>& out) const;
  void fill(market& m, const std::string& client_id, const std::string& order_id,
            side sd, price px, quantity qty, quantity leaves, liquidity liq,
            timestamp_ns now, std::vector<event>& out);
  static quantity reducible(const market& m, side sd);
  order_entry& entry(const std::string& client_id);
  void close(const std::string& client_id, order_record::status st, timestamp_ns now);

  std::string venue_;
  std::vector<market> markets_;
  std::vector<order_entry> entries_;        ///< acknowledged orders, arrival order
  /// client_id -> entries_ index; also the duplicate check (ids ever acked).
  std::unordered_map<std::string, std::size_t, id_hash, std::equal_to<>> by_id_;
  /// symbol -> markets_ index: find() is O(1) with 1,000s of symbols.
  std::unordered_map<std::string, std::size_t, id_hash, std::equal_to<>> by_symbol_;
  uint64_t next_order_ = 1;
  uint64_t next_fill_ = 1;
};

} // namespace xarb::sim
