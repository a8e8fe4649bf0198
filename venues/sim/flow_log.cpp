#include "venues/sim/flow_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "venues/sim/sim_venue.hpp"

namespace xarb::sim {

namespace {

constexpr std::string_view magic{"XARBFLW1", 8};
constexpr std::size_t frame_bytes = 12; // len, ~len, crc

enum record_type : uint8_t { rec_header = 1, rec_start = 2, rec_submit = 3, rec_cancel = 4 };

constexpr std::array<uint32_t, 256> crc_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

constexpr auto crc_lut = crc_table();

struct writer {
  std::string buf;
  void u8(uint8_t v) { buf.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) {
    for (int k = 0; k < 4; ++k)
      buf.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
  }
  void i64(int64_t v) {
    const auto u = static_cast<uint64_t>(v);
    for (int k = 0; k < 8; ++k)
      buf.push_back(static_cast<char>((u >> (8 * k)) & 0xFF));
  }
  void str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    buf.append(s);
  }
};

uint32_t load_u32(std::string_view b, std::size_t at) {
  uint32_t v = 0;
  for (int k = 0; k < 4; ++k)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(b[at + k])) << (8 * k);
  return v;
}

/// Bounds-checked reader over one payload; any overrun sets `ok` false.
struct reader {
  std::string_view b;
  std::size_t pos = 0;
  bool ok = true;

  bool need(std::size_t n) {
    ok = ok && b.size() - pos >= n;
    return ok;
  }
  uint8_t u8() { return need(1) ? static_cast<uint8_t>(b[pos++]) : 0; }
  uint32_t u32() {
    if (!need(4))
      return 0;
    const uint32_t v = load_u32(b, pos);
    pos += 4;
    return v;
  }
  int64_t i64() {
    if (!need(8))
      return 0;
    uint64_t v = 0;
    for (int k = 0; k < 8; ++k)
      v |= static_cast<uint64_t>(static_cast<unsigned char>(b[pos + k])) << (8 * k);
    pos += 8;
    return static_cast<int64_t>(v);
  }
  std::string str() {
    const uint32_t n = u32();
    if (!need(n))
      return {};
    std::string s{b.substr(pos, n)};
    pos += n;
    return s;
  }
  /// An enum stored as u8, valid when <= max.
  template <class E>
  E enumeration(uint8_t max) {
    const uint8_t v = u8();
    ok = ok && v <= max;
    return static_cast<E>(v);
  }
};

std::string framed(const std::string& payload) {
  writer w;
  const auto len = static_cast<uint32_t>(payload.size());
  w.u32(len);
  w.u32(~len);
  w.u32(crc32(payload));
  w.buf += payload;
  return std::move(w.buf);
}

std::string header_payload(const std::string& venue_name) {
  writer w;
  w.u8(rec_header);
  w.u32(flow_log::version);
  w.str(venue_name);
  return std::move(w.buf);
}

std::string errno_text(int err) { return std::strerror(err); }

bool all_zero(std::string_view b) {
  for (char c : b)
    if (c != 0)
      return false;
  return true;
}

void fsync_dir(const std::string& path) {
  const auto dir = std::filesystem::path{path}.parent_path();
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)::fsync(fd); // best effort: the file's own data is synced regardless
    ::close(fd);
  }
}

} // namespace

