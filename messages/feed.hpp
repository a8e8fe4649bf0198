#pragma once
// What a real venue's transport (venues/net, driven by actors/live_market)
// tells its venue session: frames received, connections up or down, REST
// answers. Sent from the transport's I/O thread to the session actor, which
// owns all market-data state (codec, book sync, books).

#include <cstdint>
#include <string>

#include "messages/market.hpp"

namespace xarb {

/// One WebSocket frame of connection `conn` (index in the codec's plan)
/// during its `generation`-th connection.
struct md_frame {
  uint32_t conn = 0;
  uint64_t generation = 0;
  std::string payload;
  bool binary = false;
  timestamp_ns recv_ts = 0;
  friend bool operator==(const md_frame&, const md_frame&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, md_frame& x) {
  return f(x.conn, x.generation, x.payload, x.binary, x.recv_ts);
}

/// Connection `conn` opened (up, its subscriptions are to be sent now) or
/// closed (down, with the reason; the transport reconnects by itself).
struct md_link {
  uint32_t conn = 0;
  uint64_t generation = 0;
  bool up = false;
  std::string reason;
  timestamp_ns ts = 0;
  friend bool operator==(const md_link&, const md_link&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, md_link& x) {
  return f(x.conn, x.generation, x.up, x.reason, x.ts);
}

/// The answer to REST request `id`: HTTP status and body, or a transport
/// error (status 0, `error` set).
struct rest_reply {
  uint64_t id = 0;
  int32_t status = 0;
  std::string body;
  std::string error;
  int64_t used_weight = -1; ///< the venue's weight header (X-MBX-USED-WEIGHT-1M ...), -1 if none
  timestamp_ns ts = 0;
  friend bool operator==(const rest_reply&, const rest_reply&) = default;
};

template <class Inspector>
auto inspect(Inspector& f, rest_reply& x) {
  return f(x.id, x.status, x.body, x.error, x.used_weight, x.ts);
}

} // namespace xarb
