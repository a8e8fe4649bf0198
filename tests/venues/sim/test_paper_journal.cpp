// A paper account on a live venue survives a restart: the journal keeps every
// account-changing event (framing of record_file.hpp: torn tail dropped,
// damage refused), and a fresh paper_exchange restored from it answers
// exactly as the one that ran, then goes on exactly as it would have.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "tests/venues/sim/record_file_test_util.hpp"
#include "tests/venues/sim/sim_test_util.hpp"
#include "venues/sim/account.hpp"
#include "venues/sim/paper_exchange.hpp"
#include "venues/sim/paper_journal.hpp"

using namespace xarb;
using namespace xarb::sim;
using namespace xarb::sim::test;

namespace {

std::unique_ptr<paper_journal> open_ok(const std::string& p, const std::string& venue_name) {
  auto j = paper_journal::open(p, venue_name);
  if (!j)
    FAIL(j.error().message);
  return std::move(*j);
}

instrument_spec spec(const char* symbol, const char* tick, const char* lot) {
  instrument_spec s;
  s.venue = "binance";
  s.symbol = symbol;
  s.tick = px(tick);
  s.lot = qty(lot);
  s.min_qty = qty(lot);
  s.min_notional = money::from_units(5);
  s.maker_fee = rate("0.0002");
  s.taker_fee = rate("0.0005");
  return s;
}

const std::vector<instrument_spec> both{spec("BTC-PERP", "0.1", "0.001"),
                                        spec("ETH-PERP", "0.01", "0.01")};

order_book book(std::vector<book_level> bids, std::vector<book_level> asks, uint64_t seq) {
  book_snapshot s;
  s.seq = seq;
  s.bids = std::move(bids);
  s.asks = std::move(asks);
  order_book b;
  REQUIRE(b.apply(s) == error_code::none);
  return b;
}

order_intent ord(const char* id, const char* sym, side sd, order_type type, time_in_force tif,
                 const char* price_text, const char* size, bool reduce_only = false) {
  return order(id, "binance", sym, sd, type, tif, price_text ? px(price_text) : price{},
               qty(size), reduce_only);
}

funding_rate funding(const char* sym, const char* r, timestamp_ns next) {
  funding_rate f;
  f.venue = "binance";
  f.symbol = sym;
  f.rate = rate(r);
  f.next_funding_ts = next;
  return f;
}

const std::vector<std::string> ids{"c1", "c2", "c3", "c4", "c5", "e1", "r1", "never"};

/// A realistic session: taker fills over two levels, a maker order filled in
/// part then cancelled, an order still resting, a resting reduce-only (trimmed),
/// a reduce-only market order, funding settled twice, a funding time passed
/// flat, rejects. Returns every event.
std::vector<event> run_session(paper_exchange& ex) {
  std::vector<event> out;
  const auto b1 = book({{px("50000"), qty("0.5")}, {px("49999.9"), qty("2")}},
                       {{px("50000.5"), qty("0.3")}, {px("50000.6"), qty("1")}}, 1);
  const auto e1 = book({{px("3000"), qty("5")}}, {{px("3000.5"), qty("5")}}, 1);
  ex.submit(ord("c1", "BTC-PERP", side::buy, order_type::market, time_in_force::ioc, nullptr,
                "0.5"), &b1, 100, out);
  ex.submit(ord("c2", "BTC-PERP", side::sell, order_type::limit, time_in_force::gtc, "50002",
                "0.4"), &b1, 110, out);
  ex.submit(ord("c3", "BTC-PERP", side::buy, order_type::limit, time_in_force::post_only,
                "49990", "0.2"), &b1, 115, out);
  ex.submit(ord("c2", "BTC-PERP", side::buy, order_type::limit, time_in_force::gtc, "49000",
                "0.1"), &b1, 116, out); // duplicate: rejected
  ex.submit(ord("r1", "BTC-PERP", side::buy, order_type::limit, time_in_force::gtc, "49000.05",
                "0.1"), &b1, 117, out); // bad tick: rejected
  ex.submit(ord("e1", "ETH-PERP", side::sell, order_type::limit, time_in_force::gtc, "3100",
                "1"), &e1, 118, out);
  const auto b2 = book({{px("50002"), qty("0.1")}, {px("50001.9"), qty("1")}},
                       {{px("50002.5"), qty("1")}}, 2);
  ex.on_book("BTC-PERP", b2, 120, out); // c2 sells 0.1 as maker
  ex.cancel(cancel_request{"c2", "binance", "BTC-PERP", 130}, 130, out);
  ex.cancel(cancel_request{"c2", "binance", "BTC-PERP", 131}, 131, out); // unknown: rejected
  ex.on_funding(funding("BTC-PERP", "0.0001", 1000), px("50010"));
  ex.on_funding(funding("ETH-PERP", "0.0001", 1500), px("3000"));
  ex.advance(1000, out); // BTC on +0.4
  const auto b3 = book({{px("50005"), qty("0.05")}, {px("50004"), qty("1")}},
                       {{px("50006"), qty("1")}}, 3);
  ex.submit(ord("c4", "BTC-PERP", side::sell, order_type::market, time_in_force::ioc, nullptr,
                "0.1", true), &b3, 1100, out);
  ex.submit(ord("c5", "BTC-PERP", side::sell, order_type::limit, time_in_force::gtc, "50100",
                "1", true), &b3, 1200, out); // trimmed to 0.3
  ex.advance(1500, out); // ETH flat: skipped
  ex.on_funding(funding("BTC-PERP", "-0.0002", 2000), px("49000"));
  ex.advance(2000, out); // BTC on +0.3
  return out;
}

void same_resting(const std::vector<resting_order>& a, const std::vector<resting_order>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    CAPTURE(k);
    CHECK(a[k].client_id == b[k].client_id);
    CHECK(a[k].venue_order_id == b[k].venue_order_id);
    CHECK(a[k].sd == b[k].sd);
    CHECK(a[k].px == b[k].px);
    CHECK(a[k].leaves == b[k].leaves);
    CHECK(a[k].reduce_only == b[k].reduce_only);
    CHECK(a[k].seq == b[k].seq);
  }
}

