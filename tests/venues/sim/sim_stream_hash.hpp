#pragma once
// A stable fingerprint of a venue's event stream (FNV-1a over every field,
// through the messages' CAF-style inspect() overloads), so a test can pin
// the exact stream of a scenario to a golden value.

#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "venues/sim/sim_event.hpp"

namespace xarb::sim::test {

class stream_hasher {
public:
  template <class... Ts>
  bool operator()(Ts&... xs) {
    (add(xs), ...);
    return true;
  }

  uint64_t value() const noexcept { return h_; }

  void add_event(const event& e) {
    add_raw(e.index());
    std::visit([this](const auto& x) {
      auto copy = x; // inspect() takes non-const references
      inspect(*this, copy);
    }, e);
  }

private:
  template <class T>
  void add(T& x) {
    if constexpr (std::is_same_v<T, std::string>) {
      add_raw(x.size());
      for (char c : x)
        byte(static_cast<unsigned char>(c));
    } else if constexpr (std::is_enum_v<T>) {
      add_raw(static_cast<uint64_t>(x));
    } else if constexpr (std::is_integral_v<T>) {
      add_raw(static_cast<uint64_t>(x));
    } else if constexpr (requires { x.size(); x.begin(); }) {
      add_raw(x.size());
      for (auto& y : x)
        add(y);
    } else {
      inspect(*this, x);
    }
  }

  void add_raw(uint64_t v) {
    for (int k = 0; k < 8; ++k)
      byte(static_cast<unsigned char>(v >> (8 * k)));
  }

  void byte(unsigned char c) {
    h_ ^= c;
    h_ *= 1099511628211ull;
  }

  uint64_t h_ = 14695981039346656037ull;
};

inline uint64_t stream_hash(const std::vector<event>& events) {
  stream_hasher h;
  for (const auto& e : events)
    h.add_event(e);
  return h.value();
}

} // namespace xarb::sim::test
