// The venue's event scheduler: the exact event stream of fixed scenarios is
// pinned to golden hashes computed with the original linear-scan scheduler,
// so the heap keeps every tie rule (settlement, then rate refresh, then books
// by lowest symbol index).
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "tests/venues/sim/sim_stream_hash.hpp"
#include "tests/venues/sim/sim_test_util.hpp"
#include "venues/sim/sim_venue.hpp"

using namespace xarb;
using namespace xarb::sim;
using namespace xarb::sim::test;

namespace {

/// 30 s before an hourly funding time: sim-c settles inside the run.
constexpr timestamp_ns start = 1'700'002'770 * sec;

/// The default symbols copied `copies` times under other names and prices.
world_config wide_world(int copies) {
  auto w = default_world_config();
  const auto base = w.symbols;
  w.symbols.clear();
  for (int k = 0; k < copies; ++k)
    for (auto s : base) {
      s.base = "X" + std::to_string(k) + s.base;
      s.symbol = s.base + "-PERP";
      s.start_price = s.start_price * (k + 1);
      w.symbols.push_back(s);
    }
  for (auto& v : w.venues)
    v.contracts.clear();
  return w;
}

/// 100 s of one venue with a taker order (a position that pays funding) and
/// a resting post-only order, sliced in 37 ms calls.
std::vector<event> scenario(const world_config& w, const std::string& name) {
  venue v{w, name};
  const std::string sym = w.symbols[1].symbol;
  std::vector<event> out;
  for (timestamp_ns t = start; t <= start + 100 * sec; t += 37 * ms) {
    v.advance(t, out);
    if (t == start + 37 * ms * 270)
      v.submit(order("t1", name, sym, side::buy, order_type::market, time_in_force::ioc, {},
                     qty("1")),
               t, out);
    if (t == start + 37 * ms * 540) {
      const auto snap = v.snapshot(sym);
      v.submit(order("m1", name, sym, side::buy, order_type::limit, time_in_force::post_only,
                     snap.bids.front().px, qty("1")),
               t, out);
    }
  }
  return out;
}

} // namespace

TEST_CASE("schedule: the default world's streams are exactly the linear-scan scheduler's") {
  const auto w = default_world_config();
  // {venue, events, hash}: computed before the heap replaced the linear scan.
  const struct {
    const char* venue;
    std::size_t events;
    uint64_t hash;
  } golden[] = {{"sim-a", 10013, 0xdf22af2741335788ull},
                {"sim-b", 5017, 0x17587efebbf081d5ull},
                {"sim-c", 2522, 0x4b0186f313693bc5ull}};
  for (const auto& g : golden) {
    INFO("venue " << g.venue);
    const auto events = scenario(w, g.venue);
    // The scenario covers what the tie rules order: both orders were
    // acknowledged and filled, rates refreshed, and sim-c settled funding
    // on the open position (same timestamp as a book update).
    CHECK(only<order_ack>(events).size() == 2);
    CHECK(only<order_fill>(events).size() == 2);
    CHECK(only<funding_payment>(events).size() == (std::string{g.venue} == "sim-c" ? 1u : 0u));
    CHECK(events.size() == g.events);
    CHECK(stream_hash(events) == g.hash);
  }
}

TEST_CASE("schedule: 15 symbols per venue give exactly the linear-scan scheduler's streams") {
  const auto w = wide_world(3);
  // (Also checked once, offline: 1,000 symbols, the same scenario, identical.)
  const struct {
    const char* venue;
    std::size_t events;
    uint64_t hash;
  } golden[] = {{"sim-a", 30032, 0x9ef1ccfdea60ccebull},
                {"sim-b", 15042, 0x2f7751a7de3e8112ull},
                {"sim-c", 7553, 0x7ff7bfca40dabf9cull}};
  for (const auto& g : golden) {
    INFO("venue " << g.venue);
    const auto events = scenario(w, g.venue);
    CHECK(events.size() == g.events);
    CHECK(stream_hash(events) == g.hash);
  }
}

TEST_CASE("schedule: book updates come in time order, each symbol every period") {
  auto w = wide_world(8);
  venue v{w, "sim-b"}; // 10 Hz
  std::vector<event> out;
  for (timestamp_ns t = start; t <= start + 5 * sec; t += 100 * ms)
    v.advance(t, out);
  std::map<std::string, std::vector<timestamp_ns>> times;
  timestamp_ns last = 0;
  for (const auto& d : only<book_delta>(out)) {
    CHECK(d.exchange_ts >= last);
    last = d.exchange_ts;
    times[d.symbol].push_back(d.exchange_ts);
  }
  CHECK(times.size() == w.symbols.size());
  for (const auto& [sym, ts] : times)
    for (std::size_t k = 1; k < ts.size(); ++k)
      CHECK((ts[k] - ts[k - 1]) % (100 * ms) == 0);
}
