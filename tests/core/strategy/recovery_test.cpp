// Recovery after a crash (issue 5, core/strategy/recovery.hpp): a pair engine
// trades against two simulated venues while everything it would journal is
// recorded; then it "crashes" and a second engine is rebuilt from that
// journal (restore) and reconciled with the venues' own records.
// Deterministic: fixed seeds, fixed steps, no clock.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/strategy/client_ids.hpp"
#include "core/strategy/pair_engine.hpp"
#include "tests/core/strategy/sim_harness.hpp"
#include "venues/sim/account.hpp"
#include "venues/sim/sim_venue.hpp"

using namespace xarb;
using namespace xarb::strategy;

namespace {

constexpr timestamp_ns ms = 1'000'000;
constexpr timestamp_ns sec = 1'000 * ms;
constexpr timestamp_ns t0 = 1'700'000'000'000'000'000;
const std::string symbol = "BTC-PERP";

quantity qty(const char* s) { return *quantity::from_string(s); }
price px(const char* s) { return *price::from_string(s); }

pair_params recovery_params() {
  pair_params p = xarb::test::scenario_params();
  p.max_tranches = 1;
  p.max_hold_ns = 40 * sec;
  return p;
}

/// One journal write, in write order (what the pair trader journals: a fill
/// before it is booked, a funding payment before it is booked, every order
/// transition the engine reports).
using journal_entry = std::variant<order_fill, funding_payment, order_update>;

/// The journal's picture of the pair after the first `n` writes (all: npos),
/// built the way load_pair_journal reads the store.
pair_journal journal_of(const std::vector<journal_entry>& w, std::size_t n = std::string::npos) {
  pair_journal j;
  std::map<std::string, order_update> latest;
  std::vector<std::string> order_of_ids;
  n = std::min(n, w.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (const auto* f = std::get_if<order_fill>(&w[i]))
      j.bookings.emplace_back(*f);
    else if (const auto* p = std::get_if<funding_payment>(&w[i]))
      j.bookings.emplace_back(*p);
    else {
      const auto& u = std::get<order_update>(w[i]);
      j.last_order_ts = std::max(j.last_order_ts, u.ts);
      latest[u.client_id] = u;
    }
  }
  for (auto& [id, u] : latest)
    if (!is_terminal(u.to))
      j.open_orders.push_back(u);
  return j;
}

/// Two simulated venues and a replaceable pair engine: orders reach the venue
/// 2 ms after the engine decided, the venue's answers come back at once,
/// market data with the venue's own latency, the timer every 10 ms. Every
/// journal write is recorded in `journal`.
class rig {
public:
  explicit rig(uint64_t seed = 11, pair_params p = recovery_params(),
               std::array<bool, 2> sole_owner = {true, true})
    : params_(std::move(p)), sole_(sole_owner) {
    world_ = test::two_venue_world(seed);
    for (auto& v : world_.venues) {
      v.funding_interval_s = 20;        // settlements while the tests run
      v.funding_update_s = 5;
      v.funding_bias_bps = 1;           // never a zero payment
      v.dislocation_reversion = 0.01;   // a dislocation outlives a restart
    }
    world_.start_ts = t0;
    venues_[0] = std::make_unique<sim::venue>(world_, "va");
    venues_[1] = std::make_unique<sim::venue>(world_, "vb");
    now_ = t0;
    next_timer_ = t0;
  }

  sim::venue& venue(int leg) { return *venues_[leg]; }
  pair_engine& engine() { return *engine_; }
  bool has_engine() const { return engine_ != nullptr; }
  timestamp_ns now() const { return now_; }
  const pair_params& params() const { return params_; }

  std::unique_ptr<pair_engine> make_engine(uint64_t epoch) const {
    engine_config ec;
    ec.node = "test";
    ec.symbol = symbol;
    ec.venue_a = "va";
    ec.venue_b = "vb";
    ec.params = params_;
    ec.epoch = epoch;
    ec.sole_owner = sole_;
    auto e = std::make_unique<pair_engine>(ec);
    for (int leg = 0; leg < 2; ++leg)
      for (auto& spec : venues_[leg]->instruments())
        if (spec.symbol == symbol)
          REQUIRE(!e->set_rules(leg, spec));
    return e;
  }

  /// A fresh engine (epoch 1) trading from the start.
  void start() { engine_ = make_engine(1); }

