#include "venues/bitget/mock_protocol.hpp"

#include <algorithm>
#include <map>
#include <span>
#include <string>
#include <vector>

#include <simdjson.h>

#include "venues/common/book_checksum.hpp"
#include "venues/okx/wire.hpp"

namespace xarb::mock {
namespace {

namespace wire = xarb::venues::wire;

constexpr std::string_view product = "USDT-FUTURES";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto up = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; };
           return up(x) == up(y);
         });
}

class bitget_protocol final : public venue_protocol {
public:
  std::string_view venue() const noexcept override { return "bitget"; }

  std::string native_symbol(std::string_view base, const ratio& unit) const override {
    return wire::unit_prefix(unit) + std::string{base} + "USDT";
  }

  rest_answer rest(const rest_call& call, const market_view& m) override;

  void on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                      std::vector<std::string>& out) override;

  void snapshot_frames(const book_snapshot& snap, ws_client& c, const market_view& m,
                       std::vector<std::string>& out) override {
    if (!c.books.count(snap.symbol))
      return;
    out.push_back(push("snapshot", "books", snap.symbol, snap.bids, snap.asks,
                       venues::book_checksum(snap.bids, snap.asks, 25), snap.seq,
                       snap.exchange_ts ? snap.exchange_ts : m.now()));
  }

  void book_frames(const book_delta& d, ws_client& c, const market_view& m,
                   std::vector<std::string>& out) override {
    if (!c.books.count(d.symbol))
      return;
    // The checksum of the book after this update (top 25, shortest decimals:
    // the strings this mock sends).
    const auto now_book = m.book(d.symbol, 25);
    out.push_back(push("update", "books", d.symbol, d.bids, d.asks,
                       venues::book_checksum(now_book.bids, now_book.asks), d.seq,
                       d.exchange_ts ? d.exchange_ts : m.now()));
  }

  void top_frames(const top_of_book& t, ws_client& c, std::vector<std::string>& out) override {
    last_top_[t.symbol] = t;
    if (!c.tops.count(t.symbol))
      return;
    const book_level bid[1] = {t.bid}, ask[1] = {t.ask};
    out.push_back(push("snapshot", "books1", t.symbol,
                       t.bid.qty.is_positive() ? std::span<const book_level>{bid}
                                               : std::span<const book_level>{},
                       t.ask.qty.is_positive() ? std::span<const book_level>{ask}
                                               : std::span<const book_level>{},
                       0, t.seq, t.exchange_ts));
  }

  void mark_frames(std::string_view native, const mark_state& s, timestamp_ns now,
                   ws_client& c, std::vector<std::string>& out) override;

private:
  static std::string push(std::string_view action, std::string_view channel,
                          std::string_view inst, std::span<const book_level> bids,
                          std::span<const book_level> asks, int32_t checksum, uint64_t seq,
                          timestamp_ns ts);
  std::string ticker_item(std::string_view sym, const mark_state& s, timestamp_ns now,
                          const top_of_book* top) const;

  std::map<std::string, top_of_book, std::less<>> last_top_; ///< for the ticker's bid/ask
};

void append_levels(std::string& s, std::span<const book_level> levels, bool quoted) {
  s.push_back('[');
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (i)
      s.push_back(',');
    s.push_back('[');
    if (quoted) {
      wire::append_qdec(s, levels[i].px);
      s.push_back(',');
      wire::append_qdec(s, levels[i].qty);
    } else { // merge-depth sends numbers
      wire::append_dec(s, levels[i].px);
      s.push_back(',');
      wire::append_dec(s, levels[i].qty);
    }
    s.push_back(']');
  }
  s.push_back(']');
}

rest_answer envelope(std::string_view data, timestamp_ns now, std::string_view code = "00000",
                     std::string_view msg = "success", int status = 200) {
  std::string b = R"({"code":)";
  wire::append_str(b, code);
  b += R"(,"msg":)";
  wire::append_str(b, msg);
  b += R"(,"requestTime":)";
  wire::append_ms(b, now);
  b += R"(,"data":)";
  b += data;
  b += "}";
  return {status, b};
}

