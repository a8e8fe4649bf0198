#include <doctest/doctest.h>

#include "core/order_book.hpp"
#include "venues/common/feed_sync.hpp"
#include "venues/common/units.hpp"

using namespace xarb;
using namespace xarb::venues;

namespace {

price px(const char* s) { return price::from_string(s).value(); }
quantity qty(const char* s) { return quantity::from_string(s).value(); }

/// A codec that only answers what feed_sync asks of it.
class fake_codec final : public md_codec {
public:
  explicit fake_codec(sync_mode m) { info_.name = "fake"; info_.sync = m; }
  const venue_info& info() const noexcept override { return info_; }
  std::vector<http_request> instruments_requests() const override { return {}; }
  expected<std::vector<instrument_spec>> parse_instruments(std::span<const std::string>,
                                                           std::vector<std::string>*) override {
    return std::vector<instrument_spec>{};
  }
  http_request snapshot_request(std::string_view native) const override {
    return {"GET", "/depth?symbol=" + std::string{native}, {}, {}};
  }
  expected<book_snapshot> parse_snapshot(std::string_view, std::string_view) override {
    return book_snapshot{};
  }
  std::vector<ws_plan> plan(std::span<const std::string>) const override { return {}; }
  std::vector<std::string> resubscribe_book(std::string_view native) const override {
    return {"unsub " + std::string{native}, "sub " + std::string{native}};
  }
  void decode(std::string&, timestamp_ns, md_handler&, decode_result&) override {}

private:
  venue_info info_;
};

/// Records what feed_sync hands on, and applies books like the session.
struct recording_sink final : feed_sink {
  std::vector<book_snapshot> books;
  std::vector<book_delta> deltas;
  std::vector<std::optional<int32_t>> checksums;
  std::vector<top_of_book> tops;
  std::vector<funding_rate> rates;
  std::vector<std::optional<price>> marks;
  std::vector<std::string> fetches;
  std::vector<std::string> frames;
  std::vector<std::pair<feed_drop, std::string>> drops;
  order_book ob;
  std::vector<error_code> applied;

  void book(const book_snapshot& s) override {
    books.push_back(s);
    applied.push_back(ob.apply(s));
  }
  void delta(const book_delta& d, std::optional<int32_t> cs) override {
    deltas.push_back(d);
    checksums.push_back(cs);
    applied.push_back(ob.apply(d));
  }
  void top(const top_of_book& t) override { tops.push_back(t); }
  void funding(const funding_rate& r, std::optional<price> mark, std::optional<price>) override {
    rates.push_back(r);
    marks.push_back(mark);
  }
  void fetch_snapshot(const std::string& native) override { fetches.push_back(native); }
  void send(std::vector<std::string> f) override {
    frames.insert(frames.end(), f.begin(), f.end());
  }
  void dropped(feed_drop why, std::string_view native) override {
    drops.emplace_back(why, std::string{native});
  }
  std::size_t drops_of(feed_drop why) const {
    std::size_t n = 0;
    for (auto& d : drops)
      n += d.first == why;
    return n;
  }
};

instrument_spec spec(const char* native, const char* symbol, const char* mult = "1") {
  instrument_spec s;
  s.venue = "fake";
  s.native_symbol = native;
  s.symbol = symbol;
  s.base = std::string{symbol}.substr(0, std::string{symbol}.find('-'));
  s.quote = "USDT";
  s.multiplier = ratio::from_string(mult).value();
  s.tick = px("0.1");
  s.lot = qty("0.001");
  s.min_qty = qty("0.001");
  s.funding_interval_s = 8 * 3600;
  return s;
}

/// A native delta U..u following pu (Binance style), one bid level.
book_delta delta(const char* native, uint64_t first, uint64_t last, uint64_t prev,
                 const char* bid = "100.0", const char* size = "1") {
  book_delta d;
  d.venue = "fake";
  d.symbol = native;
  d.first_seq = first;
  d.seq = last;
  d.prev_seq = prev;
  d.bids = {{px(bid), qty(size)}};
  return d;
}

book_snapshot snapshot(const char* native, uint64_t seq) {
  book_snapshot s;
  s.venue = "fake";
  s.symbol = native;
  s.seq = seq;
  s.bids = {{px("100.0"), qty("2")}, {px("99.9"), qty("3")}};
  s.asks = {{px("100.1"), qty("1")}, {px("100.2"), qty("4")}};
  return s;
}

} // namespace

