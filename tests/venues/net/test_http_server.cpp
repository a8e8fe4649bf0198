// The HTTP test server (plain and TLS) and the CONNECT proxy of
// tests/venues/net.
#include "tests/venues/net/test_server_base.hpp"
#include "venues/net/proxy.hpp"

namespace xarb::net::test {

// == HTTP server ========================================================================

struct http_test_server::state : server_base {
  mutable std::mutex mtx;
  std::atomic<int> connections{0};
  std::atomic<int> count{0};
  std::vector<http_seen> seen;

  void accept();
};

namespace {

template <class Stream>
class http_server_session final
  : public std::enable_shared_from_this<http_server_session<Stream>> {
public:
  using state_ptr = http_test_server::state*;

  http_server_session(tcp::socket sock, state_ptr st, int id)
    : st_(st), id_(id), timer_(st->io.context()) {
    if constexpr (std::is_same_v<Stream, tls_stream>)
      stream_ = std::make_unique<Stream>(std::move(sock), *st_->tls);
    else
      stream_ = std::make_unique<Stream>(std::move(sock));
  }

  void run() {
    if constexpr (std::is_same_v<Stream, tls_stream>) {
      stream_->async_handshake(ssl::stream_base::server,
                               [self = this->shared_from_this()](beast::error_code ec) {
                                 if (!ec)
                                   self->do_read();
                               });
    } else {
      do_read();
    }
  }

private:
  void do_read() {
    req_ = {};
    http::async_read(*stream_, buf_, req_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec)
                         self->on_request();
                     });
  }

  void on_request() {
    auto n = ++st_->count;
    std::string target{req_.target()};
    {
      std::lock_guard lock{st_->mtx};
      st_->seen.push_back({id_, std::string{req_.method_string()}, target, req_.body(),
                           headers_of(req_)});
    }
    res_ = {};
    res_.version(11);
    res_.result(http::status::ok);
    res_.set(http::field::content_type, "text/plain");
    res_.set("X-MBX-USED-WEIGHT-1M", std::to_string(n));
    res_.keep_alive(req_.keep_alive());
    res_.body() = std::string{req_.method_string()} + " " + target + " " + req_.body();
    if (target == "/close") {
      res_.keep_alive(false);
    } else if (target == "/big") {
      res_.body() = std::string(4096, 'x');
    } else if (target.rfind("/status/", 0) == 0) {
      res_.result(static_cast<unsigned>(std::stoi(target.substr(8))));
      res_.set(http::field::retry_after, "7");
    } else if (target == "/then-drop") {
      // Answer keep-alive, then drop the idle connection: a stale socket
      // for the client's next request.
      write_then([self = this->shared_from_this()] {
        self->timer_.expires_after(std::chrono::milliseconds(50));
        self->timer_.async_wait([self](beast::error_code) {
          beast::error_code ignored;
          beast::get_lowest_layer(*self->stream_).socket().close(ignored);
        });
      });
      return;
    } else if (target == "/slow") {
      timer_.expires_after(std::chrono::milliseconds(1500));
      timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
        if (!ec)
          self->reply();
      });
      return;
    }
    reply();
  }

  void reply() {
    write_then([self = this->shared_from_this()] {
      if (!self->res_.keep_alive()) {
        beast::error_code ignored;
        beast::get_lowest_layer(*self->stream_).socket().shutdown(tcp::socket::shutdown_both,
                                                                  ignored);
        return;
      }
      self->do_read();
    });
  }

  void write_then(std::function<void()> next) {
    res_.prepare_payload();
    http::async_write(*stream_, res_, [self = this->shared_from_this(), next = std::move(next)](
                                        beast::error_code ec, std::size_t) {
      if (!ec)
        next();
    });
  }

  state_ptr st_;
  int id_;
  std::unique_ptr<Stream> stream_;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  asio::steady_timer timer_;
};

} // namespace

void http_test_server::state::accept() {
  acceptor.async_accept(io.context(), [self = this](beast::error_code ec, tcp::socket sock) {
    if (ec)
      return;
    int id = ++self->connections;
    if (self->tls)
      std::make_shared<http_server_session<tls_stream>>(std::move(sock), self, id)->run();
    else
      std::make_shared<http_server_session<plain_stream>>(std::move(sock), self, id)->run();
    self->accept();
  });
}

http_test_server::http_test_server(tls_server_options opts) : st_(std::make_shared<state>()) {
  st_->tls = server_tls(opts);
  st_->listen();
  st_->accept();
  st_->io.start();
}

http_test_server::~http_test_server() {
  st_->shutdown();
}

uint16_t http_test_server::port() const {
  return st_->port;
}

std::string http_test_server::url(const std::string& host) const {
  return std::string{st_->tls ? "https://" : "http://"} + host + ":"
         + std::to_string(st_->port);
}

int http_test_server::connections() const {
  return st_->connections;
}

std::vector<http_seen> http_test_server::requests() const {
  std::lock_guard lock{st_->mtx};
  return st_->seen;
}

// == CONNECT proxy ======================================================================

