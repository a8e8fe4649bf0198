#include "venues/bybit/mock_protocol.hpp"

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include <simdjson.h>

#include "venues/okx/wire.hpp"

namespace xarb::mock {
namespace {

namespace wire = xarb::venues::wire;

constexpr std::string_view book_prefix = "orderbook.50.";
constexpr std::string_view ticker_prefix = "tickers.";

class bybit_protocol final : public venue_protocol {
public:
  std::string_view venue() const noexcept override { return "bybit"; }

  std::string native_symbol(std::string_view base, const ratio& unit) const override {
    return wire::unit_prefix(unit) + std::string{base} + "USDT";
  }

  rest_answer rest(const rest_call& call, const market_view& m) override;

  void on_open(ws_client& c, const market_view&, std::vector<std::string>&) override {
    c.counters["conn"] = ++connections_;
  }

  void on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                      std::vector<std::string>& out) override;

  void snapshot_frames(const book_snapshot& snap, ws_client& c, const market_view& m,
                       std::vector<std::string>& out) override {
    if (c.books.count(snap.symbol))
      out.push_back(book_frame(snap.symbol, "snapshot", snap.bids, snap.asks, snap.seq,
                               snap.exchange_ts ? snap.exchange_ts : m.now()));
  }

  void book_frames(const book_delta& d, ws_client& c, const market_view& m,
                   std::vector<std::string>& out) override {
    // u = the simulated book's sequence: consecutive per book, so a delta
    // the server drops shows up as a jump in u.
    if (c.books.count(d.symbol))
      out.push_back(book_frame(d.symbol, "delta", d.bids, d.asks, d.seq,
                               d.exchange_ts ? d.exchange_ts : m.now()));
  }

  void mark_frames(std::string_view native, const mark_state& s, timestamp_ns now,
                   ws_client& c, std::vector<std::string>& out) override;

private:
  static std::string book_frame(std::string_view sym, std::string_view type,
                                std::span<const book_level> bids,
                                std::span<const book_level> asks, uint64_t u, timestamp_ns ts);

  uint64_t connections_ = 0;
};

std::string conn_id(const ws_client& c) {
  auto it = c.counters.find("conn");
  return "mock-bybit-" + std::to_string(it == c.counters.end() ? 0 : it->second);
}

rest_answer envelope(std::string_view result, timestamp_ns now, int code = 0,
                     std::string_view msg = "OK", int status = 200) {
  std::string b = R"({"retCode":)";
  wire::append_int(b, code);
  b += R"(,"retMsg":)";
  wire::append_str(b, msg);
  b += R"(,"result":)";
  b += result;
  b += R"(,"retExtInfo":{},"time":)";
  wire::append_ms(b, now);
  b += "}";
  return {status, b};
}

void append_levels(std::string& s, std::span<const book_level> levels) {
  s.push_back('[');
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (i)
      s.push_back(',');
    s.push_back('[');
    wire::append_qdec(s, levels[i].px);
    s.push_back(',');
    wire::append_qdec(s, levels[i].qty);
    s.push_back(']');
  }
  s.push_back(']');
}

