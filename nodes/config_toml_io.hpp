#pragma once
// Internals of the TOML reader and writer of the node configuration, shared
// by config_toml.cpp (node, sim, strategy, pairs) and config_toml_risk.cpp
// ([risk]). Not for use outside nodes/config*.cpp.

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <toml++/toml.h>

#include "core/risk/breakers.hpp"
#include "monitoring/json_writer.hpp"
#include "nodes/config_detail.hpp"

namespace xarb::config_detail {

// -- drift guard ----------------------------------------------------------------
// The number of fields of an aggregate: the reader and writer list every field
// of the config structs, and static_asserts on these counts fail when a field
// is added until the lists (and deploy/xarb.example.toml) learn about it.

struct any_field {
  template <class T>
  operator T() const; // declared only: used in unevaluated contexts
};

template <class T, class... Fields>
constexpr std::size_t field_count() {
  if constexpr (requires { T{Fields{}..., any_field{}}; })
    return field_count<T, Fields..., any_field>();
  else
    return sizeof...(Fields);
}

inline constexpr int64_t ns_per_ms = 1'000'000;
inline constexpr int64_t ns_per_s = 1'000'000'000;

// -- enums ----------------------------------------------------------------------

template <class E>
concept strategy_enum = requires(std::string_view s, E& e) {
  { strategy::parse(s, e) } -> std::same_as<bool>;
  { strategy::to_string(e) } -> std::same_as<std::string_view>;
};

/// "a, b, auto": the accepted names of a strategy enum.
template <strategy_enum E>
std::string enum_choices() {
  std::string out;
  for (int i = 0; i < 256; ++i) {
    auto name = strategy::to_string(static_cast<E>(i));
    if (name == "invalid")
      break;
    out += out.empty() ? "" : ", ";
    out += name;
  }
  return out;
}

/// "freeze, reduce, halt, safe_mode": the accepted breaker actions.
std::string breaker_action_choices();

// -- reader ---------------------------------------------------------------------

/// "a string", "an integer", ...: for type errors.
const char* type_name(toml::node_type t);

/// Levenshtein distance, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// Reads one TOML table: every key asked for is marked known, converted with
/// its problems reported (located), and remembered for the rules; finish()
/// reports the rest as unknown keys.
class table_reader {
public:
  table_reader(problem_list& out, const toml::table& tbl, std::string path)
    : out_(out), tbl_(tbl), path_(std::move(path)) {}

  /// Optional key: keeps `field` (the default) when absent. True if the
  /// key was given and converted.
  template <class T>
  bool read(std::string_view key, T& field) {
    if (auto* n = take(key))
      return convert(*n, child(key), field);
    return false;
  }

  /// Optional duration key in `unit` (ns per unit: the key's _ms or _s),
  /// an integer or a float, stored in ns.
  bool read_duration(std::string_view key, int64_t& ns, int64_t unit) {
    auto* n = take(key);
    if (!n)
      return false;
    if (auto* i = n->as_integer()) {
      int64_t out = 0;
      if (__builtin_mul_overflow(i->get(), unit, &out)) {
        error_at(child(key), n->source(),
                 "duration out of range (got " + std::to_string(i->get()) + ")");
        return false;
      }
      ns = out;
      return true;
    }
    double x = 0;
    if (!convert(*n, child(key), x))
      return false;
    double scaled = std::round(x * static_cast<double>(unit));
    if (!(std::fabs(scaled) < 9.2e18)) {
      error_at(child(key), n->source(), "duration out of range (got " + format_double(x) + ")");
      return false;
    }
    ns = static_cast<int64_t>(scaled);
    return true;
  }

  /// Explains an unknown `key` that belongs elsewhere, instead of a guess.
  void hint(std::string_view key, std::string text) { hints_.emplace(key, std::move(text)); }

  /// True if the table has `key` (does not mark it as known).
  bool has(std::string_view key) const { return tbl_.get(key) != nullptr; }

  /// Locates problems of `path` at `key`'s value (a key that sets a field
  /// under another name, like window_s -> window).
  void remember_as(std::string_view key, const std::string& path) {
    if (auto* n = tbl_.get(key))
      remember(path, *n);
  }

  /// A problem located at `key`'s value.
  void error(std::string_view key, std::string msg) {
    if (auto* n = tbl_.get(key))
      error_at(child(key), n->source(), std::move(msg));
  }

