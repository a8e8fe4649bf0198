#pragma once
// Shared by the config test suites: load a TOML text that must fail and get
// the problems, and a substring check for them.

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "nodes/config.hpp"

namespace xarb::test {

/// The error message of a config that must not load (every problem listed).
inline std::string errors_of(std::string_view toml) {
  auto res = load_config_string(toml, "t.toml");
  REQUIRE_MESSAGE(!res.has_value(), "expected an error for:\n" << toml);
  CHECK(res.error().code == error_code::config_error);
  return res.error().message;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace xarb::test
