#pragma once
// The venue-specific half of a loopback mock venue (venues/mock/mock_server):
// how one real venue answers REST requests and WebSocket frames, and how it
// encodes book, BBO and mark/funding changes. The server owns sockets, the
// simulated market (mock_market) and fault injection; a protocol only
// translates. One protocol per venue lives next to its codec
// (venues/<venue>/mock_protocol.cpp) and must produce exactly what the real
// venue sends (venue-protocols.md, venue-samples.txt), so the real codec is
// exercised end to end.
//
// Units: everything a protocol sees is already NATIVE (native symbol, native
// price and size; OKX sizes in coins, the protocol writes contracts). All
// calls happen on the server's single thread.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/instrument.hpp"
#include "messages/market.hpp"

namespace xarb::mock {

/// A contract the mock venue lists. spec is in the venue's native units
/// (native_symbol from the protocol, tick/lot/min_qty/min_notional/fees/
/// max_leverage/funding_interval_s from the simulator's rules).
struct mock_instrument {
  instrument_spec spec;
  uint32_t index = 0; ///< position in the listing: HL asset index, Lighter market_id, EdgeX contract id offset
};

/// Mark price and funding of one instrument now (native price).
struct mark_state {
  price mark;
  price index;
  ratio rate;                       ///< per funding interval, a fraction
  int32_t interval_s = 8 * 3600;
  timestamp_ns next_funding_ts = 0;
};

/// Read-only view of the simulated market for REST answers and snapshots.
class market_view {
public:
  virtual ~market_view() = default;
  virtual const std::vector<mock_instrument>& instruments() const = 0;
  /// nullptr when the venue does not list `native`.
  virtual const mock_instrument* find(std::string_view native) const = 0;
  /// The book now, best first, at most `depth` levels per side; seq is the
  /// book's current sequence (the last delta's seq), exchange_ts now.
  virtual book_snapshot book(std::string_view native, std::size_t depth) const = 0;
  virtual std::optional<mark_state> mark(std::string_view native) const = 0;
  /// Exchange clock (epoch ns).
  virtual timestamp_ns now() const = 0;
};

/// A REST request as the mock server received it.
struct rest_call {
  std::string method;  ///< "GET", "POST"
  std::string path;    ///< without the query: "/fapi/v1/depth"
  std::map<std::string, std::string, std::less<>> query; ///< decoded query parameters
  std::string body;
};

struct rest_answer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

/// What the server keeps per WebSocket client; protocols record the
/// client's subscriptions here (by native symbol) and any per-connection
/// numbering they need.
struct ws_client {
  std::string target;                 ///< path + query of the upgrade request
  std::set<std::string, std::less<>> books; ///< depth subscriptions
  std::set<std::string, std::less<>> tops;  ///< BBO subscriptions
  std::set<std::string, std::less<>> marks; ///< mark price / funding subscriptions
  /// in_band venues: books whose snapshot must be sent before the next
  /// delta (set on subscribe; the server sends market_view::book() through
  /// snapshot_frames() and clears the entry).
  std::set<std::string, std::less<>> snapshot_due;
  std::map<std::string, uint64_t, std::less<>> counters; ///< per-connection sequence numbers
  uint64_t frames_in = 0;             ///< client frames received
};

class venue_protocol {
public:
  virtual ~venue_protocol() = default;

  /// The codec's venue name ("binance", ...).
  virtual std::string_view venue() const noexcept = 0;

  /// How this venue spells the perpetual of `base` quoted in its usual
  /// settlement asset, and the base coins per native unit (1000 for
  /// "kPEPE"/"1000PEPEUSDT" when `unit` asks for it; the simulator's
  /// multiplier decides). e.g. binance ("BTC", 1) -> "BTCUSDT".
  virtual std::string native_symbol(std::string_view base, const ratio& unit) const = 0;

  /// Answers a REST request (instruments, depth snapshot, funding/mark ...).
  /// Unknown paths: 404 with the venue's error shape.
  virtual rest_answer rest(const rest_call& call, const market_view& m) = 0;

  /// A text frame from the client (subscribe, unsubscribe, ping ...): update
  /// `c` and append the frames to send back (acks, pongs, errors).
  virtual void on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                              std::vector<std::string>& out) = 0;

  /// A WebSocket connection was opened on `c.target` (Binance combined
  /// streams in the URL, EdgeX "connected", Lighter welcome ...).
  virtual void on_open(ws_client& c, const market_view& m, std::vector<std::string>& out) {
    (void)c, (void)m, (void)out;
  }

  /// A full book for a client that subscribed `snap.symbol` (in_band venues
  /// after subscribe; snapshot venues are free to ignore it and publish
  /// from book_frames()).
  virtual void snapshot_frames(const book_snapshot& snap, ws_client& c, const market_view& m,
                               std::vector<std::string>& out) = 0;

  /// One change of a subscribed book: `d` holds the changed levels (qty 0 =
  /// removed) with first_seq/seq/prev_seq of the simulated book. Snapshot
  /// venues publish m.book() instead; checksum venues compute the checksum
  /// from m.book() (already updated).
  virtual void book_frames(const book_delta& d, ws_client& c, const market_view& m,
                           std::vector<std::string>& out) = 0;

  /// New best bid/ask for a client subscribed to `t.symbol`'s BBO.
  virtual void top_frames(const top_of_book& t, ws_client& c, std::vector<std::string>& out) {
    (void)t, (void)c, (void)out;
  }

  /// Mark price / funding of `native` for a client subscribed to it.
  virtual void mark_frames(std::string_view native, const mark_state& s, timestamp_ns now,
                           ws_client& c, std::vector<std::string>& out) = 0;

  /// True when `frame` (one this protocol produced) goes out as a binary
  /// WebSocket message (Paradex SBE); text otherwise.
  virtual bool binary_frame(std::string_view frame) const {
    (void)frame;
    return false;
  }

  /// An application-level ping the server sends every few seconds (EdgeX
  /// {"type":"ping"}), empty when the venue uses WS ping frames only.
  virtual std::string server_ping(timestamp_ns now) const {
    (void)now;
    return {};
  }
};

} // namespace xarb::mock
