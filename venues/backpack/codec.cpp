// Backpack Exchange perps codec: see codec.hpp for the sequence mapping.
// Frames are Binance-style flat events (one-letter keys, wrapped
// {"data":..,"stream":..}), scanned by venues/binance/event_scan.hpp into
// member scratch objects; times are microseconds (some fields, e.g. the
// mark stream's next funding time, carry milliseconds: units are inferred).

#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "core/instrument_registry.hpp"
#include "venues/backpack/codec.hpp"
#include "venues/binance/event_scan.hpp"
#include "venues/binance/wire.hpp"
#include "venues/common/json_fields.hpp"

namespace xarb::venues {

namespace ondemand = simdjson::ondemand;

namespace {

using detail::dec_of;
using detail::u64_of;

/// An epoch in ms, us or ns (absent gives 0); false on junk or overflow.
bool time_field(std::string_view t, timestamp_ns& out) noexcept {
  out = 0;
  if (t.empty())
    return true;
  uint64_t v = 0;
  return u64_of(t, v) && wire::any_epoch_to_ns(v, out);
}

/// Raw texts of one /api/v1/markets entry.
struct market_fields {
  std::string_view symbol, market_type, state, quote, funding_interval;
  std::string_view tick, step, min_qty, max_leverage;
  bool visible = true;
};

bool read_filter_group(ondemand::value v, market_fields& m, std::string_view group) {
  ondemand::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS)
    return true; // null filter groups are fine
  for (auto fr : o) {
    ondemand::field f;
    if (std::move(fr).get(f) != simdjson::SUCCESS)
      return false;
    const auto k = detail::raw_key(f);
    std::string_view t;
    if (!json::token_text(f.value(), t))
      continue;
    if (group == "price" && k == "tickSize")
      m.tick = t;
    else if (group == "quantity" && k == "stepSize")
      m.step = t;
    else if (group == "quantity" && k == "minQuantity")
      m.min_qty = t;
    else if (group == "leverage" && k == "maxLeverage")
      m.max_leverage = t;
  }
  return true;
}

bool read_market(ondemand::value v, market_fields& m) {
  ondemand::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS)
    return false;
  for (auto fr : o) {
    ondemand::field f;
    if (std::move(fr).get(f) != simdjson::SUCCESS)
      return false;
    const auto k = detail::raw_key(f);
    if (k == "filters") {
      ondemand::object groups;
      if (f.value().get_object().get(groups) != simdjson::SUCCESS)
        return false;
      for (auto gr : groups) {
        ondemand::field g;
        if (std::move(gr).get(g) != simdjson::SUCCESS)
          return false;
        if (!read_filter_group(g.value(), m, detail::raw_key(g)))
          return false;
      }
      continue;
    }
    if (k == "visible") {
      bool b = true;
      if (f.value().get_bool().get(b) == simdjson::SUCCESS)
        m.visible = b;
      continue;
    }
    std::string_view t;
    if (!json::token_text(f.value(), t))
      continue;
    if (k == "symbol")
      m.symbol = t;
    else if (k == "marketType")
      m.market_type = t;
    else if (k == "orderBookState")
      m.state = t;
    else if (k == "quoteSymbol")
      m.quote = t;
    else if (k == "fundingInterval")
      m.funding_interval = t;
  }
  return true;
}

