#pragma once
// Paper execution against a real venue's live book (issue 9): the simulated
// venue's matching engine (matching_engine.hpp) with the LIVE book as its
// background liquidity. Orders are validated with the venue's real trading
// rules (tick, lot, minimums from its instrument listing), taker orders walk
// the live depth level by level, resting orders fill as maker when the live
// book crosses them, fees are the venue's, funding is settled at the venue's
// funding times with its rate and mark. Our orders never reach the venue and
// never move its book: a taker fill consumes the copied levels only until
// the next book update replaces them (documented in docs/VENUES.md).
//
// Pure: no clock, no sockets; the session passes the book and the time.
// The book is copied lazily: on a submit, and on a book change only while
// orders rest on that symbol, so a quiet paper account costs nothing per tick.
// A book that is not trusted (unsynced, stale) gives no fills: on_book_lost().

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/order_book.hpp"
#include "messages/instrument.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"
#include "venues/sim/matching_engine.hpp"
#include "venues/sim/sim_event.hpp"

namespace xarb::sim {

class paper_exchange {
public:
  /// Levels per side copied from the live book.
  static constexpr std::size_t depth = 50;

  explicit paper_exchange(std::string venue);

  const std::string& name() const noexcept { return engine_.venue(); }

  /// Adds a market per canonical spec not yet known (the venue's tick/lot
  /// rules, fees). Throws std::invalid_argument like matching_engine.
  void add_instruments(std::span<const instrument_spec> specs);
  bool lists(std::string_view symbol) const noexcept {
    return engine_.find(symbol) != matching_engine::npos;
  }

  /// The live book of `symbol` changed (canonical units). Resting orders it
  /// now crosses fill as maker.
  void on_book(std::string_view symbol, const order_book& book, timestamp_ns now,
               std::vector<event>& out);
  /// The book can no longer be trusted: no liquidity until the next on_book.
  void on_book_lost(std::string_view symbol);

  /// An order against `book` (the live book of o.symbol, null if none).
  void submit(const order_intent& o, const order_book* book, timestamp_ns now,
              std::vector<event>& out);
  void cancel(const cancel_request& c, timestamp_ns now, std::vector<event>& out);

  /// The venue's latest funding of a symbol and mark (canonical); the
  /// settlement happens in advance() once next_funding_ts has passed.
  void on_funding(const funding_rate& r, std::optional<price> mark);
  /// Settles due funding (at the last rate and mark; the book mid when the
  /// venue gave no mark), appending funding_payment events.
  void advance(timestamp_ns now, std::vector<event>& out);

  // -- what a venue's REST API would report (account_of) --------------------
  position position_of(std::string_view symbol) const;
  const order_record* order_of(std::string_view client_id) const {
    return engine_.order_of(client_id);
  }
  std::vector<order_fill> fills_of(std::string_view client_id) const {
    return engine_.fills_of(client_id);
  }
  const std::vector<resting_order>& open_orders(std::string_view symbol) const;
  const std::vector<funding_payment>& funding_payments(std::string_view symbol) const;
  timestamp_ns exchange_time() const noexcept { return last_ts_; }

private:
  struct market_state {
    funding_rate rate;
    std::optional<price> mark;
    timestamp_ns settled_until = 0; ///< funding time already settled
    std::vector<funding_payment> payments;
    price last_mid;
  };

  void copy_book(std::size_t i, const order_book& book);

  matching_engine engine_;
  std::vector<market_state> state_; // by engine market index
  book_snapshot scratch_;
  timestamp_ns last_ts_ = 0;
};

} // namespace xarb::sim
