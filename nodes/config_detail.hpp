#pragma once
// Internals of nodes/config.cpp shared by its translation units: the problem
// list (errors with TOML locations), the semantic rules, and TOML I/O.
// Not for use outside nodes/config*.cpp.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "nodes/config.hpp"

namespace xarb::config_detail {

/// Collects every problem of one load; locations come from the TOML reader.
class problem_list {
public:
  explicit problem_list(std::string source) : source_(std::move(source)) {}

  /// A problem at a known position (reader: type errors, unknown keys).
  /// Marks `path` as already reported: rules on it are not repeated.
  void at(const std::string& path, uint32_t line, uint32_t column, std::string message);

  /// A problem found by the rules: located at the nearest remembered
  /// position of `path` or one of its parents; dropped if `path` or a parent
  /// already had a reader error (one message per mistake).
  void add(const std::string& path, std::string message);

  /// A problem with an explicit origin, e.g. "env XARB_LISTEN".
  void with_origin(const std::string& origin, const std::string& path, std::string message);

  /// Records where `path` was defined in the source.
  void remember(const std::string& path, uint32_t line, uint32_t column);

  bool empty() const noexcept { return problems_.empty(); }
  std::size_t size() const noexcept { return problems_.size(); }

  /// (path, message) of every problem, in the order found.
  std::vector<std::pair<std::string, std::string>> items() const;

  /// One problem per line, located ones sorted by position, then the rest.
  std::string format() const;

private:
  struct problem {
    uint32_t line = 0; ///< 0 = no position
    uint32_t column = 0;
    std::string origin; ///< overrides source:line:col when set
    std::string path;
    std::string message;
    std::size_t order = 0;
  };
  struct position {
    uint32_t line;
    uint32_t column;
  };

  bool suppressed(const std::string& path) const;

  std::string source_;
  std::vector<problem> problems_;
  std::map<std::string, position, std::less<>> positions_;
  std::set<std::string, std::less<>> reported_;
};

/// "sim.venues[1].name" -> "sim.venues[1]" -> "sim.venues" -> "sim" -> "".
std::string_view parent_path(std::string_view path);

/// The message for a name that is no venue: "unknown venue \"X\" (neither
/// [[sim.venues]] nor a [venues.X] with market_data = \"live\")".
std::string unknown_venue(std::string_view name);

/// "BTC-PERP": an upper-case base of letters and digits, then "-PERP".
bool canonical_symbol_form(std::string_view symbol);

/// Semantic rules (ranges, names, cross references), reported into `out`.
void check_rules(const node_config& cfg, problem_list& out);

/// Reads the [strategy] keys of a TOML document (signal keys in [signal])
/// over `p`; problems are reported under `path` ("params.z_entry").
void read_strategy_toml(std::string_view text, std::string_view path,
                        strategy::pair_params& p, problem_list& out);

/// Every [strategy] key of `p` as TOML, signal keys in [signal].
std::string write_strategy_toml(const strategy::pair_params& p);

/// Reads TOML text over `cfg` (which holds the defaults). Syntax errors,
/// unknown keys, wrong types, missing required keys and unparsable decimals
/// go to `out`; positions of every key are remembered for the rules.
void read_toml(std::string_view text, std::string_view source, node_config& cfg,
               problem_list& out);

/// The complete config as TOML (see config.hpp, to_toml).
std::string write_toml(const node_config& cfg);

/// A breaker duration as the file spells it: risk::validate() names the
/// field in ns ("error_rate", "window_ns"), the file has {"window_s", ns per s}.
struct duration_key {
  std::string key;
  int64_t unit = 0;
};

/// The TOML key of the ns field `field` of breaker rule `rule`; nullopt if
/// there is no such duration (config_toml_risk.cpp owns the key list).
std::optional<duration_key> breaker_duration_key(std::string_view rule, std::string_view field);

/// Shortest round-trip text of a double ("0.7", "1e-05").
std::string format_double(double x);

} // namespace xarb::config_detail
