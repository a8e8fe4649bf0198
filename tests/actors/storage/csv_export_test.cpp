// CSV export: headers, RFC 4180 quoting, exact decimals, time and pair
// filters, unknown kinds.
#include "actors/storage/csv_export.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <sstream>
#include <vector>

#include "tests/actors/storage/samples.hpp"
#include "tests/actors/storage/temp_dir.hpp"
#include "tests/actors/storage/csv_rows.hpp"

using namespace xarb;
using namespace xarb::storage;
using namespace xarb::storage::test;

namespace {


struct fixture {
  fixture() {
    store_options opts;
    opts.dir = tmp.str();
    opts.sync_journal = false;
    auto s = store::open(opts);
    REQUIRE(s);
    db = std::move(*s);
  }
  std::string run(std::string_view kind, timestamp_ns from = ts_min,
                  timestamp_ns to = ts_max, std::string_view pair = "") {
    std::ostringstream out;
    auto err = export_csv(*db, kind, from, to, pair, out);
    REQUIRE_MESSAGE(!err, err.message);
    return out.str();
  }
  temp_dir tmp;
  std::unique_ptr<store> db;
};

constexpr timestamp_ns t0 = 1'709'294'400'000'000'001; // 2024-03-01T12:00:00.000000001Z

} // namespace

TEST_CASE("ISO-8601 UTC timestamps") {
  CHECK(iso8601_utc(0) == "1970-01-01T00:00:00.000000000Z");
  CHECK(iso8601_utc(t0) == "2024-03-01T12:00:00.000000001Z");
  CHECK(iso8601_utc(-1) == "1969-12-31T23:59:59.999999999Z");
  CHECK(iso8601_utc(951'782'400'000'000'000) == "2000-02-29T00:00:00.000000000Z");
  CHECK(iso8601_utc(ts_max) == "2262-04-11T23:47:16.854775807Z");
  CHECK(iso8601_utc(ts_min) == "1677-09-21T00:12:43.145224192Z");
}

TEST_CASE("RFC 4180 quoting") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("") == "");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("cr\rhere") == "\"cr\rhere\"");
}

TEST_CASE_FIXTURE(fixture, "orders: header, exact decimals and quoted reason") {
  REQUIRE_FALSE(db->journal(sample_order(t0)));
  auto rows = csv_rows(run("orders"));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == "ts_ns,ts,pair_id,client_id,venue,symbol,side,tif,purpose,price,qty,"
                   "filled,fees,from,to,reason");
  CHECK(rows[1] == "1709294400000000001,2024-03-01T12:00:00.000000001Z,"
                   "BTC-PERP:sim-a/sim-b,n1-p1-7,sim-a,BTC-PERP,sell,post_only,hedge,"
                   "65432.1,0.125,0.05,-0.0123,acked,partially_filled,"
                   "\"partial, \"\"maker\"\"\"");
}

TEST_CASE_FIXTURE(fixture, "fills: header and row") {
  REQUIRE_FALSE(db->journal(sample_fill(t0)));
  auto rows = csv_rows(run("fills"));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == "ts_ns,ts,pair_id,client_id,venue_order_id,fill_id,venue,symbol,side,"
                   "price,qty,leaves_qty,fee,liquidity");
  CHECK(rows[1] == "1709294400000000001,2024-03-01T12:00:00.000000001Z,"
                   "BTC-PERP:sim-a/sim-b,n1-p1-7,v-99,t-12345,sim-b,BTC-PERP,sell,"
                   "65000.5,0.001,0.002,0.0325,maker");
}

TEST_CASE_FIXTURE(fixture, "events: newlines and quotes in text are quoted") {
  batch b;
  b.add(sample_event(t0, "line one\nline \"two\", end"));
  REQUIRE_FALSE(db->write(std::move(b)));
  auto text = run("events");
  CHECK(text == "ts_ns,ts,severity,source,text\r\n"
                "1709294400000000001,2024-03-01T12:00:00.000000001Z,warning,"
                "pair_trader/BTC-PERP:sim-a/sim-b,"
                "\"line one\nline \"\"two\"\", end\"\r\n");
}

TEST_CASE_FIXTURE(fixture, "spreads: exact ratios and statistics") {
  batch b;
  b.add(sample_spread(t0));
  REQUIRE_FALSE(db->write(std::move(b)));
  auto rows = csv_rows(run("spreads"));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].rfind("ts_ns,ts,pair_id,symbol,venue_a,venue_b,bid_a,", 0) == 0);
  CHECK(rows[1] == "1709294400000000001,2024-03-01T12:00:00.000000001Z,"
                   "BTC-PERP:sim-a/sim-b,BTC-PERP,sim-a,sim-b,100.5,100.6,100.4,100.45,"
                   "2,0.0005,-0.002,0.25,1.5,-0.5,0.125,2,3,600,true,-7.25,4.5");
}

TEST_CASE_FIXTURE(fixture, "an empty range still writes the header") {
  auto rows = csv_rows(run("fills"));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].rfind("ts_ns,ts,pair_id,", 0) == 0);
}

