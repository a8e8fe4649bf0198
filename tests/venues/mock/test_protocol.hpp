#pragma once
// The venues/mock tests' venue protocol "testx" (no real venue protocol
// exists yet) and a parser for its frames. JSON lines:
//   REST  GET  /api/instruments            {"symbols":[{"s":..,"tick":..,"lot":..,
//                                           "mult":..,"index":..}]}
//         GET  /api/depth?symbol=S&limit=N {"t":"snap","s":..,"seq":..,"b":[[px,qty]..],"a":[..]}
//         POST /api/echo                   {"method":..,"path":..,"query":{..},"body":..}
//         else 404 {"error":"not found"}
//   WS    on open                          {"t":"hello","target":..}
//         {"op":"sub"|"unsub","ch":"book"|"top"|"mark","s":S} -> {"t":"ack","op":..,"ch":..,"s":..}
//         {"op":"ping"}                    -> {"t":"pong"}
//         anything else                    -> {"t":"error","msg":..}
//   frames {"t":"snap",..}, {"t":"delta","s":..,"seq":..,"prev":..,"first":..,"n":..,
//          "bookseq":..,"b":..,"a":..} (n = per-connection delta counter of that symbol,
//          bookseq = book().seq inside book_frames), {"t":"top","s":..,"seq":..,"bp","bq",
//          "ap","aq"}, {"t":"mark","s":..,"p":..,"i":..,"r":..,"next":..},
//          {"t":"ping","ts":..} when app_ping.

#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "messages/decimal.hpp"
#include "messages/market.hpp"
#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock::test {

inline std::string levels_json(const std::vector<book_level>& v) {
  std::string s = "[";
  for (const auto& l : v) {
    if (s.size() > 1)
      s += ',';
    s += "[\"" + l.px.to_string() + "\",\"" + l.qty.to_string() + "\"]";
  }
  return s + "]";
}

inline std::string escape(std::string_view in) {
  std::string out;
  for (char c : in) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}

class test_protocol final : public venue_protocol {
public:
  bool app_ping = false;

  std::string_view venue() const noexcept override { return "testx"; }

  std::string native_symbol(std::string_view base, const ratio& unit) const override {
    if (unit > ratio::from_units(1))
      return unit.to_string() + std::string{base} + "USDT"; // "1000PEPEUSDT"
    return std::string{base} + "USDT";                       // coins or contracts
  }

