#include "core/scanner/signal_detector.hpp"

#include <algorithm>

#include "core/scanner/ranking.hpp"

namespace xarb::scanner {

void signal_detector::set_params(signal_params p) {
  params_ = p;
  runs_.clear();
  while (recent_.size() > params_.keep)
    recent_.pop_front();
}

std::vector<arb_signal> signal_detector::observe(const scan_snapshot& snap) {
  std::vector<arb_signal> out;
  ++sample_;
  const timestamp_ns now = snap.ts;
  rank_query q;
  q.sort = sort_key::spread; // the row's better spread direction
  for (const auto& row : snap.rows) {
    if (row.stale)
      continue;
    // At most one direction can be positive, so the better one is the only
    // candidate for a threshold above zero.
    if (std::max(row.spread_ab_bps, row.spread_ba_bps) < params_.threshold_bps)
      continue;
    const auto r = evaluate(snap, row, q);
    const auto& sold = r.sell_a ? snap.quote_a(row) : snap.quote_b(row);
    const auto& bought = r.sell_a ? snap.quote_b(row) : snap.quote_a(row);
    key k{snap.symbols[row.symbol].symbol, snap.venue_name(sold), snap.venue_name(bought)};
    auto& run = runs_[k];
    if (run.last_sample + 1 != sample_)
      run.count = 0; // the run was broken by a sample below the threshold
    run.last_sample = sample_;
    if (now < run.quiet_until) {
      run.count = 0; // cooling down: this sample does not count
      continue;
    }
    if (++run.count < params_.samples)
      continue;
    arb_signal s;
    s.seq = ++seq_;
    s.ts = now;
    s.symbol = std::get<0>(k);
    s.sell_venue = std::get<1>(k);
    s.buy_venue = std::get<2>(k);
    s.spread_bps = r.spread_bps;
    s.notional_spread_bps = r.notional_bps;
    s.leverage = r.leverage;
    s.funding_diff_bps = r.funding_diff_bps;
    s.carry_bps = r.carry_bps;
    s.samples = run.count;
    run.count = 0;
    run.quiet_until = now + params_.cooldown_ns;
    recent_.push_back(s);
    while (recent_.size() > params_.keep)
      recent_.pop_front();
    out.push_back(std::move(s));
  }
  // Forget keys with nothing in progress: the map stays as small as the set
  // of rows currently above the threshold or cooling down.
  std::erase_if(runs_, [&](const auto& kv) {
    return kv.second.last_sample != sample_ && kv.second.quiet_until <= now;
  });
  return out;
}

} // namespace xarb::scanner
