#pragma once
// Wire helpers shared by the OKX, Bitget and Bybit codecs and mock protocols:
// all three speak JSON with [[price, size, ...], ...] level arrays,
// millisecond timestamps and decimal strings. Include from .cpp files only
// (simdjson.h is heavy). Bitget and Bybit include this header from here
// (header-only: no link dependency on xarb_venue_okx).

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "venues/common/json_fields.hpp"

namespace xarb::venues::wire {

namespace od = simdjson::ondemand;

inline constexpr int64_t ns_per_ms = 1'000'000;

// -- decoding -------------------------------------------------------------------

/// The text of a scalar token without quotes; `is_null` for null. False for
/// objects and arrays.
inline bool scalar_text(od::value v, std::string_view& out, bool& is_null) noexcept {
  std::string_view t = v.raw_json_token();
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n' || t.back() == '\r'
                        || t.back() == '\t' || t.back() == ',' || t.back() == ']'
                        || t.back() == '}'))
    t.remove_suffix(1);
  is_null = t == "null";
  if (is_null) {
    out = {};
    return true;
  }
  if (t.empty() || t[0] == '{' || t[0] == '[')
    return false;
  if (t[0] == '"') {
    if (t.size() < 2 || t.back() != '"')
      return false;
    t = t.substr(1, t.size() - 2);
  }
  out = t;
  return true;
}

/// Milliseconds (string or number) to ns. Returns false for anything but a
/// non-negative integer that fits; an empty string gives `present = false`.
inline bool get_ms(od::value v, timestamp_ns& out, bool& present) noexcept {
  std::string_view t;
  bool is_null = false;
  present = false;
  if (!scalar_text(v, t, is_null))
    return false;
  if (is_null || t.empty())
    return true; // "" = not told (OKX nextFundingTime of some contracts)
  int64_t ms = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), ms);
  if (ec != std::errc{} || p != t.data() + t.size() || ms < 0 || ms > INT64_MAX / ns_per_ms)
    return false;
  out = ms * ns_per_ms;
  present = true;
  return true;
}

/// A string (unescaped) or the text of another scalar (codes sent as
/// numbers); "" for null. False for objects and arrays.
inline bool get_text(od::value v, std::string_view& out) noexcept {
  od::json_type type;
  if (v.type().get(type) != simdjson::SUCCESS)
    return false;
  if (type == od::json_type::string)
    return v.get_string().get(out) == simdjson::SUCCESS;
  bool is_null = false;
  return scalar_text(v, out, is_null);
}

/// A decimal that may be absent ("" or null): false only for a bad value.
template <class Fixed>
bool get_opt_decimal(od::value v, std::optional<Fixed>& out,
                     rounding mode = rounding::exact) noexcept {
  std::string_view t;
  bool is_null = false;
  if (!scalar_text(v, t, is_null))
    return false;
  if (is_null || t.empty())
    return true;
  Fixed x;
  if (Fixed::parse(t, x, mode) != error_code::none)
    return false;
  out = x;
  return true;
}

/// Level arrays [[px, sz, ...], ...] appended to `out`; elements after the
/// size (OKX's "0" and order count) are skipped unread. Prices and sizes
/// may be strings or numbers (raw token text, never a double). Prices must
/// be > 0, sizes >= 0 (0 removes a level). Returns nullptr, or the reason.
/// (A hand-written scanner over the array's raw text was tried: it costs
/// more instructions than this, because simdjson must skip the array anyway.)
inline const char* read_levels(od::value v, std::vector<book_level>& out) {
  od::array arr;
  if (v.get_array().get(arr) != simdjson::SUCCESS)
    return "levels are not an array";
  for (auto lr : arr) {
    od::array lvl;
    if (lr.get_array().get(lvl) != simdjson::SUCCESS)
      return "a level is not an array";
    book_level l;
    int n = 0;
    for (auto er : lvl) {
      od::value e;
      if (er.get(e) != simdjson::SUCCESS)
        return "bad level element";
      if (n == 0) {
        if (json::get_decimal(e, l.px) != error_code::none)
          return "bad level price";
      } else if (n == 1) {
        if (json::get_decimal(e, l.qty) != error_code::none)
          return "bad level size";
      }
      ++n;
    }
    if (n < 2)
      return "a level has fewer than 2 fields";
    if (!l.px.is_positive() || l.qty.is_negative())
      return "level price <= 0 or size < 0";
    out.push_back(l);
  }
  return nullptr;
}

/// Multiplies every size by `k` (OKX contracts -> coins), nearest nano.
/// False on overflow.
inline bool scale_sizes(std::vector<book_level>& levels, ratio k) noexcept {
  if (k == ratio::from_units(1))
    return true;
  for (auto& l : levels) {
    int64_t q = 0;
    if (detail::mul_div(l.qty.raw(), k.raw(), decimal_scale, rounding::nearest, q)
        != error_code::none)
      return false;
    l.qty = quantity::from_raw(q);
  }
  return true;
}

