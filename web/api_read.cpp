// GET handlers of the route table: read-only views of the status board, the
// telemetry and the node's documents. None of them touches an actor.
#include <algorithm>
#include <charconv>
#include <map>

#include "monitoring/board_json.hpp"
#include "monitoring/pnl_total.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"
#include "web/route_table.hpp"
#include "web/url.hpp"

namespace xarb::web_detail {

namespace {

constexpr std::size_t max_limit = 1000;

/// ?after= (a log sequence number, default 0).
std::optional<http_reply> after_param(const route_ctx& c, uint64_t& out) {
  out = 0;
  auto raw = url::query_param(c.query, "after");
  if (!raw)
    return bad_request(raw.error().message);
  if (!raw->has_value())
    return std::nullopt;
  auto v = **raw;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || end != v.data() + v.size())
    return bad_request("after must be a non-negative integer (a seq)");
  return std::nullopt;
}

/// Common ?limit=&after=&pair= of the log routes.
struct log_query {
  std::size_t limit = 100;
  uint64_t after = 0;
  std::string pair;
  bool has_pair = false;
};

std::optional<http_reply> read_log_query(const route_ctx& c, log_query& q, bool with_pair) {
  if (auto e = limit_param(c, 100, max_limit, q.limit))
    return e;
  if (auto e = after_param(c, q.after))
    return e;
  if (with_pair)
    if (auto e = text_param(c.query, "pair", q.pair, q.has_pair))
      return e;
  return std::nullopt;
}

/// Keeps the newest `limit` entries of `v` that pass `keep`.
template <class T, class Keep>
std::vector<T> newest(std::vector<T> v, std::size_t limit, Keep&& keep) {
  std::vector<T> out;
  for (auto i = v.rbegin(); i != v.rend() && out.size() < limit; ++i)
    if (keep(*i))
      out.push_back(std::move(*i));
  std::reverse(out.begin(), out.end());
  return out;
}

void write_money_parts(json::writer& w, const pnl_parts& p) {
  w.key("realized").value(p.realized.to_string());
  w.key("fees").value(p.fees.to_string());
  w.key("funding").value(p.funding.to_string());
  w.key("funding_accrued").value(p.funding_accrued.to_string());
  w.key("unrealized").value(p.unrealized.to_string());
  w.key("net").value(p.net().to_string());
}

} // namespace

http_reply get_healthz(const route_ctx&) {
  return make_reply(200, content_type_text, "ok\n");
}

http_reply get_readyz(const route_ctx& c) {
  auto r = c.board.check_readiness();
  return json_reply(r.ready ? 200 : 503, to_json(r));
}

http_reply get_metrics(const route_ctx& c) {
  if (c.tel == nullptr)
    return make_reply(200, content_type_metrics, "");
  c.tel->refresh_book_ages(c.board, c.now);
  return make_reply(200, content_type_metrics, c.tel->serialize());
}

http_reply get_status(const route_ctx& c) {
  return json_reply(200, c.board.status_json(c.now));
}

http_reply get_risk(const route_ctx& c) {
  auto json = c.board.risk();
  if (json.empty())
    return error_reply(503, "not_ready", "the risk guard has not published a snapshot yet");
  return json_reply(200, std::move(json));
}

http_reply get_config(const route_ctx& c) {
  if (c.api == nullptr || c.api->config_json.empty())
    return error_reply(503, "unavailable", "no configuration published");
  return json_reply(200, c.api->config_json);
}

http_reply get_symbols(const route_ctx& c) {
  json::writer w;
  w.begin_object().key("symbols");
  if (c.api != nullptr && c.api->symbols_source)
    w.raw(c.api->symbols_source());
  else if (c.api != nullptr && !c.api->symbols_json.empty())
    w.raw(c.api->symbols_json);
  else
    w.begin_array().end_array();
  w.end_object();
  return json_reply(200, std::move(w).str());
}

