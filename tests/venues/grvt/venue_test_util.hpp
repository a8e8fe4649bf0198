#pragma once
// Test helpers shared by the GRVT and EdgeX codec tests: a recording
// md_handler, a small fake market_view for the mock protocols, REST plumbing
// between a codec's http_request and a protocol's rest_call, and the reader
// of recorded mock frames (tests/venues/data/mock-<venue>.txt, the format of
// venue-samples.txt).

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/order_book.hpp"
#include "venues/common/md_codec.hpp"
#include "venues/mock/venue_protocol.hpp"

namespace xarb::test {

/// Keeps copies of everything a codec reported.
struct recorder final : venues::md_handler {
  std::vector<book_snapshot> snapshots;
  std::vector<book_delta> deltas;
  std::vector<std::optional<int32_t>> checksums;
  std::vector<top_of_book> tops;
  std::vector<venues::mark_update> marks;

  void on_snapshot(const book_snapshot& s) override { snapshots.push_back(s); }
  void on_delta(const book_delta& d, std::optional<int32_t> c) override {
    deltas.push_back(d);
    checksums.push_back(c);
  }
  void on_top(const top_of_book& t) override { tops.push_back(t); }
  void on_mark(const venues::mark_update& m) override { marks.push_back(m); }

  std::size_t total() const {
    return snapshots.size() + deltas.size() + tops.size() + marks.size();
  }
  void clear() { *this = recorder{}; }
};

/// Decodes a copy of `frame` (decode may pad it).
inline venues::decode_result decode(venues::md_codec& codec, std::string_view frame,
                                    recorder& rec, timestamp_ns recv_ts = 7) {
  std::string f(frame);
  venues::decode_result r;
  codec.decode(f, recv_ts, rec, r);
  return r;
}

inline price px(std::string_view s) { return price::from_string(s).value(); }
inline quantity qty(std::string_view s) { return quantity::from_string(s).value(); }
inline ratio rat(std::string_view s) { return ratio::from_string(s).value(); }
inline money mon(std::string_view s) { return money::from_string(s).value(); }
inline book_level lvl(std::string_view p, std::string_view q) { return {px(p), qty(q)}; }

/// A market_view over hand-set books and marks. Each change bumps the book's
/// sequence by the number of changed levels (first_seq = old + 1, seq = old
/// + n, prev_seq = old), as a venue numbering single changes would.
class fake_market final : public mock::market_view {
public:
  explicit fake_market(timestamp_ns now) : now_(now) {}

  void add(instrument_spec spec) {
    mock::mock_instrument m;
    m.index = static_cast<uint32_t>(instruments_.size());
    m.spec = std::move(spec);
    instruments_.push_back(std::move(m));
  }

  /// Replaces a book (levels best first) at sequence `seq`.
  void set_book(const std::string& native, std::vector<book_level> bids,
                std::vector<book_level> asks, uint64_t seq) {
    auto& b = books_[native];
    b.book.clear();
    for (auto& l : bids)
      b.book.set_level(book_side::bid, l.px, l.qty);
    for (auto& l : asks)
      b.book.set_level(book_side::ask, l.px, l.qty);
    b.seq = seq;
  }

  /// Applies changed levels (qty 0 removes) and returns the delta a venue
  /// would publish for them.
  book_delta change(const std::string& native, std::vector<book_level> bids,
                    std::vector<book_level> asks) {
    auto& b = books_.at(native);
    book_delta d;
    d.venue = "mock";
    d.symbol = native;
    d.prev_seq = b.seq;
    d.first_seq = b.seq + 1;
    b.seq += std::max<std::size_t>(1, bids.size() + asks.size());
    d.seq = b.seq;
    d.exchange_ts = now_;
    for (auto& l : bids)
      b.book.set_level(book_side::bid, l.px, l.qty);
    for (auto& l : asks)
      b.book.set_level(book_side::ask, l.px, l.qty);
    d.bids = std::move(bids);
    d.asks = std::move(asks);
    return d;
  }

  void set_mark(const std::string& native, mock::mark_state s) { marks_[native] = s; }
  void set_now(timestamp_ns t) { now_ = t; }

