// `xarb export` end to end: a store with known records written through the
// store API, then the real xarb binary (XARB_BIN) run on it with std::system.
// Also parse_time and store::open_read_only directly.
#include "nodes/export_command.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <stdlib.h>
#include <sys/wait.h>

#include "actors/storage/csv_export.hpp"
#include "actors/storage/store.hpp"
#include "tests/actors/storage/samples.hpp"
#include "tests/actors/storage/temp_dir.hpp"
#include "tests/actors/storage/csv_rows.hpp"

using namespace xarb;
using namespace xarb::storage;
using namespace xarb::storage::test;

namespace {

namespace fs = std::filesystem;

constexpr timestamp_ns t0 = 1'795'323'600'000'000'000; // 2026-11-22T05:00:00Z
constexpr timestamp_ns sec = 1'000'000'000;
constexpr auto pair_a = "BTC-PERP:sim-a/sim-b";
constexpr auto pair_b = "ETH-PERP:sim-a/sim-c";

std::string slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct result {
  int code = -1;
  std::string out;
  std::string err;
};

/// A data dir whose store (DATA/db) holds two records of every exported
/// kind: pair A at t0, pair B at t0 + 1 s (events: text names the pair).
struct fixture {
  fixture() {
    auto db = open_rw();
    REQUIRE_FALSE(db->journal(sample_fill(t0, pair_a)));
    REQUIRE_FALSE(db->journal(sample_fill(t0 + sec, pair_b)));
    REQUIRE_FALSE(db->journal(sample_order(t0, pair_a)));
    REQUIRE_FALSE(db->journal(sample_order(t0 + sec, pair_b, "n1-p2-1")));
    batch b;
    b.add(sample_event(t0, std::string{"entry on "} + pair_a));
    b.add(sample_event(t0 + sec, std::string{"entry on "} + pair_b));
    b.add(sample_spread(t0, pair_a));
    b.add(sample_spread(t0 + sec, pair_b));
    REQUIRE_FALSE(db->write(std::move(b)));
  }

  std::string data() const { return (tmp.path() / "data").string(); }

  std::unique_ptr<store> open_rw() const {
    store_options opts;
    opts.dir = cli::store_dir(data());
    opts.sync_journal = false;
    auto s = store::open(opts);
    REQUIRE(s);
    return std::move(*s);
  }

  /// `xarb <args>` with stdout and stderr captured.
  result xarb(const std::string& args) const {
    auto out = tmp.path() / "stdout";
    auto err = tmp.path() / "stderr";
    std::string cmd = std::string{XARB_BIN} + " " + args + " >" + out.string() + " 2>"
                      + err.string();
    int status = std::system(cmd.c_str());
    REQUIRE(WIFEXITED(status));
    return {WEXITSTATUS(status), slurp(out), slurp(err)};
  }

  /// What the library writes in-process for the same query.
  std::string expected_csv(std::string_view kind, timestamp_ns from, timestamp_ns to,
                           std::string_view pair) const {
    auto db = store::open_read_only(cli::store_dir(data()));
    REQUIRE(db);
    std::ostringstream s;
    REQUIRE_FALSE(export_csv(**db, kind, from, to, pair, s));
    return s.str();
  }

  temp_dir tmp;
};


} // namespace

