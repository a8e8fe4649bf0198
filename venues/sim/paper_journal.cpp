#include "venues/sim/paper_journal.hpp"

#include <type_traits>
#include <utility>

namespace xarb::sim {

namespace {

constexpr record_io::record_format format{"XARBPJN1", "paper journal", paper_journal::max_record};

enum record_type : uint8_t {
  rec_header = record_io::header_type,
  rec_accepted = 2,
  rec_fill = 3,
  rec_closed = 4,
  rec_funding = 5,
  rec_skipped = 6,
};

std::string header_payload(const std::string& venue_name) {
  return record_io::venue_header(paper_journal::version, venue_name);
}

/// The venue named by a record ("" for those that name none).
const std::string* venue_of(const paper_record& r) {
  return std::visit(
    [](const auto& x) -> const std::string* {
      using T = std::decay_t<decltype(x)>;
      if constexpr (std::is_same_v<T, paper_accepted> || std::is_same_v<T, funding_skipped>)
        return nullptr;
      else
        return &x.venue;
    },
    r);
}

std::string encode(const paper_record& rec) {
  record_io::byte_writer w;
  std::visit(
    [&w](const auto& x) {
      using T = std::decay_t<decltype(x)>;
      if constexpr (std::is_same_v<T, paper_accepted>) {
        const auto& o = x.order;
        w.u8(rec_accepted);
        w.u64(x.seq);
        w.str(o.client_id);
        w.str(o.venue_order_id);
        w.str(o.symbol);
        w.u8(static_cast<uint8_t>(o.sd));
        w.u8(static_cast<uint8_t>(o.tif));
        w.u8(o.reduce_only ? 1 : 0);
        w.i64(o.px.raw());
        w.i64(o.qty.raw());
        w.i64(o.created);
      } else if constexpr (std::is_same_v<T, order_fill>) {
        w.u8(rec_fill);
        w.str(x.client_id);
        w.str(x.venue_order_id);
        w.str(x.fill_id);
        w.str(x.symbol);
        w.u8(static_cast<uint8_t>(x.sd));
        w.i64(x.px.raw());
        w.i64(x.qty.raw());
        w.i64(x.leaves_qty.raw());
        w.i64(x.fee.raw());
        w.u8(static_cast<uint8_t>(x.liq));
        w.i64(x.ts);
      } else if constexpr (std::is_same_v<T, order_cancelled>) {
        w.u8(rec_closed);
        w.str(x.client_id);
        w.str(x.symbol);
        w.i64(x.cancelled_qty.raw());
        w.str(x.reason);
        w.i64(x.ts);
      } else if constexpr (std::is_same_v<T, funding_payment>) {
        w.u8(rec_funding);
        w.str(x.symbol);
        w.i64(x.position.raw());
        w.i64(x.mark.raw());
        w.i64(x.rate.raw());
        w.i64(x.amount.raw());
        w.i64(x.ts);
      } else {
        w.u8(rec_skipped);
        w.str(x.symbol);
        w.i64(x.due);
      }
    },
    rec);
  return std::move(w.buf);
}

} // namespace

timestamp_ns time_of(const paper_record& r) noexcept {
  return std::visit(
    [](const auto& x) -> timestamp_ns {
      using T = std::decay_t<decltype(x)>;
      if constexpr (std::is_same_v<T, paper_accepted>)
        return x.order.created;
      else if constexpr (std::is_same_v<T, funding_skipped>)
        return x.due;
      else
        return x.ts;
    },
    r);
}

paper_journal::paper_journal(std::string venue) : venue_(std::move(venue)) {}

paper_journal::~paper_journal() = default;

expected<std::unique_ptr<paper_journal>> paper_journal::open(const std::string& path,
                                                             const std::string& venue_name,
                                                             bool sync) {
  return open_impl(path, venue_name, sync, false);
}

expected<std::unique_ptr<paper_journal>> paper_journal::open_read_only(
  const std::string& path, const std::string& venue_name) {
  return open_impl(path, venue_name, false, true);
}

expected<std::unique_ptr<paper_journal>> paper_journal::open_impl(const std::string& path,
                                                                  const std::string& venue_name,
                                                                  bool sync, bool read_only) {
  if (venue_name.empty())
    return error_info{error_code::config_error, "paper journal " + path + ": empty venue name"};
  std::unique_ptr<paper_journal> j{new paper_journal(venue_name)};
  auto* raw = j.get();
  const auto visit = [raw, &path](std::string_view payload, std::size_t off) {
    return raw->parse_record(path, payload, off);
  };
  if (auto err = record_io::record_file::open(j->file_, path, format, sync, read_only, visit,
                                           header_payload(venue_name)))
    return err;
  return j;
}

error_info paper_journal::parse_record(const std::string& path, std::string_view payload,
                                       std::size_t off) {
  const auto damaged = [&](const std::string& what) {
    return record_io::record_file::damaged(format, path, off, what);
  };
  record_io::byte_reader r{payload};
  const uint8_t type = r.u8();
  if (auto err = record_io::check_venue_header(r, type, format, path, off, version, venue_,
                                               header_))
    return err;
  switch (type) {
  case rec_header:
    break;
  case rec_accepted: {
    paper_accepted a;
    a.seq = r.u64();
    auto& o = a.order;
    o.client_id = r.str();
    o.venue_order_id = r.str();
    o.symbol = r.str();
    o.sd = r.enumeration<side>(1);
    o.tif = r.enumeration<time_in_force>(2);
    o.reduce_only = r.enumeration<uint8_t>(1) != 0;
    o.px = price::from_raw(r.i64());
    o.qty = quantity::from_raw(r.i64());
    o.created = r.i64();
    records_.emplace_back(std::move(a));
    break;
  }
  case rec_fill: {
    order_fill f;
    f.client_id = r.str();
    f.venue_order_id = r.str();
    f.fill_id = r.str();
    f.venue = venue_;
    f.symbol = r.str();
    f.sd = r.enumeration<side>(1);
    f.px = price::from_raw(r.i64());
    f.qty = quantity::from_raw(r.i64());
    f.leaves_qty = quantity::from_raw(r.i64());
    f.fee = money::from_raw(r.i64());
    f.liq = r.enumeration<liquidity>(1);
    f.ts = r.i64();
    records_.emplace_back(std::move(f));
    break;
  }
  case rec_closed: {
    order_cancelled c;
    c.client_id = r.str();
    c.venue = venue_;
    c.symbol = r.str();
    c.cancelled_qty = quantity::from_raw(r.i64());
    c.reason = r.str();
    c.ts = r.i64();
    records_.emplace_back(std::move(c));
    break;
  }
  case rec_funding: {
    funding_payment p;
    p.venue = venue_;
    p.symbol = r.str();
    p.position = quantity::from_raw(r.i64());
    p.mark = price::from_raw(r.i64());
    p.rate = ratio::from_raw(r.i64());
    p.amount = money::from_raw(r.i64());
    p.ts = r.i64();
    records_.emplace_back(std::move(p));
    break;
  }
  case rec_skipped: {
    funding_skipped s;
    s.symbol = r.str();
    s.due = r.i64();
    records_.emplace_back(std::move(s));
    break;
  }
  default:
    return damaged("unknown record type " + std::to_string(type));
  }
  if (!r.done())
    return damaged("malformed record (type " + std::to_string(type) + ")");
  return {};
}

error_info paper_journal::append(const paper_record& r) {
  if (const auto* v = venue_of(r); v && *v != venue_)
    return {error_code::config_error, "paper journal " + path() + " of venue " + venue_
                                        + ": a record of venue '" + *v + "'"};
  if (auto err = file_.append_record(encode(r)))
    return err;
  records_.push_back(r);
  return {};
}

} // namespace xarb::sim
