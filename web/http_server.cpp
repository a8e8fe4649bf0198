#include "web/http_server.hpp"

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include "monitoring/logging.hpp"

#include "web/routes.hpp"

namespace xarb {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

timestamp_ns wall_clock() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

// State shared by the listener and every session; owned jointly so that a
// handler destroyed late (during io_context teardown) never dangles.
struct server_context {
  http_server_config cfg;
  const status_board* board;
  telemetry* tel;
  http_server::clock_fn clock;
  std::atomic<std::size_t> connections{0};
};

using context_ptr = std::shared_ptr<server_context>;

class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, context_ptr ctx)
    : stream_(std::move(socket)),
      buffer_(ctx->cfg.max_header_bytes + ctx->cfg.max_body_bytes),
      ctx_(std::move(ctx)) {
    ++ctx_->connections;
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
    if (ec) {
      if (ec == http::error::end_of_stream)
        return do_close();
      // Anything but an HTTP protocol error (timeout, reset, server stopping)
      // or a peer that hung up mid-message: nobody to answer, just drop.
      if (ec.category() != http::make_error_code(http::error::bad_method).category()
          || ec == http::error::partial_message)
        return;
      // A protocol error: answer once, then close.
      if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
        return send(error_reply(431, "header_too_large", "request header exceeds the limit"),
                    11, false, false);
      if (ec == http::error::body_limit)
        return send(error_reply(413, "body_too_large", "request body exceeds the limit"),
                    11, false, false);
      return send(error_reply(400, "bad_request", "malformed HTTP request"), 11, false,
                  false);
    }
    auto& req = parser_->get();
    auto method = req.method_string();
    auto target = req.target();
    http_reply reply;
    try {
      auto now = ctx_->clock ? ctx_->clock() : wall_clock();
      auto auth = req[http::field::authorization];
      http_request in{std::string_view{method.data(), method.size()},
                      std::string_view{target.data(), target.size()},
                      std::string_view{auth.data(), auth.size()}};
      reply = route_request(in, *ctx_->board, ctx_->tel, now, ctx_->cfg.control.get());
    } catch (const std::exception& e) {
      log::get("web")->warn("request {} failed: {}",
                   std::string_view{target.data(), target.size()}, e.what());
      reply = error_reply(500, "internal", "internal error");
    }
    send(std::move(reply), req.version(), req.keep_alive(), req.method() == http::verb::head);
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
  impl_->ctx = std::make_shared<server_context>();
  impl_->ctx->cfg = std::move(cfg);
  impl_->ctx->board = &board;
  impl_->ctx->tel = tel;
  impl_->ctx->clock = std::move(clock);
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
  std::make_shared<listener>(*ioc, std::move(acceptor), impl_->ctx)->do_accept();
  impl_->ioc = std::move(ioc);
  impl_->port = bound;
  for (unsigned i = 0; i < threads; ++i)
    impl_->threads.emplace_back([io = impl_->ioc.get()] {
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
  impl_->ioc->stop();
  for (auto& t : impl_->threads)
    t.join();
  impl_->threads.clear();
  // Destroying the io_context destroys every pending handler, and with them
  // the listener and the sessions: all sockets close here.
  impl_->ioc.reset();
  impl_->port = 0;
}

bool http_server::running() const noexcept {
  return impl_->ioc != nullptr;
}

uint16_t http_server::port() const noexcept {
  return impl_->port;
}

} // namespace xarb
