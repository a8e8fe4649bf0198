#include "actors/live_market.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "core/risk/rate_limits.hpp"

namespace xarb {

namespace {

constexpr int64_t max_listing_backoff_ns = 60'000'000'000;

/// base "wss://host/" + target "/public/stream" without a doubled slash.
std::string join_url(std::string base, const std::string& target) {
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  if (target.empty())
    return base;
  if (target.front() != '/' && target.front() != '?')
    base.push_back('/');
  return base + target;
}

} // namespace

live_market::live_market(std::string venue, live_market_config cfg, caf::actor session,
                         std::vector<sim::event>& events)
  : venue_(std::move(venue)),
    cfg_(std::move(cfg)),
    codec_(cfg_.codec ? cfg_.codec() : nullptr),
    transport_(codec_ && cfg_.transport ? cfg_.transport(std::move(session)) : nullptr),
    sync_(codec_ ? *codec_ : throw std::invalid_argument("live venue " + venue_ + ": no codec"),
          *this),
    events_(events) {
  if (!transport_)
    throw std::invalid_argument("live venue " + venue_ + ": no transport");
}

live_market::~live_market() = default;

void live_market::start(timestamp_ns now) {
  request_listing(now);
}

void live_market::request_listing(timestamp_ns now) {
  (void)now;
  ++counters_.listing_attempts;
  auto reqs = codec_->instruments_requests();
  listing_bodies_.assign(reqs.size(), std::string{});
  listing_answers_ = 0;
  listing_failed_ = false;
  // Answers of an earlier attempt are no longer wanted.
  std::erase_if(pending_, [](const auto& p) { return p.second.what == purpose::listing; });
  for (std::size_t k = 0; k < reqs.size(); ++k) {
    const auto id = next_id_++;
    pending_[id] = pending{purpose::listing, k, {}};
    transport_->request(id, cfg_.rest_url, reqs[k]);
  }
}

void live_market::finish_listing(outcome& out, timestamp_ns now) {
  std::vector<std::string> skipped;
  auto parsed = codec_->parse_instruments(listing_bodies_, &skipped);
  listing_bodies_.clear();
  if (!parsed) {
    listing_failed_ = true;
    listing_backoff_ns_ = std::min(std::max(cfg_.listing_retry_ns, 2 * listing_backoff_ns_),
                                   max_listing_backoff_ns);
    listing_retry_at_ = now + listing_backoff_ns_;
    out.notes.push_back(fmt::format("instrument listing unusable: {} (retry in {} s)",
                                    parsed.error().message, listing_backoff_ns_ / 1'000'000'000));
    return;
  }
  auto specs = venues::to_canonical_specs(std::move(*parsed), cfg_.units, &skipped);
  for (auto& s : specs) {
    s.venue = venue_; // the session's name (a config may name a venue differently)
    if (cfg_.maker_fee)
      s.maker_fee = *cfg_.maker_fee;
    if (cfg_.taker_fee)
      s.taker_fee = *cfg_.taker_fee;
  }
  std::sort(specs.begin(), specs.end(),
            [](const instrument_spec& a, const instrument_spec& b) { return a.symbol < b.symbol; });
  // Two native contracts for one canonical symbol (e.g. a USDT and a USDC
  // perp of the same coin): the first by native name is kept.
  specs.erase(std::unique(specs.begin(), specs.end(),
                          [](const instrument_spec& a, const instrument_spec& b) {
                            return a.symbol == b.symbol;
                          }),
              specs.end());
  std::vector<instrument_spec> chosen;
  if (!cfg_.symbols.empty()) {
    for (auto& want : cfg_.symbols) {
      auto i = std::find_if(specs.begin(), specs.end(),
                            [&](const instrument_spec& s) { return s.symbol == want; });
      if (i == specs.end())
        out.notes.push_back(fmt::format("{} is not listed (or not usable) on {}", want,
                                        cfg_.adapter));
      else
        chosen.push_back(*i);
    }
  } else {
    chosen.assign(specs.begin(),
                  specs.begin() + static_cast<std::ptrdiff_t>(
                                    std::min(specs.size(), cfg_.max_symbols)));
    if (specs.size() > cfg_.max_symbols)
      out.notes.push_back(fmt::format("{} perpetuals listed, watching the first {} by symbol "
                                      "(set [venues.{}] symbols)",
                                      specs.size(), cfg_.max_symbols, venue_));
  }
  if (!skipped.empty())
    out.notes.push_back(fmt::format("{} listed instruments skipped, e.g. {}", skipped.size(),
                                    skipped.front()));
  specs_ = std::move(chosen);
  sync_.set_instruments(specs_);
  listed_ = true;
  out.listed = true;
  std::vector<std::string> natives;
  natives.reserve(specs_.size());
  for (auto& s : specs_)
    natives.push_back(s.native_symbol);
  plan_ = natives.empty() ? std::vector<venues::ws_plan>{} : codec_->plan(natives);
  generation_.assign(plan_.size(), 0);
  books_conn_ = 0;
  for (std::size_t i = 0; i < plan_.size(); ++i)
    if (plan_[i].books) {
      books_conn_ = static_cast<uint32_t>(i);
      break;
    }
  const auto& info = codec_->info();
  for (std::size_t i = 0; i < plan_.size(); ++i)
    transport_->connect(static_cast<uint32_t>(i), join_url(cfg_.ws_url, plan_[i].target),
                        info.heartbeat, info.max_client_msgs_per_s);
}

live_market::outcome live_market::on_rest(rest_reply& r, timestamp_ns now,
                                          risk::venue_rate_limiter* limiter) {
  outcome out;
  auto i = pending_.find(r.id);
  if (i == pending_.end())
    return out; // an answer nobody waits for any more
  auto p = std::move(i->second);
  pending_.erase(i);
  if (limiter && (r.status == 429 || r.status == 418)) {
    if (r.status == 418)
      limiter->on_http_418(now);
    else
      limiter->on_http_429(now);
  }
  const bool ok = r.status == 200;
  if (!ok)
    ++counters_.rest_errors;
  const std::string why = !r.error.empty() ? r.error : fmt::format("HTTP {}", r.status);
  if (p.what == purpose::listing) {
    if (listing_failed_)
      return out;
    if (!ok) {
      listing_failed_ = true;
      listing_backoff_ns_ = std::min(std::max(cfg_.listing_retry_ns, 2 * listing_backoff_ns_),
                                     max_listing_backoff_ns);
      listing_retry_at_ = now + listing_backoff_ns_;
      out.notes.push_back(fmt::format("instrument listing failed: {} (retry in {} s)", why,
                                      listing_backoff_ns_ / 1'000'000'000));
      return out;
    }
    listing_bodies_.at(p.index) = std::move(r.body);
    if (++listing_answers_ == listing_bodies_.size())
      finish_listing(out, now);
    return out;
  }
  if (!ok) {
    out.notes.push_back(fmt::format("REST snapshot of {} failed: {}", p.native, why));
    sync_.rest_snapshot(p.native, expected<book_snapshot>(error_code::venue_unavailable, why));
    return out;
  }
  auto snap = codec_->parse_snapshot(p.native, r.body);
  if (!snap) {
    out.notes.push_back(
      fmt::format("REST snapshot of {} unusable: {}", p.native, snap.error().message));
    sync_.rest_snapshot(p.native, std::move(snap));
    return out;
  }
  snap->recv_ts = r.ts;
  sync_.rest_snapshot(p.native, std::move(snap));
  return out;
}

live_market::outcome live_market::on_link(const md_link& l) {
  outcome out;
  if (l.conn >= plan_.size())
    return out;
  if (l.up) {
    generation_[l.conn] = l.generation;
    ++counters_.connects;
    for (const auto& f : plan_[l.conn].subscribe)
      transport_->send(l.conn, f);
    if (l.conn == books_conn_) {
      sync_.connection_open(l.ts);
      out.books_up = true;
    }
    return out;
  }
  if (l.generation != generation_[l.conn])
    return out; // a late notice of an older connection
  ++counters_.disconnects;
  if (l.conn == books_conn_) {
    sync_.connection_lost();
    out.books_down = true;
  }
  out.notes.push_back(fmt::format("connection {} ({}) closed: {}", l.conn, plan_[l.conn].target,
                                  l.reason));
  return out;
}

live_market::outcome live_market::on_frame(md_frame& f) {
  outcome out;
  if (f.conn >= plan_.size() || f.generation != generation_[f.conn])
    return out; // from a connection that is gone
  ++counters_.frames;
  current_conn_ = f.conn;
  result_.reply.clear();
  result_.error.clear();
  codec_->decode(f.payload, f.recv_ts, sync_, result_);
  out.kind = result_.kind;
  switch (result_.kind) {
    case venues::frame_kind::ping:
      if (!result_.reply.empty())
        transport_->send(f.conn, std::move(result_.reply));
      break;
    case venues::frame_kind::malformed:
      ++counters_.malformed;
      out.error = result_.error;
      break;
    case venues::frame_kind::error:
      ++counters_.venue_errors;
      out.error = result_.error;
      break;
    case venues::frame_kind::ignored:
      ++counters_.ignored;
      break;
    default:
      break;
  }
  return out;
}

void live_market::tick(timestamp_ns now, risk::venue_rate_limiter* limiter) {
  if (!listed_ && listing_failed_ && now >= listing_retry_at_)
    request_listing(now);
  if (now < fetch_retry_at_)
    return;
  while (!fetch_queue_.empty()) {
    if (limiter) {
      auto d = limiter->acquire(risk::endpoint::snapshot, now);
      if (!d) {
        fetch_retry_at_ = std::max(d.retry_at, now + 1);
        return;
      }
    }
    auto native = std::move(fetch_queue_.front());
    fetch_queue_.pop_front();
    const auto id = next_id_++;
    auto req = codec_->snapshot_request(native);
    pending_[id] = pending{purpose::snapshot, 0, native};
    transport_->request(id, cfg_.rest_url, req);
  }
}

bool live_market::resync(const std::string& symbol, timestamp_ns now) {
  const bool waiting = sync_.awaiting(symbol);
  const bool known = sync_.resync(symbol, now);
  return known && !waiting;
}

std::optional<int32_t> live_market::take_checksum() {
  if (checksums_.empty())
    return std::nullopt;
  auto cs = checksums_.front();
  checksums_.pop_front();
  return cs;
}

std::optional<int32_t> live_market::checksum_of(const std::string& symbol,
                                                const book_snapshot& top) const {
  return sync_.checksum_of(symbol, top.bids, top.asks);
}

void live_market::note_lag(uint32_t conn, timestamp_ns exchange_ts, timestamp_ns recv_ts) {
  if (exchange_ts <= 0 || recv_ts <= 0)
    return;
  counters_.last_lag_ns = recv_ts - exchange_ts;
  transport_->note_lag(conn, counters_.last_lag_ns);
}

// -- feed_sink ---------------------------------------------------------------------

void live_market::book(const book_snapshot& s) {
  note_lag(current_conn_, s.exchange_ts, s.recv_ts);
  events_.emplace_back(s);
}

void live_market::delta(const book_delta& d, std::optional<int32_t> checksum) {
  note_lag(current_conn_, d.exchange_ts, d.recv_ts);
  events_.emplace_back(d);
  checksums_.push_back(checksum);
}

void live_market::top(const top_of_book& t) {
  (void)t; // the session builds its top of book from the depth stream
}

void live_market::funding(const funding_rate& r, std::optional<price> mark,
                          std::optional<price> index) {
  (void)mark, (void)index; // kept by feed_sync (mark_of)
  events_.emplace_back(r);
}

void live_market::fetch_snapshot(const std::string& native) {
  if (std::find(fetch_queue_.begin(), fetch_queue_.end(), native) == fetch_queue_.end())
    fetch_queue_.push_back(native);
}

void live_market::send(std::vector<std::string> frames) {
  for (auto& f : frames)
    transport_->send(books_conn_, std::move(f));
}

void live_market::dropped(venues::feed_drop why, std::string_view native) {
  (void)why, (void)native; // counted per book in feed_sync::stats
}

} // namespace xarb