TEST_CASE("parse_time: ISO-8601 UTC and integer nanoseconds") {
  CHECK(cli::parse_time("2026-11-22T05:00:00Z").value() == t0);
  CHECK(cli::parse_time("2026-11-22T05:00:00+00:00").value() == t0);
  CHECK(cli::parse_time("2026-11-22T05:00:00.5Z").value() == t0 + sec / 2);
  CHECK(cli::parse_time("2026-11-22T05:00:00.000000001Z").value() == t0 + 1);
  CHECK(cli::parse_time("1970-01-01T00:00:00Z").value() == 0);
  CHECK(cli::parse_time("1969-12-31T23:59:59.999999999Z").value() == -1);
  CHECK(cli::parse_time("2024-02-29T00:00:00Z").value() == 1'709'164'800 * sec);
  CHECK(cli::parse_time("1795323600000000000").value() == t0);
  CHECK(cli::parse_time("-5").value() == -5);
  CHECK(cli::parse_time("0").value() == 0);
  for (const char* bad : {"", "yesterday", "2026-11-22", "2026-11-22T05:00:00",
                          "2026-11-22T05:00:00+01:00", "2026-13-01T00:00:00Z",
                          "2023-02-29T00:00:00Z", "2026-11-22T24:00:00Z",
                          "2026-11-22T05:00:00.Z", "2026-11-22T05:00:00.1234567890Z",
                          "2026-11-22 05:00:00Z", "9999-01-01T00:00:00Z", "12x",
                          "99999999999999999999", "1-2"}) {
    CAPTURE(bad);
    auto t = cli::parse_time(bad);
    REQUIRE_FALSE(t);
    CHECK(t.error().code == error_code::parse_error);
    CHECK(t.error().message.find("ISO-8601") != std::string::npos);
  }
}

TEST_CASE("open_read_only: reads, refuses writes, creates nothing") {
  fixture f;
  auto db = store::open_read_only(cli::store_dir(f.data()));
  REQUIRE(db);
  CHECK((*db)->read_only());
  int n = 0;
  REQUIRE_FALSE((*db)->scan(family::fills, ts_min, ts_max, [&](const stored_record&) {
    ++n;
    return true;
  }));
  CHECK(n == 2);
  CHECK((*db)->journal(sample_fill(t0)).code == error_code::io_error);
  CHECK((*db)->put_raw(family::fills, "k", "v").code == error_code::io_error);
  CHECK((*db)->compact(family::fills).code == error_code::io_error);
  batch b;
  b.add(sample_event(t0));
  CHECK((*db)->write(std::move(b)).code == error_code::io_error);

  auto missing = f.tmp.path() / "nothing" / "db";
  auto none = store::open_read_only(missing.string());
  REQUIRE_FALSE(none);
  CHECK(none.error().code == error_code::io_error);
  CHECK_FALSE(fs::exists(missing.parent_path()));
}

TEST_CASE("xarb export: every kind, header and rows") {
  fixture f;
  auto r = f.xarb("export fills --data-dir " + f.data());
  REQUIRE_MESSAGE(r.code == 0, r.err);
  auto rows = csv_rows(r.out);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == "ts_ns,ts,pair_id,client_id,venue_order_id,fill_id,venue,symbol,side,"
                   "price,qty,leaves_qty,fee,liquidity");
  CHECK(rows[1] == "1795323600000000000,2026-11-22T05:00:00.000000000Z,"
                   "BTC-PERP:sim-a/sim-b,n1-p1-7,v-99,t-12345,sim-b,BTC-PERP,sell,"
                   "65000.5,0.001,0.002,0.0325,maker");
  CHECK(rows[2].rfind("1795323601000000000,2026-11-22T05:00:01.000000000Z,"
                      "ETH-PERP:sim-a/sim-c,",
                      0)
        == 0);

  for (const char* kind : {"orders", "events", "spreads", "fills"}) {
    CAPTURE(kind);
    auto k = f.xarb(std::string{"export "} + kind + " -d " + f.data());
    REQUIRE_MESSAGE(k.code == 0, k.err);
    CHECK(csv_rows(k.out).size() == 3);
    CHECK(k.out == f.expected_csv(kind, ts_min, ts_max, ""));
    CHECK(k.err.empty());
  }
  CHECK(csv_rows(f.xarb("export orders -d " + f.data()).out)[0].rfind("ts_ns,ts,pair_id,client_id",
                                                                    0)
        == 0);
  CHECK(csv_rows(f.xarb("export events -d " + f.data()).out)[0] == "ts_ns,ts,severity,source,text");
  CHECK(csv_rows(f.xarb("export spreads -d " + f.data()).out)[0].rfind("ts_ns,ts,pair_id,symbol",
                                                                     0)
        == 0);
}

TEST_CASE("xarb export: --pair, --from, --to") {
  fixture f;
  for (const char* kind : {"fills", "orders", "spreads", "events"}) {
    CAPTURE(kind);
    auto r = f.xarb(std::string{"export "} + kind + " -d " + f.data() + " --pair " + pair_b);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto rows = csv_rows(r.out);
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].rfind("1795323601000000000,", 0) == 0);
    CHECK(rows[1].find(pair_b) != std::string::npos);
    CHECK(r.out == f.expected_csv(kind, ts_min, ts_max, pair_b));
  }
  // --from inclusive (ISO with a fraction), --to exclusive (integer ns).
  auto r = f.xarb("export fills -d " + f.data() + " --from 2026-11-22T05:00:00.5Z");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  REQUIRE(csv_rows(r.out).size() == 2);
  CHECK(csv_rows(r.out)[1].find(pair_b) != std::string::npos);
  r = f.xarb("export orders -d " + f.data() + " --from 2026-11-22T05:00:00Z --to "
             + std::to_string(t0 + sec));
  REQUIRE_MESSAGE(r.code == 0, r.err);
  REQUIRE(csv_rows(r.out).size() == 2);
  CHECK(csv_rows(r.out)[1].find(pair_a) != std::string::npos);
  CHECK(r.out == f.expected_csv("orders", t0, t0 + sec, ""));
  // Nothing matches: the header alone.
  r = f.xarb("export spreads -d " + f.data() + " --from 2030-01-01T00:00:00Z");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  REQUIRE(csv_rows(r.out).size() == 1);
  CHECK(csv_rows(r.out)[0].rfind("ts_ns,ts,pair_id,symbol,", 0) == 0);
  r = f.xarb("export fills -d " + f.data() + " --pair NOPE");
  REQUIRE(r.code == 0);
  CHECK(csv_rows(r.out).size() == 1);
}

