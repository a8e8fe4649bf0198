// Keys sort by time (negative first) then sequence; every record kind
// round-trips through its versioned value; bad bytes are errors.
#include "actors/storage/codec.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "tests/actors/storage/samples.hpp"

using namespace xarb;
using namespace xarb::storage;
using namespace xarb::storage::test;

TEST_CASE("keys are 16 bytes and decode back") {
  constexpr auto min = std::numeric_limits<timestamp_ns>::min();
  constexpr auto max = std::numeric_limits<timestamp_ns>::max();
  for (timestamp_ns ts : {min, timestamp_ns{-1}, timestamp_ns{0}, timestamp_ns{1}, max})
    for (uint64_t seq : {uint64_t{0}, uint64_t{1}, std::numeric_limits<uint64_t>::max()}) {
      auto k = encode_key(ts, seq);
      CHECK(k.size() == key_size);
      auto back = decode_key(k);
      REQUIRE(back);
      CHECK(back->ts == ts);
      CHECK(back->seq == seq);
    }
  CHECK_FALSE(decode_key("short"));
  CHECK_FALSE(decode_key(std::string(17, 'x')));
  // Zero is 0x80 00.. 00: the sign bit flipped.
  CHECK(encode_key(0, 0) == std::string("\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16));
}

TEST_CASE("bytewise key order is time order then sequence order") {
  std::vector<key_parts> parts{
    {std::numeric_limits<timestamp_ns>::min(), 5}, {-1'000'000'000, 9}, {-1, 3},
    {0, 1}, {0, 2}, {0, 300}, {1, 0}, {256, 1}, {1'700'000'000'000'000'000, 7},
    {std::numeric_limits<timestamp_ns>::max(), 0}};
  std::vector<std::string> keys;
  for (auto& p : parts)
    keys.push_back(encode_key(p.ts, p.seq));
  CHECK(std::is_sorted(keys.begin(), keys.end())); // std::string < is bytewise
  // And every adjacent pair is strictly ordered.
  for (std::size_t i = 1; i < keys.size(); ++i)
    CHECK(keys[i - 1] < keys[i]);
}

TEST_CASE("every record kind round-trips through its value") {
  const timestamp_ns ts = 1'700'000'000'123'456'789;
  std::vector<record> samples{sample_order(ts),    sample_fill(ts),
                              sample_position(ts), sample_event(ts),
                              sample_spread(ts),   sample_snapshot(ts),
                              sample_delta(ts),    record{std::string{"[risk]\nmax = 1\n"}}};
  for (const auto& x : samples) {
    CAPTURE(x.index());
    auto bytes = encode_value(x);
    REQUIRE(bytes);
    // Fills-family values carry their own version (a tag follows it).
    CHECK(static_cast<uint8_t>((*bytes)[0])
          == (family_of(x) == family::fills ? fills_version : value_version));
    auto back = decode_value(family_of(x), *bytes);
    REQUIRE(back);
    CHECK(*back == x);
    if (x.index() != 7)
      CHECK(key_time(x) == ts);
  }
  CHECK(family_of(sample_snapshot(ts)) == family::market);
  CHECK(family_of(sample_delta(ts)) == family::market);
  CHECK(family_of(record{std::string{}}) == family::config);
}

TEST_CASE("market values carry a tag that selects snapshot or delta") {
  auto snap = encode_value(sample_snapshot(5));
  auto delta = encode_value(sample_delta(5));
  REQUIRE(snap);
  REQUIRE(delta);
  CHECK(static_cast<uint8_t>((*snap)[1]) == static_cast<uint8_t>(market_tag::snapshot));
  CHECK(static_cast<uint8_t>((*delta)[1]) == static_cast<uint8_t>(market_tag::delta));
  auto bad = *snap;
  bad[1] = 9;
  auto res = decode_value(family::market, bad);
  REQUIRE_FALSE(res);
  CHECK(res.code() == error_code::parse_error);
}

TEST_CASE("unknown version, truncation, trailing bytes and empty values are errors") {
  auto bytes = encode_value(sample_order(1));
  REQUIRE(bytes);
  auto future = *bytes;
  future[0] = 2;
  auto res = decode_value(family::orders, future);
  REQUIRE_FALSE(res);
  CHECK(res.code() == error_code::parse_error);
  CHECK(res.error().message.find("version 2") != std::string::npos);

  auto zero = *bytes;
  zero[0] = 0;
  CHECK_FALSE(decode_value(family::orders, zero));

  for (std::size_t len = 1; len < bytes->size(); len += 7)
    CHECK_FALSE(decode_value(family::orders, bytes->substr(0, len)));
  CHECK_FALSE(decode_value(family::orders, *bytes + "x"));
  CHECK_FALSE(decode_value(family::orders, ""));
  CHECK_FALSE(decode_value(family::market, std::string(1, '\x01')));
  // An order value read as a fill does not silently produce a fill.
  CHECK_FALSE(decode_value(family::fills, *bytes));
}

TEST_CASE("family names are the column family names") {
  std::vector<std::string_view> names;
  for (auto f : all_families)
    names.push_back(to_string(f));
  CHECK(names == std::vector<std::string_view>{"orders", "fills", "positions", "events",
                                               "spreads", "market", "config"});
}
