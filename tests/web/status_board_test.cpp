#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include <simdjson.h>

#include "monitoring/status_board.hpp"

using namespace xarb;

namespace {

constexpr timestamp_ns sec = 1'000'000'000;
constexpr timestamp_ns t0 = 1'700'000'000 * sec;

ratio r(const char* s) {
  return ratio::from_string(s).value();
}

} // namespace

TEST_SUITE("status_board") {

TEST_CASE("not ready without venues or books") {
  status_board board;
  auto r0 = board.check_readiness();
  CHECK_FALSE(r0.ready);
  CHECK(r0.reason == "no venue registered");
  CHECK_FALSE(board.all_books_synced());
  board.set_venue_state("sim-a", health_state::starting, "");
  auto r1 = board.check_readiness();
  CHECK_FALSE(r1.ready);
  CHECK(r1.reason == "no book registered");
}

TEST_CASE("ready only when every expected book is synced") {
  status_board board;
  board.expect_venue("sim-a", {"BTC-PERP", "ETH-PERP"});
  board.expect_venue("sim-b", {"BTC-PERP"});
  auto r = board.check_readiness();
  CHECK_FALSE(r.ready);
  CHECK(r.unsynced == std::vector<std::string>{"sim-a/BTC-PERP", "sim-a/ETH-PERP",
                                               "sim-b/BTC-PERP"});
  CHECK(r.reason == "3 of 3 books not synced");

  board.set_book("sim-a", "BTC-PERP", true, t0, 10);
  board.set_book("sim-a", "ETH-PERP", true, t0, 11);
  CHECK_FALSE(board.all_books_synced());
  board.set_book("sim-b", "BTC-PERP", true, t0, 12);
  CHECK(board.all_books_synced());
  CHECK(board.check_readiness().unsynced.empty());

  // A book losing sync (gap) makes the node unready again.
  board.set_book("sim-b", "BTC-PERP", false, t0 + sec, 13);
  CHECK_FALSE(board.all_books_synced());
  CHECK(board.check_readiness().unsynced == std::vector<std::string>{"sim-b/BTC-PERP"});

  // expect_venue again must not reset books already reported.
  board.expect_venue("sim-a", {"BTC-PERP"});
  CHECK(board.venue("sim-a")->books[0].synced);
}

TEST_CASE("a stopped venue's books count as unsynced") {
  status_board board;
  board.set_book("sim-a", "BTC-PERP", true, t0, 1);
  board.set_venue_state("sim-a", health_state::ready, "");
  CHECK(board.all_books_synced());
  board.set_venue_state("sim-a", health_state::stopped, "crashed");
  CHECK_FALSE(board.all_books_synced());
  auto v = board.venue("sim-a");
  REQUIRE(v);
  CHECK(v->state == health_state::stopped);
  CHECK(v->detail == "crashed");
  CHECK(v->synced_books() == 0);
  board.remove_venue("sim-a");
  CHECK_FALSE(board.venue("sim-a"));
}

TEST_CASE("copy-out accessors return sorted snapshots") {
  status_board board;
  board.set_book("sim-b", "ETH-PERP", true, t0, 5);
  board.set_book("sim-a", "SOL-PERP", false, 0, 0);
  board.set_book("sim-a", "BTC-PERP", true, t0, 7);
  auto vs = board.venues();
  REQUIRE(vs.size() == 2);
  CHECK(vs[0].name == "sim-a");
  REQUIRE(vs[0].books.size() == 2);
  CHECK(vs[0].books[0] == book_status{"BTC-PERP", true, t0, 7});
  CHECK(vs[0].books[1].symbol == "SOL-PERP");
  CHECK(vs[0].synced_books() == 1);
  CHECK(vs[1].name == "sim-b");

  spread_update u;
  u.pair_id = "BTC-PERP:sim-a/sim-b";
  u.symbol = "BTC-PERP";
  u.venue_a = "sim-a";
  u.venue_b = "sim-b";
  u.spread_ab = r("0.0012");
  u.spread_ba = r("-0.0015");
  u.z_ab = 2.5;
  u.z_ba = -1.25;
  u.valid = true;
  u.ts = t0;
  board.set_pair(u);
  board.set_pair(pair_status{"A:x/y", "A", "x", "y", {}, {}, 0, 0, false, 0});
  auto ps = board.pairs();
  REQUIRE(ps.size() == 2);
  CHECK(ps[0].id == "A:x/y");
  CHECK(ps[1].spread_ab == r("0.0012"));
  CHECK(board.pair("BTC-PERP:sim-a/sim-b")->z_ba == -1.25);
  CHECK_FALSE(board.pair("nope"));
}

TEST_CASE("status_json has node, venues with books and pairs") {
  status_board board;
  board.set_node("node-1", "0.1.0", t0, "sim", "paper");
  board.set_venue_state("sim-a", health_state::ready, "all good \"quoted\"");
  board.set_book("sim-a", "BTC-PERP", true, t0 + 9 * sec, 42);
  board.set_book("sim-a", "ETH-PERP", false, 0, 0);
  board.set_pair(pair_status{"BTC-PERP:sim-a/sim-b", "BTC-PERP", "sim-a", "sim-b",
                             r("0.000123456"), r("-0.5"), 1.5, -0.25, true, t0});
  auto text = board.status_json(t0 + 10 * sec);

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);

  auto node = doc["node"];
  CHECK(std::string_view{node["name"].get_string().value()} == "node-1");
  CHECK(std::string_view{node["version"].get_string().value()} == "0.1.0");
  CHECK(std::string_view{node["data"].get_string().value()} == "sim");
  CHECK(std::string_view{node["execution"].get_string().value()} == "paper");
  CHECK(node["uptime_s"].get_double().value() == doctest::Approx(10.0));
  CHECK(node["ready"].get_bool().value() == false);

  auto venues = doc["venues"].get_array().value();
  REQUIRE(venues.size() == 1);
  auto v = venues.at(0);
  CHECK(std::string_view{v["name"].get_string().value()} == "sim-a");
  CHECK(std::string_view{v["state"].get_string().value()} == "ready");
  CHECK(std::string_view{v["detail"].get_string().value()} == "all good \"quoted\"");
  CHECK(v["synced_books"].get_uint64().value() == 1);
  CHECK(v["total_books"].get_uint64().value() == 2);
  auto books = v["books"].get_array().value();
  REQUIRE(books.size() == 2);
  CHECK(std::string_view{books.at(0)["symbol"].get_string().value()} == "BTC-PERP");
  CHECK(books.at(0)["synced"].get_bool().value());
  CHECK(books.at(0)["seq"].get_uint64().value() == 42);
  CHECK(books.at(0)["age_s"].get_double().value() == doctest::Approx(1.0));
  CHECK(books.at(1)["age_s"].is_null());
  // Clock skew never yields a negative age.
  REQUIRE(parser.parse(board.status_json(t0)).get(doc) == simdjson::SUCCESS);
  CHECK(doc["venues"].at(0)["books"].at(0)["age_s"].get_double().value() == 0.0);

  auto pairs = doc["pairs"].get_array().value();
  REQUIRE(pairs.size() == 1);
  auto p = pairs.at(0);
  CHECK(std::string_view{p["id"].get_string().value()} == "BTC-PERP:sim-a/sim-b");
  CHECK(std::string_view{p["venue_a"].get_string().value()} == "sim-a");
  CHECK(std::string_view{p["venue_b"].get_string().value()} == "sim-b");
  // Spreads are exact decimal strings, z-scores plain numbers.
  CHECK(std::string_view{p["spread_ab"].get_string().value()} == "0.000123456");
  CHECK(std::string_view{p["spread_ba"].get_string().value()} == "-0.5");
  CHECK(p["z_ab"].get_double().value() == 1.5);
  CHECK(p["z_ba"].get_double().value() == -0.25);
  CHECK(p["valid"].get_bool().value());
}

