// Binance-style futures codec (Binance USD-M, Aster): see binance_style.hpp
// for the sequence mapping. Frames are scanned in one pass
// (event_scan.hpp) into member scratch objects, so decode() does not
// allocate once warm.

#include <charconv>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "core/instrument_registry.hpp"
#include "venues/binance/binance_style.hpp"
#include "venues/binance/event_scan.hpp"
#include "venues/binance/wire.hpp"
#include "venues/common/json_fields.hpp"

namespace xarb::venues {

namespace ondemand = simdjson::ondemand;

namespace {

using detail::dec_of;
using detail::u64_of;

/// Milliseconds text to ns; absent gives 0. False on junk or overflow.
bool ms_field(std::string_view t, timestamp_ns& out) noexcept {
  out = 0;
  if (t.empty())
    return true;
  uint64_t v = 0;
  return u64_of(t, v) && wire::scale_to_ns(v, 1'000'000, out);
}

/// Fields of one exchangeInfo symbol, as raw texts.
struct symbol_fields {
  std::string_view symbol, contract_type, status, quote_asset;
  std::string_view tick, step, min_qty, notional;
};

bool read_filter(ondemand::value v, symbol_fields& s) {
  ondemand::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS)
    return false;
  std::string_view type, tick, step, min_qty, notional;
  for (auto fr : o) {
    ondemand::field f;
    if (std::move(fr).get(f) != simdjson::SUCCESS)
      return false;
    const auto k = detail::raw_key(f);
    std::string_view t;
    if (!json::token_text(f.value(), t))
      continue;
    if (k == "filterType")
      type = t;
    else if (k == "tickSize")
      tick = t;
    else if (k == "stepSize")
      step = t;
    else if (k == "minQty")
      min_qty = t;
    else if (k == "notional" || k == "minNotional")
      notional = t;
  }
  if (type == "PRICE_FILTER") {
    s.tick = tick;
  } else if (type == "LOT_SIZE") {
    s.step = step;
    s.min_qty = min_qty;
  } else if (type == "MIN_NOTIONAL") {
    s.notional = notional;
  }
  return true;
}

bool read_symbol(ondemand::value v, symbol_fields& s) {
  ondemand::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS)
    return false;
  for (auto fr : o) {
    ondemand::field f;
    if (std::move(fr).get(f) != simdjson::SUCCESS)
      return false;
    const auto k = detail::raw_key(f);
    if (k == "filters") {
      ondemand::array arr;
      if (f.value().get_array().get(arr) != simdjson::SUCCESS)
        return false;
      for (auto er : arr) {
        ondemand::value fv;
        if (std::move(er).get(fv) != simdjson::SUCCESS || !read_filter(fv, s))
          return false;
      }
      continue;
    }
    std::string_view t;
    if (!json::token_text(f.value(), t))
      continue;
    if (k == "symbol")
      s.symbol = t;
    else if (k == "contractType")
      s.contract_type = t;
    else if (k == "status")
      s.status = t;
    else if (k == "quoteAsset")
      s.quote_asset = t;
  }
  return true;
}

class binance_style_codec final : public md_codec {
public:
  explicit binance_style_codec(binance_style_options o) : opt_(std::move(o)) {
    delta_.venue = opt_.info.name;
    top_.venue = opt_.info.name;
  }

  const venue_info& info() const noexcept override { return opt_.info; }

  std::vector<http_request> instruments_requests() const override {
    std::vector<http_request> out(2);
    out[0].target = opt_.rest_prefix + "/exchangeInfo";
    out[1].target = opt_.rest_prefix + "/fundingInfo"; // per-symbol funding intervals
    return out;
  }

