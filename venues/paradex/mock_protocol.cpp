#include "venues/paradex/mock_protocol.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "venues/hyperliquid/json_util.hpp"
#include "venues/paradex/sbe.hpp"

namespace xarb::mock {
namespace {

namespace od = simdjson::ondemand;
namespace wire = venues::wire;
namespace sbe = venues::paradex_sbe;
using simdjson::SUCCESS;

constexpr std::size_t feed_depth = 15; // order_book.{m}.snapshot@15@...
constexpr int32_t eight_hours = 8 * 3600;

int64_t to_ms(timestamp_ns t) { return t / wire::ns_per_ms; }

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string q(std::string_view s) {
  std::string out;
  wire::append_json_string(out, s);
  return out;
}

template <class Fixed>
std::string qd(Fixed v) {
  return '"' + v.to_string() + '"';
}

rest_answer rest_error(int status, std::string_view code, std::string_view msg) {
  return {status, R"({"error":)" + q(code) + R"(,"message":)" + q(msg) + "}"};
}

std::string rpc_error(std::string_view id, int code, std::string_view msg) {
  return R"({"jsonrpc":"2.0","id":)" + std::string(id.empty() ? "null" : id)
         + R"(,"error":{"code":)" + std::to_string(code) + R"(,"message":)" + q(msg) + "}}";
}

std::string push(std::string_view channel, const std::string& data) {
  return R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":)" + q(channel)
         + R"(,"data":)" + data + "}}";
}

std::string json_levels(const std::vector<book_level>& v, std::string_view side, bool& first) {
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < feed_depth; ++i) {
    if (!first)
      out += ',';
    first = false;
    out += R"({"side":")" + std::string(side) + R"(","price":)" + qd(v[i].px) + R"(,"size":)"
           + qd(v[i].qty) + "}";
  }
  return out;
}

/// One /v1/markets entry.
std::string market_entry(const mock_instrument& i) {
  const auto& s = i.spec;
  const auto dash = s.native_symbol.find('-');
  const std::string base = s.native_symbol.substr(0, dash);
  const int lev = s.max_leverage > 0 ? s.max_leverage : 1;
  const ratio imf = ratio::from_raw(decimal_scale / lev);
  const int hours = std::max(1, s.funding_interval_s / 3600);
  return R"({"symbol":)" + q(s.native_symbol) + R"(,"base_currency":)" + q(base)
         + R"(,"quote_currency":"USD","settlement_currency":"USDC","order_size_increment":)"
         + qd(s.lot) + R"(,"price_tick_size":)" + qd(s.tick) + R"(,"min_notional":)"
         + qd(s.min_notional)
         + R"(,"open_at":1698756879745,"expiry_at":0,"asset_kind":"PERP","market_kind":"cross",)"
           R"("position_limit":"1000000","price_bands_width":"0.05","max_open_orders":150,)"
           R"("max_funding_rate":"0.02","delta1_cross_margin_params":{"imf_base":)"
         + qd(imf)
         + R"(,"imf_shift":"0","imf_factor":"0","mmf_factor":"0.5"},"price_feed_id":"",)"
           R"("oracle_ewma_factor":"0.2","max_order_size":"1000000","max_funding_rate_change":"0.0005",)"
           R"("max_tob_spread":"0.2","interest_rate":"0.0001","clamp_rate":"0.0005","funding_period_hours":)"
         + std::to_string(hours) + R"(,"tags":[]})";
}

bool parse_uint(std::string_view s, uint32_t& v) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc{} && end == s.data() + s.size();
}

/// The value of `key` in a URL query ("a=1&b=2").
std::string_view query_value(std::string_view target, std::string_view key) {
  const auto qpos = target.find('?');
  if (qpos == std::string_view::npos)
    return {};
  std::string_view rest = target.substr(qpos + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto part = rest.substr(0, amp);
    const auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == key)
      return part.substr(eq + 1);
    if (amp == std::string_view::npos)
      break;
    rest = rest.substr(amp + 1);
  }
  return {};
}

