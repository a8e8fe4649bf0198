// A venue session on a REAL venue's market data (issue 9), with the
// transport faked: the test plays the network (connections, frames, REST
// answers) and a tiny line codec plays the venue's protocol, so every path
// of the session glue (listing, REST bridge, resync, reconnect, malformed
// frames, staleness, checksums, paper fills on the live book, funding) is
// exercised deterministically. The real codecs against their loopback mock
// servers are covered by tests/venues/mock_e2e.
#define CAF_SUITE venue_live

#include "tests/actors/sim_fixture.hpp"

#include <charconv>
#include <deque>
#include <filesystem>

#include <unistd.h>
#include <memory>
#include <sstream>

#include "actors/venue_session.hpp"
#include "messages/feed.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep))
    out.push_back(cur);
  return out;
}

uint64_t u64(const std::string& s) {
  uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

/// "100.5:2,100.4:1" -> levels; false on a bad level.
bool levels(const std::string& text, std::vector<book_level>& out) {
  out.clear();
  if (text.empty() || text == "-")
    return true;
  for (auto& l : split(text, ',')) {
    auto pq = split(l, ':');
    if (pq.size() != 2)
      return false;
    book_level lv;
    if (price::parse(pq[0], lv.px) != error_code::none
        || quantity::parse(pq[1], lv.qty) != error_code::none)
      return false;
    out.push_back(lv);
  }
  return true;
}

/// The test venue's protocol, one line per frame:
///   S SYM seq bids asks            snapshot       (bids/asks "px:qty,..." or "-")
///   D SYM U u pu bids asks [cs]    delta, optional checksum
///   F SYM rate next_ts mark        funding + mark
///   P token                        server ping -> reply "PONG token"
/// REST: GET /instruments -> "SYM BASE tick lot" lines; GET /depth?symbol=SYM
/// -> "seq bids asks".
class line_codec final : public venues::md_codec {
public:
  explicit line_codec(venues::sync_mode m) {
    info_.name = "line";
    info_.sync = m;
    info_.maker_fee = ratio::from_string("0.0002").value();
    info_.taker_fee = ratio::from_string("0.0005").value();
  }
  const venues::venue_info& info() const noexcept override { return info_; }
  std::vector<venues::http_request> instruments_requests() const override {
    return {venues::http_request{"GET", "/instruments", {}, {}}};
  }
  expected<std::vector<instrument_spec>> parse_instruments(std::span<const std::string> bodies,
                                                           std::vector<std::string>*) override {
    if (bodies.size() != 1 || bodies[0].rfind("BAD", 0) == 0)
      return error_info{error_code::parse_error, "not a listing"};
    std::vector<instrument_spec> out;
    for (auto& line : split(bodies[0], '\n')) {
      auto f = split(line, ' ');
      if (f.size() != 4)
        continue;
      instrument_spec s;
      s.venue = "line";
      s.native_symbol = f[0];
      s.base = f[1];
      s.symbol = f[1] + "-PERP";
      s.quote = "USDT";
      s.tick = price::from_string(f[2]).value();
      s.lot = quantity::from_string(f[3]).value();
      s.min_qty = s.lot;
      s.maker_fee = info_.maker_fee;
      s.taker_fee = info_.taker_fee;
      s.max_leverage = 20;
      out.push_back(s);
    }
    return out;
  }
  venues::http_request snapshot_request(std::string_view native) const override {
    return {"GET", "/depth?symbol=" + std::string{native}, {}, {}};
  }
  expected<book_snapshot> parse_snapshot(std::string_view native,
                                         std::string_view body) override {
    auto f = split(std::string{body}, ' ');
    book_snapshot s;
    s.venue = "line";
    s.symbol = std::string{native};
    if (f.size() != 3 || !levels(f[1], s.bids) || !levels(f[2], s.asks))
      return error_info{error_code::parse_error, "bad depth"};
    s.seq = u64(f[0]);
    return s;
  }
  std::vector<venues::ws_plan> plan(std::span<const std::string> natives) const override {
    venues::ws_plan p;
    p.target = "/ws";
    p.books = true;
    for (auto& n : natives)
      p.subscribe.push_back("SUB " + n);
    return {p};
  }
  std::vector<std::string> resubscribe_book(std::string_view native) const override {
    if (info_.sync != venues::sync_mode::in_band)
      return {};
    return {"UNSUB " + std::string{native}, "SUB " + std::string{native}};
  }
  void decode(std::string& frame, timestamp_ns recv, venues::md_handler& out,
              venues::decode_result& r) override {
    auto f = split(frame, ' ');
    r.kind = venues::frame_kind::malformed;
    r.error = "junk";
    if (f.size() >= 5 && f[0] == "S") {
      book_snapshot s;
      s.symbol = f[1];
      s.seq = u64(f[2]);
      s.recv_ts = recv;
      if (!levels(f[3], s.bids) || !levels(f[4], s.asks))
        return;
      r.kind = venues::frame_kind::data;
      out.on_snapshot(s);
    } else if (f.size() >= 7 && f[0] == "D") {
      book_delta d;
      d.symbol = f[1];
      d.first_seq = u64(f[2]);
      d.seq = u64(f[3]);
      d.prev_seq = u64(f[4]);
      d.recv_ts = recv;
      if (!levels(f[5], d.bids) || !levels(f[6], d.asks))
        return;
      std::optional<int32_t> cs;
      if (f.size() == 8)
        cs = static_cast<int32_t>(std::stol(f[7]));
      r.kind = venues::frame_kind::data;
      out.on_delta(d, cs);
    } else if (f.size() == 5 && f[0] == "F") {
      venues::mark_update m;
      m.symbol = f[1];
      m.rate = ratio::from_string(f[2]).value();
      m.next_funding_ts = static_cast<timestamp_ns>(u64(f[3]));
      m.mark = price::from_string(f[4]).value();
      m.ts = recv;
      r.kind = venues::frame_kind::data;
      out.on_mark(m);
    } else if (f.size() == 2 && f[0] == "P") {
      r.kind = venues::frame_kind::ping;
      r.reply = "PONG " + f[1];
    }
  }

private:
  venues::venue_info info_;
};

/// What the session asked of the network. Single-threaded (test coordinator).
struct net_log {
  std::vector<std::pair<uint32_t, std::string>> connects;
  std::vector<std::pair<uint32_t, std::string>> sent;
  std::vector<std::pair<uint64_t, std::string>> requests; // id, target
  std::size_t sent_matching(const std::string& text) const {
    std::size_t n = 0;
    for (auto& s : sent)
      n += s.second == text;
    return n;
  }
};

class fake_transport final : public md_transport {
public:
  explicit fake_transport(std::shared_ptr<net_log> log) : log_(std::move(log)) {}
  void connect(uint32_t conn, const std::string& url, const venues::heartbeat_rules&,
               int) override {
    log_->connects.emplace_back(conn, url);
  }
  void send(uint32_t conn, std::string frame) override {
    log_->sent.emplace_back(conn, std::move(frame));
  }
  void request(uint64_t id, const std::string& base, const venues::http_request& r) override {
    log_->requests.emplace_back(id, base + r.target);
  }

private:
  std::shared_ptr<net_log> log_;
};

struct order_log {
  std::vector<order_ack> acks;
  std::vector<order_reject> rejects;
  std::vector<order_fill> fills;
  std::vector<order_cancelled> cancels;
  std::vector<instrument_spec> specs;
  std::vector<book_snapshot> books;
  std::vector<funding_rate> rates;
  std::vector<funding_payment> payments;
  std::vector<health_report> health;
};

caf::behavior recorder(caf::event_based_actor*, order_log* out) {
  return {
    [=](order_ack& x) { out->acks.push_back(x); },
    [=](order_reject& x) { out->rejects.push_back(x); },
    [=](order_fill& x) { out->fills.push_back(x); },
    [=](order_cancelled& x) { out->cancels.push_back(x); },
    [=](instrument_spec& x) { out->specs.push_back(x); },
    [=](book_snapshot& x) { out->books.push_back(x); },
    [=](funding_rate& x) { out->rates.push_back(x); },
    [=](funding_payment& x) { out->payments.push_back(x); },
    [=](health_report& x) { out->health.push_back(x); },
  };
}

/// (A named function: CAF 0.17 mishandles capture-only lambdas as spawn
/// functions under UBSan.)
void account_asker(caf::event_based_actor* self, caf::actor session, account_query q,
                   account_report* out, bool* answered) {
  self->request(session, caf::infinite, std::move(q)).then([=](account_report& r) {
    *out = std::move(r);
    *answered = true;
  });
}

struct live_fixture : sim_fixture {
  std::shared_ptr<net_log> net = std::make_shared<net_log>();
  caf::actor session;
  order_log seen;
  caf::actor sub;
  uint64_t generation = 1;
  std::string paper_path; ///< the paper account journal ("" = none)

  ~live_fixture() override { stop_actors(); }

  live_market_config live_config(venues::sync_mode mode) {
    live_market_config lc;
    lc.adapter = "line";
    lc.codec = [mode] { return std::make_unique<line_codec>(mode); };
    lc.transport = [log = net](caf::actor) { return std::make_unique<fake_transport>(log); };
    lc.ws_url = "wss://venue.test/";
    lc.rest_url = "https://api.venue.test";
    lc.symbols = {"BTC-PERP", "ETH-PERP"};
    return lc;
  }

  void start(venues::sync_mode mode = venues::sync_mode::rest_bridge,
             std::function<void(live_market_config&)> tweak = {}) {
    venue_session_config vc;
    vc.venue = "binance";
    vc.clock = clock();
    vc.live = live_config(mode);
    vc.paper_path = paper_path;
    if (tweak)
      tweak(*vc.live);
    vc.stale_after_ns = 2'000'000'000;
    vc.liveness_ns = 0;
    session = caf::actor_cast<caf::actor>(spawn_venue_session(sys, vc, svc));
    tracked.push_back(session);
    sub = sys.spawn(recorder, &seen);
    tracked.push_back(sub);
    sched.run();
    caf::anon_send(session, atom::subscribe_v, std::string{"BTC-PERP"}, sub);
    sched.run();
  }

  void reply(uint64_t id, int status, std::string body) {
    caf::anon_send(session, rest_reply{id, status, std::move(body), {}, -1, now});
    sched.run();
  }

  /// Answers the latest request whose target is `target`.
  void answer(const std::string& target, int status, std::string body) {
    for (auto i = net->requests.rbegin(); i != net->requests.rend(); ++i)
      if (i->second == target) {
        reply(i->first, status, std::move(body));
        return;
      }
    CAF_FAIL("no request for " << target);
  }

  void list() {
    answer("https://api.venue.test/instruments", 200,
           "BTCUSDT BTC 0.1 0.001\nETHUSDT ETH 0.01 0.01\nDOGEUSDT DOGE 0.00001 1");
  }

  void link(bool up, std::string reason = {}) {
    if (up)
      ++generation;
    caf::anon_send(session, md_link{0, generation, up, std::move(reason), now});
    sched.run();
  }

  void frame(std::string text) {
    caf::anon_send(session, md_frame{0, generation, std::move(text), false, now});
    sched.run();
  }

  std::size_t requests_for(const std::string& target) const {
    std::size_t n = 0;
    for (auto& r : net->requests)
      n += r.second == target;
    return n;
  }

  venue_status venue() {
    auto v = board.venue("binance");
    CAF_REQUIRE(v.has_value());
    return *v;
  }

  book_status book(const std::string& symbol) {
    for (auto& b : venue().books)
      if (b.symbol == symbol)
        return b;
    CAF_FAIL("no book " << symbol);
    return {};
  }

  double dropped(md_drop_reason r) {
    return metrics.venue("binance").dropped[static_cast<std::size_t>(r)]->Value();
  }

  /// Listing, connection, both REST snapshots bridged: ready.
  void sync_both() {
    list();
    link(true);
    step(10ms); // the paced REST fetches go out on the tick
    frame("D BTCUSDT 99 101 98 100.0:1 -");
    answer("https://api.venue.test/depth?symbol=BTCUSDT", 200,
           "100 100.0:2,99.9:3 100.1:1,100.2:4");
    answer("https://api.venue.test/depth?symbol=ETHUSDT", 200, "7 10.00:5 10.01:5");
    step(10ms); // the session's state is recomputed on its tick
  }

  /// A recorder standing in for a pair trader: its fills land in `seen`.
  caf::actor paper_trader() {
    auto t = sys.spawn(recorder, &seen);
    tracked.push_back(t);
    return t;
  }

  /// Client "n1-p1-1": buy 1.5 BTC-PERP on binance at market (IOC).
  static order_intent btc_market_buy() {
    order_intent buy;
    buy.client_id = "n1-p1-1";
    buy.venue = "binance";
    buy.symbol = "BTC-PERP";
    buy.sd = side::buy;
    buy.type = order_type::market;
    buy.tif = time_in_force::ioc;
    buy.qty = quantity::from_string("1.5").value();
    return buy;
  }

  /// Client "n1-p1-2": a post-only sell of 1 BTC-PERP at 100.5 (rests above
  /// the live bid).
  static order_intent btc_resting_sell() {
    order_intent sell = btc_market_buy();
    sell.client_id = "n1-p1-2";
    sell.sd = side::sell;
    sell.type = order_type::limit;
    sell.tif = time_in_force::post_only;
    sell.px = price::from_string("100.5").value();
    sell.qty = quantity::from_units(1);
    return sell;
  }

  /// The session's answer to `q` (REQUIREd).
  account_report ask_account(const account_query& q) {
    account_report r;
    bool answered = false;
    tracked.push_back(sys.spawn(account_asker, session, q, &r, &answered));
    sched.run();
    CAF_REQUIRE(answered);
    return r;
  }

  /// Sequence of the last depth update the subscriber got (the board's
  /// copy is throttled to 100 ms).
  uint64_t depth_seq() const {
    return seen.books.empty() ? 0 : seen.books.back().seq;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(venue_live_tests, live_fixture)

CAF_TEST(the listing opens the stream and REST snapshots are bridged to it) {
  start();
  // First the instrument listing, nothing else.
  CAF_REQUIRE_EQUAL(net->requests.size(), 1u);
  CAF_CHECK_EQUAL(net->requests[0].second, "https://api.venue.test/instruments");
  CAF_CHECK(net->connects.empty());
  CAF_CHECK(seen.specs.empty()); // the rules come with the listing
  list();
  // Only the configured books: DOGE is listed but not watched.
  CAF_REQUIRE_EQUAL(net->connects.size(), 1u);
  CAF_CHECK_EQUAL(net->connects[0].second, "wss://venue.test/ws");
  CAF_REQUIRE_EQUAL(seen.specs.size(), 1u);
  CAF_CHECK_EQUAL(seen.specs[0].symbol, "BTC-PERP");
  CAF_CHECK_EQUAL(seen.specs[0].venue, "binance");
  CAF_CHECK_EQUAL(seen.specs[0].native_symbol, "BTCUSDT");
  // Connected: subscriptions sent, then a REST snapshot per book.
  link(true);
  CAF_CHECK_EQUAL(net->sent_matching("SUB BTCUSDT"), 1u);
  CAF_CHECK_EQUAL(net->sent_matching("SUB ETHUSDT"), 1u);
  CAF_CHECK_EQUAL(net->sent_matching("SUB DOGEUSDT"), 0u);
  step(10ms); // the paced fetches go out on the tick
  CAF_CHECK_EQUAL(requests_for("https://api.venue.test/depth?symbol=BTCUSDT"), 1u);
  CAF_CHECK_EQUAL(requests_for("https://api.venue.test/depth?symbol=ETHUSDT"), 1u);
  // The stream runs ahead of the snapshot: buffered, then bridged.
  frame("D BTCUSDT 99 101 98 100.0:1 -");
  frame("D BTCUSDT 102 102 101 - 100.1:0.5");
  CAF_CHECK(seen.books.empty());
  answer("https://api.venue.test/depth?symbol=BTCUSDT", 200,
         "100 100.0:2,99.9:3 100.1:1,100.2:4");
  CAF_CHECK(book("BTC-PERP").synced);
  CAF_CHECK_EQUAL(depth_seq(), 102u);
  CAF_REQUIRE(!seen.books.empty());
  auto& last = seen.books.back();
  CAF_CHECK(last.bids.front().qty == quantity::from_string("1").value());
  CAF_CHECK(last.asks.front().qty == quantity::from_string("0.5").value());
  CAF_CHECK_EQUAL(venue().state, health_state::syncing); // ETH still waits
  answer("https://api.venue.test/depth?symbol=ETHUSDT", 200, "7 10.00:5 10.01:5");
  step(10ms);
  CAF_CHECK_EQUAL(venue().state, health_state::ready);
  // Server pings are answered on the same connection.
  frame("P 42");
  CAF_CHECK_EQUAL(net->sent_matching("PONG 42"), 1u);
}

CAF_TEST(a sequence gap resyncs from REST once and heals) {
  start();
  sync_both();
  CAF_REQUIRE_EQUAL(venue().state, health_state::ready);
  frame("D BTCUSDT 102 102 101 100.0:7 -");
  CAF_CHECK_EQUAL(depth_seq(), 102u);
  frame("D BTCUSDT 105 105 104 100.0:8 -"); // 103..104 lost
  CAF_CHECK_EQUAL(dropped(md_drop_reason::sequence_gap), 1.0);
  CAF_CHECK(!book("BTC-PERP").synced);
  CAF_CHECK_EQUAL(venue().resyncs, 1u);
  step(50ms); // the ticks keep asking: still one resync, one fetch
  CAF_CHECK_EQUAL(venue().resyncs, 1u);
  CAF_CHECK_EQUAL(requests_for("https://api.venue.test/depth?symbol=BTCUSDT"), 2u);
  frame("D BTCUSDT 106 106 105 100.0:9 -");
  answer("https://api.venue.test/depth?symbol=BTCUSDT", 200, "105 100.0:8 100.1:1");
  CAF_CHECK(book("BTC-PERP").synced);
  CAF_CHECK_EQUAL(depth_seq(), 106u);
  CAF_CHECK(seen.books.back().bids.front().qty == quantity::from_string("9").value());
  step(10ms);
  CAF_CHECK_EQUAL(venue().state, health_state::ready);
  // A failed REST answer leaves it waiting; it is asked again later.
  frame("D BTCUSDT 200 200 199 100.0:1 -");
  step(10ms);
  answer("https://api.venue.test/depth?symbol=BTCUSDT", 503, "busy");
  CAF_CHECK(!book("BTC-PERP").synced);
  const auto before = requests_for("https://api.venue.test/depth?symbol=BTCUSDT");
  step(2500ms);
  CAF_CHECK_GREATER(requests_for("https://api.venue.test/depth?symbol=BTCUSDT"), before);
}

CAF_TEST(a lost connection unsyncs every book and the reconnect resubscribes) {
  start();
  sync_both();
  link(false, "server closed the connection");
  CAF_CHECK(!book("BTC-PERP").synced);
  CAF_CHECK(!book("ETH-PERP").synced);
  CAF_CHECK_EQUAL(venue().state, health_state::degraded); // at once, not on the tick
  // Frames of the old connection that were still in flight are ignored.
  caf::anon_send(session, md_frame{0, generation - 1, "D BTCUSDT 102 102 101 - -", false, now});
  sched.run();
  CAF_CHECK(!book("BTC-PERP").synced);
  link(true);
  CAF_CHECK_EQUAL(net->sent_matching("SUB BTCUSDT"), 2u); // resubscribed
  step(10ms);
  answer("https://api.venue.test/depth?symbol=BTCUSDT", 200, "300 100.0:2 100.1:1");
  answer("https://api.venue.test/depth?symbol=ETHUSDT", 200, "30 10.00:5 10.01:5");
  CAF_CHECK(book("BTC-PERP").synced);
  step(10ms);
  CAF_CHECK_EQUAL(venue().state, health_state::ready);
}

CAF_TEST(malformed frames are counted and skipped) {
  start();
  sync_both();
  frame("{\"broken\":");
  frame("D BTCUSDT 102 102 101 abc:1 -");
  CAF_CHECK_EQUAL(dropped(md_drop_reason::malformed), 2.0);
  CAF_CHECK(book("BTC-PERP").synced);
  CAF_CHECK_EQUAL(venue().state, health_state::ready);
  frame("D BTCUSDT 102 102 101 100.0:4 -");
  CAF_CHECK_EQUAL(depth_seq(), 102u);
}

CAF_TEST(a silent stream makes the books stale) {
  start();
  sync_both();
  step(2500ms);
  CAF_CHECK(!book("BTC-PERP").synced); // stale: not usable
  CAF_CHECK_EQUAL(venue().state, health_state::degraded);
  frame("D BTCUSDT 102 102 101 100.0:4 -");
  step(10ms);
  CAF_CHECK(book("BTC-PERP").synced);
}

CAF_TEST(in band venues resubscribe for a fresh snapshot) {
  start(venues::sync_mode::in_band);
  list();
  link(true);
  step(10ms);
  CAF_CHECK(net->requests.size() == 1u); // no REST snapshots
  frame("D BTCUSDT 0 5 4 100.0:1 -");    // before the snapshot: dropped
  CAF_CHECK(!book("BTC-PERP").synced);
  frame("S BTCUSDT 5 100.0:2 100.1:1");
  CAF_CHECK(book("BTC-PERP").synced);
  frame("D BTCUSDT 0 7 6 100.0:1 -"); // prev 6 != 5
  CAF_CHECK_EQUAL(dropped(md_drop_reason::sequence_gap), 1.0);
  CAF_CHECK_EQUAL(net->sent_matching("UNSUB BTCUSDT"), 1u);
  CAF_CHECK_EQUAL(net->sent_matching("SUB BTCUSDT"), 2u);
  step(50ms);
  CAF_CHECK_EQUAL(net->sent_matching("UNSUB BTCUSDT"), 1u); // not repeated at once
  frame("S BTCUSDT 20 100.0:3 100.1:1");
  CAF_CHECK(book("BTC-PERP").synced);
  CAF_CHECK_EQUAL(venue().resyncs, 1u);
}

CAF_TEST(checksum mismatches resync and repeated ones on fresh snapshots turn the check off) {
  start(venues::sync_mode::in_band);
  list();
  link(true);
  frame("S BTCUSDT 5 100.0:2 100.1:1");
  // The right checksum of the book after the update passes.
  std::vector<book_level> bids{{price::from_string("100").value(), quantity::from_units(3)}};
  std::vector<book_level> asks{{price::from_string("100.1").value(), quantity::from_units(1)}};
  line_codec codec(venues::sync_mode::in_band);
  const auto good = codec.checksum("BTCUSDT", bids, asks);
  frame("D BTCUSDT 0 6 5 100.0:3 - " + std::to_string(good));
  CAF_CHECK(book("BTC-PERP").synced);
  CAF_CHECK_EQUAL(dropped(md_drop_reason::checksum), 0.0);
  frame("D BTCUSDT 0 7 6 100.0:4 - 12345");
  CAF_CHECK_EQUAL(dropped(md_drop_reason::checksum), 1.0);
  CAF_CHECK(!book("BTC-PERP").synced);
  // Three fresh snapshots each contradicted at once: the check is switched off.
  for (uint64_t k = 0; k < 3; ++k) {
    step(2100ms);
    const auto seq = 100 + 10 * k;
    frame("S BTCUSDT " + std::to_string(seq) + " 100.0:2 100.1:1");
    frame("D BTCUSDT 0 " + std::to_string(seq + 1) + " " + std::to_string(seq)
          + " 100.0:4 - 999");
  }
  CAF_CHECK_EQUAL(dropped(md_drop_reason::checksum), 3.0);
  CAF_CHECK(book("BTC-PERP").synced); // the third one was accepted
  frame("D BTCUSDT 0 122 121 100.0:5 - 999");
  CAF_CHECK(book("BTC-PERP").synced);
}

CAF_TEST(paper orders fill against the live book and funding settles on it) {
  start();
  sync_both();
  auto trader = paper_trader();
  order_intent buy = btc_market_buy();
  caf::send_as(trader, session, buy);
  sched.run();
  // The live asks: 100.1 x 1, 100.2 x 4.
  CAF_REQUIRE_EQUAL(seen.fills.size(), 2u);
  CAF_CHECK(seen.fills[0].px == price::from_string("100.1").value());
  CAF_CHECK(seen.fills[0].qty == quantity::from_units(1));
  CAF_CHECK(seen.fills[1].px == price::from_string("100.2").value());
  CAF_CHECK(seen.fills[1].qty == quantity::from_string("0.5").value());
  // A resting sell fills as maker when the live bid reaches it.
  order_intent sell = btc_resting_sell();
  caf::send_as(trader, session, sell);
  sched.run();
  CAF_CHECK_EQUAL(seen.fills.size(), 2u);
  frame("D BTCUSDT 102 102 101 100.5:2 100.1:0,100.2:0,100.6:1");
  CAF_REQUIRE_EQUAL(seen.fills.size(), 3u);
  CAF_CHECK_EQUAL(seen.fills[2].client_id, "n1-p1-2");
  CAF_CHECK_EQUAL(seen.fills[2].liq, liquidity::maker);
  CAF_CHECK(seen.fills[2].px == price::from_string("100.5").value());
  // Funding from the venue reaches subscribers and settles the position.
  const auto due = now + 1'000'000'000;
  frame("F BTCUSDT 0.0001 " + std::to_string(due) + " 100.4");
  CAF_REQUIRE(!seen.rates.empty());
  CAF_CHECK(seen.rates.back().rate == ratio::from_string("0.0001").value());
  step(1100ms);
  // The settlement reaches the symbol's subscribers, like the simulator's.
  CAF_REQUIRE_EQUAL(seen.payments.size(), 1u);
  CAF_CHECK(seen.payments[0].amount == money::from_string("-0.00502").value());
  account_query q;
  q.symbol = "BTC-PERP";
  q.client_ids = {"n1-p1-1", "n1-p1-2"};
  auto r = ask_account(q);
  CAF_CHECK(r.pos.qty == quantity::from_string("0.5").value());
  CAF_REQUIRE_EQUAL(r.funding.size(), 1u);
  // A long pays: 100.4 x 0.5 x 0.0001 = 0.00502
  CAF_CHECK(r.funding[0].amount == money::from_string("-0.00502").value());
  CAF_REQUIRE_EQUAL(r.orders.size(), 2u);
  CAF_CHECK(r.orders[0].known);
  CAF_CHECK(r.orders[1].known);
}

CAF_TEST(the paper account survives a restart of the session) {
  namespace fs = std::filesystem;
  const auto dir = fs::temp_directory_path()
                   / ("xarb-paper-" + std::to_string(::getpid()) + "-" + std::to_string(now));
  fs::create_directories(dir);
  paper_path = (dir / "binance.paper").string();
  start();
  sync_both();
  auto trader = paper_trader();
  order_intent buy = btc_market_buy();
  caf::send_as(trader, session, buy);
  sched.run();
  CAF_REQUIRE_EQUAL(seen.fills.size(), 2u);
  // A resting sell, still open when the session goes.
  order_intent sell = btc_resting_sell();
  caf::send_as(trader, session, sell);
  sched.run();
  CAF_REQUIRE_EQUAL(seen.acks.size(), 2u);
  // The session dies (a crash, a restart of the node) and comes back.
  caf::anon_send_exit(session, caf::exit_reason::kill);
  sched.run();
  seen = order_log{};
  start();
  list();
  account_query q;
  q.symbol = "BTC-PERP";
  q.client_ids = {"n1-p1-1", "n1-p1-2"};
  auto r = ask_account(q);
  CAF_CHECK(r.pos.qty == quantity::from_string("1.5").value());
  CAF_REQUIRE_EQUAL(r.orders.size(), 2u);
  CAF_CHECK(r.orders[0].known);
  CAF_CHECK(r.orders[1].known);
  // The resting order is still working: it fills when the live bid reaches it.
  link(true);
  step(10ms);
  frame("D BTCUSDT 99 101 98 100.0:1 -");
  answer("https://api.venue.test/depth?symbol=BTCUSDT", 200,
         "100 100.0:2,99.9:3 100.1:1,100.2:4");
  frame("D BTCUSDT 102 102 101 100.5:2 100.1:0,100.2:0,100.6:1");
  // (its fill goes to whoever asked about it after the restart: the asker)
  auto after = ask_account(q);
  CAF_CHECK(after.pos.qty == quantity::from_string("0.5").value());
  stop_actors();
  // A third session sees the maker fill too: it was journaled.
  seen = order_log{};
  start();
  list();
  auto third = ask_account(q);
  CAF_CHECK(third.pos.qty == quantity::from_string("0.5").value());
  stop_actors();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

CAF_TEST(a failed listing is retried with back off) {
  start();
  answer("https://api.venue.test/instruments", 500, "oops");
  CAF_CHECK(net->connects.empty());
  step(1000ms);
  CAF_CHECK_EQUAL(requests_for("https://api.venue.test/instruments"), 1u);
  step(1100ms);
  CAF_CHECK_EQUAL(requests_for("https://api.venue.test/instruments"), 2u);
  answer("https://api.venue.test/instruments", 200, "BAD document");
  step(3000ms);
  CAF_CHECK_EQUAL(requests_for("https://api.venue.test/instruments"), 2u); // backoff doubled
  step(1100ms);
  CAF_CHECK_EQUAL(requests_for("https://api.venue.test/instruments"), 3u);
  list();
  CAF_CHECK_EQUAL(net->connects.size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
