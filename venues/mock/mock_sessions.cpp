#include "venues/mock/mock_sessions.hpp"

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace xarb::mock::detail {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

/// A client we close gets this long for the close handshake, then its socket
/// is simply closed (a stalled or non-reading peer never answers).
constexpr auto close_grace = std::chrono::milliseconds(500);

// -- WebSocket session ---------------------------------------------------------------

// One WebSocket client on the server thread: reads go to the protocol,
// frames are written one at a time from a bounded queue.
class ws_session final : public ws_peer, public std::enable_shared_from_this<ws_session> {
public:
  ws_session(detail::byte_stream&& stream, state_ptr st)
    : ws_(std::move(stream)), st_(std::move(st)), kill_timer_(ws_.get_executor()) {
    ws_.next_layer().attach_gate(&st_->gate); // a stall freezes WebSocket clients only
  }

  ~ws_session() override {
    if (accepted_)
      st_->update_stats([](mock_stats& s) { --s.clients; });
  }

  void run(http::request<http::string_body> req) {
    req_ = std::move(req);
    client.target = std::string{req_.target()};
    st_->peers.push_back(weak_from_this());
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "xarb-mock"); }));
    ws_.read_message_max(st_->cfg.max_message_bytes);
    ws_.auto_fragment(false);
    ws_.text(true);
    ws_.async_accept(req_, beast::bind_front_handler(&ws_session::on_accept, shared_from_this()));
  }

  bool open() const noexcept override { return accepted_ && !closing_ && !done_; }

  void send(out_kind kind, std::string text) override {
    if (!open())
      return;
    const auto n = text.size();
    if (!queue_.empty() && queued_bytes_ + n > st_->cfg.max_queue_bytes) {
      st_->update_stats([](mock_stats& s) { ++s.clients_dropped_slow; });
      return start_close(websocket::close_code::policy_error, "too slow");
    }
    queued_bytes_ += n;
    // Paradex SBE frames go out as binary messages, everything else as text.
    const bool binary = st_->protocol && st_->protocol->binary_frame(text);
    queue_.push_back({kind, binary, std::move(text)});
    if (!writing_)
      do_write();
  }

  void drop(bool graceful) override {
    if (graceful && accepted_)
      start_close(websocket::close_code::going_away, "mock disconnect");
    else
      kill();
  }

  void wake() override { ws_.next_layer().gate_opened(); }

private:
  struct queued {
    out_kind kind;
    bool binary = false;
    std::string text;
  };

  void on_accept(beast::error_code ec) {
    req_ = {};
    if (ec)
      return kill();
    accepted_ = true;
    st_->update_stats([](mock_stats& s) {
      ++s.clients;
      ++s.ws_connections;
    });
    if (st_->stopping)
      return kill();
    do_read();
    st_->on_open(*this);
  }

  void do_read() {
    ws_.async_read(rbuf_, beast::bind_front_handler(&ws_session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) { // peer closed, reset, too big, or our close finished
      done_ = true;
      kill_timer_.cancel();
      kill();
      return;
    }
    auto text = beast::buffers_to_string(rbuf_.data());
    rbuf_.consume(rbuf_.size());
    if (!closing_)
      st_->on_text(*this, text);
    do_read();
  }

  void do_write() {
    writing_ = true;
    ws_.binary(queue_.front().binary);
    ws_.async_write(asio::buffer(queue_.front().text),
                    beast::bind_front_handler(&ws_session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    auto done = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= done.text.size();
    if (ec)
      return kill();
    st_->update_stats([&](mock_stats& s) { ++s.frames_sent[std::string{name_of(done.kind)}]; });
    if (!queue_.empty() && !closing_)
      do_write();
  }

  void start_close(websocket::close_code code, const char* reason) {
    if (closing_ || done_)
      return;
    closing_ = true;
    // Unsent frames go; one being written stays (its buffer is in use).
    while (queue_.size() > (writing_ ? 1u : 0u)) {
      queued_bytes_ -= queue_.back().text.size();
      queue_.pop_back();
    }
    ws_.async_close(websocket::close_reason{code, reason},
                    [self = shared_from_this()](beast::error_code) { self->kill(); });
    kill_timer_.expires_after(close_grace);
    kill_timer_.async_wait([weak = weak_from_this()](beast::error_code tec) {
      if (auto self = weak.lock(); self && !tec)
        self->kill();
    });
  }

  void kill() {
    closing_ = true;
    ws_.next_layer().close(); // a held operation fails instead of waiting
  }

  websocket::stream<detail::byte_stream> ws_;
  state_ptr st_;
  asio::steady_timer kill_timer_;
  http::request<http::string_body> req_;
  beast::flat_buffer rbuf_;
  std::deque<queued> queue_;
  std::size_t queued_bytes_ = 0;
  bool accepted_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool done_ = false;
};

// -- HTTP session --------------------------------------------------------------------

// Keep-alive HTTP/1.1 (TLS handshake first when configured); an upgrade
// request hands the stream to a ws_session.
class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(tcp::socket&& socket, state_ptr st)
    : stream_(std::move(socket), st->tls.get()), st_(std::move(st)) {}

  void run() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&http_session::start, shared_from_this()));
  }

private:
  void start() {
    stream_.async_handshake(beast::bind_front_handler(&http_session::on_handshake,
                                                      shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (!ec)
      do_read();
  }

  void do_read() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(st_->cfg.max_message_bytes);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream)
      return do_close();
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_method).category()
          && ec != http::error::partial_message)
        return send(control_error(400, "malformed HTTP request"), 11, false);
      return;
    }
    auto& req = parser_->get();
    if (websocket::is_upgrade(req)) {
      if (st_->stopping)
        return send(control_error(503, "stopping"), req.version(), false);
      std::make_shared<ws_session>(std::move(stream_), st_)->run(parser_->release());
      return;
    }
    const auto method = req.method_string();
    const auto target = req.target();
    http_answer a = st_->handle_http(std::string_view{method.data(), method.size()},
                                     std::string_view{target.data(), target.size()},
                                     std::move(req.body()));
    send(std::move(a), req.version(), req.keep_alive());
  }

  void send(http_answer a, unsigned version, bool keep_alive) {
    res_ = {};
    res_.version(version == 10 ? 10 : 11);
    res_.result(static_cast<http::status>(a.status));
    res_.set(http::field::server, "xarb-mock");
    res_.set(http::field::content_type, a.content_type);
    for (auto& [k, v] : a.headers)
      res_.set(k, v);
    res_.body() = std::move(a.body);
    res_.keep_alive(keep_alive);
    res_.prepare_payload();
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&http_session::on_write, shared_from_this(),
                                                !keep_alive));
  }

  void on_write(bool close, beast::error_code ec, std::size_t) {
    if (ec)
      return;
    if (close)
      return do_close();
    do_read();
  }

  void do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  detail::byte_stream stream_;
  state_ptr st_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
};

} // namespace

void start_http_session(tcp::socket&& socket, state_ptr st) {
  std::make_shared<http_session>(std::move(socket), std::move(st))->run();
}

} // namespace xarb::mock::detail
