#include "venues/okx/mock_protocol.hpp"

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

constexpr int64_t ns_per_s = 1'000'000'000;

/// Coins per contract: the instrument's lot (so sizes are whole contracts
/// on the lot grid); 1 when the lot is unusable.
ratio ct_val_of(const instrument_spec& s) {
  return s.lot.is_positive() ? ratio::from_raw(s.lot.raw()) : ratio::from_units(1);
}

quantity to_contracts(quantity coins, ratio ct) {
  auto q = divide_by(coins, ct, rounding::nearest);
  return q ? *q : coins;
}

/// "BTC" of "BTC-USDT-SWAP" (the native base, unit prefix included).
std::string_view native_base(std::string_view inst) {
  return inst.substr(0, inst.find('-'));
}

std::string conn_id(uint64_t n) {
  static constexpr char hex[] = "0123456789abcdef";
  uint32_t x = static_cast<uint32_t>(0xa4d3ae55u ^ (n * 2654435761u));
  std::string s(8, '0');
  for (int i = 7; i >= 0; --i, x >>= 4)
    s[static_cast<std::size_t>(i)] = hex[x & 0xF];
  return s;
}

class okx_protocol final : public venue_protocol {
public:
  std::string_view venue() const noexcept override { return "okx"; }

  std::string native_symbol(std::string_view base, const ratio& unit) const override {
    return wire::unit_prefix(unit) + std::string{base} + "-USDT-SWAP";
  }

  rest_answer rest(const rest_call& call, const market_view& m) override;

  void on_open(ws_client& c, const market_view&, std::vector<std::string>&) override {
    c.counters["connId"] = ++connections_;
  }

  void on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                      std::vector<std::string>& out) override;

  void snapshot_frames(const book_snapshot& snap, ws_client& c, const market_view& m,
                       std::vector<std::string>& out) override;

  void book_frames(const book_delta& d, ws_client& c, const market_view& m,
                   std::vector<std::string>& out) override;

  void top_frames(const top_of_book& t, ws_client& c, std::vector<std::string>& out) override;

  void mark_frames(std::string_view native, const mark_state& s, timestamp_ns now,
                   ws_client& c, std::vector<std::string>& out) override;

private:
  ratio ct_of(std::string_view inst) const {
    auto it = ct_.find(inst);
    return it == ct_.end() ? ratio::from_units(1) : it->second;
  }
  void remember(const mock_instrument& i) { ct_[i.spec.native_symbol] = ct_val_of(i.spec); }

  void append_levels(std::string& s, std::span<const book_level> levels, ratio ct) const;
  int32_t checksum(std::span<const book_level> bids, std::span<const book_level> asks,
                   ratio ct) const;
  std::string book_frame(std::string_view inst, std::string_view action,
                         std::span<const book_level> bids, std::span<const book_level> asks,
                         timestamp_ns ts, int32_t crc, int64_t prev, uint64_t seq) const;
  std::string instrument_json(const mock_instrument& i) const;

  uint64_t connections_ = 0;
  std::map<std::string, ratio, std::less<>> ct_; ///< ctVal of every instrument seen
};

std::string ok_body(const std::string& data_items) {
  return R"({"code":"0","msg":"","data":[)" + data_items + "]}";
}

rest_answer error_answer(int status, std::string_view code, std::string_view msg) {
  std::string b = R"({"code":)";
  wire::append_str(b, code);
  b += R"(,"msg":)";
  wire::append_str(b, msg);
  b += R"(,"data":[]})";
  return {status, b};
}

// -- REST -------------------------------------------------------------------------

