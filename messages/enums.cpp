// to_string for the enums of messages/.
#include "messages/event.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"

namespace xarb {

std::string_view to_string(book_side x) noexcept {
  return x == book_side::bid ? "bid" : "ask";
}

std::string_view to_string(side x) noexcept {
  return x == side::buy ? "buy" : "sell";
}

std::string_view to_string(order_type x) noexcept {
  return x == order_type::limit ? "limit" : "market";
}

std::string_view to_string(time_in_force x) noexcept {
  switch (x) {
    case time_in_force::gtc: return "gtc";
    case time_in_force::ioc: return "ioc";
    case time_in_force::post_only: return "post_only";
  }
  return "unknown";
}

std::string_view to_string(liquidity x) noexcept {
  return x == liquidity::maker ? "maker" : "taker";
}

std::string_view to_string(severity x) noexcept {
  switch (x) {
    case severity::debug: return "debug";
    case severity::info: return "info";
    case severity::warning: return "warning";
    case severity::error: return "error";
    case severity::critical: return "critical";
  }
  return "unknown";
}

std::string_view to_string(health_state x) noexcept {
  switch (x) {
    case health_state::starting: return "starting";
    case health_state::syncing: return "syncing";
    case health_state::ready: return "ready";
    case health_state::degraded: return "degraded";
    case health_state::stopping: return "stopping";
    case health_state::stopped: return "stopped";
  }
  return "unknown";
}

} // namespace xarb
