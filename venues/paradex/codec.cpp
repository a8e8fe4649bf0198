#include "venues/paradex/codec.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "core/instrument_registry.hpp"
#include "venues/common/json_fields.hpp"
#include "venues/hyperliquid/json_util.hpp"
#include "venues/paradex/sbe.hpp"

namespace xarb::venues {
namespace {

namespace od = simdjson::ondemand;
namespace sbe = paradex_sbe;
using simdjson::SUCCESS;

constexpr std::string_view venue_name = "paradex";
constexpr int32_t default_period_s = 8 * 3600;

venue_info make_info() {
  venue_info v;
  v.name = std::string(venue_name);
  v.sync = sync_mode::snapshots;
  v.ws_mainnet = "wss://ws.api.prod.paradex.trade";
  v.rest_mainnet = "https://api.prod.paradex.trade";
  v.ws_testnet = "wss://ws.api.testnet.paradex.trade";
  v.rest_testnet = "https://api.testnet.paradex.trade";
  // The server sends WS ping frames (answered by the transport); no
  // application-level ping exists. Books push every 100 ms.
  v.heartbeat.silence_ns = 60'000'000'000LL;
  v.max_client_msgs_per_s = 5;          // public WS limits not read (unverified)
  v.max_streams_per_connection = 200;
  v.snapshot_depth = 20;                // REST /v1/orderbook default depth
  v.maker_fee = ratio::zero();          // retail taker/maker schedule (unverified)
  v.taker_fee = ratio::from_raw(200'000); // 0.02 %
  return v;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

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

/// REST depth sides: [["price","size"], ...] or [{"price","size"}, ...].
bool parse_rest_levels(od::value v, std::vector<book_level>& out) {
  out.clear();
  od::array arr;
  if (v.get_array().get(arr) != SUCCESS)
    return false;
  for (auto el : arr) {
    od::value e;
    od::json_type t;
    if (std::move(el).get(e) != SUCCESS || e.type().get(t) != SUCCESS)
      return false;
    book_level lv;
    if (t == od::json_type::array) {
      od::array pair;
      if (e.get_array().get(pair) != SUCCESS)
        return false;
      int n = 0;
      for (auto x : pair) {
        od::value xv;
        if (std::move(x).get(xv) != SUCCESS)
          return false;
        if (n == 0 && !wire::read_decimal(xv, lv.px, rounding::exact))
          return false;
        if (n == 1 && !wire::read_decimal(xv, lv.qty, rounding::exact))
          return false;
        ++n;
      }
      if (n < 2)
        return false;
    } else {
      od::object o;
      if (e.get_object().get(o) != SUCCESS)
        return false;
      bool px = false, sz = false;
      for (auto f : o) {
        od::field fld;
        if (std::move(f).get(fld) != SUCCESS)
          return false;
        if (fld.key() == "price")
          px = wire::read_decimal(fld.value(), lv.px, rounding::exact);
        else if (fld.key() == "size")
          sz = wire::read_decimal(fld.value(), lv.qty, rounding::exact);
      }
      if (!px || !sz)
        return false;
    }
    out.push_back(lv);
  }
  return true;
}

class paradex_codec final : public md_codec {
public:
  explicit paradex_codec(paradex_options o) : opts_(std::move(o)), info_(make_info()) {
    snap_.venue = info_.name;
    delta_.venue = info_.name;
    top_.venue = info_.name;
    for (auto* v : {&snap_.bids, &snap_.asks, &delta_.bids, &delta_.asks})
      v->reserve(64);
  }

  const venue_info& info() const noexcept override { return info_; }

  std::vector<http_request> instruments_requests() const override {
    http_request r;
    r.target = "/v1/markets";
    return {r};
  }

  expected<std::vector<instrument_spec>>
  parse_instruments(std::span<const std::string> bodies,
                    std::vector<std::string>* skipped) override {
    if (bodies.empty())
      return error_info{error_code::parse_error, "paradex: no markets body"};
    simdjson::padded_string text(bodies[0]);
    od::parser parser;
    od::document doc;
    od::object root;
    od::array results;
    if (parser.iterate(text).get(doc) != SUCCESS || doc.get_object().get(root) != SUCCESS
        || root.find_field_unordered("results").get_array().get(results) != SUCCESS)
      return error_info{error_code::parse_error, "paradex: markets has no results"};
    std::vector<instrument_spec> out;
    std::map<std::string, int32_t, std::less<>> periods;
    for (auto el : results) {
      od::object o;
      if (el.get_object().get(o) != SUCCESS)
        return error_info{error_code::parse_error, "paradex: bad market entry"};
      std::string symbol, kind, settlement;
      price tick;
      quantity lot;
      money min_notional;
      ratio imf;
      int64_t period_h = 8;
      bool tick_ok = false, lot_ok = false;
      for (auto f : o) {
        od::field fld;
        if (std::move(f).get(fld) != SUCCESS)
          return error_info{error_code::parse_error, "paradex: bad market entry"};
        const auto key = fld.key();
        std::string_view s;
        if (key == "symbol") {
          if (wire::read_string(fld.value(), s))
            symbol = std::string(s);
        } else if (key == "asset_kind") {
          if (wire::read_string(fld.value(), s))
            kind = std::string(s);
        } else if (key == "settlement_currency") {
          if (wire::read_string(fld.value(), s))
            settlement = std::string(s);
        } else if (key == "price_tick_size") {
          tick_ok = wire::read_decimal(fld.value(), tick, rounding::exact);
        } else if (key == "order_size_increment") {
          lot_ok = wire::read_decimal(fld.value(), lot, rounding::exact);
        } else if (key == "min_notional") {
          (void)wire::read_decimal(fld.value(), min_notional, rounding::exact);
        } else if (key == "funding_period_hours") {
          if (!wire::read_i64(fld.value(), period_h))
            period_h = 8;
        } else if (key == "delta1_cross_margin_params") {
          od::object m;
          if (fld.value().get_object().get(m) == SUCCESS) {
            for (auto mf : m) {
              od::field g;
              if (std::move(mf).get(g) != SUCCESS)
                break;
              if (g.key() == "imf_base")
                (void)wire::read_decimal(g.value(), imf);
            }
          }
        }
      }
      auto skip = [&](std::string_view why) {
        if (skipped)
          skipped->push_back((symbol.empty() ? std::string("?") : symbol) + ": " + std::string(why));
      };
      if (symbol.empty()) {
        skip("no symbol");
        continue;
      }
      if (kind != "PERP") {
        skip("not a perpetual (" + kind + ")");
        continue;
      }
      if (!tick_ok || !lot_ok || !tick.is_positive() || !lot.is_positive()) {
        skip("tick or size increment missing");
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
      // Quoted in USD, settled in USDC: the spec keeps the settlement asset.
      s.quote = settlement.empty() ? sym->quote : settlement;
      s.multiplier = sym->unit;
      s.tick = tick;
      s.lot = lot;
      s.min_qty = lot;
      s.min_notional = min_notional;
      s.maker_fee = info_.maker_fee;
      s.taker_fee = info_.taker_fee;
      // Max leverage ~ 1 / imf_base (unverified reading of the margin params).
      s.max_leverage = imf.raw() > 0 ? static_cast<int32_t>(decimal_scale / imf.raw()) : 0;
      s.funding_interval_s =
        period_h > 0 && period_h <= 24 * 30 ? static_cast<int32_t>(period_h * 3600) : default_period_s;
      periods[symbol] = s.funding_interval_s;
      out.push_back(std::move(s));
    }
    periods_ = std::move(periods);
    return out;
  }

  http_request snapshot_request(std::string_view native) const override {
    http_request r;
    r.target = "/v1/orderbook/" + std::string(native) + "?depth=" + std::to_string(info_.snapshot_depth);
    return r;
  }

  expected<book_snapshot> parse_snapshot(std::string_view native,
                                         std::string_view body) override {
    std::string copy(body);
    od::document doc;
    od::object root;
    if (parser_.iterate(json::padded(copy)).get(doc) != SUCCESS
        || doc.get_object().get(root) != SUCCESS)
      return error_info{error_code::parse_error, "paradex orderbook: not an object"};
    bool bids = false, asks = false;
    uint64_t seq = 0;
    int64_t updated = 0;
    std::string_view market;
    for (auto f : root) {
      od::field fld;
      if (std::move(f).get(fld) != SUCCESS)
        return error_info{error_code::parse_error, "paradex orderbook: invalid JSON"};
      const auto key = fld.key();
      if (key == "bids") {
        if (!(bids = parse_rest_levels(fld.value(), snap_.bids)))
          return error_info{error_code::parse_error, "paradex orderbook: bad bids"};
      } else if (key == "asks") {
        if (!(asks = parse_rest_levels(fld.value(), snap_.asks)))
          return error_info{error_code::parse_error, "paradex orderbook: bad asks"};
      } else if (key == "seq_no") {
        (void)wire::read_u64(fld.value(), seq);
      } else if (key == "last_updated_at") {
        (void)wire::read_i64(fld.value(), updated);
      } else if (key == "market") {
        (void)wire::read_string(fld.value(), market);
      }
    }
    if (!bids || !asks)
      return error_info{error_code::parse_error, "paradex orderbook: bids or asks missing"};
    if (!market.empty() && market != native)
      return error_info{error_code::parse_error, "paradex orderbook: market " + std::string(market)};
    sort_best_first(snap_.bids, snap_.asks);
    snap_.symbol.assign(native);
    snap_.seq = seq;
    if (!wire::scale_time(updated, wire::ns_per_ms, snap_.exchange_ts))
      snap_.exchange_ts = 0;
    snap_.recv_ts = 0;
    return snap_;
  }

  std::vector<ws_plan> plan(std::span<const std::string> natives) const override {
    std::vector<ws_plan> out;
    const std::size_t per_market = 4;
    const std::size_t cap = std::max<std::size_t>(1, info_.max_streams_per_connection / per_market);
    int id = 0;
    for (std::size_t i = 0; i < natives.size(); ++i) {
      if (i % cap == 0) {
        out.emplace_back();
        out.back().target = opts_.sbe ? "/v1?sbeSchemaId=1&sbeSchemaVersion="
                                          + std::to_string(opts_.sbe_schema_version)
                                      : "/v1";
        out.back().books = true;
      }
      const auto& m = natives[i];
      for (const auto& ch : {"order_book." + m + ".snapshot@15@" + opts_.book_refresh, "bbo." + m,
                             "funding_data." + m, "markets_summary." + m}) {
        std::string f = R"({"jsonrpc":"2.0","method":"subscribe","params":{"channel":)";
        wire::append_json_string(f, ch);
        f += R"(},"id":)" + std::to_string(++id) + "}";
        out.back().subscribe.push_back(std::move(f));
      }
    }
    return out;
  }

  std::vector<std::string> resubscribe_book(std::string_view) const override { return {}; }

  void decode(std::string& frame, timestamp_ns recv_ts, md_handler& out,
              decode_result& r) override {
    begin_decode(r);
    if (sbe::looks_like_sbe(frame))
      decode_sbe(frame, recv_ts, out, r);
    else
      decode_json(frame, recv_ts, out, r);
  }

private:
  /// What one JSON frame held (views point into the parser).
  struct fields {
    std::string_view method, channel, market, update_type, message;
    bool result = false, error = false, params = false, data = false;
    bool has_seq = false;
    uint64_t seq = 0;
    int64_t updated_ms = -1, created_ms = -1, period_h = -1;
    std::optional<price> bid, ask, mark, index, underlying;
    std::optional<quantity> bid_size, ask_size;
    std::optional<ratio> rate;
  };

  // -- JSON ------------------------------------------------------------------

  void decode_json(std::string& frame, timestamp_ns recv_ts, md_handler& out, decode_result& r) {
    f_ = {};
    delta_.bids.clear();
    delta_.asks.clear();
    // Field parsers that fill r.error themselves answer "".
    const char* bad = json::walk_frame(parser_, frame, [&](auto key, od::value& v) -> const char* {
      if (key == "method")
        return wire::read_string(v, f_.method) ? nullptr : "method is not a string";
      if (key == "params") {
        if (!parse_params(v, r.error))
          return "";
        f_.params = true;
      } else if (key == "result") {
        f_.result = true;
      } else if (key == "error") {
        f_.error = true;
        if (!wire::read_error_message(v, f_.message))
          return "truncated error";
      }
      return nullptr;
    });
    if (bad) {
      if (*bad != '\0')
        r.error = bad;
      return;
    }
    if (f_.error) {
      r.kind = frame_kind::error;
      r.error = f_.message.empty() ? "JSON-RPC error" : std::string(f_.message.substr(0, 200));
      return;
    }
    if (f_.result) {
      r.kind = frame_kind::ack;
      return;
    }
    if (!f_.params || !f_.data || f_.channel.empty()) {
      r.error = f_.params ? "params without channel or data" : "no params, result or error";
      return;
    }
    const auto ch = f_.channel;
    if (starts_with(ch, "order_book."))
      json_book(recv_ts, out, r);
    else if (starts_with(ch, "bbo."))
      json_bbo(recv_ts, out, r);
    else if (starts_with(ch, "funding_data."))
      json_mark(recv_ts, out, r, true);
    else if (starts_with(ch, "markets_summary"))
      json_mark(recv_ts, out, r, false);
    else {
      r.kind = frame_kind::ignored;
      r.error = "channel not decoded: " + std::string(ch.substr(0, 40));
    }
  }

  bool parse_params(od::value v, std::string& err) {
    od::object o;
    if (v.get_object().get(o) != SUCCESS) {
      err = "params is not an object";
      return false;
    }
    for (auto fi : o) {
      od::field fld;
      if (std::move(fi).get(fld) != SUCCESS) {
        err = "truncated params";
        return false;
      }
      const auto key = fld.key();
      if (key == "channel") {
        if (!wire::read_string(fld.value(), f_.channel)) {
          err = "channel is not a string";
          return false;
        }
      } else if (key == "data") {
        od::object d;
        if (fld.value().get_object().get(d) != SUCCESS) {
          err = "data is not an object";
          return false;
        }
        if (!parse_data(d, err))
          return false;
        f_.data = true;
      }
    }
    return true;
  }

  template <class Fixed>
  static bool opt_decimal(od::value v, std::optional<Fixed>& out, rounding mode) {
    // Absent values come as "" (e.g. an empty side): keep nullopt.
    if (v.raw_json_token().substr(0, 2) == "\"\"")
      return true;
    Fixed x;
    if (!wire::read_decimal(v, x, mode))
      return false;
    out = x;
    return true;
  }

  bool parse_data(od::object o, std::string& err) {
    for (auto fi : o) {
      od::field fld;
      if (std::move(fi).get(fld) != SUCCESS) {
        err = "truncated data";
        return false;
      }
      const auto key = fld.key();
      bool ok = true;
      if (key == "seq_no") {
        ok = f_.has_seq = wire::read_u64(fld.value(), f_.seq);
      } else if (key == "market" || key == "symbol") {
        ok = wire::read_string(fld.value(), f_.market);
      } else if (key == "last_updated_at") {
        ok = wire::read_i64(fld.value(), f_.updated_ms);
      } else if (key == "created_at") {
        ok = wire::read_i64(fld.value(), f_.created_ms);
      } else if (key == "update_type") {
        ok = wire::read_string(fld.value(), f_.update_type);
      } else if (key == "inserts" || key == "updates") {
        ok = parse_changes(fld.value(), false);
      } else if (key == "deletes") {
        ok = parse_changes(fld.value(), true);
      } else if (key == "bid") {
        ok = opt_decimal(fld.value(), f_.bid, rounding::exact);
      } else if (key == "ask") {
        ok = opt_decimal(fld.value(), f_.ask, rounding::exact);
      } else if (key == "bid_size") {
        ok = opt_decimal(fld.value(), f_.bid_size, rounding::exact);
      } else if (key == "ask_size") {
        ok = opt_decimal(fld.value(), f_.ask_size, rounding::exact);
      } else if (key == "mark_price") {
        ok = opt_decimal(fld.value(), f_.mark, rounding::nearest);
      } else if (key == "index_price") {
        ok = opt_decimal(fld.value(), f_.index, rounding::nearest);
      } else if (key == "underlying_price") {
        ok = opt_decimal(fld.value(), f_.underlying, rounding::nearest);
      } else if (key == "funding_rate") {
        ok = opt_decimal(fld.value(), f_.rate, rounding::nearest);
      } else if (key == "funding_period_hours") {
        ok = wire::read_i64(fld.value(), f_.period_h);
      }
      if (!ok) {
        err = "bad data field";
        return false;
      }
    }
    return true;
  }

  /// [{side, price, size}, ...] appended to delta_ (size 0 for deletes).
  bool parse_changes(od::value v, bool deletes) {
    od::array arr;
    if (v.get_array().get(arr) != SUCCESS)
      return false;
    for (auto el : arr) {
      od::object o;
      if (el.get_object().get(o) != SUCCESS)
        return false;
      book_level lv;
      int side = -1;
      bool px = false, sz = deletes;
      for (auto fi : o) {
        od::field fld;
        if (std::move(fi).get(fld) != SUCCESS)
          return false;
        const auto key = fld.key();
        std::string_view s;
        if (key == "side") {
          if (!wire::read_string(fld.value(), s))
            return false;
          side = s == "BUY" ? 0 : s == "SELL" ? 1 : -1;
        } else if (key == "price") {
          px = wire::read_decimal(fld.value(), lv.px, rounding::exact);
          if (!px)
            return false;
        } else if (key == "size" && !deletes) {
          sz = wire::read_decimal(fld.value(), lv.qty, rounding::exact);
          if (!sz)
            return false;
        }
      }
      if (side < 0 || !px || !sz)
        return false;
      if (deletes)
        lv.qty = quantity{};
      (side == 0 ? delta_.bids : delta_.asks).push_back(lv);
    }
    return true;
  }

  bool json_time(int64_t ms, timestamp_ns& out, decode_result& r) {
    out = 0;
    if (ms >= 0 && !wire::scale_time(ms, wire::ns_per_ms, out)) {
      r.error = "time out of range";
      return false;
    }
    return true;
  }

  void json_book(timestamp_ns recv_ts, md_handler& out, decode_result& r) {
    if (f_.market.empty() || !f_.has_seq) {
      r.error = "order_book: market or seq_no missing";
      return;
    }
    timestamp_ns ts = 0;
    if (!json_time(f_.updated_ms, ts, r))
      return;
    if (f_.update_type == "s")
      emit_snapshot(f_.market, f_.seq, ts, recv_ts, out);
    else if (f_.update_type == "d")
      emit_delta(f_.market, f_.seq, ts, recv_ts, out);
    else {
      r.error = "order_book: update_type must be s or d";
      return;
    }
    r.kind = frame_kind::data;
  }

  void json_bbo(timestamp_ns recv_ts, md_handler& out, decode_result& r) {
    if (f_.market.empty()) {
      r.error = "bbo: market missing";
      return;
    }
    if (!json_time(f_.updated_ms, top_.exchange_ts, r))
      return;
    top_.symbol.assign(f_.market);
    top_.bid = f_.bid && f_.bid_size ? book_level{*f_.bid, *f_.bid_size} : book_level{};
    top_.ask = f_.ask && f_.ask_size ? book_level{*f_.ask, *f_.ask_size} : book_level{};
    top_.seq = f_.seq;
    top_.recv_ts = recv_ts;
    out.on_top(top_);
    r.kind = frame_kind::data;
  }

  int32_t period_of(std::string_view market) const {
    auto it = periods_.find(market);
    return it == periods_.end() ? default_period_s : it->second;
  }

  void json_mark(timestamp_ns recv_ts, md_handler& out, decode_result& r, bool funding_data) {
    (void)recv_ts;
    if (f_.market.empty()) {
      r.error = "mark/funding: market missing";
      return;
    }
    if (!json_time(f_.created_ms, mark_.ts, r))
      return;
    mark_.symbol.assign(f_.market);
    mark_.mark = funding_data ? std::nullopt : f_.mark;
    mark_.index = funding_data ? std::nullopt : (f_.index ? f_.index : f_.underlying);
    mark_.rate = f_.rate;
    mark_.interval_s = 0;
    mark_.next_funding_ts = 0; // continuous funding: no settlement time
    if (f_.rate) {
      // funding_data tells its period; markets_summary's rate is per the
      // market's funding_period_hours (listing), 8 h by default (unverified).
      mark_.interval_s = f_.period_h > 0 && f_.period_h <= 24 * 30
                           ? static_cast<int32_t>(f_.period_h * 3600)
                           : period_of(f_.market);
    }
    if (!mark_.mark && !mark_.rate) {
      r.kind = frame_kind::ignored;
      r.error = "no mark price or funding rate";
      return;
    }
    out.on_mark(mark_);
    r.kind = frame_kind::data;
  }

  void emit_snapshot(std::string_view market, uint64_t seq, timestamp_ns ts, timestamp_ns recv_ts,
                     md_handler& out) {
    std::swap(snap_.bids, delta_.bids); // capacities travel along: no allocation
    std::swap(snap_.asks, delta_.asks);
    drop_empty(snap_.bids);
    drop_empty(snap_.asks);
    sort_best_first(snap_.bids, snap_.asks);
    snap_.symbol.assign(market);
    snap_.seq = seq;
    snap_.exchange_ts = ts;
    snap_.recv_ts = recv_ts;
    out.on_snapshot(snap_);
  }

  void emit_delta(std::string_view market, uint64_t seq, timestamp_ns ts, timestamp_ns recv_ts,
                  md_handler& out) {
    delta_.symbol.assign(market);
    delta_.first_seq = 0;
    delta_.prev_seq = 0; // consecutive seq_no assumed (unverified)
    delta_.seq = seq;
    delta_.exchange_ts = ts;
    delta_.recv_ts = recv_ts;
    out.on_delta(delta_, std::nullopt);
  }

  // -- SBE -------------------------------------------------------------------

  static bool sbe_time(int64_t us, timestamp_ns& out) {
    return wire::scale_time(us, wire::ns_per_us, out);
  }

  void decode_sbe(std::string_view frame, timestamp_ns recv_ts, md_handler& out, decode_result& r) {
    const sbe::reader rd(frame);
    sbe::header h;
    if (!sbe::read_header(rd, h) || h.schema != sbe::schema_id) {
      r.error = "sbe: bad header";
      return;
    }
    const std::size_t block = 8, end = block + h.block_length;
    if (end > rd.size()) {
      r.error = "sbe: truncated block";
      return;
    }
    int64_t ts_us = 0, seq = 0;
    const bool common = h.block_length >= 16 && rd.i64(block, ts_us) && rd.i64(block + 8, seq);
    std::string_view market;
    std::size_t next = 0;
    switch (static_cast<sbe::tmpl>(h.template_id)) {
      case sbe::tmpl::bbo: {
        int64_t v[4];
        if (!common || h.block_length < sbe::bbo_block || !rd.i64(block + 16, v[0])
            || !rd.i64(block + 24, v[1]) || !rd.i64(block + 32, v[2]) || !rd.i64(block + 40, v[3])
            || !rd.str(end, market, next) || market.empty() || seq < 0
            || !sbe_time(ts_us, top_.exchange_ts)) {
          r.error = "sbe bbo: truncated or invalid";
          return;
        }
        top_.bid = {};
        top_.ask = {};
        if ((v[0] != sbe::null_i64 && v[1] != sbe::null_i64
             && (!sbe::from_f8(v[0], top_.bid.px) || !sbe::from_f8(v[1], top_.bid.qty)))
            || (v[2] != sbe::null_i64 && v[3] != sbe::null_i64
                && (!sbe::from_f8(v[2], top_.ask.px) || !sbe::from_f8(v[3], top_.ask.qty)))) {
          r.error = "sbe bbo: value out of range";
          return;
        }
        top_.symbol.assign(market);
        top_.seq = static_cast<uint64_t>(seq);
        top_.recv_ts = recv_ts;
        out.on_top(top_);
        r.kind = frame_kind::data;
        return;
      }
      case sbe::tmpl::book: {
        uint8_t pkg = 0;
        timestamp_ns ts = 0;
        if (!common || h.block_length < sbe::book_block || !rd.u8(block + 16, pkg) || pkg > 1
            || seq < 0 || !sbe_time(ts_us, ts)) {
          r.error = "sbe book: truncated or invalid";
          return;
        }
        delta_.bids.clear();
        delta_.asks.clear();
        std::size_t at = end;
        if (!sbe_group(rd, at, delta_.bids) || !sbe_group(rd, at, delta_.asks)
            || !rd.str(at, market, next) || market.empty()) {
          r.error = "sbe book: truncated or invalid levels";
          return;
        }
        if (pkg == 0)
          emit_snapshot(market, static_cast<uint64_t>(seq), ts, recv_ts, out);
        else
          emit_delta(market, static_cast<uint64_t>(seq), ts, recv_ts, out);
        r.kind = frame_kind::data;
        return;
      }
      case sbe::tmpl::funding_data: {
        int64_t rate = 0;
        uint16_t period = 0;
        if (!common || h.block_length < sbe::funding_block(0) || !rd.i64(block + 16, rate)
            || !rd.u16(block + 56, period) || !rd.str(end, market, next) || market.empty()
            || !sbe_time(ts_us, mark_.ts)) {
          r.error = "sbe funding: truncated or invalid";
          return;
        }
        ratio x;
        if (rate == sbe::null_i64 || !sbe::from_f8(rate, x)) {
          r.error = "sbe funding: no rate";
          return;
        }
        mark_.symbol.assign(market);
        mark_.mark.reset();
        mark_.index.reset();
        mark_.rate = x;
        const auto p = static_cast<int16_t>(period);
        mark_.interval_s = p > 0 ? int32_t{p} * 3600 : period_of(market);
        mark_.next_funding_ts = 0;
        out.on_mark(mark_);
        r.kind = frame_kind::data;
        return;
      }
      case sbe::tmpl::market_summary: {
        int64_t mark = 0, index = 0, rate = 0, precise = sbe::null_i64;
        if (!common || h.block_length < sbe::summary_block(0) || !rd.i64(block + 16, mark)
            || !rd.i64(block + 24, index) || !rd.i64(block + 56, rate)
            || (h.block_length >= sbe::summary_block(1) && !rd.i64(block + 232, precise))
            || !rd.str(end, market, next) || market.empty() || !sbe_time(ts_us, mark_.ts)) {
          r.error = "sbe summary: truncated or invalid";
          return;
        }
        mark_.symbol.assign(market);
        mark_.mark.reset();
        mark_.index.reset();
        mark_.rate.reset();
        price p;
        ratio x;
        if (mark != sbe::null_i64 && sbe::from_f8(mark, p))
          mark_.mark = p;
        if (index != sbe::null_i64 && sbe::from_f8(index, p))
          mark_.index = p;
        if (precise != sbe::null_i64)
          mark_.rate = sbe::from_f12(precise);
        else if (rate != sbe::null_i64 && sbe::from_f8(rate, x))
          mark_.rate = x;
        mark_.interval_s = mark_.rate ? period_of(market) : 0;
        mark_.next_funding_ts = 0;
        if (!mark_.mark && !mark_.rate) {
          r.kind = frame_kind::ignored;
          r.error = "sbe summary without mark or rate";
          return;
        }
        out.on_mark(mark_);
        r.kind = frame_kind::data;
        return;
      }
      case sbe::tmpl::heartbeat:
        r.kind = frame_kind::info;
        return;
      case sbe::tmpl::subscribed:
        r.kind = frame_kind::ack;
        return;
      default:
        r.kind = frame_kind::ignored;
        r.error = "sbe template " + std::to_string(h.template_id) + " not decoded";
        return;
    }
  }

  /// A <u16 entryLength, u16 count> group of <f8 price, f8 size> at `at`.
  static bool sbe_group(const sbe::reader& rd, std::size_t& at, std::vector<book_level>& out) {
    uint16_t entry = 0, count = 0;
    if (!rd.u16(at, entry) || !rd.u16(at + 2, count) || entry < 16)
      return false;
    at += 4;
    if (static_cast<std::size_t>(count) * entry > rd.size() - std::min(at, rd.size()))
      return false;
    for (uint16_t i = 0; i < count; ++i, at += entry) {
      int64_t p = 0, q = 0;
      book_level lv;
      if (!rd.i64(at, p) || !rd.i64(at + 8, q) || p == sbe::null_i64 || q == sbe::null_i64
          || !sbe::from_f8(p, lv.px) || !sbe::from_f8(q, lv.qty))
        return false;
      out.push_back(lv);
    }
    return true;
  }

  paradex_options opts_;
  venue_info info_;
  od::parser parser_;
  book_snapshot snap_;
  book_delta delta_;
  top_of_book top_;
  mark_update mark_;
  fields f_;
  std::map<std::string, int32_t, std::less<>> periods_;
};

} // namespace

std::unique_ptr<md_codec> make_paradex_codec(paradex_options opts) {
  return std::make_unique<paradex_codec>(std::move(opts));
}

} // namespace xarb::venues
