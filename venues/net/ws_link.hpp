#pragma once
// PRIVATE to venues/net: include only from ws_link_plain.cpp / ws_link_tls.cpp.
// One WebSocket connection of a ws_connection: open (transport_detail.hpp),
// upgrade, read loop, silence watchdog, heartbeats and the paced write
// queue. Reports to its ws_core, which decides about reconnects. Every
// handler runs on the io thread.

#include <deque>

#include <boost/beast/websocket.hpp>

#include "monitoring/logging.hpp"
#include "venues/net/net_clock.hpp"
#include "venues/net/ws_core.hpp"

namespace xarb::net::detail {

namespace websocket = beast::websocket;
using steady = std::chrono::steady_clock;

/// A closing connection gets this long for the close handshake.
inline constexpr auto close_grace = std::chrono::milliseconds(500);

template <class Stream>
class ws_link final : public ws_link_base,
                      public std::enable_shared_from_this<ws_link<Stream>> {
public:
  using ws_stream = websocket::stream<Stream>;

  ws_link(std::shared_ptr<ws_core> owner, uint64_t id)
    : core_(std::move(owner)),
      id_(id),
      cfg_(core_->cfg()),
      ping_timer_(core_->ioc()),
      watchdog_(core_->ioc()),
      pace_timer_(core_->ioc()),
      kill_timer_(core_->ioc()) {
    if constexpr (is_tls_v<Stream>)
      ws_ = std::make_unique<ws_stream>(core_->ioc(), *core_->tls_ctx());
    else
      ws_ = std::make_unique<ws_stream>(core_->ioc());
    if (cfg_.max_msgs_per_s > 0)
      pace_ = to_ns(1'000'000'000 / cfg_.max_msgs_per_s);
    auto& hb = cfg_.heartbeat;
    silence_ = to_ns(hb.silence_ns > 0 ? hb.silence_ns : cfg_.default_silence_ns);
  }

  void run() override {
    core_->stats().attempt();
    opener_ = std::make_shared<opener<Stream>>(ws_->next_layer(), core_->spec());
    opener_->run([self = this->shared_from_this()](std::optional<open_failure> f) {
      self->opener_ = nullptr;
      if (f)
        return self->down(f->reason, std::move(f->detail));
      self->handshake();
    });
  }

  void send(out_item item) override {
    if (done_ || closing_) {
      core_->stats().dropped();
      return;
    }
    if (queue_.size() >= cfg_.max_queue) {
      core_->stats().dropped();
      log::get("net")->warn("{}: send queue full ({} frames), frame dropped", cfg_.name,
                            queue_.size());
      return;
    }
    queue_.push_back(std::move(item));
    pump();
  }

  void close_gracefully() override {
    if (done_ || closing_)
      return;
    closing_ = true;
    drop_queue();
    cancel_timers();
    if (!open_)
      return abort();
    ws_->async_close(websocket::close_code::normal,
                     [self = this->shared_from_this()](beast::error_code) { self->abort(); });
    kill_timer_.expires_after(close_grace);
    kill_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec)
        self->abort();
    });
  }

  void abort() override {
    done_ = true;
    closing_ = true;
    if (auto op = std::exchange(opener_, nullptr))
      op->cancel();
    cancel_timers();
    kill_timer_.cancel();
    drop_queue();
    beast::error_code ignored;
    beast::get_lowest_layer(*ws_).socket().close(ignored);
  }

