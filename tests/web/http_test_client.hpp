#pragma once
// A tiny Beast HTTP client for the web tests. Every operation is async and
// bounded by run_for(), so a broken server fails a test instead of hanging.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace xarb::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

inline constexpr auto io_deadline = std::chrono::seconds(5);

struct reply {
  unsigned status = 0;
  std::string content_type;
  std::string body;
  std::string allow;
  std::string www_authenticate;
  std::string content_length;
  std::string retry_after;
  bool keep_alive = false;
  std::vector<std::pair<std::string, std::string>> headers; ///< every field, in order

  /// The first value of header `name` (case-insensitive), "" if absent.
  std::string header(std::string_view name) const {
    for (auto& [k, v] : headers)
      if (beast::iequals(k, name))
        return v;
    return {};
  }
  /// How many times header `name` occurs.
  std::size_t header_count(std::string_view name) const {
    std::size_t n = 0;
    for (auto& [k, v] : headers)
      n += beast::iequals(k, name) ? 1 : 0;
    return n;
  }
};

inline reply to_reply(const http::response<http::string_body>& res) {
  reply r;
  r.status = res.result_int();
  r.content_type = std::string{res[http::field::content_type]};
  r.body = res.body();
  r.allow = std::string{res[http::field::allow]};
  r.www_authenticate = std::string{res[http::field::www_authenticate]};
  r.content_length = std::string{res[http::field::content_length]};
  r.retry_after = std::string{res[http::field::retry_after]};
  r.keep_alive = res.keep_alive();
  for (auto& f : res)
    r.headers.emplace_back(std::string{f.name_string()}, std::string{f.value()});
  return r;
}

/// One client connection; requests on it reuse the socket (keep-alive).
class connection {
public:
  explicit connection(uint16_t port) : socket_(ioc_) {
    socket_.async_connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port},
                          [&](beast::error_code e) { connected_ = !e; });
    run();
  }

  bool connected() const { return connected_; }

  using header_list = std::vector<std::pair<std::string, std::string>>;

  /// Sends one request and reads the response; nullopt on any failure.
  std::optional<reply> request(http::verb verb, const std::string& target,
                               const std::string& body = {},
                               const header_list& headers = {}) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (auto& [name, value] : headers)
      req.set(name, value);
    req.keep_alive(true);
    if (!body.empty() || verb == http::verb::post) {
      req.body() = body;
      req.prepare_payload();
    }
    bool ok = false;
    http::async_write(socket_, req, [&](beast::error_code ec, std::size_t) { ok = !ec; });
    run();
    if (!ok)
      return std::nullopt;
    return read_response(verb == http::verb::head);
  }

  /// Writes raw bytes (for malformed-request tests).
  bool write_raw(const std::string& bytes) {
    bool ok = false;
    asio::async_write(socket_, asio::buffer(bytes),
                      [&](beast::error_code ec, std::size_t) { ok = !ec; });
    run();
    return ok;
  }

  std::optional<reply> read_response(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.skip(head);
    bool ok = false;
    http::async_read(socket_, buffer_, parser,
                     [&](beast::error_code ec, std::size_t) { ok = !ec; });
    run();
    if (!ok)
      return std::nullopt;
    return to_reply(parser.get());
  }

  /// True if the server closes the connection (EOF) within the deadline.
  bool closed_by_peer(std::chrono::milliseconds deadline = io_deadline) {
    char byte;
    bool eof = false;
    socket_.async_read_some(asio::buffer(&byte, 1), [&](beast::error_code ec, std::size_t n) {
      eof = ec == asio::error::eof || ec == asio::error::connection_reset
            || (!ec && n == 0);
    });
    ioc_.restart();
    ioc_.run_for(deadline);
    if (!ioc_.stopped()) {
      beast::error_code ignored;
      socket_.cancel(ignored);
      ioc_.run();
    }
    return eof;
  }

  /// Reads everything until EOF (bounded) and returns it.
  std::string read_all() {
    std::string out;
    beast::error_code ec;
    for (;;) {
      char buf[4096];
      std::size_t got = 0;
      bool done = false;
      socket_.async_read_some(asio::buffer(buf), [&](beast::error_code e, std::size_t n) {
        ec = e;
        got = n;
        done = true;
      });
      run();
      if (!done || ec)
        break;
      out.append(buf, got);
    }
    return out;
  }

  void close() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

private:
  void run() {
    ioc_.restart();
    ioc_.run_for(io_deadline);
    if (!ioc_.stopped()) { // deadline hit: cancel and drain
      beast::error_code ignored;
      socket_.cancel(ignored);
      ioc_.restart();
      ioc_.run();
    }
  }

  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

/// One request on a fresh connection.
inline std::optional<reply> fetch(uint16_t port, const std::string& target,
                                  http::verb verb = http::verb::get) {
  connection c{port};
  if (!c.connected())
    return std::nullopt;
  return c.request(verb, target);
}

} // namespace xarb::test
