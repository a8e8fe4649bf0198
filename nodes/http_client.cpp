#include "nodes/http_client.hpp"

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace xarb::cli {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

error_info bad_url(std::string_view url, std::string_view why) {
  return {error_code::parse_error, "invalid URL '" + std::string{url} + "': " + std::string{why}};
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i])
      return false;
  }
  return true;
}

/// One GET: resolve -> connect -> write -> read, each step bounded by the
/// timeout. Runs on a private io_context; the caller runs it to completion.
class get_op {
public:
  get_op(asio::io_context& ioc, const http_endpoint& ep, std::string target,
         std::chrono::milliseconds timeout)
    : ep_(ep), timeout_(timeout), resolver_(ioc), timer_(ioc), stream_(ioc) {
    req_ = {http::verb::get, std::move(target), 11};
    bool v6 = ep.host.find(':') != std::string::npos;
    std::string host = v6 ? "[" + ep.host + "]" : ep.host;
    if (ep.port != 80)
      host += ":" + std::to_string(ep.port);
    req_.set(http::field::host, host);
    req_.set(http::field::user_agent, "xarb-scan/" XARB_VERSION);
    req_.set(http::field::accept, "application/json");
    req_.keep_alive(false);
    parser_.body_limit(http_body_limit);
  }

  void start() {
    // The resolver has no deadline of its own: a timer cancels it.
    timer_.expires_after(timeout_);
    timer_.async_wait([this](beast::error_code ec) {
      if (!ec) {
        resolve_timed_out_ = true;
        resolver_.cancel();
      }
    });
    resolver_.async_resolve(ep_.host, std::to_string(ep_.port),
                            [this](beast::error_code ec, tcp::resolver::results_type r) {
                              timer_.cancel();
                              on_resolve(ec, std::move(r));
                            });
  }

  expected<http_response> result() {
    if (error_)
      return std::move(error_);
    if (!parser_.is_done())
      return error_info{error_code::io_error, "no response"};
    http_response res;
    auto& msg = parser_.get();
    res.status = msg.result_int();
    res.content_type = std::string{msg[http::field::content_type]};
    res.body = std::move(msg.body());
    return res;
  }

private:
  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (resolve_timed_out_)
      return fail(error_code::timeout, "cannot resolve host '" + ep_.host + "' within "
                                         + std::to_string(timeout_.count()) + " ms");
    if (ec)
      return fail(error_code::io_error,
                  "cannot resolve host '" + ep_.host + "': " + ec.message());
    stream_.expires_after(timeout_);
    stream_.async_connect(results, [this](beast::error_code e, const tcp::endpoint&) {
      on_connect(e);
    });
  }

  void on_connect(beast::error_code ec) {
    if (ec == beast::error::timeout)
      return fail(error_code::timeout,
                  "no connection within " + std::to_string(timeout_.count()) + " ms");
    if (ec == asio::error::connection_refused)
      return fail(error_code::io_error, "connection refused");
    if (ec)
      return fail(error_code::io_error, "cannot connect: " + ec.message());
    // One deadline for the request and the whole response.
    stream_.expires_after(timeout_);
    http::async_write(stream_, req_, [this](beast::error_code e, std::size_t) { on_write(e); });
  }

  void on_write(beast::error_code ec) {
    if (ec)
      return transfer_failed(ec);
    http::async_read(stream_, buffer_, parser_,
                     [this](beast::error_code e, std::size_t) { on_read(e); });
  }

  void on_read(beast::error_code ec) {
    if (ec)
      return transfer_failed(ec);
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  void transfer_failed(beast::error_code ec) {
    if (ec == beast::error::timeout)
      return fail(error_code::timeout,
                  "no response within " + std::to_string(timeout_.count()) + " ms");
    if (ec == http::error::end_of_stream || ec == http::error::partial_message
        || ec == asio::error::eof || ec == asio::error::connection_reset
        || ec == asio::error::broken_pipe)
      return fail(error_code::io_error, "the connection closed before a complete response");
    if (ec == http::error::body_limit)
      return fail(error_code::io_error, "the response is larger than "
                                          + std::to_string(http_body_limit >> 20) + " MiB");
    fail(error_code::io_error, "bad response: " + ec.message());
  }

  void fail(error_code code, std::string message) { error_ = {code, std::move(message)}; }

  const http_endpoint& ep_;
  std::chrono::milliseconds timeout_;
  tcp::resolver resolver_;
  asio::steady_timer timer_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> req_;
  http::response_parser<http::string_body> parser_;
  bool resolve_timed_out_ = false;
  error_info error_;
};

} // namespace

expected<http_endpoint> parse_http_url(std::string_view url) {
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return bad_url(url, "contains a space or a control character");
  std::string_view rest = url;
  if (auto sep = rest.find("://"); sep != std::string_view::npos) {
    if (!iequals_prefix(rest, "http://")) {
      auto scheme = std::string{rest.substr(0, sep)};
      return bad_url(url, "only http:// is supported, not " + scheme + "://");
    }
    rest.remove_prefix(sep + 3);
  } // else "HOST:PORT", the form `xarb run --listen` takes
  if (rest.find_first_of("?#") != std::string_view::npos)
    return bad_url(url, "a query or fragment is not allowed; give http://HOST:PORT");
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  auto path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos)
    return bad_url(url, "user information is not supported");
  http_endpoint ep;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return bad_url(url, "unterminated '[' in the IPv6 address");
    ep.host = std::string{authority.substr(1, close - 1)};
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return bad_url(url, "expected ':PORT' after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty())
        return bad_url(url, "empty port");
    }
  } else {
    auto colon = authority.rfind(':');
    ep.host = std::string{authority.substr(0, colon)};
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty())
        return bad_url(url, "empty port");
    }
    if (ep.host.find(':') != std::string::npos)
      return bad_url(url, "write an IPv6 address in brackets: http://[::1]:8080");
  }
  if (ep.host.empty())
    return bad_url(url, "no host; expected http://HOST:PORT");
  if (!port_text.empty()) {
    unsigned long port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port_text.size() > 5)
        return bad_url(url, "the port must be a number in 1..65535");
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port == 0 || port > 65535)
      return bad_url(url, "the port must be a number in 1..65535");
    ep.port = static_cast<uint16_t>(port);
  }
  while (!path.empty() && path.back() == '/')
    path.remove_suffix(1);
  ep.prefix = std::string{path};
  bool v6 = ep.host.find(':') != std::string::npos;
  ep.url = "http://" + (v6 ? "[" + ep.host + "]" : ep.host) + ":" + std::to_string(ep.port)
           + ep.prefix;
  return ep;
}

expected<http_response> http_get(const http_endpoint& ep, std::string_view target,
                                 std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  auto op = std::make_unique<get_op>(ioc, ep, ep.prefix + std::string{target}, timeout);
  op->start();
  ioc.run();
  return op->result();
}

} // namespace xarb::cli