  /// Required key (entries of [[arrays]] that have no sensible default).
  template <class T>
  void require(std::string_view key, T& field) {
    if (auto* n = take(key))
      (void)convert(*n, child(key), field);
    else
      error_at(child(key), tbl_.source(),
               "missing required key '" + std::string{key} + "'");
  }

  /// Optional sub-table; reports a wrong type.
  const toml::table* section(std::string_view key) {
    auto* n = take(key);
    if (!n)
      return nullptr;
    if (auto* t = n->as_table())
      return t;
    type_error(child(key), *n, "a table");
    return nullptr;
  }

  /// Optional array of tables: calls `fn(table, path)` for each entry; a
  /// non-table entry is reported and `fn(nullptr, path)` keeps indices
  /// aligned. Returns false if the key is absent or not an array.
  template <class Fn>
  bool each_table(std::string_view key, Fn&& fn) {
    auto* n = take(key);
    if (!n)
      return false;
    auto* arr = n->as_array();
    if (!arr) {
      type_error(child(key), *n, "an array of tables ([[" + child(key) + "]])");
      return false;
    }
    for (std::size_t i = 0; i < arr->size(); ++i) {
      auto& el = *arr->get(i);
      auto p = child(key) + "[" + std::to_string(i) + "]";
      remember(p, el);
      if (auto* t = el.as_table()) {
        fn(t, p);
      } else {
        type_error(p, el, "a table");
        fn(nullptr, p);
      }
    }
    return true;
  }

  /// Reports every key that was not asked for, with a suggestion.
  void finish() {
    for (auto&& [k, v] : tbl_) {
      auto name = std::string{k.str()};
      if (known_.count(name))
        continue;
      std::string msg = "unknown key";
      if (auto h = hints_.find(name); h != hints_.end()) {
        error_at(child(name), k.source(), msg + " (" + h->second + ")");
        continue;
      }
      std::string best;
      std::size_t best_d = 3;
      for (auto& cand : known_) {
        // Close typos, or a key missing its unit suffix ("latency").
        auto d = name.size() >= 3 && cand.rfind(name, 0) == 0 ? 1 : edit_distance(name, cand);
        if (d < best_d) {
          best_d = d;
          best = cand;
        }
      }
      if (!best.empty())
        msg += " (did you mean '" + best + "'?)";
      error_at(child(name), k.source(), msg);
    }
  }

  const std::string& path() const { return path_; }

private:
  std::string child(std::string_view key) const {
    return path_.empty() ? std::string{key} : path_ + "." + std::string{key};
  }

  const toml::node* take(std::string_view key) {
    known_.emplace(key);
    auto* n = tbl_.get(key);
    if (n)
      remember(child(key), *n);
    return n;
  }

  void remember(const std::string& path, const toml::node& n) {
    out_.remember(path, n.source().begin.line, n.source().begin.column);
  }

  void error_at(const std::string& path, const toml::source_region& where, std::string msg) {
    out_.at(path, where.begin.line, where.begin.column, std::move(msg));
  }

  void type_error(const std::string& path, const toml::node& n, const std::string& expected) {
    error_at(path, n.source(),
             "expected " + expected + ", got " + type_name(n.type()));
  }

  // convert(): true if `out` was set; otherwise the problem is reported.

  bool convert(const toml::node& n, const std::string& path, std::string& out) {
    if (auto* v = n.as_string()) {
      out = v->get();
      return true;
    }
    type_error(path, n, "a string");
    return false;
  }

  bool convert(const toml::node& n, const std::string& path, bool& out) {
    if (auto* v = n.as_boolean()) {
      out = v->get();
      return true;
    }
    type_error(path, n, "a boolean (true or false)");
    return false;
  }

  template <class Int>
    requires std::is_integral_v<Int>
  bool convert(const toml::node& n, const std::string& path, Int& out) {
    auto* v = n.as_integer();
    if (!v) {
      type_error(path, n, "an integer");
      return false;
    }
    int64_t x = v->get();
    if constexpr (std::is_unsigned_v<Int>) {
      if (x < 0 || static_cast<uint64_t>(x) > std::numeric_limits<Int>::max()) {
        error_at(path, n.source(), "must not be negative (got " + std::to_string(x) + ")");
        return false;
      }
    } else {
      if (x < std::numeric_limits<Int>::min() || x > std::numeric_limits<Int>::max()) {
        error_at(path, n.source(), "integer out of range (got " + std::to_string(x) + ")");
        return false;
      }
    }
    out = static_cast<Int>(x);
    return true;
  }