std::string okx_protocol::instrument_json(const mock_instrument& i) const {
  const auto& s = i.spec;
  const ratio ct = ct_val_of(s);
  const auto base = native_base(s.native_symbol);
  std::string j = R"({"alias":"","auctionEndTime":"","baseCcy":"","category":"1",)"
                  R"("contTdSwTime":"","ctMult":"1","ctType":"linear","ctVal":)";
  wire::append_qdec(j, ct);
  j += R"(,"ctValCcy":)";
  wire::append_str(j, base);
  j += R"(,"expTime":"","futureSettlement":false,"instFamily":)";
  wire::append_str(j, std::string{base} + "-" + s.quote);
  j += R"(,"instId":)";
  wire::append_str(j, s.native_symbol);
  j += R"(,"instIdCode":)";
  wire::append_int(j, 10000 + i.index);
  j += R"(,"instType":"SWAP","lever":")";
  wire::append_int(j, s.max_leverage);
  j += R"(","listTime":"1573557408000","lotSz":"1","maxIcebergSz":"100000000",)"
       R"("maxLmtAmt":"20000000","maxLmtSz":"100000000","maxMktAmt":"","maxMktSz":"12000",)"
       R"("maxPlatOILmt":"","maxStopSz":"12000","maxTriggerSz":"100000000",)"
       R"("maxTwapSz":"100000000","minSz":)";
  wire::append_qdec(j, to_contracts(s.min_qty, ct));
  j += R"(,"openType":"","optType":"","posLmtAmt":"","posLmtPct":"","preMktSwTime":"",)"
       R"("quoteCcy":"","ruleType":"normal","settleCcy":)";
  wire::append_str(j, s.quote);
  j += R"(,"state":"live","stk":"","tickSz":)";
  wire::append_qdec(j, s.tick);
  j += R"(,"tradeQuoteCcyList":[],"uly":)";
  wire::append_str(j, std::string{base} + "-" + s.quote);
  j += "}";
  return j;
}