TEST_CASE("rest bridge: buffered deltas are bridged to the REST snapshot by sequence") {
  fake_codec codec(sync_mode::rest_bridge);
  recording_sink sink;
  feed_sync fs(codec, sink);
  std::vector<instrument_spec> specs{spec("BTCUSDT", "BTC-PERP")};
  fs.set_instruments(specs);
  fs.connection_open(1);
  REQUIRE(sink.fetches == std::vector<std::string>{"BTCUSDT"});
  CHECK(fs.awaiting("BTC-PERP"));
  // The stream runs ahead while the snapshot is fetched: 95..105, pu links.
  for (uint64_t u = 95; u <= 105; ++u)
    fs.on_delta(delta("BTCUSDT", u, u, u - 1), std::nullopt);
  CHECK(sink.deltas.empty());
  fs.rest_snapshot("BTCUSDT", snapshot("BTCUSDT", 100));
  REQUIRE(sink.books.size() == 1);
  CHECK(sink.books[0].symbol == "BTC-PERP");
  CHECK(sink.books[0].venue == "fake");
  CHECK(sink.books[0].seq == 100);
  // 95..100 are in the snapshot; 101..105 follow, the first without its pu.
  CHECK(sink.drops_of(feed_drop::bridged_away) == 6);
  REQUIRE(sink.deltas.size() == 5);
  CHECK(sink.deltas[0].seq == 101);
  CHECK(sink.deltas[0].prev_seq == 0);
  CHECK(sink.deltas[0].first_seq == 101);
  CHECK(sink.deltas[1].prev_seq == 101);
  for (auto ec : sink.applied)
    CHECK(ec == error_code::none);
  CHECK(sink.ob.synced());
  CHECK(sink.ob.seq() == 105);
  CHECK_FALSE(fs.awaiting("BTC-PERP"));
  // Live deltas pass through untouched; the order book enforces pu.
  fs.on_delta(delta("BTCUSDT", 106, 107, 105), std::nullopt);
  CHECK(sink.applied.back() == error_code::none);
  fs.on_delta(delta("BTCUSDT", 109, 109, 108), std::nullopt); // 108 never came
  CHECK(sink.applied.back() == error_code::sequence_gap);
  CHECK(fs.stats("BTC-PERP").bridges == 1);
  CHECK(fs.stats("BTC-PERP").deltas == 7);
}

TEST_CASE("rest bridge: an overlapping first event (U <= L < u) is applied") {
  fake_codec codec(sync_mode::rest_bridge);
  recording_sink sink;
  feed_sync fs(codec, sink);
  std::vector<instrument_spec> specs{spec("BTCUSDT", "BTC-PERP")};
  fs.set_instruments(specs);
  fs.connection_open(1);
  fs.rest_snapshot("BTCUSDT", snapshot("BTCUSDT", 100));
  // Binance: U=98, u=103, pu=97 straddles the snapshot.
  fs.on_delta(delta("BTCUSDT", 98, 103, 97), std::nullopt);
  REQUIRE(sink.deltas.size() == 1);
  CHECK(sink.deltas[0].prev_seq == 0);
  CHECK(sink.applied.back() == error_code::none);
  CHECK(sink.ob.seq() == 103);
}