/// Everything a venue's REST API would report is identical.
void same_account(const paper_exchange& a, const paper_exchange& b,
                  const std::vector<std::string>& symbols) {
  for (const auto& sym : symbols) {
    CAPTURE(sym);
    CHECK(a.position_of(sym) == b.position_of(sym));
    same_resting(a.open_orders(sym), b.open_orders(sym));
    CHECK(a.funding_payments(sym) == b.funding_payments(sym));
    account_query q;
    q.symbol = sym;
    q.client_ids = ids;
    q.id_prefix = "c";
    CHECK(account_of(a, q, 7) == account_of(b, q, 7));
  }
  for (const auto& id : ids) {
    CAPTURE(id);
    const auto* ra = a.order_of(id);
    const auto* rb = b.order_of(id);
    REQUIRE((ra == nullptr) == (rb == nullptr));
    if (ra)
      CHECK(*ra == *rb);
    CHECK(a.fills_of(id) == b.fills_of(id));
  }
}

template <class T>
std::size_t count_of(const std::vector<paper_record>& rs) {
  std::size_t n = 0;
  for (const auto& r : rs)
    n += std::holds_alternative<T>(r) ? 1 : 0;
  return n;
}

/// The sample session journaled at `p`; returns its records.
std::vector<paper_record> journal_session(const std::string& p) {
  auto j = open_ok(p, "binance");
  paper_exchange ex("binance");
  ex.add_instruments(both);
  ex.set_recorder([&](const paper_record& r) { REQUIRE_FALSE(j->append(r)); });
  run_session(ex);
  return j->records();
}

} // namespace

TEST_CASE("paper journal: the recorder sees exactly the account-changing events") {
  paper_exchange ex("binance");
  ex.add_instruments(both);
  std::vector<paper_record> recs;
  ex.set_recorder([&](const paper_record& r) { recs.push_back(r); });
  const auto events = run_session(ex);
  // Acks, fills, closes and payments, each once and in emitted order; no rejects.
  CHECK(count_of<paper_accepted>(recs) == only<order_ack>(events).size());
  CHECK(count_of<order_fill>(recs) == only<order_fill>(events).size());
  CHECK(count_of<order_cancelled>(recs) == only<order_cancelled>(events).size());
  CHECK(count_of<funding_payment>(recs) == 2);
  REQUIRE(count_of<funding_skipped>(recs) == 1);
  CHECK(only<order_reject>(events).size() == 3);
  CHECK(only<order_ack>(events).size() == 6); // c1 c2 c3 e1 c4 c5
  std::vector<order_fill> fills;
  for (const auto& r : recs)
    if (const auto* f = std::get_if<order_fill>(&r))
      fills.push_back(*f);
  CHECK(fills == only<order_fill>(events));
  // The accepted record is the order as acknowledged, with its arrival number.
  const auto& first = std::get<paper_accepted>(recs.front());
  CHECK(first.order.client_id == "c1");
  CHECK(first.order.venue_order_id == "binance-o1");
  CHECK(first.seq == 1);
  CHECK(first.order.st == order_record::status::open);
  CHECK(first.order.filled.is_zero());
  CHECK(first.order.qty == qty("0.5"));
  CHECK(std::get<funding_skipped>(*std::find_if(recs.begin(), recs.end(), [](const auto& r) {
          return std::holds_alternative<funding_skipped>(r);
        })) == funding_skipped{"ETH-PERP", 1500});
}

