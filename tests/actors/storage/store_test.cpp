// The RocksDB store: round trips through the database, order of scans,
// restart behaviour, journal/batch policies, retention, fault injection; the
// history family's symbol-first keys (scan_history, prefix neighbours,
// retention, a database older than the family).
#include "actors/storage/store.hpp"

#include <doctest/doctest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>
#include <vector>

#include "tests/actors/storage/samples.hpp"
#include "tests/actors/storage/temp_dir.hpp"

using namespace xarb;
using namespace xarb::storage;
using namespace xarb::storage::test;

namespace {


std::unique_ptr<store> open_store(const std::string& dir, store_options opts = {}) {
  opts.dir = dir;
  auto s = store::open(opts);
  REQUIRE_MESSAGE(s, (s ? "" : s.error().message));
  return std::move(*s);
}

std::vector<stored_record> all(const store& s, family f, timestamp_ns from = ts_min,
                               timestamp_ns to = ts_max) {
  std::vector<stored_record> out;
  auto err = s.scan(f, from, to, [&](const stored_record& r) {
    out.push_back(r);
    return true;
  });
  REQUIRE_MESSAGE(!err, err.message);
  return out;
}

timestamp_ns now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

TEST_CASE("open creates nested directories and every family") {
  temp_dir tmp;
  auto dir = (tmp.path() / "a" / "b" / "data").string();
  auto s = open_store(dir);
  CHECK(std::filesystem::exists(dir));
  for (auto f : all_families)
    CHECK(all(*s, f).empty());
  CHECK(s->next_seq() == 1);
}

TEST_CASE("open reports an io_error for an unusable directory") {
  temp_dir tmp;
  auto file = tmp.path() / "not-a-dir";
  { std::ofstream{file} << "x"; }
  store_options opts;
  opts.dir = (file / "data").string();
  auto s = store::open(opts);
  REQUIRE_FALSE(s);
  CHECK(s.code() == error_code::io_error);
  CHECK(s.error().message.rfind("rocksdb: ", 0) == 0);
}

TEST_CASE("every record kind round-trips through the database") {
  temp_dir tmp;
  auto s = open_store(tmp.str());
  const timestamp_ns ts = 1'700'000'000'000'000'000;
  REQUIRE_FALSE(s->journal(sample_order(ts)));
  REQUIRE_FALSE(s->journal(sample_fill(ts + 1)));
  batch b;
  b.add(sample_position(ts + 2));
  b.add(sample_event(ts + 3));
  b.add(sample_spread(ts + 4));
  b.add(sample_snapshot(ts + 5));
  b.add(sample_delta(ts + 6));
  b.add_config(ts + 7, "[pairs]\nname = \"x\"\n");
  CHECK(b.size() == 6);
  REQUIRE_FALSE(s->write(std::move(b)));

  auto one = [&](family f) {
    auto v = all(*s, f);
    REQUIRE(v.size() == 1);
    return v.front();
  };
  CHECK(std::get<order_update>(one(family::orders).value) == sample_order(ts));
  CHECK(std::get<fill_record>(one(family::fills).value) == sample_fill(ts + 1));
  CHECK(std::get<position_record>(one(family::positions).value) == sample_position(ts + 2));
  CHECK(std::get<event>(one(family::events).value) == sample_event(ts + 3));
  CHECK(std::get<spread_update>(one(family::spreads).value) == sample_spread(ts + 4));
  auto market = all(*s, family::market);
  REQUIRE(market.size() == 2);
  CHECK(std::get<book_snapshot>(market[0].value) == sample_snapshot(ts + 5));
  CHECK(std::get<book_delta>(market[1].value) == sample_delta(ts + 6));
  auto cfg = one(family::config);
  CHECK(cfg.ts == ts + 7);
  CHECK(std::get<std::string>(cfg.value) == "[pairs]\nname = \"x\"\n");
  // Keys carry the record times and distinct, increasing sequences.
  CHECK(one(family::orders).ts == ts);
  CHECK(one(family::orders).seq < one(family::fills).seq);
  CHECK(market[0].seq < market[1].seq);
}

TEST_CASE("scans run in time then sequence order, negative times first") {
  temp_dir tmp;
  auto s = open_store(tmp.str());
  // Written out of time order; equal times keep write order via the sequence.
  for (timestamp_ns ts : {timestamp_ns{5}, timestamp_ns{-3}, timestamp_ns{0},
                          timestamp_ns{5}, ts_min, timestamp_ns{-3}})
    REQUIRE_FALSE(s->journal(sample_order(ts, "p", "c" + std::to_string(ts))));
  auto v = all(*s, family::orders);
  REQUIRE(v.size() == 6);
  std::vector<timestamp_ns> times;
  for (auto& r : v)
    times.push_back(r.ts);
  CHECK(times == std::vector<timestamp_ns>{ts_min, -3, -3, 0, 5, 5});
  CHECK(v[1].seq < v[2].seq);
  CHECK(v[4].seq < v[5].seq);
  CHECK(v[4].seq == 1); // the first write at ts 5
}

TEST_CASE("scan ranges are [from, to) and to = max is unbounded") {
  temp_dir tmp;
  auto s = open_store(tmp.str());
  for (timestamp_ns ts : {timestamp_ns{-10}, timestamp_ns{0}, timestamp_ns{10},
                          timestamp_ns{20}, ts_max})
    REQUIRE_FALSE(s->journal(sample_order(ts)));
  auto count = [&](timestamp_ns from, timestamp_ns to) { return all(*s, family::orders, from, to).size(); };
  CHECK(count(0, 20) == 2);   // 0 and 10
  CHECK(count(0, 21) == 3);
  CHECK(count(-10, 0) == 1);
  CHECK(count(10, 10) == 0);
  CHECK(count(20, 10) == 0);
  CHECK(count(ts_min, ts_max) == 5);
  CHECK(count(ts_max, ts_max) == 0);
  CHECK(count(11, ts_max) == 2); // includes ts == max
  // The visitor stops the scan by returning false.
  int seen = 0;
  REQUIRE_FALSE(s->scan(family::orders, ts_min, ts_max, [&](const stored_record&) {
    return ++seen < 2;
  }));
  CHECK(seen == 2);
  auto since = s->orders_since(10);
  REQUIRE(since);
  CHECK(since->size() == 3);
  CHECK(since->front().ts == 10);
}

TEST_CASE("reopen keeps data and the sequence continues above the old maximum") {
  temp_dir tmp;
  uint64_t max_seq = 0;
  {
    auto s = open_store(tmp.str());
    // The highest sequence goes to the earliest time, so the last key of the
    // family does not hold it: only the meta high-water mark does.
    REQUIRE_FALSE(s->journal(sample_order(100)));
    REQUIRE_FALSE(s->journal(sample_order(200)));
    batch b;
    for (int i = 0; i < 5; ++i)
      b.add(sample_event(1000 + i));
    REQUIRE_FALSE(s->write(std::move(b)));
    REQUIRE_FALSE(s->journal(sample_order(50)));
    max_seq = s->next_seq() - 1;
    CHECK(max_seq == 8);
  }
  auto s = open_store(tmp.str());
  CHECK(s->next_seq() == max_seq + 1);
  CHECK(all(*s, family::orders).size() == 3);
  CHECK(all(*s, family::events).size() == 5);
  REQUIRE_FALSE(s->journal(sample_order(300)));
  auto v = all(*s, family::orders);
  REQUIRE(v.size() == 4);
  CHECK(v.back().seq == max_seq + 1);
  // No sequence repeats across every family.
  std::vector<uint64_t> seqs;
  for (auto f : all_families)
    for (auto& r : all(*s, f))
      seqs.push_back(r.seq);
  std::sort(seqs.begin(), seqs.end());
  CHECK(std::adjacent_find(seqs.begin(), seqs.end()) == seqs.end());
}

TEST_CASE("journal honours sync_journal; batches are never synced") {
  temp_dir tmp;
  SUBCASE("sync on") {
    auto s = open_store(tmp.str());
    REQUIRE_FALSE(s->journal(sample_order(1)));
    REQUIRE_FALSE(s->journal(sample_fill(2)));
    batch b;
    b.add(sample_event(3));
    REQUIRE_FALSE(s->write(std::move(b)));
    auto st = s->stats();
    CHECK(st.writes == 3);
    CHECK(st.records == 3);
    CHECK(st.synced_writes == 2);
    CHECK(st.failed_writes == 0);
    // RocksDB itself synced the WAL for the two journal writes only.
    CHECK(st.wal_syncs == 2);
  }
  SUBCASE("sync off") {
    store_options opts;
    opts.sync_journal = false;
    auto s = open_store(tmp.str(), opts);
    REQUIRE_FALSE(s->journal(sample_order(1)));
    CHECK(s->stats().writes == 1);
    CHECK(s->stats().synced_writes == 0);
    batch b;
    b.add(sample_event(3));
    REQUIRE_FALSE(s->write(std::move(b)));
    CHECK(s->stats().wal_syncs == 0);
    CHECK(all(*s, family::orders).size() == 1);
  }
}

TEST_CASE("a batch is written atomically with consecutive sequences") {
  temp_dir tmp;
  auto s = open_store(tmp.str());
  batch b;
  for (int i = 0; i < 100; ++i)
    b.add(sample_spread(i));
  b.add(sample_position(7));
  REQUIRE_FALSE(s->write(std::move(b)));
  auto sp = all(*s, family::spreads);
  REQUIRE(sp.size() == 100);
  for (std::size_t i = 0; i < sp.size(); ++i) {
    CHECK(sp[i].ts == static_cast<timestamp_ns>(i));
    CHECK(sp[i].seq == i + 1);
  }
  CHECK(all(*s, family::positions).at(0).seq == 101);
  CHECK(s->stats().records == 101);
  CHECK(s->stats().writes == 1);
  CHECK_FALSE(s->write(batch{})); // empty: a no-op, not an error
  CHECK(s->stats().writes == 1);
}

TEST_CASE("concurrent writers never share a sequence") {
  temp_dir tmp;
  store_options opts;
  opts.sync_journal = false;
  auto s = open_store(tmp.str(), opts);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&s, t] {
      for (int i = 0; i < 50; ++i) {
        if (t % 2 == 0) {
          CHECK_FALSE(s->journal(sample_order(i)));
        } else {
          batch b;
          b.add(sample_event(i));
          b.add(sample_event(i));
          CHECK_FALSE(s->write(std::move(b)));
        }
      }
    });
  for (auto& th : threads)
    th.join();
  std::vector<uint64_t> seqs;
  for (auto f : {family::orders, family::events})
    for (auto& r : all(*s, f))
      seqs.push_back(r.seq);
  CHECK(seqs.size() == 300);
  std::sort(seqs.begin(), seqs.end());
  CHECK(std::adjacent_find(seqs.begin(), seqs.end()) == seqs.end());
  CHECK(seqs.back() == 300);
}