TEST_CASE("rest bridge: a snapshot older than the stream is fetched again") {
  fake_codec codec(sync_mode::rest_bridge);
  recording_sink sink;
  feed_sync fs(codec, sink);
  std::vector<instrument_spec> specs{spec("BTCUSDT", "BTC-PERP")};
  fs.set_instruments(specs);
  fs.connection_open(1);
  fs.on_delta(delta("BTCUSDT", 150, 151, 149), std::nullopt);
  fs.on_delta(delta("BTCUSDT", 152, 152, 151), std::nullopt);
  fs.rest_snapshot("BTCUSDT", snapshot("BTCUSDT", 120)); // 121..149 are missing
  CHECK(sink.fetches.size() == 2);
  CHECK(fs.awaiting("BTC-PERP"));
  CHECK(fs.stats("BTC-PERP").stale_snapshots == 1);
  CHECK(sink.deltas.empty());
  fs.on_delta(delta("BTCUSDT", 153, 153, 152), std::nullopt);
  fs.rest_snapshot("BTCUSDT", snapshot("BTCUSDT", 151));
  REQUIRE(sink.deltas.size() == 2); // 152, 153 (150..151 bridged away)
  CHECK(sink.deltas[0].seq == 152);
  CHECK(sink.ob.synced());
  CHECK(sink.ob.seq() == 153);
}

TEST_CASE("rest bridge: a full buffer restarts, a lost connection discards late answers") {
  fake_codec codec(sync_mode::rest_bridge);
  recording_sink sink;
  feed_sync fs(codec, sink, 4);
  std::vector<instrument_spec> specs{spec("BTCUSDT", "BTC-PERP")};
  fs.set_instruments(specs);
  fs.connection_open(1);
  for (uint64_t u = 1; u <= 5; ++u)
    fs.on_delta(delta("BTCUSDT", u, u, u - 1), std::nullopt);
  CHECK(sink.drops_of(feed_drop::buffer_overflow) == 1);
  fs.connection_lost();
  fs.rest_snapshot("BTCUSDT", snapshot("BTCUSDT", 3));
  CHECK(sink.books.empty()); // no stream to bridge to
  CHECK(fs.awaiting("BTC-PERP"));
  // While disconnected a resync asks for nothing: the reconnect does it.
  CHECK(fs.resync("BTC-PERP", 10));
  CHECK(sink.fetches.size() == 1);
  fs.connection_open(20);
  CHECK(sink.fetches.size() == 2);
}

TEST_CASE("resync requests are idempotent while waiting and repeated after retry_ns") {
  fake_codec codec(sync_mode::rest_bridge);
  recording_sink sink;
  feed_sync fs(codec, sink, 100, 1000);
  std::vector<instrument_spec> specs{spec("BTCUSDT", "BTC-PERP")};
  fs.set_instruments(specs);
  fs.connection_open(0);
  fs.rest_snapshot("BTCUSDT", snapshot("BTCUSDT", 10));
  CHECK_FALSE(fs.resync("ETH-PERP", 1)); // unknown
  CHECK(fs.resync("BTC-PERP", 100));
  CHECK(sink.fetches.size() == 2);
  CHECK(fs.stats("BTC-PERP").resyncs == 1);
  CHECK(fs.resync("BTC-PERP", 5000)); // fetch in flight: nothing new
  CHECK(sink.fetches.size() == 2);
  fs.rest_snapshot("BTCUSDT", expected<book_snapshot>(error_code::timeout, "timeout"));
  CHECK(fs.resync("BTC-PERP", 5000)); // failed answer, retry_ns passed
  CHECK(sink.fetches.size() == 3);
  CHECK(fs.stats("BTC-PERP").resyncs == 1); // still the same resync
}

