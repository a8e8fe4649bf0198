#include "venues/bybit/codec.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <simdjson.h>

#include "core/instrument_registry.hpp"
#include "venues/common/json_fields.hpp"
#include "venues/okx/wire.hpp"

namespace xarb::venues {
namespace {

namespace od = simdjson::ondemand;

constexpr int64_t ns_per_s = 1'000'000'000;
constexpr std::size_t topics_per_symbol = 2;  // orderbook.50, tickers
constexpr std::size_t topics_per_frame = 10;  // args per subscribe request
constexpr std::string_view ws_path = "/v5/public/linear";
constexpr std::string_view book_topic = "orderbook.50.";

venue_info make_info() {
  venue_info i;
  i.name = "bybit";
  i.sync = sync_mode::in_band;
  i.ws_mainnet = "wss://stream.bybit.com";
  i.rest_mainnet = "https://api.bybit.com";
  i.ws_testnet = "wss://stream-testnet.bybit.com";
  i.rest_testnet = "https://api-testnet.bybit.com";
  i.heartbeat.ping_interval_ns = 20 * ns_per_s; // Bybit recommends a ping every 20 s
  i.heartbeat.ping_text = R"({"op":"ping"})";
  i.heartbeat.silence_ns = 45 * ns_per_s;
  i.max_client_msgs_per_s = 5;
  i.max_streams_per_connection = 200; // no documented cap for public linear (unverified)
  i.snapshot_depth = 500;              // REST orderbook, linear: limit 1..500
  i.maker_fee = ratio::from_raw(200'000); // 0.02 % (VIP 0)
  i.taker_fee = ratio::from_raw(550'000); // 0.055 %
  return i;
}

/// What one frame said (decoded completely before anything is handed out).
struct bybit_fields {
  std::string_view topic, type, op, ret_msg, symbol_s, symbol;
  bool has_success = false, success = false;
  bool has_data = false, has_u = false;
  timestamp_ns ts = 0;
  int64_t u = 0;
  std::optional<price> mark, index;
  std::optional<ratio> rate;
  bool has_next_funding = false;
  timestamp_ns next_funding = 0;
  int32_t interval_s = 0;
};

enum class topic_kind : uint8_t { none, book, tickers, other };

topic_kind kind_of(std::string_view topic, std::string_view& symbol) {
  if (topic.rfind("orderbook.", 0) == 0) {
    const auto dot = topic.find('.', 10);
    if (dot == std::string_view::npos)
      return topic_kind::other;
    symbol = topic.substr(dot + 1);
    return topic_kind::book; // any depth: orderbook.1 / .50 / .200 ... of one symbol
  }
  if (topic.rfind("tickers.", 0) == 0) {
    symbol = topic.substr(8);
    return topic_kind::tickers;
  }
  return topic_kind::other;
}

class bybit_codec final : public md_codec {
public:
  bybit_codec() : info_(make_info()) { snap_.venue = delta_.venue = info_.name; }

  const venue_info& info() const noexcept override { return info_; }

  std::vector<http_request> instruments_requests() const override {
    http_request r;
    r.target = "/v5/market/instruments-info?category=linear&limit=1000";
    return {r};
  }

  expected<std::vector<instrument_spec>>
  parse_instruments(std::span<const std::string> bodies,
                    std::vector<std::string>* skipped) override;

  http_request snapshot_request(std::string_view native) const override {
    http_request r;
    r.target = "/v5/market/orderbook?category=linear&symbol=" + std::string{native}
               + "&limit=" + std::to_string(info_.snapshot_depth);
    return r;
  }

  expected<book_snapshot> parse_snapshot(std::string_view native,
                                         std::string_view body) override;

  std::vector<ws_plan> plan(std::span<const std::string> natives) const override;

  std::vector<std::string> resubscribe_book(std::string_view native) const override {
    const std::string topic = std::string{book_topic} + std::string{native};
    return {frame("unsubscribe", {&topic, 1}), frame("subscribe", {&topic, 1})};
  }

  void decode(std::string& frame, timestamp_ns recv_ts, md_handler& out,
              decode_result& result) override;

private:
  static std::string frame(std::string_view op, std::span<const std::string> topics);
  const char* parse(std::string& frame);
  const char* parse_data(od::value v);
  void dispatch(timestamp_ns recv_ts, md_handler& out, decode_result& r);

  venue_info info_;
  od::parser parser_;
  bybit_fields f_;
  std::vector<book_level> bids_, asks_;
  book_snapshot snap_;
  book_delta delta_;
  mark_update mark_;
};

// -- REST ---------------------------------------------------------------------------

/// {"retCode":0,"retMsg":"OK","result":{...},...}
constexpr wire::rest_keys bybit_rest{"retCode", "retMsg", "result", "0"};

/// Bybit's REST answer: `on_result(od::object)` gets the result object.
template <class F>
error_info parse_envelope(od::parser& parser, std::string_view body, std::string_view what,
                          F&& on_result) {
  return wire::parse_rest(parser, body, what, bybit_rest, [&](od::value& v) {
    od::object result;
    if (v.get_object().get(result) != simdjson::SUCCESS)
      return error_info{error_code::parse_error, std::string{what} + ": result is not an object"};
    return on_result(result);
  });
}

expected<std::vector<instrument_spec>>
bybit_codec::parse_instruments(std::span<const std::string> bodies,
                               std::vector<std::string>* skipped) {
  if (bodies.size() != 1)
    return error_info{error_code::parse_error, "bybit: expected one instruments body"};
  std::vector<wire::flat_fields> items;
  std::string cursor;
  bool has_list = false;
  auto e = parse_envelope(parser_, bodies[0], "bybit instruments", [&](od::object result) {
    for (auto fr : result) {
      od::field f;
      if (std::move(fr).get(f) != simdjson::SUCCESS)
        return error_info{error_code::parse_error, "bybit instruments: bad result"};
      if (f.key() == "list") {
        od::array arr;
        if (f.value().get_array().get(arr) != simdjson::SUCCESS)
          return error_info{error_code::parse_error, "bybit instruments: list is not an array"};
        for (auto ir : arr) {
          od::object item;
          wire::flat_fields ff;
          if (ir.get_object().get(item) != simdjson::SUCCESS || !wire::flatten(item, ff))
            return error_info{error_code::parse_error, "bybit instruments: bad item"};
          items.push_back(std::move(ff));
        }
        has_list = true;
      } else if (f.key() == "nextPageCursor") {
        std::string_view t;
        if (!wire::get_text(f.value(), t))
          return error_info{error_code::parse_error, "bybit instruments: bad cursor"};
        cursor = std::string{t};
      }
    }
    return error_info{};
  });
  if (e)
    return e;
  if (!has_list)
    return error_info{error_code::parse_error, "bybit instruments: no list"};

  auto skip = [&](std::string_view sym, std::string_view why) {
    if (skipped)
      skipped->push_back(std::string{sym} + ": " + std::string{why});
  };
  std::vector<instrument_spec> specs;
  for (const auto& ff : items) {
    const auto sym = ff.str("symbol");
    const auto type = ff.str("contractType");
    if (type != "LinearPerpetual") {
      skip(sym, "not a linear perpetual (contractType " + std::string{type} + ")");
      continue;
    }
    if (ff.str("status") != "Trading") {
      skip(sym, "not trading (status " + std::string{ff.str("status")} + ")");
      continue;
    }
    auto parsed = parse_native_symbol(style_for_venue("bybit"), sym);
    if (!parsed) {
      skip(sym, parsed.error().message);
      continue;
    }
    instrument_spec s;
    money min_notional;
    if (price::parse(ff.str("priceFilter.tickSize"), s.tick) != error_code::none
        || !s.tick.is_positive()
        || quantity::parse(ff.str("lotSizeFilter.qtyStep"), s.lot) != error_code::none
        || !s.lot.is_positive()
        || quantity::parse(ff.str("lotSizeFilter.minOrderQty"), s.min_qty) != error_code::none
        || s.min_qty.is_negative()) {
      skip(sym, "bad tickSize/qtyStep/minOrderQty");
      continue;
    }
    if (auto t = ff.str("lotSizeFilter.minNotionalValue"); !t.empty()
        && (money::parse(t, min_notional) != error_code::none || min_notional.is_negative())) {
      skip(sym, "bad minNotionalValue");
      continue;
    }
    s.venue = info_.name;
    s.native_symbol = std::string{sym};
    s.symbol = canonical_symbol(parsed->base);
    s.base = parsed->base;
    s.quote = parsed->quote;
    s.multiplier = parsed->unit;
    s.min_notional = min_notional;
    s.maker_fee = info_.maker_fee; // fees are per account (GET /v5/account/fee-rate)
    s.taker_fee = info_.taker_fee;
    s.max_leverage = static_cast<int32_t>(std::clamp<int64_t>(
      wire::int_of(ff.str("leverageFilter.maxLeverage")).value_or(0), 0, 100'000));
    // fundingInterval is in minutes (480 = 8 h).
    const auto minutes = wire::int_of(ff.str("fundingInterval")).value_or(480);
    s.funding_interval_s = minutes > 0 && minutes <= 100'000
                             ? static_cast<int32_t>(minutes * 60)
                             : 8 * 3600;
    specs.push_back(std::move(s));
  }
  if (!cursor.empty())
    skip("*", "listing has more pages (nextPageCursor " + cursor + "), not fetched");
  return specs;
}

expected<book_snapshot> bybit_codec::parse_snapshot(std::string_view native,
                                                    std::string_view body) {
  book_snapshot s;
  s.venue = info_.name;
  s.symbol = std::string{native};
  bool has_u = false;
  std::string_view sym;
  auto e = parse_envelope(parser_, body, "bybit orderbook", [&](od::object result) {
    for (auto fr : result) {
      od::field f;
      if (std::move(fr).get(f) != simdjson::SUCCESS)
        return error_info{error_code::parse_error, "bybit orderbook: bad result"};
      const char* err = nullptr;
      if (f.key() == "b")
        err = wire::read_levels(f.value(), s.bids);
      else if (f.key() == "a")
        err = wire::read_levels(f.value(), s.asks);
      else if (f.key() == "s")
        err = f.value().get_string().get(sym) != simdjson::SUCCESS ? "bad s" : nullptr;
      else if (f.key() == "ts") {
        bool present = false;
        err = wire::get_ms(f.value(), s.exchange_ts, present) ? nullptr : "bad ts";
      } else if (f.key() == "u") {
        err = json::get_u64(f.value(), s.seq) != error_code::none ? "bad u" : nullptr;
        has_u = true;
      }
      if (err)
        return error_info{error_code::parse_error, std::string{"bybit orderbook: "} + err};
    }
    return error_info{};
  });
  if (e)
    return e;
  if (!has_u)
    return error_info{error_code::parse_error, "bybit orderbook: no update id u"};
  if (sym != native)
    return error_info{error_code::unknown_symbol,
                      "bybit orderbook: book of " + std::string{sym} + ", not "
                        + std::string{native}};
  return s;
}

// -- subscriptions ----------------------------------------------------------------

std::string bybit_codec::frame(std::string_view op, std::span<const std::string> topics) {
  std::string s = R"({"op":)";
  wire::append_str(s, op);
  s += R"(,"args":[)";
  for (std::size_t i = 0; i < topics.size(); ++i) {
    if (i)
      s.push_back(',');
    wire::append_str(s, topics[i]);
  }
  s += "]}";
  return s;
}

std::vector<ws_plan> bybit_codec::plan(std::span<const std::string> natives) const {
  const std::size_t per_conn =
    std::max<std::size_t>(1, info_.max_streams_per_connection / topics_per_symbol);
  std::vector<ws_plan> out;
  for (std::size_t first = 0; first < natives.size(); first += per_conn) {
    ws_plan p;
    p.target = std::string{ws_path};
    p.books = true;
    const std::size_t last = std::min(natives.size(), first + per_conn);
    for (std::string_view prefix : {book_topic, std::string_view{"tickers."}}) {
      std::vector<std::string> topics;
      for (std::size_t i = first; i < last; ++i) {
        topics.push_back(std::string{prefix} + natives[i]);
        if (topics.size() == topics_per_frame) {
          p.subscribe.push_back(frame("subscribe", topics));
          topics.clear();
        }
      }
      if (!topics.empty())
        p.subscribe.push_back(frame("subscribe", topics));
    }
    out.push_back(std::move(p));
  }
  return out;
}

// -- decoding -------------------------------------------------------------------------

void bybit_codec::decode(std::string& frame, timestamp_ns recv_ts, md_handler& out,
                         decode_result& r) {
  begin_decode(r);
  if (const char* err = parse(frame)) {
    r.error = err;
    return;
  }
  dispatch(recv_ts, out, r);
}

const char* bybit_codec::parse(std::string& frame) {
  f_ = bybit_fields{};
  bids_.clear();
  asks_.clear();
  return json::walk_frame(parser_, frame, [&](auto k, od::value& v) -> const char* {
    const char* err = nullptr;
    bool present = false;
    if (k == "topic")
      err = v.get_string().get(f_.topic) != simdjson::SUCCESS ? "bad topic" : nullptr;
    else if (k == "type")
      err = v.get_string().get(f_.type) != simdjson::SUCCESS ? "bad type" : nullptr;
    else if (k == "ts")
      err = wire::get_ms(v, f_.ts, present) ? nullptr : "bad ts";
    else if (k == "data")
      err = parse_data(v);
    else if (k == "op")
      err = v.get_string().get(f_.op) != simdjson::SUCCESS ? "bad op" : nullptr;
    else if (k == "ret_msg")
      err = wire::get_text(v, f_.ret_msg) ? nullptr : "bad ret_msg";
    else if (k == "success") {
      err = v.get_bool().get(f_.success) != simdjson::SUCCESS ? "bad success" : nullptr;
      f_.has_success = true;
    }
    return err;
  });
}

const char* bybit_codec::parse_data(od::value v) {
  std::string_view sym;
  if (!f_.topic.empty() && kind_of(f_.topic, sym) == topic_kind::other)
    return nullptr; // trades, klines ...: skipped unread
  od::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS)
    return "data is not an object";
  f_.has_data = true;
  for (auto gr : o) {
    od::field g;
    if (std::move(gr).get(g) != simdjson::SUCCESS)
      return "bad data";
    const auto k = g.key();
    od::value& x = g.value();
    if (k == "b") {
      bids_.clear();
      if (const char* e = wire::read_levels(x, bids_))
        return e;
    } else if (k == "a") {
      asks_.clear();
      if (const char* e = wire::read_levels(x, asks_))
        return e;
    } else if (k == "u") {
      if (json::get_i64(x, f_.u) != error_code::none || f_.u < 0)
        return "bad u";
      f_.has_u = true;
    } else if (k == "s") {
      if (x.get_string().get(f_.symbol_s) != simdjson::SUCCESS)
        return "bad s";
    } else if (k == "symbol") {
      if (x.get_string().get(f_.symbol) != simdjson::SUCCESS)
        return "bad symbol";
    } else if (k == "markPrice") {
      if (!wire::get_opt_decimal(x, f_.mark))
        return "bad markPrice";
    } else if (k == "indexPrice") {
      if (!wire::get_opt_decimal(x, f_.index))
        return "bad indexPrice";
    } else if (k == "fundingRate") {
      if (!wire::get_opt_decimal(x, f_.rate, rounding::nearest))
        return "bad fundingRate";
    } else if (k == "nextFundingTime") {
      if (!wire::get_ms(x, f_.next_funding, f_.has_next_funding))
        return "bad nextFundingTime";
    } else if (k == "fundingIntervalHour") {
      if (!wire::get_interval_hours(x, f_.interval_s))
        return "bad fundingIntervalHour";
    }
  }
  return nullptr;
}

// Sequence mapping (order_book.hpp rules): snapshot seq = u; delta seq = u
// with first_seq = prev_seq = 0, so order_book requires u == last u + 1
// (Bybit: "u" is the update id, continuous per book). A new snapshot (also
// u == 1 after a service restart) replaces the book. `seq` (the matching
// engine's cross sequence) is not a per-book counter and is not used.
void bybit_codec::dispatch(timestamp_ns recv_ts, md_handler& out, decode_result& r) {
  if (f_.topic.empty()) {
    if (f_.op == "ping" || f_.op == "pong") {
      // {"success":true,"ret_msg":"pong","op":"ping"} (linear) or {"op":"pong"}
      if (f_.op == "pong" || f_.ret_msg == "pong") {
        r.kind = frame_kind::pong;
      } else {
        r.kind = frame_kind::error;
        r.error.assign("ping refused: ").append(f_.ret_msg);
      }
    } else if (f_.op == "subscribe" || f_.op == "unsubscribe") {
      if (f_.has_success && f_.success) {
        r.kind = frame_kind::ack;
      } else {
        r.kind = frame_kind::error;
        r.error.assign(f_.op).append(" failed: ").append(f_.ret_msg);
      }
    } else if (f_.op == "auth") {
      r.kind = frame_kind::info;
    } else {
      r.kind = frame_kind::ignored;
      r.error = f_.op.empty() ? std::string{"neither a topic nor an op"}
                              : "op " + std::string{f_.op};
    }
    return;
  }
  std::string_view topic_sym;
  const auto kind = kind_of(f_.topic, topic_sym);
  if (kind == topic_kind::other) {
    r.kind = frame_kind::ignored;
    r.error.assign("topic ").append(f_.topic);
    return;
  }
  if (!f_.has_data) {
    r.error = "no data";
    return;
  }
  if (kind == topic_kind::tickers) {
    if (!f_.mark && !f_.index && !f_.rate && !f_.has_next_funding && f_.interval_s == 0) {
      r.kind = frame_kind::ignored; // a delta of other fields (last price, volume ...)
      r.error = "ticker without mark or funding fields";
      return;
    }
    mark_.symbol.assign(f_.symbol.empty() ? topic_sym : f_.symbol);
    mark_.mark = f_.mark;
    mark_.index = f_.index;
    mark_.rate = f_.rate;
    mark_.interval_s = f_.interval_s;
    mark_.next_funding_ts = f_.has_next_funding ? f_.next_funding : 0;
    mark_.ts = f_.ts;
    out.on_mark(mark_);
    r.kind = frame_kind::data;
    return;
  }
  const std::string_view sym = f_.symbol_s.empty() ? topic_sym : f_.symbol_s;
  if (sym.empty() || !f_.has_u) {
    r.error = "book without symbol or update id u";
    return;
  }
  if (f_.type == "snapshot") {
    snap_.symbol.assign(sym);
    snap_.seq = static_cast<uint64_t>(f_.u);
    snap_.exchange_ts = f_.ts;
    snap_.recv_ts = recv_ts;
    snap_.bids.swap(bids_);
    snap_.asks.swap(asks_);
    out.on_snapshot(snap_);
    snap_.bids.swap(bids_);
    snap_.asks.swap(asks_);
  } else if (f_.type == "delta") {
    delta_.symbol.assign(sym);
    delta_.first_seq = 0;
    delta_.prev_seq = 0;
    delta_.seq = static_cast<uint64_t>(f_.u);
    delta_.exchange_ts = f_.ts;
    delta_.recv_ts = recv_ts;
    delta_.bids.swap(bids_);
    delta_.asks.swap(asks_);
    out.on_delta(delta_, std::nullopt);
    delta_.bids.swap(bids_);
    delta_.asks.swap(asks_);
  } else {
    r.error = "book type is neither snapshot nor delta";
    return;
  }
  r.kind = frame_kind::data;
}

} // namespace

std::unique_ptr<md_codec> make_bybit_codec() {
  return std::make_unique<bybit_codec>();
}

} // namespace xarb::venues
