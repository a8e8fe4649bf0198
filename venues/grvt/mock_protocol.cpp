#include "venues/grvt/mock_protocol.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "venues/grvt/json_write.hpp"

namespace xarb::mock {
namespace {

namespace jw = xarb::venues::jw;

__extension__ typedef __int128 i128;

constexpr std::string_view k_venue = "grvt";
constexpr uint64_t k_first_seq = 1000; // a connection's gateway numbering starts here

/// simdjson DOM lookup into `out`; false (out untouched) when absent or of another type.
template <class R, class T>
bool get_to(R&& r, T& out) {
  return std::forward<R>(r).get(out) == simdjson::SUCCESS;
}

bool is_stream(std::string_view s) noexcept {
  return s == "v1.book.d" || s == "v1.book.s" || s == "v1.ticker.s" || s == "v1.ticker.d"
         || s == "v1.mini.s" || s == "v1.mini.d";
}

std::string key_of(std::string_view prefix, std::string_view stream, std::string_view native) {
  std::string k(prefix);
  k += stream;
  k.push_back(':');
  k += native;
  return k;
}

/// Percent text of a fraction (0.0001 -> "0.01"): GRVT publishes funding in percent.
void percent(std::string& out, ratio r) {
  int64_t p = 0;
  if (__builtin_mul_overflow(r.raw(), int64_t{100}, &p))
    p = r.raw() < 0 ? -INT64_MAX : INT64_MAX;
  jw::dec(out, ratio::from_raw(p));
}

/// [{"price":"..","size":"..","num_orders":N}] (WS: a number; REST: a string,
/// as the venue sends them).
void levels(std::string& out, const std::vector<book_level>& ls, bool rest) {
  out.push_back('[');
  for (std::size_t i = 0; i < ls.size(); ++i) {
    if (i)
      out.push_back(',');
    out += R"({"price":)";
    jw::qdec(out, ls[i].px);
    out += R"(,"size":)";
    jw::qdec(out, ls[i].qty);
    const int n = ls[i].qty.is_zero() ? 0 : 1; // the simulator does not count orders
    out += rest ? (n ? R"(,"num_orders":"1"})" : R"(,"num_orders":"0"})")
                : (n ? R"(,"num_orders":1})" : R"(,"num_orders":0})");
  }
  out.push_back(']');
}

std::string error_body(int code, std::string_view message, int status) {
  std::string b = R"({"code":)";
  jw::num(b, code);
  b += R"(,"message":)";
  jw::str(b, message);
  b += R"(,"status":)";
  jw::num(b, status);
  b.push_back('}');
  return b;
}

class grvt_protocol final : public venue_protocol {
public:
  std::string_view venue() const noexcept override { return k_venue; }

  std::string native_symbol(std::string_view base, const ratio& unit) const override {
    std::string s;
    if (unit != ratio::from_units(1))
      s += unit.to_string(); // "1000PEPE"
    s += base;
    s += "_USDT_Perp";
    return s;
  }