class paradex_protocol final : public venue_protocol {
public:
  std::string_view venue() const noexcept override { return "paradex"; }
  bool binary_frame(std::string_view frame) const override {
    return paradex_is_binary_frame(frame);
  }

  std::string native_symbol(std::string_view base, const ratio& unit) const override {
    std::string prefix;
    if (unit == ratio::from_units(1000))
      prefix = "k"; // kBONK-USD-PERP
    else if (unit != ratio::from_units(1))
      prefix = unit.to_string();
    return prefix + std::string(base) + "-USD-PERP";
  }

  rest_answer rest(const rest_call& call, const market_view& m) override {
    remember(m);
    if (call.method != "GET")
      return rest_error(405, "METHOD_NOT_ALLOWED", "method not allowed");
    const auto qmarket = [&]() -> std::string {
      auto it = call.query.find("market");
      return it == call.query.end() ? std::string{} : it->second;
    }();
    if (call.path == "/v1/markets") {
      std::string body = R"({"results":[)";
      bool first = true;
      for (const auto& i : m.instruments()) {
        if (!qmarket.empty() && qmarket != i.spec.native_symbol)
          continue;
        if (!first)
          body += ',';
        first = false;
        body += market_entry(i);
      }
      return {200, body + "]}"};
    }
    if (call.path == "/v1/markets/summary") {
      if (qmarket.empty())
        return rest_error(400, "VALIDATION_ERROR", "market is required");
      std::string body = R"({"results":[)";
      bool first = true;
      for (const auto& i : m.instruments()) {
        if (qmarket != "ALL" && qmarket != i.spec.native_symbol)
          continue;
        auto s = m.mark(i.spec.native_symbol);
        if (!s)
          continue;
        if (!first)
          body += ',';
        first = false;
        body += summary_json(i.spec.native_symbol, *s, m.now());
      }
      return {200, body + "]}"};
    }
    if (call.path == "/v1/funding/data") {
      auto s = m.mark(qmarket);
      if (qmarket.empty() || !s)
        return rest_error(400, "VALIDATION_ERROR", "unknown market");
      return {200, R"({"next":null,"prev":null,"results":[)" + funding_json(qmarket, *s, m.now())
                     + "]}"};
    }
    if (call.path == "/v1/system/time")
      return {200, R"({"server_time":)" + std::to_string(to_ms(m.now())) + "}"};
    for (std::string_view prefix : {"/v1/orderbook/", "/v1/bbo/"}) {
      if (!starts_with(call.path, prefix))
        continue;
      const std::string market = call.path.substr(prefix.size());
      if (!m.find(market))
        return rest_error(404, "MARKET_NOT_FOUND", "market not found: " + market);
      if (prefix == "/v1/bbo/") {
        const auto b = m.book(market, 1);
        const book_level bid = b.bids.empty() ? book_level{} : b.bids[0];
        const book_level ask = b.asks.empty() ? book_level{} : b.asks[0];
        return {200, bbo_json(market, bid, ask, b.seq, m.now())};
      }
      uint32_t depth = 20;
      if (auto it = call.query.find("depth"); it != call.query.end()
          && (!parse_uint(it->second, depth) || depth == 0 || depth > 1000))
        return rest_error(400, "VALIDATION_ERROR", "invalid depth");
      const auto b = m.book(market, depth);
      std::string body = R"({"market":)" + q(market) + R"(,"seq_no":)" + std::to_string(b.seq)
                         + R"(,"last_updated_at":)" + std::to_string(to_ms(m.now()))
                         + R"(,"bids":[)";
      for (std::size_t i = 0; i < b.bids.size(); ++i)
        body += (i ? "," : "") + std::string("[") + qd(b.bids[i].px) + "," + qd(b.bids[i].qty) + "]";
      body += R"(],"asks":[)";
      for (std::size_t i = 0; i < b.asks.size(); ++i)
        body += (i ? "," : "") + std::string("[") + qd(b.asks[i].px) + "," + qd(b.asks[i].qty) + "]";
      return {200, body + "]}"};
    }
    return rest_error(404, "NOT_FOUND", "no route " + call.path);
  }

