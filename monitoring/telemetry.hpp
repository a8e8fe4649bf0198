#pragma once
// Telemetry: the Prometheus metric families of one xarb node, on a
// prometheus-cpp registry that the web actor serializes at /metrics (text
// exposition 0.0.4; we do not use prometheus-cpp's own HTTP exposer).
//
// Naming follows the Prometheus conventions: prefix `xarb_` on every family
// (the process_* ones too: one prefix selects all of a node's series), base
// units (`_seconds`, `_bytes`, `_ratio`), counters end in `_total`,
// low-cardinality labels only (actor kind, venue, symbol, pair, bounded
// state/direction/result/reason sets). docs/METRICS.md lists every family.
//
// Handles: every accessor returns a reference that stays valid for the
// lifetime of the telemetry object. Accessors lock (prometheus-cpp's
// Family::Add takes a mutex and allocates), so hot paths fetch a handle once
// and keep it; Counter/Gauge updates on a kept handle are lock-free atomics,
// Histogram::Observe takes a short per-histogram lock.

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "messages/decimal.hpp"
#include "messages/error_code.hpp"
#include "messages/event.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"
#include "messages/strategy.hpp"

namespace xarb {

class status_board;

/// Outcome of an order request at a venue (xarb_venue_orders_total{result}).
enum class venue_order_result : uint8_t { accepted, rejected, cancelled, filled };
inline constexpr std::size_t venue_order_result_count = 4;

/// Why a venue session did not apply a market-data frame
/// (xarb_venue_market_messages_dropped_total{reason}).
enum class md_drop_reason : uint8_t {
  unknown_symbol,  ///< a frame for a symbol the session does not keep
  stale,           ///< a delta at or below the book's sequence (duplicate)
  sequence_gap,    ///< a delta that does not follow the book: resync
  crossed_book,    ///< the update crossed the book: resync
  book_not_synced, ///< a delta while the book waits for its snapshot
  malformed,       ///< bad levels (price <= 0, qty < 0), an unparseable frame, any other refusal
  checksum,        ///< the venue's book checksum disagrees after the update: resync
};
inline constexpr std::size_t md_drop_reason_count = 7;

std::string_view to_string(venue_order_result r) noexcept;
std::string_view to_string(md_drop_reason r) noexcept;

/// The drop reason of an order_book::apply error (error_code::none is not
/// a drop; it maps to malformed like every unexpected code).
md_drop_reason drop_reason_of(error_code ec) noexcept;

/// The series of one venue, looked up once (telemetry::venue) and kept by
/// its session: updates are then lock-free atomics (histogram: a short
/// per-series lock), with no label look-up or allocation per message.
struct venue_metrics {
  prometheus::Histogram* order_latency = nullptr; ///< xarb_venue_order_latency_seconds
  std::array<prometheus::Counter*, venue_order_result_count> orders{}; ///< by result
  std::array<prometheus::Counter*, 2> fills{};    ///< by liquidity (maker, taker)
  prometheus::Counter* book_updates = nullptr;    ///< xarb_venue_book_updates_total
  prometheus::Counter* sessions = nullptr;        ///< xarb_venue_sessions_total
  prometheus::Counter* resyncs = nullptr;         ///< xarb_book_resyncs_total{venue}
  std::array<prometheus::Counter*, md_drop_reason_count> dropped{}; ///< by reason

  void order(venue_order_result r) { orders[static_cast<std::size_t>(r)]->Increment(); }
  void fill(liquidity l) { fills[static_cast<std::size_t>(l)]->Increment(); }
  void drop(md_drop_reason r) { dropped[static_cast<std::size_t>(r)]->Increment(); }
};

/// The series of one WebSocket connection of a real venue (the session's
/// transport refreshes them every second from its connection statistics).
struct ws_series {
  prometheus::Gauge* connected = nullptr;       ///< xarb_venue_ws_connected
  prometheus::Gauge* msgs_per_s = nullptr;      ///< xarb_venue_ws_messages_per_second
  prometheus::Gauge* lag = nullptr;             ///< xarb_venue_ws_lag_seconds (smoothed)
  prometheus::Gauge* lag_max = nullptr;         ///< xarb_venue_ws_lag_max_seconds
  prometheus::Gauge* backoff = nullptr;         ///< xarb_venue_ws_backoff_seconds
  prometheus::Counter* frames = nullptr;        ///< xarb_venue_ws_frames_total
  prometheus::Counter* reconnects = nullptr;    ///< xarb_venue_ws_reconnects_total
};

class telemetry {
public:
  /// `version` labels xarb_build_info.
  explicit telemetry(std::string version);