  /// The node dies: the engine is gone, nothing it decided after this
  /// reaches a venue (orders still in the outbox are lost unless
  /// `deliver_in_flight`: they had left the host).
  std::unique_ptr<pair_engine> crash(bool deliver_in_flight = true) {
    if (deliver_in_flight) {
      for (auto& o : outbox_)
        o.at = now_;
      deliver(); // answers go nowhere
    }
    outbox_.clear();
    return std::move(engine_);
  }

  /// A new incarnation takes over (market data flows to it from now on).
  void attach(std::unique_ptr<pair_engine> e) { engine_ = std::move(e); }

  /// restore() on the attached engine.
  void restore(const pair_journal& j) {
    engine_->restore(j, now_, out_);
    drain();
  }

  /// Reconciles one leg as the pair trader does: query, the venue's report,
  /// missing fills journaled and booked, reconcile, its bookings journaled.
  reconcile_result reconcile(int leg, std::vector<order_fill>* missing_out = nullptr,
                             account_report* report_out = nullptr) {
    auto q = engine_->reconcile_query(leg, now_);
    auto r = sim::account_of(*venues_[leg], q, now_);
    auto missing = engine_->missing_fills(leg, r);
    for (const auto& f : missing) {
      journal.emplace_back(f);
      engine_->on_fill(f, now_, out_);
    }
    auto res = engine_->reconcile(leg, r, missing.size(), now_, out_);
    for (const auto& b : res.to_journal) {
      if (const auto* f = std::get_if<order_fill>(&b))
        journal.emplace_back(*f);
      else
        journal.emplace_back(std::get<funding_payment>(b));
    }
    drain();
    if (missing_out)
      *missing_out = std::move(missing);
    if (report_out)
      *report_out = std::move(r);
    return res;
  }

  /// Runs something on the engine now and sends what it decided.
  template <class F>
  void act(F&& f) {
    f(*engine_, now_, out_);
    drain();
  }

  void run_for(timestamp_ns d, const std::function<void()>& each_step = {}) {
    const timestamp_ns end = now_ + d;
    while (now_ < end) {
      step();
      if (each_step)
        each_step();
    }
  }

  /// Steps until `pred` (checked after each step) or `limit`; true if it held.
  template <class Pred>
  bool run_until(Pred pred, timestamp_ns limit) {
    const timestamp_ns end = now_ + limit;
    while (now_ < end) {
      step();
      if (pred())
        return true;
    }
    return false;
  }

  /// Places an order on a venue directly (another incarnation's, the
  /// operator's ...): the venue's answers go nowhere.
  void place(int leg, const order_intent& o) {
    scratch_.clear();
    venues_[leg]->submit(o, now_, scratch_);
  }
  void cancel_at_venue(int leg, const std::string& id) {
    scratch_.clear();
    venues_[leg]->cancel(cancel_request{id, venues_[leg]->name(), symbol, now_}, now_, scratch_);
  }

  /// Differences between the engine's books and the venue's accounting.
  std::string accounting_mismatch() {
    return xarb::test::accounting_mismatch(*engine_, *venues_[0], *venues_[1], symbol);
  }

  std::size_t count_events(const std::string& needle) const {
    return static_cast<std::size_t>(std::count_if(
      events.begin(), events.end(),
      [&](const event& e) { return e.text.find(needle) != std::string::npos; }));
  }

  /// Orders the engine(s) emitted, in order (whether or not they arrived).
  std::vector<order_intent> emitted;
  std::vector<cancel_request> cancels_emitted;
  /// Orders that reached a venue.
  std::vector<order_intent> delivered;
  std::vector<journal_entry> journal;
  std::vector<event> events;
  std::vector<funding_payment> payments_seen;

private:
  struct outbound {
    timestamp_ns at;
    int leg;
    std::variant<order_intent, cancel_request> msg;
  };

