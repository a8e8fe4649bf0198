#include "core/crc32.hpp"

#include <climits>

#include <zlib.h>

namespace xarb {

uint32_t crc32(std::string_view data, uint32_t crc) noexcept {
  // zlib takes uInt lengths: feed huge inputs in pieces.
  uLong c = crc;
  const auto* p = reinterpret_cast<const Bytef*>(data.data());
  std::size_t left = data.size();
  while (left > 0) {
    const auto n = static_cast<uInt>(std::min<std::size_t>(left, UINT_MAX));
    c = ::crc32(c, p, n);
    p += n;
    left -= n;
  }
  return static_cast<uint32_t>(c);
}

} // namespace xarb
