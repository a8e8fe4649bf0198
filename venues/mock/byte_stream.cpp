#include "venues/mock/byte_stream.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>

namespace xarb::mock::detail {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {
constexpr std::size_t max_gather = 64 * 1024;
}

struct byte_stream::state {
  state(tcp::socket socket, ssl::context* ctx)
    : read_wait(socket.get_executor()), write_wait(socket.get_executor()) {
    if (ctx)
      secure.emplace(std::move(socket), *ctx);
    else
      plain.emplace(std::move(socket));
  }

  tcp::socket& sock() { return secure ? secure->next_layer() : *plain; }
  bool held() const { return !released && g && g->held; }

  // Both wait on a timer that never expires while held; the gate opening or
  // close() cancels it and the operation looks again.
  void read(asio::mutable_buffer b, io_handler h) {
    if (held()) {
      read_wait.expires_at(asio::steady_timer::time_point::max());
      read_wait.async_wait([this, b, h = std::move(h)](boost::beast::error_code) mutable {
        read(b, std::move(h));
      });
      return;
    }
    if (secure)
      secure->async_read_some(b, std::move(h));
    else
      plain->async_read_some(b, std::move(h));
  }

  void write(asio::const_buffer b, io_handler h) {
    if (held()) {
      write_wait.expires_at(asio::steady_timer::time_point::max());
      write_wait.async_wait([this, b, h = std::move(h)](boost::beast::error_code) mutable {
        write(b, std::move(h));
      });
      return;
    }
    if (secure)
      secure->async_write_some(b, std::move(h));
    else
      plain->async_write_some(b, std::move(h));
  }

  std::optional<tcp::socket> plain;
  std::optional<ssl::stream<tcp::socket>> secure;
  asio::steady_timer read_wait;
  asio::steady_timer write_wait;
  const gate* g = nullptr;
  bool released = false;
  std::vector<char> copy;
};

// A waiting operation's handler owns (through Beast's handler) the session
// that owns this stream, so `this` in the waits above outlives them.

byte_stream::byte_stream(tcp::socket socket, ssl::context* tls)
  : s_(std::make_unique<state>(std::move(socket), tls)) {}
byte_stream::byte_stream(byte_stream&&) noexcept = default;
byte_stream& byte_stream::operator=(byte_stream&&) noexcept = default;
byte_stream::~byte_stream() = default;

byte_stream::executor_type byte_stream::get_executor() noexcept {
  return s_->sock().get_executor();
}

tcp::socket& byte_stream::socket() noexcept {
  return s_->sock();
}

bool byte_stream::tls() const noexcept {
  return s_->secure.has_value();
}

void byte_stream::attach_gate(const gate* g) noexcept {
  s_->g = g;
}

void byte_stream::gate_opened() {
  s_->read_wait.cancel();
  s_->write_wait.cancel();
}

void byte_stream::close() {
  s_->released = true;
  gate_opened();
  boost::beast::error_code ignored;
  s_->sock().close(ignored);
}

void byte_stream::shutdown() {
  boost::beast::error_code ignored;
  s_->sock().shutdown(tcp::socket::shutdown_both, ignored);
  s_->sock().close(ignored);
}

void byte_stream::async_teardown(done_handler h) {
  if (!s_->secure || s_->released) {
    shutdown();
    asio::post(get_executor(),
               boost::beast::bind_front_handler(std::move(h), boost::beast::error_code{}));
    return;
  }
  // The peer's close_notify (or its hang-up) ends it; either way it is over.
  s_->secure->async_shutdown([this, h = std::move(h)](boost::beast::error_code) mutable {
    shutdown();
    std::move(h)(boost::beast::error_code{});
  });
}

void byte_stream::async_handshake(done_handler h) {
  if (s_->secure)
    s_->secure->async_handshake(ssl::stream_base::server, std::move(h));
  else
    asio::post(get_executor(),
               boost::beast::bind_front_handler(std::move(h), boost::beast::error_code{}));
}

asio::mutable_buffer byte_stream::scratch(std::size_t wanted) {
  s_->copy.resize(std::min(wanted, max_gather));
  return asio::buffer(s_->copy);
}

void byte_stream::read(asio::mutable_buffer b, io_handler h) {
  s_->read(b, std::move(h));
}

void byte_stream::write(asio::const_buffer b, io_handler h) {
  s_->write(b, std::move(h));
}

} // namespace xarb::mock::detail
