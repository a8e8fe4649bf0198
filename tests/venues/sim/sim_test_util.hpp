#pragma once
// Small helpers shared by the venues/sim test suites.

#include <string_view>
#include <variant>
#include <vector>

#include "messages/decimal.hpp"
#include "venues/sim/sim_event.hpp"

namespace xarb::sim::test {

inline price px(std::string_view s) { return price::from_string(s).value(); }
inline quantity qty(std::string_view s) { return quantity::from_string(s).value(); }
inline money usd(std::string_view s) { return money::from_string(s).value(); }
inline ratio rate(std::string_view s) { return ratio::from_string(s).value(); }

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
