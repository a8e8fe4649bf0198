// GET handlers of the cross-venue scanner (issue 7): top spreads over every
// common symbol, funding, signals and history. They read the scan_board
// (the scanner's latest snapshot, ranked here per request) and never touch
// an actor.
#include <charconv>

#include "monitoring/scan_board.hpp"
#include "monitoring/scan_json.hpp"
#include "web/control_api.hpp"
#include "web/route_table.hpp"
#include "web/url.hpp"

namespace xarb::web_detail {

namespace {

constexpr std::string_view fallback_suffix = "_fallback_leverage";
constexpr int32_t max_leverage = 1000;

std::optional<http_reply> no_scanner(const route_ctx& c) {
  if (c.api == nullptr || c.api->scan == nullptr)
    return error_reply(503, "unavailable", "this node runs no scanner ([scanner] enabled)");
  return std::nullopt;
}

/// An integer query value in [lo, hi].
std::optional<http_reply> int_value(std::string_view name, std::string_view raw, int64_t lo,
                                    int64_t hi, int64_t& out) {
  auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), out);
  if (ec != std::errc{} || end != raw.data() + raw.size() || out < lo || out > hi)
    return bad_request(std::string{name} + " must be an integer in " + std::to_string(lo)
                       + ".." + std::to_string(hi));
  return std::nullopt;
}

/// Every `<venue>_fallback_leverage=N` of the query (seed 000's style).
std::optional<http_reply> fallback_params(const route_ctx& c, scanner::rank_query& q) {
  std::string_view rest = c.query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto item = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    auto eq = item.find('=');
    auto key = item.substr(0, eq);
    if (key.size() <= fallback_suffix.size() || !key.ends_with(fallback_suffix))
      continue;
    auto venue = url::decode_text(key.substr(0, key.size() - fallback_suffix.size()), true,
                                  max_control_text_chars, "venue");
    if (!venue)
      return bad_request(venue.error().message);
    const auto value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
    int64_t n = 0;
    if (auto e = int_value(key, value, 1, max_leverage, n))
      return e;
    q.fallback_leverage[*venue] = static_cast<int32_t>(n);
  }
  return std::nullopt;
}

std::optional<http_reply> bool_param(const route_ctx& c, std::string_view name, bool& out) {
  std::string text;
  bool present = false;
  if (auto e = text_param(c.query, name, text, present))
    return e;
  if (!present)
    return std::nullopt;
  if (text == "true" || text == "1")
    out = true;
  else if (text == "false" || text == "0")
    out = false;
  else
    return bad_request(std::string{name} + " must be true or false");
  return std::nullopt;
}

} // namespace

http_reply get_top_spreads(const route_ctx& c) {
  if (auto e = no_scanner(c))
    return std::move(*e);
  const auto settings = c.api->scan->settings();
  scanner::rank_query q;
  q.sort = settings.sort;
  if (auto e = limit_param(c, settings.top_n, 500, q.limit))
    return std::move(*e);
  std::string text;
  bool present = false;
  if (auto e = text_param(c.query, "sort", text, present))
    return std::move(*e);
  if (present) {
    auto k = scanner::parse_sort_key(text);
    if (!k)
      return bad_request(k.error().message);
    q.sort = *k;
  }
  if (auto e = text_param(c.query, "symbol", q.symbol, present))
    return std::move(*e);
  if (auto e = text_param(c.query, "venue", q.venue, present))
    return std::move(*e);
  bool include_stale = true;
  if (auto e = bool_param(c, "include_stale", include_stale))
    return std::move(*e);
  q.stale_limit = include_stale ? q.limit : 0;
  // force_refresh (seed 000) is accepted: the ranking is always computed
  // now, from the scanner's latest refresh.
  bool force = false;
  if (auto e = bool_param(c, "force_refresh", force))
    return std::move(*e);
  if (auto e = fallback_params(c, q))
    return std::move(*e);
  auto snap = c.api->scan->snapshot();
  scanner::ranking ranked;
  if (snap)
    ranked = scanner::rank(*snap, q);
  json::writer w;
  scan_json::write_top_spreads(w, snap.get(), ranked, q, c.now);
  return json_reply(200, std::move(w).str());
}

http_reply get_funding(const route_ctx& c) {
  if (auto e = no_scanner(c))
    return std::move(*e);
  std::size_t limit = 50;
  if (auto e = limit_param(c, 50, 5000, limit))
    return std::move(*e);
  std::string symbol;
  bool present = false;
  if (auto e = text_param(c.query, "symbol", symbol, present))
    return std::move(*e);
  auto snap = c.api->scan->snapshot();
  json::writer w;
  scan_json::write_funding(w, snap.get(), limit, symbol, c.now);
  return json_reply(200, std::move(w).str());
}

http_reply get_signals(const route_ctx& c) {
  if (auto e = no_scanner(c))
    return std::move(*e);
  const auto settings = c.api->scan->settings();
  std::size_t limit = settings.signals.keep;
  if (auto e = limit_param(c, settings.signals.keep, 1000, limit))
    return std::move(*e);
  std::string text;
  bool present = false;
  if (auto e = text_param(c.query, "after", text, present))
    return std::move(*e);
  int64_t after = 0;
  if (present)
    if (auto e = int_value("after", text, 0, INT64_MAX, after))
      return std::move(*e);
  json::writer w;
  scan_json::write_signals(w, c.api->scan->signals(static_cast<uint64_t>(after), limit),
                           settings);
  return json_reply(200, std::move(w).str());
}

http_reply get_history(const route_ctx& c) {
  history_query q;
  if (auto e = decoded_param(c, "symbol", q.symbol))
    return std::move(*e);
  bool present = false;
  for (auto [name, out] : {std::pair{"venue", &q.venue}, std::pair{"from", &q.from},
                           std::pair{"to", &q.to}})
    if (auto e = text_param(c.query, name, *out, present))
      return std::move(*e);
  if (auto e = limit_param(c, q.limit, 10'000, q.limit))
    return std::move(*e);
  if (c.api == nullptr || !c.api->history)
    return error_reply(503, "unavailable", "no store to read history from");
  auto json = c.api->history(q);
  if (!json)
    return store_error_reply(json.error());
  return json_reply(200, std::move(*json));
}

} // namespace xarb::web_detail