using json::at_end;

/// The root of an OKX or Bitget WS frame: "arg" and "data" go to their
/// parsers (nullptr or an error text), "action", "event", "code" and "msg"
/// into the same-named views of `f`; other members are skipped.
template <class Fields, class OnArg, class OnData>
const char* walk_okx_frame(od::parser& parser, std::string& frame, Fields& f, OnArg&& on_arg,
                           OnData&& on_data) {
  return json::walk_frame(parser, frame, [&](auto k, od::value& v) -> const char* {
    if (k == "arg")
      return on_arg(v);
    if (k == "data")
      return on_data(v);
    if (k == "action")
      return v.get_string().get(f.action) != simdjson::SUCCESS ? "bad action" : nullptr;
    if (k == "event")
      return v.get_string().get(f.event) != simdjson::SUCCESS ? "bad event" : nullptr;
    if (k == "code" || k == "msg")
      return get_text(v, k == "code" ? f.code : f.msg) ? nullptr : "bad code/msg";
    return nullptr;
  });
}

/// A WS frame's "data":[{...}] (OKX, Bitget): exactly one object, whose
/// members go to `on_field(key, value)` (nullptr or an error text, which
/// stops the walk); `items` counts the items seen.
template <class F>
const char* walk_data_item(od::value v, int& items, F&& on_field) {
  od::array arr;
  if (v.get_array().get(arr) != simdjson::SUCCESS)
    return "data is not an array";
  for (auto ir : arr) {
    od::object item;
    if (ir.get_object().get(item) != simdjson::SUCCESS)
      return "data item is not an object";
    if (++items > 1)
      return "more than one data item";
    for (auto gr : item) {
      od::field g;
      if (std::move(gr).get(g) != simdjson::SUCCESS)
        return "bad data item";
      if (const char* e = on_field(g.key(), g.value()))
        return e;
    }
  }
  return nullptr;
}

/// The keys of a REST answer and the code of success: OKX
/// {"code":"0","msg":..,"data":..}, Bitget (code "00000"), Bybit
/// {"retCode":0,"retMsg":..,"result":..}.
struct rest_keys {
  std::string_view code = "code", msg = "msg", data = "data", ok = "0";
};

/// Parses a REST answer of the OKX family, calling `on_data(od::value&)`
/// (returning error_info) with its data member; a null data (error replies
/// carry "data":null) is skipped. Errors are prefixed with `what` (the
/// endpoint): not an object, bad JSON, trailing characters, a code other
/// than `keys.ok` (venue_unavailable, with the venue's message), no data.
template <class F>
error_info parse_rest(od::parser& parser, std::string_view body, std::string_view what,
                      const rest_keys& keys, F&& on_data) {
  auto fail = [&](std::string_view why, error_code ec = error_code::parse_error) {
    return error_info{ec, std::string{what} + ": " + std::string{why}};
  };
  simdjson::padded_string text(body);
  od::document doc;
  od::object root;
  if (parser.iterate(text).get(doc) != simdjson::SUCCESS
      || doc.get_object().get(root) != simdjson::SUCCESS)
    return fail("not a JSON object");
  std::string code, msg;
  bool has_data = false;
  for (auto fr : root) {
    od::field f;
    if (std::move(fr).get(f) != simdjson::SUCCESS)
      return fail("bad JSON");
    const auto k = f.key();
    if (k == keys.code || k == keys.msg) {
      std::string_view t;
      if (!get_text(f.value(), t))
        return fail("bad " + std::string{keys.code} + "/" + std::string{keys.msg});
      (k == keys.code ? code : msg) = std::string{t};
    } else if (k == keys.data) {
      od::json_type type;
      if (f.value().type().get(type) != simdjson::SUCCESS)
        return fail("bad " + std::string{keys.data});
      if (type == od::json_type::null)
        continue;
      if (auto e = on_data(f.value()); e)
        return e;
      has_data = true;
    }
  }
  if (!at_end(doc))
    return fail("trailing characters");
  if (code != keys.ok)
    return fail(std::string{keys.code} + " " + code + ": " + msg, error_code::venue_unavailable);
  if (!has_data)
    return fail("no " + std::string{keys.data});
  return {};
}

/// Scalar fields of a JSON object as text, nested objects one level deep as
/// "outer.inner"; arrays and nulls are left out. For listings (not the hot
/// path), where some venues send numbers and others strings.
struct flat_fields {
  std::vector<std::pair<std::string, std::string>> kv;

  std::optional<std::string_view> get(std::string_view key) const {
    for (const auto& [k, v] : kv)
      if (k == key)
        return std::string_view{v};
    return std::nullopt;
  }
  /// The field or "" when absent.
  std::string_view str(std::string_view key) const { return get(key).value_or(""); }
};

