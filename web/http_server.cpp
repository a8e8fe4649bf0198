#include "web/http_server.hpp"

#include <pthread.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include "monitoring/logging.hpp"

#include "web/client_limiter.hpp"
#include "web/routes.hpp"
#include "web/static_files.hpp"
#include "web/url.hpp"
#include "web/stream_hub.hpp"
#include "web/web_metrics.hpp"

namespace xarb {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

constexpr std::string_view ws_path = "/ws/stream";
/// A closing stream client gets this long to finish the close handshake
/// (or to drain a stuck write) before its socket is simply closed.
constexpr auto ws_close_grace = std::chrono::milliseconds(500);
/// stop() waits at most this long for stream clients to close gracefully.
constexpr auto ws_stop_wait = std::chrono::milliseconds(1000);

timestamp_ns wall_clock() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}

class ws_session;

// State shared by the listener and every session; owned jointly so that a
// handler destroyed late (during io_context teardown) never dangles.
struct server_context {
  http_server_config cfg;
  const status_board* board;
  telemetry* tel;
  http_server::clock_fn clock;
  std::atomic<std::size_t> connections{0};
  std::unique_ptr<web_metrics> metrics;   ///< null without telemetry
  std::unique_ptr<client_limiter> limiter; ///< null when the limit is off
  std::unique_ptr<stream_hub> hub;         ///< null without stream_data
  std::atomic<std::size_t> ws_clients{0};  ///< sessions alive (incl. handshaking)
  std::atomic<bool> stopping{false};
  std::mutex ws_mtx;
  std::vector<std::weak_ptr<ws_session>> ws_sessions;

  /// Takes a stream client slot; false when max_clients are connected.
  bool reserve_ws_client() {
    auto n = ws_clients.load();
    do {
      if (n >= cfg.stream.max_clients)
        return false;
    } while (!ws_clients.compare_exchange_weak(n, n + 1));
    return true;
  }

  std::vector<std::shared_ptr<ws_session>> live_ws_sessions() {
    std::vector<std::shared_ptr<ws_session>> live;
    std::lock_guard lock{ws_mtx};
    std::erase_if(ws_sessions, [&](const std::weak_ptr<ws_session>& w) {
      if (auto s = w.lock()) {
        live.push_back(std::move(s));
        return false;
      }
      return true; // gone
    });
    return live;
  }
};

using context_ptr = std::shared_ptr<server_context>;

// -- /ws/stream session ---------------------------------------------------------

// One WebSocket client. Everything runs on the socket's strand: reads go to
// the hub, the server's timer posts tick() once per interval, and outbound
// messages are written one at a time from a bounded queue. A client the
// queue outgrows is closed, never waited for.
class ws_session : public std::enable_shared_from_this<ws_session> {
public:
  /// The caller reserved a client slot (reserve_ws_client); it is ours now.
  ws_session(tcp::socket socket, context_ptr ctx, http::request<http::string_body> req,
             bool authenticated, std::string remote)
    : ws_(std::move(socket)),
      ctx_(std::move(ctx)),
      req_(std::move(req)),
      remote_(std::move(remote)),
      client_(*ctx_->hub, authenticated),
      auth_timer_(ws_.get_executor()),
      kill_timer_(ws_.get_executor()) {}

  ~ws_session() {
    if (accepted_ && ctx_->metrics)
      ctx_->metrics->ws_disconnected();
    --ctx_->ws_clients;
  }

  void run() {
    {
      std::lock_guard lock{ctx_->ws_mtx};
      ctx_->ws_sessions.push_back(weak_from_this());
    }
    asio::dispatch(ws_.get_executor(),
                   beast::bind_front_handler(&ws_session::do_accept, shared_from_this()));
  }

  /// From the server's timer: send what the hub has for this client.
  void post_tick() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->deliver(); });
  }

  /// From stop(): close with 1001 (going away).
  void post_shutdown() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      if (!self->accepted_)
        return self->kill(); // still handshaking
      self->start_close(websocket::close_code::going_away, "server stopping",
                        ws_drop_reason::shutdown);
    });
  }

