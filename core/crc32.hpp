#pragma once
// CRC-32 (IEEE 802.3, the zlib polynomial, reflected), computed by zlib:
// crc32("123456789") == 0xCBF43926. One implementation for the venues' book
// checksums (OKX, Bitget) and the simulator's record files.

#include <cstdint>
#include <string_view>

namespace xarb {

/// CRC-32 of `data`, continuing from `crc` (0 to start).
uint32_t crc32(std::string_view data, uint32_t crc = 0) noexcept;

} // namespace xarb