  expected<std::vector<instrument_spec>>
  parse_instruments(std::span<const std::string> bodies,
                    std::vector<std::string>* skipped) override {
    if (bodies.empty())
      return error_info{error_code::parse_error, "no exchangeInfo body"};
    std::map<std::string, int32_t, std::less<>> intervals;
    if (bodies.size() >= 2)
      if (auto e = parse_funding_info(bodies[1], intervals); e)
        return e;
    simdjson::padded_string text(bodies[0]);
    ondemand::document doc;
    ondemand::object top;
    if (rest_parser_.iterate(text).get(doc) != simdjson::SUCCESS
        || doc.get_object().get(top) != simdjson::SUCCESS)
      return error_info{error_code::parse_error, opt_.info.name + " exchangeInfo: not a JSON object"};
    std::vector<instrument_spec> specs;
    bool seen_symbols = false;
    std::string_view err_code, err_msg;
    for (auto fr : top) {
      ondemand::field f;
      if (std::move(fr).get(f) != simdjson::SUCCESS)
        return error_info{error_code::parse_error, opt_.info.name + " exchangeInfo: broken JSON"};
      const auto k = detail::raw_key(f);
      if (k == "code" || k == "msg") {
        std::string_view t;
        if (json::token_text(f.value(), t))
          (k == "code" ? err_code : err_msg) = t;
        continue;
      }
      if (k != "symbols")
        continue;
      ondemand::array arr;
      if (f.value().get_array().get(arr) != simdjson::SUCCESS)
        return error_info{error_code::parse_error, opt_.info.name + " exchangeInfo: symbols is not an array"};
      seen_symbols = true;
      for (auto er : arr) {
        ondemand::value sv;
        symbol_fields s;
        if (std::move(er).get(sv) != simdjson::SUCCESS || !read_symbol(sv, s))
          return error_info{error_code::parse_error, opt_.info.name + " exchangeInfo: bad symbol entry"};
        std::string reason;
        if (auto spec = to_spec(s, intervals, reason))
          specs.push_back(std::move(*spec));
        else if (skipped)
          skipped->push_back(std::string{s.symbol.empty() ? "?" : s.symbol} + ": " + reason);
      }
    }
    if (!seen_symbols)
      return error_info{error_code::parse_error,
                        fmt::format("{} exchangeInfo: no symbols (code {} {})", opt_.info.name,
                                    err_code, err_msg)};
    return specs;
  }

  http_request snapshot_request(std::string_view native) const override {
    http_request r;
    r.target = fmt::format("{}/depth?symbol={}&limit={}", opt_.rest_prefix, native,
                           opt_.info.snapshot_depth);
    return r;
  }

  expected<book_snapshot> parse_snapshot(std::string_view native, std::string_view body) override {
    simdjson::padded_string text(body);
    ondemand::document doc;
    ondemand::object o;
    const std::string what = opt_.info.name + " depth " + std::string{native};
    if (rest_parser_.iterate(text).get(doc) != simdjson::SUCCESS
        || doc.get_object().get(o) != simdjson::SUCCESS)
      return error_info{error_code::parse_error, what + ": not a JSON object"};
    book_snapshot s;
    s.venue = opt_.info.name;
    s.symbol = std::string{native};
    bool has_id = false, has_bids = false, has_asks = false;
    std::string_view e_ms, t_ms, err_code, err_msg;
    for (auto fr : o) {
      ondemand::field f;
      if (std::move(fr).get(f) != simdjson::SUCCESS)
        return error_info{error_code::parse_error, what + ": broken JSON"};
      const auto k = detail::raw_key(f);
      if (k == "bids" || k == "asks") {
        auto& side = k == "bids" ? s.bids : s.asks;
        if (!detail::parse_levels(f.value(), side))
          return error_info{error_code::parse_error, what + ": bad " + std::string{k}};
        (k == "bids" ? has_bids : has_asks) = true;
        continue;
      }
      std::string_view t;
      if (!json::token_text(f.value(), t))
        continue;
      if (k == "lastUpdateId")
        has_id = u64_of(t, s.seq);
      else if (k == "E")
        e_ms = t;
      else if (k == "T")
        t_ms = t;
      else if (k == "code")
        err_code = t;
      else if (k == "msg")
        err_msg = t;
    }
    if (!err_msg.empty() && !has_id)
      return error_info{err_code == "-1121" ? error_code::unknown_symbol : error_code::venue_unavailable,
                        fmt::format("{}: error {} {}", what, err_code, err_msg)};
    if (!has_id || !has_bids || !has_asks)
      return error_info{error_code::parse_error, what + ": lastUpdateId/bids/asks missing"};
    if (!ms_field(t_ms.empty() ? e_ms : t_ms, s.exchange_ts))
      return error_info{error_code::parse_error, what + ": bad timestamp"};
    detail::normalize_book_sides(s.bids, s.asks);
    return s;
  }

