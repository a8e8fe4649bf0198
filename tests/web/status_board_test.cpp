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
