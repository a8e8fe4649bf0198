#pragma once
// PRIVATE to venues/net: include only from its .cpp files. The state of one
// ws_connection (configuration, back-off, callbacks, stats) and the
// interface of the per-connection links it drives (ws_link.hpp). The core
// lives on the io thread; only configure() runs before it is shared.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "venues/net/backoff.hpp"
#include "venues/net/proxy.hpp"
#include "venues/net/transport_detail.hpp"
#include "venues/net/url.hpp"
#include "venues/net/ws_connection.hpp"

namespace xarb::net::detail {

inline std::chrono::nanoseconds to_ns(int64_t v) {
  return std::chrono::nanoseconds(v);
}

inline int64_t ms_of(int64_t ns) {
  return ns / 1'000'000;
}

/// One outgoing frame.
struct out_item {
  bool ws_ping = false; ///< a WS ping frame instead of text
  std::string text;
};

/// The core's view of one connection (one attempt and its life).
class ws_link_base {
public:
  virtual ~ws_link_base() = default;
  virtual void run() = 0;
  virtual void send(out_item item) = 0;
  /// close() by the owner: close frame, grace, then the socket. No report.
  virtual void close_gracefully() = 0;
  /// Destruction: the socket now. No report.
  virtual void abort() = 0;
};

class ws_core;

/// ws_link<plain_stream> / ws_link<tls_stream>, each in its own .cpp (the
/// Beast WebSocket instantiations are the heaviest code to compile).
std::shared_ptr<ws_link_base> make_plain_ws_link(std::shared_ptr<ws_core> core, uint64_t id);
std::shared_ptr<ws_link_base> make_tls_ws_link(std::shared_ptr<ws_core> core, uint64_t id);

class ws_core : public std::enable_shared_from_this<ws_core> {
public:
  ws_core(io_thread& io, ws_config cfg, ws_callbacks cb);

  /// Parses the URL and proxy, builds the TLS context. Before start().
  error_info configure();

  // -- from the public face (io thread) --------------------------------------
  void start();
  void send(std::string text);
  void close();
  /// The owner is being destroyed: no callback from now on.
  void detach();

  // -- from the links (io thread) ------------------------------------------
  void link_open(uint64_t id);
  void link_frame(uint64_t id, std::string&& payload, bool binary, timestamp_ns recv_ts);
  void link_down(uint64_t id, disconnect_reason reason, std::string detail);

  const ws_config& cfg() const noexcept { return cfg_; }
  const url_parts& url() const noexcept { return url_; }
  ws_stats& stats() noexcept { return stats_; }
  asio::io_context& ioc() noexcept;
  ssl::context* tls_ctx() noexcept { return tls_ctx_.get(); }
  open_spec spec() const;

private:
  bool on_close_allowed() const { return cb_.on_close && !detached_; }
  void connect();
  template <class F>
  void guarded(const char* what, F&& f);

  io_thread& io_;
  ws_config cfg_;
  ws_callbacks cb_;
  ws_stats stats_;
  url_parts url_;
  std::optional<proxy_config> proxy_;
  std::shared_ptr<ssl::context> tls_ctx_;
  backoff backoff_;
  asio::steady_timer retry_;
  std::shared_ptr<ws_link_base> link_;
  uint64_t link_id_ = 0;
  bool link_open_ = false;
  uint64_t generation_ = 0;
  bool stopped_ = false;
  bool detached_ = false;
};

} // namespace xarb::net::detail
