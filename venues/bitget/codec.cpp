#include "venues/bitget/codec.hpp"

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
constexpr std::size_t channels_per_symbol = 3; // books, books1, ticker
constexpr std::string_view ws_path = "/v2/ws/public";
constexpr std::string_view inst_type = "USDT-FUTURES";

venue_info make_info() {
  venue_info i;
  i.name = "bitget";
  i.sync = sync_mode::in_band;
  i.ws_mainnet = "wss://ws.bitget.com";
  i.rest_mainnet = "https://api.bitget.com";
  // No public testnet: demo trading uses paper "S" product types (unverified).
  i.heartbeat.ping_interval_ns = 30 * ns_per_s; // the server closes after 2 min without one
  i.heartbeat.ping_text = "ping";
  i.heartbeat.silence_ns = 65 * ns_per_s;
  i.max_client_msgs_per_s = 5;        // documented limit 10 messages/s per connection
  i.max_streams_per_connection = 48;  // Bitget recommends < 50 channels per connection
  i.snapshot_depth = 100;             // merge-depth default
  i.maker_fee = ratio::from_raw(200'000); // 0.02 %
  i.taker_fee = ratio::from_raw(600'000); // 0.06 %
  return i;
}

constexpr int64_t ten_to(int64_t e) {
  int64_t r = 1;
  while (e-- > 0)
    r *= 10;
  return r;
}

bool is_our_channel(std::string_view c) {
  return c == "books" || c == "books1" || c == "books5" || c == "books15" || c == "ticker";
}

struct bitget_fields {
  std::string_view event, channel, arg_inst, data_inst, action, code, msg;
  bool has_arg = false;
  int data_items = 0;
  bool has_seq = false, has_checksum = false;
  timestamp_ns ts = 0;
  int64_t seq = 0, checksum = 0;
  std::optional<price> mark, index;
  std::optional<ratio> rate;
  bool has_next_funding = false;
  timestamp_ns next_funding = 0;
  int32_t interval_s = 0;
};

class bitget_codec final : public md_codec {
public:
  bitget_codec() : info_(make_info()) {
    snap_.venue = delta_.venue = top_.venue = info_.name;
  }

  const venue_info& info() const noexcept override { return info_; }

  std::vector<http_request> instruments_requests() const override {
    http_request r;
    r.target = "/api/v2/mix/market/contracts?productType=USDT-FUTURES";
    return {r};
  }

  expected<std::vector<instrument_spec>>
  parse_instruments(std::span<const std::string> bodies,
                    std::vector<std::string>* skipped) override;

  http_request snapshot_request(std::string_view native) const override {
    http_request r;
    // No `limit`: its values are 1/5/15/50/max, the default is 100 levels.
    r.target = "/api/v2/mix/market/merge-depth?symbol=" + std::string{native}
               + "&productType=USDT-FUTURES&precision=scale0";
    return r;
  }

  expected<book_snapshot> parse_snapshot(std::string_view native,
                                         std::string_view body) override;

  std::vector<ws_plan> plan(std::span<const std::string> natives) const override;

  std::vector<std::string> resubscribe_book(std::string_view native) const override {
    const std::string n{native};
    return {frame("unsubscribe", "books", {&n, 1}), frame("subscribe", "books", {&n, 1})};
  }

  void decode(std::string& frame, timestamp_ns recv_ts, md_handler& out,
              decode_result& result) override;

private:
  static std::string frame(std::string_view op, std::string_view channel,
                           std::span<const std::string> insts);
  const char* parse(std::string& frame);
  const char* parse_arg(od::value v);
  const char* parse_data(od::value v);
  void dispatch(timestamp_ns recv_ts, md_handler& out, decode_result& r);

  venue_info info_;
  od::parser parser_;
  bitget_fields f_;
  std::vector<book_level> bids_, asks_;
  book_snapshot snap_;
  book_delta delta_;
  top_of_book top_;
  mark_update mark_;
};

// -- REST ---------------------------------------------------------------------------

/// {"code":"00000","msg":"success","requestTime":..,"data":...}
constexpr wire::rest_keys bitget_rest{"code", "msg", "data", "00000"};

expected<std::vector<instrument_spec>>
bitget_codec::parse_instruments(std::span<const std::string> bodies,
                                std::vector<std::string>* skipped) {
  if (bodies.size() != 1)
    return error_info{error_code::parse_error, "bitget: expected one contracts body"};
  std::vector<wire::flat_fields> items;
  auto e = wire::parse_rest(parser_, bodies[0], "bitget contracts", bitget_rest, [&](od::value& v) {
    od::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS)
      return error_info{error_code::parse_error, "bitget contracts: data is not an array"};
    for (auto ir : arr) {
      od::object item;
      wire::flat_fields ff;
      if (ir.get_object().get(item) != simdjson::SUCCESS || !wire::flatten(item, ff))
        return error_info{error_code::parse_error, "bitget contracts: bad item"};
      items.push_back(std::move(ff));
    }
    return error_info{};
  });
  if (e)
    return e;

  auto skip = [&](std::string_view sym, std::string_view why) {
    if (skipped)
      skipped->push_back(std::string{sym} + ": " + std::string{why});
  };
  std::vector<instrument_spec> specs;
  for (const auto& ff : items) {
    const auto sym = ff.str("symbol");
    if (ff.str("symbolType") != "perpetual") {
      skip(sym, "not a perpetual (symbolType " + std::string{ff.str("symbolType")} + ")");
      continue;
    }
    if (ff.str("symbolStatus") != "normal") {
      skip(sym, "not trading (symbolStatus " + std::string{ff.str("symbolStatus")} + ")");
      continue;
    }
    auto parsed = parse_native_symbol(style_for_venue("bitget"), sym);
    if (!parsed) {
      skip(sym, parsed.error().message);
      continue;
    }
    // tick = priceEndStep x 10^-pricePlace
    const auto place = wire::int_of(ff.str("pricePlace"));
    const auto end_step = wire::int_of(ff.str("priceEndStep"));
    int64_t tick_raw = 0;
    if (!place || *place < 0 || *place > 9 || !end_step || *end_step <= 0
        || __builtin_mul_overflow(*end_step, ten_to(9 - *place), &tick_raw)) {
      skip(sym, "bad pricePlace/priceEndStep");
      continue;
    }
    instrument_spec s;
    s.tick = price::from_raw(tick_raw);
    // lot = sizeMultiplier (else 10^-volumePlace)
    if (auto t = ff.get("sizeMultiplier"); t && !t->empty()) {
      if (quantity::parse(*t, s.lot) != error_code::none)
        s.lot = quantity{};
    } else if (auto vp = wire::int_of(ff.str("volumePlace")); vp && *vp >= 0 && *vp <= 9) {
      s.lot = quantity::from_raw(ten_to(9 - *vp));
    }
    if (!s.lot.is_positive()
        || quantity::parse(ff.str("minTradeNum"), s.min_qty) != error_code::none
        || s.min_qty.is_negative()) {
      skip(sym, "bad sizeMultiplier/volumePlace/minTradeNum");
      continue;
    }
    if (auto t = ff.str("minTradeUSDT"); !t.empty()
        && (money::parse(t, s.min_notional) != error_code::none || s.min_notional.is_negative())) {
      skip(sym, "bad minTradeUSDT");
      continue;
    }
    s.maker_fee = info_.maker_fee;
    s.taker_fee = info_.taker_fee;
    if ((!ff.str("makerFeeRate").empty()
         && ratio::parse(ff.str("makerFeeRate"), s.maker_fee) != error_code::none)
        || (!ff.str("takerFeeRate").empty()
            && ratio::parse(ff.str("takerFeeRate"), s.taker_fee) != error_code::none)) {
      skip(sym, "bad makerFeeRate/takerFeeRate");
      continue;
    }
    s.venue = info_.name;
    s.native_symbol = std::string{sym};
    s.symbol = canonical_symbol(parsed->base);
    s.base = parsed->base;
    s.quote = parsed->quote;
    s.multiplier = parsed->unit;
    s.max_leverage = static_cast<int32_t>(
      std::clamp<int64_t>(wire::int_of(ff.str("maxLever")).value_or(0), 0, 100'000));
    const auto hours = wire::int_of(ff.str("fundInterval")).value_or(8); // hours
    s.funding_interval_s = hours > 0 && hours <= 10'000 ? static_cast<int32_t>(hours * 3600)
                                                        : 8 * 3600;
    specs.push_back(std::move(s));
  }
  return specs;
}

expected<book_snapshot> bitget_codec::parse_snapshot(std::string_view native,
                                                     std::string_view body) {
  book_snapshot s;
  s.venue = info_.name;
  s.symbol = std::string{native};
  auto e = wire::parse_rest(parser_, body, "bitget merge-depth", bitget_rest, [&](od::value& v) {
    od::object o;
    if (v.get_object().get(o) != simdjson::SUCCESS)
      return error_info{error_code::parse_error, "bitget merge-depth: data is not an object"};
    for (auto fr : o) {
      od::field f;
      if (std::move(fr).get(f) != simdjson::SUCCESS)
        return error_info{error_code::parse_error, "bitget merge-depth: bad data"};
      const char* err = nullptr;
      if (f.key() == "asks") // numbers here, strings on the WS
        err = wire::read_levels(f.value(), s.asks);
      else if (f.key() == "bids")
        err = wire::read_levels(f.value(), s.bids);
      else if (f.key() == "ts") {
        bool present = false;
        err = wire::get_ms(f.value(), s.exchange_ts, present) ? nullptr : "bad ts";
      }
      if (err)
        return error_info{error_code::parse_error, std::string{"bitget merge-depth: "} + err};
    }
    return error_info{};
  });
  if (e)
    return e;
  return s; // seq 0: the REST depth carries no sequence
}

// -- subscriptions ------------------------------------------------------------------

std::string bitget_codec::frame(std::string_view op, std::string_view channel,
                                std::span<const std::string> insts) {
  std::string s = R"({"op":)";
  wire::append_str(s, op);
  s += R"(,"args":[)";
  for (std::size_t i = 0; i < insts.size(); ++i) {
    if (i)
      s.push_back(',');
    s += R"({"instType":)";
    wire::append_str(s, inst_type);
    s += R"(,"channel":)";
    wire::append_str(s, channel);
    s += R"(,"instId":)";
    wire::append_str(s, insts[i]);
    s.push_back('}');
  }
  s += "]}";
  return s;
}

std::vector<ws_plan> bitget_codec::plan(std::span<const std::string> natives) const {
  const std::size_t per_conn =
    std::max<std::size_t>(1, info_.max_streams_per_connection / channels_per_symbol);
  std::vector<ws_plan> out;
  for (std::size_t first = 0; first < natives.size(); first += per_conn) {
    ws_plan p;
    p.target = std::string{ws_path};
    p.books = true;
    const auto chunk = natives.subspan(first, std::min(per_conn, natives.size() - first));
    for (std::string_view channel : {"books", "books1", "ticker"})
      p.subscribe.push_back(frame("subscribe", channel, chunk));
    out.push_back(std::move(p));
  }
  return out;
}

// -- decoding ---------------------------------------------------------------------------

void bitget_codec::decode(std::string& frame, timestamp_ns recv_ts, md_handler& out,
                          decode_result& r) {
  begin_decode(r);
  if (text_keepalive(frame, r))
    return;
  if (const char* err = parse(frame)) {
    r.error = err;
    return;
  }
  dispatch(recv_ts, out, r);
}

const char* bitget_codec::parse(std::string& frame) {
  f_ = bitget_fields{};
  bids_.clear();
  asks_.clear();
  return wire::walk_okx_frame(
    parser_, frame, f_, [&](od::value& v) { return parse_arg(v); },
    [&](od::value& v) { return parse_data(v); });
}

const char* bitget_codec::parse_arg(od::value v) {
  od::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS)
    return "arg is not an object";
  for (auto fr : o) {
    od::field f;
    if (std::move(fr).get(f) != simdjson::SUCCESS)
      return "bad arg";
    if (f.key() == "channel") {
      if (f.value().get_string().get(f_.channel) != simdjson::SUCCESS)
        return "bad arg.channel";
    } else if (f.key() == "instId") {
      if (f.value().get_string().get(f_.arg_inst) != simdjson::SUCCESS)
        return "bad arg.instId";
    }
  }
  f_.has_arg = true;
  return nullptr;
}

const char* bitget_codec::parse_data(od::value v) {
  if (f_.has_arg && !is_our_channel(f_.channel)) {
    f_.data_items = 1; // trades, candles ...: skipped unread
    return nullptr;
  }
  return wire::walk_data_item(v, f_.data_items, [&](auto k, od::value& x) -> const char* {
    bool present = false;
    if (k == "asks") {
      asks_.clear();
      if (const char* e = wire::read_levels(x, asks_))
        return e;
    } else if (k == "bids") {
      bids_.clear();
      if (const char* e = wire::read_levels(x, bids_))
        return e;
    } else if (k == "ts") {
      if (!wire::get_ms(x, f_.ts, present))
        return "bad ts";
    } else if (k == "seq") {
      if (json::get_i64(x, f_.seq) != error_code::none || f_.seq < 0)
        return "bad seq";
      f_.has_seq = true;
    } else if (k == "checksum") {
      if (json::get_i64(x, f_.checksum) != error_code::none || f_.checksum < INT32_MIN
          || f_.checksum > INT32_MAX)
        return "bad checksum";
      f_.has_checksum = true;
    } else if (k == "instId") {
      if (x.get_string().get(f_.data_inst) != simdjson::SUCCESS)
        return "bad instId";
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
    } else if (k == "fundingRateInterval") { // hours, where sent (unverified on WS)
      if (!wire::get_interval_hours(x, f_.interval_s))
        return "bad fundingRateInterval";
    }
    return nullptr;
  });
}

// Sequence mapping (order_book.hpp rules): snapshot seq = `seq` (0 when
// absent, as in books5); update seq = `seq`, prev_seq = 0 and first_seq = 1.
// Bitget documents `seq` only as increasing ("can be used to determine
// whether there is out-of-order packets"), not as consecutive, so the
// update must only be newer than the book (first_seq = 1 passes the overlap
// rule; older or duplicate updates are ignored); the integrity check is the
// CRC32 `checksum` of every update, passed on when non-zero (the snapshot's
// is not usable). books1 pushes are BBO snapshots; books5/books15 pushes are
// depth-limited full snapshots.
void bitget_codec::dispatch(timestamp_ns recv_ts, md_handler& out, decode_result& r) {
  if (!f_.event.empty()) {
    if (f_.event == "subscribe" || f_.event == "unsubscribe") {
      r.kind = frame_kind::ack;
    } else if (f_.event == "error") {
      r.kind = frame_kind::error;
      r.error.assign(f_.code).append(": ").append(f_.msg);
    } else if (f_.event == "login") {
      r.kind = frame_kind::info;
    } else {
      r.kind = frame_kind::ignored;
      r.error.assign("event ").append(f_.event);
    }
    return;
  }
  if (!f_.has_arg) {
    r.kind = frame_kind::ignored;
    r.error = "neither an event nor a channel push";
    return;
  }
  if (!is_our_channel(f_.channel)) {
    r.kind = frame_kind::ignored;
    r.error.assign("channel ").append(f_.channel);
    return;
  }
  if (f_.data_items == 0) {
    r.error = "no data";
    return;
  }
  const std::string_view inst = f_.data_inst.empty() ? f_.arg_inst : f_.data_inst;
  if (inst.empty()) {
    r.error = "no instId";
    return;
  }
  if (f_.channel == "ticker") {
    if (!f_.mark && !f_.index && !f_.rate && !f_.has_next_funding) {
      r.error = "ticker without mark or funding";
      return;
    }
    mark_.symbol.assign(inst);
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
  if (f_.channel == "books1") {
    top_.symbol.assign(inst);
    top_.seq = static_cast<uint64_t>(f_.seq);
    top_.bid = bids_.empty() ? book_level{} : bids_.front();
    top_.ask = asks_.empty() ? book_level{} : asks_.front();
    top_.exchange_ts = f_.ts;
    top_.recv_ts = recv_ts;
    out.on_top(top_);
    r.kind = frame_kind::data;
    return;
  }
  const bool snapshot = f_.action == "snapshot" || f_.channel != "books";
  if (!snapshot && f_.action != "update") {
    r.error = "unknown action";
    return;
  }
  if (snapshot) {
    snap_.symbol.assign(inst);
    snap_.seq = static_cast<uint64_t>(f_.seq);
    snap_.exchange_ts = f_.ts;
    snap_.recv_ts = recv_ts;
    snap_.bids.swap(bids_);
    snap_.asks.swap(asks_);
    out.on_snapshot(snap_);
    snap_.bids.swap(bids_);
    snap_.asks.swap(asks_);
    r.kind = frame_kind::data;
    return;
  }
  if (!f_.has_seq || f_.seq == 0) {
    r.error = "update without seq";
    return;
  }
  delta_.symbol.assign(inst);
  delta_.first_seq = 1;
  delta_.prev_seq = 0;
  delta_.seq = static_cast<uint64_t>(f_.seq);
  delta_.exchange_ts = f_.ts;
  delta_.recv_ts = recv_ts;
  delta_.bids.swap(bids_);
  delta_.asks.swap(asks_);
  std::optional<int32_t> checksum;
  if (f_.has_checksum && f_.checksum != 0)
    checksum = static_cast<int32_t>(f_.checksum);
  out.on_delta(delta_, checksum);
  delta_.bids.swap(bids_);
  delta_.asks.swap(asks_);
  r.kind = frame_kind::data;
}

} // namespace

std::unique_ptr<md_codec> make_bitget_codec() {
  return std::make_unique<bitget_codec>();
}

} // namespace xarb::venues
