// Issue 5 in the order path: a pair trades against the simulated venues with
// a RocksDB store (temp dir). A proxy stands in the registry for each venue
// session and looks into the store the moment an order reaches it, so
// "journaled before it left" is checked where it matters. Fault injection:
// a failing store halts new entries (not sent, event), closes still go out,
// and entries resume once the store writes again. The sink's market samples
// (issue 7) land in the history family.
#define CAF_SUITE storage_trading

#include "tests/actors/sim_fixture.hpp"

#include <limits>
#include <memory>
#include <set>

#include "actors/pair_trader.hpp"
#include "actors/storage/store.hpp"
#include "actors/storage_sink.hpp"
#include "actors/venue_session.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "tests/actors/storage/temp_dir.hpp"
#include "venues/sim/sim_config.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {


/// Whether the store holds an intent -> sent transition of `id`.
bool journaled_sent(const storage::store& st, const std::string& id) {
  bool found = false;
  auto err = st.scan(storage::family::orders, INT64_MIN, INT64_MAX,
                     [&](const storage::stored_record& r) {
                       auto* u = std::get_if<order_update>(&r.value);
                       if (u && u->client_id == id && u->to == order_state::sent) {
                         found = true;
                         return false;
                       }
                       return true;
                     });
  return !err && found;
}

/// What reached the venues through the proxies.
struct venue_log {
  const storage::store* store = nullptr;
  std::vector<order_intent> intents;
  std::vector<bool> journaled;  ///< per intent: on disk when it arrived
};

/// Forwards everything to the real session; an order keeps the trader as
/// sender so the answers go back to it.
venue_session_actor::behavior_type venue_proxy(venue_session_actor::pointer self,
                                               venue_session_actor real, venue_log* out) {
  return {
    [=](atom::subscribe a, std::string& sym, caf::actor& sub) { self->send(real, a, sym, sub); },
    [=](atom::subscribe a, atom::top t, std::string& sym, caf::actor& sub) {
      self->send(real, a, t, sym, sub);
    },
    [=](atom::subscribe a, atom::watch w, caf::actor& sub) { self->send(real, a, w, sub); },
    [=](atom::unsubscr a, atom::watch w, caf::actor& sub) { self->send(real, a, w, sub); },
    [=](atom::subscribe a, inline_hook& h) { self->send(real, a, h); },
    [=](atom::unsubscr a, std::string& sym, caf::actor& sub) { self->send(real, a, sym, sub); },
    [=](order_intent& o) {
      out->intents.push_back(o);
      out->journaled.push_back(journaled_sent(*out->store, o.client_id));
      caf::send_as(caf::actor_cast<caf::actor>(self->current_sender()), real, std::move(o));
    },
    [=](cancel_request& c) {
      caf::send_as(caf::actor_cast<caf::actor>(self->current_sender()), real, std::move(c));
    },
    [=](atom::rebound, std::string&, caf::strong_actor_ptr&) {},
    [=](account_query& q) { return self->delegate(real, std::move(q)); },
    [=](atom::status) { return health_report{"proxy", health_state::ready, "", 0}; },
    [=](atom::tick) {},
    [=](atom::resync r, std::string& sym) { self->send(real, r, sym); },
    [=](md_frame&) {}, // a real venue's transport: not used by this simulated one
    [=](md_link&) {},
    [=](rest_reply&) {},
    [=](atom::crash) {},
  };
}


/// Replies of a storage sink's status, kept by a named function (CAF 0.17
/// mishandles capture-only lambdas as spawn functions under UBSan).
void status_asker(caf::event_based_actor* self, storage_sink_actor sink, uint64_t* written,
                  uint64_t* failed) {
  self->request(sink, caf::infinite, atom::status_v).then([=](uint64_t w, uint64_t f) {
    *written = w;
    *failed = f;
  });
}

struct storage_fixture : sim_fixture {
  storage::test::temp_dir dir;
  std::shared_ptr<storage::store> store;
  venue_log venues;

  storage_fixture() {
    dislocate();
    storage::store_options so;
    so.dir = dir.str() + "/db";
    so.sync_journal = false; // durability is the store's business; order is ours
    auto opened = storage::store::open(so);
    CAF_REQUIRE(opened.has_value());
    store = std::move(opened).value();
    svc.store = store.get();
    venues.store = store.get();
  }

  ~storage_fixture() override {
    stop_actors(); // before the store and the temp dir go
  }

