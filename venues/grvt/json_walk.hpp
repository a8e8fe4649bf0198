#pragma once
// One-pass simdjson On-Demand walking helpers shared by the GRVT and EdgeX
// codecs (EdgeX includes this header; both venues' codecs live next to each
// other). Include from .cpp files only: simdjson.h is a heavy header.
//
// Why a walk instead of obj["key"] lookups: On-Demand reads a document
// front to back; looking keys up out of order rescans the object. Walking
// each object once and switching on the raw key costs one pass and never
// copies a key.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "venues/common/json_fields.hpp"

namespace xarb::venues::walk {

namespace od = simdjson::ondemand;

/// The raw text of a field's key, without unescaping (venue keys are plain
/// ASCII). Stops at the closing quote; an escaped or over-long key gives a
/// text that matches no expected key. Reads at most 64 bytes past the key's
/// start, which the simdjson padding always covers.
inline std::string_view raw_key(od::field& f) noexcept {
  const char* p = f.key().raw();
  std::size_t n = 0;
  while (n < 64 && p[n] != '"' && p[n] != '\\')
    ++n;
  return {p, n};
}

/// Calls fn(key, value&) for each field of `obj`; fn returns false to stop
/// with an error. False on a JSON error or when fn failed.
template <class Fn>
bool for_fields(od::object obj, Fn&& fn) {
  for (auto res : obj) {
    od::field f;
    if (std::move(res).get(f) != simdjson::SUCCESS)
      return false;
    if (!fn(raw_key(f), f.value()))
      return false;
  }
  return true;
}

/// Same for a value that must be an object.
template <class Fn>
bool for_fields(od::value v, Fn&& fn) {
  od::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS)
    return false;
  return for_fields(obj, fn);
}

/// Calls fn(value&) for each element of an array value; false on error.
template <class Fn>
bool for_elements(od::value v, Fn&& fn) {
  od::array arr;
  if (v.get_array().get(arr) != simdjson::SUCCESS)
    return false;
  for (auto res : arr) {
    od::value el;
    if (std::move(res).get(el) != simdjson::SUCCESS)
      return false;
    if (!fn(el))
      return false;
  }
  return true;
}

/// The text of a string (or scalar) token, pointing into the frame itself
/// (stable for the whole decode, unlike get_string() whose buffer a
/// document rewind reuses). Empty on objects, arrays and null.
inline bool text(od::value v, std::string_view& out) noexcept {
  return json::token_text(v, out);
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z')
      x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z')
      y = static_cast<char>(y - 'A' + 'a');
    if (x != y)
      return false;
  }
  return true;
}

inline bool all_digits(std::string_view s) noexcept {
  if (s.empty() || s.size() > 19)
    return false;
  for (char c : s)
    if (c < '0' || c > '9')
      return false;
  return true;
}

/// Parses an unsigned decimal integer (no sign, no blanks).
inline bool parse_u64(std::string_view s, uint64_t& out) noexcept {
  if (!all_digits(s))
    return false;
  uint64_t v = 0;
  for (char c : s) {
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10)
      return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

/// The text of a level's decimal: a JSON string's content ("27450.1") or a
/// bare number token. Fast path of json::token_text for the hot loop.
inline bool level_text(od::value& v, std::string_view& out) noexcept {
  const std::string_view raw = v.raw_json_token();
  if (raw.empty())
    return false;
  if (raw[0] == '"') {
    const auto end = raw.find('"', 1);
    if (end == std::string_view::npos)
      return false;
    out = raw.substr(1, end - 1);
    return true;
  }
  return json::token_text(v, out);
}

/// One book level: an object {"price":..,"size":..} (GRVT, EdgeX) or an
/// array ["price","size",...] (EdgeX documentation variant). Rejects a
/// price <= 0 or a negative size (0 = remove).
inline bool read_level(od::value v, book_level& out) {
  bool have_px = false, have_qty = false;
  std::string_view t;
  od::object obj;
  if (v.get_object().get(obj) == simdjson::SUCCESS) {
    // Keyed lookups (in document order they cost one forward scan; the rest
    // of the object, num_orders ..., is skipped when the next level starts).
    od::value pv, qv;
    if (obj.find_field_unordered("price").get(pv) != simdjson::SUCCESS
        || !level_text(pv, t) || price::parse(t, out.px) != error_code::none)
      return false;
    if (obj.find_field_unordered("size").get(qv) != simdjson::SUCCESS
        || !level_text(qv, t) || quantity::parse(t, out.qty) != error_code::none)
      return false;
    have_px = have_qty = true;
  } else {
    od::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS)
      return false;
    int i = 0;
    for (auto res : arr) {
      od::value ev;
      if (std::move(res).get(ev) != simdjson::SUCCESS)
        return false;
      if (i == 0) {
        if (!level_text(ev, t) || price::parse(t, out.px) != error_code::none)
          return false;
        have_px = true;
      } else if (i == 1) {
        if (!level_text(ev, t) || quantity::parse(t, out.qty) != error_code::none)
          return false;
        have_qty = true;
      }
      ++i;
    }
  }
  return have_px && have_qty && out.px.is_positive() && !out.qty.is_negative();
}

/// Appends the levels of an array value to `out`.
inline bool read_levels(od::value v, std::vector<book_level>& out) {
  return for_elements(v, [&](od::value& lv) {
    book_level l;
    if (!read_level(lv, l))
      return false;
    out.push_back(l);
    return true;
  });
}

} // namespace xarb::venues::walk
