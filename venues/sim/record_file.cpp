#include "venues/sim/record_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace xarb::sim {

namespace {

uint32_t load_u32(std::string_view b, std::size_t at) {
  uint32_t v = 0;
  for (int k = 0; k < 4; ++k)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(b[at + k])) << (8 * k);
  return v;
}

std::string errno_text(int err) { return std::strerror(err); }

bool all_zero(std::string_view b) {
  return std::all_of(b.begin(), b.end(), [](char c) { return c == 0; });
}

void fsync_dir(const std::string& path) {
  const auto dir = std::filesystem::path{path}.parent_path();
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)::fsync(fd); // best effort: the file's own data is synced regardless
    ::close(fd);
  }
}

std::string framed(std::string_view payload) {
  record_io::byte_writer w;
  const auto len = static_cast<uint32_t>(payload.size());
  w.u32(len);
  w.u32(~len);
  w.u32(crc32(payload));
  w.buf += payload;
  return std::move(w.buf);
}

} // namespace

namespace record_io {

std::string venue_header(uint32_t version, const std::string& venue) {
  byte_writer w;
  w.u8(header_type);
  w.u32(version);
  w.str(venue);
  return std::move(w.buf);
}

error_info check_venue_header(byte_reader& r, uint8_t type, const record_format& fmt,
                              const std::string& path, std::size_t off, uint32_t version,
                              const std::string& venue, bool& seen) {
  if (!seen && type != header_type)
    return record_file::damaged(fmt, path, off, "first record is not the header");
  if (type != header_type)
    return {};
  if (seen)
    return record_file::damaged(fmt, path, off, "second header record");
  const uint32_t ver = r.u32();
  const std::string name = r.str();
  if (r.ok && ver != version)
    return record_file::damaged(fmt, path, off, "unsupported version " + std::to_string(ver));
  if (r.ok && name != venue)
    return error_info{error_code::config_error,
                      std::string{fmt.label} + " " + path + " belongs to venue '" + name
                        + "', not '" + venue + "' (header at offset " + std::to_string(off)
                        + ")"};
  seen = true;
  return {};
}

void byte_writer::u32(uint32_t v) {
  for (int k = 0; k < 4; ++k)
    buf.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}

void byte_writer::u64(uint64_t v) {
  for (int k = 0; k < 8; ++k)
    buf.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}

void byte_writer::str(std::string_view s) {
  u32(static_cast<uint32_t>(s.size()));
  buf.append(s);
}

uint32_t byte_reader::u32() {
  if (!need(4))
    return 0;
  const uint32_t v = load_u32(b, pos);
  pos += 4;
  return v;
}

uint64_t byte_reader::u64() {
  if (!need(8))
    return 0;
  uint64_t v = 0;
  for (int k = 0; k < 8; ++k)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(b[pos + k])) << (8 * k);
  pos += 8;
  return v;
}

std::string byte_reader::str() {
  const uint32_t n = u32();
  if (!need(n))
    return {};
  std::string s{b.substr(pos, n)};
  pos += n;
  return s;
}

record_file::record_file(record_file&& other) noexcept
  : fmt_(other.fmt_), path_(std::move(other.path_)), sync_(other.sync_),
    read_only_(other.read_only_), fd_(std::exchange(other.fd_, -1)), size_(other.size_),
    torn_bytes_(other.torn_bytes_) {}

record_file& record_file::operator=(record_file&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fmt_ = other.fmt_;
    path_ = std::move(other.path_);
    sync_ = other.sync_;
    read_only_ = other.read_only_;
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
    torn_bytes_ = other.torn_bytes_;
  }
  return *this;
}

record_file::~record_file() {
  if (fd_ >= 0)
    ::close(fd_);
}

error_info record_file::fail(error_code code, const std::string& what) const {
  return {code, std::string{fmt_.label} + " " + path_ + ": " + what};
}

error_info record_file::damaged(const record_format& fmt, const std::string& path,
                                std::size_t off, const std::string& what) {
  return {error_code::parse_error, std::string{fmt.label} + " " + path + ": " + what
                                     + " at offset " + std::to_string(off)};
}

