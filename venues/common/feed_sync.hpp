#pragma once
// feed_sync: brings a real venue's book streams in sync and hands the session
// clean, canonical market data. Pure logic (no sockets, no clock, no CAF):
// the codec calls it as its md_handler, the transport tells it about
// connections and REST answers, the session asks it to resync a book, and it
// answers through a feed_sink (market data out, REST fetches and WS frames to
// send).
//
// What it does per venue sync mode (md_codec.hpp):
//  - snapshots:   every book message is passed on; nothing to bridge.
//  - in_band:     after a (re)connect or a resync request the book waits for
//                 the stream's next snapshot; deltas before it are dropped
//                 (counted). A resync request sends the codec's
//                 resubscribe_book() frames.
//  - rest_bridge: the book buffers deltas while a REST snapshot is fetched,
//                 then emits the snapshot (seq L), drops buffered deltas with
//                 seq <= L and passes the first one that continues it with
//                 prev_seq = 0 so order_book's overlap rule (first_seq <=
//                 L + 1) decides; a first delta starting after L + 1 means the
//                 snapshot is older than the stream: it is fetched again. The
//                 buffer is bounded (max_buffer); overflowing it restarts the
//                 bridge.
// The sequence rules of the deltas themselves are order_book::apply()'s
// (core/order_book.hpp): the session applies, and on any error calls
// resync(), which is idempotent while a resync is under way.
//
// Units: codecs speak native units; the sink receives canonical ones
// (instrument_spec multiplier: size x m, price / m), so a value that is not
// exact in canonical units is dropped and counted (precision_loss).

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "messages/expected.hpp"
#include "messages/instrument.hpp"
#include "messages/market.hpp"
#include "venues/common/md_codec.hpp"

namespace xarb::venues {

/// Why feed_sync did not pass a frame on (session metrics label).
enum class feed_drop : uint8_t {
  unknown_symbol,   ///< not in the instrument list
  before_snapshot,  ///< delta while the book waits for its snapshot (in_band)
  bridged_away,     ///< buffered delta already contained in the REST snapshot
  buffer_overflow,  ///< rest_bridge buffer full: bridge restarted
  unit_error,       ///< not exact in canonical units
};

std::string_view to_string(feed_drop d) noexcept;

class feed_sink {
public:
  virtual ~feed_sink() = default;
  // -- market data, canonical --------------------------------------------------
  virtual void book(const book_snapshot& s) = 0;
  virtual void delta(const book_delta& d, std::optional<int32_t> checksum) = 0;
  virtual void top(const top_of_book& t) = 0;
  /// Funding as far as known (rate may be zero until the venue tells it),
  /// with the latest mark and index prices (canonical) when known.
  virtual void funding(const funding_rate& r, std::optional<price> mark,
                       std::optional<price> index) = 0;
  // -- commands ----------------------------------------------------------------
  /// Fetch the REST snapshot of `native` (codec.snapshot_request) and call
  /// feed_sync::rest_snapshot() with the result. May be deferred by the
  /// caller's rate limiter; feed_sync asks again only after an answer.
  virtual void fetch_snapshot(const std::string& native) = 0;
  /// Send these frames on the books connection (resubscribe).
  virtual void send(std::vector<std::string> frames) = 0;
  virtual void dropped(feed_drop why, std::string_view native) = 0;
};

class feed_sync final : public md_handler {
public:
  struct book_stats {
    uint64_t snapshots = 0;      ///< snapshots passed on (stream or REST)
    uint64_t deltas = 0;         ///< deltas passed on
    uint64_t resyncs = 0;        ///< resync() calls that started a resync
    uint64_t bridges = 0;        ///< REST snapshots bridged to the stream
    uint64_t stale_snapshots = 0;///< REST snapshots older than the stream (fetched again)
    uint64_t dropped = 0;
  };