TEST_CASE_FIXTURE(fixture, "filters by time range [from, to) and by pair") {
  for (int i = 0; i < 4; ++i) {
    REQUIRE_FALSE(db->journal(sample_fill(t0 + i, "A:x/y")));
    REQUIRE_FALSE(db->journal(sample_fill(t0 + i, "B:x/y")));
  }
  CHECK(csv_rows(run("fills")).size() == 9);
  CHECK(csv_rows(run("fills", t0 + 1, t0 + 3)).size() == 5);
  auto only_a = csv_rows(run("fills", t0 + 1, t0 + 3, "A:x/y"));
  REQUIRE(only_a.size() == 3);
  CHECK(only_a[1].rfind(std::to_string(t0 + 1) + ",", 0) == 0);
  CHECK(only_a[2].rfind(std::to_string(t0 + 2) + ",", 0) == 0);
  CHECK(only_a[1].find(",A:x/y,") != std::string::npos);
  CHECK(only_a[2].find(",A:x/y,") != std::string::npos);
  CHECK(csv_rows(run("fills", ts_min, ts_max, "C:x/y")).size() == 1);

  batch b;
  b.add(sample_event(t0, "A:x/y halted"));
  b.add(sample_event(t0, "other"));
  REQUIRE_FALSE(db->write(std::move(b)));
  auto ev = csv_rows(run("events", ts_min, ts_max, "A:x/y"));
  REQUIRE(ev.size() == 2);
  CHECK(ev[1].find("A:x/y halted") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "unknown kind is an error listing the valid kinds") {
  std::ostringstream out;
  auto err = export_csv(*db, "positions", ts_min, ts_max, "", out);
  CHECK(err.code == error_code::config_error);
  CHECK(err.message.find("positions") != std::string::npos);
  CHECK(err.message.find("fills, orders, events, spreads") != std::string::npos);
  CHECK(out.str().empty());
}

TEST_CASE_FIXTURE(fixture, "a corrupt value fails the export") {
  REQUIRE_FALSE(db->put_raw(family::orders, encode_key(t0, 1), "\x09x"));
  std::ostringstream out;
  auto err = export_csv(*db, "orders", ts_min, ts_max, "", out);
  CHECK(err.code == error_code::parse_error);
}

TEST_CASE_FIXTURE(fixture, "history: one row per symbol and venue, exact mids, symbol filter") {
  batch b;
  b.add(sample_market(t0 + 1, "BTC-PERPX"));
  b.add(sample_market(t0, "BTC-PERP"));
  auto odd = sample_market(t0 + 2, "BTC-PERP");
  odd.venues = {{"v", px("0.000000001"), px("0.000000002"), rt("-0.5"), 3'600, true, false},
                {"w", px("0"), px("3"), rt("0"), 0, false, true}};
  b.add(odd);
  b.add(sample_market(t0 + 3, "ETH-PERP"));
  REQUIRE_FALSE(db->write(std::move(b)));
  auto rows = csv_rows(run("history"));
  REQUIRE(rows.size() == 1 + 4 * 2);
  CHECK(rows[0] == "ts_ns,ts,symbol,venue,bid,ask,mid,funding_rate,interval_s,"
                   "funding_known,stale");
  CHECK(rows[1] == "1709294400000000001,2024-03-01T12:00:00.000000001Z,BTC-PERP,sim-a,"
                   "65000.5,65001,65000.75,0.0001,28800,true,false");
  CHECK(rows[2] == "1709294400000000001,2024-03-01T12:00:00.000000001Z,BTC-PERP,sim-b,"
                   "64999.9,65000.25,65000.075,0,0,false,true");
  // Half a nano rounds away from zero; a missing side leaves mid empty.
  CHECK(rows[3] == "1709294400000000003,2024-03-01T12:00:00.000000003Z,BTC-PERP,v,"
                   "0.000000001,0.000000002,0.000000002,-0.5,3600,true,false");
  CHECK(rows[4] == "1709294400000000003,2024-03-01T12:00:00.000000003Z,BTC-PERP,w,"
                   "0,3,,0,0,false,true");
  // Key order: symbol by symbol ("BTC-PERP" before "BTC-PERPX").
  CHECK(rows[5].find(",BTC-PERPX,sim-a,") != std::string::npos);
  CHECK(rows[7].find(",ETH-PERP,sim-a,") != std::string::npos);
  // The pair argument is the symbol, exact: BTC-PERPX is not BTC-PERP.
  auto btc = csv_rows(run("history", ts_min, ts_max, "BTC-PERP"));
  REQUIRE(btc.size() == 5);
  CHECK(btc[0] == rows[0]);
  CHECK(std::vector<std::string>(btc.begin() + 1, btc.end())
        == std::vector<std::string>(rows.begin() + 1, rows.begin() + 5));
  auto later = csv_rows(run("history", t0 + 1, ts_max, "BTC-PERP"));
  REQUIRE(later.size() == 3);
  CHECK(later[1] == rows[3]);
  // The time range without a symbol: every symbol's samples in it.
  auto mid = csv_rows(run("history", t0 + 1, t0 + 3));
  REQUIRE(mid.size() == 5);
  CHECK(mid[1] == rows[3]);
  CHECK(mid[3] == rows[5]);
  CHECK(csv_rows(run("history", ts_min, ts_max, "SOL-PERP")).size() == 1);
}
