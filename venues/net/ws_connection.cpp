#include "venues/net/ws_connection.hpp"

#include <future>

#include <boost/asio/io_context.hpp>

#include "monitoring/logging.hpp"
#include "venues/net/io_thread.hpp"
#include "venues/net/net_clock.hpp"
#include "venues/net/ws_core.hpp"

namespace xarb::net {

namespace detail {

// -- the core: state, back-off, callbacks (io thread, except configure) ---------------

ws_core::ws_core(io_thread& io, ws_config cfg, ws_callbacks cb)
  : io_(io),
    cfg_(std::move(cfg)),
    cb_(std::move(cb)),
    backoff_(cfg_.backoff, cfg_.jitter),
    retry_(io.context()) {}

template <class F>
void ws_core::guarded(const char* what, F&& f) {
  // An owner's exception must not cut a read loop or a reconnect short.
  try {
    f();
  } catch (const std::exception& e) {
    log::get("net")->error("{}: {} callback threw: {}", cfg_.name, what, e.what());
  }
}

asio::io_context& ws_core::ioc() noexcept {
  return io_.context();
}

error_info ws_core::configure() {
  auto u = parse_url(cfg_.url);
  if (!u)
    return {error_code::config_error, cfg_.name + ": " + u.error().message};
  if (!u->websocket)
    return {error_code::config_error,
            cfg_.name + ": '" + u->str() + "' is not a ws:// or wss:// URL"};
  if (!u->user.empty())
    return {error_code::config_error, cfg_.name + ": credentials in a WS URL are refused"};
  url_ = std::move(*u);
  if (!cfg_.proxy.empty()) {
    auto p = parse_proxy(cfg_.proxy);
    if (!p)
      return {error_code::config_error, cfg_.name + ": " + p.error().message};
    proxy_ = std::move(*p);
  }
  if (url_.tls) {
    auto ctx = make_client_tls_context(cfg_.tls, cfg_.name);
    if (!ctx)
      return {ctx.error().code, cfg_.name + ": " + ctx.error().message};
    tls_ctx_ = std::move(*ctx);
  }
  return {};
}

open_spec ws_core::spec() const {
  open_spec s;
  s.host = url_.host;
  s.port = url_.port;
  s.proxy = proxy_;
  s.tls = cfg_.tls;
  s.timeout = to_ns(cfg_.connect_timeout_ns);
  s.log_name = cfg_.name;
  return s;
}

void ws_core::start() {
  if (!stopped_)
    connect();
}

void ws_core::connect() {
  stats_.set_state(ws_state::connecting);
  ++link_id_;
  link_open_ = false;
  link_ = url_.tls ? make_tls_ws_link(shared_from_this(), link_id_)
                   : make_plain_ws_link(shared_from_this(), link_id_);
  link_->run();
}

void ws_core::send(std::string text) {
  if (!link_ || !link_open_ || stopped_) {
    stats_.dropped();
    return;
  }
  link_->send(out_item{false, std::move(text)});
}

void ws_core::close() {
  if (stopped_)
    return;
  stopped_ = true;
  retry_.cancel();
  stats_.set_state(ws_state::stopped);
  if (auto link = std::exchange(link_, nullptr)) {
    link->close_gracefully();
    stats_.disconnected(disconnect_reason::local_close);
    log::get("net")->info("{}: closed", cfg_.name);
    if (on_close_allowed())
      guarded("on_close", [&] {
        cb_.on_close(ws_close_info{disconnect_reason::local_close, "closed by the owner",
                                   link_open_ ? generation_ : 0, -1});
      });
  }
}

void ws_core::detach() {
  detached_ = true;
  stopped_ = true;
  retry_.cancel();
  stats_.set_state(ws_state::stopped);
  if (auto link = std::exchange(link_, nullptr))
    link->abort();
}

void ws_core::link_open(uint64_t id) {
  if (id != link_id_ || stopped_)
    return;
  link_open_ = true;
  ++generation_;
  backoff_.connected(net_now());
  stats_.opened();
  stats_.set_state(ws_state::open);
  stats_.set_backoff(0);
  log::get("net")->info("{}: connected to {} (generation {})", cfg_.name, url_.str(),
                        generation_);
  if (cb_.on_open && !detached_)
    guarded("on_open", [&] { cb_.on_open(generation_); });
}

void ws_core::link_frame(uint64_t id, std::string&& payload, bool binary,
                         timestamp_ns recv_ts) {
  if (id != link_id_ || stopped_ || detached_)
    return;
  if (cb_.on_frame)
    guarded("on_frame", [&] { cb_.on_frame(std::move(payload), binary, recv_ts); });
}

void ws_core::link_down(uint64_t id, disconnect_reason reason, std::string detail) {
  if (id != link_id_ || stopped_)
    return;
  link_ = nullptr;
  bool was_open = std::exchange(link_open_, false);
  if (was_open)
    backoff_.disconnected(net_now());
  stats_.disconnected(reason);
  auto delay = backoff_.next_delay_ns();
  stats_.set_backoff(delay);
  stats_.set_state(ws_state::backing_off);
  log::get("net")->warn("{}: {} ({}: {}); retrying in {} ms", cfg_.name,
                        was_open ? "disconnected" : "connection failed", to_string(reason),
                        detail, ms_of(delay));
  retry_.expires_after(to_ns(delay));
  retry_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec && !self->stopped_)
      self->connect();
  });
  if (on_close_allowed())
    guarded("on_close", [&] {
      cb_.on_close(ws_close_info{reason, std::move(detail), was_open ? generation_ : 0, delay});
    });
}

} // namespace detail

// -- the public face -----------------------------------------------------------------

ws_connection::ws_connection(io_thread& io, ws_config cfg, ws_callbacks cb)
  : io_(io), core_(std::make_shared<detail::ws_core>(io, std::move(cfg), std::move(cb))) {}

ws_connection::~ws_connection() {
  auto c = core_;
  if (io_.in_io_thread() || !io_.running()) {
    c->detach();
    return;
  }
  // Detach on the io thread so that no callback is running or can start
  // once we return; if the loop stops meanwhile, detach here (it is idle).
  auto done = std::make_shared<std::promise<void>>();
  auto fut = done->get_future();
  io_.post([c, done] {
    c->detach();
    done->set_value();
  });
  while (fut.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    if (!io_.running()) {
      c->detach();
      break;
    }
  }
}

error_info ws_connection::start() {
  if (started_.exchange(true))
    return {error_code::internal, config().name + ": start() called twice"};
  if (auto err = core_->configure())
    return err;
  io_.post([c = core_] { c->start(); });
  return {};
}

void ws_connection::send_text(std::string text) {
  io_.post([c = core_, t = std::move(text)]() mutable { c->send(std::move(t)); });
}

void ws_connection::close() {
  io_.post([c = core_] { c->close(); });
}

void ws_connection::note_lag(int64_t lag_ns) noexcept {
  core_->stats().note_lag(lag_ns);
}

const ws_stats& ws_connection::stats() const noexcept {
  return core_->stats();
}

const ws_config& ws_connection::config() const noexcept {
  return core_->cfg();
}

} // namespace xarb::net
