// Binance-style mock venue protocol (Binance USD-M, Aster): see
// binance_style.hpp. Answers the public REST endpoints a codec or a ccxt
// client calls and speaks the WS stream protocol (raw /ws/<stream>,
// combined /stream?streams=..., live SUBSCRIBE / UNSUBSCRIBE /
// LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY), encoding events exactly
// as the venue does (decimals as strings at the symbol's precision, times in
// ms, U/u/pu from the simulated book's sequence).

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <simdjson.h>

#include "venues/binance/binance_style.hpp"
#include "venues/binance/event_scan.hpp"
#include "venues/binance/mock_util.hpp"
#include "venues/binance/wire.hpp"
#include "venues/common/json_fields.hpp"

namespace xarb::mock {

namespace ondemand = simdjson::ondemand;
namespace wire = venues::wire;

namespace {

enum class stream_kind : uint8_t { depth, book_ticker, mark, other, invalid };

struct stream_ref {
  stream_kind kind = stream_kind::invalid;
  std::string native; ///< upper-case symbol ("" for all-market streams)
  uint64_t variant = 0; ///< which spelling (@depth / @depth@100ms / ...)
};

constexpr std::string_view depth_variants[] = {"@depth", "@depth@100ms", "@depth@500ms",
                                               "@depth@0ms"};
constexpr std::string_view mark_variants[] = {"@markPrice", "@markPrice@1s"};

stream_ref classify(std::string_view stream) {
  stream_ref r;
  const auto at = stream.find('@');
  if (stream.empty() || at == 0 || at == std::string_view::npos) {
    if (!stream.empty() && stream[0] == '!')
      r.kind = stream_kind::other; // all-market streams: accepted, not published
    return r;
  }
  if (stream[0] == '!') {
    r.kind = stream_kind::other;
    return r;
  }
  r.native = wire::to_upper(stream.substr(0, at));
  const auto rest = stream.substr(at);
  for (uint64_t i = 0; i < std::size(depth_variants); ++i)
    if (rest == depth_variants[i]) {
      r.kind = stream_kind::depth;
      r.variant = i;
      return r;
    }
  for (uint64_t i = 0; i < std::size(mark_variants); ++i)
    if (rest == mark_variants[i]) {
      r.kind = stream_kind::mark;
      r.variant = i;
      return r;
    }
  if (rest == "@bookTicker") {
    r.kind = stream_kind::book_ticker;
    return r;
  }
  r.kind = stream_kind::other; // partial depth, aggTrade, kline ...: never published
  return r;
}

// Per-client keys in ws_client::counters.
constexpr std::string_view k_combined = "combined";
constexpr std::string_view k_route = "route"; // 0 unrouted, 1 /public, 2 /market, 3 /private
constexpr std::string_view k_sub = "sub:";    // + stream name: subscribed streams
constexpr std::string_view k_depth = "depth:"; // + native: depth spelling
constexpr std::string_view k_mark = "mark:";   // + native: markPrice spelling

std::string key(std::string_view prefix, std::string_view name) {
  std::string k{prefix};
  k += name;
  return k;
}

class binance_style_protocol final : public venue_protocol {
public:
  explicit binance_style_protocol(binance_style_mock_options o) : opt_(std::move(o)) {}

  std::string_view venue() const noexcept override { return opt_.venue; }

  std::string native_symbol(std::string_view base, const ratio& unit) const override {
    std::string s;
    if (unit != ratio::from_units(1))
      s = unit.to_string(); // 1000PEPEUSDT, 1000000MOGUSDT
    s += base;
    s += opt_.quote;
    return s;
  }

  rest_answer rest(const rest_call& call, const market_view& m) override {
    learn(m);
    std::string_view sub;
    for (const auto& p : opt_.rest_prefixes)
      if (call.path.size() > p.size() && call.path.compare(0, p.size(), p) == 0) {
        sub = std::string_view{call.path}.substr(p.size());
        break;
      }
    if (call.method != "GET" || sub.empty())
      return error(404, -5000, fmt::format("Path {}, Method {} is invalid", call.path, call.method));
    if (sub == "/exchangeInfo")
      return {200, exchange_info(m)};
    if (sub == "/fundingInfo")
      return {200, funding_info(m)};
    if (sub == "/depth")
      return depth(call, m);
    if (sub == "/premiumIndex")
      return premium_index(call, m);
    if (sub == "/ticker/bookTicker")
      return book_ticker(call, m);
    if (sub == "/ping")
      return {200, "{}"};
    if (sub == "/time")
      return {200, fmt::format(R"({{"serverTime":{}}})", wire::ns_to_ms(m.now()))};
    return error(404, -5000, fmt::format("Path {}, Method {} is invalid", call.path, call.method));
  }

