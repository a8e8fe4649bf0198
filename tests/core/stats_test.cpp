// rolling_stats, welford and ewma.
#include "core/ewma.hpp"
#include "core/rolling_stats.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <deque>
#include <limits>
#include <random>

using namespace xarb;

namespace {

struct naive {
  long double mean = 0;
  long double var = 0; // population
};

/// Two-pass reference in long double over the last `w` values.
naive reference(const std::deque<double>& xs) {
  naive r;
  if (xs.empty())
    return r;
  for (double x : xs)
    r.mean += x;
  r.mean /= static_cast<long double>(xs.size());
  for (double x : xs)
    r.var += (x - r.mean) * (x - r.mean);
  r.var /= static_cast<long double>(xs.size());
  return r;
}

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double k_inf = std::numeric_limits<double>::infinity();

} // namespace

TEST_CASE("rolling_stats: empty and basic window") {
  rolling_stats s{3};
  CHECK(s.window() == 3);
  CHECK(s.empty());
  CHECK(s.mean() == 0.0);
  CHECK(s.variance() == 0.0);
  CHECK(s.z_score(5) == 0.0);
  s.add(1);
  s.add(2);
  s.add(3);
  CHECK(s.full());
  CHECK(s.mean() == doctest::Approx(2.0));
  CHECK(s.variance() == doctest::Approx(2.0 / 3.0));
  CHECK(s.sample_variance() == doctest::Approx(1.0));
  s.add(10); // window {2, 3, 10}
  CHECK(s.count() == 3);
  CHECK(s.last() == 10.0);
  CHECK(s.mean() == doctest::Approx(5.0));
  CHECK(s.variance() == doctest::Approx((9.0 + 4.0 + 25.0) / 3.0));
  CHECK(s.stddev() == doctest::Approx(std::sqrt(38.0 / 3.0)));
  CHECK(s.z_score(5.0 + s.stddev()) == doctest::Approx(1.0));
  s.clear();
  CHECK(s.empty());
  CHECK(s.mean() == 0.0);
}

TEST_CASE("rolling_stats: window 0 behaves as window 1") {
  rolling_stats s{0};
  CHECK(s.window() == 1);
  s.add(5);
  CHECK(s.mean() == 5.0);
  s.add(1e16);
  s.add(1); // 1e16 -> 1 must not lose the 1
  CHECK(s.mean() == 1.0);
  CHECK(s.variance() == 0.0);
  CHECK(s.sample_variance() == 0.0);
  CHECK(s.z_score(3) == 0.0);
}

TEST_CASE("rolling_stats: matches a naive recompute on random data") {
  for (std::size_t w : {1u, 2u, 7u, 64u, 600u}) {
    CAPTURE(w);
    std::mt19937_64 rng{w};
    std::normal_distribution<double> noise{0.0, 1.0};
    rolling_stats s{w};
    std::deque<double> ref;
    for (int i = 0; i < 5000; ++i) {
      // A level shift halfway through tests that old samples really leave.
      const double x = (i < 2500 ? 3.0 : -40.0) + noise(rng) * (1 + i % 5);
      REQUIRE(s.add(x));
      ref.push_back(x);
      if (ref.size() > w)
        ref.pop_front();
      if (i % 97 == 0 || i == 4999) {
        auto r = reference(ref);
        CHECK(s.count() == ref.size());
        CHECK(s.mean() == doctest::Approx(static_cast<double>(r.mean)).epsilon(1e-12).scale(10));
        CHECK(s.variance()
              == doctest::Approx(static_cast<double>(r.var)).epsilon(1e-9).scale(1));
        CHECK(s.variance() >= 0.0);
      }
    }
  }
}

TEST_CASE("rolling_stats: constant input gives exactly zero variance") {
  rolling_stats s{50};
  for (int i = 0; i < 1000; ++i)
    s.add(0.1);
  CHECK(s.mean() == 0.1);
  CHECK(s.variance() == 0.0);
  CHECK(s.stddev() == 0.0);
  CHECK_FALSE(std::isnan(s.z_score(0.2)));
  CHECK(s.z_score(0.2) == 0.0);
}

