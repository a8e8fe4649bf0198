// The WebSocket test server (plain and TLS) of tests/venues/net.
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "tests/venues/net/test_server_base.hpp"

namespace xarb::net::test {

namespace websocket = beast::websocket;

// == WebSocket server ===================================================================

class ws_session_base {
public:
  virtual ~ws_session_base() = default;
  virtual void send(std::string text) = 0;
  virtual void ping() = 0;
  virtual void drop() = 0;
  virtual void close() = 0;
};

struct ws_test_server::state : server_base {
  mutable std::mutex mtx;
  std::atomic<bool> echo{false}, silent{false};
  std::map<std::string, std::string> replies;
  std::atomic<int> tcp_accepts{0}, ws_accepts{0}, tls_failures{0}, open{0}, pings{0}, pongs{0};
  std::vector<ws_received> frames;
  std::vector<std::string> sni;
  std::vector<std::vector<std::pair<std::string, std::string>>> handshakes;
  std::vector<std::weak_ptr<ws_session_base>> sessions; ///< io thread only

  void accept();

  std::optional<std::string> answer_to(const std::string& text) {
    if (silent)
      return std::nullopt;
    std::lock_guard lock{mtx};
    if (auto it = replies.find(text); it != replies.end())
      return it->second;
    if (echo)
      return text;
    return std::nullopt;
  }

  template <class F>
  void each_session(F f) {
    io.post([this, f] {
      for (auto& w : sessions)
        if (auto s = w.lock())
          f(*s);
    });
  }
};

namespace {

template <class Stream>
class ws_server_session final : public ws_session_base,
                                public std::enable_shared_from_this<ws_server_session<Stream>> {
public:
  using state_ptr = ws_test_server::state*;

  ws_server_session(tcp::socket sock, state_ptr st, int id) : st_(st), id_(id) {
    if constexpr (std::is_same_v<Stream, tls_stream>)
      ws_ = std::make_unique<websocket::stream<Stream>>(std::move(sock), *st_->tls);
    else
      ws_ = std::make_unique<websocket::stream<Stream>>(std::move(sock));
  }

  void run() {
    if constexpr (std::is_same_v<Stream, tls_stream>) {
      ws_->next_layer().async_handshake(
        ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
          {
            std::lock_guard lock{self->st_->mtx};
            self->st_->sni.push_back(sni_of(self->ws_->next_layer().native_handle()));
          }
          if (ec) {
            ++self->st_->tls_failures;
            return;
          }
          self->read_upgrade();
        });
    } else {
      read_upgrade();
    }
  }

  void send(std::string text) override {
    if (st_->silent)
      return;
    queue_.push_back({false, std::move(text)});
    pump();
  }
  void ping() override {
    queue_.push_back({true, {}});
    pump();
  }
  void drop() override {
    beast::error_code ignored;
    beast::get_lowest_layer(*ws_).socket().close(ignored);
  }
  void close() override {
    ws_->async_close(websocket::close_code::going_away,
                     [self = this->shared_from_this()](beast::error_code) {});
  }

private:
  void read_upgrade() {
    http::async_read(ws_->next_layer(), buf_, req_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec)
                         self->accept();
                     });
  }

  void accept() {
    ws_->control_callback([st = st_](websocket::frame_type k, beast::string_view) {
      if (k == websocket::frame_type::ping)
        ++st->pings;
      else if (k == websocket::frame_type::pong)
        ++st->pongs;
    });
    ws_->async_accept(req_, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec)
        return;
      {
        std::lock_guard lock{self->st_->mtx};
        self->st_->handshakes.push_back(headers_of(self->req_));
      }
      ++self->st_->ws_accepts;
      ++self->st_->open;
      self->counted_ = true;
      self->do_read();
    });
  }

  void do_read() {
    ws_->async_read(rbuf_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->finish();
        return;
      }
      auto text = beast::buffers_to_string(self->rbuf_.data());
      self->rbuf_.consume(self->rbuf_.size());
      {
        std::lock_guard lock{self->st_->mtx};
        self->st_->frames.push_back({self->id_, steady::now(), text});
      }
      if (auto a = self->st_->answer_to(text))
        self->send(std::move(*a));
      self->do_read();
    });
  }

  void finish() {
    if (counted_) {
      counted_ = false;
      --st_->open;
    }
  }

  void pump() {
    if (writing_ || queue_.empty())
      return;
    writing_ = true;
    auto& item = queue_.front();
    auto done = [self = this->shared_from_this()](beast::error_code) {
      self->writing_ = false;
      self->queue_.pop_front();
      self->pump();
    };
    if (item.first) {
      ws_->async_ping({}, done);
    } else {
      ws_->text(true);
      ws_->async_write(asio::buffer(item.second),
                       [done](beast::error_code ec, std::size_t) { done(ec); });
    }
  }

  state_ptr st_;
  int id_;
  std::unique_ptr<websocket::stream<Stream>> ws_;
  beast::flat_buffer buf_, rbuf_;
  http::request<http::string_body> req_;
  std::deque<std::pair<bool, std::string>> queue_;
  bool writing_ = false;
  bool counted_ = false;
};

} // namespace

