#include "venues/okx/codec.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <simdjson.h>

#include "core/instrument_registry.hpp"
#include "venues/common/book_checksum.hpp"
#include "venues/common/json_fields.hpp"
#include "venues/okx/wire.hpp"

namespace xarb::venues {
namespace {

namespace od = simdjson::ondemand;

constexpr int64_t ns_per_s = 1'000'000'000;
// OKX: keep fewer than 30 channels of 400-level books per connection; each
// symbol takes books, bbo-tbt, funding-rate and mark-price.
constexpr std::size_t books_per_connection = 30;
constexpr std::size_t channels_per_symbol = 4;
constexpr std::string_view ws_path = "/ws/v5/public";

venue_info make_info() {
  venue_info i;
  i.name = "okx";
  i.sync = sync_mode::in_band;
  i.ws_mainnet = "wss://ws.okx.com:8443";
  i.rest_mainnet = "https://www.okx.com";
  // Demo trading: same paths (the docs add ?brokerId=9999 to the WS URL);
  // demo REST is the main host with header x-simulated-trading: 1.
  i.ws_testnet = "wss://wspap.okx.com:8443";
  i.rest_testnet = "https://www.okx.com";
  // The server drops a connection after ~30 s without client traffic.
  i.heartbeat.ping_interval_ns = 20 * ns_per_s;
  i.heartbeat.ping_text = "ping";
  i.heartbeat.silence_ns = 40 * ns_per_s;
  i.max_client_msgs_per_s = 3; // subscribe/unsubscribe/login requests per second
  i.max_streams_per_connection = books_per_connection * channels_per_symbol;
  i.snapshot_depth = 400; // GET /api/v5/market/books sz <= 400
  i.maker_fee = ratio::from_raw(200'000); // 0.02 % (regular tier, swaps)
  i.taker_fee = ratio::from_raw(500'000); // 0.05 %
  return i;
}

bool is_book_channel(std::string_view c) {
  return c == "books" || c == "books5" || c == "books-l2-tbt" || c == "books50-l2-tbt";
}

bool is_our_channel(std::string_view c) {
  return is_book_channel(c) || c == "bbo-tbt" || c == "funding-rate" || c == "mark-price";
}

/// What one frame said, before anything is handed out (a frame is decoded
/// completely first, so a truncated one never reaches the handler).
struct okx_fields {
  std::string_view event, channel, arg_inst, data_inst, action, code, msg;
  bool has_arg = false;
  int data_items = 0;
  bool has_ts = false, has_seq = false, has_prev = false, has_checksum = false;
  timestamp_ns ts = 0;
  int64_t seq = 0, prev = 0, checksum = 0;
  std::optional<ratio> rate;
  timestamp_ns funding_time = 0, next_funding_time = 0;
  std::optional<price> mark, index;
};

class okx_codec_impl final : public okx_codec {
public:
  okx_codec_impl() : info_(make_info()) {
    snap_.venue = delta_.venue = top_.venue = info_.name;
  }

  const venue_info& info() const noexcept override { return info_; }

  std::vector<http_request> instruments_requests() const override {
    http_request r;
    r.target = "/api/v5/public/instruments?instType=SWAP";
    return {r};
  }

  expected<std::vector<instrument_spec>>
  parse_instruments(std::span<const std::string> bodies,
                    std::vector<std::string>* skipped) override;

  http_request snapshot_request(std::string_view native) const override {
    http_request r;
    r.target = "/api/v5/market/books?instId=" + std::string{native} + "&sz="
               + std::to_string(info_.snapshot_depth);
    return r;
  }

  expected<book_snapshot> parse_snapshot(std::string_view native,
                                         std::string_view body) override;

  std::vector<ws_plan> plan(std::span<const std::string> natives) const override;

  std::vector<std::string> resubscribe_book(std::string_view native) const override {
    return {subscribe_frame("unsubscribe", "books", {&native, 1}),
            subscribe_frame("subscribe", "books", {&native, 1})};
  }

  void decode(std::string& frame, timestamp_ns recv_ts, md_handler& out,
              decode_result& result) override;

  void learn_contract(std::string_view inst_id, ratio ct_val) override {
    contracts_[std::string{inst_id}] = contract{ct_val, 0};
  }

  std::optional<ratio> contract_value(std::string_view inst_id) const override {
    auto it = contracts_.find(inst_id);
    if (it == contracts_.end())
      return std::nullopt;
    return it->second.ct_val;
  }

  std::optional<int32_t> checksum_of(std::string_view inst_id,
                                     std::span<const book_level> bids,
                                     std::span<const book_level> asks) const override;

  /// The session's check (md_codec::checksum): over contract sizes. A book
  /// whose sizes are not whole contracts gets a value no venue sends, so
  /// the session resyncs rather than trusting it.
  int32_t checksum(std::string_view native, std::span<const book_level> bids,
                   std::span<const book_level> asks) const override {
    auto cs = checksum_of(native, bids, asks);
    return cs ? *cs : 0;
  }

private:
  struct contract {
    ratio ct_val;
    // Added to seqId/prevSeqId after OKX restarted its numbering (see
    // decode_book); reset by every snapshot.
    uint64_t seq_offset = 0;
  };

  static std::string subscribe_frame(std::string_view op, std::string_view channel,
                                     std::span<const std::string_view> insts);
  static std::string subscribe_frame(std::string_view op, std::string_view channel,
                                     std::span<const std::string> insts, std::size_t first,
                                     std::size_t count);

  const char* parse(std::string& frame);
  const char* parse_arg(od::value v);
  const char* parse_data(od::value v);
  void dispatch(timestamp_ns recv_ts, md_handler& out, decode_result& r);
  void decode_book(contract& c, std::string_view inst, timestamp_ns recv_ts, md_handler& out,
                   decode_result& r);

  venue_info info_;
  od::parser parser_;
  std::map<std::string, contract, std::less<>> contracts_;
  // Scratch reused by every decode (no allocation once warm).
  okx_fields f_;
  std::vector<book_level> bids_, asks_;
  book_snapshot snap_;
  book_delta delta_;
  top_of_book top_;
  mark_update mark_;
};

// -- listing ------------------------------------------------------------------

expected<std::vector<instrument_spec>>
okx_codec_impl::parse_instruments(std::span<const std::string> bodies,
                                  std::vector<std::string>* skipped) {
  if (bodies.size() != 1)
    return error_info{error_code::parse_error, "okx: expected one instruments body"};
  std::vector<wire::flat_fields> items;
  auto e = wire::parse_rest(parser_, bodies[0], "okx instruments", {}, [&](od::value& v) {
    od::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS)
      return error_info{error_code::parse_error, "okx instruments: data is not an array"};
    for (auto ir : arr) {
      od::object item;
      wire::flat_fields ff;
      if (ir.get_object().get(item) != simdjson::SUCCESS || !wire::flatten(item, ff))
        return error_info{error_code::parse_error, "okx instruments: bad item"};
      items.push_back(std::move(ff));
    }
    return error_info{};
  });
  if (e)
    return e;

  auto skip = [&](std::string_view inst, std::string_view why) {
    if (skipped)
      skipped->push_back(std::string{inst} + ": " + std::string{why});
  };
  std::vector<instrument_spec> specs;
  std::map<std::string, contract, std::less<>> learned;
  for (const auto& ff : items) {
    const auto inst = ff.str("instId");
    if (ff.str("instType") != "SWAP") {
      skip(inst, "not a perpetual swap (instType " + std::string{ff.str("instType")} + ")");
      continue;
    }
    if (ff.str("ctType") != "linear") {
      skip(inst, "not linear (ctType " + std::string{ff.str("ctType")} + ")");
      continue;
    }
    if (ff.str("state") != "live") {
      skip(inst, "not trading (state " + std::string{ff.str("state")} + ")");
      continue;
    }
    auto sym = parse_native_symbol(style_for_venue("okx"), inst);
    if (!sym) {
      skip(inst, sym.error().message);
      continue;
    }
    price tick;
    ratio ct_val;
    quantity lot_sz, min_sz;
    if (price::parse(ff.str("tickSz"), tick) != error_code::none || !tick.is_positive()
        || ratio::parse(ff.str("ctVal"), ct_val) != error_code::none || !ct_val.is_positive()
        || quantity::parse(ff.str("lotSz"), lot_sz) != error_code::none || !lot_sz.is_positive()
        || quantity::parse(ff.str("minSz"), min_sz) != error_code::none
        || min_sz.is_negative()) {
      skip(inst, "bad tickSz/ctVal/lotSz/minSz");
      continue;
    }
    auto lot = multiply(lot_sz, ct_val, rounding::exact);
    auto min_qty = multiply(min_sz, ct_val, rounding::exact);
    if (!lot || !min_qty || !lot->is_positive()) {
      skip(inst, "lot or minimum size in coins not exact at 9 decimals");
      continue;
    }
    instrument_spec s;
    s.venue = info_.name;
    s.native_symbol = std::string{inst};
    s.symbol = canonical_symbol(sym->base);
    s.base = sym->base;
    s.quote = sym->quote;
    s.multiplier = sym->unit; // sizes are emitted in coins (x ctVal)
    s.tick = tick;
    s.lot = *lot;
    s.min_qty = *min_qty;
    s.min_notional = money::zero(); // OKX has no notional minimum for swaps
    s.maker_fee = info_.maker_fee;  // the listing has no fees: regular tier
    s.taker_fee = info_.taker_fee;
    s.max_leverage = static_cast<int32_t>(std::clamp<int64_t>(
      wire::int_of(ff.str("lever")).value_or(0), 0, 100'000));
    // Not in the listing; the funding-rate channel tells the real interval.
    s.funding_interval_s = 8 * 3600;
    specs.push_back(std::move(s));
    learned[std::string{inst}] = contract{ct_val, 0};
  }
  contracts_ = std::move(learned);
  return specs;
}

expected<book_snapshot> okx_codec_impl::parse_snapshot(std::string_view native,
                                                       std::string_view body) {
  auto it = contracts_.find(native);
  if (it == contracts_.end())
    return error_info{error_code::unknown_symbol,
                      "okx: no contract value for " + std::string{native}};
  book_snapshot s;
  s.venue = info_.name;
  s.symbol = std::string{native};
  int items = 0;
  auto e = wire::parse_rest(parser_, body, "okx books", {}, [&](od::value& v) {
    od::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS)
      return error_info{error_code::parse_error, "okx books: data is not an array"};
    for (auto ir : arr) {
      od::object item;
      if (ir.get_object().get(item) != simdjson::SUCCESS || ++items > 1)
        return error_info{error_code::parse_error, "okx books: expected one book"};
      for (auto gr : item) {
        od::field g;
        if (std::move(gr).get(g) != simdjson::SUCCESS)
          return error_info{error_code::parse_error, "okx books: bad JSON"};
        const char* err = nullptr;
        if (g.key() == "asks")
          err = wire::read_levels(g.value(), s.asks);
        else if (g.key() == "bids")
          err = wire::read_levels(g.value(), s.bids);
        else if (g.key() == "ts") {
          bool present = false;
          if (!wire::get_ms(g.value(), s.exchange_ts, present))
            err = "bad ts";
        } else if (g.key() == "seqId") {
          // Not documented for REST books; used when present.
          int64_t seq = 0;
          if (json::get_i64(g.value(), seq) != error_code::none || seq < 0)
            err = "bad seqId";
          s.seq = static_cast<uint64_t>(seq);
        }
        if (err)
          return error_info{error_code::parse_error, std::string{"okx books: "} + err};
      }
    }
    return error_info{};
  });
  if (e)
    return e;
  if (items != 1)
    return error_info{error_code::parse_error, "okx books: no book in data"};
  if (!wire::scale_sizes(s.bids, it->second.ct_val)
      || !wire::scale_sizes(s.asks, it->second.ct_val))
    return error_info{error_code::overflow, "okx books: size x ctVal overflows"};
  return s;
}

// -- subscriptions ----------------------------------------------------------------

std::string okx_codec_impl::subscribe_frame(std::string_view op, std::string_view channel,
                                            std::span<const std::string_view> insts) {
  std::string s = R"({"op":)";
  wire::append_str(s, op);
  s += R"(,"args":[)";
  for (std::size_t i = 0; i < insts.size(); ++i) {
    if (i)
      s.push_back(',');
    s += R"({"channel":)";
    wire::append_str(s, channel);
    s += R"(,"instId":)";
    wire::append_str(s, insts[i]);
    s.push_back('}');
  }
  s += "]}";
  return s;
}

std::string okx_codec_impl::subscribe_frame(std::string_view op, std::string_view channel,
                                            std::span<const std::string> insts,
                                            std::size_t first, std::size_t count) {
  std::vector<std::string_view> v;
  for (std::size_t i = first; i < first + count && i < insts.size(); ++i)
    v.push_back(insts[i]);
  return subscribe_frame(op, channel, v);
}

std::vector<ws_plan> okx_codec_impl::plan(std::span<const std::string> natives) const {
  const std::size_t per_conn = std::max<std::size_t>(
    1, std::min(books_per_connection, info_.max_streams_per_connection / channels_per_symbol));
  std::vector<ws_plan> out;
  for (std::size_t first = 0; first < natives.size(); first += per_conn) {
    ws_plan p;
    p.target = std::string{ws_path};
    p.books = true;
    for (std::string_view channel : {"books", "bbo-tbt", "funding-rate", "mark-price"})
      p.subscribe.push_back(subscribe_frame("subscribe", channel, natives, first, per_conn));
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<int32_t> okx_codec_impl::checksum_of(std::string_view inst_id,
                                                   std::span<const book_level> bids,
                                                   std::span<const book_level> asks) const {
  auto ct = contract_value(inst_id);
  if (!ct)
    return std::nullopt;
  // Checked after every delta: scratch levels are reused.
  thread_local std::vector<book_level> b, a;
  auto to_contracts = [&](std::span<const book_level> in, std::vector<book_level>& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size() && i < 25; ++i) {
      auto q = divide_by(in[i].qty, *ct, rounding::exact);
      if (!q)
        return false;
      out.push_back({in[i].px, *q});
    }
    return true;
  };
  if (!to_contracts(bids, b) || !to_contracts(asks, a))
    return std::nullopt;
  return book_checksum(b, a, 25);
}

// -- decoding -----------------------------------------------------------------------

void okx_codec_impl::decode(std::string& frame, timestamp_ns recv_ts, md_handler& out,
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

const char* okx_codec_impl::parse(std::string& frame) {
  f_ = okx_fields{};
  bids_.clear();
  asks_.clear();
  return wire::walk_okx_frame(
    parser_, frame, f_, [&](od::value& v) { return parse_arg(v); },
    [&](od::value& v) { return parse_data(v); });
}

const char* okx_codec_impl::parse_arg(od::value v) {
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

const char* okx_codec_impl::parse_data(od::value v) {
  if (f_.has_arg && !is_our_channel(f_.channel)) {
    f_.data_items = 1; // not decoded: skipped unread
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
      f_.has_ts = present;
    } else if (k == "seqId") {
      if (json::get_i64(x, f_.seq) != error_code::none)
        return "bad seqId";
      f_.has_seq = true;
    } else if (k == "prevSeqId") {
      if (json::get_i64(x, f_.prev) != error_code::none)
        return "bad prevSeqId";
      f_.has_prev = true;
    } else if (k == "checksum") {
      if (json::get_i64(x, f_.checksum) != error_code::none || f_.checksum < INT32_MIN
          || f_.checksum > INT32_MAX)
        return "bad checksum";
      f_.has_checksum = true;
    } else if (k == "instId") {
      if (x.get_string().get(f_.data_inst) != simdjson::SUCCESS)
        return "bad instId";
    } else if (k == "fundingRate") {
      // 16 decimals on the wire ("0.0001875391284828"): nearest nano
      if (!wire::get_opt_decimal(x, f_.rate, rounding::nearest))
        return "bad fundingRate";
    } else if (k == "fundingTime") {
      if (!wire::get_ms(x, f_.funding_time, present))
        return "bad fundingTime";
    } else if (k == "nextFundingTime") {
      if (!wire::get_ms(x, f_.next_funding_time, present))
        return "bad nextFundingTime";
    } else if (k == "markPx") {
      if (!wire::get_opt_decimal(x, f_.mark))
        return "bad markPx";
    } else if (k == "idxPx") {
      if (!wire::get_opt_decimal(x, f_.index))
        return "bad idxPx";
    }
    return nullptr;
  });
}

void okx_codec_impl::dispatch(timestamp_ns recv_ts, md_handler& out, decode_result& r) {
  if (!f_.event.empty()) {
    if (f_.event == "subscribe" || f_.event == "unsubscribe") {
      r.kind = frame_kind::ack;
    } else if (f_.event == "error") {
      r.kind = frame_kind::error;
      r.error.assign(f_.code).append(": ").append(f_.msg);
    } else if (f_.event == "notice" || f_.event == "login" || f_.event == "channel-conn-count"
               || f_.event == "channel-conn-count-error") {
      r.kind = frame_kind::info; // notice 64008: the server will close soon (reconnect)
      r.error.assign(f_.event).append(" ").append(f_.code).append(" ").append(f_.msg);
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
  if (f_.channel == "funding-rate" || f_.channel == "mark-price") {
    mark_.symbol.assign(inst);
    mark_.mark = f_.mark;
    mark_.index = f_.index;
    mark_.rate = f_.rate;
    mark_.interval_s = 0;
    mark_.next_funding_ts = 0;
    mark_.ts = f_.ts;
    if (f_.channel == "funding-rate") {
      if (!f_.rate) {
        r.error = "fundingRate missing";
        return;
      }
      // fundingTime = the settlement this rate applies at; the interval is
      // the distance to the following one (not always 8 h).
      mark_.next_funding_ts = f_.funding_time;
      const int64_t gap = f_.next_funding_time - f_.funding_time;
      if (f_.funding_time > 0 && gap > 0 && gap / ns_per_s <= INT32_MAX)
        mark_.interval_s = static_cast<int32_t>(gap / ns_per_s);
    } else if (!f_.mark) {
      r.error = "markPx missing";
      return;
    }
    out.on_mark(mark_);
    r.kind = frame_kind::data;
    return;
  }
  auto it = contracts_.find(inst);
  if (it == contracts_.end()) {
    r.kind = frame_kind::ignored;
    r.error.assign("unknown instrument ").append(inst).append(" (no ctVal)");
    return;
  }
  if (!wire::scale_sizes(bids_, it->second.ct_val) || !wire::scale_sizes(asks_, it->second.ct_val)) {
    r.error = "size x ctVal overflows";
    return;
  }
  if (f_.channel == "bbo-tbt") {
    top_.symbol.assign(inst);
    top_.seq = f_.has_seq && f_.seq > 0 ? static_cast<uint64_t>(f_.seq) : 0;
    top_.bid = bids_.empty() ? book_level{} : bids_.front();
    top_.ask = asks_.empty() ? book_level{} : asks_.front();
    top_.exchange_ts = f_.ts;
    top_.recv_ts = recv_ts;
    out.on_top(top_);
    r.kind = frame_kind::data;
    return;
  }
  decode_book(it->second, inst, recv_ts, out, r);
}

// Sequence mapping (order_book.hpp rules):
//   snapshot: seq = seqId.
//   update:   prev_seq = prevSeqId, seq = seqId, first_seq = 0, so
//             order_book requires prevSeqId == the last applied seqId.
//   - a no-change heartbeat (seqId == prevSeqId, no levels) has seq == the
//     book's seq: order_book ignores it as a duplicate;
//   - after maintenance OKX may restart its numbering (seqId < prevSeqId,
//     docs: "accept and continue"): from that update on the codec adds an
//     offset so the numbers it emits keep increasing (prev_seq = the last
//     emitted seq, seq = prev_seq + 1); the next snapshot clears it.
//   checksum: OKX's CRC32 is over its contract sizes; it is passed on when
//   non-zero (production sends 0 since 2026-06-23) and the session checks it
//   with checksum() (coin sizes back to contracts).
void okx_codec_impl::decode_book(contract& c, std::string_view inst, timestamp_ns recv_ts,
                                 md_handler& out, decode_result& r) {
  if (!f_.has_seq || f_.seq < 0) {
    r.error = "seqId missing or negative";
    return;
  }
  const bool snapshot = f_.action == "snapshot" || f_.action.empty(); // books5: no action
  if (!snapshot && f_.action != "update") {
    r.error = "unknown action";
    return;
  }
  if (snapshot) {
    c.seq_offset = 0;
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
  if (!f_.has_prev || f_.prev < 0) {
    r.error = "prevSeqId missing or negative in an update";
    return;
  }
  const auto raw_prev = static_cast<uint64_t>(f_.prev);
  const auto raw_seq = static_cast<uint64_t>(f_.seq);
  uint64_t prev = 0, seq = 0;
  if (__builtin_add_overflow(raw_prev, c.seq_offset, &prev) || prev == UINT64_MAX) {
    r.error = "sequence overflow";
    return;
  }
  if (raw_seq < raw_prev) { // numbering restarted: continue from prev
    seq = prev + 1;
    c.seq_offset = seq - raw_seq;
  } else if (__builtin_add_overflow(raw_seq, c.seq_offset, &seq)) {
    r.error = "sequence overflow";
    return;
  }
  delta_.symbol.assign(inst);
  delta_.first_seq = 0;
  delta_.prev_seq = prev;
  delta_.seq = seq;
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

std::unique_ptr<md_codec> make_okx_codec() {
  return std::make_unique<okx_codec_impl>();
}

} // namespace xarb::venues