TEST_CASE("rolling_stats: variance returns to exactly zero once the window is flat") {
  rolling_stats s{20};
  std::mt19937_64 rng{3};
  std::uniform_real_distribution<double> u{-1e6, 1e6};
  for (int i = 0; i < 333; ++i)
    s.add(u(rng));
  CHECK(s.variance() > 0.0);
  for (int i = 0; i < 19; ++i)
    s.add(123.456);
  CHECK(s.variance() > 0.0); // one old sample still in the window
  s.add(123.456);
  CHECK(s.mean() == 123.456);
  CHECK(s.variance() == 0.0);
  CHECK(s.sample_stddev() == 0.0);
}

TEST_CASE("rolling_stats: huge offset with small noise") {
  const std::size_t w = 600;
  rolling_stats s{w};
  std::deque<double> ref;
  std::mt19937_64 rng{11};
  std::normal_distribution<double> noise{0.0, 1e-3};
  for (int i = 0; i < 20000; ++i) {
    const double x = 1e9 + noise(rng);
    s.add(x);
    ref.push_back(x);
    if (ref.size() > w)
      ref.pop_front();
  }
  auto r = reference(ref);
  // The noise variance is ~1e-6; a sum-of-squares approach would be off by
  // orders of magnitude here (1e18 has an ulp of 128).
  CHECK(s.variance() == doctest::Approx(static_cast<double>(r.var)).epsilon(1e-6));
  CHECK(std::abs(s.mean() - static_cast<double>(r.mean)) < 1e-6);
  CHECK(s.stddev() == doctest::Approx(1e-3).epsilon(0.1));
}

TEST_CASE("rolling_stats: non-finite input is rejected") {
  rolling_stats s{4};
  s.add(1);
  s.add(3);
  CHECK_FALSE(s.add(k_nan));
  CHECK_FALSE(s.add(k_inf));
  CHECK_FALSE(s.add(-k_inf));
  CHECK(s.count() == 2);
  CHECK(s.mean() == 2.0);
  CHECK(s.variance() == 1.0);
}

TEST_CASE("rolling_stats: explicit recompute keeps the values") {
  rolling_stats s{5};
  for (double x : {1.5, 2.5, 9.0, -4.0})
    s.add(x);
  const double m = s.mean();
  const double v = s.variance();
  s.recompute();
  CHECK(s.mean() == doctest::Approx(m));
  CHECK(s.variance() == doctest::Approx(v));
  s.add(7);
  s.add(8);
  CHECK(s.mean() == doctest::Approx((2.5 + 9.0 - 4.0 + 7 + 8) / 5));
}

TEST_CASE("welford: unbounded statistics") {
  welford w;
  CHECK(w.count() == 0);
  CHECK(w.mean() == 0.0);
  CHECK(w.variance() == 0.0);
  for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0})
    w.add(x);
  CHECK(w.count() == 8);
  CHECK(w.mean() == doctest::Approx(5.0));
  CHECK(w.variance() == doctest::Approx(4.0));
  CHECK(w.stddev() == doctest::Approx(2.0));
  CHECK(w.sample_variance() == doctest::Approx(32.0 / 7.0));
  CHECK(w.min() == 2.0);
  CHECK(w.max() == 9.0);
  CHECK(w.z_score(9.0) == doctest::Approx(2.0));
  CHECK_FALSE(w.add(k_nan));
  CHECK(w.count() == 8);
}

TEST_CASE("welford: constant input, huge offset, merge") {
  welford c;
  for (int i = 0; i < 1000; ++i)
    c.add(-7.25);
  CHECK(c.variance() == 0.0);
  CHECK(c.mean() == -7.25);

  std::mt19937_64 rng{5};
  std::normal_distribution<double> noise{0.0, 1e-3};
  welford a, b, all;
  std::deque<double> xs;
  for (int i = 0; i < 4000; ++i) {
    const double x = 1e9 + noise(rng);
    (i < 1500 ? a : b).add(x);
    all.add(x);
    xs.push_back(x);
  }
  auto r = reference(xs);
  CHECK(all.variance() == doctest::Approx(static_cast<double>(r.var)).epsilon(1e-6));
  a.merge(b);
  CHECK(a.count() == 4000);
  CHECK(a.variance() == doctest::Approx(static_cast<double>(r.var)).epsilon(1e-6));
  CHECK(std::abs(a.mean() - static_cast<double>(r.mean)) < 1e-6);
  welford e;
  e.merge(all);
  CHECK(e.count() == all.count());
  CHECK(e.mean() == all.mean());
}

