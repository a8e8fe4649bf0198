#pragma once
// The one transport type under the mock server's HTTP and WebSocket code: a
// TCP socket, optionally TLS, optionally frozen by the server's stall gate.
// Internal to mock_server.cpp.
//
// Why one type with type-erased I/O: Beast's HTTP and WebSocket operations
// are templates over the stream and every completion handler. Instantiating
// them once for TCP and once for TLS-over-TCP (and each again through every
// layer) made mock_server.cpp take many minutes and GBs to compile under the
// sanitizers. Here Beast sees a single stream whose read/write_some erase the
// handler (any_completion_handler) into non-template code, so the TLS and TCP
// operations are instantiated once, and Beast's once.
//
// Reads and writes go one buffer at a time (a multi-buffer write is gathered
// into an internal copy of at most 64 KiB): Beast loops until done.
//
// The gate (stall fault): while the attached gate is held, every read and
// write waits - nothing is read, nothing (not even a pong) is written, TCP
// stays open. gate_opened() lets waiting operations proceed; close() makes
// them fail instead. Single-threaded use (the server's io_context thread).

#include <cstddef>
#include <memory>
#include <utility>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>

namespace boost::asio::ssl {
class context;
}

namespace xarb::mock::detail {

/// The switch shared by every WebSocket stream of a server.
struct gate {
  bool held = false;
};

class byte_stream {
public:
  using executor_type = boost::asio::any_io_executor;
  using io_handler =
    boost::asio::any_completion_handler<void(boost::beast::error_code, std::size_t)>;
  using done_handler = boost::asio::any_completion_handler<void(boost::beast::error_code)>;

  /// `tls` null = plain; the context must outlive the stream.
  byte_stream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls);
  byte_stream(byte_stream&&) noexcept;
  byte_stream& operator=(byte_stream&&) noexcept;
  ~byte_stream();

  executor_type get_executor() noexcept;
  boost::asio::ip::tcp::socket& socket() noexcept;
  bool tls() const noexcept;

  /// From now on reads and writes wait while `g` is held (g outlives us).
  void attach_gate(const gate* g) noexcept;
  /// The gate was released: waiting operations proceed.
  void gate_opened();
  /// Closes the socket; waiting and future operations fail.
  void close();

  /// TLS server handshake; completes at once when plain.
  void async_handshake(done_handler h);

  template <class MutableBufferSequence, class ReadHandler>
  auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    return boost::asio::async_initiate<ReadHandler,
                                       void(boost::beast::error_code, std::size_t)>(
      [this](auto h, boost::asio::mutable_buffer b) { read(b, io_handler{std::move(h)}); },
      handler, first(buffers));
  }

  template <class ConstBufferSequence, class WriteHandler>
  auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    return boost::asio::async_initiate<WriteHandler,
                                       void(boost::beast::error_code, std::size_t)>(
      [this](auto h, boost::asio::const_buffer b) { write(b, io_handler{std::move(h)}); },
      handler, gather(buffers));
  }

  // Beast's hooks: a WebSocket timeout closes the socket; after the close
  // handshake the teardown ends TLS (close_notify, as Beast's own TLS
  // teardown does, so a TLS client sees a clean close) and the TCP connection.
  friend void beast_close_socket(byte_stream& s) { s.close(); }
  friend void teardown(boost::beast::role_type, byte_stream& s, boost::beast::error_code& ec) {
    s.shutdown();
    ec = {};
  }
  template <class TeardownHandler>
  friend void async_teardown(boost::beast::role_type, byte_stream& s, TeardownHandler&& h) {
    s.async_teardown(done_handler{std::forward<TeardownHandler>(h)});
  }

private:
  struct state;

  template <class Sequence>
  static boost::asio::mutable_buffer first(const Sequence& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::mutable_buffer b(*it);
      if (b.size() > 0)
        return b;
    }
    return {};
  }

  template <class Sequence>
  boost::asio::const_buffer gather(const Sequence& buffers) {
    std::size_t nonempty = 0;
    boost::asio::const_buffer one;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::const_buffer b(*it);
      if (b.size() > 0 && nonempty++ == 0)
        one = b;
    }
    if (nonempty <= 1)
      return one;
    auto out = scratch(boost::asio::buffer_size(buffers));
    return boost::asio::buffer(out.data(), boost::asio::buffer_copy(out, buffers));
  }

  /// Our copy buffer for a gathered write (one write at a time).
  boost::asio::mutable_buffer scratch(std::size_t wanted);
  void read(boost::asio::mutable_buffer b, io_handler h);
  void write(boost::asio::const_buffer b, io_handler h);
  void shutdown();
  void async_teardown(done_handler h);

  std::unique_ptr<state> s_;
};

} // namespace xarb::mock::detail