TEST_CASE("paper journal: a fresh exchange restored from the file is the account that ran") {
  temp_dir d{"xarb-pjournal"};
  const auto p = d.file("paper/binance.journal");
  auto j = open_ok(p, "binance");
  paper_exchange ran("binance");
  ran.add_instruments(both);
  ran.set_recorder([&](const paper_record& r) { REQUIRE_FALSE(j->append(r)); });
  const auto events = run_session(ran);
  const auto written = j->records();
  j.reset(); // the process dies
  ran.set_recorder({});

  // What the session built: the figures the restore must give back.
  const auto pos = ran.position_of("BTC-PERP");
  CHECK(pos.qty == qty("0.3"));
  CHECK(ran.open_orders("BTC-PERP").size() == 2); // c3, c5 (trimmed to 0.3)
  CHECK(ran.open_orders("ETH-PERP").size() == 1); // e1
  CHECK(ran.funding_payments("BTC-PERP").size() == 2);
  CHECK(ran.order_of("c2")->st == order_record::status::cancelled);
  CHECK(ran.order_of("c2")->filled == qty("0.1"));

  auto again = open_ok(p, "binance");
  CHECK(again->torn_bytes() == 0);
  REQUIRE(again->records() == written);
  paper_exchange back("binance");
  back.add_instruments(both);
  std::vector<paper_record> more;
  back.set_recorder([&](const paper_record& r) { more.push_back(r); });
  std::vector<event> out;
  const auto sum = back.restore(again->records(), 2500, out);
  CHECK(out.empty());
  CHECK(more.empty()); // restored records are not recorded again
  CHECK(sum.records == written.size());
  CHECK(sum.open == 3);
  CHECK(sum.expired == 0);
  CHECK(sum.unlisted.empty());
  same_account(ran, back, {"BTC-PERP", "ETH-PERP"});
  CHECK(back.position_of("BTC-PERP").realized_pnl == pos.realized_pnl);
  CHECK(back.position_of("BTC-PERP").avg_entry == pos.avg_entry);
  CHECK(back.exchange_time() == 2500);

  // Both go on identically: the same funding times are not settled again
  // (BTC paid at 2000, ETH passed flat at 1500), the resting buy fills as
  // maker on the next crossing book with the same ids, a new order gets the
  // next venue order id, a taker fill the next fill id.
  std::vector<event> a, b;
  for (auto* ex : {&ran, &back}) {
    auto& o = ex == &ran ? a : b;
    ex->on_funding(funding("BTC-PERP", "0.0003", 2000), px("49500"));
    ex->on_funding(funding("ETH-PERP", "0.0003", 1500), px("3000"));
    ex->advance(3000, o);
    const auto b4 = book({{px("49989"), qty("1")}},
                         {{px("49990"), qty("0.1")}, {px("49990.5"), qty("1")}}, 4);
    ex->on_book("BTC-PERP", b4, 3000, o);
    ex->submit(ord("c6", "BTC-PERP", side::buy, order_type::market, time_in_force::ioc, nullptr,
                   "0.05"), &b4, 3100, o);
    ex->submit(ord("c1", "BTC-PERP", side::buy, order_type::market, time_in_force::ioc, nullptr,
                   "0.05"), &b4, 3200, o); // an id used before the restart
  }
  CHECK(a == b);
  const auto maker = only<order_fill>(b);
  REQUIRE(maker.size() == 2);
  CHECK(maker[0].client_id == "c3");
  CHECK(maker[0].liq == liquidity::maker);
  CHECK(maker[0].qty == qty("0.1"));
  CHECK(maker[0].leaves_qty == qty("0.1"));
  CHECK(maker[1].client_id == "c6");
  CHECK(maker[1].venue_order_id == "binance-o7");
  CHECK(maker[1].fill_id == "binance-t" + std::to_string(count_of<order_fill>(written) + 2));
  REQUIRE(only<order_reject>(b).size() == 1);
  CHECK(only<order_reject>(b)[0].code == error_code::duplicate_order);
  CHECK(only<funding_payment>(b).empty());
  CHECK(count_of<funding_skipped>(more) == 0);
  CHECK(count_of<order_fill>(more) == 2);
  same_account(ran, back, {"BTC-PERP", "ETH-PERP"});
}