  /// The two venue sessions behind their proxies, registered by name.
  void spawn_venues() {
    for (const char* v : {"sim-a", "sim-b"}) {
      venue_session_config vc;
      vc.venue = v;
      vc.world = world;
      vc.clock = [this] { return now; };
      auto real = spawn_venue_session(sys, vc, svc);
      tracked.push_back(caf::actor_cast<caf::actor>(real));
      auto proxy = sys.spawn(venue_proxy, real, &venues);
      tracked.push_back(caf::actor_cast<caf::actor>(proxy));
      registry.put(venue_session_name(v), caf::actor_cast<caf::strong_actor_ptr>(proxy));
    }
    sched.run();
  }

  void register_sink(const storage_sink_actor& sink) {
    tracked.push_back(caf::actor_cast<caf::actor>(sink));
    registry.put(storage_sink_name, caf::actor_cast<caf::strong_actor_ptr>(sink));
    sched.run();
  }

  pair_config pair() {
    return active_pair("BTC-PERP");
  }

  /// Steps in 500 ms until `pred` or `limit`; true if `pred` held.
  template <class Pred>
  bool step_until(Pred pred, caf::timespan limit) {
    for (caf::timespan done{0}; done < limit; done += 500ms) {
      if (pred())
        return true;
      step(500ms);
    }
    return pred();
  }

  std::vector<order_update> journal() {
    auto res = store->orders_since(INT64_MIN);
    CAF_REQUIRE(res.has_value());
    return *res;
  }

  std::size_t count(storage::family f) {
    std::size_t n = 0;
    CAF_CHECK(!store->scan(f, INT64_MIN, INT64_MAX, [&](const storage::stored_record&) {
      ++n;
      return true;
    }));
    return n;
  }
};

