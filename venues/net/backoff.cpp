#include "venues/net/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace xarb::net {

backoff::backoff(backoff_params p, random_fn rnd) : p_(p), rnd_(std::move(rnd)) {
  // Sanitise instead of failing: a back-off must always produce a delay.
  p_.base_ns = std::max<int64_t>(p_.base_ns, 0);
  p_.cap_ns = std::max(p_.cap_ns, p_.base_ns);
  if (!(p_.factor >= 1.0))
    p_.factor = 1.0;
  if (!rnd_)
    gen_.seed(std::random_device{}());
}

int64_t backoff::ceiling_ns() const noexcept {
  // In double, so base * factor^n cannot overflow before the cap applies.
  double c = static_cast<double>(p_.base_ns) * std::pow(p_.factor, static_cast<double>(attempts_));
  if (!(c < static_cast<double>(p_.cap_ns)))
    return p_.cap_ns;
  return static_cast<int64_t>(c);
}

double backoff::uniform() {
  double u = rnd_ ? rnd_() : std::uniform_real_distribution<double>{0.0, 1.0}(gen_);
  return std::clamp(std::isnan(u) ? 0.0 : u, 0.0, 1.0);
}

int64_t backoff::next_delay_ns() {
  auto ceiling = ceiling_ns();
  if (attempts_ < UINT32_MAX)
    ++attempts_;
  auto c = static_cast<double>(ceiling);
  double d = c;
  switch (p_.jitter) {
    case jitter_kind::full: d = uniform() * c; break;
    case jitter_kind::equal: d = c / 2 + uniform() * (c / 2); break;
    case jitter_kind::none: break;
  }
  return std::clamp<int64_t>(static_cast<int64_t>(d), 0, ceiling);
}

void backoff::connected(int64_t now_ns) noexcept {
  up_since_ = now_ns;
}

bool backoff::disconnected(int64_t now_ns) noexcept {
  bool stable = up_since_ >= 0 && now_ns - up_since_ >= p_.stable_ns;
  up_since_ = -1;
  if (stable)
    attempts_ = 0;
  return stable;
}

} // namespace xarb::net
