#pragma once
// PRIVATE to venues/net: include only from its .cpp files (it pulls in
// Beast, Asio SSL and OpenSSL). Opens the byte stream both clients run on:
// resolve, TCP connect (to the proxy when one is set, then a CONNECT
// tunnel), and for TLS streams the handshake with SNI and peer
// verification; all under one deadline.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "venues/net/proxy.hpp"
#include "venues/net/tls.hpp"
#include "venues/net/ws_stats.hpp"

namespace xarb::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// The io_context's own executor type rather than asio::any_io_executor
// (beast::tcp_stream): the type-erased executor is copied and destroyed for
// every composed operation, about a tenth of the client's CPU per WebSocket
// message in bench_md_stream (docs/BENCHMARKS.md).
using io_executor = asio::io_context::executor_type;
using plain_stream = beast::basic_stream<tcp, io_executor, beast::unlimited_rate_policy>;
using tls_stream = beast::ssl_stream<plain_stream>;

template <class Stream>
inline constexpr bool is_tls_v = std::is_same_v<Stream, tls_stream>;

/// Where and how to open a stream.
struct open_spec {
  std::string host;                  ///< the server's host (name or IP literal)
  uint16_t port = 0;
  std::optional<proxy_config> proxy; ///< tunnel through this proxy
  tls_options tls;
  std::chrono::nanoseconds timeout{std::chrono::seconds(10)}; ///< the whole open
  std::string log_name;
};

struct open_failure {
  disconnect_reason reason = disconnect_reason::connect;
  std::string detail;
};

using open_handler = std::function<void(std::optional<open_failure>)>;

/// One open of `Stream` (plain_stream or tls_stream). The stream must
/// outlive the operation: the completion handler (which typically owns the
/// stream's owner) is called exactly once, unless cancel() came first, in
/// which case it is dropped without a call.
template <class Stream>
class opener : public std::enable_shared_from_this<opener<Stream>> {
public:
  opener(Stream& stream, open_spec spec)
    : stream_(stream),
      spec_(std::move(spec)),
      resolver_(stream.get_executor()),
      timer_(stream.get_executor()) {}

  void run(open_handler done) {
    done_ = std::move(done);
    timer_.expires_after(spec_.timeout);
    timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec)
        self->on_timeout();
    });
    auto& host = spec_.proxy ? spec_.proxy->host : spec_.host;
    auto port = spec_.proxy ? spec_.proxy->port : spec_.port;
    stage_ = "resolve";
    resolver_.async_resolve(host, std::to_string(port),
                            [self = this->shared_from_this()](beast::error_code ec,
                                                              tcp::resolver::results_type r) {
                              self->on_resolve(ec, std::move(r));
                            });
  }

  /// Abandons the open (the owner is closing): no handler call.
  void cancel() {
    done_ = nullptr;
    abort_io();
  }

private:
  void abort_io() {
    timer_.cancel();
    resolver_.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

  void on_timeout() {
    if (!done_)
      return;
    timed_out_ = true;
    abort_io(); // the pending operation fails; its handler reports
  }

  void finish(std::optional<open_failure> f) {
    timer_.cancel();
    if (auto done = std::move(done_)) {
      done_ = nullptr;
      if (f && timed_out_) {
        f->reason = disconnect_reason::timeout;
        f->detail = std::string{"timed out during "} + stage_ + " after "
                    + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       spec_.timeout)
                                       .count())
                    + " ms";
      }
      done(std::move(f));
    }
  }

  void fail(disconnect_reason r, std::string detail) {
    finish(open_failure{r, std::move(detail)});
  }

  std::string where() const {
    return spec_.proxy ? "proxy " + to_string(*spec_.proxy)
                       : spec_.host + ":" + std::to_string(spec_.port);
  }

  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (!done_)
      return;
    if (ec)
      return fail(disconnect_reason::resolve,
                  "cannot resolve " + where() + ": " + ec.message());
    stage_ = "connect";
    beast::get_lowest_layer(stream_).async_connect(
      results, [self = this->shared_from_this()](beast::error_code cec, const tcp::endpoint&) {
        self->on_connect(cec);
      });
  }

  void on_connect(beast::error_code ec) {
    if (!done_)
      return;
    if (ec)
      return fail(disconnect_reason::connect, "cannot connect to " + where() + ": " + ec.message());
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().set_option(tcp::no_delay(true), ignored);
    if (spec_.proxy)
      return start_proxy();
    start_tls();
  }

  void start_proxy() {
    stage_ = "proxy CONNECT";
    request_ = connect_request(*spec_.proxy, spec_.host, spec_.port);
    asio::async_write(beast::get_lowest_layer(stream_), asio::buffer(request_),
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_proxy_written(ec);
                      });
  }

  void on_proxy_written(beast::error_code ec) {
    if (!done_)
      return;
    if (ec)
      return fail(disconnect_reason::proxy, "proxy write failed: " + ec.message());
    parser_.emplace();
    parser_->skip(true); // a CONNECT answer has no body (RFC 9110 9.3.6)
    http::async_read(beast::get_lowest_layer(stream_), buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code rec, std::size_t) {
                       self->on_proxy_reply(rec);
                     });
  }

  void on_proxy_reply(beast::error_code ec) {
    if (!done_)
      return;
    if (ec)
      return fail(disconnect_reason::proxy, "no valid answer from " + where() + ": "
                                               + ec.message());
    auto status = parser_->get().result_int();
    if (status / 100 != 2) {
      auto r = std::string{parser_->get().reason()};
      return fail(disconnect_reason::proxy,
                  where() + " refused the tunnel to " + spec_.host + ":"
                    + std::to_string(spec_.port) + ": " + std::to_string(status)
                    + (r.empty() ? "" : " " + r));
    }
    if (buffer_.size() != 0) // the server cannot have spoken yet
      return fail(disconnect_reason::proxy, "proxy sent data after its 2xx answer");
    start_tls();
  }

  void start_tls() {
    if constexpr (is_tls_v<Stream>) {
      stage_ = "TLS handshake";
      if (auto err = prepare_tls_session(stream_.native_handle(), spec_.host, spec_.tls,
                                         spec_.log_name))
        return fail(disconnect_reason::tls, err.message);
      stream_.async_handshake(ssl::stream_base::client,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                self->on_tls(ec);
                              });
    } else {
      finish(std::nullopt);
    }
  }

  void on_tls(beast::error_code ec) {
    if (!done_)
      return;
    if constexpr (is_tls_v<Stream>) {
      if (ec)
        return fail(disconnect_reason::tls,
                    "TLS with " + spec_.host + ":" + std::to_string(spec_.port) + " failed: "
                      + tls_failure_reason(stream_.native_handle(), ec.message()));
    }
    finish(std::nullopt);
  }

  Stream& stream_;
  open_spec spec_;
  tcp::resolver resolver_;
  asio::steady_timer timer_;
  open_handler done_;
  bool timed_out_ = false;
  const char* stage_ = "resolve";
  std::string request_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::empty_body>> parser_;
};

/// A new stream on `ioc`: plain, or TLS with `ctx` (not null then).
template <class Stream>
std::unique_ptr<Stream> make_stream(asio::io_context& ioc, ssl::context* ctx) {
  if constexpr (is_tls_v<Stream>)
    return std::make_unique<Stream>(ioc, *ctx);
  else
    return std::make_unique<Stream>(ioc);
}

} // namespace xarb::net::detail
