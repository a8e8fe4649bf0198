#include "venues/paradex/sbe.hpp"

#include <algorithm>

namespace xarb::venues::paradex_sbe {
namespace {

/// Little-endian writer into a std::string frame.
class writer {
public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) {
    u8(static_cast<uint8_t>(v & 0xFF));
    u8(static_cast<uint8_t>(v >> 8));
  }
  void i64(int64_t v) {
    uint64_t u = 0;
    std::memcpy(&u, &v, sizeof u);
    for (int i = 0; i < 8; ++i)
      u8(static_cast<uint8_t>(u >> (8 * i)));
  }
  void header(uint16_t block, tmpl t, uint16_t version) {
    u16(block);
    u16(static_cast<uint16_t>(t));
    u16(schema_id);
    u16(version);
  }
  /// Zero-fills the fixed block up to `block` bytes after the header.
  void pad_block(uint16_t block) {
    const std::size_t want = 8 + static_cast<std::size_t>(block);
    if (out_.size() < want)
      out_.resize(want, '\0');
  }
  void str(std::string_view s) {
    const auto n = std::min<std::size_t>(s.size(), 255);
    u8(static_cast<uint8_t>(n));
    out_.append(s.data(), n);
  }
  std::string take() { return std::move(out_); }

private:
  std::string out_;
};

int64_t us(timestamp_ns t) { return t / 1000; }

void group(writer& w, const std::vector<book_level>& v) {
  const auto n = std::min<std::size_t>(v.size(), 0xFFFF);
  w.u16(16);
  w.u16(static_cast<uint16_t>(n));
  for (std::size_t i = 0; i < n; ++i) {
    w.i64(to_f8(v[i].px));
    w.i64(to_f8(v[i].qty));
  }
}

} // namespace

std::string encode_book(std::string_view market, uint64_t seq, timestamp_ns ts, bool snapshot,
                        const std::vector<book_level>& bids, const std::vector<book_level>& asks,
                        uint16_t version) {
  writer w;
  w.header(book_block, tmpl::book, version);
  w.i64(us(ts));
  w.i64(static_cast<int64_t>(seq));
  w.u8(snapshot ? 0 : 1);
  const bool b = !bids.empty(), a = !asks.empty();
  w.i64(b ? to_f8(bids[0].px) : null_i64);
  w.i64(b ? to_f8(bids[0].qty) : null_i64);
  w.i64(a ? to_f8(asks[0].px) : null_i64);
  w.i64(a ? to_f8(asks[0].qty) : null_i64);
  w.i64(null_i64); // relative spread
  w.i64(b ? to_f8(bids[0].px) : null_i64); // best "API" (non-RPI) levels: the same here
  w.i64(b ? to_f8(bids[0].qty) : null_i64);
  w.i64(a ? to_f8(asks[0].px) : null_i64);
  w.i64(a ? to_f8(asks[0].qty) : null_i64);
  w.pad_block(book_block);
  group(w, bids);
  group(w, asks);
  w.str(market);
  return w.take();
}

std::string encode_bbo(std::string_view market, uint64_t seq, timestamp_ns ts,
                       const book_level& bid, const book_level& ask, uint16_t version) {
  writer w;
  w.header(bbo_block, tmpl::bbo, version);
  w.i64(us(ts));
  w.i64(static_cast<int64_t>(seq));
  const bool b = bid.qty.is_positive(), a = ask.qty.is_positive();
  w.i64(b ? to_f8(bid.px) : null_i64);
  w.i64(b ? to_f8(bid.qty) : null_i64);
  w.i64(a ? to_f8(ask.px) : null_i64);
  w.i64(a ? to_f8(ask.qty) : null_i64);
  w.pad_block(bbo_block);
  w.str(market);
  return w.take();
}

std::string encode_funding(std::string_view market, uint64_t seq, timestamp_ns ts, ratio rate,
                           ratio rate_8h, int16_t period_hours, uint16_t version) {
  writer w;
  const uint16_t block = funding_block(version);
  w.header(block, tmpl::funding_data, version);
  w.i64(us(ts));
  w.i64(static_cast<int64_t>(seq));
  w.i64(to_f8(rate));
  w.i64(0); // funding index
  w.i64(us(ts)); // created_at
  w.i64(0); // premium
  w.i64(to_f8(rate_8h));
  w.u16(static_cast<uint16_t>(period_hours));
  if (version >= 1)
    w.i64(null_i64); // impact premium rate
  w.pad_block(block);
  w.str(market);
  return w.take();
}

std::string encode_summary(std::string_view market, uint64_t seq, timestamp_ns ts, price mark,
                           price index, ratio funding_rate, uint16_t version) {
  writer w;
  const uint16_t block = summary_block(version);
  w.header(block, tmpl::market_summary, version);
  w.i64(us(ts));
  w.i64(static_cast<int64_t>(seq));
  w.i64(to_f8(mark));
  w.i64(to_f8(index));
  w.i64(to_f8(mark)); // last price
  w.i64(0);           // 24 h volume
  w.i64(0);           // open interest
  w.i64(to_f8(funding_rate));
  w.i64(null_i64);    // bid
  w.i64(null_i64);    // ask
  w.i64(0);           // total volume
  w.i64(0);           // 24 h change
  for (int i = 0; i < 11; ++i)
    w.i64(null_i64);  // option greeks and implied vols
  w.i64(null_i64);    // future funding rate
  w.i64(null_i64);    // external fair price
  w.i64(null_i64);    // bid size
  w.i64(null_i64);    // ask size
  if (version >= 1) {
    w.i64(null_i64);  // forward rate
    w.i64(null_i64);  // risk-free rate
    // funding_rate_precise, f12.
    constexpr int64_t lim = std::numeric_limits<int64_t>::max() / 1000;
    const int64_t r = funding_rate.raw();
    w.i64(r > lim || r < -lim ? null_i64 : r * 1000);
  }
  w.pad_block(block);
  w.str(market);
  return w.take();
}

std::string encode_heartbeat(uint64_t seq, timestamp_ns ts, uint16_t version) {
  writer w;
  w.header(heartbeat_block, tmpl::heartbeat, version);
  w.i64(us(ts));
  w.i64(static_cast<int64_t>(seq));
  return w.take();
}

} // namespace xarb::venues::paradex_sbe
