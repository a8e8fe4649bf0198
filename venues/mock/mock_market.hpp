#pragma once
// The simulated market behind a mock venue: one sim::venue (venues/sim)
// seen through a venue_protocol's naming, in NATIVE units.
//
// The simulator speaks canonical units (price per canonical unit, size in
// canonical units); a real venue speaks its own contract. Conversion, exact
// on the simulator's grids:
//   native price = canonical price x multiplier
//   native size  = canonical size  / multiplier
// Instruments are listed in the simulator's order with the protocol's
// native_symbol(base, unit), where unit = base coins per native contract =
// canonical unit x multiplier and the canonical unit of a base is the largest
// native unit any venue of the world uses for it (core/instrument_registry.hpp:
// 1000 PEPE in the default world, since one venue trades 1000PEPEUSDT).
//
// advance(now) runs the simulator up to `now` and turns its book events into
// native deltas (first_seq/seq/prev_seq exactly the simulator's) and
// best-bid/ask changes, keeping one order_book per symbol so book() answers
// with the state the deltas produce. Funding comes from the simulator's
// funding_rate events; the mark is the book mid, the index the simulator's
// fair price (rounded to the tick).
//
// The mock serves the exchange itself, so the simulator's wire effects are
// switched off here: latency 0 (the network adds real latency), no random
// gaps and no silent corruption (faults are the server's: mock_server.hpp).
// Deterministic: the same config and the same advance() times give the same
// changes, bit for bit. Not thread-safe (the server's thread owns it).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/order_book.hpp"
#include "messages/market.hpp"
#include "venues/mock/venue_protocol.hpp"
#include "venues/sim/sim_config.hpp"
#include "venues/sim/sim_event.hpp"

namespace xarb::sim {
class venue;
}

namespace xarb::mock {

struct market_config {
  /// The simulated world; the mock venue is one of its venues.
  sim::world_config world = sim::default_world_config();
  /// Which venue config of `world` the mock venue trades like ("sim-a":
  /// Binance-like, "sim-b": OKX-like, "sim-c": Hyperliquid-like).
  std::string sim_venue = "sim-a";
  /// Overrides world.seed when set.
  std::optional<uint64_t> seed;
  /// Canonical symbols ("BTC-PERP") or bases ("BTC") to list; empty = every
  /// symbol the simulated venue lists. An unknown one is an error.
  std::vector<std::string> symbols;
};

/// One change produced by advance(), native symbol and units.
using market_change = std::variant<book_delta, top_of_book>;

class mock_market final : public market_view {
public:
  /// Throws std::invalid_argument for an unknown sim venue or symbol, or a
  /// configuration the simulator rejects. `protocol` names the instruments
  /// (only during construction) and gives the venue name.
  mock_market(const venue_protocol& protocol, market_config cfg);
  ~mock_market() override;

  mock_market(const mock_market&) = delete;
  mock_market& operator=(const mock_market&) = delete;

  // -- market_view ---------------------------------------------------------------

  const std::vector<mock_instrument>& instruments() const override { return instruments_; }
  const mock_instrument* find(std::string_view native) const override;
  /// Throws std::invalid_argument for an unknown symbol.
  book_snapshot book(std::string_view native, std::size_t depth) const override;
  std::optional<mark_state> mark(std::string_view native) const override;
  timestamp_ns now() const override { return now_; }

  // -- driving -------------------------------------------------------------------

  /// Simulates up to `now` (epoch ns; never backwards: an earlier `now` is
  /// treated as the latest seen) and appends, in exchange-time order, every
  /// book delta and, after a delta that moved it, the new best bid/ask.
  /// The first call starts the market (books at seq 1, funding rates).
  void advance(timestamp_ns now, std::vector<market_change>& out);

  /// Same, calling `on_change` right after each change is applied, so that
  /// book() inside the callback is the book just after that change (what a
  /// checksum venue's frame must describe).
  void advance(timestamp_ns now, const std::function<void(const market_change&)>& on_change);

  /// Whether the first advance() happened.
  bool started() const noexcept { return now_ != 0; }

  /// Base coins per native contract of `native` (what native_symbol() was
  /// asked with); nullopt when unknown.
  std::optional<ratio> unit_of(std::string_view native) const;

  /// The simulator itself (canonical units): tests compare against it.
  const sim::venue& simulator() const noexcept { return *sim_; }

  /// Book events taken from the simulator so far (snapshots + deltas).
  uint64_t book_events() const noexcept { return book_events_; }

private:
  struct symbol_state {
    order_book book;           ///< native units
    ratio unit;                ///< base coins per native contract
    book_level top_bid;        ///< last published best bid (qty 0 = none)
    book_level top_ask;
    ratio rate;
    int32_t interval_s = 0;
    timestamp_ns next_funding_ts = 0;
  };

  std::size_t index_of(std::string_view native) const; ///< npos when unknown
  std::size_t index_of_canonical(std::string_view symbol) const;
  void on_snapshot(std::size_t i, const book_snapshot& s);
  /// Appends each change to `out` and then calls `each` (if set) with it.
  using change_fn = std::function<void(const market_change&)>;
  void run(timestamp_ns now, std::vector<market_change>& out, const change_fn* each);
  void on_delta(std::size_t i, const book_delta& d);
  void note_top(std::size_t i, timestamp_ns ts);
  void publish(market_change c);
  void resync(std::size_t i); ///< rebuilds the native book from the simulator
  book_level to_native(const book_level& l, std::size_t i) const;

  std::string venue_;
  std::unique_ptr<sim::venue> sim_;
  std::vector<mock_instrument> instruments_;
  std::vector<symbol_state> syms_;
  std::map<std::string, std::size_t, std::less<>> by_native_;
  std::map<std::string, std::size_t, std::less<>> by_canonical_;
  std::vector<sim::event> events_;
  std::vector<market_change> scratch_; ///< the callback form's output
  std::vector<market_change>* out_ = nullptr; ///< during run()
  const change_fn* each_ = nullptr;          ///< during run()
  timestamp_ns now_ = 0;
  uint64_t book_events_ = 0;
};

} // namespace xarb::mock
