#pragma once
// The RocksDB store behind the storage sink (issue 5): one column family per
// record kind (records.hpp), keys in time-then-sequence order and versioned
// values (codec.hpp).
//
// Two write paths:
// - journal(): order transitions and fills, one synchronous-by-policy Put with
//   the WAL on. It returns when the write is durable under
//   store_options::sync_journal, so an order intent can be journalled before
//   it leaves for a venue.
// - write(batch): everything bulk (positions, events, spreads, market data,
//   config), WAL on but never fsynced by the call: the caller batches, the
//   hot path never waits on a disk flush.
//
// Thread safety: every method may be called from any thread concurrently
// (RocksDB's DB is thread-safe; the sequence and the counters are atomics).
//
// Sequences never repeat, even across restarts and with out-of-order times:
// every write also merges its highest sequence into a "max" meta key in the
// default column family (atomically, in the same WriteBatch), and open()
// starts above max(meta, sequence of the last key of every family). History
// keys are symbol-first, so their last key is only a lower bound: the meta
// key is what covers them, as it covers out-of-order times elsewhere.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/storage/codec.hpp"
#include "actors/storage/records.hpp"
#include "messages/error_code.hpp"
#include "messages/expected.hpp"

namespace xarb::storage {

struct store_options {
  std::string dir = "./data";
  bool sync_journal = true;                ///< fsync each journal write
  std::array<int64_t, family_count> retention_s{}; ///< per family (index = enum), 0 = forever
};

/// Counters since open(). `failed_writes` includes injected failures.
struct store_stats {
  uint64_t writes = 0;          ///< successful journal() + write() calls
  uint64_t records = 0;         ///< records in those writes
  uint64_t synced_writes = 0;   ///< successful writes issued with sync = true
  uint64_t failed_writes = 0;
  uint64_t injected_failures = 0;
  uint64_t wal_syncs = 0;       ///< WAL fsyncs RocksDB performed (its own ticker)
};

/// Records to write together (one atomic WriteBatch). Values are encoded on
/// add(), on the caller's thread; sequences are assigned by store::write().
class batch {
public:
  void add(const position_record& x) { add_record(family::positions, x.ts, x); }
  void add(const event& x) { add_record(family::events, x.ts, x); }
  void add(const spread_update& x) { add_record(family::spreads, x.ts, x); }
  void add(const book_snapshot& x) { add_record(family::market, x.recv_ts, x); }
  void add(const book_delta& x) { add_record(family::market, x.recv_ts, x); }
  /// One market sample (family history; keyed by symbol, then time). A
  /// symbol history keys cannot hold (valid_history_symbol) is a parse_error
  /// of the batch.
  void add(const market_sample& x);
  /// Config history: the TOML text in force from `ts`.
  void add_config(timestamp_ns ts, std::string toml);

  std::size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }
  /// First encoding error, if any (then store::write() refuses the batch).
  const error_info& error() const noexcept { return err_; }

private:
  friend class store;
  struct entry {
    family fam;
    timestamp_ns ts;
    std::string value;
    std::string key_prefix; ///< history: history_prefix(symbol); else empty
  };
  void add_record(family fam, timestamp_ns ts, record x);
  std::vector<entry> entries_;
  error_info err_;
};

class store {
public:
  /// Opens or creates the database in `opts.dir` (directories included) with
  /// every column family. Errors: {io_error, "rocksdb: ..."}.
  static expected<std::unique_ptr<store>> open(const store_options& opts);

  /// Opens an existing database read-only (tools: `xarb export`): never
  /// creates a file, takes no lock, so it works while a node has the database
  /// open and sees a static view as of the open. Families the database lacks
  /// scan as empty. Every write, journal() and compact() fails with io_error.
  /// Errors: {io_error, "rocksdb: ..."} (e.g. no database in `dir`).
  static expected<std::unique_ptr<store>> open_read_only(const std::string& dir);

  bool read_only() const noexcept { return read_only_; }

  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  static std::string encode_key(timestamp_ns ts, uint64_t seq) {
    return storage::encode_key(ts, seq);
  }
  static std::optional<key_parts> decode_key(std::string_view key) noexcept {
    return storage::decode_key(key);
  }

  // -- write-ahead -------------------------------------------------------------

  error_info journal(const order_update& x);
  error_info journal(const fill_record& x);
  error_info journal(const funding_record& x);
  /// Several transitions in one atomic write with one sync: what one engine
  /// step produced (e.g. both legs' intent -> sent) costs one fsync, not four.
  error_info journal(const std::vector<order_update>& xs);

  // -- bulk ---------------------------------------------------------------------

  /// Writes the batch atomically (WAL on, sync off). An empty batch is a no-op.
  error_info write(batch&& b);

  /// Writes raw bytes under a raw key, bypassing the codecs and the sequence:
  /// for tools (import, repair) and tests of the decoder. Counted as a write.
  error_info put_raw(family fam, std::string_view key, std::string_view value);

  // -- reading ------------------------------------------------------------------

  using visitor = std::function<bool(const stored_record&)>;

  /// Visits the records of `fam` with from <= ts < to in key order (to =
  /// INT64_MAX means no upper bound, so it includes ts == INT64_MAX); the
  /// visitor returns false to stop early. Fails on the first value that does
  /// not decode (unknown version, corruption) or on a RocksDB error.
  /// The history family's key order is symbol by symbol, each in time order:
  /// scan() visits every symbol's [from, to) that way (one seek per symbol).
  /// Reading one symbol: scan_history().
  error_info scan(family fam, timestamp_ns from, timestamp_ns to,
                  const visitor& on_record) const;

  /// Samples of `symbol` with from <= ts < to, in time order; visitor returns
  /// false to stop. One seek: never reads another symbol's keys. Errors like
  /// scan(), plus parse_error for a symbol history keys cannot hold and for a
  /// stored sample whose symbol differs from its key's.
  error_info scan_history(std::string_view symbol, timestamp_ns from, timestamp_ns to,
                          const std::function<bool(const market_sample&)>& visit) const;

  /// Every order transition with ts >= from, in key order (recovery).
  expected<std::vector<order_update>> orders_since(timestamp_ns from) const;

  // -- maintenance --------------------------------------------------------------

  /// Compacts the whole family now, which applies its retention.
  error_info compact(family fam);

  /// While on, every write fails with {io_error, "injected: disk full"}
  /// without touching RocksDB.
  void inject_write_failure(bool on) noexcept { inject_.store(on); }

  store_stats stats() const noexcept;

  /// The next sequence write() or journal() will use (tests, diagnostics).
  uint64_t next_seq() const noexcept { return next_seq_.load(); }

  const store_options& options() const noexcept { return opts_; }

private:
  struct impl;
  explicit store(store_options opts);

  error_info write_entries(std::vector<batch::entry>& entries, bool sync);
  /// scan() of the history family (symbol-first keys).
  error_info scan_all_history(timestamp_ns from, timestamp_ns to, const visitor& on_record) const;
  /// One record, keyed by its own time, written with the journal's sync policy.
  error_info journal_one(const record& x);
  error_info fail(error_info err);

  store_options opts_;
  std::unique_ptr<impl> impl_;
  std::atomic<uint64_t> next_seq_{1};
  std::atomic<bool> inject_{false};
  bool read_only_ = false;
  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> records_{0};
  std::atomic<uint64_t> synced_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> injected_{0};
};

} // namespace xarb::storage
