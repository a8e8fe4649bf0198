#pragma once
// Capital layers per venue (seed 001, "资金调度与分层设计"): each venue has a
// capital pool (1 WU = 10,000 by default) split into layers L1..L5 with a
// target share and a max usage. A pair reserves margin before each entry and
// releases it after exit; a refusal says why (the text goes into the event).
//
// Which layers a reservation draws from:
//   1. the layers whose `modes` list the strategy ("normal_arb": L1, L2, L3;
//      "zero_wear": L4), in config order, each up to its usable headroom;
//   2. then the reserve layers (L5), which anyone may borrow from.
// While a venue is in safe mode (venue drawdown) only `safe_layers` (L1+L4)
// count; the others keep what they hold but give nothing new.
//
// Exact arithmetic throughout: allocation = pool x target_share rounded down
// to 1e-9, usable = allocation x max_usage rounded down. Pure: no CAF, no
// clock, not thread-safe (the risk guard actor owns it).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/expected.hpp"

namespace xarb::risk {

/// Strategy modes served by the default layers.
inline constexpr std::string_view mode_normal_arb = "normal_arb";
inline constexpr std::string_view mode_zero_wear = "zero_wear";

struct layer_config {
  std::string name;                ///< "L1".."L5"
  ratio target_share;              ///< share of the venue pool
  ratio max_usage = ratio::from_raw(900'000'000); ///< usable fraction of the allocation
  std::vector<std::string> modes;  ///< strategies this layer serves first
  bool reserve = false;            ///< anyone may borrow when their own layers are full
  friend bool operator==(const layer_config&, const layer_config&) = default;
};

/// L1 0.20, L2 0.30, L3 0.25 (normal_arb), L4 0.10 (zero_wear), all at max
/// usage 0.9, and L5 0.15 at 1.0 as the reserve.
std::vector<layer_config> default_layers();

struct capital_config {
  money default_pool = money::from_units(10000);    ///< 1 WU per venue unless overridden
  std::vector<std::pair<std::string, money>> pools; ///< per-venue override
  std::vector<layer_config> layers = default_layers();
  std::vector<std::string> safe_layers{"L1", "L4"}; ///< only these while a venue is in safe mode
  friend bool operator==(const capital_config&, const capital_config&) = default;
};

capital_config default_capital_config();

/// Every problem, one per line ("" when valid), each "path.key: message":
/// shares sum <= 1 (exactly), target_share >= 0, max_usage in (0, 1], at
/// least one layer, unique non-empty names, safe layers exist, no negative
/// pools, no duplicate pool venue.
std::string validate(const capital_config& c, const std::string& path);

struct layer_use {
  std::string layer;
  money amount;
  friend bool operator==(const layer_use&, const layer_use&) = default;
};

/// What one reserve()/force() took; release() it to give it back.
struct reservation {
  std::string venue;
  std::string owner;
  std::vector<layer_use> parts;    ///< one per layer touched, in draw order
  uint64_t id = 0;                 ///< assigned by the book; 0 = holds nothing
  money total() const;
  friend bool operator==(const reservation&, const reservation&) = default;
};

struct layer_snapshot {
  std::string name;
  ratio target_share;
  ratio max_usage;
  money allocation;                ///< pool x target_share
  money usable;                    ///< allocation x max_usage
  money used;                      ///< may exceed usable after force()
  money available;                 ///< usable - used, >= 0; 0 when not allowed
  double utilisation = 0;          ///< used / usable (statistics only)
  bool allowed = true;             ///< false: venue in safe mode and layer not safe
};

struct venue_capital_snapshot {
  std::string venue;
  money pool;
  bool safe_mode = false;
  money used;                      ///< sum over layers
  money available;                 ///< sum over layers (allowed ones only)
  std::vector<layer_snapshot> layers;
};

class capital_book {
public:
  explicit capital_book(capital_config cfg);

  const capital_config& config() const noexcept { return cfg_; }

  /// Venues never set use default_pool. Lowering a pool below what is used
  /// refuses new reservations but never takes anything back.
  void set_pool(const std::string& venue, money pool);
  money pool(const std::string& venue) const;

  void set_safe_mode(const std::string& venue, bool on);
  bool safe_mode(const std::string& venue) const;

  /// Reserves `amount` on `venue` for strategy `mode`, held by `owner` (a
  /// pair id; one owner's reservations on any venue add up). All or nothing:
  /// a refusal takes nothing and its text names the shortfall, e.g.
  /// "capital sim-a: 120.5 available for normal_arb in L1+L2+L3+L5, 300
  /// needed (safe mode: L1 only)". Zero reserves nothing and succeeds.
  expected<reservation> reserve(const std::string& venue, money amount,
                                const std::string& mode, const std::string& owner);

  /// Records usage that already exists (open positions after a restart):
  /// takes what fits like reserve(), and books any excess as overdraft on the
  /// first eligible layer (used > usable). Never refused.
  reservation force(const std::string& venue, money amount, const std::string& mode,
                    const std::string& owner);

  /// Exact inverse of reserve()/force(): gives back what the book recorded
  /// under r.id. A second release of the same reservation, or one after
  /// release_owner, does nothing (it cannot free another reservation).
  void release(const reservation& r);

  /// Everything `owner` holds on every venue.
  void release_owner(const std::string& owner);

  /// What `owner` holds on `venue`.
  money held(const std::string& owner, const std::string& venue) const;

  /// What reserve() could take right now on `venue` for `mode`.
  money available(const std::string& venue, const std::string& mode) const;

  /// Every venue with a pool, a safe-mode flag or a reservation, sorted by name.
  std::vector<venue_capital_snapshot> snapshot() const;

private:
  struct venue_state {
    money pool;
    bool safe = false;
    std::vector<money> used;       ///< per layer, aligned with cfg_.layers
  };

  venue_state& venue(const std::string& name);
  const venue_state* find_venue(const std::string& name) const;
  bool allowed(const venue_state& v, std::size_t layer) const;
  money usable(const venue_state& v, std::size_t layer) const;
  money headroom(const venue_state& v, std::size_t layer) const;
  /// Layers `mode` may draw from, in draw order (ignoring safe mode).
  std::vector<std::size_t> eligible(const std::string& mode) const;
  /// Takes up to `amount` from the allowed eligible layers; returns what is left.
  money take(venue_state& v, const std::vector<std::size_t>& order, money amount,
             reservation& r);
  void book(venue_state& v, std::size_t layer, money amount, reservation& r);
  /// Gives a non-empty reservation its id and keeps a copy for release().
  void record(reservation& r);
  void unbook(const reservation& r);
  std::size_t layer_index(const std::string& name) const;

  capital_config cfg_;
  std::vector<bool> safe_layer_;   ///< per layer: listed in safe_layers
  std::map<std::string, venue_state> venues_;
  /// Every live reservation by id: what release() gives back, whatever the
  /// caller's copy says.
  std::map<uint64_t, reservation> live_;
  uint64_t next_id_ = 1;
};

} // namespace xarb::risk
