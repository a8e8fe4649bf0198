#include "venues/lighter/codec.hpp"

#include <algorithm>
#include <charconv>
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

constexpr std::string_view venue_name = "lighter";
constexpr int32_t funding_interval = 3600; // hourly funding

venue_info make_info() {
  venue_info v;
  v.name = std::string(venue_name);
  v.sync = sync_mode::in_band;
  v.ws_mainnet = "wss://mainnet.zklighter.elliot.ai";
  v.rest_mainnet = "https://mainnet.zklighter.elliot.ai";
  v.ws_testnet = "wss://testnet.zklighter.elliot.ai";
  v.rest_testnet = "https://testnet.zklighter.elliot.ai";
  // "Send something at least every 2 minutes."
  v.heartbeat.ping_interval_ns = 60'000'000'000LL;
  v.heartbeat.ping_text = R"({"type":"ping"})";
  v.heartbeat.silence_ns = 90'000'000'000LL;
  // 200 client messages per minute per IP; up to 500 subscriptions per
  // connection (hummingbot's reading of the docs): stay well below.
  v.max_client_msgs_per_s = 3;
  v.max_streams_per_connection = 100;
  v.snapshot_depth = 100;
  v.maker_fee = ratio::zero(); // standard accounts trade fee-free
  v.taker_fee = ratio::zero();
  return v;
}

/// "order_book:12" / "order_book/12" -> 12.
bool channel_id(std::string_view channel, uint32_t& id) {
  const auto p = channel.find_first_of(":/");
  if (p == std::string_view::npos || p + 1 >= channel.size())
    return false;
  const auto s = channel.substr(p + 1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  return ec == std::errc{} && end == s.data() + s.size();
}

/// [{price,size}, ...] (or orders with remaining_base_amount) into `out`.
/// Equal consecutive prices are merged (order-level REST answers).
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
      const auto key = fld.key();
      if (key == "price") {
        if (!wire::read_decimal(fld.value(), lv.px, rounding::exact))
          return false;
        px = true;
      } else if (key == "size" || key == "remaining_base_amount") {
        if (!wire::read_decimal(fld.value(), lv.qty, rounding::exact))
          return false;
        sz = true;
      }
    }
    if (!px || !sz)
      return false;
    if (!out.empty() && out.back().px == lv.px)
      out.back().qty += lv.qty;
    else
      out.push_back(lv);
  }
  return true;
}

void sort_best_first(std::vector<book_level>& bids, std::vector<book_level>& asks) {
  auto desc = [](const book_level& a, const book_level& b) { return a.px > b.px; };
  auto asc = [](const book_level& a, const book_level& b) { return a.px < b.px; };
  if (!std::is_sorted(bids.begin(), bids.end(), desc))
    std::sort(bids.begin(), bids.end(), desc);
  if (!std::is_sorted(asks.begin(), asks.end(), asc))
    std::sort(asks.begin(), asks.end(), asc);
}

void drop_empty(std::vector<book_level>& v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](const book_level& l) { return l.qty.is_zero(); }),
          v.end());
}

class lighter_codec final : public md_codec {
public:
  lighter_codec() : info_(make_info()) {
    snap_.venue = info_.name;
    delta_.venue = info_.name;
    for (auto* v : {&snap_.bids, &snap_.asks, &delta_.bids, &delta_.asks})
      v->reserve(64);
  }

  const venue_info& info() const noexcept override { return info_; }

  std::vector<http_request> instruments_requests() const override {
    http_request r;
    r.target = "/api/v1/orderBookDetails";
    return {r};
  }

