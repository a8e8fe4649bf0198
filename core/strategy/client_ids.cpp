#include "core/strategy/client_ids.hpp"

#include <cctype>

namespace xarb::strategy {

namespace {

constexpr char digits36[] = "0123456789abcdefghijklmnopqrstuvwxyz";

uint32_t fnv1a32(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

/// `value` in base 36, left-padded with '0' to at least `width` digits.
void append_base36(std::string& out, uint64_t value, std::size_t width) {
  char buf[16];
  std::size_t n = 0;
  do {
    buf[n++] = digits36[value % 36];
    value /= 36;
  } while (value != 0);
  for (std::size_t i = n; i < width; ++i)
    out.push_back('0');
  while (n > 0)
    out.push_back(buf[--n]);
}

} // namespace

client_id_generator::client_id_generator(std::string_view node, std::string_view pair_id,
                                         uint64_t epoch, uint64_t next_seq)
  : seq_(next_seq) {
  for (char c : node) {
    if (prefix_.size() == 4)
      break;
    if (std::isalnum(static_cast<unsigned char>(c)))
      prefix_.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (prefix_.empty())
    prefix_ = "x";
  static constexpr char hex[] = "0123456789abcdef";
  const uint32_t h = fnv1a32(pair_id);
  for (int shift = 20; shift >= 0; shift -= 4)
    prefix_.push_back(hex[(h >> shift) & 0xf]);
  // Milliseconds: 36^8 ms is 89 years, so the width stays 8 this century,
  // and two incarnations (restarts are >= 100 ms apart) never share ids.
  append_base36(prefix_, epoch % 2'821'109'907'456ull, 8);
}

std::string client_id_generator::id(uint64_t seq) const {
  std::string out;
  out.reserve(prefix_.size() + 8);
  out = prefix_;
  append_base36(out, seq, 6);
  return out;
}

} // namespace xarb::strategy
