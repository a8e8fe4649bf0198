#include "venues/lighter/mock_protocol.hpp"

#include <algorithm>
#include <charconv>
#include <map>
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

constexpr int32_t hourly = 3600;

int64_t to_ms(timestamp_ns t) { return t / wire::ns_per_ms; }
int64_t to_us(timestamp_ns t) { return t / wire::ns_per_us; }

/// Lighter prints fixed decimals ("2325.00", "99.0000"); keeps any extra
/// digit rather than rounding it away.
template <class Fixed>
std::string fixed_text(Fixed v, int decimals) {
  return v.to_string(std::max(decimals, wire::decimals_of(v)));
}

/// Percent with at least 4 decimals ("0.0012"), exact.
std::string percent_text(ratio fraction) {
  __extension__ __int128 raw = static_cast<__int128>(fraction.raw()) * 100;
  if (raw > INT64_MAX || raw < -INT64_MAX)
    raw = 0;
  const ratio pct = ratio::from_raw(static_cast<int64_t>(raw));
  return pct.to_string(std::max(4, wire::decimals_of(pct.abs())));
}

struct market_ref {
  const mock_instrument* inst = nullptr;
  int price_dec = 2;
  int size_dec = 4;
};

market_ref ref_of(const mock_instrument* i) {
  market_ref r;
  r.inst = i;
  if (i) {
    r.price_dec = wire::decimals_of(i->spec.tick);
    r.size_dec = wire::decimals_of(i->spec.lot);
  }
  return r;
}

const mock_instrument* by_id(const market_view& m, uint32_t id) {
  for (const auto& i : m.instruments())
    if (i.index == id)
      return &i;
  return nullptr;
}

bool parse_id(std::string_view s, uint32_t& id) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  return ec == std::errc{} && end == s.data() + s.size() && !s.empty();
}

void append_levels(std::string& out, const std::vector<book_level>& v, const market_ref& r) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i)
      out += ',';
    out += R"({"price":")";
    out += fixed_text(v[i].px, r.price_dec);
    out += R"(","size":")";
    out += fixed_text(v[i].qty, r.size_dec);
    out += "\"}";
  }
  out += ']';
}

/// The full book/update message of order_book/{id}.
std::string book_message(const market_ref& r, const std::vector<book_level>& bids,
                         const std::vector<book_level>& asks, uint64_t nonce,
                         uint64_t begin_nonce, uint64_t offset, timestamp_ns ts, bool snapshot) {
  const auto id = std::to_string(r.inst->index);
  const auto us = std::to_string(to_us(ts));
  std::string f = R"({"channel":"order_book:)" + id + R"(","last_updated_at":)" + us
                  + R"(,"offset":)" + std::to_string(offset) + R"(,"order_book":{"code":0,"asks":)";
  append_levels(f, asks, r);
  f += R"(,"bids":)";
  append_levels(f, bids, r);
  f += R"(,"offset":)" + std::to_string(offset) + R"(,"nonce":)" + std::to_string(nonce)
       + R"(,"last_updated_at":)" + us + R"(,"begin_nonce":)" + std::to_string(begin_nonce)
       + R"(},"timestamp":)" + std::to_string(to_ms(ts)) + R"(,"type":")"
       + (snapshot ? "subscribed/order_book" : "update/order_book") + "\"}";
  return f;
}

