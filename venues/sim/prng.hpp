#pragma once
// Deterministic random numbers for the simulator: splitmix64 (seeding),
// xoshiro256** (streams), and our own uniform/normal transforms. std::random
// distributions are not specified bit-exactly across standard libraries, so a
// seed would not reproduce a run elsewhere; these do (given the same libm).

#include <cmath>
#include <cstdint>
#include <string_view>

namespace xarb::sim {

/// FNV-1a 64: a stable hash of a name (venue seeds must not depend on
/// std::hash, which differs between implementations).
constexpr uint64_t fnv1a(std::string_view s) noexcept {
  uint64_t h = 14695981039346656037ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

/// One splitmix64 step: advances `state` and returns a well-mixed value.
constexpr uint64_t splitmix64(uint64_t& state) noexcept {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// Derives the seed of an independent stream from a base seed and labels.
constexpr uint64_t mix_seed(uint64_t seed, uint64_t a, uint64_t b = 0) noexcept {
  uint64_t s = seed;
  uint64_t x = splitmix64(s) ^ a;
  x = splitmix64(x) ^ b;
  return splitmix64(x);
}

/// xoshiro256** with Box-Muller normals.
class rng {
public:
  explicit rng(uint64_t seed = 0) noexcept {
    for (auto& w : s_)
      w = splitmix64(seed);
  }

  uint64_t next() noexcept {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept {
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
  }

  /// Standard normal (Box-Muller; the second value of each pair is cached).
  double normal() noexcept {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform(); // (0, 1]: log is finite
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 6.283185307179586 * u2;
    spare_ = r * std::sin(theta);
    has_spare_ = true;
    return r * std::cos(theta);
  }

private:
  static constexpr uint64_t rotl(uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }

  uint64_t s_[4] = {};
  double spare_ = 0;
  bool has_spare_ = false;
};

} // namespace xarb::sim