private:
  void do_accept() {
    // The WebSocket timeouts replace the HTTP stream's per-operation ones.
    beast::get_lowest_layer(ws_).expires_never();
    // A dead peer must free its slot quickly: the server pings after half the
    // HTTP idle timeout without traffic and drops a peer silent for the
    // whole of it (Beast's suggested 300 s would hold slots for minutes).
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = ctx_->cfg.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "xarb"); }));
    // Hard cap; the hub answers messages over max_message_bytes with an
    // error and keeps the connection, beyond this Beast closes it (1009).
    ws_.read_message_max(std::max<std::size_t>(2 * ctx_->cfg.stream.max_message_bytes, 65536));
    ws_.text(true);
    ws_.async_accept(req_, beast::bind_front_handler(&ws_session::on_accept,
                                                     shared_from_this()));
  }

  void on_accept(beast::error_code ec) {
    req_ = {}; // the upgrade request is no longer needed
    if (ec)
      return;
    accepted_ = true;
    if (ctx_->metrics)
      ctx_->metrics->ws_connected();
    do_read();
    if (ctx_->stopping)
      return start_close(websocket::close_code::going_away, "server stopping",
                         ws_drop_reason::shutdown);
    enqueue({"", std::make_shared<const std::string>(ctx_->hub->hello(client_))});
    if (!client_.authenticated()) {
      auth_timer_.expires_after(ctx_->cfg.stream.auth_timeout);
      auth_timer_.async_wait([weak = weak_from_this()](beast::error_code tec) {
        auto self = weak.lock();
        if (!tec && self && !self->client_.authenticated())
          self->start_close(websocket::close_code::policy_error, "authentication timeout",
                            ws_drop_reason::auth_timeout);
      });
    }
  }

  void do_read() {
    ws_.async_read(rbuf_, beast::bind_front_handler(&ws_session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) { // peer closed, timeout, reset, too big, or our close finished
      done_ = true;
      auth_timer_.cancel();
      kill_timer_.cancel();
      kill(); // fails a write stuck on a dead peer
      return;
    }
    auto msg = beast::buffers_to_string(rbuf_.data());
    rbuf_.consume(rbuf_.size());
    if (!closing_) {
      for (auto& reply : ctx_->hub->handle(client_, msg))
        enqueue({"", std::make_shared<const std::string>(std::move(reply))});
      if (client_.authenticated())
        auth_timer_.cancel();
      if (client_.should_close())
        start_close(websocket::close_code::policy_error, "too many errors",
                    ws_drop_reason::errors);
      else
        deliver(); // a new subscription's snapshot need not wait for the tick
    }
    do_read();
  }

  void deliver() {
    if (!accepted_ || closing_ || done_)
      return;
    std::vector<stream_out> out;
    ctx_->hub->poll(client_, out);
    for (auto& m : out)
      enqueue(std::move(m));
  }

  void enqueue(stream_out m) {
    if (closing_ || done_)
      return;
    auto n = m.text->size();
    if (!queue_.empty() && queued_bytes_ + n > ctx_->cfg.stream.max_queue_bytes)
      return start_close(websocket::close_code::policy_error, "too slow",
                         ws_drop_reason::slow);
    queued_bytes_ += n;
    queue_.push_back(std::move(m));
    if (!writing_)
      do_write();
  }

  void do_write() {
    writing_ = true;
    ws_.async_write(asio::buffer(*queue_.front().text),
                    beast::bind_front_handler(&ws_session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t bytes) {
    writing_ = false;
    auto done = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= done.text->size();
    if (ec)
      return kill(); // the read fails too and the session ends
    if (ctx_->metrics)
      ctx_->metrics->ws_sent(done.topic, bytes);
    if (!queue_.empty() && !closing_)
      do_write();
  }

  void start_close(websocket::close_code code, const char* reason, ws_drop_reason why) {
    if (closing_ || done_)
      return;
    closing_ = true;
    if (ctx_->metrics)
      ctx_->metrics->ws_dropped(why);
    if (why != ws_drop_reason::shutdown)
      log::get("web")->info("stream client {} dropped: {}", remote_, reason);
    // Unsent messages go; one being written stays (its buffer is in use).
    while (queue_.size() > (writing_ ? 1u : 0u)) {
      queued_bytes_ -= queue_.back().text->size();
      queue_.pop_back();
    }
    auth_timer_.cancel();
    ws_.async_close(websocket::close_reason{code, reason},
                    [self = shared_from_this()](beast::error_code) {
                      self->kill_timer_.cancel();
                      self->kill();
                    });
    // A peer that never answers (or never reads) must not hold the slot.
    kill_timer_.expires_after(ws_close_grace);
    kill_timer_.async_wait([weak = weak_from_this()](beast::error_code tec) {
      if (auto self = weak.lock(); self && !tec)
        self->kill();
    });
  }

  void kill() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  websocket::stream<beast::tcp_stream> ws_;
  context_ptr ctx_; // declared before client_: the hub outlives it
  http::request<http::string_body> req_;
  std::string remote_; ///< for logs
  stream_client client_;
  asio::steady_timer auth_timer_;
  asio::steady_timer kill_timer_;
  beast::flat_buffer rbuf_;
  std::deque<stream_out> queue_;
  std::size_t queued_bytes_ = 0;
  bool accepted_ = false;
  bool writing_ = false;
  bool closing_ = false; ///< close initiated by us
  bool done_ = false;    ///< the read loop ended: the connection is gone
};

// Once per interval: one poll of the source, then every client gets its
// share. Runs on its own strand; never waits for a client.
class stream_refresher : public std::enable_shared_from_this<stream_refresher> {
public:
  stream_refresher(asio::io_context& ioc, context_ptr ctx)
    : timer_(asio::make_strand(ioc)), ctx_(std::move(ctx)) {
    interval_ = std::max<steady::duration>(ctx_->cfg.stream.interval, std::chrono::milliseconds(1));
  }

  void start() {
    next_ = steady::now() + interval_;
    arm();
  }

private:
  void arm() {
    timer_.expires_at(next_);
    timer_.async_wait(beast::bind_front_handler(&stream_refresher::on_timer,
                                                shared_from_this()));
  }

  void on_timer(beast::error_code ec) {
    if (ec || ctx_->stopping)
      return;
    auto t0 = steady::now();
    try {
      ctx_->hub->refresh();
      failures_ = 0;
    } catch (const std::exception& e) {
      if (failures_++ % 100 == 0) // at 4 Hz, not a log line each time
        log::get("web")->warn("stream refresh failed: {}", e.what());
    }
    if (ctx_->metrics)
      ctx_->metrics->hub_refresh(seconds_since(t0));
    for (auto& s : ctx_->live_ws_sessions())
      s->post_tick();
    next_ += interval_;
    if (auto now = steady::now(); next_ < now)
      next_ = now + interval_; // fell behind: skip, never burst
    arm();
  }

  asio::steady_timer timer_;
  context_ptr ctx_;
  steady::duration interval_{};
  steady::time_point next_{};
  uint64_t failures_ = 0;
};

// -- HTTP session -----------------------------------------------------------------

class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, context_ptr ctx)
    : stream_(std::move(socket)),
      buffer_(ctx->cfg.max_header_bytes + ctx->cfg.max_body_bytes),
      ctx_(std::move(ctx)) {
    ++ctx_->connections;
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec)
      remote_ = ep.address().to_string();
  }

  ~session() { --ctx_->connections; }

  void run() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&session::do_read, shared_from_this()));
  }

