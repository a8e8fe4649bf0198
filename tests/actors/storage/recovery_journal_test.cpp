// Issue 5 in the store: funding payments share the fills family (fills values
// version 2 with a tag; version-1 fill values still decode), a pair's
// journal is read back for recovery (load_pair_journal), and the CSV export
// lists funding apart from fills.
#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "actors/recovery.hpp"
#include "actors/storage/codec.hpp"
#include "actors/storage/csv_export.hpp"
#include "actors/storage/store.hpp"
#include "tests/actors/storage/samples.hpp"
#include "tests/actors/storage/temp_dir.hpp"
#include "tests/actors/storage/csv_rows.hpp"

using namespace xarb;
using namespace xarb::storage;
using namespace xarb::storage::test;

namespace {

const std::string pair_p = "BTC-PERP:sim-a/sim-b";
const std::string pair_q = "ETH-PERP:sim-a/sim-b";

funding_record sample_funding(timestamp_ns ts, std::string pair = pair_p) {
  funding_record x;
  x.pair_id = std::move(pair);
  x.payment.venue = "sim-a";
  x.payment.symbol = "BTC-PERP";
  x.payment.position = qt("-0.5");
  x.payment.mark = px("65000.25");
  x.payment.rate = rt("0.0001");
  x.payment.amount = mn("3.250012");
  x.payment.ts = ts;
  return x;
}

fill_record fill_of(const std::string& pair, const std::string& client_id,
                    const std::string& fill_id, timestamp_ns ts) {
  auto x = sample_fill(ts, pair);
  x.fill.client_id = client_id;
  x.fill.fill_id = fill_id;
  return x;
}

order_update transition(const std::string& pair, const std::string& client_id,
                        order_state from, order_state to, timestamp_ns ts) {
  auto u = sample_order(ts, pair, client_id);
  u.from = from;
  u.to = to;
  return u;
}

/// The version-1 encoding of a fill (before funding shared the family): the
/// version byte then the CAF binary of the fill_record, no tag.
std::string legacy_fill_value(const fill_record& x) {
  auto v2 = encode_value(record{x});
  REQUIRE(v2);
  REQUIRE(v2->size() > 2);
  return std::string(1, '\x01') + v2->substr(2);
}

std::unique_ptr<store> open_store(const std::string& dir) {
  store_options opts;
  opts.dir = dir;
  opts.sync_journal = false;
  auto s = store::open(opts);
  REQUIRE_MESSAGE(s, (s ? "" : s.error().message));
  return std::move(*s);
}

} // namespace

