// The durable order flow of a simulated venue: the file round-trips every
// field, survives a torn tail, refuses damage and foreign logs, and a replay
// into a fresh venue rebuilds exactly the state (positions, orders, fills,
// funding, rate limiter) and the event streams of the venue that ran.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>

#include "tests/venues/sim/record_file_test_util.hpp"
#include "tests/venues/sim/sim_test_util.hpp"
#include "venues/sim/flow_log.hpp"
#include "venues/sim/prng.hpp"
#include "venues/sim/sim_venue.hpp"

using namespace xarb;
using namespace xarb::sim;
using namespace xarb::sim::test;

namespace {


std::unique_ptr<flow_log> open_ok(const std::string& p, const std::string& venue_name) {
  auto log = flow_log::open(p, venue_name);
  if (!log)
    FAIL(log.error().message);
  return std::move(*log);
}

order_intent sample_order(std::string id) {
  order_intent o;
  o.client_id = std::move(id);
  o.venue = "sim-a";
  o.symbol = "BTC-PERP";
  o.sd = side::sell;
  o.type = order_type::limit;
  o.tif = time_in_force::post_only;
  o.px = price::from_raw(-123'456'789'012);  // the raw int64 survives, sign included
  o.qty = quantity::from_raw(INT64_MAX);
  o.reduce_only = true;
  o.ts = -42;
  return o;
}

/// A log with a header, 2 submits, a start record, a cancel and a submit.
std::unique_ptr<flow_log> sample_log(const std::string& p) {
  auto log = open_ok(p, "sim-a");
  REQUIRE_FALSE(log->append_submit(sample_order("a1"), t0 - 5));
  auto m = sample_order(std::string{"with\0nul", 8});
  m.type = order_type::market;
  m.tif = time_in_force::ioc;
  m.sd = side::buy;
  m.reduce_only = false;
  REQUIRE_FALSE(log->append_submit(m, t0 + 1));
  REQUIRE_FALSE(log->set_start(t0, t0 + 1));
  REQUIRE_FALSE(log->append_cancel(cancel_request{"a1", "sim-a", "BTC-PERP", 77}, t0 + 2));
  REQUIRE_FALSE(log->append_submit(sample_order("a3"), t0 + 3));
  return log;
}

} // namespace

TEST_CASE("crc32 is the standard CRC-32") {
  CHECK(crc32("123456789") == 0xCBF43926u);
  CHECK(crc32("") == 0u);
  CHECK(crc32("a") == 0xE8B7BE43u);
}

TEST_CASE("flow log: every field round-trips through the file; start is set once") {
  temp_dir d{"xarb-flowlog"};
  const auto p = d.file("nested/dir/sim-a.flow"); // parent directories are created
  std::vector<flow_record> written;
  {
    auto log = sample_log(p);
    CHECK(log->path() == p);
    CHECK(log->torn_bytes() == 0);
    written = log->records();
    REQUIRE(written.size() == 4);
    CHECK(written[0].k == flow_record::kind::submit);
    CHECK(written[0].now == t0 - 5);
    CHECK(written[0].order == sample_order("a1"));
    CHECK(written[1].order.client_id.size() == 8);
    CHECK(written[2].k == flow_record::kind::cancel);
    CHECK(written[2].cancel == cancel_request{"a1", "sim-a", "BTC-PERP", 77});
    CHECK(log->world_start() == t0);
    CHECK(log->venue_start() == t0 + 1);
    const auto size = log->size_bytes();
    CHECK_FALSE(log->set_start(t0, t0 + 1)); // the same again: fine, nothing written
    CHECK(log->size_bytes() == size);
    const auto err = log->set_start(t0, t0 + 2);
    CHECK(err.code == error_code::config_error);
    CHECK(err.message.find(p) != std::string::npos);
    CHECK(std::filesystem::file_size(p) == size);
  }
  auto log = open_ok(p, "sim-a");
  CHECK(log->records() == written);
  CHECK(log->world_start() == t0);
  CHECK(log->venue_start() == t0 + 1);
  CHECK(log->torn_bytes() == 0);
  CHECK(log->set_start(t0 - 1, t0 + 1).code == error_code::config_error);
  // A fresh log has no start yet; a nonsensical start is refused.
  auto synced = flow_log::open(d.file("other.flow"), "sim-b", true); // fdatasync per record
  REQUIRE(synced);
  auto& fresh = *synced;
  CHECK(fresh->records().empty());
  CHECK(fresh->world_start() == 0);
  CHECK(fresh->venue_start() == 0);
  CHECK(fresh->set_start(t0, t0 - 1).code == error_code::config_error);
  CHECK(fresh->set_start(t0, 0).code == error_code::config_error);
  REQUIRE_FALSE(fresh->append_submit(sample_order("s1"), t0));
  fresh.reset();
  CHECK(open_ok(d.file("other.flow"), "sim-b")->records().at(0).order == sample_order("s1"));
}

TEST_CASE("flow log: a torn last record is dropped at any cut; appends continue") {
  temp_dir d{"xarb-flowlog"};
  const auto p = d.file("sim-a.flow");
  std::vector<flow_record> written;
  {
    auto log = sample_log(p);
    written = log->records();
  }
  const std::string bytes = read_all(p);
  const auto offs = record_offsets(bytes);
  REQUIRE(offs.size() == 6); // header, 2 submits, start, cancel, submit
  const std::size_t last = offs.back();
  const std::size_t last_size = bytes.size() - last;
  const auto q = d.file("torn.flow");
  for (std::size_t cut = 1; cut <= last_size; ++cut) {
    CAPTURE(cut);
    write_all(q, bytes.substr(0, bytes.size() - cut));
    auto log = open_ok(q, "sim-a");
    REQUIRE(log->records().size() == 3);
    CHECK(log->records() == std::vector<flow_record>(written.begin(), written.begin() + 3));
    CHECK(log->torn_bytes() == last_size - cut);
    CHECK(std::filesystem::file_size(q) == last); // cut back to the last whole record
    CHECK(log->world_start() == t0);
    if (cut == 1 || cut == last_size / 2 || cut == last_size) {
      REQUIRE_FALSE(log->append_cancel(cancel_request{"z", "sim-a", "ETH-PERP", 1}, t0 + 9));
      log.reset();
      auto again = open_ok(q, "sim-a");
      CHECK(again->torn_bytes() == 0);
      REQUIRE(again->records().size() == 4);
      CHECK(again->records()[3].cancel.client_id == "z");
      CHECK(again->records()[3].now == t0 + 9);
    }
  }

  // A tail the machine zero-filled, and a complete last record with a bad
  // CRC, are torn writes too.
  for (const std::size_t zeros : {std::size_t{5}, std::size_t{100}}) {
    write_all(q, bytes + std::string(zeros, '\0'));
    auto log = open_ok(q, "sim-a");
    CHECK(log->records() == written);
    CHECK(log->torn_bytes() == zeros);
    CHECK(read_all(q) == bytes);
  }
  std::string bad_last = bytes;
  bad_last[bytes.size() - 3] ^= 0x40;
  write_all(q, bad_last);
  {
    auto log = open_ok(q, "sim-a");
    CHECK(log->records().size() == 3);
    CHECK(log->torn_bytes() == last_size);
  }

  // Torn while the file was being created: a fresh header is written.
  const std::size_t header_end = offs[1];
  for (std::size_t n = 1; n < header_end; ++n) {
    CAPTURE(n);
    write_all(q, bytes.substr(0, n));
    auto log = open_ok(q, "sim-a");
    CHECK(log->records().empty());
    CHECK(log->torn_bytes() == n);
    CHECK(read_all(q) == bytes.substr(0, header_end));
  }
}

TEST_CASE("flow log: damage before the tail is an error naming the file and offset") {
  temp_dir d{"xarb-flowlog"};
  const auto p = d.file("sim-a.flow");
  sample_log(p).reset();
  const std::string bytes = read_all(p);
  const auto offs = record_offsets(bytes);
  const auto q = d.file("bad.flow");
  for (std::size_t k = 1; k + 1 < offs.size(); ++k) { // every record but header and last
    CAPTURE(k);
    const std::size_t off = offs[k];
    std::string flipped = bytes;
    flipped[off + 12 + 3] ^= 0x01; // inside the payload
    write_all(q, flipped);
    auto log = flow_log::open(q, "sim-a");
    REQUIRE_FALSE(log);
    CHECK(log.error().code == error_code::parse_error);
    const auto& msg = log.error().message;
    CHECK(msg.find(q) != std::string::npos);
    CHECK(msg.find("CRC mismatch") != std::string::npos);
    CHECK(msg.find("at offset " + std::to_string(off)) != std::string::npos);
    CHECK(read_all(q) == flipped); // nothing was cut

    std::string bad_len = bytes;
    bad_len[off] ^= 0x10; // the length no longer matches its complement
    write_all(q, bad_len);
    auto log2 = flow_log::open(q, "sim-a");
    REQUIRE_FALSE(log2);
    CHECK(log2.error().message.find("damaged record length at offset " + std::to_string(off))
          != std::string::npos);
  }
  // A damaged header is damage too (it is never the tail of a useful log).
  std::string bad_header = bytes;
  bad_header[offs[0] + 12 + 6] ^= 0x01;
  write_all(q, bad_header);
  CHECK_FALSE(flow_log::open(q, "sim-a"));
}

TEST_CASE("flow log: another venue's log, a foreign file and unusable paths") {
  temp_dir d{"xarb-flowlog"};
  const auto p = d.file("sim-a.flow");
  sample_log(p).reset();
  auto other = flow_log::open(p, "sim-b");
  REQUIRE_FALSE(other);
  CHECK(other.error().code == error_code::config_error);
  CHECK(other.error().message.find(p) != std::string::npos);
  CHECK(other.error().message.find("'sim-a', not 'sim-b'") != std::string::npos);

  const auto q = d.file("foreign.flow");
  for (const std::string& junk :
       std::vector<std::string>{"NOTAFLOWLOG-------------", "XY", "XARBFLW2xxxxxxxxxxxxxxxx"}) {
    write_all(q, junk);
    auto log = flow_log::open(q, "sim-a");
    REQUIRE_FALSE(log);
    CHECK(log.error().message.find("bad magic") != std::string::npos);
    CHECK(log.error().message.find("offset 0") != std::string::npos);
    CHECK(read_all(q) == junk);
  }
  // A directory where the file should be; a file where a directory should be.
  auto dir = flow_log::open(d.path.string(), "sim-a");
  REQUIRE_FALSE(dir);
  CHECK(dir.error().code == error_code::io_error);
  auto under_file = flow_log::open(p + "/x.flow", "sim-a");
  REQUIRE_FALSE(under_file);
  CHECK(under_file.error().code == error_code::io_error);
  CHECK_FALSE(flow_log::open(d.file("x.flow"), ""));
}

TEST_CASE("flow log: one writer at a time; a reader never changes the file") {
  temp_dir d{"xarb-flowlog"};
  const auto p = d.file("sim-a.flow");
  auto writer = sample_log(p);
  auto second = flow_log::open(p, "sim-a");
  REQUIRE_FALSE(second);
  CHECK(second.error().code == error_code::io_error);
  CHECK(second.error().message.find("locked") != std::string::npos);

  // A reader next to the live writer sees every whole record, and a record
  // being written (torn, for now) stays in the file.
  const std::string bytes = read_all(p);
  const std::string partial = bytes + bytes.substr(record_offsets(bytes).back(), 9);
  write_all(p, partial);
  {
    auto reader = flow_log::open_read_only(p, "sim-a");
    REQUIRE(reader);
    CHECK((*reader)->read_only());
    CHECK((*reader)->records() == writer->records());
    CHECK((*reader)->torn_bytes() == 9);
    CHECK((*reader)->world_start() == t0);
    CHECK((*reader)->append_cancel(cancel_request{"r", "sim-a", "BTC-PERP", 1}, t0).code
          == error_code::io_error);
    CHECK((*reader)->set_start(t0, t0 + 7).code != error_code::none);
    CHECK(read_all(p) == partial);
  }
  write_all(p, bytes);
  writer.reset(); // the lock goes with the writer
  CHECK(flow_log::open(p, "sim-a"));
  auto missing = flow_log::open_read_only(d.file("none/sim-a.flow"), "sim-a");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == error_code::io_error);
  CHECK_FALSE(std::filesystem::exists(d.path / "none"));
  CHECK_FALSE(flow_log::open_read_only(p, "sim-b"));
}

