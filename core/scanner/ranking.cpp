#include "core/scanner/ranking.hpp"

#include <algorithm>
#include <cmath>

namespace xarb::scanner {

namespace {

constexpr double hours_per_year = 365.0 * 24.0;

struct direction {
  double spread_bps;
  std::optional<double> funding_diff_bps;
  double carry_bps;
};

} // namespace

std::string_view to_string(sort_key k) noexcept {
  switch (k) {
    case sort_key::spread: return "spread";
    case sort_key::notional: return "notional";
    case sort_key::funding: return "funding";
    case sort_key::carry: return "carry";
  }
  return "?";
}

expected<sort_key> parse_sort_key(std::string_view s) {
  for (auto k : {sort_key::spread, sort_key::notional, sort_key::funding, sort_key::carry})
    if (s == to_string(k))
      return k;
  return error_info{error_code::parse_error,
                    "sort must be spread, notional, funding or carry, not '" + std::string{s}
                      + "'"};
}

int32_t leverage_for(const scan_snapshot& snap, const venue_quote& q, const rank_query& query,
                     bool& fallback) {
  if (q.leverage > 0)
    return q.leverage;
  fallback = true;
  const auto& name = snap.venue_name(q);
  if (auto i = query.fallback_leverage.find(name); i != query.fallback_leverage.end())
    return i->second;
  if (auto i = snap.params.fallback_leverage.find(name); i != snap.params.fallback_leverage.end())
    return i->second;
  return snap.params.default_fallback_leverage;
}

ranked_row evaluate(const scan_snapshot& snap, const scan_row& row, const rank_query& query) {
  const auto& qa = snap.quote_a(row);
  const auto& qb = snap.quote_b(row);
  ranked_row out;
  out.row = &row;
  out.leverage_a = leverage_for(snap, qa, query, out.leverage_fallback);
  out.leverage_b = leverage_for(snap, qb, query, out.leverage_fallback);
  out.leverage = std::min(out.leverage_a, out.leverage_b);
  const double horizon =
    snap.params.funding_basis_hours > 0
      ? static_cast<double>(snap.params.carry_horizon_hours) / snap.params.funding_basis_hours
      : 0.0;
  auto make = [&](double spread, const venue_quote& sold, const venue_quote& bought) {
    direction d{spread, std::nullopt, spread - row.fees_bps};
    if (sold.funding_known && bought.funding_known) {
      // Positive rates are paid by longs to shorts: the short leg (sold)
      // receives its rate, the long leg (bought) pays its own.
      d.funding_diff_bps = sold.funding_basis_bps - bought.funding_basis_bps;
      d.carry_bps += *d.funding_diff_bps * horizon;
    }
    return d;
  };
  const direction ab = make(row.spread_ab_bps, qa, qb);
  const direction ba = make(row.spread_ba_bps, qb, qa);
  auto key_of = [&](const direction& d) {
    switch (query.sort) {
      case sort_key::spread: return d.spread_bps;
      case sort_key::notional: return d.spread_bps * out.leverage;
      // Unknown funding ranks after every known one.
      case sort_key::funding: return d.funding_diff_bps.value_or(-HUGE_VAL);
      case sort_key::carry: return d.carry_bps;
    }
    return d.spread_bps;
  };
  const double kab = key_of(ab);
  const double kba = key_of(ba);
  // Ties (e.g. both fundings unknown) fall back to the better spread.
  out.sell_a = kab > kba || (kab == kba && ab.spread_bps >= ba.spread_bps);
  const direction& d = out.sell_a ? ab : ba;
  out.spread_bps = d.spread_bps;
  out.notional_bps = d.spread_bps * out.leverage;
  out.funding_diff_bps = d.funding_diff_bps;
  if (d.funding_diff_bps && snap.params.funding_basis_hours > 0)
    out.funding_apr_pct =
      *d.funding_diff_bps / 100.0 * hours_per_year / snap.params.funding_basis_hours;
  out.carry_bps = d.carry_bps;
  out.key = out.sell_a ? kab : kba;
  return out;
}

ranking rank(const scan_snapshot& snap, const rank_query& query) {
  ranking out;
  std::vector<ranked_row> live;
  live.reserve(snap.rows.size() - std::min(snap.rows.size(), snap.stale_rows));
  for (const auto& row : snap.rows) {
    if (!query.symbol.empty() && snap.symbols[row.symbol].symbol != query.symbol)
      continue;
    if (!query.venue.empty() && snap.venue_name(snap.quote_a(row)) != query.venue
        && snap.venue_name(snap.quote_b(row)) != query.venue)
      continue;
    ++out.rows_total;
    if (row.stale) {
      ++out.stale_rows;
      if (out.stale.size() < query.stale_limit)
        out.stale.push_back(evaluate(snap, row, query));
      continue;
    }
    live.push_back(evaluate(snap, row, query));
  }
  out.ranked = live.size();
  // Best key first; equal keys in snapshot order (symbol, venues), so a
  // ranking is stable from one refresh to the next.
  auto better = [](const ranked_row& x, const ranked_row& y) {
    if (x.key != y.key)
      return x.key > y.key;
    return x.row < y.row;
  };
  const std::size_t n = std::min(query.limit, live.size());
  std::partial_sort(live.begin(), live.begin() + static_cast<std::ptrdiff_t>(n), live.end(),
                    better);
  live.resize(n);
  out.rows = std::move(live);
  return out;
}

} // namespace xarb::scanner
