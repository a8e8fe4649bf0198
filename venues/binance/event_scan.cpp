#include "venues/binance/event_scan.hpp"

#include <algorithm>
#include <cstdint>

#include "venues/common/json_fields.hpp"

namespace xarb::venues::detail {

namespace ondemand = simdjson::ondemand;

namespace {

/// Token text of a scalar field, or empty (objects, arrays, null).
std::string_view scalar(ondemand::value& v) noexcept {
  std::string_view t;
  return json::token_text(v, t) ? t : std::string_view{};
}

bool scan_error_object(ondemand::value& v, scanned_frame& out) noexcept {
  ondemand::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS)
    return false;
  out.has_error = true;
  for (auto fr : o) {
    ondemand::field f;
    if (std::move(fr).get(f) != simdjson::SUCCESS)
      return false;
    const auto k = raw_key(f);
    if (k == "code")
      out.error_code = scalar(f.value());
    else if (k == "msg" || k == "message")
      out.error_msg = scalar(f.value());
  }
  return true;
}

/// Book side `key` ("b" or "a"): a level array (depth) or a scalar (ticker).
bool scan_side(ondemand::value& v, bool& levels, std::string_view& text,
               std::vector<book_level>& into, scanned_frame& out) noexcept {
  ondemand::json_type t;
  if (v.type().get(t) != simdjson::SUCCESS)
    return false;
  if (t == ondemand::json_type::array) {
    levels = true;
    if (!parse_levels(v, into)) {
      out.levels_bad = true;
      out.bad_what = "book level is not [price, qty]";
    }
    return true;
  }
  text = scalar(v);
  return true;
}

bool scan_object(ondemand::object& o, scanned_frame& out, std::vector<book_level>& bids,
                 std::vector<book_level>& asks, bool top) noexcept {
  for (auto fr : o) {
    ondemand::field f;
    if (std::move(fr).get(f) != simdjson::SUCCESS)
      return false;
    const auto k = raw_key(f);
    auto& v = f.value();
    bool ok = true;
    if (k.size() == 1) {
      switch (k[0]) {
        case 'e': out.e = scalar(v); break;
        case 's': out.s = scalar(v); break;
        case 'E': out.E = scalar(v); break;
        case 'T': out.T = scalar(v); break;
        case 'U': out.U = scalar(v); break;
        case 'u': out.u = scalar(v); break;
        case 'p': out.p = scalar(v); break;
        case 'i': out.i = scalar(v); break;
        case 'r': out.r = scalar(v); break;
        case 'f': out.f = scalar(v); break;
        case 'n': out.n = scalar(v); break;
        case 'B': out.B = scalar(v); break;
        case 'A': out.A = scalar(v); break;
        case 'b': ok = scan_side(v, out.levels_b, out.b, bids, out); break;
        case 'a': ok = scan_side(v, out.levels_a, out.a, asks, out); break;
        default: break;
      }
    } else if (k == "pu") {
      out.pu = scalar(v);
    } else if (!top) {
      // nested "data": only event fields matter
    } else if (k == "data") {
      ondemand::json_type t;
      if (v.type().get(t) != simdjson::SUCCESS)
        return false;
      if (t == ondemand::json_type::object) {
        ondemand::object d;
        if (v.get_object().get(d) != simdjson::SUCCESS)
          return false;
        out.has_data = true;
        ok = scan_object(d, out, bids, asks, false);
      }
    } else if (k == "stream") {
      out.stream = scalar(v);
    } else if (k == "result") {
      out.has_result = true;
    } else if (k == "id") {
      out.has_id = true;
      out.id = v.raw_json_token();
      while (!out.id.empty()
             && (out.id.back() == ' ' || out.id.back() == ',' || out.id.back() == '}'))
        out.id.remove_suffix(1);
    } else if (k == "error") {
      ondemand::json_type t;
      if (v.type().get(t) != simdjson::SUCCESS)
        return false;
      if (t == ondemand::json_type::object)
        ok = scan_error_object(v, out);
      else if (t != ondemand::json_type::null) {
        out.has_error = true;
        out.error_msg = scalar(v);
      }
    } else if (k == "code") {
      out.error_code = scalar(v);
    } else if (k == "msg" || k == "message") {
      out.error_msg = scalar(v);
      out.has_error = true;
    }
    if (!ok)
      return false;
  }
  return true;
}

} // namespace