  void feed(int leg, sim::event& ev) {
    if (!engine_)
      return;
    auto& e = *engine_;
    std::visit(
      [&](auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, book_snapshot>) {
          if (x.symbol != symbol)
            return;
          e.book(leg).apply(x);
          e.on_book(leg, x.recv_ts, now_, out_);
        } else if constexpr (std::is_same_v<T, book_delta>) {
          if (x.symbol != symbol)
            return;
          if (e.book(leg).apply(x) != error_code::none)
            e.book(leg).apply(venues_[leg]->snapshot(symbol)); // resync
          e.on_book(leg, now_, now_, out_);
        } else if constexpr (std::is_same_v<T, funding_rate>) {
          e.on_funding_rate(x);
        } else if constexpr (std::is_same_v<T, funding_payment>) {
          payments_seen.push_back(x);
          if (e.leg_of(x.venue) >= 0 && x.symbol == symbol)
            journal.emplace_back(x); // write-ahead
          e.on_funding_payment(x, out_);
        } else if constexpr (std::is_same_v<T, order_ack>) {
          e.on_ack(x, now_, out_);
        } else if constexpr (std::is_same_v<T, order_fill>) {
          if (!e.booked(x))
            journal.emplace_back(x); // write-ahead
          e.on_fill(x, now_, out_);
        } else if constexpr (std::is_same_v<T, order_reject>) {
          e.on_reject(x, now_, out_);
        } else if constexpr (std::is_same_v<T, order_cancelled>) {
          e.on_cancelled(x, now_, out_);
        }
      },
      ev);
    drain();
  }

  void drain() {
    for (auto& o : out_.orders) {
      emitted.push_back(o);
      outbox_.push_back(outbound{now_ + 2 * ms, engine_->leg_of(o.venue), o});
    }
    for (auto& c : out_.cancels) {
      cancels_emitted.push_back(c);
      outbox_.push_back(outbound{now_ + 2 * ms, engine_->leg_of(c.venue), c});
    }
    for (auto& u : out_.updates)
      journal.emplace_back(u);
    for (auto& ev : out_.events)
      events.push_back(std::move(ev));
    out_.clear();
  }

  void deliver() {
    while (!outbox_.empty() && outbox_.front().at <= now_) {
      auto o = std::move(outbox_.front());
      outbox_.pop_front();
      scratch_.clear();
      if (auto* oi = std::get_if<order_intent>(&o.msg)) {
        delivered.push_back(*oi);
        venues_[o.leg]->submit(*oi, now_, scratch_);
      } else {
        venues_[o.leg]->cancel(std::get<cancel_request>(o.msg), now_, scratch_);
      }
      auto answers = scratch_;
      for (auto& ev : answers)
        feed(o.leg, ev);
    }
  }

  void step() {
    now_ += ms;
    for (int leg = 0; leg < 2; ++leg) {
      scratch_.clear();
      venues_[leg]->advance(now_, scratch_);
      auto evs = scratch_;
      for (auto& ev : evs)
        feed(leg, ev);
    }
    deliver();
    if (engine_ && now_ >= next_timer_) {
      next_timer_ = now_ + 10 * ms;
      engine_->on_timer(now_, out_);
      drain();
    }
  }

  pair_params params_;
  std::array<bool, 2> sole_;
  sim::world_config world_;
  std::unique_ptr<sim::venue> venues_[2];
  std::unique_ptr<pair_engine> engine_;
  engine_output out_;
  std::deque<outbound> outbox_;
  std::vector<sim::event> scratch_;
  timestamp_ns now_ = 0;
  timestamp_ns next_timer_ = 0;
};

/// The whole ledger of each leg equals the other engine's, to the raw unit.
void check_same_ledgers(const pair_engine& a, const pair_engine& b) {
  for (int leg = 0; leg < 2; ++leg) {
    const auto& x = a.ledger(leg);
    const auto& y = b.ledger(leg);
    CHECK(x.get().qty == y.get().qty);
    CHECK(x.get().realized_pnl == y.get().realized_pnl);
    CHECK(x.get().fees == y.get().fees);
    CHECK(x.get().funding == y.get().funding);
    CHECK(x.get().avg_entry == y.get().avg_entry);
    CHECK(x.get() == y.get());
    CHECK(x.cost() == y.cost());
    CHECK(x.volume() == y.volume());
    CHECK(x.fill_count() == y.fill_count());
  }
}

