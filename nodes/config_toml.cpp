// TOML <-> node_config. The reader checks structure and types (unknown keys,
// wrong types, missing required keys, unparsable decimals) and remembers
// where every key is so that config_rules.cpp can point at it; the writer
// emits the complete config in the same layout.
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <type_traits>

#include <toml++/toml.h>

#include "monitoring/json_writer.hpp"
#include "nodes/config_detail.hpp"

namespace xarb::config_detail {

namespace {

// -- drift guard ----------------------------------------------------------------
// The reader and writer below list every field of the sim structs. If a field
// is added there, these asserts fail until this file, config_rules.cpp and
// deploy/xarb.example.toml learn about it.

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

static_assert(field_count<sim::symbol_config>() == 6,
              "sim::symbol_config changed: update nodes/config_toml.cpp");
static_assert(field_count<sim::contract_override>() == 3,
              "sim::contract_override changed: update nodes/config_toml.cpp");
static_assert(field_count<sim::venue_config>() == 27,
              "sim::venue_config changed: update nodes/config_toml.cpp");
static_assert(field_count<sim::world_config>() == 6,
              "sim::world_config changed: update nodes/config_toml.cpp");
static_assert(field_count<node_config>() == 9,
              "node_config changed: update nodes/config_toml.cpp");
static_assert(field_count<pair_entry>() == 4,
              "pair_entry changed: update nodes/config_toml.cpp");
static_assert(field_count<strategy::signal_params>() == 17,
              "strategy::signal_params changed: update each_signal_key below");
static_assert(field_count<strategy::pair_params>() == 21,
              "strategy::pair_params changed: update each_strategy_key below");

// -- strategy keys --------------------------------------------------------------
// One list drives the reader, the writer and the per-pair "differs from
// [strategy]" test. Every int64_t field is a duration in ns, written in the
// key's unit (`unit` = ns per unit); other fields have unit 0.

constexpr int64_t ns_per_ms = 1'000'000;
constexpr int64_t ns_per_s = 1'000'000'000;

template <class Fn>
void each_signal_key(Fn&& fn) {
  using S = strategy::signal_params;
  fn("model", &S::model, 0);
  fn("window", &S::window, 0);
  fn("sample_interval_ms", &S::sample_interval_ns, ns_per_ms);
  fn("min_std_bps", &S::min_std_bps, 0);
  fn("z_entry", &S::z_entry, 0);
  fn("z_exit", &S::z_exit, 0);
  fn("offset_bps", &S::offset_bps, 0);
  fn("exit_offset_bps", &S::exit_offset_bps, 0);
  fn("low_vol_min_profit_bps", &S::low_vol_min_profit_bps, 0);
  fn("high_vol_min_profit_bps", &S::high_vol_min_profit_bps, 0);
  fn("vol_low_bps", &S::vol_low_bps, 0);
  fn("vol_high_bps", &S::vol_high_bps, 0);
  fn("threshold_bps", &S::threshold_bps, 0);
  fn("persist_samples", &S::persist_samples, 0);
  fn("cooldown_s", &S::cooldown_ns, ns_per_s);
  fn("persistent_exit_bps", &S::persistent_exit_bps, 0);
  fn("tranche_step", &S::tranche_step, 0);
}

template <class Fn>
void each_strategy_key(Fn&& fn) {
  using P = strategy::pair_params;
  fn("mode", &P::mode, 0);
  fn("style", &P::style, 0);
  fn("maker", &P::maker, 0);
  fn("order_notional", &P::order_notional, 0);
  fn("max_tranches", &P::max_tranches, 0);
  fn("max_position_notional", &P::max_position_notional, 0);
  fn("min_profit_bps", &P::min_profit_bps, 0);
  fn("take_profit_bps", &P::take_profit_bps, 0);
  fn("stop_loss_bps", &P::stop_loss_bps, 0);
  fn("max_hold_s", &P::max_hold_ns, ns_per_s);
  fn("slippage_bps", &P::slippage_bps, 0);
  fn("hedge_slippage_bps", &P::hedge_slippage_bps, 0);
  fn("requote_bps", &P::requote_bps, 0);
  fn("leg_timeout_ms", &P::leg_timeout_ns, ns_per_ms);
  fn("maker_timeout_ms", &P::maker_timeout_ns, ns_per_ms);
  fn("hedge_timeout_ms", &P::hedge_timeout_ns, ns_per_ms);
  fn("max_retries", &P::max_retries, 0);
  fn("max_book_age_ms", &P::max_book_age_ns, ns_per_ms);
  fn("rebalance_multiple", &P::rebalance_multiple, 0);
  fn("hard_delta_notional", &P::hard_delta_notional, 0);
}

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

// -- reader ---------------------------------------------------------------------

const char* type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      auto up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

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

