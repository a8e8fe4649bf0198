// Mock Backpack Exchange protocol: see mock_protocol.hpp. Shapes follow the
// venue's API docs and recorded frames (ccxt, bpx-api-client): event keys in
// alphabetical order, E/T in microseconds as strings in depth and book
// ticker events, numbers in mark price events.

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <simdjson.h>

#include "venues/backpack/mock_protocol.hpp"
#include "venues/binance/event_scan.hpp"
#include "venues/binance/mock_util.hpp"
#include "venues/binance/wire.hpp"
#include "venues/common/json_fields.hpp"

namespace xarb::mock {

namespace ondemand = simdjson::ondemand;
namespace wire = venues::wire;

namespace {

constexpr std::string_view k_depth = "depth:"; // + native: 0 depth, 1 depth.200ms, 2 depth.1000ms
constexpr std::string_view depth_prefixes[] = {"depth.", "depth.200ms.", "depth.1000ms."};

/// "2025-08-11T00:00:00" (UTC) of an epoch in ns.
std::string iso_utc(timestamp_ns t) {
  int64_t secs = t / 1'000'000'000;
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  // civil_from_days (H. Hinnant)
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t mo = mp < 10 ? mp + 3 : mp - 9;
  if (mo <= 2)
    ++y;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, mo, d, rem / 3600, rem % 3600 / 60,
                     rem % 60);
}

class backpack_protocol final : public venue_protocol {
public:
  std::string_view venue() const noexcept override { return "backpack"; }

  std::string native_symbol(std::string_view base, const ratio& unit) const override {
    std::string s;
    if (unit == ratio::from_units(1000))
      s.push_back('k'); // kPEPE_USDC_PERP, kBONK_USDC_PERP
    else if (unit != ratio::from_units(1))
      s.append(unit.to_string());
    s += base;
    s += "_USDC_PERP";
    return s;
  }

