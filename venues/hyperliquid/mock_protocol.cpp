#include "venues/hyperliquid/mock_protocol.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "venues/hyperliquid/json_util.hpp"

namespace xarb::mock {
namespace {

namespace od = simdjson::ondemand;
namespace wire = venues::wire;
using simdjson::SUCCESS;

constexpr std::size_t book_depth = 20; // Hyperliquid publishes ~20 levels per side
constexpr int32_t hl_interval = 3600;

/// Hyperliquid prints decimals like Python floats: "68674.0", "0.97139".
template <class Fixed>
void append_num(std::string& out, Fixed v) {
  out += '"';
  const auto s = v.to_string();
  out += s;
  if (s.find('.') == std::string::npos)
    out += ".0";
  out += '"';
}

int64_t to_ms(timestamp_ns t) { return t / wire::ns_per_ms; }

void append_level(std::string& out, const book_level& l) {
  out += R"({"px":)";
  append_num(out, l.px);
  out += R"(,"sz":)";
  append_num(out, l.qty);
  out += R"(,"n":1})";
}

/// {"coin":..,"time":..,"levels":[[bids],[asks]]}: the WS `data` and the
/// REST l2Book answer alike.
void append_book(std::string& out, std::string_view coin, const book_snapshot& b,
                 int64_t time_ms) {
  out += R"({"coin":)";
  wire::append_json_string(out, coin);
  out += R"(,"time":)";
  out += std::to_string(time_ms);
  out += R"(,"levels":[[)";
  for (std::size_t i = 0; i < b.bids.size() && i < book_depth; ++i) {
    if (i)
      out += ',';
    append_level(out, b.bids[i]);
  }
  out += "],[";
  for (std::size_t i = 0; i < b.asks.size() && i < book_depth; ++i) {
    if (i)
      out += ',';
    append_level(out, b.asks[i]);
  }
  out += "]]}";
}

void append_ctx(std::string& out, const std::optional<mark_state>& s) {
  // Hyperliquid's funding is hourly: rescale the simulator's rate.
  const ratio rate = s ? wire::rescale_rate(s->rate, s->interval_s, hl_interval) : ratio{};
  const price mark = s ? s->mark : price{};
  const price index = s ? s->index : price{};
  out += R"({"funding":")";
  out += rate.to_string();
  out += R"(","openInterest":"0.0","prevDayPx":)";
  append_num(out, mark);
  out += R"(,"dayNtlVlm":"0.0","premium":"0.0","oraclePx":)";
  append_num(out, index);
  out += R"(,"markPx":)";
  append_num(out, mark);
  out += R"(,"midPx":)";
  append_num(out, mark);
  out += R"(,"impactPxs":[)";
  append_num(out, mark);
  out += ',';
  append_num(out, mark);
  out += R"(],"dayBaseVlm":"0.0"})";
}

std::vector<const mock_instrument*> by_index(const market_view& m) {
  std::vector<const mock_instrument*> v;
  for (const auto& i : m.instruments())
    v.push_back(&i);
  std::stable_sort(v.begin(), v.end(),
                   [](const auto* a, const auto* b) { return a->index < b->index; });
  return v;
}

void append_meta(std::string& out, const market_view& m) {
  out += R"({"universe":[)";
  bool first = true;
  for (const auto* i : by_index(m)) {
    if (!first)
      out += ',';
    first = false;
    out += R"({"szDecimals":)";
    out += std::to_string(wire::decimals_of(i->spec.lot));
    out += R"(,"name":)";
    wire::append_json_string(out, i->spec.native_symbol);
    out += R"(,"maxLeverage":)";
    out += std::to_string(i->spec.max_leverage);
    out += R"(,"marginTableId":)";
    out += std::to_string(i->spec.max_leverage);
    out += '}';
  }
  out += "]}";
}

class hyperliquid_protocol final : public venue_protocol {
public:
  std::string_view venue() const noexcept override { return "hyperliquid"; }

  std::string native_symbol(std::string_view base, const ratio& unit) const override {
    if (unit == ratio::from_units(1))
      return std::string(base);
    if (unit == ratio::from_units(1000))
      return "k" + std::string(base); // kPEPE, kSHIB
    return unit.to_string() + std::string(base);
  }

  rest_answer rest(const rest_call& call, const market_view& m) override {
    if (call.path != "/info")
      return {404, "Not Found", "text/plain"};
    if (call.method != "POST")
      return {405, "Method Not Allowed", "text/plain"};
    const rest_answer bad{422, "Failed to deserialize the JSON body into the target type",
                          "text/plain"};
    simdjson::padded_string body(call.body);
    od::document doc;
    od::object o;
    std::string_view type;
    if (parser_.iterate(body).get(doc) != SUCCESS || doc.get_object().get(o) != SUCCESS)
      return bad;
    od::value tv;
    if (o.find_field_unordered("type").get(tv) != SUCCESS || !wire::read_string(tv, type))
      return bad;
    rest_answer a;
    if (type == "meta") {
      append_meta(a.body, m);
    } else if (type == "metaAndAssetCtxs") {
      a.body += '[';
      append_meta(a.body, m);
      a.body += ",[";
      bool first = true;
      for (const auto* i : by_index(m)) {
        if (!first)
          a.body += ',';
        first = false;
        append_ctx(a.body, m.mark(i->spec.native_symbol));
      }
      a.body += "]]";
    } else if (type == "l2Book") {
      std::string coin;
      od::value cv;
      std::string_view s;
      if (o.find_field_unordered("coin").get(cv) != SUCCESS || !wire::read_string(cv, s))
        return bad;
      coin = std::string(s);
      if (!m.find(coin)) {
        a.body = "null"; // what Hyperliquid answers for an unknown coin
        return a;
      }
      append_book(a.body, coin, m.book(coin, book_depth), to_ms(m.now()));
    } else if (type == "allMids") {
      a.body += '{';
      bool first = true;
      for (const auto* i : by_index(m)) {
        const auto b = m.book(i->spec.native_symbol, 1);
        if (b.bids.empty() || b.asks.empty())
          continue;
        if (!first)
          a.body += ',';
        first = false;
        wire::append_json_string(a.body, i->spec.native_symbol);
        a.body += ':';
        price mid = price::from_raw(b.bids[0].px.raw() / 2 + b.asks[0].px.raw() / 2);
        append_num(a.body, mid);
      }
      a.body += '}';
    } else if (type == "spotMeta") {
      a.body = R"({"universe":[],"tokens":[]})";
    } else if (type == "spotMetaAndAssetCtxs") {
      a.body = R"([{"universe":[],"tokens":[]},[]])";
    } else if (type == "perpDexs") {
      a.body = "[null]";
    } else {
      return bad;
    }
    return a;
  }