TEST_CASE("paper journal: restore, restart, restore again: the journal keeps up") {
  temp_dir d{"xarb-pjournal"};
  const auto p = d.file("binance.journal");
  paper_exchange ran("binance");
  ran.add_instruments(both);
  {
    auto j = open_ok(p, "binance");
    ran.set_recorder([&](const paper_record& r) { REQUIRE_FALSE(j->append(r)); });
    run_session(ran);
  }
  ran.set_recorder({});
  const auto b4 = book({{px("49989"), qty("1")}}, {{px("49990"), qty("0.3")}}, 4);
  std::vector<event> ignored;
  ran.on_book("BTC-PERP", b4, 3000, ignored); // c3 filled in full
  ran.cancel(cancel_request{"e1", "binance", "ETH-PERP", 3100}, 3100, ignored);
  // Second life: restored, journaled, and the same moves.
  {
    auto j = open_ok(p, "binance");
    paper_exchange second("binance");
    second.add_instruments(both);
    second.set_recorder([&](const paper_record& r) { REQUIRE_FALSE(j->append(r)); });
    std::vector<event> out;
    second.restore(j->records(), 2000, out);
    second.on_book("BTC-PERP", b4, 3000, out);
    second.cancel(cancel_request{"e1", "binance", "ETH-PERP", 3100}, 3100, out);
    same_account(ran, second, {"BTC-PERP", "ETH-PERP"});
  }
  // Third life, from the journal the second one extended.
  auto j = open_ok(p, "binance");
  paper_exchange third("binance");
  third.add_instruments(both);
  std::vector<event> out;
  third.restore(j->records(), 0, out);
  same_account(ran, third, {"BTC-PERP", "ETH-PERP"});
  CHECK(third.order_of("c3")->st == order_record::status::filled);
  CHECK(third.order_of("e1")->st == order_record::status::cancelled);
  CHECK(third.open_orders("ETH-PERP").empty());
  CHECK(third.exchange_time() == 3100);
}

