#pragma once
// Codec <-> mock protocol round trips shared by the Binance, Aster and
// Backpack tests: listing, REST snapshot, subscriptions from plan(), book /
// BBO / mark frames, the gap rule through the mock's numbering, and the
// recorded-frames file (generated once from the mock, then decoded with
// literal expected values so codec and mock cannot drift together).

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "tests/venues/binance/venue_test_util.hpp"

namespace xarb::test {

/// The three BTC deltas the fake simulator "produces" after its snapshot at
/// seq 1000 (first_seq / seq / prev_seq as mock_market numbers them).
inline std::vector<book_delta> btc_deltas(const fake_market& m, std::string_view venue) {
  std::vector<book_delta> ds(3);
  for (auto& d : ds) {
    d.venue = std::string{venue};
    d.symbol = m.native(0);
  }
  ds[0].first_seq = 1001, ds[0].seq = 1001, ds[0].prev_seq = 1000;
  ds[0].exchange_ts = binance_times::book_ts + 1'000'000;
  ds[0].bids = {lvl("27450.1", "0")};
  ds[0].asks = {lvl("27450.2", "1.2")};
  ds[1].first_seq = 1002, ds[1].seq = 1003, ds[1].prev_seq = 1001;
  ds[1].exchange_ts = binance_times::book_ts + 2'000'000;
  ds[1].bids = {lvl("27449.9", "0.5"), lvl("27449.5", "0")};
  ds[2].first_seq = 1004, ds[2].seq = 1004, ds[2].prev_seq = 1003;
  ds[2].exchange_ts = binance_times::book_ts + 3'000'000;
  ds[2].asks = {lvl("27450.3", "2")};
  return ds;
}

inline top_of_book btc_top(const fake_market& m, std::string_view venue) {
  top_of_book t;
  t.venue = std::string{venue};
  t.symbol = m.native(0);
  t.seq = 1004;
  t.bid = lvl("27450", "2.25");
  t.ask = lvl("27450.2", "1.2");
  t.exchange_ts = binance_times::book_ts + 3'000'000;
  return t;
}

inline mock::ws_client& books_client(std::vector<subscribed>& subs) {
  for (auto& s : subs)
    if (s.plan.books)
      return s.client;
  throw std::runtime_error("no books connection");
}

inline mock::ws_client& marks_client(std::vector<subscribed>& subs) {
  for (auto& s : subs)
    if (!s.client.marks.empty())
      return s.client;
  throw std::runtime_error("no mark subscription");
}

/// Listing and snapshots: what the mock serves parses back to its specs
/// and books. Returns the codec's skip lines.
inline std::vector<std::string> rest_roundtrip(venues::md_codec& codec, mock::venue_protocol& p,
                                               const fake_market& m, bool lists_min_notional = true) {
  auto skipped = check_listing_roundtrip(codec, p, m, [&](instrument_spec& want, const instrument_spec&) {
    want.max_leverage = 0; // not in these venues' public listings
    if (!lists_min_notional)
      want.min_notional = money::zero();
  });
  for (const auto& mi : m.instruments()) {
    auto snap = codec.parse_snapshot(mi.spec.native_symbol,
                                     rest_body(p, m, codec.snapshot_request(mi.spec.native_symbol)));
    REQUIRE(snap);
    CHECK(*snap == m.book(mi.spec.native_symbol, 1000));
  }
  return skipped;
}

/// Book, BBO and mark frames from the mock decode to what was encoded.
inline void stream_roundtrip(venues::md_codec& codec, mock::venue_protocol& p, fake_market& m,
                             std::vector<subscribed>& subs) {
  auto& bc = books_client(subs);
  const auto venue = codec.info().name;
  for (auto d : btc_deltas(m, venue)) {
    std::vector<std::string> out;
    p.book_frames(d, bc, m, out);
    REQUIRE(out.size() == 1);
    recorder h;
    REQUIRE(decode(codec, out[0], h, 99).kind == frame_kind::data);
    REQUIRE(h.deltas.size() == 1);
    d.recv_ts = 99;
    CHECK(h.deltas[0] == d);
  }
  // A book nobody subscribed gives nothing.
  auto other = btc_deltas(m, venue)[0];
  other.symbol = "NOTLISTED";
  std::vector<std::string> none;
  p.book_frames(other, bc, m, none);
  CHECK(none.empty());

  auto t = btc_top(m, venue);
  std::vector<std::string> out;
  p.top_frames(t, bc, out);
  REQUIRE(out.size() == 1);
  recorder h;
  REQUIRE(decode(codec, out[0], h, 5).kind == frame_kind::data);
  REQUIRE(h.tops.size() == 1);
  t.recv_ts = 5;
  CHECK(h.tops[0] == t);

  auto& mc = marks_client(subs);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto st = *m.mark(m.native(i));
    out.clear();
    p.mark_frames(m.native(i), st, binance_times::now_ns, mc, out);
    REQUIRE(out.size() == 1);
    h.clear();
    REQUIRE(decode(codec, out[0], h).kind == frame_kind::data);
    REQUIRE(h.marks.size() == 1);
    const auto& mk = h.marks[0];
    CHECK(mk.symbol == m.native(i));
    CHECK(mk.mark == st.mark);
    CHECK(mk.index == st.index);
    CHECK(mk.rate == st.rate);
    CHECK(mk.next_funding_ts == st.next_funding_ts);
    CHECK(mk.ts == binance_times::now_ns);
  }
}