TEST_CASE("a pair trader's report shows phase, positions and P&L in status_json") {
  status_board board;
  pair_report rep;
  rep.spread.pair_id = "ETH-PERP:sim-a/sim-b";
  rep.spread.symbol = "ETH-PERP";
  rep.spread.venue_a = "sim-a";
  rep.spread.venue_b = "sim-b";
  rep.spread.spread_ab = r("0.0021");
  rep.spread.valid = true;
  rep.mode = "zero_wear";
  rep.style = "maker_taker";
  rep.phase = pair_phase::open;
  rep.direction = 0;
  rep.tranches = 2;
  rep.leg_a.venue = "sim-a";
  rep.leg_a.qty = *quantity::from_string("-0.56");
  rep.leg_a.fees = *money::from_string("1.25");
  rep.leg_a.funding = *money::from_string("-0.1");
  rep.leg_b.venue = "sim-b";
  rep.leg_b.qty = *quantity::from_string("0.56");
  rep.leg_b.fees = *money::from_string("-0.05");
  rep.net_delta = quantity::zero();
  rep.net_pnl = *money::from_string("3.141592653");
  rep.round_trips = 7;
  rep.ts = t0;
  board.set_pair(rep);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(board.status_json(t0)).get(doc) == simdjson::SUCCESS);
  auto p = doc["pairs"].at(0);
  CHECK(std::string_view{p["phase"].get_string().value()} == "open");
  CHECK(std::string_view{p["mode"].get_string().value()} == "zero_wear");
  CHECK(std::string_view{p["style"].get_string().value()} == "maker_taker");
  CHECK(p["direction"].get_int64().value() == 0);
  CHECK(p["tranches"].get_int64().value() == 2);
  CHECK(std::string_view{p["qty_a"].get_string().value()} == "-0.56");
  CHECK(std::string_view{p["qty_b"].get_string().value()} == "0.56");
  CHECK(std::string_view{p["net_pnl"].get_string().value()} == "3.141592653");
  CHECK(std::string_view{p["fees"].get_string().value()} == "1.2");
  CHECK(std::string_view{p["funding"].get_string().value()} == "-0.1");
  CHECK(p["round_trips"].get_int64().value() == 7);
  CHECK(std::string_view{p["spread_ab"].get_string().value()} == "0.0021");
  auto legs = p["legs"].get_array().value();
  REQUIRE(legs.size() == 2);
  CHECK(std::string_view{legs.at(0)["venue"].get_string().value()} == "sim-a");
  CHECK(std::string_view{legs.at(0)["fees"].get_string().value()} == "1.25");

  // A second pair on sim-a: P&L per venue sums over pairs.
  pair_report other = rep;
  other.spread.pair_id = "ETH-PERP:sim-a/sim-c";
  other.leg_a.fees = *money::from_string("0.5");
  other.leg_a.realized = *money::from_string("10");
  other.leg_b.venue = "sim-c";
  board.set_pair(other);
  REQUIRE(parser.parse(board.status_json(t0)).get(doc) == simdjson::SUCCESS);
  auto venues = doc["venue_pnl"].get_array().value();
  REQUIRE(venues.size() == 3);
  auto a = venues.at(0);
  CHECK(std::string_view{a["venue"].get_string().value()} == "sim-a");
  CHECK(std::string_view{a["fees"].get_string().value()} == "1.75");
  CHECK(std::string_view{a["realized"].get_string().value()} == "10");
  CHECK(std::string_view{a["funding"].get_string().value()} == "-0.2");
  CHECK(std::string_view{a["net"].get_string().value()} == "8.05");
}