TEST_CASE("retention drops old keys on compact and keeps young ones") {
  temp_dir tmp;
  const auto now = now_ns();
  const timestamp_ns hour = 3'600'000'000'000;
  store_options opts;
  opts.retention_s[static_cast<std::size_t>(family::events)] = 3600;
  {
    auto s = open_store(tmp.str(), opts);
    batch b;
    b.add(sample_event(now - 3 * hour, "old"));
    b.add(sample_event(now - 2 * hour, "old"));
    b.add(sample_event(now - hour / 60, "young"));
    b.add(sample_event(now + hour, "future"));
    b.add(sample_spread(now - 3 * hour)); // spreads: kept forever
    REQUIRE_FALSE(s->write(std::move(b)));
    CHECK(all(*s, family::events).size() == 4); // nothing dropped before compaction
    REQUIRE_FALSE(s->compact(family::events));
    REQUIRE_FALSE(s->compact(family::spreads));
    auto ev = all(*s, family::events);
    REQUIRE(ev.size() == 2);
    CHECK(std::get<event>(ev[0].value).text == "young");
    CHECK(std::get<event>(ev[1].value).text == "future");
    CHECK(all(*s, family::spreads).size() == 1);
  }
  // Reopened without retention: what is gone stays gone, the rest stays.
  auto s = open_store(tmp.str());
  REQUIRE_FALSE(s->compact(family::events));
  CHECK(all(*s, family::events).size() == 2);
}

