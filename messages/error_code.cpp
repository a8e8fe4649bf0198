#include "messages/error_code.hpp"

namespace xarb {

std::string_view to_string(error_code x) noexcept {
  switch (x) {
    case error_code::none: return "none";
    case error_code::parse_error: return "parse_error";
    case error_code::overflow: return "overflow";
    case error_code::precision_loss: return "precision_loss";
    case error_code::bad_tick: return "bad_tick";
    case error_code::bad_lot: return "bad_lot";
    case error_code::below_min_qty: return "below_min_qty";
    case error_code::below_min_notional: return "below_min_notional";
    case error_code::post_only_would_cross: return "post_only_would_cross";
    case error_code::reduce_only_violation: return "reduce_only_violation";
    case error_code::no_liquidity: return "no_liquidity";
    case error_code::unknown_order: return "unknown_order";
    case error_code::duplicate_order: return "duplicate_order";
    case error_code::invalid_order: return "invalid_order";
    case error_code::unknown_symbol: return "unknown_symbol";
    case error_code::unknown_venue: return "unknown_venue";
    case error_code::sequence_gap: return "sequence_gap";
    case error_code::crossed_book: return "crossed_book";
    case error_code::book_not_synced: return "book_not_synced";
    case error_code::stale_data: return "stale_data";
    case error_code::venue_unavailable: return "venue_unavailable";
    case error_code::rate_limited: return "rate_limited";
    case error_code::timeout: return "timeout";
    case error_code::config_error: return "config_error";
    case error_code::io_error: return "io_error";
    case error_code::shutting_down: return "shutting_down";
    case error_code::internal: return "internal";
  }
  return "unknown";
}

std::string to_string(const error_info& x) {
  std::string out{to_string(x.code)};
  if (!x.message.empty()) {
    out += ": ";
    out += x.message;
  }
  return out;
}

} // namespace xarb
