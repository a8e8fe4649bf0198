#pragma once
// market_scanner: the scanner's state, fed by every venue session's market
// watch (instruments, tops, funding, health) and turned into a scan_snapshot
// on each refresh. Pure: no CAF, no clock (times are passed in).
//
// Which symbols are compared. A venue's instrument takes part only when its
// units are verified: its native symbol is parsed (instrument_registry's
// parse_native_symbol, with the venue's symbol style) and must give the same
// canonical symbol, and the coins per canonical unit (native unit /
// multiplier) must agree with the other venues listing the symbol. 1000PEPE
// with multiplier 1 and PEPE with multiplier 0.001 are the same unit;
// 1000PEPE and PEPE both with multiplier 1 are not, and comparing their
// prices would show a 99.9 % "spread". Disagreeing venues are left out of
// that symbol (the largest agreeing group stays; on a tie the group with the
// first venue by name) and reported in problems().
//
// Cost: on_top is a hash lookup and a copy; refresh is linear in the rows
// (symbols x venue pairs), ~21,000 at 1,000 symbols on 7 venues.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/scanner/scan_snapshot.hpp"
#include "messages/instrument.hpp"
#include "messages/market.hpp"

namespace xarb::scanner {

class market_scanner {
public:
  explicit market_scanner(scanner_params params = {});

  const scanner_params& params() const noexcept { return params_; }
  void set_params(scanner_params p) { params_ = std::move(p); }

  /// Every instrument `venue` lists (a session's full watch batch). Replaces
  /// what was known of the venue: its quotes and funding start afresh.
  void set_instruments(std::string_view venue, const std::vector<instrument_spec>& specs);

  /// A venue's best bid/ask (canonical units). Ignored for a symbol the
  /// venue does not list (counted in ignored_updates()).
  void on_top(const top_of_book& top);

  /// A venue's funding rate for a symbol.
  void on_funding(const funding_rate& rate);

  /// The venue's book of `symbol` is not usable until its next top.
  void on_unsynced(std::string_view venue, std::string_view symbol);

  /// The venue session's health; rows of a venue that is not ready are stale.
  void set_venue_state(std::string_view venue, health_state state, timestamp_ns ts);

  /// Builds the snapshot as of `now`. refresh_ms and seq are the caller's.
  std::unique_ptr<scan_snapshot> refresh(timestamp_ns now);

  /// Instruments left out, with the reason ("sim-x PEPE-PERP: ...").
  const std::vector<std::string>& problems() const noexcept { return problems_; }
  std::size_t venue_count() const noexcept { return venues_.size(); }
  uint64_t ignored_updates() const noexcept { return ignored_; }

private:
  struct slot {
    instrument_spec spec;
    bool included = true;      ///< units verified against the other venues
    bool has_quote = false;
    bool synced = false;
    price bid;
    price ask;
    timestamp_ns recv_ts = 0;
    bool funding_known = false;
    ratio funding_rate;
    int32_t funding_interval_s = 0;
    timestamp_ns next_funding_ts = 0;
  };
  struct venue_state {
    health_state state = health_state::starting;
    timestamp_ns state_ts = 0;
    std::unordered_map<std::string, slot> slots; ///< by canonical symbol
  };
  struct listing {
    std::string symbol;
    std::vector<std::pair<uint16_t, const slot*>> venues; ///< venue index, slot
  };

  slot* find(std::string_view venue, std::string_view symbol);
  void rebuild_index();

  scanner_params params_;
  std::map<std::string, venue_state, std::less<>> venues_; ///< sorted by name
  std::vector<listing> index_;   ///< symbols on >= 2 venues, sorted
  bool index_dirty_ = true;
  std::vector<std::string> problems_;
  uint64_t ignored_ = 0;
  std::size_t last_rows_ = 0;    ///< rows of the last refresh: the next one reserves as many
};

/// Funding rate normalised to `basis_hours`, in bps: rate x basis / interval.
double funding_basis_bps(ratio rate, int32_t interval_s, int32_t basis_hours) noexcept;

} // namespace xarb::scanner