error_info record_file::open(record_file& into, const std::string& path,
                             const record_format& fmt, bool sync, bool read_only,
                             const visitor& visit, std::string_view header_payload) {
  record_file f;
  f.fmt_ = fmt;
  f.path_ = path;
  f.sync_ = sync;
  f.read_only_ = read_only;
  std::error_code ec;
  const std::filesystem::path p{path};
  if (!read_only && p.has_parent_path()) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec)
      return f.fail(error_code::io_error, "cannot create directory "
                                            + p.parent_path().string() + ": " + ec.message());
  }
  f.fd_ = read_only ? ::open(path.c_str(), O_RDONLY | O_CLOEXEC)
                    : ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (f.fd_ < 0)
    return f.fail(error_code::io_error, "cannot open: " + errno_text(errno));
  // Released by the kernel when the holder dies, so a kill -9 never leaves
  // a stale lock behind.
  if (!read_only && ::flock(f.fd_, LOCK_EX | LOCK_NB) != 0)
    return f.fail(error_code::io_error, errno == EWOULDBLOCK
                                          ? "in use by another writer (locked)"
                                          : "cannot lock: " + errno_text(errno));
  struct stat st {};
  if (::fstat(f.fd_, &st) != 0)
    return f.fail(error_code::io_error, "cannot stat: " + errno_text(errno));
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::pread(f.fd_, bytes.data() + got, bytes.size() - got,
                              static_cast<off_t>(got));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return f.fail(error_code::io_error, "cannot read at offset " + std::to_string(got) + ": "
                                            + (n < 0 ? errno_text(errno) : "unexpected end"));
    got += static_cast<std::size_t>(n);
  }

  uint64_t good = 0;
  if (auto err = f.scan(bytes, visit, good))
    return err;
  if (read_only) {
    f.torn_bytes_ = bytes.size() - good;
    f.size_ = bytes.size();
    into = std::move(f);
    return {};
  }
  if (good < bytes.size()) {
    f.torn_bytes_ = bytes.size() - good;
    if (::ftruncate(f.fd_, static_cast<off_t>(good)) != 0)
      return f.fail(error_code::io_error, "cannot cut the torn tail at offset "
                                            + std::to_string(good) + ": " + errno_text(errno));
  }
  f.size_ = good;
  if (good == 0) { // new, or torn before its first record was whole
    std::string head{fmt.magic};
    head += framed(header_payload);
    if (auto err = f.write_all(head))
      return err;
    if (sync)
      fsync_dir(path);
  } else if (sync && f.torn_bytes_ > 0 && ::fdatasync(f.fd_) != 0) {
    return f.fail(error_code::io_error, "cannot sync: " + errno_text(errno));
  }
  into = std::move(f);
  return {};
}

error_info record_file::scan(std::string_view b, const visitor& visit, uint64_t& good_end) const {
  const auto damaged_at = [&](std::size_t off, const std::string& what) {
    return damaged(fmt_, path_, off, what);
  };
  good_end = 0;
  if (b.empty())
    return {};
  const std::string_view magic = fmt_.magic;
  const std::size_t m = std::min(b.size(), magic.size());
  if (b.substr(0, m) != magic.substr(0, m))
    return damaged_at(0, "bad magic (not a " + std::string{fmt_.label} + ")");
  if (b.size() < magic.size())
    return {}; // torn while being created
  std::size_t off = magic.size();
  bool any = false;
  uint64_t good = off;
  while (off < b.size()) {
    const std::size_t rem = b.size() - off;
    if (rem < frame_bytes)
      break; // torn inside the frame
    const uint32_t len = load_u32(b, off);
    const uint32_t check = load_u32(b, off + 4);
    const uint32_t crc = load_u32(b, off + 8);
    if (len != ~check) {
      if (all_zero(b.substr(off)))
        break; // zero-filled tail: torn by a crash of the machine
      return damaged_at(off, "damaged record length");
    }
    if (len == 0 || len > fmt_.max_record)
      return damaged_at(off, "bad record length " + std::to_string(len));
    if (rem - frame_bytes < len)
      break; // torn inside the payload
    const std::string_view payload = b.substr(off + frame_bytes, len);
    if (crc32(payload) != crc) {
      if (off + frame_bytes + len == b.size())
        break; // the last record, damaged while being written
      return damaged_at(off, "CRC mismatch in record");
    }
    if (auto err = visit(payload, off))
      return err;
    any = true;
    off += frame_bytes + len;
    good = off;
  }
  // Without a whole first (header) record nothing else can be whole either.
  good_end = any ? good : 0;
  return {};
}

error_info record_file::append_record(std::string_view payload) {
  if (payload.size() > fmt_.max_record)
    return fail(error_code::invalid_order, "record too large");
  return write_all(framed(payload));
}

error_info record_file::write_all(std::string_view bytes) {
  if (read_only_ || fd_ < 0)
    return fail(error_code::io_error, "opened read-only");
  const uint64_t before = size_;
  std::size_t done = 0;
  int err = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      err = n < 0 ? errno : EIO;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (err == 0 && sync_ && ::fdatasync(fd_) != 0)
    err = errno;
  if (err != 0) {
    // Cut back what may have reached the file: the caller will not apply it.
    (void)::ftruncate(fd_, static_cast<off_t>(before));
    return fail(error_code::io_error, "write at offset " + std::to_string(before)
                                        + " failed: " + errno_text(err));
  }
  size_ += bytes.size();
  return {};
}

} // namespace record_io
} // namespace xarb::sim