bool has_event(const std::vector<event>& events, const std::string& part) {
  for (auto& e : events)
    if (e.text.find(part) != std::string::npos)
      return true;
  return false;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(storage_trading_tests, storage_fixture)

CAF_TEST(every order is journaled before it reaches the venue and the sink records the rest) {
  storage_sink_config skc;
  skc.detached = false;
  skc.batch_max = 64;
  auto sink = spawn_storage_sink(sys, skc, store, make_storage_metrics(&metrics));
  register_sink(sink);
  spawn_venues();
  auto pc = pair();
  spawn_pair(pc);
  CAF_REQUIRE(step_until(
    [&] {
      auto p = board.pair(pair_id(pc));
      return p && p->round_trips >= 1 && venues.intents.size() >= 4;
    },
    120s));
  step(1s);
  // Every order that reached a venue had its intent -> sent on disk then.
  CAF_REQUIRE_GREATER_OR_EQUAL(venues.intents.size(), 4u);
  for (std::size_t i = 0; i < venues.intents.size(); ++i) {
    CAF_CHECK(venues.journaled[i]);
    if (!(venues.journaled[i]))
      CAF_MESSAGE("order " << venues.intents[i].client_id);
  }
  // The journal: intent -> intent before intent -> sent for each order,
  // every order the venues saw is there, and later transitions follow.
  auto j = journal();
  std::map<std::string, std::vector<order_state>> states;
  for (auto& u : j) {
    CAF_CHECK_EQUAL(u.pair_id, pair_id(pc));
    states[u.client_id].push_back(u.to);
  }
  for (auto& o : venues.intents) {
    auto& s = states[o.client_id];
    CAF_REQUIRE_GREATER_OR_EQUAL(s.size(), 3u);
    CAF_CHECK_EQUAL(s[0], order_state::intent);
    CAF_CHECK_EQUAL(s[1], order_state::sent);
    CAF_CHECK(is_terminal(s.back()) || s.back() == order_state::acked
              || s.back() == order_state::partially_filled);
  }
  // Fills journaled (one record per fill the pair booked), position
  // snapshots after fills, spread samples about once per second, events.
  auto p = board.pair(pair_id(pc));
  CAF_CHECK_GREATER(count(storage::family::fills), 0u);
  uint64_t written = 0;
  uint64_t failed = 1;
  auto asker = sys.spawn(status_asker, sink, &written, &failed);
  tracked.push_back(asker);
  sched.run();
  CAF_CHECK_EQUAL(failed, 0u);
  CAF_CHECK_GREATER(written, 0u);
  CAF_CHECK_GREATER(count(storage::family::positions), 0u);
  CAF_CHECK_EQUAL(count(storage::family::positions) % 2, 0u); // one per leg
  const auto spreads = count(storage::family::spreads);
  const auto seconds = static_cast<std::size_t>((now - sim_t0) / 1'000'000'000);
  CAF_CHECK_GREATER(spreads, seconds / 2);
  CAF_CHECK_LESS_OR_EQUAL(spreads, seconds + 1);
  CAF_CHECK_GREATER(count(storage::family::events), 0u);
  // The journal writes are counted in the storage metrics.
  storage_metrics sm{*metrics.registry()};
  CAF_CHECK_EQUAL(sm.records(storage::family::orders).Value(), static_cast<double>(j.size()));
  CAF_CHECK_EQUAL(sm.write_errors().Value(), 0.0);
}

CAF_TEST(venue sessions record the market data they receive only when record_market is on) {
  storage_sink_config skc;
  skc.detached = false;
  skc.record_market = true;
  auto sink = spawn_storage_sink(sys, skc, store, nullptr);
  register_sink(sink);
  for (const char* v : {"sim-a", "sim-b"}) {
    venue_session_config vc;
    vc.venue = v;
    vc.world = world;
    vc.clock = [this] { return now; };
    vc.record_market = std::string{v} == "sim-a"; // sim-b does not record
    tracked.push_back(caf::actor_cast<caf::actor>(spawn_venue_session(sys, vc, svc)));
  }
  sched.run();
  step(3s);
  uint64_t written = 0;
  uint64_t failed = 1;
  tracked.push_back(sys.spawn(status_asker, sink, &written, &failed)); // flushes
  sched.run();
  CAF_CHECK_EQUAL(failed, 0u);
  std::size_t snapshots = 0;
  std::size_t deltas = 0;
  std::set<std::string> venues_seen;
  std::set<std::string> symbols;
  auto err = store->scan(storage::family::market, std::numeric_limits<timestamp_ns>::min(),
                         std::numeric_limits<timestamp_ns>::max(),
                         [&](const storage::stored_record& r) {
                           if (auto* x = std::get_if<book_snapshot>(&r.value)) {
                             ++snapshots;
                             venues_seen.insert(x->venue);
                             symbols.insert(x->symbol);
                           } else if (auto* d = std::get_if<book_delta>(&r.value)) {
                             ++deltas;
                             venues_seen.insert(d->venue);
                           }
                           return true;
                         });
  CAF_REQUIRE(!err);
  // One snapshot per symbol at start, then sim-a's 20 updates/s per symbol.
  CAF_CHECK_GREATER_OR_EQUAL(snapshots, 5u);
  CAF_CHECK_EQUAL(symbols.size(), 5u);
  CAF_CHECK_GREATER(deltas, 5u * 20u * 2u);
  CAF_CHECK_EQUAL(venues_seen, (std::set<std::string>{"sim-a"}));
}

CAF_TEST(a failing store halts entries but lets closes out and entries resume after recovery) {
  std::vector<event> events;
  register_sink(sys.spawn(event_recorder, &events));
  spawn_venues();
  auto pc = pair();
  pc.params.max_tranches = 1;
  spawn_pair(pc);
  // A position is held (journaled as usual).
  CAF_REQUIRE(step_until(
    [&] {
      auto p = board.pair(pair_id(pc));
      return p && p->phase == "open";
    },
    120s));
  auto at_fault = *board.pair(pair_id(pc));
  CAF_REQUIRE(!at_fault.qty_a.is_zero());
  const auto sent_before = venues.intents.size();
  store->inject_write_failure(true);
  // The position is closed by time (max_hold 20 s): the close goes out
  // unjournaled. Entries in the meantime are not sent.
  CAF_REQUIRE(step_until(
    [&] {
      auto p = board.pair(pair_id(pc));
      return p && p->round_trips > at_fault.round_trips && p->phase == "flat";
    },
    40s));
  step(20s); // time for new entries, had they been allowed
  CAF_CHECK(has_event(events, "storage failure: new entries halted, hedging continues"));
  CAF_CHECK(has_event(events, "sent unjournaled"));
  CAF_REQUIRE_GREATER(venues.intents.size(), sent_before);
  auto reduces = [&](const order_intent& o) {
    const auto pos = o.venue == "sim-a" ? at_fault.qty_a : at_fault.qty_b;
    return o.reduce_only
           || (pos.is_positive() ? o.sd == side::sell : o.sd == side::buy);
  };
  for (std::size_t i = sent_before; i < venues.intents.size(); ++i) {
    auto& o = venues.intents[i];
    CAF_CHECK(reduces(o));
    if (!(reduces(o)))
      CAF_MESSAGE("order " << o.client_id << " increased exposure");
    CAF_CHECK(!venues.journaled[i]); // nothing could be written
  }
  auto p = board.pair(pair_id(pc));
  CAF_CHECK(p->qty_a.abs() < quantity::from_raw(10'000'000));
  CAF_CHECK(p->qty_b.abs() < quantity::from_raw(10'000'000));
  // The store writes again: the probe lifts the block, entries resume and
  // are journaled before they leave again.
  store->inject_write_failure(false);
  const auto resumed_from = venues.intents.size();
  CAF_REQUIRE(step_until(
    [&] {
      auto q = board.pair(pair_id(pc));
      return q && q->phase == "open";
    },
    120s));
  CAF_CHECK(has_event(events, "storage recovered: new entries resume"));
  CAF_REQUIRE_GREATER(venues.intents.size(), resumed_from);
  for (std::size_t i = resumed_from; i < venues.intents.size(); ++i) {
    CAF_CHECK(venues.journaled[i]);
    if (!(venues.journaled[i]))
      CAF_MESSAGE("order " << venues.intents[i].client_id);
  }
}

CAF_TEST(an entry whose journal write fails is rejected and never sent) {
  std::vector<event> events;
  register_sink(sys.spawn(event_recorder, &events));
  spawn_venues();
  auto pc = pair();
  spawn_pair(pc);
  // Warm up flat, then fail every write before any entry.
  step(10s);
  const auto flat = board.pair(pair_id(pc));
  CAF_REQUIRE(flat.has_value());
  CAF_REQUIRE_EQUAL(venues.intents.size(), 0u);
  store->inject_write_failure(true);
  // The first entry the signal asks for fails its journal write.
  CAF_REQUIRE(step_until(
    [&] { return has_event(events, "storage failure: new entries halted"); }, 120s));
  step(10s);
  // No order reached a venue; the pair holds nothing; the failure counted.
  CAF_CHECK_EQUAL(venues.intents.size(), 0u);
  auto p = board.pair(pair_id(pc));
  CAF_CHECK(p->qty_a.is_zero());
  CAF_CHECK(p->qty_b.is_zero());
  storage_metrics sm{*metrics.registry()};
  CAF_CHECK_GREATER(sm.write_errors().Value(), 0.0);
  CAF_CHECK_EQUAL(count(storage::family::orders), 0u);
}

CAF_TEST(the sink writes market samples to the history family in batches) {
  storage_sink_config skc;
  skc.detached = false;
  skc.batch_max = 3;
  skc.flush_interval = std::chrono::hours(1); // only batch_max and status flush here
  auto sink = spawn_storage_sink(sys, skc, store, make_storage_metrics(&metrics));
  register_sink(sink);
  auto sample = [](const char* sym, timestamp_ns ts) {
    market_sample x;
    x.symbol = sym;
    x.ts = ts;
    x.venues.push_back({"sim-a", price::from_units(100), price::from_units(101), ratio{}, 28'800,
                        true, false});
    x.venues.push_back({"sim-b", price::from_units(99), price::from_units(102), ratio{}, 3'600,
                        false, true});
    return x;
  };
  auto history = [&](const char* sym) {
    std::vector<market_sample> out;
    CAF_CHECK(!store->scan_history(sym, INT64_MIN, INT64_MAX, [&](const market_sample& x) {
      out.push_back(x);
      return true;
    }));
    return out;
  };
  for (timestamp_ns ts : {10, 20})
    for (const char* sym : {"BTC-PERP", "ETH-PERP"})
      caf::anon_send(sink, sample(sym, ts));
  // A symbol history keys cannot hold is dropped alone, not with the batch.
  caf::anon_send(sink, sample("", 15));
  caf::anon_send(sink, event{5, severity::info, "test", "with the samples"});
  sched.run();
  // Three records made a batch; the rest waits for the next flush.
  CAF_CHECK_EQUAL(history("BTC-PERP").size() + history("ETH-PERP").size(), 3u);
  uint64_t written = 0;
  uint64_t failed = 1;
  tracked.push_back(sys.spawn(status_asker, sink, &written, &failed)); // flushes
  sched.run();
  CAF_CHECK_EQUAL(written, 5u);
  CAF_CHECK_EQUAL(failed, 0u);
  auto btc = history("BTC-PERP");
  CAF_REQUIRE_EQUAL(btc.size(), 2u);
  CAF_CHECK(btc[0] == sample("BTC-PERP", 10));
  CAF_CHECK(btc[1] == sample("BTC-PERP", 20));
  CAF_CHECK_EQUAL(history("ETH-PERP").size(), 2u);
  CAF_CHECK_EQUAL(count(storage::family::events), 1u);
  storage_metrics sm{*metrics.registry()};
  CAF_CHECK_EQUAL(sm.records(storage::family::history).Value(), 4.0);
  CAF_CHECK_EQUAL(sm.records(storage::family::events).Value(), 1.0);
  CAF_CHECK_EQUAL(sm.write_errors().Value(), 0.0);
}

CAF_TEST_FIXTURE_SCOPE_END()
