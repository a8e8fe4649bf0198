#pragma once
// Small helpers shared by the venues/sim test suites.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"
#include "venues/sim/sim_event.hpp"

namespace xarb::sim::test {

inline constexpr timestamp_ns ms = 1'000'000;
inline constexpr timestamp_ns sec = 1000 * ms;
/// Where the simulated worlds of the tests start (2023-11-14).
inline constexpr timestamp_ns t0 = 1'700'000'000 * sec;

inline price px(std::string_view s) { return price::from_string(s).value(); }
inline quantity qty(std::string_view s) { return quantity::from_string(s).value(); }
inline money usd(std::string_view s) { return money::from_string(s).value(); }
inline ratio rate(std::string_view s) { return ratio::from_string(s).value(); }

/// An order with the fields the venue tests vary.
inline order_intent order(std::string id, std::string venue_name, std::string sym, side sd,
                          order_type type, time_in_force tif, price p, quantity q,
                          bool reduce_only = false) {
  order_intent o;
  o.client_id = std::move(id);
  o.venue = std::move(venue_name);
  o.symbol = std::move(sym);
  o.sd = sd;
  o.type = type;
  o.tif = tif;
  o.px = p;
  o.qty = q;
  o.reduce_only = reduce_only;
  return o;
}

/// A client's copy of one book, loaded from a snapshot (the suites apply
/// deltas their own way: strictly, or counting sequence breaks).
struct book_copy {
  uint64_t seq = 0;
  std::map<price, quantity, std::greater<>> bids;
  std::map<price, quantity> asks;

  void load(const book_snapshot& s) {
    seq = s.seq;
    bids.clear();
    asks.clear();
    for (const auto& l : s.bids)
      bids[l.px] = l.qty;
    for (const auto& l : s.asks)
      asks[l.px] = l.qty;
  }
};

template <class T>
std::vector<T> only(const std::vector<event>& events) {
  std::vector<T> out;
  for (const auto& e : events)
    if (const auto* x = std::get_if<T>(&e))
      out.push_back(*x);
  return out;
}

template <class T>
const T& as(const event& e) {
  return std::get<T>(e);
}

} // namespace xarb::sim::test
