#pragma once
// The status board: a thread-safe snapshot of what /api/status and /readyz
// report. Actors write it (venue sessions: venue state and per-book sync;
// pair traders: live spreads), HTTP threads read it. Every accessor copies
// out under one mutex, so readers never see a half-written entry and never
// hold a reference into the board.
//
// Writes are cheap (an uncontended lock and a map lookup) but not free: call
// the book setters on state changes and on applied updates, not per level.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/event.hpp"
#include "messages/market.hpp"
#include "messages/spread.hpp"
#include "messages/strategy.hpp"

namespace xarb {

struct book_status {
  std::string symbol;
  bool synced = false;
  timestamp_ns last_update_ns = 0; ///< 0 = no update received yet
  uint64_t seq = 0;
  friend bool operator==(const book_status&, const book_status&) = default;
};

struct venue_status {
  std::string name;
  health_state state = health_state::starting;
  std::string detail;
  std::vector<book_status> books; ///< sorted by symbol
  std::size_t synced_books() const noexcept;
  friend bool operator==(const venue_status&, const venue_status&) = default;
};

struct pair_status {
  std::string id; ///< "BTC-PERP:sim-a/sim-b"
  std::string symbol;
  std::string venue_a;
  std::string venue_b;
  ratio spread_ab; ///< (bid_a - ask_b) / mid
  ratio spread_ba; ///< (bid_b - ask_a) / mid
  double z_ab = 0;
  double z_ba = 0;
  bool valid = false;
  timestamp_ns ts = 0;
  // Trading (from the pair trader's pair_report).
  std::string phase = "warmup";  ///< warmup|flat|opening|open|closing|hedging|halted
  std::string mode;              ///< normal_arb|zero_wear
  std::string style;             ///< taker_taker|maker_taker
  int32_t direction = -1;        ///< 0 = short A/long B, 1 = long A/short B, -1 none
  uint32_t tranches = 0;
  quantity qty_a;
  quantity qty_b;
  quantity net_delta;
  money net_pnl;                 ///< realized - fees + funding + unrealized
  money fees;
  money funding;
  uint64_t round_trips = 0;
  uint64_t fills = 0;          ///< fills booked (recovered ones included)
  std::string halt_reason;
  leg_status leg_a;              ///< per-venue figures (venue empty until a report)
  leg_status leg_b;
  friend bool operator==(const pair_status&, const pair_status&) = default;
};

struct node_status {
  std::string name = "xarb";
  std::string version;
  timestamp_ns start_ns = 0;
  std::string data_mode = "sim";        ///< market data source
  std::string execution_mode = "paper"; ///< order execution
  friend bool operator==(const node_status&, const node_status&) = default;
};

/// Why the node is or is not ready (the /readyz body).
struct readiness {
  bool ready = false;
  std::string reason;                ///< empty when ready
  std::vector<std::string> unsynced; ///< "venue/symbol", sorted
};

/// {"ready":bool,"reason":"..","unsynced":["venue/symbol",..]} (/readyz body).
std::string to_json(const readiness& r);

class status_board {
public:
  // -- writers ---------------------------------------------------------------

  void set_node(node_status node);
  void set_node(std::string name, std::string version, timestamp_ns start_ns,
                std::string data_mode, std::string execution_mode);

  /// Declares a venue and the books it is expected to sync (all unsynced).
  /// Readiness waits for these even before their session reports anything.
  /// Idempotent: existing books keep their state.
  void expect_venue(const std::string& venue, const std::vector<std::string>& symbols);

  /// Venue lifecycle state. Entering `stopping` or `stopped` marks all of
  /// the venue's books unsynced: their data is no longer live.
  void set_venue_state(const std::string& venue, health_state state,
                       std::string detail);

  /// State of one book; creates the venue and the book if unknown.
  void set_book(const std::string& venue, const std::string& symbol,
                bool synced, timestamp_ns last_update_ns, uint64_t seq);

  void set_pair(pair_status pair);

  /// Convenience for pair traders: copies the fields /api/status shows.
  void set_pair(const spread_update& update);
  void set_pair(const pair_report& report);

  /// The risk guard's snapshot (monitoring/risk_status.hpp to_json), shown
  /// as "risk" in /api/status.
  void set_risk(std::string json);
  std::string risk() const;

  /// Forgets a venue (decommissioned); its books no longer gate readiness.
  void remove_venue(const std::string& venue);

  // -- copy-out readers ------------------------------------------------------

  node_status node() const;
  std::vector<venue_status> venues() const;            ///< sorted by name
  std::optional<venue_status> venue(const std::string& name) const;
  std::vector<pair_status> pairs() const;              ///< sorted by id
  std::optional<pair_status> pair(const std::string& id) const;

  /// False if no venue or no book is registered, or any book is unsynced.
  bool all_books_synced() const;
  readiness check_readiness() const;

  /// The /api/status document (see web/README in docs): node, venues with
  /// their books, pairs. Spreads are exact decimal strings, z-scores numbers.
  std::string status_json(timestamp_ns now) const;

private:
  struct venue_entry {
    health_state state = health_state::starting;
    std::string detail;
    std::map<std::string, book_status, std::less<>> books;
  };

  readiness check_readiness_locked() const;

  mutable std::mutex mtx_;
  node_status node_;
  std::map<std::string, venue_entry, std::less<>> venues_;
  std::map<std::string, pair_status, std::less<>> pairs_;
  std::string risk_json_;
};

} // namespace xarb
