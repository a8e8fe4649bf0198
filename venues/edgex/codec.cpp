#include "venues/edgex/codec.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "venues/common/json_fields.hpp"
#include "venues/edgex/rest.hpp"
#include "venues/edgex/wire.hpp"
#include "venues/grvt/json_walk.hpp"
#include "venues/grvt/json_write.hpp"

namespace xarb::venues {
namespace {

namespace od = simdjson::ondemand;
using edgex_rest::contract;
using edgex_wire::depth_entry;
using edgex_wire::ms_to_ns;
using edgex_wire::opt_decimal;
using edgex_wire::opt_i64;

constexpr std::string_view k_venue = "edgex";
constexpr int64_t k_second_ns = 1'000'000'000;
constexpr std::string_view k_ws_target = "/api/v1/public/ws";
constexpr std::string_view k_depth_level = "15"; // depth.{id}.15 (the other choice: 200)

enum class msg_type : uint8_t {
  none, connected, subscribed, unsubscribed, quote, ping, pong, error, other
};

msg_type classify_type(std::string_view t) noexcept {
  if (t == "quote-event" || t == "payload") // "payload": older gitbook wording
    return msg_type::quote;
  if (t == "ping")
    return msg_type::ping;
  if (t == "pong")
    return msg_type::pong;
  if (t == "subscribed")
    return msg_type::subscribed;
  if (t == "unsubscribed")
    return msg_type::unsubscribed;
  if (t == "connected")
    return msg_type::connected;
  if (t == "error")
    return msg_type::error;
  return msg_type::other;
}

enum class chan_kind : uint8_t { none, depth, ticker, funding, other };

/// "depth.10000001.15", "ticker.10000001", "ticker.all.1s", "fundingRate.all".
chan_kind classify_channel(std::string_view ch, uint64_t& id, bool& has_id) noexcept {
  has_id = false;
  const auto dot = ch.find('.');
  const auto head = ch.substr(0, dot);
  std::string_view rest = dot == std::string_view::npos ? std::string_view{} : ch.substr(dot + 1);
  const auto second = rest.substr(0, rest.find('.'));
  has_id = walk::parse_u64(second, id);
  if (head == "depth")
    return chan_kind::depth;
  if (head == "ticker")
    return chan_kind::ticker;
  if (head == "fundingRate")
    return chan_kind::funding;
  return chan_kind::other;
}

struct mark_entry {
  uint64_t id = 0;
  bool has_id = false;
  std::optional<price> mark, oracle, index;
  std::optional<ratio> rate;
  int64_t interval_min = 0, funding_ms = 0, next_ms = 0, ts_ms = 0;
};

struct frame_ctx {
  msg_type type = msg_type::none;
  chan_kind chan = chan_kind::none;
  uint64_t chan_id = 0;
  bool chan_has_id = false;
  std::string_view channel, data_type, time_text, err_code, err_msg;
  bool time_quoted = false, has_time = false;
  bool deferred = false; ///< content/data came before what it depends on
};

std::string sub_frame(std::string_view type, std::string_view channel) {
  std::string f = R"({"type":)";
  jw::str(f, type);
  f += R"(,"channel":)";
  jw::str(f, channel);
  f.push_back('}');
  return f;
}

class edgex_codec final : public md_codec {
public:
  edgex_codec() {
    info_.name = std::string(k_venue);
    info_.sync = sync_mode::in_band;
    info_.ws_mainnet = "wss://edgex-quote-prod-v2.edgex.exchange";
    info_.rest_mainnet = "https://edgex-prod-v2.edgex.exchange";
    info_.ws_testnet = "wss://quote-testnet.edgex.exchange";
    info_.rest_testnet = "https://testnet.edgex.exchange";
    // The server pings ({"type":"ping"}) and decode() answers; WS ping
    // frames on top detect a half-open socket sooner.
    info_.heartbeat.ping_interval_ns = 20 * k_second_ns;
    info_.heartbeat.ws_ping_frames = true;
    info_.heartbeat.silence_ns = 30 * k_second_ns;
    info_.max_client_msgs_per_s = 10;         // unverified: no published limit found
    info_.max_streams_per_connection = 120;   // channels; unverified
    info_.snapshot_depth = 200;               // getDepth level 15|200
    info_.maker_fee = ratio::from_raw(200'000); // 0.0002 (getMetaData defaultMakerFeeRate)
    info_.taker_fee = ratio::from_raw(550'000); // 0.00055
    delta_.venue = info_.name;
    snap_.venue = info_.name;
  }

  const venue_info& info() const noexcept override { return info_; }

  // -- instruments -----------------------------------------------------------

  std::vector<http_request> instruments_requests() const override {
    http_request r;
    r.target = "/api/v2/public/meta/getMetaData";
    return {r};
  }

  expected<std::vector<instrument_spec>>
  parse_instruments(std::span<const std::string> bodies,
                    std::vector<std::string>* skipped) override {
    if (bodies.empty())
      return error_info{error_code::parse_error, "edgex: no getMetaData body"};
    std::unordered_map<uint64_t, edgex_rest::contract> by_id;
    auto specs = edgex_rest::parse_metadata(bodies[0], info_, by_id, skipped);
    if (!specs)
      return specs; // the listing learned before stays
    by_id_ = std::move(by_id);
    by_native_.clear();
    for (const auto& [id, ct] : by_id_)
      by_native_.emplace(ct.native, id);
    return specs;
  }

  // -- books (REST) ----------------------------------------------------------

  /// An unknown native is sent as given (the venue answers with an error).
  http_request snapshot_request(std::string_view native) const override {
    http_request r;
    r.target = "/api/v2/public/quote/getDepth?contractId=";
    if (auto it = by_native_.find(native); it != by_native_.end())
      r.target += std::to_string(it->second);
    else
      r.target += native;
    r.target += "&level=";
    r.target += std::to_string(info_.snapshot_depth);
    return r;
  }

  expected<book_snapshot> parse_snapshot(std::string_view native,
                                         std::string_view body) override {
    uint64_t id = 0;
    return edgex_rest::parse_depth(native, lookup_id(native, id) ? std::optional(id) : std::nullopt,
                                   body, info_);
  }

  // -- streams ---------------------------------------------------------------

  /// Natives the listing did not teach are left out (no contractId to name).
  std::vector<ws_plan> plan(std::span<const std::string> natives) const override {
    std::vector<ws_plan> out;
    const std::size_t per_conn = std::max<std::size_t>(1, info_.max_streams_per_connection / 3);
    ws_plan cur;
    std::size_t in_cur = 0;
    for (const auto& n : natives) {
      uint64_t id = 0;
      if (!lookup_id(n, id))
        continue;
      if (in_cur == per_conn) {
        out.push_back(std::move(cur));
        cur = ws_plan{};
        in_cur = 0;
      }
      const auto sid = std::to_string(id);
      cur.target = std::string(k_ws_target);
      cur.books = true;
      cur.subscribe.push_back(sub_frame("subscribe", depth_channel(sid)));
      cur.subscribe.push_back(sub_frame("subscribe", "ticker." + sid));
      cur.subscribe.push_back(sub_frame("subscribe", "fundingRate." + sid));
      ++in_cur;
    }
    if (in_cur > 0)
      out.push_back(std::move(cur));
    return out;
  }

  std::vector<std::string> resubscribe_book(std::string_view native) const override {
    uint64_t id = 0;
    if (!lookup_id(native, id))
      return {};
    const auto ch = depth_channel(std::to_string(id));
    return {sub_frame("unsubscribe", ch), sub_frame("subscribe", ch)};
  }

  void decode(std::string& frame, timestamp_ns recv_ts, md_handler& out,
              decode_result& r) override {
    begin_decode(r);
    n_depth_ = 0;
    n_marks_ = 0;

    od::document doc;
    od::object obj;
    if (parser_.iterate(json::padded(frame)).get(doc) != simdjson::SUCCESS
        || doc.get_object().get(obj) != simdjson::SUCCESS) {
      r.error = "not a JSON object";
      return;
    }
    frame_ctx c;
    if (!walk_frame(obj, c, false)) {
      r.error = "malformed frame";
      return;
    }
    if (c.deferred) { // content came before type/channel/dataType: walk again knowing them
      n_depth_ = 0;
      n_marks_ = 0;
      doc.rewind();
      if (doc.get_object().get(obj) != simdjson::SUCCESS || !walk_frame(obj, c, true)) {
        r.error = "malformed frame";
        return;
      }
    }
    switch (c.type) {
      case msg_type::none:
        r.kind = frame_kind::ignored;
        r.error = "no type";
        return;
      case msg_type::ping:
        r.kind = frame_kind::ping;
        r.reply = R"({"type":"pong")";
        if (c.has_time && walk::all_digits(c.time_text)) { // echo the same token
          r.reply += R"(,"time":)";
          if (c.time_quoted)
            r.reply.push_back('"');
          r.reply += c.time_text;
          if (c.time_quoted)
            r.reply.push_back('"');
        }
        r.reply.push_back('}');
        return;
      case msg_type::pong: r.kind = frame_kind::pong; return;
      case msg_type::connected: r.kind = frame_kind::info; return;
      case msg_type::subscribed:
      case msg_type::unsubscribed: r.kind = frame_kind::ack; return;
      case msg_type::error:
        r.kind = frame_kind::error;
        r.error = "edgex error ";
        r.error += c.err_code;
        r.error += ": ";
        r.error += c.err_msg;
        return;
      case msg_type::other:
        r.kind = frame_kind::ignored;
        r.error = "unknown type";
        return;
      case msg_type::quote: break;
    }
    switch (c.chan) {
      case chan_kind::depth: emit_depth(c, recv_ts, out, r); return;
      case chan_kind::ticker:
      case chan_kind::funding: emit_marks(c, out, r); return;
      case chan_kind::none:
        r.error = "quote-event without channel";
        return;
      case chan_kind::other:
        r.kind = frame_kind::ignored;
        r.error = "channel not used: ";
        r.error += c.channel;
        return;
    }
  }

private:
  static std::string depth_channel(std::string_view id) {
    std::string ch = "depth.";
    ch += id;
    ch.push_back('.');
    ch += k_depth_level;
    return ch;
  }

  bool lookup_id(std::string_view native, uint64_t& id) const {
    auto it = by_native_.find(native);
    if (it == by_native_.end())
      return false;
    id = it->second;
    return true;
  }

  const contract* lookup(uint64_t id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &it->second;
  }

  bool read_mark_entry(od::value& el, mark_entry& e) {
    return walk::for_fields(el, [&](std::string_view k, od::value& v) {
      if (k == "contractId") {
        e.has_id = json::get_u64(v, e.id) == error_code::none;
        return e.has_id;
      }
      if (k == "markPrice")
        return opt_decimal(v, e.mark, rounding::nearest);
      if (k == "oraclePrice")
        return opt_decimal(v, e.oracle, rounding::nearest);
      if (k == "indexPrice")
        return opt_decimal(v, e.index, rounding::nearest);
      if (k == "fundingRate")
        return opt_decimal(v, e.rate, rounding::nearest);
      if (k == "fundingRateIntervalMin")
        return opt_i64(v, e.interval_min) && e.interval_min >= 0;
      if (k == "fundingTime")
        return opt_i64(v, e.funding_ms);
      if (k == "nextFundingTime")
        return opt_i64(v, e.next_ms);
      if (k == "timestamp" || (k == "fundingTimestamp" && e.ts_ms == 0))
        return opt_i64(v, e.ts_ms);
      return true;
    });
  }

  /// The data array of a quote-event into depth_ / marks_ scratch entries.
  bool read_data(od::value& v, const frame_ctx& c) {
    return walk::for_elements(v, [&](od::value& el) {
      if (c.chan == chan_kind::depth) {
        if (n_depth_ == depth_.size())
          depth_.emplace_back();
        auto& e = depth_[n_depth_++];
        e.reset();
        return edgex_wire::read_depth_entry(el, e, nullptr);
      }
      if (n_marks_ == marks_.size())
        marks_.emplace_back();
      auto& e = marks_[n_marks_++];
      e = mark_entry{};
      return read_mark_entry(el, e);
    });
  }

  bool read_content(od::value& v, frame_ctx& c, bool second) {
    return walk::for_fields(v, [&](std::string_view k, od::value& fv) {
      if (k == "channel") {
        if (c.channel.empty()) {
          walk::text(fv, c.channel);
          c.chan = classify_channel(c.channel, c.chan_id, c.chan_has_id);
        }
        return true;
      }
      if (k == "dataType") {
        walk::text(fv, c.data_type);
        return true;
      }
      if (k == "data") {
        const bool need_type = c.chan == chan_kind::depth && c.data_type.empty();
        if (!second && (c.chan == chan_kind::none || need_type)) {
          c.deferred = true;
          return true;
        }
        if (c.chan != chan_kind::depth && c.chan != chan_kind::ticker
            && c.chan != chan_kind::funding)
          return true;
        return read_data(fv, c);
      }
      return true;
    });
  }

  bool walk_frame(od::object obj, frame_ctx& c, bool second) {
    return walk::for_fields(obj, [&](std::string_view k, od::value& v) {
      if (k == "type") {
        std::string_view t;
        if (!walk::text(v, t))
          return false;
        c.type = classify_type(t);
        return true;
      }
      if (k == "channel") {
        walk::text(v, c.channel);
        c.chan = classify_channel(c.channel, c.chan_id, c.chan_has_id);
        return true;
      }
      if (k == "time") {
        std::string_view raw = v.raw_json_token();
        c.time_quoted = !raw.empty() && raw[0] == '"';
        c.has_time = walk::text(v, c.time_text);
        return true;
      }
      if (k == "content") {
        if (c.type == msg_type::none && !second) {
          c.deferred = true;
          return true;
        }
        if (c.type == msg_type::quote)
          return read_content(v, c, second);
        if (c.type == msg_type::error) {
          od::json_type t;
          if (v.type().get(t) != simdjson::SUCCESS || t != od::json_type::object)
            return true;
          return walk::for_fields(v, [&](std::string_view ek, od::value& ev) {
            if (ek == "code")
              walk::text(ev, c.err_code);
            else if (ek == "msg")
              walk::text(ev, c.err_msg);
            return true;
          });
        }
        return true;
      }
      return true;
    });
  }

  void emit_depth(const frame_ctx& c, timestamp_ns recv_ts, md_handler& out, decode_result& r) {
    bool any = false;
    for (std::size_t i = 0; i < n_depth_; ++i) {
      auto& e = depth_[i];
      uint64_t id = e.has_id ? e.id : c.chan_id;
      if (!e.has_id && !c.chan_has_id) {
        r.kind = frame_kind::malformed;
        r.error = "contractId missing";
        return;
      }
      const contract* ct = lookup(id);
      if (!ct) {
        r.error = "unknown contractId ";
        r.error += std::to_string(id);
        continue;
      }
      const std::string_view type = !c.data_type.empty() ? c.data_type : e.depth_type;
      const bool snapshot = walk::iequals(type, "snapshot");
      if (!snapshot && !walk::iequals(type, "changed")) {
        r.kind = frame_kind::malformed;
        r.error = "unknown dataType";
        return;
      }
      if (!e.has_end) {
        r.kind = frame_kind::malformed;
        r.error = "endVersion missing";
        return;
      }
      if (snapshot) {
        snap_.symbol = ct->native;
        snap_.seq = e.end;
        snap_.exchange_ts = ms_to_ns(e.ts_ms);
        snap_.recv_ts = recv_ts;
        std::swap(snap_.bids, e.bids); // no copy: the scratch vectors circulate
        std::swap(snap_.asks, e.asks);
        out.on_snapshot(snap_);
      } else {
        delta_.symbol = ct->native;
        delta_.first_seq = e.has_start ? e.start : 0; // see codec.hpp: the safe rule
        delta_.seq = e.end;
        delta_.prev_seq = 0;
        delta_.exchange_ts = ms_to_ns(e.ts_ms);
        delta_.recv_ts = recv_ts;
        std::swap(delta_.bids, e.bids);
        std::swap(delta_.asks, e.asks);
        out.on_delta(delta_, std::nullopt);
      }
      any = true;
    }
    finish(any, r, "empty depth data");
  }

  void emit_marks(const frame_ctx& c, md_handler& out, decode_result& r) {
    bool any = false;
    for (std::size_t i = 0; i < n_marks_; ++i) {
      const auto& e = marks_[i];
      if (!e.has_id && !c.chan_has_id) {
        r.kind = frame_kind::malformed;
        r.error = "contractId missing";
        return;
      }
      const uint64_t id = e.has_id ? e.id : c.chan_id;
      const contract* ct = lookup(id);
      if (!ct) {
        r.error = "unknown contractId ";
        r.error += std::to_string(id);
        continue;
      }
      mark_.symbol = ct->native;
      mark_.mark = e.mark ? e.mark : e.oracle;
      mark_.index = e.index;
      mark_.rate = e.rate;
      mark_.interval_s = 0;
      if (e.rate) {
        if (e.interval_min > 0)
          mark_.interval_s = static_cast<int32_t>(std::min<int64_t>(e.interval_min, 10080) * 60);
        else if (ct->interval_s > 0)
          mark_.interval_s = ct->interval_s;
        else if (e.funding_ms > 0 && e.next_ms > e.funding_ms
                 && e.next_ms - e.funding_ms <= 7 * 86'400'000LL)
          mark_.interval_s = static_cast<int32_t>((e.next_ms - e.funding_ms) / 1000);
      }
      mark_.next_funding_ts = ms_to_ns(e.next_ms);
      mark_.ts = ms_to_ns(e.ts_ms);
      if (!mark_.mark && !mark_.index && !mark_.rate && mark_.next_funding_ts == 0)
        continue;
      out.on_mark(mark_);
      any = true;
    }
    finish(any, r, "no mark or funding in data");
  }

  static void finish(bool any, decode_result& r, std::string_view none_reason) {
    if (any) {
      r.kind = frame_kind::data;
      r.error.clear();
      return;
    }
    r.kind = frame_kind::ignored;
    if (r.error.empty())
      r.error = none_reason;
  }

  venue_info info_;
  od::parser parser_;
  book_delta delta_;
  book_snapshot snap_;
  mark_update mark_;
  std::vector<depth_entry> depth_; ///< scratch, reused (n_depth_ in use)
  std::vector<mark_entry> marks_;
  std::size_t n_depth_ = 0, n_marks_ = 0;
  std::unordered_map<uint64_t, contract> by_id_;
  std::map<std::string, uint64_t, std::less<>> by_native_;
};

} // namespace

std::unique_ptr<md_codec> make_edgex_codec() { return std::make_unique<edgex_codec>(); }

} // namespace xarb::venues
