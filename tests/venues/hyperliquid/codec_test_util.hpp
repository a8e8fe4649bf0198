#pragma once
// Test helpers shared by the Hyperliquid, Paradex and Lighter codec tests: a
// recording md_handler, a small fake market_view for the mock protocols,
// the recorded-mock-frames file reader and the never-crash sweep.

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <new>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "venues/common/md_codec.hpp"
#include "venues/mock/venue_protocol.hpp"

namespace xarb::test {

inline price px(const char* s) { return price::from_string(s).value(); }
inline quantity qty(const char* s) { return quantity::from_string(s).value(); }
inline ratio rt(const char* s) { return ratio::from_string(s).value(); }
inline book_level lvl(const char* p, const char* q) { return {px(p), qty(q)}; }

/// Records everything a codec hands out.
struct recorder final : venues::md_handler {
  std::vector<book_snapshot> snaps;
  std::vector<std::pair<book_delta, std::optional<int32_t>>> deltas;
  std::vector<top_of_book> tops;
  std::vector<venues::mark_update> marks;
  void on_snapshot(const book_snapshot& s) override { snaps.push_back(s); }
  void on_delta(const book_delta& d, std::optional<int32_t> c) override {
    deltas.emplace_back(d, c);
  }
  void on_top(const top_of_book& t) override { tops.push_back(t); }
  void on_mark(const venues::mark_update& m) override { marks.push_back(m); }
  std::size_t count() const { return snaps.size() + deltas.size() + tops.size() + marks.size(); }
  void clear() {
    snaps.clear();
    deltas.clear();
    tops.clear();
    marks.clear();
  }
};

/// Counts what a codec hands out without copying (allocation checks).
struct null_handler final : venues::md_handler {
  std::size_t n = 0;
  void on_snapshot(const book_snapshot&) override { ++n; }
  void on_delta(const book_delta&, std::optional<int32_t>) override { ++n; }
  void on_top(const top_of_book&) override { ++n; }
  void on_mark(const venues::mark_update&) override { ++n; }
};

/// Heap allocations counted while `counting` is set (operator new below,
/// compiled into the one test file that defines XARB_COUNT_ALLOCATIONS).
inline long allocations = 0;
inline bool counting = false;

/// Allocations made by decoding `frame` again once the codec is warm.
inline long warm_allocations(venues::md_codec& c, const std::string& frame) {
  null_handler h;
  venues::decode_result r;
  std::string f = frame;
  f.reserve(f.size() + 64); // the transport's padding
  for (int i = 0; i < 3; ++i)
    c.decode(f, 1, h, r);
  allocations = 0;
  counting = true;
  for (int i = 0; i < 10; ++i)
    c.decode(f, 1, h, r);
  counting = false;
  CHECK(r.kind != venues::frame_kind::malformed);
  return allocations;
}

/// Decodes a copy of `frame`.
inline venues::decode_result decode(venues::md_codec& c, std::string frame, recorder& rec,
                                    timestamp_ns recv_ts = 7) {
  venues::decode_result r;
  c.decode(frame, recv_ts, rec, r);
  return r;
}

/// A tiny hand-made market for the mock protocols.
class fake_market final : public mock::market_view {
public:
  std::vector<mock::mock_instrument> list;
  std::map<std::string, book_snapshot, std::less<>> books;
  std::map<std::string, mock::mark_state, std::less<>> mark_states;
  timestamp_ns clock = 1'700'000'000'123'000'000;