private:
  void do_read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(ctx_->cfg.max_header_bytes));
    parser_->body_limit(ctx_->cfg.max_body_bytes);
    stream_.expires_after(ctx_->cfg.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    auto started = steady::now();
    if (ec) {
      if (ec == http::error::end_of_stream)
        return do_close();
      // Anything but an HTTP protocol error (timeout, reset, server stopping)
      // or a peer that hung up mid-message: nobody to answer, just drop.
      if (ec.category() != http::make_error_code(http::error::bad_method).category()
          || ec == http::error::partial_message)
        return;
      // A protocol error: answer once, then close.
      http_reply err;
      if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
        err = error_reply(431, "header_too_large", "request header exceeds the limit");
      else if (ec == http::error::body_limit)
        err = error_reply(413, "body_too_large", "request body exceeds the limit");
      else
        err = error_reply(400, "bad_request", "malformed HTTP request");
      record("", err.status, started);
      return send(std::move(err), 11, false, false);
    }
    auto& req = parser_->get();
    auto method = req.method_string();
    auto target = std::string_view{req.target().data(), req.target().size()};
    auto path = target.substr(0, target.find('?'));
    const auto method_text = std::string_view{method.data(), method.size()};
    bool console = false; // the browser console's file, counted as route "ui"
    http_reply reply;
    try {
      if (auto framing = framing_error(req)) {
        // Ambiguous framing or credentials: answer and close, route nothing
        // (a proxy in front might have read the request differently).
        record(path, framing->status, started);
        return send(std::move(*framing), req.version(), false, false);
      }
      if (auto limited = rate_limit(path)) {
        reply = std::move(*limited);
      } else if (path == ws_path && req.method() == http::verb::get) {
        bool authenticated = false;
        if (auto refused = ws_gate(req, authenticated)) {
          reply = std::move(*refused);
        } else {
          record(path, 101, started);
          // The socket now belongs to the stream session; this one ends.
          std::make_shared<ws_session>(stream_.release_socket(), ctx_, parser_->release(),
                                       authenticated, remote_)
            ->run();
          return;
        }
      } else if (!ctx_->cfg.ui_dir.empty()
                 && is_console_request(method_text, url::split_target(target).path)) {
        console = true;
        auto inm = req[http::field::if_none_match];
        reply = serve_static(ctx_->cfg.ui_dir, method_text, url::split_target(target).path,
                             std::string_view{inm.data(), inm.size()});
      } else {
        auto now = ctx_->clock ? ctx_->clock() : wall_clock();
        auto auth = req[http::field::authorization];
        auto type = req[http::field::content_type];
        http_request in{method_text,
                        target,
                        std::string_view{auth.data(), auth.size()},
                        std::string_view{req.body()},
                        std::string_view{type.data(), type.size()},
                        std::string_view{remote_}};
        reply = route_request(in, *ctx_->board, ctx_->tel, now, ctx_->cfg.control.get());
      }
    } catch (const std::exception& e) {
      log::get("web")->warn("request {} failed: {}", path, e.what());
      reply = error_reply(500, "internal", "internal error");
    }
    record(path, reply.status, started, console);
    send(std::move(reply), req.version(), req.keep_alive(), req.method() == http::verb::head);
  }

  // Requests whose meaning a proxy and this server could disagree on: a
  // Transfer-Encoding whose last coding is not chunked (RFC 9112 6.3: the
  // length is unknown; a smuggling vector), or several Authorization
  // headers (which credentials count?). Both are refused with 400.
  static std::optional<http_reply> framing_error(const http::request<http::string_body>& req) {
    if (req.count(http::field::transfer_encoding) > 0 && !req.chunked())
      return error_reply(400, "bad_request",
                         "Transfer-Encoding must end with chunked (or be absent)");
    if (req.count(http::field::authorization) > 1)
      return error_reply(400, "bad_request", "more than one Authorization header");
    return std::nullopt;
  }

  // 429 when this client is over its budget; probes and scrapes are exempt.
  std::optional<http_reply> rate_limit(std::string_view path) {
    if (!ctx_->limiter || path == "/healthz" || path == "/metrics")
      return std::nullopt;
    auto d = ctx_->limiter->acquire(remote_);
    if (d.allowed)
      return std::nullopt;
    if (ctx_->metrics)
      ctx_->metrics->rate_limited();
    auto reply = error_reply(429, "rate_limited", "too many requests, retry later");
    reply.headers.emplace_back("Retry-After", std::to_string(d.retry_after_s));
    return reply;
  }

  // Whether /ws/stream may upgrade: nullopt = yes (a client slot is then
  // reserved), else the refusal. The token is the control API's.
  std::optional<http_reply> ws_gate(const http::request<http::string_body>& req,
                                    bool& authenticated) {
    if (!websocket::is_upgrade(req)) {
      auto r = error_reply(426, "upgrade_required", "/ws/stream is a WebSocket endpoint");
      r.headers.emplace_back("Upgrade", "websocket");
      return r;
    }
    if (!ctx_->hub || ctx_->stopping)
      return error_reply(503, "unavailable", "the live stream is not available");
    auto* control = ctx_->cfg.control.get();
    if (!control || control->token.empty())
      return error_reply(403, "control_disabled", "no control token is configured");
    auto auth = req[http::field::authorization];
    if (!auth.empty()) {
      if (!bearer_matches(std::string_view{auth.data(), auth.size()}, control->token)) {
        auto r = error_reply(401, "unauthorized", "missing or invalid bearer token");
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return r;
      }
      authenticated = true;
    }
    if (!ctx_->reserve_ws_client())
      return error_reply(503, "too_many_clients", "too many stream clients");
    return std::nullopt;
  }

  void record(std::string_view path, unsigned status, steady::time_point started,
              bool console = false) {
    if (ctx_->metrics)
      ctx_->metrics->request(console ? std::string{"ui"} : http_route_label(path, status),
                             status, seconds_since(started));
  }

  void send(http_reply reply, unsigned version, bool keep_alive, bool head) {
    res_ = {};
    res_.version(version == 10 ? 10 : 11);
    res_.result(static_cast<http::status>(reply.status));
    res_.set(http::field::server, "xarb");
    res_.set(http::field::content_type, reply.content_type);
    res_.set(http::field::cache_control, "no-store");
    for (auto& [name, value] : reply.headers)
      res_.set(name, value);
    res_.body() = std::move(reply.body);
    res_.keep_alive(keep_alive);
    res_.prepare_payload();
    if (head)
      res_.body().clear(); // Content-Length still announces the GET size
    stream_.expires_after(ctx_->cfg.idle_timeout);
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&session::on_write, shared_from_this(),
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

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  context_ptr ctx_;
  std::string remote_; ///< client address: the rate limit's key
};

