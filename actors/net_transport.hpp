#pragma once
// The node's transport for real venues: venues/net WebSocket connections and
// an HTTP client per REST base URL, on one I/O thread per venue session,
// reporting to the session as md_link / md_frame / rest_reply messages
// (actors/live_market_config.hpp). Every second it copies each connection's
// statistics into the xarb_venue_ws_* series (message rate, lag, state,
// back-off, frames, reconnects; docs/METRICS.md).

#include <string>

#include "actors/live_market_config.hpp"

namespace xarb {

class telemetry;

struct net_transport_options {
  std::string venue;            ///< session name (thread and log names, metric label)
  std::string proxy;            ///< "" or http://[user:pass@]host:port
  std::string ca_file;          ///< "" = the system's CA store
  telemetry* metrics = nullptr; ///< null: no series
};

/// A factory for live_market_config::transport.
md_transport_factory make_net_transport(net_transport_options opts);

} // namespace xarb
