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
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/instrument.hpp"
#include "messages/event.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"
#include "messages/spread.hpp"
#include "messages/strategy.hpp"
#include "monitoring/equity_ring.hpp"

namespace xarb {

struct book_status {
  std::string symbol;
  bool synced = false;
  timestamp_ns last_update_ns = 0; ///< 0 = no update received yet
  uint64_t seq = 0;
  book_level bid; ///< best bid (zero until the first update with a top)
  book_level ask; ///< best ask
  friend bool operator==(const book_status&, const book_status&) = default;
};

struct venue_status {
  std::string name;
  health_state state = health_state::starting;
  std::string detail;
  std::vector<book_status> books; ///< sorted by symbol
  uint64_t sessions = 0;          ///< session starts (1 + reconnects/restarts)
  uint64_t resyncs = 0;           ///< book resynchronisations since node start
  double latency_ms = 0;          ///< order round trip (send to ack), smoothed
  double last_latency_ms = 0;     ///< the latest order round trip
  uint64_t latency_samples = 0;   ///< round trips measured
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
  /// The signal's series (spread after fees and slippage, bps) and its
  /// rolling mean and standard deviation per direction (spread_update).
  double net_ab_bps = 0;
  double net_ba_bps = 0;
  double mean_ab = 0;
  double std_ab = 0;
  double mean_ba = 0;
  double std_ba = 0;
  uint64_t samples = 0;
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
  // Runtime switches (the control API; docs/API.md).
  bool engine_running = true;           ///< POST /api/engine/start|stop
  std::string trade_mode = "normal_arb"; ///< POST /api/mode (node-wide)
  bool live_order_enabled = false;      ///< POST /api/runtime/order-execution
  friend bool operator==(const node_status&, const node_status&) = default;
};

/// One booked fill with the pair that booked it (the fills log).
struct fill_record {
  std::string pair_id;
  order_fill fill;
  friend bool operator==(const fill_record&, const fill_record&) = default;
};

/// An entry of one of the board's logs: a sequence number (per log,
/// strictly increasing from 1) and the item.
template <class T>
struct logged {
  uint64_t seq = 0;
  T item;
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

  /// The contracts a real venue listed (its session, on each listing):
  /// replaces that venue's previous listing (GET /api/symbols).
  void set_instruments(const std::string& venue, std::vector<instrument_spec> specs);

  /// State of one book; creates the venue and the book if unknown.
  void set_book(const std::string& venue, const std::string& symbol,
                bool synced, timestamp_ns last_update_ns, uint64_t seq);
  /// The same with the book's best levels (tops topic, /api/venues).
  void set_book(const std::string& venue, const std::string& symbol, bool synced,
                timestamp_ns last_update_ns, uint64_t seq, const book_level& bid,
                const book_level& ask);

  /// A venue session started (first start, restart or reconnect).
  void count_session(const std::string& venue);
  /// A book of the venue was resynchronised.
  void count_resync(const std::string& venue);
  /// One order round trip (sent to acknowledged) on the venue, in ms.
  void add_latency(const std::string& venue, double ms);

  // -- runtime switches ------------------------------------------------------
  void set_engine_running(bool on);
  void set_trade_mode(std::string mode);
  void set_live_order_enabled(bool on);
  void set_data_mode(std::string mode);

  // -- logs (bounded rings: the newest log_capacity entries) -----------------
  static constexpr std::size_t log_capacity = 2000;

  /// Operational events (pair traders, risk guard, node).
  void add_event(const event& e);
  /// Called (outside the board's lock) for every event added, e.g. to count
  /// it in xarb_events_total. Set once before the actors start.
  void set_event_hook(std::function<void(const event&)> hook);
  /// Order transitions; also keeps the latest state of every open order.
  void add_order(const order_update& u);
  /// Booked fills.
  void add_fill(const std::string& pair_id, const order_fill& f);

  /// Entries with seq > after, oldest first; the newest `limit` of them.
  std::vector<logged<event>> events(uint64_t after, std::size_t limit) const;
  std::vector<logged<order_update>> orders(uint64_t after, std::size_t limit) const;
  std::vector<logged<fill_record>> fills(uint64_t after, std::size_t limit) const;
  /// The newest `limit` entries with seq > after whose pair id is `pair`
  /// ("" = any), oldest first, and the log's last seq. Walks back from the
  /// newest entry and copies only what it returns: the board's lock is held
  /// for O(limit) copies, never for the whole log (the trading path writes
  /// under the same lock).
  template <class T>
  struct page {
    std::vector<logged<T>> entries;
    uint64_t last_seq = 0; ///< newest seq in the log (0 = empty)
  };
  page<order_update> orders_page(uint64_t after, std::size_t limit,
                                 std::string_view pair) const;
  page<fill_record> fills_page(uint64_t after, std::size_t limit, std::string_view pair) const;
  /// Latest transition of every order not yet terminal, by client id.
  std::vector<order_update> open_orders() const;

  // -- equity curve (monitoring/equity_ring.hpp) -----------------------------

  /// Appends the pairs' P&L total now (pnl_total, = /api/pnl "total") as a
  /// point at `ts` and returns it with its seq. The node calls it every
  /// [web] equity_sample_s seconds.
  equity_point sample_equity(timestamp_ns ts);
  /// Appends `p` (its seq is assigned).
  equity_point add_equity(equity_point p);
  /// Replaces the curve (e.g. from the store at start), oldest first.
  void seed_equity(std::vector<equity_point> points);
  /// The newest `limit` points with seq > after, oldest first.
  equity_ring::page equity(uint64_t after, std::size_t limit) const;
  /// The sampling interval reported with the curve (seconds).
  void set_equity_interval(int seconds);
  int equity_interval_s() const;

  // -- documents (set once by the node: symbols, config) ---------------------
  void set_document(const std::string& name, std::string json);
  std::string document(const std::string& name) const; ///< "" if unset

  /// A pair's parameters as JSON (the pair trader publishes them).
  void set_pair_params(const std::string& id, std::string json);
  std::string pair_params(const std::string& id) const; ///< "" if unknown

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
  /// Every real venue's listed contracts, by venue (set_instruments).
  std::map<std::string, std::vector<instrument_spec>, std::less<>> instruments() const;
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
    uint64_t sessions = 0;
    uint64_t resyncs = 0;
    double latency_ms = 0;
    double last_latency_ms = 0;
    uint64_t latency_samples = 0;
    std::map<std::string, book_status, std::less<>> books;
  };

  readiness check_readiness_locked() const;
  static venue_status copy_venue(const std::string& name, const venue_entry& e);

  template <class T>
  struct ring {
    std::deque<logged<T>> entries;
    uint64_t next = 1;
    void add(T item);
    std::vector<logged<T>> since(uint64_t after, std::size_t limit) const;
    template <class Keep>
    page<T> newest(uint64_t after, std::size_t limit, Keep&& keep) const;
  };

  mutable std::mutex mtx_;
  node_status node_;
  ring<event> events_;
  ring<order_update> orders_;
  ring<fill_record> fills_;
  equity_ring equity_;
  int equity_interval_s_ = 5;
  std::map<std::string, order_update, std::less<>> open_orders_;
  std::map<std::string, std::string, std::less<>> documents_;
  std::map<std::string, std::string, std::less<>> params_;
  std::function<void(const event&)> event_hook_;
  std::map<std::string, venue_entry, std::less<>> venues_;
  std::map<std::string, pair_status, std::less<>> pairs_;
  std::string risk_json_;
  std::map<std::string, std::vector<instrument_spec>, std::less<>> instruments_;
};

} // namespace xarb
