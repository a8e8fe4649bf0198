#pragma once
// Shared by the venues/mock server tests: loopback clients (HTTP and
// WebSocket, plain or TLS with the test PKI of tests/venues/net/certs) with
// timeouts, so a broken server fails a test instead of hanging it. Beast
// lives in mock_test_support.cpp (compiled once for every test).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/venues/mock/test_protocol.hpp"

namespace xarb::mock::test {

using ms = std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

/// The test PKI: ca.pem, localhost.pem/.key (SAN localhost, 127.0.0.1).
std::string certs_dir();

struct http_result {
  int status = 0; ///< 0 = transport failure (`error` says which)
  std::string body;
  std::map<std::string, std::string> headers;
  std::string error;
};

/// One request on a fresh connection to 127.0.0.1:port (5 s deadline).
/// With `tls`: HTTPS verifying the server against the test CA as "localhost".
http_result http_call(uint16_t port, std::string method, std::string target,
                      std::string body = {}, bool tls = false);

/// A WebSocket client: connects and upgrades in the constructor (5 s
/// deadline), then reads on its own thread into a queue.
class ws_conn {
public:
  explicit ws_conn(uint16_t port, std::string target = "/ws", bool tls = false);
  ~ws_conn();

  ws_conn(const ws_conn&) = delete;
  ws_conn& operator=(const ws_conn&) = delete;

  bool connected() const;
  const std::string& error() const;

  void send(std::string text);
  void subscribe(std::string_view ch, std::string_view symbol);
  /// A WebSocket ping frame; pongs() records when each pong arrived.
  void ping();

  /// The next frame, or nullopt after `timeout` or once closed and drained.
  std::optional<frame> next(ms timeout = ms{2000});
  /// Skips frames until one of type `t` (the others are dropped).
  std::optional<frame> next_of(std::string_view t, ms timeout = ms{2000});
  /// Every frame received and not yet taken, with arrival times.
  std::vector<std::pair<steady::time_point, frame>> drain();

  bool wait_closed(ms timeout = ms{2000});
  bool closed();
  /// The close code of a close frame received (1001 ...), 0 if none.
  int close_code();
  std::vector<steady::time_point> pongs();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace xarb::mock::test