void ws_test_server::state::accept() {
  acceptor.async_accept(io.context(), [self = this](beast::error_code ec, tcp::socket sock) {
    if (ec)
      return;
    int id = ++self->tcp_accepts;
    std::shared_ptr<ws_session_base> s;
    if (self->tls) {
      auto t = std::make_shared<ws_server_session<tls_stream>>(std::move(sock), self, id);
      t->run();
      s = t;
    } else {
      auto p = std::make_shared<ws_server_session<plain_stream>>(std::move(sock), self, id);
      p->run();
      s = p;
    }
    self->sessions.push_back(s);
    self->accept();
  });
}

ws_test_server::ws_test_server(tls_server_options opts) : st_(std::make_shared<state>()) {
  st_->tls = server_tls(opts);
  st_->listen();
  st_->accept();
  st_->io.start();
}

ws_test_server::~ws_test_server() {
  st_->shutdown();
}

uint16_t ws_test_server::port() const {
  return st_->port;
}

std::string ws_test_server::url(const std::string& host, const std::string& target) const {
  return std::string{st_->tls ? "wss://" : "ws://"} + host + ":" + std::to_string(st_->port)
         + target;
}

void ws_test_server::set_echo(bool on) {
  st_->echo = on;
}

void ws_test_server::set_reply(std::string when, std::string answer) {
  std::lock_guard lock{st_->mtx};
  st_->replies[std::move(when)] = std::move(answer);
}

void ws_test_server::set_silent(bool on) {
  st_->silent = on;
}

void ws_test_server::send_all(const std::string& text) {
  st_->each_session([text](ws_session_base& s) { s.send(text); });
}

void ws_test_server::ping_all() {
  st_->each_session([](ws_session_base& s) { s.ping(); });
}

void ws_test_server::drop_all() {
  st_->each_session([](ws_session_base& s) { s.drop(); });
}

void ws_test_server::close_all() {
  st_->each_session([](ws_session_base& s) { s.close(); });
}

int ws_test_server::tcp_accepts() const {
  return st_->tcp_accepts;
}
int ws_test_server::ws_accepts() const {
  return st_->ws_accepts;
}
int ws_test_server::tls_failures() const {
  return st_->tls_failures;
}
int ws_test_server::open_sessions() const {
  return st_->open;
}
int ws_test_server::pings_seen() const {
  return st_->pings;
}
int ws_test_server::pongs_seen() const {
  return st_->pongs;
}

std::vector<ws_received> ws_test_server::frames() const {
  std::lock_guard lock{st_->mtx};
  return st_->frames;
}

std::vector<std::string> ws_test_server::texts() const {
  std::vector<std::string> out;
  for (auto& f : frames())
    out.push_back(f.text);
  return out;
}

std::vector<std::string> ws_test_server::sni() const {
  std::lock_guard lock{st_->mtx};
  return st_->sni;
}

std::vector<std::vector<std::pair<std::string, std::string>>>
ws_test_server::handshakes() const {
  std::lock_guard lock{st_->mtx};
  return st_->handshakes;
}

} // namespace xarb::net::test