  expected<std::vector<instrument_spec>>
  parse_instruments(std::span<const std::string> bodies,
                    std::vector<std::string>* skipped) override {
    if (bodies.empty())
      return error_info{error_code::parse_error, "lighter: no orderBookDetails body"};
    simdjson::padded_string text(bodies[0]);
    od::parser parser;
    od::document doc;
    od::object root;
    if (parser.iterate(text).get(doc) != SUCCESS || doc.get_object().get(root) != SUCCESS)
      return error_info{error_code::parse_error, "lighter: orderBookDetails is not an object"};
    od::array details;
    if (root.find_field_unordered("order_book_details").get_array().get(details) != SUCCESS)
      return error_info{error_code::parse_error, "lighter: no order_book_details"};
    std::vector<instrument_spec> out;
    std::map<uint32_t, std::string> ids;
    for (auto el : details) {
      od::object o;
      if (el.get_object().get(o) != SUCCESS)
        return error_info{error_code::parse_error, "lighter: bad order_book_details entry"};
      std::string symbol, market_type = "perp", status;
      int64_t id = -1, size_dec = -1, price_dec = -1, min_imf = 0;
      quantity min_base;
      money min_quote;
      ratio maker = info_.maker_fee, taker = info_.taker_fee;
      bool fees_ok = true;
      for (auto f : o) {
        od::field fld;
        if (std::move(f).get(fld) != SUCCESS)
          return error_info{error_code::parse_error, "lighter: bad order_book_details entry"};
        const auto key = fld.key();
        std::string_view s;
        ratio pct;
        if (key == "symbol") {
          if (wire::read_string(fld.value(), s))
            symbol = std::string(s);
        } else if (key == "market_id") {
          if (!wire::read_i64(fld.value(), id))
            id = -1;
        } else if (key == "market_type") {
          if (wire::read_string(fld.value(), s))
            market_type = std::string(s);
        } else if (key == "status") {
          if (wire::read_string(fld.value(), s))
            status = std::string(s);
        } else if (key == "size_decimals") {
          if (!wire::read_i64(fld.value(), size_dec))
            size_dec = -1;
        } else if (key == "price_decimals") {
          if (!wire::read_i64(fld.value(), price_dec))
            price_dec = -1;
        } else if (key == "min_base_amount") {
          (void)wire::read_decimal(fld.value(), min_base, rounding::exact);
        } else if (key == "min_quote_amount") {
          (void)wire::read_decimal(fld.value(), min_quote, rounding::exact);
        } else if (key == "min_initial_margin_fraction") {
          if (!wire::read_i64(fld.value(), min_imf))
            min_imf = 0;
        } else if (key == "maker_fee") {
          // Fees are published in percent, like funding (unverified).
          fees_ok = fees_ok && wire::read_decimal(fld.value(), pct)
                    && wire::percent_to_fraction(pct, maker);
        } else if (key == "taker_fee") {
          fees_ok = fees_ok && wire::read_decimal(fld.value(), pct)
                    && wire::percent_to_fraction(pct, taker);
        }
      }
      auto skip = [&](std::string_view why) {
        if (skipped)
          skipped->push_back((symbol.empty() ? "#" + std::to_string(id) : symbol) + ": "
                             + std::string(why));
      };
      if (symbol.empty() || id < 0 || id > 0xFFFF) {
        skip("no symbol or market_id");
        continue;
      }
      if (market_type != "perp") {
        skip("not a perp (" + market_type + ")");
        continue;
      }
      if (status != "active") {
        skip("status " + (status.empty() ? std::string("missing") : status));
        continue;
      }
      if (size_dec < 0 || size_dec > 9 || price_dec < 0 || price_dec > 9) {
        skip("size/price decimals missing or out of range");
        continue;
      }
      auto sym = parse_native_symbol(style_for_venue(venue_name), symbol);
      if (!sym) {
        skip("symbol not recognised (" + sym.error().message + ")");
        continue;
      }
      instrument_spec s;
      s.venue = info_.name;
      s.native_symbol = symbol;
      s.symbol = canonical_symbol(sym->base);
      s.base = sym->base;
      s.quote = sym->quote;
      s.multiplier = sym->unit;
      s.tick = wire::pow10_step<price>(static_cast<int>(price_dec));
      s.lot = wire::pow10_step<quantity>(static_cast<int>(size_dec));
      s.min_qty = min_base.is_positive() ? min_base : s.lot;
      s.min_notional = min_quote;
      s.maker_fee = fees_ok ? maker : info_.maker_fee;
      s.taker_fee = fees_ok ? taker : info_.taker_fee;
      // Margin fractions are in 1e-4 units: 200 = 2 % initial margin = 50x.
      s.max_leverage = min_imf > 0 && min_imf <= 10000 ? static_cast<int32_t>(10000 / min_imf) : 0;
      s.funding_interval_s = funding_interval;
      ids[static_cast<uint32_t>(id)] = symbol;
      out.push_back(std::move(s));
    }
    ids_ = std::move(ids);
    natives_.clear();
    for (const auto& [id, sym] : ids_)
      natives_[sym] = id;
    return out;
  }

