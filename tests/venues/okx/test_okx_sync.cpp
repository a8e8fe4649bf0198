// OKX gap rule and checksum through the codec into core/order_book.
#include <doctest/doctest.h>

#include "core/order_book.hpp"
#include "tests/venues/codec_test_util.hpp"
#include "venues/common/book_checksum.hpp"
#include "venues/okx/codec.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

std::string book_frame(std::string_view action, std::string_view bids, std::string_view asks,
                       int64_t prev, int64_t seq, int64_t checksum = 0) {
  return R"({"arg":{"channel":"books","instId":"BTC-USDT-SWAP"},"action":")" + std::string{action}
         + R"(","data":[{"asks":)" + std::string{asks} + R"(,"bids":)" + std::string{bids}
         + R"(,"ts":"1700000000000","checksum":)" + std::to_string(checksum)
         + R"(,"prevSeqId":)" + std::to_string(prev) + R"(,"seqId":)" + std::to_string(seq)
         + "}]}";
}

/// Decodes one frame into `book`; returns the apply result.
struct feed {
  std::unique_ptr<venues::md_codec> codec = venues::make_okx_codec();
  order_book book;
  std::optional<int32_t> last_checksum;

  explicit feed(ratio ct) {
    dynamic_cast<venues::okx_codec&>(*codec).learn_contract("BTC-USDT-SWAP", ct);
  }
  error_code push(const std::string& frame) {
    recorder rec;
    auto r = decode(*codec, frame, rec);
    REQUIRE(r.kind == frame_kind::data);
    if (!rec.snapshots.empty())
      return book.apply(rec.snapshots[0]);
    REQUIRE(rec.deltas.size() == 1);
    last_checksum = rec.checksums[0];
    return book.apply(rec.deltas[0]);
  }
  int32_t local_checksum() const {
    book_snapshot s;
    book.to_snapshot(s, 25);
    return venues::book_checksum(s.bids, s.asks);
  }
};

} // namespace

TEST_CASE("OKX prevSeqId chain: continuous applies, a skipped update is a gap, old ones are ignored") {
  feed f(ratio::from_units(1));
  REQUIRE(f.push(book_frame("snapshot", R"([["100","1","0","1"]])", R"([["101","2","0","1"]])", -1, 10)) == error_code::none);
  CHECK(f.book.seq() == 10);
  // seqIds are not consecutive on OKX: only prevSeqId == last seqId matters.
  CHECK(f.push(book_frame("update", R"([["100","3","0","1"]])", "[]", 10, 15)) == error_code::none);
  CHECK(f.push(book_frame("update", "[]", R"([["101","0","0","0"],["102","1","0","1"]])", 15, 16)) == error_code::none);
  CHECK(f.book.seq() == 16);
  CHECK(f.book.best_bid() == lvl("100", "3"));
  CHECK(f.book.best_ask() == lvl("102", "1"));
  // A duplicate (or older) update is ignored and changes nothing.
  CHECK(f.push(book_frame("update", R"([["100","9","0","1"]])", "[]", 15, 16)) == error_code::none);
  CHECK(f.book.best_bid() == lvl("100", "3"));
  CHECK(f.book.synced());
  // No-change heartbeat: seqId == prevSeqId == last seqId.
  CHECK(f.push(book_frame("update", "[]", "[]", 16, 16)) == error_code::none);
  CHECK(f.book.synced());
  // Update 17 is lost: 18 says it follows 17.
  CHECK(f.push(book_frame("update", R"([["99","1","0","1"]])", "[]", 17, 18)) == error_code::sequence_gap);
  CHECK(!f.book.synced());
  // Resync: a fresh snapshot (as after resubscribe_book) heals it.
  auto re = f.codec->resubscribe_book("BTC-USDT-SWAP");
  CHECK(re.size() == 2);
  CHECK(f.push(book_frame("snapshot", R"([["100","1","0","1"]])", R"([["101","2","0","1"]])", -1, 30)) == error_code::none);
  CHECK(f.push(book_frame("update", R"([["100","2","0","1"]])", "[]", 30, 31)) == error_code::none);
  CHECK(f.book.synced());
}

