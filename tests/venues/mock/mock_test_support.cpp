#include "tests/venues/mock/mock_test_support.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <type_traits>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace xarb::mock::test {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr auto deadline = std::chrono::seconds{5};

tcp::endpoint loopback(uint16_t port) {
  return {asio::ip::make_address("127.0.0.1"), port};
}

// Trusts the test CA only; verifies the peer as "localhost".
std::unique_ptr<ssl::context> client_tls() {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  ctx->load_verify_file(certs_dir() + "/ca.pem");
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

template <class TlsStream>
void verify_as_localhost(TlsStream& s) {
  SSL_set_tlsext_host_name(s.native_handle(), "localhost");
  s.set_verify_callback(ssl::host_name_verification("localhost"));
}

} // namespace

std::string certs_dir() {
  return XARB_MOCK_CERTS_DIR;
}

// -- HTTP ------------------------------------------------------------------------------

http_result http_call(uint16_t port, std::string method, std::string target, std::string body,
                      bool tls) {
  http_result out;
  asio::io_context ioc;
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "localhost");
  req.body() = std::move(body);
  req.prepare_payload();
  http::response<http::string_body> res;
  beast::flat_buffer buf;
  beast::error_code result = asio::error::timed_out;
  auto finish = [&](beast::error_code ec) { result = ec; };
  // The request over any connected stream.
  auto exchange = [&](auto& stream) {
    http::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
      if (wec)
        return finish(wec);
      http::async_read(stream, buf, res, [&](beast::error_code rec, std::size_t) { finish(rec); });
    });
  };
  auto ctx = tls ? client_tls() : nullptr;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  if (tls) {
    secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, *ctx);
    verify_as_localhost(*secure);
    beast::get_lowest_layer(*secure).expires_after(deadline);
    beast::get_lowest_layer(*secure).async_connect(loopback(port), [&](beast::error_code ec) {
      if (ec)
        return finish(ec);
      secure->async_handshake(ssl::stream_base::client, [&](beast::error_code hec) {
        if (hec)
          return finish(hec);
        exchange(*secure);
      });
    });
  } else {
    plain = std::make_unique<beast::tcp_stream>(ioc);
    plain->expires_after(deadline);
    plain->async_connect(loopback(port), [&](beast::error_code ec) {
      if (ec)
        return finish(ec);
      exchange(*plain);
    });
  }
  ioc.run();
  if (result) {
    out.error = result.message();
    return out;
  }
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (const auto& h : res)
    out.headers[std::string{h.name_string()}] = std::string{h.value()};
  return out;
}

// -- WebSocket ---------------------------------------------------------------------------

struct ws_conn::impl {
  using ws_t = websocket::stream<beast::tcp_stream>;
  using wss_t = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
  std::unique_ptr<ssl::context> ctx;
  std::unique_ptr<ws_t> ws;
  std::unique_ptr<wss_t> wss;
  beast::flat_buffer buf;
  std::deque<std::string> outq;
  std::thread thread;
  std::mutex mtx;
  std::condition_variable cv;
  std::deque<std::pair<steady::time_point, std::string>> frames;
  std::vector<steady::time_point> pongs;
  bool closed = false;
  int close_code = 0;
  bool connected = false;
  std::string error;

  template <class F>
  void with(F&& f) {
    if (ws)
      f(*ws);
    else if (wss)
      f(*wss);
  }

  // Connect and upgrade synchronously (run on the io_context with a deadline).
  template <class WS>
  void open(WS& s, uint16_t port, const std::string& target) {
    beast::error_code result = asio::error::timed_out;
    bool done = false;
    auto& lowest = beast::get_lowest_layer(s);
    lowest.expires_after(deadline);
    lowest.async_connect(loopback(port), [&](beast::error_code ec) {
      if (ec) {
        result = ec;
        done = true;
        return;
      }
      auto upgrade = [&] {
        s.async_handshake("localhost", target, [&](beast::error_code hec) {
          result = hec;
          done = true;
        });
      };
      if constexpr (std::is_same_v<WS, wss_t>) {
        s.next_layer().async_handshake(ssl::stream_base::client, [&, upgrade](
                                                                   beast::error_code tec) {
          if (tec) {
            result = tec;
            done = true;
          } else {
            upgrade();
          }
        });
      } else {
        upgrade();
      }
    });
    // The work guard keeps the context busy: run handlers until done.
    const auto until = steady::now() + deadline + std::chrono::seconds{1};
    while (!done && steady::now() < until)
      ioc.run_one_until(until);
    if (result) {
      error = result.message();
      return;
    }
    lowest.expires_never();
    connected = true;
    s.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::pong) {
        std::lock_guard lock{mtx};
        pongs.push_back(steady::now());
        cv.notify_all();
      }
    });
    do_read(s);
  }

  template <class WS>
  void do_read(WS& s) {
    s.async_read(buf, [this, &s](beast::error_code ec, std::size_t) {
      std::lock_guard lock{mtx};
      if (ec) {
        if (ec == websocket::error::closed)
          close_code = static_cast<int>(s.reason().code);
        closed = true;
        cv.notify_all();
        return;
      }
      frames.emplace_back(steady::now(), beast::buffers_to_string(buf.data()));
      buf.consume(buf.size());
      cv.notify_all();
      do_read(s);
    });
  }

  template <class WS>
  void do_write(WS& s) {
    s.async_write(asio::buffer(outq.front()), [this, &s](beast::error_code ec, std::size_t) {
      outq.pop_front();
      if (!ec && !outq.empty())
        do_write(s);
    });
  }
};

