#include "venues/sim/world_generator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "venues/sim/prng.hpp"

namespace xarb::sim {

namespace {

constexpr double min_price = 0.001;
constexpr double max_price = 50'000;
constexpr double min_vol = 7e-5;
constexpr double max_vol = 3.6e-4;
constexpr double min_level_notional = 20'000;
constexpr double max_level_notional = 100'000;

/// 10^e in nanos (raw units); e in [-9, 9].
int64_t pow10_raw(int e) {
  int64_t v = 1;
  for (int k = 0; k < e + decimal_places; ++k)
    v *= 10;
  return v;
}

double log_uniform(rng& r, double lo, double hi) {
  return lo * std::exp(r.uniform() * std::log(hi / lo));
}

/// `x` > 0 to `digits` significant digits: mantissa in [10^(digits-1),
/// 10^digits) and decimal exponent, x ~ mant x 10^exp.
void significant(double x, int digits, int64_t& mant, int& exp) {
  exp = static_cast<int>(std::floor(std::log10(x))) - (digits - 1);
  mant = std::llround(x / std::pow(10.0, exp));
  const int64_t top = static_cast<int64_t>(std::llround(std::pow(10.0, digits)));
  if (mant >= top) { // rounding carried into one more digit
    mant /= 10;
    ++exp;
  } else if (mant < top / 10) { // log10 landed just below an integer
    mant = std::llround(x / std::pow(10.0, exp - 1));
    --exp;
    if (mant >= top) {
      mant /= 10;
      ++exp;
    }
  }
}

} // namespace

std::string generated_base(int32_t k) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "G%05d", static_cast<int>(k) + 1);
  return buf;
}

std::vector<symbol_config> generated_symbols(const world_config& w) {
  const int32_t n = std::clamp<int32_t>(w.generate_symbols, 0, max_generated_symbols);
  std::vector<symbol_config> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int32_t k = 0; k < n; ++k) {
    rng r(mix_seed(w.seed, fnv1a("generated-symbol"), static_cast<uint64_t>(k)));
    symbol_config s;
    s.base = generated_base(k);
    s.symbol = s.base + "-PERP";

    int64_t pm = 0;
    int pe = 0;
    significant(log_uniform(r, min_price, max_price), 3, pm, pe); // pe in [-5, 2]
    s.start_price = price::from_raw(pm * pow10_raw(pe));
    s.vol_per_sqrt_s = log_uniform(r, min_vol, max_vol);

    const double notional = log_uniform(r, min_level_notional, max_level_notional);
    int64_t qm = 0;
    int qe = 0;
    significant(notional / s.start_price.to_double(), 2, qm, qe); // qe in [-2, 7]
    s.level_qty = quantity::from_raw(qm * pow10_raw(qe));

    // Lot 10^lot_e with lot_e = floor(log10(10 / price)), capped at a whole
    // unit: price = pm x 10^pe with pm in [100, 999], so log10(10 / price)
    // = 1 - pe - log10(pm), whose floor is -1 - pe for pm = 100, else -2 - pe.
    const int lot_e = std::min(0, (pm == 100 ? -1 : -2) - pe);
    // A venue's lot is 10^-(lot_decimals + adjust): adjust for lot_decimals 3.
    s.lot_decimals_adjust = -lot_e - 3;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<symbol_config> world_symbols(const world_config& w) {
  auto out = w.symbols;
  auto gen = generated_symbols(w);
  out.insert(out.end(), std::make_move_iterator(gen.begin()), std::make_move_iterator(gen.end()));
  return out;
}

} // namespace xarb::sim
