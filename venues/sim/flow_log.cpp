#include "venues/sim/flow_log.hpp"

#include <stdexcept>
#include <utility>

#include "venues/sim/sim_venue.hpp"

namespace xarb::sim {

namespace {

constexpr record_io::record_format format{"XARBFLW1", "flow log", flow_log::max_record};

enum record_type : uint8_t {
  rec_header = record_io::header_type,
  rec_start = 2,
  rec_submit = 3,
  rec_cancel = 4,
};

std::string header_payload(const std::string& venue_name) {
  return record_io::venue_header(flow_log::version, venue_name);
}

} // namespace

flow_log::flow_log(std::string path, std::string venue)
  : path_(std::move(path)), venue_(std::move(venue)) {}

flow_log::~flow_log() = default;

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
  if (venue_name.empty())
    return error_info{error_code::config_error, "flow log " + path + ": empty venue name"};
  std::unique_ptr<flow_log> log{new flow_log(path, venue_name)};
  auto* raw = log.get();
  const auto visit = [raw](std::string_view payload, std::size_t off) {
    return raw->parse_record(payload, off);
  };
  if (auto err = record_io::record_file::open(log->file_, path, format, sync, read_only, visit,
                                           header_payload(venue_name)))
    return err;
  return log;
}

error_info flow_log::parse_record(std::string_view payload, std::size_t off) {
  const auto damaged = [&](const std::string& what) {
    return record_io::record_file::damaged(format, path_, off, what);
  };
  record_io::byte_reader r{payload};
  const uint8_t type = r.u8();
  if (auto err = record_io::check_venue_header(r, type, format, path_, off, version, venue_,
                                               header_))
    return err;
  switch (type) {
  case rec_header:
    break;
  case rec_start: {
    if (has_start_)
      return damaged("second start record");
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
    return damaged("unknown record type " + std::to_string(type));
  }
  if (!r.done())
    return damaged("malformed record (type " + std::to_string(type) + ")");
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
  record_io::byte_writer w;
  w.u8(rec_start);
  w.i64(world_t0);
  w.i64(venue_at);
  if (auto err = file_.append_record(w.buf))
    return err;
  has_start_ = true;
  world_start_ = world_t0;
  venue_start_ = venue_at;
  start_index_ = records_.size();
  return {};
}

error_info flow_log::append_submit(const order_intent& o, timestamp_ns now) {
  record_io::byte_writer w;
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
  record_io::byte_writer w;
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
  if (auto err = file_.append_record(payload))
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