  void on_open(ws_client& c, const market_view& m, std::vector<std::string>& out) override {
    (void)out;
    remember(m);
    if (query_value(c.target, "sbeSchemaId") == "1") {
      c.counters["sbe"] = 1;
      uint32_t v = 0;
      c.counters["sbe_version"] = parse_uint(query_value(c.target, "sbeSchemaVersion"), v) ? v : 0;
    }
  }

  void on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                      std::vector<std::string>& out) override {
    remember(m);
    simdjson::padded_string text(frame);
    od::document doc;
    od::object o;
    std::string_view method, channel, id;
    if (parser_.iterate(text).get(doc) != SUCCESS || doc.get_object().get(o) != SUCCESS) {
      out.push_back(rpc_error({}, -32700, "parse error"));
      return;
    }
    for (auto fi : o) {
      od::field fld;
      if (std::move(fi).get(fld) != SUCCESS) {
        out.push_back(rpc_error({}, -32700, "parse error"));
        return;
      }
      const auto key = fld.key();
      if (key == "method") {
        (void)wire::read_string(fld.value(), method);
      } else if (key == "id") {
        // Echo the id token as sent (number or string).
        id = fld.value().raw_json_token();
        while (!id.empty() && (id.back() == ' ' || id.back() == ',' || id.back() == '}'
                               || id.back() == '\n' || id.back() == '\r' || id.back() == '\t'))
          id.remove_suffix(1);
        if (id.empty() || id.front() == '{' || id.front() == '[')
          id = {};
      } else if (key == "params") {
        od::object p;
        if (fld.value().get_object().get(p) == SUCCESS) {
          for (auto pf : p) {
            od::field g;
            if (std::move(pf).get(g) != SUCCESS)
              break;
            if (g.key() == "channel")
              (void)wire::read_string(g.value(), channel);
          }
        }
      }
    }
    const std::string id_text(id);
    if (method != "subscribe" && method != "unsubscribe") {
      out.push_back(rpc_error(id_text, -32601, "method not found"));
      return;
    }
    std::string market;
    std::set<std::string, std::less<>>* set = nullptr;
    std::string flag;
    uint64_t rate_ms = 0;
    if (starts_with(channel, "order_book.")) {
      const auto rest = channel.substr(11);
      const auto dot = rest.find(".snapshot@15@");
      if (dot != std::string_view::npos) {
        market = std::string(rest.substr(0, dot));
        const auto rate = rest.substr(dot + 13);
        rate_ms = rate == "50ms" ? 50 : rate == "100ms" ? 100 : 0;
      }
      set = &c.books;
    } else if (starts_with(channel, "bbo.")) {
      market = std::string(channel.substr(4));
      set = &c.tops;
    } else if (starts_with(channel, "funding_data.")) {
      market = std::string(channel.substr(13));
      set = &c.marks;
      flag = "fd:";
    } else if (starts_with(channel, "markets_summary.")) {
      market = std::string(channel.substr(16));
      set = &c.marks;
      flag = "ms:";
    } else if (channel == "markets_summary") {
      set = &c.marks;
      flag = "ms:";
      market = "*";
    }
    const bool all = market == "*";
    if (!set || (!all && !m.find(market)) || (set == &c.books && rate_ms == 0)) {
      out.push_back(rpc_error(id_text, -32602, "invalid channel: " + std::string(channel)));
      return;
    }
    const std::string sub_key = "sub:" + std::string(channel);
    if (method == "subscribe") {
      if (c.counters.count(sub_key)) {
        out.push_back(rpc_error(id_text, -32600, "already subscribed: " + std::string(channel)));
        return;
      }
      c.counters[sub_key] = 1;
      if (set == &c.books) {
        c.counters["ob_ms:" + market] = rate_ms;
        c.snapshot_due.insert(market);
      }
      if (!flag.empty())
        c.counters[flag + market] = 1;
      if (all) {
        for (const auto& i : m.instruments())
          set->insert(i.spec.native_symbol);
      } else {
        set->insert(market);
      }
    } else {
      c.counters.erase(sub_key);
      if (!flag.empty())
        c.counters.erase(flag + market);
      if (!all && (flag.empty() || !c.counters.count((flag == "fd:" ? "ms:" : "fd:") + market))) {
        set->erase(market);
        c.snapshot_due.erase(market);
      }
    }
    const auto us = std::to_string(m.now() / 1000);
    out.push_back(R"({"jsonrpc":"2.0","result":{"channel":)" + q(channel) + R"(},"usIn":)" + us
                  + R"(,"usDiff":120,"id":)" + (id_text.empty() ? std::string("null") : id_text)
                  + "}");
  }

  void snapshot_frames(const book_snapshot& snap, ws_client& c, const market_view& m,
                       std::vector<std::string>& out) override {
    out.push_back(book_frame(snap.symbol, snap, snap.exchange_ts ? snap.exchange_ts : m.now(), c));
  }

  void book_frames(const book_delta& d, ws_client& c, const market_view& m,
                   std::vector<std::string>& out) override {
    // Snapshot feed: every change publishes the top 15 levels.
    auto b = m.book(d.symbol, feed_depth);
    if (b.seq == 0)
      b.seq = d.seq;
    out.push_back(book_frame(d.symbol, b, d.exchange_ts ? d.exchange_ts : m.now(), c));
  }

  void top_frames(const top_of_book& t, ws_client& c, std::vector<std::string>& out) override {
    const uint64_t seq = ++c.counters["bbo_seq:" + t.symbol];
    if (sbe_client(c))
      out.push_back(sbe::encode_bbo(t.symbol, seq, t.exchange_ts, t.bid, t.ask, version(c)));
    else
      out.push_back(push("bbo." + t.symbol, bbo_json(t.symbol, t.bid, t.ask, seq, t.exchange_ts)));
  }

  void mark_frames(std::string_view native, const mark_state& s, timestamp_ns now, ws_client& c,
                   std::vector<std::string>& out) override {
    const std::string n(native);
    const auto period = period_of(native);
    if (c.counters.count("fd:" + n)) {
      const uint64_t seq = ++c.counters["fd_seq:" + n];
      if (sbe_client(c))
        out.push_back(sbe::encode_funding(native, seq, now,
                                          wire::rescale_rate(s.rate, s.interval_s, period),
                                          wire::rescale_rate(s.rate, s.interval_s, eight_hours),
                                          static_cast<int16_t>(period / 3600), version(c)));
      else
        out.push_back(push("funding_data." + n, funding_json(native, s, now)));
    }
    const bool per_market = c.counters.count("ms:" + n) > 0;
    if (per_market || c.counters.count("ms:*")) {
      const uint64_t seq = ++c.counters["ms_seq:" + n];
      if (sbe_client(c))
        out.push_back(sbe::encode_summary(native, seq, now, s.mark, s.index,
                                          wire::rescale_rate(s.rate, s.interval_s, period),
                                          version(c)));
      else
        out.push_back(push(per_market ? "markets_summary." + n : std::string("markets_summary"),
                           summary_json(native, s, now)));
    }
  }