  /// Labels xarb_build_info with the compiled-in XARB_VERSION.
  telemetry();

  telemetry(const telemetry&) = delete;
  telemetry& operator=(const telemetry&) = delete;

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  // -- handles (thread-safe; keep the reference on hot paths) ----------------

  /// xarb_messages_processed_total{actor}: messages handled by an actor kind.
  prometheus::Counter& messages_processed(const std::string& actor);

  /// xarb_book_last_update_timestamp_seconds{venue,symbol}: Unix time of the
  /// last applied book update.
  prometheus::Gauge& book_last_update(const std::string& venue, const std::string& symbol);

  /// xarb_book_age_seconds{venue,symbol}: refreshed by refresh_book_ages().
  prometheus::Gauge& book_age(const std::string& venue, const std::string& symbol);

  /// xarb_book_synced{venue,symbol}: 1 while the book is synced, else 0.
  prometheus::Gauge& book_synced(const std::string& venue, const std::string& symbol);

  /// xarb_book_resyncs_total{venue}: book resynchronisations (gaps, crosses).
  prometheus::Counter& book_resyncs(const std::string& venue);

  /// xarb_book_consistency_failures_total{venue,symbol}: the REST snapshot
  /// disagreed with the book built from the stream at the same sequence.
  prometheus::Counter& book_consistency_failures(const std::string& venue,
                                                 const std::string& symbol);

  /// xarb_book_resyncs_deferred_total{venue}: resyncs postponed because the
  /// venue's request budget refused the REST snapshot.
  prometheus::Counter& book_resyncs_deferred(const std::string& venue);

  /// xarb_actor_restarts_total{actor}: restarts performed by supervisors.
  prometheus::Counter& actor_restarts(const std::string& actor);

  /// xarb_actor_up{actor}: 1 while the actor runs.
  prometheus::Gauge& actor_up(const std::string& actor);

  /// xarb_tick_to_decision_seconds: frame receipt to strategy decision.
  prometheus::Histogram& tick_to_decision();

  /// xarb_spread_ratio{pair,direction}: live spread; direction is "ab"
  /// (sell A, buy B) or "ba".
  prometheus::Gauge& spread(const std::string& pair, std::string_view direction);

  /// Every series of connection `conn` (its index, "0", "1" ...) of `venue`.
  ws_series venue_ws(const std::string& venue, const std::string& conn);

  /// xarb_up: 1 while the node runs (set to 0 during shutdown).
  prometheus::Gauge& up() { return *up_; }

  /// Every series of one venue (all created here, at 0, so none is missing
  /// before its first event): order round trip histogram, orders by result,
  /// fills by liquidity, applied book updates, sessions, resyncs and dropped
  /// market-data frames by reason. Locks; call once per session.
  venue_metrics venue(const std::string& venue);

  /// xarb_events_total{severity}: one operational event of that severity
  /// (lock-free; every severity exists from the start at 0).
  void count_event(severity s) { events_[static_cast<std::size_t>(s)]->Increment(); }
  prometheus::Counter& events(severity s) { return *events_[static_cast<std::size_t>(s)]; }

  // -- composite updates -----------------------------------------------------

  /// xarb_venue_state{venue,state}: 1 for `state`, 0 for every other state
  /// of the bounded health_state set (all series exist, so none goes missing).
  void set_venue_state(const std::string& venue, health_state state);

  /// Both directions of a pair's spread (to_double: statistics only).
  void set_spread(const std::string& pair, ratio ab, ratio ba);