  problem_list& out_;
  const toml::table& tbl_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
  std::map<std::string, std::string, std::less<>> hints_;
};

void read_symbol(table_reader& r, sim::symbol_config& s) {
  r.require("symbol", s.symbol);
  r.require("base", s.base);
  r.require("start_price", s.start_price);
  r.require("vol_per_sqrt_s", s.vol_per_sqrt_s);
  r.require("level_qty", s.level_qty);
  r.read("lot_decimals_adjust", s.lot_decimals_adjust);
}

void read_venue(problem_list& out, table_reader& r, sim::venue_config& v) {
  r.require("name", v.name);
  r.require("tick_scale", v.tick_scale);
  r.require("maker_fee", v.maker_fee);
  r.require("taker_fee", v.taker_fee);
  r.read("latency_ms", v.latency_ms);
  r.read("update_hz", v.update_hz);
  r.read("levels", v.levels);
  r.read("basis_mean_bps", v.basis_mean_bps);
  r.read("basis_vol_bps", v.basis_vol_bps);
  r.read("basis_reversion", v.basis_reversion);
  r.read("dislocation_per_hour", v.dislocation_per_hour);
  r.read("dislocation_bps", v.dislocation_bps);
  r.read("dislocation_reversion", v.dislocation_reversion);
  r.read("half_spread_bps", v.half_spread_bps);
  r.read("level_step_bps", v.level_step_bps);
  r.read("funding_interval_s", v.funding_interval_s);
  r.read("funding_bias_bps", v.funding_bias_bps);
  r.read("funding_basis_weight", v.funding_basis_weight);
  r.read("funding_update_s", v.funding_update_s);
  r.read("lot_decimals", v.lot_decimals);
  r.read("min_notional", v.min_notional);
  r.read("multiplier", v.multiplier);
  r.read("gap_probability", v.gap_probability);
  r.read("native_format", v.native_format);
  r.read("quote", v.quote);
  r.read("max_leverage", v.max_leverage);
  std::vector<sim::contract_override> contracts;
  if (r.each_table("contracts", [&](const toml::table* t, const std::string& p) {
        sim::contract_override c;
        if (t) {
          table_reader cr{out, *t, p};
          cr.require("symbol", c.symbol);
          cr.read("native_symbol", c.native_symbol);
          cr.read("multiplier", c.multiplier);
          cr.finish();
        }
        contracts.push_back(std::move(c));
      }))
    v.contracts = std::move(contracts);
}

void read_sim(problem_list& out, table_reader& r, sim::world_config& w) {
  r.read("seed", w.seed);
  r.read("step_ms", w.step_ms);
  r.read("correlation", w.correlation);
  r.read("start_ts", w.start_ts);
  std::vector<sim::symbol_config> symbols;
  if (r.each_table("symbols", [&](const toml::table* t, const std::string& p) {
        sim::symbol_config s;
        if (t) {
          table_reader sr{out, *t, p};
          read_symbol(sr, s);
          sr.finish();
        }
        symbols.push_back(std::move(s));
      }))
    w.symbols = std::move(symbols);
  std::vector<sim::venue_config> venues;
  if (r.each_table("venues", [&](const toml::table* t, const std::string& p) {
        sim::venue_config v;
        if (t) {
          table_reader vr{out, *t, p};
          read_venue(out, vr, v);
          vr.finish();
        }
        venues.push_back(std::move(v));
      }))
    w.venues = std::move(venues);
}

/// A field of the strategy lists: durations through read_duration.
template <class T>
bool read_field(table_reader& r, std::string_view key, T& field, int64_t unit) {
  if constexpr (std::is_same_v<T, int64_t>)
    return r.read_duration(key, field, unit);
  else
    return (void)unit, r.read(key, field);
}

/// window_s -> samples of `interval_ns`; 0 when out of any sensible range.
std::size_t window_samples(double seconds, int64_t interval_ns) {
  if (interval_ns <= 0)
    return 0;
  double w = std::round(seconds * 1e9 / static_cast<double>(interval_ns));
  return w >= 1 && w <= 1e15 ? static_cast<std::size_t>(w) : 0;
}

/// Reads the strategy keys of `r` ([strategy] or one [[pairs]] entry) over
/// `p`, and its `signal` sub-table. `window_s` is the window in seconds
/// given by [strategy.signal] (if any): a pair that only changes
/// sample_interval_ms keeps the window's duration rather than its samples.
/// Reading [strategy] sets it.
void read_strategy(problem_list& out, table_reader& r, strategy::pair_params& p,
                   std::optional<double>& window_s) {
  each_strategy_key([&](std::string_view key, auto member, int64_t unit) {
    read_field(r, key, p.*member, unit);
  });
  auto put_in = "a signal key: put it in [" + (r.path().back() == ']' ? std::string{"pairs"}
                                                                       : r.path())
                + ".signal]";
  each_signal_key([&](std::string_view key, auto, int64_t) { r.hint(key, put_in); });
  r.hint("window_s", put_in);
  auto* t = r.section("signal");
  if (!t)
    return;
  table_reader sr{out, *t, r.path() + ".signal"};
  auto& s = p.signal;
  auto interval_before = s.sample_interval_ns;
  each_signal_key([&](std::string_view key, auto member, int64_t unit) {
    read_field(sr, key, s.*member, unit);
  });
  double seconds = 0;
  if (sr.has("window") && sr.has("window_s")) {
    sr.read("window_s", seconds); // known key; the value is not used
    sr.error("window_s", "give either window (samples) or window_s (seconds), not both");
  } else if (sr.read("window_s", seconds)) {
    auto samples = window_samples(seconds, s.sample_interval_ns);
    if (samples < 2 || samples > 1'000'000) {
      sr.error("window_s", format_double(seconds) + " s is not 2..1000000 samples of "
                             "sample_interval_ms (" + format_double(
                               static_cast<double>(s.sample_interval_ns) / ns_per_ms) + ")");
    } else {
      s.window = samples;
      window_s = seconds;
      sr.remember_as("window_s", sr.path() + ".window");
    }
  } else if (!sr.has("window") && window_s && s.sample_interval_ns != interval_before) {
    // Out-of-range results are left to validate() (pairs[i].signal.window).
    auto samples = window_samples(*window_s, s.sample_interval_ns);
    s.window = samples > 0 ? samples : 1;
  }
  sr.finish();
}

template <class Fn>
void read_section(problem_list& out, table_reader& root, const char* name, Fn&& fn) {
  if (auto* t = root.section(name)) {
    table_reader r{out, *t, name};
    fn(r);
    r.finish();
  }
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
  template <strategy_enum E>
  void kv(std::string_view k, E v) {
    line(k, quote(std::string{strategy::to_string(v)}));
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

/// A field of the strategy lists: durations in their unit.
template <class T>
void write_field(toml_writer& w, std::string_view key, const T& field, int64_t unit) {
  if constexpr (std::is_same_v<T, int64_t>)
    w.duration(key, field, unit);
  else
    (void)unit, w.kv(key, field);
}

/// The strategy keys of `p`: all of them ([strategy]) or, with `base`, only
/// those that differ from it ([[pairs]], so the file stays readable).
void write_strategy(toml_writer& w, const strategy::pair_params& p,
                    const strategy::pair_params* base, std::string_view signal_header) {
  each_strategy_key([&](std::string_view key, auto member, int64_t unit) {
    if (!base || p.*member != base->*member)
      write_field(w, key, p.*member, unit);
  });
  bool header = false;
  each_signal_key([&](std::string_view key, auto member, int64_t unit) {
    if (base && p.signal.*member == base->signal.*member)
      return;
    if (!header) {
      w.header(signal_header);
      header = true;
    }
    write_field(w, key, p.signal.*member, unit);
  });
}

} // namespace

std::string format_double(double x) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  return std::string(buf, res.ptr);
}

void read_toml(std::string_view text, std::string_view source, node_config& cfg,
               problem_list& out) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& err) {
    // A syntax error stops the parse: toml++ reports only the first one.
    out.at("", err.source().begin.line, err.source().begin.column,
           "TOML syntax error: " + std::string{err.description()});
    return;
  }
  table_reader r{out, root, ""};
  read_section(out, r, "node", [&](table_reader& s) {
    s.read("name", cfg.node.name);
    s.read("data_dir", cfg.node.data_dir);
    s.read("log_level", cfg.node.log_level);
    s.read("log_json", cfg.node.log_json);
  });
  read_section(out, r, "web", [&](table_reader& s) { s.read("listen", cfg.web.listen); });
  read_section(out, r, "scheduler", [&](table_reader& s) {
    s.read("max_threads", cfg.scheduler.max_threads);
    s.read("policy", cfg.scheduler.policy);
    s.read("low_latency", cfg.scheduler.low_latency);
    s.read("inline_decisions", cfg.scheduler.inline_decisions);
  });
  read_section(out, r, "supervision", [&](table_reader& s) {
    s.read("max_restarts", cfg.supervision.max_restarts);
    s.read("period_s", cfg.supervision.period_s);
    s.read("backoff_initial_ms", cfg.supervision.backoff_initial_ms);
    s.read("backoff_max_ms", cfg.supervision.backoff_max_ms);
  });
  read_section(out, r, "shutdown", [&](table_reader& s) { s.read("grace_ms", cfg.shutdown.grace_ms); });
  read_section(out, r, "market", [&](table_reader& s) {
    s.read("data", cfg.market.data);
    s.read("execution", cfg.market.execution);
  });
  std::optional<double> window_s;
  read_section(out, r, "strategy",
               [&](table_reader& s) { read_strategy(out, s, cfg.strategy, window_s); });
  read_section(out, r, "sim", [&](table_reader& s) { read_sim(out, s, cfg.sim); });
  // Pairs start from [strategy] (read above, wherever it is in the file).
  std::vector<pair_entry> pairs;
  if (r.each_table("pairs", [&](const toml::table* t, const std::string& p) {
        pair_entry e;
        e.params = cfg.strategy;
        if (t) {
          table_reader pr{out, *t, p};
          pr.require("symbol", e.symbol);
          pr.require("venue_a", e.venue_a);
          pr.require("venue_b", e.venue_b);
          auto pair_window_s = window_s;
          read_strategy(out, pr, e.params, pair_window_s);
          pr.finish();
        }
        pairs.push_back(std::move(e));
      }))
    cfg.pairs = std::move(pairs);
  r.finish();
}