ws_conn::ws_conn(uint16_t port, std::string target, bool tls) : impl_(std::make_unique<impl>()) {
  auto& m = *impl_;
  if (tls) {
    m.ctx = client_tls();
    m.wss = std::make_unique<impl::wss_t>(m.ioc, *m.ctx);
    verify_as_localhost(m.wss->next_layer());
    m.open(*m.wss, port, target);
  } else {
    m.ws = std::make_unique<impl::ws_t>(m.ioc);
    m.open(*m.ws, port, target);
  }
  if (m.connected)
    m.thread = std::thread([&m] { m.ioc.run(); });
}

ws_conn::~ws_conn() {
  auto& m = *impl_;
  if (m.thread.joinable()) {
    asio::post(m.ioc, [&m] {
      m.work.reset();
      m.with([](auto& s) {
        beast::error_code ignored;
        beast::get_lowest_layer(s).socket().close(ignored);
      });
    });
    m.thread.join();
  }
}

bool ws_conn::connected() const {
  return impl_->connected;
}

const std::string& ws_conn::error() const {
  return impl_->error;
}

void ws_conn::send(std::string text) {
  auto& m = *impl_;
  asio::post(m.ioc, [&m, t = std::move(text)]() mutable {
    m.outq.push_back(std::move(t));
    if (m.outq.size() == 1)
      m.with([&m](auto& s) { m.do_write(s); });
  });
}

void ws_conn::subscribe(std::string_view ch, std::string_view symbol) {
  send(R"({"op":"sub","ch":")" + std::string{ch} + R"(","s":")" + std::string{symbol} + "\"}");
}

void ws_conn::ping() {
  auto& m = *impl_;
  asio::post(m.ioc, [&m] { m.with([](auto& s) { s.async_ping({}, [](beast::error_code) {}); }); });
}

std::optional<frame> ws_conn::next(ms timeout) {
  auto& m = *impl_;
  std::unique_lock lock{m.mtx};
  if (!m.cv.wait_for(lock, timeout, [&] { return !m.frames.empty() || m.closed; }))
    return std::nullopt;
  if (m.frames.empty())
    return std::nullopt;
  auto text = std::move(m.frames.front().second);
  m.frames.pop_front();
  return parse_frame(std::move(text));
}

std::optional<frame> ws_conn::next_of(std::string_view t, ms timeout) {
  const auto until = steady::now() + timeout;
  while (steady::now() < until) {
    auto f = next(std::chrono::duration_cast<ms>(until - steady::now()));
    if (!f)
      return std::nullopt;
    if (f->t == t)
      return f;
  }
  return std::nullopt;
}

std::vector<std::pair<steady::time_point, frame>> ws_conn::drain() {
  auto& m = *impl_;
  std::lock_guard lock{m.mtx};
  std::vector<std::pair<steady::time_point, frame>> out;
  for (auto& [t, text] : m.frames)
    out.emplace_back(t, parse_frame(std::move(text)));
  m.frames.clear();
  return out;
}

bool ws_conn::wait_closed(ms timeout) {
  auto& m = *impl_;
  std::unique_lock lock{m.mtx};
  return m.cv.wait_for(lock, timeout, [&] { return m.closed; });
}

bool ws_conn::closed() {
  std::lock_guard lock{impl_->mtx};
  return impl_->closed;
}

int ws_conn::close_code() {
  std::lock_guard lock{impl_->mtx};
  return impl_->close_code;
}

std::vector<steady::time_point> ws_conn::pongs() {
  std::lock_guard lock{impl_->mtx};
  return impl_->pongs;
}

} // namespace xarb::mock::test