class listener : public std::enable_shared_from_this<listener> {
public:
  listener(asio::io_context& ioc, tcp::acceptor acceptor, context_ptr ctx)
    : ioc_(ioc), acceptor_(std::move(acceptor)), retry_(ioc), ctx_(std::move(ctx)) {}

  void do_accept() {
    acceptor_.async_accept(asio::make_strand(ioc_),
                           beast::bind_front_handler(&listener::on_accept,
                                                     shared_from_this()));
  }

private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open())
      return;
    if (ec) {
      // E.g. out of file descriptors: back off briefly instead of spinning.
      log::get("web")->warn("accept failed: {}", ec.message());
      retry_.expires_after(std::chrono::milliseconds(50));
      retry_.async_wait([self = shared_from_this()](beast::error_code wec) {
        if (!wec)
          self->do_accept();
      });
      return;
    }
    if (ctx_->connections.load() >= ctx_->cfg.max_connections) {
      beast::error_code ignored;
      socket.close(ignored); // shed load rather than queue unbounded sessions
    } else {
      std::make_shared<session>(std::move(socket), ctx_)->run();
    }
    do_accept();
  }

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  context_ptr ctx_;
};

} // namespace

struct http_server::impl {
  context_ptr ctx;
  std::unique_ptr<asio::io_context> ioc;
  std::vector<std::thread> threads;
  std::atomic<uint16_t> port{0};
};

