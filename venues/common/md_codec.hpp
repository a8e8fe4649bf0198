#pragma once
// Public market-data codec of one real venue: pure translation between the
// venue's wire format and xarb's market vocabulary. No sockets, no clock, no
// CAF: bytes in, messages out; requests out as plain values. The transport
// (venues/net) and the session glue (venues/common/feed_sync.hpp,
// actors/venue_session.cpp) drive it.
//
// Units. Everything a codec emits is in the venue's NATIVE units and names
// the NATIVE symbol exactly as its instrument listing spells it
// (instrument_spec::native_symbol), with one exception: venues that size in
// contracts (OKX ctVal) are converted to base-coin sizes by the codec, so a
// native size is always "units of the native symbol's base" (1 for BTCUSDT,
// 1000 PEPE for 1000PEPEUSDT). The session converts to canonical units
// (core/instrument_registry.hpp) at its boundary.
//
// Sequencing. Book deltas carry the venue's numbers mapped onto book_delta
// (messages/market.hpp): seq = the last change in the update, prev_seq = the
// number the previous update must have ended with (OKX prevSeqId, Binance
// `pu`, GRVT prev_sequence_number, Lighter begin_nonce) or 0, first_seq = the
// first change in the update (Binance/Backpack `U`) or 0. Venues numbering
// consecutively (Bybit `u`) set seq only (order_book then requires seq ==
// previous + 1). Snapshots carry the sequence they are at (`lastUpdateId`,
// seqId, nonce ...). A venue without numbers publishes full snapshots only.
//
// Statefulness. parse_instruments() teaches the codec the venue's listing
// (OKX contract values, Lighter market ids, EdgeX contract ids, Hyperliquid
// asset indexes). decode() of a frame naming an id the codec has not learned
// reports frame_kind::ignored with a detail, never guesses.
//
// Performance. decode() is the hot path (goal: parse + apply of a 20-level
// delta <= 0.5 us median, bench/bench_codecs). It must not allocate once
// warm: reuse member scratch objects and call the handler with references to
// them. `frame` may be padded in place (simdjson::pad) but its content must
// not change.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/expected.hpp"
#include "messages/instrument.hpp"
#include "messages/market.hpp"

