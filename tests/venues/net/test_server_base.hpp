#pragma once
// PRIVATE to the venues/net tests: what the three loopback servers share
// (an io_thread with a listening acceptor, the server TLS context, small
// helpers). Included by test_ws_server.cpp and test_http_server.cpp only.

#include <openssl/ssl.h>

#include <array>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "tests/venues/net/test_servers.hpp"
#include "venues/net/io_thread.hpp"

namespace xarb::net::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;


inline std::shared_ptr<ssl::context> server_tls(const tls_server_options& o) {
  if (!o.tls)
    return nullptr;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->use_certificate_chain_file(cert_file(o.cert + ".pem"));
  ctx->use_private_key_file(cert_file(o.cert + ".key"), ssl::context::pem);
  return ctx;
}

/// An io_thread with a listening acceptor on 127.0.0.1:0.
// Handlers hold raw pointers to the state: the state owns the io_context,
// and destroying it destroys every pending handler (and session) with it.
// `tls` is declared first so it outlives every TLS stream.
struct server_base {
  std::shared_ptr<ssl::context> tls;
  io_thread io{"test.server"};
  tcp::acceptor acceptor{io.context()};
  uint16_t port = 0;

  void listen() {
    tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), 0};
    acceptor.open(ep.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen();
    port = acceptor.local_endpoint().port();
  }

  /// Stops the loop; sessions die with the io_context.
  void shutdown() {
    io.stop();
    io.join();
  }
};

inline std::vector<std::pair<std::string, std::string>> headers_of(const http::fields& f) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& h : f)
    out.emplace_back(std::string{h.name_string()}, std::string{h.value()});
  return out;
}

inline std::string sni_of(SSL* ssl) {
  auto* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  return name ? name : "";
}

} // namespace xarb::net::test
