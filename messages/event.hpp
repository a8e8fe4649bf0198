#pragma once
// Operational events (what an operator reads in the log and the UI) and
// health states of components.

#include <cstdint>
#include <string>

#include "messages/market.hpp"

namespace xarb {

enum class severity : uint8_t { debug, info, warning, error, critical };

std::string_view to_string(severity x) noexcept;

struct event {
  timestamp_ns ts = 0;
  severity sev = severity::info;
  std::string source;  ///< component, e.g. "venue_session/sim-a"
  std::string text;
  friend bool operator==(const event&, const event&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, event& x) {
  return f(x.ts, x.sev, x.source, x.text);
}

/// Lifecycle of every long-lived component (starting -> syncing -> ready ->
/// degraded -> stopping -> stopped).
enum class health_state : uint8_t { starting, syncing, ready, degraded, stopping, stopped };

std::string_view to_string(health_state x) noexcept;

struct health_report {
  std::string component;
  health_state state = health_state::starting;
  std::string detail;
  timestamp_ns ts = 0;
  friend bool operator==(const health_report&, const health_report&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, health_report& x) {
  return f(x.component, x.state, x.detail, x.ts);
}

} // namespace xarb
