// ws_link over plain TCP (ws://); the TLS twin is ws_link_tls.cpp.
#include "venues/net/ws_link.hpp"

namespace xarb::net::detail {

std::shared_ptr<ws_link_base> make_plain_ws_link(std::shared_ptr<ws_core> core, uint64_t id) {
  return std::make_shared<ws_link<plain_stream>>(std::move(core), id);
}

} // namespace xarb::net::detail
