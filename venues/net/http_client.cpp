#include "venues/net/http_client.hpp"

#include <deque>
#include <future>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "monitoring/logging.hpp"
#include "venues/net/io_thread.hpp"
#include "venues/net/proxy.hpp"
#include "venues/net/transport_detail.hpp"
#include "venues/net/url.hpp"

namespace xarb::net {

namespace {

using namespace detail; // asio, beast, http, ssl, tcp aliases; private file
using steady = std::chrono::steady_clock;
using request_t = http::request<http::string_body>;
using response_t = http::response<http::string_body>;

int64_t ms_of(int64_t ns) {
  return ns / 1'000'000;
}

/// One connection to the server (plain or TLS).
class conn_base {
public:
  using exchange_done = std::function<void(beast::error_code, bool got_some)>;

  virtual ~conn_base() = default;
  virtual void open(open_spec spec, open_handler done) = 0;
  /// Writes `req` and reads the answer before `deadline`. `req` must live
  /// until `done` runs.
  virtual void exchange(const request_t& req, steady::time_point deadline,
                        exchange_done done) = 0;
  /// The answer of the last successful exchange.
  virtual response_t& response() = 0;
  virtual void close() = 0;

  bool usable = false; ///< open and kept alive by the server
};

template <class Stream>
class http_conn final : public conn_base, public std::enable_shared_from_this<http_conn<Stream>> {
public:
  http_conn(asio::io_context& ioc, ssl::context* ctx, std::size_t max_body)
    : stream_(make_stream<Stream>(ioc, ctx)), max_body_(max_body) {}

  void open(open_spec spec, open_handler done) override {
    opener_ = std::make_shared<opener<Stream>>(*stream_, std::move(spec));
    opener_->run([self = this->shared_from_this(), done = std::move(done)](
                   std::optional<open_failure> f) {
      self->opener_ = nullptr;
      self->usable = !f;
      done(std::move(f));
    });
  }

  void exchange(const request_t& req, steady::time_point deadline,
                exchange_done done) override {
    done_ = std::move(done);
    beast::get_lowest_layer(*stream_).expires_at(deadline);
    http::async_write(*stream_, req,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_written(ec);
                      });
  }

  response_t& response() override { return parser_->get(); }

  void close() override {
    usable = false;
    if (auto op = std::exchange(opener_, nullptr))
      op->cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(*stream_).socket().close(ignored);
  }

private:
  void on_written(beast::error_code ec) {
    if (ec)
      return complete(ec, false);
    parser_.emplace();
    parser_->body_limit(max_body_);
    http::async_read(*stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code rec, std::size_t) {
                       self->complete(rec, self->parser_->got_some());
                     });
  }

  void complete(beast::error_code ec, bool got_some) {
    // An expired deadline must not close an idle kept-alive connection.
    beast::get_lowest_layer(*stream_).expires_never();
    if (ec)
      usable = false;
    if (auto done = std::exchange(done_, nullptr))
      done(ec, got_some);
  }

  std::unique_ptr<Stream> stream_;
  std::size_t max_body_;
  std::shared_ptr<opener<Stream>> opener_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
  exchange_done done_;
};

/// Errors after which a reused connection is presumed closed by the server
/// while idle: the request is retried once on a new connection.
bool stale_connection(beast::error_code ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof
         || ec == asio::error::connection_reset || ec == asio::error::broken_pipe
         || ec == ssl::error::stream_truncated;
}

struct pending {
  venues::http_request req;
  http_client::callback cb;
};

} // namespace

// -- the core (io thread, except configure() and the stats) ---------------------------

class detail::http_core : public std::enable_shared_from_this<http_core> {
public:
  http_core(io_thread& io, http_client_config cfg) : io_(io), cfg_(std::move(cfg)) {
    config_error_ = configure();
    if (config_error_)
      log::get("net")->error("{}: {}", cfg_.name, config_error_.message);
  }

  const http_client_config& cfg() const noexcept { return cfg_; }
  const error_info& config_error() const noexcept { return config_error_; }