TEST_CASE("in band: deltas before the snapshot are dropped, a resync resubscribes") {
  fake_codec codec(sync_mode::in_band);
  recording_sink sink;
  feed_sync fs(codec, sink, 100, 1000);
  std::vector<instrument_spec> specs{spec("BTC-USDT-SWAP", "BTC-PERP")};
  fs.set_instruments(specs);
  fs.connection_open(0);
  CHECK(sink.fetches.empty());
  fs.on_delta(delta("BTC-USDT-SWAP", 0, 11, 10), std::nullopt);
  CHECK(sink.drops_of(feed_drop::before_snapshot) == 1);
  fs.on_snapshot(snapshot("BTC-USDT-SWAP", 11));
  fs.on_delta(delta("BTC-USDT-SWAP", 0, 12, 11), 1234);
  REQUIRE(sink.deltas.size() == 1);
  CHECK(sink.deltas[0].prev_seq == 11); // the venue's link is kept
  CHECK(sink.checksums[0] == 1234);
  CHECK(sink.ob.seq() == 12);
  CHECK(fs.resync("BTC-PERP", 100));
  CHECK(sink.frames == std::vector<std::string>{"unsub BTC-USDT-SWAP", "sub BTC-USDT-SWAP"});
  CHECK(fs.resync("BTC-PERP", 500)); // within retry_ns: no second resubscribe
  CHECK(sink.frames.size() == 2);
  CHECK(fs.resync("BTC-PERP", 1200));
  CHECK(sink.frames.size() == 4);
  fs.on_snapshot(snapshot("BTC-USDT-SWAP", 40));
  CHECK_FALSE(fs.awaiting("BTC-PERP"));
  CHECK(sink.ob.seq() == 40);
}

TEST_CASE("snapshot venues pass every snapshot; unknown symbols are dropped") {
  fake_codec codec(sync_mode::snapshots);
  recording_sink sink;
  feed_sync fs(codec, sink);
  std::vector<instrument_spec> specs{spec("BTC", "BTC-PERP")};
  fs.set_instruments(specs);
  fs.on_snapshot(snapshot("BTC", 0));
  fs.on_snapshot(snapshot("BTC", 0));
  fs.on_snapshot(snapshot("DOGE", 0));
  CHECK(sink.books.size() == 2);
  CHECK(sink.drops_of(feed_drop::unknown_symbol) == 1);
  CHECK(fs.spec_of("BTC-PERP")->native_symbol == "BTC");
  CHECK(fs.spec_of_native("BTC")->symbol == "BTC-PERP");
  CHECK(fs.spec_of("DOGE-PERP") == nullptr);
}

TEST_CASE("native units become canonical: price / multiplier, size x multiplier") {
  fake_codec codec(sync_mode::in_band);
  recording_sink sink;
  feed_sync fs(codec, sink);
  // A venue quoting single PEPE while the canonical unit is 1000 PEPE.
  auto pepe = spec("PEPE_USDC_PERP", "PEPE-PERP", "0.001");
  pepe.tick = px("0.0000001");
  std::vector<instrument_spec> specs{pepe};
  fs.set_instruments(specs);
  fs.connection_open(0);
  book_snapshot s;
  s.symbol = "PEPE_USDC_PERP";
  s.seq = 5;
  s.bids = {{px("0.0000123"), qty("2000000")}};
  s.asks = {{px("0.0000124"), qty("1500")}};
  fs.on_snapshot(s);
  REQUIRE(sink.books.size() == 1);
  CHECK(sink.books[0].bids[0].px == px("0.0123"));
  CHECK(sink.books[0].bids[0].qty == qty("2000"));
  CHECK(sink.books[0].asks[0].qty == qty("1.5"));
  // A size that is not exact in canonical units is refused, not rounded.
  auto d = delta("PEPE_USDC_PERP", 0, 6, 5, "0.0000123", "0.000000001");
  fs.on_delta(d, std::nullopt);
  CHECK(sink.drops_of(feed_drop::unit_error) == 1);
  CHECK(sink.deltas.empty());
  // Checksums are computed over native levels again.
  auto cs = fs.checksum_of("PEPE-PERP", sink.books[0].bids, sink.books[0].asks);
  REQUIRE(cs.has_value());
  CHECK(*cs == codec.checksum("PEPE_USDC_PERP", s.bids, s.asks));
  // Top of book converts the same way.
  top_of_book t;
  t.symbol = "PEPE_USDC_PERP";
  t.bid = {px("0.0000123"), qty("1000")};
  t.ask = {px("0.0000124"), qty("3000")};
  fs.on_top(t);
  REQUIRE(sink.tops.size() == 1);
  CHECK(sink.tops[0].symbol == "PEPE-PERP");
  CHECK(sink.tops[0].ask.px == px("0.0124"));
  CHECK(sink.tops[0].ask.qty == qty("3"));
}

