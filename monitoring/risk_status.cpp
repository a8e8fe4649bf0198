#include "monitoring/risk_status.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "monitoring/json_writer.hpp"

namespace xarb {

namespace {

void money_field(json::writer& w, std::string_view k, money m) {
  w.key(k).value(m.to_string());
}

double state_value(trade_state s) {
  return static_cast<double>(static_cast<int>(s));
}

/// The fields every scope (venue, symbol, pair) has, after its name.
void scope_fields(json::writer& w, std::string_view name_key, std::string_view name,
                  trade_state state, bool entries, std::string_view reason) {
  w.key(name_key).value(name);
  w.key("state").value(to_string(state));
  w.key("entries").value(entries);
  w.key("reason").value(reason);
}

void follow(prometheus::Counter& c, uint64_t total) {
  const double v = static_cast<double>(total);
  if (v > c.Value())
    c.Increment(v - c.Value());
}

void write_limits(json::writer& w, const risk::risk_config& c) {
  w.key("limits").begin_object();
  money_field(w, "max_order_notional", c.max_order_notional);
  w.key("price_band_bps").value(c.price_band_bps);
  money_field(w, "max_pair_gross", c.max_pair_gross);
  money_field(w, "max_pair_net", c.max_pair_net);
  money_field(w, "max_symbol_gross", c.max_symbol_gross);
  money_field(w, "max_symbol_net", c.max_symbol_net);
  money_field(w, "max_venue_gross", c.max_venue_gross);
  money_field(w, "max_venue_net", c.max_venue_net);
  money_field(w, "max_total_gross", c.max_total_gross);
  money_field(w, "max_total_net", c.max_total_net);
  w.key("direction_consistency").value(c.direction_consistency);
  w.key("audit_ms").value(c.audit_interval_ns / 1'000'000);
  w.key("audit_rounds").value(c.audit_rounds);
  w.key("lease_ms").value(c.lease_ns / 1'000'000);
  const auto& b = c.breakers;
  w.key("breakers").begin_object();
  w.key("consecutive_failures").value(b.consecutive_failures.limit);
  w.key("error_rate").value(b.error_rate.limit);
  w.key("error_rate_window_s").value(b.error_rate.window_ns / 1'000'000'000);
  w.key("stale_book_ms").value(b.stale_book.budget_ns / 1'000'000);
  w.key("liveness_ms").value(b.liveness.budget_ns / 1'000'000);
  w.key("latency_ms").value(b.latency.limit_ns / 1'000'000);
  w.key("fast_market_pct").value(b.fast_market.move_pct);
  w.key("fast_market_window_ms").value(b.fast_market.window_ns / 1'000'000);
  money_field(w, "daily_loss", b.daily_loss.limit);
  w.key("drawdown_pct").value(b.drawdown.pct);
  w.key("venue_drawdown_pct").value(b.venue_drawdown.pct);
  money_field(w, "balance_floor", b.balance_floor.floor);
  w.end_object();
  w.end_object();
}

} // namespace

void write_rate_limit(json::writer& w, const risk::rate_limit_snapshot& r) {
  w.begin_object();
  w.key("venue").value(r.venue);
  w.key("key").value(r.key_id);
  w.key("orders_available").value(r.orders_available);
  w.key("orders_capacity").value(r.orders_capacity);
  w.key("cancels_available").value(r.cancels_available);
  w.key("cancels_capacity").value(r.cancels_capacity);
  w.key("weight_available").value(r.weight_available);
  w.key("weight_capacity").value(r.weight_capacity);
  // Share of new-order tokens left: the headroom an operator watches.
  w.key("headroom_ratio")
    .value(r.orders_capacity > 0 ? static_cast<double>(r.orders_available)
                                     / static_cast<double>(r.orders_capacity)
                                 : 1.0);
  w.key("backing_off").value(r.backing_off);
  w.key("stopped").value(r.stopped);
  w.key("blocked_until").value(static_cast<int64_t>(r.blocked_until));
  w.key("http_429").value(r.http_429);
  w.key("http_418").value(r.http_418);
  w.key("refused").value(r.refused);
  w.key("reason").value(r.state_reason);
  w.end_object();
}

std::string to_json(const risk::risk_snapshot& s, const risk::risk_config& cfg) {
  json::writer w;
  w.begin_object();
  w.key("ts").value(static_cast<int64_t>(s.ts));
  w.key("state").value(to_string(s.state));
  w.key("reason").value(s.reason);
  money_field(w, "equity", s.equity);
  money_field(w, "peak_equity", s.peak_equity);
  w.key("drawdown_pct").value(s.drawdown_pct);
  money_field(w, "daily_loss", s.daily_loss);
  money_field(w, "pnl", s.pnl);
  money_field(w, "total_gross", s.total_gross);
  money_field(w, "total_net", s.total_net);
  w.key("permits_sent").value(s.permits_sent);
  write_limits(w, cfg);
  w.key("venues").begin_array();
  for (const auto& v : s.venues) {
    w.begin_object();
    scope_fields(w, "venue", v.venue, v.state, v.entries, v.reason);
    money_field(w, "pool", v.pool);
    money_field(w, "pnl", v.pnl);
    money_field(w, "equity", v.equity);
    money_field(w, "gross", v.gross);
    money_field(w, "net", v.net);
    w.key("leverage").value(v.leverage);
    w.key("max_leverage").value(v.max_leverage);
    w.key("drawdown_pct").value(v.drawdown_pct);
    w.key("safe_mode").value(v.safe_mode);
    w.end_object();
  }
  w.end_array();
  w.key("symbols").begin_array();
  for (const auto& sym : s.symbols) {
    w.begin_object();
    scope_fields(w, "symbol", sym.name, sym.state, sym.entries, sym.reason);
    w.end_object();
  }
  w.end_array();
  w.key("pairs").begin_array();
  for (const auto& p : s.pairs) {
    w.begin_object();
    scope_fields(w, "pair", p.pair_id, p.state, p.entries, p.reason);
    money_field(w, "commit", p.commit);
    money_field(w, "cap_ab", p.cap_ab);
    money_field(w, "cap_ba", p.cap_ba);
    money_field(w, "net", p.net);
    money_field(w, "pnl", p.pnl);
    w.key("permit_version").value(p.permit_version);
    w.key("acked_version").value(p.acked_version);
    w.end_object();
  }
  w.end_array();
  w.key("breakers").begin_array();
  for (const auto& t : s.breakers) {
    w.begin_object();
    w.key("kind").value(risk::to_string(t.kind));
    w.key("scope").value(t.scope.empty() ? std::string{"node"} : t.scope);
    w.key("action").value(risk::to_string(t.action));
    w.key("reason").value(t.reason);
    w.key("value").value(t.value);
    w.key("limit").value(t.limit);
    w.key("since").value(static_cast<int64_t>(t.since));
    w.key("until").value(static_cast<int64_t>(t.until));
    w.end_object();
  }
  w.end_array();
  w.key("trips_total").begin_object();
  for (const auto& [kind, n] : s.trips_total)
    w.key(risk::to_string(kind)).value(n);
  w.end_object();
  w.key("capital").begin_array();
  for (const auto& v : s.capital) {
    w.begin_object();
    w.key("venue").value(v.venue);
    money_field(w, "pool", v.pool);
    w.key("safe_mode").value(v.safe_mode);
    money_field(w, "used", v.used);
    money_field(w, "available", v.available);
    w.key("layers").begin_array();
    for (const auto& l : v.layers) {
      w.begin_object();
      w.key("layer").value(l.name);
      w.key("target_share").value(l.target_share.to_string());
      w.key("max_usage").value(l.max_usage.to_string());
      money_field(w, "allocation", l.allocation);
      money_field(w, "usable", l.usable);
      money_field(w, "used", l.used);
      money_field(w, "available", l.available);
      w.key("utilisation").value(l.utilisation);
      w.key("allowed").value(l.allowed);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("rate_limits").begin_array();
  for (const auto& r : s.rate_limits)
    write_rate_limit(w, r);
  w.end_array();
  w.end_object();
  return std::move(w).str();
}

risk_metrics::risk_metrics(prometheus::Registry& reg) {
  using namespace prometheus;
  state_ = &BuildGauge()
              .Name("xarb_risk_state")
              .Help("Trading state per scope: 0 active, 1 reducing, 2 halted.")
              .Register(reg);
  entries_ = &BuildGauge()
                .Name("xarb_risk_entries_allowed")
                .Help("1 while new entries are allowed in the scope, else 0.")
                .Register(reg);
  breaker_active_ = &BuildGauge()
                       .Name("xarb_risk_breakers_active")
                       .Help("Breakers currently tripped, by kind.")
                       .Register(reg);
  breaker_trips_ = &BuildCounter()
                      .Name("xarb_risk_breaker_trips_total")
                      .Help("Breaker trips, by kind.")
                      .Register(reg);
  exposure_ = &BuildGauge()
                 .Name("xarb_risk_exposure_notional")
                 .Help("Committed (gross) and signed position (net) notional, quote currency.")
                 .Register(reg);
  equity_ = &BuildGauge()
               .Name("xarb_risk_equity")
               .Help("Capital pools plus P&L after fees and funding (kind=current|peak).")
               .Register(reg);
  drawdown_ = &BuildGauge()
                 .Name("xarb_risk_drawdown_ratio")
                 .Help("Drawdown from the equity peak, as a ratio (scope=node|venue).")
                 .Register(reg);
  daily_loss_ = &BuildGauge()
                   .Name("xarb_risk_daily_loss")
                   .Help("Loss since the day's baseline (or the last resume), quote currency.")
                   .Register(reg);
  leverage_ = &BuildGauge()
                 .Name("xarb_risk_venue_leverage_ratio")
                 .Help("Committed gross notional over the venue's capital pool.")
                 .Register(reg);
  capital_ = &BuildGauge()
                .Name("xarb_risk_capital")
                .Help("Capital layer amounts per venue and layer (kind=usable|used|available).")
                .Register(reg);
  pair_cap_ = &BuildGauge()
                 .Name("xarb_risk_pair_cap_notional")
                 .Help("Notional per leg a pair may commit, by direction (ab|ba).")
                 .Register(reg);
  rate_available_ = &BuildGauge()
                       .Name("xarb_risk_rate_limit_available")
                       .Help("Tokens left in a venue key's budget (bucket=orders|cancels|weight).")
                       .Register(reg);
  rate_blocked_ = &BuildGauge()
                     .Name("xarb_risk_rate_limit_blocked")
                     .Help("1 while a venue key backs off or is stopped after 429/418.")
                     .Register(reg);
  http_429_ = &BuildCounter()
                 .Name("xarb_risk_http_rate_limited_total")
                 .Help("Rate-limit answers from venues (code=429|418).")
                 .Register(reg);
  rate_refused_ = &BuildCounter()
                     .Name("xarb_risk_rate_limit_refused_total")
                     .Help("Requests refused locally by a venue key's budget.")
                     .Register(reg);
  permits_ = &BuildCounter()
                .Name("xarb_risk_permits_sent_total")
                .Help("Permits sent to pair traders (changes and renewals).")
                .Register(reg);
  orders_refused_ = &BuildCounter()
                       .Name("xarb_risk_orders_refused_total")
                       .Help("Orders a pair's risk gate refused before they left.")
                       .Register(reg);
}

void risk_metrics::update(const risk::risk_snapshot& s) {
  std::lock_guard guard{mtx_};
  state_->Add({{"scope", "node"}, {"name", "node"}}).Set(state_value(s.state));
  for (const auto& v : s.venues) {
    state_->Add({{"scope", "venue"}, {"name", v.venue}}).Set(state_value(v.state));
    entries_->Add({{"scope", "venue"}, {"name", v.venue}}).Set(v.entries ? 1 : 0);
    exposure_->Add({{"scope", "venue"}, {"name", v.venue}, {"kind", "gross"}})
      .Set(v.gross.to_double());
    exposure_->Add({{"scope", "venue"}, {"name", v.venue}, {"kind", "net"}})
      .Set(v.net.to_double());
    leverage_->Add({{"venue", v.venue}}).Set(v.leverage);
    drawdown_->Add({{"scope", "venue"}, {"name", v.venue}}).Set(v.drawdown_pct / 100.0);
  }
  for (const auto& sym : s.symbols) {
    state_->Add({{"scope", "symbol"}, {"name", sym.name}}).Set(state_value(sym.state));
    entries_->Add({{"scope", "symbol"}, {"name", sym.name}}).Set(sym.entries ? 1 : 0);
  }
  for (const auto& p : s.pairs) {
    state_->Add({{"scope", "pair"}, {"name", p.pair_id}}).Set(state_value(p.state));
    entries_->Add({{"scope", "pair"}, {"name", p.pair_id}}).Set(p.entries ? 1 : 0);
    pair_cap_->Add({{"pair", p.pair_id}, {"direction", "ab"}}).Set(p.cap_ab.to_double());
    pair_cap_->Add({{"pair", p.pair_id}, {"direction", "ba"}}).Set(p.cap_ba.to_double());
    follow(orders_refused_->Add({{"pair", p.pair_id}}), p.orders_refused);
  }
  exposure_->Add({{"scope", "total"}, {"name", "total"}, {"kind", "gross"}})
    .Set(s.total_gross.to_double());
  exposure_->Add({{"scope", "total"}, {"name", "total"}, {"kind", "net"}})
    .Set(s.total_net.to_double());
  equity_->Add({{"kind", "current"}}).Set(s.equity.to_double());
  equity_->Add({{"kind", "peak"}}).Set(s.peak_equity.to_double());
  drawdown_->Add({{"scope", "node"}, {"name", "node"}}).Set(s.drawdown_pct / 100.0);
  daily_loss_->Add({}).Set(s.daily_loss.to_double());
  for (auto kind : risk::all_breaker_kinds) {
    std::size_t active = 0;
    for (const auto& t : s.breakers)
      if (t.kind == kind)
        ++active;
    breaker_active_->Add({{"kind", std::string{risk::to_string(kind)}}})
      .Set(static_cast<double>(active));
  }
  for (const auto& [kind, n] : s.trips_total)
    follow(breaker_trips_->Add({{"kind", std::string{risk::to_string(kind)}}}), n);
  for (const auto& v : s.capital)
    for (const auto& l : v.layers) {
      capital_->Add({{"venue", v.venue}, {"layer", l.name}, {"kind", "usable"}})
        .Set(l.usable.to_double());
      capital_->Add({{"venue", v.venue}, {"layer", l.name}, {"kind", "used"}})
        .Set(l.used.to_double());
      capital_->Add({{"venue", v.venue}, {"layer", l.name}, {"kind", "available"}})
        .Set(l.available.to_double());
    }
  for (const auto& r : s.rate_limits) {
    const prometheus::Labels base{{"venue", r.venue}, {"key", r.key_id}};
    auto with = [&](const char* k, const char* v) {
      auto l = base;
      l[k] = v;
      return l;
    };
    rate_available_->Add(with("bucket", "orders")).Set(static_cast<double>(r.orders_available));
    rate_available_->Add(with("bucket", "cancels")).Set(static_cast<double>(r.cancels_available));
    rate_available_->Add(with("bucket", "weight")).Set(static_cast<double>(r.weight_available));
    rate_blocked_->Add(base).Set(r.backing_off || r.stopped ? 1 : 0);
    follow(http_429_->Add(with("code", "429")), r.http_429);
    follow(http_429_->Add(with("code", "418")), r.http_418);
    follow(rate_refused_->Add(base), r.refused);
  }
  follow(permits_->Add({}), s.permits_sent);
}

} // namespace xarb