TEST_CASE("readiness JSON lists unsynced books") {
  status_board board;
  board.expect_venue("sim-a", {"BTC-PERP"});
  CHECK(to_json(board.check_readiness())
        == R"({"ready":false,"reason":"1 of 1 books not synced","unsynced":["sim-a/BTC-PERP"]})");
  board.set_book("sim-a", "BTC-PERP", true, t0, 1);
  CHECK(to_json(board.check_readiness()) == R"({"ready":true,"unsynced":[]})");
}

TEST_CASE("concurrent writers and readers stay consistent") {
  status_board board;
  board.expect_venue("v", {"S0", "S1", "S2", "S3"});
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w)
    writers.emplace_back([&board, w] {
      for (int i = 1; i <= 2000; ++i)
        board.set_book("v", "S" + std::to_string(w), true, t0 + i, static_cast<uint64_t>(i));
    });
  std::thread reader([&board] {
    simdjson::dom::parser parser;
    for (int i = 0; i < 200; ++i) {
      simdjson::dom::element doc;
      auto text = board.status_json(t0);
      CHECK(parser.parse(text).get(doc) == simdjson::SUCCESS);
      CHECK(board.venues().at(0).books.size() == 4);
    }
  });
  for (auto& t : writers)
    t.join();
  reader.join();
  CHECK(board.all_books_synced());
  auto v = board.venue("v");
  REQUIRE(v);
  for (auto& b : v->books)
    CHECK(b.seq == 2000);
}

}

// -- logs, open orders, documents, venue counters, runtime switches, board_json --
// (appended for issue 6)

#include <atomic>

#include "monitoring/board_json.hpp"
#include "monitoring/json_writer.hpp"

namespace {

event ev(int i) {
  return event{t0 + i, severity::info, "test", "event " + std::to_string(i)};
}

order_update upd(const std::string& id, order_state from, order_state to, timestamp_ns ts = t0) {
  order_update u;
  u.pair_id = "BTC-PERP:sim-a/sim-b";
  u.client_id = id;
  u.venue = "sim-a";
  u.symbol = "BTC-PERP";
  u.px = price::from_string("100.5").value();
  u.qty = quantity::from_string("0.01").value();
  u.from = from;
  u.to = to;
  u.ts = ts;
  return u;
}

template <class T>
std::vector<uint64_t> seqs(const std::vector<logged<T>>& v) {
  std::vector<uint64_t> out;
  for (auto& e : v)
    out.push_back(e.seq);
  return out;
}

std::vector<uint64_t> range(uint64_t from, uint64_t to) {
  std::vector<uint64_t> out;
  for (auto s = from; s <= to; ++s)
    out.push_back(s);
  return out;
}

/// One board_json record as a parsed object (the parser must outlive it).
template <class Fn>
simdjson::dom::object json_of(simdjson::dom::parser& parser, Fn&& write) {
  json::writer w;
  write(w);
  static thread_local std::string text;
  text = std::move(w).str();
  simdjson::dom::object obj;
  REQUIRE_MESSAGE(parser.parse(text).get(obj) == simdjson::SUCCESS, text);
  return obj;
}

bool is_null(simdjson::dom::object obj, const char* key) {
  simdjson::dom::element e;
  REQUIRE_MESSAGE(obj[key].get(e) == simdjson::SUCCESS, key);
  return e.is_null();
}

bool has_key(simdjson::dom::object obj, const char* key) {
  simdjson::dom::element e;
  return obj[key].get(e) == simdjson::SUCCESS;
}

} // namespace

