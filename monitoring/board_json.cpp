#include "monitoring/board_json.hpp"

namespace xarb::board_json {

namespace {

// Clamped at 0: a venue timestamp slightly ahead of our clock is "fresh".
double seconds_between(timestamp_ns from, timestamp_ns to) {
  return to > from ? static_cast<double>(to - from) / 1e9 : 0.0;
}

void write_level(json::writer& w, const char* px_key, const char* qty_key,
                 const book_level& l) {
  if (l.qty.is_zero()) {
    w.key(px_key).null();
    w.key(qty_key).null();
  } else {
    w.key(px_key).value(l.px.to_string());
    w.key(qty_key).value(l.qty.to_string());
  }
}

} // namespace

double to_bps(ratio r) noexcept {
  return static_cast<double>(r.raw()) / 1e5; // 1e9 per unit, 1e4 bp per unit
}

void write_node(json::writer& w, const node_status& n, timestamp_ns now) {
  w.key("name").value(n.name);
  w.key("version").value(n.version);
  w.key("start_ts_ns").value(static_cast<int64_t>(n.start_ns));
  if (n.start_ns > 0)
    w.key("uptime_s").value(seconds_between(n.start_ns, now));
  else
    w.key("uptime_s").null();
  w.key("data").value(n.data_mode);
  w.key("execution").value(n.execution_mode);
  w.key("engine_running").value(n.engine_running);
  w.key("trade_mode").value(n.trade_mode);
  w.key("live_order_enabled").value(n.live_order_enabled);
}

void write_leg(json::writer& w, const leg_status& l) {
  w.begin_object();
  w.key("venue").value(l.venue);
  w.key("qty").value(l.qty.to_string());
  w.key("avg_entry").value(l.avg_entry.to_string());
  w.key("realized").value(l.realized.to_string());
  w.key("fees").value(l.fees.to_string());
  w.key("funding").value(l.funding.to_string());
  w.key("funding_accrued").value(l.funding_accrued.to_string());
  w.key("unrealized").value(l.unrealized.to_string());
  w.key("funding_rate").value(l.funding_rate.to_string());
  w.end_object();
}

namespace {

/// The fields a pair row and a spread row share.
void write_spread_fields(json::writer& w, const pair_status& p) {
  w.key("id").value(p.id);
  w.key("symbol").value(p.symbol);
  w.key("venue_a").value(p.venue_a);
  w.key("venue_b").value(p.venue_b);
  w.key("spread_ab").value(p.spread_ab.to_string());
  w.key("spread_ba").value(p.spread_ba.to_string());
  w.key("z_ab").value(p.z_ab);
  w.key("z_ba").value(p.z_ba);
  w.key("net_ab_bps").value(p.net_ab_bps);
  w.key("net_ba_bps").value(p.net_ba_bps);
  w.key("mean_ab_bps").value(p.mean_ab);
  w.key("std_ab_bps").value(p.std_ab);
  w.key("mean_ba_bps").value(p.mean_ba);
  w.key("std_ba_bps").value(p.std_ba);
  w.key("samples").value(static_cast<int64_t>(p.samples));
  w.key("valid").value(p.valid);
  w.key("ts_ns").value(static_cast<int64_t>(p.ts));
}

} // namespace

void write_pair(json::writer& w, const pair_status& p) {
  w.begin_object();
  write_spread_fields(w, p);
  w.key("phase").value(p.phase);
  w.key("mode").value(p.mode);
  w.key("style").value(p.style);
  w.key("direction").value(static_cast<int64_t>(p.direction));
  w.key("tranches").value(static_cast<int64_t>(p.tranches));
  w.key("qty_a").value(p.qty_a.to_string());
  w.key("qty_b").value(p.qty_b.to_string());
  w.key("net_delta").value(p.net_delta.to_string());
  w.key("net_pnl").value(p.net_pnl.to_string());
  w.key("fees").value(p.fees.to_string());
  w.key("funding").value(p.funding.to_string());
  w.key("round_trips").value(static_cast<int64_t>(p.round_trips));
  w.key("fills").value(static_cast<int64_t>(p.fills));
  w.key("halt_reason").value(p.halt_reason);
  w.key("legs").begin_array();
  for (const auto* l : {&p.leg_a, &p.leg_b})
    if (!l->venue.empty())
      write_leg(w, *l);
  w.end_array();
  w.end_object();
}

void write_spread(json::writer& w, const pair_status& p) {
  w.begin_object();
  write_spread_fields(w, p);
  w.key("spread_ab_bps").value(to_bps(p.spread_ab));
  w.key("spread_ba_bps").value(to_bps(p.spread_ba));
  w.end_object();
}

void write_book(json::writer& w, const book_status& b, timestamp_ns now) {
  w.begin_object();
  w.key("symbol").value(b.symbol);
  w.key("synced").value(b.synced);
  w.key("seq").value(b.seq);
  w.key("last_update_ns").value(static_cast<int64_t>(b.last_update_ns));
  if (b.last_update_ns > 0)
    w.key("age_s").value(seconds_between(b.last_update_ns, now));
  else
    w.key("age_s").null();
  write_level(w, "bid", "bid_qty", b.bid);
  write_level(w, "ask", "ask_qty", b.ask);
  w.end_object();
}

void write_venue(json::writer& w, const venue_status& v, timestamp_ns now, bool with_books) {
  w.begin_object();
  w.key("name").value(v.name);
  w.key("state").value(to_string(v.state));
  w.key("detail").value(v.detail);
  w.key("synced_books").value(static_cast<uint64_t>(v.synced_books()));
  w.key("total_books").value(static_cast<uint64_t>(v.books.size()));
  // The oldest book decides whether the venue can be traded.
  timestamp_ns oldest = 0;
  bool never = false;
  for (auto& b : v.books) {
    if (b.last_update_ns == 0)
      never = true;
    else if (oldest == 0 || b.last_update_ns < oldest)
      oldest = b.last_update_ns;
  }
  if (never || oldest == 0)
    w.key("max_book_age_s").null();
  else
    w.key("max_book_age_s").value(seconds_between(oldest, now));
  w.key("sessions").value(v.sessions);
  w.key("reconnects").value(v.sessions > 0 ? v.sessions - 1 : 0);
  w.key("resyncs").value(v.resyncs);
  if (v.latency_samples > 0) {
    w.key("latency_ms").value(v.latency_ms);
    w.key("last_latency_ms").value(v.last_latency_ms);
  } else {
    w.key("latency_ms").null();
    w.key("last_latency_ms").null();
  }
  w.key("latency_samples").value(v.latency_samples);
  if (with_books) {
    w.key("books").begin_array();
    for (auto& b : v.books)
      write_book(w, b, now);
    w.end_array();
  }
  w.end_object();
}

void write_top(json::writer& w, const std::string& venue, const book_status& b) {
  w.begin_object();
  w.key("venue").value(venue);
  w.key("symbol").value(b.symbol);
  write_level(w, "bid", "bid_qty", b.bid);
  write_level(w, "ask", "ask_qty", b.ask);
  w.key("synced").value(b.synced);
  w.key("ts_ns").value(static_cast<int64_t>(b.last_update_ns));
  w.end_object();
}

void write_order(json::writer& w, const order_update& u, uint64_t seq) {
  w.begin_object();
  if (seq != 0)
    w.key("seq").value(seq);
  w.key("pair").value(u.pair_id);
  w.key("client_id").value(u.client_id);
  w.key("venue").value(u.venue);
  w.key("symbol").value(u.symbol);
  w.key("side").value(to_string(u.sd));
  w.key("tif").value(to_string(u.tif));
  w.key("purpose").value(to_string(u.purpose));
  w.key("price").value(u.px.to_string());
  w.key("qty").value(u.qty.to_string());
  w.key("filled").value(u.filled.to_string());
  w.key("fees").value(u.fees.to_string());
  w.key("from").value(to_string(u.from));
  w.key("state").value(to_string(u.to));
  w.key("reason").value(u.reason);
  w.key("ts_ns").value(static_cast<int64_t>(u.ts));
  w.end_object();
}

void write_equity(json::writer& w, const equity_point& p) {
  w.begin_object();
  w.key("seq").value(p.seq);
  w.key("ts_ns").value(static_cast<int64_t>(p.ts_ns));
  w.key("realized").value(p.realized.to_string());
  w.key("fees").value(p.fees.to_string());
  w.key("funding").value(p.funding.to_string());
  w.key("unrealized").value(p.unrealized.to_string());
  w.key("net").value(p.net.to_string());
  w.end_object();
}

void write_fill(json::writer& w, const fill_record& r, uint64_t seq) {
  const auto& f = r.fill;
  w.begin_object();
  if (seq != 0)
    w.key("seq").value(seq);
  w.key("pair").value(r.pair_id);
  w.key("client_id").value(f.client_id);
  w.key("venue_order_id").value(f.venue_order_id);
  w.key("fill_id").value(f.fill_id);
  w.key("venue").value(f.venue);
  w.key("symbol").value(f.symbol);
  w.key("side").value(to_string(f.sd));
  w.key("price").value(f.px.to_string());
  w.key("qty").value(f.qty.to_string());
  w.key("leaves_qty").value(f.leaves_qty.to_string());
  w.key("fee").value(f.fee.to_string());
  w.key("liquidity").value(to_string(f.liq));
  w.key("ts_ns").value(static_cast<int64_t>(f.ts));
  w.end_object();
}

void write_event(json::writer& w, const event& e, uint64_t seq) {
  w.begin_object();
  if (seq != 0)
    w.key("seq").value(seq);
  w.key("ts_ns").value(static_cast<int64_t>(e.ts));
  w.key("severity").value(to_string(e.sev));
  w.key("source").value(e.source);
  w.key("text").value(e.text);
  w.end_object();
}

} // namespace xarb::board_json
