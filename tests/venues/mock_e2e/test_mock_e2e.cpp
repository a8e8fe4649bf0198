// Every real venue adapter end to end against its loopback mock venue
// (issue 9): the venue's codec inside a real venue session, the venues/net
// transport (actors/net_transport) over real sockets, and the mock server
// speaking the venue's REST + WebSocket protocol with the simulated market
// behind it. One doctest case per venue (`--test-case=<venue>`; ctest runs
// them as test_venues_mock_e2e_<venue>), each walking the same script:
//
//   1. listing -> subscribe -> synced, the venue's rules arrive;
//   2. the market frozen: our book equals the mock's book level by level;
//   3. a malformed frame is counted and changes nothing;
//   4. a withheld delta (gap) resyncs the book (REST bridge or resubscribe)
//      on venues with a gap rule; snapshot venues just carry on;
//   5. a dropped connection reconnects and resubscribes by itself;
//   6. a silent stall makes the book stale: the venue reports degraded,
//      depth stops, orders are refused; after the stall it heals;
//   7. a paper order fills against the live book; mark/funding arrive.
//
// Real threads and sockets: everything is waited for with deadlines, never
// with fixed sleeps that assume a speed.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/net_transport.hpp"
#include "actors/venue_session.hpp"
#include "messages/caf_errors.hpp"
#include "messages/type_ids.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "venues/mock/mock_server.hpp"
#include "venues/registry/registry.hpp"

using namespace xarb;
using namespace std::chrono_literals;

namespace {

struct test_config : caf::actor_system_config {
  test_config() {
    add_message_types<caf::id_block::xarb>();
    add_error_renderer(*this);
    set("scheduler.max-threads", 2);
  }
};

/// What the test's subscriber/trader actor received (actor threads write,
/// the test thread reads: under the mutex).
struct inbox {
  std::mutex mtx;
  std::vector<instrument_spec> specs;
  std::vector<book_snapshot> books;
  std::vector<funding_rate> rates;
  std::vector<health_report> health;
  std::vector<order_fill> fills;
  std::vector<order_reject> rejects;
  std::vector<order_ack> acks;

  template <class F>
  auto with(F&& f) {
    std::lock_guard lock{mtx};
    return f(*this);
  }
};

/// (A named function: CAF 0.17 mishandles capture-only lambdas as spawn
/// functions under UBSan.)
caf::behavior recorder(caf::event_based_actor*, inbox* in) {
  return {
    [=](instrument_spec& x) { in->with([&](inbox& b) { b.specs.push_back(std::move(x)); }); },
    [=](book_snapshot& x) { in->with([&](inbox& b) { b.books.push_back(std::move(x)); }); },
    [=](funding_rate& x) { in->with([&](inbox& b) { b.rates.push_back(std::move(x)); }); },
    [=](health_report& x) { in->with([&](inbox& b) { b.health.push_back(std::move(x)); }); },
    [=](order_fill& x) { in->with([&](inbox& b) { b.fills.push_back(std::move(x)); }); },
    [=](order_reject& x) { in->with([&](inbox& b) { b.rejects.push_back(std::move(x)); }); },
    [=](order_ack& x) { in->with([&](inbox& b) { b.acks.push_back(std::move(x)); }); },
    [=](funding_payment&) {},
    [=](order_cancelled&) {},
  };
}

timestamp_ns wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// Polls `pred` every 10 ms until it holds or `limit` passes.
bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds limit = 20s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (pred())
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

struct e2e {
  std::string venue;
  std::string native;
  venues::sync_mode sync = venues::sync_mode::snapshots;
  status_board board;
  telemetry tel{"test"};
  test_config cfg;
  caf::actor_system sys{cfg};
  /// The mock's exchange clock: wall time, or held still by freeze().
  std::atomic<bool> frozen{false};
  std::atomic<timestamp_ns> frozen_at{0};
  std::unique_ptr<mock::mock_server> server;
  inbox in;
  caf::actor session;
  caf::actor sub;
  uint64_t order_no = 0;

