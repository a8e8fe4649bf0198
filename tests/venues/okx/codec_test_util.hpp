#pragma once
// Helpers shared by the OKX, Bitget and Bybit codec tests: a recording
// md_handler, a small fake market_view for the mock protocols, REST target
// splitting, the recorded-frames file reader and the robustness checks.

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/order_book.hpp"
#include "messages/decimal.hpp"
#include "venues/common/md_codec.hpp"
#include "venues/mock/venue_protocol.hpp"

namespace xarb::test {

inline price px(std::string_view s) { return price::from_string(s).value(); }
inline quantity qty(std::string_view s) { return quantity::from_string(s).value(); }
inline ratio rt(std::string_view s) { return ratio::from_string(s).value(); }
inline book_level lvl(std::string_view p, std::string_view q) { return {px(p), qty(q)}; }
inline constexpr timestamp_ns ms(int64_t v) { return v * 1'000'000; }

/// Records everything a codec hands out.
struct recorder : venues::md_handler {
  std::vector<book_snapshot> snapshots;
  std::vector<std::pair<book_delta, std::optional<int32_t>>> deltas;
  std::vector<top_of_book> tops;
  std::vector<venues::mark_update> marks;

  void on_snapshot(const book_snapshot& s) override { snapshots.push_back(s); }
  void on_delta(const book_delta& d, std::optional<int32_t> c) override {
    deltas.emplace_back(d, c);
  }
  void on_top(const top_of_book& t) override { tops.push_back(t); }
  void on_mark(const venues::mark_update& m) override { marks.push_back(m); }

  std::size_t calls() const {
    return snapshots.size() + deltas.size() + tops.size() + marks.size();
  }
  void clear() { *this = recorder{}; }
};

/// Decodes a copy of `text`; recv_ts = 42.
inline venues::decode_result decode(venues::md_codec& c, std::string_view text, recorder& rec,
                                    timestamp_ns recv = 42) {
  std::string frame{text};
  venues::decode_result r;
  c.decode(frame, recv, rec, r);
  CHECK(frame == text); // content never changes
  return r;
}

/// A market_view over hand-made books: one order_book per instrument.
class fake_market : public mock::market_view {
public:
  timestamp_ns now_ = ms(1'700'000'000'000);

  void add(instrument_spec spec, std::vector<book_level> bids, std::vector<book_level> asks,
           uint64_t seq, mock::mark_state mark) {
    mock::mock_instrument i;
    i.spec = std::move(spec);
    i.index = static_cast<uint32_t>(instruments_.size());
    book_snapshot s;
    s.seq = seq;
    s.exchange_ts = now_;
    s.bids = std::move(bids);
    s.asks = std::move(asks);
    REQUIRE(books_[i.spec.native_symbol].apply(s) == error_code::none);
    marks_[i.spec.native_symbol] = mark;
    instruments_.push_back(std::move(i));
  }

  const std::vector<mock::mock_instrument>& instruments() const override { return instruments_; }

  const mock::mock_instrument* find(std::string_view native) const override {
    for (const auto& i : instruments_)
      if (i.spec.native_symbol == native)
        return &i;
    return nullptr;
  }

  book_snapshot book(std::string_view native, std::size_t depth) const override {
    book_snapshot s;
    auto it = books_.find(native);
    if (it == books_.end())
      return s;
    it->second.to_snapshot(s, depth);
    s.venue = "mock";
    s.symbol = std::string{native};
    s.exchange_ts = now_;
    return s;
  }

  std::optional<mock::mark_state> mark(std::string_view native) const override {
    auto it = marks_.find(native);
    if (it == marks_.end())
      return std::nullopt;
    return it->second;
  }

  timestamp_ns now() const override { return now_; }

  /// Applies a change (qty 0 removes) and returns it as the simulator
  /// publishes it: first_seq = seq = previous + 1, prev_seq = previous.
  book_delta change(std::string_view native, std::vector<book_level> bids,
                    std::vector<book_level> asks) {
    now_ += ms(100);
    auto& b = books_.find(native)->second;
    book_delta d;
    d.venue = "mock";
    d.symbol = std::string{native};
    d.prev_seq = b.seq();
    d.seq = d.first_seq = b.seq() + 1;
    d.exchange_ts = now_;
    d.bids = std::move(bids);
    d.asks = std::move(asks);
    REQUIRE(b.apply(d) == error_code::none);
    return d;
  }

  top_of_book top(std::string_view native) const {
    const auto& b = books_.find(native)->second;
    top_of_book t;
    t.venue = "mock";
    t.symbol = std::string{native};
    t.seq = b.seq();
    t.bid = b.best_bid().value_or(book_level{});
    t.ask = b.best_ask().value_or(book_level{});
    t.exchange_ts = now_;
    return t;
  }

