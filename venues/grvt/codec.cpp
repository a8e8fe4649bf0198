#include "venues/grvt/codec.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "venues/common/json_fields.hpp"
#include "venues/grvt/json_walk.hpp"
#include "venues/grvt/json_write.hpp"
#include "venues/grvt/rest.hpp"

namespace xarb::venues {

error_code grvt_percent_to_fraction(std::string_view percent, ratio& out) noexcept {
  // Move the decimal point with an exponent so the value is rounded once,
  // at the end (dividing an already rounded ratio by 100 would round twice).
  char buf[96];
  if (percent.empty() || percent.size() > 64)
    return error_code::parse_error;
  std::string_view mantissa = percent;
  int exp = 0;
  if (auto e = percent.find_first_of("eE"); e != std::string_view::npos) {
    mantissa = percent.substr(0, e);
    auto rest = percent.substr(e + 1);
    if (!rest.empty() && rest[0] == '+')
      rest.remove_prefix(1);
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), exp);
    if (ec != std::errc{} || p != rest.data() + rest.size() || rest.empty() || exp < -400
        || exp > 400)
      return error_code::parse_error;
  }
  if (mantissa.empty())
    return error_code::parse_error;
  std::memcpy(buf, mantissa.data(), mantissa.size());
  std::size_t n = mantissa.size();
  buf[n++] = 'e';
  auto [p, ec] = std::to_chars(buf + n, buf + sizeof(buf), exp - 2);
  if (ec != std::errc{})
    return error_code::parse_error;
  n = static_cast<std::size_t>(p - buf);
  return ratio::parse(std::string_view(buf, n), out, rounding::nearest);
}

namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view k_venue = "grvt";
constexpr int64_t k_second_ns = 1'000'000'000;
constexpr std::string_view k_ws_target = "/ws/full";
// Selector rates (ms). v1.book.d accepts 50|100|500|1000; ticker and mini
// snapshots 200|500|1000|5000 (venue-protocols.md 7.1, api-spec).
constexpr std::string_view k_book_rate = "100";
constexpr std::string_view k_ticker_rate = "1000";
constexpr std::string_view k_mini_rate = "200";

enum class stream_kind : uint8_t { none, book_d, book_s, ticker, mini, other };

stream_kind classify(std::string_view s) noexcept {
  if (s == "v1.book.d")
    return stream_kind::book_d;
  if (s == "v1.book.s")
    return stream_kind::book_s;
  if (s == "v1.ticker.s" || s == "v1.ticker.d")
    return stream_kind::ticker;
  if (s == "v1.mini.s" || s == "v1.mini.d")
    return stream_kind::mini;
  return stream_kind::other;
}

/// Ticker / mini ticker fields one frame carries (delta frames carry few).
struct ticker_fields {
  std::optional<price> mark, index, bid_px, ask_px;
  std::optional<quantity> bid_qty, ask_qty;
  std::optional<ratio> rate, rate_8h;
  int64_t interval_h = 0;
  int64_t next_funding = 0;
};

/// What one frame's top level said.
struct frame_ctx {
  stream_kind kind = stream_kind::none;
  std::string_view stream, selector, instrument, method;
  std::string_view error_code_text, error_message;
  uint64_t seq = 0, prev = 0;
  int64_t event_time = 0;
  bool has_seq = false, has_prev = false, has_feed = false, feed_deferred = false;
  bool jsonrpc = false, has_result = false, has_error = false;
};

/// Reads a decimal field unless it is "" (GRVT delta semantics: null).
template <class Fixed>
bool opt_decimal(od::value& v, std::optional<Fixed>& out, rounding mode = rounding::exact) {
  std::string_view t;
  if (!walk::text(v, t))
    return false;
  if (t.empty()) {
    out.reset();
    return true;
  }
  Fixed x;
  if (Fixed::parse(t, x, mode) != error_code::none)
    return false;
  out = x;
  return true;
}

bool opt_percent(od::value& v, std::optional<ratio>& out) {
  std::string_view t;
  if (!walk::text(v, t))
    return false;
  if (t.empty()) {
    out.reset();
    return true;
  }
  ratio r;
  if (grvt_percent_to_fraction(t, r) != error_code::none)
    return false;
  out = r;
  return true;
}

/// {"jsonrpc":"2.0","method":M,"params":{"stream":S,"selectors":[...]},"id":N}
std::string rpc_frame(std::string_view method, std::string_view stream,
                      std::span<const std::string> natives, std::string_view rate,
                      uint64_t id) {
  std::string f;
  f.reserve(96 + natives.size() * 24);
  f += R"({"jsonrpc":"2.0","method":)";
  jw::str(f, method);
  f += R"(,"params":{"stream":)";
  jw::str(f, stream);
  f += R"(,"selectors":[)";
  for (std::size_t i = 0; i < natives.size(); ++i) {
    if (i)
      f.push_back(',');
    f.push_back('"');
    jw::escaped(f, natives[i]);
    f.push_back('@');
    f += rate;
    f.push_back('"');
  }
  f += R"(]},"id":)";
  jw::unum(f, id);
  f.push_back('}');
  return f;
}