rest_answer okx_protocol::rest(const rest_call& call, const market_view& m) {
  auto q = [&](std::string_view k) -> std::string_view {
    auto it = call.query.find(k);
    return it == call.query.end() ? std::string_view{} : std::string_view{it->second};
  };
  for (const auto& i : m.instruments())
    remember(i);
  if (call.method != "GET")
    return error_answer(405, "50000", "Method Not Allowed");

  if (call.path == "/api/v5/public/instruments") {
    if (q("instType").empty())
      return error_answer(400, "50014", "Parameter instType can not be empty.");
    std::string items;
    if (q("instType") == "SWAP") {
      for (const auto& i : m.instruments()) {
        if (!q("instId").empty() && q("instId") != i.spec.native_symbol)
          continue;
        if (!items.empty())
          items.push_back(',');
        items += instrument_json(i);
      }
    }
    return {200, ok_body(items)};
  }
  if (call.path == "/api/v5/public/time") {
    std::string item = R"({"ts":)";
    wire::append_qms(item, m.now());
    return {200, ok_body(item + "}")};
  }
  if (call.path == "/api/v5/public/mark-price") {
    std::string items;
    for (const auto& i : m.instruments()) {
      if (!q("instId").empty() && q("instId") != i.spec.native_symbol)
        continue;
      auto s = m.mark(i.spec.native_symbol);
      if (!s)
        continue;
      if (!items.empty())
        items.push_back(',');
      items += R"({"instId":)";
      wire::append_str(items, i.spec.native_symbol);
      items += R"(,"instType":"SWAP","markPx":)";
      wire::append_qdec(items, s->mark);
      items += R"(,"ts":)";
      wire::append_qms(items, m.now());
      items += "}";
    }
    return {200, ok_body(items)};
  }

  // Endpoints about one instrument.
  const auto inst = q("instId");
  const mock_instrument* ins = inst.empty() ? nullptr : m.find(inst);
  const bool per_instrument = call.path == "/api/v5/market/books"
                              || call.path == "/api/v5/public/funding-rate"
                              || call.path == "/api/v5/market/ticker";
  if (per_instrument && inst.empty())
    return error_answer(400, "50014", "Parameter instId can not be empty.");
  if (per_instrument && !ins)
    return error_answer(400, "51001", "Instrument ID does not exist");

  if (call.path == "/api/v5/market/books") {
    int64_t sz = 1; // OKX's default depth is 1
    if (auto t = q("sz"); !t.empty()) {
      auto n = wire::int_of(t);
      if (!n || *n < 1)
        return error_answer(400, "50014", "Parameter sz error");
      sz = std::min<int64_t>(*n, 400);
    }
    const ratio ct = ct_val_of(ins->spec);
    const auto b = m.book(inst, static_cast<std::size_t>(sz));
    std::string item = R"({"asks":)";
    append_levels(item, b.asks, ct);
    item += R"(,"bids":)";
    append_levels(item, b.bids, ct);
    item += R"(,"ts":)";
    wire::append_qms(item, b.exchange_ts ? b.exchange_ts : m.now());
    return {200, ok_body(item + "}")};
  }
  if (call.path == "/api/v5/public/funding-rate") {
    auto s = m.mark(inst);
    if (!s)
      return error_answer(400, "51001", "Instrument ID does not exist");
    std::string item = R"({"formulaType":"noRate","fundingRate":)";
    wire::append_qdec(item, s->rate);
    item += R"(,"fundingTime":)";
    wire::append_qms(item, s->next_funding_ts);
    item += R"(,"impactValue":"","instId":)";
    wire::append_str(item, inst);
    item += R"(,"instType":"SWAP","interestRate":"0.0001","maxFundingRate":"0.0075",)"
            R"("method":"current_period","minFundingRate":"-0.0075","nextFundingRate":"",)"
            R"("nextFundingTime":)";
    wire::append_qms(item, s->next_funding_ts + int64_t{s->interval_s} * ns_per_s);
    item += R"(,"premium":"0","settFundingRate":)";
    wire::append_qdec(item, s->rate);
    item += R"(,"settState":"settled","ts":)";
    wire::append_qms(item, m.now());
    return {200, ok_body(item + "}")};
  }
  if (call.path == "/api/v5/market/ticker") {
    const ratio ct = ct_val_of(ins->spec);
    const auto b = m.book(inst, 1);
    const auto s = m.mark(inst);
    const book_level bid = b.bids.empty() ? book_level{} : b.bids.front();
    const book_level ask = b.asks.empty() ? book_level{} : b.asks.front();
    const price last = s ? s->mark : bid.px;
    std::string item = R"({"instType":"SWAP","instId":)";
    wire::append_str(item, inst);
    item += R"(,"last":)";
    wire::append_qdec(item, last);
    item += R"(,"lastSz":"1","askPx":)";
    wire::append_qdec(item, ask.px);
    item += R"(,"askSz":)";
    wire::append_qdec(item, to_contracts(ask.qty, ct));
    item += R"(,"bidPx":)";
    wire::append_qdec(item, bid.px);
    item += R"(,"bidSz":)";
    wire::append_qdec(item, to_contracts(bid.qty, ct));
    item += R"(,"open24h":)";
    wire::append_qdec(item, last);
    item += R"(,"high24h":)";
    wire::append_qdec(item, last);
    item += R"(,"low24h":)";
    wire::append_qdec(item, last);
    item += R"(,"volCcy24h":"0","vol24h":"0","ts":)";
    wire::append_qms(item, m.now());
    item += R"(,"sodUtc0":)";
    wire::append_qdec(item, last);
    item += R"(,"sodUtc8":)";
    wire::append_qdec(item, last);
    return {200, ok_body(item + "}")};
  }
  return error_answer(404, "404", "Not Found");
}

// -- WebSocket ------------------------------------------------------------------------