// -- replay -------------------------------------------------------------------

namespace {

const std::vector<std::string> traded = {"BTC-PERP", "ETH-PERP", "SOL-PERP"};

/// Events a venue releases from advance() (market data, maker fills, reduce-
/// only cancels at book updates) as opposed to answers of submit/cancel.
bool on_wire(const event& e) {
  if (const auto* f = std::get_if<order_fill>(&e))
    return f->liq == liquidity::maker;
  if (const auto* c = std::get_if<order_cancelled>(&e))
    return c->reason == "reduce_only";
  return std::holds_alternative<book_snapshot>(e) || std::holds_alternative<book_delta>(e)
         || std::holds_alternative<funding_rate>(e)
         || std::holds_alternative<funding_payment>(e);
}

void split(const std::vector<event>& all, std::vector<event>& wire, std::vector<event>& direct) {
  for (const auto& e : all)
    (on_wire(e) ? wire : direct).push_back(e);
}

void check_same_state(const venue& x, const venue& y, const std::vector<std::string>& ids) {
  CHECK(y.requests() == x.requests());
  CHECK(y.started_at() == x.started_at());
  CHECK(y.start_time() == x.start_time());
  CHECK(y.http_429_sent() == x.http_429_sent());
  CHECK(y.banned_until() == x.banned_until());
  for (const auto& spec : x.instruments()) {
    const auto& sym = spec.symbol;
    CAPTURE(sym);
    CHECK(y.position_of(sym) == x.position_of(sym));
    CHECK(y.fills(sym) == x.fills(sym));
    CHECK(y.funding_payments(sym) == x.funding_payments(sym));
    const auto& ox = x.open_orders(sym);
    const auto& oy = y.open_orders(sym);
    REQUIRE(oy.size() == ox.size());
    for (std::size_t k = 0; k < ox.size(); ++k) {
      CHECK(oy[k].client_id == ox[k].client_id);
      CHECK(oy[k].venue_order_id == ox[k].venue_order_id);
      CHECK(oy[k].sd == ox[k].sd);
      CHECK(oy[k].px == ox[k].px);
      CHECK(oy[k].leaves == ox[k].leaves);
      CHECK(oy[k].reduce_only == ox[k].reduce_only);
      CHECK(oy[k].seq == ox[k].seq);
    }
  }
  for (const auto& id : ids) {
    CAPTURE(id);
    const auto* a = x.order_of(id);
    const auto* b = y.order_of(id);
    REQUIRE((a == nullptr) == (b == nullptr));
    if (a != nullptr)
      CHECK(*a == *b);
    CHECK(y.fills_of(id) == x.fills_of(id));
  }
}

struct flow_stats {
  std::size_t taker = 0, maker = 0, funding = 0, rate_limited = 0, acks = 0, cancels = 0,
              rejects = 0, behind = 0;
};

/// Drives `x` with a seeded stream of requests and irregular advance() calls,
/// logging every request before applying it (write-ahead, effective time).
flow_stats drive(venue& x, flow_log& log, uint64_t seed, const world_config& w,
                 std::vector<event>& wire, std::vector<event>& direct,
                 std::vector<std::string>& ids, timestamp_ns& t) {
  rng r{seed};
  flow_stats s;
  std::map<std::string, std::string> sym_of;
  uint64_t next_id = 0;
  std::vector<event> tmp;
  const auto after_call = [&](bool from_advance) {
    for (const auto& e : tmp) {
      CHECK(on_wire(e) == from_advance);
      if (const auto* f = std::get_if<order_fill>(&e))
        ++(f->liq == liquidity::maker ? s.maker : s.taker);
      s.funding += std::holds_alternative<funding_payment>(e) ? 1 : 0;
      s.acks += std::holds_alternative<order_ack>(e) ? 1 : 0;
      s.cancels += std::holds_alternative<order_cancelled>(e) ? 1 : 0;
      if (const auto* j = std::get_if<order_reject>(&e)) {
        ++s.rejects;
        s.rate_limited += j->code == error_code::rate_limited ? 1 : 0;
      }
    }
    (from_advance ? wire : direct).insert((from_advance ? wire : direct).end(), tmp.begin(),
                                          tmp.end());
    tmp.clear();
    if (x.started() && !log.has_start())
      REQUIRE_FALSE(log.set_start(x.start_time(), x.started_at()));
  };
  for (int step = 0; step < 600; ++step) {
    t += static_cast<timestamp_ns>(1 + r.next() % 250) * ms
         + static_cast<timestamp_ns>(r.next() % 1'000'000);
    const uint64_t a = r.next() % 100;
    if (a < 35) {
      // Sometimes ahead of the next request's time: that request is clamped.
      x.advance(t + (r.next() % 4 == 0 ? 120 * ms : 0), tmp);
      after_call(true);
      continue;
    }
    const timestamp_ns now = t;
    const timestamp_ns eff = x.request_time(now);
    CHECK(eff == std::max(now, x.exchange_time()));
    s.behind += eff > now ? 1 : 0;
    if (a < 82 || ids.empty()) {
      const auto& sym = traded[r.next() % traded.size()];
      const auto& q = x.quote_rules(sym);
      order_intent o;
      const bool reuse = !ids.empty() && r.next() % 30 == 0;
      o.client_id = reuse ? ids[r.next() % ids.size()] : "o" + std::to_string(next_id++);
      o.venue = x.name();
      o.symbol = sym;
      o.sd = r.next() % 2 == 0 ? side::buy : side::sell;
      o.type = r.next() % 100 < 12 ? order_type::market : order_type::limit;
      o.tif = static_cast<time_in_force>(r.next() % 3);
      price bid, ask;
      if (x.started() && !x.snapshot(sym).bids.empty()) {
        const auto b = x.snapshot(sym);
        bid = b.bids[0].px;
        ask = b.asks[0].px;
      } else {
        price start;
        for (const auto& sc : w.symbols)
          if (sc.symbol == sym)
            start = sc.start_price;
        bid = ask = price::from_raw(start.raw() / q.tick.raw() * q.tick.raw());
      }
      const auto steps = static_cast<int64_t>(r.next() % 8) - 4; // -4 .. 3
      o.px = o.sd == side::buy ? bid + q.step * steps : ask - q.step * steps;
      if (r.next() % 40 == 0)
        o.px = o.px + price::from_raw(1); // off tick
      o.qty = q.lot * static_cast<int64_t>(1 + r.next() % 30);
      o.reduce_only = r.next() % 8 == 0;
      o.ts = now;
      if (!reuse)
        ids.push_back(o.client_id);
      sym_of[o.client_id] = sym;
      REQUIRE_FALSE(log.append_submit(o, eff));
      x.submit(o, now, tmp);
    } else {
      cancel_request c;
      c.client_id = r.next() % 10 == 0 ? "ghost" : ids[r.next() % ids.size()];
      c.venue = x.name();
      c.symbol = sym_of.count(c.client_id) != 0 ? sym_of[c.client_id] : traded[0];
      c.ts = now;
      REQUIRE_FALSE(log.append_cancel(c, eff));
      x.cancel(c, now, tmp);
    }
    after_call(false);
  }
  ids.push_back("ghost");
  return s;
}

world_config replay_world(bool rate_limited) {
  auto w = default_world_config();
  w.start_ts = t0;
  for (auto& v : w.venues) {
    if (v.name != "sim-a")
      continue;
    v.funding_interval_s = 20; // several settlements within the run
    v.funding_update_s = 7;
    if (rate_limited) {
      v.rate_limit_orders_per_s = 4;
      v.rate_limit_burst = 3;
      v.ban_after_429 = 8;
      v.ban_s = 2;
    }
  }
  return w;
}

} // namespace