namespace {

// Outside strings only JSON whitespace can be a control character or space.
constexpr bool blank(char c) noexcept { return static_cast<unsigned char>(c) <= ' '; }
constexpr bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr uint64_t pow10_table[] = {1,          10,          100,          1'000,
                                    10'000,     100'000,     1'000'000,    10'000'000,
                                    100'000'000, 1'000'000'000};

void skip_blank(const char*& p, const char* end) noexcept {
  while (p != end && blank(*p))
    ++p;
}

/// One decimal of a level, quoted ("27450.10") or bare, into nanos; `p` is
/// advanced past it. The usual [-]digits[.digits] shape (<= 10 integer and
/// <= 9 fraction digits) is converted while scanning; anything else
/// (exponents, long fractions, junk) goes through the exact general parser.
template <class Fixed>
bool level_decimal(const char*& p, const char* end, Fixed& out) noexcept {
  if (p == end)
    return false;
  const bool quoted = *p == '"';
  p += quoted;
  const char* const begin = p;
  const bool negative = p != end && *p == '-';
  p += negative;
  uint64_t ip = 0, fp = 0;
  int int_digits = 0, frac_digits = 0;
  while (p != end && digit(*p)) {
    ip = ip * 10 + static_cast<uint64_t>(*p++ - '0');
    ++int_digits;
  }
  if (p != end && *p == '.') {
    ++p;
    while (p != end && digit(*p) && frac_digits < 9) {
      fp = fp * 10 + static_cast<uint64_t>(*p++ - '0');
      ++frac_digits;
    }
  }
  const bool at_end = quoted ? (p != end && *p == '"')
                             : (p == end || *p == ',' || *p == ']' || blank(*p));
  if (at_end && int_digits + frac_digits > 0 && int_digits <= 10) {
    const uint64_t mag = ip * static_cast<uint64_t>(decimal_scale) + fp * pow10_table[9 - frac_digits];
    if (mag <= static_cast<uint64_t>(INT64_MAX)) {
      out = Fixed::from_raw(negative ? -static_cast<int64_t>(mag) : static_cast<int64_t>(mag));
      p += quoted;
      return true;
    }
  }
  // General path: find the token's end, let the exact parser decide.
  p = begin;
  if (quoted) {
    while (p != end && *p != '"' && *p != '\\')
      ++p;
    if (p == end || *p != '"')
      return false; // escapes never occur in decimals
  } else {
    while (p != end && *p != ',' && *p != ']' && !blank(*p)) {
      if (*p == '[' || *p == '{' || *p == '"')
        return false;
      ++p;
    }
  }
  const std::string_view text{begin, static_cast<std::size_t>(p - begin)};
  p += quoted;
  return !text.empty() && Fixed::parse(text, out) == error_code::none;
}

/// Skips one scalar (a level's extra fields: order counts ...).
bool skip_scalar(const char*& p, const char* end) noexcept {
  if (p != end && *p == '"') {
    ++p;
    while (p != end && *p != '"') {
      if (*p == '\\' && p + 1 != end)
        ++p;
      ++p;
    }
    if (p == end)
      return false;
    ++p;
    return true;
  }
  const char* b = p;
  while (p != end && *p != ',' && *p != ']' && !blank(*p)) {
    if (*p == '[' || *p == '{')
      return false;
    ++p;
  }
  return p != b;
}

} // namespace

// Levels are read from the array's raw text by a small dedicated scanner
// that converts the decimals while it walks: simdjson has already validated
// the structure (strings, brackets), and this is several times cheaper than
// visiting every element through On-Demand and parsing each token again.
// Anything unexpected fails (the frame is then malformed).
bool parse_levels(ondemand::value v, std::vector<book_level>& out) {
  ondemand::array arr;
  std::string_view raw;
  if (v.get_array().get(arr) != simdjson::SUCCESS || arr.raw_json().get(raw) != simdjson::SUCCESS)
    return false;
  const char* p = raw.data();
  const char* const end = p + raw.size();
  if (p == end || *p++ != '[')
    return false;
  skip_blank(p, end);
  if (p != end && *p == ']')
    return true;
  while (true) {
    if (p == end || *p++ != '[')
      return false;
    book_level lvl;
    skip_blank(p, end);
    if (!level_decimal(p, end, lvl.px))
      return false;
    skip_blank(p, end);
    if (p == end || *p++ != ',')
      return false;
    skip_blank(p, end);
    if (!level_decimal(p, end, lvl.qty))
      return false;
    skip_blank(p, end);
    while (p != end && *p == ',') {
      ++p;
      skip_blank(p, end);
      if (!skip_scalar(p, end))
        return false;
      skip_blank(p, end);
    }
    if (p == end || *p++ != ']')
      return false;
    out.push_back(lvl);
    skip_blank(p, end);
    if (p == end)
      return false;
    if (*p == ']')
      return true;
    if (*p++ != ',')
      return false;
    skip_blank(p, end);
  }
}

bool scan_frame(ondemand::parser& parser, std::string& frame, scanned_frame& out,
                std::vector<book_level>& bids, std::vector<book_level>& asks) {
  out.reset();
  bids.clear();
  asks.clear();
  ondemand::document doc;
  if (parser.iterate(json::padded(frame)).get(doc) != simdjson::SUCCESS) {
    out.bad_what = "not JSON";
    return false;
  }
  ondemand::object o;
  if (doc.get_object().get(o) != simdjson::SUCCESS) {
    out.bad_what = "not a JSON object";
    return false;
  }
  if (!scan_object(o, out, bids, asks, true)) {
    out.bad_what = "broken JSON";
    return false;
  }
  return true;
}

void normalize_book_sides(std::vector<book_level>& bids, std::vector<book_level>& asks) {
  auto empty = [](const book_level& l) { return !l.qty.is_positive(); };
  bids.erase(std::remove_if(bids.begin(), bids.end(), empty), bids.end());
  asks.erase(std::remove_if(asks.begin(), asks.end(), empty), asks.end());
  std::stable_sort(bids.begin(), bids.end(),
                   [](const book_level& x, const book_level& y) { return x.px > y.px; });
  std::stable_sort(asks.begin(), asks.end(),
                   [](const book_level& x, const book_level& y) { return x.px < y.px; });
}

} // namespace xarb::venues::detail