  bool convert(const toml::node& n, const std::string& path, double& out) {
    double x = 0;
    if (auto* f = n.as_floating_point())
      x = f->get();
    else if (auto* i = n.as_integer())
      x = static_cast<double>(i->get());
    else {
      type_error(path, n, "a number");
      return false;
    }
    if (!std::isfinite(x)) {
      error_at(path, n.source(), "must be a finite number");
      return false;
    }
    out = x;
    return true;
  }

  template <strategy_enum E>
  bool convert(const toml::node& n, const std::string& path, E& out) {
    auto* s = n.as_string();
    if (!s) {
      type_error(path, n, "a string");
      return false;
    }
    if (strategy::parse(s->get(), out))
      return true;
    error_at(path, n.source(),
             "must be one of " + enum_choices<E>() + " (got \"" + s->get() + "\")");
    return false;
  }

  bool convert(const toml::node& n, const std::string& path, risk::breaker_action& out) {
    auto* s = n.as_string();
    if (!s) {
      type_error(path, n, "a string");
      return false;
    }
    if (risk::parse(s->get(), out))
      return true;
    error_at(path, n.source(),
             "must be one of " + breaker_action_choices() + " (got \"" + s->get() + "\")");
    return false;
  }

  /// An array of strings; a wrong element is reported at its index.
  bool convert(const toml::node& n, const std::string& path, std::vector<std::string>& out) {
    auto* a = n.as_array();
    if (!a) {
      type_error(path, n, "an array of strings");
      return false;
    }
    std::vector<std::string> items;
    bool ok = true;
    for (std::size_t i = 0; i < a->size(); ++i) {
      auto& el = *a->get(i);
      if (auto* s = el.as_string())
        items.push_back(s->get());
      else {
        type_error(path + "[" + std::to_string(i) + "]", el, "a string");
        ok = false;
      }
    }
    if (ok)
      out = std::move(items);
    return ok;
  }

  template <class Tag>
  bool convert(const toml::node& n, const std::string& path, fixed<Tag>& out) {
    if (auto* s = n.as_string()) {
      auto parsed = fixed<Tag>::from_string(s->get());
      if (parsed) {
        out = *parsed;
        return true;
      }
      error_at(path, n.source(),
               "\"" + s->get() + "\" is not a decimal with at most 9 fraction digits");
      return false;
    }
    if (auto* i = n.as_integer()) {
      constexpr int64_t limit = INT64_MAX / decimal_scale;
      if (i->get() > limit || i->get() < -limit) {
        error_at(path, n.source(), "decimal out of range (got " + std::to_string(i->get()) + ")");
        return false;
      }
      out = fixed<Tag>::from_raw(i->get() * decimal_scale);
      return true;
    }
    if (n.is_floating_point()) {
      error_at(path, n.source(),
               "write exact decimals as strings, e.g. \"0.0002\" (floats are inexact)");
      return false;
    }
    type_error(path, n, "a decimal string");
    return false;
  }

  /// An optional decimal: "" = unset (nullopt), else as a decimal above.
  template <class Tag>
  bool convert(const toml::node& n, const std::string& path, std::optional<fixed<Tag>>& out) {
    if (auto* s = n.as_string(); s && s->get().empty()) {
      out.reset();
      return true;
    }
    fixed<Tag> value;
    if (!convert(n, path, value))
      return false;
    out = value;
    return true;
  }

