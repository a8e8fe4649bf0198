#include "tests/venues/codec_test_util.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "tests/venues/venue_samples.hpp"

namespace xarb::test {

price px(std::string_view s) { return price::from_string(s).value(); }
quantity qty(std::string_view s) { return quantity::from_string(s).value(); }
ratio rt(std::string_view s) { return ratio::from_string(s).value(); }
money mon(std::string_view s) { return money::from_string(s).value(); }

venues::decode_result decode(venues::md_codec& c, std::string_view frame, venues::md_handler& h,
                             timestamp_ns recv_ts) {
  std::string f{frame};
  venues::decode_result r;
  c.decode(f, recv_ts, h, r);
  CHECK(f == frame); // content never changes
  return r;
}

std::string one(std::vector<std::string>& out) {
  REQUIRE(out.size() == 1);
  auto s = std::move(out[0]);
  out.clear();
  return s;
}

// -- fake_market ---------------------------------------------------------------------

void fake_market::add(instrument_spec spec) {
  mock::mock_instrument i;
  i.index = static_cast<uint32_t>(instruments_.size());
  i.spec = std::move(spec);
  instruments_.push_back(std::move(i));
}

void fake_market::add(instrument_spec spec, std::vector<book_level> bids,
                      std::vector<book_level> asks, uint64_t seq, mock::mark_state mark) {
  const auto native = spec.native_symbol;
  add(std::move(spec));
  set_book(native, bids, asks, seq);
  set_mark(native, mark);
}

fake_market::book_state& fake_market::state(std::string_view native) {
  auto it = books_.find(native);
  REQUIRE(it != books_.end());
  return it->second;
}

void fake_market::set_book(std::string_view native, const std::vector<book_level>& bids,
                           const std::vector<book_level>& asks, uint64_t seq,
                           std::optional<timestamp_ns> ts) {
  auto& b = books_[std::string{native}];
  b.book.clear();
  for (const auto& l : bids)
    b.book.set_level(book_side::bid, l.px, l.qty);
  for (const auto& l : asks)
    b.book.set_level(book_side::ask, l.px, l.qty);
  b.seq = seq;
  b.ts = ts;
}

void fake_market::set_mark(std::string_view native, mock::mark_state m) {
  marks_[std::string{native}] = m;
}

book_delta fake_market::change(std::string_view native, std::vector<book_level> bids,
                               std::vector<book_level> asks) {
  now_ += step;
  auto& b = state(native);
  book_delta d;
  d.venue = venue;
  d.symbol = std::string{native};
  d.prev_seq = b.seq;
  d.first_seq = b.seq + 1;
  b.seq += seq_per_level ? std::max<std::size_t>(1, bids.size() + asks.size()) : 1;
  d.seq = b.seq;
  d.exchange_ts = now_;
  d.bids = std::move(bids);
  d.asks = std::move(asks);
  for (const auto& l : d.bids)
    b.book.set_level(book_side::bid, l.px, l.qty);
  for (const auto& l : d.asks)
    b.book.set_level(book_side::ask, l.px, l.qty);
  b.ts.reset();
  return d;
}

void fake_market::apply(const book_delta& d) {
  auto& b = state(d.symbol);
  for (const auto& l : d.bids)
    b.book.set_level(book_side::bid, l.px, l.qty);
  for (const auto& l : d.asks)
    b.book.set_level(book_side::ask, l.px, l.qty);
  b.seq = d.seq;
  b.ts = d.exchange_ts;
}

top_of_book fake_market::top(std::string_view native) const {
  const auto& b = books_.find(native)->second;
  top_of_book t;
  t.venue = venue;
  t.symbol = std::string{native};
  t.seq = b.seq;
  t.bid = b.book.best_bid().value_or(book_level{});
  t.ask = b.book.best_ask().value_or(book_level{});
  t.exchange_ts = b.ts.value_or(now_);
  return t;
}

const mock::mock_instrument* fake_market::find(std::string_view native) const {
  for (const auto& i : instruments_)
    if (i.spec.native_symbol == native)
      return &i;
  return nullptr;
}

book_snapshot fake_market::book(std::string_view native, std::size_t depth) const {
  book_snapshot s;
  auto it = books_.find(native);
  if (it == books_.end())
    return s;
  it->second.book.to_snapshot(s, depth);
  s.venue = venue;
  s.symbol = std::string{native};
  s.seq = it->second.seq;
  s.exchange_ts = it->second.ts.value_or(now_);
  s.recv_ts = 0;
  return s;
}

std::optional<mock::mark_state> fake_market::mark(std::string_view native) const {
  auto it = marks_.find(native);
  if (it == marks_.end())
    return std::nullopt;
  return it->second;
}

// -- REST ---------------------------------------------------------------------------------

namespace {
std::string url_decode(std::string_view s) {
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
} // namespace

mock::rest_call to_rest_call(const venues::http_request& r) {
  mock::rest_call c;
  c.method = r.method;
  c.body = r.body;
  const auto q = r.target.find('?');
  c.path = r.target.substr(0, q);
  if (q == std::string::npos)
    return c;
  std::string_view rest = std::string_view{r.target}.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto part = rest.substr(0, amp);
    const auto eq = part.find('=');
    c.query[url_decode(part.substr(0, eq))] =
      eq == std::string_view::npos ? std::string{} : url_decode(part.substr(eq + 1));
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
  }
  return c;
}

std::string rest_body(mock::venue_protocol& p, const mock::market_view& m,
                      const venues::http_request& req) {
  const auto a = p.rest(to_rest_call(req), m);
  INFO(req.method << " " << req.target);
  REQUIRE(a.status == 200);
  CHECK(a.content_type == "application/json");
  return a.body;
}

std::vector<std::string> check_listing_roundtrip(
  venues::md_codec& codec, mock::venue_protocol& p, const mock::market_view& m,
  const std::function<void(instrument_spec& want, const instrument_spec& got)>& adjust) {
  std::vector<std::string> bodies;
  for (const auto& req : codec.instruments_requests())
    bodies.push_back(rest_body(p, m, req));
  std::vector<std::string> skipped;
  auto specs = codec.parse_instruments(bodies, &skipped);
  REQUIRE(specs);
  REQUIRE(specs->size() == m.instruments().size());
  for (std::size_t i = 0; i < specs->size(); ++i) {
    const auto& got = (*specs)[i];
    auto want = m.instruments()[i].spec;
    if (adjust)
      adjust(want, got);
    CAPTURE(got.native_symbol);
    CHECK(got.venue == want.venue);
    CHECK(got.native_symbol == want.native_symbol);
    CHECK(got.symbol == want.symbol);
    CHECK(got.base == want.base);
    CHECK(got.quote == want.quote);
    CHECK(got.multiplier == want.multiplier);
    CHECK(got.tick == want.tick);
    CHECK(got.lot == want.lot);
    CHECK(got.min_qty == want.min_qty);
    CHECK(got.min_notional == want.min_notional);
    CHECK(got.maker_fee == want.maker_fee);
    CHECK(got.taker_fee == want.taker_fee);
    CHECK(got.max_leverage == want.max_leverage);
    CHECK(got.funding_interval_s == want.funding_interval_s);
    CHECK(got == want); // and nothing else differs
  }
  return skipped;
}

void check_snapshot_prefixes(venues::md_codec& codec, std::string_view native,
                             std::string_view body, std::size_t stride) {
  for (std::size_t n = 0; n < body.size(); n += stride) {
    INFO("prefix " << n);
    CHECK_FALSE(codec.parse_snapshot(native, body.substr(0, n)));
  }
}

void check_listing_prefixes(venues::md_codec& codec, const std::vector<std::string>& bodies,
                            std::size_t i, std::size_t stride) {
  for (std::size_t n = 0; n < bodies.at(i).size(); n += stride) {
    auto b = bodies;
    b[i] = bodies[i].substr(0, n);
    INFO("prefix " << n);
    CHECK_FALSE(codec.parse_instruments(b));
  }
}

// -- WebSocket sessions ---------------------------------------------------------------------

std::vector<subscribed> subscribe_all(venues::md_codec& codec, mock::venue_protocol& p,
                                      const mock::market_view& m, int acks_per_frame,
                                      bool greeting) {
  std::vector<std::string> natives;
  for (const auto& mi : m.instruments())
    natives.push_back(mi.spec.native_symbol);
  std::vector<subscribed> out;
  for (auto& plan : codec.plan(natives)) {
    subscribed s;
    s.plan = plan;
    s.client.target = plan.target;
    p.on_open(s.client, m, s.greeting);
    if (!greeting)
      CHECK(s.greeting.empty());
    for (const auto& f : plan.subscribe) {
      std::vector<std::string> ans;
      p.on_client_text(f, s.client, m, ans);
      if (acks_per_frame >= 0) {
        INFO(f);
        REQUIRE(ans.size() == static_cast<std::size_t>(acks_per_frame));
        for (const auto& a : ans) {
          recorder rec;
          CHECK(decode(codec, a, rec).kind == frame_kind::ack);
          CHECK(rec.calls() == 0);
        }
      }
      s.answers.insert(s.answers.end(), ans.begin(), ans.end());
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::map<std::string, order_book> check_book_stream(
  venues::md_codec& codec, mock::venue_protocol& p, fake_market& m, mock::ws_client& c,
  const std::vector<level_change>& changes, std::size_t depth,
  const std::function<void(const std::string& frame, const book_delta& published,
                           const recorder& decoded, const book_snapshot& local)>& each) {
  std::map<std::string, order_book> local;
  std::vector<std::string> out;
  for (const auto& mi : m.instruments()) {
    const auto& n = mi.spec.native_symbol;
    const auto truth = m.book(n, depth);
    p.snapshot_frames(truth, c, m, out);
    recorder rec;
    REQUIRE(decode(codec, one(out), rec).kind == frame_kind::data);
    REQUIRE(rec.snapshots.size() == 1);
    CHECK(rec.snapshots[0].symbol == n);
    CHECK(rec.snapshots[0].seq == truth.seq);
    CHECK(rec.snapshots[0].bids == truth.bids);
    CHECK(rec.snapshots[0].asks == truth.asks);
    REQUIRE(local[n].apply(rec.snapshots[0]) == error_code::none);
  }
  for (const auto& ch : changes) {
    CAPTURE(ch.native);
    const auto d = m.change(ch.native, ch.bids, ch.asks);
    p.book_frames(d, c, m, out);
    const auto frame = one(out);
    recorder rec;
    REQUIRE(decode(codec, frame, rec).kind == frame_kind::data);
    REQUIRE(rec.deltas.size() == 1);
    const auto& got = rec.deltas[0];
    CHECK(got.symbol == ch.native);
    CHECK(got.seq == d.seq);
    CHECK(got.bids == d.bids);
    CHECK(got.asks == d.asks);
    REQUIRE(local[ch.native].apply(got) == error_code::none);
    book_snapshot mine;
    local[ch.native].to_snapshot(mine, depth);
    CHECK(mine.bids == m.book(ch.native, depth).bids);
    CHECK(mine.asks == m.book(ch.native, depth).asks);
    if (each)
      each(frame, d, rec, mine);
  }
  return local;
}

void check_tops(venues::md_codec& codec, mock::venue_protocol& p, const fake_market& m,
                mock::ws_client& c) {
  std::vector<std::string> out;
  for (const auto& mi : m.instruments()) {
    const auto t = m.top(mi.spec.native_symbol);
    p.top_frames(t, c, out);
    recorder rec;
    REQUIRE(decode(codec, one(out), rec).kind == frame_kind::data);
    REQUIRE(rec.tops.size() == 1);
    CHECK(rec.tops[0].symbol == t.symbol);
    CHECK(rec.tops[0].bid == t.bid);
    CHECK(rec.tops[0].ask == t.ask);
    CHECK(rec.tops[0].seq == t.seq);
  }
}

// -- recorded frames --------------------------------------------------------------------------

std::vector<frame_line> read_frames(const std::string& path, std::string_view venue) {
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
    frame_line f{line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1, c - b - 1),
                 line.substr(c + 1)};
    if (venue.empty() || f.venue == venue)
      out.push_back(std::move(f));
  }
  return out;
}

bool write_frames_requested() { return std::getenv("XARB_WRITE_MOCK_FRAMES") != nullptr; }

std::vector<frame_line> check_recorded_file(const std::string& path, const std::string& header,
                                            const std::vector<frame_line>& now) {
  REQUIRE(!now.empty());
  if (write_frames_requested()) {
    std::ofstream out(path, std::ios::trunc);
    REQUIRE(out);
    out << header;
    for (const auto& l : now) {
      REQUIRE(l.frame.find('\n') == std::string::npos);
      out << l.venue << '|' << l.kind << '|' << l.source << '|' << l.frame << '\n';
    }
    MESSAGE("wrote " << path);
  }
  const auto file = read_frames(path);
  REQUIRE_MESSAGE(file.size() == now.size(),
                  path << " differs from the mock's output; if intended, regenerate it with "
                          "XARB_WRITE_MOCK_FRAMES=1");
  for (std::size_t i = 0; i < file.size(); ++i) {
    CAPTURE(now[i].kind);
    CAPTURE(now[i].source);
    CHECK(file[i] == now[i]);
  }
  return file;
}

const frame_line& frame_of(const std::vector<frame_line>& lines, std::string_view kind) {
  for (const auto& l : lines)
    if (l.kind == kind)
      return l;
  throw std::runtime_error("no recorded frame " + std::string{kind});
}

// -- robustness ----------------------------------------------------------------------------------

void check_prefixes(venues::md_codec& c, std::string_view frame) {
  for (std::size_t n = 0; n < frame.size(); ++n) {
    recorder rec;
    const auto r = decode(c, frame.substr(0, n), rec);
    INFO("prefix of length " << n << ": " << frame.substr(0, std::min<std::size_t>(n, 80)));
    CHECK((r.kind == frame_kind::malformed || r.kind == frame_kind::ignored));
    CHECK(rec.calls() == 0);
    CHECK(!r.error.empty());
    CHECK(r.reply.empty());
  }
}

void check_mutations(venues::md_codec& c, std::string_view frame) {
  static constexpr char bytes[] = {'"', '{', '}', '[', ']', ',', ':', '0', '9', '-', '.', 'e',
                                   'x', ' ', '\\', '\x00', '\xff'};
  for (std::size_t i = 0; i < frame.size(); ++i) {
    std::string f{frame};
    for (std::size_t k = 0; k <= sizeof bytes; ++k) {
      f[i] = k < sizeof bytes ? bytes[k] : static_cast<char>(frame[i] ^ 0x5a);
      recorder rec;
      const auto r = decode(c, f, rec);
      if (r.kind != frame_kind::data)
        CHECK(rec.calls() == 0);
    }
  }
}

void check_samples_robust(venues::md_codec& c, const std::string& venue) {
  const auto samples = venue_samples(venue);
  REQUIRE(!samples.empty());
  for (const auto& s : samples) {
    CAPTURE(s.kind);
    check_prefixes(c, s.json);
    check_mutations(c, s.json);
  }
}

const std::vector<std::string>& junk_frames() {
  static const std::vector<std::string> j = [] {
    std::vector<std::string> v = {
      // No JSON, or not an object.
      "", " ", "{", "}", "[]", "[", "null", "0", "-1", "12345", "\"x\"", "true", "{}", "[{}]",
      "[1,2]", "}{", "{{}}", "pong!", "PING", "-1e999", "\xff\xfe\xfd",
      std::string("\x00\x01\x02\xff\xfe", 5), std::string("\0\0\0\0\0\0\0\0", 8),
      std::string("\x01\x00\x03\x00\x01\x00\x00\x00", 8), std::string(300, '{'),
      std::string(300, '['), std::string(100000, '['), "\xef\xbb\xbf{}",
      "{\"k\":\"" + std::string(5000, 'x') + "\"}",
      // Broken or odd JSON.
      "{\"broken\":", "{\"a\":}", "{\"a\"", "{\"a\":1", "{\"a\":1}}", "{\"a\":1} trailing",
      "{\"a\":1}{\"b\":2}", "{\"a\":\"\\u0000\"}", "{\"a\":1e999999}",
      "{\"a\":99999999999999999999999999999999999}", "\xef\xbb\xbf{\"e\":\"depth\"}",
      "{\"e\":\"dep\\u0074h\"}", std::string("\x00\x01\xff\xfe{\"e\":", 10),
      // OKX, Bitget, Bybit shapes.
      "{\"data\":null}", "{\"data\":[]}", "{\"data\":{}}", "{\"data\":[1,2,3]}", "{\"data\":[[]]}",
      "{\"arg\":1}", "{\"arg\":[]}", "{\"arg\":{}}", "{\"topic\":1}", "{\"topic\":\"\"}",
      "{\"event\":1}", "{\"op\":[]}", "{\"success\":\"maybe\"}",
      // Binance, Aster, Backpack shapes.
      R"({"e":null})", R"({"e":5,"s":[]})", R"({"data":5})", R"({"data":[1]})",
      R"({"data":{"e":{}}})", R"({"e":"depthUpdate"})",
      R"({"e":"depthUpdate","s":"X","U":1,"u":2,"b":[],"a":{}})",
      R"({"e":"depthUpdate","s":"X","U":"x","u":2,"pu":1,"b":[],"a":[]})",
      R"({"e":"depthUpdate","s":"X","U":3,"u":2,"pu":1,"b":[],"a":[]})",
      R"({"e":"depthUpdate","s":"X","U":1,"u":99999999999999999999999,"b":[],"a":[]})",
      R"({"e":"depthUpdate","s":"X","U":1,"u":2,"pu":1,"E":99999999999999999999,"b":[],"a":[]})",
      R"({"e":"depthUpdate","s":"X","U":1,"u":2,"pu":1,"T":18446744073709551615,"b":[],"a":[]})",
      R"({"e":"depthUpdate","s":"X","U":1,"u":2,"pu":1,"b":[["1"]],"a":[]})",
      R"({"e":"depthUpdate","s":"X","U":1,"u":2,"pu":1,"b":[[1e999,"1"]],"a":[]})",
      R"({"e":"depthUpdate","s":"X","U":1,"u":2,"pu":1,"b":[["99999999999999999999","1"]],"a":[]})",
      R"({"e":"depth","s":"X","U":0,"u":0,"b":[],"a":[]})",
      R"({"e":"depth","s":"X","U":1,"u":2,"b":[[{},[]]],"a":[]})",
      R"({"e":"bookTicker","s":"X","b":"1","B":"x","a":"2","A":"1"})",
      R"({"e":"bookTicker","s":"X","b":[["1","1"]],"B":"1","a":"2","A":"1"})",
      R"({"e":"markPriceUpdate","s":"X","p":"abc"})", R"({"e":"markPrice","s":"X","p":"1","f":"1e"})",
      R"({"e":"markPriceUpdate","s":"X","p":"1","T":-5})", R"({"result":null})", R"({"error":5})",
      R"({"error":{"code":{}}})", R"({"code":1})",
      // Hyperliquid, Paradex, Lighter shapes.
      "{\"channel\":", "{\"channel\":1}", "{\"channel\":null}", "{\"type\":[]}",
      "{\"jsonrpc\":\"2.0\"}", "{\"params\":{}}", "{\"params\":{\"channel\":5,\"data\":[]}}",
      "{\"channel\":\"l2Book\",\"data\":{\"coin\":\"BTC\",\"time\":99999999999999999999,"
      "\"levels\":[[],[]]}}",
      "{\"channel\":\"order_book:0\",\"type\":\"update/order_book\",\"order_book\":"
      "{\"asks\":[{\"price\":\"1e400\",\"size\":\"1\"}],\"bids\":[],\"nonce\":1,\"begin_nonce\":0}}",
      // GRVT, EdgeX shapes.
      std::string("{\"stream\":\"v1.book.d\"\0,\"x\":1}", 30), "{\"type\":\"quote-event\"}",
      "{\"type\":5}", "{\"stream\":5}", "{\"type\":null,\"content\":{}}",
      "{\"stream\":\"v1.book.d\",\"sequence_number\":\"99999999999999999999999\",\"feed\":{}}",
      "{\"stream\":\"v1.book.d\",\"sequence_number\":\"-5\",\"feed\":{}}",
      "{\"type\":\"quote-event\",\"channel\":\"depth.1.15\",\"content\":{\"dataType\":\"Changed\","
      "\"data\":[{\"contractId\":\"1\",\"endVersion\":\"1e400\"}]}}",
    };
    std::string deep;
    for (int i = 0; i < 2000; ++i)
      deep += "{\"a\":";
    v.push_back(deep);
    std::string binary;
    for (int i = 0; i < 512; ++i)
      binary.push_back(static_cast<char>((i * 37 + 11) & 0xff));
    v.push_back(binary);
    return v;
  }();
  return j;
}

void check_junk(venues::md_codec& c, junk_rule rule, std::optional<std::string> native) {
  for (const auto& j : junk_frames()) {
    INFO("junk: " << j.substr(0, 80));
    recorder rec;
    const auto r = decode(c, j, rec);
    // Reply-shaped junk ({"result":null}, {"error":...}, {"code":1}) may be
    // an ack or an error for a JSON-RPC venue; never data.
    const bool reply_shaped = j.starts_with("{\"result\"") || j.starts_with("{\"error\"")
                              || j.starts_with("{\"code\"");
    if (rule == junk_rule::malformed_or_ignored && !reply_shaped)
      CHECK((r.kind == frame_kind::malformed || r.kind == frame_kind::ignored));
    else
      CHECK(r.kind != frame_kind::data);
    CHECK(rec.calls() == 0);
    if (native) {
      CHECK_FALSE(c.parse_snapshot(*native, j));
      std::vector<std::string> bodies{j};
      (void)c.parse_instruments(bodies);
    }
  }
}

void check_all_malformed(venues::md_codec& c, const std::vector<std::string>& frames) {
  for (const auto& f : frames) {
    INFO(f);
    recorder rec;
    CHECK(decode(c, f, rec).kind == frame_kind::malformed);
    CHECK(rec.calls() == 0);
  }
}

// -- allocations ---------------------------------------------------------------------------------

void check_no_allocation(venues::md_codec& codec, const std::vector<std::string>& texts,
                         int rounds) {
  {
    const auto before = allocations(); // the counter does count
    auto probe = std::make_unique<int>(1);
    CHECK(allocations() == before + 1);
  }
  std::vector<std::string> frames;
  for (const auto& t : texts) {
    frames.push_back(t);
    frames.back().reserve(t.size() + 64); // the transport's padding
  }
  counting_handler h;
  venues::decode_result r;
  r.error.reserve(256);
  r.reply.reserve(64);
  std::size_t data = 0;
  for (auto& f : frames) {
    codec.decode(f, 1, h, r);
    data += r.kind == frame_kind::data;
  }
  const auto before = allocations();
  const auto calls = h.calls;
  for (int i = 0; i < rounds; ++i)
    for (auto& f : frames)
      codec.decode(f, 1, h, r);
  CHECK(allocations() == before);
  CHECK(h.calls - calls >= data * static_cast<std::size_t>(rounds));
  CHECK(data > 0);
}

std::size_t warm_allocations(venues::md_codec& c, const std::string& frame) {
  counting_handler h;
  venues::decode_result r;
  std::string f = frame;
  f.reserve(f.size() + 64); // the transport's padding
  for (int i = 0; i < 3; ++i)
    c.decode(f, 1, h, r);
  const auto before = allocations();
  for (int i = 0; i < 10; ++i)
    c.decode(f, 1, h, r);
  const auto n = allocations() - before;
  CHECK(r.kind != frame_kind::malformed);
  return n;
}

} // namespace xarb::test
