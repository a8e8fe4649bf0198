#include <doctest/doctest.h>

#include "core/crc32.hpp"
#include "venues/common/book_checksum.hpp"

using namespace xarb;

namespace {

book_level lv(const char* px, const char* qty) {
  return {price::from_string(px).value(), quantity::from_string(qty).value()};
}

} // namespace

TEST_CASE("crc32 matches zlib on the classic check value") {
  CHECK(xarb::crc32("123456789") == 0xCBF43926u);
  CHECK(xarb::crc32("") == 0u);
  // Continuing a CRC over a split input gives the CRC of the whole.
  CHECK(xarb::crc32("6789", xarb::crc32("12345")) == 0xCBF43926u);
}

TEST_CASE("book checksum reproduces the OKX documentation's string examples") {
  // Equal depth: bid, ask interleaved.
  std::vector<book_level> bids{lv("3366.1", "7"), lv("3366", "6")};
  std::vector<book_level> asks{lv("3366.8", "9"), lv("3368", "8")};
  std::string text;
  venues::checksum_text(bids, asks, 25, text);
  CHECK(text == "3366.1:7:3366.8:9:3366:6:3368:8");
  CHECK(venues::book_checksum(bids, asks) == -1881014294);
  // Shorter bid side: the asks continue alone.
  std::vector<book_level> bids2{lv("3366.1", "7")};
  std::vector<book_level> asks2{lv("3366.8", "9"), lv("3368", "8"), lv("3372", "8")};
  venues::checksum_text(bids2, asks2, 25, text);
  CHECK(text == "3366.1:7:3366.8:9:3368:8:3372:8");
  CHECK(venues::book_checksum(bids2, asks2) == 831078360);
}

TEST_CASE("book checksum takes at most depth levels per side, shortest decimals") {
  std::vector<book_level> bids, asks;
  for (int i = 0; i < 30; ++i) {
    bids.push_back({price::from_raw(int64_t{100 - i} * 1'000'000'000),
                    quantity::from_string("0.100").value()});
    asks.push_back({price::from_raw(int64_t{101 + i} * 1'000'000'000),
                    quantity::from_string("2.50").value()});
  }
  std::string text;
  venues::checksum_text(bids, asks, 25, text);
  CHECK(text.rfind("100:0.1:101:2.5:99:0.1:", 0) == 0);
  CHECK(text.find("76:0.1:125:2.5") != std::string::npos);  // 25th level of each side
  CHECK(text.find("75:") == std::string::npos);             // 26th not included
  CHECK(venues::book_checksum(bids, asks, 25) != venues::book_checksum(bids, asks, 24));
}