class backpack_codec final : public md_codec {
public:
  backpack_codec() {
    auto& i = info_;
    i.name = "backpack";
    i.sync = sync_mode::rest_bridge;
    i.ws_mainnet = "wss://ws.backpack.exchange";
    i.rest_mainnet = "https://api.backpack.exchange";
    // No public testnet found (unverified).
    // The server pings every 60 s and closes after 120 s without a pong; our
    // pings keep the silence detector fed on quiet books.
    i.heartbeat.ws_ping_frames = true;
    i.heartbeat.ping_interval_ns = 30'000'000'000;
    i.heartbeat.silence_ns = 90'000'000'000;
    i.max_client_msgs_per_s = 5;          // no documented limit: be polite
    i.max_streams_per_connection = 200;   // no documented cap (unverified)
    i.snapshot_depth = 1000;              // the depth endpoint's default and max
    i.maker_fee = ratio::from_raw(200'000); // 0.02 % (base tier, unverified)
    i.taker_fee = ratio::from_raw(500'000); // 0.05 %
    delta_.venue = i.name;
    top_.venue = i.name;
  }

  const venue_info& info() const noexcept override { return info_; }

  std::vector<http_request> instruments_requests() const override {
    std::vector<http_request> out(1);
    out[0].target = "/api/v1/markets";
    return out;
  }

  expected<std::vector<instrument_spec>>
  parse_instruments(std::span<const std::string> bodies,
                    std::vector<std::string>* skipped) override {
    if (bodies.empty())
      return error_info{error_code::parse_error, "backpack: no markets body"};
    simdjson::padded_string text(bodies[0]);
    ondemand::document doc;
    ondemand::array arr;
    if (rest_parser_.iterate(text).get(doc) != simdjson::SUCCESS
        || doc.get_array().get(arr) != simdjson::SUCCESS)
      return error_info{error_code::parse_error, "backpack markets: not a JSON array"};
    std::vector<instrument_spec> specs;
    for (auto er : arr) {
      ondemand::value v;
      market_fields m;
      if (std::move(er).get(v) != simdjson::SUCCESS || !read_market(v, m))
        return error_info{error_code::parse_error, "backpack markets: bad market entry"};
      std::string reason;
      if (auto spec = to_spec(m, reason))
        specs.push_back(std::move(*spec));
      else if (skipped)
        skipped->push_back(std::string{m.symbol.empty() ? "?" : m.symbol} + ": " + reason);
    }
    return specs;
  }

  http_request snapshot_request(std::string_view native) const override {
    http_request r;
    r.target = fmt::format("/api/v1/depth?symbol={}&limit={}", native, info_.snapshot_depth);
    return r;
  }

  expected<book_snapshot> parse_snapshot(std::string_view native, std::string_view body) override {
    simdjson::padded_string text(body);
    ondemand::document doc;
    ondemand::object o;
    const std::string what = "backpack depth " + std::string{native};
    if (rest_parser_.iterate(text).get(doc) != simdjson::SUCCESS
        || doc.get_object().get(o) != simdjson::SUCCESS)
      return error_info{error_code::parse_error, what + ": not a JSON object"};
    book_snapshot s;
    s.venue = info_.name;
    s.symbol = std::string{native};
    bool has_id = false, has_bids = false, has_asks = false;
    std::string_view ts, err_code, err_msg;
    for (auto fr : o) {
      ondemand::field f;
      if (std::move(fr).get(f) != simdjson::SUCCESS)
        return error_info{error_code::parse_error, what + ": broken JSON"};
      const auto k = detail::raw_key(f);
      if (k == "bids" || k == "asks") {
        if (!detail::parse_levels(f.value(), k == "bids" ? s.bids : s.asks))
          return error_info{error_code::parse_error, what + ": bad " + std::string{k}};
        (k == "bids" ? has_bids : has_asks) = true;
        continue;
      }
      std::string_view t;
      if (!json::token_text(f.value(), t))
        continue;
      if (k == "lastUpdateId") // a string ("94978271") or a number
        has_id = u64_of(t, s.seq);
      else if (k == "timestamp")
        ts = t;
      else if (k == "code")
        err_code = t;
      else if (k == "message")
        err_msg = t;
    }
    if (!err_code.empty() && !has_id)
      return error_info{error_code::venue_unavailable,
                        fmt::format("{}: error {} {}", what, err_code, err_msg)};
    if (!has_id || !has_bids || !has_asks)
      return error_info{error_code::parse_error, what + ": lastUpdateId/bids/asks missing"};
    if (!time_field(ts, s.exchange_ts))
      return error_info{error_code::parse_error, what + ": bad timestamp"};
    detail::normalize_book_sides(s.bids, s.asks); // bids arrive lowest first
    return s;
  }

  std::vector<ws_plan> plan(std::span<const std::string> natives) const override {
    std::vector<ws_plan> out;
    const std::size_t cap = std::max<std::size_t>(info_.max_streams_per_connection, 2);
    for (std::size_t i = 0; i < natives.size(); i += cap / 2) {
      std::vector<std::string> streams;
      for (std::size_t j = i; j < natives.size() && j < i + cap / 2; ++j) {
        streams.push_back("depth." + natives[j]);
        streams.push_back("bookTicker." + natives[j]);
      }
      out.push_back(ws_plan{"/", subscribe_frames(streams), true});
    }
    for (std::size_t i = 0; i < natives.size(); i += cap) {
      std::vector<std::string> streams;
      for (std::size_t j = i; j < natives.size() && j < i + cap; ++j)
        streams.push_back("markPrice." + natives[j]);
      out.push_back(ws_plan{"/", subscribe_frames(streams), false});
    }
    return out;
  }

  std::vector<std::string> resubscribe_book(std::string_view) const override { return {}; }

  void decode(std::string& frame, timestamp_ns recv_ts, md_handler& out,
              decode_result& res) override {
    res.reply.clear();
    res.error.clear();
    if (!detail::scan_frame(parser_, frame, sf_, delta_.bids, delta_.asks))
      return fail(res, frame_kind::malformed, sf_.bad_what);
    if (!sf_.e.empty())
      return decode_event(recv_ts, out, res);
    if (sf_.has_error) { // {"id":null,"error":{"code":4006,"message":"Invalid stream"}}
      res.kind = frame_kind::error;
      res.error = fmt::format("backpack error {}: {}", sf_.error_code, sf_.error_msg);
      return;
    }
    if (sf_.has_result && sf_.has_id) { // not seen from the venue; accepted if it comes
      res.kind = frame_kind::ack;
      return;
    }
    fail(res, frame_kind::ignored, "no event type");
  }

private:
  static void fail(decode_result& res, frame_kind k, const char* why) {
    res.kind = k;
    res.error = why ? why : "?";
  }

  void decode_event(timestamp_ns recv_ts, md_handler& out, decode_result& res) {
    const auto& f = sf_;
    if (f.e == "depth") {
      auto& d = delta_;
      if (f.levels_bad)
        return fail(res, frame_kind::malformed, f.bad_what);
      if (f.s.empty() || !f.levels_b || !f.levels_a)
        return fail(res, frame_kind::malformed, "depth without s/b/a");
      if (!u64_of(f.U, d.first_seq) || !u64_of(f.u, d.seq) || d.seq < d.first_seq
          || d.first_seq == 0)
        return fail(res, frame_kind::malformed, "depth with bad U/u");
      d.prev_seq = d.first_seq - 1; // U == previous u + 1
      if (!time_field(f.T.empty() ? f.E : f.T, d.exchange_ts))
        return fail(res, frame_kind::malformed, "depth with bad time");
      d.symbol.assign(f.s);
      d.recv_ts = recv_ts;
      res.kind = frame_kind::data;
      out.on_delta(d, std::nullopt);
      return;
    }
    if (f.e == "bookTicker") {
      auto& t = top_;
      if (const char* bad = detail::read_book_ticker(f, time_field, t))
        return fail(res, frame_kind::malformed, bad);
      t.recv_ts = recv_ts;
      res.kind = frame_kind::data;
      out.on_top(t);
      return;
    }
    if (f.e == "markPrice") {
      auto& m = mark_;
      if (const char* bad = detail::read_mark_price(f, f.f, f.n, time_field, m)) {
        res.kind = frame_kind::malformed;
        res.error = "markPrice with bad ";
        res.error += bad;
        return;
      }
      res.kind = frame_kind::data;
      out.on_mark(m);
      return;
    }
    res.kind = frame_kind::ignored;
    res.error = "event ";
    res.error.append(f.e.substr(0, 40));
    res.error += " not handled";
  }

  static std::vector<std::string> subscribe_frames(const std::vector<std::string>& streams) {
    constexpr std::size_t per = 50;
    std::vector<std::string> frames;
    for (std::size_t i = 0; i < streams.size(); i += per) {
      std::string f = R"({"method":"SUBSCRIBE","params":[)";
      for (std::size_t j = i; j < streams.size() && j < i + per; ++j) {
        if (j > i)
          f += ',';
        f += '"';
        f += streams[j];
        f += '"';
      }
      f += "]}";
      frames.push_back(std::move(f));
    }
    return frames;
  }

  std::optional<instrument_spec> to_spec(const market_fields& m, std::string& reason) const {
    if (m.symbol.empty()) {
      reason = "no symbol";
      return std::nullopt;
    }
    if (m.market_type != "PERP") {
      reason = fmt::format("not a perpetual (marketType {})", m.market_type);
      return std::nullopt;
    }
    if (m.state != "Open") {
      reason = fmt::format("not trading (orderBookState {})", m.state);
      return std::nullopt;
    }
    if (!m.visible) {
      reason = "not visible";
      return std::nullopt;
    }
    auto parsed = parse_native_symbol(style_for_venue(info_.name), m.symbol);
    if (!parsed) {
      reason = parsed.error().message;
      return std::nullopt;
    }
    if (!m.quote.empty() && m.quote != parsed->quote) {
      reason = fmt::format("quoteSymbol {} does not match the symbol", m.quote);
      return std::nullopt;
    }
    instrument_spec spec;
    spec.venue = info_.name;
    spec.native_symbol = std::string{m.symbol};
    spec.base = parsed->base;
    spec.quote = parsed->quote;
    spec.symbol = canonical_symbol(spec.base);
    spec.multiplier = parsed->unit;
    if (!dec_of(m.tick, spec.tick) || !spec.tick.is_positive() || !dec_of(m.step, spec.lot)
        || !spec.lot.is_positive()) {
      reason = "no valid filters.price.tickSize / filters.quantity.stepSize";
      return std::nullopt;
    }
    if (!m.min_qty.empty() && !dec_of(m.min_qty, spec.min_qty)) {
      reason = "bad filters.quantity.minQuantity";
      return std::nullopt;
    }
    spec.min_notional = money::zero(); // none published
    spec.maker_fee = info_.maker_fee;
    spec.taker_fee = info_.taker_fee;
    spec.max_leverage = 0; // the leverage filter was removed from /markets (2025-03-19)
    if (ratio lev; dec_of(m.max_leverage, lev, rounding::down) && lev.is_positive())
      spec.max_leverage = static_cast<int32_t>(std::min<int64_t>(lev.raw() / decimal_scale, 1000));
    // fundingInterval is in ms; hourly when absent (Backpack's usual).
    spec.funding_interval_s = 3600;
    if (uint64_t ms = 0; u64_of(m.funding_interval, ms) && ms >= 1000 && ms <= 7ULL * 86'400'000)
      spec.funding_interval_s = static_cast<int32_t>(ms / 1000);
    return spec;
  }

  venue_info info_;
  ondemand::parser parser_;
  ondemand::parser rest_parser_;
  detail::scanned_frame sf_;
  book_delta delta_;
  top_of_book top_;
  mark_update mark_;
};

} // namespace

std::unique_ptr<md_codec> make_backpack_codec() { return std::make_unique<backpack_codec>(); }

} // namespace xarb::venues
