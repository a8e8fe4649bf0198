#include "venues/common/book_checksum.hpp"

#include <array>

namespace xarb::venues {

namespace {

constexpr std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

constexpr auto table = make_table();

void append_level(const book_level& l, std::string& out) {
  char buf[32];
  if (!out.empty())
    out.push_back(':');
  out.append(buf, detail::format_nanos(l.px.raw(), buf));
  out.push_back(':');
  out.append(buf, detail::format_nanos(l.qty.raw(), buf));
}

} // namespace

uint32_t crc32(std::string_view data, uint32_t crc) noexcept {
  crc = ~crc;
  for (unsigned char ch : data)
    crc = table[(crc ^ ch) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

void checksum_text(std::span<const book_level> bids, std::span<const book_level> asks,
                   std::size_t depth, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < depth && (i < bids.size() || i < asks.size()); ++i) {
    if (i < bids.size())
      append_level(bids[i], out);
    if (i < asks.size())
      append_level(asks[i], out);
  }
}

int32_t book_checksum(std::span<const book_level> bids, std::span<const book_level> asks,
                      std::size_t depth) {
  thread_local std::string text;
  checksum_text(bids, asks, depth, text);
  return static_cast<int32_t>(crc32(text));
}

} // namespace xarb::venues