TEST_CASE("mark updates merge into funding; the rate is passed on once known") {
  fake_codec codec(sync_mode::in_band);
  recording_sink sink;
  feed_sync fs(codec, sink);
  std::vector<instrument_spec> specs{spec("BTCUSDT", "BTC-PERP")};
  fs.set_instruments(specs);
  mark_update m;
  m.symbol = "BTCUSDT";
  m.mark = px("50000.5");
  m.ts = 10;
  fs.on_mark(m); // no rate yet: nothing to pass on
  CHECK(sink.rates.empty());
  CHECK(fs.mark_of("BTC-PERP") == px("50000.5"));
  m = {};
  m.symbol = "BTCUSDT";
  m.rate = ratio::from_string("0.0001").value();
  m.next_funding_ts = 1'700'000'000'000'000'000;
  m.ts = 20;
  fs.on_mark(m);
  REQUIRE(sink.rates.size() == 1);
  CHECK(sink.rates[0].symbol == "BTC-PERP");
  CHECK(sink.rates[0].rate == ratio::from_string("0.0001").value());
  CHECK(sink.rates[0].interval_s == 8 * 3600); // from the instrument
  CHECK(sink.rates[0].next_funding_ts == 1'700'000'000'000'000'000);
  CHECK(sink.marks[0] == px("50000.5"));
  m = {};
  m.symbol = "BTCUSDT";
  m.interval_s = 3600;
  m.mark = px("50001");
  fs.on_mark(m); // Bybit-style partial update keeps the rate
  REQUIRE(sink.rates.size() == 2);
  CHECK(sink.rates[1].interval_s == 3600);
  CHECK(sink.rates[1].rate == ratio::from_string("0.0001").value());
  CHECK(sink.marks[1] == px("50001"));
}

TEST_CASE("canonical units: 1000-prefixed and per-coin listings meet in one unit") {
  auto units = unit_table::defaults();
  CHECK(units.of("PEPE") == ratio::from_units(1000));
  CHECK(units.of("BTC") == ratio::from_units(1));
  auto binance = spec("1000PEPEUSDT", "PEPE-PERP", "1000");
  binance.tick = px("0.0000001");
  auto percoin = spec("PEPE_USDC_PERP", "PEPE-PERP", "1");
  percoin.tick = px("0.000000001");
  percoin.lot = qty("1");
  percoin.min_qty = qty("1");
  auto odd = spec("PEPE-ODD", "PEPE-PERP", "3");
  auto btc = spec("BTCUSDT", "BTC-PERP", "1");
  std::vector<std::string> skipped;
  auto out = to_canonical_specs({binance, percoin, odd, btc}, units, &skipped);
  REQUIRE(out.size() == 3);
  CHECK(out[0].multiplier == ratio::from_units(1));
  CHECK(out[1].multiplier == ratio::from_string("0.001").value());
  CHECK(out[2].native_symbol == "BTCUSDT");
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0].rfind("PEPE-ODD: ", 0) == 0);
  // A per-coin lot of 1e-9 is 1e-12 canonical units: not representable.
  auto tiny = spec("TINY", "PEPE-PERP", "1");
  tiny.tick = px("0.000000001");
  tiny.lot = qty("0.000000001");
  tiny.min_qty = qty("0.000000001");
  skipped.clear();
  CHECK(to_canonical_specs({tiny}, units, &skipped).empty());
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0].find("canonical_units.PEPE") != std::string::npos);
}
