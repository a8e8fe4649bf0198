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
//
// Restart (paper_journal.hpp). Every event that changes the account goes,
// in order, to the recorder (set_recorder; the session appends it to the
// journal). After a restart, restore() rebuilds the account from those
// records exactly: positions (qty, cost, realized P&L, fees, funding), open
// resting orders with their time priority, order records, fills, funding
// settlements, and the venue order / fill numbering. Contract: construct,
// add_instruments(current listing), set_recorder, then restore(), before any
// submit. A symbol in the journal that the venue no longer lists is kept
// unlisted (position_of, order_of, fills_of, funding_payments still answer;
// orders on it are refused as unknown_symbol) and its resting orders are
// expired: order_cancelled "expired: symbol not listed", recorded. A later
// add_instruments that lists it again gives it the venue's rules.

#include <cstddef>
#include <functional>
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
#include "venues/sim/paper_journal.hpp"
#include "venues/sim/sim_event.hpp"

namespace xarb::sim {

class paper_exchange {
public:
  /// Levels per side copied from the live book.
  static constexpr std::size_t depth = 50;

  explicit paper_exchange(std::string venue);

  const std::string& name() const noexcept { return engine_.venue(); }

  /// Adds a market per canonical spec not yet listed (the venue's tick/lot
  /// rules, fees). Throws std::invalid_argument like matching_engine.
  void add_instruments(std::span<const instrument_spec> specs);
  bool lists(std::string_view symbol) const noexcept {
    return listed(symbol) != matching_engine::npos;
  }

  /// Receives every account-changing event, in order (see paper_journal.hpp):
  /// acknowledged orders, fills, closes of known orders, funding settlements
  /// and funding times passed with nothing booked. Empty to stop.
  using recorder = std::function<void(const paper_record&)>;
  void set_recorder(recorder r) { recorder_ = std::move(r); }

  struct restore_summary {
    std::size_t records = 0;  ///< applied
    std::size_t open = 0;     ///< resting orders restored on listed symbols
    std::size_t expired = 0;  ///< resting orders expired (symbol not listed)
    std::vector<std::string> unlisted; ///< journal symbols the venue does not list
  };
  /// Rebuilds the account from a journal's records (contract above).
  /// Exchange time becomes max(now, last record time); expiries are stamped
  /// with it, appended to `out` and recorded. Throws std::logic_error if the
  /// exchange has acknowledged orders or settled funding already, and
  /// std::invalid_argument if the records do not fit together (a fill of an
  /// unknown order, another venue's record, a funding amount that the
  /// restored position does not give); the exchange is then unusable.
  /// `records` may be the recorder's own journal's records(): they are read
  /// before anything is recorded.
  restore_summary restore(std::span<const paper_record> records, timestamp_ns now,
                          std::vector<event>& out);

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
  /// Engine index of a listed symbol, npos otherwise.
  std::size_t listed(std::string_view symbol) const noexcept;
  /// Engine index of `symbol`, created unlisted (placeholder rules) if new.
  std::size_t market_for(const std::string& symbol);
  void add_state(const std::string& symbol, int32_t interval_s, bool is_listed);
  /// Passes out[from..] to the recorder; `seq` = arrival number of an ack.
  void record(const std::vector<event>& out, std::size_t from, uint64_t seq) const;
  void record(const paper_record& r) const {
    if (recorder_)
      recorder_(r);
  }

  matching_engine engine_;
  std::vector<market_state> state_; // by engine market index
  std::vector<bool> listed_;        // by engine market index: false = kept from a journal
  recorder recorder_;
  book_snapshot scratch_;
  timestamp_ns last_ts_ = 0;
};

} // namespace xarb::sim