/// REST snapshot + the mock's delta numbering through order_book: continuous
/// updates apply, stale ones are dropped, a lost update is a gap.
inline void gap_through_mock(venues::md_codec& codec, mock::venue_protocol& p, fake_market& m,
                             std::vector<subscribed>& subs, bool lose_second) {
  auto& bc = books_client(subs);
  const auto native = m.native(0);
  const auto a = p.rest(to_rest_call(codec.snapshot_request(native)), m);
  auto snap = codec.parse_snapshot(native, a.body);
  REQUIRE(snap);
  order_book book;
  REQUIRE(book.apply(*snap) == error_code::none);
  bool first = true;
  auto feed = [&](const book_delta& d) {
    std::vector<std::string> out;
    p.book_frames(d, bc, m, out);
    REQUIRE(out.size() == 1);
    recorder h;
    REQUIRE(decode(codec, out[0], h).kind == frame_kind::data);
    return bridge_apply(book, h.deltas.at(0), first);
  };
  auto stale = btc_deltas(m, codec.info().name)[0];
  stale.first_seq = 999, stale.seq = 1000, stale.prev_seq = 998;
  stale.bids = {lvl("1", "1")};
  CHECK(feed(stale) == error_code::none); // already in the snapshot
  CHECK(book.seq() == 1000);
  const auto ds = btc_deltas(m, codec.info().name);
  CHECK(feed(ds[0]) == error_code::none);
  if (lose_second) {
    CHECK(feed(ds[2]) == error_code::sequence_gap);
    CHECK_FALSE(book.synced());
    return;
  }
  CHECK(feed(ds[1]) == error_code::none);
  CHECK(feed(ds[2]) == error_code::none);
  CHECK(book.seq() == 1004);
  CHECK(book.best_bid() == lvl("27450", "2.25"));
  CHECK(book.level(book_side::bid, 1) == lvl("27449.9", "0.5"));
  CHECK(book.levels(book_side::bid) == 2);
  CHECK(book.best_ask() == lvl("27450.2", "1.2"));
  CHECK(book.level(book_side::ask, 1) == lvl("27450.3", "2"));
}

