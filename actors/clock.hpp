#pragma once
// The one place actors read the wall clock. core/ never does: it gets time
// passed in.

#include <chrono>

#include "messages/market.hpp"

namespace xarb {

inline timestamp_ns wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace xarb