  rest_answer rest(const rest_call& call, const market_view& m) override {
    if (call.method != "POST")
      return {405, error_body(1000, "Method not allowed: GRVT market data is POST only", 405)};
    std::string_view instrument;
    int64_t depth = 0;
    simdjson::dom::element body;
    if (!call.body.empty()) {
      if (parser_.parse(call.body).get(body) != simdjson::SUCCESS)
        return {400, error_body(1003, "Request could not be processed due to malformed syntax",
                                400)};
      get_to(body["instrument"], instrument);
      get_to(body["depth"], depth);
    }
    const auto& p = call.path;
    if (p == "/full/v1/all_instruments" || p == "/full/v1/instruments") {
      std::string b = R"({"result":[)";
      bool first = true;
      for (const auto& ins : m.instruments()) {
        if (!first)
          b.push_back(',');
        first = false;
        instrument_json(b, ins);
      }
      b += "]}";
      return {200, std::move(b)};
    }
    const mock_instrument* ins = instrument.empty() ? nullptr : m.find(instrument);
    const bool known = p == "/full/v1/instrument" || p == "/full/v1/book" || p == "/full/v1/ticker"
                       || p == "/full/v1/mini" || p == "/full/v1/funding";
    if (!known)
      return {404, error_body(1001, "Not found: " + p, 404)};
    if (!ins)
      return {400, error_body(3000, "Instrument is invalid", 400)};
    if (p == "/full/v1/instrument") {
      std::string b = R"({"result":)";
      instrument_json(b, *ins);
      b.push_back('}');
      return {200, std::move(b)};
    }
    if (p == "/full/v1/book") {
      if (depth != 10 && depth != 50 && depth != 100 && depth != 500)
        return {400, error_body(3031, "Depth is invalid", 400)};
      const auto snap = m.book(instrument, static_cast<std::size_t>(depth));
      std::string b = R"({"result":{"event_time":)";
      jw::qnum(b, m.now());
      b += R"(,"instrument":)";
      jw::str(b, instrument);
      b += R"(,"bids":)";
      levels(b, snap.bids, true);
      b += R"(,"asks":)";
      levels(b, snap.asks, true);
      b += "}}";
      return {200, std::move(b)};
    }
    const auto mk = m.mark(instrument);
    const auto top = m.book(instrument, 1);
    if (p == "/full/v1/funding") {
      std::string b = R"({"result":[)";
      if (mk) {
        b += R"({"instrument":)";
        jw::str(b, instrument);
        b += R"(,"funding_rate":)";
        b.push_back('"');
        percent(b, mk->rate);
        b += R"(","funding_time":)";
        jw::qnum(b, mk->next_funding_ts - int64_t{mk->interval_s} * 1'000'000'000);
        b += R"(,"mark_price":)";
        jw::qdec(b, mk->mark);
        b += R"(,"funding_interval_hours":)";
        jw::num(b, mk->interval_s / 3600);
        b.push_back('}');
      }
      b += R"(],"next":""})";
      return {200, std::move(b)};
    }
    std::string b = R"({"result":)";
    ticker_feed(b, instrument, mk ? &*mk : nullptr, &top, m.now(), p == "/full/v1/ticker");
    b.push_back('}');
    return {200, std::move(b)};
  }