std::string stats_message(const mock_instrument& i, const mark_state& s, timestamp_ns now,
                          bool subscribed) {
  const auto r = ref_of(&i);
  const auto hourly_rate = wire::rescale_rate(s.rate, s.interval_s, hourly);
  const auto id = std::to_string(i.index);
  const auto next = s.next_funding_ts ? s.next_funding_ts : wire::next_hour_after(now);
  std::string f = R"({"channel":"market_stats:)" + id + R"(","market_stats":{"symbol":)";
  wire::append_json_string(f, i.spec.native_symbol);
  f += R"(,"market_id":)" + id + R"(,"index_price":")" + fixed_text(s.index, r.price_dec)
       + R"(","mark_price":")" + fixed_text(s.mark, r.price_dec) + R"(","mid_price":")"
       + fixed_text(s.mark, r.price_dec)
       + R"(","open_interest":"0.0000","open_interest_limit":"72057594037927936.000000",)"
         R"("funding_clamp_small":"0.0500","funding_clamp_big":"4.0000","last_trade_price":")"
       + fixed_text(s.mark, r.price_dec) + R"(","current_funding_rate":")"
       + percent_text(hourly_rate) + R"(","funding_rate":")" + percent_text(hourly_rate)
       + R"(","funding_timestamp":)" + std::to_string(to_ms(next))
       + R"(,"daily_base_token_volume":0,"daily_quote_token_volume":0,"daily_price_low":0,)"
         R"("daily_price_high":0,"daily_price_change":0},"timestamp":)"
       + std::to_string(to_ms(now)) + R"(,"type":")"
       + (subscribed ? "subscribed/market_stats" : "update/market_stats") + "\"}";
  return f;
}

std::string error_message(int code, std::string_view msg) {
  std::string f = R"({"error":{"code":)" + std::to_string(code) + R"(,"message":)";
  wire::append_json_string(f, msg);
  f += "}}";
  return f;
}

rest_answer rest_error(int status, int code, std::string_view msg) {
  std::string body = R"({"code":)" + std::to_string(code) + R"(,"message":)";
  wire::append_json_string(body, msg);
  body += '}';
  return {status, std::move(body)};
}

/// One orderBookDetails / orderBooks entry.
void append_details(std::string& out, const mock_instrument& i, bool full) {
  const auto& s = i.spec;
  const auto r = ref_of(&i);
  out += R"({"symbol":)";
  wire::append_json_string(out, s.native_symbol);
  out += R"(,"market_id":)" + std::to_string(i.index)
         + R"(,"market_type":"perp","base_asset_id":0,"quote_asset_id":0,"status":"active","taker_fee":")"
         + percent_text(s.taker_fee) + R"(","maker_fee":")" + percent_text(s.maker_fee)
         + R"(","liquidation_fee":"1.0000","min_base_amount":")"
         + fixed_text(s.min_qty, r.size_dec) + R"(","min_quote_amount":")"
         + fixed_text(s.min_notional, 6) + R"(","supported_size_decimals":)"
         + std::to_string(r.size_dec) + R"(,"supported_price_decimals":)"
         + std::to_string(r.price_dec) + R"(,"supported_quote_decimals":6)";
  if (full) {
    const int lev = s.max_leverage > 0 ? s.max_leverage : 1;
    out += R"(,"size_decimals":)" + std::to_string(r.size_dec) + R"(,"price_decimals":)"
           + std::to_string(r.price_dec) + R"(,"quote_multiplier":1,"default_initial_margin_fraction":)"
           + std::to_string(10000 / std::max(1, std::min(lev, 20)))
           + R"(,"min_initial_margin_fraction":)" + std::to_string(10000 / lev)
           + R"(,"maintenance_margin_fraction":)" + std::to_string(10000 / lev * 6 / 10)
           + R"(,"closeout_margin_fraction":)" + std::to_string(10000 / lev * 4 / 10)
           + R"(,"last_trade_price":0,"daily_trades_count":0,"daily_base_token_volume":0,)"
             R"("daily_quote_token_volume":0,"daily_price_low":0,"daily_price_high":0,)"
             R"("daily_price_change":0,"open_interest":0,"daily_chart":{},"market_config":{}})";
  } else {
    out += '}';
  }
}

class lighter_protocol final : public venue_protocol {
public:
  std::string_view venue() const noexcept override { return "lighter"; }

  std::string native_symbol(std::string_view base, const ratio& unit) const override {
    if (unit == ratio::from_units(1))
      return std::string(base);
    return unit.to_string() + std::string(base); // 1000PEPE
  }