void okx_protocol::on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                                  std::vector<std::string>& out) {
  if (frame == "ping") {
    out.emplace_back("pong");
    return;
  }
  const std::string cid = conn_id(c.counters["connId"]);
  auto invalid = [&] {
    std::string e = R"({"event":"error","code":"60012","msg":)";
    wire::append_str(e, "Invalid request: " + std::string{frame});
    e += R"(,"connId":")" + cid + R"("})";
    out.push_back(std::move(e));
  };
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view op, id;
  simdjson::dom::array args;
  if (parser.parse(frame.data(), frame.size()).get(doc) != simdjson::SUCCESS
      || doc["op"].get(op) != simdjson::SUCCESS || doc["args"].get(args) != simdjson::SUCCESS
      || (op != "subscribe" && op != "unsubscribe")) {
    invalid();
    return;
  }
  const bool has_id = doc["id"].get(id) == simdjson::SUCCESS;
  for (auto a : args) {
    std::string_view channel, inst;
    if (a["channel"].get(channel) != simdjson::SUCCESS
        || a["instId"].get(inst) != simdjson::SUCCESS) {
      invalid();
      return;
    }
    const mock_instrument* ins = m.find(inst);
    const bool known_channel = channel == "books" || channel == "bbo-tbt"
                               || channel == "funding-rate" || channel == "mark-price";
    std::string r = "{";
    if (has_id) {
      r += R"("id":)";
      wire::append_str(r, id);
      r += ",";
    }
    if (!ins || !known_channel) {
      r += R"("event":"error","code":"60018","msg":)";
      wire::append_str(r, "Wrong URL or channel:" + std::string{channel} + ",instId:"
                            + std::string{inst} + " doesn't exist.");
      r += R"(,"connId":")" + cid + R"("})";
      out.push_back(std::move(r));
      continue;
    }
    remember(*ins);
    const std::string native{inst};
    const bool sub = op == "subscribe";
    if (channel == "books") {
      if (sub) {
        c.books.insert(native);
        c.snapshot_due.insert(native);
      } else {
        c.books.erase(native);
        c.snapshot_due.erase(native);
      }
    } else if (channel == "bbo-tbt") {
      if (sub)
        c.tops.insert(native);
      else
        c.tops.erase(native);
    } else {
      const std::string key = std::string{channel} + ":" + native;
      if (sub)
        c.counters[key] = 1;
      else
        c.counters.erase(key);
      if (c.counters.count("funding-rate:" + native) || c.counters.count("mark-price:" + native))
        c.marks.insert(native);
      else
        c.marks.erase(native);
    }
    r += R"("event":)";
    wire::append_str(r, op);
    r += R"(,"arg":{"channel":)";
    wire::append_str(r, channel);
    r += R"(,"instId":)";
    wire::append_str(r, inst);
    r += R"(},"connId":")" + cid + R"("})";
    out.push_back(std::move(r));
  }
}

void okx_protocol::append_levels(std::string& s, std::span<const book_level> levels,
                                 ratio ct) const {
  s.push_back('[');
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (i)
      s.push_back(',');
    s.push_back('[');
    wire::append_qdec(s, levels[i].px);
    s.push_back(',');
    wire::append_qdec(s, to_contracts(levels[i].qty, ct));
    // liquidated orders (always "0"), number of orders
    s += levels[i].qty.is_zero() ? R"(,"0","0"])" : R"(,"0","1"])";
  }
  s.push_back(']');
}

int32_t okx_protocol::checksum(std::span<const book_level> bids,
                               std::span<const book_level> asks, ratio ct) const {
  std::vector<book_level> b, a;
  for (std::size_t i = 0; i < bids.size() && i < 25; ++i)
    b.push_back({bids[i].px, to_contracts(bids[i].qty, ct)});
  for (std::size_t i = 0; i < asks.size() && i < 25; ++i)
    a.push_back({asks[i].px, to_contracts(asks[i].qty, ct)});
  return venues::book_checksum(b, a, 25);
}

std::string okx_protocol::book_frame(std::string_view inst, std::string_view action,
                                     std::span<const book_level> bids,
                                     std::span<const book_level> asks, timestamp_ns ts,
                                     int32_t crc, int64_t prev, uint64_t seq) const {
  const ratio ct = ct_of(inst);
  std::string s = R"({"arg":{"channel":"books","instId":)";
  wire::append_str(s, inst);
  s += R"(},"action":)";
  wire::append_str(s, action);
  s += R"(,"data":[{"asks":)";
  append_levels(s, asks, ct);
  s += R"(,"bids":)";
  append_levels(s, bids, ct);
  s += R"(,"ts":)";
  wire::append_qms(s, ts);
  s += R"(,"checksum":)";
  wire::append_int(s, crc);
  s += R"(,"prevSeqId":)";
  wire::append_int(s, prev);
  s += R"(,"seqId":)";
  wire::append_int(s, static_cast<int64_t>(seq));
  s += "}]}";
  return s;
}