  void on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                      std::vector<std::string>& out) override {
    simdjson::dom::element doc;
    simdjson::dom::object obj;
    if (parser_.parse(frame.data(), frame.size()).get(doc) != simdjson::SUCCESS
        || doc.get(obj) != simdjson::SUCCESS) {
      out.push_back(rpc_error(1003, "Request could not be processed due to malformed syntax",
                              "null", {}));
      return;
    }
    std::string id = "null";
    if (int64_t n = 0; obj["id"].get(n) == simdjson::SUCCESS)
      id = std::to_string(n);
    std::string_view method, stream;
    get_to(obj["method"], method);
    simdjson::dom::array selectors;
    const bool rpc = obj["params"].error() == simdjson::SUCCESS;
    bool have_selectors = false;
    if (rpc) {
      get_to(obj["params"]["stream"], stream);
      have_selectors = obj["params"]["selectors"].get(selectors) == simdjson::SUCCESS;
    } else { // legacy: {"stream":..,"feed":[..],"method":..}
      get_to(obj["stream"], stream);
      have_selectors = obj["feed"].get(selectors) == simdjson::SUCCESS;
    }
    if (method != "subscribe" && method != "unsubscribe") {
      out.push_back(rpc_error(1004, "Method not supported", id, method));
      return;
    }
    if (!is_stream(stream)) {
      out.push_back(rpc_error(1004, "Stream not supported by the mock", id, method));
      return;
    }
    if (!have_selectors) {
      out.push_back(rpc_error(1003, "Request could not be processed due to malformed syntax",
                              id, method));
      return;
    }
    // Validate every selector first: one bad instrument fails the request.
    struct sel {
      std::string text, native;
      uint64_t rate, depth;
    };
    std::vector<sel> sels;
    for (auto el : selectors) {
      std::string_view s;
      if (el.get(s) != simdjson::SUCCESS) {
        out.push_back(rpc_error(1003, "Request could not be processed due to malformed syntax",
                                id, method));
        return;
      }
      const auto at = s.find('@');
      const auto native = s.substr(0, at);
      uint64_t rate = 0, depth = 0;
      if (at != std::string_view::npos) {
        auto rest = s.substr(at + 1);
        const auto dash = rest.find('-');
        rate = to_u64(rest.substr(0, dash));
        if (dash != std::string_view::npos)
          depth = to_u64(rest.substr(dash + 1));
      }
      if (!m.find(native)) {
        out.push_back(rpc_error(3000, "Instrument is invalid", id, method));
        return;
      }
      sels.push_back(sel{std::string(s), std::string(native), rate, depth});
    }
    const bool sub = method == "subscribe";
    std::vector<uint64_t> latest;
    for (const auto& s : sels) {
      const auto rate_key = key_of("rate:", stream, s.native);
      const auto sn_key = key_of("sn:", stream, s.native);
      if (!c.counters.count(sn_key))
        c.counters[sn_key] = k_first_seq;
      latest.push_back(c.counters[sn_key]);
      if (sub) {
        c.counters[rate_key] = s.rate;
        if (stream == "v1.book.s")
          c.counters[key_of("depth:", stream, s.native)] = s.depth ? s.depth : 50;
        c.counters.erase(key_of("sent:", stream, s.native));
        if (stream == "v1.book.d" || stream == "v1.book.s") {
          c.books.insert(s.native);
          c.snapshot_due.insert(s.native);
        } else if (stream == "v1.ticker.s" || stream == "v1.ticker.d") {
          c.marks.insert(s.native);
        } else {
          c.tops.insert(s.native);
        }
      } else {
        c.counters.erase(rate_key);
        if (stream == "v1.book.d" || stream == "v1.book.s") {
          const auto other = stream == "v1.book.d" ? "v1.book.s" : "v1.book.d";
          if (!c.counters.count(key_of("rate:", other, s.native))) {
            c.books.erase(s.native);
            c.snapshot_due.erase(s.native);
          }
        } else if (stream == "v1.ticker.s" || stream == "v1.ticker.d") {
          const auto other = stream == "v1.ticker.s" ? "v1.ticker.d" : "v1.ticker.s";
          if (!c.counters.count(key_of("rate:", other, s.native)))
            c.marks.erase(s.native);
        } else {
          const auto other = stream == "v1.mini.s" ? "v1.mini.d" : "v1.mini.s";
          if (!c.counters.count(key_of("rate:", other, s.native)))
            c.tops.erase(s.native);
        }
      }
    }
    std::string a;
    auto list = [&](bool want) {
      a.push_back('[');
      if (want)
        for (std::size_t i = 0; i < sels.size(); ++i) {
          if (i)
            a.push_back(',');
          jw::str(a, sels[i].text);
        }
      a.push_back(']');
    };
    a = rpc ? R"({"jsonrpc":"2.0","result":{"stream":)" : R"({"stream":)";
    jw::str(a, stream);
    a += R"(,"subs":)";
    list(sub);
    a += R"(,"unsubs":)";
    list(!sub);
    if (sub) {
      a += R"(,"num_snapshots":[)";
      for (std::size_t i = 0; i < sels.size(); ++i)
        a += i ? ",1" : "1";
      a += R"(],"first_sequence_number":[)";
      for (std::size_t i = 0; i < latest.size(); ++i) {
        if (i)
          a.push_back(',');
        jw::qunum(a, latest[i] + 1);
      }
      a += R"(],"latest_sequence_number":[)";
      for (std::size_t i = 0; i < latest.size(); ++i) {
        if (i)
          a.push_back(',');
        jw::qunum(a, latest[i]);
      }
      a.push_back(']');
    }
    if (rpc) {
      a += R"(},"id":)";
      a += id;
      a += R"(,"method":)";
      jw::str(a, method);
    }
    a.push_back('}');
    out.push_back(std::move(a));
  }

  void snapshot_frames(const book_snapshot& snap, ws_client& c, const market_view& m,
                       std::vector<std::string>& out) override {
    (void)m;
    if (c.counters.count(key_of("rate:", "v1.book.d", snap.symbol))) {
      // The opening snapshot of v1.book.d is numbered "0"; the numbering of
      // the deltas continues from the ack's latest_sequence_number.
      out.push_back(book_frame("v1.book.d", c, snap.symbol, snap.bids, snap.asks,
                               snap.exchange_ts, 0, 0));
    }
    if (c.counters.count(key_of("rate:", "v1.book.s", snap.symbol)))
      publish_book_s(c, snap, out);
  }

  void book_frames(const book_delta& d, ws_client& c, const market_view& m,
                   std::vector<std::string>& out) override {
    if (c.counters.count(key_of("rate:", "v1.book.d", d.symbol))) {
      auto& sn = c.counters[key_of("sn:", "v1.book.d", d.symbol)];
      ++sn;
      out.push_back(book_frame("v1.book.d", c, d.symbol, d.bids, d.asks, d.exchange_ts, sn,
                               sn - 1));
    }
    if (auto it = c.counters.find(key_of("depth:", "v1.book.s", d.symbol));
        it != c.counters.end() && c.counters.count(key_of("rate:", "v1.book.s", d.symbol)))
      publish_book_s(c, m.book(d.symbol, it->second), out);
  }