namespace xarb::venues {

/// How a venue's book stream is brought in sync (docs/VENUES.md).
enum class sync_mode : uint8_t {
  snapshots,   ///< every book message is a full snapshot (Hyperliquid, Paradex snapshot feed)
  in_band,     ///< the stream opens with a snapshot, then deltas; a gap is healed by
               ///< resubscribing (OKX, Bybit, Bitget, GRVT, Lighter, EdgeX)
  rest_bridge, ///< the stream has deltas only; a REST snapshot is bridged by sequence
               ///< (Binance, Aster, Backpack)
};

std::string_view to_string(sync_mode m) noexcept;

/// A REST request, relative to the venue's REST base URL.
struct http_request {
  std::string method = "GET";
  std::string target;   ///< path + query, e.g. "/fapi/v1/depth?symbol=BTCUSDT&limit=1000"
  std::string body;     ///< empty for GET; JSON for POST venues (Hyperliquid /info, GRVT)
  std::vector<std::pair<std::string, std::string>> headers; ///< beyond Host/User-Agent
  friend bool operator==(const http_request&, const http_request&) = default;
};

/// A REST answer as the transport got it.
struct http_response {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Mark price, index price and funding, as far as one frame tells. Venues
/// publish them together (Binance markPrice), apart (OKX funding-rate and
/// mark-price channels) or field by field (Bybit ticker deltas): absent
/// fields are nullopt / 0 and the consumer keeps its previous values.
struct mark_update {
  std::string symbol;               ///< native
  std::optional<price> mark;        ///< native price
  std::optional<price> index;       ///< native price
  std::optional<ratio> rate;        ///< funding rate per interval, a fraction (0.0001 = 1 bp)
  int32_t interval_s = 0;           ///< funding interval when the frame tells it, else 0
  timestamp_ns next_funding_ts = 0; ///< 0 when not told
  timestamp_ns ts = 0;              ///< exchange time of the values
};

/// Receives what decode() found, in native units. References are valid only
/// during the call (they point into codec-owned scratch objects).
class md_handler {
public:
  virtual ~md_handler() = default;
  /// A full book (snapshot feed or in-band snapshot): replaces the book.
  virtual void on_snapshot(const book_snapshot& s) = 0;
  /// Changes to the book. `checksum` is the venue's CRC32 of the book after
  /// this update (OKX, Bitget; book_checksum.hpp) when the frame carries a
  /// usable one (OKX sends 0 for "none"), else nullopt.
  virtual void on_delta(const book_delta& d, std::optional<int32_t> checksum) = 0;
  /// Best bid/offer stream (bookTicker, bbo ...).
  virtual void on_top(const top_of_book& t) = 0;
  virtual void on_mark(const mark_update& m) = 0;
};

/// What one received frame was.
enum class frame_kind : uint8_t {
  data,      ///< market data; the handler was called at least once
  ack,       ///< a subscription answer
  pong,      ///< an answer to our application-level ping
  ping,      ///< the server's application-level ping; `reply` holds the answer to send
  info,      ///< other control traffic (connected, welcome ...): ignored
  ignored,   ///< well-formed but not for us (unknown channel or market id): `error` says why
  error,     ///< the venue reports an error (bad subscription ...): `error` holds it
  malformed, ///< not parseable, or a field missing/invalid: `error` says which
};

std::string_view to_string(frame_kind k) noexcept;

struct decode_result {
  frame_kind kind = frame_kind::malformed;
  std::string reply; ///< text frame to send back now (EdgeX pong), else empty
  std::string error; ///< for ignored/error/malformed: a short human reason
};

/// Starts decoding a frame: malformed until a codec says otherwise, no
/// reply, no error.
inline void begin_decode(decode_result& r) {
  r.kind = frame_kind::malformed;
  r.reply.clear();
  r.error.clear();
}

/// The plain-text keep-alive of venues that use one (OKX, Bitget): "pong"
/// (the answer to our "ping") and "ping" (answered "pong"). True when
/// `frame` was one of them (`r` says which).
inline bool text_keepalive(std::string_view frame, decode_result& r) {
  if (frame == "pong") {
    r.kind = frame_kind::pong;
    return true;
  }
  if (frame == "ping") {
    r.kind = frame_kind::ping;
    r.reply = "pong";
    return true;
  }
  return false;
}

/// One WebSocket connection the codec wants, with what to send once open.
/// Subscribe frames are sent in order, paced at the venue's client message
/// rate (venue_info::max_client_msgs_per_s).
struct ws_plan {
  std::string target;                 ///< path + query on the WS base URL, e.g. "/public/stream"
  std::vector<std::string> subscribe; ///< text frames
  bool books = false;                 ///< the depth streams are on this connection
};

/// Application-level keep-alive (WS protocol ping frames are always answered
/// by the transport).
struct heartbeat_rules {
  int64_t ping_interval_ns = 0; ///< send `ping_text` this often; 0 = never
  std::string ping_text;        ///< e.g. "ping" (OKX, Bitget), {"op":"ping"} (Bybit)
  bool ws_ping_frames = false;  ///< send WS ping frames every ping_interval_ns instead
  int64_t silence_ns = 0;       ///< no frame at all for this long: reconnect (0 = transport default)
};

/// Static facts about a venue's public API.
struct venue_info {
  std::string name;               ///< "binance", "okx", ... (config key, metrics label)
  sync_mode sync = sync_mode::in_band;
  std::string ws_mainnet;         ///< base URL, e.g. "wss://fstream.binance.com"
  std::string rest_mainnet;       ///< e.g. "https://fapi.binance.com"
  std::string ws_testnet;         ///< empty when the venue has none
  std::string rest_testnet;
  heartbeat_rules heartbeat;
  int max_client_msgs_per_s = 5;  ///< pacing of subscribe frames
  std::size_t max_streams_per_connection = 200;
  std::size_t snapshot_depth = 1000; ///< levels asked for in a REST snapshot
  ratio maker_fee;                ///< base-tier fees used when the listing has none
  ratio taker_fee;
};

class md_codec {
public:
  virtual ~md_codec() = default;