  rest_answer rest(const rest_call& call, const market_view& m) override {
    learn(m);
    const std::string_view p = call.path;
    if (call.method != "GET")
      return error(404, "RESOURCE_NOT_FOUND", "Not found");
    if (p == "/api/v1/markets")
      return markets(call, m);
    if (p == "/api/v1/market") {
      rest_answer err;
      const auto* mi = symbol_param(call, m, err);
      return mi ? rest_answer{200, market_json(mi->spec, "PERP")} : err;
    }
    if (p == "/api/v1/depth")
      return depth(call, m);
    if (p == "/api/v1/markPrices")
      return mark_prices(call, m);
    if (p == "/api/v1/fundingRates")
      return funding_rates(call, m);
    if (p == "/api/v1/ping")
      return {200, "pong", "text/plain"};
    if (p == "/api/v1/time")
      return {200, std::to_string(wire::ns_to_ms(m.now())), "text/plain"};
    return error(404, "RESOURCE_NOT_FOUND", "Not found");
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
      out.push_back(ws_error("null", 4000, "Invalid request"));
      return;
    }
    std::string method, id = "null";
    std::vector<std::string> params;
    bool broken = false;
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
      } else if (k == "params") {
        ondemand::array arr;
        if (f.value().get_array().get(arr) != simdjson::SUCCESS) {
          broken = true;
          continue;
        }
        for (auto er : arr) {
          std::string_view s;
          if (er.get_string().get(s) != simdjson::SUCCESS) {
            broken = true;
            break;
          }
          params.emplace_back(s);
        }
      }
    }
    if (broken || (method != "SUBSCRIBE" && method != "UNSUBSCRIBE") || params.empty()) {
      out.push_back(ws_error(id, 4000, "Invalid request"));
      return;
    }
    for (const auto& s : params) {
      if (!apply(s, method == "SUBSCRIBE", c, m)) {
        out.push_back(ws_error(id, 4006, "Invalid stream"));
        return;
      }
    }
    // Success: the venue sends nothing back; data simply starts flowing.
  }

  void snapshot_frames(const book_snapshot&, ws_client&, const market_view&,
                       std::vector<std::string>&) override {
    // rest_bridge venue: no snapshot in the stream (clients GET /api/v1/depth).
  }

  void book_frames(const book_delta& d, ws_client& c, const market_view& m,
                   std::vector<std::string>& out) override {
    learn(m);
    if (!c.books.contains(d.symbol))
      return;
    const auto [pxd, qd] = decimals(d.symbol);
    // U/u from the simulated book: U = previous update's u + 1, u = last.
    const uint64_t first = d.prev_seq != 0 ? d.prev_seq + 1 : (d.first_seq != 0 ? d.first_seq : d.seq);
    std::string e = fmt::format(R"({{"data":{{"E":"{}","T":"{}","U":{},"a":)", wire::ns_to_us(m.now()),
                                wire::ns_to_us(d.exchange_ts), first);
    append_levels(e, d.asks, pxd, qd);
    e += R"(,"b":)";
    append_levels(e, d.bids, pxd, qd);
    auto it = c.counters.find(std::string{k_depth} + d.symbol);
    const auto v = it == c.counters.end() ? 0 : it->second % std::size(depth_prefixes);
    e += fmt::format(R"(,"e":"depth","s":"{}","u":{}}},"stream":"{}{}"}})", d.symbol, d.seq,
                     depth_prefixes[v], d.symbol);
    out.push_back(std::move(e));
  }

  void top_frames(const top_of_book& t, ws_client& c, std::vector<std::string>& out) override {
    if (!c.tops.contains(t.symbol))
      return;
    const auto [pxd, qd] = decimals(t.symbol);
    std::string e = R"({"data":{"A":")";
    wire::append_decimal(e, t.ask.qty, qd);
    e += R"(","B":")";
    wire::append_decimal(e, t.bid.qty, qd);
    e += fmt::format(R"(","E":"{}","T":"{}","a":")", wire::ns_to_us(t.exchange_ts),
                     wire::ns_to_us(t.exchange_ts));
    wire::append_decimal(e, t.ask.px, pxd);
    e += R"(","b":")";
    wire::append_decimal(e, t.bid.px, pxd);
    e += fmt::format(R"(","e":"bookTicker","s":"{}","u":"{}"}},"stream":"bookTicker.{}"}})",
                     t.symbol, t.seq, t.symbol);
    out.push_back(std::move(e));
  }

  void mark_frames(std::string_view native, const mark_state& s, timestamp_ns now, ws_client& c,
                   std::vector<std::string>& out) override {
    if (!c.marks.contains(native))
      return;
    const auto pxd = decimals(native).first;
    std::string e = fmt::format(R"({{"data":{{"E":{},"T":{},"e":"markPrice","f":")",
                                wire::ns_to_us(now), wire::ns_to_us(now));
    wire::append_decimal(e, s.rate, 0);
    e += R"(","i":")";
    wire::append_decimal(e, s.index, pxd);
    // n: the venue documents microseconds but sends milliseconds.
    e += fmt::format(R"(","n":{},"p":")", wire::ns_to_ms(s.next_funding_ts));
    wire::append_decimal(e, s.mark, pxd);
    e += fmt::format(R"(","s":"{}"}},"stream":"markPrice.{}"}})", native, native);
    out.push_back(std::move(e));
  }

