#include "venues/edgex/mock_protocol.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "venues/grvt/json_write.hpp"

namespace xarb::mock {
namespace {

namespace jw = xarb::venues::jw;

constexpr std::string_view k_venue = "edgex";
constexpr uint64_t k_first_contract = 10000001;
constexpr int64_t k_ms_ns = 1'000'000;

template <class R, class T>
bool get_to(R&& r, T& out) {
  return std::forward<R>(r).get(out) == simdjson::SUCCESS;
}

bool parse_u64(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 19)
    return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  out = v;
  return true;
}

uint64_t contract_id(const mock_instrument& ins) { return k_first_contract + ins.index; }

const mock_instrument* by_id(const market_view& m, uint64_t id) {
  for (const auto& ins : m.instruments())
    if (contract_id(ins) == id)
      return &ins;
  return nullptr;
}

/// {"code":C,"data":<data>,"msg":..,"errorParam":null,"requestTime","responseTime","traceId"}
std::string envelope(std::string_view code, std::string_view data, std::string_view msg,
                     timestamp_ns now) {
  std::string b = R"({"code":)";
  jw::str(b, code);
  b += R"(,"data":)";
  b += data;
  b += R"(,"msg":)";
  if (msg.empty())
    b += "null";
  else
    jw::str(b, msg);
  b += R"(,"errorParam":null,"requestTime":)";
  jw::qnum(b, now / k_ms_ns);
  b += R"(,"responseTime":)";
  jw::qnum(b, now / k_ms_ns);
  b += R"(,"traceId":"6d6f636b2d65646765782d7472616365"})";
  return b;
}

void levels(std::string& out, const std::vector<book_level>& ls) {
  out.push_back('[');
  for (std::size_t i = 0; i < ls.size(); ++i) {
    if (i)
      out.push_back(',');
    out += R"({"price":)";
    jw::qdec(out, ls[i].px);
    out += R"(,"size":)";
    jw::qdec(out, ls[i].qty);
    out.push_back('}');
  }
  out.push_back(']');
}

/// One depth record as getDepth and the depth channel carry it. The levels
/// are written as given: getDepth asks the market for `level` levels, while
/// the WS snapshot carries the depth the mock server passes (not cut to 15),
/// so a client book built from snapshot + changes equals the simulated book
/// (the real channel keeps a top-N window; the mock does not emulate it).
void depth_record(std::string& out, uint64_t start, uint64_t end, uint64_t level, uint64_t id,
                  std::string_view name, const std::vector<book_level>& bids,
                  const std::vector<book_level>& asks, bool snapshot) {
  out += R"({"startVersion":)";
  jw::qunum(out, start);
  out += R"(,"endVersion":)";
  jw::qunum(out, end);
  out += R"(,"level":)";
  jw::unum(out, level);
  out += R"(,"contractId":)";
  jw::qunum(out, id);
  out += R"(,"contractName":)";
  jw::str(out, name);
  out += R"(,"bids":)";
  levels(out, bids);
  out += R"(,"asks":)";
  levels(out, asks);
  out += snapshot ? R"(,"depthType":"SNAPSHOT"})" : R"(,"depthType":"CHANGED"})";
}

int64_t funding_time_ms(const mark_state& s) {
  return (s.next_funding_ts - int64_t{s.interval_s} * 1'000'000'000) / k_ms_ns;
}

class edgex_protocol final : public venue_protocol {
public:
  std::string_view venue() const noexcept override { return k_venue; }

  std::string native_symbol(std::string_view base, const ratio& unit) const override {
    std::string s;
    if (unit != ratio::from_units(1))
      s += unit.to_string(); // "1000PEPEUSD"
    s += base;
    s += "USD";
    return s;
  }

  rest_answer rest(const rest_call& call, const market_view& m) override {
    const timestamp_ns now = m.now();
    std::string_view p = call.path;
    if (p.starts_with("/api/v1/")) // V1 paths: same answers
      p = p.substr(7);
    else if (p.starts_with("/api/v2/"))
      p = p.substr(7);
    else
      return {404, envelope("NOT_FOUND", "null", "no such path: " + call.path, now)};
    if (call.method != "GET")
      return {405, envelope("METHOD_NOT_ALLOWED", "null", "public endpoints are GET", now)};
    if (p == "/public/meta/getServerTime") {
      std::string d = R"({"timeMillis":)";
      jw::qnum(d, now / k_ms_ns);
      d.push_back('}');
      return {200, envelope("SUCCESS", d, {}, now)};
    }
    if (p == "/public/meta/getMetaData")
      return {200, envelope("SUCCESS", metadata(m), {}, now)};
    const bool known = p == "/public/quote/getDepth" || p == "/public/quote/getTicker"
                       || p == "/public/funding/getLatestFundingRate";
    if (!known)
      return {404, envelope("NOT_FOUND", "null", "no such path: " + call.path, now)};
    uint64_t id = 0;
    const auto q = call.query.find("contractId");
    const mock_instrument* ins = nullptr;
    if (q != call.query.end() && parse_u64(q->second, id))
      ins = by_id(m, id);
    if (!ins) {
      const std::string given = q == call.query.end() ? std::string() : q->second;
      return {200, envelope("INVALID_CONTRACT_ID", "null", "invalid contractId:" + given, now)};
    }
    const auto& native = ins->spec.native_symbol;
    if (p == "/public/quote/getDepth") {
      const auto lv = call.query.find("level");
      uint64_t level = 0;
      if (lv == call.query.end() || !parse_u64(lv->second, level) || (level != 15 && level != 200))
        return {200, envelope("PARAM_ERROR", "null", "level must be 15 or 200", now)};
      const auto snap = m.book(native, level);
      std::string d = "[";
      depth_record(d, snap.seq, snap.seq, level, id, native, snap.bids, snap.asks, true);
      d.push_back(']');
      return {200, envelope("SUCCESS", d, {}, now)};
    }
    const auto mk = m.mark(native);
    std::string d = "[";
    if (mk) {
      if (p == "/public/quote/getTicker")
        ticker_record(d, id, native, *mk);
      else
        funding_record(d, id, *mk, now, true);
    }
    d.push_back(']');
    return {200, envelope("SUCCESS", d, {}, now)};
  }

  void on_open(ws_client& c, const market_view& m, std::vector<std::string>& out) override {
    (void)c;
    std::string f = R"({"sid":"mock-session-)";
    jw::unum(f, ++sessions_);
    f += R"(","type":"connected","time":)";
    jw::qnum(f, m.now() / k_ms_ns);
    f.push_back('}');
    out.push_back(std::move(f));
  }