class grvt_codec final : public md_codec {
public:
  grvt_codec() {
    info_.name = std::string(k_venue);
    info_.sync = sync_mode::in_band;
    info_.ws_mainnet = "wss://market-data.grvt.io";
    info_.rest_mainnet = "https://market-data.grvt.io";
    info_.ws_testnet = "wss://market-data.testnet.grvt.io";
    info_.rest_testnet = "https://market-data.testnet.grvt.io";
    // No application heartbeat is documented (ccxt keeps the socket 5 min
    // without one): WS ping frames; v1.ticker.s pushes every second, so 30 s
    // of silence means a dead connection.
    info_.heartbeat.ping_interval_ns = 20 * k_second_ns;
    info_.heartbeat.ws_ping_frames = true;
    info_.heartbeat.silence_ns = 30 * k_second_ns;
    info_.max_client_msgs_per_s = 5;          // unverified: no published limit found
    info_.max_streams_per_connection = 150;   // selectors; unverified
    info_.snapshot_depth = 500;               // full/v1/book depth 10|50|100|500
    // Base tier: taker 0.045 % (ccxt fill sample fee_rate "0.045", percent),
    // maker 0 (ccxt maker fill fee_rate "0.0"); the listing carries no fees.
    info_.maker_fee = ratio::zero();
    info_.taker_fee = ratio::from_raw(450'000); // 0.00045
    delta_.venue = info_.name;
    snap_.venue = info_.name;
    top_.venue = info_.name;
  }

  const venue_info& info() const noexcept override { return info_; }

  // -- instruments -----------------------------------------------------------

  std::vector<http_request> instruments_requests() const override {
    http_request r;
    r.method = "POST";
    r.target = "/full/v1/all_instruments";
    r.body = R"({"is_active":true})";
    r.headers.emplace_back("Content-Type", "application/json");
    return {r};
  }

  expected<std::vector<instrument_spec>>
  parse_instruments(std::span<const std::string> bodies,
                    std::vector<std::string>* skipped) override {
    if (bodies.empty())
      return error_info{error_code::parse_error, "grvt: no all_instruments body"};
    return grvt_rest::parse_listing(bodies[0], info_, skipped);
  }

  // -- books (REST) ----------------------------------------------------------

  http_request snapshot_request(std::string_view native) const override {
    http_request r;
    r.method = "POST";
    r.target = "/full/v1/book";
    r.body = R"({"instrument":)";
    jw::str(r.body, native);
    r.body += R"(,"depth":)";
    jw::unum(r.body, info_.snapshot_depth);
    r.body.push_back('}');
    r.headers.emplace_back("Content-Type", "application/json");
    return r;
  }

  /// full/v1/book carries no sequence number: seq = 0 (GRVT syncs in band;
  /// the REST book only serves consistency checks).
  expected<book_snapshot> parse_snapshot(std::string_view native,
                                         std::string_view body) override {
    return grvt_rest::parse_book(native, body, info_);
  }

  // -- streams ---------------------------------------------------------------

  std::vector<ws_plan> plan(std::span<const std::string> natives) const override {
    std::vector<ws_plan> out;
    // Three selectors per instrument (book, ticker, mini).
    const std::size_t per_conn = std::max<std::size_t>(1, info_.max_streams_per_connection / 3);
    for (std::size_t i = 0; i < natives.size(); i += per_conn) {
      const auto chunk = natives.subspan(i, std::min(per_conn, natives.size() - i));
      ws_plan p;
      p.target = std::string(k_ws_target);
      p.books = true;
      p.subscribe.push_back(rpc_frame("subscribe", "v1.book.d", chunk, k_book_rate, next_id()));
      p.subscribe.push_back(
        rpc_frame("subscribe", "v1.ticker.s", chunk, k_ticker_rate, next_id()));
      p.subscribe.push_back(rpc_frame("subscribe", "v1.mini.s", chunk, k_mini_rate, next_id()));
      out.push_back(std::move(p));
    }
    return out;
  }

  std::vector<std::string> resubscribe_book(std::string_view native) const override {
    const std::string n(native);
    const std::span<const std::string> one(&n, 1);
    return {rpc_frame("unsubscribe", "v1.book.d", one, k_book_rate, next_id()),
            rpc_frame("subscribe", "v1.book.d", one, k_book_rate, next_id())};
  }

  void decode(std::string& frame, timestamp_ns recv_ts, md_handler& out,
              decode_result& r) override {
    begin_decode(r);
    delta_.bids.clear();
    delta_.asks.clear();
    snap_.bids.clear();
    snap_.asks.clear();
    tick_ = ticker_fields{};

    od::document doc;
    od::object obj;
    if (parser_.iterate(json::padded(frame)).get(doc) != simdjson::SUCCESS
        || doc.get_object().get(obj) != simdjson::SUCCESS) {
      r.error = "not a JSON object";
      return;
    }
    frame_ctx c;
    const bool ok = walk::for_fields(obj, [&](std::string_view k, od::value& v) {
      if (k == "stream") {
        if (!walk::text(v, c.stream))
          return false;
        c.kind = classify(c.stream);
        return true;
      }
      if (k == "selector")
        return walk::text(v, c.selector);
      if (k == "sequence_number") {
        c.has_seq = json::get_u64(v, c.seq) == error_code::none;
        return c.has_seq;
      }
      if (k == "prev_sequence_number") {
        c.has_prev = json::get_u64(v, c.prev) == error_code::none;
        return c.has_prev;
      }
      if (k == "feed") {
        c.has_feed = true;
        if (c.kind == stream_kind::none) { // stream comes later: read the feed afterwards
          c.feed_deferred = true;
          return true;
        }
        return read_feed(v, c);
      }
      if (k == "jsonrpc") {
        c.jsonrpc = true;
        return true;
      }
      if (k == "result" || k == "subs") { // "subs": the legacy non JSON-RPC ack
        c.has_result = true;
        return true;
      }
      if (k == "error") {
        c.has_error = true;
        return walk::for_fields(v, [&](std::string_view ek, od::value& ev) {
          if (ek == "code")
            walk::text(ev, c.error_code_text);
          else if (ek == "message")
            walk::text(ev, c.error_message);
          return true;
        });
      }
      if (k == "method")
        walk::text(v, c.method);
      return true;
    });
    if (!ok) {
      r.error = "malformed frame";
      return;
    }
    if (c.has_error) {
      r.kind = frame_kind::error;
      r.error = "grvt error ";
      r.error += c.error_code_text;
      r.error += ": ";
      r.error += c.error_message;
      return;
    }
    if (c.has_result && !c.has_feed) { // {"jsonrpc":"2.0","result":{"stream","subs",..},"id":1,..}
      r.kind = frame_kind::ack;
      return;
    }
    if (c.kind == stream_kind::none) {
      r.kind = frame_kind::ignored;
      r.error = c.jsonrpc ? "json-rpc frame without result" : "no stream";
      return;
    }
    if (c.kind == stream_kind::other) {
      r.kind = frame_kind::ignored;
      r.error = "stream not used: ";
      r.error += c.stream;
      return;
    }
    if (!c.has_feed) {
      r.error = "feed missing";
      return;
    }
    if (c.feed_deferred) {
      od::value fv;
      doc.rewind();
      if (doc.find_field_unordered("feed").get(fv) != simdjson::SUCCESS || !read_feed(fv, c)) {
        r.error = "malformed feed";
        return;
      }
    }
    if (c.instrument.empty()) // the selector names it too: "BTC_USDT_Perp@100"
      c.instrument = c.selector.substr(0, c.selector.find('@'));
    if (c.instrument.empty()) {
      r.error = "instrument missing";
      return;
    }
    switch (c.kind) {
      case stream_kind::book_s:
      case stream_kind::book_d: book(c, recv_ts, out, r); return;
      case stream_kind::ticker:
      case stream_kind::mini: ticker(c, recv_ts, out, r); return;
      default: return;
    }
  }

private:
  struct book_state {
    bool fresh = false; ///< an opening snapshot was decoded, its first delta not yet
  };

  uint64_t next_id() const noexcept { return next_id_.fetch_add(1, std::memory_order_relaxed); }

  book_state& state_of(std::string_view instrument) {
    auto it = books_.find(instrument);
    if (it == books_.end())
      it = books_.emplace(std::string(instrument), book_state{}).first;
    return it->second;
  }

  bool read_feed(od::value v, frame_ctx& c) {
    const bool is_book = c.kind == stream_kind::book_d || c.kind == stream_kind::book_s;
    return walk::for_fields(v, [&](std::string_view k, od::value& fv) {
      if (k == "event_time")
        return json::get_i64(fv, c.event_time) == error_code::none;
      if (k == "instrument")
        return walk::text(fv, c.instrument);
      if (is_book) {
        if (k == "bids")
          return walk::read_levels(fv, delta_.bids);
        if (k == "asks")
          return walk::read_levels(fv, delta_.asks);
        return true;
      }
      if (k == "mark_price")
        return opt_decimal(fv, tick_.mark, rounding::nearest);
      if (k == "index_price")
        return opt_decimal(fv, tick_.index, rounding::nearest);
      if (k == "best_bid_price")
        return opt_decimal(fv, tick_.bid_px);
      if (k == "best_bid_size")
        return opt_decimal(fv, tick_.bid_qty);
      if (k == "best_ask_price")
        return opt_decimal(fv, tick_.ask_px);
      if (k == "best_ask_size")
        return opt_decimal(fv, tick_.ask_qty);
      if (k == "funding_rate")
        return opt_percent(fv, tick_.rate);
      if (k == "funding_rate_8h_curr")
        return opt_percent(fv, tick_.rate_8h);
      if (k == "funding_interval_hours")
        return json::get_i64(fv, tick_.interval_h) == error_code::none && tick_.interval_h >= 0
               && tick_.interval_h <= 24 * 7;
      if (k == "next_funding_time")
        return json::get_i64(fv, tick_.next_funding) == error_code::none;
      return true;
    });
  }

  void book(const frame_ctx& c, timestamp_ns recv_ts, md_handler& out, decode_result& r) {
    if (!c.has_seq) {
      r.error = "sequence_number missing";
      return;
    }
    const bool snapshot = c.kind == stream_kind::book_s || c.seq == 0;
    auto& st = state_of(c.instrument);
    if (snapshot) {
      snap_.symbol.assign(c.instrument);
      snap_.seq = c.seq;
      snap_.exchange_ts = c.event_time;
      snap_.recv_ts = recv_ts;
      std::swap(snap_.bids, delta_.bids); // levels were read into delta_: swap, no copy
      std::swap(snap_.asks, delta_.asks);
      st.fresh = c.kind == stream_kind::book_d;
      out.on_snapshot(snap_);
      r.kind = frame_kind::data;
      return;
    }
    delta_.symbol.assign(c.instrument);
    delta_.seq = c.seq;
    if (st.fresh) { // first delta after the opening snapshot: see codec.hpp
      delta_.prev_seq = 0;
      delta_.first_seq = 1;
      st.fresh = false;
    } else {
      delta_.prev_seq = c.has_prev ? c.prev : 0;
      delta_.first_seq = 0;
    }
    delta_.exchange_ts = c.event_time;
    delta_.recv_ts = recv_ts;
    out.on_delta(delta_, std::nullopt);
    r.kind = frame_kind::data;
  }

  void ticker(const frame_ctx& c, timestamp_ns recv_ts, md_handler& out, decode_result& r) {
    bool any = false;
    mark_.symbol.assign(c.instrument);
    mark_.mark = tick_.mark;
    mark_.index = tick_.index;
    mark_.rate.reset();
    mark_.interval_s = 0;
    if (tick_.rate) {
      mark_.rate = tick_.rate;
      mark_.interval_s = static_cast<int32_t>(tick_.interval_h * 3600);
    } else if (tick_.rate_8h) { // explicitly an 8 h rate
      mark_.rate = tick_.rate_8h;
      mark_.interval_s = 8 * 3600;
    }
    mark_.next_funding_ts = tick_.next_funding;
    mark_.ts = c.event_time;
    if (mark_.mark || mark_.index || mark_.rate || mark_.next_funding_ts != 0) {
      out.on_mark(mark_);
      any = true;
    }
    // A BBO only when the frame carries all four fields (snapshot feeds do;
    // delta feeds carry what changed and are not subscribed).
    if (tick_.bid_px && tick_.bid_qty && tick_.ask_px && tick_.ask_qty) {
      top_.symbol.assign(c.instrument);
      top_.seq = c.seq;
      top_.bid = book_level{*tick_.bid_px, *tick_.bid_qty};
      top_.ask = book_level{*tick_.ask_px, *tick_.ask_qty};
      top_.exchange_ts = c.event_time;
      top_.recv_ts = recv_ts;
      out.on_top(top_);
      any = true;
    }
    if (any) {
      r.kind = frame_kind::data;
    } else {
      r.kind = frame_kind::ignored;
      r.error = "no mark, funding or BBO in feed";
    }
  }

  venue_info info_;
  od::parser parser_;
  book_delta delta_;
  book_snapshot snap_;
  top_of_book top_;
  mark_update mark_;
  ticker_fields tick_;
  std::map<std::string, book_state, std::less<>> books_;
  mutable std::atomic<uint64_t> next_id_{1};
};

} // namespace

std::unique_ptr<md_codec> make_grvt_codec() { return std::make_unique<grvt_codec>(); }

} // namespace xarb::venues