  void top_frames(const top_of_book& t, ws_client& c, std::vector<std::string>& out) override {
    for (std::string_view stream : {"v1.mini.s", "v1.mini.d"}) {
      if (!c.counters.count(key_of("rate:", stream, t.symbol)))
        continue;
      uint64_t sn = 0, prev = 0;
      next_numbers(c, stream, t.symbol, sn, prev);
      std::string f;
      envelope_head(f, stream, c, t.symbol, sn);
      f += R"("feed":{"event_time":)";
      jw::qnum(f, t.exchange_ts);
      f += R"(,"instrument":)";
      jw::str(f, t.symbol);
      f += R"(,"best_bid_price":)";
      jw::qdec(f, t.bid.px);
      f += R"(,"best_bid_size":)";
      jw::qdec(f, t.bid.qty);
      f += R"(,"best_ask_price":)";
      jw::qdec(f, t.ask.px);
      f += R"(,"best_ask_size":)";
      jw::qdec(f, t.ask.qty);
      f.push_back('}');
      envelope_tail(f, prev);
      out.push_back(std::move(f));
    }
  }

  void mark_frames(std::string_view native, const mark_state& s, timestamp_ns now, ws_client& c,
                   std::vector<std::string>& out) override {
    for (std::string_view stream : {"v1.ticker.s", "v1.ticker.d"}) {
      if (!c.counters.count(key_of("rate:", stream, native)))
        continue;
      uint64_t sn = 0, prev = 0;
      next_numbers(c, stream, native, sn, prev);
      std::string f;
      envelope_head(f, stream, c, native, sn);
      f += R"("feed":)";
      ticker_feed(f, native, &s, nullptr, now, true);
      envelope_tail(f, prev);
      out.push_back(std::move(f));
    }
  }

private:
  static uint64_t to_u64(std::string_view s) {
    uint64_t v = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9' || v > UINT64_MAX / 10 - 10)
        return 0;
      v = v * 10 + static_cast<uint64_t>(ch - '0');
    }
    return v;
  }

  static std::string rpc_error(int code, std::string_view message, std::string_view id,
                               std::string_view method) {
    std::string e = R"({"jsonrpc":"2.0","error":{"code":)";
    jw::num(e, code);
    e += R"(,"message":)";
    jw::str(e, message);
    e += R"(},"id":)";
    e += id;
    if (!method.empty()) {
      e += R"(,"method":)";
      jw::str(e, method);
    }
    e.push_back('}');
    return e;
  }

  static void instrument_json(std::string& b, const mock_instrument& ins) {
    const auto& s = ins.spec;
    const auto& n = s.native_symbol;
    b += R"({"instrument":)";
    jw::str(b, n);
    b += R"(,"instrument_hash":)";
    char hash[24];
    std::snprintf(hash, sizeof hash, "\"0x%02x0501\"", static_cast<unsigned>(ins.index + 3) & 0xff);
    b += hash;
    b += R"(,"base":)";
    jw::str(b, std::string_view(n).substr(0, n.find('_')));
    b += R"(,"quote":)";
    jw::str(b, s.quote.empty() ? "USDT" : s.quote);
    b += R"(,"kind":"PERPETUAL","venues":["ORDERBOOK","RFQ"],"settlement_period":"PERPETUAL",)"
         R"("base_decimals":9,"quote_decimals":6,"tick_size":)";
    jw::qdec(b, s.tick);
    // GRVT has one size step, min_size: the lot (a coarser min_qty cannot be told).
    b += R"(,"min_size":)";
    jw::qdec(b, s.lot);
    b += R"(,"create_time":"1697788800000000000","max_position_size":"1000000.0",)"
         R"("funding_interval_hours":)";
    jw::num(b, s.funding_interval_s / 3600);
    b += R"(,"adjusted_funding_rate_cap":"0.3","adjusted_funding_rate_floor":"-0.3",)"
         R"("min_notional":)";
    jw::qdec(b, s.min_notional);
    b.push_back('}');
  }