http_server::http_server(http_server_config cfg, const status_board& board,
                         telemetry* tel, clock_fn clock)
  : impl_(std::make_unique<impl>()) {
  auto& ctx = impl_->ctx;
  ctx = std::make_shared<server_context>();
  ctx->cfg = std::move(cfg);
  ctx->board = &board;
  ctx->tel = tel;
  ctx->clock = std::move(clock);
  if (tel)
    ctx->metrics = std::make_unique<web_metrics>(*tel);
  if (ctx->cfg.rate_limit_rps > 0)
    ctx->limiter =
      std::make_unique<client_limiter>(ctx->cfg.rate_limit_rps, ctx->cfg.rate_limit_burst);
  if (ctx->cfg.stream_data)
    ctx->hub = std::make_unique<stream_hub>(ctx->cfg.stream_data, ctx->cfg.stream,
                                            ctx->cfg.control ? ctx->cfg.control->token
                                                             : std::string{});
}

http_server::~http_server() {
  stop();
}

expected<uint16_t> http_server::start() {
  auto& cfg = impl_->ctx->cfg;
  if (impl_->ioc)
    return error_info{error_code::internal, "http server already running"};
  beast::error_code ec;
  auto addr = asio::ip::make_address(cfg.host, ec);
  if (ec)
    return error_info{error_code::config_error,
                      "invalid listen address '" + cfg.host + "': expected an IP address"};
  auto where = cfg.host + ":" + std::to_string(cfg.port);
  auto threads = cfg.threads == 0 ? 1u : cfg.threads;
  auto ioc = std::make_unique<asio::io_context>(static_cast<int>(threads));
  tcp::acceptor acceptor{*ioc};
  tcp::endpoint ep{addr, cfg.port};
  auto fail = [&](const char* what) {
    return error_info{error_code::io_error,
                      "cannot listen on " + where + ": " + what + ": " + ec.message()};
  };
  if (acceptor.open(ep.protocol(), ec); ec)
    return fail("open");
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec)
    return fail("setsockopt");
  if (acceptor.bind(ep, ec); ec)
    return fail("bind");
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec)
    return fail("listen");
  auto bound = acceptor.local_endpoint(ec).port();
  if (ec)
    return fail("local_endpoint");
  impl_->ctx->stopping = false;
  std::make_shared<listener>(*ioc, std::move(acceptor), impl_->ctx)->do_accept();
  if (impl_->ctx->hub)
    std::make_shared<stream_refresher>(*ioc, impl_->ctx)->start();
  impl_->ioc = std::move(ioc);
  impl_->port = bound;
  for (unsigned i = 0; i < threads; ++i)
    impl_->threads.emplace_back([io = impl_->ioc.get()] {
      // Named so `top -H` tells the web apart from CAF's workers.
      pthread_setname_np(pthread_self(), "xarb.web");
      // A throwing handler must not take the process down: log and resume.
      for (;;) {
        try {
          io->run();
          return;
        } catch (const std::exception& e) {
          log::get("web")->error("I/O thread caught: {}", e.what());
        }
      }
    });
  return bound;
}

void http_server::stop() {
  if (!impl_->ioc)
    return;
  auto& ctx = *impl_->ctx;
  // Stream clients first get a close frame (1001) and a short grace; then
  // destroying the io_context closes whatever is left.
  ctx.stopping = true;
  for (auto& s : ctx.live_ws_sessions())
    s->post_shutdown();
  auto deadline = steady::now() + ws_stop_wait;
  while (ctx.ws_clients.load() != 0 && steady::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  impl_->ioc->stop();
  for (auto& t : impl_->threads)
    t.join();
  impl_->threads.clear();
  // Destroying the io_context destroys every pending handler, and with them
  // the listener and the sessions: all sockets close here.
  impl_->ioc.reset();
  {
    std::lock_guard lock{ctx.ws_mtx};
    ctx.ws_sessions.clear();
  }
  impl_->port = 0;
}

bool http_server::running() const noexcept {
  return impl_->ioc != nullptr;
}

uint16_t http_server::port() const noexcept {
  return impl_->port;
}

} // namespace xarb
