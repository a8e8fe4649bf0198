// Binary round trip of every type in the xarb type-ID block (CAF 0.17.6), both
// directly through inspect() and wrapped in a caf::message (which resolves
// the types by their registered names, as remote actors do).
//
// The list of types is taken from the block itself: adding a type to
// messages/type_ids.hpp without a sample<> below fails to compile.
#include "messages/type_ids.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include <doctest/doctest.h>

#include "tests/core/strategy/params_sample.hpp"

#include <string>
#include <utility>
#include <vector>

using namespace xarb;

namespace {

price px(const char* s) { return price::from_string(s).value(); }
quantity qt(const char* s) { return quantity::from_string(s).value(); }
money mn(const char* s) { return money::from_string(s).value(); }
ratio rt(const char* s) { return ratio::from_string(s).value(); }

/// A value with every field set to something other than its default.
template <class T>
struct sample;

template <>
struct sample<error_info> {
  static error_info make() { return {error_code::sequence_gap, "gap at 42"}; }
};
template <>
struct sample<error_code> {
  static error_code make() { return error_code::crossed_book; }
};
template <>
struct sample<price> {
  static price make() { return px("-65432.123456789"); }
};
template <>
struct sample<quantity> {
  static quantity make() { return quantity::max(); }
};
template <>
struct sample<money> {
  static money make() { return money::min(); }
};
template <>
struct sample<ratio> {
  static ratio make() { return rt("0.000125"); }
};
template <>
struct sample<instrument_id> {
  static instrument_id make() { return {"sim-b", "PEPE-PERP"}; }
};
template <>
struct sample<instrument_spec> {
  static instrument_spec make() {
    instrument_spec s;
    s.venue = "binance";
    s.native_symbol = "1000PEPEUSDT";
    s.symbol = "PEPE-PERP";
    s.base = "PEPE";
    s.quote = "USDT";
    s.multiplier = rt("0.001");
    s.tick = px("0.0000001");
    s.lot = qt("1");
    s.min_qty = qt("10");
    s.min_notional = mn("5");
    s.maker_fee = rt("-0.0001");
    s.taker_fee = rt("0.0005");
    s.max_leverage = 25;
    s.funding_interval_s = 3600;
    return s;
  }
};
template <>
struct sample<book_level> {
  static book_level make() { return {px("100.5"), qt("0.25")}; }
};
template <>
struct sample<book_snapshot> {
  static book_snapshot make() {
    book_snapshot s;
    s.venue = "sim-a";
    s.symbol = "BTC-PERP";
    s.seq = 18'446'744'073'709'551'000ull;
    s.exchange_ts = 1'700'000'000'000'000'001;
    s.recv_ts = 1'700'000'000'000'000'777;
    s.bids = {{px("100"), qt("1")}, {px("99.5"), qt("2")}};
    s.asks = {{px("100.5"), qt("3")}};
    return s;
  }
};
template <>
struct sample<book_delta> {
  static book_delta make() {
    book_delta d;
    d.venue = "okx";
    d.symbol = "ETH-PERP";
    d.first_seq = 157;
    d.seq = 160;
    d.prev_seq = 149;
    d.exchange_ts = 123;
    d.recv_ts = 456;
    d.bids = {{px("0.0024"), qt("10")}};
    d.asks = {{px("0.0026"), qt("0")}, {px("0.0027"), qt("100")}};
    return d;
  }
};
template <>
struct sample<top_of_book> {
  static top_of_book make() {
    top_of_book t;
    t.venue = "sim-c";
    t.symbol = "SOL-PERP";
    t.seq = 99;
    t.bid = {px("150.1"), qt("7")};
    t.ask = {px("150.2"), qt("8")};
    t.exchange_ts = -5; // signed timestamps survive
    t.recv_ts = 77;
    return t;
  }
};
template <>
struct sample<funding_rate> {
  static funding_rate make() {
    return {"hyperliquid", "BTC-PERP", rt("-0.0000125"), 3600, 1'769'908'800'000'000'000,
            1'769'905'200'000'000'000};
  }
};
template <>
struct sample<order_intent> {
  static order_intent make() {
    order_intent o;
    o.client_id = "n1-p3-000042";
    o.venue = "sim-a";
    o.symbol = "BTC-PERP";
    o.sd = side::sell;
    o.type = order_type::market;
    o.tif = time_in_force::post_only;
    o.px = px("65000.5");
    o.qty = qt("0.003");
    o.reduce_only = true;
    o.ts = 42;
    return o;
  }
};
template <>
struct sample<order_ack> {
  static order_ack make() { return {"cid-1", "venue-9", "sim-b", "ETH-PERP", 17}; }
};
template <>
struct sample<order_reject> {
  static order_reject make() {
    return {"cid-2", "sim-a", "BTC-PERP", error_code::below_min_notional, "notional 4.99 < 5",
            18};
  }
};
template <>
struct sample<order_fill> {
  static order_fill make() {
    order_fill f;
    f.client_id = "cid-3";
    f.venue_order_id = "v-3";
    f.fill_id = "t-3";
    f.venue = "sim-c";
    f.symbol = "DOGE-PERP";
    f.sd = side::sell;
    f.px = px("0.12345");
    f.qty = qt("1000");
    f.leaves_qty = qt("500");
    f.fee = mn("-0.0123");
    f.liq = liquidity::maker;
    f.ts = 19;
    return f;
  }
};
template <>
struct sample<cancel_request> {
  static cancel_request make() { return {"cid-4", "sim-a", "BTC-PERP", 20}; }
};
template <>
struct sample<order_cancelled> {
  static order_cancelled make() {
    return {"cid-5", "sim-b", "BTC-PERP", qt("0.5"), "ioc remainder", 21};
  }
};
template <>
struct sample<position> {
  static position make() {
    return {"sim-a", "BTC-PERP", qt("-0.75"), px("64000.25"), mn("12.5"), mn("3.25"),
            mn("-0.5"), 22};
  }
};
template <>
struct sample<event> {
  static event make() {
    return {23, severity::critical, "venue_session/sim-a", "book resync after gap"};
  }
};
template <>
struct sample<health_state> {
  static health_state make() { return health_state::degraded; }
};
template <>
struct sample<health_report> {
  static health_report make() {
    return {"pair_trader/BTC-PERP", health_state::stopping, "grace period", 24};
  }
};
template <>
struct sample<spread_update> {
  static spread_update make() {
    spread_update s;
    s.pair_id = "BTC-PERP:sim-a/sim-b";
    s.symbol = "BTC-PERP";
    s.venue_a = "sim-a";
    s.venue_b = "sim-b";
    s.bid_a = px("65000.1");
    s.ask_a = px("65000.2");
    s.bid_b = px("65010.3");
    s.ask_b = px("65010.4");
    s.size = qt("0.01");
    s.spread_ab = rt("-0.000155");
    s.spread_ba = rt("0.000154");
    s.mean_ab = -1.5e-4;
    s.std_ab = 2.25e-5;
    s.z_ab = -0.125;
    s.mean_ba = 1.5e-4;
    s.std_ba = 3.5e-5;
    s.z_ba = 2.75;
    s.samples = 600;
    s.valid = true;
    s.ts = 25;
    return s;
  }
};

template <>
struct sample<funding_payment> {
  static funding_payment make() {
    return {"sim-a", "BTC-PERP", qt("-0.25"), px("65001.5"), rt("0.0001"), money::from_raw(1'625'037'500), 28'800'000'000'000};
  }
};
template <>
struct sample<order_update> {
  static order_update make() {
    order_update u;
    u.pair_id = "BTC-PERP:sim-a/sim-b";
    u.client_id = "xarb3f9a1c0mhq2k1x00001c";
    u.venue = "sim-b";
    u.symbol = "BTC-PERP";
    u.sd = side::sell;
    u.tif = time_in_force::post_only;
    u.purpose = order_purpose::hedge;
    u.px = px("65010.4");
    u.qty = qt("0.05");
    u.filled = qt("0.02");
    u.fees = money::from_raw(-65010);
    u.from = order_state::acked;
    u.to = order_state::partially_filled;
    u.reason = "late fill";
    u.ts = 77;
    return u;
  }
};
template <>
struct sample<pair_report> {
  static pair_report make() {
    pair_report r;
    r.spread = sample<spread_update>::make();
    r.mode = "zero_wear";
    r.style = "maker_taker";
    r.model = "persistent";
    r.phase = pair_phase::hedging;
    r.enabled = false;
    r.direction = 1;
    r.tranches = 2;
    r.leg_a = {"sim-a", qt("0.2"), px("65000.1"), money::from_raw(5), money::from_raw(6),
               money::from_raw(-7), money::from_raw(8), money::from_raw(9), rt("0.0001")};
    r.leg_b = {"sim-b", qt("-0.19"), px("65010.2"), money::from_raw(-5), money::from_raw(-6),
               money::from_raw(7), money::from_raw(-8), money::from_raw(-9), rt("-0.00005")};
    r.net_delta = qt("0.01");
    r.net_pnl = money::from_raw(123456789);
    r.round_trips = 3;
    r.orders = 40;
    r.fills = 38;
    r.rejects = 2;
    r.hedges = 5;
    r.unwinds = 1;
    r.halt_reason = "repeated hedge failures";
    r.ts = 99;
    return r;
  }
};

template <>
struct sample<inline_hook> {
  // The host pointer is local only and not serialized: the sample has none.
  static inline_hook make() { return {nullptr, "ETH-PERP", 1}; }
};

template <>
struct sample<trade_state> {
  static trade_state make() { return trade_state::reducing; }
};
template <>
struct sample<risk_permit> {
  static risk_permit make() {
    risk_permit p;
    p.pair_id = "BTC-PERP:sim-a/sim-b";
    p.version = 7;
    p.state = trade_state::reducing;
    p.entries = false;
    p.reason = "daily_loss node: daily loss 512.5 reached the limit 500";
    p.cap_ab = money::from_raw(1'020'000'000'000);
    p.cap_ba = money::from_raw(2'040'000'000'000);
    p.max_order_notional = money::from_units(5000);
    p.price_band_bps = 200;
    p.max_book_age_ns = 2'000'000'000;
    p.fast_move_pct = 0.5;
    p.fast_window_ns = 1'000'000'000;
    p.fast_freeze_ns = 30'000'000'000;
    p.valid_until = 5'000'000'123;
    p.ts = 123;
    return p;
  }
};
template <>
struct sample<pair_risk_report> {
  static pair_risk_report make() {
    pair_risk_report r;
    r.pair_id = "BTC-PERP:sim-a/sim-b";
    r.symbol = "BTC-PERP";
    r.venue_a = "sim-a";
    r.venue_b = "sim-b";
    r.permit_version = 6;
    r.qty_a = qt("-0.27");
    r.qty_b = qt("0.27");
    r.target_a = qt("-0.36");
    r.mark_a = px("65001.5");
    r.mark_b = px("64990.1");
    r.pnl_a = money::from_raw(-12'345);
    r.pnl_b = money::from_raw(67'890);
    r.tranche_notional = money::from_units(6500);
    r.mode = "zero_wear";
    r.orders = 40;
    r.rejects_a = 2;
    r.rejects_b = 1;
    r.fills = 37;
    r.risk_refused = 3;
    r.consecutive_failures = 1;
    r.book_age_a_ns = 20'000'000;
    r.book_age_b_ns = -1;
    r.ack_rtt_a_ns = 1'500'000;
    r.ack_rtt_b_ns = -1;
    r.fast_market = true;
    r.fast_move_pct = 0.61;
    r.working_orders = 2;
    r.halted = true;
    r.ts = 77;
    return r;
  }
};
template <>
struct sample<venue_alert_kind> {
  static venue_alert_kind make() { return venue_alert_kind::consistency_failed; }
};
template <>
struct sample<venue_alert> {
  static venue_alert make() {
    return {"sim-b", "ETH-PERP", venue_alert_kind::banned, "HTTP 418 banned until 99", 31};
  }
};

template <>
struct sample<account_query> {
  static account_query make() {
    return {"BTC-PERP", {"xarb1a2b3c0000000a000001", "xarb1a2b3c0000000a000002"},
            "xarb1a2b3c", 28'800'000'000'000};
  }
};
template <>
struct sample<account_report> {
  static account_report make() {
    account_report r;
    r.venue = "sim-a";
    r.symbol = "BTC-PERP";
    r.pos = sample<position>::make();
    venue_order o;
    o.client_id = "cid-3";
    o.known = true;
    o.open = true;
    o.sd = side::sell;
    o.tif = time_in_force::post_only;
    o.px = px("64000.5");
    o.qty = qt("0.5");
    o.filled = qt("0.25");
    o.fills.push_back(sample<order_fill>::make());
    r.orders.push_back(o);
    o.client_id = "cid-9";
    o.fills.clear();
    r.orphans.push_back(o);
    r.funding.push_back(sample<funding_payment>::make());
    r.ts = 41;
    return r;
  }
};

template <>
struct sample<strategy::pair_params> {
  static strategy::pair_params make() { return test::non_default_params(); }
};

template <>
struct sample<market_watch_batch> {
  static market_watch_batch make() {
    market_watch_batch b;
    b.venue = "sim-b";
    b.full = true;
    b.state = health_state::degraded;
    b.specs = {sample<instrument_spec>::make()};
    b.tops = {sample<top_of_book>::make()};
    b.rates = {sample<funding_rate>::make()};
    b.unsynced = {"DOGE-PERP"};
    b.ts = 1'769'905'200'000'000'123;
    return b;
  }
};
template <>
struct sample<venue_quote_sample> {
  static venue_quote_sample make() {
    return {"sim-c", px("0.0119"), px("0.0121"), rt("-0.0000125"), 3600, true, true};
  }
};
template <>
struct sample<market_sample> {
  static market_sample make() {
    market_sample m;
    m.symbol = "PEPE-PERP";
    m.ts = 1'769'905'200'000'000'456;
    m.venues = {sample<venue_quote_sample>::make(),
                {"sim-a", px("0.012"), px("0.0121"), rt("0.0001"), 28800, true, false}};
    return m;
  }
};

template <>
struct sample<md_frame> {
  static md_frame make() {
    return {1, 3, R"({"e":"depthUpdate","u":160})", false, 1'769'905'200'000'000'789};
  }
};
template <>
struct sample<md_link> {
  static md_link make() { return {2, 4, false, "silent for 30 s", 1'769'905'200'000'000'111}; }
};
template <>
struct sample<rest_reply> {
  static rest_reply make() {
    return {7, 200, R"({"lastUpdateId":1027024})", "", 42, 1'769'905'200'000'000'222};
  }
};

template <class T>
T direct_roundtrip(const T& x) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  T copy = x;
  auto err = sink(copy);
  REQUIRE_FALSE(err);
  CHECK_FALSE(buf.empty());
  T y{};
  caf::binary_deserializer source{nullptr, buf};
  auto err2 = source(y);
  REQUIRE_FALSE(err2);
  CHECK(source.remaining() == 0);
  return y;
}

template <class T>
void check_type(caf::actor_system& sys) {
  const T x = sample<T>::make();
  CAPTURE(caf::type_name<T>::value);
  // Non-default sample: a round trip of a default value proves little.
  if constexpr (!std::is_enum_v<T>)
    CHECK_FALSE(x == T{});
  CHECK(direct_roundtrip(x) == x);
  // Wrapped in a message, serialized with the system's type table.
  std::vector<char> buf;
  {
    caf::binary_serializer sink{sys, buf};
    auto msg = caf::make_message(x);
    auto err = sink(msg);
    REQUIRE_FALSE(err);
  }
  caf::message back;
  caf::binary_deserializer source{sys, buf};
  auto err = source(back);
  REQUIRE_FALSE(err);
  CHECK(source.remaining() == 0);
  REQUIRE(back.size() == 1);
  REQUIRE(back.match_element<T>(0));
  CHECK(back.get_as<T>(0) == x);
}

template <std::size_t... Is>
void check_block(caf::actor_system& sys, std::index_sequence<Is...>) {
  (check_type<typename caf::type_by_id<static_cast<caf::type_id_t>(
     caf::id_block::xarb::begin + Is)>::type>(sys),
   ...);
}

struct fixture {
  fixture() { cfg.add_message_types<caf::id_block::xarb>(); }
  caf::actor_system_config cfg;
};

} // namespace

TEST_CASE("every type of the xarb block survives a binary round trip") {
  fixture f;
  caf::actor_system sys{f.cfg};
  constexpr std::size_t n = caf::id_block::xarb::end - caf::id_block::xarb::begin;
  static_assert(n >= 24, "the block lost types");
  check_block(sys, std::make_index_sequence<n>{});
}

TEST_CASE("atoms of the block travel in messages") {
  fixture f;
  caf::actor_system sys{f.cfg};
  auto msg = caf::make_message(atom::resync_v, instrument_id{"sim-a", "BTC-PERP"});
  std::vector<char> buf;
  {
    caf::binary_serializer sink{sys, buf};
    REQUIRE_FALSE(sink(msg));
  }
  caf::message back;
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(source(back));
  REQUIRE(back.size() == 2);
  CHECK(back.match_element<atom::resync>(0));
  CHECK(back.get_as<instrument_id>(1) == instrument_id{"sim-a", "BTC-PERP"});
  CHECK(caf::to_string(atom::stop_grace_v) == "stop_grace");
}

TEST_CASE("a truncated buffer fails to deserialize instead of reading garbage") {
  const auto x = sample<book_snapshot>::make();
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  auto copy = x;
  REQUIRE_FALSE(sink(copy));
  buf.resize(buf.size() / 2);
  book_snapshot y;
  caf::binary_deserializer source{nullptr, buf};
  CHECK(source(y));
}
