// The equity curve's ring (monitoring/equity_ring.hpp) and the status
// board's sampling of the P&L total (monitoring/pnl_total.hpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "monitoring/board_json.hpp"
#include "monitoring/equity_ring.hpp"
#include "monitoring/pnl_total.hpp"
#include "monitoring/status_board.hpp"
#include "tests/web/equity_samples.hpp"

using namespace xarb;
using xarb::test::m;
using xarb::test::sec;
using xarb::test::t0;

namespace {


equity_point point(int64_t i) {
  equity_point p;
  p.ts_ns = t0 + i * sec;
  p.net = m("1") * i;
  return p;
}

std::vector<uint64_t> seqs(const equity_ring::page& pg) {
  std::vector<uint64_t> out;
  for (auto& p : pg.points)
    out.push_back(p.seq);
  return out;
}

pair_status pair_with(const std::string& id, const char* realized_a, const char* fees_a,
                      const char* funding_b, const char* unrealized_b) {
  pair_status p;
  p.id = id;
  p.symbol = "BTC-PERP";
  p.venue_a = "sim-a";
  p.venue_b = "sim-b";
  p.leg_a.venue = "sim-a";
  p.leg_a.realized = m(realized_a);
  p.leg_a.fees = m(fees_a);
  p.leg_b.venue = "sim-b";
  p.leg_b.funding = m(funding_b);
  p.leg_b.unrealized = m(unrealized_b);
  p.leg_b.funding_accrued = m("123"); // an estimate: never in net
  return p;
}

} // namespace

TEST_SUITE("equity") {

TEST_CASE("the ring numbers points from 1 and keeps the newest capacity") {
  equity_ring r{3};
  CHECK(r.capacity() == 3);
  CHECK(r.newest(0, 10).points.empty());
  CHECK(r.newest(0, 10).last_seq == 0);
  for (int i = 1; i <= 5; ++i) {
    auto p = point(i);
    p.seq = 99; // ignored: the ring numbers
    CHECK(r.add(p).seq == static_cast<uint64_t>(i));
  }
  CHECK(r.size() == 3);
  CHECK(r.last_seq() == 5);
  auto all = r.newest(0, 10);
  CHECK(seqs(all) == std::vector<uint64_t>{3, 4, 5});
  CHECK(all.last_seq == 5);
  CHECK(all.points.front().ts_ns == t0 + 3 * sec);
  CHECK(all.points.back().net == m("5"));
  CHECK(equity_ring{}.capacity() == 17'280);
}

TEST_CASE("after and limit: the newest `limit` after `after`, oldest first") {
  equity_ring r;
  for (int i = 1; i <= 10; ++i)
    r.add(point(i));
  CHECK(seqs(r.newest(0, 3)) == std::vector<uint64_t>{8, 9, 10});
  CHECK(seqs(r.newest(6, 100)) == std::vector<uint64_t>{7, 8, 9, 10});
  CHECK(seqs(r.newest(6, 2)) == std::vector<uint64_t>{9, 10});
  CHECK(r.newest(10, 5).points.empty());
  CHECK(r.newest(10, 5).last_seq == 10);
  CHECK(r.newest(99, 5).points.empty());
}

TEST_CASE("seed keeps increasing seqs, renumbers others, continues after them") {
  equity_ring r{4};
  std::vector<equity_point> stored;
  for (int i = 1; i <= 6; ++i) {
    auto p = point(i);
    p.seq = static_cast<uint64_t>(100 + 2 * i);
    stored.push_back(p);
  }
  r.seed(stored);
  CHECK(seqs(r.newest(0, 10)) == std::vector<uint64_t>{106, 108, 110, 112}); // newest 4
  CHECK(r.add(point(7)).seq == 113);
  CHECK(r.newest(0, 10).points.front().ts_ns == t0 + 4 * sec);

  stored[3].seq = stored[2].seq; // not increasing: renumbered
  r.seed(stored);
  CHECK(seqs(r.newest(0, 10)) == std::vector<uint64_t>{1, 2, 3, 4});
  CHECK(r.newest(0, 10).points.back().net == m("6"));
  CHECK(r.add(point(7)).seq == 5);
  r.seed({});
  CHECK(r.size() == 0);
  CHECK(r.add(point(1)).seq == 1);
}

TEST_CASE("the P&L total is exact and leaves out unreported legs and accrued funding") {
  std::vector<pair_status> pairs{
    pair_with("a", "0.000000001", "0.1", "-0.3", "100000000.000000002"),
    pair_with("b", "-0.000000002", "0.2", "0.1", "0.1")};
  pair_status silent = pair_with("c", "5", "5", "5", "5");
  silent.leg_a.venue.clear(); // has not reported: its figures are not counted
  silent.leg_b.venue.clear();
  pairs.push_back(silent);
  auto t = pnl_total(pairs);
  CHECK(t.realized == m("-0.000000001"));
  CHECK(t.fees == m("0.3"));
  CHECK(t.funding == m("-0.2"));
  CHECK(t.unrealized == m("100000000.100000002"));
  CHECK(t.funding_accrued == m("246"));
  CHECK(t.net() == m("99999999.600000001"));

  auto p = make_equity_point(t0, t);
  CHECK(p.seq == 0);
  CHECK(p.ts_ns == t0);
  CHECK(p.net == t.net());
  CHECK(p.unrealized == t.unrealized);
}

TEST_CASE("the board samples its pairs' total and pages it") {
  status_board board;
  CHECK(board.equity_interval_s() == 5);
  board.set_equity_interval(10);
  CHECK(board.equity_interval_s() == 10);
  auto first = board.sample_equity(t0);
  CHECK(first.seq == 1);
  CHECK(first.net == money{});
  board.set_pair(pair_with("a", "1.5", "0.25", "0.125", "-2"));
  auto second = board.sample_equity(t0 + 5 * sec);
  CHECK(second.seq == 2);
  CHECK(second.realized == m("1.5"));
  CHECK(second.fees == m("0.25"));
  CHECK(second.funding == m("0.125"));
  CHECK(second.unrealized == m("-2"));
  CHECK(second.net == m("-0.625"));
  auto page = board.equity(0, 10);
  REQUIRE(page.points.size() == 2);
  CHECK(page.points[1] == second);
  CHECK(page.last_seq == 2);
  CHECK(board.equity(1, 10).points.size() == 1);

  json::writer w;
  board_json::write_equity(w, second);
  CHECK(std::move(w).str()
        == R"({"seq":2,"ts_ns":1700000005000000000,"realized":"1.5","fees":"0.25",)"
           R"("funding":"0.125","unrealized":"-2","net":"-0.625"})");

  board.seed_equity({point(1), point(2), point(3)});
  CHECK(board.equity(0, 10).points.size() == 3);
  CHECK(board.add_equity(point(4)).seq == 4);
}

}