  void set_mark(std::string_view native, mock::mark_state m) { marks_[std::string{native}] = m; }

private:
  std::vector<mock::mock_instrument> instruments_;
  std::map<std::string, order_book, std::less<>> books_;
  std::map<std::string, mock::mark_state, std::less<>> marks_;
};

inline std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string{s.substr(i + 1, 2)}, nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

/// A codec's request as the mock server hands it to a protocol.
inline mock::rest_call to_rest_call(const venues::http_request& r) {
  mock::rest_call c;
  c.method = r.method;
  c.body = r.body;
  const auto q = r.target.find('?');
  c.path = r.target.substr(0, q);
  if (q != std::string::npos) {
    std::string_view rest = std::string_view{r.target}.substr(q + 1);
    while (!rest.empty()) {
      auto amp = rest.find('&');
      auto part = rest.substr(0, amp);
      auto eq = part.find('=');
      c.query[url_decode(part.substr(0, eq))] =
        eq == std::string_view::npos ? std::string{} : url_decode(part.substr(eq + 1));
      rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    }
  }
  return c;
}

struct frame_line {
  std::string venue, kind, source, json;
};

/// Lines "venue|kind|source|json" of `path` for `venue` (the format of
/// venue-samples.txt; '#' lines are comments).
inline std::vector<frame_line> read_frames(const std::string& path, const std::string& venue) {
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
    frame_line f{line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1, c - b - 1),
                 line.substr(c + 1)};
    if (f.venue == venue)
      out.push_back(std::move(f));
  }
  return out;
}

/// Writes recorded frames (only when XARB_WRITE_MOCK_FRAMES is set).
inline bool write_frames_requested() { return std::getenv("XARB_WRITE_MOCK_FRAMES") != nullptr; }

inline void write_frames(const std::string& path, const std::string& header,
                         const std::vector<frame_line>& lines) {
  std::ofstream out(path);
  REQUIRE(out);
  out << header;
  for (const auto& l : lines) {
    REQUIRE(l.json.find('\n') == std::string::npos);
    out << l.venue << '|' << l.kind << '|' << l.source << '|' << l.json << '\n';
  }
}

/// Every strict prefix of `text` decodes to malformed or ignored without a
/// handler call (a frame cut anywhere is never half-applied).
inline void check_prefixes(venues::md_codec& c, std::string_view text) {
  for (std::size_t n = 0; n < text.size(); ++n) {
    recorder rec;
    auto r = decode(c, text.substr(0, n), rec);
    INFO("prefix of length " << n << ": " << text.substr(0, n));
    CHECK((r.kind == venues::frame_kind::malformed || r.kind == venues::frame_kind::ignored));
    CHECK(rec.calls() == 0);
    CHECK(!r.error.empty());
  }
}

/// Frames no codec may choke on.
inline std::vector<std::string> junk_frames() {
  std::vector<std::string> j = {
    "", " ", "{", "}", "[]", "[", "null", "0", "-1", "\"x\"", "true", "{}", "{\"broken\":",
    "{\"a\":1}", "{\"a\":1} trailing", "{\"a\":1}{\"b\":2}", "{\"data\":null}",
    "{\"data\":[]}", "{\"data\":{}}", "{\"data\":[1,2,3]}", "{\"data\":[[]]}",
    "{\"arg\":1}", "{\"arg\":[]}", "{\"arg\":{}}", "{\"topic\":1}", "{\"topic\":\"\"}",
    "{\"event\":1}", "{\"op\":[]}", "{\"success\":\"maybe\"}",
    std::string("\x00\x01\x02\xff\xfe", 5), std::string(300, '{'), std::string(300, '['),
    "\xef\xbb\xbf{}", "{\"a\":\"\\u0000\"}", "{\"a\":1e999999}",
    "{\"a\":99999999999999999999999999999999999}", "pong!", "PING",
  };
  std::string deep;
  for (int i = 0; i < 2000; ++i)
    deep += "{\"a\":";
  j.push_back(deep);
  return j;
}

/// Deterministic single-byte mutations of `text`: must not crash (any kind).
inline void check_mutations(venues::md_codec& c, std::string_view text, uint64_t seed) {
  static constexpr char bytes[] = {'"', '{', '}', '[', ']', ',', ':', '0', '9', '-', '.', 'e',
                                   'x', ' ', '\\', '\x00', '\xff'};
  uint64_t s = seed | 1;
  for (int i = 0; i < 64 && !text.empty(); ++i) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    std::string f{text};
    f[s % f.size()] = bytes[(s >> 32) % sizeof bytes];
    recorder rec;
    auto r = decode(c, f, rec);
    if (r.kind != venues::frame_kind::data)
      CHECK(rec.calls() == 0);
  }
}

} // namespace xarb::test