  const std::vector<mock::mock_instrument>& instruments() const override { return instruments_; }
  const mock::mock_instrument* find(std::string_view native) const override {
    for (auto& i : instruments_)
      if (i.spec.native_symbol == native)
        return &i;
    return nullptr;
  }
  book_snapshot book(std::string_view native, std::size_t depth) const override {
    book_snapshot s;
    s.venue = "mock";
    s.symbol = std::string(native);
    auto it = books_.find(std::string(native));
    if (it == books_.end())
      return s;
    it->second.book.to_snapshot(s, depth);
    s.seq = it->second.seq;
    s.exchange_ts = now_;
    return s;
  }
  std::optional<mock::mark_state> mark(std::string_view native) const override {
    auto it = marks_.find(std::string(native));
    if (it == marks_.end())
      return std::nullopt;
    return it->second;
  }
  timestamp_ns now() const override { return now_; }

private:
  struct book_state {
    order_book book;
    uint64_t seq = 0;
  };
  std::vector<mock::mock_instrument> instruments_;
  std::map<std::string, book_state> books_;
  std::map<std::string, mock::mark_state> marks_;
  timestamp_ns now_;
};

/// The rest_call a mock server would build from a codec's request.
inline mock::rest_call to_call(const venues::http_request& r) {
  mock::rest_call c;
  c.method = r.method;
  c.body = r.body;
  const auto q = r.target.find('?');
  c.path = r.target.substr(0, q);
  if (q != std::string::npos) {
    std::string_view rest = std::string_view(r.target).substr(q + 1);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      const auto kv = rest.substr(0, amp);
      const auto eq = kv.find('=');
      c.query.emplace(std::string(kv.substr(0, eq)),
                      eq == std::string_view::npos ? std::string() : std::string(kv.substr(eq + 1)));
      rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    }
  }
  return c;
}

/// One line of a recorded frames file: "venue|kind|source|frame".
struct frame_line {
  std::string venue, kind, source, frame;
  friend bool operator==(const frame_line&, const frame_line&) = default;
};

inline std::string to_text(const std::vector<frame_line>& lines) {
  std::string out;
  for (const auto& l : lines)
    out += l.venue + "|" + l.kind + "|" + l.source + "|" + l.frame + "\n";
  return out;
}

/// Reads a recorded frames file (same parsing as venue_samples.hpp).
inline std::vector<frame_line> read_frames(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot open " + path);
  std::vector<frame_line> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    const auto a = line.find('|');
    const auto b = a == std::string::npos ? a : line.find('|', a + 1);
    const auto c = b == std::string::npos ? b : line.find('|', b + 1);
    if (c == std::string::npos)
      throw std::runtime_error("bad frame line: " + line.substr(0, 60));
    out.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1),
                   line.substr(b + 1, c - b - 1), line.substr(c + 1)});
  }
  return out;
}

/// Recorded frames are (re)written only when XARB_WRITE_MOCK_FRAMES is set.
inline bool write_mock_frames_requested() { return std::getenv("XARB_WRITE_MOCK_FRAMES") != nullptr; }

/// Frames that must never crash a codec and never yield data.
inline std::vector<std::string> junk_frames() {
  std::vector<std::string> j = {
    "", " ", "null", "true", "0", "-1", "\"text\"", "[]", "{}", "[{}]", "{\"a\":}", "{\"a\"",
    "{\"a\":1", "{\"a\":1}}", "}{", "{{}}", "[[[[[[[[[[[[[[[[[[[[", "\xff\xfe\x00\x01",
    std::string("{\"stream\":\"v1.book.d\"\0,\"x\":1}", 30), "{\"type\":\"quote-event\"}",
    "{\"type\":5}", "{\"stream\":5}", "{\"type\":null,\"content\":{}}",
    "{\"stream\":\"v1.book.d\",\"sequence_number\":\"99999999999999999999999\",\"feed\":{}}",
    "{\"stream\":\"v1.book.d\",\"sequence_number\":\"-5\",\"feed\":{}}",
    "{\"type\":\"quote-event\",\"channel\":\"depth.1.15\",\"content\":{\"dataType\":\"Changed\","
    "\"data\":[{\"contractId\":\"1\",\"endVersion\":\"1e400\"}]}}",
  };
  j.push_back(std::string(100000, '['));
  j.push_back("{\"k\":\"" + std::string(5000, 'x') + "\"}");
  std::string binary;
  for (int i = 0; i < 512; ++i)
    binary.push_back(static_cast<char>((i * 37 + 11) & 0xff));
  j.push_back(binary);
  return j;
}

} // namespace xarb::test
