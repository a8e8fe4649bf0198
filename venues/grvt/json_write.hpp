#pragma once
// Tiny JSON writing helpers for the GRVT and EdgeX mock protocols (and the
// codecs' subscribe frames): append-only into a std::string, decimals in
// their shortest exact form, never through a double.

#include <cstdint>
#include <string>
#include <string_view>

#include "messages/decimal.hpp"

namespace xarb::venues::jw {

/// Appends `s` as the content of a JSON string (quotes, backslashes and
/// control characters escaped).
inline void escaped(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out += "\\u00";
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
}

/// "s" with escaping.
inline void str(std::string& out, std::string_view s) {
  out.push_back('"');
  escaped(out, s);
  out.push_back('"');
}

/// "key": (with a leading comma unless `first`).
inline void key(std::string& out, std::string_view k, bool first = false) {
  if (!first)
    out.push_back(',');
  str(out, k);
  out.push_back(':');
}

/// A decimal's shortest exact text, unquoted.
template <class Tag>
void dec(std::string& out, fixed<Tag> x) {
  char buf[32];
  out.append(buf, detail::format_nanos(x.raw(), buf));
}

/// A decimal as a JSON string: "27450.1".
template <class Tag>
void qdec(std::string& out, fixed<Tag> x) {
  out.push_back('"');
  dec(out, x);
  out.push_back('"');
}

inline void num(std::string& out, int64_t v) { out += std::to_string(v); }
inline void unum(std::string& out, uint64_t v) { out += std::to_string(v); }

/// An integer as a JSON string: "1061718".
inline void qnum(std::string& out, int64_t v) {
  out.push_back('"');
  num(out, v);
  out.push_back('"');
}
inline void qunum(std::string& out, uint64_t v) {
  out.push_back('"');
  unum(out, v);
  out.push_back('"');
}

} // namespace xarb::venues::jw
