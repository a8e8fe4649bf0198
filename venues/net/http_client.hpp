#pragma once
// Async HTTP/1.1 client of one venue's REST base URL (http:// or https://,
// optionally through an HTTP proxy), on an io_thread. Beast stays in
// http_client.cpp.
//
// One keep-alive connection per client (= per host): requests run one at a
// time, in order, on the same connection while the server keeps it open; a
// connection the server closed is reopened for the next request. A request
// that fails on a REUSED connection before any byte of the answer came back
// (the server dropped an idle connection) is retried once on a new one.
//
// Every response is returned with its status (4xx/5xx are not errors here),
// body and headers, so callers see rate-limit headers (X-MBX-USED-WEIGHT-1M,
// Retry-After ...). Errors: timeout (the request took longer than
// request_timeout_ns, counted from when it started), io_error (connect,
// TLS, proxy, read/write, body over max_body_bytes), config_error.
// No compression (Accept-Encoding is not sent).
//
// Threading: request() is thread-safe; callbacks run on the io thread. The
// destructor drops queued requests without calling their callbacks and
// guarantees that no callback runs after it returns.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "messages/expected.hpp"
#include "venues/common/md_codec.hpp"
#include "venues/net/tls.hpp"

namespace xarb::net {

class io_thread;

namespace detail {
class http_core;
} // namespace detail

struct http_client_config {
  std::string name = "http";   ///< in logs
  std::string base_url;        ///< http(s)://host[:port][/prefix]; targets are joined under it
  std::string proxy;           ///< "" or http://[user:pass@]host:port (proxy.hpp)
  tls_options tls;             ///< https only
  int64_t connect_timeout_ns = 10'000'000'000; ///< resolve + TCP + proxy + TLS
  int64_t request_timeout_ns = 15'000'000'000; ///< the whole request, connect included
  std::size_t max_body_bytes = 64u << 20;      ///< larger answers fail (io_error)
  std::size_t max_queue = 1024;                ///< waiting requests; beyond, rate_limited
  std::string user_agent = "xarb";
};

struct http_stats_snapshot {
  uint64_t requests = 0;    ///< accepted by request()
  uint64_t responses = 0;   ///< answered (any status)
  uint64_t failures = 0;    ///< ended with an error (timeouts included)
  uint64_t timeouts = 0;
  uint64_t connections = 0; ///< connections opened
  uint64_t reused = 0;      ///< requests sent on an already open connection
  uint64_t retries = 0;     ///< stale keep-alive retries
  uint64_t bytes_in = 0;    ///< response bodies
  uint64_t bytes_out = 0;   ///< request bodies
  int64_t last_latency_ns = 0; ///< of the last answered request
};

class http_client {
public:
  using callback = std::function<void(expected<venues::http_response>)>;

  /// `io` must outlive the client. A bad configuration is reported by
  /// config_error() and by every request (config_error).
  http_client(io_thread& io, http_client_config cfg);
  ~http_client();

  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// Queues `req` (method GET/POST/..., target relative to base_url, body,
  /// extra headers; a non-empty body without Content-Type is sent as
  /// application/json). `cb` runs once on the io thread.
  void request(venues::http_request req, callback cb);

  /// none when the configuration is usable.
  const error_info& config_error() const noexcept;

  http_stats_snapshot stats() const noexcept;
  const http_client_config& config() const noexcept;

private:
  io_thread& io_;
  std::shared_ptr<detail::http_core> core_;
};

} // namespace xarb::net