  explicit e2e(std::string name) : venue(std::move(name)) {
    auto protocol = venues::make_protocol(venue);
    REQUIRE(protocol.has_value());
    auto codec = venues::make_codec(venue);
    REQUIRE(codec.has_value());
    sync = (*codec)->info().sync;
    native = (*protocol)->native_symbol("BTC", ratio::from_units(1));
    mock::market_config mc;
    mc.symbols = {"BTC-PERP", "ETH-PERP"};
    mc.seed = 7;
    mock::server_config sc;
    sc.tick = 20ms;
    sc.mark_interval = 500ms;
    sc.ping_interval = 1s;
    sc.clock = [this] { return frozen.load() ? frozen_at.load() : wall_ns(); };
    server = std::make_unique<mock::mock_server>(std::move(*protocol), mc, sc);
    auto port = server->start();
    REQUIRE(port.has_value());

    live_market_config lc;
    lc.adapter = venue;
    lc.codec = [v = venue] {
      auto c = venues::make_codec(v);
      return c ? std::move(*c) : nullptr;
    };
    lc.ws_url = server->ws_url();
    lc.rest_url = server->http_url();
    lc.symbols = {"BTC-PERP"};
    net_transport_options no;
    no.venue = venue;
    no.metrics = &tel;
    lc.transport = make_net_transport(std::move(no));
    venue_session_config vc;
    vc.venue = venue;
    vc.live = std::move(lc);
    vc.stale_after_ns = 1'500'000'000;
    vc.liveness_ns = 0; // the stall is detected as staleness, not a reconnect
    vc.consistency_interval_ns = 0;
    actor_services svc;
    svc.board = &board;
    svc.metrics = &tel;
    session = caf::actor_cast<caf::actor>(spawn_venue_session(sys, vc, svc));
    sub = sys.spawn(recorder, &in);
    caf::anon_send(session, atom::subscribe_v, std::string{"BTC-PERP"}, sub);
  }

  ~e2e() {
    caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(sub, caf::exit_reason::user_shutdown);
    sys.await_all_actors_done();
    server->stop();
  }

  std::optional<venue_status> status() { return board.venue(venue); }

  bool ready() {
    auto v = status();
    if (!v || v->state != health_state::ready)
      return false;
    for (auto& b : v->books)
      if (b.symbol == "BTC-PERP")
        return b.synced;
    return false;
  }

  bool btc_synced() {
    auto v = status();
    if (!v)
      return false;
    for (auto& b : v->books)
      if (b.symbol == "BTC-PERP")
        return b.synced;
    return false;
  }

  uint64_t resyncs() {
    auto v = status();
    return v ? v->resyncs : 0;
  }

  double dropped(md_drop_reason r) {
    return tel.venue(venue).dropped[static_cast<std::size_t>(r)]->Value();
  }

  std::size_t book_count() {
    return in.with([](inbox& b) { return b.books.size(); });
  }

  /// More depth updates than `n` arrived (the stream is alive).
  bool flowing_past(std::size_t n, std::chrono::milliseconds limit = 20s) {
    return wait_for([&] { return book_count() > n + 2; }, limit);
  }

  void freeze() {
    frozen_at = wall_ns();
    frozen = true;
  }
  void thaw() { frozen = false; }

  book_snapshot mock_book(std::size_t depth) {
    book_snapshot out;
    server->inspect([&](const mock::mock_market& m) { out = m.book(native, depth); });
    return out;
  }

  /// Sends a market order for `qty` BTC from the recorder; returns its id.
  std::string order(side sd, const char* qty) {
    order_intent o;
    o.client_id = "e2e-" + venue + "-" + std::to_string(++order_no);
    o.venue = venue;
    o.symbol = "BTC-PERP";
    o.sd = sd;
    o.type = order_type::market;
    o.tif = time_in_force::ioc;
    o.qty = quantity::from_string(qty).value();
    o.ts = wall_ns();
    caf::send_as(sub, session, o);
    return o.client_id;
  }

