// Semantic rules of the node configuration: ranges, names and cross
// references. Type errors are the reader's job (config_toml.cpp); these rules
// also run on configs built or changed in code (validate()).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "nodes/config_detail.hpp"
#include "nodes/config_toml_io.hpp"
#include "venues/sim/venue_listing.hpp"
#include "venues/sim/world_generator.hpp"
#include "web/listen_address.hpp"

namespace xarb::config_detail {

namespace {

std::string idx(const char* array, std::size_t i) {
  return std::string{array} + "[" + std::to_string(i) + "]";
}

template <class T>
std::string show(T x) {
  if constexpr (std::is_floating_point_v<T>)
    return format_double(x);
  else if constexpr (std::is_integral_v<T>)
    return std::to_string(x);
  else
    return x.to_string();
}

class rules {
public:
  explicit rules(problem_list& out) : out_(out) {}

  template <class T>
  void range(const std::string& path, T value, T lo, T hi) {
    if constexpr (std::is_floating_point_v<T>) {
      if (!std::isfinite(value)) {
        out_.add(path, "must be a finite number");
        return;
      }
    }
    if (value < lo || value > hi)
      out_.add(path, "must be between " + show(lo) + " and " + show(hi) + " (got "
                       + show(value) + ")");
  }

  template <class T>
  void positive(const std::string& path, T value) {
    if (!value.is_positive())
      out_.add(path, "must be greater than 0 (got " + value.to_string() + ")");
  }

  void problem(const std::string& path, const std::string& message) { out_.add(path, message); }

  void one_of(const std::string& path, const std::string& value,
              std::initializer_list<const char*> allowed) {
    std::string list;
    for (auto* a : allowed) {
      if (value == a)
        return;
      list += list.empty() ? "" : ", ";
      list += a;
    }
    out_.add(path, "must be one of " + list + " (got \"" + value + "\")");
  }

  /// Names that end up in logs, metric labels and URLs: short, no spaces.
  void name(const std::string& path, const std::string& value) {
    if (value.empty()) {
      out_.add(path, "must not be empty");
      return;
    }
    if (value.size() > 64) {
      out_.add(path, "must be at most 64 characters");
      return;
    }
    for (char c : value)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
        out_.add(path, "\"" + value + "\" may only contain letters, digits, '-', '_' and '.'");
        return;
      }
  }

  void not_empty(const std::string& path, const std::string& value) {
    if (value.empty())
      out_.add(path, "must not be empty");
  }

