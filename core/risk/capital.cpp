#include "core/risk/capital.hpp"
#include "core/problems.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

namespace xarb::risk {

namespace {

constexpr ratio share_of(int64_t nanos) { return ratio::from_raw(nanos); }

/// Saturating: usage is a running sum and must never wrap.
money add(money a, money b) {
  money out;
  if (money::checked_add(a, b, out))
    return out;
  return b.is_negative() ? money::min() : money::max();
}

money sub_floor0(money a, money b) {
  money out;
  if (!money::checked_sub(a, b, out))
    return b.is_negative() ? money::max() : money::zero();
  return out.is_negative() ? money::zero() : out;
}

/// x * r rounded down; a share above 1 (invalid config) may overflow: cap it.
money portion(money x, ratio r) {
  auto out = multiply(x, r, rounding::down);
  return out ? *out : money::max();
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty())
      out += '+';
    out += n;
  }
  return out;
}


} // namespace

std::vector<layer_config> default_layers() {
  const auto normal = std::vector<std::string>{std::string{mode_normal_arb}};
  const auto zero_wear = std::vector<std::string>{std::string{mode_zero_wear}};
  const ratio r09 = share_of(900'000'000);
  return {
    {"L1", share_of(200'000'000), r09, normal, false},
    {"L2", share_of(300'000'000), r09, normal, false},
    {"L3", share_of(250'000'000), r09, normal, false},
    {"L4", share_of(100'000'000), r09, zero_wear, false},
    {"L5", share_of(150'000'000), ratio::from_units(1), {}, true},
  };
}

capital_config default_capital_config() {
  return capital_config{};
}

std::string validate(const capital_config& c, const std::string& path) {
  problems chk{path};
  if (c.default_pool.is_negative())
    chk.bad("default_pool", "must be >= 0 (got " + c.default_pool.to_string() + ")");

  std::set<std::string> pool_venues;
  for (std::size_t i = 0; i < c.pools.size(); ++i) {
    const auto& [name, pool] = c.pools[i];
    const std::string key = "pools." + (name.empty() ? "[" + std::to_string(i) + "]" : name);
    if (name.empty())
      chk.bad(key, "venue name must not be empty");
    else if (!pool_venues.insert(name).second)
      chk.bad(key, "duplicate venue");
    if (pool.is_negative())
      chk.bad(key, "must be >= 0 (got " + pool.to_string() + ")");
  }

  if (c.layers.empty())
    chk.bad("layers", "at least one layer is needed");
  std::set<std::string> names;
  __extension__ using i128 = __int128;
  i128 share_sum = 0; // exact: no overflow even for absurd shares
  for (std::size_t i = 0; i < c.layers.size(); ++i) {
    const auto& l = c.layers[i];
    const std::string key =
      "layers." + (l.name.empty() ? "[" + std::to_string(i) + "]" : l.name);
    if (l.name.empty())
      chk.bad(key, "name must not be empty");
    else if (!names.insert(l.name).second)
      chk.bad(key, "duplicate layer name");
    if (l.target_share.is_negative() || l.target_share > ratio::from_units(1))
      chk.bad(key + ".target_share",
              "must be in [0, 1] (got " + l.target_share.to_string() + ")");
    if (!l.max_usage.is_positive() || l.max_usage > ratio::from_units(1))
      chk.bad(key + ".max_usage", "must be in (0, 1] (got " + l.max_usage.to_string() + ")");
    for (const auto& m : l.modes)
      if (m.empty())
        chk.bad(key + ".modes", "mode names must not be empty");
    share_sum += l.target_share.raw();
  }
  if (share_sum > decimal_scale) {
    const auto shown = share_sum <= INT64_MAX
                         ? ratio::from_raw(static_cast<int64_t>(share_sum)).to_string()
                         : std::string{"more than 9e9"};
    chk.bad("layers", "target shares sum to " + shown + ", must be <= 1");
  }

  for (const auto& s : c.safe_layers)
    if (names.count(s) == 0)
      chk.bad("safe_layers", "unknown layer '" + s + "'");
  return std::move(chk).str();
}

money reservation::total() const {
  money sum;
  for (const auto& p : parts)
    sum = add(sum, p.amount);
  return sum;
}

// -- capital_book -------------------------------------------------------------