/// The frames to record: REST bodies, three deltas, BBO, two marks, the
/// subscribe answer (if any) and an error answer.
inline std::vector<frame_line> record(venues::md_codec& codec, mock::venue_protocol& p, fake_market& m,
                                      std::vector<subscribed>& subs, const std::string& bad_subscribe) {
  const std::string v = codec.info().name;
  std::vector<frame_line> lines;
  int i = 0;
  for (const auto& req : codec.instruments_requests())
    lines.push_back({v, "rest_instruments_" + std::to_string(++i), "mock:GET " + req.target,
                     p.rest(to_rest_call(req), m).body});
  const auto sreq = codec.snapshot_request(m.native(0));
  lines.push_back({v, "rest_depth", "mock:GET " + sreq.target, p.rest(to_rest_call(sreq), m).body});
  auto& bc = books_client(subs);
  i = 0;
  for (const auto& d : btc_deltas(m, v)) {
    std::vector<std::string> out;
    p.book_frames(d, bc, m, out);
    lines.push_back({v, "ws_delta_" + std::to_string(++i), "mock:book_frames", out.at(0)});
  }
  std::vector<std::string> out;
  p.top_frames(btc_top(m, v), bc, out);
  lines.push_back({v, "ws_top", "mock:top_frames", out.at(0)});
  for (std::size_t k = 0; k < 2; ++k) {
    out.clear();
    p.mark_frames(m.native(k), *m.mark(m.native(k)), binance_times::now_ns, marks_client(subs), out);
    lines.push_back({v, "ws_mark_" + std::to_string(k + 1), "mock:mark_frames", out.at(0)});
  }
  for (const auto& s : subs)
    if (!s.answers.empty()) {
      lines.push_back({v, "ws_ack", "mock:on_client_text(subscribe)", s.answers[0]});
      break;
    }
  out.clear();
  mock::ws_client c;
  c.target = subs.at(0).client.target;
  p.on_client_text(bad_subscribe, c, m, out);
  lines.push_back({v, "ws_error", "mock:on_client_text(" + bad_subscribe + ")", out.at(0)});
  return lines;
}

/// The comment lines of a recorded file.
inline std::string frames_header(const std::vector<frame_line>& lines) {
  const auto& v = lines.at(0).venue;
  return "# Frames recorded from the " + v + " mock protocol (tests/venues/" + v
         + "); regenerate with XARB_WRITE_MOCK_FRAMES=1.\n";
}