private:
  static rest_answer error(int status, std::string_view code, std::string_view msg) {
    return {status, fmt::format(R"({{"code":"{}","message":"{}"}})", code, json_escape(msg))};
  }

  static std::string ws_error(std::string_view id, int code, std::string_view msg) {
    return fmt::format(R"({{"id":{},"error":{{"code":{},"message":"{}"}}}})", id, code, msg);
  }

  /// Subscribes or unsubscribes one stream; false for a stream the venue
  /// would reject (unknown kind or market).
  bool apply(std::string_view s, bool on, ws_client& c, const market_view& m) {
    auto market = [&](std::string_view native) { return m.find(native) != nullptr; };
    for (uint64_t v = 0; v < std::size(depth_prefixes); ++v) {
      // "depth.200ms.X" also starts with "depth.": try the longer spellings first.
      const auto i = std::size(depth_prefixes) - 1 - v;
      const auto pre = depth_prefixes[i];
      if (s.starts_with(pre)) {
        const auto native = s.substr(pre.size());
        if (!market(native))
          return false;
        if (on) {
          c.books.insert(std::string{native});
          c.counters[std::string{k_depth} + std::string{native}] = i;
        } else {
          c.books.erase(std::string{native});
        }
        return true;
      }
    }
    auto simple = [&](std::string_view pre, std::set<std::string, std::less<>>* into) {
      const auto native = s.substr(pre.size());
      if (!market(native))
        return false;
      if (into) {
        if (on)
          into->insert(std::string{native});
        else
          into->erase(std::string{native});
      }
      return true;
    };
    if (s.starts_with("bookTicker."))
      return simple("bookTicker.", &c.tops);
    if (s.starts_with("markPrice."))
      return simple("markPrice.", &c.marks);
    for (std::string_view pre : {"ticker.", "trade.", "openInterest."}) // accepted, not published
      if (s.starts_with(pre))
        return simple(pre, nullptr);
    if (s.starts_with("kline.")) {
      const auto dot = s.find('.', 6);
      return dot != std::string_view::npos && market(s.substr(dot + 1));
    }
    return s == "liquidation";
  }

  const mock_instrument* symbol_param(const rest_call& call, const market_view& m,
                                      rest_answer& err) const {
    auto it = call.query.find("symbol");
    const auto* mi = it == call.query.end() ? nullptr : m.find(it->second);
    if (!mi)
      err = error(400, "INVALID_CLIENT_REQUEST", "Invalid symbol");
    return mi;
  }

  std::string market_json(const instrument_spec& spec, std::string_view type) const {
    const int pxd = wire::decimals_of(spec.tick), qd = wire::decimals_of(spec.lot);
    const bool perp = type == "PERP";
    std::string symbol = spec.native_symbol;
    std::string_view base = symbol;
    base = base.substr(0, base.find('_'));
    if (!perp)
      symbol = std::string{base} + "_USDC";
    std::string s = fmt::format(
      R"({{"symbol":"{}","baseSymbol":"{}","quoteSymbol":"USDC","marketType":"{}","filters":{{"price":{{"minPrice":")",
      symbol, base, type);
    wire::append_decimal(s, spec.tick, pxd);
    s += R"(","maxPrice":null,"tickSize":")";
    wire::append_decimal(s, spec.tick, pxd);
    s += R"(","maxMultiplier":"1.25","minMultiplier":"0.75","maxImpactMultiplier":"1.03","minImpactMultiplier":"0.97","meanMarkPriceBand":{"maxMultiplier":"1.15","minMultiplier":"0.9"},"meanPremiumBand":{"tolerancePct":"0.05"},"borrowEntryFeeMaxMultiplier":null,"borrowEntryFeeMinMultiplier":null},"quantity":{"minQuantity":")";
    wire::append_decimal(s, spec.min_qty, qd);
    s += R"(","maxQuantity":null,"stepSize":")";
    wire::append_decimal(s, spec.lot, qd);
    s += R"("}},)";
    if (perp)
      s += fmt::format(
        R"("imfFunction":{{"type":"sqrt","base":"0.02","factor":"0.00006"}},"mmfFunction":{{"type":"sqrt","base":"0.0125","factor":"0.000036"}},"fundingInterval":{},"fundingRateUpperBound":"100","fundingRateLowerBound":"-100","openInterestLimit":"100000000",)",
        static_cast<int64_t>(spec.funding_interval_s) * 1000);
    else
      s += R"("imfFunction":null,"mmfFunction":null,"fundingInterval":null,"fundingRateUpperBound":null,"fundingRateLowerBound":null,"openInterestLimit":null,)";
    s += R"("orderBookState":"Open","createdAt":"2024-01-16T00:00:00","visible":true})";
    return s;
  }

  rest_answer markets(const rest_call& call, const market_view& m) const {
    auto it = call.query.find("marketType");
    const bool want_spot = it == call.query.end() || it->second == "SPOT";
    const bool want_perp = it == call.query.end() || it->second == "PERP";
    std::string s = "[";
    for (const auto& mi : m.instruments()) {
      // The venue lists spot markets of the same bases too; codecs skip them.
      for (std::string_view type : {"SPOT", "PERP"}) {
        if ((type == "SPOT" && (!want_spot || &mi != &m.instruments().front()))
            || (type == "PERP" && !want_perp))
          continue;
        if (s.size() > 1)
          s += ',';
        s += market_json(mi.spec, type);
      }
    }
    s += ']';
    return {200, std::move(s)};
  }

  rest_answer depth(const rest_call& call, const market_view& m) const {
    rest_answer err;
    const auto* mi = symbol_param(call, m, err);
    if (!mi)
      return err;
    std::size_t limit = 1000;
    if (auto it = call.query.find("limit"); it != call.query.end()) {
      limit = static_cast<std::size_t>(std::strtoull(it->second.c_str(), nullptr, 10));
      if (limit == 0 || limit > 1000)
        return error(400, "INVALID_CLIENT_REQUEST", "Invalid limit");
    }
    auto book = m.book(mi->spec.native_symbol, limit);
    // Both sides lowest price first, as the venue sends them (unverified for bids).
    std::reverse(book.bids.begin(), book.bids.end());
    const int pxd = wire::decimals_of(mi->spec.tick), qd = wire::decimals_of(mi->spec.lot);
    std::string s = R"({"asks":)";
    append_levels(s, book.asks, pxd, qd);
    s += R"(,"bids":)";
    append_levels(s, book.bids, pxd, qd);
    s += fmt::format(R"(,"lastUpdateId":"{}","timestamp":{}}})", book.seq,
                     wire::ns_to_us(book.exchange_ts));
    return {200, std::move(s)};
  }

  std::string mark_json(const mock_instrument& mi, const market_view& m) const {
    const auto st = m.mark(mi.spec.native_symbol);
    const mark_state s = st ? *st : mark_state{};
    const int pxd = wire::decimals_of(mi.spec.tick);
    std::string o = R"({"fundingRate":")";
    wire::append_decimal(o, s.rate, 0);
    o += R"(","indexPrice":")";
    wire::append_decimal(o, s.index, pxd);
    o += R"(","markPrice":")";
    wire::append_decimal(o, s.mark, pxd);
    o += fmt::format(R"(","nextFundingTimestamp":{},"symbol":"{}"}})",
                     wire::ns_to_ms(s.next_funding_ts), mi.spec.native_symbol);
    return o;
  }

  rest_answer mark_prices(const rest_call& call, const market_view& m) const {
    std::string s = "[";
    auto it = call.query.find("symbol");
    for (const auto& mi : m.instruments()) {
      if (it != call.query.end() && it->second != mi.spec.native_symbol)
        continue;
      if (s.size() > 1)
        s += ',';
      s += mark_json(mi, m);
    }
    s += ']';
    return {200, std::move(s)};
  }

  rest_answer funding_rates(const rest_call& call, const market_view& m) const {
    rest_answer err;
    const auto* mi = symbol_param(call, m, err);
    if (!mi)
      return err;
    const auto st = m.mark(mi->spec.native_symbol);
    const mark_state s = st ? *st : mark_state{};
    // History, newest first: the interval that ended at the last funding time.
    const timestamp_ns end = s.next_funding_ts - static_cast<int64_t>(s.interval_s) * 1'000'000'000;
    std::string o = fmt::format(R"([{{"symbol":"{}","intervalEndTimestamp":"{}","fundingRate":")",
                                mi->spec.native_symbol, iso_utc(end));
    wire::append_decimal(o, s.rate, 0);
    o += R"("}])";
    return {200, std::move(o)};
  }

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

  std::map<std::string, std::pair<int, int>, std::less<>> decimals_;
};

} // namespace

std::unique_ptr<venue_protocol> make_backpack_protocol() {
  return std::make_unique<backpack_protocol>();
}

} // namespace xarb::mock
