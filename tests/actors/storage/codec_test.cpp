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
                              sample_delta(ts),    record{std::string{"[risk]\nmax = 1\n"}},
                              sample_market(ts, "ETH-PERP", 7)};
  for (const auto& x : samples) {
    CAPTURE(x.index());
    auto bytes = encode_value(x);
    REQUIRE(bytes);
    // Fills-family values carry their own version (a tag follows it), and
    // spreads theirs (the net_*_bps fields came later).
    const auto fam = family_of(x);
    CHECK(static_cast<uint8_t>((*bytes)[0])
          == (fam == family::fills     ? fills_version
              : fam == family::spreads ? spreads_version
                                       : value_version));
    auto back = decode_value(family_of(x), *bytes);
    REQUIRE(back);
    CHECK(*back == x);
    if (x.index() != 7)
      CHECK(key_time(x) == ts);
  }
  CHECK(family_of(sample_snapshot(ts)) == family::market);
  CHECK(family_of(sample_delta(ts)) == family::market);
  CHECK(family_of(record{std::string{}}) == family::config);
  CHECK(family_of(sample_market(ts)) == family::history);
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
                                               "spreads", "market", "config", "history"});
}

namespace {

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

} // namespace

TEST_CASE("history values: version 1 then the market sample, frozen bytes") {
  market_sample x;
  x.symbol = "BTC-PERP";
  x.ts = 1'700'000'000'000'000'000;
  x.venues.push_back({"sim-a", px("65000.5"), px("65001"), rt("0.0001"), 28'800, true, false});
  x.venues.push_back({"sim-b", px("1"), px("2"), rt("-0.000000001"), 0, false, true});
  auto bytes = encode_value(x);
  REQUIRE(bytes);
  // The stored format: changing the sample's fields or their order breaks
  // every database already written, so it needs a new value version.
  const std::string golden =
    "01"                                               // value_version
    "084254432d50455250" "17979cfe362a0000"            // "BTC-PERP", ts
    "02"                                               // two venues
    "0573696d2d61" "00003b1e1bb67500" "00003b1e3983da00" "00000000000186a0"
    "00007080" "01" "00"                               // sim-a: bid ask rate 8h known
    "0573696d2d62" "000000003b9aca00" "0000000077359400" "ffffffffffffffff"
    "00000000" "00" "01";                              // sim-b: 1 2 -1e-9 0 stale
  CHECK(hex(*bytes) == golden);
  auto back = decode_value(family::history, *bytes);
  REQUIRE(back);
  CHECK(std::get<market_sample>(*back) == x);
  // Unknown version, truncation, trailing bytes: errors, never a crash.
  auto future = *bytes;
  future[0] = 2;
  auto res = decode_value(family::history, future);
  REQUIRE_FALSE(res);
  CHECK(res.error().message.find("version 2 in history") != std::string::npos);
  for (std::size_t len = 1; len < bytes->size(); ++len)
    CHECK_FALSE(decode_value(family::history, bytes->substr(0, len)));
  CHECK_FALSE(decode_value(family::history, *bytes + "x"));
  // Another family's value is not a sample, and a sample is not an order.
  auto order = encode_value(sample_order(1));
  REQUIRE(order);
  CHECK_FALSE(decode_value(family::history, *order));
  CHECK_FALSE(decode_value(family::orders, *bytes));
}

TEST_CASE("spreads values: version 2; version-1 values (no net bps) still decode") {
  auto x = sample_spread(1'700'000'000'000'000'000);
  auto bytes = encode_value(x);
  REQUIRE(bytes);
  CHECK(static_cast<uint8_t>((*bytes)[0]) == spreads_version);
  auto back = decode_value(family::spreads, *bytes);
  REQUIRE(back);
  CHECK(std::get<spread_update>(*back) == x);
  // A version-1 value is the same bytes without the two trailing doubles.
  auto v1 = "\x01" + bytes->substr(1, bytes->size() - 1 - 2 * sizeof(double));
  auto old = decode_value(family::spreads, v1);
  REQUIRE(old);
  auto expect = x;
  expect.net_ab_bps = 0;
  expect.net_ba_bps = 0;
  CHECK(std::get<spread_update>(*old) == expect);
  // Truncated or padded values of either version are errors.
  CHECK_FALSE(decode_value(family::spreads, bytes->substr(0, bytes->size() - 1)));
  CHECK_FALSE(decode_value(family::spreads, v1 + "x"));
  CHECK_FALSE(decode_value(family::spreads, v1.substr(0, v1.size() - 3)));
  auto future = *bytes;
  future[0] = 3;
  CHECK_FALSE(decode_value(family::spreads, future));
}

TEST_CASE("history keys: symbol, NUL, then time and sequence") {
  auto k = encode_history_key("BTC-PERP", 5, 7);
  CHECK(k == std::string{"BTC-PERP"} + '\0' + encode_key(5, 7));
  CHECK(k.size() == 8 + 1 + key_size);
  CHECK(history_prefix("BTC-PERP") == std::string{"BTC-PERP"} + '\0');
  auto back = decode_history_key(k);
  REQUIRE(back);
  CHECK(back->symbol == "BTC-PERP");
  CHECK(back->ts == 5);
  CHECK(back->seq == 7);
  CHECK(decode_key_of(family::history, k) == key_parts{5, 7});
  // Other families keep 16-byte keys, and neither kind decodes as the other.
  CHECK(decode_key_of(family::events, encode_key(5, 7)) == key_parts{5, 7});
  CHECK_FALSE(decode_key_of(family::events, k));
  CHECK_FALSE(decode_key_of(family::history, encode_key(5, 7)));
  // Extreme times and sequences survive.
  for (timestamp_ns ts : {ts_min, timestamp_ns{-1}, timestamp_ns{0}, ts_max})
    for (uint64_t seq : {uint64_t{0}, std::numeric_limits<uint64_t>::max()}) {
      const auto key = encode_history_key("X", ts, seq); // the parts view into it
      auto p = decode_history_key(key);
      REQUIRE(p);
      CHECK(p->symbol == "X");
      CHECK(p->ts == ts);
      CHECK(p->seq == seq);
    }
  // Malformed: no symbol, no separator, a NUL inside the symbol, too short.
  CHECK_FALSE(decode_history_key(std::string(1, '\0') + encode_key(5, 7)));
  CHECK_FALSE(decode_history_key("AB" + encode_key(5, 7)));
  CHECK_FALSE(decode_history_key(std::string("A\0B", 3) + '\0' + encode_key(5, 7)));
  CHECK_FALSE(decode_history_key(std::string{"A"} + '\0' + encode_key(5, 7).substr(1)));
  CHECK_FALSE(decode_history_key(""));
  CHECK_FALSE(decode_history_key(std::string(max_history_symbol + 1, 'S') + '\0'
                                 + encode_key(5, 7)));
  CHECK(decode_history_key(std::string(max_history_symbol, 'S') + '\0' + encode_key(5, 7)));
}

TEST_CASE("valid history symbols") {
  CHECK(valid_history_symbol("BTC-PERP"));
  CHECK(valid_history_symbol("1000PEPE-PERP"));
  CHECK(valid_history_symbol(std::string(max_history_symbol, 'x')));
  CHECK_FALSE(valid_history_symbol(""));
  CHECK_FALSE(valid_history_symbol(std::string("A\0B", 3)));
  CHECK_FALSE(valid_history_symbol(std::string(max_history_symbol + 1, 'x')));
}

TEST_CASE("history keys sort by symbol, then time, then sequence; prefixes never mix") {
  // "BTC-PERP" is a prefix of "BTC-PERPX": the NUL separator sorts below
  // every symbol byte, so all of BTC-PERP's keys (any time) come before
  // BTC-PERPX's, and none falls in the other's range.
  std::vector<std::string> keys{
    encode_history_key("BTC", ts_max, 9),          encode_history_key("BTC-PERP", ts_min, 3),
    encode_history_key("BTC-PERP", -1, 8),         encode_history_key("BTC-PERP", 0, 1),
    encode_history_key("BTC-PERP", 0, 2),          encode_history_key("BTC-PERP", ts_max, 0),
    encode_history_key("BTC-PERPX", ts_min, 0),    encode_history_key("BTC-PERPX", 5, 4),
    encode_history_key("ETH-PERP", ts_min, 0)};
  for (std::size_t i = 1; i < keys.size(); ++i)
    CHECK(keys[i - 1] < keys[i]);
  const auto lo = history_prefix("BTC-PERP");
  auto hi = lo;
  hi.back() = '\x01';
  for (auto& key : keys) {
    const bool in_range = key >= lo && key < hi;
    CHECK(in_range == (decode_history_key(key)->symbol == "BTC-PERP"));
  }
}
