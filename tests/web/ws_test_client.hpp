#pragma once
// A tiny Beast WebSocket client for the /ws/stream tests. The test thread
// drives its own io_context; every wait is bounded, so a broken server fails
// a test instead of hanging it. Incoming messages are read continuously into
// an inbox (a Beast read must never be cancelled halfway), unless the
// client is created as a "stalled" one that never reads.

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace xarb::test {

class ws_client {
public:
  using header_list = std::vector<std::pair<std::string, std::string>>;
  static constexpr auto deadline = std::chrono::seconds(5);

  /// Connects to /ws/stream and performs the handshake. `read` = false makes
  /// a client that never reads (with a small receive buffer).
  explicit ws_client(uint16_t port, header_list headers = {}, bool read = true,
                     std::string target = "/ws/stream")
    : ws_(ioc_) {
    namespace asio = boost::asio;
    auto& sock = boost::beast::get_lowest_layer(ws_).socket();
    boost::beast::error_code ec;
    sock.open(asio::ip::tcp::v4(), ec);
    if (!read) // keep the kernel from absorbing megabytes on our side
      sock.set_option(asio::socket_base::receive_buffer_size(4096), ec);
    bool connected = false;
    sock.async_connect({asio::ip::make_address("127.0.0.1"), port},
                       [&](boost::beast::error_code e) { connected = !e; });
    if (!run_until([&] { return connected; })) {
      abort_pending();
      return;
    }
    ws_.set_option(boost::beast::websocket::stream_base::decorator(
      [headers](boost::beast::websocket::request_type& req) {
        for (auto& [name, value] : headers)
          req.set(name, value);
      }));
    bool done = false;
    ws_.async_handshake(response_, "127.0.0.1", target, [&](boost::beast::error_code e) {
      done = true;
      open_ = !e;
    });
    if (!run_until([&] { return done; })) {
      abort_pending();
      return;
    }
    status_ = response_.result_int();
    if (open_ && read)
      do_read();
  }

  ~ws_client() {
    boost::beast::error_code ignored;
    boost::beast::get_lowest_layer(ws_).socket().close(ignored);
    ioc_.restart();
    ioc_.poll(); // let aborted handlers run before ws_ goes
  }

  bool open() const { return open_; }
  /// The handshake's HTTP status: 101, or the refusal (401, 403, 503...).
  unsigned status() const { return status_; }
  const std::string& refusal_body() const { return response_.body(); }

  /// The next message, or nullopt if none came within `wait` (or closed).
  std::optional<std::string> next(std::chrono::milliseconds wait = deadline) {
    run_until([&] { return !inbox_.empty() || closed_; }, wait);
    if (inbox_.empty())
      return std::nullopt;
    auto m = std::move(inbox_.front());
    inbox_.pop_front();
    return m;
  }

  /// Waits for a message containing `needle`, dropping others. nullopt on
  /// timeout or close.
  std::optional<std::string> next_with(std::string_view needle,
                                       std::chrono::milliseconds wait = deadline) {
    auto until = std::chrono::steady_clock::now() + wait;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        return std::nullopt;
      auto m = next(left);
      if (!m)
        return std::nullopt;
      if (m->find(needle) != std::string::npos)
        return m;
    }
  }

  bool send(const std::string& text) {
    bool done = false, ok = false;
    ws_.text(true);
    ws_.async_write(boost::asio::buffer(text), [&](boost::beast::error_code e, std::size_t) {
      done = true;
      ok = !e;
    });
    if (!run_until([&] { return done; }))
      abort_pending();
    return ok;
  }

  /// True once the server closed the connection (waits up to `wait`).
  bool wait_closed(std::chrono::milliseconds wait = deadline) {
    run_until([&] { return closed_; }, wait);
    return closed_;
  }
  /// The server's close frame (code 0 if the connection just ended).
  boost::beast::websocket::close_reason close_reason() const { return ws_.reason(); }

  /// Closes from our side (normal close), bounded.
  void close() {
    if (!open_ || closed_)
      return;
    bool done = false;
    ws_.async_close(boost::beast::websocket::close_code::normal,
                    [&](boost::beast::error_code) { done = true; });
    if (!run_until([&] { return done || closed_; }))
      abort_pending();
  }

  std::size_t received() const { return received_; }

private:
  void do_read() {
    ws_.async_read(buffer_, [this](boost::beast::error_code e, std::size_t) {
      if (e) {
        closed_ = true;
        return;
      }
      ++received_;
      inbox_.push_back(boost::beast::buffers_to_string(buffer_.data()));
      buffer_.consume(buffer_.size());
      do_read();
    });
  }

  // Runs handlers until `pred` holds (true), the deadline passes or there is
  // nothing left to wait for (false).
  template <class Pred>
  bool run_until(Pred pred, std::chrono::milliseconds wait = deadline) {
    auto until = std::chrono::steady_clock::now() + wait;
    while (!pred() && std::chrono::steady_clock::now() < until) {
      ioc_.restart();
      if (ioc_.run_one_until(until) == 0 && ioc_.stopped())
        break; // no work left
    }
    return pred();
  }

  // An operation did not finish in time: fail everything pending and run
  // the handlers now, while the locals they refer to still exist.
  void abort_pending() {
    boost::beast::error_code ignored;
    boost::beast::get_lowest_layer(ws_).socket().close(ignored);
    ioc_.restart();
    ioc_.run();
    open_ = false;
    closed_ = true;
  }

  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::websocket::response_type response_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> inbox_;
  std::size_t received_ = 0;
  unsigned status_ = 0;
  bool open_ = false;
  bool closed_ = false;
};

} // namespace xarb::test