TEST_SUITE("status_board logs") {

TEST_CASE("each log numbers its entries from 1, independently") {
  status_board board;
  CHECK(board.events(0, 10).empty());
  CHECK(board.orders(0, 10).empty());
  CHECK(board.fills(0, 10).empty());
  for (int i = 1; i <= 3; ++i)
    board.add_event(ev(i));
  board.add_order(upd("o1", order_state::intent, order_state::sent));
  board.add_order(upd("o1", order_state::sent, order_state::acked));
  order_fill f;
  f.client_id = "o1";
  f.fill_id = "f1";
  board.add_fill("BTC-PERP:sim-a/sim-b", f);

  auto events = board.events(0, 100);
  CHECK(seqs(events) == range(1, 3));
  CHECK(events[0].item == ev(1));
  CHECK(events[2].item == ev(3));
  CHECK(seqs(board.orders(0, 100)) == range(1, 2));
  auto fills = board.fills(0, 100);
  REQUIRE(fills.size() == 1);
  CHECK(fills[0].seq == 1);
  CHECK(fills[0].item.pair_id == "BTC-PERP:sim-a/sim-b");
  CHECK(fills[0].item.fill == f);
}

TEST_CASE("events(after, limit): entries after `after`, oldest first, the newest `limit`") {
  status_board board;
  for (int i = 1; i <= 10; ++i)
    board.add_event(ev(i));
  CHECK(seqs(board.events(0, 100)) == range(1, 10));
  CHECK(seqs(board.events(4, 100)) == range(5, 10));
  CHECK(seqs(board.events(0, 3)) == range(8, 10));  // newest 3, oldest first
  CHECK(seqs(board.events(4, 2)) == range(9, 10));
  CHECK(seqs(board.events(7, 3)) == range(8, 10));  // exactly limit
  CHECK(board.events(10, 5).empty());               // nothing newer
  CHECK(board.events(50, 5).empty());               // after beyond the end
  CHECK(board.events(0, 0).empty());                // limit 0
  auto one = board.events(9, 1);
  REQUIRE(one.size() == 1);
  CHECK(one[0].seq == 10);
  CHECK(one[0].item.text == "event 10");
}

TEST_CASE("a log keeps only the newest log_capacity entries") {
  static_assert(status_board::log_capacity == 2000);
  status_board board;
  for (int i = 1; i <= 2100; ++i)
    board.add_event(ev(i));
  auto all = board.events(0, 5000);
  REQUIRE(all.size() == 2000);
  CHECK(all.front().seq == 101);
  CHECK(all.back().seq == 2100);
  CHECK(all.front().item == ev(101));
  CHECK(seqs(all) == range(101, 2100));
  // `after` older than the oldest kept entry: the newest `limit`.
  CHECK(seqs(board.events(50, 10)) == range(2091, 2100));
  CHECK(seqs(board.events(50, 5000)) == range(101, 2100));
  CHECK(seqs(board.events(100, 3000)).front() == 101);
  CHECK(seqs(board.events(2095, 10)) == range(2096, 2100));
  // Numbers keep counting after the ring is full.
  board.add_event(ev(2101));
  auto last = board.events(2100, 10);
  REQUIRE(last.size() == 1);
  CHECK(last[0].seq == 2101);
  CHECK(board.events(0, 5000).front().seq == 102);

  // Orders and fills rings too.
  for (int i = 1; i <= 2005; ++i)
    board.add_order(upd("o" + std::to_string(i), order_state::intent, order_state::sent));
  auto orders = board.orders(0, 5000);
  REQUIRE(orders.size() == 2000);
  CHECK(orders.front().seq == 6);
  CHECK(orders.front().item.client_id == "o6");
  order_fill f;
  for (int i = 1; i <= 2001; ++i) {
    f.fill_id = "f" + std::to_string(i);
    board.add_fill("p", f);
  }
  auto fills = board.fills(0, 5000);
  REQUIRE(fills.size() == 2000);
  CHECK(fills.front().seq == 2);
  CHECK(fills.front().item.fill.fill_id == "f2");
  CHECK(fills.back().item.fill.fill_id == "f2001");
}

TEST_CASE("open orders: latest state until filled, cancelled or rejected") {
  status_board board;
  board.add_order(upd("a", order_state::intent, order_state::sent));
  board.add_order(upd("b", order_state::intent, order_state::sent));
  board.add_order(upd("c", order_state::intent, order_state::sent));
  board.add_order(upd("d", order_state::intent, order_state::sent));
  board.add_order(upd("e", order_state::intent, order_state::sent));
  auto open = board.open_orders();
  REQUIRE(open.size() == 5);

  // Latest transition replaces the previous one.
  auto a2 = upd("a", order_state::sent, order_state::partially_filled, t0 + sec);
  a2.filled = quantity::from_string("0.004").value();
  board.add_order(a2);
  board.add_order(upd("b", order_state::sent, order_state::filled));
  board.add_order(upd("c", order_state::sent, order_state::cancelled));
  board.add_order(upd("d", order_state::sent, order_state::rejected));
  // expired is not terminal: late fills are still booked.
  board.add_order(upd("e", order_state::sent, order_state::expired));

  open = board.open_orders();
  REQUIRE(open.size() == 2);
  CHECK(open[0].client_id == "a"); // by client id
  CHECK(open[0] == a2);
  CHECK(open[1].client_id == "e");
  CHECK(open[1].to == order_state::expired);
  // Every transition is in the orders log regardless.
  CHECK(board.orders(0, 100).size() == 10);

  // An expired order that finally fills leaves the open set.
  board.add_order(upd("e", order_state::expired, order_state::filled));
  board.add_order(upd("a", order_state::partially_filled, order_state::filled));
  CHECK(board.open_orders().empty());
}

TEST_CASE("documents and pair params: set, replace, \"\" if unknown") {
  status_board board;
  CHECK(board.document("symbols") == "");
  CHECK(board.pair_params("p1") == "");
  board.set_document("symbols", R"({"symbols":[]})");
  board.set_document("config", R"({"node":{}})");
  CHECK(board.document("symbols") == R"({"symbols":[]})");
  CHECK(board.document("config") == R"({"node":{}})");
  board.set_document("symbols", R"({"symbols":["BTC-PERP"]})");
  CHECK(board.document("symbols") == R"({"symbols":["BTC-PERP"]})");
  CHECK(board.document("other") == "");
  board.set_pair_params("p1", R"({"min_profit_bps":2})");
  board.set_pair_params("p2", R"({"min_profit_bps":3})");
  CHECK(board.pair_params("p1") == R"({"min_profit_bps":2})");
  CHECK(board.pair_params("p2") == R"({"min_profit_bps":3})");
  board.set_pair_params("p1", R"({"min_profit_bps":4})");
  CHECK(board.pair_params("p1") == R"({"min_profit_bps":4})");
  CHECK(board.pair_params("p3") == "");
  // Documents and params are separate namespaces.
  CHECK(board.document("p1") == "");
  CHECK(board.pair_params("symbols") == "");
}

TEST_CASE("venue counters: sessions, resyncs, smoothed latency") {
  status_board board;
  board.expect_venue("sim-a", {"BTC-PERP"});
  auto v = board.venue("sim-a");
  REQUIRE(v);
  CHECK(v->sessions == 0);
  CHECK(v->resyncs == 0);
  CHECK(v->latency_samples == 0);
  CHECK(v->latency_ms == 0);

  board.count_session("sim-a");
  board.count_session("sim-a");
  board.count_session("sim-a");
  board.count_resync("sim-a");
  board.count_resync("sim-a");
  board.add_latency("sim-a", 10);
  v = board.venue("sim-a");
  REQUIRE(v);
  CHECK(v->sessions == 3);
  CHECK(v->resyncs == 2);
  CHECK(v->latency_samples == 1);
  CHECK(v->latency_ms == doctest::Approx(10)); // first sample as is
  CHECK(v->last_latency_ms == doctest::Approx(10));

  board.add_latency("sim-a", 20);
  v = board.venue("sim-a");
  CHECK(v->latency_ms == doctest::Approx(11)); // 0.9 x 10 + 0.1 x 20
  CHECK(v->last_latency_ms == doctest::Approx(20));
  board.add_latency("sim-a", 0);
  v = board.venue("sim-a");
  CHECK(v->latency_ms == doctest::Approx(9.9));
  CHECK(v->last_latency_ms == doctest::Approx(0));
  CHECK(v->latency_samples == 3);
  CHECK(v->books.size() == 1); // counters do not touch books

  // Counting creates an unknown venue; venues() shows them sorted.
  board.count_session("sim-0");
  board.add_latency("sim-b", 5);
  auto all = board.venues();
  REQUIRE(all.size() == 3);
  CHECK(all[0].name == "sim-0");
  CHECK(all[0].sessions == 1);
  CHECK(all[1].name == "sim-a");
  CHECK(all[1].resyncs == 2);
  CHECK(all[2].name == "sim-b");
  CHECK(all[2].latency_samples == 1);
  CHECK(all[2].latency_ms == doctest::Approx(5));
  CHECK(all[2].sessions == 0);
}

TEST_CASE("set_book with the best levels") {
  status_board board;
  const book_level bid{price::from_string("100.5").value(), quantity::from_string("2").value()};
  const book_level ask{price::from_string("100.7").value(), quantity::from_string("3").value()};
  board.set_book("sim-a", "BTC-PERP", true, t0, 7, bid, ask);
  auto v = board.venue("sim-a");
  REQUIRE(v);
  REQUIRE(v->books.size() == 1);
  CHECK(v->books[0].bid == bid);
  CHECK(v->books[0].ask == ask);
  CHECK(v->books[0].seq == 7);
  CHECK(v->books[0].synced);
  // The overload without levels keeps the last ones.
  board.set_book("sim-a", "BTC-PERP", false, t0 + sec, 8);
  v = board.venue("sim-a");
  CHECK(v->books[0].bid == bid);
  CHECK(v->books[0].ask == ask);
  CHECK(v->books[0].seq == 8);
  CHECK_FALSE(v->books[0].synced);
  // Empty levels replace them.
  board.set_book("sim-a", "BTC-PERP", true, t0 + 2 * sec, 9, book_level{}, book_level{});
  v = board.venue("sim-a");
  CHECK(v->books[0].bid == book_level{});
  CHECK(v->books[0].ask == book_level{});
}

TEST_CASE("runtime switches show in node()") {
  status_board board;
  auto n = board.node();
  CHECK(n.engine_running);
  CHECK(n.trade_mode == "normal_arb");
  CHECK_FALSE(n.live_order_enabled);
  CHECK(n.data_mode == "sim");
  board.set_engine_running(false);
  board.set_trade_mode("zero_wear");
  board.set_live_order_enabled(true);
  board.set_data_mode("replay");
  n = board.node();
  CHECK_FALSE(n.engine_running);
  CHECK(n.trade_mode == "zero_wear");
  CHECK(n.live_order_enabled);
  CHECK(n.data_mode == "replay");
  board.set_engine_running(true);
  CHECK(board.node().engine_running);
  CHECK(board.node().trade_mode == "zero_wear"); // others untouched

  simdjson::dom::parser parser;
  auto obj = json_of(parser, [&](json::writer& w) {
    w.begin_object();
    board_json::write_node(w, board.node(), t0);
    w.end_object();
  });
  bool b = false;
  std::string_view sv;
  REQUIRE(obj["engine_running"].get(b) == simdjson::SUCCESS);
  CHECK(b);
  REQUIRE(obj["live_order_enabled"].get(b) == simdjson::SUCCESS);
  CHECK(b);
  REQUIRE(obj["trade_mode"].get(sv) == simdjson::SUCCESS);
  CHECK(sv == "zero_wear");
  REQUIRE(obj["data"].get(sv) == simdjson::SUCCESS);
  CHECK(sv == "replay");
  CHECK(is_null(obj, "uptime_s")); // start_ns unset
}

TEST_CASE("the event hook sees every added event once") {
  status_board board;
  board.add_event(ev(0)); // before a hook: nothing to call
  std::vector<event> seen;
  board.set_event_hook([&](const event& e) { seen.push_back(e); });
  board.add_event(ev(1));
  board.add_event(ev(2));
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == ev(1));
  CHECK(seen[1] == ev(2));
  // Orders and fills are not events.
  board.add_order(upd("x", order_state::intent, order_state::sent));
  board.add_fill("p", order_fill{});
  CHECK(seen.size() == 2);
  // The hook runs outside the board's lock: it may read the board.
  std::size_t logged_when_called = 0;
  board.set_event_hook([&](const event&) { logged_when_called = board.events(0, 100).size(); });
  board.add_event(ev(3));
  CHECK(logged_when_called == 4);
}