private:
  void cancel_timers() {
    ping_timer_.cancel();
    watchdog_.cancel();
    pace_timer_.cancel();
  }

  void drop_queue() {
    // The frame being written stays: its buffer is in use.
    auto keep = writing_ ? std::size_t{1} : std::size_t{0};
    if (queue_.size() > keep) {
      core_->stats().dropped(queue_.size() - keep);
      queue_.resize(keep);
    }
  }

  /// The connection or attempt ended: report once, release everything.
  void down(disconnect_reason reason, std::string detail) {
    if (done_)
      return;
    abort();
    core_->link_down(id_, reason, std::move(detail));
  }

  // -- WS upgrade -----------------------------------------------------------

  void handshake() {
    if (done_)
      return;
    // WS timeouts replace the TCP stream's; idle detection is ours (silence).
    beast::get_lowest_layer(*ws_).expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = to_ns(cfg_.handshake_timeout_ns);
    t.idle_timeout = websocket::stream_base::none();
    t.keep_alive_pings = false;
    ws_->set_option(t);
    ws_->set_option(websocket::stream_base::decorator([this](websocket::request_type& req) {
      req.set(http::field::user_agent, cfg_.user_agent);
      for (auto& [name, value] : cfg_.headers)
        req.set(name, value);
    }));
    ws_->read_message_max(cfg_.max_frame_bytes);
    ws_->control_callback([this](websocket::frame_type kind, beast::string_view) {
      last_rx_ = steady::now(); // control frames prove the peer alive too
      if (kind == websocket::frame_type::ping)
        core_->stats().ping_in();
      else if (kind == websocket::frame_type::pong)
        core_->stats().pong_in();
    });
    auto& url = core_->url();
    host_header_ = url.host_header();
    ws_->async_handshake(res_, host_header_, url.target,
                         [self = this->shared_from_this()](beast::error_code ec) {
                           self->on_handshake(ec);
                         });
  }

  void on_handshake(beast::error_code ec) {
    if (done_)
      return;
    if (ec) {
      if (ec == beast::error::timeout)
        return down(disconnect_reason::timeout,
                    "WS handshake timed out after "
                      + std::to_string(ms_of(cfg_.handshake_timeout_ns)) + " ms");
      std::string detail = "WS upgrade failed: " + ec.message();
      if (res_.result_int() != 0)
        detail += " (HTTP " + std::to_string(res_.result_int()) + ")";
      return down(disconnect_reason::handshake, std::move(detail));
    }
    res_ = {};
    open_ = true;
    last_rx_ = steady::now();
    next_send_ = steady::now();
    do_read();
    arm_watchdog();
    if (cfg_.heartbeat.ping_interval_ns > 0) {
      next_ping_ = steady::now() + to_ns(cfg_.heartbeat.ping_interval_ns);
      arm_ping();
    }
    core_->link_open(id_); // the owner subscribes from here (send_text posts)
  }

  // -- reading --------------------------------------------------------------

  void do_read() {
    ws_->async_read(rbuf_, [self = this->shared_from_this()](beast::error_code ec,
                                                             std::size_t n) {
      self->on_read(ec, n);
    });
  }

  void on_read(beast::error_code ec, std::size_t n) {
    if (done_)
      return;
    if (ec)
      return read_failed(ec);
    auto recv_ts = net_now();
    last_rx_ = steady::now();
    // One copy into a string the codec can pad in place (simdjson).
    std::string payload;
    payload.reserve(n + frame_padding);
    auto data = rbuf_.cdata();
    payload.append(static_cast<const char*>(data.data()), data.size());
    rbuf_.consume(rbuf_.size());
    bool binary = !ws_->got_text();
    core_->stats().frame_in(n, recv_ts);
    core_->link_frame(id_, std::move(payload), binary, recv_ts);
    if (!done_ && !closing_)
      do_read();
  }

  void read_failed(beast::error_code ec) {
    if (closing_)
      return abort(); // our own close finished (or was cut short)
    if (ec == websocket::error::closed) {
      auto r = ws_->reason();
      return down(disconnect_reason::server_close,
                  "server closed: code " + std::to_string(r.code)
                    + (r.reason.empty() ? "" : " '" + std::string{r.reason.c_str()} + "'"));
    }
    if (ec == asio::error::eof || ec == http::error::end_of_stream
        || ec == ssl::error::stream_truncated)
      return down(disconnect_reason::server_close, "server closed the socket (" + ec.message()
                                                     + ")");
    if (ec == websocket::error::message_too_big || ec == websocket::error::buffer_overflow)
      return down(disconnect_reason::too_big,
                  "message over " + std::to_string(cfg_.max_frame_bytes) + " bytes");
    down(disconnect_reason::io_error, "read failed: " + ec.message());
  }

  // -- silence and heartbeats -----------------------------------------------

  void arm_watchdog() {
    if (silence_.count() <= 0)
      return;
    watchdog_.expires_at(last_rx_ + silence_);
    watchdog_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->done_ || self->closing_)
        return;
      if (steady::now() - self->last_rx_ >= self->silence_)
        return self->down(disconnect_reason::silence,
                          "no frame for " + std::to_string(ms_of(self->silence_.count()))
                            + " ms");
      self->arm_watchdog(); // something arrived meanwhile
    });
  }

  void arm_ping() {
    ping_timer_.expires_at(next_ping_);
    ping_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->done_ || self->closing_)
        return;
      auto& hb = self->cfg_.heartbeat;
      if (hb.ws_ping_frames)
        self->send(out_item{true, {}});
      else if (!hb.ping_text.empty())
        self->send(out_item{false, hb.ping_text});
      // Fixed rate; after a stall skip the missed beats rather than burst.
      self->next_ping_ += to_ns(hb.ping_interval_ns);
      if (auto now = steady::now(); self->next_ping_ < now)
        self->next_ping_ = now + to_ns(hb.ping_interval_ns);
      self->arm_ping();
    });
  }

  // -- writing (paced) ------------------------------------------------------

  void pump() {
    if (done_ || closing_ || !open_ || writing_ || queue_.empty())
      return;
    if (pace_.count() > 0) {
      auto now = steady::now();
      if (now < next_send_) {
        if (!pace_armed_) {
          pace_armed_ = true;
          pace_timer_.expires_at(next_send_);
          pace_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            self->pace_armed_ = false;
            if (!ec)
              self->pump();
          });
        }
        return;
      }
      next_send_ = now + pace_; // spacing >= pace_ (timer latency only adds)
    }
    writing_ = true;
    auto& item = queue_.front();
    if (item.ws_ping) {
      ws_->async_ping({}, [self = this->shared_from_this()](beast::error_code ec) {
        self->on_write(ec);
      });
    } else {
      ws_->text(true);
      ws_->async_write(asio::buffer(item.text),
                       [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                         self->on_write(ec);
                       });
    }
  }

  void on_write(beast::error_code ec) {
    writing_ = false;
    if (queue_.empty())
      return;
    auto item = std::move(queue_.front());
    queue_.pop_front();
    if (done_ || closing_)
      return;
    if (ec)
      return down(disconnect_reason::io_error, "write failed: " + ec.message());
    if (item.ws_ping)
      core_->stats().ping_out();
    else
      core_->stats().frame_out(item.text.size());
    pump();
  }

  std::shared_ptr<ws_core> core_;
  uint64_t id_;
  const ws_config& cfg_; ///< the core's, which outlives this link
  std::unique_ptr<ws_stream> ws_;
  std::shared_ptr<opener<Stream>> opener_;
  websocket::response_type res_;
  std::string host_header_;
  beast::flat_buffer rbuf_;
  asio::steady_timer ping_timer_, watchdog_, pace_timer_, kill_timer_;
  std::deque<out_item> queue_;
  std::chrono::nanoseconds pace_{0};
  std::chrono::nanoseconds silence_{0};
  steady::time_point next_send_{};
  steady::time_point next_ping_{};
  steady::time_point last_rx_{};
  bool open_ = false;
  bool writing_ = false;
  bool pace_armed_ = false;
  bool closing_ = false;
  bool done_ = false;
};

} // namespace xarb::net::detail