std::string instrument_json(const mock_instrument& i) {
  const auto& s = i.spec;
  const auto base = std::string_view{s.native_symbol}.substr(
    0, s.native_symbol.size() - std::min(s.native_symbol.size(), s.quote.size()));
  std::string j = R"({"symbol":)";
  wire::append_str(j, s.native_symbol);
  j += R"(,"contractType":"LinearPerpetual","status":"Trading","baseCoin":)";
  wire::append_str(j, base);
  j += R"(,"quoteCoin":)";
  wire::append_str(j, s.quote);
  j += R"(,"launchTime":"1584230400000","deliveryTime":"0","deliveryFeeRate":"","priceScale":")";
  wire::append_int(j, wire::decimals_of(s.tick));
  j += R"(","leverageFilter":{"minLeverage":"1","maxLeverage":")";
  wire::append_int(j, s.max_leverage);
  j += R"(.00","leverageStep":"0.01"},"priceFilter":{"minPrice":)";
  wire::append_qdec(j, s.tick);
  j += R"(,"maxPrice":)";
  wire::append_qdec(j, wire::times(s.tick, 1'000'000));
  j += R"(,"tickSize":)";
  wire::append_qdec(j, s.tick);
  j += R"(},"lotSizeFilter":{"maxOrderQty":)";
  wire::append_qdec(j, wire::times(s.lot, 1'000'000));
  j += R"(,"minOrderQty":)";
  wire::append_qdec(j, s.min_qty);
  j += R"(,"qtyStep":)";
  wire::append_qdec(j, s.lot);
  j += R"(,"postOnlyMaxOrderQty":)";
  wire::append_qdec(j, wire::times(s.lot, 1'000'000));
  j += R"(,"maxMktOrderQty":)";
  wire::append_qdec(j, wire::times(s.lot, 100'000));
  j += R"(,"minNotionalValue":)";
  wire::append_qdec(j, s.min_notional);
  j += R"(},"unifiedMarginTrade":true,"fundingInterval":)";
  wire::append_int(j, s.funding_interval_s / 60);
  j += R"(,"settleCoin":)";
  wire::append_str(j, s.quote);
  j += R"(,"copyTrading":"both","upperFundingRate":"0.0075","lowerFundingRate":"-0.0075",)"
       R"("isPreListing":false,"preListingInfo":null,"displayName":""})";
  return j;
}

std::string ticker_json(const mock_instrument& i, const market_view& m) {
  const auto& sym = i.spec.native_symbol;
  const auto b = m.book(sym, 1);
  const auto s = m.mark(sym);
  const book_level bid = b.bids.empty() ? book_level{} : b.bids.front();
  const book_level ask = b.asks.empty() ? book_level{} : b.asks.front();
  const price mark = s ? s->mark : bid.px;
  std::string j = R"({"symbol":)";
  wire::append_str(j, sym);
  j += R"(,"lastPrice":)";
  wire::append_qdec(j, mark);
  j += R"(,"indexPrice":)";
  wire::append_qdec(j, s ? s->index : mark);
  j += R"(,"markPrice":)";
  wire::append_qdec(j, mark);
  j += R"(,"prevPrice24h":)";
  wire::append_qdec(j, mark);
  j += R"(,"price24hPcnt":"0","highPrice24h":)";
  wire::append_qdec(j, mark);
  j += R"(,"lowPrice24h":)";
  wire::append_qdec(j, mark);
  j += R"(,"prevPrice1h":)";
  wire::append_qdec(j, mark);
  j += R"(,"openInterest":"0","openInterestValue":"0","turnover24h":"0","volume24h":"0",)"
       R"("fundingRate":)";
  wire::append_qdec(j, s ? s->rate : ratio{});
  j += R"(,"nextFundingTime":)";
  wire::append_qms(j, s ? s->next_funding_ts : 0);
  j += R"(,"predictedDeliveryPrice":"","basisRate":"","deliveryFeeRate":"","deliveryTime":"0",)"
       R"("ask1Size":)";
  wire::append_qdec(j, ask.qty);
  j += R"(,"bid1Price":)";
  wire::append_qdec(j, bid.px);
  j += R"(,"ask1Price":)";
  wire::append_qdec(j, ask.px);
  j += R"(,"bid1Size":)";
  wire::append_qdec(j, bid.qty);
  j += R"(,"basis":"","fundingIntervalHour":")";
  wire::append_int(j, s ? s->interval_s / 3600 : 8);
  j += R"("})";
  return j;
}