http_reply get_events(const route_ctx& c) {
  log_query q;
  if (auto e = read_log_query(c, q, false))
    return std::move(*e);
  auto events = c.board.events(q.after, q.limit);
  json::writer w;
  w.begin_object().key("events").begin_array();
  uint64_t last = q.after;
  for (auto& e : events) {
    board_json::write_event(w, e.item, e.seq);
    last = e.seq;
  }
  w.end_array().key("last_seq").value(last).end_object();
  return json_reply(200, std::move(w).str());
}

http_reply get_pairs(const route_ctx& c) {
  json::writer w;
  w.begin_object().key("pairs").begin_array();
  for (auto& p : c.board.pairs())
    board_json::write_pair(w, p);
  w.end_array().end_object();
  return json_reply(200, std::move(w).str());
}

http_reply get_pair(const route_ctx& c) {
  std::string id;
  if (auto e = known_pair(c, id))
    return std::move(*e);
  auto p = c.board.pair(id);
  if (!p)
    return error_reply(404, "unknown_pair", "no pair '" + id + "'");
  json::writer w;
  w.begin_object().key("pair");
  board_json::write_pair(w, *p);
  w.key("params");
  if (auto params = c.board.pair_params(id); !params.empty())
    w.raw(params);
  else
    w.null();
  w.end_object();
  return json_reply(200, std::move(w).str());
}

http_reply get_positions(const route_ctx& c) {
  auto pairs = c.board.pairs();
  json::writer w;
  w.begin_object().key("legs").begin_array();
  struct net {
    quantity qty;
    money unrealized;
    uint64_t pairs = 0;
  };
  std::map<std::pair<std::string, std::string>, net> by_contract;
  for (auto& p : pairs)
    for (const auto* l : {&p.leg_a, &p.leg_b}) {
      if (l->venue.empty())
        continue;
      w.begin_object();
      w.key("pair").value(p.id);
      w.key("venue").value(l->venue);
      w.key("symbol").value(p.symbol);
      w.key("qty").value(l->qty.to_string());
      w.key("avg_entry").value(l->avg_entry.to_string());
      w.key("unrealized").value(l->unrealized.to_string());
      w.end_object();
      auto& n = by_contract[{l->venue, p.symbol}];
      n.qty += l->qty;
      n.unrealized += l->unrealized;
      n.pairs += l->qty.is_zero() ? 0 : 1;
    }
  w.end_array();
  // What each venue holds per contract, summed over the pairs trading it.
  w.key("contracts").begin_array();
  for (auto& [key, n] : by_contract) {
    w.begin_object();
    w.key("venue").value(key.first);
    w.key("symbol").value(key.second);
    w.key("qty").value(n.qty.to_string());
    w.key("unrealized").value(n.unrealized.to_string());
    w.key("pairs_holding").value(n.pairs);
    w.end_object();
  }
  w.end_array().end_object();
  return json_reply(200, std::move(w).str());
}

http_reply get_orders(const route_ctx& c) {
  log_query q;
  if (auto e = read_log_query(c, q, true))
    return std::move(*e);
  std::string state;
  bool has_state = false;
  if (auto e = text_param(c.query, "state", state, has_state))
    return std::move(*e);
  if (has_state && state != "open")
    return bad_request("state must be 'open' (omit it for every transition)");
  auto keep = [&](const auto& u) { return !q.has_pair || u.pair_id == q.pair; };
  json::writer w;
  w.begin_object();
  if (has_state) {
    auto open = newest(c.board.open_orders(), q.limit, keep);
    w.key("orders").begin_array();
    for (auto& u : open)
      board_json::write_order(w, u);
    w.end_array();
  } else {
    auto page = c.board.orders_page(q.after, q.limit, q.has_pair ? q.pair : std::string{});
    w.key("orders").begin_array();
    for (auto& e : page.entries)
      board_json::write_order(w, e.item, e.seq);
    w.end_array().key("last_seq").value(std::max(page.last_seq, q.after));
  }
  w.end_object();
  return json_reply(200, std::move(w).str());
}

http_reply get_fills(const route_ctx& c) {
  log_query q;
  if (auto e = read_log_query(c, q, true))
    return std::move(*e);
  auto page = c.board.fills_page(q.after, q.limit, q.has_pair ? q.pair : std::string{});
  json::writer w;
  w.begin_object().key("fills").begin_array();
  for (auto& e : page.entries)
    board_json::write_fill(w, e.item, e.seq);
  const auto last = std::max(page.last_seq, q.after);
  w.end_array().key("last_seq").value(last).end_object();
  return json_reply(200, std::move(w).str());
}