  void on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                      std::vector<std::string>& out) override {
    simdjson::dom::element doc;
    simdjson::dom::object obj;
    std::string_view type, channel;
    if (parser_.parse(frame.data(), frame.size()).get(doc) != simdjson::SUCCESS
        || doc.get(obj) != simdjson::SUCCESS || !get_to(obj["type"], type)) {
      out.push_back(error_frame(frame, "GATEWAY_UNRECOGNIZED_MESSAGE", "unrecognized message"));
      return;
    }
    if (type == "ping") { // echo the client's time token as given
      std::string f = R"({"type":"pong")";
      simdjson::dom::element t;
      if (get_to(obj["time"], t)) {
        f += R"(,"time":)";
        f += simdjson::minify(t);
      }
      f.push_back('}');
      out.push_back(std::move(f));
      return;
    }
    if (type == "pong") {
      ++c.counters["pongs"];
      return;
    }
    if (type != "subscribe" && type != "unsubscribe") {
      out.push_back(error_frame(frame, "GATEWAY_INVALID_MESSAGE_TYPE", "invalid type"));
      return;
    }
    if (!get_to(obj["channel"], channel)) {
      out.push_back(error_frame(frame, "GATEWAY_INVALID_CHANNEL", "invalid channel : "));
      return;
    }
    // channel = kind[.id[.level]]
    const auto d1 = channel.find('.');
    const auto kind = channel.substr(0, d1);
    const auto rest = d1 == std::string_view::npos ? std::string_view{} : channel.substr(d1 + 1);
    const auto d2 = rest.find('.');
    const auto id_text = rest.substr(0, d2);
    const auto level_text = d2 == std::string_view::npos ? std::string_view{} : rest.substr(d2 + 1);
    const bool ours = kind == "depth" || kind == "ticker" || kind == "fundingRate";
    if (!ours && kind != "trades" && kind != "kline" && kind != "metadata") {
      out.push_back(error_frame(frame, "GATEWAY_INVALID_CHANNEL",
                                "invalid channel : " + std::string(channel)));
      return;
    }
    std::string native;
    uint64_t level = 0;
    if (ours) {
      uint64_t id = 0;
      const mock_instrument* ins = parse_u64(id_text, id) ? by_id(m, id) : nullptr;
      if (!ins) {
        out.push_back(error_frame(frame, "INVALID_CONTRACT_ID",
                                  "invalid contractId:" + std::string(id_text)));
        return;
      }
      native = ins->spec.native_symbol;
      ids_[native] = id;
      if (kind == "depth"
          && (!parse_u64(level_text, level) || (level != 15 && level != 200))) {
        out.push_back(error_frame(frame, "GATEWAY_INVALID_BOOK_DEPTH",
                                  "invalid depth : " + std::string(level_text)));
        return;
      }
      if (kind != "depth" && !level_text.empty()) {
        out.push_back(error_frame(frame, "GATEWAY_INVALID_CHANNEL",
                                  "invalid channel : " + std::string(channel)));
        return;
      }
    }
    const bool sub = type == "subscribe";
    if (ours) {
      const std::string key = std::string(kind) + ":" + native;
      if (sub) {
        c.counters[key] = kind == "depth" ? level : 1;
        c.counters.erase("sent:" + key);
        if (kind == "depth") {
          c.books.insert(native);
          c.snapshot_due.insert(native);
        } else {
          c.marks.insert(native);
        }
      } else {
        c.counters.erase(key);
        if (kind == "depth") {
          c.books.erase(native);
          c.snapshot_due.erase(native);
        } else if (!c.counters.count("ticker:" + native)
                   && !c.counters.count("fundingRate:" + native)) {
          c.marks.erase(native);
        }
      }
    }
    std::string a = sub ? R"({"type":"subscribed","channel":)" : R"({"type":"unsubscribed","channel":)";
    jw::str(a, channel);
    a += R"(,"request":)";
    jw::str(a, frame);
    a.push_back('}');
    out.push_back(std::move(a));
  }

  void snapshot_frames(const book_snapshot& snap, ws_client& c, const market_view& m,
                       std::vector<std::string>& out) override {
    const auto it = c.counters.find("depth:" + snap.symbol);
    const mock_instrument* ins = m.find(snap.symbol);
    if (it == c.counters.end() || !ins)
      return;
    out.push_back(depth_frame(contract_id(*ins), it->second, snap.symbol, snap.seq, snap.seq,
                              snap.bids, snap.asks, true));
  }

  /// startVersion = the first change of the update (the simulated book's
  /// first_seq, else prev_seq + 1), endVersion = its last (seq).
  void book_frames(const book_delta& d, ws_client& c, const market_view& m,
                   std::vector<std::string>& out) override {
    const auto it = c.counters.find("depth:" + d.symbol);
    const mock_instrument* ins = m.find(d.symbol);
    if (it == c.counters.end() || !ins)
      return;
    const uint64_t start = d.first_seq ? d.first_seq : (d.prev_seq ? d.prev_seq + 1 : d.seq);
    out.push_back(
      depth_frame(contract_id(*ins), it->second, d.symbol, start, d.seq, d.bids, d.asks, false));
  }

  void mark_frames(std::string_view native, const mark_state& s, timestamp_ns now, ws_client& c,
                   std::vector<std::string>& out) override {
    // ids follow the listing order; the protocol sees no market_view here, so
    // they were remembered when the client subscribed (see ids_).
    const std::string n(native);
    for (std::string_view kind : {"ticker", "fundingRate"}) {
      const std::string key = std::string(kind) + ":" + n;
      if (!c.counters.count(key))
        continue;
      auto& sent = c.counters["sent:" + key];
      const bool first = sent == 0;
      sent = 1;
      const uint64_t id = ids_.count(n) ? ids_.at(n) : 0;
      std::string ch(kind);
      ch.push_back('.');
      ch += std::to_string(id);
      std::string f = R"({"type":"quote-event","channel":)";
      jw::str(f, ch);
      f += R"(,"content":{"channel":)";
      jw::str(f, ch);
      f += first ? R"(,"dataType":"Snapshot","data":[)" : R"(,"dataType":"changed","data":[)";
      if (kind == "ticker")
        ticker_record(f, id, n, s);
      else
        funding_record(f, id, s, now, false);
      f += "]}}";
      out.push_back(std::move(f));
    }
  }

  std::string server_ping(timestamp_ns now) const override {
    std::string f = R"({"type":"ping","time":)";
    jw::qnum(f, now / k_ms_ns);
    f.push_back('}');
    return f;
  }