  void add(const std::string& path, std::string message) {
    out_.add(path, std::move(message));
  }

private:
  problem_list& out_;
};

void check_node(const node_config& c, rules& r) {
  r.name("node.name", c.node.name);
  r.not_empty("node.data_dir", c.node.data_dir);
  r.one_of("node.log_level", c.node.log_level,
           {"trace", "debug", "info", "warn", "warning", "error", "critical", "off"});
  if (auto addr = parse_listen_address(c.web.listen); !addr)
    r.add("web.listen", addr.error().message);
  r.range("web.threads", c.web.threads, 1, 16);
  r.range("web.max_body_bytes", c.web.max_body_bytes, 1024, 1 << 20);
  r.range("web.rate_limit_rps", c.web.rate_limit_rps, 0.0, 1e6);
  r.range("web.rate_limit_burst", c.web.rate_limit_burst, 1.0, 1e6);
  r.range("web.stream_interval_ms", c.web.stream_interval_ms, 10, 10'000);
  r.range("web.ws_max_clients", c.web.ws_max_clients, 1, 10'000);
  r.range("web.ws_queue_bytes", c.web.ws_queue_bytes, 65'536, 1 << 30);
  if (c.web.live_confirm_text.size() < 8)
    r.add("web.live_confirm_text", "must be at least 8 characters (it guards live orders)");
  r.range("web.equity_sample_s", c.web.equity_sample_s, 1, 3600);
  r.range("scheduler.max_threads", c.scheduler.max_threads, 0, 256);
  r.one_of("scheduler.policy", c.scheduler.policy, {"stealing", "sharing"});
  r.range("supervision.max_restarts", c.supervision.max_restarts, 0, 1000);
  r.range("supervision.period_s", c.supervision.period_s, 1, 86'400);
  r.range("supervision.backoff_initial_ms", c.supervision.backoff_initial_ms, 1, 600'000);
  r.range("supervision.backoff_max_ms", c.supervision.backoff_max_ms, 1, 3'600'000);
  if (c.supervision.backoff_max_ms < c.supervision.backoff_initial_ms)
    r.add("supervision.backoff_max_ms", "must be >= backoff_initial_ms ("
                                          + std::to_string(c.supervision.backoff_initial_ms)
                                          + ")");
  r.range("shutdown.grace_ms", c.shutdown.grace_ms, 0, 600'000);
  if (c.market.data == "live" || c.market.data == "replay")
    r.add("market.data", "\"" + c.market.data
                           + "\" is not available yet (this version supports \"sim\")");
  else
    r.one_of("market.data", c.market.data, {"sim"});
  if (c.market.execution == "live")
    r.add("market.execution",
          "\"live\" is not available yet (this version supports \"paper\")");
  else
    r.one_of("market.execution", c.market.execution, {"paper"});
  r.range("market.consistency_check_s", c.market.consistency_check_s, 0.0, 86'400.0);
  r.range("storage.batch_max", c.storage.batch_max, 1, 1'000'000);
  r.range("storage.flush_ms", c.storage.flush_ms, 1, 60'000);
  auto& d = c.storage.retention_days;
  r.range("storage.retention_days.orders", d.orders, 0, 36'500);
  r.range("storage.retention_days.fills", d.fills, 0, 36'500);
  // Recovery rebuilds every ledger from all of its fills.
  if (d.fills != 0)
    r.problem("storage.retention_days.fills",
              "must be 0: recovery rebuilds positions and P&L from every fill");
  r.range("storage.retention_days.positions", d.positions, 0, 36'500);
  r.range("storage.retention_days.events", d.events, 0, 36'500);
  r.range("storage.retention_days.spreads", d.spreads, 0, 36'500);
  r.range("storage.retention_days.market", d.market, 0, 36'500);
  r.range("storage.retention_days.config", d.config, 0, 36'500);
  r.range("storage.retention_days.history", d.history, 0, 36'500);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start < text.size();) {
    auto end = std::min(text.find('\n', start), text.size());
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

/// One line of strategy::validate(): "PATH.KEY: message".
void add_strategy_problem(const std::string& line, rules& r) {
  auto colon = line.find(": ");
  if (colon == std::string::npos)
    r.add("", line);
  else
    r.add(line.substr(0, colon), line.substr(colon + 2));
}

/// [strategy], then each [[pairs]] entry's parameters. A problem that a pair
/// only inherits from [strategy] is reported once, there.
void check_strategy(const node_config& c, rules& r) {
  const std::string prefix = "strategy.";
  std::set<std::string> inherited; // "signal.z_exit: must be < z_entry (2)"
  for (auto& line : split_lines(strategy::validate(c.strategy, "strategy"))) {
    add_strategy_problem(line, r);
    inherited.insert(line.substr(prefix.size()));
  }
  for (std::size_t i = 0; i < c.pairs.size(); ++i) {
    auto path = idx("pairs", i);
    for (auto& line : split_lines(strategy::validate(c.pairs[i].params, path)))
      if (inherited.count(line.substr(path.size() + 1)) == 0)
        add_strategy_problem(line, r);
  }
}

std::string native_symbol_of(const sim::venue_config& v, const sim::symbol_config& s) {
  for (auto& k : v.contracts)
    if (k.symbol == s.symbol && !k.native_symbol.empty())
      return k.native_symbol;
  auto out = v.native_format;
  for (auto pos = out.find("{base}"); pos != std::string::npos; pos = out.find("{base}"))
    out.replace(pos, 6, s.base);
  return out;
}

/// Reports `name` at `path` if an earlier entry of `array` has it too.
void unique(rules& r, std::map<std::string, std::size_t>& seen, const std::string& name,
            std::size_t i, const std::string& path, const char* what, const char* array) {
  if (name.empty())
    return;
  if (auto [it, fresh] = seen.emplace(name, i); !fresh)
    r.add(path, std::string{"duplicate "} + what + " \"" + name + "\" (first defined in "
                  + idx(array, it->second) + ")");
}

/// "not in [[sim.symbols]]", naming the generated symbols when there are some.
std::string not_a_symbol(const sim::world_config& w, const std::string& symbol) {
  return "unknown symbol \"" + symbol + "\" (not in [[sim.symbols]]"
         + (w.generate_symbols > 0 ? " nor generated by sim.generate_symbols)" : ")");
}

/// `live`: the config has live venues, so the simulated market may be empty.
void check_sim(const sim::world_config& w, bool live, rules& r) {
  r.range("sim.step_ms", w.step_ms, 1, 60'000);
  r.range("sim.correlation", w.correlation, 0.0, 1.0);
  r.range("sim.start_ts", w.start_ts, timestamp_ns{0}, INT64_MAX);
  r.range("sim.generate_symbols", w.generate_symbols, 0, sim::max_generated_symbols);
  if (w.symbols.empty() && w.generate_symbols <= 0 && !w.venues.empty())
    r.add("sim.symbols",
          "at least one [[sim.symbols]] entry is required (or sim.generate_symbols > 0)");
  // The world's symbols: configured, then generated (world_generator.hpp).
  const auto all = sim::world_symbols(w);
  std::set<std::string> generated;
  for (std::size_t i = w.symbols.size(); i < all.size(); ++i)
    generated.insert(all[i].symbol);
  if (w.venues.empty() && !live)
    r.add("sim.venues", "at least one [[sim.venues]] entry is required (or a [venues.<name>] "
                        "with market_data = \"live\")");

  std::map<std::string, std::size_t> symbols;
  for (std::size_t i = 0; i < w.symbols.size(); ++i) {
    auto& s = w.symbols[i];
    auto p = idx("sim.symbols", i);
    r.name(p + ".symbol", s.symbol);
    unique(r, symbols, s.symbol, i, p + ".symbol", "symbol", "sim.symbols");
    if (generated.count(s.symbol) != 0)
      r.add(p + ".symbol", "\"" + s.symbol + "\" is also the name of a generated symbol "
                             "(sim.generate_symbols = " + std::to_string(w.generate_symbols)
                             + "): rename it");
    r.name(p + ".base", s.base);
    r.positive(p + ".start_price", s.start_price);
    r.range(p + ".vol_per_sqrt_s", s.vol_per_sqrt_s, 0.0, 0.01);
    r.positive(p + ".level_qty", s.level_qty);
    r.range(p + ".lot_decimals_adjust", s.lot_decimals_adjust, -9, 9);
  }

  std::map<std::string, std::size_t> venues;
  for (std::size_t i = 0; i < w.venues.size(); ++i) {
    auto& v = w.venues[i];
    auto p = idx("sim.venues", i);
    r.name(p + ".name", v.name);
    unique(r, venues, v.name, i, p + ".name", "venue name", "sim.venues");
    r.positive(p + ".tick_scale", v.tick_scale);
    if (v.tick_scale > price::from_units(1))
      r.add(p + ".tick_scale", "must be at most 1 (a fraction of the price)");
    auto fee_lo = ratio::from_string("-0.01").value();
    auto fee_hi = ratio::from_string("0.01").value();
    if (v.maker_fee < fee_lo || v.maker_fee > fee_hi)
      r.add(p + ".maker_fee", "must be between -0.01 and 0.01 (got " + v.maker_fee.to_string()
                                + ")");
    if (v.taker_fee < ratio::zero() || v.taker_fee > fee_hi)
      r.add(p + ".taker_fee", "must be between 0 and 0.01 (got " + v.taker_fee.to_string()
                                + ")");
    r.range(p + ".latency_ms", v.latency_ms, 0, 60'000);
    r.range(p + ".update_hz", v.update_hz, 0.01, 1000.0);
    r.range(p + ".levels", v.levels, 20, 1000);
    r.range(p + ".basis_mean_bps", v.basis_mean_bps, -1000.0, 1000.0);
    r.range(p + ".basis_vol_bps", v.basis_vol_bps, 0.0, 1000.0);
    r.range(p + ".basis_reversion", v.basis_reversion, 0.0001, 100.0);
    r.range(p + ".dislocation_per_hour", v.dislocation_per_hour, 0.0, 3600.0);
    r.range(p + ".dislocation_bps", v.dislocation_bps, 0.0, 10'000.0);
    r.range(p + ".dislocation_reversion", v.dislocation_reversion, 0.0001, 100.0);
    r.range(p + ".half_spread_bps", v.half_spread_bps, 0.0, 1000.0);
    r.range(p + ".level_step_bps", v.level_step_bps, 0.01, 1000.0);
    r.range(p + ".funding_interval_s", v.funding_interval_s, 60, 7 * 86'400);
    r.range(p + ".funding_bias_bps", v.funding_bias_bps, -1000.0, 1000.0);
    r.range(p + ".funding_basis_weight", v.funding_basis_weight, -10.0, 10.0);
    r.range(p + ".funding_update_s", v.funding_update_s, 1, 86'400);
    r.range(p + ".lot_decimals", v.lot_decimals, 0, 9);
    if (v.min_notional.is_negative())
      r.add(p + ".min_notional", "must not be negative");
    r.positive(p + ".multiplier", v.multiplier);
    r.range(p + ".gap_probability", v.gap_probability, 0.0, 1.0);
    r.range(p + ".corrupt_probability", v.corrupt_probability, 0.0, 1.0);
    r.range(p + ".rate_limit_orders_per_s", v.rate_limit_orders_per_s, 0, 1'000'000);
    r.range(p + ".rate_limit_burst", v.rate_limit_burst, 0, 1'000'000);
    r.range(p + ".ban_after_429", v.ban_after_429, 0, 1'000'000);
    r.range(p + ".ban_s", v.ban_s, 1, 86'400);
    r.not_empty(p + ".native_format", v.native_format);
    r.name(p + ".quote", v.quote);
    // 0 = the venue does not publish a maximum leverage.
    r.range(p + ".max_leverage", v.max_leverage, 0, 200);
    r.range(p + ".listing_ratio", v.listing_ratio, 0.0, 1.0);
    std::set<std::string> unlisted;
    for (std::size_t k = 0; k < v.unlisted.size(); ++k) {
      auto& u = v.unlisted[k];
      auto up = p + ".unlisted[" + std::to_string(k) + "]";
      if (symbols.count(u) == 0 && generated.count(u) == 0)
        r.add(up, not_a_symbol(w, u));
      else if (!unlisted.insert(u).second)
        r.add(up, "\"" + u + "\" is given twice");
    }
    const auto listed = sim::listed_indices(w, v, all);
    if (listed.empty() && !all.empty())
      r.add(p, "lists none of the world's " + std::to_string(all.size())
                 + " symbols (see unlisted and listing_ratio)");

    std::set<std::string> overridden;
    for (std::size_t k = 0; k < v.contracts.size(); ++k) {
      auto& c = v.contracts[k];
      auto cp = p + ".contracts[" + std::to_string(k) + "]";
      if (symbols.count(c.symbol) == 0 && generated.count(c.symbol) == 0)
        r.add(cp + ".symbol", not_a_symbol(w, c.symbol));
      else if (!overridden.insert(c.symbol).second)
        r.add(cp + ".symbol", "duplicate contract for \"" + c.symbol + "\"");
      r.positive(cp + ".multiplier", c.multiplier);
    }
    // Two listed symbols must not map to the same native symbol on one venue.
    std::map<std::string, std::string> natives;
    for (std::size_t li : listed) {
      auto& s = all[li];
      auto native = native_symbol_of(v, s);
      if (auto [it, fresh] = natives.emplace(native, s.symbol); !fresh)
        r.add(p, "symbols \"" + it->second + "\" and \"" + s.symbol
                   + "\" both map to native symbol \"" + native + "\"");
    }
    for (std::size_t li : listed) {
      auto& s = all[li];
      auto lot = v.lot_decimals + s.lot_decimals_adjust;
      if (lot < -9 || lot > 9)
        r.add(p + ".lot_decimals", "lot_decimals + lot_decimals_adjust of \"" + s.symbol
                                     + "\" must be between -9 and 9 (got "
                                     + std::to_string(lot) + ")");
    }
  }
}

void check_pairs(const node_config& c, rules& r) {
  const auto all = sim::world_symbols(c.sim);
  std::set<std::string> symbols;
  for (auto& s : all)
    symbols.insert(s.symbol);
  // Listed symbols of the venues that pairs name, computed once each.
  std::map<std::string, std::set<std::string>> listings;
  auto lists = [&](const std::string& venue, const std::string& symbol) {
    auto it = listings.find(venue);
    if (it == listings.end()) {
      std::set<std::string> listed;
      for (auto& v : c.sim.venues)
        if (v.name == venue)
          for (std::size_t k : sim::listed_indices(c.sim, v, all))
            listed.insert(all[k].symbol);
      it = listings.emplace(venue, std::move(listed)).first;
    }
    return it->second.count(symbol) != 0;
  };
  // A simulated venue needs a symbol of the simulated world; a pair of two
  // live venues only a canonical symbol (their listings are known at start).
  auto simulated = [&](const std::string& venue) {
    return venue_known(c, venue) && !venue_is_live(c, venue);
  };
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < c.pairs.size(); ++i) {
    auto& pr = c.pairs[i];
    auto p = idx("pairs", i);
    const bool any_sim = simulated(pr.venue_a) || simulated(pr.venue_b);
    const bool known = symbols.count(pr.symbol) != 0;
    if (any_sim && !known)
      r.add(p + ".symbol", not_a_symbol(c.sim, pr.symbol));
    else if (!any_sim && !canonical_symbol_form(pr.symbol))
      r.add(p + ".symbol", "\"" + pr.symbol + "\" is not a canonical symbol (BASE-PERP, base in "
                             "upper case: \"BTC-PERP\")");
    for (auto [key, venue] : {std::pair{".venue_a", &pr.venue_a}, std::pair{".venue_b", &pr.venue_b}}) {
      if (!venue_known(c, *venue)) {
        r.add(p + key, unknown_venue(*venue));
      } else if (venue_is_live(c, *venue)) {
        auto& watched = venue_of(c, *venue).symbols;
        if (!watched.empty() && std::find(watched.begin(), watched.end(), pr.symbol) == watched.end())
          r.add(p + key, "venue \"" + *venue + "\" does not watch \"" + pr.symbol
                           + "\" (add it to [venues." + *venue + "] symbols)");
      } else if (known && !lists(*venue, pr.symbol)) {
        r.add(p + key, "venue \"" + *venue + "\" does not list \"" + pr.symbol
                         + "\" (see its unlisted and listing_ratio)");
      }
    }
    if (pr.venue_a == pr.venue_b)
      r.add(p + ".venue_b", "must differ from venue_a");
    auto key = pr.symbol + ":" + std::min(pr.venue_a, pr.venue_b) + "/"
               + std::max(pr.venue_a, pr.venue_b);
    if (auto [it, fresh] = seen.emplace(key, i); !fresh)
      r.add(p, "duplicate pair (same as " + idx("pairs", it->second) + ")");
  }
}


// -- [risk] ----------------------------------------------------------------------
// risk::validate() is the authority on the values; its lines name a few
// things differently from the file, translated here: breaker durations in ns
// (error_rate.window_ns -> error_rate.window_s, numbers converted), capital
// layers and pools by name (layers.L1 -> layers[0]).

/// Every number of `message` (a whole token, e.g. "(got -5000000)") divided
/// by `unit`: the message of a ns field, spoken in the key's unit.
std::string in_unit(const std::string& message, int64_t unit) {
  std::string out;
  for (std::size_t i = 0; i < message.size();) {
    bool start = i == 0 || message[i - 1] == ' ' || message[i - 1] == '(';
    std::size_t j = i + (message[i] == '-' ? 1 : 0);
    std::size_t k = j;
    while (k < message.size() && std::isdigit(static_cast<unsigned char>(message[k])))
      ++k;
    bool end = k == message.size() || message[k] == ' ' || message[k] == ')';
    long long ns = 0;
    if (start && k > j && end
        && std::from_chars(message.data() + i, message.data() + k, ns).ec == std::errc{}) {
      if (ns % unit == 0)
        out += std::to_string(ns / unit);
      else
        out += format_double(static_cast<double>(ns) / static_cast<double>(unit));
      i = k;
    } else {
      out += message[i++];
    }
  }
  return out;
}

/// Finds the entry that a name-keyed line of risk::validate() is about. The
/// lines come in entry order, so the search starts at the last match; a
/// "duplicate" line is never about the first entry of that name.
class name_cursor {
public:
  explicit name_cursor(std::vector<std::string> names) : names_(std::move(names)) {}

  /// For `rest` = "NAME" or "NAME.suffix" (or "[i]..." for an empty name):
  /// the entry's index and the length of the name part.
  std::optional<std::pair<std::size_t, std::size_t>> find(const std::string& rest, bool dup) {
    if (!rest.empty() && rest[0] == '[') {
      std::size_t i = 0;
      auto close = rest.find(']');
      if (close != std::string::npos
          && std::from_chars(rest.data() + 1, rest.data() + close, i).ec == std::errc{}
          && i < names_.size())
        return std::pair{i, close + 1};
      return std::nullopt;
    }
    std::optional<std::pair<std::size_t, std::size_t>> best;
    for (std::size_t i = cursor_; i < names_.size(); ++i) {
      auto& n = names_[i];
      bool match = !n.empty() && rest.compare(0, n.size(), n) == 0
                   && (rest.size() == n.size() || rest[n.size()] == '.');
      if (!match || (dup && first_of(n) == i))
        continue;
      // The first entry, unless a longer name matches too ("L1.x" vs "L1").
      if (!best || n.size() > best->second)
        best = std::pair{i, n.size()};
    }
    if (best)
      cursor_ = best->first;
    return best;
  }

private:
  std::size_t first_of(const std::string& name) const {
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == name)
        return i;
    return names_.size();
  }

  std::vector<std::string> names_;
  std::size_t cursor_ = 0;
};

/// One line of risk::validate() as (TOML path, message).
class risk_lines {
public:
  explicit risk_lines(const risk::capital_config& c)
    : layers_(names(c.layers)), pools_(names(c.pools)) {}

  std::pair<std::string, std::string> translate(const std::string& line) {
    auto colon = line.find(": ");
    if (colon == std::string::npos)
      return {"risk", line};
    auto path = line.substr(0, colon);
    auto message = line.substr(colon + 2);
    bool dup = message.rfind("duplicate", 0) == 0;
    const std::string breakers = "risk.breakers.";
    const std::string layers = "risk.capital.layers.";
    const std::string pools = "risk.capital.pools.";
    if (path.rfind(breakers, 0) == 0) {
      auto rest = path.substr(breakers.size());
      auto dot = rest.find('.');
      if (dot != std::string::npos) {
        if (auto key = breaker_duration_key(rest.substr(0, dot), rest.substr(dot + 1)))
          return {breakers + rest.substr(0, dot) + "." + key->key, in_unit(message, key->unit)};
      }
    } else if (path.rfind(layers, 0) == 0) {
      auto rest = path.substr(layers.size());
      if (auto hit = layers_.find(rest, dup)) {
        auto suffix = rest.substr(hit->second);
        return {idx("risk.capital.layers", hit->first) + (suffix.empty() ? ".name" : suffix),
                message};
      }
    } else if (path.rfind(pools, 0) == 0) {
      auto rest = path.substr(pools.size());
      if (auto hit = pools_.find(rest, dup)) {
        bool value = message.rfind("must be", 0) == 0; // the pool, not the venue name
        return {idx("risk.capital.pools", hit->first) + (value ? ".pool" : ".venue"), message};
      }
    }
    return {path, message};
  }

private:
  static std::vector<std::string> names(const std::vector<risk::layer_config>& v) {
    std::vector<std::string> out;
    for (auto& l : v)
      out.push_back(l.name);
    return out;
  }
  static std::vector<std::string> names(const std::vector<std::pair<std::string, money>>& v) {
    std::vector<std::string> out;
    for (auto& p : v)
      out.push_back(p.first);
    return out;
  }

  name_cursor layers_;
  name_cursor pools_;
};

/// What a [[risk.venues]] entry inherits from [risk]: "max_leverage" ->
/// "default_max_leverage", "rate_limits.K" -> "rate_limits.K".
std::string inherited_key(const std::string& venue_key) {
  if (venue_key == "max_leverage" || venue_key == "margin_leverage")
    return "default_" + venue_key;
  if (venue_key.rfind("rate_limits.", 0) == 0)
    return venue_key;
  return {};
}

void check_risk(const node_config& c, rules& r) {
  risk_lines lines{c.risk.capital};
  std::set<std::string> top; // "KEY: message" of risk.KEY
  for (auto& line : split_lines(risk::validate(c.risk, "risk"))) {
    auto [path, message] = lines.translate(line);
    // A problem a venue only inherits from [risk] is reported once, there.
    if (path.rfind("risk.venues[", 0) == 0) {
      auto close = path.find("].");
      if (close != std::string::npos) {
        auto key = inherited_key(path.substr(close + 2));
        if (!key.empty() && top.count(key + ": " + message))
          continue;
      }
    } else if (path.rfind("risk.", 0) == 0) {
      top.insert(path.substr(5) + ": " + message);
    }
    r.add(path, message);
  }
  for (std::size_t i = 0; i < c.risk.venues.size(); ++i) {
    auto& name = c.risk.venues[i].venue;
    if (!name.empty() && !venue_known(c, name))
      r.add(idx("risk.venues", i) + ".venue", unknown_venue(name));
  }
  for (std::size_t i = 0; i < c.risk.capital.pools.size(); ++i) {
    auto& name = c.risk.capital.pools[i].first;
    if (!name.empty() && !venue_known(c, name))
      r.add(idx("risk.capital.pools", i) + ".venue", unknown_venue(name));
  }
}

} // namespace

void check_rules(const node_config& cfg, problem_list& out) {
  rules r{out};
  check_node(cfg, r);
  const bool live = std::any_of(cfg.venues.begin(), cfg.venues.end(),
                                [](auto& v) { return v.second.market_data == "live"; });
  check_sim(cfg.sim, live, r);
  check_pairs(cfg, r);
  check_strategy(cfg, r);
  check_risk(cfg, r);
  check_scanner(cfg, out);
  check_venues(cfg, out);
  check_canonical_units(cfg.market, out);
}

} // namespace xarb::config_detail