  void on_open(ws_client& c, const market_view& m, std::vector<std::string>& out) override {
    (void)out; // Binance says nothing on connect
    learn(m);
    const auto q = c.target.find('?');
    const std::string_view path = std::string_view{c.target}.substr(0, q);
    uint64_t route = 0;
    if (path.starts_with("/public"))
      route = 1;
    else if (path.starts_with("/market"))
      route = 2;
    else if (path.starts_with("/private"))
      route = 3;
    c.counters[std::string{k_route}] = route;
    c.counters[std::string{k_combined}] = path.find("/stream") != std::string_view::npos ? 1 : 0;
    // Streams named in the URL: /ws/<a>/<b> (raw) or /stream?streams=<a>/<b>.
    std::string list;
    if (const auto ws = path.find("/ws/"); ws != std::string_view::npos)
      list = std::string{path.substr(ws + 4)};
    else if (q != std::string::npos)
      list = query_param(std::string_view{c.target}.substr(q + 1), "streams");
    std::string_view rest = list;
    while (!rest.empty()) {
      const auto slash = rest.find('/');
      subscribe(rest.substr(0, slash), c, m);
      rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    }
  }

  void on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                      std::vector<std::string>& out) override {
    learn(m);
    ++c.frames_in;
    std::string text{frame};
    ondemand::parser parser;
    ondemand::document doc;
    ondemand::object o;
    if (parser.iterate(venues::json::padded(text)).get(doc) != simdjson::SUCCESS
        || doc.get_object().get(o) != simdjson::SUCCESS) {
      out.push_back(R"({"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"})");
      return;
    }
    std::string method, id = "null";
    std::vector<std::string> params;
    bool bad_id = false, bool_param = false, bool_value = false, broken = false;
    for (auto fr : o) {
      ondemand::field f;
      if (std::move(fr).get(f) != simdjson::SUCCESS) {
        broken = true;
        break;
      }
      const auto k = venues::detail::raw_key(f);
      if (k == "method") {
        std::string_view s;
        if (f.value().get_string().get(s) == simdjson::SUCCESS)
          method = std::string{s};
      } else if (k == "id") {
        uint64_t v = 0;
        if (f.value().get_uint64().get(v) == simdjson::SUCCESS)
          id = std::to_string(v);
        else
          bad_id = true;
      } else if (k == "params") {
        ondemand::array arr;
        if (f.value().get_array().get(arr) != simdjson::SUCCESS) {
          broken = true;
          continue;
        }
        for (auto er : arr) {
          ondemand::value v;
          if (std::move(er).get(v) != simdjson::SUCCESS) {
            broken = true;
            break;
          }
          std::string_view s;
          bool b = false;
          if (v.get_string().get(s) == simdjson::SUCCESS)
            params.emplace_back(s);
          else if (v.get_bool().get(b) == simdjson::SUCCESS) {
            bool_param = true;
            bool_value = b;
          }
        }
      }
    }
    if (broken) {
      out.push_back(R"({"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"})");
      return;
    }
    if (bad_id) {
      out.push_back(R"({"code":2,"msg":"Invalid request: request ID must be an unsigned integer"})");
      return;
    }
    if (method == "SUBSCRIBE" || method == "UNSUBSCRIBE") {
      for (const auto& p : params) {
        if (method == "SUBSCRIBE")
          subscribe(p, c, m);
        else
          unsubscribe(p, c);
      }
      out.push_back(fmt::format(R"({{"result":null,"id":{}}})", id));
    } else if (method == "LIST_SUBSCRIPTIONS") {
      std::string list;
      for (const auto& [k, v] : c.counters)
        if (k.starts_with(k_sub)) {
          if (!list.empty())
            list += ',';
          list += fmt::format(R"("{}")", std::string_view{k}.substr(k_sub.size()));
        }
      out.push_back(fmt::format(R"({{"result":[{}],"id":{}}})", list, id));
    } else if (method == "SET_PROPERTY" || method == "GET_PROPERTY") {
      if (params.empty() || params[0] != "combined") {
        out.push_back(fmt::format(R"({{"code":0,"msg":"Unknown property","id":{}}})", id));
      } else if (method == "GET_PROPERTY") {
        out.push_back(fmt::format(R"({{"result":{},"id":{}}})",
                                  c.counters[std::string{k_combined}] ? "true" : "false", id));
      } else if (!bool_param) {
        out.push_back(R"({"code":1,"msg":"Invalid value type: expected Boolean"})");
      } else {
        c.counters[std::string{k_combined}] = bool_value ? 1 : 0;
        out.push_back(fmt::format(R"({{"result":null,"id":{}}})", id));
      }
    } else if (method.empty()) {
      out.push_back(R"({"code":2,"msg":"Invalid request: missing field `method` at line 1 column 2"})");
    } else {
      out.push_back(fmt::format(
        R"({{"code":2,"msg":"Invalid request: unknown variant `{}`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY` at line 1 column 28"}})",
        json_escape(method)));
    }
  }

  void snapshot_frames(const book_snapshot&, ws_client&, const market_view&,
                       std::vector<std::string>&) override {
    // rest_bridge venue: the stream has no snapshots (clients GET /depth).
  }

  void book_frames(const book_delta& d, ws_client& c, const market_view& m,
                   std::vector<std::string>& out) override {
    learn(m);
    if (!c.books.contains(d.symbol))
      return;
    const auto [pxd, qd] = decimals(d.symbol);
    // U/u/pu from the simulated book: U = first change, u = last, pu = the
    // previous update's u (so a dropped update shows as pu != last u).
    const uint64_t first = d.first_seq != 0 ? d.first_seq : (d.prev_seq != 0 ? d.prev_seq + 1 : d.seq);
    const uint64_t prev = d.prev_seq != 0 ? d.prev_seq : (first > 0 ? first - 1 : 0);
    std::string e = fmt::format(R"({{"e":"depthUpdate","E":{},"T":{},"s":"{}","U":{},"u":{},"pu":{},"b":)",
                                wire::ns_to_ms(m.now()), wire::ns_to_ms(d.exchange_ts), d.symbol,
                                first, d.seq, prev);
    append_levels(e, d.bids, pxd, qd);
    e += R"(,"a":)";
    append_levels(e, d.asks, pxd, qd);
    e += '}';
    const auto v = variant(c, k_depth, d.symbol);
    out.push_back(wrap(c, wire::to_lower(d.symbol) + std::string{depth_variants[v % std::size(depth_variants)]}, e));
  }

  void top_frames(const top_of_book& t, ws_client& c, std::vector<std::string>& out) override {
    if (!c.tops.contains(t.symbol))
      return;
    const auto [pxd, qd] = decimals(t.symbol);
    std::string e = fmt::format(R"({{"e":"bookTicker","u":{},"E":{},"T":{},"s":"{}","b":")", t.seq,
                                wire::ns_to_ms(t.exchange_ts), wire::ns_to_ms(t.exchange_ts), t.symbol);
    wire::append_decimal(e, t.bid.px, pxd);
    e += R"(","B":")";
    wire::append_decimal(e, t.bid.qty, qd);
    e += R"(","a":")";
    wire::append_decimal(e, t.ask.px, pxd);
    e += R"(","A":")";
    wire::append_decimal(e, t.ask.qty, qd);
    e += R"("})";
    out.push_back(wrap(c, wire::to_lower(t.symbol) + "@bookTicker", e));
  }

  void mark_frames(std::string_view native, const mark_state& s, timestamp_ns now, ws_client& c,
                   std::vector<std::string>& out) override {
    if (!c.marks.contains(native))
      return;
    std::string e = fmt::format(R"({{"e":"markPriceUpdate","E":{},"s":"{}","p":")",
                                wire::ns_to_ms(now), native);
    wire::append_rounded(e, s.mark, 8);
    e += R"(","i":")";
    wire::append_rounded(e, s.index, 8);
    e += R"(","P":")";
    wire::append_rounded(e, s.index, 8); // estimated settle price ~ index
    e += R"(","r":")";
    wire::append_rounded(e, s.rate, 8);
    e += fmt::format(R"(","T":{}}})", wire::ns_to_ms(s.next_funding_ts));
    const auto v = variant(c, k_mark, native);
    out.push_back(wrap(c, wire::to_lower(native) + std::string{mark_variants[v % std::size(mark_variants)]}, e));
  }

private:
  // -- REST --------------------------------------------------------------------

  static rest_answer error(int status, int code, std::string_view msg) {
    return {status, fmt::format(R"({{"code":{},"msg":"{}"}})", code, json_escape(msg))};
  }

  std::string base_asset(const instrument_spec& spec) const {
    std::string_view n = spec.native_symbol;
    if (n.size() > opt_.quote.size() && n.ends_with(opt_.quote))
      return std::string{n.substr(0, n.size() - opt_.quote.size())};
    return spec.base;
  }

  std::string exchange_info(const market_view& m) const {
    std::string s = fmt::format(
      R"({{"timezone":"UTC","serverTime":{},"futuresType":"U_MARGINED","rateLimits":[{{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":2400}},{{"rateLimitType":"ORDERS","interval":"MINUTE","intervalNum":1,"limit":1200}},{{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":300}}],"exchangeFilters":[],"assets":[{{"asset":"{}","marginAvailable":true,"autoAssetExchange":"-10000"}}],"symbols":[)",
      wire::ns_to_ms(m.now()), opt_.quote);
    bool first = true;
    for (const auto& mi : m.instruments()) {
      if (!first)
        s += ',';
      first = false;
      append_symbol(s, mi.spec, mi.spec.native_symbol, "PERPETUAL", 4133404800000);
      if (&mi == &m.instruments().front()) {
        // Binance also lists quarterly futures; codecs must skip them.
        s += ',';
        append_symbol(s, mi.spec, mi.spec.native_symbol + "_261225", "CURRENT_QUARTER",
                      1798185600000);
      }
    }
    s += "]}";
    return s;
  }

  void append_symbol(std::string& s, const instrument_spec& spec, const std::string& symbol,
                     std::string_view contract, int64_t delivery) const {
    const int pxd = wire::decimals_of(spec.tick);
    const int qd = wire::decimals_of(spec.lot);
    const int lev = spec.max_leverage > 0 ? spec.max_leverage : 20;
    s += fmt::format(
      R"({{"symbol":"{}","pair":"{}","contractType":"{}","deliveryDate":{},"onboardDate":1569398400000,"status":"TRADING","maintMarginPercent":"2.5000","requiredMarginPercent":"{}","baseAsset":"{}","quoteAsset":"{}","marginAsset":"{}","pricePrecision":{},"quantityPrecision":{},"baseAssetPrecision":8,"quotePrecision":8,"underlyingType":"COIN","underlyingSubType":[],"triggerProtect":"0.0500","liquidationFee":"0.012500","marketTakeBound":"0.05","maxMoveOrderLimit":10000,"filters":[{{"filterType":"PRICE_FILTER","minPrice":")",
      symbol, spec.native_symbol, contract, delivery, margin_percent(lev), base_asset(spec), opt_.quote,
      opt_.quote, pxd, qd);
    wire::append_decimal(s, spec.tick, pxd);
    s += R"(","maxPrice":"4529764","tickSize":")";
    wire::append_decimal(s, spec.tick, pxd);
    s += R"("},{"filterType":"LOT_SIZE","stepSize":")";
    wire::append_decimal(s, spec.lot, qd);
    s += R"(","maxQty":"1000000","minQty":")";
    wire::append_decimal(s, spec.min_qty, qd);
    s += R"("},{"filterType":"MARKET_LOT_SIZE","stepSize":")";
    wire::append_decimal(s, spec.lot, qd);
    s += R"(","maxQty":"100000","minQty":")";
    wire::append_decimal(s, spec.min_qty, qd);
    s += R"("},{"filterType":"MAX_NUM_ORDERS","limit":200},{"filterType":"MAX_NUM_ALGO_ORDERS","limit":10},{"filterType":"MIN_NOTIONAL","notional":")";
    wire::append_decimal(s, spec.min_notional, 0);
    s += R"("},{"filterType":"PERCENT_PRICE","multiplierUp":"1.0500","multiplierDown":"0.9500","multiplierDecimal":"4"}],"orderTypes":["LIMIT","MARKET","STOP","STOP_MARKET","TAKE_PROFIT","TAKE_PROFIT_MARKET","TRAILING_STOP_MARKET"],"timeInForce":["GTC","IOC","FOK","GTX","GTD"]})";
  }

  /// 100 / leverage with 4 decimals ("0.8000" at 125x), exact arithmetic.
  static std::string margin_percent(int lev) {
    std::string out;
    wire::append_rounded(out, ratio::from_raw(100 * decimal_scale / lev), 4);
    return out;
  }

  std::string funding_info(const market_view& m) const {
    std::string s = "[";
    bool first = true;
    for (const auto& mi : m.instruments()) {
      if (!first)
        s += ',';
      first = false;
      const int hours = std::max(1, mi.spec.funding_interval_s / 3600);
      if (opt_.aster_shapes)
        s += fmt::format(
          R"({{"symbol":"{}","interestRate":"0.00010000","time":{},"fundingIntervalHours":{},"fundingFeeCap":0.03,"fundingFeeFloor":-0.03}})",
          mi.spec.native_symbol, wire::ns_to_ms(m.now()), hours);
      else
        s += fmt::format(
          R"({{"symbol":"{}","adjustedFundingRateCap":"0.02000000","adjustedFundingRateFloor":"-0.02000000","fundingIntervalHours":{},"disclaimer":false}})",
          mi.spec.native_symbol, hours);
    }
    s += ']';
    return s;
  }

  const mock_instrument* symbol_param(const rest_call& call, const market_view& m,
                                      rest_answer& err, bool required) const {
    auto it = call.query.find("symbol");
    if (it == call.query.end() || it->second.empty()) {
      if (required)
        err = error(400, -1102,
                    "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
      return nullptr;
    }
    const auto* mi = m.find(it->second);
    if (!mi)
      err = error(400, -1121, "Invalid symbol.");
    return mi;
  }

  rest_answer depth(const rest_call& call, const market_view& m) const {
    rest_answer err;
    const auto* mi = symbol_param(call, m, err, true);
    if (!mi)
      return err;
    std::size_t limit = 500;
    if (auto it = call.query.find("limit"); it != call.query.end()) {
      constexpr std::size_t ok[] = {5, 10, 20, 50, 100, 500, 1000};
      const auto v = static_cast<std::size_t>(std::strtoull(it->second.c_str(), nullptr, 10));
      if (std::find(std::begin(ok), std::end(ok), v) == std::end(ok))
        return error(400, -1130, "Data sent for parameter 'limit' is not valid.");
      limit = v;
    }
    const auto book = m.book(mi->spec.native_symbol, limit);
    const int pxd = wire::decimals_of(mi->spec.tick), qd = wire::decimals_of(mi->spec.lot);
    std::string s = fmt::format(R"({{"lastUpdateId":{},"E":{},"T":{},"bids":)", book.seq,
                                wire::ns_to_ms(m.now()), wire::ns_to_ms(book.exchange_ts));
    append_levels(s, book.bids, pxd, qd);
    s += R"(,"asks":)";
    append_levels(s, book.asks, pxd, qd);
    s += '}';
    return {200, std::move(s)};
  }

  std::string premium_of(const mock_instrument& mi, const market_view& m) const {
    auto st = m.mark(mi.spec.native_symbol);
    mark_state s = st ? *st : mark_state{};
    if (!st) {
      const auto b = m.book(mi.spec.native_symbol, 1);
      if (!b.bids.empty() && !b.asks.empty())
        s.mark = s.index = price::from_raw((b.bids[0].px.raw() + b.asks[0].px.raw()) / 2);
    }
    std::string o = fmt::format(R"({{"symbol":"{}","markPrice":")", mi.spec.native_symbol);
    wire::append_rounded(o, s.mark, 8);
    o += R"(","indexPrice":")";
    wire::append_rounded(o, s.index, 8);
    o += R"(","estimatedSettlePrice":")";
    wire::append_rounded(o, s.index, 8);
    o += R"(","lastFundingRate":")";
    wire::append_rounded(o, s.rate, 8);
    o += fmt::format(R"(","interestRate":"0.00010000","nextFundingTime":{},"time":{}}})",
                     wire::ns_to_ms(s.next_funding_ts), wire::ns_to_ms(m.now()));
    return o;
  }

  rest_answer premium_index(const rest_call& call, const market_view& m) const {
    rest_answer err;
    if (const auto* mi = symbol_param(call, m, err, false))
      return {200, premium_of(*mi, m)};
    if (err.status != 200)
      return err;
    std::string s = "[";
    for (const auto& mi : m.instruments()) {
      if (s.size() > 1)
        s += ',';
      s += premium_of(mi, m);
    }
    s += ']';
    return {200, std::move(s)};
  }

  std::string ticker_of(const mock_instrument& mi, const market_view& m) const {
    const auto b = m.book(mi.spec.native_symbol, 1);
    const int pxd = wire::decimals_of(mi.spec.tick), qd = wire::decimals_of(mi.spec.lot);
    const book_level bid = b.bids.empty() ? book_level{} : b.bids[0];
    const book_level ask = b.asks.empty() ? book_level{} : b.asks[0];
    std::string o = fmt::format(R"({{"symbol":"{}","bidPrice":")", mi.spec.native_symbol);
    wire::append_decimal(o, bid.px, pxd);
    o += R"(","bidQty":")";
    wire::append_decimal(o, bid.qty, qd);
    o += R"(","askPrice":")";
    wire::append_decimal(o, ask.px, pxd);
    o += R"(","askQty":")";
    wire::append_decimal(o, ask.qty, qd);
    o += fmt::format(R"(","time":{},"lastUpdateId":{}}})", wire::ns_to_ms(b.exchange_ts), b.seq);
    return o;
  }

  rest_answer book_ticker(const rest_call& call, const market_view& m) const {
    rest_answer err;
    if (const auto* mi = symbol_param(call, m, err, false))
      return {200, ticker_of(*mi, m)};
    if (err.status != 200)
      return err;
    std::string s = "[";
    for (const auto& mi : m.instruments()) {
      if (s.size() > 1)
        s += ',';
      s += ticker_of(mi, m);
    }
    s += ']';
    return {200, std::move(s)};
  }

  // -- WS ----------------------------------------------------------------------

  bool delivered(const ws_client& c, stream_kind k) const {
    if (!opt_.routed_paths)
      return true;
    auto it = c.counters.find(k_route);
    const uint64_t route = it == c.counters.end() ? 0 : it->second;
    if (k == stream_kind::mark)
      return route == 2;
    return route == 0 || route == 1; // unrouted paths get /public data only
  }

  void subscribe(std::string_view stream, ws_client& c, const market_view& m) {
    if (stream.empty())
      return;
    c.counters[key(k_sub, stream)] = 1; // listed even when never delivered
    const auto r = classify(stream);
    if (r.native.empty() || !m.find(r.native) || !delivered(c, r.kind))
      return; // unknown symbol or wrong path: silently no data, as the venue
    switch (r.kind) {
      case stream_kind::depth:
        c.books.insert(r.native);
        c.counters[key(k_depth, r.native)] = r.variant;
        break;
      case stream_kind::book_ticker: c.tops.insert(r.native); break;
      case stream_kind::mark:
        c.marks.insert(r.native);
        c.counters[key(k_mark, r.native)] = r.variant;
        break;
      default: break;
    }
  }

  void unsubscribe(std::string_view stream, ws_client& c) {
    c.counters.erase(key(k_sub, stream));
    const auto r = classify(stream);
    switch (r.kind) {
      case stream_kind::depth: c.books.erase(r.native); break;
      case stream_kind::book_ticker: c.tops.erase(r.native); break;
      case stream_kind::mark: c.marks.erase(r.native); break;
      default: break;
    }
  }

  static uint64_t variant(const ws_client& c, std::string_view prefix, std::string_view native) {
    auto it = c.counters.find(key(prefix, native));
    return it == c.counters.end() ? 0 : it->second;
  }

  static std::string wrap(const ws_client& c, const std::string& stream, std::string& event) {
    auto it = c.counters.find(k_combined);
    if (it == c.counters.end() || it->second == 0)
      return std::move(event);
    return fmt::format(R"({{"stream":"{}","data":{}}})", stream, event);
  }

  // -- precision -----------------------------------------------------------------

  void learn(const market_view& m) {
    if (decimals_.size() == m.instruments().size())
      return;
    for (const auto& mi : m.instruments())
      decimals_[mi.spec.native_symbol] = {wire::decimals_of(mi.spec.tick),
                                          wire::decimals_of(mi.spec.lot)};
  }

  std::pair<int, int> decimals(std::string_view native) const {
    auto it = decimals_.find(native);
    return it == decimals_.end() ? std::pair<int, int>{0, 0} : it->second;
  }

  binance_style_mock_options opt_;
  std::map<std::string, std::pair<int, int>, std::less<>> decimals_; ///< native -> (price, qty) decimals
};

} // namespace

std::unique_ptr<venue_protocol> make_binance_style_protocol(binance_style_mock_options options) {
  return std::make_unique<binance_style_protocol>(std::move(options));
}

} // namespace xarb::mock