private:
  static std::string error_frame(std::string_view request, std::string_view code,
                                 std::string_view msg) {
    std::string f = R"({"type":"error","request":)";
    jw::str(f, request);
    f += R"(,"content":{"code":)";
    jw::str(f, code);
    f += R"(,"msg":)";
    jw::str(f, msg);
    f += "}}";
    return f;
  }

  static std::string depth_frame(uint64_t id, uint64_t level, std::string_view name,
                                 uint64_t start, uint64_t end, const std::vector<book_level>& bids,
                                 const std::vector<book_level>& asks, bool snapshot) {
    std::string ch = "depth." + std::to_string(id) + "." + std::to_string(level);
    std::string f;
    f.reserve(200 + (bids.size() + asks.size()) * 40);
    f = R"({"type":"quote-event","channel":)";
    jw::str(f, ch);
    f += R"(,"content":{"channel":)";
    jw::str(f, ch);
    f += snapshot ? R"(,"dataType":"Snapshot","data":[)" : R"(,"dataType":"Changed","data":[)";
    depth_record(f, start, end, level, id, name, bids, asks, snapshot);
    f += "]}}";
    return f;
  }

  static void ticker_record(std::string& d, uint64_t id, std::string_view name,
                            const mark_state& s) {
    d += R"({"contractId":)";
    jw::qunum(d, id);
    d += R"(,"contractName":)";
    jw::str(d, name);
    d += R"(,"priceChange":"0","priceChangePercent":"0","trades":"0","size":"0","value":"0",)"
         R"("lastPrice":)";
    jw::qdec(d, s.mark);
    d += R"(,"indexPrice":)";
    jw::qdec(d, s.index);
    d += R"(,"oraclePrice":)";
    jw::qdec(d, s.mark);
    d += R"(,"markPrice":)";
    jw::qdec(d, s.mark);
    d += R"(,"openInterest":"0","fundingRate":)";
    jw::qdec(d, s.rate);
    d += R"(,"fundingTime":)";
    jw::qnum(d, funding_time_ms(s));
    d += R"(,"nextFundingTime":)";
    jw::qnum(d, s.next_funding_ts / k_ms_ns);
    d.push_back('}');
  }

  static void funding_record(std::string& d, uint64_t id, const mark_state& s, timestamp_ns now,
                             bool rest) {
    d += R"({"contractId":)";
    jw::qunum(d, id);
    d += R"(,"fundingTime":)";
    jw::qnum(d, funding_time_ms(s));
    d += rest ? R"(,"fundingTimestamp":)" : R"(,"timestamp":)";
    jw::qnum(d, now / k_ms_ns);
    d += R"(,"oraclePrice":)";
    jw::qdec(d, s.mark);
    d += R"(,"indexPrice":)";
    jw::qdec(d, s.index);
    d += R"(,"fundingRate":)";
    jw::qdec(d, s.rate);
    d += R"(,"isSettlement":false,"forecastFundingRate":)";
    jw::qdec(d, s.rate);
    d += R"(,"nextFundingTime":)";
    jw::qnum(d, s.next_funding_ts / k_ms_ns);
    d += R"(,"fundingRateIntervalMin":)";
    jw::qnum(d, s.interval_s / 60);
    d.push_back('}');
  }

  std::string metadata(const market_view& m) {
    std::string d = R"({"global":{"appName":"edgeX","appEnv":"mock","appOnlySignOn":"",)"
                    R"("starkExChainId":"0x1","starkExContractAddress":"0x0000000000000000000000000000000000000000",)"
                    R"("maintenanceReason":""},"coinList":[{"coinId":"1000","coinName":"USD",)"
                    R"("stepSize":"0.000001","showStepSize":"0.0001","iconUrl":"",)"
                    R"("starkExAssetId":null,"starkExResolution":null})";
    for (const auto& ins : m.instruments()) {
      const auto& n = ins.spec.native_symbol;
      ids_[n] = contract_id(ins);
      d += R"(,{"coinId":)";
      jw::qunum(d, 1001 + ins.index);
      d += R"(,"coinName":)";
      jw::str(d, std::string_view(n).substr(0, n.size() >= 3 ? n.size() - 3 : 0));
      d += R"(,"stepSize":)";
      jw::qdec(d, ins.spec.lot);
      d += R"(,"showStepSize":)";
      jw::qdec(d, ins.spec.lot);
      d += R"(,"iconUrl":"","starkExAssetId":null,"starkExResolution":null})";
    }
    d += R"(],"contractList":[)";
    bool first = true;
    for (const auto& ins : m.instruments()) {
      const auto& s = ins.spec;
      if (!first)
        d.push_back(',');
      first = false;
      d += R"({"contractId":)";
      jw::qunum(d, contract_id(ins));
      d += R"(,"contractName":)";
      jw::str(d, s.native_symbol);
      d += R"(,"baseCoinId":)";
      jw::qunum(d, 1001 + ins.index);
      d += R"(,"quoteCoinId":"1000","tickSize":)";
      jw::qdec(d, s.tick);
      d += R"(,"stepSize":)";
      jw::qdec(d, s.lot);
      d += R"(,"minOrderSize":)";
      jw::qdec(d, s.min_qty);
      d += R"(,"maxOrderSize":"1000000","maxOrderBuyPriceRatio":"0.05",)"
           R"("minOrderSellPriceRatio":"0.05","maxPositionSize":"1000000","riskTierList":[)"
           R"({"tier":1,"positionValueUpperBound":"50000","maxLeverage":")";
      jw::num(d, s.max_leverage);
      d += R"(","maintenanceMarginRate":"0.005","starkExRisk":"0","starkExUpperBound":"0"}],)"
           R"("defaultTakerFeeRate":)";
      jw::qdec(d, s.taker_fee);
      d += R"(,"defaultMakerFeeRate":)";
      jw::qdec(d, s.maker_fee);
      d += R"(,"defaultLeverage":"10","liquidateFeeRate":"0.01","enableTrade":true,)"
           R"("enableDisplay":true,"enableOpenPosition":true,"fundingInterestRate":"0.0003",)"
           R"("fundingImpactMarginNotional":"10","fundingMaxRate":"0.000234",)"
           R"("fundingMinRate":"-0.000234","fundingRateIntervalMin":)";
      jw::qnum(d, s.funding_interval_s / 60);
      d += R"(,"displayDigitMerge":"","displayMaxLeverage":")";
      jw::num(d, s.max_leverage);
      d += R"(","displayMinLeverage":"1","displayNewIcon":false,"displayHotIcon":false,)"
           R"("matchServerName":"edgex-match-server","starkExSyntheticAssetId":"0x0",)"
           R"("starkExResolution":"0x0","starkExOraclePriceQuorum":"0x1",)"
           R"("starkExOraclePriceSignedAssetId":[],"starkExOraclePriceSigner":[]})";
    }
    d += "]}";
    return d;
  }

  simdjson::dom::parser parser_;
  uint64_t sessions_ = 0;
  std::map<std::string, uint64_t, std::less<>> ids_; ///< native -> contractId, for mark_frames
};

} // namespace

std::unique_ptr<venue_protocol> make_edgex_protocol() { return std::make_unique<edgex_protocol>(); }

} // namespace xarb::mock