std::string contract_json(const mock_instrument& i) {
  const auto& s = i.spec;
  const auto base = std::string_view{s.native_symbol}.substr(
    0, s.native_symbol.size() - std::min(s.native_symbol.size(), s.quote.size()));
  const int place = wire::decimals_of(s.tick);
  int64_t end_step = s.tick.raw();
  for (int k = 0; k < 9 - place; ++k)
    end_step /= 10;
  std::string j = R"({"symbol":)";
  wire::append_str(j, s.native_symbol);
  j += R"(,"baseCoin":)";
  wire::append_str(j, base);
  j += R"(,"quoteCoin":)";
  wire::append_str(j, s.quote);
  j += R"(,"buyLimitPriceRatio":"0.05","sellLimitPriceRatio":"0.05","feeRateUpRatio":"0.005","makerFeeRate":)";
  wire::append_qdec(j, s.maker_fee);
  j += R"(,"takerFeeRate":)";
  wire::append_qdec(j, s.taker_fee);
  j += R"(,"openCostUpRatio":"0.01","supportMarginCoins":[)";
  wire::append_str(j, s.quote);
  j += R"(],"minTradeNum":)";
  wire::append_qdec(j, s.min_qty);
  j += R"(,"priceEndStep":")";
  wire::append_int(j, end_step);
  j += R"(","volumePlace":")";
  wire::append_int(j, wire::decimals_of(s.lot));
  j += R"(","pricePlace":")";
  wire::append_int(j, place);
  j += R"(","sizeMultiplier":)";
  wire::append_qdec(j, s.lot);
  j += R"(,"symbolType":"perpetual","minTradeUSDT":)";
  wire::append_qdec(j, s.min_notional);
  j += R"(,"maxSymbolOrderNum":"200","maxProductOrderNum":"1000","maxPositionNum":"150",)"
       R"("symbolStatus":"normal","offTime":"-1","limitOpenTime":"-1","deliveryTime":"",)"
       R"("deliveryStartTime":"","deliveryPeriod":"","launchTime":"","fundInterval":")";
  wire::append_int(j, s.funding_interval_s / 3600);
  j += R"(","minLever":"1","maxLever":")";
  wire::append_int(j, s.max_leverage);
  j += R"(","posLimit":"0.1","maintainTime":"","openTime":""})";
  return j;
}

std::string bitget_protocol::ticker_item(std::string_view sym, const mark_state& s,
                                         timestamp_ns now, const top_of_book* top) const {
  const book_level bid = top ? top->bid : book_level{s.mark, {}};
  const book_level ask = top ? top->ask : book_level{s.mark, {}};
  std::string j = R"({"instId":)";
  wire::append_str(j, sym);
  j += R"(,"lastPr":)";
  wire::append_qdec(j, s.mark);
  j += R"(,"bidPr":)";
  wire::append_qdec(j, bid.px);
  j += R"(,"askPr":)";
  wire::append_qdec(j, ask.px);
  j += R"(,"bidSz":)";
  wire::append_qdec(j, bid.qty);
  j += R"(,"askSz":)";
  wire::append_qdec(j, ask.qty);
  for (std::string_view k : {"open24h", "high24h", "low24h"}) {
    j += ',';
    wire::append_str(j, k);
    j += ':';
    wire::append_qdec(j, s.mark);
  }
  j += R"(,"change24h":"0","fundingRate":)";
  wire::append_qdec(j, s.rate);
  j += R"(,"nextFundingTime":)";
  wire::append_qms(j, s.next_funding_ts);
  j += R"(,"markPrice":)";
  wire::append_qdec(j, s.mark);
  j += R"(,"indexPrice":)";
  wire::append_qdec(j, s.index);
  j += R"(,"holdingAmount":"0","baseVolume":"0","quoteVolume":"0","openUtc":)";
  wire::append_qdec(j, s.mark);
  j += R"(,"symbolType":"1","symbol":)";
  wire::append_str(j, sym);
  j += R"(,"deliveryPrice":"0","ts":)";
  wire::append_qms(j, now);
  j += "}";
  return j;
}

