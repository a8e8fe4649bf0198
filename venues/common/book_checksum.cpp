#include "venues/common/book_checksum.hpp"

#include <algorithm>

#include "core/crc32.hpp"

namespace xarb::venues {

namespace {

/// Widest level text: ":" price ":" size, each at most 21 characters.
constexpr std::size_t max_level_chars = 2 * (1 + 21);

char* write_level(const book_level& l, char* p) noexcept {
  *p++ = ':';
  p += detail::format_nanos(l.px.raw(), p);
  *p++ = ':';
  p += detail::format_nanos(l.qty.raw(), p);
  return p;
}

/// The checksum text in `out` (reused); the view skips the first level's
/// leading ':'.
std::string_view write_text(std::span<const book_level> bids, std::span<const book_level> asks,
                            std::size_t depth, std::string& out) {
  const std::size_t n = std::min(depth, std::max(bids.size(), asks.size()));
  out.resize(2 * n * max_level_chars);
  char* const begin = out.data();
  char* p = begin;
  for (std::size_t i = 0; i < n; ++i) {
    if (i < bids.size())
      p = write_level(bids[i], p);
    if (i < asks.size())
      p = write_level(asks[i], p);
  }
  out.resize(static_cast<std::size_t>(p - begin));
  return out.empty() ? std::string_view{} : std::string_view{out}.substr(1);
}

} // namespace

void checksum_text(std::span<const book_level> bids, std::span<const book_level> asks,
                   std::size_t depth, std::string& out) {
  write_text(bids, asks, depth, out);
  if (!out.empty())
    out.erase(0, 1);
}

int32_t book_checksum(std::span<const book_level> bids, std::span<const book_level> asks,
                      std::size_t depth) {
  thread_local std::string text;
  return static_cast<int32_t>(crc32(write_text(bids, asks, depth, text)));
}

} // namespace xarb::venues