rest_answer bybit_protocol::rest(const rest_call& call, const market_view& m) {
  auto q = [&](std::string_view k) -> std::string_view {
    auto it = call.query.find(k);
    return it == call.query.end() ? std::string_view{} : std::string_view{it->second};
  };
  const auto now = m.now();
  if (call.method != "GET")
    return envelope("{}", now, 10004, "method not allowed", 405);
  if (call.path == "/v5/market/time") {
    std::string r = R"({"timeSecond":")";
    wire::append_int(r, now / 1'000'000'000);
    r += R"(","timeNano":")";
    wire::append_int(r, now);
    r += R"("})";
    return envelope(r, now);
  }
  const bool known = call.path == "/v5/market/instruments-info"
                     || call.path == "/v5/market/orderbook" || call.path == "/v5/market/tickers"
                     || call.path == "/v5/market/funding/history";
  if (!known)
    return envelope("{}", now, 404, "Not Found", 404);
  const auto category = q("category");
  if (category.empty())
    return envelope("{}", now, 10001, "params error: category is empty");
  const auto sym = q("symbol");
  const mock_instrument* ins = sym.empty() ? nullptr : m.find(sym);
  if (!sym.empty() && (!ins || category != "linear"))
    return envelope("{}", now, 10001, "params error: symbol invalid");

  if (call.path == "/v5/market/instruments-info") {
    std::string r = R"({"category":)";
    wire::append_str(r, category);
    r += R"(,"list":[)";
    bool first = true;
    if (category == "linear")
      for (const auto& i : m.instruments()) {
        if (ins && ins != &i)
          continue;
        if (!first)
          r.push_back(',');
        first = false;
        r += instrument_json(i);
      }
    r += R"(],"nextPageCursor":""})";
    return envelope(r, now);
  }
  if (call.path == "/v5/market/tickers") {
    std::string r = R"({"category":)";
    wire::append_str(r, category);
    r += R"(,"list":[)";
    bool first = true;
    if (category == "linear")
      for (const auto& i : m.instruments()) {
        if (ins && ins != &i)
          continue;
        if (!first)
          r.push_back(',');
        first = false;
        r += ticker_json(i, m);
      }
    r += "]}";
    return envelope(r, now);
  }
  if (!ins)
    return envelope("{}", now, 10001, "params error: symbol is empty");
  if (call.path == "/v5/market/orderbook") {
    int64_t limit = 25; // Bybit's default; linear allows 1..500
    if (auto t = q("limit"); !t.empty()) {
      auto n = wire::int_of(t);
      if (!n || *n < 1)
        return envelope("{}", now, 10001, "params error: limit invalid");
      limit = std::min<int64_t>(*n, 500);
    }
    const auto b = m.book(sym, static_cast<std::size_t>(limit));
    std::string r = R"({"s":)";
    wire::append_str(r, sym);
    r += R"(,"b":)";
    append_levels(r, b.bids);
    r += R"(,"a":)";
    append_levels(r, b.asks);
    r += R"(,"ts":)";
    wire::append_ms(r, b.exchange_ts ? b.exchange_ts : now);
    r += R"(,"u":)";
    wire::append_int(r, static_cast<int64_t>(b.seq));
    r += R"(,"seq":)";
    wire::append_int(r, static_cast<int64_t>(b.seq));
    r += R"(,"cts":)";
    wire::append_ms(r, b.exchange_ts ? b.exchange_ts : now);
    r += "}";
    return envelope(r, now);
  }
  // /v5/market/funding/history: the last settlement.
  std::string r = R"({"category":"linear","list":[)";
  if (auto s = m.mark(sym)) {
    r += R"({"symbol":)";
    wire::append_str(r, sym);
    r += R"(,"fundingRate":)";
    wire::append_qdec(r, s->rate);
    r += R"(,"fundingRateTimestamp":)";
    wire::append_qms(r, s->next_funding_ts - int64_t{s->interval_s} * 1'000'000'000);
    r += "}";
  }
  r += "]}";
  return envelope(r, now);
}

void bybit_protocol::on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                                    std::vector<std::string>& out) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view op, req_id;
  auto reply = [&](bool ok, std::string_view msg, std::string_view echo_op) {
    std::string s = R"({"success":)";
    s += ok ? "true" : "false";
    s += R"(,"ret_msg":)";
    wire::append_str(s, msg);
    s += R"(,"conn_id":)";
    wire::append_str(s, conn_id(c));
    if (!req_id.empty()) {
      s += R"(,"req_id":)";
      wire::append_str(s, req_id);
    }
    s += R"(,"op":)";
    wire::append_str(s, echo_op);
    s += "}";
    out.push_back(std::move(s));
  };
  if (parser.parse(frame.data(), frame.size()).get(doc) != simdjson::SUCCESS
      || doc["op"].get(op) != simdjson::SUCCESS) {
    reply(false, "error:request not json or no op", "");
    return;
  }
  if (doc["req_id"].get(req_id) != simdjson::SUCCESS)
    req_id = {};
  if (op == "ping") {
    reply(true, "pong", "ping");
    return;
  }
  simdjson::dom::array args;
  if ((op != "subscribe" && op != "unsubscribe") || doc["args"].get(args) != simdjson::SUCCESS) {
    reply(false, "error:unsupported op or no args", op);
    return;
  }
  const bool sub = op == "subscribe";
  std::string bad;
  for (auto a : args) {
    std::string_view topic;
    if (a.get(topic) != simdjson::SUCCESS) {
      bad += bad.empty() ? "" : ",";
      bad += "?";
      continue;
    }
    std::string sym;
    bool book = false;
    if (topic.rfind(book_prefix, 0) == 0) {
      sym = std::string{topic.substr(book_prefix.size())};
      book = true;
    } else if (topic.rfind(ticker_prefix, 0) == 0) {
      sym = std::string{topic.substr(ticker_prefix.size())};
    }
    if (sym.empty() || !m.find(sym)) {
      bad += bad.empty() ? "" : ",";
      bad += topic;
      continue;
    }
    if (book) {
      if (sub) {
        c.books.insert(sym);
        c.snapshot_due.insert(sym);
      } else {
        c.books.erase(sym);
        c.snapshot_due.erase(sym);
      }
    } else if (sub) {
      c.marks.insert(sym);
      c.counters.erase("tk:" + sym); // the next ticker frame is a snapshot
    } else {
      c.marks.erase(sym);
    }
  }
  if (bad.empty())
    reply(true, "", op);
  else
    reply(false, "Invalid topic :[" + bad + "]", op);
}

