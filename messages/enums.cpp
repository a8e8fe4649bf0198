// to_string for the enums of messages/.
#include "messages/event.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"
#include "messages/risk.hpp"
#include "messages/strategy.hpp"

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

std::string_view to_string(order_state x) noexcept {
  switch (x) {
    case order_state::intent: return "intent";
    case order_state::sent: return "sent";
    case order_state::acked: return "acked";
    case order_state::partially_filled: return "partially_filled";
    case order_state::filled: return "filled";
    case order_state::cancelled: return "cancelled";
    case order_state::rejected: return "rejected";
    case order_state::expired: return "expired";
  }
  return "unknown";
}

std::string_view to_string(order_purpose x) noexcept {
  switch (x) {
    case order_purpose::open: return "open";
    case order_purpose::close: return "close";
    case order_purpose::hedge: return "hedge";
    case order_purpose::unwind: return "unwind";
    case order_purpose::rebalance: return "rebalance";
    case order_purpose::flatten: return "flatten";
  }
  return "unknown";
}

std::string_view to_string(pair_phase x) noexcept {
  switch (x) {
    case pair_phase::warmup: return "warmup";
    case pair_phase::flat: return "flat";
    case pair_phase::opening: return "opening";
    case pair_phase::open: return "open";
    case pair_phase::closing: return "closing";
    case pair_phase::hedging: return "hedging";
    case pair_phase::halted: return "halted";
  }
  return "unknown";
}


std::string_view to_string(trade_state x) noexcept {
  switch (x) {
    case trade_state::active: return "active";
    case trade_state::reducing: return "reducing";
    case trade_state::halted: return "halted";
  }
  return "unknown";
}

bool parse(std::string_view text, trade_state& out) noexcept {
  for (auto s : {trade_state::active, trade_state::reducing, trade_state::halted})
    if (text == to_string(s)) {
      out = s;
      return true;
    }
  return false;
}

std::string_view to_string(venue_alert_kind x) noexcept {
  switch (x) {
    case venue_alert_kind::liveness_lost: return "liveness_lost";
    case venue_alert_kind::liveness_ok: return "liveness_ok";
    case venue_alert_kind::consistency_failed: return "consistency_failed";
    case venue_alert_kind::consistency_ok: return "consistency_ok";
    case venue_alert_kind::rate_limited: return "rate_limited";
    case venue_alert_kind::banned: return "banned";
  }
  return "unknown";
}

} // namespace xarb