rest_answer bitget_protocol::rest(const rest_call& call, const market_view& m) {
  auto q = [&](std::string_view k) -> std::string_view {
    auto it = call.query.find(k);
    return it == call.query.end() ? std::string_view{} : std::string_view{it->second};
  };
  const auto now = m.now();
  if (call.method != "GET")
    return envelope("null", now, "40404", "Request URL NOT FOUND", 404);
  if (call.path == "/api/v2/public/time") {
    std::string d = R"({"serverTime":)";
    wire::append_qms(d, now);
    return envelope(d + "}", now);
  }
  if (call.path == "/api/v2/spot/public/symbols")
    return envelope("[]", now); // spot is not mocked
  const bool known = call.path == "/api/v2/mix/market/contracts"
                     || call.path == "/api/v2/mix/market/merge-depth"
                     || call.path == "/api/v2/mix/market/ticker"
                     || call.path == "/api/v2/mix/market/tickers"
                     || call.path == "/api/v2/mix/market/current-fund-rate"
                     || call.path == "/api/v2/mix/market/symbol-price";
  if (!known)
    return envelope("null", now, "40404", "Request URL NOT FOUND", 404);
  if (q("productType").empty())
    return envelope("null", now, "40019", "Parameter productType cannot be empty", 400);
  const bool ours = iequals(q("productType"), product);
  const auto sym = q("symbol");
  const mock_instrument* ins = sym.empty() ? nullptr : m.find(sym);
  if (!sym.empty() && (!ins || !ours))
    return envelope("null", now, "40034", "Parameter " + std::string{sym} + " does not exist",
                    400);

  if (call.path == "/api/v2/mix/market/contracts" || call.path == "/api/v2/mix/market/tickers") {
    const bool contracts = call.path == "/api/v2/mix/market/contracts";
    std::string d = "[";
    if (ours)
      for (const auto& i : m.instruments()) {
        if (ins && ins != &i)
          continue;
        if (d.size() > 1)
          d.push_back(',');
        if (contracts) {
          d += contract_json(i);
        } else if (auto s = m.mark(i.spec.native_symbol)) {
          auto t = last_top_.find(i.spec.native_symbol);
          d += ticker_item(i.spec.native_symbol, *s, now,
                           t == last_top_.end() ? nullptr : &t->second);
        }
      }
    return envelope(d + "]", now);
  }
  if (!ins)
    return envelope("null", now, "40019", "Parameter symbol cannot be empty", 400);
  if (call.path == "/api/v2/mix/market/merge-depth") {
    std::size_t limit = 100;
    if (auto t = q("limit"); !t.empty()) {
      if (t == "max")
        limit = 1000;
      else if (t == "1" || t == "5" || t == "15" || t == "50")
        limit = static_cast<std::size_t>(wire::int_of(t).value_or(100));
      else
        return envelope("null", now, "40020", "Parameter limit is error", 400);
    }
    const auto b = m.book(sym, limit);
    std::string d = R"({"asks":)";
    append_levels(d, b.asks, false);
    d += R"(,"bids":)";
    append_levels(d, b.bids, false);
    d += R"(,"ts":)";
    wire::append_qms(d, b.exchange_ts ? b.exchange_ts : now);
    d += R"(,"scale":)";
    wire::append_qdec(d, ins->spec.tick);
    d += R"(,"precision":"scale0","isMaxPrecision":"NO"})";
    return envelope(d, now);
  }
  const auto s = m.mark(sym);
  if (!s)
    return envelope("[]", now);
  if (call.path == "/api/v2/mix/market/ticker") {
    auto t = last_top_.find(sym);
    return envelope("[" + ticker_item(sym, *s, now, t == last_top_.end() ? nullptr : &t->second)
                      + "]",
                    now);
  }
  if (call.path == "/api/v2/mix/market/current-fund-rate") {
    std::string d = R"([{"symbol":)";
    wire::append_str(d, sym);
    d += R"(,"fundingRate":)";
    wire::append_qdec(d, s->rate);
    d += R"(,"fundingRateInterval":")";
    wire::append_int(d, s->interval_s / 3600);
    d += R"(","nextUpdate":)";
    wire::append_qms(d, s->next_funding_ts);
    d += R"(,"minFundingRate":"-0.0075","maxFundingRate":"0.0075"}])";
    return envelope(d, now);
  }
  // symbol-price
  std::string d = R"([{"symbol":)";
  wire::append_str(d, sym);
  d += R"(,"price":)";
  wire::append_qdec(d, s->mark);
  d += R"(,"indexPrice":)";
  wire::append_qdec(d, s->index);
  d += R"(,"markPrice":)";
  wire::append_qdec(d, s->mark);
  d += R"(,"ts":)";
  wire::append_qms(d, now);
  d += "}]";
  return envelope(d, now);
}