  /// `retry_ns`: a resync that is still waiting is requested again (REST
  /// fetch or resubscribe) at most this often.
  feed_sync(const md_codec& codec, feed_sink& sink, std::size_t max_buffer = 10'000,
            int64_t retry_ns = 2'000'000'000);
  // by_native_ points into books_: not copyable.
  feed_sync(const feed_sync&) = delete;
  feed_sync& operator=(const feed_sync&) = delete;

  /// The instruments in CANONICAL form (symbol canonical, multiplier
  /// rescaled to the canonical unit; venues/common/units.hpp). Books of
  /// symbols no longer listed are forgotten; every book waits for a snapshot.
  void set_instruments(std::span<const instrument_spec> specs);

  const instrument_spec* spec_of_native(std::string_view native) const;
  const instrument_spec* spec_of(std::string_view canonical) const;

  // -- md_handler (from the codec, native units) -----------------------------
  void on_snapshot(const book_snapshot& s) override;
  void on_delta(const book_delta& d, std::optional<int32_t> checksum) override;
  void on_top(const top_of_book& t) override;
  void on_mark(const mark_update& m) override;

  // -- from the transport ----------------------------------------------------
  /// The books connection is open (first time or after a reconnect; its
  /// subscriptions were just sent): every book waits for a snapshot;
  /// rest_bridge books fetch one.
  void connection_open(timestamp_ns now);
  /// The books connection is gone: nothing is in sync until it reopens.
  void connection_lost();
  /// The answer to fetch_snapshot(native); an error leaves the book waiting
  /// (the session retries through resync()).
  void rest_snapshot(const std::string& native, expected<book_snapshot> snap);

  // -- from the session ------------------------------------------------------
  /// The session's book of `symbol` (canonical) failed (gap, crossed,
  /// checksum, or still unsynced at the session's next tick): get a fresh
  /// snapshot. While one is awaited the request is repeated at most every
  /// retry_ns (a REST fetch only once its answer came). Returns false for
  /// an unknown symbol.
  bool resync(std::string_view symbol, timestamp_ns now);

  /// True when the book of `symbol` (canonical) waits for a snapshot.
  bool awaiting(std::string_view symbol) const;

  /// The venue checksum of the session's book (canonical levels, best first)
  /// after converting back to native units; nullopt when a level does not
  /// convert exactly (then the checksum cannot be judged).
  std::optional<int32_t> checksum_of(std::string_view symbol, std::span<const book_level> bids,
                                     std::span<const book_level> asks) const;

  /// Latest mark / index (canonical) of a symbol, if the venue told one.
  std::optional<price> mark_of(std::string_view symbol) const;

  const book_stats& stats(std::string_view symbol) const;

private:
  enum class phase : uint8_t { waiting, live };

  struct book_state {
    instrument_spec spec;          // canonical
    phase ph = phase::waiting;
    bool fetching = false;         // rest_bridge: a REST snapshot was asked for
    bool bridging = false;         // the next passed delta is the first after a REST snapshot
    timestamp_ns requested = 0;    // when the last fetch/resubscribe was asked for
    uint64_t bridge_seq = 0;       // seq of that REST snapshot
    std::vector<book_delta> buffer;// rest_bridge: native deltas while waiting
    std::vector<std::optional<int32_t>> buffer_checksums;
    funding_rate rate;             // canonical, merged from mark updates
    bool has_rate = false;
    std::optional<price> mark;
    std::optional<price> index;
    book_stats stats;
  };

  book_state* find_native(std::string_view native);
  void request(book_state& b, timestamp_ns now);
  void pass_delta(book_state& b, const book_delta& native, std::optional<int32_t> checksum);
  void bridge(book_state& b, const book_snapshot& native);
  void drop(book_state* b, feed_drop why, std::string_view native);
  bool convert(const instrument_spec& spec, const std::vector<book_level>& in,
               std::vector<book_level>& out) const;

  const md_codec& codec_;
  feed_sink& sink_;
  std::size_t max_buffer_;
  int64_t retry_ns_;
  sync_mode mode_;
  bool connected_ = false;
  std::map<std::string, book_state, std::less<>> books_;      // native -> state
  // Per-frame lookups by native symbol: hashed views of books_' keys (map
  // nodes do not move), rebuilt with books_; books_ keeps the sorted order
  // that iteration (reconnect fetches) relies on.
  std::unordered_map<std::string_view, book_state*> by_native_;
  std::map<std::string, std::string, std::less<>> canonical_; // canonical -> native
  book_snapshot snap_out_;  // reused
  book_delta delta_out_;    // reused
  top_of_book top_out_;     // reused
};

} // namespace xarb::venues
