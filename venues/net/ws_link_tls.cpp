// ws_link over TLS (wss://); the plain twin is ws_link_plain.cpp.
#include <boost/beast/websocket/ssl.hpp>

#include "venues/net/ws_link.hpp"

namespace xarb::net::detail {

std::shared_ptr<ws_link_base> make_tls_ws_link(std::shared_ptr<ws_core> core, uint64_t id) {
  return std::make_shared<ws_link<tls_stream>>(std::move(core), id);
}

} // namespace xarb::net::detail
