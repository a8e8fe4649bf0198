#pragma once
// The rows of a CSV text as export_csv writes it (RFC 4180: every row ends
// with CRLF, which the test requires). For the export tests.

#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace xarb::storage::test {

inline std::vector<std::string> csv_rows(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find("\r\n", pos);
    REQUIRE(end != std::string::npos); // every row ends with CRLF
    out.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  return out;
}

} // namespace xarb::storage::test