uint32_t crc32(std::string_view bytes) noexcept {
  uint32_t c = 0xFFFFFFFFu;
  for (char ch : bytes)
    c = crc_lut[(c ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

flow_log::flow_log(std::string path, std::string venue, bool sync)
  : path_(std::move(path)), venue_(std::move(venue)), sync_(sync) {}

flow_log::~flow_log() {
  if (fd_ >= 0)
    ::close(fd_);
}

expected<std::unique_ptr<flow_log>> flow_log::open(const std::string& path,
                                                   const std::string& venue_name, bool sync) {
  return open_impl(path, venue_name, sync, false);
}

expected<std::unique_ptr<flow_log>> flow_log::open_read_only(const std::string& path,
                                                             const std::string& venue_name) {
  return open_impl(path, venue_name, false, true);
}

expected<std::unique_ptr<flow_log>> flow_log::open_impl(const std::string& path,
                                                        const std::string& venue_name,
                                                        bool sync, bool read_only) {
  const auto fail = [&](error_code code, const std::string& what) {
    return error_info{code, "flow log " + path + ": " + what};
  };
  if (venue_name.empty())
    return fail(error_code::config_error, "empty venue name");
  std::error_code ec;
  const std::filesystem::path p{path};
  if (!read_only && p.has_parent_path()) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec)
      return fail(error_code::io_error, "cannot create directory " + p.parent_path().string()
                                          + ": " + ec.message());
  }
  std::unique_ptr<flow_log> log{new flow_log(path, venue_name, sync)};
  log->read_only_ = read_only;
  log->fd_ = read_only ? ::open(path.c_str(), O_RDONLY | O_CLOEXEC)
                       : ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log->fd_ < 0)
    return fail(error_code::io_error, "cannot open: " + errno_text(errno));
  // Released by the kernel when the holder dies, so a kill -9 never leaves
  // a stale lock behind.
  if (!read_only && ::flock(log->fd_, LOCK_EX | LOCK_NB) != 0)
    return fail(error_code::io_error, errno == EWOULDBLOCK
                                        ? "in use by another writer (locked)"
                                        : "cannot lock: " + errno_text(errno));
  struct stat st {};
  if (::fstat(log->fd_, &st) != 0)
    return fail(error_code::io_error, "cannot stat: " + errno_text(errno));
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::pread(log->fd_, bytes.data() + got, bytes.size() - got,
                              static_cast<off_t>(got));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return fail(error_code::io_error, "cannot read at offset " + std::to_string(got) + ": "
                                          + (n < 0 ? errno_text(errno) : "unexpected end"));
    got += static_cast<std::size_t>(n);
  }

  uint64_t good = 0;
  if (auto err = log->parse(bytes, good))
    return err;
  if (read_only) {
    log->torn_bytes_ = bytes.size() - good;
    log->size_ = bytes.size();
    return log;
  }
  if (good < bytes.size()) {
    log->torn_bytes_ = bytes.size() - good;
    if (::ftruncate(log->fd_, static_cast<off_t>(good)) != 0)
      return fail(error_code::io_error, "cannot cut the torn tail at offset "
                                          + std::to_string(good) + ": " + errno_text(errno));
  }
  log->size_ = good;
  if (good == 0) { // new, or torn before its header was whole
    std::string head{magic};
    head += framed(header_payload(venue_name));
    if (auto err = log->append(head))
      return err;
    if (sync)
      fsync_dir(path);
  } else if (sync && log->torn_bytes_ > 0 && ::fdatasync(log->fd_) != 0) {
    return fail(error_code::io_error, "cannot sync: " + errno_text(errno));
  }
  return log;
}

error_info flow_log::parse(const std::string& bytes, uint64_t& good_end) {
  const auto damaged = [&](std::size_t off, const std::string& what) {
    return error_info{error_code::parse_error,
                      "flow log " + path_ + ": " + what + " at offset " + std::to_string(off)};
  };
  good_end = 0;
  const std::string_view b{bytes};
  if (b.empty())
    return {};
  const std::size_t m = std::min(b.size(), magic.size());
  if (b.substr(0, m) != magic.substr(0, m))
    return damaged(0, "bad magic (not a flow log)");
  if (b.size() < magic.size())
    return {}; // torn while being created
  std::size_t off = magic.size();
  bool header = false;
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
      return damaged(off, "damaged record length");
    }
    if (len == 0 || len > max_record)
      return damaged(off, "bad record length " + std::to_string(len));
    if (rem - frame_bytes < len)
      break; // torn inside the payload
    const std::string_view payload = b.substr(off + frame_bytes, len);
    if (crc32(payload) != crc) {
      if (off + frame_bytes + len == b.size())
        break; // the last record, damaged while being written
      return damaged(off, "CRC mismatch in record");
    }

    reader r{payload};
    const uint8_t type = r.u8();
    if (!header && type != rec_header)
      return damaged(off, "first record is not the header");
    switch (type) {
    case rec_header: {
      if (header)
        return damaged(off, "second header record");
      const uint32_t ver = r.u32();
      const std::string name = r.str();
      if (r.ok && ver != version)
        return damaged(off, "unsupported version " + std::to_string(ver));
      if (r.ok && name != venue_)
        return error_info{error_code::config_error,
                          "flow log " + path_ + " belongs to venue '" + name + "', not '"
                            + venue_ + "' (header at offset " + std::to_string(off) + ")"};
      header = true;
      break;
    }
    case rec_start: {
      if (has_start_)
        return damaged(off, "second start record");
      world_start_ = r.i64();
      venue_start_ = r.i64();
      has_start_ = true;
      start_index_ = records_.size();
      break;
    }
    case rec_submit: {
      flow_record rec;
      rec.k = flow_record::kind::submit;
      rec.now = r.i64();
      auto& o = rec.order;
      o.client_id = r.str();
      o.venue = r.str();
      o.symbol = r.str();
      o.sd = r.enumeration<side>(1);
      o.type = r.enumeration<order_type>(1);
      o.tif = r.enumeration<time_in_force>(2);
      o.px = price::from_raw(r.i64());
      o.qty = quantity::from_raw(r.i64());
      o.reduce_only = r.enumeration<uint8_t>(1) != 0;
      o.ts = r.i64();
      records_.push_back(std::move(rec));
      break;
    }
    case rec_cancel: {
      flow_record rec;
      rec.k = flow_record::kind::cancel;
      rec.now = r.i64();
      rec.cancel.client_id = r.str();
      rec.cancel.venue = r.str();
      rec.cancel.symbol = r.str();
      rec.cancel.ts = r.i64();
      records_.push_back(std::move(rec));
      break;
    }
    default:
      return damaged(off, "unknown record type " + std::to_string(type));
    }
    if (!r.ok || r.pos != payload.size())
      return damaged(off, "malformed record (type " + std::to_string(type) + ")");
    off += frame_bytes + len;
    good = off;
  }
  // Without a whole header nothing else can be whole either: start afresh.
  good_end = header ? good : 0;
  return {};
}