void okx_protocol::snapshot_frames(const book_snapshot& snap, ws_client& c,
                                   const market_view& m, std::vector<std::string>& out) {
  if (!c.books.count(snap.symbol))
    return;
  if (const auto* i = m.find(snap.symbol))
    remember(*i);
  const ratio ct = ct_of(snap.symbol);
  out.push_back(book_frame(snap.symbol, "snapshot", snap.bids, snap.asks,
                           snap.exchange_ts ? snap.exchange_ts : m.now(),
                           checksum(snap.bids, snap.asks, ct), -1, snap.seq));
}

void okx_protocol::book_frames(const book_delta& d, ws_client& c, const market_view& m,
                               std::vector<std::string>& out) {
  if (!c.books.count(d.symbol))
    return;
  if (const auto* i = m.find(d.symbol))
    remember(*i);
  // prevSeqId = the seqId this update follows.
  const uint64_t prev = d.prev_seq ? d.prev_seq : (d.first_seq ? d.first_seq - 1 : d.seq - 1);
  const auto now_book = m.book(d.symbol, 25);
  out.push_back(book_frame(d.symbol, "update", d.bids, d.asks,
                           d.exchange_ts ? d.exchange_ts : m.now(),
                           checksum(now_book.bids, now_book.asks, ct_of(d.symbol)),
                           static_cast<int64_t>(prev), d.seq));
}

void okx_protocol::top_frames(const top_of_book& t, ws_client& c,
                              std::vector<std::string>& out) {
  if (!c.tops.count(t.symbol))
    return;
  const ratio ct = ct_of(t.symbol);
  std::string s = R"({"arg":{"channel":"bbo-tbt","instId":)";
  wire::append_str(s, t.symbol);
  s += R"(},"data":[{"asks":)";
  const book_level ask[1] = {t.ask}, bid[1] = {t.bid};
  append_levels(s, t.ask.qty.is_positive() ? std::span<const book_level>{ask}
                                           : std::span<const book_level>{}, ct);
  s += R"(,"bids":)";
  append_levels(s, t.bid.qty.is_positive() ? std::span<const book_level>{bid}
                                           : std::span<const book_level>{}, ct);
  s += R"(,"ts":)";
  wire::append_qms(s, t.exchange_ts);
  s += R"(,"seqId":)";
  wire::append_int(s, static_cast<int64_t>(t.seq));
  s += "}]}";
  out.push_back(std::move(s));
}

void okx_protocol::mark_frames(std::string_view native, const mark_state& st, timestamp_ns now,
                               ws_client& c, std::vector<std::string>& out) {
  const std::string n{native};
  if (c.counters.count("funding-rate:" + n)) {
    std::string s = R"({"arg":{"channel":"funding-rate","instId":)";
    wire::append_str(s, native);
    s += R"(},"data":[{"formulaType":"noRate","fundingRate":)";
    wire::append_qdec(s, st.rate);
    s += R"(,"fundingTime":)";
    wire::append_qms(s, st.next_funding_ts);
    s += R"(,"impactValue":"","instId":)";
    wire::append_str(s, native);
    s += R"(,"instType":"SWAP","interestRate":"","method":"current_period",)"
         R"("maxFundingRate":"0.0075","minFundingRate":"-0.0075","nextFundingRate":"",)"
         R"("nextFundingTime":)";
    wire::append_qms(s, st.next_funding_ts + int64_t{st.interval_s} * ns_per_s);
    s += R"(,"premium":"0","settFundingRate":)";
    wire::append_qdec(s, st.rate);
    s += R"(,"settState":"settled","ts":)";
    wire::append_qms(s, now);
    s += "}]}";
    out.push_back(std::move(s));
  }
  if (c.counters.count("mark-price:" + n)) {
    std::string s = R"({"arg":{"channel":"mark-price","instId":)";
    wire::append_str(s, native);
    s += R"(},"data":[{"instId":)";
    wire::append_str(s, native);
    s += R"(,"instType":"SWAP","markPx":)";
    wire::append_qdec(s, st.mark);
    s += R"(,"ts":)";
    wire::append_qms(s, now);
    s += "}]}";
    out.push_back(std::move(s));
  }
}

} // namespace

std::unique_ptr<venue_protocol> make_okx_protocol() {
  return std::make_unique<okx_protocol>();
}

} // namespace xarb::mock