/// Trades until the engine holds a hedged position with nothing working
/// (and at least one funding payment booked on it), then stays quiet long
/// enough for every fill and payment on the wire to arrive.
void trade_into_position(rig& r) {
  r.start();
  r.run_for(40 * sec);
  REQUIRE(r.engine().stats().entries == 0);
  r.venue(0).set_basis(symbol, 0, 40); // A trades 40 bps rich
  auto settled = [&] {
    auto& e = r.engine();
    return e.tranches() >= 1 && !e.position(0).is_zero() && e.net_delta().is_zero()
           && e.working_orders(r.now()) == 0;
  };
  REQUIRE(r.run_until(settled, 30 * sec));
  // Hold through a funding settlement (every 20 s), then a quiet moment.
  const auto funded = [&] {
    return !r.engine().ledger(0).get().funding.is_zero() && settled();
  };
  const bool got = r.run_until(funded, 25 * sec);
  if (!got) {
    MESSAGE("payments seen ", r.payments_seen.size(), " venue payments ",
            r.venue(0).funding_payments(symbol).size(), " pos ", r.engine().position(0).to_string(),
            " tranches ", r.engine().tranches(), " net ", r.engine().net_delta().to_string(),
            " now-t0 ", (r.now() - t0) / ms);
    for (auto& e : r.events) {
      const std::string line = std::to_string((e.ts - t0) / ms) + " " + e.text;
      MESSAGE(line);
    }
  }
  REQUIRE(got);
  r.run_for(200 * ms);
  REQUIRE(settled());
  REQUIRE(r.accounting_mismatch() == "");
}

std::size_t fills_in(const pair_journal& j) {
  return static_cast<std::size_t>(std::count_if(
    j.bookings.begin(), j.bookings.end(),
    [](const auto& b) { return std::holds_alternative<order_fill>(b); }));
}

const order_update* last_update_of(const std::vector<journal_entry>& w, const std::string& id,
                                   std::size_t from = 0) {
  const order_update* found = nullptr;
  for (std::size_t i = from; i < w.size(); ++i)
    if (const auto* u = std::get_if<order_update>(&w[i]); u && u->client_id == id)
      found = u;
  return found;
}

order_intent manual_order(const std::string& id, const std::string& venue, side sd,
                          time_in_force tif, price limit, quantity q, timestamp_ns ts) {
  order_intent o;
  o.client_id = id;
  o.venue = venue;
  o.symbol = symbol;
  o.sd = sd;
  o.tif = tif;
  o.px = limit;
  o.qty = q;
  o.ts = ts;
  return o;
}

/// An id of a previous incarnation of the rig's pair (same pair prefix).
std::string old_id(uint64_t epoch, uint64_t seq) {
  const std::string pair = symbol + ":va/vb";
  return client_id_generator("test", pair, epoch).id(seq);
}

order_update journaled(const std::string& id, const std::string& venue, side sd,
                       time_in_force tif, price limit, quantity q, order_state to,
                       timestamp_ns ts) {
  order_update u;
  u.pair_id = symbol + ":va/vb";
  u.client_id = id;
  u.venue = venue;
  u.symbol = symbol;
  u.sd = sd;
  u.tif = tif;
  u.purpose = order_purpose::open;
  u.px = limit;
  u.qty = q;
  u.from = order_state::intent;
  u.to = to;
  u.ts = ts;
  return u;
}

price best(sim::venue& v, side sd) {
  auto snap = v.snapshot(symbol);
  return sd == side::buy ? snap.asks.front().px : snap.bids.front().px;
}

} // namespace

