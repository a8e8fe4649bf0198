#pragma once
// The durable order flow of one simulated venue, so a simulated exchange
// survives a crash of the node that hosts it (kill -9) like a real one does.
//
// The venue is deterministic (sim_venue.hpp): the same world_config and the
// same sequence of submit/cancel calls with their `now` give the same state
// and events bit for bit, however advance() calls are interleaved. So only
// the order flow is stored, appended BEFORE each request is applied (write-
// ahead: a request that is not in the log never happened), and replay()
// rebuilds the state in a fresh venue. The caller logs the request's
// effective time, venue::request_time(now): a `now` behind the exchange
// clock is clamped by the venue against an advance() the log does not see,
// so logging the raw `now` would replay the request earlier and diverge.
//
// File format (version 1), framing and crash semantics of record_file.hpp,
// integers little-endian, no padding:
//   file    := magic "XARBFLW1" (8 bytes), record*
//   record  := u32 len, u32 ~len, u32 crc32(payload), payload (len bytes)
//   payload := u8 type, then by type:
//     1 header : u32 version (=1), str venue_name        (always the first record)
//     2 start  : i64 world_t0, i64 venue_at              (at most once, where set_start ran)
//     3 submit : i64 now, str client_id, str venue, str symbol, u8 side, u8 order_type,
//                u8 time_in_force, i64 px (raw nanos), i64 qty (raw nanos),
//                u8 reduce_only, i64 ts
//     4 cancel : i64 now, str client_id, str venue, str symbol, i64 ts
//   str     := u32 length, bytes
// crc32 is the IEEE/zlib CRC-32. ~len makes a damaged length detectable
// before trusting it. One record is one write(2) on an O_APPEND descriptor.
//
// Crash semantics: a torn last record (the process or the machine died inside
// the write: a prefix of a record, a zero-filled tail, or a complete-length
// last record with a bad CRC) is dropped and the file truncated to the last
// whole record. Damage anywhere before the tail is an error: replaying a
// flow with a hole would silently build another state.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "messages/error_code.hpp"
#include "messages/expected.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"
#include "venues/sim/record_file.hpp"
#include "venues/sim/sim_event.hpp"

namespace xarb::sim {

class venue;

struct flow_record {
  enum class kind : uint8_t { submit, cancel } k = kind::submit;
  timestamp_ns now = 0;          ///< the `now` passed to venue::submit / venue::cancel
  order_intent order;            ///< kind::submit
  cancel_request cancel;         ///< kind::cancel
  friend bool operator==(const flow_record&, const flow_record&) = default;
};

class flow_log {
public:
  static constexpr uint32_t version = 1;
  /// Upper bound of one record's payload; a larger length is damage.
  static constexpr uint32_t max_record = 1u << 20;

  /// Opens (creating if missing, with parent directories) the log at `path`
  /// for venue `venue_name`. Reads every record. A torn last record is
  /// dropped (counted in torn_bytes(), file truncated to the last whole
  /// record). Anything else unreadable (bad magic, CRC mismatch before the
  /// tail, another venue's log) -> error naming the file and offset. Never
  /// throws for bad files. The file is locked (flock, exclusive) while open:
  /// a second writer, e.g. another node configured with the same directory,
  /// gets an io_error instead of interleaving its records.
  static expected<std::unique_ptr<flow_log>> open(const std::string& path,
                                                  const std::string& venue_name,
                                                  bool sync = false);
  /// Reads a log that may be in use (status tools, a live node's log): no
  /// lock, nothing created, cut or written. A torn tail is left in the file
  /// (it may be a record being written right now) and reported in
  /// torn_bytes(). Appends and set_start return io_error.
  static expected<std::unique_ptr<flow_log>> open_read_only(const std::string& path,
                                                            const std::string& venue_name);

  ~flow_log();
  flow_log(const flow_log&) = delete;
  flow_log& operator=(const flow_log&) = delete;

  const std::string& venue_name() const noexcept { return venue_; }
  timestamp_ns world_start() const noexcept { return world_start_; } ///< 0 until set_start
  timestamp_ns venue_start() const noexcept { return venue_start_; } ///< 0 until set_start
  bool has_start() const noexcept { return has_start_; }

  /// Records where the venue started: its world start (venue::start_time(),
  /// = world_config::start_ts when that is set) and when it started
  /// publishing (venue::started_at(), > 0). Call it once the venue has
  /// started, as soon as possible (its place in the flow is kept). Once:
  /// the same values again are a no-op, other values an error.
  error_info set_start(timestamp_ns world_t0, timestamp_ns venue_at);

  /// Appends a request BEFORE the caller applies it (one write(2) of one
  /// whole record, O_APPEND; fdatasync when sync). io_error if the write
  /// fails (the file is cut back to its previous end); the caller must then
  /// not apply the request.
  error_info append_submit(const order_intent& o, timestamp_ns now);
  error_info append_cancel(const cancel_request& c, timestamp_ns now);

  /// Every request, in log order.
  const std::vector<flow_record>& records() const noexcept { return records_; }
  /// Bytes of a torn tail dropped by open().
  std::size_t torn_bytes() const noexcept { return file_.torn_bytes(); }
  const std::string& path() const noexcept { return path_; }
  /// Current file size in bytes.
  uint64_t size_bytes() const noexcept { return file_.size_bytes(); }

  /// Replays the log into `v`, a FRESH venue (not started) built from the same
  /// world config with start_ts == world_start(): starts it at venue_start()
  /// (before the first request logged after set_start, or with `now` >=
  /// world_start(), whichever comes first; requests from before the world
  /// start are applied before it, as they were), then applies every request
  /// at its `now`. Before each request the venue is advanced to its `now`, so
  /// the market data stays in step. Events (market data released up to the
  /// last request, then each request's answers, in order) are appended to
  /// `out` when non-null, else discarded. Afterwards the venue is exactly as
  /// the original was after its last request (the client-side release
  /// timing aside). Throws std::invalid_argument if `v` is started already,
  /// its name differs or its start_ts differs from world_start();
  /// std::runtime_error if the replayed venue did not start where recorded.
  void replay(venue& v, std::vector<event>* out = nullptr) const;

  bool read_only() const noexcept { return file_.read_only(); }

private:
  flow_log(std::string path, std::string venue);
  static expected<std::unique_ptr<flow_log>> open_impl(const std::string& path,
                                                       const std::string& venue_name,
                                                       bool sync, bool read_only);

  /// One whole record of the file (record_file's visitor).
  error_info parse_record(std::string_view payload, std::size_t off);
  /// Appends a request's payload, then keeps `rec` in records().
  error_info commit(const std::string& payload, flow_record rec);

  std::string path_;
  std::string venue_;
  record_io::record_file file_;
  bool header_ = false; ///< the header record has been read
  std::vector<flow_record> records_;
  bool has_start_ = false;
  timestamp_ns world_start_ = 0;
  timestamp_ns venue_start_ = 0;
  std::size_t start_index_ = 0; ///< records logged before set_start
};

} // namespace xarb::sim
