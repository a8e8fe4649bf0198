#include "monitoring/scan_json.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/scanner/market_scanner.hpp"

namespace xarb::scan_json {

namespace {

using namespace scanner;

void opt(json::writer& w, std::string_view key, std::optional<double> x) {
  w.key(key);
  if (x)
    w.value(round4(*x));
  else
    w.null();
}

double ms(int64_t ns) { return round4(static_cast<double>(ns) / 1e6); }

void write_venues(json::writer& w, const scan_snapshot& snap, const rank_query& q) {
  w.key("venues").begin_array();
  for (std::size_t i = 0; i < snap.venues.size(); ++i) {
    const auto& v = snap.venues[i];
    w.begin_object();
    w.key("venue").value(v.name);
    w.key("state").value(to_string(v.state));
    w.key("symbols").value(static_cast<uint64_t>(v.symbols));
    w.key("quotes").value(static_cast<uint64_t>(v.quotes));
    w.key("stale").value(v.stale);
    w.key("last_update").value(v.last_update);
    // The leverage used when an instrument of the venue publishes none.
    venue_quote probe;
    probe.venue = static_cast<uint16_t>(i);
    bool fallback = false;
    w.key("leverage_fallback").value(leverage_for(snap, probe, q, fallback));
    w.end_object();
  }
  w.end_array();
}

/// "ready", "ts" and "age_ms" of a document over the latest snapshot.
void write_freshness(json::writer& w, const scan_snapshot* snap, timestamp_ns now) {
  w.key("ready").value(snap != nullptr);
  w.key("ts").value(snap ? snap->ts : int64_t{0});
  w.key("age_ms");
  if (snap)
    w.value(ms(now - snap->ts));
  else
    w.null();
}

double mid_of(const venue_quote_sample& q) { return (q.bid.to_double() + q.ask.to_double()) / 2; }

} // namespace

double round4(double x) noexcept {
  return std::isfinite(x) ? std::round(x * 1e4) / 1e4 : x;
}

std::string row_id(const scan_snapshot& snap, const scan_row& row) {
  return snap.symbols[row.symbol].symbol + "/" + snap.venue_name(snap.quote_a(row)) + "/"
         + snap.venue_name(snap.quote_b(row));
}

void write_row(json::writer& w, const scan_snapshot& snap, const ranked_row& r,
               std::optional<std::size_t> rank) {
  const auto& row = *r.row;
  const auto& qa = snap.quote_a(row);
  const auto& qb = snap.quote_b(row);
  w.begin_object();
  w.key("rank");
  if (rank)
    w.value(static_cast<uint64_t>(*rank));
  else
    w.null();
  w.key("symbol").value(snap.symbols[row.symbol].symbol);
  w.key("venue_a").value(snap.venue_name(qa));
  w.key("venue_b").value(snap.venue_name(qb));
  w.key("native_a").value(qa.native_symbol);
  w.key("native_b").value(qb.native_symbol);
  w.key("bid_a").value(qa.bid.to_string());
  w.key("ask_a").value(qa.ask.to_string());
  w.key("bid_b").value(qb.bid.to_string());
  w.key("ask_b").value(qb.ask.to_string());
  w.key("spread_ab_bps").value(round4(row.spread_ab_bps));
  w.key("spread_ba_bps").value(round4(row.spread_ba_bps));
  w.key("sell_venue").value(snap.venue_name(r.sell_a ? qa : qb));
  w.key("buy_venue").value(snap.venue_name(r.sell_a ? qb : qa));
  w.key("spread_bps").value(round4(r.spread_bps));
  w.key("leverage_a").value(r.leverage_a);
  w.key("leverage_b").value(r.leverage_b);
  w.key("leverage").value(r.leverage);
  w.key("leverage_fallback").value(r.leverage_fallback);
  w.key("notional_spread_bps").value(round4(r.notional_bps));
  opt(w, "funding_a_bps", qa.funding_known ? std::optional{qa.funding_basis_bps} : std::nullopt);
  opt(w, "funding_b_bps", qb.funding_known ? std::optional{qb.funding_basis_bps} : std::nullopt);
  opt(w, "funding_diff_bps", r.funding_diff_bps);
  opt(w, "funding_diff_apr_pct", r.funding_apr_pct);
  w.key("fees_bps").value(round4(row.fees_bps));
  w.key("carry_bps").value(round4(r.carry_bps));
  w.key("stale").value(row.stale);
  w.key("stale_venues").begin_array();
  for (auto* q : {&qa, &qb})
    if (q->stale)
      w.value(snap.venue_name(*q));
  w.end_array();
  w.key("age_ms_a").value(ms(qa.age_ns));
  w.key("age_ms_b").value(ms(qb.age_ns));
  w.end_object();
}

void write_top_spreads(json::writer& w, const scan_snapshot* snap, const ranking& ranked,
                       const rank_query& q, timestamp_ns now) {
  w.begin_object();
  write_freshness(w, snap, now);
  w.key("refresh_ms").value(snap ? round4(snap->refresh_ms) : 0.0);
  w.key("sort").value(to_string(q.sort));
  w.key("limit").value(static_cast<uint64_t>(q.limit));
  w.key("funding_basis_hours").value(snap ? snap->params.funding_basis_hours : 0);
  w.key("carry_horizon_hours").value(snap ? snap->params.carry_horizon_hours : 0);
  w.key("symbols").value(static_cast<uint64_t>(snap ? snap->symbols.size() : 0));
  w.key("rows_total").value(static_cast<uint64_t>(ranked.rows_total));
  w.key("ranked").value(static_cast<uint64_t>(ranked.ranked));
  w.key("stale_rows").value(static_cast<uint64_t>(ranked.stale_rows));
  if (snap) {
    write_venues(w, *snap, q);
  } else {
    w.key("venues").begin_array().end_array();
  }
  w.key("rows").begin_array();
  for (std::size_t i = 0; i < ranked.rows.size(); ++i)
    write_row(w, *snap, ranked.rows[i], i + 1);
  w.end_array();
  w.key("stale").begin_array();
  for (auto& r : ranked.stale)
    write_row(w, *snap, r, std::nullopt);
  w.end_array();
  w.end_object();
}

void write_funding(json::writer& w, const scan_snapshot* snap, std::size_t limit,
                   std::string_view symbol, timestamp_ns now) {
  struct entry {
    const symbol_quotes* sq;
    const venue_quote* hi = nullptr; // pays most: short it
    const venue_quote* lo = nullptr; // pays least: long it
    double diff = -HUGE_VAL;
  };
  std::vector<entry> rows;
  if (snap) {
    for (auto& sq : snap->symbols) {
      if (!symbol.empty() && sq.symbol != symbol)
        continue;
      entry e{&sq};
      for (auto& q : sq.venues) {
        if (!q.funding_known || q.stale)
          continue;
        if (!e.hi || q.funding_basis_bps > e.hi->funding_basis_bps)
          e.hi = &q;
        if (!e.lo || q.funding_basis_bps < e.lo->funding_basis_bps)
          e.lo = &q;
      }
      if (e.hi && e.lo && e.hi != e.lo)
        e.diff = e.hi->funding_basis_bps - e.lo->funding_basis_bps;
      rows.push_back(e);
    }
  }
  // Largest differential first; symbols without two fresh rates last, by name.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const entry& a, const entry& b) { return a.diff > b.diff; });
  const int32_t basis = snap ? snap->params.funding_basis_hours : 0;
  const double per_year = basis > 0 ? 365.0 * 24.0 / basis : 0.0;
  w.begin_object();
  write_freshness(w, snap, now);
  w.key("funding_basis_hours").value(basis);
  w.key("symbols").value(static_cast<uint64_t>(rows.size()));
  w.key("rows").begin_array();
  for (std::size_t i = 0; i < rows.size() && i < limit; ++i) {
    const auto& e = rows[i];
    w.begin_object();
    w.key("symbol").value(e.sq->symbol);
    const bool has_diff = std::isfinite(e.diff);
    opt(w, "max_diff_bps", has_diff ? std::optional{e.diff} : std::nullopt);
    opt(w, "max_diff_apr_pct", has_diff ? std::optional{e.diff / 100.0 * per_year} : std::nullopt);
    w.key("short_venue");
    if (has_diff)
      w.value(snap->venue_name(*e.hi));
    else
      w.null();
    w.key("long_venue");
    if (has_diff)
      w.value(snap->venue_name(*e.lo));
    else
      w.null();
    w.key("venues").begin_array();
    for (auto& q : e.sq->venues) {
      w.begin_object();
      w.key("venue").value(snap->venue_name(q));
      w.key("known").value(q.funding_known);
      w.key("rate");
      if (q.funding_known)
        w.value(q.funding_rate.to_string());
      else
        w.null();
      w.key("interval_s").value(q.funding_interval_s);
      opt(w, "basis_bps", q.funding_known ? std::optional{q.funding_basis_bps} : std::nullopt);
      opt(w, "apr_pct",
          q.funding_known ? std::optional{q.funding_basis_bps / 100.0 * per_year} : std::nullopt);
      w.key("next_funding_ts").value(q.next_funding_ts);
      w.key("stale").value(q.stale);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_signal(json::writer& w, const arb_signal& s) {
  w.begin_object();
  w.key("seq").value(s.seq);
  w.key("ts").value(s.ts);
  w.key("symbol").value(s.symbol);
  w.key("sell_venue").value(s.sell_venue);
  w.key("buy_venue").value(s.buy_venue);
  w.key("spread_bps").value(round4(s.spread_bps));
  w.key("notional_spread_bps").value(round4(s.notional_spread_bps));
  w.key("leverage").value(s.leverage);
  opt(w, "funding_diff_bps", s.funding_diff_bps);
  w.key("carry_bps").value(round4(s.carry_bps));
  w.key("samples").value(s.samples);
  w.end_object();
}

void write_signals(json::writer& w, const std::vector<arb_signal>& oldest_first,
                   const scanner_settings& settings) {
  w.begin_object();
  w.key("threshold_bps").value(settings.signals.threshold_bps);
  w.key("samples").value(settings.signals.samples);
  w.key("cooldown_s").value(settings.signals.cooldown_ns / 1'000'000'000);
  w.key("kept").value(static_cast<uint64_t>(settings.signals.keep));
  w.key("signals").begin_array();
  for (auto i = oldest_first.rbegin(); i != oldest_first.rend(); ++i)
    write_signal(w, *i);
  w.end_array();
  w.end_object();
}

void write_history(json::writer& w, std::string_view symbol, std::string_view venue,
                   timestamp_ns from, timestamp_ns to, const std::vector<market_sample>& samples,
                   bool truncated, int32_t basis_hours) {
  // Venues in name order, as they appear in the samples.
  std::map<std::string, std::size_t, std::less<>> names;
  for (auto& s : samples)
    for (auto& q : s.venues)
      names.emplace(q.venue, 0);
  w.begin_object();
  w.key("symbol").value(symbol);
  w.key("venue").value(venue);
  w.key("from").value(from);
  w.key("to").value(to);
  w.key("samples").value(static_cast<uint64_t>(samples.size()));
  w.key("truncated").value(truncated);
  w.key("next_from");
  if (truncated && !samples.empty())
    w.value(samples.back().ts + 1);
  else
    w.null();
  w.key("funding_basis_hours").value(basis_hours);
  w.key("series").begin_array();
  for (auto& [name, unused] : names) {
    if (!venue.empty() && name != venue)
      continue;
    w.begin_object();
    w.key("venue").value(name);
    w.key("points").begin_array();
    for (auto& s : samples)
      for (auto& q : s.venues) {
        if (q.venue != name)
          continue;
        w.begin_object();
        w.key("ts").value(s.ts);
        w.key("bid").value(q.bid.to_string());
        w.key("ask").value(q.ask.to_string());
        w.key("funding_rate");
        if (q.funding_known)
          w.value(q.funding_rate.to_string());
        else
          w.null();
        w.key("interval_s").value(q.interval_s);
        opt(w, "funding_basis_bps",
            q.funding_known
              ? std::optional{scanner::funding_basis_bps(q.funding_rate, q.interval_s,
                                                         basis_hours)}
              : std::nullopt);
        w.key("stale").value(q.stale);
        w.end_object();
      }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("spreads").begin_array();
  for (auto a = names.begin(); a != names.end(); ++a)
    for (auto b = std::next(a); b != names.end(); ++b) {
      if (!venue.empty() && a->first != venue && b->first != venue)
        continue;
      w.begin_object();
      w.key("venue_a").value(a->first);
      w.key("venue_b").value(b->first);
      w.key("points").begin_array();
      for (auto& s : samples) {
        const venue_quote_sample* qa = nullptr;
        const venue_quote_sample* qb = nullptr;
        for (auto& q : s.venues) {
          if (q.venue == a->first)
            qa = &q;
          else if (q.venue == b->first)
            qb = &q;
        }
        if (!qa || !qb || !qa->bid.is_positive() || !qb->bid.is_positive())
          continue;
        const double mid = (mid_of(*qa) + mid_of(*qb)) / 2;
        w.begin_object();
        w.key("ts").value(s.ts);
        w.key("spread_ab_bps").value(round4((qa->bid.to_double() - qb->ask.to_double()) / mid * 1e4));
        w.key("spread_ba_bps").value(round4((qb->bid.to_double() - qa->ask.to_double()) / mid * 1e4));
        w.key("stale").value(qa->stale || qb->stale);
        w.end_object();
      }
      w.end_array();
      w.end_object();
    }
  w.end_array();
  w.end_object();
}

} // namespace xarb::scan_json
