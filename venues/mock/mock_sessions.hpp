#pragma once
// The mock server's connections (internal to venues/mock): HTTP/1.1 with
// keep-alive (after a TLS handshake when configured) and, on an upgrade
// request, a WebSocket client with a bounded send queue. All Beast HTTP and
// WebSocket code of the server is in mock_sessions.cpp.

#include <boost/asio/ip/tcp.hpp>

#include "venues/mock/server_state.hpp"

namespace xarb::mock::detail {

/// Serves one accepted connection until it closes (server thread).
void start_http_session(boost::asio::ip::tcp::socket&& socket, state_ptr st);

} // namespace xarb::mock::detail
