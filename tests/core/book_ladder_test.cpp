// Randomised checks of the tick-window book side against a std::map
// reference: re-centring both ways, tick refinement, deep levels, extreme
// prices, and the best-changed result of every update.
#include "core/order_book.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <random>

using namespace xarb;

namespace {

/// Reference book: std::map per side, best first.
struct reference_book {
  std::map<int64_t, int64_t, std::greater<>> bids;
  std::map<int64_t, int64_t> asks;

  template <class M>
  static std::pair<int64_t, int64_t> best_of(const M& m) {
    if (m.empty())
      return {0, 0};
    return {m.begin()->first, m.begin()->second};
  }

  /// Applies an update; returns whether the best (price or qty) changed.
  bool set(book_side s, int64_t px, int64_t qty) {
    auto apply = [&](auto& m) {
      const auto before = best_of(m);
      if (qty == 0)
        m.erase(px);
      else if (qty > 0)
        m[px] = qty;
      return before != best_of(m);
    };
    return s == book_side::bid ? apply(bids) : apply(asks);
  }
};

void check_equal(const order_book& b, const reference_book& r) {
  REQUIRE(b.levels(book_side::bid) == r.bids.size());
  REQUIRE(b.levels(book_side::ask) == r.asks.size());
  book_snapshot snap;
  b.to_snapshot(snap, SIZE_MAX);
  std::size_t i = 0;
  for (auto [p, q] : r.bids) {
    REQUIRE(snap.bids[i] == book_level{price::from_raw(p), quantity::from_raw(q)});
    ++i;
  }
  i = 0;
  for (auto [p, q] : r.asks) {
    REQUIRE(snap.asks[i] == book_level{price::from_raw(p), quantity::from_raw(q)});
    ++i;
  }
}

void check_best(const order_book& b, const reference_book& r) {
  if (r.bids.empty()) {
    REQUIRE_FALSE(b.best_bid());
  } else {
    REQUIRE(b.best_bid());
    REQUIRE(b.best_bid()->px.raw() == r.bids.begin()->first);
    REQUIRE(b.best_bid()->qty.raw() == r.bids.begin()->second);
  }
  if (r.asks.empty()) {
    REQUIRE_FALSE(b.best_ask());
  } else {
    REQUIRE(b.best_ask());
    REQUIRE(b.best_ask()->px.raw() == r.asks.begin()->first);
    REQUIRE(b.best_ask()->qty.raw() == r.asks.begin()->second);
  }
}

/// Runs `n` random updates produced by `gen` against both books.
void fuzz(uint64_t seed, int n,
          const std::function<std::pair<book_side, int64_t>(std::mt19937_64&, int)>& gen,
          double delete_share = 0.35) {
  std::mt19937_64 rng{seed};
  std::uniform_real_distribution<double> u{0, 1};
  order_book b;
  reference_book r;
  for (int step = 0; step < n; ++step) {
    const auto [s, px] = gen(rng, step);
    const int64_t qty = u(rng) < delete_share ? 0 : static_cast<int64_t>(rng() % 100'000 + 1);
    CAPTURE(step);
    CAPTURE(px);
    CAPTURE(qty);
    const bool expected = r.set(s, px, qty);
    const bool got = b.set_level(s, price::from_raw(px), quantity::from_raw(qty));
    REQUIRE(got == expected);
    check_best(b, r);
    if (step % 251 == 0)
      check_equal(b, r);
  }
  check_equal(b, r);
}

} // namespace

TEST_CASE("ladder fuzz: dense grid near a drifting top (re-centring both ways)") {
  constexpr int64_t tick = 100'000'000; // 0.1
  fuzz(1, 30000, [](std::mt19937_64& rng, int step) {
    // The mid walks 1 tick every 8 steps up for 10k steps, then down.
    const int64_t drift = step < 15000 ? step / 8 : (30000 - step) / 8 - 1000;
    const int64_t mid = 65'000 * decimal_scale + drift * tick;
    std::geometric_distribution<int> near{0.2};
    const int64_t k = (rng() % 10 == 0) ? static_cast<int64_t>(rng() % 600) : near(rng);
    const bool bid = (rng() & 1) != 0;
    return std::pair{bid ? book_side::bid : book_side::ask,
                     bid ? mid - (k + 1) * tick : mid + k * tick};
  });
}

TEST_CASE("ladder fuzz: jumps far away and back") {
  constexpr int64_t tick = 10'000'000; // 0.01
  fuzz(2, 20000, [](std::mt19937_64& rng, int) {
    // Regimes far apart, so the window is rebuilt and levels go deep.
    const int64_t bases[] = {1'000 * decimal_scale, 1'000 * decimal_scale + 5'000 * tick,
                             1'000 * decimal_scale + 3'000'000 * tick};
    const int64_t base = bases[rng() % 3];
    const int64_t k = static_cast<int64_t>(rng() % 50);
    const bool bid = (rng() & 1) != 0;
    return std::pair{bid ? book_side::bid : book_side::ask, base + (bid ? -k : k) * tick};
  });
}

TEST_CASE("ladder fuzz: off-grid prices refine the tick") {
  fuzz(3, 20000, [](std::mt19937_64& rng, int step) {
    // Mostly a 0.5 grid; later 0.1, then 0.01 and finally any nano.
    int64_t tick = 500'000'000;
    if (step > 5000 && rng() % 50 == 0)
      tick = 100'000'000;
    if (step > 10000 && rng() % 50 == 0)
      tick = 10'000'000;
    if (step > 15000 && rng() % 200 == 0)
      tick = 1;
    const int64_t k = static_cast<int64_t>(rng() % 300);
    const bool bid = (rng() & 1) != 0;
    const int64_t mid = 2'000 * decimal_scale;
    return std::pair{bid ? book_side::bid : book_side::ask,
                     bid ? mid - (k + 1) * tick : mid + (k + 1) * tick};
  });
}

TEST_CASE("ladder fuzz: sparse book (levels thousands of ticks apart)") {
  fuzz(4, 15000, [](std::mt19937_64& rng, int) {
    const int64_t tick = 1'000'000; // 0.001
    const int64_t k = static_cast<int64_t>(rng() % 2000) * 997 + static_cast<int64_t>(rng() % 3);
    const bool bid = (rng() & 1) != 0;
    const int64_t mid = 5'000 * decimal_scale;
    return std::pair{bid ? book_side::bid : book_side::ask, bid ? mid - k * tick : mid + k * tick};
  });
}

TEST_CASE("ladder fuzz: heavy deletes empty and refill the sides") {
  fuzz(5, 20000,
       [](std::mt19937_64& rng, int step) {
         const int64_t tick = 1'000;
         const int64_t k = static_cast<int64_t>(rng() % 20);
         const bool bid = (rng() & 1) != 0;
         const int64_t mid = (1 + (step / 2000) % 3) * 100'000'000 + 7 * tick;
         return std::pair{bid ? book_side::bid : book_side::ask,
                          bid ? mid - k * tick : mid + (k + 1) * tick};
       },
       0.6);
}

TEST_CASE("ladder: extreme prices") {
  order_book b;
  reference_book r;
  auto set = [&](book_side s, int64_t px, int64_t qty) {
    CAPTURE(px);
    CHECK(b.set_level(s, price::from_raw(px), quantity::from_raw(qty)) == r.set(s, px, qty));
    check_best(b, r);
  };
  const int64_t max = INT64_MAX;
  set(book_side::ask, max, 5);
  set(book_side::ask, max - 1, 6);
  set(book_side::ask, 1, 7);
  set(book_side::bid, max, 8);
  set(book_side::bid, 1, 9);
  set(book_side::bid, 2, 10);
  set(book_side::bid, max - 3, 11);
  set(book_side::ask, 1, 0);
  set(book_side::bid, max, 0);
  set(book_side::ask, max - 1, 0);
  check_equal(b, r);
  // Non-positive prices and negative sizes are ignored.
  CHECK_FALSE(b.set_level(book_side::bid, price::from_raw(0), quantity::from_raw(1)));
  CHECK_FALSE(b.set_level(book_side::bid, price::from_raw(-5), quantity::from_raw(1)));
  CHECK_FALSE(b.set_level(book_side::ask, price::from_raw(3), quantity::from_raw(-1)));
  check_equal(b, r);
}

TEST_CASE("ladder: tick learned from a snapshot, window sized to the book") {
  order_book b;
  book_snapshot s;
  s.seq = 1;
  for (int64_t i = 0; i < 500; ++i) {
    s.bids.push_back({price::from_raw(65'000 * decimal_scale - i * 100'000'000), quantity::from_units(1)});
    s.asks.push_back({price::from_raw(65'000 * decimal_scale + (i + 1) * 100'000'000), quantity::from_units(1)});
  }
  REQUIRE(b.apply(s) == error_code::none);
  CHECK(b.learned_tick(book_side::bid) == 100'000'000);
  CHECK(b.learned_tick(book_side::ask) == 100'000'000);
  CHECK(b.window_width(book_side::bid) == 1024);
  // An off-grid level refines the tick and keeps every level.
  CHECK_FALSE(b.set_level(book_side::bid, price::from_raw(64'990 * decimal_scale + 50'000'000),
                          quantity::from_units(2)));
  CHECK(b.learned_tick(book_side::bid) == 50'000'000);
  CHECK(b.levels(book_side::bid) == 501);
  CHECK(b.level(book_side::bid, 0).px == price::from_units(65'000));
  // A lone first level gets a provisional power-of-ten tick.
  order_book c;
  c.set_level(book_side::ask, price::from_raw(123'450'000'000), quantity::from_units(1));
  CHECK(c.learned_tick(book_side::ask) == 10'000'000);
}