  bool answered(const std::string& id) {
    return in.with([&](inbox& b) {
      for (auto& f : b.fills)
        if (f.client_id == id)
          return true;
      for (auto& r : b.rejects)
        if (r.client_id == id)
          return true;
      return false;
    });
  }
};

void levels_equal(const std::vector<book_level>& ours, const std::vector<book_level>& theirs,
                  const char* side_name) {
  INFO(side_name);
  REQUIRE(!theirs.empty());
  CHECK(ours.size() == theirs.size());
  const auto n = std::min(ours.size(), theirs.size());
  for (std::size_t i = 0; i < n; ++i) {
    INFO("level " << i);
    CHECK(ours[i].px.to_string() == theirs[i].px.to_string());
    CHECK(ours[i].qty.to_string() == theirs[i].qty.to_string());
  }
}

void run_script(const std::string& name) {
  e2e t{name};
  INFO("venue " << name << " (" << to_string(t.sync) << "), native " << t.native);

  // 1. Listing, subscription, first sync.
  REQUIRE(wait_for([&] { return t.ready(); }));
  REQUIRE(t.flowing_past(0));
  t.in.with([&](inbox& b) {
    REQUIRE(!b.specs.empty());
    CHECK(b.specs.front().symbol == "BTC-PERP");
    CHECK(b.specs.front().venue == name);
    CHECK(b.specs.front().native_symbol == t.native);
    CHECK(b.specs.front().tick.raw() > 0);
    CHECK(b.specs.front().lot.raw() > 0);
  });
  CHECK(t.server->stats().subscriptions["books"] >= 1);

  // 2. The market held still: our book is the venue's book, level by level.
  {
    t.freeze();
    std::this_thread::sleep_for(300ms); // what was already on the wire lands
    const auto before = t.book_count();
    // As deep as the venue publishes (Paradex: 15 levels), at most the
    // session's 20.
    const auto depth = t.in.with([](inbox& b) {
      return b.books.empty() ? 0 : std::max(b.books.back().bids.size(), b.books.back().asks.size());
    });
    CHECK(depth >= 10u);
    const auto theirs = t.mock_book(depth);
    std::this_thread::sleep_for(100ms);
    t.in.with([&](inbox& b) {
      REQUIRE(!b.books.empty());
      const auto& ours = b.books.back();
      CHECK(ours.symbol == "BTC-PERP");
      levels_equal(ours.bids, theirs.bids, "bids");
      levels_equal(ours.asks, theirs.asks, "asks");
      CHECK(ours.bids.front().px < ours.asks.front().px);
    });
    // Snapshot venues repeat the same book while frozen; others go quiet.
    if (t.sync != venues::sync_mode::snapshots)
      CHECK(t.book_count() == before);
    t.thaw();
  }

  // 3. Junk on the wire: counted, nothing lost.
  {
    const auto bad = t.dropped(md_drop_reason::malformed);
    const auto resyncs = t.resyncs();
    REQUIRE(t.server->send_malformed().code == error_code::none);
    CHECK(wait_for([&] { return t.dropped(md_drop_reason::malformed) > bad; }));
    CHECK(t.btc_synced());
    CHECK(t.resyncs() == resyncs);
    CHECK(t.flowing_past(t.book_count()));
  }

  // 4. A withheld delta.
  {
    const auto resyncs = t.resyncs();
    const auto gaps = t.dropped(md_drop_reason::sequence_gap)
                      + t.dropped(md_drop_reason::checksum);
    const auto withheld = t.server->stats().frames_withheld;
    REQUIRE(t.server->inject_gap(t.native).code == error_code::none);
    REQUIRE(wait_for([&] { return t.server->stats().frames_withheld > withheld; }));
    if (t.sync == venues::sync_mode::snapshots) {
      // The next full book replaces the one missed: no resync needed.
      CHECK(t.flowing_past(t.book_count()));
      CHECK(t.btc_synced());
      CHECK(t.resyncs() == resyncs);
    } else {
      CHECK(wait_for([&] { return t.resyncs() > resyncs; }));
      CHECK(t.dropped(md_drop_reason::sequence_gap) + t.dropped(md_drop_reason::checksum)
            > gaps);
      CHECK(wait_for([&] { return t.ready(); }));
      CHECK(t.flowing_past(t.book_count()));
    }
  }

  // 5. The connection drops: reconnect, resubscribe, resync.
  {
    const auto conns = t.server->stats().ws_connections;
    REQUIRE(t.server->disconnect().code == error_code::none);
    CHECK(wait_for([&] { return t.server->stats().ws_connections > conns; }));
    CHECK(wait_for([&] { return t.server->stats().subscriptions["books"] >= 1; }));
    CHECK(wait_for([&] { return t.ready(); }));
    CHECK(t.flowing_past(t.book_count()));
    // (the transport copies its statistics into the series once a second)
    CHECK(wait_for([&] { return t.tel.venue_ws(name, "0").reconnects->Value() >= 1; }));
  }

  // 6. Silence on an open connection: stale, signals and orders blocked.
  {
    REQUIRE(t.server->stall().code == error_code::none);
    CHECK(wait_for([&] { return !t.btc_synced(); }));
    CHECK(wait_for([&] {
      auto v = t.status();
      return v && v->state != health_state::ready;
    }));
    // Subscribers were told (they block their signals on it) ...
    CHECK(wait_for([&] {
      return t.in.with([](inbox& b) {
        return !b.health.empty() && b.health.back().state != health_state::ready;
      });
    }));
    // ... depth stops, and an order on the stale book is refused.
    const auto depth = t.book_count();
    const auto id = t.order(side::buy, "0.01");
    CHECK(wait_for([&] { return t.answered(id); }));
    t.in.with([&](inbox& b) {
      CHECK(b.rejects.size() == 1u);
      CHECK(b.fills.empty());
    });
    CHECK(t.book_count() == depth);
    REQUIRE(t.server->resume().code == error_code::none);
    CHECK(wait_for([&] { return t.ready(); }));
    CHECK(t.flowing_past(t.book_count()));
  }

  // 7. Paper execution on the live book; mark and funding from the venue.
  {
    const auto id = t.order(side::buy, "0.01");
    CHECK(wait_for([&] { return t.answered(id); }));
    t.in.with([&](inbox& b) {
      REQUIRE(!b.fills.empty());
      quantity filled;
      for (auto& f : b.fills)
        if (f.client_id == id) {
          filled = filled + f.qty;
          CHECK(f.px.raw() > 0);
          CHECK(f.fee.raw() > 0); // taker fee, in every fill
        }
      CHECK(filled == quantity::from_string("0.01").value());
    });
    // Paradex funds continuously (no settlement time); the others say when.
    const bool continuous = name == "paradex";
    CHECK(wait_for([&] {
      return t.in.with([&](inbox& b) {
        for (auto& r : b.rates)
          if (r.symbol == "BTC-PERP" && r.venue == name
              && (continuous || r.next_funding_ts > wall_ns() - 60'000'000'000))
            return true;
        return false;
      });
    }));
  }
  CHECK(t.server->stats().errors == 0u);
}

} // namespace

TEST_CASE("aster") { run_script("aster"); }
TEST_CASE("backpack") { run_script("backpack"); }
TEST_CASE("binance") { run_script("binance"); }
TEST_CASE("bitget") { run_script("bitget"); }
TEST_CASE("bybit") { run_script("bybit"); }
TEST_CASE("edgex") { run_script("edgex"); }
TEST_CASE("grvt") { run_script("grvt"); }
TEST_CASE("hyperliquid") { run_script("hyperliquid"); }
TEST_CASE("lighter") { run_script("lighter"); }
TEST_CASE("okx") { run_script("okx"); }
TEST_CASE("paradex") { run_script("paradex"); }

TEST_CASE("every adapter has a case here") {
  // A venue added to the registry must be added above (and to
  // tests/venues/mock_e2e/CMakeLists.txt) too.
  const std::vector<std::string_view> cased = {"aster", "backpack", "binance", "bitget",
                                               "bybit", "edgex", "grvt", "hyperliquid",
                                               "lighter", "okx", "paradex"};
  const auto names = venues::codec_names();
  CHECK(std::vector<std::string_view>(names.begin(), names.end()) == cased);
}