  http_request snapshot_request(std::string_view native) const override {
    http_request r;
    r.target = "/api/v1/orderBookOrders?market_id=";
    if (auto id = market_id(native))
      r.target += std::to_string(*id);
    else
      r.target += std::string(native); // not learned: the venue will refuse it
    r.target += "&limit=" + std::to_string(info_.snapshot_depth);
    return r;
  }

  expected<book_snapshot> parse_snapshot(std::string_view native,
                                         std::string_view body) override {
    std::string copy(body);
    od::document doc;
    od::object root;
    if (parser_.iterate(json::padded(copy)).get(doc) != SUCCESS
        || doc.get_object().get(root) != SUCCESS)
      return error_info{error_code::parse_error, "lighter orderBookOrders: not an object"};
    bool bids = false, asks = false;
    int64_t code = 200;
    uint64_t nonce = 0;
    for (auto f : root) {
      od::field fld;
      if (std::move(f).get(fld) != SUCCESS)
        return error_info{error_code::parse_error, "lighter orderBookOrders: invalid JSON"};
      const auto key = fld.key();
      if (key == "bids") {
        bids = parse_levels(fld.value(), snap_.bids);
        if (!bids)
          return error_info{error_code::parse_error, "lighter orderBookOrders: bad bids"};
      } else if (key == "asks") {
        asks = parse_levels(fld.value(), snap_.asks);
        if (!asks)
          return error_info{error_code::parse_error, "lighter orderBookOrders: bad asks"};
      } else if (key == "code") {
        (void)wire::read_i64(fld.value(), code);
      } else if (key == "nonce") {
        (void)wire::read_u64(fld.value(), nonce);
      }
    }
    if (code != 200 || !bids || !asks)
      return error_info{error_code::parse_error,
                        "lighter orderBookOrders: code " + std::to_string(code)
                          + " or bids/asks missing"};
    sort_best_first(snap_.bids, snap_.asks);
    drop_empty(snap_.bids);
    drop_empty(snap_.asks);
    snap_.symbol.assign(native);
    snap_.seq = nonce; // the order-level endpoint has none: 0
    snap_.exchange_ts = 0;
    snap_.recv_ts = 0;
    return snap_;
  }

  std::vector<ws_plan> plan(std::span<const std::string> natives) const override {
    std::vector<ws_plan> out;
    const std::size_t per_market = 2;
    const std::size_t cap = std::max<std::size_t>(1, info_.max_streams_per_connection / per_market);
    std::size_t n = 0;
    for (const auto& native : natives) {
      auto id = market_id(native);
      if (!id)
        continue; // not in the listing: no channel to name
      if (n++ % cap == 0) {
        out.emplace_back();
        out.back().target = "/stream";
        out.back().books = true;
      }
      for (std::string_view ch : {"order_book/", "market_stats/"})
        out.back().subscribe.push_back(frame("subscribe", ch, *id));
    }
    return out;
  }

  std::vector<std::string> resubscribe_book(std::string_view native) const override {
    auto id = market_id(native);
    if (!id)
      return {};
    return {frame("unsubscribe", "order_book/", *id), frame("subscribe", "order_book/", *id)};
  }

  // One pass over the root (Lighter puts "type" LAST), then dispatch.
  void decode(std::string& frame, timestamp_ns recv_ts, md_handler& out,
              decode_result& r) override {
    begin_decode(r);
    f_ = {};
    // Field parsers that fill r.error themselves answer "".
    const char* bad = json::walk_frame(parser_, frame, [&](auto key, od::value& v) -> const char* {
      if (key == "type")
        return wire::read_string(v, f_.type) ? nullptr : "type is not a string";
      if (key == "channel")
        return wire::read_string(v, f_.channel) ? nullptr : "channel is not a string";
      if (key == "order_book") {
        if (!parse_book(v, r.error))
          return "";
        f_.book = true;
      } else if (key == "market_stats") {
        if (!parse_stats(v, r.error))
          return "";
        f_.stats = true;
      } else if (key == "timestamp") {
        return wire::read_i64(v, f_.timestamp_ms) ? nullptr : "bad timestamp";
      } else if (key == "error") {
        f_.error = true;
        if (!wire::read_error_message(v, f_.message))
          return "truncated error";
      } else if (key == "message") {
        (void)wire::read_string(v, f_.message);
      }
      return nullptr;
    });
    if (bad) {
      if (*bad != '\0')
        r.error = bad;
      return;
    }
    dispatch(recv_ts, out, r);
  }