  rest_answer rest(const rest_call& call, const market_view& m) override {
    remember(m);
    if (call.method != "GET")
      return rest_error(405, 20001, "method not allowed");
    const mock_instrument* only = nullptr;
    if (auto it = call.query.find("market_id"); it != call.query.end()) {
      uint32_t id = 0;
      if (!parse_id(it->second, id) || !(only = by_id(m, id)))
        return rest_error(400, 21100, "invalid market id");
    }
    if (call.path == "/api/v1/orderBookDetails" || call.path == "/api/v1/orderBooks") {
      const bool details = call.path == "/api/v1/orderBookDetails";
      std::string body = details ? R"({"code":200,"order_book_details":[)"
                                 : R"({"code":200,"order_books":[)";
      bool first = true;
      for (const auto& i : m.instruments()) {
        if (only && only != &i)
          continue;
        if (!first)
          body += ',';
        first = false;
        append_details(body, i, details);
      }
      body += details ? R"(],"spot_order_book_details":[]})" : "]}";
      return {200, std::move(body)};
    }
    if (call.path == "/api/v1/orderBookOrders") {
      if (!only)
        return rest_error(400, 20001, "market_id is required");
      std::size_t limit = 100;
      if (auto it = call.query.find("limit"); it != call.query.end()) {
        uint32_t l = 0;
        if (!parse_id(it->second, l) || l == 0 || l > 250)
          return rest_error(400, 20001, "invalid limit");
        limit = l;
      }
      const auto b = m.book(only->spec.native_symbol, limit);
      const auto r = ref_of(only);
      // Order-level answer: one resting order per simulated level.
      uint64_t order = 281474976710656ULL + static_cast<uint64_t>(only->index) * 1'000'000;
      auto side = [&](const std::vector<book_level>& v) {
        std::string s = "[";
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (i)
            s += ',';
          const auto id = std::to_string(++order);
          const auto sz = fixed_text(v[i].qty, r.size_dec);
          s += R"({"order_index":)" + id + R"(,"order_id":")" + id
               + R"(","owner_account_index":1,"initial_base_amount":")" + sz
               + R"(","remaining_base_amount":")" + sz + R"(","price":")"
               + fixed_text(v[i].px, r.price_dec) + R"(","order_expiry":0,"transaction_time":0})";
        }
        return s + "]";
      };
      std::string body = R"({"code":200,"total_asks":)" + std::to_string(b.asks.size())
                         + R"(,"asks":)" + side(b.asks) + R"(,"total_bids":)"
                         + std::to_string(b.bids.size()) + R"(,"bids":)" + side(b.bids) + "}";
      return {200, std::move(body)};
    }
    if (call.path == "/api/v1/funding-rates") {
      // Shape as hummingbot reads it (unverified): rates in percent per hour.
      std::string body = R"({"code":200,"funding_rates":[)";
      bool first = true;
      for (const auto& i : m.instruments()) {
        auto s = m.mark(i.spec.native_symbol);
        if (!s)
          continue;
        if (!first)
          body += ',';
        first = false;
        body += R"({"market_id":)" + std::to_string(i.index) + R"(,"exchange":"lighter","symbol":)";
        wire::append_json_string(body, i.spec.native_symbol);
        body += R"(,"rate":")" + percent_text(wire::rescale_rate(s->rate, s->interval_s, hourly))
                + "\"}";
      }
      body += "]}";
      return {200, std::move(body)};
    }
    return rest_error(404, 404, "not found");
  }

  void on_open(ws_client& c, const market_view& m, std::vector<std::string>& out) override {
    remember(m);
    c.counters["offset"] = 0;
    out.push_back(R"({"session_id":"mock-)" + std::to_string(++sessions_) + R"(","type":"connected"})");
  }

  void on_client_text(std::string_view frame, ws_client& c, const market_view& m,
                      std::vector<std::string>& out) override {
    remember(m);
    simdjson::padded_string text(frame);
    od::document doc;
    od::object o;
    std::string_view type, channel;
    if (parser_.iterate(text).get(doc) != SUCCESS || doc.get_object().get(o) != SUCCESS) {
      out.push_back(error_message(30001, "invalid message"));
      return;
    }
    for (auto f : o) {
      od::field fld;
      if (std::move(f).get(fld) != SUCCESS) {
        out.push_back(error_message(30001, "invalid message"));
        return;
      }
      if (fld.key() == "type")
        (void)wire::read_string(fld.value(), type);
      else if (fld.key() == "channel")
        (void)wire::read_string(fld.value(), channel);
    }
    if (type == "ping") {
      out.emplace_back(R"({"type":"pong"})");
      return;
    }
    if (type != "subscribe" && type != "unsubscribe") {
      out.push_back(error_message(30002, "invalid type"));
      return;
    }
    const auto slash = channel.find('/');
    uint32_t id = 0;
    const mock_instrument* inst = nullptr;
    const std::string_view name = channel.substr(0, slash);
    if (slash == std::string_view::npos || !parse_id(channel.substr(slash + 1), id)
        || !(inst = by_id(m, id)) || (name != "order_book" && name != "market_stats")) {
      out.push_back(error_message(30005, "Invalid Channel: " + std::string(channel)));
      return;
    }
    const std::string native = inst->spec.native_symbol;
    auto& set = name == "order_book" ? c.books : c.marks;
    if (type == "unsubscribe") {
      set.erase(native);
      c.snapshot_due.erase(native);
      out.push_back(R"({"channel":")" + std::string(name) + ":" + std::to_string(id)
                    + R"(","type":"unsubscribed/)" + std::string(name) + "\"}");
      return;
    }
    set.insert(native);
    if (name == "order_book") {
      c.snapshot_due.insert(native); // the snapshot is the subscription's answer
    } else if (auto s = m.mark(native)) {
      out.push_back(stats_message(*inst, *s, m.now(), true));
    }
  }

  void snapshot_frames(const book_snapshot& snap, ws_client& c, const market_view& m,
                       std::vector<std::string>& out) override {
    remember(m);
    const auto r = ref_of(m.find(snap.symbol));
    if (!r.inst)
      return;
    const auto off = ++c.counters["offset"];
    out.push_back(book_message(r, snap.bids, snap.asks, snap.seq, 0, off,
                               snap.exchange_ts ? snap.exchange_ts : m.now(), true));
  }

  void book_frames(const book_delta& d, ws_client& c, const market_view& m,
                   std::vector<std::string>& out) override {
    remember(m);
    const auto r = ref_of(m.find(d.symbol));
    if (!r.inst)
      return;
    // begin_nonce = the nonce the previous update ended with.
    const uint64_t begin = d.prev_seq   ? d.prev_seq
                           : d.first_seq ? d.first_seq - 1
                           : d.seq ? d.seq - 1 : 0;
    const auto off = ++c.counters["offset"];
    out.push_back(book_message(r, d.bids, d.asks, d.seq, begin, off,
                               d.exchange_ts ? d.exchange_ts : m.now(), false));
  }

  void mark_frames(std::string_view native, const mark_state& s, timestamp_ns now,
                   ws_client& c, std::vector<std::string>& out) override {
    (void)c;
    // mark_frames gets no market_view: the market id comes from the listing
    // seen by the earlier calls (ids are stable for a mock market).
    auto it = listing_.find(native);
    if (it == listing_.end())
      return;
    out.push_back(stats_message(it->second, s, now, false));
  }

private:
  /// Keeps a copy of the listing for mark_frames().
  void remember(const market_view& m) {
    if (listing_.size() == m.instruments().size())
      return;
    listing_.clear();
    for (const auto& i : m.instruments())
      listing_.emplace(i.spec.native_symbol, i);
  }

  od::parser parser_;
  uint64_t sessions_ = 0;
  std::map<std::string, mock_instrument, std::less<>> listing_;
};

} // namespace

std::unique_ptr<venue_protocol> make_lighter_protocol() {
  return std::make_unique<lighter_protocol>();
}

} // namespace xarb::mock