TEST_CASE("injected write failure returns io_error and writes nothing") {
  temp_dir tmp;
  auto s = open_store(tmp.str());
  REQUIRE_FALSE(s->journal(sample_order(1)));
  const auto seq_before = s->next_seq();
  s->inject_write_failure(true);
  auto e1 = s->journal(sample_order(2));
  auto e2 = s->journal(sample_fill(3));
  batch b;
  b.add(sample_event(4));
  auto e3 = s->write(std::move(b));
  auto e4 = s->put_raw(family::events, encode_key(5, 99), "x");
  for (auto& e : {e1, e2, e3, e4}) {
    CHECK(e.code == error_code::io_error);
    CHECK(e.message == "injected: disk full");
  }
  CHECK(s->next_seq() == seq_before);
  CHECK(all(*s, family::orders).size() == 1);
  CHECK(all(*s, family::fills).empty());
  CHECK(all(*s, family::events).empty());
  auto st = s->stats();
  CHECK(st.writes == 1);
  CHECK(st.failed_writes == 4);
  CHECK(st.injected_failures == 4);
  // Reads still work, and writes resume when the fault clears.
  s->inject_write_failure(false);
  REQUIRE_FALSE(s->journal(sample_order(6)));
  CHECK(all(*s, family::orders).size() == 2);
}