  /// Sets xarb_book_age_seconds for every book on the board: now minus the
  /// last update, or minus the node start time for a book that has never
  /// updated (so a stuck start-up also looks stale).
  void refresh_book_ages(const status_board& board, timestamp_ns now);

  /// A pair trader's figures (from its pair_report), all labelled pair=id:
  ///   xarb_pair_pnl{pair,component}: net, realized, fees, funding,
  ///     unrealized (quote currency; fees positive = paid);
  ///   xarb_pair_position{pair,venue}: the pair's own position per leg;
  ///   xarb_pair_net_delta{pair}: qty A + qty B (0 when hedged);
  ///   xarb_pair_phase{pair,phase}: 1 for the current phase, 0 otherwise;
  ///   xarb_pair_round_trips_total{pair};
  ///   xarb_pair_orders_total{pair,kind}: orders, fills, rejects, hedges,
  ///     unwinds (counters follow the report's totals).
  void set_pair(const pair_report& r);

  /// Text exposition format 0.0.4 of every family, the xarb_process_*
  /// families included (read from /proc at this call: scrape time).
  std::string serialize() const;

  /// Bucket upper bounds of xarb_tick_to_decision_seconds (1 us .. 100 ms).
  static const std::vector<double>& tick_to_decision_buckets();

  /// Bucket upper bounds of xarb_venue_order_latency_seconds (10 us .. 5 s).
  static const std::vector<double>& order_latency_buckets();

private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* messages_processed_;
  prometheus::Family<prometheus::Gauge>* book_last_update_;
  prometheus::Family<prometheus::Gauge>* book_age_;
  prometheus::Family<prometheus::Gauge>* book_synced_;
  prometheus::Family<prometheus::Counter>* book_resyncs_;
  prometheus::Family<prometheus::Counter>* book_consistency_failures_;
  prometheus::Family<prometheus::Counter>* book_resyncs_deferred_;
  prometheus::Family<prometheus::Gauge>* venue_state_;
  prometheus::Family<prometheus::Counter>* actor_restarts_;
  prometheus::Family<prometheus::Gauge>* actor_up_;
  prometheus::Family<prometheus::Histogram>* tick_to_decision_;
  prometheus::Family<prometheus::Gauge>* spread_ratio_;
  prometheus::Family<prometheus::Gauge>* pair_pnl_;
  prometheus::Family<prometheus::Gauge>* pair_position_;
  prometheus::Family<prometheus::Gauge>* pair_net_delta_;
  prometheus::Family<prometheus::Gauge>* pair_phase_;
  prometheus::Family<prometheus::Counter>* pair_round_trips_;
  prometheus::Family<prometheus::Counter>* pair_orders_;
  prometheus::Family<prometheus::Histogram>* venue_order_latency_;
  prometheus::Family<prometheus::Counter>* venue_orders_;
  prometheus::Family<prometheus::Counter>* venue_fills_;
  prometheus::Family<prometheus::Counter>* venue_book_updates_;
  prometheus::Family<prometheus::Counter>* venue_sessions_;
  prometheus::Family<prometheus::Counter>* venue_dropped_;
  prometheus::Family<prometheus::Gauge>* ws_connected_;
  prometheus::Family<prometheus::Gauge>* ws_rate_;
  prometheus::Family<prometheus::Gauge>* ws_lag_;
  prometheus::Family<prometheus::Gauge>* ws_lag_max_;
  prometheus::Family<prometheus::Gauge>* ws_backoff_;
  prometheus::Family<prometheus::Counter>* ws_frames_;
  prometheus::Family<prometheus::Counter>* ws_reconnects_;
  prometheus::Family<prometheus::Counter>* events_family_;
  std::array<prometheus::Counter*, 5> events_{}; ///< by severity
  prometheus::Family<prometheus::Gauge>* build_info_;
  prometheus::Family<prometheus::Gauge>* up_family_;
  prometheus::Histogram* tick_to_decision_handle_;
  prometheus::Gauge* up_;
  // Serializes set_venue_state so two writers never leave two states at 1.
  std::mutex venue_state_mtx_;
};

} // namespace xarb
