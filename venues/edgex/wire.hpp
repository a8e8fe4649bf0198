#pragma once
// EdgeX wire pieces shared by the codec's stream decoding and its REST
// parsing (venues/edgex/rest.cpp). Internal: include from .cpp files only
// (simdjson.h is heavy).

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "venues/common/json_fields.hpp"
#include "venues/grvt/json_walk.hpp"

namespace xarb::venues::edgex_wire {

namespace od = simdjson::ondemand;

inline constexpr int64_t k_ms_ns = 1'000'000;

/// Milliseconds to ns; 0 for values out of range (junk must not overflow).
inline timestamp_ns ms_to_ns(int64_t ms) noexcept {
  return ms > 0 && ms < INT64_MAX / k_ms_ns ? ms * k_ms_ns : 0;
}

/// A decimal field that may be a string, a number, "" or null (absent then).
template <class Fixed>
bool opt_decimal(od::value& v, std::optional<Fixed>& out, rounding mode) {
  std::string_view t;
  if (!walk::text(v, t))
    return true; // null: absent
  if (t.empty()) {
    out.reset();
    return true;
  }
  Fixed x;
  if (Fixed::parse(t, x, mode) != error_code::none)
    return false;
  out = x;
  return true;
}

/// An integer field that may be a string, a number, "" or null (0 then).
inline bool opt_i64(od::value& v, int64_t& out) {
  std::string_view t;
  if (!walk::text(v, t) || t.empty()) {
    out = 0;
    return true;
  }
  return json::get_i64(v, out) == error_code::none;
}

/// One depth record (getDepth data[], depth channel content.data[]).
struct depth_entry {
  uint64_t id = 0, start = 0, end = 0;
  bool has_id = false, has_start = false, has_end = false;
  int64_t ts_ms = 0;
  std::string_view depth_type;
  std::vector<book_level> bids, asks;
  void reset() {
    id = start = end = 0;
    has_id = has_start = has_end = false;
    ts_ms = 0;
    depth_type = {};
    bids.clear();
    asks.clear();
  }
};

/// One depth record: startVersion, endVersion, contractId, bids, asks ...
inline bool read_depth_entry(od::value& el, depth_entry& e, std::string_view* name) {
  return walk::for_fields(el, [&](std::string_view k, od::value& v) {
    if (k == "startVersion") {
      e.has_start = json::get_u64(v, e.start) == error_code::none;
      return e.has_start;
    }
    if (k == "endVersion") {
      e.has_end = json::get_u64(v, e.end) == error_code::none;
      return e.has_end;
    }
    if (k == "contractId") {
      e.has_id = json::get_u64(v, e.id) == error_code::none;
      return e.has_id;
    }
    if (k == "contractName") {
      if (name)
        walk::text(v, *name);
      return true;
    }
    if (k == "bids")
      return walk::read_levels(v, e.bids);
    if (k == "asks")
      return walk::read_levels(v, e.asks);
    if (k == "depthType") {
      walk::text(v, e.depth_type);
      return true;
    }
    if (k == "timestamp")
      return opt_i64(v, e.ts_ms);
    return true;
  });
}

} // namespace xarb::venues::edgex_wire