  std::optional<uint32_t> market_id(std::string_view native) const {
    auto it = natives_.find(native);
    if (it == natives_.end())
      return std::nullopt;
    return it->second;
  }

private:
  struct frame_fields {
    std::string_view type, channel, message;
    bool book = false, stats = false, error = false;
    int64_t timestamp_ms = -1;
    // order_book
    int64_t nonce = -1, begin_nonce = -1, last_updated_us = -1;
    // market_stats
    int64_t stats_market_id = -1;
  };

  static std::string frame(std::string_view op, std::string_view prefix, uint32_t id) {
    std::string f = R"({"type":")";
    f += op;
    f += R"(","channel":")";
    f += prefix;
    f += std::to_string(id);
    f += "\"}";
    return f;
  }

  bool parse_book(od::value v, std::string& err) {
    od::object o;
    if (v.get_object().get(o) != SUCCESS) {
      err = "order_book is not an object";
      return false;
    }
    bool bids = false, asks = false;
    for (auto f : o) {
      od::field fld;
      if (std::move(f).get(fld) != SUCCESS) {
        err = "truncated order_book";
        return false;
      }
      const auto key = fld.key();
      bool ok = true;
      if (key == "bids")
        ok = bids = parse_levels(fld.value(), delta_.bids);
      else if (key == "asks")
        ok = asks = parse_levels(fld.value(), delta_.asks);
      else if (key == "nonce")
        ok = wire::read_i64(fld.value(), f_.nonce) && f_.nonce >= 0;
      else if (key == "begin_nonce")
        ok = wire::read_i64(fld.value(), f_.begin_nonce) && f_.begin_nonce >= 0;
      else if (key == "last_updated_at")
        ok = wire::read_i64(fld.value(), f_.last_updated_us);
      if (!ok) {
        err = "order_book: bad field";
        return false;
      }
    }
    if (!bids || !asks || f_.nonce < 0) {
      err = "order_book: bids, asks or nonce missing";
      return false;
    }
    return true;
  }

  bool parse_stats(od::value v, std::string& err) {
    od::object o;
    if (v.get_object().get(o) != SUCCESS) {
      err = "market_stats is not an object";
      return false;
    }
    mark_.mark.reset();
    mark_.index.reset();
    mark_.rate.reset();
    for (auto f : o) {
      od::field fld;
      if (std::move(f).get(fld) != SUCCESS) {
        err = "truncated market_stats";
        return false;
      }
      const auto key = fld.key();
      bool ok = true;
      if (key == "market_id") {
        ok = wire::read_i64(fld.value(), f_.stats_market_id);
      } else if (key == "mark_price") {
        price p;
        ok = wire::read_decimal(fld.value(), p, rounding::exact);
        mark_.mark = p;
      } else if (key == "index_price") {
        price p;
        ok = wire::read_decimal(fld.value(), p, rounding::exact);
        mark_.index = p;
      } else if (key == "current_funding_rate") {
        // The estimate for the coming hour, in percent (funding_rate is the
        // last paid one).
        ratio pct, rate;
        ok = wire::read_decimal(fld.value(), pct) && wire::percent_to_fraction(pct, rate);
        mark_.rate = rate;
      }
      if (!ok) {
        err = "market_stats: bad field";
        return false;
      }
    }
    return true;
  }

  bool symbol_of(uint32_t id, std::string& out) const {
    auto it = ids_.find(id);
    if (it == ids_.end())
      return false;
    out.assign(it->second);
    return true;
  }

  void dispatch(timestamp_ns recv_ts, md_handler& out, decode_result& r) {
    const auto type = f_.type;
    if (type == "update/order_book" || type == "subscribed/order_book") {
      uint32_t id = 0;
      if (!f_.book || !channel_id(f_.channel, id)) {
        r.error = "order book frame without order_book or channel id";
        return;
      }
      timestamp_ns ts = 0;
      if (f_.last_updated_us >= 0) {
        if (!wire::scale_time(f_.last_updated_us, wire::ns_per_us, ts)) {
          r.error = "last_updated_at out of range";
          return;
        }
      } else if (f_.timestamp_ms >= 0
                 && !wire::scale_time(f_.timestamp_ms, wire::ns_per_ms, ts)) {
        r.error = "timestamp out of range";
        return;
      }
      std::string& sym = type == "update/order_book" ? delta_.symbol : snap_.symbol;
      if (!symbol_of(id, sym)) {
        r.kind = frame_kind::ignored;
        r.error = "unknown market id " + std::to_string(id);
        return;
      }
      if (type == "subscribed/order_book") {
        std::swap(snap_.bids, delta_.bids); // capacities travel along: no allocation
        std::swap(snap_.asks, delta_.asks);
        drop_empty(snap_.bids);
        drop_empty(snap_.asks);
        sort_best_first(snap_.bids, snap_.asks);
        snap_.seq = static_cast<uint64_t>(f_.nonce);
        snap_.exchange_ts = ts;
        snap_.recv_ts = recv_ts;
        out.on_snapshot(snap_);
      } else {
        if (f_.begin_nonce < 0) {
          r.error = "update without begin_nonce";
          return;
        }
        delta_.first_seq = 0;
        delta_.seq = static_cast<uint64_t>(f_.nonce);
        delta_.prev_seq = static_cast<uint64_t>(f_.begin_nonce);
        delta_.exchange_ts = ts;
        delta_.recv_ts = recv_ts;
        out.on_delta(delta_, std::nullopt);
      }
      r.kind = frame_kind::data;
      return;
    }
    if (type == "update/market_stats" || type == "subscribed/market_stats") {
      uint32_t id = 0;
      if (!f_.stats) {
        r.error = "market_stats missing";
        return;
      }
      if (!channel_id(f_.channel, id)) {
        if (f_.stats_market_id < 0 || f_.stats_market_id > 0xFFFF) {
          r.kind = frame_kind::ignored;
          r.error = "market_stats of several markets not decoded";
          return;
        }
        id = static_cast<uint32_t>(f_.stats_market_id);
      }
      if (!symbol_of(id, mark_.symbol)) {
        r.kind = frame_kind::ignored;
        r.error = "unknown market id " + std::to_string(id);
        return;
      }
      mark_.ts = 0;
      mark_.next_funding_ts = 0;
      if (f_.timestamp_ms >= 0) {
        if (!wire::scale_time(f_.timestamp_ms, wire::ns_per_ms, mark_.ts)) {
          r.error = "timestamp out of range";
          return;
        }
        // Funding is paid every hour on the hour.
        mark_.next_funding_ts = wire::next_hour_after(mark_.ts);
      }
      mark_.interval_s = mark_.rate ? funding_interval : 0;
      if (!mark_.mark && !mark_.rate) {
        r.kind = frame_kind::ignored;
        r.error = "market_stats without mark or funding";
        return;
      }
      out.on_mark(mark_);
      r.kind = frame_kind::data;
      return;
    }
    if (f_.error || type == "error") {
      r.kind = frame_kind::error;
      r.error = f_.message.empty() ? "error" : std::string(f_.message.substr(0, 200));
      if (!f_.channel.empty())
        r.error += " (" + std::string(f_.channel.substr(0, 40)) + ")";
      return;
    }
    if (type == "ping") {
      r.kind = frame_kind::ping;
      r.reply = R"({"type":"pong"})";
      return;
    }
    if (type == "pong") {
      r.kind = frame_kind::pong;
      return;
    }
    if (type == "connected") {
      r.kind = frame_kind::info;
      return;
    }
    if (type.rfind("unsubscribed", 0) == 0) {
      r.kind = frame_kind::ack;
      return;
    }
    if (type.empty()) {
      r.error = "no type";
      return;
    }
    r.kind = frame_kind::ignored;
    r.error = "type not decoded: " + std::string(type.substr(0, 40));
  }

  venue_info info_;
  od::parser parser_;
  book_snapshot snap_;
  book_delta delta_;
  mark_update mark_;
  frame_fields f_;
  std::map<uint32_t, std::string> ids_;
  std::map<std::string, uint32_t, std::less<>> natives_;
};

} // namespace

std::unique_ptr<md_codec> make_lighter_codec() { return std::make_unique<lighter_codec>(); }

std::optional<uint32_t> lighter_market_id(const md_codec& codec, std::string_view native) {
  const auto* l = dynamic_cast<const lighter_codec*>(&codec);
  return l ? l->market_id(native) : std::nullopt;
}

} // namespace xarb::venues