/// Literal expectations for a recorded file (shared numbers of fake_market;
/// names per venue): natives = BTC, ETH, PEPE perps as the venue spells them.
inline void check_recorded(venues::md_codec& codec, const std::vector<frame_line>& lines,
                           const std::vector<std::string>& natives, const std::string& quote) {
  const std::string v = codec.info().name;
  std::vector<std::string> bodies;
  for (const auto& l : lines) {
    CHECK(l.venue == v);
    if (l.kind.starts_with("rest_instruments_"))
      bodies.push_back(l.frame);
  }
  REQUIRE(bodies.size() == codec.instruments_requests().size());
  auto specs = codec.parse_instruments(bodies);
  REQUIRE(specs);
  REQUIRE(specs->size() == 3);
  const char* ticks[] = {"0.1", "0.01", "0.0000001"};
  const char* lots[] = {"0.001", "0.001", "1"};
  const char* bases[] = {"BTC", "ETH", "PEPE"};
  const int32_t funding[] = {8 * 3600, 4 * 3600, 4 * 3600};
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    const auto& s = (*specs)[i];
    CHECK(s.native_symbol == natives[i]);
    CHECK(s.base == bases[i]);
    CHECK(s.quote == quote);
    CHECK(s.tick == px(ticks[i]));
    CHECK(s.lot == qty(lots[i]));
    CHECK(s.min_qty == qty(lots[i]));
    CHECK(s.multiplier == ratio::from_units(i == 2 ? 1000 : 1));
    CHECK(s.funding_interval_s == funding[i]);
  }

  auto snap = codec.parse_snapshot(natives[0], frame_of(lines, "rest_depth").frame);
  REQUIRE(snap);
  CHECK(snap->seq == 1000);
  CHECK(snap->exchange_ts == 1'754'903'057'555'000'000);
  CHECK(snap->bids == std::vector<book_level>{lvl("27450.1", "1.5"), lvl("27450", "2.25"),
                                              lvl("27449.5", "0.01")});
  CHECK(snap->asks == std::vector<book_level>{lvl("27450.2", "0.8"), lvl("27451", "3")});

  recorder h;
  for (int i = 1; i <= 3; ++i)
    REQUIRE(decode(codec, frame_of(lines, "ws_delta_" + std::to_string(i)).frame, h).kind
            == frame_kind::data);
  REQUIRE(h.deltas.size() == 3);
  const uint64_t first[] = {1001, 1002, 1004}, last[] = {1001, 1003, 1004}, prev[] = {1000, 1001, 1003};
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    CHECK(h.deltas[i].symbol == natives[0]);
    CHECK(h.deltas[i].first_seq == first[i]);
    CHECK(h.deltas[i].seq == last[i]);
    CHECK(h.deltas[i].prev_seq == prev[i]);
    CHECK(h.deltas[i].exchange_ts == 1'754'903'057'555'000'000 + static_cast<int64_t>(i + 1) * 1'000'000);
  }
  CHECK(h.deltas[0].bids == std::vector<book_level>{lvl("27450.1", "0")});
  CHECK(h.deltas[0].asks == std::vector<book_level>{lvl("27450.2", "1.2")});
  CHECK(h.deltas[1].bids == std::vector<book_level>{lvl("27449.9", "0.5"), lvl("27449.5", "0")});
  CHECK(h.deltas[1].asks.empty());
  CHECK(h.deltas[2].asks == std::vector<book_level>{lvl("27450.3", "2")});

  REQUIRE(decode(codec, frame_of(lines, "ws_top").frame, h).kind == frame_kind::data);
  REQUIRE(h.tops.size() == 1);
  CHECK(h.tops[0].symbol == natives[0]);
  CHECK(h.tops[0].seq == 1004);
  CHECK(h.tops[0].bid == lvl("27450", "2.25"));
  CHECK(h.tops[0].ask == lvl("27450.2", "1.2"));

  REQUIRE(decode(codec, frame_of(lines, "ws_mark_1").frame, h).kind == frame_kind::data);
  REQUIRE(decode(codec, frame_of(lines, "ws_mark_2").frame, h).kind == frame_kind::data);
  REQUIRE(h.marks.size() == 2);
  CHECK(h.marks[0].symbol == natives[0]);
  CHECK(h.marks[0].mark == px("27450.15"));
  CHECK(h.marks[0].index == px("27449.9"));
  CHECK(h.marks[0].rate == rt("0.000125"));
  CHECK(h.marks[0].next_funding_ts == 1'754'928'000'000'000'000);
  CHECK(h.marks[0].ts == 1'754'903'057'600'000'000);
  CHECK(h.marks[1].symbol == natives[1]);
  CHECK(h.marks[1].mark == px("1850.5"));
  CHECK(h.marks[1].rate == rt("-0.00002"));

  for (const auto& l : lines)
    if (l.kind == "ws_ack")
      CHECK(decode(codec, l.frame, h).kind == frame_kind::ack);
  CHECK(decode(codec, frame_of(lines, "ws_error").frame, h).kind == frame_kind::error);
  CHECK(h.calls() == 6);

  // Robustness: no prefix of any recorded frame is taken for data, and the
  // REST parsers reject every prefix of their bodies.
  for (const auto& l : lines) {
    CAPTURE(l.kind);
    if (l.kind.starts_with("ws_")) {
      check_prefixes(codec, l.frame);
    } else if (l.kind == "rest_depth") {
      check_snapshot_prefixes(codec, natives[0], l.frame);
    } else {
      // Listing bodies are long: every 7th prefix keeps the test fast.
      const auto i = static_cast<std::size_t>(std::find(bodies.begin(), bodies.end(), l.frame) - bodies.begin());
      check_listing_prefixes(codec, bodies, i, 7);
    }
  }
}

} // namespace xarb::test