TEST_CASE("a value with an unknown version is an error on read, never a crash") {
  temp_dir tmp;
  auto s = open_store(tmp.str());
  REQUIRE_FALSE(s->journal(sample_order(10)));
  REQUIRE_FALSE(s->put_raw(family::orders, encode_key(20, 500), "\x07garbage"));
  CHECK(s->next_seq() == 501); // a raw key's sequence is never reused
  std::vector<stored_record> seen;
  auto err = s->scan(family::orders, ts_min, ts_max, [&](const stored_record& r) {
    seen.push_back(r);
    return true;
  });
  CHECK(err.code == error_code::parse_error);
  CHECK(err.message.find("version 7") != std::string::npos);
  CHECK(err.message.find("seq 500") != std::string::npos);
  CHECK(seen.size() == 1); // the good record before it was delivered
  CHECK_FALSE(s->orders_since(0));
  // Ranges that avoid the bad key still read.
  CHECK(all(*s, family::orders, 0, 20).size() == 1);
}

// -- history (symbol-first keys) ------------------------------------------------

namespace {

std::vector<market_sample> history(const store& s, std::string_view symbol,
                                   timestamp_ns from = ts_min, timestamp_ns to = ts_max) {
  std::vector<market_sample> out;
  auto err = s.scan_history(symbol, from, to, [&](const market_sample& x) {
    out.push_back(x);
    return true;
  });
  REQUIRE_MESSAGE(!err, err.message);
  return out;
}

std::vector<timestamp_ns> times_of(const std::vector<market_sample>& xs) {
  std::vector<timestamp_ns> out;
  for (auto& x : xs)
    out.push_back(x.ts);
  return out;
}

/// "BTC-PERP" and the symbols around it in key order: one that it prefixes,
/// one that prefixes it, one after. Written out of time order.
void write_neighbours(store& s) {
  batch b;
  for (timestamp_ns ts : {timestamp_ns{30}, timestamp_ns{-5}, timestamp_ns{10}, ts_max,
                          timestamp_ns{20}, ts_min, timestamp_ns{10}})
    for (const char* sym : {"BTC-PERPX", "BTC", "BTC-PERP", "ETH-PERP"})
      b.add(sample_market(ts, sym));
  REQUIRE_FALSE(s.write(std::move(b)));
}

} // namespace