TEST_CASE("paper journal: a symbol no longer listed keeps its history; its orders expire") {
  paper_exchange ran("binance");
  ran.add_instruments(both);
  std::vector<paper_record> recs;
  ran.set_recorder([&](const paper_record& r) { recs.push_back(r); });
  std::vector<event> ignored;
  const auto e1 = book({{px("3000"), qty("5")}}, {{px("3000.5"), qty("5")}}, 1);
  ran.submit(ord("e0", "ETH-PERP", side::buy, order_type::market, time_in_force::ioc, nullptr,
                 "2"), &e1, 10, ignored);
  ran.submit(ord("e1", "ETH-PERP", side::sell, order_type::limit, time_in_force::gtc, "3100",
                 "1"), &e1, 20, ignored);
  REQUIRE(ran.position_of("ETH-PERP").qty == qty("2"));

  // The venue now lists BTC only.
  paper_exchange back("binance");
  const std::vector<instrument_spec> btc_only{both[0]};
  back.add_instruments(btc_only);
  std::vector<paper_record> more;
  back.set_recorder([&](const paper_record& r) { more.push_back(r); });
  std::vector<event> out;
  const auto sum = back.restore(recs, 500, out);
  CHECK(sum.expired == 1);
  CHECK(sum.open == 0);
  CHECK(sum.unlisted == std::vector<std::string>{"ETH-PERP"});
  const auto expired = only<order_cancelled>(out);
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].client_id == "e1");
  CHECK(expired[0].cancelled_qty == qty("1"));
  CHECK(expired[0].reason.find("expired") != std::string::npos);
  CHECK(expired[0].ts == 500);
  REQUIRE(more.size() == 1); // the expiry is journaled: the next restart agrees
  CHECK(std::get<order_cancelled>(more[0]) == expired[0]);
  CHECK(back.order_of("e1")->st == order_record::status::cancelled);
  CHECK(back.order_of("e1")->closed == 500);
  CHECK(back.open_orders("ETH-PERP").empty());
  CHECK_FALSE(back.lists("ETH-PERP"));
  // The history stays: position, order records, fills.
  CHECK(back.position_of("ETH-PERP") == ran.position_of("ETH-PERP"));
  CHECK(back.fills_of("e0") == ran.fills_of("e0"));
  // Orders on it are refused like any unknown symbol, and market data ignored.
  out.clear();
  back.submit(ord("e2", "ETH-PERP", side::sell, order_type::market, time_in_force::ioc, nullptr,
                  "2"), &e1, 600, out);
  REQUIRE(only<order_reject>(out).size() == 1);
  CHECK(only<order_reject>(out)[0].code == error_code::unknown_symbol);
  CHECK(back.order_of("e2") == nullptr);
  back.on_book("ETH-PERP", e1, 610, out);
  CHECK(only<order_fill>(out).empty());

  // Listed again: the venue's rules, and the position trades on.
  back.add_instruments(both);
  CHECK(back.lists("ETH-PERP"));
  out.clear();
  back.submit(ord("e3", "ETH-PERP", side::sell, order_type::market, time_in_force::ioc, nullptr,
                  "2"), &e1, 700, out);
  REQUIRE(only<order_fill>(out).size() == 1);
  CHECK(back.position_of("ETH-PERP").qty.is_zero());
  // The venue's lot again: a size off it is refused.
  out.clear();
  back.submit(ord("e4", "ETH-PERP", side::sell, order_type::limit, time_in_force::gtc, "3100",
                  "0.001"), &e1, 710, out);
  REQUIRE(only<order_reject>(out).size() == 1);
  CHECK(only<order_reject>(out)[0].code == error_code::bad_lot);
}

TEST_CASE("paper journal: restore refuses a used account and records that do not fit") {
  std::vector<paper_record> recs;
  {
    paper_exchange ran("binance");
    ran.add_instruments(both);
    ran.set_recorder([&](const paper_record& r) { recs.push_back(r); });
    run_session(ran);
  }
  std::vector<event> out;
  {
    paper_exchange used("binance");
    used.add_instruments(both);
    const auto b1 = book({{px("50000"), qty("1")}}, {{px("50001"), qty("1")}}, 1);
    used.submit(ord("x", "BTC-PERP", side::buy, order_type::market, time_in_force::ioc, nullptr,
                    "0.01"), &b1, 1, out);
    CHECK_THROWS_AS(used.restore(recs, 0, out), std::logic_error);
  }
  const auto fails = [&](std::vector<paper_record> bad) {
    paper_exchange ex("binance");
    ex.add_instruments(both);
    CHECK_THROWS_AS(ex.restore(bad, 0, out), std::invalid_argument);
  };
  // A fill whose order was never accepted (a hole in the journal).
  auto no_accept = recs;
  no_accept.erase(no_accept.begin());
  fails(no_accept);
  // A funding amount the restored position does not give.
  auto bad_funding = recs;
  for (auto& r : bad_funding)
    if (auto* f = std::get_if<funding_payment>(&r))
      f->amount = f->amount + money::from_raw(1);
  fails(bad_funding);
  // Another venue's record; an order accepted twice.
  auto other = recs;
  for (auto& r : other)
    if (auto* f = std::get_if<order_fill>(&r))
      f->venue = "okx";
  fails(other);
  auto twice = recs;
  twice.push_back(recs.front());
  fails(twice);
}

