#include "monitoring/status_board.hpp"

#include <algorithm>

#include "monitoring/json_writer.hpp"

namespace xarb {

namespace {

// Clamped at 0: a venue timestamp slightly ahead of our clock is "fresh".
double seconds_between(timestamp_ns from, timestamp_ns to) {
  return to > from ? static_cast<double>(to - from) / 1e9 : 0.0;
}

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
      entry.books.emplace(sym, book_status{sym, false, 0, 0});
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

void status_board::set_book(const std::string& venue, const std::string& symbol,
                            bool synced, timestamp_ns last_update_ns, uint64_t seq) {
  std::lock_guard guard{mtx_};
  auto& entry = venues_[venue];
  auto i = entry.books.find(symbol);
  if (i == entry.books.end())
    i = entry.books.emplace(symbol, book_status{symbol, false, 0, 0}).first;
  i->second.synced = synced;
  i->second.last_update_ns = last_update_ns;
  i->second.seq = seq;
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

std::vector<venue_status> status_board::venues() const {
  std::lock_guard guard{mtx_};
  std::vector<venue_status> out;
  out.reserve(venues_.size());
  for (auto& [name, entry] : venues_) {
    venue_status v{name, entry.state, entry.detail, {}};
    v.books.reserve(entry.books.size());
    for (auto& [sym, book] : entry.books)
      v.books.push_back(book);
    out.push_back(std::move(v));
  }
  return out;
}

std::optional<venue_status> status_board::venue(const std::string& name) const {
  std::lock_guard guard{mtx_};
  auto i = venues_.find(name);
  if (i == venues_.end())
    return std::nullopt;
  venue_status v{name, i->second.state, i->second.detail, {}};
  for (auto& [sym, book] : i->second.books)
    v.books.push_back(book);
  return v;
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

namespace {

void write_leg(json::writer& w, const leg_status& l) {
  w.begin_object();
  w.key("venue").value(l.venue);
  w.key("qty").value(l.qty.to_string());
  w.key("avg_entry").value(l.avg_entry.to_string());
  w.key("realized").value(l.realized.to_string());
  w.key("fees").value(l.fees.to_string());
  w.key("funding").value(l.funding.to_string());
  w.key("funding_accrued").value(l.funding_accrued.to_string());
  w.key("unrealized").value(l.unrealized.to_string());
  w.key("funding_rate").value(l.funding_rate.to_string());
  w.end_object();
}

} // namespace

std::string status_board::status_json(timestamp_ns now) const {
  std::lock_guard guard{mtx_};
  json::writer w;
  w.begin_object();
  // -- node
  w.key("node").begin_object();
  w.key("name").value(node_.name);
  w.key("version").value(node_.version);
  w.key("start_ts_ns").value(static_cast<int64_t>(node_.start_ns));
  if (node_.start_ns > 0)
    w.key("uptime_s").value(seconds_between(node_.start_ns, now));
  else
    w.key("uptime_s").null();
  w.key("data").value(node_.data_mode);
  w.key("execution").value(node_.execution_mode);
  w.key("ready").value(check_readiness_locked().ready);
  w.end_object();
  // -- venues
  w.key("venues").begin_array();
  for (auto& [name, entry] : venues_) {
    std::size_t synced = 0;
    for (auto& [sym, book] : entry.books)
      synced += book.synced ? 1 : 0;
    w.begin_object();
    w.key("name").value(name);
    w.key("state").value(to_string(entry.state));
    w.key("detail").value(entry.detail);
    w.key("synced_books").value(static_cast<uint64_t>(synced));
    w.key("total_books").value(static_cast<uint64_t>(entry.books.size()));
    w.key("books").begin_array();
    for (auto& [sym, book] : entry.books) {
      w.begin_object();
      w.key("symbol").value(sym);
      w.key("synced").value(book.synced);
      w.key("seq").value(book.seq);
      w.key("last_update_ns").value(static_cast<int64_t>(book.last_update_ns));
      if (book.last_update_ns > 0)
        w.key("age_s").value(seconds_between(book.last_update_ns, now));
      else
        w.key("age_s").null();
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  // -- pairs
  w.key("pairs").begin_array();
  for (auto& [id, p] : pairs_) {
    w.begin_object();
    w.key("id").value(id);
    w.key("symbol").value(p.symbol);
    w.key("venue_a").value(p.venue_a);
    w.key("venue_b").value(p.venue_b);
    w.key("spread_ab").value(p.spread_ab.to_string());
    w.key("spread_ba").value(p.spread_ba.to_string());
    w.key("z_ab").value(p.z_ab);
    w.key("z_ba").value(p.z_ba);
    w.key("valid").value(p.valid);
    w.key("ts_ns").value(static_cast<int64_t>(p.ts));
    w.key("phase").value(p.phase);
    w.key("mode").value(p.mode);
    w.key("style").value(p.style);
    w.key("direction").value(static_cast<int64_t>(p.direction));
    w.key("tranches").value(static_cast<int64_t>(p.tranches));
    w.key("qty_a").value(p.qty_a.to_string());
    w.key("qty_b").value(p.qty_b.to_string());
    w.key("net_delta").value(p.net_delta.to_string());
    w.key("net_pnl").value(p.net_pnl.to_string());
    w.key("fees").value(p.fees.to_string());
    w.key("funding").value(p.funding.to_string());
    w.key("round_trips").value(static_cast<int64_t>(p.round_trips));
    w.key("fills").value(static_cast<int64_t>(p.fills));
    w.key("halt_reason").value(p.halt_reason);
    w.key("legs").begin_array();
    for (const auto* l : {&p.leg_a, &p.leg_b})
      if (!l->venue.empty())
        write_leg(w, *l);
    w.end_array();
    w.end_object();
  }
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