  problem_list& out_;
  const toml::table& tbl_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
  std::map<std::string, std::string, std::less<>> hints_;
};

/// A field of the strategy and breaker lists: int64_t fields are durations
/// in ns, read through read_duration in the key's unit.
template <class T>
bool read_field(table_reader& r, std::string_view key, T& field, int64_t unit) {
  if constexpr (std::is_same_v<T, int64_t>)
    return r.read_duration(key, field, unit);
  else
    return (void)unit, r.read(key, field);
}

// -- writer ---------------------------------------------------------------------

// JSON string escapes (\" \\ \n \t \r \b \f \u00XX) are valid TOML basic-string
// escapes, so the JSON writer's quoting serves both.
using json::quote;

class toml_writer {
public:
  void header(std::string_view h) {
    if (!out_.empty())
      out_ += '\n';
    out_ += h;
    out_ += '\n';
  }
  void kv(std::string_view k, const std::string& v) { line(k, quote(v)); }
  void kv(std::string_view k, const char* v) { line(k, quote(v)); }
  void kv(std::string_view k, bool v) { line(k, v ? "true" : "false"); }
  void kv(std::string_view k, double v) {
    auto s = format_double(v);
    if (s.find_first_of(".en") == std::string::npos)
      s += ".0"; // keep it a TOML float
    line(k, s);
  }
  template <class Int>
    requires std::is_integral_v<Int>
  void kv(std::string_view k, Int v) {
    line(k, std::to_string(v));
  }
  template <class Tag>
  void kv(std::string_view k, fixed<Tag> v) {
    line(k, quote(v.to_string()));
  }
  /// An optional decimal: "" when unset.
  template <class Tag>
  void kv(std::string_view k, const std::optional<fixed<Tag>>& v) {
    line(k, quote(v ? v->to_string() : std::string{}));
  }
  template <strategy_enum E>
  void kv(std::string_view k, E v) {
    line(k, quote(std::string{strategy::to_string(v)}));
  }
  void kv(std::string_view k, risk::breaker_action v) {
    line(k, quote(std::string{risk::to_string(v)}));
  }
  void kv(std::string_view k, const std::vector<std::string>& v) {
    std::string s = "[";
    for (auto& item : v) {
      s += s.size() > 1 ? ", " : "";
      s += quote(item);
    }
    line(k, s + "]");
  }
  /// A duration in `unit` (ns per unit): an integer when whole.
  void duration(std::string_view k, int64_t ns, int64_t unit) {
    if (ns % unit == 0)
      line(k, std::to_string(ns / unit));
    else
      kv(k, static_cast<double>(ns) / static_cast<double>(unit));
  }
  std::string str() && { return std::move(out_); }

private:
  void line(std::string_view k, const std::string& v) {
    out_ += k;
    out_ += " = ";
    out_ += v;
    out_ += '\n';
  }
  std::string out_;
};

/// A field of the strategy and breaker lists: durations in their unit.
template <class T>
void write_field(toml_writer& w, std::string_view key, const T& field, int64_t unit) {
  if constexpr (std::is_same_v<T, int64_t>)
    w.duration(key, field, unit);
  else
    (void)unit, w.kv(key, field);
}

// -- [risk] (config_toml_risk.cpp) ------------------------------------------------

/// Reads [risk] (`r`) and its sub-tables over `c` (which holds the defaults).
void read_risk(problem_list& out, table_reader& r, risk::risk_config& c);

/// Writes [risk] and its sub-tables, every key.
void write_risk(toml_writer& w, const risk::risk_config& c);

// -- [scanner] (config_scanner.cpp) -------------------------------------------------

void read_scanner(problem_list& out, table_reader& r, scanner_section& c);
void write_scanner(toml_writer& w, const scanner_section& c);
/// Semantic rules of [scanner] (venues of fallback_leverage must exist).
void check_scanner(const node_config& cfg, problem_list& out);

// -- [venues.<name>] (config_venues.cpp) --------------------------------------------

/// Reads [venues] (`r`, table `t`): one sub-table per venue name.
void read_venues(problem_list& out, table_reader& r, const toml::table& t,
                 std::map<std::string, venue_section, std::less<>>& venues);
/// [venues.<name>] for every [[sim.venues]] entry (defaults included),
/// then every other table (the live venues).
void write_venues(toml_writer& w, const node_config& cfg);
/// Names, market data modes, the live keys (adapter, network, endpoints,
/// symbols, proxy, CA file, fees), credentials' form, at least one venue
/// enabled.
void check_venues(const node_config& cfg, problem_list& out);

// -- [market] (config_venues.cpp) ----------------------------------------------------

/// Reads [market.canonical_units] (`t`): BASE = integer coins.
void read_canonical_units(problem_list& out, const toml::table& t, const std::string& path,
                          std::map<std::string, int64_t, std::less<>>& units);
/// [market.canonical_units], every entry.
void write_canonical_units(toml_writer& w, const market_section& m);
/// Base names upper case, units 1..max_canonical_unit.
void check_canonical_units(const market_section& m, problem_list& out);

} // namespace xarb::config_detail