TEST_CASE("xarb export history: every symbol, or one with --pair") {
  fixture f;
  {
    auto db = f.open_rw();
    batch b;
    b.add(sample_market(t0, "BTC-PERP"));
    b.add(sample_market(t0 + sec, "BTC-PERPX"));
    b.add(sample_market(t0 + 2 * sec, "BTC-PERP"));
    REQUIRE_FALSE(db->write(std::move(b)));
  }
  auto r = f.xarb("export history -d " + f.data());
  REQUIRE_MESSAGE(r.code == 0, r.err);
  auto rows = csv_rows(r.out);
  REQUIRE(rows.size() == 1 + 3 * 2); // a row per sample and venue
  CHECK(rows[0] == "ts_ns,ts,symbol,venue,bid,ask,mid,funding_rate,interval_s,"
                   "funding_known,stale");
  CHECK(rows[1] == "1795323600000000000,2026-11-22T05:00:00.000000000Z,BTC-PERP,sim-a,"
                   "65000.5,65001,65000.75,0.0001,28800,true,false");
  CHECK(r.out == f.expected_csv("history", ts_min, ts_max, ""));
  r = f.xarb("export history -d " + f.data() + " --pair BTC-PERP --from "
             + std::to_string(t0 + 1));
  REQUIRE_MESSAGE(r.code == 0, r.err);
  rows = csv_rows(r.out);
  REQUIRE(rows.size() == 3);
  CHECK(rows[1].rfind("1795323602000000000,2026-11-22T05:00:02.000000000Z,BTC-PERP,sim-a,", 0)
        == 0);
  CHECK(r.out == f.expected_csv("history", t0 + 1, ts_max, "BTC-PERP"));
}

TEST_CASE("xarb export: --out writes a file, truncating it") {
  fixture f;
  auto file = f.tmp.path() / "fills.csv";
  {
    std::ofstream old{file};
    old << std::string(10'000, 'x');
  }
  auto r = f.xarb("export fills -d " + f.data() + " --out " + file.string());
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(r.out.empty());
  CHECK(slurp(file) == f.expected_csv("fills", ts_min, ts_max, ""));
  CHECK(csv_rows(slurp(file)).size() == 3);

  auto bad = f.tmp.path() / "no-such-dir" / "out.csv";
  r = f.xarb("export fills -d " + f.data() + " -o " + bad.string());
  CHECK(r.code == 1);
  CHECK(r.err.find("cannot write " + bad.string()) != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("xarb export: missing data is an error and creates nothing") {
  fixture f;
  auto missing = f.tmp.path() / "empty";
  auto r = f.xarb("export fills --data-dir " + missing.string());
  CHECK(r.code == 1);
  CHECK(r.err.find("no data in " + missing.string() + "/db") != std::string::npos);
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(missing));
  // An empty db directory (no database in it) is no data either, and stays empty.
  fs::create_directories(missing / "db");
  r = f.xarb("export events --data-dir " + missing.string());
  CHECK(r.code == 1);
  CHECK(r.err.find("no data in " + missing.string() + "/db") != std::string::npos);
  CHECK(fs::is_empty(missing / "db"));
}

TEST_CASE("xarb export: usage errors exit 2") {
  fixture f;
  auto r = f.xarb("export fills -d " + f.data() + " --from yesterday");
  CHECK(r.code == 2);
  CHECK(r.err.find("invalid time 'yesterday'") != std::string::npos);
  CHECK(r.out.empty());
  r = f.xarb("export fills -d " + f.data() + " --to 2026-11-22T05:00:00");
  CHECK(r.code == 2);
  CHECK(r.err.find("time zone") != std::string::npos);
  r = f.xarb("export trades -d " + f.data());
  CHECK(r.code == 2);
  CHECK(r.err.find("trades") != std::string::npos);
  r = f.xarb("export -d " + f.data());
  CHECK(r.code == 2);
  r = f.xarb("export fills --help");
  CHECK(r.code == 0);
  CHECK(r.out.find("--from") != std::string::npos);
}

TEST_CASE("xarb export: works while a node holds the store open") {
  fixture f;
  auto node = f.open_rw(); // holds the RocksDB lock, as a running node does
  REQUIRE_FALSE(node->journal(sample_fill(t0 + 2 * sec, "SOL-PERP:sim-b/sim-c")));
  auto r = f.xarb("export fills -d " + f.data());
  REQUIRE_MESSAGE(r.code == 0, r.err);
  auto rows = csv_rows(r.out);
  REQUIRE(rows.size() == 4); // sees the unflushed write (read-only opens replay the WAL)
  CHECK(rows[3].find("SOL-PERP:sim-b/sim-c") != std::string::npos);
}

TEST_CASE("xarb export: --data-dir defaults to the config's node.data_dir") {
  fixture f;
  auto cfg = f.tmp.path() / "node.toml";
  {
    std::ofstream out{cfg};
    out << "[node]\ndata_dir = \"" << f.data() << "\"\n";
  }
  auto r = f.xarb("export fills --config " + cfg.string());
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(csv_rows(r.out).size() == 3);
  // The environment overrides the config, like `xarb run`.
  ::setenv("XARB_DATA_DIR", (f.data() + "/nope").c_str(), 1);
  r = f.xarb("export fills --config " + cfg.string());
  ::unsetenv("XARB_DATA_DIR");
  CHECK(r.code == 1);
  CHECK(r.err.find("no data in " + f.data() + "/nope/db") != std::string::npos);
}
