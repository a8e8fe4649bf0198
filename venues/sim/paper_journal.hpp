#pragma once
// The durable outcomes of one paper account on a real venue (issue 9), so a
// restart of xarb finds its positions, open orders, fills and funding again,
// as a real venue keeps them.
//
// A simulated venue stores its order flow and replays it (flow_log.hpp);
// that cannot work here: paper fills depend on the live book at the time.
// So the journal keeps what the paper exchange DID, every event that changed
// the account, in order: orders as acknowledged, fills exactly as emitted,
// closes (cancel, IOC/market remainder, reduce-only, expiry), funding
// settlements (and funding times passed with nothing booked, so they are
// never settled again). Rejects change nothing and are not kept; neither
// are the instrument rules (they come from the venue's listing again).
// paper_exchange::restore() re-applies the records.
//
// File format (version 1), framing and crash semantics of record_file.hpp
// (torn tail dropped and cut, damage before it an error), integers
// little-endian; every venue field is the header's venue:
//   file    := magic "XARBPJN1" (8 bytes), record*
//   record  := u32 len, u32 ~len, u32 crc32(payload), payload (len bytes)
//   payload := u8 type, then by type:
//     1 header   : u32 version (=1), str venue_name            (always first)
//     2 accepted : u64 seq, str client_id, str venue_order_id, str symbol,
//                  u8 side, u8 time_in_force, u8 reduce_only, i64 px, i64 qty,
//                  i64 created
//     3 fill     : str client_id, str venue_order_id, str fill_id, str symbol,
//                  u8 side, i64 px, i64 qty, i64 leaves_qty, i64 fee,
//                  u8 liquidity, i64 ts
//     4 closed   : str client_id, str symbol, i64 cancelled_qty, str reason, i64 ts
//     5 funding  : str symbol, i64 position, i64 mark, i64 rate, i64 amount, i64 ts
//     6 skipped  : str symbol, i64 due
//   str     := u32 length, bytes;  decimals are their raw nanos.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "messages/expected.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"
#include "venues/sim/matching_engine.hpp"
#include "venues/sim/record_file.hpp"

namespace xarb::sim {

/// An order as the venue acknowledged it: its record at the ack (open,
/// nothing filled) and its arrival number (venue order id "<venue>-o<seq>").
struct paper_accepted {
  order_record order;
  uint64_t seq = 0;
  friend bool operator==(const paper_accepted&, const paper_accepted&) = default;
};

/// A funding time that passed with nothing booked (flat, or no price to
/// settle at): after a restart it is not settled again.
struct funding_skipped {
  std::string symbol;
  timestamp_ns due = 0;
  friend bool operator==(const funding_skipped&, const funding_skipped&) = default;
};

/// One account-changing event of a paper exchange.
using paper_record =
  std::variant<paper_accepted, order_fill, order_cancelled, funding_payment, funding_skipped>;

/// Exchange time of a record (ack, fill, close, settlement or due time).
timestamp_ns time_of(const paper_record& r) noexcept;

class paper_journal {
public:
  static constexpr uint32_t version = 1;
  /// Upper bound of one record's payload; a larger length is damage.
  static constexpr uint32_t max_record = 1u << 20;

  /// Opens (creating if missing, with parent directories) the journal at
  /// `path` of venue `venue_name`'s paper account and reads every record. A
  /// torn last record is dropped (torn_bytes(), file cut to the last whole
  /// record). Anything else unreadable (bad magic, damage before the tail,
  /// another venue's journal) -> error naming the file and offset; never
  /// throws for bad files. Locked (flock) while open: a second writer gets
  /// io_error. `sync`: fdatasync after every record.
  static expected<std::unique_ptr<paper_journal>> open(const std::string& path,
                                                       const std::string& venue_name,
                                                       bool sync = false);
  /// Reads a journal that may be in use: no lock, nothing created, cut or
  /// written (a torn tail is only counted); append() returns io_error.
  static expected<std::unique_ptr<paper_journal>> open_read_only(const std::string& path,
                                                                 const std::string& venue_name);

  ~paper_journal();
  paper_journal(const paper_journal&) = delete;
  paper_journal& operator=(const paper_journal&) = delete;

  /// Appends one record (one write(2), O_APPEND) and keeps it in records().
  /// config_error for a record of another venue; io_error if the write fails
  /// (the file is cut back: the record is not in the journal).
  error_info append(const paper_record& r);

  /// Every record, in journal order (read at open, then appended).
  const std::vector<paper_record>& records() const noexcept { return records_; }
  const std::string& venue_name() const noexcept { return venue_; }
  const std::string& path() const noexcept { return file_.path(); }
  std::size_t torn_bytes() const noexcept { return file_.torn_bytes(); }
  uint64_t size_bytes() const noexcept { return file_.size_bytes(); }
  bool read_only() const noexcept { return file_.read_only(); }

private:
  explicit paper_journal(std::string venue);
  static expected<std::unique_ptr<paper_journal>> open_impl(const std::string& path,
                                                            const std::string& venue_name,
                                                            bool sync, bool read_only);
  error_info parse_record(const std::string& path, std::string_view payload, std::size_t off);

  std::string venue_;
  record_io::record_file file_;
  bool header_ = false;
  std::vector<paper_record> records_;
};

} // namespace xarb::sim