private:
  static bool sbe_client(const ws_client& c) { return c.counters.count("sbe") > 0; }
  static uint16_t version(const ws_client& c) {
    auto it = c.counters.find("sbe_version");
    return it == c.counters.end() ? 0 : static_cast<uint16_t>(std::min<uint64_t>(it->second, 0xFFFF));
  }

  std::string book_frame(const std::string& market, const book_snapshot& b, timestamp_ns ts,
                         ws_client& c) const {
    if (sbe_client(c)) {
      std::vector<book_level> bids(b.bids.begin(), b.bids.begin() + std::min(b.bids.size(), feed_depth));
      std::vector<book_level> asks(b.asks.begin(), b.asks.begin() + std::min(b.asks.size(), feed_depth));
      return sbe::encode_book(market, b.seq, ts, true, bids, asks, version(c));
    }
    auto it = c.counters.find("ob_ms:" + market);
    const auto rate = it == c.counters.end() ? uint64_t{100} : it->second;
    bool first = true;
    std::string data = R"({"seq_no":)" + std::to_string(b.seq) + R"(,"market":)" + q(market)
                       + R"(,"last_updated_at":)" + std::to_string(to_ms(ts))
                       + R"(,"update_type":"s","inserts":[)";
    data += json_levels(b.bids, "BUY", first);
    data += json_levels(b.asks, "SELL", first);
    data += R"(],"updates":[],"deletes":[]})";
    return push("order_book." + market + ".snapshot@15@" + std::to_string(rate) + "ms", data);
  }

  static std::string bbo_json(std::string_view market, const book_level& bid, const book_level& ask,
                              uint64_t seq, timestamp_ns ts) {
    auto val = [](auto v, bool present) { return present ? qd(v) : std::string(R"("")"); };
    const bool b = bid.qty.is_positive(), a = ask.qty.is_positive();
    return R"({"market":)" + q(market) + R"(,"bid":)" + val(bid.px, b) + R"(,"bid_size":)"
           + val(bid.qty, b) + R"(,"ask":)" + val(ask.px, a) + R"(,"ask_size":)" + val(ask.qty, a)
           + R"(,"last_updated_at":)" + std::to_string(to_ms(ts)) + R"(,"seq_no":)"
           + std::to_string(seq) + "}";
  }

  std::string funding_json(std::string_view market, const mark_state& s, timestamp_ns now) const {
    const auto period = period_of(market);
    return R"({"market":)" + q(market) + R"(,"funding_index":"0","funding_premium":"0","funding_rate":)"
           + qd(wire::rescale_rate(s.rate, s.interval_s, period)) + R"(,"funding_rate_8h":)"
           + qd(wire::rescale_rate(s.rate, s.interval_s, eight_hours))
           + R"(,"funding_period_hours":)" + std::to_string(period / 3600) + R"(,"created_at":)"
           + std::to_string(to_ms(now)) + "}";
  }

  std::string summary_json(std::string_view market, const mark_state& s, timestamp_ns now) const {
    const auto period = period_of(market);
    return R"({"symbol":)" + q(market) + R"(,"oracle_price":)" + qd(s.mark) + R"(,"mark_price":)"
           + qd(s.mark) + R"(,"last_traded_price":)" + qd(s.mark) + R"(,"bid":"","ask":"",)"
           + R"("volume_24h":"0","total_volume":"0","created_at":)" + std::to_string(to_ms(now))
           + R"(,"underlying_price":)" + qd(s.index) + R"(,"open_interest":"0","funding_rate":)"
           + qd(wire::rescale_rate(s.rate, s.interval_s, period))
           + R"(,"price_change_rate_24h":"0"})";
  }

  int32_t period_of(std::string_view market) const {
    auto it = periods_.find(market);
    return it == periods_.end() || it->second <= 0 ? eight_hours : it->second;
  }

  /// Funding periods of the listing, for mark_frames() (no market_view).
  void remember(const market_view& m) {
    if (periods_.size() == m.instruments().size())
      return;
    periods_.clear();
    for (const auto& i : m.instruments())
      periods_[i.spec.native_symbol] = std::max(3600, i.spec.funding_interval_s / 3600 * 3600);
  }

  od::parser parser_;
  std::map<std::string, int32_t, std::less<>> periods_;
};

} // namespace

std::unique_ptr<venue_protocol> make_paradex_protocol() {
  return std::make_unique<paradex_protocol>();
}

bool paradex_is_binary_frame(std::string_view frame) noexcept {
  return sbe::looks_like_sbe(frame);
}

} // namespace xarb::mock
