#include "core/instrument_registry.hpp"

#include <algorithm>
#include <array>

namespace xarb {

namespace {

__extension__ using i128 = __int128;

constexpr char upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}
constexpr bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alnum_upper(char c) noexcept { return is_upper(c) || is_digit(c); }

std::string to_upper(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    c = upper(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (upper(a[i]) != upper(b[i]))
      return false;
  return true;
}

bool iends_with(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size()
         && iequals(s.substr(s.size() - suffix.size()), suffix);
}

/// "1000" -> 3, "1000000" -> 6; -1 unless a power of ten >= 1000 and <= 1e9.
int power_of_ten_exponent(std::string_view digits) noexcept {
  if (digits.size() < 4 || digits.size() > 10 || digits[0] != '1')
    return -1;
  for (std::size_t i = 1; i < digits.size(); ++i)
    if (digits[i] != '0')
      return -1;
  return static_cast<int>(digits.size()) - 1;
}

ratio pow10_ratio(int e) noexcept {
  int64_t v = decimal_scale;
  for (int i = 0; i < e; ++i)
    v *= 10;
  return ratio::from_raw(v);
}

/// Splits a unit prefix/suffix off a raw (case-preserved) base.
bool split_unit(std::string_view raw, native_symbol_info& out) {
  out.unit = ratio::from_units(1);
  std::string_view base = raw;
  if (raw.size() >= 2 && raw[0] == 'k' && is_upper(raw[1])) {
    out.unit = ratio::from_units(1000); // Hyperliquid kPEPE
    base = raw.substr(1);
  } else if (raw.size() >= 3 && raw[0] == '1' && raw[1] == 'M' && is_upper(raw[2])) {
    out.unit = ratio::from_units(1'000'000); // 1MBABYDOGE
    base = raw.substr(2);
  } else {
    std::size_t d = 0;
    while (d < raw.size() && is_digit(raw[d]))
      ++d;
    std::size_t t = raw.size();
    while (t > 0 && is_digit(raw[t - 1]))
      --t;
    if (d > 0 && d < raw.size()) {
      if (int e = power_of_ten_exponent(raw.substr(0, d)); e > 0) {
        out.unit = pow10_ratio(e); // 1000PEPE; "1INCH" is not a prefix
        base = raw.substr(d);
      }
    } else if (d == 0 && t > 0 && t < raw.size()) {
      if (int e = power_of_ten_exponent(raw.substr(t)); e > 0) {
        out.unit = pow10_ratio(e); // Bybit SHIB1000
        base = raw.substr(0, t);
      }
    }
  }
  out.base = to_upper(base);
  if (out.base.empty())
    return false;
  return std::all_of(out.base.begin(), out.base.end(), is_alnum_upper);
}

bool valid_quote(std::string_view q) noexcept {
  return !q.empty() && q.size() <= 8
         && std::all_of(q.begin(), q.end(), [](char c) { return is_alnum_upper(upper(c)); });
}

bool parse_concatenated(std::string_view s, native_symbol_info& out) {
  // Longest first: "FDUSD" before "USD", "USDT" before "USD".
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6>
    quotes{{{"FDUSD", "FDUSD"},
            {"USDT", "USDT"},
            {"USDC", "USDC"},
            {"BUSD", "BUSD"},
            {"PERP", "USDC"},
            {"USD", "USD"}}};
  for (const auto& [suffix, quote] : quotes) {
    if (s.size() > suffix.size() && iends_with(s, suffix)) {
      out.quote = std::string{quote};
      return split_unit(s.substr(0, s.size() - suffix.size()), out);
    }
  }
  return false;
}

/// BASE<sep>QUOTE<sep>KIND with KIND in `kinds` (case-insensitive).
bool parse_separated(std::string_view s, char sep,
                     std::initializer_list<std::string_view> kinds,
                     native_symbol_info& out) {
  const auto a = s.find(sep);
  if (a == std::string_view::npos)
    return false;
  const auto b = s.find(sep, a + 1);
  if (b == std::string_view::npos || s.find(sep, b + 1) != std::string_view::npos)
    return false;
  const auto kind = s.substr(b + 1);
  if (std::none_of(kinds.begin(), kinds.end(),
                   [&](std::string_view k) { return iequals(kind, k); }))
    return false;
  const auto quote = s.substr(a + 1, b - a - 1);
  if (!valid_quote(quote))
    return false;
  out.quote = to_upper(quote);
  return split_unit(s.substr(0, a), out);
}

bool parse_coin(std::string_view s, native_symbol_info& out) {
  // "dex:COIN" (HIP-3 builder markets) and "@123" (spot) are not perps we map.
  out.quote = "USDC";
  return split_unit(s, out);
}

symbol_style guess_style(std::string_view s) noexcept {
  if (s.find('-') != std::string_view::npos)
    return symbol_style::dashed;
  if (s.find('_') != std::string_view::npos)
    return symbol_style::underscored;
  native_symbol_info tmp;
  if (parse_concatenated(s, tmp))
    return symbol_style::concatenated;
  return symbol_style::coin;
}

/// round(num / den) with `mode`; den > 0. False on precision loss (exact).
bool round_div(i128 num, i128 den, rounding mode, i128& q) noexcept {
  const bool negative = num < 0;
  const i128 mag = negative ? -num : num;
  i128 m = mag / den;
  const i128 r = mag % den;
  if (r != 0) {
    bool bump = false;
    switch (mode) {
      case rounding::exact: return false;
      case rounding::toward_zero: break;
      case rounding::down: bump = negative; break;
      case rounding::up: bump = !negative; break;
      case rounding::nearest: bump = r >= den - r; break;
    }
    if (bump)
      ++m;
  }
  q = negative ? -m : m;
  return true;
}

/// value * mul / div rounded onto multiples of `step` (raw units), one rounding.
error_code to_grid(int64_t value, int64_t mul, int64_t div, int64_t step,
                   rounding mode, error_code off_grid, int64_t& out) noexcept {
  const i128 num = static_cast<i128>(value) * mul;
  const i128 den = static_cast<i128>(div) * step;
  i128 q = 0;
  if (!round_div(num, den, mode, q))
    return off_grid;
  const i128 res = q * step;
  if (res > INT64_MAX || res < -INT64_MAX)
    return error_code::overflow;
  out = static_cast<int64_t>(res);
  return error_code::none;
}

error_info invalid(const instrument_spec& s, std::string what) {
  return error_info{error_code::config_error,
                    "instrument " + s.venue + ":" + s.native_symbol + ": " + std::move(what)};
}

} // namespace

std::string_view to_string(symbol_style x) noexcept {
  switch (x) {
    case symbol_style::automatic: return "automatic";
    case symbol_style::concatenated: return "concatenated";
    case symbol_style::dashed: return "dashed";
    case symbol_style::underscored: return "underscored";
    case symbol_style::coin: return "coin";
  }
  return "unknown";
}

symbol_style style_for_venue(std::string_view venue) noexcept {
  for (auto v : {"binance", "bybit", "bitget", "aster"})
    if (iequals(venue, v))
      return symbol_style::concatenated;
  for (auto v : {"okx", "paradex"})
    if (iequals(venue, v))
      return symbol_style::dashed;
  for (auto v : {"grvt", "backpack"})
    if (iequals(venue, v))
      return symbol_style::underscored;
  for (auto v : {"hyperliquid", "lighter"})
    if (iequals(venue, v))
      return symbol_style::coin;
  return symbol_style::automatic;
}

expected<native_symbol_info> parse_native_symbol(symbol_style style,
                                                 std::string_view native) {
  if (style == symbol_style::automatic)
    style = guess_style(native);
  native_symbol_info out;
  bool ok = false;
  switch (style) {
    case symbol_style::concatenated: ok = parse_concatenated(native, out); break;
    case symbol_style::dashed:
      ok = parse_separated(native, '-', {"SWAP", "PERP"}, out);
      break;
    case symbol_style::underscored:
      ok = parse_separated(native, '_', {"PERP"}, out);
      break;
    case symbol_style::coin: ok = parse_coin(native, out); break;
    case symbol_style::automatic: break;
  }
  if (!ok)
    return error_info{error_code::unknown_symbol,
                      "cannot parse " + std::string{to_string(style)} + " symbol '"
                        + std::string{native} + "'"};
  return out;
}

std::string canonical_symbol(std::string_view base) {
  std::string out{base};
  out += "-PERP";
  return out;
}

expected<ratio> contract_multiplier(ratio native_unit, ratio canonical_unit) {
  if (!native_unit.is_positive() || !canonical_unit.is_positive())
    return error_info{error_code::config_error, "units must be positive"};
  return divide_by(native_unit, canonical_unit, rounding::exact);
}

expected<price> to_canonical_price(const instrument_spec& spec, price native) {
  return divide_by(native, spec.multiplier, rounding::exact);
}

expected<quantity> to_canonical_qty(const instrument_spec& spec, quantity native) {
  return multiply(native, spec.multiplier, rounding::exact);
}

expected<price> to_native_price(const instrument_spec& spec, price canonical,
                                rounding mode) {
  if (!spec.tick.is_positive() || !spec.multiplier.is_positive())
    return error_info{error_code::config_error, "bad tick or multiplier"};
  int64_t out = 0;
  if (auto ec = to_grid(canonical.raw(), spec.multiplier.raw(), decimal_scale,
                        spec.tick.raw(), mode, error_code::bad_tick, out);
      ec != error_code::none)
    return error_info{ec, "price " + canonical.to_string() + " on " + spec.venue + ":"
                            + spec.native_symbol + " tick " + spec.tick.to_string()};
  return price::from_raw(out);
}

expected<quantity> to_native_qty(const instrument_spec& spec, quantity canonical,
                                 rounding mode) {
  if (!spec.lot.is_positive() || !spec.multiplier.is_positive())
    return error_info{error_code::config_error, "bad lot or multiplier"};
  int64_t out = 0;
  if (auto ec = to_grid(canonical.raw(), decimal_scale, spec.multiplier.raw(),
                        spec.lot.raw(), mode, error_code::bad_lot, out);
      ec != error_code::none)
    return error_info{ec, "size " + canonical.to_string() + " on " + spec.venue + ":"
                            + spec.native_symbol + " lot " + spec.lot.to_string()};
  return quantity::from_raw(out);
}

error_info instrument_registry::add(instrument_spec spec) {
  if (spec.venue.empty() || spec.native_symbol.empty() || spec.symbol.empty())
    return invalid(spec, "venue, native symbol and symbol are required");
  if (!spec.base.empty() && spec.symbol != canonical_symbol(spec.base))
    return invalid(spec, "symbol '" + spec.symbol + "' does not match base '"
                           + spec.base + "' (expected " + canonical_symbol(spec.base) + ")");
  if (!spec.multiplier.is_positive())
    return invalid(spec, "multiplier must be > 0");
  if (!spec.tick.is_positive())
    return invalid(spec, "tick must be > 0");
  if (!spec.lot.is_positive())
    return invalid(spec, "lot must be > 0");
  if (spec.min_qty.is_negative() || spec.min_notional.is_negative())
    return invalid(spec, "minimums must be >= 0");
  if (find(spec.venue, spec.native_symbol) != nullptr)
    return invalid(spec, "duplicate native symbol");
  if (const auto* other = find_canonical(spec.venue, spec.symbol))
    return invalid(spec, "venue already maps " + spec.symbol + " to "
                           + other->native_symbol);
  const std::string venue = spec.venue;
  const std::string native = spec.native_symbol;
  const std::string symbol = spec.symbol;
  auto& slot = by_native_[venue][native];
  slot = std::move(spec);
  by_canonical_[venue][symbol] = &slot;
  by_symbol_[symbol][venue] = &slot;
  ++size_;
  return {};
}

const instrument_spec* instrument_registry::find(std::string_view venue,
                                                 std::string_view native_symbol) const {
  auto v = by_native_.find(venue);
  if (v == by_native_.end())
    return nullptr;
  auto i = v->second.find(native_symbol);
  return i == v->second.end() ? nullptr : &i->second;
}

const instrument_spec* instrument_registry::find_canonical(std::string_view venue,
                                                           std::string_view symbol) const {
  auto v = by_canonical_.find(venue);
  if (v == by_canonical_.end())
    return nullptr;
  auto i = v->second.find(symbol);
  return i == v->second.end() ? nullptr : i->second;
}

std::vector<const instrument_spec*>
instrument_registry::specs_for(std::string_view symbol) const {
  std::vector<const instrument_spec*> out;
  if (auto s = by_symbol_.find(symbol); s != by_symbol_.end())
    for (const auto& [venue, spec] : s->second)
      out.push_back(spec);
  return out;
}

std::vector<std::string> instrument_registry::venues_for(std::string_view symbol) const {
  std::vector<std::string> out;
  if (auto s = by_symbol_.find(symbol); s != by_symbol_.end())
    for (const auto& [venue, spec] : s->second)
      out.push_back(venue);
  return out;
}

std::vector<std::string> instrument_registry::common_symbols(std::string_view venue_a,
                                                             std::string_view venue_b) const {
  std::vector<std::string> out;
  auto a = by_canonical_.find(venue_a);
  auto b = by_canonical_.find(venue_b);
  if (a == by_canonical_.end() || b == by_canonical_.end())
    return out;
  for (const auto& [symbol, spec] : a->second)
    if (b->second.count(symbol) != 0)
      out.push_back(symbol);
  return out;
}

std::vector<std::string> instrument_registry::symbols() const {
  std::vector<std::string> out;
  out.reserve(by_symbol_.size());
  for (const auto& [symbol, venues] : by_symbol_)
    out.push_back(symbol);
  return out;
}

} // namespace xarb