capital_book::capital_book(capital_config cfg) : cfg_(std::move(cfg)) {
  safe_layer_.reserve(cfg_.layers.size());
  for (const auto& l : cfg_.layers)
    safe_layer_.push_back(std::find(cfg_.safe_layers.begin(), cfg_.safe_layers.end(), l.name)
                          != cfg_.safe_layers.end());
  for (const auto& [name, pool] : cfg_.pools)
    venue(name).pool = pool;
}

capital_book::venue_state& capital_book::venue(const std::string& name) {
  auto it = venues_.find(name);
  if (it == venues_.end()) {
    venue_state v;
    v.pool = cfg_.default_pool;
    v.used.assign(cfg_.layers.size(), money::zero());
    it = venues_.emplace(name, std::move(v)).first;
  }
  return it->second;
}

const capital_book::venue_state* capital_book::find_venue(const std::string& name) const {
  auto it = venues_.find(name);
  return it == venues_.end() ? nullptr : &it->second;
}

void capital_book::set_pool(const std::string& name, money pool) {
  venue(name).pool = pool;
}

money capital_book::pool(const std::string& name) const {
  const auto* v = find_venue(name);
  return v ? v->pool : cfg_.default_pool;
}

void capital_book::set_safe_mode(const std::string& name, bool on) {
  venue(name).safe = on;
}

bool capital_book::safe_mode(const std::string& name) const {
  const auto* v = find_venue(name);
  return v && v->safe;
}

bool capital_book::allowed(const venue_state& v, std::size_t layer) const {
  return !v.safe || safe_layer_[layer];
}

money capital_book::usable(const venue_state& v, std::size_t layer) const {
  const auto& l = cfg_.layers[layer];
  return portion(portion(v.pool, l.target_share), l.max_usage);
}

money capital_book::headroom(const venue_state& v, std::size_t layer) const {
  if (!allowed(v, layer))
    return money::zero();
  return sub_floor0(usable(v, layer), v.used[layer]);
}

std::vector<std::size_t> capital_book::eligible(const std::string& mode) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < cfg_.layers.size(); ++i) {
    const auto& m = cfg_.layers[i].modes;
    if (std::find(m.begin(), m.end(), mode) != m.end())
      out.push_back(i);
  }
  for (std::size_t i = 0; i < cfg_.layers.size(); ++i)
    if (cfg_.layers[i].reserve && std::find(out.begin(), out.end(), i) == out.end())
      out.push_back(i);
  return out;
}

std::size_t capital_book::layer_index(const std::string& name) const {
  for (std::size_t i = 0; i < cfg_.layers.size(); ++i)
    if (cfg_.layers[i].name == name)
      return i;
  return cfg_.layers.size();
}

void capital_book::book(venue_state& v, std::size_t layer, money amount, reservation& r) {
  v.used[layer] = add(v.used[layer], amount);
  const auto& name = cfg_.layers[layer].name;
  for (auto& p : r.parts)
    if (p.layer == name) {
      p.amount = add(p.amount, amount);
      return;
    }
  r.parts.push_back({name, amount});
}

void capital_book::record(reservation& r) {
  if (r.parts.empty())
    return;
  r.id = next_id_++;
  live_.emplace(r.id, r);
}

void capital_book::unbook(const reservation& r) {
  auto it = venues_.find(r.venue);
  if (it == venues_.end())
    return;
  auto& used = it->second.used;
  for (const auto& p : r.parts) {
    const auto i = layer_index(p.layer);
    if (i < used.size())
      used[i] = sub_floor0(used[i], p.amount);
  }
}

money capital_book::take(venue_state& v, const std::vector<std::size_t>& order, money amount,
                         reservation& r) {
  for (auto i : order) {
    if (!amount.is_positive())
      break;
    const money room = headroom(v, i);
    if (!room.is_positive())
      continue;
    const money part = std::min(room, amount);
    book(v, i, part, r);
    amount -= part;
  }
  return amount;
}

money capital_book::available(const std::string& name, const std::string& mode) const {
  venue_state fresh;
  const venue_state* v = find_venue(name);
  if (!v) {
    fresh.pool = cfg_.default_pool;
    fresh.used.assign(cfg_.layers.size(), money::zero());
    v = &fresh;
  }
  money sum;
  for (auto i : eligible(mode))
    sum = add(sum, headroom(*v, i));
  return sum;
}

