#include "venues/hyperliquid/codec.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "core/instrument_registry.hpp"
#include "venues/common/json_fields.hpp"
#include "venues/hyperliquid/json_util.hpp"

namespace xarb::venues {
namespace {

namespace od = simdjson::ondemand;
using simdjson::SUCCESS;

constexpr std::string_view venue_name = "hyperliquid";
constexpr int32_t funding_interval = 3600; // Hyperliquid pays funding hourly

venue_info make_info() {
  venue_info v;
  v.name = std::string(venue_name);
  v.sync = sync_mode::snapshots;
  v.ws_mainnet = "wss://api.hyperliquid.xyz";
  v.rest_mainnet = "https://api.hyperliquid.xyz";
  v.ws_testnet = "wss://api.hyperliquid-testnet.xyz";
  v.rest_testnet = "https://api.hyperliquid-testnet.xyz";
  // SDK pings every 50 s; idle connections are closed after ~60 s.
  v.heartbeat.ping_interval_ns = 50'000'000'000LL;
  v.heartbeat.ping_text = R"({"method":"ping"})";
  v.heartbeat.silence_ns = 60'000'000'000LL;
  // 2000 client messages per minute per IP; 1000 subscriptions per IP.
  v.max_client_msgs_per_s = 20;
  v.max_streams_per_connection = 300;
  v.snapshot_depth = 20; // l2Book is ~20 levels per side, WS and REST alike
  v.maker_fee = ratio::from_raw(150'000);  // 0.015 % base tier
  v.taker_fee = ratio::from_raw(450'000);  // 0.045 %
  return v;
}

/// [{px,sz,n}, ...] into `out`. False on a missing or invalid field.
bool parse_levels(od::value v, std::vector<book_level>& out) {
  out.clear();
  od::array arr;
  if (v.get_array().get(arr) != SUCCESS)
    return false;
  for (auto el : arr) {
    od::object o;
    if (el.get_object().get(o) != SUCCESS)
      return false;
    book_level lv;
    bool px = false, sz = false;
    for (auto f : o) {
      od::field fld;
      if (std::move(f).get(fld) != SUCCESS)
        return false;
      if (fld.key() == "px") {
        if (!wire::read_decimal(fld.value(), lv.px, rounding::exact))
          return false;
        px = true;
      } else if (fld.key() == "sz") {
        if (!wire::read_decimal(fld.value(), lv.qty, rounding::exact))
          return false;
        sz = true;
      }
    }
    if (!px || !sz)
      return false;
    out.push_back(lv);
  }
  return true;
}

/// One {px,sz,n} or null into `out` (null = empty side, qty 0).
bool parse_bbo_level(od::value v, book_level& out) {
  out = book_level{};
  if (v.is_null())
    return true;
  od::object o;
  if (v.get_object().get(o) != SUCCESS)
    return false;
  bool px = false, sz = false;
  for (auto f : o) {
    od::field fld;
    if (std::move(f).get(fld) != SUCCESS)
      return false;
    if (fld.key() == "px") {
      px = wire::read_decimal(fld.value(), out.px, rounding::exact);
      if (!px)
        return false;
    } else if (fld.key() == "sz") {
      sz = wire::read_decimal(fld.value(), out.qty, rounding::exact);
      if (!sz)
        return false;
    }
  }
  return px && sz;
}

class hyperliquid_codec final : public md_codec {
public:
  hyperliquid_codec() : info_(make_info()) {
    snap_.venue = info_.name;
    top_.venue = info_.name;
    snap_.bids.reserve(64);
    snap_.asks.reserve(64);
  }

  const venue_info& info() const noexcept override { return info_; }

  std::vector<http_request> instruments_requests() const override {
    http_request r;
    r.method = "POST";
    r.target = "/info";
    r.body = R"({"type":"meta"})";
    r.headers.emplace_back("Content-Type", "application/json");
    return {r};
  }

  expected<std::vector<instrument_spec>>
  parse_instruments(std::span<const std::string> bodies,
                    std::vector<std::string>* skipped) override {
    if (bodies.empty())
      return error_info{error_code::parse_error, "hyperliquid: no meta body"};
    // Copy: the listing is parsed once, off the hot path.
    simdjson::padded_string text(bodies[0]);
    od::parser parser;
    od::document doc;
    if (parser.iterate(text).get(doc) != SUCCESS)
      return error_info{error_code::parse_error, "hyperliquid: meta is not JSON"};
    // {"type":"meta"} gives {universe:[...]}; {"type":"metaAndAssetCtxs"}
    // gives [meta, [ctx...]]: accept both.
    od::object meta;
    od::json_type type;
    if (doc.type().get(type) != SUCCESS)
      return error_info{error_code::parse_error, "hyperliquid: meta is not JSON"};
    if (type == od::json_type::array) {
      od::array arr;
      if (doc.get_array().get(arr) != SUCCESS)
        return error_info{error_code::parse_error, "hyperliquid: bad metaAndAssetCtxs"};
      auto first = arr.at(0);
      if (first.get_object().get(meta) != SUCCESS)
        return error_info{error_code::parse_error, "hyperliquid: bad metaAndAssetCtxs"};
    } else if (doc.get_object().get(meta) != SUCCESS) {
      return error_info{error_code::parse_error, "hyperliquid: meta is not an object"};
    }
    od::array universe;
    if (meta.find_field_unordered("universe").get_array().get(universe) != SUCCESS)
      return error_info{error_code::parse_error, "hyperliquid: meta has no universe"};

    std::vector<instrument_spec> out;
    std::map<std::string, uint32_t, std::less<>> index;
    uint32_t i = 0;
    for (auto el : universe) {
      const uint32_t asset = i++;
      od::object o;
      if (el.get_object().get(o) != SUCCESS)
        return error_info{error_code::parse_error, "hyperliquid: universe entry is not an object"};
      std::string name;
      int64_t sz_dec = -1, max_lev = 0;
      bool delisted = false;
      for (auto f : o) {
        od::field fld;
        if (std::move(f).get(fld) != SUCCESS)
          return error_info{error_code::parse_error, "hyperliquid: bad universe entry"};
        std::string_view s;
        if (fld.key() == "name") {
          if (wire::read_string(fld.value(), s))
            name = std::string(s);
        } else if (fld.key() == "szDecimals") {
          if (!wire::read_i64(fld.value(), sz_dec))
            sz_dec = -1;
        } else if (fld.key() == "maxLeverage") {
          if (!wire::read_i64(fld.value(), max_lev))
            max_lev = 0;
        } else if (fld.key() == "isDelisted") {
          bool b = false;
          if (fld.value().get_bool().get(b) == SUCCESS)
            delisted = b;
        }
      }
      auto skip = [&](std::string_view why) {
        if (skipped)
          skipped->push_back((name.empty() ? "#" + std::to_string(asset) : name) + ": "
                             + std::string(why));
      };
      if (name.empty()) {
        skip("no name");
        continue;
      }
      index[name] = asset; // the asset index exists even for skipped coins
      if (delisted) {
        skip("delisted");
        continue;
      }
      if (sz_dec < 0 || sz_dec > 6) {
        skip("szDecimals missing or out of range");
        continue;
      }
      auto sym = parse_native_symbol(style_for_venue(venue_name), name);
      if (!sym) {
        skip("not a perp symbol (" + sym.error().message + ")");
        continue;
      }
      instrument_spec s;
      s.venue = info_.name;
      s.native_symbol = name;
      s.symbol = canonical_symbol(sym->base);
      s.base = sym->base;
      s.quote = sym->quote;
      s.multiplier = sym->unit;
      s.tick = hyperliquid_tick(static_cast<int>(sz_dec));
      s.lot = wire::pow10_step<quantity>(static_cast<int>(sz_dec));
      s.min_qty = s.lot;
      s.min_notional = money::from_units(10); // $10 minimum order value
      s.maker_fee = info_.maker_fee;
      s.taker_fee = info_.taker_fee;
      s.max_leverage = max_lev > 0 && max_lev < 1000 ? static_cast<int32_t>(max_lev) : 0;
      s.funding_interval_s = funding_interval;
      out.push_back(std::move(s));
    }
    assets_ = std::move(index);
    return out;
  }

  http_request snapshot_request(std::string_view native) const override {
    http_request r;
    r.method = "POST";
    r.target = "/info";
    r.body = R"({"type":"l2Book","coin":)";
    wire::append_json_string(r.body, native);
    r.body += '}';
    r.headers.emplace_back("Content-Type", "application/json");
    return r;
  }

  expected<book_snapshot> parse_snapshot(std::string_view native,
                                         std::string_view body) override {
    std::string copy(body);
    od::document doc;
    od::object o;
    fields_ = {};
    if (parser_.iterate(json::padded(copy)).get(doc) != SUCCESS
        || doc.get_object().get(o) != SUCCESS)
      return error_info{error_code::parse_error, "hyperliquid l2Book: not a JSON object"};
    std::string err;
    if (!parse_data(o, err))
      return error_info{error_code::parse_error, "hyperliquid l2Book: " + err};
    if (!fields_.levels || fields_.time < 0 || fields_.coin != native
        || !wire::scale_time(fields_.time, wire::ns_per_ms, snap_.exchange_ts))
      return error_info{error_code::parse_error,
                        "hyperliquid l2Book: coin, time or levels missing for "
                          + std::string(native)};
    snap_.symbol.assign(native);
    snap_.seq = static_cast<uint64_t>(fields_.time);
    snap_.recv_ts = 0;
    return snap_;
  }

  std::vector<ws_plan> plan(std::span<const std::string> natives) const override {
    std::vector<ws_plan> out;
    const std::size_t per_coin = 3;
    const std::size_t cap = std::max<std::size_t>(1, info_.max_streams_per_connection / per_coin);
    for (std::size_t i = 0; i < natives.size(); ++i) {
      if (i % cap == 0) {
        out.emplace_back();
        out.back().target = "/ws";
        out.back().books = true;
      }
      for (std::string_view type : {"l2Book", "bbo", "activeAssetCtx"}) {
        std::string f = R"({"method":"subscribe","subscription":{"type":")";
        f += type;
        f += R"(","coin":)";
        wire::append_json_string(f, natives[i]);
        f += "}}";
        out.back().subscribe.push_back(std::move(f));
      }
    }
    return out;
  }

  std::vector<std::string> resubscribe_book(std::string_view) const override { return {}; }

  // Frames are read in ONE pass over the root object into scratch fields
  // (keys in any order; the data keys of l2Book, bbo and activeAssetCtx are
  // disjoint), and the handler is called only after the whole frame was
  // iterated: a truncated frame is malformed, never half-delivered.
  void decode(std::string& frame, timestamp_ns recv_ts, md_handler& out,
              decode_result& r) override {
    begin_decode(r);
    fields_ = {};
    std::string_view channel, message;
    bool data_object = false;
    // Field parsers that fill r.error themselves answer "".
    const char* bad = json::walk_frame(parser_, frame, [&](auto key, od::value& v) -> const char* {
      if (key == "channel")
        return wire::read_string(v, channel) ? nullptr : "channel is not a string";
      if (key != "data")
        return nullptr;
      od::json_type t;
      if (v.type().get(t) != SUCCESS)
        return "bad data";
      if (t == od::json_type::object) {
        od::object o;
        if (v.get_object().get(o) != SUCCESS || !parse_data(o, r.error))
          return "";
        data_object = true;
      } else if (t == od::json_type::string) {
        if (!wire::read_string(v, message))
          return "bad data";
      }
      return nullptr;
    });
    if (bad) {
      if (*bad != '\0')
        r.error = bad;
      return;
    }
    if (channel.empty()) {
      r.error = "no channel";
      return;
    }
    if (channel == "l2Book") {
      if (!data_object || fields_.coin.empty() || !fields_.levels || fields_.time < 0
          || !wire::scale_time(fields_.time, wire::ns_per_ms, snap_.exchange_ts)) {
        r.error = "l2Book: coin, time or levels missing";
        return;
      }
      snap_.symbol.assign(fields_.coin);
      snap_.seq = static_cast<uint64_t>(fields_.time); // no sequence numbers: time orders books
      snap_.recv_ts = recv_ts;
      out.on_snapshot(snap_);
      r.kind = frame_kind::data;
    } else if (channel == "bbo") {
      if (!data_object || fields_.coin.empty() || !fields_.bbo || fields_.time < 0
          || !wire::scale_time(fields_.time, wire::ns_per_ms, top_.exchange_ts)) {
        r.error = "bbo: coin, time or bbo missing";
        return;
      }
      top_.symbol.assign(fields_.coin);
      top_.seq = static_cast<uint64_t>(fields_.time);
      top_.recv_ts = recv_ts;
      out.on_top(top_);
      r.kind = frame_kind::data;
    } else if (channel == "activeAssetCtx") {
      if (!data_object || fields_.coin.empty() || !fields_.ctx) {
        r.error = "activeAssetCtx: coin or ctx missing";
        return;
      }
      if (!mark_.mark && !mark_.rate) {
        r.kind = frame_kind::ignored;
        r.error = "activeAssetCtx without mark or funding (spot?)";
        return;
      }
      mark_.symbol.assign(fields_.coin);
      // Not in the frame: Hyperliquid settles at every full hour (UTC), so
      // the next settlement is the next hour boundary after the arrival time
      // (the frame has no exchange time; the arrival time stands in for it).
      constexpr timestamp_ns hour_ns = int64_t{funding_interval} * 1'000'000'000;
      mark_.next_funding_ts = (recv_ts / hour_ns + 1) * hour_ns;
      mark_.ts = recv_ts;
      out.on_mark(mark_);
      r.kind = frame_kind::data;
    } else if (channel == "pong") {
      r.kind = frame_kind::pong;
    } else if (channel == "subscriptionResponse") {
      r.kind = frame_kind::ack;
    } else if (channel == "error") {
      r.kind = frame_kind::error;
      r.error = message.empty() ? "error" : std::string(message.substr(0, 200));
    } else {
      r.kind = frame_kind::ignored;
      r.error = "channel not decoded: " + std::string(channel.substr(0, 40));
    }
  }

  std::optional<uint32_t> asset_index(std::string_view coin) const {
    auto it = assets_.find(coin);
    if (it == assets_.end())
      return std::nullopt;
    return it->second;
  }

private:
  /// What parse_data() found; string views point into the parser.
  struct data_fields {
    std::string_view coin;
    int64_t time = -1;
    bool levels = false;
    bool bbo = false;
    bool ctx = false;
  };

  /// The `data` object of any channel (and the REST l2Book body): coin,
  /// time, levels -> snap_, bbo -> top_, ctx -> mark_.
  bool parse_data(od::object o, std::string& err) {
    for (auto f : o) {
      od::field fld;
      if (std::move(f).get(fld) != SUCCESS) {
        err = "truncated or invalid data";
        return false;
      }
      const auto key = fld.key();
      if (key == "coin") {
        if (!wire::read_string(fld.value(), fields_.coin)) {
          err = "bad coin";
          return false;
        }
      } else if (key == "time") {
        if (!wire::read_i64(fld.value(), fields_.time) || fields_.time < 0) {
          err = "bad time";
          return false;
        }
      } else if (key == "levels") {
        if (!parse_sides(fld.value())) {
          err = "bad levels";
          return false;
        }
        fields_.levels = true;
      } else if (key == "bbo") {
        if (!parse_bbo(fld.value())) {
          err = "bad bbo";
          return false;
        }
        fields_.bbo = true;
      } else if (key == "ctx") {
        if (!parse_ctx(fld.value())) {
          err = "bad ctx";
          return false;
        }
        fields_.ctx = true;
      }
    }
    return true;
  }

  bool parse_sides(od::value v) {
    od::array sides;
    if (v.get_array().get(sides) != SUCCESS)
      return false;
    int n = 0;
    for (auto side : sides) {
      od::value sv;
      if (std::move(side).get(sv) != SUCCESS || n > 1
          || !parse_levels(sv, n == 0 ? snap_.bids : snap_.asks))
        return false;
      ++n;
    }
    return n == 2;
  }

  bool parse_bbo(od::value v) {
    od::array arr;
    if (v.get_array().get(arr) != SUCCESS)
      return false;
    int n = 0;
    for (auto el : arr) {
      od::value lv;
      if (std::move(el).get(lv) != SUCCESS || n > 1
          || !parse_bbo_level(lv, n == 0 ? top_.bid : top_.ask))
        return false;
      ++n;
    }
    return n == 2;
  }

  bool parse_ctx(od::value v) {
    mark_.mark.reset();
    mark_.index.reset();
    mark_.rate.reset();
    mark_.interval_s = 0;
    od::object c;
    if (v.get_object().get(c) != SUCCESS)
      return false;
    for (auto cf : c) {
      od::field g;
      if (std::move(cf).get(g) != SUCCESS)
        return false;
      const auto key = g.key();
      if (key == "funding") {
        ratio rate;
        if (!wire::read_decimal(g.value(), rate))
          return false;
        mark_.rate = rate; // hourly, a fraction
        mark_.interval_s = funding_interval;
      } else if (key == "markPx") {
        price p;
        if (!wire::read_decimal(g.value(), p, rounding::exact))
          return false;
        mark_.mark = p;
      } else if (key == "oraclePx") {
        price p;
        if (!wire::read_decimal(g.value(), p, rounding::exact))
          return false;
        mark_.index = p;
      }
    }
    return true;
  }

  venue_info info_;
  od::parser parser_;
  book_snapshot snap_;
  top_of_book top_;
  mark_update mark_;
  std::map<std::string, uint32_t, std::less<>> assets_;
  data_fields fields_;
};

} // namespace

std::unique_ptr<md_codec> make_hyperliquid_codec() {
  return std::make_unique<hyperliquid_codec>();
}

std::optional<uint32_t> hyperliquid_asset_index(const md_codec& codec, std::string_view coin) {
  const auto* hl = dynamic_cast<const hyperliquid_codec*>(&codec);
  return hl ? hl->asset_index(coin) : std::nullopt;
}

price hyperliquid_tick(int sz_decimals) noexcept {
  const int d = 6 - sz_decimals;
  return d <= 0 ? price::from_units(1) : wire::pow10_step<price>(d);
}

} // namespace xarb::venues