  virtual const venue_info& info() const noexcept = 0;

  // -- instruments (REST) ----------------------------------------------------

  /// Requests whose bodies parse_instruments() needs, in order (usually one).
  virtual std::vector<http_request> instruments_requests() const = 0;

  /// Parses the bodies of instruments_requests() (same order) into the
  /// venue's live linear perpetuals and learns the listing. Each spec:
  /// venue = info().name, native_symbol, symbol = canonical_symbol(base),
  /// base/quote, multiplier = base coins per native unit (1000 for
  /// 1000PEPEUSDT/kPEPE, else 1; the session rescales it to the canonical
  /// unit), tick/lot/min_qty native, min_notional (0 when the venue has
  /// none), maker/taker fee (listing or info() defaults), max_leverage (0 =
  /// not public), funding_interval_s. Instruments that are not trading, not
  /// perpetual, or whose symbol parse_native_symbol() rejects are skipped;
  /// `skipped` (if given) gets one "NATIVE: reason" line each. Fails on a
  /// body that is not the expected document.
  virtual expected<std::vector<instrument_spec>>
  parse_instruments(std::span<const std::string> bodies,
                    std::vector<std::string>* skipped = nullptr) = 0;

  // -- books (REST) ----------------------------------------------------------

  /// The REST depth snapshot of one symbol (rest_bridge venues; the others
  /// use it for the REST-vs-WS consistency check where they have one).
  virtual http_request snapshot_request(std::string_view native) const = 0;

  /// Parses a snapshot body: venue, symbol = native, seq (lastUpdateId ...),
  /// exchange_ts when given, levels best first.
  virtual expected<book_snapshot> parse_snapshot(std::string_view native,
                                                 std::string_view body) = 0;

  // -- streams (WS) ----------------------------------------------------------

  /// Connections and subscriptions for depth, mark price and funding of
  /// `natives` (and BBO where the venue has a cheap stream). Respects
  /// info().max_streams_per_connection.
  virtual std::vector<ws_plan> plan(std::span<const std::string> natives) const = 0;

  /// in_band venues: frames that make the venue send a fresh snapshot of
  /// one book (unsubscribe + subscribe). Empty for the others.
  virtual std::vector<std::string> resubscribe_book(std::string_view native) const = 0;

  /// The venue's checksum of a book given in NATIVE units (levels best first,
  /// at most 25 per side are used), to compare with on_delta's `checksum`.
  /// The default is book_checksum() over the levels as given; a venue whose
  /// wire sizes differ from native sizes (OKX contracts) converts first.
  /// Only called for venues whose deltas carry checksums.
  virtual int32_t checksum(std::string_view native, std::span<const book_level> bids,
                           std::span<const book_level> asks) const;

  /// Decodes one received text frame (binary frames too, for venues that
  /// send them). `recv_ts` goes into every message's recv_ts.
  virtual void decode(std::string& frame, timestamp_ns recv_ts, md_handler& out,
                      decode_result& result) = 0;
};

/// Names of the venues with a codec, sorted ("aster", "backpack", "binance",
/// "bitget", "bybit", "edgex", "grvt", "hyperliquid", "lighter", "okx",
/// "paradex"). make_codec() lives in venues/registry (it links every venue).
std::span<const std::string_view> codec_names() noexcept;

/// True when `name` is one of codec_names().
bool has_codec(std::string_view name) noexcept;

} // namespace xarb::venues