struct connect_proxy::state : server_base {
  std::string credentials;
  mutable std::mutex mtx;
  std::atomic<int> tunnels{0}, refused{0};
  std::vector<std::string> targets;

  void accept();
};

namespace {

/// Copies bytes one way until either side fails, then closes both.
class pipe : public std::enable_shared_from_this<pipe> {
public:
  pipe(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to)
    : from_(std::move(from)), to_(std::move(to)) {}

  void run() {
    from_->async_read_some(asio::buffer(buf_), [self = shared_from_this()](
                                                 beast::error_code ec, std::size_t n) {
      if (ec)
        return self->stop();
      asio::async_write(*self->to_, asio::buffer(self->buf_, n),
                        [self](beast::error_code wec, std::size_t) {
                          if (wec)
                            return self->stop();
                          self->run();
                        });
    });
  }

private:
  void stop() {
    beast::error_code ignored;
    from_->close(ignored);
    to_->close(ignored);
  }

  std::shared_ptr<tcp::socket> from_, to_;
  std::array<char, 16384> buf_{};
};

class proxy_session : public std::enable_shared_from_this<proxy_session> {
public:
  proxy_session(tcp::socket sock, connect_proxy::state* st)
    : client_(std::make_shared<tcp::socket>(std::move(sock))),
      upstream_(std::make_shared<tcp::socket>(st->io.context())),
      resolver_(st->io.context()),
      st_(st) {}

  void run() {
    http::async_read(*client_, buf_, parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec)
                         self->on_request();
                     });
  }

private:
  void on_request() {
    auto& req = parser_.get();
    std::string target{req.target()};
    if (req.method() != http::verb::connect)
      return answer("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n", false);
    if (!st_->credentials.empty()) {
      auto auth = std::string{req[http::field::proxy_authorization]};
      if (auth != "Basic " + base64_encode(st_->credentials)) {
        ++st_->refused;
        return answer("HTTP/1.1 407 Proxy Authentication Required\r\n"
                      "Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n",
                      false);
      }
    }
    {
      std::lock_guard lock{st_->mtx};
      st_->targets.push_back(target);
    }
    auto colon = target.rfind(':');
    auto host = target.substr(0, colon);
    if (host.size() > 1 && host.front() == '[')
      host = host.substr(1, host.size() - 2);
    resolver_.async_resolve(host, target.substr(colon + 1),
                            [self = shared_from_this()](beast::error_code ec,
                                                        tcp::resolver::results_type r) {
                              if (ec)
                                return self->answer("HTTP/1.1 502 Bad Gateway\r\n\r\n", false);
                              asio::async_connect(
                                *self->upstream_, r,
                                [self](beast::error_code cec, const tcp::endpoint&) {
                                  if (cec)
                                    return self->answer("HTTP/1.1 502 Bad Gateway\r\n\r\n",
                                                        false);
                                  ++self->st_->tunnels;
                                  self->answer("HTTP/1.1 200 Connection established\r\n\r\n",
                                               true);
                                });
                            });
  }

  void answer(std::string text, bool tunnel) {
    reply_ = std::move(text);
    asio::async_write(*client_, asio::buffer(reply_), [self = shared_from_this(), tunnel](
                                                        beast::error_code ec, std::size_t) {
      if (ec || !tunnel) {
        beast::error_code ignored;
        self->client_->shutdown(tcp::socket::shutdown_both, ignored);
        return;
      }
      std::make_shared<pipe>(self->client_, self->upstream_)->run();
      std::make_shared<pipe>(self->upstream_, self->client_)->run();
    });
  }

  std::shared_ptr<tcp::socket> client_, upstream_;
  tcp::resolver resolver_;
  connect_proxy::state* st_;
  beast::flat_buffer buf_;
  http::request_parser<http::empty_body> parser_;
  std::string reply_;
};

} // namespace

void connect_proxy::state::accept() {
  acceptor.async_accept(io.context(), [self = this](beast::error_code ec, tcp::socket sock) {
    if (ec)
      return;
    std::make_shared<proxy_session>(std::move(sock), self)->run();
    self->accept();
  });
}

connect_proxy::connect_proxy(std::string credentials) : st_(std::make_shared<state>()) {
  st_->credentials = std::move(credentials);
  st_->listen();
  st_->accept();
  st_->io.start();
}

connect_proxy::~connect_proxy() {
  st_->shutdown();
}

uint16_t connect_proxy::port() const {
  return st_->port;
}

std::string connect_proxy::url() const {
  return url_with(st_->credentials);
}

std::string connect_proxy::url_with(const std::string& credentials) const {
  return "http://" + (credentials.empty() ? std::string{} : credentials + "@") + "127.0.0.1:"
         + std::to_string(st_->port);
}

int connect_proxy::tunnels() const {
  return st_->tunnels;
}

int connect_proxy::refused() const {
  return st_->refused;
}

std::vector<std::string> connect_proxy::targets() const {
  std::lock_guard lock{st_->mtx};
  return st_->targets;
}

} // namespace xarb::net::test