std::string bybit_protocol::book_frame(std::string_view sym, std::string_view type,
                                       std::span<const book_level> bids,
                                       std::span<const book_level> asks, uint64_t u,
                                       timestamp_ns ts) {
  std::string s = R"({"topic":)";
  wire::append_str(s, std::string{book_prefix} + std::string{sym});
  s += R"(,"type":)";
  wire::append_str(s, type);
  s += R"(,"ts":)";
  wire::append_ms(s, ts);
  s += R"(,"data":{"s":)";
  wire::append_str(s, sym);
  s += R"(,"b":)";
  append_levels(s, bids.subspan(0, std::min<std::size_t>(bids.size(), 50)));
  s += R"(,"a":)";
  append_levels(s, asks.subspan(0, std::min<std::size_t>(asks.size(), 50)));
  s += R"(,"u":)";
  wire::append_int(s, static_cast<int64_t>(u));
  s += R"(,"seq":)";
  wire::append_int(s, static_cast<int64_t>(u));
  s += R"(},"cts":)";
  wire::append_ms(s, ts);
  s += "}";
  return s;
}

void bybit_protocol::mark_frames(std::string_view native, const mark_state& st,
                                 timestamp_ns now, ws_client& c, std::vector<std::string>& out) {
  if (!c.marks.count(native))
    return;
  const std::string n{native};
  // Bybit sends a snapshot first, then deltas of the fields that changed:
  // the last values sent are kept per client.
  auto& sent = c.counters["tk:" + n];
  auto& last_mark = c.counters["tk.mark:" + n];
  auto& last_index = c.counters["tk.index:" + n];
  auto& last_rate = c.counters["tk.rate:" + n];
  auto& last_next = c.counters["tk.next:" + n];
  auto& last_interval = c.counters["tk.interval:" + n];
  auto raw = [](int64_t v) { return static_cast<uint64_t>(v); };
  const bool snapshot = sent == 0;
  std::string fields;
  auto field = [&](std::string_view name, uint64_t& last, uint64_t now_raw, auto&& write) {
    if (!snapshot && last == now_raw)
      return;
    last = now_raw;
    fields += ',';
    wire::append_str(fields, name);
    fields += ':';
    write();
  };
  field("markPrice", last_mark, raw(st.mark.raw()), [&] { wire::append_qdec(fields, st.mark); });
  field("indexPrice", last_index, raw(st.index.raw()),
        [&] { wire::append_qdec(fields, st.index); });
  field("fundingRate", last_rate, raw(st.rate.raw()), [&] { wire::append_qdec(fields, st.rate); });
  field("nextFundingTime", last_next, raw(st.next_funding_ts),
        [&] { wire::append_qms(fields, st.next_funding_ts); });
  field("fundingIntervalHour", last_interval, raw(st.interval_s), [&] {
    fields += '"';
    wire::append_int(fields, st.interval_s / 3600);
    fields += '"';
  });
  if (fields.empty())
    return;
  sent = 1;
  std::string s = R"({"topic":)";
  wire::append_str(s, std::string{ticker_prefix} + n);
  s += snapshot ? R"(,"type":"snapshot")" : R"(,"type":"delta")";
  s += R"(,"data":{"symbol":)";
  wire::append_str(s, native);
  if (snapshot) {
    s += R"(,"tickDirection":"ZeroPlusTick","price24hPcnt":"0","lastPrice":)";
    wire::append_qdec(s, st.mark);
    s += R"(,"prevPrice24h":)";
    wire::append_qdec(s, st.mark);
    s += R"(,"highPrice24h":)";
    wire::append_qdec(s, st.mark);
    s += R"(,"lowPrice24h":)";
    wire::append_qdec(s, st.mark);
    s += R"(,"prevPrice1h":)";
    wire::append_qdec(s, st.mark);
    s += R"(,"openInterest":"0","openInterestValue":"0","turnover24h":"0","volume24h":"0")";
  }
  s += fields;
  s += R"(},"cs":)";
  wire::append_ms(s, now);
  s += R"(,"ts":)";
  wire::append_ms(s, now);
  s += "}";
  out.push_back(std::move(s));
}

} // namespace

std::unique_ptr<venue_protocol> make_bybit_protocol() {
  return std::make_unique<bybit_protocol>();
}

} // namespace xarb::mock