http_reply get_pnl(const route_ctx& c) {
  auto pairs = c.board.pairs();
  std::map<std::string, pnl_parts> by_venue;
  json::writer w;
  w.begin_object().key("pairs").begin_array();
  for (auto& p : pairs) {
    pnl_parts pp;
    for (const auto* l : {&p.leg_a, &p.leg_b})
      if (!l->venue.empty()) {
        pp.add(*l);
        by_venue[l->venue].add(*l);
      }
    w.begin_object().key("pair").value(p.id);
    write_money_parts(w, pp);
    w.key("round_trips").value(p.round_trips);
    w.end_object();
  }
  w.end_array().key("venues").begin_array();
  for (auto& [venue, v] : by_venue) {
    w.begin_object().key("venue").value(venue);
    write_money_parts(w, v);
    w.end_object();
  }
  // The same sum the equity curve samples (monitoring/pnl_total.hpp).
  w.end_array().key("total").begin_object();
  write_money_parts(w, pnl_total(pairs));
  w.end_object().end_object();
  return json_reply(200, std::move(w).str());
}

http_reply get_pnl_equity(const route_ctx& c) {
  std::size_t limit = 0;
  uint64_t after = 0;
  if (auto e = limit_param(c, 2000, 20'000, limit))
    return std::move(*e);
  if (auto e = after_param(c, after))
    return std::move(*e);
  auto page = c.board.equity(after, limit);
  json::writer w;
  w.begin_object().key("interval_s").value(static_cast<int64_t>(c.board.equity_interval_s()));
  w.key("points").begin_array();
  for (auto& p : page.points)
    board_json::write_equity(w, p);
  w.end_array().key("last_seq").value(std::max(page.last_seq, after)).end_object();
  return json_reply(200, std::move(w).str());
}

http_reply get_venues(const route_ctx& c) {
  json::writer w;
  w.begin_object().key("venues").begin_array();
  for (auto& v : c.board.venues()) {
    // write_venue's object, with the request budget appended before it closes.
    json::writer one;
    board_json::write_venue(one, v, c.now);
    auto text = std::move(one).str();
    std::string budget;
    if (c.api != nullptr && c.api->rate_limit_json)
      budget = c.api->rate_limit_json(v.name);
    text.pop_back(); // '}'
    text += ",\"rate_limits\":";
    text += budget.empty() ? std::string{"null"} : budget;
    text += '}';
    w.raw(text);
  }
  w.end_array().end_object();
  return json_reply(200, std::move(w).str());
}

http_reply get_export(const route_ctx& c) {
  static constexpr std::string_view kinds[] = {"fills", "orders", "events", "spreads",
                                               "funding", "history"};
  if (std::find(std::begin(kinds), std::end(kinds), c.param) == std::end(kinds))
    return error_reply(404, "unknown_kind",
                       "export kinds: fills, orders, events, spreads, funding, history");
  export_query q;
  q.kind = std::string{c.param};
  bool present = false;
  for (auto [name, out] : {std::pair{"from", &q.from}, std::pair{"to", &q.to},
                           std::pair{"pair", &q.pair}})
    if (auto err = text_param(c.query, name, *out, present))
      return std::move(*err);
  if (c.api == nullptr || !c.api->export_csv)
    return error_reply(503, "unavailable", "no store to export from");
  auto csv = c.api->export_csv(q);
  if (!csv)
    return store_error_reply(csv.error());
  auto r = make_reply(200, "text/csv; charset=utf-8", std::move(*csv));
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + q.kind + ".csv\"");
  return r;
}

http_reply get_ws_stream(const route_ctx&) {
  auto r = error_reply(426, "upgrade_required",
                       "/ws/stream is a WebSocket endpoint: send an Upgrade: websocket request");
  r.headers.emplace_back("Upgrade", "websocket");
  return r;
}

} // namespace xarb::web_detail
