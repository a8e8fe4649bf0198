#pragma once
// Helpers of the tests of the record files (venues/sim/record_file.hpp):
// the flow log and the paper journal. A scratch directory, whole-file
// read/write, and the documented framing (magic, u32 len, u32 ~len,
// u32 crc32, payload) to find and forge records.

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "venues/sim/record_file.hpp"

namespace xarb::sim::test {

/// A fresh directory under the system temp dir, removed with its content.
struct temp_dir {
  std::filesystem::path path;
  explicit temp_dir(const std::string& prefix) {
    static int counter = 0;
    path = std::filesystem::temp_directory_path()
           / (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::string file(const std::string& name) const { return (path / name).string(); }
};

inline std::string read_all(const std::string& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

inline void write_all(const std::string& p, const std::string& bytes) {
  std::ofstream out{p, std::ios::binary | std::ios::trunc};
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// Offsets of every record (the header first), by the documented framing.
inline std::vector<std::size_t> record_offsets(const std::string& b) {
  std::vector<std::size_t> out;
  std::size_t off = 8;
  while (off + 12 <= b.size()) {
    uint32_t len = 0;
    for (int k = 0; k < 4; ++k)
      len |= static_cast<uint32_t>(static_cast<unsigned char>(b[off + k])) << (8 * k);
    out.push_back(off);
    off += 12 + len;
  }
  REQUIRE(off == b.size());
  return out;
}

/// A whole record framed as documented: len, ~len, crc32, payload.
inline std::string frame(const std::string& payload) {
  std::string out;
  auto u32 = [&](uint32_t v) {
    for (int k = 0; k < 4; ++k)
      out.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
  };
  const auto len = static_cast<uint32_t>(payload.size());
  u32(len);
  u32(~len);
  u32(crc32(payload));
  return out + payload;
}

} // namespace xarb::sim::test