void bitget_protocol::on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                                     std::vector<std::string>& out) {
  if (frame == "ping") {
    out.emplace_back("pong");
    return;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view op;
  simdjson::dom::array args;
  if (parser.parse(frame.data(), frame.size()).get(doc) != simdjson::SUCCESS
      || doc["op"].get(op) != simdjson::SUCCESS || doc["args"].get(args) != simdjson::SUCCESS
      || (op != "subscribe" && op != "unsubscribe")) {
    out.emplace_back(R"({"event":"error","code":30002,"msg":"illegal request"})");
    return;
  }
  const bool sub = op == "subscribe";
  for (auto a : args) {
    std::string_view type, channel, inst;
    if (a["instType"].get(type) != simdjson::SUCCESS
        || a["channel"].get(channel) != simdjson::SUCCESS
        || a["instId"].get(inst) != simdjson::SUCCESS) {
      out.emplace_back(R"({"event":"error","code":30002,"msg":"illegal request"})");
      return;
    }
    std::string arg = R"({"instType":)";
    wire::append_str(arg, type);
    arg += R"(,"channel":)";
    wire::append_str(arg, channel);
    arg += R"(,"instId":)";
    wire::append_str(arg, inst);
    arg += "}";
    const bool ok = type == product && m.find(inst)
                    && (channel == "books" || channel == "books1" || channel == "ticker");
    if (!ok) {
      std::string e = R"({"event":"error","arg":)" + arg + R"(,"code":30001,"msg":)";
      wire::append_str(e, "instType:" + std::string{type} + ",channel:" + std::string{channel}
                            + ",instId:" + std::string{inst} + " doesn't exist");
      e += R"(,"op":)";
      wire::append_str(e, op);
      e += "}";
      out.push_back(std::move(e));
      continue;
    }
    const std::string n{inst};
    auto& set = channel == "books" ? c.books : channel == "books1" ? c.tops : c.marks;
    if (sub) {
      set.insert(n);
      if (channel == "books")
        c.snapshot_due.insert(n);
    } else {
      set.erase(n);
      if (channel == "books")
        c.snapshot_due.erase(n);
    }
    out.push_back(R"({"event":)" + std::string{sub ? R"("subscribe")" : R"("unsubscribe")"}
                  + R"(,"arg":)" + arg + "}");
  }
}

std::string bitget_protocol::push(std::string_view action, std::string_view channel,
                                  std::string_view inst, std::span<const book_level> bids,
                                  std::span<const book_level> asks, int32_t checksum,
                                  uint64_t seq, timestamp_ns ts) {
  std::string s = R"({"action":)";
  wire::append_str(s, action);
  s += R"(,"arg":{"instType":"USDT-FUTURES","channel":)";
  wire::append_str(s, channel);
  s += R"(,"instId":)";
  wire::append_str(s, inst);
  s += R"(},"data":[{"asks":)";
  append_levels(s, asks, true);
  s += R"(,"bids":)";
  append_levels(s, bids, true);
  s += R"(,"checksum":)";
  wire::append_int(s, checksum);
  s += R"(,"seq":)";
  wire::append_int(s, static_cast<int64_t>(seq));
  s += R"(,"ts":)";
  wire::append_qms(s, ts);
  s += R"(}],"ts":)";
  wire::append_ms(s, ts);
  s += "}";
  return s;
}

void bitget_protocol::mark_frames(std::string_view native, const mark_state& st,
                                  timestamp_ns now, ws_client& c,
                                  std::vector<std::string>& out) {
  if (!c.marks.count(native))
    return;
  auto t = last_top_.find(native);
  std::string s = R"({"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"ticker","instId":)";
  wire::append_str(s, native);
  s += R"(},"data":[)";
  s += ticker_item(native, st, now, t == last_top_.end() ? nullptr : &t->second);
  s += R"(],"ts":)";
  wire::append_ms(s, now);
  s += "}";
  out.push_back(std::move(s));
}

} // namespace

std::unique_ptr<venue_protocol> make_bitget_protocol() {
  return std::make_unique<bitget_protocol>();
}

} // namespace xarb::mock