std::string write_toml(const node_config& c) {
  toml_writer w;
  w.header("[node]");
  w.kv("name", c.node.name);
  w.kv("data_dir", c.node.data_dir);
  w.kv("log_level", c.node.log_level);
  w.kv("log_json", c.node.log_json);
  w.header("[web]");
  w.kv("listen", c.web.listen);
  w.header("[scheduler]");
  w.kv("max_threads", c.scheduler.max_threads);
  w.kv("policy", c.scheduler.policy);
  w.kv("low_latency", c.scheduler.low_latency);
  w.kv("inline_decisions", c.scheduler.inline_decisions);
  w.header("[supervision]");
  w.kv("max_restarts", c.supervision.max_restarts);
  w.kv("period_s", c.supervision.period_s);
  w.kv("backoff_initial_ms", c.supervision.backoff_initial_ms);
  w.kv("backoff_max_ms", c.supervision.backoff_max_ms);
  w.header("[shutdown]");
  w.kv("grace_ms", c.shutdown.grace_ms);
  w.header("[market]");
  w.kv("data", c.market.data);
  w.kv("execution", c.market.execution);
  w.header("[strategy]");
  write_strategy(w, c.strategy, nullptr, "[strategy.signal]");
  w.header("[sim]");
  w.kv("seed", c.sim.seed);
  w.kv("step_ms", c.sim.step_ms);
  w.kv("correlation", c.sim.correlation);
  w.kv("start_ts", c.sim.start_ts);
  for (auto& s : c.sim.symbols) {
    w.header("[[sim.symbols]]");
    w.kv("symbol", s.symbol);
    w.kv("base", s.base);
    w.kv("start_price", s.start_price);
    w.kv("vol_per_sqrt_s", s.vol_per_sqrt_s);
    w.kv("level_qty", s.level_qty);
    w.kv("lot_decimals_adjust", s.lot_decimals_adjust);
  }
  for (auto& v : c.sim.venues) {
    w.header("[[sim.venues]]");
    w.kv("name", v.name);
    w.kv("tick_scale", v.tick_scale);
    w.kv("maker_fee", v.maker_fee);
    w.kv("taker_fee", v.taker_fee);
    w.kv("latency_ms", v.latency_ms);
    w.kv("update_hz", v.update_hz);
    w.kv("levels", v.levels);
    w.kv("basis_mean_bps", v.basis_mean_bps);
    w.kv("basis_vol_bps", v.basis_vol_bps);
    w.kv("basis_reversion", v.basis_reversion);
    w.kv("dislocation_per_hour", v.dislocation_per_hour);
    w.kv("dislocation_bps", v.dislocation_bps);
    w.kv("dislocation_reversion", v.dislocation_reversion);
    w.kv("half_spread_bps", v.half_spread_bps);
    w.kv("level_step_bps", v.level_step_bps);
    w.kv("funding_interval_s", v.funding_interval_s);
    w.kv("funding_bias_bps", v.funding_bias_bps);
    w.kv("funding_basis_weight", v.funding_basis_weight);
    w.kv("funding_update_s", v.funding_update_s);
    w.kv("lot_decimals", v.lot_decimals);
    w.kv("min_notional", v.min_notional);
    w.kv("multiplier", v.multiplier);
    w.kv("gap_probability", v.gap_probability);
    w.kv("native_format", v.native_format);
    w.kv("quote", v.quote);
    w.kv("max_leverage", v.max_leverage);
    for (auto& k : v.contracts) {
      w.header("[[sim.venues.contracts]]");
      w.kv("symbol", k.symbol);
      w.kv("native_symbol", k.native_symbol);
      w.kv("multiplier", k.multiplier);
    }
  }
  for (auto& p : c.pairs) {
    w.header("[[pairs]]");
    w.kv("symbol", p.symbol);
    w.kv("venue_a", p.venue_a);
    w.kv("venue_b", p.venue_b);
    write_strategy(w, p.params, &c.strategy, "[pairs.signal]");
  }
  return std::move(w).str();
}

} // namespace xarb::config_detail
