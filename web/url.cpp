#include "web/url.hpp"

#include <cstdint>

namespace xarb::url {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

error_info bad(std::string message) {
  return error_info{error_code::parse_error, std::move(message)};
}

} // namespace

target_parts split_target(std::string_view target) {
  auto hash = target.find('#');
  if (hash != std::string_view::npos)
    target = target.substr(0, hash);
  auto q = target.find('?');
  if (q == std::string_view::npos)
    return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

expected<std::string> percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else {
      int hi = i + 1 < in.size() ? hex_value(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        return bad("bad percent-escape at offset " + std::to_string(i));
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
  }
  return out;
}

expected<std::optional<std::string_view>> query_param(std::string_view query,
                                                      std::string_view name) {
  std::optional<std::string_view> found;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = item.find('=');
    auto key = item.substr(0, eq);
    if (key != name)
      continue;
    if (found)
      return bad("query parameter '" + std::string{name} + "' given more than once");
    found = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
  }
  return found;
}

std::optional<std::string_view> unexpected_param(std::string_view query,
                                                 std::initializer_list<std::string_view> allowed) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (item.empty())
      continue;
    auto key = item.substr(0, item.find('='));
    bool ok = false;
    for (auto a : allowed)
      ok = ok || key == a;
    if (!ok)
      return key;
  }
  return std::nullopt;
}

expected<std::size_t> checked_text_length(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    auto b0 = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0;
    std::size_t len = 0;
    if (b0 < 0x80) {
      cp = b0;
      len = 1;
    } else if ((b0 & 0xE0) == 0xC0) {
      cp = b0 & 0x1Fu;
      len = 2;
    } else if ((b0 & 0xF0) == 0xE0) {
      cp = b0 & 0x0Fu;
      len = 3;
    } else if ((b0 & 0xF8) == 0xF0) {
      cp = b0 & 0x07u;
      len = 4;
    } else {
      return bad("invalid UTF-8");
    }
    if (i + len > s.size())
      return bad("invalid UTF-8");
    for (std::size_t k = 1; k < len; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80)
        return bad("invalid UTF-8");
      cp = (cp << 6) | (b & 0x3Fu);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return bad("invalid UTF-8");
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
      return bad("control characters are not allowed");
    i += len;
  }
  return count;
}

expected<std::string> decode_text(std::string_view raw, bool plus_is_space,
                                  std::size_t max_chars, std::string_view what) {
  auto decoded = percent_decode(raw, plus_is_space);
  if (!decoded)
    return bad(std::string{what} + ": " + decoded.error().message);
  auto n = checked_text_length(*decoded);
  if (!n)
    return bad(std::string{what} + ": " + n.error().message);
  if (*n > max_chars)
    return bad(std::string{what} + ": longer than " + std::to_string(max_chars)
               + " characters");
  return std::move(*decoded);
}

} // namespace xarb::url
