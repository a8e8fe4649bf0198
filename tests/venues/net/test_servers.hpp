#pragma once
// Loopback servers for the venues/net tests (127.0.0.1, ephemeral ports),
// each on its own io_thread: a WebSocket server (plain or TLS), an HTTP/1.1
// server (plain or TLS) and an HTTP CONNECT proxy. They record what they
// see (thread-safe accessors) and misbehave on request.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace xarb::net::test {

/// Path of a file in tests/venues/net/certs.
std::string cert_file(const std::string& name);

using steady = std::chrono::steady_clock;

/// Polls `pred` every 5 ms for up to `limit`.
bool eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds limit = std::chrono::milliseconds(5000));

struct tls_server_options {
  bool tls = false;
  std::string cert = "localhost"; ///< certs/<cert>.pem + .key
};

// -- WebSocket ---------------------------------------------------------------------

struct ws_received {
  int session = 0; ///< 1-based accept order
  steady::time_point at;
  std::string text;
};

class ws_test_server {
public:
  explicit ws_test_server(tls_server_options opts = {});
  ~ws_test_server();

  uint16_t port() const;
  /// "ws://host:port/target" or wss://.
  std::string url(const std::string& host = "127.0.0.1", const std::string& target = "/ws") const;

  // -- behaviour (applies from now on) --
  void set_echo(bool on);                                   ///< echo text frames
  void set_reply(std::string when, std::string answer);     ///< text "ping" -> "pong" ...
  void set_silent(bool on); ///< send nothing at all (no replies, no echo)
  void send_all(const std::string& text);
  void ping_all();          ///< a WS ping frame to every open session
  void drop_all();          ///< close every TCP socket (no close frame)
  void close_all();         ///< WS close frame (1001) to every open session

  // -- observations --
  int tcp_accepts() const;
  int ws_accepts() const;
  int tls_failures() const; ///< TLS handshakes that failed (bad client or aborted)
  int open_sessions() const;
  int pings_seen() const;   ///< WS ping frames from clients
  int pongs_seen() const;   ///< WS pong frames from clients
  std::vector<ws_received> frames() const;
  std::vector<std::string> texts() const;
  std::vector<std::string> sni() const; ///< per TLS session: the SNI name, "" when none
  /// The upgrade request headers of each accepted session ("name: value" lines).
  std::vector<std::vector<std::pair<std::string, std::string>>> handshakes() const;

  struct state;

private:
  std::shared_ptr<state> st_;
};

// -- HTTP ----------------------------------------------------------------------------

struct http_seen {
  int connection = 0; ///< 1-based accept order
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Routes: /slow (answers after 1.5 s), /close (Connection: close),
/// /then-drop (answers keep-alive, closes the socket 50 ms later),
/// /big (4096-byte body), /status/<n> (that status); anything else 200 with
/// body "<METHOD> <target> <body>". Every answer carries
/// X-MBX-USED-WEIGHT-1M: <requests so far>.
class http_test_server {
public:
  explicit http_test_server(tls_server_options opts = {});
  ~http_test_server();

  uint16_t port() const;
  std::string url(const std::string& host = "127.0.0.1") const;
  int connections() const;
  std::vector<http_seen> requests() const;

  struct state;

private:
  std::shared_ptr<state> st_;
};

// -- CONNECT proxy -------------------------------------------------------------------

class connect_proxy {
public:
  /// `credentials` "user:pass": required (else 407); empty = open proxy.
  explicit connect_proxy(std::string credentials = {});
  ~connect_proxy();

  uint16_t port() const;
  /// http://[credentials@]127.0.0.1:port, or with other credentials.
  std::string url() const;
  std::string url_with(const std::string& credentials) const;
  int tunnels() const;  ///< CONNECTs accepted and connected
  int refused() const;  ///< 407 answers
  std::vector<std::string> targets() const; ///< CONNECT targets, in order

  struct state;

private:
  std::shared_ptr<state> st_;
};

} // namespace xarb::net::test