  rest_answer rest(const rest_call& call, const market_view& m) override {
    if (call.method == "GET" && call.path == "/api/instruments") {
      std::string s = R"({"symbols":[)";
      for (const auto& i : m.instruments()) {
        if (s.back() != '[')
          s += ',';
        s += R"({"s":")" + i.spec.native_symbol + R"(","tick":")" + i.spec.tick.to_string()
             + R"(","lot":")" + i.spec.lot.to_string() + R"(","mult":")"
             + i.spec.multiplier.to_string() + R"(","index":)" + std::to_string(i.index) + "}";
      }
      return {200, s + "]}"};
    }
    if (call.method == "GET" && call.path == "/api/depth") {
      auto sym = call.query.find("symbol");
      if (sym == call.query.end())
        return {400, R"({"error":"symbol required"})"};
      if (!m.find(sym->second))
        return {400, R"({"error":"unknown symbol"})"};
      std::size_t limit = 100;
      if (auto l = call.query.find("limit"); l != call.query.end())
        limit = std::stoul(l->second);
      return {200, snap_json(m.book(sym->second, limit))};
    }
    if (call.method == "POST" && call.path == "/api/echo") {
      std::string q = "{";
      for (const auto& [k, v] : call.query) {
        if (q.size() > 1)
          q += ',';
        q += "\"" + escape(k) + "\":\"" + escape(v) + "\"";
      }
      return {200, R"({"method":")" + call.method + R"(","path":")" + escape(call.path)
                     + R"(","query":)" + q + R"(},"body":")" + escape(call.body) + "\"}"};
    }
    return {404, R"({"error":"not found"})"};
  }

  void on_open(ws_client& c, const market_view&, std::vector<std::string>& out) override {
    out.push_back(R"({"t":"hello","target":")" + escape(c.target) + "\"}");
  }

  void on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                      std::vector<std::string>& out) override {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string_view op, ch, s;
    if (parser.parse(frame.data(), frame.size()).get(doc) || doc["op"].get(op)) {
      out.push_back(R"({"t":"error","msg":"bad request"})");
      return;
    }
    if (op == "ping") {
      out.push_back(R"({"t":"pong"})");
      return;
    }
    if ((op != "sub" && op != "unsub") || doc["ch"].get(ch) || doc["s"].get(s)
        || !m.find(s)) {
      out.push_back(R"({"t":"error","msg":"bad subscription"})");
      return;
    }
    auto* set = ch == "book" ? &c.books : ch == "top" ? &c.tops : ch == "mark" ? &c.marks
                                                                               : nullptr;
    if (!set) {
      out.push_back(R"({"t":"error","msg":"bad channel"})");
      return;
    }
    if (op == "sub") {
      set->emplace(s);
      if (ch == "book")
        c.snapshot_due.emplace(s);
    } else {
      set->erase(std::string{s});
    }
    out.push_back(R"({"t":"ack","op":")" + std::string{op} + R"(","ch":")" + std::string{ch}
                  + R"(","s":")" + std::string{s} + "\"}");
  }

  void snapshot_frames(const book_snapshot& snap, ws_client& c, const market_view&,
                       std::vector<std::string>& out) override {
    c.counters[snap.symbol] = 0;
    out.push_back(snap_json(snap));
  }

  void book_frames(const book_delta& d, ws_client& c, const market_view& m,
                   std::vector<std::string>& out) override {
    const auto n = ++c.counters[d.symbol];
    // The book in the view is already the book after this delta.
    const auto after = m.book(d.symbol, 1);
    out.push_back(R"({"t":"delta","s":")" + d.symbol + R"(","seq":)" + std::to_string(d.seq)
                  + R"(,"prev":)" + std::to_string(d.prev_seq) + R"(,"first":)"
                  + std::to_string(d.first_seq) + R"(,"n":)" + std::to_string(n)
                  + R"(,"bookseq":)" + std::to_string(after.seq) + R"(,"b":)"
                  + levels_json(d.bids) + R"(,"a":)" + levels_json(d.asks) + "}");
  }

  void top_frames(const top_of_book& t, ws_client&, std::vector<std::string>& out) override {
    out.push_back(R"({"t":"top","s":")" + t.symbol + R"(","seq":)" + std::to_string(t.seq)
                  + R"(,"bp":")" + t.bid.px.to_string() + R"(","bq":")"
                  + t.bid.qty.to_string() + R"(","ap":")" + t.ask.px.to_string()
                  + R"(","aq":")" + t.ask.qty.to_string() + "\"}");
  }

  void mark_frames(std::string_view native, const mark_state& s, timestamp_ns now, ws_client&,
                   std::vector<std::string>& out) override {
    out.push_back(R"({"t":"mark","s":")" + std::string{native} + R"(","p":")"
                  + s.mark.to_string() + R"(","i":")" + s.index.to_string() + R"(","r":")"
                  + s.rate.to_string() + R"(","next":)" + std::to_string(s.next_funding_ts)
                  + R"(,"ts":)" + std::to_string(now) + "}");
  }

  std::string server_ping(timestamp_ns now) const override {
    return app_ping ? R"({"t":"ping","ts":)" + std::to_string(now) + "}" : std::string{};
  }

  static std::string snap_json(const book_snapshot& s) {
    return R"({"t":"snap","s":")" + s.symbol + R"(","seq":)" + std::to_string(s.seq)
           + R"(,"b":)" + levels_json(s.bids) + R"(,"a":)" + levels_json(s.asks) + "}";
  }
};

// -- frames ---------------------------------------------------------------------------

struct frame {
  bool json = false; ///< parsed as a JSON object
  std::string raw;
  std::string t, s, op, ch, target, msg;
  uint64_t seq = 0, prev = 0, first = 0, n = 0, bookseq = 0;
  std::vector<book_level> bids, asks;
  std::string bp, bq, ap, aq, p, i, r;
};

inline std::vector<book_level> parse_levels(simdjson::dom::element e) {
  std::vector<book_level> out;
  simdjson::dom::array arr;
  if (e.get(arr))
    return out;
  for (auto lv : arr) {
    std::string_view px, qty;
    if (lv.at(0).get(px) || lv.at(1).get(qty))
      continue;
    out.push_back({*price::from_string(px), *quantity::from_string(qty)});
  }
  return out;
}

inline frame parse_frame(std::string text) {
  frame f;
  f.raw = std::move(text);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  if (parser.parse(f.raw.data(), f.raw.size()).get(doc) || doc.get(obj))
    return f;
  f.json = true;
  auto str = [&](const char* k, std::string& out) {
    std::string_view v;
    if (!obj[k].get(v))
      out = std::string{v};
  };
  auto num = [&](const char* k, uint64_t& out) {
    uint64_t v = 0;
    if (!obj[k].get(v))
      out = v;
  };
  str("t", f.t), str("s", f.s), str("op", f.op), str("ch", f.ch), str("target", f.target);
  str("msg", f.msg), str("bp", f.bp), str("bq", f.bq), str("ap", f.ap), str("aq", f.aq);
  str("p", f.p), str("i", f.i), str("r", f.r);
  num("seq", f.seq), num("prev", f.prev), num("first", f.first), num("n", f.n);
  num("bookseq", f.bookseq);
  simdjson::dom::element e;
  if (!obj["b"].get(e))
    f.bids = parse_levels(e);
  if (!obj["a"].get(e))
    f.asks = parse_levels(e);
  return f;
}

} // namespace xarb::mock::test
