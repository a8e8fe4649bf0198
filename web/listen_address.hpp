#pragma once
// "HOST:PORT" listen addresses, shared by config validation (nodes/config)
// and the web actor so both agree on one syntax:
//   127.0.0.1:8080     IPv4 literal
//   [::1]:8080         IPv6 literal in brackets
//   0.0.0.0:8080       all interfaces: allowed, but must be written explicitly
// Host names are rejected on purpose: a bind address should never depend on
// DNS. Port 0 asks the OS for a free port (tests, multiple local nodes).

#include <cstdint>
#include <string>
#include <string_view>

#include "messages/expected.hpp"

namespace xarb {

struct listen_address {
  std::string host; ///< literal address without brackets ("::1")
  uint16_t port = 0;
  friend bool operator==(const listen_address&, const listen_address&) = default;
};

/// Parses and validates; the error message says what is wrong.
expected<listen_address> parse_listen_address(std::string_view text);

/// "127.0.0.1:8080" / "[::1]:8080".
std::string to_string(const listen_address& x);

} // namespace xarb
