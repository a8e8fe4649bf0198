#include "bench/codec_fixture.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "core/instrument_registry.hpp"
#include "venues/common/units.hpp"
#include "venues/mock/rest_target.hpp"
#include "venues/registry/registry.hpp"

namespace xarb::bench {

namespace {

constexpr int64_t tick = 100'000'000;                  // 0.1
constexpr int64_t best_bid0 = 65'000 * decimal_scale;  // 65000.0
constexpr int64_t best_ask0 = best_bid0 + tick;        // 65000.1
constexpr int slots = 60;          // price slots per side
constexpr int near_slots = 30;     // changes land among the slots nearest the top
constexpr int changes_per_side = 10;
constexpr int min_levels = 45;     // removals stop below this many levels
constexpr std::size_t snapshot_depth = 50; // what the mock server sends in band
constexpr timestamp_ns start_ts = 1'754'903'057'600'000'000;

[[noreturn]] void fail(const std::string& venue, const std::string& why) {
  throw std::runtime_error(venue + ": " + why);
}

} // namespace

std::string padded_copy(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 64); // >= simdjson::SIMDJSON_PADDING
  out.assign(s);
  return out;
}

// -- book_sink -------------------------------------------------------------------

void book_sink::book(const book_snapshot& s) {
  ++snapshots;
  if (keep_snapshot) {
    kept = s;
    keep_snapshot = false;
  }
  if (auto ec = ob.apply(s); ec != error_code::none) {
    ++errors;
    last_error = ec;
  }
}

void book_sink::delta(const book_delta& d, std::optional<int32_t> checksum) {
  ++deltas;
  if (auto ec = ob.apply(d); ec != error_code::none) {
    ++errors;
    last_error = ec;
    return;
  }
  if (checksum && verify) {
    ++checksums;
    ob.to_snapshot(check_, 25);
    auto ours = verify->checksum_of(d.symbol, check_.bids, check_.asks);
    if (!ours || *ours != *checksum) {
      ++errors;
      last_error = error_code::parse_error;
    }
  }
}

void book_sink::top(const top_of_book& t) {
  ++tops;
  last_top = t;
}

void book_sink::funding(const funding_rate&, std::optional<price>, std::optional<price>) {
  ++fundings;
}

void book_sink::fetch_snapshot(const std::string& native) { fetches.push_back(native); }

void book_sink::send(std::vector<std::string>) {}

void book_sink::dropped(venues::feed_drop, std::string_view) { ++drops; }

// -- bench_market ----------------------------------------------------------------

class bench_market final : public mock::market_view {
public:
  bench_market(const mock::venue_protocol& p, const venues::venue_info& info, uint64_t seed)
    : rng_(seed) {
    mock::mock_instrument mi;
    auto& s = mi.spec;
    s.venue = std::string{p.venue()};
    s.native_symbol = p.native_symbol("BTC", ratio::from_units(1));
    auto parsed = parse_native_symbol(style_for_venue(s.venue), s.native_symbol);
    if (!parsed)
      fail(s.venue, "cannot parse its own native symbol " + s.native_symbol);
    s.base = parsed->base;
    s.quote = parsed->quote;
    s.symbol = canonical_symbol(s.base);
    s.multiplier = parsed->unit;
    s.tick = price::from_raw(tick);
    s.lot = quantity::from_raw(1'000'000);     // 0.001
    s.min_qty = quantity::from_raw(1'000'000);
    s.min_notional = money::from_units(100);
    s.maker_fee = info.maker_fee;
    s.taker_fee = info.taker_fee;
    s.max_leverage = 125;
    s.funding_interval_s = 8 * 3600;
    venue_ = s.venue;
    native_ = s.native_symbol;
    instruments_.push_back(std::move(mi));
    for (int i = 0; i < slots; ++i) {
      bids_[i] = random_qty();
      asks_[i] = random_qty();
    }
    // ~50 of 60 slots occupied, the best one of each side included.
    for (int k = 0; k < slots - 50; ++k) {
      bids_[1 + rng_() % (slots - 1)] = 0;
      asks_[1 + rng_() % (slots - 1)] = 0;
    }
    mark_.mark = price::from_raw(best_bid0 + tick / 2);
    mark_.index = price::from_raw(best_bid0);
    mark_.rate = ratio::from_raw(100'000); // 0.0001
    mark_.interval_s = 8 * 3600;
    mark_.next_funding_ts = start_ts + 3'600'000'000'000;
  }

  const std::vector<mock::mock_instrument>& instruments() const override { return instruments_; }
  const mock::mock_instrument* find(std::string_view n) const override {
    return n == native_ ? &instruments_[0] : nullptr;
  }
  book_snapshot book(std::string_view n, std::size_t depth) const override {
    book_snapshot b;
    if (n != native_)
      throw std::invalid_argument("bench_market: unknown symbol");
    b.venue = venue_;
    b.symbol = native_;
    b.seq = seq_;
    b.exchange_ts = now_;
    for (int i = 0; i < slots && b.bids.size() < depth; ++i)
      if (bids_[i] > 0)
        b.bids.push_back({price::from_raw(best_bid0 - i * tick), quantity::from_raw(bids_[i])});
    for (int i = 0; i < slots && b.asks.size() < depth; ++i)
      if (asks_[i] > 0)
        b.asks.push_back({price::from_raw(best_ask0 + i * tick), quantity::from_raw(asks_[i])});
    return b;
  }
  std::optional<mock::mark_state> mark(std::string_view n) const override {
    if (n != native_)
      return std::nullopt;
    return mark_;
  }
  timestamp_ns now() const override { return now_; }

  /// One change: 10 bid and 10 ask slots among the nearest 30, best first.
  book_delta step() {
    book_delta d;
    d.venue = venue_;
    d.symbol = native_;
    d.prev_seq = seq_;
    d.first_seq = seq_ + 1;
    ++seq_; // consecutive, as the simulator numbers its changes (Bybit needs u + 1)
    d.seq = seq_;
    now_ += 100'000'000;
    d.exchange_ts = now_;
    change_side(bids_, true, d.bids);
    change_side(asks_, false, d.asks);
    return d;
  }

  top_of_book top() const {
    top_of_book t;
    t.venue = venue_;
    t.symbol = native_;
    t.seq = seq_;
    t.exchange_ts = now_;
    for (int i = 0; i < slots; ++i)
      if (bids_[i] > 0) {
        t.bid = {price::from_raw(best_bid0 - i * tick), quantity::from_raw(bids_[i])};
        break;
      }
    for (int i = 0; i < slots; ++i)
      if (asks_[i] > 0) {
        t.ask = {price::from_raw(best_ask0 + i * tick), quantity::from_raw(asks_[i])};
        break;
      }
    return t;
  }

private:
  int64_t random_qty() { return static_cast<int64_t>(1 + rng_() % 5000) * 1'000'000; }

  void change_side(std::array<int64_t, slots>& side, bool bid, std::vector<book_level>& out) {
    std::array<int, near_slots> idx;
    std::iota(idx.begin(), idx.end(), 0);
    for (int k = 0; k < changes_per_side; ++k)
      std::swap(idx[k], idx[k + static_cast<int>(rng_() % (near_slots - k))]);
    std::sort(idx.begin(), idx.begin() + changes_per_side); // best first
    int count = static_cast<int>(std::count_if(side.begin(), side.end(),
                                               [](int64_t q) { return q > 0; }));
    for (int k = 0; k < changes_per_side; ++k) {
      auto& q = side[idx[k]];
      if (q > 0 && count > min_levels && rng_() % 4 == 0) {
        q = 0;
        --count;
      } else {
        count += q == 0;
        q = random_qty();
      }
      const int64_t px = bid ? best_bid0 - idx[k] * tick : best_ask0 + idx[k] * tick;
      out.push_back({price::from_raw(px), quantity::from_raw(q)});
    }
  }

  std::mt19937_64 rng_;
  std::vector<mock::mock_instrument> instruments_;
  std::string venue_, native_;
  std::array<int64_t, slots> bids_{}, asks_{};
  uint64_t seq_ = 1'000'000;
  timestamp_ns now_ = start_ts;
  mock::mark_state mark_;
};

// -- codec_fixture ---------------------------------------------------------------

codec_fixture::codec_fixture(std::string venue, std::size_t frames, uint64_t seed)
  : venue_(std::move(venue)) {
  auto c = venues::make_codec(venue_);
  auto p = venues::make_protocol(venue_);
  if (!c || !p)
    fail(venue_, "unknown venue");
  codec_ = std::move(*c);
  proto_ = std::move(*p);
  market_ = std::make_unique<bench_market>(*proto_, codec_->info(), seed);
  native_ = market_->instruments()[0].spec.native_symbol;
  sync_ = std::make_unique<venues::feed_sync>(*codec_, sink_);
  sink_.verify = sync_.get();

  std::vector<std::string> bodies;
  for (const auto& req : codec_->instruments_requests())
    bodies.push_back(rest_body(req));
  auto specs = codec_->parse_instruments(bodies);
  if (!specs || specs->size() != 1)
    fail(venue_, "listing not understood");
  auto canonical = venues::to_canonical_specs(std::move(*specs), venues::unit_table::defaults());
  if (canonical.size() != 1)
    fail(venue_, "listing not convertible to canonical units");
  sync_->set_instruments(canonical);

  sync_book();

  // Encode the run of changes (and the BBO frames they cause).
  top_of_book last_top = market_->top();
  std::vector<std::string> out;
  for (std::size_t k = 0; k < frames; ++k) {
    const auto d = market_->step();
    out.clear();
    proto_->book_frames(d, clients_[books_client_], *market_, out);
    for (const auto& f : out)
      book_frames_.push_back(padded_copy(f));
    if (!tops_client_)
      continue;
    const auto t = market_->top();
    if (t.bid == last_top.bid && t.ask == last_top.ask)
      continue;
    last_top = t;
    out.clear();
    proto_->top_frames(t, clients_[*tops_client_], out);
    for (const auto& f : out)
      top_frames_.push_back(padded_copy(f));
  }
  if (book_frames_.empty())
    fail(venue_, "the protocol encoded no book frame");

  // Self-check: the whole run applies without a single error.
  rewind();
  const auto before = sink_.deltas + sink_.snapshots;
  for (auto& f : book_frames_)
    if (feed(f, 1) != venues::frame_kind::data)
      fail(venue_, "a book frame did not decode as data: " + result_.error);
  if (sink_.errors != 0 || sink_.drops != 0)
    fail(venue_, "replaying the run gave " + std::to_string(sink_.errors) + " book errors ("
                   + std::string{to_string(sink_.last_error)} + ") and "
                   + std::to_string(sink_.drops) + " drops");
  if (sink_.deltas + sink_.snapshots - before != book_frames_.size())
    fail(venue_, "not every book frame reached the book");
  has_checksums_ = sink_.checksums > 0;
  sink_.verify = nullptr;
  for (auto& f : top_frames_)
    if (feed(f, 1) != venues::frame_kind::data)
      fail(venue_, "a BBO frame did not decode as data: " + result_.error);
  rewind();
}

codec_fixture::~codec_fixture() = default;

std::string codec_fixture::rest_body(const venues::http_request& req) {
  auto call = mock::make_rest_call(req.method, req.target, req.body);
  if (!call)
    fail(venue_, "bad REST target " + req.target);
  auto a = proto_->rest(*call, *market_);
  if (a.status != 200)
    fail(venue_, "REST " + req.target + " answered " + std::to_string(a.status) + " " + a.body);
  return a.body;
}

void codec_fixture::sync_book() {
  std::vector<std::string> natives{native_};
  std::vector<std::string> answers, snaps;
  for (const auto& plan : codec_->plan(natives)) {
    mock::ws_client c;
    c.target = plan.target;
    answers.clear();
    proto_->on_open(c, *market_, answers);
    for (const auto& f : plan.subscribe)
      proto_->on_client_text(f, c, *market_, answers);
    if (plan.books)
      sync_->connection_open(market_->now()); // as live_market on md_link up
    for (const auto& a : answers) {
      auto f = padded_copy(a);
      feed(f, 1);
    }
    for (const auto& n : c.snapshot_due) {
      snaps.clear();
      proto_->snapshot_frames(market_->book(n, snapshot_depth), c, *market_, snaps);
      for (const auto& s : snaps) {
        auto f = padded_copy(s);
        if (plan.books)
          sync_frames_.push_back(f);
        feed(f, 1);
      }
    }
    c.snapshot_due.clear();
    if (plan.books)
      books_client_ = clients_.size();
    if (!c.tops.empty())
      tops_client_ = clients_.size();
    clients_.push_back(std::move(c));
  }
  if (clients_.empty())
    fail(venue_, "plan() opened no connection");
  // rest_bridge: answer feed_sync's snapshot fetches as the session would.
  while (!sink_.fetches.empty()) {
    const auto n = sink_.fetches.back();
    sink_.fetches.pop_back();
    auto snap = codec_->parse_snapshot(n, rest_body(codec_->snapshot_request(n)));
    if (!snap)
      fail(venue_, "REST snapshot not understood: " + snap.error().message);
    sink_.keep_snapshot = true;
    sync_->rest_snapshot(n, std::move(snap));
  }
  if (mode() == venues::sync_mode::rest_bridge) {
    if (sink_.kept.bids.empty())
      fail(venue_, "no REST snapshot was bridged");
    rest_book_ = sink_.kept;
  }
  if (mode() == venues::sync_mode::in_band && sync_frames_.empty())
    fail(venue_, "no in-band snapshot after subscribing");
  if (mode() != venues::sync_mode::snapshots && !sink_.ob.synced())
    fail(venue_, "book not synced after subscribing");
  if (sink_.errors != 0)
    fail(venue_, "errors while syncing");
}

void codec_fixture::rewind() {
  switch (mode()) {
    case venues::sync_mode::rest_bridge:
      sink_.ob.apply(rest_book_);
      break;
    case venues::sync_mode::in_band:
      for (auto& f : sync_frames_)
        feed(f, 1);
      break;
    case venues::sync_mode::snapshots:
      break;
  }
}

venues::frame_kind codec_fixture::feed(std::string& frame, timestamp_ns recv_ts) {
  codec_->decode(frame, recv_ts, *sync_, result_);
  return result_.kind;
}

std::size_t codec_fixture::mean_book_frame_bytes() const {
  std::size_t n = 0;
  for (const auto& f : book_frames_)
    n += f.size();
  return book_frames_.empty() ? 0 : n / book_frames_.size();
}

} // namespace xarb::bench
