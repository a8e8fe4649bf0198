#pragma once
// A deterministic closed loop for scenario and chaos tests: one pair_engine
// trading against two simulated venues (venues/sim), with an order wire in
// each direction that has latency, latency spikes and injected rejects.
//
// Time advances in fixed steps. Each step: venues release market data and
// maker fills (already delayed by their own latency) straight to the engine;
// orders and cancels that reached a venue are matched there; the venue's
// answers travel back over the report wire; the engine's timer runs every
// timer_ns. Each wire is FIFO per venue (one connection): a delayed message
// delays everything behind it, as on a real socket.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/strategy/pair_engine.hpp"
#include "venues/sim/prng.hpp"
#include "venues/sim/sim_venue.hpp"

namespace xarb::test {

struct harness_config {
  sim::world_config world;          ///< exactly two venues are used: venue_a, venue_b
  std::string symbol = "BTC-PERP";
  std::string venue_a = "va";
  std::string venue_b = "vb";
  strategy::pair_params params;
  timestamp_ns t0 = 1'700'000'000'000'000'000;
  timestamp_ns step_ns = 1'000'000;         ///< 1 ms
  timestamp_ns timer_ns = 10'000'000;       ///< engine timer
  timestamp_ns order_latency_ns = 3'000'000;  ///< engine -> venue
  timestamp_ns report_latency_ns = 3'000'000; ///< venue -> engine (order answers)
  // Chaos (all off by default).
  uint64_t chaos_seed = 7;
  double reject_probability = 0;    ///< an order is refused by the venue (rate limit)
  double spike_probability = 0;     ///< a message waits an extra spike_ns
  timestamp_ns spike_ns = 0;
  std::set<std::string> reject_all; ///< venues that refuse every order
  /// The engine enters only under a risk permit (engine_config::require_permit);
  /// the test delivers permits with set_permit().
  bool require_permit = false;
};

/// A market world of two venues for one symbol: tight, liquid, no random
/// dislocations (tests inject them), fees like the default's sim-a / sim-b.
sim::world_config two_venue_world(uint64_t seed = 11);

/// Differences (raw nanos) between an engine's books and the venues' own
/// position records of `symbol`, one line each; "" when they agree.
std::string accounting_mismatch(const strategy::pair_engine& engine,
                                const sim::venue& venue_a, const sim::venue& venue_b,
                                const std::string& symbol);

/// The scenario tests' parameters: zscore over 30 s of 250 ms samples (entry
/// z 3, exit 0.5), 0.1 BTC tranches up to 3, 2 bps minimum profit, no stop
/// loss or take profit.
strategy::pair_params scenario_params();

class sim_harness {
public:
  explicit sim_harness(harness_config cfg);

  strategy::pair_engine& engine() noexcept { return *engine_; }
  sim::venue& venue(int leg) noexcept { return *venues_[leg]; }
  timestamp_ns now() const noexcept { return now_; }
  const harness_config& config() const noexcept { return cfg_; }

  /// Runs until `until` (absolute ns); `each_step` after every step.
  void run_until(timestamp_ns until, const std::function<void()>& each_step = {});
  void run_for(timestamp_ns duration, const std::function<void()>& each_step = {}) {
    run_until(now_ + duration, each_step);
  }

  /// Disables entries and runs until no order can fill any more and both
  /// wires are empty (at most `limit`). True if everything settled.
  bool settle(timestamp_ns limit = 30'000'000'000);

  /// Everything the engine reported (kept for assertions).
  const std::vector<order_update>& updates() const noexcept { return updates_; }
  const std::vector<event>& events() const noexcept { return events_; }
  /// Orders that reached each venue (after chaos).
  const std::vector<order_intent>& delivered() const noexcept { return delivered_; }
  uint64_t cancels_delivered() const noexcept { return cancels_delivered_; }
  uint64_t injected_rejects() const noexcept { return injected_rejects_; }
  /// Events whose text contains `needle`.
  std::size_t count_events(const std::string& needle) const;

  /// Compares the engine's books with each venue's own accounting (qty,
  /// realized P&L, fees, funding, average entry) to the raw fixed-point unit.
  /// Empty when they agree, else one line per difference.
  std::string accounting_mismatch();

  /// Shift one venue's basis now (bps), e.g. a dislocation.
  void set_basis(int leg, double ou_bps, double dislocation_bps);

  /// Runs an operator or risk action on the engine now (flatten, resume,
  /// set_permit ...) and sends what it decided, as the pair trader would.
  using action =
    std::function<void(strategy::pair_engine&, timestamp_ns, strategy::engine_output&)>;
  void act(const action& f);
  /// A permit from the risk guard, applied now (see act()).
  void set_permit(const risk_permit& p);
  /// Orders the engine sent (intent -> sent) with this purpose, at or after `since`.
  std::size_t orders_sent(order_purpose p, timestamp_ns since = 0) const;
  /// Orders resting on both venues for the symbol (the venues' own view).
  std::size_t venue_open_orders() const;

private:
  using outbound = std::variant<order_intent, cancel_request>;
  struct in_flight_out {
    timestamp_ns at;
    int leg;
    outbound msg;
  };
  struct in_flight_in {
    timestamp_ns at;
    sim::event ev;
  };

  void step();
  void feed(int leg, sim::event& ev);
  void drain_output();
  timestamp_ns delay(timestamp_ns base);

  harness_config cfg_;
  std::unique_ptr<sim::venue> venues_[2];
  std::unique_ptr<strategy::pair_engine> engine_;
  strategy::engine_output out_;
  sim::rng chaos_;
  timestamp_ns now_ = 0;
  timestamp_ns next_timer_ = 0;
  std::deque<in_flight_out> to_venue_[2];
  std::deque<in_flight_in> to_engine_[2];
  std::vector<sim::event> scratch_;
  std::vector<order_update> updates_;
  std::vector<event> events_;
  std::vector<order_intent> delivered_;
  uint64_t cancels_delivered_ = 0;
  uint64_t injected_rejects_ = 0;
};

} // namespace xarb::test