inline bool flatten(od::object o, flat_fields& out, const std::string& prefix = {},
                    int depth = 0) {
  for (auto fr : o) {
    od::field f;
    if (std::move(fr).get(f) != simdjson::SUCCESS)
      return false;
    std::string_view key;
    if (f.unescaped_key().get(key) != simdjson::SUCCESS)
      return false;
    std::string name = prefix + std::string{key};
    od::json_type type;
    if (f.value().type().get(type) != simdjson::SUCCESS)
      return false;
    switch (type) {
      case od::json_type::object: {
        od::object inner;
        if (f.value().get_object().get(inner) != simdjson::SUCCESS)
          return false;
        if (depth == 0) {
          if (!flatten(inner, out, name + ".", depth + 1))
            return false;
        } else {
          for (auto skip : inner) // consume, deeper objects are not needed
            if (skip.error() != simdjson::SUCCESS)
              return false;
        }
        break;
      }
      case od::json_type::array: {
        od::array arr;
        if (f.value().get_array().get(arr) != simdjson::SUCCESS)
          return false;
        for (auto skip : arr)
          if (skip.error() != simdjson::SUCCESS)
            return false;
        break;
      }
      case od::json_type::null:
        if (f.value().is_null().error() != simdjson::SUCCESS)
          return false;
        break;
      case od::json_type::string: {
        std::string_view s;
        if (f.value().get_string().get(s) != simdjson::SUCCESS)
          return false;
        out.kv.emplace_back(std::move(name), std::string{s});
        break;
      }
      default: {
        std::string_view t;
        if (!json::token_text(f.value(), t))
          return false;
        out.kv.emplace_back(std::move(name), std::string{t});
      }
    }
  }
  return true;
}

/// An integer field of a listing ("100", 100 or "100.00").
inline std::optional<int64_t> int_of(std::string_view t) {
  ratio r;
  if (t.empty() || ratio::parse(t, r, rounding::toward_zero) != error_code::none)
    return std::nullopt;
  return r.raw() / decimal_scale;
}

/// A funding interval in hours (string or number, read as int_of reads
/// it; null or "" = not told) into seconds; false for junk or out of
/// 1..10000 hours.
inline bool get_interval_hours(od::value v, int32_t& interval_s) noexcept {
  std::string_view t;
  bool is_null = false;
  if (!scalar_text(v, t, is_null))
    return false;
  if (is_null || t.empty())
    return true;
  auto h = int_of(t);
  if (!h || *h <= 0 || *h > 10'000)
    return false;
  interval_s = static_cast<int32_t>(*h * 3600);
  return true;
}

// -- encoding (mock protocols) ----------------------------------------------------

template <class Tag>
void append_dec(std::string& s, fixed<Tag> x) {
  char buf[32];
  s.append(buf, detail::format_nanos(x.raw(), buf));
}

/// "1.5" with the quotes.
template <class Tag>
void append_qdec(std::string& s, fixed<Tag> x) {
  s.push_back('"');
  append_dec(s, x);
  s.push_back('"');
}

inline void append_int(std::string& s, int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  s.append(buf, p);
}

inline void append_ms(std::string& s, timestamp_ns ns) { append_int(s, ns / ns_per_ms); }

inline void append_qms(std::string& s, timestamp_ns ns) {
  s.push_back('"');
  append_ms(s, ns);
  s.push_back('"');
}

/// A JSON string literal with the quotes, escaped.
inline void append_str(std::string& s, std::string_view v) {
  s.push_back('"');
  for (char c : v) {
    switch (c) {
      case '"': s += "\\\""; break;
      case '\\': s += "\\\\"; break;
      case '\n': s += "\\n"; break;
      case '\r': s += "\\r"; break;
      case '\t': s += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char hex[] = "0123456789abcdef";
          s += "\\u00";
          s.push_back(hex[(c >> 4) & 0xF]);
          s.push_back(hex[c & 0xF]);
        } else {
          s.push_back(c);
        }
    }
  }
  s.push_back('"');
}

/// x * k, saturating at the type's max (listing limits written by mocks).
template <class Tag>
fixed<Tag> times(fixed<Tag> x, int64_t k) {
  int64_t r = 0;
  if (__builtin_mul_overflow(x.raw(), k, &r))
    return fixed<Tag>::max();
  return fixed<Tag>::from_raw(r);
}

/// Number of fraction digits of a decimal's shortest form (0.25 -> 2).
template <class Tag>
int decimals_of(fixed<Tag> x) {
  int64_t r = x.raw() % decimal_scale;
  if (r == 0)
    return 0;
  int d = 9;
  while (r % 10 == 0) {
    r /= 10;
    --d;
  }
  return d;
}

/// The unit prefix of a native symbol: "" for 1, "1000" for 1000.
inline std::string unit_prefix(const ratio& unit) {
  if (unit == ratio::from_units(1) || !unit.is_positive())
    return {};
  std::string s;
  append_dec(s, unit);
  return s;
}

} // namespace xarb::venues::wire