TEST_CASE("board_json: venue figures") {
  simdjson::dom::parser parser;
  venue_status v;
  v.name = "sim-a";
  v.books.push_back(book_status{"BTC-PERP", true, t0 - 2 * sec, 1, {}, {}});
  v.books.push_back(book_status{"ETH-PERP", false, 0, 0, {}, {}}); // never updated
  auto obj = json_of(parser, [&](json::writer& w) { board_json::write_venue(w, v, t0); });
  uint64_t u = 99;
  REQUIRE(obj["sessions"].get(u) == simdjson::SUCCESS);
  CHECK(u == 0);
  REQUIRE(obj["reconnects"].get(u) == simdjson::SUCCESS);
  CHECK(u == 0); // no session yet: not -1
  CHECK(is_null(obj, "latency_ms"));
  CHECK(is_null(obj, "last_latency_ms"));
  CHECK(is_null(obj, "max_book_age_s")); // one book never updated
  REQUIRE(obj["synced_books"].get(u) == simdjson::SUCCESS);
  CHECK(u == 1);
  REQUIRE(obj["total_books"].get(u) == simdjson::SUCCESS);
  CHECK(u == 2);
  simdjson::dom::array books;
  REQUIRE(obj["books"].get(books) == simdjson::SUCCESS);
  CHECK(books.size() == 2);

  v.sessions = 4;
  v.resyncs = 2;
  v.latency_ms = 11.5;
  v.last_latency_ms = 20;
  v.latency_samples = 2;
  v.books[1].last_update_ns = t0 - sec;
  obj = json_of(parser, [&](json::writer& w) { board_json::write_venue(w, v, t0, false); });
  REQUIRE(obj["reconnects"].get(u) == simdjson::SUCCESS);
  CHECK(u == 3);
  REQUIRE(obj["resyncs"].get(u) == simdjson::SUCCESS);
  CHECK(u == 2);
  double d = 0;
  REQUIRE(obj["latency_ms"].get(d) == simdjson::SUCCESS);
  CHECK(d == doctest::Approx(11.5));
  REQUIRE(obj["last_latency_ms"].get(d) == simdjson::SUCCESS);
  CHECK(d == doctest::Approx(20));
  REQUIRE(obj["max_book_age_s"].get(d) == simdjson::SUCCESS);
  CHECK(d == doctest::Approx(2.0)); // the oldest book
  CHECK_FALSE(has_key(obj, "books"));
}

