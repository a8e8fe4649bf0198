#pragma once
// One real venue's market-data path, in process, for the codec benchmarks
// (bench_codecs, docs/BENCHMARKS.md "Venue codecs (issue 9)"): the venue's
// mock protocol (venues/<v>/mock_protocol) encodes exactly what the venue
// sends, the venue's codec decodes it into feed_sync, and feed_sync hands the
// canonical result to a sink that applies it to a core order_book, as the
// venue session does (actors/live_market -> session books).
//
// Workload: one BTC perpetual; a book of 50 levels per side on a 0.1 grid
// (bids 65000.0 downwards, asks 65000.1 upwards, 60 price slots per side
// of which ~50 are occupied); every change touches 10 bid and 10 ask slots
// among the 30 nearest the top (a new size, a removal or an insertion), sizes
// are 0.001 .. 5.000. The book is synced the way the session syncs it
// (listing, subscriptions, REST snapshot bridge or in-band snapshot), then a
// run of `frames` changes is encoded up front; replaying them in order is
// what the benchmark times. Snapshot venues (Hyperliquid, Paradex) publish
// their whole top-N book per change: that frame is their "delta".

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/order_book.hpp"
#include "messages/market.hpp"
#include "venues/common/feed_sync.hpp"
#include "venues/common/md_codec.hpp"
#include "venues/mock/venue_protocol.hpp"

namespace xarb::bench {

/// Applies feed_sync's canonical output to an order_book and counts.
class book_sink final : public venues::feed_sink {
public:
  order_book ob;
  uint64_t snapshots = 0, deltas = 0, tops = 0, fundings = 0, errors = 0, drops = 0;
  error_code last_error = error_code::none;
  std::vector<std::string> fetches;   ///< fetch_snapshot() requests not yet answered
  bool keep_snapshot = false;         ///< copy the next snapshot into `kept`
  book_snapshot kept;
  /// When set, a delta that came with a venue checksum (OKX, Bitget) is
  /// verified after applying it as the session does (top 25 levels back to
  /// native units, CRC32); a mismatch counts as an error.
  const venues::feed_sync* verify = nullptr;
  uint64_t checksums = 0;             ///< checksums verified

  void book(const book_snapshot& s) override;
  void delta(const book_delta& d, std::optional<int32_t> checksum) override;
  void top(const top_of_book& t) override;
  void funding(const funding_rate& r, std::optional<price> mark,
               std::optional<price> index) override;
  void fetch_snapshot(const std::string& native) override;
  void send(std::vector<std::string> frames) override;
  void dropped(venues::feed_drop why, std::string_view native) override;

  top_of_book last_top;

private:
  book_snapshot check_; ///< reused by the checksum verification
};

/// The simulated exchange behind the protocol: one BTC book, see above.
class bench_market;

class codec_fixture {
public:
  /// Builds the codec + protocol of `venue`, syncs the book and encodes
  /// `frames` book changes (and the BBO frames they cause). Throws
  /// std::runtime_error with the reason when any step fails.
  codec_fixture(std::string venue, std::size_t frames, uint64_t seed = 42);
  ~codec_fixture();

  const std::string& venue() const noexcept { return venue_; }
  venues::md_codec& codec() noexcept { return *codec_; }
  venues::feed_sync& sync() noexcept { return *sync_; }
  book_sink& sink() noexcept { return sink_; }
  venues::sync_mode mode() const noexcept { return codec_->info().sync; }

  /// Encoded book-change frames (each with spare capacity for simdjson
  /// padding, so decode() does not reallocate them).
  std::vector<std::string>& book_frames() noexcept { return book_frames_; }
  /// Encoded best-bid/offer frames; empty when the venue has no BBO stream.
  std::vector<std::string>& top_frames() noexcept { return top_frames_; }

  /// Puts codec, feed_sync and book back where they were before the first
  /// book frame, so the frames can be replayed again in order.
  void rewind();

  /// Decodes one frame into feed_sync; returns the frame kind.
  venues::frame_kind feed(std::string& frame, timestamp_ns recv_ts);

  /// True when the venue's deltas carry book checksums (OKX, Bitget).
  bool checksums() const noexcept { return has_checksums_; }

  /// Bytes of the book frames, on average.
  std::size_t mean_book_frame_bytes() const;

  /// The native symbol and the REST answers the sync used (for recorders).
  const std::string& native() const noexcept { return native_; }

private:
  void sync_book();
  std::string rest_body(const venues::http_request& req);

  std::string venue_;
  std::unique_ptr<venues::md_codec> codec_;
  std::unique_ptr<mock::venue_protocol> proto_;
  std::unique_ptr<bench_market> market_;
  book_sink sink_;
  std::unique_ptr<venues::feed_sync> sync_;
  std::vector<mock::ws_client> clients_;
  std::size_t books_client_ = 0;
  std::optional<std::size_t> tops_client_;
  std::string native_;
  std::vector<std::string> sync_frames_;  ///< in_band: the snapshot frames
  book_snapshot rest_book_;               ///< rest_bridge: canonical book at the start
  std::vector<std::string> book_frames_;
  std::vector<std::string> top_frames_;
  venues::decode_result result_;
  bool has_checksums_ = false;
};

/// `s` copied with simdjson padding capacity.
std::string padded_copy(std::string_view s);

} // namespace xarb::bench
