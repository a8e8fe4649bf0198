#include "web/control_api.hpp"

#include <cstddef>

namespace xarb {

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  // Walk the expected side (b) in full whatever `a` holds; a length mismatch
  // is folded into the result instead of returning early.
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (std::size_t i = 0; i < b.size(); ++i) {
    auto x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0u;
    diff |= x ^ static_cast<unsigned char>(b[i]);
  }
  return diff == 0;
}

bool bearer_matches(std::string_view authorization, std::string_view token) noexcept {
  if (token.empty())
    return false;
  constexpr std::string_view scheme = "bearer";
  if (authorization.size() <= scheme.size())
    return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    auto c = authorization[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i])
      return false;
  }
  auto rest = authorization.substr(scheme.size());
  if (rest.front() != ' ')
    return false;
  auto first = rest.find_first_not_of(' ');
  if (first == std::string_view::npos)
    return false;
  rest = rest.substr(first);
  auto last = rest.find_last_not_of(" \t");
  rest = rest.substr(0, last + 1);
  return constant_time_equal(rest, token);
}

} // namespace xarb