TEST_CASE("OKX sequence reset after maintenance is accepted and numbering continues") {
  feed f(ratio::from_units(1));
  REQUIRE(f.push(book_frame("snapshot", R"([["100","1","0","1"]])", R"([["101","2","0","1"]])", -1, 500)) == error_code::none);
  CHECK(f.push(book_frame("update", R"([["100","2","0","1"]])", "[]", 500, 510)) == error_code::none);
  // OKX restarted its numbering: seqId < prevSeqId.
  CHECK(f.push(book_frame("update", R"([["100","3","0","1"]])", "[]", 510, 3)) == error_code::none);
  CHECK(f.book.seq() == 511);
  CHECK(f.push(book_frame("update", R"([["100","4","0","1"]])", "[]", 3, 7)) == error_code::none);
  CHECK(f.book.seq() == 515);
  CHECK(f.book.best_bid() == lvl("100", "4"));
  // A gap in the new numbering is still a gap.
  CHECK(f.push(book_frame("update", R"([["100","5","0","1"]])", "[]", 8, 9)) == error_code::sequence_gap);
  // The next snapshot starts over without an offset.
  CHECK(f.push(book_frame("snapshot", R"([["100","1","0","1"]])", R"([["101","2","0","1"]])", -1, 20)) == error_code::none);
  CHECK(f.book.seq() == 20);
  CHECK(f.push(book_frame("update", R"([["100","6","0","1"]])", "[]", 20, 21)) == error_code::none);
  CHECK(f.book.seq() == 21);
}

TEST_CASE("OKX checksum: the right CRC matches the local book, a wrong one is detected") {
  // Docs examples: "3366.1:7:3366.8:9:3368:8:3372:8" -> 831078360.
  feed f(ratio::from_units(1));
  REQUIRE(f.push(book_frame("snapshot", R"([["3366.1","7","0","1"]])",
                            R"([["3366.8","9","0","1"],["3368","8","0","1"]])", -1, 1)) == error_code::none);
  REQUIRE(f.push(book_frame("update", "[]", R"([["3372","8","0","1"]])", 1, 2, 831078360)) == error_code::none);
  REQUIRE(f.last_checksum);
  CHECK(*f.last_checksum == 831078360);
  CHECK(f.local_checksum() == *f.last_checksum);
  // A wrong checksum (or a missed update) disagrees with the local book.
  REQUIRE(f.push(book_frame("update", R"([["3366","6","0","1"]])", "[]", 2, 3, 831078360)) == error_code::none);
  CHECK(f.local_checksum() != *f.last_checksum);
  // checksum 0 = none (OKX production since 2026-06-23).
  REQUIRE(f.push(book_frame("update", R"([["3366","7","0","1"]])", "[]", 3, 4, 0)) == error_code::none);
  CHECK(!f.last_checksum);
}

TEST_CASE("OKX checksum_of converts coins back to contracts") {
  feed f(rt("0.1"));
  auto& okx = dynamic_cast<venues::okx_codec&>(*f.codec);
  // Contracts 7/9/8/8 of 0.1 coin each: the same CRC as the docs example.
  REQUIRE(f.push(book_frame("snapshot", R"([["3366.1","7","0","1"]])",
                            R"([["3366.8","9","0","1"],["3368","8","0","1"],["3372","8","0","1"]])", -1, 1)) == error_code::none);
  book_snapshot s;
  f.book.to_snapshot(s, 25);
  CHECK(s.bids[0] == lvl("3366.1", "0.7"));
  CHECK(okx.checksum_of("BTC-USDT-SWAP", s.bids, s.asks) == std::optional<int32_t>{831078360});
  CHECK(venues::book_checksum(s.bids, s.asks) != 831078360); // coins are not what OKX hashed
  CHECK(!okx.checksum_of("ETH-USDT-SWAP", s.bids, s.asks));
  // A size that is no whole number of 1e-9 contracts cannot be checked.
  std::vector<book_level> odd{lvl("1", "0.000000001")};
  CHECK(okx.checksum_of("BTC-USDT-SWAP", odd, {}).has_value());
  f.codec = venues::make_okx_codec();
  auto& okx3 = dynamic_cast<venues::okx_codec&>(*f.codec);
  okx3.learn_contract("BTC-USDT-SWAP", rt("3"));
  CHECK(!okx3.checksum_of("BTC-USDT-SWAP", odd, {}));
}
