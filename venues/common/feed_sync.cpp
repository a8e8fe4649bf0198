#include "venues/common/feed_sync.hpp"

#include <algorithm>

#include "core/instrument_registry.hpp"

namespace xarb::venues {

std::string_view to_string(feed_drop d) noexcept {
  switch (d) {
    case feed_drop::unknown_symbol:
      return "unknown_symbol";
    case feed_drop::before_snapshot:
      return "before_snapshot";
    case feed_drop::bridged_away:
      return "bridged_away";
    case feed_drop::buffer_overflow:
      return "buffer_overflow";
    case feed_drop::unit_error:
      return "unit_error";
  }
  return "?";
}

namespace {

bool unit_multiplier(const instrument_spec& spec) {
  return spec.multiplier == ratio::from_units(1);
}

} // namespace

feed_sync::feed_sync(const md_codec& codec, feed_sink& sink, std::size_t max_buffer,
                     int64_t retry_ns)
  : codec_(codec),
    sink_(sink),
    max_buffer_(std::max<std::size_t>(max_buffer, 1)),
    retry_ns_(retry_ns),
    mode_(codec.info().sync) {
}

void feed_sync::set_instruments(std::span<const instrument_spec> specs) {
  std::map<std::string, book_state, std::less<>> next;
  canonical_.clear();
  for (const auto& spec : specs) {
    auto old = books_.find(spec.native_symbol);
    book_state b = old != books_.end() ? std::move(old->second) : book_state{};
    b.spec = spec;
    b.ph = phase::waiting;
    b.fetching = false;
    b.bridging = false;
    b.buffer.clear();
    b.buffer_checksums.clear();
    b.rate.venue = spec.venue;
    b.rate.symbol = spec.symbol;
    if (b.rate.interval_s == 0)
      b.rate.interval_s = spec.funding_interval_s;
    canonical_[spec.symbol] = spec.native_symbol;
    next.emplace(spec.native_symbol, std::move(b));
  }
  books_ = std::move(next);
  by_native_.clear();
  by_native_.reserve(books_.size());
  for (auto& [native, b] : books_)
    by_native_.emplace(native, &b);
}

const instrument_spec* feed_sync::spec_of_native(std::string_view native) const {
  auto i = by_native_.find(native);
  return i == by_native_.end() ? nullptr : &i->second->spec;
}

const instrument_spec* feed_sync::spec_of(std::string_view canonical) const {
  auto i = canonical_.find(canonical);
  return i == canonical_.end() ? nullptr : spec_of_native(i->second);
}

feed_sync::book_state* feed_sync::find_native(std::string_view native) {
  auto i = by_native_.find(native);
  return i == by_native_.end() ? nullptr : i->second;
}

void feed_sync::drop(book_state* b, feed_drop why, std::string_view native) {
  if (b)
    ++b->stats.dropped;
  sink_.dropped(why, native);
}

bool feed_sync::convert(const instrument_spec& spec, const std::vector<book_level>& in,
                        std::vector<book_level>& out) const {
  out.clear();
  if (unit_multiplier(spec)) {
    out.insert(out.end(), in.begin(), in.end());
    return true;
  }
  for (const auto& l : in) {
    auto px = to_canonical_price(spec, l.px);
    auto qty = to_canonical_qty(spec, l.qty);
    if (!px || !qty)
      return false;
    out.push_back({*px, *qty});
  }
  return true;
}

// -- market data from the codec ------------------------------------------------

void feed_sync::on_snapshot(const book_snapshot& s) {
  auto* b = find_native(s.symbol);
  if (!b) {
    drop(nullptr, feed_drop::unknown_symbol, s.symbol);
    return;
  }
  if (!connected_ && mode_ != sync_mode::snapshots) {
    drop(b, feed_drop::before_snapshot, s.symbol);
    return;
  }
  snap_out_.venue = b->spec.venue;
  snap_out_.symbol = b->spec.symbol;
  snap_out_.seq = s.seq;
  snap_out_.exchange_ts = s.exchange_ts;
  snap_out_.recv_ts = s.recv_ts;
  if (!convert(b->spec, s.bids, snap_out_.bids) || !convert(b->spec, s.asks, snap_out_.asks)) {
    drop(b, feed_drop::unit_error, s.symbol);
    return;
  }
  // A stream snapshot resets the book whatever its phase (Bybit: any new
  // snapshot, including u == 1 after a service restart).
  b->ph = phase::live;
  b->fetching = false;
  b->bridging = false;
  b->buffer.clear();
  b->buffer_checksums.clear();
  ++b->stats.snapshots;
  sink_.book(snap_out_);
}

void feed_sync::pass_delta(book_state& b, const book_delta& d, std::optional<int32_t> checksum) {
  delta_out_.venue = b.spec.venue;
  delta_out_.symbol = b.spec.symbol;
  delta_out_.first_seq = d.first_seq;
  delta_out_.seq = d.seq;
  delta_out_.prev_seq = d.prev_seq;
  delta_out_.exchange_ts = d.exchange_ts;
  delta_out_.recv_ts = d.recv_ts;
  if (!convert(b.spec, d.bids, delta_out_.bids) || !convert(b.spec, d.asks, delta_out_.asks)) {
    drop(&b, feed_drop::unit_error, d.symbol);
    return;
  }
  if (b.bridging) {
    // First delta after a REST snapshot: continuity with the snapshot is the
    // overlap rule (first_seq <= L + 1 <= seq), not the venue's "previous
    // update" link, which names an update the snapshot merely contains.
    delta_out_.prev_seq = 0;
    b.bridging = false;
  }
  ++b.stats.deltas;
  sink_.delta(delta_out_, checksum);
}

void feed_sync::on_delta(const book_delta& d, std::optional<int32_t> checksum) {
  auto* b = find_native(d.symbol);
  if (!b) {
    drop(nullptr, feed_drop::unknown_symbol, d.symbol);
    return;
  }
  if (b->ph == phase::waiting) {
    if (mode_ != sync_mode::rest_bridge) {
      drop(b, feed_drop::before_snapshot, d.symbol);
      return;
    }
    if (b->buffer.size() >= max_buffer_) {
      // The snapshot is taking too long: start over with what comes next.
      b->buffer.clear();
      b->buffer_checksums.clear();
      drop(b, feed_drop::buffer_overflow, d.symbol);
    }
    b->buffer.push_back(d);
    b->buffer_checksums.push_back(checksum);
    return;
  }
  if (b->bridging) {
    if (d.seq <= b->bridge_seq) {
      drop(b, feed_drop::bridged_away, d.symbol); // already in the REST snapshot
      return;
    }
    if (d.first_seq != 0 && d.first_seq > b->bridge_seq + 1) {
      // The snapshot is older than the stream: updates in between are lost.
      ++b->stats.stale_snapshots;
      b->ph = phase::waiting;
      b->bridging = false;
      b->buffer.assign(1, d);
      b->buffer_checksums.assign(1, checksum);
      b->fetching = true;
      sink_.fetch_snapshot(b->spec.native_symbol);
      return;
    }
  }
  pass_delta(*b, d, checksum);
}

void feed_sync::on_top(const top_of_book& t) {
  auto* b = find_native(t.symbol);
  if (!b) {
    drop(nullptr, feed_drop::unknown_symbol, t.symbol);
    return;
  }
  top_out_ = t;
  top_out_.venue = b->spec.venue;
  top_out_.symbol = b->spec.symbol;
  if (!unit_multiplier(b->spec)) {
    auto bp = to_canonical_price(b->spec, t.bid.px);
    auto bq = to_canonical_qty(b->spec, t.bid.qty);
    auto ap = to_canonical_price(b->spec, t.ask.px);
    auto aq = to_canonical_qty(b->spec, t.ask.qty);
    if (!bp || !bq || !ap || !aq) {
      drop(b, feed_drop::unit_error, t.symbol);
      return;
    }
    top_out_.bid = {*bp, *bq};
    top_out_.ask = {*ap, *aq};
  }
  sink_.top(top_out_);
}

void feed_sync::on_mark(const mark_update& m) {
  auto* b = find_native(m.symbol);
  if (!b) {
    drop(nullptr, feed_drop::unknown_symbol, m.symbol);
    return;
  }
  auto canonical = [&](const std::optional<price>& native) -> std::optional<price> {
    if (!native)
      return std::nullopt;
    if (unit_multiplier(b->spec))
      return native;
    auto px = to_canonical_price(b->spec, *native);
    if (!px)
      return std::nullopt;
    return *px;
  };
  if (m.mark)
    b->mark = canonical(m.mark);
  if (m.index)
    b->index = canonical(m.index);
  bool changed = false;
  if (m.rate) {
    changed = changed || !b->has_rate || b->rate.rate != *m.rate;
    b->rate.rate = *m.rate;
    b->has_rate = true;
  }
  if (m.interval_s > 0 && m.interval_s != b->rate.interval_s) {
    b->rate.interval_s = m.interval_s;
    changed = true;
  }
  if (m.next_funding_ts != 0 && m.next_funding_ts != b->rate.next_funding_ts) {
    b->rate.next_funding_ts = m.next_funding_ts;
    changed = true;
  }
  if (m.ts != 0)
    b->rate.ts = m.ts;
  // Marks move every second; the rate is passed on whenever it is known so
  // the session sees the mark too.
  (void)changed;
  if (b->has_rate)
    sink_.funding(b->rate, b->mark, b->index);
}

// -- transport and session -------------------------------------------------------

void feed_sync::request(book_state& b, timestamp_ns now) {
  b.requested = now;
  if (mode_ == sync_mode::rest_bridge) {
    b.fetching = true;
    sink_.fetch_snapshot(b.spec.native_symbol);
  } else if (mode_ == sync_mode::in_band) {
    auto frames = codec_.resubscribe_book(b.spec.native_symbol);
    if (!frames.empty())
      sink_.send(std::move(frames));
  }
  // snapshots: the next pushed snapshot heals the book.
}

void feed_sync::connection_open(timestamp_ns now) {
  connected_ = true;
  for (auto& [native, b] : books_) {
    b.ph = phase::waiting;
    b.bridging = false;
    b.buffer.clear();
    b.buffer_checksums.clear();
    b.requested = now;
    if (mode_ == sync_mode::rest_bridge) {
      b.fetching = true;
      sink_.fetch_snapshot(native);
    }
    // in_band / snapshots: the subscriptions just sent bring the snapshots.
  }
}

void feed_sync::connection_lost() {
  connected_ = false;
  for (auto& [native, b] : books_) {
    b.ph = phase::waiting;
    b.bridging = false;
    b.fetching = false;
    b.buffer.clear();
    b.buffer_checksums.clear();
  }
}

void feed_sync::bridge(book_state& b, const book_snapshot& native) {
  snap_out_.venue = b.spec.venue;
  snap_out_.symbol = b.spec.symbol;
  snap_out_.seq = native.seq;
  snap_out_.exchange_ts = native.exchange_ts;
  snap_out_.recv_ts = native.recv_ts;
  if (!convert(b.spec, native.bids, snap_out_.bids)
      || !convert(b.spec, native.asks, snap_out_.asks)) {
    drop(&b, feed_drop::unit_error, native.symbol);
    return; // stays waiting; the session asks again
  }
  b.ph = phase::live;
  b.bridging = true;
  b.bridge_seq = native.seq;
  ++b.stats.snapshots;
  ++b.stats.bridges;
  sink_.book(snap_out_);
  auto buffered = std::move(b.buffer);
  auto checksums = std::move(b.buffer_checksums);
  b.buffer.clear();
  b.buffer_checksums.clear();
  for (std::size_t i = 0; i < buffered.size(); ++i) {
    if (b.ph == phase::waiting) {
      // A stale snapshot was detected: keep the rest for the next bridge.
      b.buffer.push_back(std::move(buffered[i]));
      b.buffer_checksums.push_back(checksums[i]);
      continue;
    }
    on_delta(buffered[i], checksums[i]);
  }
}

void feed_sync::rest_snapshot(const std::string& native, expected<book_snapshot> snap) {
  auto* b = find_native(native);
  if (!b)
    return;
  b->fetching = false;
  if (!snap || !connected_ || b->ph != phase::waiting)
    return; // failed, no stream to bridge to, or already healed in band
  bridge(*b, *snap);
}

bool feed_sync::resync(std::string_view symbol, timestamp_ns now) {
  auto i = canonical_.find(symbol);
  if (i == canonical_.end())
    return false;
  auto& b = books_.find(i->second)->second;
  if (!connected_)
    return true; // the reconnect resynchronises everything
  if (b.ph == phase::waiting) {
    if (b.fetching || now - b.requested < retry_ns_)
      return true;
    request(b, now);
    return true;
  }
  ++b.stats.resyncs;
  b.ph = phase::waiting;
  b.bridging = false;
  b.buffer.clear();
  b.buffer_checksums.clear();
  request(b, now);
  return true;
}

bool feed_sync::awaiting(std::string_view symbol) const {
  auto i = canonical_.find(symbol);
  if (i == canonical_.end())
    return false;
  return books_.find(i->second)->second.ph == phase::waiting;
}

std::optional<int32_t> feed_sync::checksum_of(std::string_view symbol,
                                              std::span<const book_level> bids,
                                              std::span<const book_level> asks) const {
  const auto* spec = spec_of(symbol);
  if (!spec)
    return std::nullopt;
  constexpr std::size_t depth = 25;
  const auto nb_count = std::min(bids.size(), depth), na_count = std::min(asks.size(), depth);
  if (unit_multiplier(*spec)) // canonical units are the venue's
    return codec_.checksum(spec->native_symbol, bids.first(nb_count), asks.first(na_count));
  // Checked after every delta of a checksum venue: scratch levels are reused.
  thread_local std::vector<book_level> nb, na;
  auto native = [&](std::span<const book_level> in, std::size_t n, std::vector<book_level>& out) {
    out.clear();
    for (std::size_t k = 0; k < n; ++k) {
      auto px = to_native_price(*spec, in[k].px, rounding::exact);
      auto qty = to_native_qty(*spec, in[k].qty, rounding::exact);
      if (!px || !qty)
        return false;
      out.push_back({*px, *qty});
    }
    return true;
  };
  if (!native(bids, nb_count, nb) || !native(asks, na_count, na))
    return std::nullopt;
  return codec_.checksum(spec->native_symbol, nb, na);
}

std::optional<price> feed_sync::mark_of(std::string_view symbol) const {
  auto i = canonical_.find(symbol);
  if (i == canonical_.end())
    return std::nullopt;
  return books_.find(i->second)->second.mark;
}

const feed_sync::book_stats& feed_sync::stats(std::string_view symbol) const {
  static const book_stats none{};
  auto i = canonical_.find(symbol);
  if (i == canonical_.end())
    return none;
  return books_.find(i->second)->second.stats;
}

} // namespace xarb::venues
