#pragma once
// The crash-safe framing shared by the simulator's durable files (flow_log:
// a simulated venue's order flow; paper_journal: a paper account's outcomes).
//
//   file    := magic (8 bytes), record*
//   record  := u32 len, u32 ~len, u32 crc32(payload), payload (len bytes)
// Integers little-endian. ~len makes a damaged length detectable before it
// is trusted. One record is one write(2) on an O_APPEND descriptor (fdatasync
// after it when `sync`).
//
// Crash semantics: a torn last record (a prefix of a record, a zero-filled
// tail, or a complete-length last record with a bad CRC) is dropped and the
// file cut back to the last whole record. Damage anywhere before the tail is
// a parse_error naming the file and offset. Until a first record is whole the
// file counts as torn while being created: it is started afresh (magic and
// the owner's header record written again).
//
// Internal to venues/sim: the owners give the records their meaning.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/crc32.hpp"
#include "messages/error_code.hpp"

namespace xarb::sim {

namespace record_io {

/// Little-endian payload builder.
struct byte_writer {
  std::string buf;
  void u8(uint8_t v) { buf.push_back(static_cast<char>(v)); }
  void u32(uint32_t v);
  void u64(uint64_t v);
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void str(std::string_view s);
};

/// Bounds-checked reader over one payload; any overrun sets `ok` false and
/// yields zeros / empty strings from then on.
struct byte_reader {
  std::string_view b;
  std::size_t pos = 0;
  bool ok = true;

  bool need(std::size_t n) {
    ok = ok && b.size() - pos >= n;
    return ok;
  }
  uint8_t u8() { return need(1) ? static_cast<uint8_t>(b[pos++]) : 0; }
  uint32_t u32();
  uint64_t u64();
  int64_t i64() { return static_cast<int64_t>(u64()); }
  std::string str();
  /// An enum stored as u8, valid when <= max.
  template <class E>
  E enumeration(uint8_t max) {
    const uint8_t v = u8();
    ok = ok && v <= max;
    return static_cast<E>(v);
  }
  /// Every byte consumed and none overrun.
  bool done() const noexcept { return ok && pos == b.size(); }
};

/// What distinguishes one kind of file: its magic, its name in messages
/// ("flow log") and the largest payload it accepts (a larger length is damage).
struct record_format {
  std::string_view magic; ///< 8 bytes
  std::string_view label;
  uint32_t max_record = 1u << 20;
};

/// Both record files (flow log, paper journal) start with a header record:
/// type `header_type`, u32 version, the venue's name.
inline constexpr uint8_t header_type = 1;

/// The header record's payload.
std::string venue_header(uint32_t version, const std::string& venue);

/// The header rules, checked for every record once its type byte is read:
/// the first record is the header, there is only one, of `version`, naming
/// `venue` (config_error otherwise: the file belongs to another venue).
/// Reads the header's fields from `r` and sets `seen`.
error_info check_venue_header(byte_reader& r, uint8_t type, const record_format& fmt,
                              const std::string& path, std::size_t off, uint32_t version,
                              const std::string& venue, bool& seen);

/// One open record file. Move-only; closes (and so unlocks) on destruction.
class record_file {
public:
  static constexpr std::size_t frame_bytes = 12; // len, ~len, crc

  /// Called for every whole record in file order with its payload and the
  /// offset of its frame. An error stops the open and is returned as is.
  using visitor = std::function<error_info(std::string_view payload, std::size_t offset)>;

  record_file() = default;
  record_file(record_file&& other) noexcept;
  record_file& operator=(record_file&& other) noexcept;
  record_file(const record_file&) = delete;
  record_file& operator=(const record_file&) = delete;
  ~record_file();

  /// Opens `path` into `into`: creates it (and parent directories) when
  /// missing, locks it (flock, exclusive; io_error "locked" when another
  /// writer holds it), reads and visits every whole record, cuts a torn tail
  /// and writes magic + `header_payload` when no record was whole. Read-only:
  /// no lock, nothing created, cut or written; a torn tail is only counted.
  static error_info open(record_file& into, const std::string& path, const record_format& fmt,
                         bool sync, bool read_only, const visitor& visit,
                         std::string_view header_payload);

  /// "<label> <path>: <what> at offset <off>" as a parse_error.
  static error_info damaged(const record_format& fmt, const std::string& path, std::size_t off,
                            const std::string& what);

  /// Appends one record (one write(2)); on failure the file is cut back to its
  /// previous end and io_error returned. invalid_order when the payload exceeds
  /// max_record (nothing written).
  error_info append_record(std::string_view payload);

  const std::string& path() const noexcept { return path_; }
  uint64_t size_bytes() const noexcept { return size_; }
  std::size_t torn_bytes() const noexcept { return torn_bytes_; }
  bool read_only() const noexcept { return read_only_; }

private:
  error_info fail(error_code code, const std::string& what) const;
  error_info scan(std::string_view bytes, const visitor& visit, uint64_t& good_end) const;
  error_info write_all(std::string_view bytes);

  record_format fmt_;
  std::string path_;
  bool sync_ = false;
  bool read_only_ = true;
  int fd_ = -1;
  uint64_t size_ = 0;
  std::size_t torn_bytes_ = 0;
};

} // namespace record_io
} // namespace xarb::sim
