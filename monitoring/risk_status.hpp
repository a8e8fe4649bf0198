#pragma once
// The risk guard's snapshot for people and machines: the JSON document of
// /api/status's "risk" section (and /api/risk with the web API issue), and
// its Prometheus metrics (every name in docs/RISK.md).

#include <memory>
#include <mutex>
#include <string>

#include "core/risk/risk_book.hpp"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Gauge;
class Counter;
} // namespace prometheus

namespace xarb {

namespace json {
class writer;
}

/// The snapshot as one JSON object: state, equity, limits (the config),
/// venues, symbols, pairs, active breakers, trip counts, capital layers and
/// rate-limit budgets. Money as exact decimal strings.
std::string to_json(const risk::risk_snapshot& s, const risk::risk_config& cfg);

/// One venue key's request budget as a JSON object (in /api/risk's
/// rate_limits and /api/venues): tokens available of capacity per kind,
/// headroom_ratio (new-order tokens left), back-off and ban-guard state.
void write_rate_limit(json::writer& w, const risk::rate_limit_snapshot& r);

/// The risk guard's metric families, registered on the node's registry.
class risk_metrics {
public:
  explicit risk_metrics(prometheus::Registry& registry);
  /// Sets every gauge and moves every counter to the snapshot's totals.
  void update(const risk::risk_snapshot& s);

private:
  std::mutex mtx_;
  prometheus::Family<prometheus::Gauge>* state_;
  prometheus::Family<prometheus::Gauge>* entries_;
  prometheus::Family<prometheus::Gauge>* breaker_active_;
  prometheus::Family<prometheus::Counter>* breaker_trips_;
  prometheus::Family<prometheus::Gauge>* exposure_;
  prometheus::Family<prometheus::Gauge>* equity_;
  prometheus::Family<prometheus::Gauge>* drawdown_;
  prometheus::Family<prometheus::Gauge>* daily_loss_;
  prometheus::Family<prometheus::Gauge>* leverage_;
  prometheus::Family<prometheus::Gauge>* capital_;
  prometheus::Family<prometheus::Gauge>* pair_cap_;
  prometheus::Family<prometheus::Gauge>* rate_available_;
  prometheus::Family<prometheus::Gauge>* rate_blocked_;
  prometheus::Family<prometheus::Counter>* http_429_;
  prometheus::Family<prometheus::Counter>* rate_refused_;
  prometheus::Family<prometheus::Counter>* permits_;
  prometheus::Family<prometheus::Counter>* orders_refused_;
};

} // namespace xarb