TEST_CASE("scan_history: one symbol, time order, [from, to), early stop") {
  temp_dir tmp;
  auto s = open_store(tmp.str());
  write_neighbours(*s);
  auto all_btc = history(*s, "BTC-PERP");
  CHECK(times_of(all_btc) == std::vector<timestamp_ns>{ts_min, -5, 10, 10, 20, 30, ts_max});
  for (auto& x : all_btc)
    CHECK(x == sample_market(x.ts, "BTC-PERP"));
  // Prefix neighbours keep their own samples.
  for (const char* sym : {"BTC-PERPX", "BTC", "ETH-PERP"}) {
    CAPTURE(sym);
    auto v = history(*s, sym);
    CHECK(v.size() == 7);
    for (auto& x : v)
      CHECK(x.symbol == sym);
  }
  CHECK(history(*s, "BTC-PERPXY").empty());
  CHECK(history(*s, "BTC-PER").empty());
  // from inclusive, to exclusive; to = max includes ts == max.
  CHECK(times_of(history(*s, "BTC-PERP", 10, 30)) == std::vector<timestamp_ns>{10, 10, 20});
  CHECK(times_of(history(*s, "BTC-PERP", 11, 31)) == std::vector<timestamp_ns>{20, 30});
  CHECK(times_of(history(*s, "BTC-PERP", 21, ts_max)) == std::vector<timestamp_ns>{30, ts_max});
  CHECK(times_of(history(*s, "BTC-PERP", ts_min, -5)) == std::vector<timestamp_ns>{ts_min});
  CHECK(history(*s, "BTC-PERP", 10, 10).empty());
  CHECK(history(*s, "BTC-PERP", 30, 10).empty());
  CHECK(history(*s, "BTC-PERP", ts_max, ts_max).empty());
  // Equal times keep write order (the sequence).
  int seen = 0;
  REQUIRE_FALSE(s->scan_history("BTC-PERP", ts_min, ts_max, [&](const market_sample&) {
    return ++seen < 3;
  }));
  CHECK(seen == 3);
  // A symbol history keys cannot hold is refused.
  for (std::string bad : {std::string{}, std::string("B\0X", 3), std::string(200, 'S')}) {
    auto err = s->scan_history(bad, ts_min, ts_max, [](const market_sample&) { return true; });
    CHECK(err.code == error_code::parse_error);
  }
}

TEST_CASE("scan_history never reads another symbol's records") {
  temp_dir tmp;
  auto s = open_store(tmp.str());
  write_neighbours(*s);
  // Undecodable values right next to BTC-PERP's keys (both neighbours, and
  // BTC-PERP itself outside the range read): a read that touched them fails.
  REQUIRE_FALSE(s->put_raw(family::history, encode_history_key("BTC-PERPX", ts_min, 900), "\x07"));
  REQUIRE_FALSE(s->put_raw(family::history, encode_history_key("BTC", ts_max, 901), "\x07"));
  REQUIRE_FALSE(s->put_raw(family::history, encode_history_key("BTC-PERP", 25, 902), "\x07"));
  CHECK(s->next_seq() == 903); // raw history keys lift the sequence too
  CHECK(times_of(history(*s, "BTC-PERP", ts_min, 25)) == std::vector<timestamp_ns>{ts_min, -5, 10, 10, 20});
  CHECK(times_of(history(*s, "BTC-PERP", 26, ts_max)) == std::vector<timestamp_ns>{30, ts_max});
  auto err = s->scan_history("BTC-PERP", ts_min, ts_max, [](const market_sample&) { return true; });
  CHECK(err.code == error_code::parse_error);
  CHECK(err.message.find("version 7 in history at ts 25 seq 902") != std::string::npos);
}

TEST_CASE("a history value of another symbol than its key is an error") {
  temp_dir tmp;
  auto s = open_store(tmp.str());
  auto eth = encode_value(sample_market(5, "ETH-PERP"));
  REQUIRE(eth);
  REQUIRE_FALSE(s->put_raw(family::history, encode_history_key("BTC-PERP", 5, 1), *eth));
  auto err = s->scan_history("BTC-PERP", ts_min, ts_max, [](const market_sample&) { return true; });
  CHECK(err.code == error_code::parse_error);
  CHECK(err.message.find("history key of BTC-PERP holds a sample of ETH-PERP") != std::string::npos);
  err = s->scan(family::history, ts_min, ts_max, [](const stored_record&) { return true; });
  CHECK(err.code == error_code::parse_error);
  // A key that is not a history key at all.
  temp_dir tmp2;
  auto s2 = open_store(tmp2.str());
  REQUIRE_FALSE(s2->put_raw(family::history, encode_key(5, 1), *eth));
  err = s2->scan(family::history, ts_min, ts_max, [](const stored_record&) { return true; });
  CHECK(err.message == "storage: malformed key in history");
}