  std::vector<ws_plan> plan(std::span<const std::string> natives) const override {
    std::vector<ws_plan> out;
    const std::size_t cap = std::max<std::size_t>(opt_.info.max_streams_per_connection, 2);
    const std::size_t per_book = opt_.book_ticker ? cap / 2 : cap;
    for (std::size_t i = 0; i < natives.size(); i += per_book) {
      std::vector<std::string> streams;
      for (std::size_t j = i; j < natives.size() && j < i + per_book; ++j) {
        const auto low = wire::to_lower(natives[j]);
        streams.push_back(low + opt_.depth_suffix);
        if (opt_.book_ticker)
          streams.push_back(low + "@bookTicker");
      }
      out.push_back(ws_plan{opt_.book_target, subscribe_frames(streams), true});
    }
    for (std::size_t i = 0; i < natives.size(); i += cap) {
      std::vector<std::string> streams;
      for (std::size_t j = i; j < natives.size() && j < i + cap; ++j)
        streams.push_back(wire::to_lower(natives[j]) + opt_.mark_suffix);
      out.push_back(ws_plan{opt_.mark_target, subscribe_frames(streams), false});
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
    if (sf_.has_error) {
      res.kind = frame_kind::error;
      res.error = fmt::format("{} error {}: {}", opt_.info.name, sf_.error_code, sf_.error_msg);
      return;
    }
    if (sf_.has_result && sf_.has_id) {
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
    if (f.e == "depthUpdate") {
      // U = first update id, u = final, pu = previous event's final.
      auto& d = delta_;
      if (f.levels_bad)
        return fail(res, frame_kind::malformed, f.bad_what);
      if (f.s.empty() || !f.levels_b || !f.levels_a)
        return fail(res, frame_kind::malformed, "depthUpdate without s/b/a");
      d.prev_seq = 0;
      if (!u64_of(f.U, d.first_seq) || !u64_of(f.u, d.seq) || d.seq < d.first_seq
          || (!f.pu.empty() && !u64_of(f.pu, d.prev_seq)))
        return fail(res, frame_kind::malformed, "depthUpdate with bad U/u/pu");
      if (!ms_field(f.T.empty() ? f.E : f.T, d.exchange_ts))
        return fail(res, frame_kind::malformed, "depthUpdate with bad time");
      d.symbol.assign(f.s);
      d.recv_ts = recv_ts;
      res.kind = frame_kind::data;
      out.on_delta(d, std::nullopt);
      return;
    }
    if (f.e == "bookTicker") {
      auto& t = top_;
      if (const char* bad = detail::read_book_ticker(f, ms_field, t))
        return fail(res, frame_kind::malformed, bad);
      t.recv_ts = recv_ts;
      res.kind = frame_kind::data;
      out.on_top(t);
      return;
    }
    if (f.e == "markPriceUpdate") {
      auto& m = mark_;
      if (const char* bad = detail::read_mark_price(f, f.r, f.T, ms_field, m)) {
        res.kind = frame_kind::malformed;
        res.error = "markPriceUpdate with bad ";
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

  std::vector<std::string> subscribe_frames(const std::vector<std::string>& streams) const {
    std::vector<std::string> frames;
    const std::size_t per = std::max<std::size_t>(opt_.params_per_frame, 1);
    int id = 1;
    for (std::size_t i = 0; i < streams.size(); i += per) {
      std::string f = R"({"method":"SUBSCRIBE","params":[)";
      for (std::size_t j = i; j < streams.size() && j < i + per; ++j) {
        if (j > i)
          f += ',';
        f += '"';
        f += streams[j];
        f += '"';
      }
      f += fmt::format(R"(],"id":{}}})", id++);
      frames.push_back(std::move(f));
    }
    return frames;
  }

  error_info parse_funding_info(const std::string& body,
                                std::map<std::string, int32_t, std::less<>>& intervals) {
    simdjson::padded_string text(body);
    ondemand::document doc;
    ondemand::array arr;
    if (rest_parser_.iterate(text).get(doc) != simdjson::SUCCESS
        || doc.get_array().get(arr) != simdjson::SUCCESS)
      return error_info{error_code::parse_error, opt_.info.name + " fundingInfo: not a JSON array"};
    for (auto er : arr) {
      ondemand::object o;
      if (er.get_object().get(o) != simdjson::SUCCESS)
        return error_info{error_code::parse_error, opt_.info.name + " fundingInfo: bad entry"};
      std::string_view sym;
      uint64_t hours = 0;
      for (auto fr : o) {
        ondemand::field f;
        if (std::move(fr).get(f) != simdjson::SUCCESS)
          return error_info{error_code::parse_error, opt_.info.name + " fundingInfo: broken JSON"};
        const auto k = detail::raw_key(f);
        std::string_view t;
        if (!json::token_text(f.value(), t))
          continue;
        if (k == "symbol")
          sym = t;
        else if (k == "fundingIntervalHours" && !u64_of(t, hours))
          hours = 0;
      }
      if (!sym.empty() && hours > 0 && hours <= 24 * 7)
        intervals[std::string{sym}] = static_cast<int32_t>(hours * 3600);
    }
    return {};
  }

  std::optional<instrument_spec>
  to_spec(const symbol_fields& s, const std::map<std::string, int32_t, std::less<>>& intervals,
          std::string& reason) const {
    if (s.symbol.empty()) {
      reason = "no symbol";
      return std::nullopt;
    }
    if (s.contract_type != "PERPETUAL") {
      reason = fmt::format("not a perpetual (contractType {})", s.contract_type);
      return std::nullopt;
    }
    if (s.status != "TRADING") {
      reason = fmt::format("not trading (status {})", s.status);
      return std::nullopt;
    }
    auto parsed = parse_native_symbol(style_for_venue(opt_.info.name), s.symbol);
    if (!parsed) {
      reason = parsed.error().message;
      return std::nullopt;
    }
    if (!s.quote_asset.empty() && s.quote_asset != parsed->quote) {
      reason = fmt::format("quoteAsset {} does not match the symbol", s.quote_asset);
      return std::nullopt;
    }
    instrument_spec spec;
    spec.venue = opt_.info.name;
    spec.native_symbol = std::string{s.symbol};
    spec.base = parsed->base;
    spec.quote = parsed->quote;
    spec.symbol = canonical_symbol(spec.base);
    spec.multiplier = parsed->unit;
    if (!dec_of(s.tick, spec.tick) || !spec.tick.is_positive() || !dec_of(s.step, spec.lot)
        || !spec.lot.is_positive()) {
      reason = "no valid PRICE_FILTER.tickSize / LOT_SIZE.stepSize";
      return std::nullopt;
    }
    if (!s.min_qty.empty() && !dec_of(s.min_qty, spec.min_qty)) {
      reason = "bad LOT_SIZE.minQty";
      return std::nullopt;
    }
    if (!s.notional.empty() && !dec_of(s.notional, spec.min_notional)) {
      reason = "bad MIN_NOTIONAL.notional";
      return std::nullopt;
    }
    spec.maker_fee = opt_.info.maker_fee;
    spec.taker_fee = opt_.info.taker_fee;
    spec.max_leverage = 0; // leverageBracket is a signed endpoint
    auto it = intervals.find(s.symbol);
    spec.funding_interval_s = it == intervals.end() ? 8 * 3600 : it->second;
    return spec;
  }

  binance_style_options opt_;
  ondemand::parser parser_;      // hot path (stream frames)
  ondemand::parser rest_parser_; // listing and snapshots (large documents)
  detail::scanned_frame sf_;
  book_delta delta_;
  top_of_book top_;
  mark_update mark_;
};

} // namespace

binance_style_options binance_codec_options() {
  binance_style_options o;
  auto& i = o.info;
  i.name = "binance";
  i.sync = sync_mode::rest_bridge;
  i.ws_mainnet = "wss://fstream.binance.com";
  i.rest_mainnet = "https://fapi.binance.com";
  // Testnet hosts are in flux (demo trading migration): unverified.
  i.ws_testnet = "wss://fstream.binancefuture.com";
  i.rest_testnet = "https://testnet.binancefuture.com";
  // The server pings every 3 min; our WS pings keep NATs and the silence
  // detector honest (unsolicited pongs/pings are allowed).
  i.heartbeat.ws_ping_frames = true;
  i.heartbeat.ping_interval_ns = 30'000'000'000;
  i.heartbeat.silence_ns = 90'000'000'000;
  i.max_client_msgs_per_s = 5;           // limit 10/s incl. pings: stay well below
  i.max_streams_per_connection = 1024;   // documented cap
  i.snapshot_depth = 1000;
  i.maker_fee = ratio::from_raw(200'000);  // 0.02 % (VIP 0)
  i.taker_fee = ratio::from_raw(500'000);  // 0.05 %
  return o;
}

std::unique_ptr<md_codec> make_binance_style_codec(binance_style_options options) {
  return std::make_unique<binance_style_codec>(std::move(options));
}

} // namespace xarb::venues