TEST_CASE("ewma by alpha") {
  ewma e{0.5};
  CHECK(e.empty());
  CHECK(e.add(10)); // initialises
  CHECK(e.mean() == 10.0);
  CHECK(e.variance() == 0.0);
  e.add(20);
  CHECK(e.mean() == 15.0);
  // var = 0.5 * (0 + 0.5 * 100) = 25
  CHECK(e.variance() == 25.0);
  e.add(15);
  CHECK(e.mean() == 15.0);
  CHECK(e.variance() == 12.5);
  CHECK_FALSE(e.add(k_nan));
  CHECK(e.count() == 3);
  CHECK(ewma::alpha_for_span(19) == doctest::Approx(0.1));
  CHECK(ewma::alpha_for_halflife(1) == doctest::Approx(0.5));
  // Weight of a sample halves after `halflife` further samples.
  const double a = ewma::alpha_for_halflife(10);
  CHECK(std::pow(1 - a, 10) == doctest::Approx(0.5));
  ewma clamp{5.0};
  clamp.add(1);
  clamp.add(2);
  CHECK(clamp.mean() == 2.0);
  ewma constant{0.1};
  for (int i = 0; i < 100; ++i)
    constant.add(3.3);
  CHECK(constant.variance() == 0.0);
  CHECK(constant.mean() == 3.3);
}

TEST_CASE("ewma by half-life with irregular steps") {
  constexpr int64_t sec = 1'000'000'000;
  SUBCASE("weights halve per half-life") {
    ewma_halflife e{10 * sec};
    e.add(0, 0);
    e.add(1, 10 * sec); // old weight 0.5, new 1 -> mean 1/1.5
    CHECK(e.weight() == doctest::Approx(1.5));
    CHECK(e.mean() == doctest::Approx(2.0 / 3.0));
    // weighted population variance: (0.5*(0-2/3)^2 + 1*(1-2/3)^2) / 1.5 = 2/9
    CHECK(e.variance() == doctest::Approx(2.0 / 9.0));
  }
  SUBCASE("irregular steps equal the explicit weighted average") {
    ewma_halflife e{3 * sec};
    const double xs[] = {5, 7, 4, 10, 2};
    const int64_t dts[] = {0, 1 * sec, 250'000'000, 7 * sec, 0};
    double t = 0;
    double times[5];
    for (int i = 0; i < 5; ++i) {
      t += static_cast<double>(dts[i]);
      times[i] = t;
      e.add(xs[i], dts[i]);
    }
    double sw = 0, swx = 0;
    for (int i = 0; i < 5; ++i) {
      const double w = std::exp2(-(t - times[i]) / (3.0 * sec));
      sw += w;
      swx += w * xs[i];
    }
    const double m = swx / sw;
    double swv = 0;
    for (int i = 0; i < 5; ++i)
      swv += std::exp2(-(t - times[i]) / (3.0 * sec)) * (xs[i] - m) * (xs[i] - m);
    CHECK(e.mean() == doctest::Approx(m));
    CHECK(e.weight() == doctest::Approx(sw));
    CHECK(e.variance() == doctest::Approx(swv / sw));
  }
  SUBCASE("dt 0 and negative dt weigh samples equally; huge dt forgets") {
    ewma_halflife e{sec};
    e.add(2, 0);
    e.add(4, 0);
    e.add(6, -5);
    CHECK(e.mean() == doctest::Approx(4.0));
    e.add(100, 10'000 * sec);
    CHECK(e.mean() == 100.0);
    CHECK(e.variance() == 0.0);
  }
  SUBCASE("constant input and NaN") {
    ewma_halflife e{sec};
    for (int i = 0; i < 50; ++i)
      e.add(1e9 + 0.5, (i % 3) * sec / 7);
    CHECK(e.mean() == 1e9 + 0.5);
    CHECK(e.variance() == 0.0);
    CHECK_FALSE(e.add(k_nan, sec));
    CHECK(e.count() == 50);
    e.clear();
    CHECK(e.empty());
    CHECK(e.variance() == 0.0);
  }
  SUBCASE("regular steps converge to the alpha form") {
    ewma_halflife h{sec};
    ewma a{0.5};
    std::mt19937_64 rng{9};
    std::uniform_real_distribution<double> u{0, 10};
    for (int i = 0; i < 200; ++i) {
      const double x = u(rng);
      h.add(x, sec);
      a.add(x);
    }
    CHECK(h.mean() == doctest::Approx(a.mean()).epsilon(1e-9));
    CHECK(h.variance() == doctest::Approx(a.variance()).epsilon(1e-9));
  }
}