  /// Ticker (or mini ticker) feed object; mark fields from `s`, BBO from `top`.
  static void ticker_feed(std::string& f, std::string_view native, const mark_state* s,
                          const book_snapshot* top, timestamp_ns now, bool full) {
    f += R"({"event_time":)";
    jw::qnum(f, now);
    f += R"(,"instrument":)";
    jw::str(f, native);
    if (s) {
      f += R"(,"mark_price":)";
      jw::qdec(f, s->mark);
      f += R"(,"index_price":)";
      jw::qdec(f, s->index);
    }
    if (top && !top->bids.empty() && !top->asks.empty()) {
      const auto bid = top->bids.front(), ask = top->asks.front();
      f += R"(,"mid_price":)";
      jw::qdec(f, price::from_raw(bid.px.raw() / 2 + ask.px.raw() / 2));
      f += R"(,"best_bid_price":)";
      jw::qdec(f, bid.px);
      f += R"(,"best_bid_size":)";
      jw::qdec(f, bid.qty);
      f += R"(,"best_ask_price":)";
      jw::qdec(f, ask.px);
      f += R"(,"best_ask_size":)";
      jw::qdec(f, ask.qty);
    }
    if (s && full) {
      // funding_rate is per interval; the 8h fields are normalised to 8 h.
      const int64_t interval = s->interval_s > 0 ? s->interval_s : 8 * 3600;
      const auto per_8h = ratio::from_raw(static_cast<int64_t>(
        static_cast<i128>(s->rate.raw()) * (8 * 3600) / interval));
      f += R"(,"funding_rate_8h_curr":")";
      percent(f, per_8h);
      f += R"(","funding_rate_8h_avg":")";
      percent(f, per_8h);
      f += R"(","interest_rate":"0.0","forward_price":"0.0","open_interest":"0.0",)"
           R"("funding_rate":")";
      percent(f, s->rate);
      f += R"(","funding_interval_hours":)";
      jw::num(f, s->interval_s / 3600);
      f += R"(,"next_funding_time":)";
      jw::qnum(f, s->next_funding_ts);
    }
    f.push_back('}');
  }

  /// Snapshot streams number their first message "0" (ccxt samples), then
  /// count on.
  static void next_numbers(ws_client& c, std::string_view stream, std::string_view native,
                           uint64_t& sn, uint64_t& prev) {
    auto& sent = c.counters[key_of("sent:", stream, native)];
    auto& n = c.counters[key_of("sn:", stream, native)];
    if (n == 0)
      n = k_first_seq;
    if (sent == 0) {
      sent = 1;
      sn = prev = 0;
      return;
    }
    prev = n;
    sn = ++n;
  }

  static void envelope_head(std::string& f, std::string_view stream, ws_client& c,
                            std::string_view native, uint64_t sn) {
    f = R"({"stream":)";
    jw::str(f, stream);
    f += R"(,"selector":")";
    jw::escaped(f, native);
    f.push_back('@');
    const auto it = c.counters.find(key_of("rate:", stream, native));
    jw::unum(f, it == c.counters.end() ? 0 : it->second);
    if (stream == "v1.book.s") {
      f.push_back('-');
      jw::unum(f, c.counters[key_of("depth:", stream, native)]);
    }
    f += R"(","sequence_number":)";
    jw::qunum(f, sn);
    f.push_back(',');
  }

  static void envelope_tail(std::string& f, uint64_t prev) {
    f += R"(,"prev_sequence_number":)";
    jw::qunum(f, prev);
    f.push_back('}');
  }

  static std::string book_frame(std::string_view stream, ws_client& c, std::string_view native,
                                const std::vector<book_level>& bids,
                                const std::vector<book_level>& asks, timestamp_ns ts, uint64_t sn,
                                uint64_t prev) {
    std::string f;
    f.reserve(160 + (bids.size() + asks.size()) * 56);
    envelope_head(f, stream, c, native, sn);
    f += R"("feed":{"event_time":)";
    jw::qnum(f, ts);
    f += R"(,"instrument":)";
    jw::str(f, native);
    f += R"(,"bids":)";
    levels(f, bids, false);
    f += R"(,"asks":)";
    levels(f, asks, false);
    f.push_back('}');
    envelope_tail(f, prev);
    return f;
  }

  static void publish_book_s(ws_client& c, const book_snapshot& snap,
                             std::vector<std::string>& out) {
    uint64_t sn = 0, prev = 0;
    next_numbers(c, "v1.book.s", snap.symbol, sn, prev);
    out.push_back(
      book_frame("v1.book.s", c, snap.symbol, snap.bids, snap.asks, snap.exchange_ts, sn, prev));
  }

  simdjson::dom::parser parser_;
};

} // namespace

std::unique_ptr<venue_protocol> make_grvt_protocol() { return std::make_unique<grvt_protocol>(); }

} // namespace xarb::mock