  void submit(pending p) {
    if (detached_)
      return;
    if (config_error_)
      return p.cb(config_error_);
    if (queue_.size() >= cfg_.max_queue)
      return p.cb(error_info{error_code::rate_limited,
                             cfg_.name + ": too many queued requests"});
    ++requests_;
    queue_.push_back(std::move(p));
    pump();
  }

  void detach() {
    detached_ = true;
    queue_.clear();
    if (auto c = std::exchange(conn_, nullptr))
      c->close();
  }

  http_stats_snapshot stats() const noexcept {
    http_stats_snapshot s;
    s.requests = requests_;
    s.responses = responses_;
    s.failures = failures_;
    s.timeouts = timeouts_;
    s.connections = connections_;
    s.reused = reused_;
    s.retries = retries_;
    s.bytes_in = bytes_in_;
    s.bytes_out = bytes_out_;
    s.last_latency_ns = last_latency_ns_;
    return s;
  }

private:
  error_info configure() {
    auto u = parse_url(cfg_.base_url);
    if (!u)
      return {error_code::config_error, u.error().message};
    if (u->websocket)
      return {error_code::config_error, "'" + u->str() + "' is not an http(s):// URL"};
    if (!u->user.empty())
      return {error_code::config_error, "credentials in a REST base URL are refused"};
    base_ = std::move(*u);
    if (!cfg_.proxy.empty()) {
      auto p = parse_proxy(cfg_.proxy);
      if (!p)
        return p.error();
      proxy_ = std::move(*p);
    }
    if (base_.tls) {
      auto ctx = make_client_tls_context(cfg_.tls, cfg_.name);
      if (!ctx)
        return ctx.error();
      tls_ctx_ = std::move(*ctx);
    }
    return {};
  }

  void pump() {
    if (busy_ || queue_.empty() || detached_)
      return;
    busy_ = true;
    cur_ = std::move(queue_.front());
    queue_.pop_front();
    started_ = steady::now();
    deadline_ = started_ + std::chrono::nanoseconds(cfg_.request_timeout_ns);
    retried_ = false;
    if (auto err = build_request())
      return finish(std::move(err));
    attempt();
  }

  error_info build_request() {
    auto verb = http::string_to_verb(cur_.req.method);
    if (verb == http::verb::unknown)
      return {error_code::config_error, "unknown HTTP method '" + cur_.req.method + "'"};
    auto target = join(base_, cur_.req.target);
    if (!target)
      return target.error();
    req_ = {};
    req_.method(verb);
    req_.target(target->target);
    req_.version(11);
    req_.set(http::field::host, base_.host_header());
    req_.set(http::field::user_agent, cfg_.user_agent);
    req_.set(http::field::accept, "*/*");
    for (auto& [name, value] : cur_.req.headers)
      req_.set(name, value);
    if (!cur_.req.body.empty() && req_.count(http::field::content_type) == 0)
      req_.set(http::field::content_type, "application/json");
    req_.body() = cur_.req.body;
    req_.keep_alive(true);
    req_.prepare_payload();
    return {};
  }

  void attempt() {
    if (conn_ && conn_->usable) {
      reused_now_ = true;
      ++reused_;
      return exchange();
    }
    reused_now_ = false;
    if (conn_)
      conn_->close();
    if (base_.tls)
      conn_ = std::make_shared<http_conn<tls_stream>>(io_.context(), tls_ctx_.get(),
                                                      cfg_.max_body_bytes);
    else
      conn_ = std::make_shared<http_conn<plain_stream>>(io_.context(), nullptr,
                                                        cfg_.max_body_bytes);
    ++connections_;
    open_spec spec;
    spec.host = base_.host;
    spec.port = base_.port;
    spec.proxy = proxy_;
    spec.tls = cfg_.tls;
    spec.timeout = std::min<std::chrono::nanoseconds>(
      std::chrono::nanoseconds(cfg_.connect_timeout_ns),
      std::max<std::chrono::nanoseconds>(deadline_ - steady::now(), std::chrono::nanoseconds(1)));
    spec.log_name = cfg_.name;
    conn_->open(std::move(spec), [self = shared_from_this(), c = conn_](
                                   std::optional<open_failure> f) {
      if (self->detached_ || c != self->conn_)
        return;
      if (f) {
        self->conn_ = nullptr;
        auto code = f->reason == disconnect_reason::timeout ? error_code::timeout
                                                            : error_code::io_error;
        return self->finish(error_info{code, self->describe() + ": " + f->detail});
      }
      self->exchange();
    });
  }