expected<reservation> capital_book::reserve(const std::string& name, money amount,
                                            const std::string& mode,
                                            const std::string& owner) {
  if (amount.is_negative())
    return error_info{error_code::invalid_order,
                      "capital " + name + ": amount must be >= 0 (got " + amount.to_string()
                        + ")"};
  reservation r{name, owner, {}, 0};
  if (amount.is_zero())
    return r;
  const auto order = eligible(mode);
  if (order.empty())
    return error_info{error_code::invalid_order,
                      "capital " + name + ": no layer serves " + mode};
  const money avail = available(name, mode);
  if (avail < amount) {
    std::vector<std::string> all;
    std::vector<std::string> safe;
    const bool in_safe = safe_mode(name);
    for (auto i : order) {
      all.push_back(cfg_.layers[i].name);
      if (safe_layer_[i])
        safe.push_back(cfg_.layers[i].name);
    }
    std::string text = "capital " + name + ": " + avail.to_string() + " available for " + mode
                       + " in " + join(all) + ", " + amount.to_string() + " needed";
    if (in_safe)
      text += safe.empty() ? " (safe mode: none of these layers allowed)"
                           : " (safe mode: " + join(safe) + " only)";
    return error_info{error_code::invalid_order, std::move(text)};
  }
  const money left = take(venue(name), order, amount, r);
  (void) left; // zero: checked against available() above
  record(r);
  return r;
}

reservation capital_book::force(const std::string& name, money amount, const std::string& mode,
                                const std::string& owner) {
  reservation r{name, owner, {}, 0};
  if (!amount.is_positive() || cfg_.layers.empty())
    return r;
  auto& v = venue(name);
  const auto order = eligible(mode);
  const money left = take(v, order, amount, r);
  if (left.is_positive()) {
    // Overdraft on the first eligible layer still allowed, else the first
    // eligible one, else the first layer: the usage exists and must be seen.
    std::size_t target = order.empty() ? 0 : order.front();
    for (auto i : order)
      if (allowed(v, i)) {
        target = i;
        break;
      }
    book(v, target, left, r);
  }
  record(r);
  return r;
}

void capital_book::release(const reservation& r) {
  auto it = live_.find(r.id);
  if (it == live_.end() || it->second.owner != r.owner || it->second.venue != r.venue)
    return;
  unbook(it->second);
  live_.erase(it);
}

void capital_book::release_owner(const std::string& owner) {
  for (auto it = live_.begin(); it != live_.end();) {
    if (it->second.owner == owner) {
      unbook(it->second);
      it = live_.erase(it);
    } else {
      ++it;
    }
  }
}

money capital_book::held(const std::string& owner, const std::string& name) const {
  money sum;
  for (const auto& [id, r] : live_)
    if (r.owner == owner && r.venue == name)
      sum = add(sum, r.total());
  return sum;
}

std::vector<venue_capital_snapshot> capital_book::snapshot() const {
  std::vector<venue_capital_snapshot> out;
  out.reserve(venues_.size());
  for (const auto& [name, v] : venues_) { // std::map: already sorted
    venue_capital_snapshot s;
    s.venue = name;
    s.pool = v.pool;
    s.safe_mode = v.safe;
    for (std::size_t i = 0; i < cfg_.layers.size(); ++i) {
      const auto& l = cfg_.layers[i];
      layer_snapshot ls;
      ls.name = l.name;
      ls.target_share = l.target_share;
      ls.max_usage = l.max_usage;
      ls.allocation = portion(v.pool, l.target_share);
      ls.usable = portion(ls.allocation, l.max_usage);
      ls.used = v.used[i];
      ls.allowed = allowed(v, i);
      ls.available = headroom(v, i);
      if (ls.usable.is_positive())
        ls.utilisation = ls.used.to_double() / ls.usable.to_double();
      else
        ls.utilisation = ls.used.is_positive() ? 1.0 : 0.0;
      s.used = add(s.used, ls.used);
      s.available = add(s.available, ls.available);
      s.layers.push_back(std::move(ls));
    }
    out.push_back(std::move(s));
  }
  return out;
}

} // namespace xarb::risk