TEST_CASE("board_json: a book's empty levels are null") {
  simdjson::dom::parser parser;
  book_status b{"BTC-PERP", true, t0 - sec, 5, {}, {}};
  b.bid = book_level{price::from_string("100.5").value(), quantity::from_string("2").value()};
  auto obj = json_of(parser, [&](json::writer& w) { board_json::write_book(w, b, t0); });
  std::string_view sv;
  REQUIRE(obj["bid"].get(sv) == simdjson::SUCCESS);
  CHECK(price::from_string(sv).value() == b.bid.px);
  REQUIRE(obj["bid_qty"].get(sv) == simdjson::SUCCESS);
  CHECK(quantity::from_string(sv).value() == b.bid.qty);
  CHECK(is_null(obj, "ask"));
  CHECK(is_null(obj, "ask_qty"));
  double d = 0;
  REQUIRE(obj["age_s"].get(d) == simdjson::SUCCESS);
  CHECK(d == doctest::Approx(1.0));

  book_status never{"ETH-PERP", false, 0, 0, {}, {}};
  obj = json_of(parser, [&](json::writer& w) { board_json::write_book(w, never, t0); });
  CHECK(is_null(obj, "bid"));
  CHECK(is_null(obj, "ask"));
  CHECK(is_null(obj, "age_s"));
}

