#include "venues/binance/event_scan.hpp"

#include <algorithm>
#include <bit>
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
/// Out of line: level_decimal() below tries the 8-bytes-at-a-time reading
/// first, inline.
template <class Fixed>
__attribute__((noinline)) bool level_decimal_scan(const char*& p, const char* end,
                                                  Fixed& out) noexcept {
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

/// level_decimal_scan() with the usual shape read 8 bytes at a time first
/// (json::fast_decimal; same value, the general path decides the rest).
/// `readable` (>= end): how far bytes may be read, e.g. the frame's padding,
/// so that the levels at a frame's end take the fast reading too; the
/// number and the byte ending it must still lie before `end`.
template <class Fixed>
inline bool level_decimal(const char*& p, const char* end, const char* readable,
                          Fixed& out) noexcept {
  const bool quoted = p != end && *p == '"';
  const char* const b = p + quoted;
  int64_t nanos = 0;
  if (const auto n = json::fast_decimal(b, readable, nanos); n > 0 && b + n < end) {
    const char t = b[n]; // fast_decimal guarantees it is readable
    if (quoted ? t == '"' : (t == ',' || t == ']' || blank(t))) {
      out = Fixed::from_raw(nanos);
      p = b + n + quoted;
      return true;
    }
  }
  return level_decimal_scan(p, end, out);
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
    if (!level_decimal(p, end, end, lvl.px))
      return false;
    skip_blank(p, end);
    if (p == end || *p++ != ',')
      return false;
    skip_blank(p, end);
    if (!level_decimal(p, end, end, lvl.qty))
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

namespace {

// -- fast path -------------------------------------------------------------------
//
// Most frames are depth events: one flat object (maybe wrapped in
// {"stream":..,"data":{..}}) of short strings, numbers and two level arrays.
// For those a single strict pass over the bytes takes ~20% fewer
// instructions than simdjson stage 1 + On-Demand navigation (which must step
// over every structural character of the level arrays again after they were
// read from their raw text); ~8% less time for a 20-level Binance delta
// (docs/BENCHMARKS.md, "Venue codecs"). The fast path accepts only a subset
// of JSON it fully validates itself: ASCII strings without escapes, numbers
// in strict JSON grammar (level values are read as parse_levels reads
// them), true/false/null, the four JSON blanks, objects and
// arrays; no control keys ("result", "id", "error", "code", "msg",
// "message"). Anything else returns false and the frame takes the simdjson
// path above, so both paths give the same scanned_frame for every frame the
// fast path accepts, and the simdjson path alone decides about the rest.

struct cursor {
  const char* p;
  const char* end;
  const char* readable; ///< end + the frame's padding (see level_decimal)
};

constexpr bool json_blank(char c) noexcept {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

void skip_ws(cursor& c) noexcept {
  while (c.p != c.end && json_blank(*c.p))
    ++c.p;
}

/// The high bit of each byte of `x` that ends a plain string: '"', '\\',
/// a control character or a non-ASCII byte. Exact for the lowest flagged
/// byte (borrows only disturb bytes above a true match), which is all the
/// caller uses.
inline uint64_t string_stops(uint64_t x) noexcept {
  constexpr uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  const uint64_t q = x ^ (ones * '"');
  const uint64_t b = x ^ (ones * '\\');
  return (((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x) | x) & high;
}

/// At '"': the content of an ASCII string without escapes.
bool fast_string(cursor& c, std::string_view& out) noexcept {
  const char* b = ++c.p;
  while (c.end - c.p >= 8) { // 8 bytes at a time, then byte by byte
    const uint64_t m = string_stops(json::swar::load8(c.p));
    if (m != 0) {
      c.p += std::countr_zero(m) / 8;
      break;
    }
    c.p += 8;
  }
  while (c.p != c.end) {
    const auto ch = static_cast<unsigned char>(*c.p);
    if (ch == '"') {
      out = {b, static_cast<std::size_t>(c.p - b)};
      ++c.p;
      return true;
    }
    if (ch == '\\' || ch < 0x20 || ch >= 0x80)
      return false;
    ++c.p;
  }
  return false;
}

/// A number in strict JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool fast_number(cursor& c, std::string_view& out) noexcept {
  const char* b = c.p;
  const char*& p = c.p;
  const char* e = c.end;
  if (p != e && *p == '-')
    ++p;
  if (p == e || !digit(*p))
    return false;
  if (*p == '0')
    ++p;
  else
    while (p != e && digit(*p))
      ++p;
  if (p != e && *p == '.') {
    ++p;
    if (p == e || !digit(*p))
      return false;
    while (p != e && digit(*p))
      ++p;
  }
  if (p != e && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p != e && (*p == '+' || *p == '-'))
      ++p;
    if (p == e || !digit(*p))
      return false;
    while (p != e && digit(*p))
      ++p;
  }
  out = {b, static_cast<std::size_t>(p - b)};
  return true;
}

bool fast_literal(cursor& c, std::string_view word) noexcept {
  if (static_cast<std::size_t>(c.end - c.p) < word.size()
      || std::string_view{c.p, word.size()} != word)
    return false;
  c.p += word.size();
  return true;
}

/// A scalar's text as token_text() gives it: string content, number or
/// true/false as written, empty for null.
bool fast_scalar(cursor& c, std::string_view& out) noexcept {
  if (c.p == c.end)
    return false;
  switch (*c.p) {
    case '"': return fast_string(c, out);
    case 't': out = {c.p, 4}; return fast_literal(c, "true");
    case 'f': out = {c.p, 5}; return fast_literal(c, "false");
    case 'n': out = {}; return fast_literal(c, "null");
    default: return fast_number(c, out);
  }
}

/// At an object member: its key (a plain string), the ':' and the blanks
/// after it.
__attribute__((always_inline)) inline bool fast_key(cursor& c, std::string_view& k) noexcept {
  if (c.p == c.end || *c.p != '"' || !fast_string(c, k))
    return false;
  skip_ws(c);
  if (c.p == c.end || *c.p++ != ':')
    return false;
  skip_ws(c);
  return true;
}

/// Any JSON value, validated and skipped (depth-limited).
bool fast_skip(cursor& c, int depth) noexcept {
  if (c.p == c.end || depth > 32)
    return false;
  const char open = *c.p;
  if (open != '{' && open != '[') {
    std::string_view t;
    return fast_scalar(c, t);
  }
  ++c.p;
  skip_ws(c);
  const char close = open == '{' ? '}' : ']';
  if (c.p != c.end && *c.p == close) {
    ++c.p;
    return true;
  }
  while (true) {
    std::string_view k;
    if (open == '{' && !fast_key(c, k))
      return false;
    if (!fast_skip(c, depth + 1))
      return false;
    skip_ws(c);
    if (c.p == c.end)
      return false;
    if (*c.p == close) {
      ++c.p;
      return true;
    }
    if (*c.p++ != ',')
      return false;
    skip_ws(c);
  }
}

/// A level array (the same reading as parse_levels), appended to `out`.
bool fast_levels(cursor& c, std::vector<book_level>& out) {
  const char*& p = c.p;
  const char* const end = c.end;
  ++p; // '['
  skip_ws(c);
  if (p != end && *p == ']') {
    ++p;
    return true;
  }
  while (true) {
    if (p == end || *p++ != '[')
      return false;
    skip_ws(c);
    auto& lvl = out.emplace_back(); // written in place: no copy through the stack
    const bool quoted_px = p != end && *p == '"';
    if (!(quoted_px || p == end || *p == '-' || digit(*p))
        || !level_decimal(p, end, c.readable, lvl.px))
      return false;
    skip_ws(c);
    if (p == end || *p++ != ',')
      return false;
    skip_ws(c);
    const bool quoted_qty = p != end && *p == '"';
    if (!(quoted_qty || p == end || *p == '-' || digit(*p))
        || !level_decimal(p, end, c.readable, lvl.qty))
      return false;
    skip_ws(c);
    while (p != end && *p == ',') {
      ++p;
      skip_ws(c);
      std::string_view t;
      if (!fast_scalar(c, t))
        return false;
      skip_ws(c);
    }
    if (p == end || *p++ != ']')
      return false;
    skip_ws(c);
    if (p == end)
      return false;
    if (*p == ']') {
      ++p;
      return true;
    }
    if (*p++ != ',')
      return false;
    skip_ws(c);
  }
}

bool fast_object(cursor& c, scanned_frame& out, std::vector<book_level>& bids,
                 std::vector<book_level>& asks, bool top) {
  ++c.p; // '{'
  skip_ws(c);
  if (c.p != c.end && *c.p == '}') {
    ++c.p;
    return true;
  }
  while (true) {
    std::string_view k;
    if (!fast_key(c, k) || c.p == c.end)
      return false;
    const char first = *c.p;
    std::string_view* field = nullptr;
    if (k.size() == 1) {
      switch (k[0]) {
        case 'e': field = &out.e; break;
        case 's': field = &out.s; break;
        case 'E': field = &out.E; break;
        case 'T': field = &out.T; break;
        case 'U': field = &out.U; break;
        case 'u': field = &out.u; break;
        case 'p': field = &out.p; break;
        case 'i': field = &out.i; break;
        case 'r': field = &out.r; break;
        case 'f': field = &out.f; break;
        case 'n': field = &out.n; break;
        case 'B': field = &out.B; break;
        case 'A': field = &out.A; break;
        case 'b':
        case 'a': {
          const bool bid = k[0] == 'b';
          if (first == '[') {
            // Read as parse_levels reads the raw array text, so the values
            // are the simdjson path's; any doubt goes back to that path.
            if (!fast_levels(c, bid ? bids : asks))
              return false;
            (bid ? out.levels_b : out.levels_a) = true;
          } else if (first == '{' || !fast_scalar(c, bid ? out.b : out.a)) {
            return false;
          }
          break;
        }
        default:
          if (!fast_skip(c, 1))
            return false;
          break;
      }
      if (field && (first == '{' || first == '[' || !fast_scalar(c, *field)))
        return false;
    } else if (k == "pu") {
      if (first == '{' || first == '[' || !fast_scalar(c, out.pu))
        return false;
    } else if (top && (k == "result" || k == "id" || k == "error" || k == "code" || k == "msg"
                       || k == "message")) {
      return false; // control frames: not the hot path
    } else if (top && k == "data" && first == '{') {
      out.has_data = true;
      if (!fast_object(c, out, bids, asks, false))
        return false;
    } else if (top && k == "stream") {
      if (first == '{' || first == '[' || !fast_scalar(c, out.stream))
        return false;
    } else if (!fast_skip(c, 1)) {
      return false;
    }
    skip_ws(c);
    if (c.p == c.end)
      return false;
    if (*c.p == '}') {
      ++c.p;
      return true;
    }
    if (*c.p++ != ',')
      return false;
    skip_ws(c);
  }
}

bool fast_scan(std::string& frame, scanned_frame& out, std::vector<book_level>& bids,
               std::vector<book_level>& asks) {
  (void)json::padded(frame); // a no-op when the transport reserved the padding
  cursor c{frame.data(), frame.data() + frame.size(),
           frame.data() + frame.size() + simdjson::SIMDJSON_PADDING};
  skip_ws(c);
  if (c.p == c.end || *c.p != '{' || !fast_object(c, out, bids, asks, true))
    return false;
  skip_ws(c);
  return c.p == c.end;
}

} // namespace

bool scan_frame(ondemand::parser& parser, std::string& frame, scanned_frame& out,
                std::vector<book_level>& bids, std::vector<book_level>& asks) {
  out.reset();
  bids.clear();
  asks.clear();
  if (fast_scan(frame, out, bids, asks))
    return true;
  return scan_frame_simdjson(parser, frame, out, bids, asks);
}

bool scan_frame_simdjson(ondemand::parser& parser, std::string& frame, scanned_frame& out,
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

const char* read_book_ticker(const scanned_frame& f, time_reader time_of, top_of_book& t) {
  t.seq = 0;
  if (f.s.empty() || !dec_of(f.b, t.bid.px) || !dec_of(f.B, t.bid.qty)
      || !dec_of(f.a, t.ask.px) || !dec_of(f.A, t.ask.qty)
      || (!f.u.empty() && !u64_of(f.u, t.seq)))
    return "bookTicker with bad s/b/B/a/A/u";
  if (!time_of(f.T.empty() ? f.E : f.T, t.exchange_ts))
    return "bookTicker with bad time";
  t.symbol.assign(f.s);
  return nullptr;
}

const char* read_mark_price(const scanned_frame& f, std::string_view rate,
                            std::string_view next_funding, time_reader time_of,
                            venues::mark_update& m) {
  price px;
  if (f.s.empty() || !dec_of(f.p, px))
    return "s/p";
  m.mark = px;
  m.index.reset();
  m.rate.reset();
  if (!f.i.empty()) {
    if (!dec_of(f.i, px))
      return "i";
    m.index = px;
  }
  if (!rate.empty()) { // up to 28 decimals (Backpack's estimate)
    ratio r;
    if (!dec_of(rate, r, rounding::nearest))
      return "rate";
    m.rate = r;
  }
  m.interval_s = 0; // the streams do not tell it
  if (!time_of(next_funding, m.next_funding_ts) || !time_of(f.E, m.ts))
    return "time";
  m.symbol.assign(f.s);
  return nullptr;
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