TEST_SUITE("recovery journal") {
  TEST_CASE("a funding record round-trips as a version-2 fills value with its tag") {
    const timestamp_ns ts = 1'700'000'000'123'456'789;
    const record x{sample_funding(ts)};
    CHECK(family_of(x) == family::fills);
    CHECK(key_time(x) == ts);
    auto bytes = encode_value(x);
    REQUIRE(bytes);
    CHECK(static_cast<uint8_t>((*bytes)[0]) == fills_version);
    CHECK(static_cast<uint8_t>((*bytes)[1]) == static_cast<uint8_t>(fills_tag::funding));
    auto back = decode_value(family::fills, *bytes);
    REQUIRE(back);
    REQUIRE(std::holds_alternative<funding_record>(*back));
    CHECK(*back == x);
  }

  TEST_CASE("a fill record is written as version 2 with the fill tag and reads back") {
    const record x{sample_fill(42)};
    auto bytes = encode_value(x);
    REQUIRE(bytes);
    CHECK(static_cast<uint8_t>((*bytes)[0]) == fills_version);
    CHECK(static_cast<uint8_t>((*bytes)[1]) == static_cast<uint8_t>(fills_tag::fill));
    auto back = decode_value(family::fills, *bytes);
    REQUIRE(back);
    REQUIRE(std::holds_alternative<fill_record>(*back));
    CHECK(*back == x);
    // Other families keep version 1.
    auto order = encode_value(record{sample_order(42)});
    REQUIRE(order);
    CHECK(static_cast<uint8_t>((*order)[0]) == value_version);
  }

  TEST_CASE("a legacy version-1 fills value (no tag) still decodes") {
    const auto x = sample_fill(77);
    const auto legacy = legacy_fill_value(x);
    CHECK(static_cast<uint8_t>(legacy[0]) == 1);
    auto back = decode_value(family::fills, legacy);
    REQUIRE_MESSAGE(back, (back ? "" : back.error().message));
    REQUIRE(std::holds_alternative<fill_record>(*back));
    CHECK(std::get<fill_record>(*back) == x);
    // A version-1 value that is really a funding record is not a fill.
    auto funding = encode_value(record{sample_funding(77)});
    REQUIRE(funding);
    CHECK_FALSE(decode_value(family::fills, std::string(1, '\x01') + funding->substr(2)));
  }

  TEST_CASE("unknown fills tags, a missing tag, other versions and damage are errors") {
    auto bytes = encode_value(record{sample_funding(5)});
    REQUIRE(bytes);
    auto bad = *bytes;
    bad[1] = 9;
    auto res = decode_value(family::fills, bad);
    REQUIRE_FALSE(res);
    CHECK(res.code() == error_code::parse_error);
    CHECK(res.error().message.find("tag 9") != std::string::npos);
    bad[1] = 0;
    CHECK_FALSE(decode_value(family::fills, bad));
    // The version byte alone.
    auto alone = decode_value(family::fills, std::string(1, static_cast<char>(fills_version)));
    REQUIRE_FALSE(alone);
    CHECK(alone.code() == error_code::parse_error);
    // A future version.
    auto future = *bytes;
    future[0] = 3;
    CHECK_FALSE(decode_value(family::fills, future));
    // The tags do not cross: a funding payload tagged as a fill and back.
    auto swapped = *bytes;
    swapped[1] = static_cast<char>(fills_tag::fill);
    CHECK_FALSE(decode_value(family::fills, swapped));
    // Truncation and trailing bytes.
    for (std::size_t len = 2; len < bytes->size(); len += 5)
      CHECK_FALSE(decode_value(family::fills, bytes->substr(0, len)));
    CHECK_FALSE(decode_value(family::fills, *bytes + "x"));
    // A version-2 tagged value is not an order.
    CHECK_FALSE(decode_value(family::orders, *bytes));
  }

  TEST_CASE("load_pair_journal: this pair's bookings in order and its orders that may work") {
    temp_dir tmp;
    auto db = open_store(tmp.str());
    using os = order_state;
    // Orders of P (journal write order = the store's sequence).
    // A: over (filled).
    REQUIRE_FALSE(db->journal(std::vector<order_update>{
      transition(pair_p, "A", os::intent, os::intent, 100),
      transition(pair_p, "A", os::intent, os::sent, 101)}));
    REQUIRE_FALSE(db->journal(transition(pair_p, "A", os::sent, os::acked, 105)));
    REQUIRE_FALSE(db->journal(transition(pair_p, "A", os::acked, os::filled, 110)));
    // B: acked, still working.
    REQUIRE_FALSE(db->journal(transition(pair_p, "B", os::intent, os::intent, 200)));
    REQUIRE_FALSE(db->journal(transition(pair_p, "B", os::intent, os::sent, 201)));
    REQUIRE_FALSE(db->journal(transition(pair_p, "B", os::sent, os::acked, 205)));
    // C: partially filled.
    REQUIRE_FALSE(db->journal(transition(pair_p, "C", os::intent, os::sent, 301)));
    REQUIRE_FALSE(db->journal(transition(pair_p, "C", os::sent, os::partially_filled, 310)));
    // D: acked at 402 (local clock), then cancelled stamped 399 by the venue's
    // clock: the later write decides, though its key sorts first.
    REQUIRE_FALSE(db->journal(transition(pair_p, "D", os::intent, os::sent, 401)));
    REQUIRE_FALSE(db->journal(transition(pair_p, "D", os::sent, os::acked, 402)));
    REQUIRE_FALSE(db->journal(transition(pair_p, "D", os::acked, os::cancelled, 399)));
    // E: sent at 501, acked stamped 495: acked is its latest.
    REQUIRE_FALSE(db->journal(transition(pair_p, "E", os::intent, os::sent, 501)));
    REQUIRE_FALSE(db->journal(transition(pair_p, "E", os::sent, os::acked, 495)));
    // F: only its intent (the crash came before it was sent).
    REQUIRE_FALSE(db->journal(transition(pair_p, "F", os::intent, os::intent, 600)));
    // G: expired (its fate is unknown: it may still fill).
    REQUIRE_FALSE(db->journal(transition(pair_p, "G", os::intent, os::sent, 650)));
    REQUIRE_FALSE(db->journal(transition(pair_p, "G", os::sent, os::expired, 660)));
    // R: rejected.
    REQUIRE_FALSE(db->journal(transition(pair_p, "R", os::intent, os::sent, 670)));
    REQUIRE_FALSE(db->journal(transition(pair_p, "R", os::sent, os::rejected, 671)));
    // Another pair's orders, later in time: not P's.
    REQUIRE_FALSE(db->journal(transition(pair_q, "H", os::intent, os::sent, 9'000)));
    REQUIRE_FALSE(db->journal(transition(pair_q, "H", os::sent, os::acked, 9'001)));

    // Bookings: fills and funding of both pairs, one legacy fill value.
    const auto f1 = fill_of(pair_p, "A", "t-1", 150);
    const auto fq = fill_of(pair_q, "H", "t-2", 160);
    const auto p1 = sample_funding(170);
    const auto pq = sample_funding(175, pair_q);
    const auto f2 = fill_of(pair_p, "C", "t-3", 180); // written as version 1
    const auto f3 = fill_of(pair_p, "C", "t-4", 190);
    const auto p2 = sample_funding(195);
    REQUIRE_FALSE(db->journal(f1));
    REQUIRE_FALSE(db->journal(fq));
    REQUIRE_FALSE(db->journal(p1));
    REQUIRE_FALSE(db->journal(pq));
    REQUIRE_FALSE(db->put_raw(family::fills, encode_key(180, db->next_seq()),
                              legacy_fill_value(f2)));
    REQUIRE_FALSE(db->journal(f3));
    REQUIRE_FALSE(db->journal(p2));

    auto j = load_pair_journal(*db, pair_p);
    REQUIRE_MESSAGE(j, (j ? "" : j.error().message));
    // Bookings: P's only, journal order, fills and funding interleaved.
    REQUIRE(j->bookings.size() == 5);
    CHECK(std::get<order_fill>(j->bookings[0]) == f1.fill);
    CHECK(std::get<funding_payment>(j->bookings[1]) == p1.payment);
    CHECK(std::get<order_fill>(j->bookings[2]) == f2.fill);
    CHECK(std::get<order_fill>(j->bookings[3]) == f3.fill);
    CHECK(std::get<funding_payment>(j->bookings[4]) == p2.payment);
    // Orders: the latest transition of each, by write order; the ones over
    // (A filled, D cancelled, R rejected) are left out.
    std::set<std::string> ids;
    for (const auto& u : j->open_orders) {
      CHECK(u.pair_id == pair_p);
      CHECK(ids.insert(u.client_id).second); // one per order
    }
    CHECK(ids == std::set<std::string>{"B", "C", "E", "F", "G"});
    auto latest = [&](const std::string& id) {
      for (const auto& u : j->open_orders)
        if (u.client_id == id)
          return u;
      return order_update{};
    };
    CHECK(latest("B").to == os::acked);
    CHECK(latest("B").ts == 205);
    CHECK(latest("C").to == os::partially_filled);
    CHECK(latest("E").to == os::acked);
    CHECK(latest("E").ts == 495);
    CHECK(latest("F").to == os::intent);
    CHECK(latest("G").to == os::expired);
    // The latest order time of this pair (not the other pair's 9001).
    CHECK(j->last_order_ts == 671);

    // The other pair sees only its own.
    auto jq = load_pair_journal(*db, pair_q);
    REQUIRE(jq);
    REQUIRE(jq->bookings.size() == 2);
    CHECK(std::get<order_fill>(jq->bookings[0]) == fq.fill);
    CHECK(std::get<funding_payment>(jq->bookings[1]) == pq.payment);
    REQUIRE(jq->open_orders.size() == 1);
    CHECK(jq->open_orders[0].client_id == "H");
    CHECK(jq->open_orders[0].to == os::acked);
    CHECK(jq->last_order_ts == 9'001);

    // A pair with no records: an empty journal.
    auto none = load_pair_journal(*db, "SOL-PERP:sim-a/sim-b");
    REQUIRE(none);
    CHECK(none->bookings.empty());
    CHECK(none->open_orders.empty());
    CHECK(none->last_order_ts == 0);
  }

  TEST_CASE("load_pair_journal: a value that does not decode is an error") {
    temp_dir tmp;
    auto db = open_store(tmp.str());
    REQUIRE_FALSE(db->journal(fill_of(pair_p, "A", "t-1", 10)));
    REQUIRE_FALSE(db->put_raw(family::fills, encode_key(20, db->next_seq()), "\x02\x07junk"));
    auto j = load_pair_journal(*db, pair_p);
    REQUIRE_FALSE(j);
    CHECK(j.code() == error_code::parse_error);
    temp_dir tmp2;
    auto db2 = open_store(tmp2.str());
    REQUIRE_FALSE(db2->put_raw(family::orders, encode_key(20, 1), "\x09junk"));
    CHECK_FALSE(load_pair_journal(*db2, pair_p));
  }

  TEST_CASE("csv export: funding rows apart, fills without them") {
    temp_dir tmp;
    auto db = open_store(tmp.str());
    constexpr timestamp_ns t0 = 1'709'294'400'000'000'001; // 2024-03-01T12:00:00.000000001Z
    REQUIRE_FALSE(db->journal(sample_fill(t0)));
    REQUIRE_FALSE(db->journal(sample_funding(t0 + 1)));
    REQUIRE_FALSE(db->journal(sample_funding(t0 + 2, pair_q)));
    auto run = [&](std::string_view kind, std::string_view pair = "") {
      std::ostringstream out;
      auto err = export_csv(*db, kind, ts_min, ts_max, pair, out);
      REQUIRE_MESSAGE(!err, err.message);
      return csv_rows(out.str());
    };
    auto funding = run("funding");
    REQUIRE(funding.size() == 3);
    CHECK(funding[0] == "ts_ns,ts,pair_id,venue,symbol,position,mark,rate,amount");
    CHECK(funding[1] == "1709294400000000002,2024-03-01T12:00:00.000000002Z,"
                        "BTC-PERP:sim-a/sim-b,sim-a,BTC-PERP,-0.5,65000.25,0.0001,3.250012");
    CHECK(funding[2].find(pair_q) != std::string::npos);
    // The pair filter applies.
    auto only_q = run("funding", pair_q);
    REQUIRE(only_q.size() == 2);
    CHECK(only_q[1].find(pair_q) != std::string::npos);
    // Fills: the fill only.
    auto fills = run("fills");
    REQUIRE(fills.size() == 2);
    CHECK(fills[1].find("t-12345") != std::string::npos);
    // "funding" is a listed kind.
    CHECK(csv_kinds.find("funding") != std::string_view::npos);
  }
}