TEST_CASE("board_json: log records carry seq only when non-zero") {
  simdjson::dom::parser parser;
  auto u = upd("o1", order_state::sent, order_state::acked);
  auto obj = json_of(parser, [&](json::writer& w) { board_json::write_order(w, u); });
  CHECK_FALSE(has_key(obj, "seq"));
  std::string_view sv;
  REQUIRE(obj["client_id"].get(sv) == simdjson::SUCCESS);
  CHECK(sv == "o1");
  obj = json_of(parser, [&](json::writer& w) { board_json::write_order(w, u, 17); });
  uint64_t seq = 0;
  REQUIRE(obj["seq"].get(seq) == simdjson::SUCCESS);
  CHECK(seq == 17);

  fill_record f{"p", order_fill{}};
  f.fill.fill_id = "f9";
  obj = json_of(parser, [&](json::writer& w) { board_json::write_fill(w, f); });
  CHECK_FALSE(has_key(obj, "seq"));
  REQUIRE(obj["pair"].get(sv) == simdjson::SUCCESS);
  CHECK(sv == "p");
  obj = json_of(parser, [&](json::writer& w) { board_json::write_fill(w, f, 3); });
  REQUIRE(obj["seq"].get(seq) == simdjson::SUCCESS);
  CHECK(seq == 3);

  obj = json_of(parser, [&](json::writer& w) { board_json::write_event(w, ev(1)); });
  CHECK_FALSE(has_key(obj, "seq"));
  REQUIRE(obj["text"].get(sv) == simdjson::SUCCESS);
  CHECK(sv == "event 1");
  obj = json_of(parser, [&](json::writer& w) { board_json::write_event(w, ev(1), 1); });
  REQUIRE(obj["seq"].get(seq) == simdjson::SUCCESS);
  CHECK(seq == 1);
}

TEST_CASE("board_json::to_bps") {
  CHECK(board_json::to_bps(r("0.00025")) == doctest::Approx(2.5));
  CHECK(board_json::to_bps(r("0.0001")) == doctest::Approx(1.0));
  CHECK(board_json::to_bps(r("-0.0003")) == doctest::Approx(-3.0));
  CHECK(board_json::to_bps(r("0")) == 0.0);
  CHECK(board_json::to_bps(r("1")) == doctest::Approx(10000.0));
}