TEST_CASE("paper journal: every field of every record round-trips through the file") {
  temp_dir d{"xarb-pjournal"};
  const auto p = d.file("rt.journal");
  std::vector<paper_record> recs;
  {
    paper_accepted a;
    a.order = order_record{"id-1", "binance-o42", "BTC-PERP", side::sell, time_in_force::post_only,
                           true, px("123.45"), qty("0.007"), quantity{},
                           order_record::status::open, -5, 0};
    a.seq = 42;
    recs.emplace_back(a);
    recs.emplace_back(order_fill{"id-1", "binance-o42", "binance-t9", "binance", "BTC-PERP",
                                 side::sell, px("123.45"), qty("0.003"), qty("0.004"),
                                 usd("-0.000123"), liquidity::maker, 77});
    recs.emplace_back(order_cancelled{"id-1", "binance", "BTC-PERP", qty("0.004"), "cancelled",
                                      78});
    recs.emplace_back(funding_payment{"binance", "BTC-PERP", qty("-0.25"), px("99.5"),
                                      rate("-0.000375"), usd("0.009328125"), 1'000'000});
    recs.emplace_back(funding_skipped{"ETH-PERP", 2'000'000});
    auto j = open_ok(p, "binance");
    for (const auto& r : recs)
      REQUIRE_FALSE(j->append(r));
    CHECK(j->records() == recs);
    // A record of another venue is refused and not written.
    const auto size = j->size_bytes();
    auto err = j->append(funding_payment{"okx", "BTC-PERP", {}, {}, {}, {}, 1});
    CHECK(err.code == error_code::config_error);
    CHECK(j->size_bytes() == size);
    CHECK(std::filesystem::file_size(p) == size);
  }
  auto j = open_ok(p, "binance");
  CHECK(j->records() == recs);
  CHECK(time_of(recs[0]) == -5);
  CHECK(time_of(recs[4]) == 2'000'000);
  auto ro = paper_journal::open_read_only(p, "binance");
  REQUIRE(ro);
  CHECK((*ro)->records() == recs);
  CHECK((*ro)->append(recs[4]).code == error_code::io_error);
}

TEST_CASE("paper journal: a torn last record is dropped at any cut; appends continue") {
  temp_dir d{"xarb-pjournal"};
  const auto p = d.file("binance.journal");
  const auto written = journal_session(p);
  const std::string bytes = read_all(p);
  const auto offs = record_offsets(bytes);
  REQUIRE(offs.size() == written.size() + 1);
  const std::size_t last = offs.back();
  const std::size_t last_size = bytes.size() - last;
  const std::vector<paper_record> kept(written.begin(), written.end() - 1);
  const auto q = d.file("torn.journal");
  for (std::size_t cut = 1; cut <= last_size; ++cut) {
    CAPTURE(cut);
    write_all(q, bytes.substr(0, bytes.size() - cut));
    auto j = open_ok(q, "binance");
    CHECK(j->records() == kept);
    CHECK(j->torn_bytes() == last_size - cut);
    CHECK(std::filesystem::file_size(q) == last); // cut back to the last whole record
    if (cut == 1 || cut == last_size / 2 || cut == last_size) {
      REQUIRE_FALSE(j->append(written.back()));
      j.reset();
      auto again = open_ok(q, "binance");
      CHECK(again->torn_bytes() == 0);
      CHECK(again->records() == written);
    }
  }
  // The restored account from a torn journal is the account before the last
  // event (here: before the last funding payment).
  write_all(q, bytes.substr(0, bytes.size() - 1));
  {
    auto j = open_ok(q, "binance");
    paper_exchange ex("binance");
    ex.add_instruments(both);
    std::vector<event> out;
    ex.restore(j->records(), 0, out);
    CHECK(ex.funding_payments("BTC-PERP").size() == 1);
  }
  // A tail the machine zero-filled, and a complete last record with a bad
  // CRC, are torn writes too.
  for (const std::size_t zeros : {std::size_t{5}, std::size_t{12}, std::size_t{100}}) {
    write_all(q, bytes + std::string(zeros, '\0'));
    auto j = open_ok(q, "binance");
    CHECK(j->records() == written);
    CHECK(j->torn_bytes() == zeros);
    CHECK(read_all(q) == bytes);
  }
  std::string bad_last = bytes;
  bad_last[bytes.size() - 3] ^= 0x40;
  write_all(q, bad_last);
  {
    auto j = open_ok(q, "binance");
    CHECK(j->records() == kept);
    CHECK(j->torn_bytes() == last_size);
  }
  // Torn while the file was being created: a fresh header is written.
  const std::size_t header_end = offs[1];
  for (std::size_t n = 1; n < header_end; ++n) {
    CAPTURE(n);
    write_all(q, bytes.substr(0, n));
    auto j = open_ok(q, "binance");
    CHECK(j->records().empty());
    CHECK(j->torn_bytes() == n);
    CHECK(read_all(q) == bytes.substr(0, header_end));
  }
}

