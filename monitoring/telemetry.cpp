#include "monitoring/telemetry.hpp"

#include <prometheus/text_serializer.h>

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

} // namespace

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
  build_info_ = &build(BuildGauge(), "xarb_build_info",
                       "Build metadata; the value is always 1.", reg);
  up_family_ = &build(BuildGauge(), "xarb_up", "1 while the xarb node is running.", reg);

  tick_to_decision_handle_ = &tick_to_decision_->Add({}, tick_to_decision_buckets());
  build_info_->Add({{"version", std::move(version)}}).Set(1);
  up_ = &up_family_->Add({});
  up_->Set(1);
}

prometheus::Counter& telemetry::messages_processed(const std::string& actor) {
  return messages_processed_->Add({{"actor", actor}});
}

prometheus::Gauge& telemetry::book_last_update(const std::string& venue,
                                               const std::string& symbol) {
  return book_last_update_->Add({{"venue", venue}, {"symbol", symbol}});
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
  return prometheus::TextSerializer{}.Serialize(registry_->Collect());
}

} // namespace xarb
