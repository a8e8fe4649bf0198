// Position audit: the pairs' books summed per contract against the venues'
// own positions; only a difference that persists is reported, once.
#include "core/risk/position_audit.hpp"

#include <doctest/doctest.h>

using namespace xarb;
using namespace xarb::risk;

namespace {

quantity q(const char* s) { return quantity::from_string(s).value(); }

const contract btc_a{"sim-a", "BTC-PERP"};
const contract btc_b{"sim-b", "BTC-PERP"};

} // namespace

TEST_CASE("books that add up are never reported") {
  position_audit audit{3};
  std::map<contract, quantity> books{{btc_a, q("0.5")}, {btc_b, q("-0.5")}};
  for (int i = 0; i < 10; ++i)
    CHECK(audit.round(books, books).empty());
  CHECK(audit.open().empty());
  CHECK(audit.rounds() == 10);
}

TEST_CASE("a difference is reported once it persisted for the confirmations, once") {
  position_audit audit{3};
  std::map<contract, quantity> books{{btc_a, q("0.5")}, {btc_b, q("-0.5")}};
  auto venue = books;
  venue[btc_a] = q("0.55");
  CHECK(audit.round(books, venue).empty());
  CHECK(audit.open().at(btc_a).rounds == 1);
  CHECK(audit.round(books, venue).empty());
  auto due = audit.round(books, venue);
  REQUIRE(due.size() == 1);
  CHECK(due[0].venue == "sim-a");
  CHECK(due[0].symbol == "BTC-PERP");
  CHECK(due[0].venue_qty == q("0.55"));
  CHECK(due[0].books_qty == q("0.5"));
  CHECK(due[0].rounds == 3);
  CHECK(audit.round(books, venue).empty()); // not again while it lasts
  // Cleared, then back: counted afresh.
  CHECK(audit.round(books, books).empty());
  CHECK(audit.open().empty());
  CHECK(audit.round(books, venue).empty());
  CHECK(audit.round(books, venue).empty());
  CHECK(audit.round(books, venue).size() == 1);
}

TEST_CASE("a transient difference (a fill on its way) is forgotten when it clears") {
  position_audit audit{3};
  std::map<contract, quantity> books{{btc_a, q("0.5")}};
  auto venue = books;
  venue[btc_a] = q("0.6");
  CHECK(audit.round(books, venue).empty());
  CHECK(audit.round(books, venue).empty());
  books[btc_a] = q("0.6"); // the fill arrived
  CHECK(audit.round(books, venue).empty());
  CHECK(audit.open().empty());
}

TEST_CASE("a contract missing on one side counts as flat there") {
  position_audit audit{1};
  std::map<contract, quantity> books{{btc_a, q("0.5")}};
  std::map<contract, quantity> venue{{btc_b, q("-0.1")}};
  auto due = audit.round(books, venue);
  REQUIRE(due.size() == 2);
  CHECK(due[0].venue_qty.is_zero()); // sim-a: the venue holds nothing
  CHECK(due[1].books_qty.is_zero()); // sim-b: no pair holds it
  // Both sides flat and absent: nothing left open.
  CHECK(audit.round({}, {}).empty());
  CHECK(audit.open().empty());
}