TEST_CASE("concurrent log writers and readers stay consistent") {
  status_board board;
  std::atomic<int> hook_calls{0};
  board.set_event_hook([&](const event&) { ++hook_calls; });
  constexpr int per_writer = 600; // 4 x 600 = 2400 > log_capacity
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w)
    writers.emplace_back([&board, w] {
      for (int i = 0; i < per_writer; ++i) {
        board.add_event(event{t0 + i, severity::info, "w" + std::to_string(w), ""});
        auto id = "w" + std::to_string(w) + "-" + std::to_string(i);
        board.add_order(upd(id, order_state::intent, order_state::sent));
        if (i % 2 == 1)
          board.add_order(upd(id, order_state::sent, order_state::filled));
      }
    });
  std::vector<std::thread> readers;
  std::atomic<int> bad{0};
  for (int rd = 0; rd < 2; ++rd)
    readers.emplace_back([&] {
      uint64_t last = 0;
      while (!done) {
        auto all = board.events(0, 5000);
        // Contiguous, increasing, bounded.
        if (all.size() > status_board::log_capacity)
          ++bad;
        for (std::size_t k = 1; k < all.size(); ++k)
          if (all[k].seq != all[k - 1].seq + 1)
            ++bad;
        if (!all.empty()) {
          if (all.back().seq < last)
            ++bad;
          last = all.back().seq;
        }
        auto tail = board.events(last > 5 ? last - 5 : 0, 3);
        if (tail.size() > 3)
          ++bad;
        (void)board.open_orders();
        (void)board.orders(0, 10);
      }
    });
  for (auto& t : writers)
    t.join();
  done = true;
  for (auto& t : readers)
    t.join();
  CHECK(bad == 0);
  CHECK(hook_calls == 4 * per_writer);
  auto all = board.events(0, 5000);
  REQUIRE(all.size() == status_board::log_capacity);
  CHECK(all.back().seq == 4 * per_writer);
  CHECK(all.front().seq == 4 * per_writer - status_board::log_capacity + 1);
  // Odd orders were filled: half of each writer's orders stay open.
  CHECK(board.open_orders().size() == 4 * per_writer / 2);
  auto orders = board.orders(0, 5000);
  REQUIRE(orders.size() == status_board::log_capacity);
  CHECK(orders.back().seq == 4 * per_writer * 3 / 2);
}

}

TEST_SUITE("status_board pages") {

TEST_CASE("orders_page and fills_page copy only the newest matching entries") {
  status_board b;
  for (int i = 1; i <= 30; ++i) {
    order_update u;
    u.pair_id = i % 3 == 0 ? "P3" : "P";
    u.client_id = "c" + std::to_string(i);
    b.add_order(u);
    order_fill f;
    f.fill_id = "f" + std::to_string(i);
    b.add_fill(i % 3 == 0 ? "P3" : "P", f);
  }
  auto all = b.orders_page(0, 5, "");
  REQUIRE(all.entries.size() == 5);
  CHECK(all.entries.front().seq == 26);
  CHECK(all.entries.back().seq == 30);
  CHECK(all.last_seq == 30);
  auto p3 = b.orders_page(0, 4, "P3");
  REQUIRE(p3.entries.size() == 4);
  CHECK(p3.entries[0].item.client_id == "c21"); // 21, 24, 27, 30
  CHECK(p3.entries[3].item.client_id == "c30");
  CHECK(p3.last_seq == 30);
  // `after` bounds the walk: only entries newer than it.
  auto since = b.orders_page(27, 100, "P3");
  REQUIRE(since.entries.size() == 1);
  CHECK(since.entries[0].seq == 30);
  CHECK(b.orders_page(30, 10, "").entries.empty());
  CHECK(b.orders_page(0, 10, "nobody").entries.empty());
  auto fills = b.fills_page(0, 2, "P");
  REQUIRE(fills.entries.size() == 2);
  CHECK(fills.entries[0].item.fill.fill_id == "f28");
  CHECK(fills.entries[1].item.fill.fill_id == "f29");
  status_board empty;
  CHECK(empty.fills_page(0, 10, "").last_seq == 0);
}

} // TEST_SUITE

TEST_CASE("a real venue's listing replaces its previous one") {
  xarb::status_board b;
  CHECK(b.instruments().empty());
  xarb::instrument_spec btc;
  btc.venue = "binance";
  btc.symbol = "BTC-PERP";
  btc.native_symbol = "BTCUSDT";
  auto eth = btc;
  eth.symbol = "ETH-PERP";
  eth.native_symbol = "ETHUSDT";
  b.set_instruments("binance", {btc, eth});
  auto okx = btc;
  okx.venue = "okx";
  okx.native_symbol = "BTC-USDT-SWAP";
  b.set_instruments("okx", {okx});
  auto all = b.instruments();
  REQUIRE(all.size() == 2);
  CHECK(all["binance"].size() == 2);
  CHECK(all["okx"].front().native_symbol == "BTC-USDT-SWAP");
  b.set_instruments("binance", {eth}); // BTC delisted
  all = b.instruments();
  REQUIRE(all["binance"].size() == 1);
  CHECK(all["binance"].front().native_symbol == "ETHUSDT");
}
