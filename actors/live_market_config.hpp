#pragma once
// Configuration of a venue session that reads a REAL venue's market data
// (issue 9): which adapter (codec), where (base URLs), which books, and how
// the transport reaches it. Execution stays paper: orders fill against the
// live book through the simulated venue's matching engine
// (venues/sim/paper_exchange.hpp).

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "messages/decimal.hpp"
#include "venues/common/md_codec.hpp"
#include "venues/common/units.hpp"

namespace xarb {

/// How a live session reaches its venue: WebSocket connections and REST
/// calls. Results arrive at the session as messages (messages/feed.hpp):
/// md_link when a connection opens or closes (it reconnects by itself with
/// back-off), md_frame per received frame, rest_reply per request. The
/// node's implementation is venues/net (actors/net_transport.cpp); tests
/// use fakes.
class md_transport {
public:
  virtual ~md_transport() = default;
  /// Opens connection `conn` to `url` (and keeps it open, reconnecting).
  virtual void connect(uint32_t conn, const std::string& url,
                       const venues::heartbeat_rules& heartbeat, int max_msgs_per_s) = 0;
  /// Queues a text frame on connection `conn` (paced; dropped if it is down).
  virtual void send(uint32_t conn, std::string frame) = 0;
  /// A REST call relative to `base_url`; answered by a rest_reply with `id`.
  virtual void request(uint64_t id, const std::string& base_url,
                       const venues::http_request& r) = 0;
  /// Exchange-to-receipt lag of a frame of `conn` (for its statistics).
  virtual void note_lag(uint32_t conn, int64_t ns) {
    (void)conn, (void)ns;
  }
};

/// Makes the transport of a session; `session` receives its messages.
using md_transport_factory = std::function<std::unique_ptr<md_transport>(caf::actor session)>;

/// Makes the venue's codec (venues/registry make_codec in the node).
using md_codec_factory = std::function<std::unique_ptr<venues::md_codec>()>;

struct live_market_config {
  std::string adapter;            ///< codec name (venues::codec_names()), for logs
  md_codec_factory codec;         ///< required
  std::string ws_url;             ///< WS base URL (network default or override)
  std::string rest_url;           ///< REST base URL
  std::vector<std::string> symbols; ///< canonical books to watch; empty = every listed one (max_symbols)
  std::size_t max_symbols = 50;
  std::optional<ratio> maker_fee; ///< the account's fee tier; default: the venue's base tier
  std::optional<ratio> taker_fee;
  venues::unit_table units = venues::unit_table::defaults();
  md_transport_factory transport; ///< required
  int64_t listing_retry_ns = 2'000'000'000; ///< first retry of a failed instrument listing (doubles, max 60 s)
};

} // namespace xarb
