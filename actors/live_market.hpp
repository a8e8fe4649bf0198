#pragma once
// live_market: the market-data half of a venue session on a REAL venue
// (issue 9). Runs inside the session actor (single-threaded): the transport's
// messages come in, clean canonical market data goes out into the session's
// event list, which the session applies to its books exactly as it applies
// the simulator's events.
//
//   start()        -> REST instrument listing (retried with back-off)
//   listing done   -> books chosen (config symbols, else every listed one up
//                     to max_symbols), feed_sync told, connections opened
//   md_link up     -> that connection's subscriptions sent; on the books
//                     connection every book waits for a snapshot
//                     (feed_sync::connection_open)
//   md_frame       -> codec.decode -> feed_sync -> events (+ checksums FIFO)
//   resync(symbol) -> REST snapshot (rest_bridge, paced by the venue's
//                     request budget) or resubscribe (in_band)
//   md_link down   -> every book unsynced until the reconnect
//
// The session owns the books and the sequence checks (order_book::apply);
// a delta with a venue checksum is verified by the session after applying it
// (take_checksum() pairs each emitted delta with its checksum, in order).

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "actors/live_market_config.hpp"
#include "messages/feed.hpp"
#include "venues/common/feed_sync.hpp"
#include "venues/sim/sim_event.hpp"

namespace xarb {

namespace risk {
class venue_rate_limiter;
}

class live_market final : public venues::feed_sink {
public:
  /// What a message meant for the session.
  struct outcome {
    bool listed = false;       ///< the instrument listing just arrived (instruments() valid)
    bool books_down = false;   ///< the books connection closed: unsync every book
    bool books_up = false;     ///< the books connection (re)opened
    std::vector<std::string> notes; ///< log lines for the session (warnings)
    venues::frame_kind kind = venues::frame_kind::info; ///< of a decoded frame
    std::string error;         ///< malformed / error frame reason
  };

  /// `events`: where market data goes (the session's event list).
  live_market(std::string venue, live_market_config cfg, caf::actor session,
              std::vector<sim::event>& events);
  ~live_market() override;

  /// Asks for the instrument listing.
  void start(timestamp_ns now);

  outcome on_frame(md_frame& f);
  outcome on_link(const md_link& l);
  /// A REST answer; the venue's 429/418 go to `limiter` (may be null).
  outcome on_rest(rest_reply& r, timestamp_ns now, risk::venue_rate_limiter* limiter);
  /// Retries (listing) and paced REST snapshots; `limiter` may be null.
  void tick(timestamp_ns now, risk::venue_rate_limiter* limiter);

  /// The session's book failed or is still unsynced: see feed_sync::resync.
  /// Returns true when this starts a new resync (count it), false when one
  /// is already under way (or the symbol is unknown).
  bool resync(const std::string& symbol, timestamp_ns now);

  /// The checksum that came with the next emitted delta, in emission order.
  std::optional<int32_t> take_checksum();
  /// The venue's checksum of a canonical book (feed_sync::checksum_of).
  std::optional<int32_t> checksum_of(const std::string& symbol, const book_snapshot& top) const;

  bool listed() const noexcept { return listed_; }
  /// Canonical specs of the books kept (after the listing).
  const std::vector<instrument_spec>& instruments() const noexcept { return specs_; }
  const venues::venue_info& info() const noexcept { return codec_->info(); }
  std::optional<price> mark_of(const std::string& symbol) const { return sync_.mark_of(symbol); }
  const venues::feed_sync& sync() const noexcept { return sync_; }

  struct counters {
    uint64_t frames = 0;
    uint64_t malformed = 0;
    uint64_t venue_errors = 0;
    uint64_t ignored = 0;
    uint64_t connects = 0;     ///< md_link up, all connections
    uint64_t disconnects = 0;
    uint64_t rest_errors = 0;
    uint64_t listing_attempts = 0;
    int64_t last_lag_ns = 0;   ///< receipt - exchange time of the last book frame
  };
  const counters& stats() const noexcept { return counters_; }

  // -- feed_sink (from feed_sync) --------------------------------------------
  void book(const book_snapshot& s) override;
  void delta(const book_delta& d, std::optional<int32_t> checksum) override;
  void top(const top_of_book& t) override;
  void funding(const funding_rate& r, std::optional<price> mark,
               std::optional<price> index) override;
  void fetch_snapshot(const std::string& native) override;
  void send(std::vector<std::string> frames) override;
  void dropped(venues::feed_drop why, std::string_view native) override;

private:
  enum class purpose : uint8_t { listing, snapshot };
  struct pending {
    purpose what = purpose::listing;
    std::size_t index = 0;   // listing: which request
    std::string native;      // snapshot: which book
  };

  void request_listing(timestamp_ns now);
  void finish_listing(outcome& out, timestamp_ns now);
  void note_lag(uint32_t conn, timestamp_ns exchange_ts, timestamp_ns recv_ts);

  std::string venue_;
  live_market_config cfg_;
  std::unique_ptr<venues::md_codec> codec_;
  std::unique_ptr<md_transport> transport_;
  venues::feed_sync sync_;
  std::vector<sim::event>& events_;
  std::deque<std::optional<int32_t>> checksums_;
  // listing
  bool listed_ = false;
  std::vector<std::string> listing_bodies_;
  std::size_t listing_answers_ = 0;
  bool listing_failed_ = false;
  timestamp_ns listing_retry_at_ = 0;
  int64_t listing_backoff_ns_ = 0;
  std::vector<instrument_spec> specs_;
  // connections
  std::vector<venues::ws_plan> plan_;
  std::vector<uint64_t> generation_;   // current generation per connection
  uint32_t books_conn_ = 0;
  uint32_t current_conn_ = 0;          // connection of the frame being decoded
  // REST
  uint64_t next_id_ = 1;
  std::map<uint64_t, pending> pending_;
  std::deque<std::string> fetch_queue_; // natives waiting for the request budget
  timestamp_ns fetch_retry_at_ = 0;
  venues::decode_result result_;
  counters counters_;
};

} // namespace xarb