  const std::vector<mock::mock_instrument>& instruments() const override { return list; }
  const mock::mock_instrument* find(std::string_view native) const override {
    for (const auto& i : list)
      if (i.spec.native_symbol == native)
        return &i;
    return nullptr;
  }
  book_snapshot book(std::string_view native, std::size_t depth) const override {
    auto it = books.find(native);
    if (it == books.end())
      return {};
    book_snapshot b = it->second;
    if (b.bids.size() > depth)
      b.bids.resize(depth);
    if (b.asks.size() > depth)
      b.asks.resize(depth);
    b.exchange_ts = clock;
    return b;
  }
  std::optional<mock::mark_state> mark(std::string_view native) const override {
    auto it = mark_states.find(native);
    if (it == mark_states.end())
      return std::nullopt;
    return it->second;
  }
  timestamp_ns now() const override { return clock; }
};

/// Lines "venue|kind|source|frame" of a recorded mock-frames file.
struct frame_line {
  std::string venue, kind, source, frame;
};

inline std::vector<frame_line> read_frame_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot open " + path);
  std::vector<frame_line> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    auto a = line.find('|');
    auto b = a == std::string::npos ? a : line.find('|', a + 1);
    auto c = b == std::string::npos ? b : line.find('|', b + 1);
    if (c == std::string::npos)
      throw std::runtime_error("bad frame line: " + line.substr(0, 60));
    out.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1),
                   line.substr(b + 1, c - b - 1), line.substr(c + 1)});
  }
  return out;
}

/// Every proper prefix of `frame`, and some mangled copies, decode without
/// crashing to a non-data kind (data only when the prefix is itself a
/// complete frame, which the caller rules out by passing whole frames).
inline void sweep_prefixes(venues::md_codec& c, const std::string& frame) {
  recorder rec;
  for (std::size_t n = 0; n < frame.size(); ++n) {
    auto r = decode(c, frame.substr(0, n), rec);
    INFO("prefix " << n << ": " << frame.substr(0, n));
    CHECK((r.kind == venues::frame_kind::malformed || r.kind == venues::frame_kind::ignored));
  }
  CHECK(rec.count() == 0);
  // Byte flips and junk must not crash (any kind is acceptable).
  for (std::size_t i = 0; i < frame.size(); i += 7) {
    std::string m = frame;
    m[i] = static_cast<char>(m[i] ^ 0x5a);
    decode(c, m, rec);
  }
}

inline const std::vector<std::string>& junk_frames() {
  static const std::vector<std::string> j{
    "", " ", "null", "[]", "{}", "{", "}", "\"x\"", "123", "-1e999", "true",
    std::string("\0\0\0\0\0\0\0\0", 8), std::string("\x01\x00\x03\x00\x01\x00\x00\x00", 8),
    "{\"channel\":", "{\"channel\":1}", "{\"channel\":null}", "{\"type\":[]}",
    "{\"jsonrpc\":\"2.0\"}", "{\"params\":{}}", "{\"params\":{\"channel\":5,\"data\":[]}}",
    "{\"channel\":\"l2Book\",\"data\":{\"coin\":\"BTC\",\"time\":99999999999999999999,"
    "\"levels\":[[],[]]}}",
    "{\"channel\":\"order_book:0\",\"type\":\"update/order_book\",\"order_book\":"
    "{\"asks\":[{\"price\":\"1e400\",\"size\":\"1\"}],\"bids\":[],\"nonce\":1,\"begin_nonce\":0}}",
    "\xff\xfe\xfd", "{\"a\":\"\\u0000\"}"};
  return j;
}

/// `XARB_WRITE_MOCK_FRAMES=1`: the frame-file test rewrites its file.
inline bool regenerate_frames() {
  const char* v = std::getenv("XARB_WRITE_MOCK_FRAMES");
  return v && *v == '1';
}

} // namespace xarb::test

#ifdef XARB_COUNT_ALLOCATIONS
void* operator new(std::size_t n) {
  if (xarb::test::counting)
    ++xarb::test::allocations;
  if (void* p = std::malloc(n ? n : 1))
    return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
// The nothrow forms too (libsimdjson allocates with them): every pair must
// end in malloc/free or ASan reports a mismatch.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (xarb::test::counting)
    ++xarb::test::allocations;
  return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return ::operator new(n, t); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif
