#pragma once
// The error vocabulary of xarb: one enum for the whole system, usable without
// CAF (core/ and venues/ return it), made CAF-aware in messages/caf_errors.hpp.

#include <cstdint>
#include <string>
#include <string_view>

namespace xarb {

/// Error codes shared by every component. 0 means "no error" (CAF requirement).
enum class error_code : uint8_t {
  none = 0,
  // -- parsing and arithmetic ------------------------------------------------
  parse_error,        ///< malformed text (decimal, JSON frame, config value)
  overflow,           ///< a fixed-point result does not fit in 64 bits
  precision_loss,     ///< more decimals than the fixed-point scale holds
  // -- order validation -----------------------------------------------------
  bad_tick,           ///< price is not a multiple of the tick size
  bad_lot,            ///< quantity is not a multiple of the lot size
  below_min_qty,      ///< quantity below the venue minimum
  below_min_notional, ///< price x quantity below the venue minimum
  post_only_would_cross, ///< post-only order would take liquidity
  reduce_only_violation, ///< reduce-only order would increase the position
  no_liquidity,       ///< market/IOC order found nothing to match
  unknown_order,      ///< cancel for an order the venue does not know
  duplicate_order,    ///< client order id already used
  invalid_order,      ///< any other malformed order (zero qty, bad side ...)
  // -- market data ----------------------------------------------------------
  unknown_symbol,
  unknown_venue,
  sequence_gap,       ///< a delta does not follow the last applied sequence
  crossed_book,       ///< best bid >= best ask after an update
  book_not_synced,    ///< the book has no valid snapshot yet
  stale_data,         ///< data older than the staleness budget
  // -- runtime --------------------------------------------------------------
  venue_unavailable,
  rate_limited,
  timeout,
  config_error,
  io_error,
  shutting_down,
  internal,
};

/// Stable snake_case name, e.g. "sequence_gap".
std::string_view to_string(error_code x) noexcept;

/// An error value: a code plus a human-readable context.
struct error_info {
  error_code code = error_code::none;
  std::string message;

  explicit operator bool() const noexcept { return code != error_code::none; }
  friend bool operator==(const error_info&, const error_info&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, error_info& x) {
  return f(x.code, x.message);
}

std::string to_string(const error_info& x);

} // namespace xarb
