#include "monitoring/status_board.hpp"

#include <algorithm>

#include "monitoring/board_json.hpp"
#include "monitoring/json_writer.hpp"
#include "monitoring/pnl_total.hpp"

namespace xarb {

namespace {

bool is_down(health_state s) {
  return s == health_state::stopping || s == health_state::stopped;
}

} // namespace

std::size_t venue_status::synced_books() const noexcept {
  return static_cast<std::size_t>(
    std::count_if(books.begin(), books.end(), [](auto& b) { return b.synced; }));
}

// -- writers ------------------------------------------------------------------

void status_board::set_node(node_status node) {
  std::lock_guard guard{mtx_};
  node_ = std::move(node);
}

void status_board::set_node(std::string name, std::string version, timestamp_ns start_ns,
                            std::string data_mode, std::string execution_mode) {
  set_node(node_status{std::move(name), std::move(version), start_ns, std::move(data_mode),
                       std::move(execution_mode)});
}

void status_board::expect_venue(const std::string& venue,
                                const std::vector<std::string>& symbols) {
  std::lock_guard guard{mtx_};
  auto& entry = venues_[venue];
  for (auto& sym : symbols)
    if (auto i = entry.books.find(sym); i == entry.books.end())
      entry.books.emplace(sym, book_status{sym, false, 0, 0, {}, {}});
}

void status_board::set_venue_state(const std::string& venue, health_state state,
                                   std::string detail) {
  std::lock_guard guard{mtx_};
  auto& entry = venues_[venue];
  entry.state = state;
  entry.detail = std::move(detail);
  if (is_down(state))
    for (auto& [sym, book] : entry.books)
      book.synced = false;
}

void status_board::set_instruments(const std::string& venue,
                                   std::vector<instrument_spec> specs) {
  std::lock_guard guard{mtx_};
  instruments_[venue] = std::move(specs);
}

std::map<std::string, std::vector<instrument_spec>, std::less<>>
status_board::instruments() const {
  std::lock_guard guard{mtx_};
  return instruments_;
}

void status_board::set_book(const std::string& venue, const std::string& symbol,
                            bool synced, timestamp_ns last_update_ns, uint64_t seq) {
  std::lock_guard guard{mtx_};
  auto& entry = venues_[venue];
  auto i = entry.books.find(symbol);
  if (i == entry.books.end())
    i = entry.books.emplace(symbol, book_status{symbol, false, 0, 0, {}, {}}).first;
  i->second.synced = synced;
  i->second.last_update_ns = last_update_ns;
  i->second.seq = seq;
}

void status_board::set_book(const std::string& venue, const std::string& symbol,
                            bool synced, timestamp_ns last_update_ns, uint64_t seq,
                            const book_level& bid, const book_level& ask) {
  std::lock_guard guard{mtx_};
  auto& entry = venues_[venue];
  auto i = entry.books.find(symbol);
  if (i == entry.books.end())
    i = entry.books.emplace(symbol, book_status{symbol, false, 0, 0, {}, {}}).first;
  auto& b = i->second;
  b.synced = synced;
  b.last_update_ns = last_update_ns;
  b.seq = seq;
  b.bid = bid;
  b.ask = ask;
}

void status_board::count_session(const std::string& venue) {
  std::lock_guard guard{mtx_};
  ++venues_[venue].sessions;
}

void status_board::count_resync(const std::string& venue) {
  std::lock_guard guard{mtx_};
  ++venues_[venue].resyncs;
}

void status_board::add_latency(const std::string& venue, double ms) {
  std::lock_guard guard{mtx_};
  auto& v = venues_[venue];
  // Exponentially weighted (alpha 0.1): smooth, yet follows a slow venue
  // within a few dozen orders.
  v.latency_ms = v.latency_samples == 0 ? ms : v.latency_ms * 0.9 + ms * 0.1;
  v.last_latency_ms = ms;
  ++v.latency_samples;
}

void status_board::set_engine_running(bool on) {
  std::lock_guard guard{mtx_};
  node_.engine_running = on;
}

void status_board::set_trade_mode(std::string mode) {
  std::lock_guard guard{mtx_};
  node_.trade_mode = std::move(mode);
}

void status_board::set_live_order_enabled(bool on) {
  std::lock_guard guard{mtx_};
  node_.live_order_enabled = on;
}

void status_board::set_data_mode(std::string mode) {
  std::lock_guard guard{mtx_};
  node_.data_mode = std::move(mode);
}

template <class T>
void status_board::ring<T>::add(T item) {
  entries.push_back(logged<T>{next++, std::move(item)});
  if (entries.size() > log_capacity)
    entries.pop_front();
}

template <class T>
std::vector<logged<T>> status_board::ring<T>::since(uint64_t after, std::size_t limit) const {
  // Sequence numbers are contiguous: the first entry after `after` is found
  // by arithmetic, not by a scan.
  std::vector<logged<T>> out;
  if (entries.empty() || limit == 0)
    return out;
  const uint64_t first = entries.front().seq;
  uint64_t from = after + 1 > first ? after + 1 : first;
  if (from >= next)
    return out;
  if (next - from > limit)
    from = next - limit;
  out.reserve(static_cast<std::size_t>(next - from));
  for (auto i = entries.begin() + static_cast<std::ptrdiff_t>(from - first); i != entries.end();
       ++i)
    out.push_back(*i);
  return out;
}

template <class T>
template <class Keep>
status_board::page<T> status_board::ring<T>::newest(uint64_t after, std::size_t limit,
                                                    Keep&& keep) const {
  page<T> out;
  out.last_seq = next - 1;
  for (auto i = entries.rbegin(); i != entries.rend() && out.entries.size() < limit; ++i) {
    if (i->seq <= after)
      break;
    if (keep(i->item))
      out.entries.push_back(*i);
  }
  std::reverse(out.entries.begin(), out.entries.end());
  return out;
}

status_board::page<order_update> status_board::orders_page(uint64_t after, std::size_t limit,
                                                           std::string_view pair) const {
  std::lock_guard guard{mtx_};
  return orders_.newest(after, limit,
                        [&](const order_update& u) { return pair.empty() || u.pair_id == pair; });
}

status_board::page<fill_record> status_board::fills_page(uint64_t after, std::size_t limit,
                                                         std::string_view pair) const {
  std::lock_guard guard{mtx_};
  return fills_.newest(after, limit,
                       [&](const fill_record& f) { return pair.empty() || f.pair_id == pair; });
}

void status_board::add_event(const event& e) {
  {
    std::lock_guard guard{mtx_};
    events_.add(e);
  }
  if (event_hook_)
    event_hook_(e);
}

void status_board::set_event_hook(std::function<void(const event&)> hook) {
  event_hook_ = std::move(hook);
}

void status_board::add_order(const order_update& u) {
  std::lock_guard guard{mtx_};
  orders_.add(u);
  if (is_terminal(u.to))
    open_orders_.erase(u.client_id);
  else
    open_orders_.insert_or_assign(u.client_id, u);
}

void status_board::add_fill(const std::string& pair_id, const order_fill& f) {
  std::lock_guard guard{mtx_};
  fills_.add(fill_record{pair_id, f});
}

std::vector<logged<event>> status_board::events(uint64_t after, std::size_t limit) const {
  std::lock_guard guard{mtx_};
  return events_.since(after, limit);
}

std::vector<logged<order_update>> status_board::orders(uint64_t after,
                                                       std::size_t limit) const {
  std::lock_guard guard{mtx_};
  return orders_.since(after, limit);
}

std::vector<logged<fill_record>> status_board::fills(uint64_t after,
                                                     std::size_t limit) const {
  std::lock_guard guard{mtx_};
  return fills_.since(after, limit);
}

std::vector<order_update> status_board::open_orders() const {
  std::lock_guard guard{mtx_};
  std::vector<order_update> out;
  out.reserve(open_orders_.size());
  for (auto& [id, u] : open_orders_)
    out.push_back(u);
  return out;
}

// -- equity curve ---------------------------------------------------------------

equity_point status_board::sample_equity(timestamp_ns ts) {
  // pairs() copies under the lock; the sum runs outside it.
  return add_equity(make_equity_point(ts, pnl_total(pairs())));
}

equity_point status_board::add_equity(equity_point p) {
  std::lock_guard guard{mtx_};
  return equity_.add(p);
}

void status_board::seed_equity(std::vector<equity_point> points) {
  std::lock_guard guard{mtx_};
  equity_.seed(std::move(points));
}

equity_ring::page status_board::equity(uint64_t after, std::size_t limit) const {
  std::lock_guard guard{mtx_};
  return equity_.newest(after, limit);
}

void status_board::set_equity_interval(int seconds) {
  std::lock_guard guard{mtx_};
  equity_interval_s_ = seconds;
}

int status_board::equity_interval_s() const {
  std::lock_guard guard{mtx_};
  return equity_interval_s_;
}

void status_board::set_document(const std::string& name, std::string json) {
  std::lock_guard guard{mtx_};
  documents_.insert_or_assign(name, std::move(json));
}

std::string status_board::document(const std::string& name) const {
  std::lock_guard guard{mtx_};
  auto i = documents_.find(name);
  return i == documents_.end() ? std::string{} : i->second;
}

void status_board::set_pair_params(const std::string& id, std::string json) {
  std::lock_guard guard{mtx_};
  params_.insert_or_assign(id, std::move(json));
}

std::string status_board::pair_params(const std::string& id) const {
  std::lock_guard guard{mtx_};
  auto i = params_.find(id);
  return i == params_.end() ? std::string{} : i->second;
}

void status_board::set_pair(pair_status pair) {
  std::lock_guard guard{mtx_};
  auto key = pair.id;
  pairs_.insert_or_assign(std::move(key), std::move(pair));
}

namespace {

/// The spread fields of a board row.
pair_status row_of(const spread_update& u) {
  pair_status p;
  p.id = u.pair_id;
  p.symbol = u.symbol;
  p.venue_a = u.venue_a;
  p.venue_b = u.venue_b;
  p.spread_ab = u.spread_ab;
  p.spread_ba = u.spread_ba;
  p.z_ab = u.z_ab;
  p.z_ba = u.z_ba;
  p.net_ab_bps = u.net_ab_bps;
  p.net_ba_bps = u.net_ba_bps;
  p.mean_ab = u.mean_ab;
  p.std_ab = u.std_ab;
  p.mean_ba = u.mean_ba;
  p.std_ba = u.std_ba;
  p.samples = u.samples;
  p.valid = u.valid;
  p.ts = u.ts;
  return p;
}

} // namespace

void status_board::set_pair(const spread_update& u) {
  set_pair(row_of(u));
}

void status_board::set_pair(const pair_report& r) {
  pair_status p = row_of(r.spread);
  p.ts = r.ts;
  p.phase = std::string(to_string(r.phase));
  p.mode = r.mode;
  p.style = r.style;
  p.direction = r.direction;
  p.tranches = r.tranches;
  p.qty_a = r.leg_a.qty;
  p.qty_b = r.leg_b.qty;
  p.net_delta = r.net_delta;
  p.net_pnl = r.net_pnl;
  p.fees = r.leg_a.fees + r.leg_b.fees;
  p.funding = r.leg_a.funding + r.leg_b.funding;
  p.round_trips = r.round_trips;
  p.fills = r.fills;
  p.halt_reason = r.halt_reason;
  p.leg_a = r.leg_a;
  p.leg_b = r.leg_b;
  set_pair(std::move(p));
}

void status_board::remove_venue(const std::string& venue) {
  std::lock_guard guard{mtx_};
  if (auto i = venues_.find(venue); i != venues_.end())
    venues_.erase(i);
}

// -- readers ------------------------------------------------------------------

node_status status_board::node() const {
  std::lock_guard guard{mtx_};
  return node_;
}

venue_status status_board::copy_venue(const std::string& name, const venue_entry& e) {
  venue_status v;
  v.name = name;
  v.state = e.state;
  v.detail = e.detail;
  v.books.reserve(e.books.size());
  for (auto& [sym, book] : e.books)
    v.books.push_back(book);
  v.sessions = e.sessions;
  v.resyncs = e.resyncs;
  v.latency_ms = e.latency_ms;
  v.last_latency_ms = e.last_latency_ms;
  v.latency_samples = e.latency_samples;
  return v;
}

std::vector<venue_status> status_board::venues() const {
  std::lock_guard guard{mtx_};
  std::vector<venue_status> out;
  out.reserve(venues_.size());
  for (auto& [name, entry] : venues_) {
    out.push_back(copy_venue(name, entry));
  }
  return out;
}

std::optional<venue_status> status_board::venue(const std::string& name) const {
  std::lock_guard guard{mtx_};
  auto i = venues_.find(name);
  if (i == venues_.end())
    return std::nullopt;
  return copy_venue(name, i->second);
}

std::vector<pair_status> status_board::pairs() const {
  std::lock_guard guard{mtx_};
  std::vector<pair_status> out;
  out.reserve(pairs_.size());
  for (auto& [id, p] : pairs_)
    out.push_back(p);
  return out;
}

std::optional<pair_status> status_board::pair(const std::string& id) const {
  std::lock_guard guard{mtx_};
  if (auto i = pairs_.find(id); i != pairs_.end())
    return i->second;
  return std::nullopt;
}

readiness status_board::check_readiness_locked() const {
  readiness r;
  std::size_t total = 0;
  for (auto& [name, entry] : venues_)
    for (auto& [sym, book] : entry.books) {
      ++total;
      if (!book.synced)
        r.unsynced.push_back(name + "/" + sym);
    }
  if (venues_.empty())
    r.reason = "no venue registered";
  else if (total == 0)
    r.reason = "no book registered";
  else if (!r.unsynced.empty())
    r.reason = std::to_string(r.unsynced.size()) + " of " + std::to_string(total)
               + " books not synced";
  r.ready = r.reason.empty();
  return r;
}

readiness status_board::check_readiness() const {
  std::lock_guard guard{mtx_};
  return check_readiness_locked();
}

bool status_board::all_books_synced() const {
  return check_readiness().ready;
}

std::string to_json(const readiness& r) {
  json::writer w;
  w.begin_object().key("ready").value(r.ready);
  if (!r.ready)
    w.key("reason").value(r.reason);
  w.key("unsynced").begin_array();
  for (auto& s : r.unsynced)
    w.value(s);
  w.end_array().end_object();
  return std::move(w).str();
}

std::string status_board::status_json(timestamp_ns now) const {
  std::lock_guard guard{mtx_};
  json::writer w;
  w.begin_object();
  // -- node
  w.key("node").begin_object();
  board_json::write_node(w, node_, now);
  w.key("ready").value(check_readiness_locked().ready);
  w.end_object();
  // -- venues
  w.key("venues").begin_array();
  for (auto& [name, entry] : venues_)
    board_json::write_venue(w, copy_venue(name, entry), now);
  w.end_array();
  // -- pairs
  w.key("pairs").begin_array();
  for (auto& [id, p] : pairs_)
    board_json::write_pair(w, p);
  w.end_array();
  // -- P&L per venue, summed over every pair trading on it
  std::map<std::string, leg_status, std::less<>> by_venue;
  for (auto& [id, p] : pairs_) {
    for (const auto* l : {&p.leg_a, &p.leg_b}) {
      if (l->venue.empty())
        continue;
      auto& v = by_venue[l->venue];
      v.venue = l->venue;
      v.realized += l->realized;
      v.fees += l->fees;
      v.funding += l->funding;
      v.funding_accrued += l->funding_accrued;
      v.unrealized += l->unrealized;
    }
  }
  w.key("venue_pnl").begin_array();
  for (auto& [venue, v] : by_venue) {
    w.begin_object();
    w.key("venue").value(venue);
    w.key("realized").value(v.realized.to_string());
    w.key("fees").value(v.fees.to_string());
    w.key("funding").value(v.funding.to_string());
    w.key("funding_accrued").value(v.funding_accrued.to_string());
    w.key("unrealized").value(v.unrealized.to_string());
    w.key("net").value((v.realized - v.fees + v.funding + v.unrealized).to_string());
    w.end_object();
  }
  w.end_array();
  // -- risk (the risk guard's snapshot; null until it publishes one)
  w.key("risk");
  if (risk_json_.empty())
    w.null();
  else
    w.raw(risk_json_);
  w.end_object();
  return std::move(w).str();
}

void status_board::set_risk(std::string json) {
  std::lock_guard guard{mtx_};
  risk_json_ = std::move(json);
}

std::string status_board::risk() const {
  std::lock_guard guard{mtx_};
  return risk_json_;
}

} // namespace xarb
