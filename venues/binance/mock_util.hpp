#pragma once
// Text helpers for the Binance-style and Backpack mock protocols: JSON
// string escaping, query-string parameters, level arrays. Internal.

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "messages/market.hpp"
#include "venues/binance/wire.hpp"

namespace xarb::mock {

/// `s` escaped for a JSON string body (quotes, backslashes, control chars).
inline std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

/// Percent-decodes a query component ('+' is a space).
inline std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

/// Value of `name` in a raw query string ("a=1&streams=x/y"), decoded.
inline std::string query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    const auto eq = part.find('=');
    if (part.substr(0, eq) == name)
      return eq == std::string_view::npos ? std::string{} : url_decode(part.substr(eq + 1));
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return {};
}

/// [["px","qty"],...] with at least the given decimals.
inline void append_levels(std::string& out, const std::vector<book_level>& levels, int px_dec,
                          int qty_dec) {
  out += '[';
  bool first = true;
  for (const auto& l : levels) {
    if (!first)
      out += ',';
    first = false;
    out += "[\"";
    venues::wire::append_decimal(out, l.px, px_dec);
    out += "\",\"";
    venues::wire::append_decimal(out, l.qty, qty_dec);
    out += "\"]";
  }
  out += ']';
}

} // namespace xarb::mock