TEST_CASE("replay rebuilds the venue exactly: state, records and event streams") {
  for (const bool rate_limited : {false, true}) {
    CAPTURE(rate_limited);
    temp_dir d{"xarb-flowlog"};
    const auto p = d.file("flows/sim-a.flow");
    const auto w = replay_world(rate_limited);
    venue x{w, "sim-a"};
    std::vector<event> x_wire, x_direct;
    std::vector<std::string> ids;
    timestamp_ns t = t0 - 2 * sec; // the first requests come before the world starts
    flow_stats s;
    std::vector<flow_record> logged;
    {
      auto log = open_ok(p, "sim-a");
      s = drive(x, *log, rate_limited ? 11 : 7, w, x_wire, x_direct, ids, t);
      logged = log->records();
    } // the process dies: only the file remains
    MESSAGE("requests ", x.requests(), ": acks ", s.acks, ", taker fills ", s.taker,
            ", maker fills ", s.maker, ", cancels ", s.cancels, ", rejects ", s.rejects,
            " (rate limited ", s.rate_limited, "), funding payments ", s.funding,
            ", clamped ", s.behind);
    CHECK(s.taker > 10);
    CHECK(s.maker > 3);
    CHECK(s.funding >= 2);
    CHECK(s.cancels > 10);
    CHECK(s.behind > 5);
    CHECK((s.rate_limited > 20) == rate_limited);
    CHECK(s.acks > 50);

    auto log = open_ok(p, "sim-a");
    REQUIRE(log->records() == logged);
    CHECK(log->records().size() == x.requests());
    CHECK(log->torn_bytes() == 0);
    CHECK(log->world_start() == t0);
    CHECK(log->venue_start() == x.started_at());
    CHECK(logged.front().now < t0); // some requests predate the world start

    auto w2 = w;
    w2.start_ts = log->world_start();
    venue y{w2, "sim-a"};
    std::vector<event> y_all;
    log->replay(y, &y_all);
    check_same_state(x, y, ids);

    // Same market from here on; the streams match event for event.
    const timestamp_ns later = std::max(x.exchange_time(), y.exchange_time()) + sec;
    std::vector<event> tail;
    x.advance(later, tail);
    x_wire.insert(x_wire.end(), tail.begin(), tail.end());
    y.advance(later, y_all);
    std::vector<event> y_wire, y_direct;
    split(y_all, y_wire, y_direct);
    CHECK(y_direct.size() == x_direct.size());
    CHECK(y_direct == x_direct);
    CHECK(y_wire.size() == x_wire.size());
    CHECK(y_wire == x_wire);
    for (const auto& spec : x.instruments())
      CHECK(y.snapshot(spec.symbol) == x.snapshot(spec.symbol));

    // Further orders get identical answers, and the market stays identical.
    for (int k = 0; k < 6; ++k) {
      const auto& sym = traded[static_cast<std::size_t>(k) % traded.size()];
      const auto q = y.quote_rules(sym);
      const auto b = y.snapshot(sym);
      order_intent o;
      o.client_id = "after" + std::to_string(k);
      o.venue = "sim-a";
      o.symbol = sym;
      o.sd = k % 2 == 0 ? side::buy : side::sell;
      o.type = order_type::limit;
      o.tif = k < 3 ? time_in_force::ioc : time_in_force::gtc;
      o.px = o.sd == side::buy ? b.asks[0].px : b.bids[0].px;
      o.qty = q.lot * 40;
      const timestamp_ns at = later + (k + 1) * 300 * ms;
      std::vector<event> ex, ey;
      x.submit(o, at, ex);
      y.submit(o, at, ey);
      CHECK_FALSE(ex.empty());
      CHECK(ey == ex);
    }
    std::vector<event> ex, ey;
    x.advance(later + 30 * sec, ex);
    y.advance(later + 30 * sec, ey);
    CHECK(ex.size() > 100);
    CHECK(ey == ex);
    ids.insert(ids.end(), {"after0", "after3", "after5"});
    check_same_state(x, y, ids);
  }
}

TEST_CASE("replay refuses a started venue, another venue and another world start") {
  temp_dir d{"xarb-flowlog"};
  const auto p = d.file("sim-a.flow");
  auto w = default_world_config();
  w.start_ts = t0;
  auto log = open_ok(p, "sim-a");
  REQUIRE_FALSE(log->set_start(t0, t0 + 3 * sec));

  venue started{w, "sim-a"};
  std::vector<event> sink;
  started.advance(t0 + sec, sink);
  CHECK_THROWS_AS(log->replay(started), std::invalid_argument);
  venue other{w, "sim-b"};
  CHECK_THROWS_AS(log->replay(other), std::invalid_argument);
  auto shifted = w;
  shifted.start_ts = t0 + sec;
  venue moved{shifted, "sim-a"};
  CHECK_THROWS_AS(log->replay(moved), std::invalid_argument);

  // No requests: the venue still starts where the original did.
  venue fresh{w, "sim-a"};
  log->replay(fresh, &sink);
  CHECK(fresh.started());
  CHECK(fresh.started_at() == t0 + 3 * sec);
  CHECK(fresh.start_time() == t0);
  CHECK(fresh.requests() == 0);
}