TEST_CASE("scan(history) is one pass in key order: symbol by symbol, each in time order") {
  temp_dir tmp;
  auto s = open_store(tmp.str());
  write_neighbours(*s);
  std::vector<std::pair<std::string, timestamp_ns>> seen;
  std::vector<uint64_t> seqs;
  auto collect = [&](timestamp_ns from, timestamp_ns to) {
    seen.clear();
    REQUIRE_FALSE(s->scan(family::history, from, to, [&](const stored_record& r) {
      const auto& x = std::get<market_sample>(r.value);
      CHECK(r.ts == x.ts);
      seen.emplace_back(x.symbol, r.ts);
      seqs.push_back(r.seq);
      return true;
    }));
  };
  collect(ts_min, ts_max);
  REQUIRE(seen.size() == 28);
  CHECK(seen.front() == std::pair<std::string, timestamp_ns>{"BTC", ts_min});
  CHECK(seen[7] == std::pair<std::string, timestamp_ns>{"BTC-PERP", ts_min});
  CHECK(seen[13] == std::pair<std::string, timestamp_ns>{"BTC-PERP", ts_max});
  CHECK(seen[14] == std::pair<std::string, timestamp_ns>{"BTC-PERPX", ts_min});
  CHECK(seen.back() == std::pair<std::string, timestamp_ns>{"ETH-PERP", ts_max});
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  // A time range: [10, 30) of every symbol, still symbol by symbol.
  collect(10, 30);
  REQUIRE(seen.size() == 12);
  for (std::size_t i = 0; i < seen.size(); ++i)
    CHECK(seen[i].second == (std::array<timestamp_ns, 3>{10, 10, 20}[i % 3]));
  CHECK(seen[0].first == "BTC");
  CHECK(seen[11].first == "ETH-PERP");
  collect(31, ts_max);
  CHECK(seen.size() == 4); // ts_max of each symbol
  // Early stop.
  int n = 0;
  REQUIRE_FALSE(s->scan(family::history, ts_min, ts_max, [&](const stored_record&) {
    return ++n < 5;
  }));
  CHECK(n == 5);
}

TEST_CASE("history shares the store's sequences, also across a reopen") {
  temp_dir tmp;
  uint64_t max_seq = 0;
  {
    auto s = open_store(tmp.str());
    batch b;
    b.add(sample_event(1));
    b.add(sample_market(100, "ZZZ"));
    b.add(sample_market(100, "AAA")); // the highest sequence, not the family's last key
    REQUIRE_FALSE(s->write(std::move(b)));
    max_seq = s->next_seq() - 1;
    CHECK(max_seq == 3);
    CHECK(history(*s, "ZZZ").size() == 1);
  }
  auto s = open_store(tmp.str());
  CHECK(s->next_seq() == max_seq + 1);
  batch b;
  b.add(sample_market(50, "AAA"));
  REQUIRE_FALSE(s->write(std::move(b)));
  std::vector<uint64_t> seqs;
  for (auto f : all_families)
    for (auto& r : all(*s, f))
      seqs.push_back(r.seq);
  std::sort(seqs.begin(), seqs.end());
  CHECK(seqs == std::vector<uint64_t>{1, 2, 3, 4});
  CHECK(times_of(history(*s, "AAA")) == std::vector<timestamp_ns>{50, 100});
}