  void on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                      std::vector<std::string>& out) override {
    simdjson::padded_string text(frame);
    od::document doc;
    od::object o;
    std::string_view method;
    od::value mv;
    if (parser_.iterate(text).get(doc) != SUCCESS || doc.get_object().get(o) != SUCCESS
        || o.find_field_unordered("method").get(mv) != SUCCESS
        || !wire::read_string(mv, method)) {
      out.push_back(error_frame("Error parsing JSON into valid websocket request: "
                                + std::string(frame.substr(0, 80))));
      return;
    }
    if (method == "ping") {
      out.emplace_back(R"({"channel":"pong"})");
      return;
    }
    if (method != "subscribe" && method != "unsubscribe") {
      out.push_back(error_frame("Unknown method: " + std::string(method)));
      return;
    }
    const bool sub = method == "subscribe";
    od::object so;
    std::string type, coin;
    if (o.find_field_unordered("subscription").get_object().get(so) != SUCCESS) {
      out.push_back(error_frame("Missing subscription"));
      return;
    }
    for (auto f : so) {
      od::field fld;
      std::string_view s;
      if (std::move(f).get(fld) != SUCCESS)
        break;
      if (fld.key() == "type" && wire::read_string(fld.value(), s))
        type = std::string(s);
      else if (fld.key() == "coin" && wire::read_string(fld.value(), s))
        coin = std::string(s);
    }
    std::set<std::string, std::less<>>* set = nullptr;
    if (type == "l2Book")
      set = &c.books;
    else if (type == "bbo")
      set = &c.tops;
    else if (type == "activeAssetCtx")
      set = &c.marks;
    if (!set || !m.find(coin)) {
      out.push_back(error_frame("Invalid subscription " + std::string(frame.substr(0, 120))));
      return;
    }
    if (sub) {
      set->insert(coin);
      if (set == &c.books)
        c.snapshot_due.insert(coin); // Hyperliquid pushes the book at once
    } else {
      set->erase(coin);
      if (set == &c.books)
        c.snapshot_due.erase(coin);
    }
    std::string ack = R"({"channel":"subscriptionResponse","data":{"method":")";
    ack += method;
    ack += R"(","subscription":{"type":")";
    ack += type;
    ack += R"(","coin":)";
    wire::append_json_string(ack, coin);
    ack += "}}}";
    out.push_back(std::move(ack));
    if (sub && set == &c.marks) {
      if (auto s = m.mark(coin))
        mark_frames(coin, *s, m.now(), c, out); // the current context right away
    }
  }

  void snapshot_frames(const book_snapshot& snap, ws_client& c, const market_view& m,
                       std::vector<std::string>& out) override {
    (void)c;
    std::string f = R"({"channel":"l2Book","data":)";
    append_book(f, snap.symbol, snap, to_ms(snap.exchange_ts ? snap.exchange_ts : m.now()));
    f += '}';
    out.push_back(std::move(f));
  }

  void book_frames(const book_delta& d, ws_client& c, const market_view& m,
                   std::vector<std::string>& out) override {
    // Snapshot venue: every change publishes the whole (top 20) book.
    auto b = m.book(d.symbol, book_depth);
    b.symbol = d.symbol;
    b.exchange_ts = d.exchange_ts ? d.exchange_ts : m.now();
    snapshot_frames(b, c, m, out);
  }

  void top_frames(const top_of_book& t, ws_client& c, std::vector<std::string>& out) override {
    (void)c;
    std::string f = R"({"channel":"bbo","data":{"coin":)";
    wire::append_json_string(f, t.symbol);
    f += R"(,"time":)";
    f += std::to_string(to_ms(t.exchange_ts));
    f += R"(,"bbo":[)";
    if (t.bid.qty.is_positive())
      append_level(f, t.bid);
    else
      f += "null";
    f += ',';
    if (t.ask.qty.is_positive())
      append_level(f, t.ask);
    else
      f += "null";
    f += "]}}";
    out.push_back(std::move(f));
  }

  void mark_frames(std::string_view native, const mark_state& s, timestamp_ns now,
                   ws_client& c, std::vector<std::string>& out) override {
    (void)now, (void)c;
    std::string f = R"({"channel":"activeAssetCtx","data":{"coin":)";
    wire::append_json_string(f, native);
    f += R"(,"ctx":)";
    append_ctx(f, s);
    f += "}}";
    out.push_back(std::move(f));
  }

private:
  static std::string error_frame(const std::string& msg) {
    std::string f = R"({"channel":"error","data":)";
    wire::append_json_string(f, msg);
    f += '}';
    return f;
  }

  od::parser parser_;
};

} // namespace

std::unique_ptr<venue_protocol> make_hyperliquid_protocol() {
  return std::make_unique<hyperliquid_protocol>();
}

} // namespace xarb::mock