  void exchange() {
    conn_->exchange(req_, deadline_,
                    [self = shared_from_this(), c = conn_](beast::error_code ec, bool got_some) {
                      if (self->detached_ || c != self->conn_)
                        return;
                      self->on_exchange(ec, got_some);
                    });
  }

  void on_exchange(beast::error_code ec, bool got_some) {
    if (ec) {
      conn_->close();
      conn_ = nullptr;
      if (reused_now_ && !retried_ && !got_some && stale_connection(ec)
          && steady::now() < deadline_) {
        retried_ = true;
        ++retries_;
        log::get("net")->debug("{}: kept-alive connection was closed ({}), retrying",
                               cfg_.name, ec.message());
        return attempt();
      }
      if (ec == beast::error::timeout)
        return finish(error_info{error_code::timeout,
                                 describe() + ": timed out after "
                                   + std::to_string(ms_of(cfg_.request_timeout_ns)) + " ms"});
      if (ec == http::error::body_limit)
        return finish(error_info{error_code::io_error,
                                 describe() + ": response body over "
                                   + std::to_string(cfg_.max_body_bytes) + " bytes"});
      return finish(error_info{error_code::io_error, describe() + ": " + ec.message()});
    }
    auto& res = conn_->response();
    venues::http_response out;
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    for (auto& field : res.base())
      out.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    if (!res.keep_alive()) {
      conn_->close();
      conn_ = nullptr;
    }
    ++responses_;
    bytes_in_ += out.body.size();
    bytes_out_ += req_.body().size();
    last_latency_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         steady::now() - started_)
                         .count();
    finish(std::move(out));
  }

  std::string describe() const {
    return cfg_.name + ": " + cur_.req.method + " " + base_.host_header() + cur_.req.target;
  }

  void finish(expected<venues::http_response> result) {
    if (!result) {
      ++failures_;
      if (result.code() == error_code::timeout)
        ++timeouts_;
    }
    busy_ = false;
    auto cb = std::move(cur_.cb);
    cur_ = {};
    if (!detached_ && cb) {
      try {
        cb(std::move(result));
      } catch (const std::exception& e) { // must not stall the queue
        log::get("net")->error("{}: request callback threw: {}", cfg_.name, e.what());
      }
    }
    pump(); // a callback that destroyed the client detached it: pump stops
  }

  io_thread& io_;
  http_client_config cfg_;
  error_info config_error_;
  url_parts base_;
  std::optional<proxy_config> proxy_;
  std::shared_ptr<ssl::context> tls_ctx_;

  std::deque<pending> queue_;
  pending cur_;
  request_t req_;
  bool busy_ = false;
  bool detached_ = false;
  bool reused_now_ = false;
  bool retried_ = false;
  steady::time_point started_{};
  steady::time_point deadline_{};
  std::shared_ptr<conn_base> conn_;

  std::atomic<uint64_t> requests_{0}, responses_{0}, failures_{0}, timeouts_{0};
  std::atomic<uint64_t> connections_{0}, reused_{0}, retries_{0}, bytes_in_{0}, bytes_out_{0};
  std::atomic<int64_t> last_latency_ns_{0};
};

// -- the public face -----------------------------------------------------------------

http_client::http_client(io_thread& io, http_client_config cfg)
  : io_(io), core_(std::make_shared<detail::http_core>(io, std::move(cfg))) {}

http_client::~http_client() {
  auto c = core_;
  if (io_.in_io_thread() || !io_.running()) {
    c->detach();
    return;
  }
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

void http_client::request(venues::http_request req, callback cb) {
  io_.post([c = core_, p = pending{std::move(req), std::move(cb)}]() mutable {
    c->submit(std::move(p));
  });
}

const error_info& http_client::config_error() const noexcept {
  return core_->config_error();
}

http_stats_snapshot http_client::stats() const noexcept {
  return core_->stats();
}

const http_client_config& http_client::config() const noexcept {
  return core_->cfg();
}

} // namespace xarb::net
