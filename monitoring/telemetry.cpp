#include "monitoring/telemetry.hpp"

#include <prometheus/text_serializer.h>

#include "monitoring/process_metrics.hpp"
#include "monitoring/status_board.hpp"

namespace xarb {

namespace {

constexpr health_state all_health_states[] = {
  health_state::starting, health_state::syncing,  health_state::ready,
  health_state::degraded, health_state::stopping, health_state::stopped,
};

template <class Builder>
auto& build(Builder&& builder, const char* name, const char* help,
            prometheus::Registry& registry) {
  return builder.Name(name).Help(help).Register(registry);
}

constexpr severity all_severities[] = {
  severity::debug, severity::info, severity::warning, severity::error, severity::critical,
};

constexpr venue_order_result all_order_results[] = {
  venue_order_result::accepted, venue_order_result::rejected, venue_order_result::cancelled,
  venue_order_result::filled,
};

constexpr md_drop_reason all_drop_reasons[] = {
  md_drop_reason::unknown_symbol, md_drop_reason::stale,           md_drop_reason::sequence_gap,
  md_drop_reason::crossed_book,   md_drop_reason::book_not_synced, md_drop_reason::malformed,
  md_drop_reason::checksum,
};

} // namespace

std::string_view to_string(venue_order_result r) noexcept {
  switch (r) {
    case venue_order_result::accepted:
      return "accepted";
    case venue_order_result::rejected:
      return "rejected";
    case venue_order_result::cancelled:
      return "cancelled";
    case venue_order_result::filled:
      return "filled";
  }
  return "unknown";
}

std::string_view to_string(md_drop_reason r) noexcept {
  switch (r) {
    case md_drop_reason::unknown_symbol:
      return "unknown_symbol";
    case md_drop_reason::stale:
      return "stale";
    case md_drop_reason::sequence_gap:
      return "sequence_gap";
    case md_drop_reason::crossed_book:
      return "crossed_book";
    case md_drop_reason::book_not_synced:
      return "book_not_synced";
    case md_drop_reason::malformed:
      return "malformed";
    case md_drop_reason::checksum:
      return "checksum";
  }
  return "unknown";
}

md_drop_reason drop_reason_of(error_code ec) noexcept {
  switch (ec) {
    case error_code::unknown_symbol:
      return md_drop_reason::unknown_symbol;
    case error_code::sequence_gap:
      return md_drop_reason::sequence_gap;
    case error_code::crossed_book:
      return md_drop_reason::crossed_book;
    case error_code::book_not_synced:
      return md_drop_reason::book_not_synced;
    case error_code::stale_data:
      return md_drop_reason::stale;
    default:
      return md_drop_reason::malformed;
  }
}

const std::vector<double>& telemetry::order_latency_buckets() {
  // A real venue answers in 1..500 ms (colocated: 100 us..1 ms); the
  // simulated one matches inside the session (tens of us). 1-2.5-5 steps
  // per decade; 5 s is where an order is lost, not slow.
  static const std::vector<double> buckets{
    1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3,
    1e-2, 2.5e-2, 5e-2, 0.1,  0.25,   0.5,  1.0,  2.5,    5.0,
  };
  return buckets;
}

const std::vector<double>& telemetry::tick_to_decision_buckets() {
  // Fine steps up to 100 us (the hot path's range, where p50 <= 5 us and
  // p99 <= 50 us are read off by interpolation), then 1-2-5 per decade to
  // still catch multi-millisecond stalls.
  static const std::vector<double> buckets{
    1e-6,   1.5e-6, 2e-6, 3e-6, 4e-6, 5e-6, 7.5e-6, 1e-5, 1.5e-5, 2e-5, 3e-5,
    5e-5,   7.5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3,   5e-3, 1e-2,   2e-2, 5e-2,
    1e-1,
  };
  return buckets;
}

#ifndef XARB_VERSION
#define XARB_VERSION "unknown"
#endif

telemetry::telemetry() : telemetry(XARB_VERSION) {}

telemetry::telemetry(std::string version)
  : registry_(std::make_shared<prometheus::Registry>()) {
  using namespace prometheus;
  auto& reg = *registry_;
  messages_processed_ = &build(BuildCounter(), "xarb_messages_processed_total",
                               "Messages handled, by actor kind.", reg);
  book_last_update_ = &build(BuildGauge(), "xarb_book_last_update_timestamp_seconds",
                             "Unix time of the last applied book update.", reg);
  book_age_ = &build(BuildGauge(), "xarb_book_age_seconds",
                     "Seconds since the last book update, computed at scrape time.", reg);
  book_synced_ = &build(BuildGauge(), "xarb_book_synced",
                        "1 while the order book is synced with the venue, else 0.", reg);
  book_resyncs_ = &build(BuildCounter(), "xarb_book_resyncs_total",
                         "Order book resynchronisations after gaps or crossed books.", reg);
  book_consistency_failures_ =
    &build(BuildCounter(), "xarb_book_consistency_failures_total",
           "REST snapshots that disagreed with the stream-built book at the same sequence.",
           reg);
  book_resyncs_deferred_ =
    &build(BuildCounter(), "xarb_book_resyncs_deferred_total",
           "Book resyncs postponed because the request budget refused the snapshot.", reg);
  venue_state_ = &build(BuildGauge(), "xarb_venue_state",
                        "1 for the current lifecycle state of a venue session, 0 otherwise.",
                        reg);
  actor_restarts_ = &build(BuildCounter(), "xarb_actor_restarts_total",
                           "Actor restarts performed by supervisors.", reg);
  actor_up_ = &build(BuildGauge(), "xarb_actor_up", "1 while the actor is running.", reg);
  tick_to_decision_ = &build(BuildHistogram(), "xarb_tick_to_decision_seconds",
                             "Latency from market data receipt to strategy decision.", reg);
  spread_ratio_ = &build(BuildGauge(), "xarb_spread_ratio",
                         "Live executable cross-venue spread as a fraction of mid.", reg);
  pair_pnl_ = &build(BuildGauge(), "xarb_pair_pnl",
                     "P&L of a pair by component (net, realized, fees, funding, unrealized), "
                     "quote currency.", reg);
  pair_position_ = &build(BuildGauge(), "xarb_pair_position",
                          "A pair's own position on each of its venues, canonical units.", reg);
  pair_net_delta_ = &build(BuildGauge(), "xarb_pair_net_delta",
                           "Position on venue A plus venue B: 0 when the pair is hedged.", reg);
  pair_phase_ = &build(BuildGauge(), "xarb_pair_phase",
                       "1 for the current phase of a pair trader, 0 otherwise.", reg);
  pair_round_trips_ = &build(BuildCounter(), "xarb_pair_round_trips_total",
                             "Positions opened and fully closed by a pair.", reg);
  pair_orders_ = &build(BuildCounter(), "xarb_pair_orders_total",
                        "Orders of a pair by kind (orders, fills, rejects, hedges, unwinds).",
                        reg);
  venue_order_latency_ =
    &build(BuildHistogram(), "xarb_venue_order_latency_seconds",
           "Order round trip at a venue: request received by the session to the venue's "
           "first answer (ack, reject or fill) sent back.",
           reg);
  ws_connected_ = &build(BuildGauge(), "xarb_venue_ws_connected",
                         "1 while a real venue's WebSocket connection is open.", reg);
  ws_rate_ = &build(BuildGauge(), "xarb_venue_ws_messages_per_second",
                    "Frames received per second on a venue connection (last 5 s).", reg);
  ws_lag_ = &build(BuildGauge(), "xarb_venue_ws_lag_seconds",
                   "Receipt minus exchange time of a venue connection's frames (smoothed).",
                   reg);
  ws_lag_max_ = &build(BuildGauge(), "xarb_venue_ws_lag_max_seconds",
                       "Largest receipt minus exchange time seen on a venue connection.", reg);
  ws_backoff_ = &build(BuildGauge(), "xarb_venue_ws_backoff_seconds",
                       "Current or last reconnect back-off of a venue connection.", reg);
  ws_frames_ = &build(BuildCounter(), "xarb_venue_ws_frames_total",
                      "Frames received on a venue connection.", reg);
  ws_reconnects_ = &build(BuildCounter(), "xarb_venue_ws_reconnects_total",
                          "Reconnections of a venue connection after its first open.", reg);
  venue_orders_ = &build(BuildCounter(), "xarb_venue_orders_total",
                         "Order outcomes at a venue (accepted, rejected, cancelled, filled).",
                         reg);
  venue_fills_ = &build(BuildCounter(), "xarb_venue_fills_total",
                        "Fills received from a venue, by liquidity (maker, taker).", reg);
  venue_book_updates_ = &build(BuildCounter(), "xarb_venue_book_updates_total",
                               "Market-data frames (snapshots, deltas) applied to the books.",
                               reg);
  venue_sessions_ = &build(BuildCounter(), "xarb_venue_sessions_total",
                           "Venue session starts (first start, restarts, reconnects).", reg);
  venue_dropped_ = &build(BuildCounter(), "xarb_venue_market_messages_dropped_total",
                          "Market-data frames not applied, by reason.", reg);
  events_family_ = &build(BuildCounter(), "xarb_events_total",
                          "Operational events published, by severity.", reg);
  build_info_ = &build(BuildGauge(), "xarb_build_info",
                       "Build metadata; the value is always 1.", reg);
  up_family_ = &build(BuildGauge(), "xarb_up", "1 while the xarb node is running.", reg);

  tick_to_decision_handle_ = &tick_to_decision_->Add({}, tick_to_decision_buckets());
  build_info_->Add({{"version", std::move(version)}}).Set(1);
  up_ = &up_family_->Add({});
  up_->Set(1);
  for (auto sev : all_severities)
    events_[static_cast<std::size_t>(sev)] =
      &events_family_->Add({{"severity", std::string{to_string(sev)}}});
}

venue_metrics telemetry::venue(const std::string& venue) {
  venue_metrics m;
  m.order_latency = &venue_order_latency_->Add({{"venue", venue}}, order_latency_buckets());
  for (auto r : all_order_results)
    m.orders[static_cast<std::size_t>(r)] =
      &venue_orders_->Add({{"venue", venue}, {"result", std::string{to_string(r)}}});
  for (auto l : {liquidity::maker, liquidity::taker})
    m.fills[static_cast<std::size_t>(l)] =
      &venue_fills_->Add({{"venue", venue}, {"liquidity", std::string{to_string(l)}}});
  m.book_updates = &venue_book_updates_->Add({{"venue", venue}});
  m.sessions = &venue_sessions_->Add({{"venue", venue}});
  m.resyncs = &book_resyncs(venue);
  for (auto r : all_drop_reasons)
    m.dropped[static_cast<std::size_t>(r)] =
      &venue_dropped_->Add({{"venue", venue}, {"reason", std::string{to_string(r)}}});
  return m;
}

prometheus::Counter& telemetry::messages_processed(const std::string& actor) {
  return messages_processed_->Add({{"actor", actor}});
}

prometheus::Gauge& telemetry::book_last_update(const std::string& venue,
                                               const std::string& symbol) {
  return book_last_update_->Add({{"venue", venue}, {"symbol", symbol}});
}

ws_series telemetry::venue_ws(const std::string& venue, const std::string& conn) {
  const prometheus::Labels l{{"venue", venue}, {"conn", conn}};
  return ws_series{&ws_connected_->Add(l), &ws_rate_->Add(l),       &ws_lag_->Add(l),
                   &ws_lag_max_->Add(l),   &ws_backoff_->Add(l),    &ws_frames_->Add(l),
                   &ws_reconnects_->Add(l)};
}

prometheus::Gauge& telemetry::book_age(const std::string& venue, const std::string& symbol) {
  return book_age_->Add({{"venue", venue}, {"symbol", symbol}});
}

prometheus::Gauge& telemetry::book_synced(const std::string& venue,
                                          const std::string& symbol) {
  return book_synced_->Add({{"venue", venue}, {"symbol", symbol}});
}

prometheus::Counter& telemetry::book_resyncs(const std::string& venue) {
  return book_resyncs_->Add({{"venue", venue}});
}

prometheus::Counter& telemetry::book_consistency_failures(const std::string& venue,
                                                          const std::string& symbol) {
  return book_consistency_failures_->Add({{"venue", venue}, {"symbol", symbol}});
}

prometheus::Counter& telemetry::book_resyncs_deferred(const std::string& venue) {
  return book_resyncs_deferred_->Add({{"venue", venue}});
}

prometheus::Counter& telemetry::actor_restarts(const std::string& actor) {
  return actor_restarts_->Add({{"actor", actor}});
}

prometheus::Gauge& telemetry::actor_up(const std::string& actor) {
  return actor_up_->Add({{"actor", actor}});
}

prometheus::Histogram& telemetry::tick_to_decision() {
  return *tick_to_decision_handle_;
}

prometheus::Gauge& telemetry::spread(const std::string& pair,
                                           std::string_view direction) {
  return spread_ratio_->Add({{"pair", pair}, {"direction", std::string{direction}}});
}

namespace {

/// Moves a counter up to `total` (counters only go up; a restarted pair
/// trader starts again from 0 and the counter keeps its value).
void follow(prometheus::Counter& c, uint64_t total) {
  const double now = static_cast<double>(total);
  if (now > c.Value())
    c.Increment(now - c.Value());
}

} // namespace

void telemetry::set_pair(const pair_report& r) {
  const std::string& id = r.spread.pair_id;
  const money realized = r.leg_a.realized + r.leg_b.realized;
  const money fees = r.leg_a.fees + r.leg_b.fees;
  const money funding = r.leg_a.funding + r.leg_b.funding;
  const money unrealized = r.leg_a.unrealized + r.leg_b.unrealized;
  for (auto [component, value] : {std::pair{"net", r.net_pnl}, std::pair{"realized", realized},
                                  std::pair{"fees", fees}, std::pair{"funding", funding},
                                  std::pair{"unrealized", unrealized}})
    pair_pnl_->Add({{"pair", id}, {"component", component}}).Set(value.to_double());
  for (const auto* leg : {&r.leg_a, &r.leg_b})
    pair_position_->Add({{"pair", id}, {"venue", leg->venue}}).Set(leg->qty.to_double());
  pair_net_delta_->Add({{"pair", id}}).Set(r.net_delta.to_double());
  for (auto ph : {pair_phase::warmup, pair_phase::flat, pair_phase::opening, pair_phase::open,
                  pair_phase::closing, pair_phase::hedging, pair_phase::halted})
    pair_phase_->Add({{"pair", id}, {"phase", std::string{to_string(ph)}}})
      .Set(ph == r.phase ? 1 : 0);
  follow(pair_round_trips_->Add({{"pair", id}}), r.round_trips);
  for (auto [kind, total] : {std::pair{"orders", r.orders}, std::pair{"fills", r.fills},
                             std::pair{"rejects", r.rejects}, std::pair{"hedges", r.hedges},
                             std::pair{"unwinds", r.unwinds}})
    follow(pair_orders_->Add({{"pair", id}, {"kind", kind}}), total);
}

void telemetry::set_venue_state(const std::string& venue, health_state state) {
  std::lock_guard guard{venue_state_mtx_};
  for (auto s : all_health_states)
    venue_state_->Add({{"venue", venue}, {"state", std::string{to_string(s)}}})
      .Set(s == state ? 1 : 0);
}

void telemetry::set_spread(const std::string& pair, ratio ab, ratio ba) {
  spread(pair, "ab").Set(ab.to_double());
  spread(pair, "ba").Set(ba.to_double());
}

void telemetry::refresh_book_ages(const status_board& board, timestamp_ns now) {
  auto start = board.node().start_ns;
  for (auto& venue : board.venues())
    for (auto& book : venue.books) {
      auto since = book.last_update_ns > 0 ? book.last_update_ns : start;
      if (since <= 0)
        continue; // nothing meaningful to report yet
      // Clamped at 0: a venue timestamp slightly ahead of our clock is fresh.
      auto age = now > since ? static_cast<double>(now - since) / 1e9 : 0.0;
      book_age(venue.name, book.symbol).Set(age);
    }
}

std::string telemetry::serialize() const {
  auto families = registry_->Collect();
  if (auto stats = read_process_stats())
    for (auto& f : process_families(*stats))
      families.push_back(std::move(f));
  return prometheus::TextSerializer{}.Serialize(families);
}

} // namespace xarb