TEST_SUITE("recovery") {
  TEST_CASE("a restarted engine restores the ledgers exactly, waits for both venues, "
            "adopts the hedged position and closes it later") {
    rig r;
    trade_into_position(r);
    auto first = r.crash();
    const auto j = journal_of(r.journal);
    CHECK(fills_in(j) >= 2);
    CHECK(j.open_orders.empty()); // nothing was working
    CHECK(j.last_order_ts > t0);
    MESSAGE("journal: ", j.bookings.size(), " bookings, position A ",
            first->position(0).to_string(), " B ", first->position(1).to_string());

    // The node is down for 2 s; the venues go on.
    r.run_for(2 * sec);
    r.attach(r.make_engine(2));
    r.restore(j);
    auto& second = r.engine();
    check_same_ledgers(*first, second);
    CHECK(second.reconciling());
    CHECK(second.reconciling(0));
    CHECK(second.reconciling(1));
    CHECK(second.target().is_zero()); // not adopted before the venues answered
    CHECK(r.count_events("restored from the journal") == 1);

    // Books and timers flow, the signal says nothing new: no order leaves.
    const auto emitted = r.emitted.size();
    r.run_for(3 * sec);
    CHECK(r.emitted.size() == emitted);
    CHECK(second.stats().entries == 0);

    // Leg A answers: still waiting for B.
    std::vector<order_fill> missing;
    auto res_a = r.reconcile(0, &missing);
    CHECK(res_a.agreed);
    CHECK(missing.empty());
    CHECK(res_a.orders_closed == 0);
    CHECK(res_a.orphans_cancelled == 0);
    CHECK(second.reconciling());
    CHECK_FALSE(second.reconciling(0));
    CHECK(second.reconciling(1));
    r.run_for(1 * sec);
    CHECK(r.emitted.size() == emitted);

    // Leg B answers: the engine adopts what it holds and manages it.
    auto res_b = r.reconcile(1, &missing);
    CHECK(res_b.agreed);
    CHECK(missing.empty());
    CHECK_FALSE(second.reconciling());
    CHECK_FALSE(second.reconcile_hold());
    // Adopted at once: the hedged position is the target again.
    CHECK(second.target() == first->target());
    CHECK_FALSE(second.target().is_zero());
    CHECK(second.direction() == first->direction());
    CHECK(second.tranches() >= 1);
    CHECK(r.count_events("adopted the recovered position") == 1);
    CHECK(second.phase() != pair_phase::flat);
    CHECK(second.stats().entries == 0); // adopted, not entered
    CHECK(r.emitted.size() == emitted);  // holding it needs no order

    // It closes on an exit (whichever comes first: the reversion as the new
    // statistics see it, or the holding time counted from the first
    // incarnation's entry).
    const auto flat = [&] {
      return second.position(0).is_zero() && second.position(1).is_zero()
             && second.working_orders(r.now()) == 0;
    };
    REQUIRE(r.run_until(flat, 60 * sec));
    r.run_for(500 * ms);
    CHECK(second.stats().round_trips == 1);
    CHECK(second.direction() == -1);
    CHECK(r.accounting_mismatch() == "");
    // No client id was ever used twice.
    std::set<std::string> ids;
    for (const auto& o : r.delivered)
      CHECK(ids.insert(o.client_id).second);
  }

  TEST_CASE("(a) a fill the journal missed is found at the venue and booked") {
    rig r;
    trade_into_position(r);
    auto first = r.crash();
    // The crash came right before the last fill was journaled: it and
    // everything written after it never reached the disk.
    std::size_t last_fill = r.journal.size();
    for (std::size_t i = 0; i < r.journal.size(); ++i)
      if (std::holds_alternative<order_fill>(r.journal[i]))
        last_fill = i;
    REQUIRE(last_fill < r.journal.size());
    const auto dropped = std::get<order_fill>(r.journal[last_fill]);
    const auto j = journal_of(r.journal, last_fill);
    const int leg = dropped.venue == "va" ? 0 : 1;
    MESSAGE("dropped fill ", dropped.fill_id, " of ", dropped.client_id, " on leg ", leg);
    // Its order is still working as far as the journal knows.
    REQUIRE(std::any_of(j.open_orders.begin(), j.open_orders.end(),
                        [&](const order_update& u) { return u.client_id == dropped.client_id; }));

    r.run_for(1 * sec);
    r.attach(r.make_engine(2));
    r.restore(j);
    auto& second = r.engine();
    CHECK(second.position(leg) != first->position(leg));
    const auto emitted = r.emitted.size();
    r.run_for(500 * ms); // books arrive; nothing leaves (a leg is unhedged)
    CHECK(r.emitted.size() == emitted);
    const auto journal_before = r.journal.size();
    auto q = second.reconcile_query(leg, r.now());
    CHECK(std::find(q.client_ids.begin(), q.client_ids.end(), dropped.client_id)
          != q.client_ids.end());

    std::vector<order_fill> missing;
    auto res_other = r.reconcile(1 - leg, &missing);
    CHECK(missing.empty());
    CHECK(res_other.agreed);
    auto res = r.reconcile(leg, &missing);
    REQUIRE(missing.size() == 1);
    CHECK(missing[0] == dropped);
    CHECK(res.fills_recovered == 1);
    CHECK(res.agreed); // booked before the positions were compared
    // The settlements written after the dropped fill were lost with it: the
    // venue's funding history brings them back (nothing else to journal).
    for (const auto& b : res.to_journal)
      CHECK(std::holds_alternative<funding_payment>(b));
    for (const auto& b : res_other.to_journal)
      CHECK(std::holds_alternative<funding_payment>(b));
    // The recovered fill was journaled (by the caller) and its order closed.
    std::size_t journaled_fills = 0;
    for (std::size_t i = journal_before; i < r.journal.size(); ++i)
      if (const auto* f = std::get_if<order_fill>(&r.journal[i])) {
        CHECK(*f == dropped);
        ++journaled_fills;
      }
    CHECK(journaled_fills == 1);
    const auto* u = last_update_of(r.journal, dropped.client_id, journal_before);
    REQUIRE(u != nullptr);
    CHECK(u->to == order_state::filled);
    check_same_ledgers(*first, second);
    CHECK_FALSE(second.reconciling());
    CHECK(second.target() == first->target());
    CHECK(second.tranches() >= 1);
    CHECK(r.accounting_mismatch() == "");
    r.run_for(100 * ms);
    // The fill arriving again (a late delivery) is not booked twice.
    CHECK(second.booked(dropped));
  }

  TEST_CASE("(b) orders the venue no longer works are closed on its word") {
    rig r;
    r.start();
    r.run_for(2 * sec);
    auto first = r.crash();
    const auto ask = best(r.venue(0), side::buy);
    const auto far = px("50000");
    const auto small = qty("0.005");
    const auto ts = r.now();
    // resting: still open at the venue (journaled as sent: its ack was lost)
    const auto resting = old_id(1, 101);
    r.place(0, manual_order(resting, "va", side::buy, time_in_force::gtc, far, small, ts));
    // gone: acked, then cancelled at the venue while the node was down
    const auto gone = old_id(1, 102);
    r.place(0, manual_order(gone, "va", side::buy, time_in_force::gtc, far, small, ts));
    r.cancel_at_venue(0, gone);
    // taken: an IOC that filled completely; its fill reached the journal,
    // its last transition did not
    const auto taken = old_id(1, 103);
    r.place(0, manual_order(taken, "va", side::buy, time_in_force::ioc, ask, small, ts));
    const auto taken_fills = r.venue(0).fills_of(taken);
    REQUIRE(taken_fills.size() >= 1);
    REQUIRE(r.venue(0).order_of(taken)->filled == small);
    // missed: an IOC that did not fill at all (its fill ... none) and whose
    // end the journal did not see
    const auto missed = old_id(1, 104);
    r.place(0, manual_order(missed, "va", side::sell, time_in_force::ioc,
                            price::from_raw(ask.raw() * 2), small, ts));
    REQUIRE(r.venue(0).order_of(missed) != nullptr);
    REQUIRE(r.venue(0).order_of(missed)->filled.is_zero());
    // never: journaled as sent, lost before it reached the venue
    const auto never = old_id(1, 105);

    pair_journal j;
    for (const auto& f : taken_fills)
      j.bookings.emplace_back(f);
    j.open_orders = {
      journaled(resting, "va", side::buy, time_in_force::gtc, far, small, order_state::sent, ts),
      journaled(gone, "va", side::buy, time_in_force::gtc, far, small, order_state::acked, ts),
      journaled(taken, "va", side::buy, time_in_force::ioc, ask, small, order_state::acked, ts),
      journaled(missed, "va", side::sell, time_in_force::ioc, price::from_raw(ask.raw() * 2),
                small, order_state::sent, ts),
      journaled(never, "va", side::buy, time_in_force::ioc, ask, small, order_state::sent, ts),
    };
    j.last_order_ts = ts;
    r.attach(r.make_engine(2));
    const auto before = r.journal.size();
    r.restore(j);
    auto& second = r.engine();
    CHECK(second.position(0) == small);
    auto state_of = [&](const std::string& id) {
      const auto* u = last_update_of(r.journal, id, before);
      return u ? u->to : order_state::intent;
    };
    // taken: the journal booked all of it, so it is over without asking.
    CHECK(state_of(taken) == order_state::filled);
    CHECK(last_update_of(r.journal, taken, before)->filled == small);
    auto q = second.reconcile_query(0, r.now());
    CHECK(q.client_ids.size() == 4);
    CHECK(std::find(q.client_ids.begin(), q.client_ids.end(), taken) == q.client_ids.end());
    CHECK(q.id_prefix == old_id(1, 1).substr(0, q.id_prefix.size()));
    std::vector<order_fill> missing;
    auto res = r.reconcile(0, &missing);
    CHECK(missing.empty()); // the fill was journaled
    CHECK(res.agreed);      // venue A: +0.005 both
    CHECK(res.orders_closed == 3);
    CHECK(res.orphans_cancelled == 0);
    CHECK(state_of(never) == order_state::rejected);
    CHECK(state_of(gone) == order_state::cancelled);
    CHECK(state_of(missed) == order_state::cancelled);
    CHECK(state_of(taken) == order_state::filled);
    CHECK(state_of(resting) == order_state::acked); // open at the venue
    CHECK(second.working_orders(r.now()) == 1);
    (void)first;
  }

  TEST_CASE("(c) an open order of the pair the journal does not know is cancelled") {
    rig r;
    r.start();
    r.run_for(2 * sec);
    r.crash();
    const auto orphan = old_id(7, 5);   // another incarnation of this pair
    const auto foreign = "manual000001"; // not the pair's
    const auto far = px("50000");
    r.place(1, manual_order(orphan, "vb", side::buy, time_in_force::gtc, far, qty("0.01"),
                            r.now()));
    r.place(1, manual_order(foreign, "vb", side::buy, time_in_force::gtc, far, qty("0.01"),
                            r.now()));
    REQUIRE(r.venue(1).open_orders(symbol).size() == 2);
    r.attach(r.make_engine(8));
    r.restore(pair_journal{});
    const auto cancels = r.cancels_emitted.size();
    auto res = r.reconcile(1);
    CHECK(res.agreed);
    CHECK(res.orphans_cancelled == 1);
    REQUIRE(r.cancels_emitted.size() == cancels + 1);
    const auto& c = r.cancels_emitted.back();
    CHECK(c.client_id == orphan);
    CHECK(c.venue == "vb");
    CHECK(c.symbol == symbol);
    CHECK(r.count_events("orphan order " + orphan) == 1);
    // The cancel reaches the venue; the foreign order is left alone.
    r.run_for(50 * ms);
    const auto& open = r.venue(1).open_orders(symbol);
    REQUIRE(open.size() == 1);
    CHECK(open[0].client_id == foreign);
    // A second reconciliation has nothing more to cancel.
    r.act([](pair_engine& e, timestamp_ns, engine_output&) { e.begin_reconcile(1); });
    auto again = r.reconcile(1);
    CHECK(again.orphans_cancelled == 0);
  }

  TEST_CASE("(d) a sole owner whose venue position differs is held REDUCING until flat") {
    auto run = [](bool operator_resume) {
      rig r;
      r.start();
      r.run_for(40 * sec); // warm statistics
      r.crash();
      // Someone bought 0.05 on venue A while the node was down.
      const auto ask = best(r.venue(0), side::buy);
      r.place(0, manual_order("manual000001", "va", side::buy, time_in_force::ioc, ask,
                              qty("0.05"), r.now()));
      const auto venue_pos = r.venue(0).position_of(symbol);
      REQUIRE(venue_pos.qty == qty("0.05"));
      r.attach(r.make_engine(2));
      r.restore(pair_journal{});
      auto& e = r.engine();
      auto res = r.reconcile(0);
      CHECK_FALSE(res.agreed);
      CHECK(res.detail.find("difference") != std::string::npos);
      REQUIRE(res.to_journal.size() == 1);
      const auto& adj = std::get<order_fill>(res.to_journal[0]);
      CHECK(adj.venue == "va");
      CHECK(adj.sd == side::buy);
      CHECK(adj.qty == qty("0.05"));
      CHECK(adj.px == venue_pos.avg_entry);
      CHECK(e.position(0) == venue_pos.qty);
      CHECK(e.gate().hold());
      CHECK(e.reconcile_hold());
      CHECK(e.gate().state() == trade_state::reducing);
      const auto why = e.gate().entry_refusal(0, money::from_units(100), 0, 0, r.now());
      CHECK(why.find("reconciliation") == 0);
      auto res_b = r.reconcile(1);
      CHECK(res_b.agreed);
      CHECK_FALSE(e.reconciling());
      CHECK(e.gate().hold()); // an agreeing leg does not lift it

      if (operator_resume) {
        r.act([](pair_engine& x, timestamp_ns now, engine_output& out) { x.resume(now, out); });
        CHECK_FALSE(e.gate().hold());
        CHECK(r.count_events("lifted by the operator") == 1);
        CHECK(e.gate().state() == trade_state::active);
        return;
      }
      std::size_t entries_while_held = 0;
      const auto flat = [&] {
        return e.position(0).is_zero() && e.position(1).is_zero()
               && e.working_orders(r.now()) == 0;
      };
      REQUIRE(r.run_until(
        [&] {
          if (e.gate().hold())
            entries_while_held = e.stats().entries;
          return flat() && !e.gate().hold();
        },
        30 * sec));
      CHECK(entries_while_held == 0);
      for (const auto& o : r.emitted)
        if (o.venue == "va")
          CHECK(o.sd == side::sell); // only ever reduced the long on A
      CHECK(r.count_events("reconciliation hold lifted: the pair is flat") == 1);
      CHECK(e.gate().state() == trade_state::active);
      // Entries are allowed again.
      CHECK(e.gate().entry_refusal(0, money::from_units(100), 0, 0, r.now()) == "");
    };
    SUBCASE("the hold lifts once flat") { run(false); }
    SUBCASE("an operator resume lifts it") { run(true); }
  }

  TEST_CASE("(e) funding paid while the node was down is booked once") {
    rig r;
    trade_into_position(r);
    auto first = r.crash();
    const auto j = journal_of(r.journal);
    // Down across a settlement (every 20 s).
    const auto settled_before = r.venue(0).funding_payments(symbol).size();
    r.run_for(21 * sec);
    const auto& paid = r.venue(0).funding_payments(symbol);
    REQUIRE(paid.size() == settled_before + 1);
    const auto missed = paid.back();

    r.attach(r.make_engine(2));
    r.restore(j);
    auto& second = r.engine();
    check_same_ledgers(*first, second);
    const auto funding_before = second.ledger(0).get().funding;
    auto q = second.reconcile_query(0, r.now());
    CHECK(q.funding_since == first->ledger(0).last_settlement() + 1);
    account_report report;
    auto res = r.reconcile(0, nullptr, &report);
    REQUIRE(report.funding.size() == 1);
    CHECK(report.funding[0] == missed);
    CHECK(res.agreed);
    REQUIRE(res.to_journal.size() == 1);
    CHECK(std::get<funding_payment>(res.to_journal[0]) == missed);
    CHECK(second.ledger(0).get().funding == funding_before + missed.amount);
    CHECK(std::get<funding_payment>(r.journal.back()) == missed);
    // The same report again books nothing.
    engine_output scratch;
    second.begin_reconcile(0);
    auto res2 = second.reconcile(0, report, 0, r.now(), scratch);
    CHECK(res2.to_journal.empty());
    CHECK(res2.agreed);
    CHECK(second.ledger(0).get().funding == funding_before + missed.amount);
    // And a new query asks only for later settlements.
    CHECK(second.reconcile_query(0, r.now()).funding_since == missed.ts + 1);
    r.reconcile(1);
    CHECK(r.accounting_mismatch() == "");
  }

  TEST_CASE("(f) an empty journal restores nothing and a flat venue agrees") {
    rig r;
    r.start();
    r.run_for(1 * sec);
    r.crash();
    r.attach(r.make_engine(2));
    const auto journal_before = r.journal.size();
    const auto events_before = r.events.size();
    r.restore(pair_journal{});
    auto& e = r.engine();
    CHECK(r.journal.size() == journal_before); // no transition, no booking
    CHECK(r.events.size() == events_before);   // nothing to say
    CHECK(e.position(0).is_zero());
    CHECK(e.position(1).is_zero());
    CHECK(e.reconciling());
    auto q = e.reconcile_query(0, r.now());
    CHECK(q.client_ids.empty());
    CHECK(q.funding_since == 0);
    CHECK_FALSE(q.id_prefix.empty());
    for (int leg = 0; leg < 2; ++leg) {
      std::vector<order_fill> missing;
      auto res = r.reconcile(leg, &missing);
      CHECK(res.agreed);
      CHECK(missing.empty());
      CHECK(res.to_journal.empty());
      CHECK(res.orders_closed == 0);
      CHECK(res.orphans_cancelled == 0);
    }
    CHECK_FALSE(e.reconciling());
    CHECK_FALSE(e.gate().hold());
    CHECK(r.cancels_emitted.empty());
    // It trades as a fresh pair would.
    r.run_for(40 * sec);
    r.venue(0).set_basis(symbol, 0, 40);
    CHECK(r.run_until([&] { return e.stats().entries >= 1; }, 20 * sec));
  }
}