error_info flow_log::append(const std::string& bytes) {
  if (read_only_)
    return {error_code::io_error, "flow log " + path_ + ": opened read-only"};
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
    return {error_code::io_error, "flow log " + path_ + ": write at offset "
                                    + std::to_string(before) + " failed: " + errno_text(err)};
  }
  size_ += bytes.size();
  return {};
}

error_info flow_log::set_start(timestamp_ns world_t0, timestamp_ns venue_at) {
  if (has_start_) {
    if (world_t0 == world_start_ && venue_at == venue_start_)
      return {};
    return {error_code::config_error,
            "flow log " + path_ + ": start already recorded as world " + std::to_string(world_start_)
              + ", venue " + std::to_string(venue_start_) + "; got world "
              + std::to_string(world_t0) + ", venue " + std::to_string(venue_at)};
  }
  if (venue_at <= 0 || world_t0 < 0 || world_t0 > venue_at)
    return {error_code::config_error, "flow log " + path_ + ": invalid start (world "
                                        + std::to_string(world_t0) + ", venue "
                                        + std::to_string(venue_at) + ")"};
  writer w;
  w.u8(rec_start);
  w.i64(world_t0);
  w.i64(venue_at);
  if (auto err = append(framed(w.buf)))
    return err;
  has_start_ = true;
  world_start_ = world_t0;
  venue_start_ = venue_at;
  start_index_ = records_.size();
  return {};
}

error_info flow_log::append_submit(const order_intent& o, timestamp_ns now) {
  writer w;
  w.u8(rec_submit);
  w.i64(now);
  w.str(o.client_id);
  w.str(o.venue);
  w.str(o.symbol);
  w.u8(static_cast<uint8_t>(o.sd));
  w.u8(static_cast<uint8_t>(o.type));
  w.u8(static_cast<uint8_t>(o.tif));
  w.i64(o.px.raw());
  w.i64(o.qty.raw());
  w.u8(o.reduce_only ? 1 : 0);
  w.i64(o.ts);
  flow_record rec;
  rec.k = flow_record::kind::submit;
  rec.now = now;
  rec.order = o;
  return commit(w.buf, std::move(rec));
}

error_info flow_log::append_cancel(const cancel_request& c, timestamp_ns now) {
  writer w;
  w.u8(rec_cancel);
  w.i64(now);
  w.str(c.client_id);
  w.str(c.venue);
  w.str(c.symbol);
  w.i64(c.ts);
  flow_record rec;
  rec.k = flow_record::kind::cancel;
  rec.now = now;
  rec.cancel = c;
  return commit(w.buf, std::move(rec));
}

error_info flow_log::commit(const std::string& payload, flow_record rec) {
  if (payload.size() > max_record)
    return {error_code::invalid_order, "flow log " + path_ + ": request record too large"};
  if (auto err = append(framed(payload)))
    return err;
  records_.push_back(std::move(rec));
  return {};
}

void flow_log::replay(venue& v, std::vector<event>* out) const {
  const std::string what = "flow log " + path_ + " replay into venue " + v.name() + ": ";
  if (v.started())
    throw std::invalid_argument(what + "the venue is started already");
  if (v.name() != venue_)
    throw std::invalid_argument(what + "the log is venue " + venue_ + "'s");
  if (v.world_start() != world_start_)
    throw std::invalid_argument(what + "world start_ts " + std::to_string(v.world_start())
                                + " differs from the logged " + std::to_string(world_start_));
  std::vector<event> scratch;
  auto& sink = out != nullptr ? *out : scratch;
  for (std::size_t k = 0; k < records_.size(); ++k) {
    const auto& r = records_[k];
    // The original started before this request if set_start came first, or
    // if its time is past the world start (then this request, or an advance
    // before it, started it at venue_start).
    if (!v.started() && has_start_ && (k >= start_index_ || r.now >= world_start_))
      v.start_at(venue_start_);
    if (out == nullptr)
      scratch.clear();
    v.advance(r.now, sink); // changes nothing but what has been released
    if (r.k == flow_record::kind::submit)
      v.submit(r.order, r.now, sink);
    else
      v.cancel(r.cancel, r.now, sink);
  }
  if (has_start_) {
    v.start_at(venue_start_);
    if (v.started_at() != venue_start_)
      throw std::runtime_error(what + "the venue started at " + std::to_string(v.started_at())
                               + ", the log says " + std::to_string(venue_start_));
  }
}

} // namespace xarb::sim