TEST_CASE("paper journal: damage before the tail is an error naming the file and offset") {
  temp_dir d{"xarb-pjournal"};
  const auto p = d.file("binance.journal");
  journal_session(p);
  const std::string bytes = read_all(p);
  const auto offs = record_offsets(bytes);
  const auto q = d.file("bad.journal");
  for (std::size_t k = 1; k + 1 < offs.size(); ++k) { // every record but header and last
    CAPTURE(k);
    const std::size_t off = offs[k];
    std::string flipped = bytes;
    flipped[off + 12 + 2] ^= 0x01; // inside the payload
    write_all(q, flipped);
    auto j = paper_journal::open(q, "binance");
    REQUIRE_FALSE(j);
    CHECK(j.error().code == error_code::parse_error);
    const auto& msg = j.error().message;
    CHECK(msg.find(q) != std::string::npos);
    CHECK(msg.find("CRC mismatch") != std::string::npos);
    CHECK(msg.find("at offset " + std::to_string(off)) != std::string::npos);
    CHECK(read_all(q) == flipped); // nothing was cut

    std::string bad_len = bytes;
    bad_len[off] ^= 0x10;
    write_all(q, bad_len);
    auto j2 = paper_journal::open(q, "binance");
    REQUIRE_FALSE(j2);
    CHECK(j2.error().message.find("damaged record length at offset " + std::to_string(off))
          != std::string::npos);
  }
  // Whole records (CRC right) that mean nothing: an unknown type, a record
  // with bytes left over, one cut short. Damage, even as the tail.
  const std::string head = bytes.substr(0, offs[1]);
  for (const std::string& payload : {std::string{"\x09zzzz", 5},
                                     std::string{"\x06\x03\0\0\0ETH\0\0\0\0\0\0\0\0!", 17},
                                     std::string{"\x04\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 17}}) {
    write_all(q, head + frame(payload) + bytes.substr(offs[1]));
    auto j = paper_journal::open(q, "binance");
    REQUIRE_FALSE(j);
    CHECK(j.error().code == error_code::parse_error);
    CHECK(j.error().message.find("at offset " + std::to_string(offs[1])) != std::string::npos);
    write_all(q, head + frame(payload));
    CHECK_FALSE(paper_journal::open(q, "binance"));
  }
}

TEST_CASE("paper journal: empty file, foreign files, another venue's journal, one writer") {
  temp_dir d{"xarb-pjournal"};
  // An empty file (created, then the machine died) becomes a new journal.
  const auto e = d.file("empty.journal");
  write_all(e, "");
  {
    auto j = open_ok(e, "binance");
    CHECK(j->records().empty());
    CHECK(j->torn_bytes() == 0);
    CHECK(read_all(e).substr(0, 8) == "XARBPJN1");
  }
  CHECK(open_ok(e, "binance")->records().empty());
  // Wrong magic: a flow log, junk, a short prefix that is not ours.
  const auto q = d.file("foreign.journal");
  for (const std::string& junk : std::vector<std::string>{
         "XARBFLW1xxxxxxxxxxxxxxxx", "NOTAJOURNAL-----------", "XY", "XARBPJN2xxxxxxxx"}) {
    CAPTURE(junk);
    write_all(q, junk);
    auto j = paper_journal::open(q, "binance");
    REQUIRE_FALSE(j);
    CHECK(j.error().code == error_code::parse_error);
    CHECK(j.error().message.find("bad magic") != std::string::npos);
    CHECK(j.error().message.find("offset 0") != std::string::npos);
    CHECK(read_all(q) == junk);
  }
  const auto p = d.file("binance.journal");
  journal_session(p);
  auto other = paper_journal::open(p, "okx");
  REQUIRE_FALSE(other);
  CHECK(other.error().code == error_code::config_error);
  CHECK(other.error().message.find("'binance', not 'okx'") != std::string::npos);
  CHECK_FALSE(paper_journal::open(p, ""));
  auto writer = open_ok(p, "binance");
  auto second = paper_journal::open(p, "binance");
  REQUIRE_FALSE(second);
  CHECK(second.error().code == error_code::io_error);
  CHECK(second.error().message.find("locked") != std::string::npos);
  auto reader = paper_journal::open_read_only(p, "binance");
  REQUIRE(reader);
  CHECK((*reader)->records() == writer->records());
  auto dir = paper_journal::open(d.path.string(), "binance");
  REQUIRE_FALSE(dir);
  CHECK(dir.error().code == error_code::io_error);
}

TEST_CASE("matching engine restore hooks rebuild records, resting orders and numbering") {
  matching_engine a("v");
  matching_engine b("v");
  market_rules r;
  r.symbol = "X";
  r.native_tick = px("0.5");
  r.native_lot = qty("1");
  r.taker_fee = rate("0.001");
  r.maker_fee = rate("-0.0001");
  a.add_market(r);
  b.add_market(r);
  a.asks(0) = {{px("10"), qty("3")}, {px("10.5"), qty("5")}};
  std::vector<event> out;
  a.submit(order("o1", "v", "X", side::buy, order_type::limit, time_in_force::gtc, px("10.5"),
                 qty("10")), 1, out); // 3 @ 10, 5 @ 10.5, 2 rest
  a.submit(order("o2", "v", "X", side::sell, order_type::limit, time_in_force::gtc, px("12"),
                 qty("4")), 2, out);
  a.submit(order("o3", "v", "X", side::sell, order_type::limit, time_in_force::ioc, px("12"),
                 qty("1")), 3, out); // nothing crosses: cancelled
  a.bids(0) = {{px("12"), qty("1")}};
  a.match_resting(0, 4, out);     // o2: 1 as maker
  a.cancel(cancel_request{"o2", "v", "X", 5}, 5, out);
  // Replay the outcomes into b.
  uint64_t seq = 1;
  for (const auto& e : out) {
    if (const auto* ack = std::get_if<order_ack>(&e)) {
      auto rec = *a.order_of(ack->client_id);
      rec.filled = qty("99"); // ignored
      b.restore_order(rec, seq++);
    } else if (const auto* f = std::get_if<order_fill>(&e)) {
      b.restore_fill(*f);
    } else if (const auto* c = std::get_if<order_cancelled>(&e)) {
      b.restore_close(c->client_id, c->ts);
    }
  }
  CHECK(b.position_of(0) == a.position_of(0));
  CHECK(b.fills(0) == a.fills(0));
  REQUIRE(b.open_orders(0).size() == 1);
  CHECK(b.open_orders(0)[0].client_id == "o1");
  CHECK(b.open_orders(0)[0].leaves == qty("2"));
  CHECK(b.open_orders(0)[0].seq == a.open_orders(0)[0].seq);
  for (const char* id : {"o1", "o2", "o3"}) {
    CAPTURE(id);
    CHECK(*b.order_of(id) == *a.order_of(id));
    CHECK(b.fills_of(id) == a.fills_of(id));
  }
  CHECK(b.next_order_seq() == a.next_order_seq());
  // Numbering and duplicates continue.
  std::vector<event> ea, eb;
  a.asks(0) = {{px("10"), qty("3")}};
  b.asks(0) = {{px("10"), qty("3")}};
  for (auto* m : {&a, &b}) {
    auto& o = m == &a ? ea : eb;
    m->submit(order("o4", "v", "X", side::buy, order_type::market, time_in_force::ioc, {},
                    qty("1")), 6, o);
    m->submit(order("o1", "v", "X", side::buy, order_type::market, time_in_force::ioc, {},
                    qty("1")), 7, o);
    m->match_resting(0, 8, o); // o1 rests at 10.5: takes the remaining 2
  }
  CHECK(ea == eb);
  CHECK(*b.order_of("o1") == *a.order_of("o1"));
  CHECK(b.order_of("o1")->st == order_record::status::filled);
  // Events that do not fit are refused.
  CHECK_THROWS_AS(b.restore_close("o1", 9), std::invalid_argument);
  CHECK_THROWS_AS(b.restore_fill(a.fills(0).front()), std::invalid_argument);
  auto rec = *a.order_of("o4");
  CHECK_THROWS_AS(b.restore_order(rec, 10), std::invalid_argument);
  rec.client_id = "o9";
  rec.symbol = "Y";
  CHECK_THROWS_AS(b.restore_order(rec, 10), std::invalid_argument);
  // New rules for a market: the same checks as add_market.
  r.native_tick = px("0.25");
  b.replace_rules(0, r);
  CHECK(b.tick(0) == px("0.25"));
  r.native_lot = quantity{};
  CHECK_THROWS_AS(b.replace_rules(0, r), std::invalid_argument);
  r.symbol = "Y";
  r.native_lot = qty("1");
  CHECK_THROWS_AS(b.replace_rules(0, r), std::invalid_argument);
}