TEST_CASE("a sample whose symbol cannot key history fails the batch, writing nothing") {
  temp_dir tmp;
  auto s = open_store(tmp.str());
  for (std::string bad : {std::string{}, std::string("B\0X", 3),
                          std::string(max_history_symbol + 1, 'S')}) {
    batch b;
    b.add(sample_event(1));
    b.add(sample_market(2, bad));
    b.add(sample_market(3, "BTC-PERP"));
    CHECK(b.size() == 2);
    auto err = s->write(std::move(b));
    CHECK(err.code == error_code::parse_error);
    CHECK(err.message.find("symbol") != std::string::npos);
  }
  CHECK(all(*s, family::events).empty());
  CHECK(all(*s, family::history).empty());
  CHECK(s->stats().failed_writes == 3);
}

TEST_CASE("retention drops old history of every symbol on compact") {
  temp_dir tmp;
  const auto now = now_ns();
  const timestamp_ns hour = 3'600'000'000'000;
  store_options opts;
  opts.retention_s[static_cast<std::size_t>(family::history)] = 3600;
  auto s = open_store(tmp.str(), opts);
  batch b;
  for (const char* sym : {"BTC-PERP", "BTC-PERPX", "ETH-PERP"}) {
    b.add(sample_market(now - 3 * hour, sym));
    b.add(sample_market(now - 2 * hour, sym));
    b.add(sample_market(now - hour / 60, sym));
    b.add(sample_market(now + hour, sym));
  }
  b.add(sample_event(now - 3 * hour)); // events: kept forever here
  REQUIRE_FALSE(s->write(std::move(b)));
  CHECK(all(*s, family::history).size() == 12);
  REQUIRE_FALSE(s->compact(family::history));
  REQUIRE_FALSE(s->compact(family::events));
  for (const char* sym : {"BTC-PERP", "BTC-PERPX", "ETH-PERP"}) {
    CAPTURE(sym);
    CHECK(times_of(history(*s, sym))
          == std::vector<timestamp_ns>{now - hour / 60, now + hour});
  }
  CHECK(all(*s, family::history).size() == 6);
  CHECK(all(*s, family::events).size() == 1);
}

TEST_CASE("a database written before the history family opens and scans it empty") {
  temp_dir tmp;
  const auto old_families = std::vector<std::string>{"orders", "fills", "positions", "events",
                                                     "spreads", "market", "config"};
  // The previous layout, written with RocksDB directly: seven families and
  // one order at sequence 41.
  {
    rocksdb::DBOptions dbo;
    dbo.create_if_missing = true;
    dbo.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    descs.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions{});
    for (auto& name : old_families)
      descs.emplace_back(name, rocksdb::ColumnFamilyOptions{});
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(dbo, tmp.str(), descs, &handles, &raw).ok());
    auto value = encode_value(sample_order(7));
    REQUIRE(value);
    CHECK(raw->Put(rocksdb::WriteOptions{}, handles[1], encode_key(7, 41), *value).ok());
    for (auto* h : handles)
      raw->DestroyColumnFamilyHandle(h);
    REQUIRE(raw->Close().ok());
    delete raw;
  }
  auto no_history = [](const store& s) {
    CHECK(all(s, family::history).empty());
    CHECK(history(s, "BTC-PERP").empty());
    CHECK(all(s, family::orders).size() == 1);
  };
  {
    // Read-only (xarb export) does not create the family: it scans empty.
    auto ro = store::open_read_only(tmp.str());
    REQUIRE_MESSAGE(ro, (ro ? "" : ro.error().message));
    no_history(**ro);
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions{}, tmp.str(), &names).ok());
    CHECK(std::find(names.begin(), names.end(), "history") == names.end());
  }
  {
    // A read-write open adds it; sequences continue above the old ones.
    auto s = open_store(tmp.str());
    no_history(*s);
    CHECK(s->next_seq() == 42);
    batch b;
    b.add(sample_market(9, "BTC-PERP"));
    REQUIRE_FALSE(s->write(std::move(b)));
    CHECK(history(*s, "BTC-PERP").size() == 1);
    REQUIRE_FALSE(s->compact(family::history));
  }
  auto ro = store::open_read_only(tmp.str());
  REQUIRE(ro);
  CHECK(history(**ro, "BTC-PERP").size() == 1);
}
