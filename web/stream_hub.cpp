#include "web/stream_hub.hpp"

#include <algorithm>
#include <deque>
#include <map>

#include <simdjson.h>

#include "monitoring/json_writer.hpp"
#include "web/control_api.hpp"

namespace xarb {

bool is_keyed_topic(std::string_view topic) noexcept {
  return topic == "tops" || topic == "spreads" || topic == "pairs" || topic == "risk"
         || topic == "venues" || topic == "rankings";
}

bool is_log_topic(std::string_view topic) noexcept {
  return topic == "orders" || topic == "fills" || topic == "events" || topic == "signals"
         || topic == "equity";
}

std::optional<std::size_t> stream_topic_index(std::string_view topic) noexcept {
  for (std::size_t i = 0; i < stream_topic_names.size(); ++i)
    if (stream_topic_names[i] == topic)
      return i;
  return std::nullopt;
}

// -- stream_client ------------------------------------------------------------

stream_client::stream_client(stream_hub& hub, bool authenticated)
  : hub_(hub), authenticated_(authenticated) {}

stream_client::~stream_client() {
  for (std::size_t i = 0; i < subs_.size(); ++i)
    if (subs_[i].on)
      hub_.drop_subscriber(i);
}

bool stream_client::subscribed(std::string_view topic) const noexcept {
  auto i = stream_topic_index(topic);
  return i && subs_[*i].on;
}

std::vector<std::string> stream_client::subscriptions() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < subs_.size(); ++i)
    if (subs_[i].on)
      out.emplace_back(stream_topic_names[i]);
  return out;
}

// -- topic state --------------------------------------------------------------

struct stream_hub::topic_state {
  std::string_view name;
  bool keyed = false;
  bool fresh = false; ///< refreshed since it was last forgotten
  uint64_t epoch = 0; ///< bumped when forgotten: clients' positions are void

  // keyed: id -> object; the version is the topic version of the last change.
  struct item {
    std::string json;
    uint64_t version = 0;
    uint64_t pass = 0; ///< refresh that last saw it
  };
  std::map<std::string, item, std::less<>> items;
  std::map<std::string, uint64_t, std::less<>> removed; ///< tombstones: id -> version
  uint64_t version = 0;
  uint64_t horizon = 0; ///< newest pruned tombstone: clients below need a snapshot
  uint64_t pass = 0;

  // log: the latest entries, oldest first.
  std::deque<stream_entry> ring;
  uint64_t last_seq = 0;
  uint64_t lost_below = 0; ///< entries <= this may be missing from the ring

  // The delta from `delta_from` to now, built once by refresh (most clients
  // are exactly one refresh behind).
  std::shared_ptr<const std::string> delta;
  uint64_t delta_from = 0;

  // Snapshot at `snapshot_at` (cache_mtx_), built on demand.
  std::shared_ptr<const std::string> snapshot;
  uint64_t snapshot_at = 0;
};

namespace {

std::string error_json(std::string_view code, std::string_view message) {
  json::writer w;
  w.begin_object().key("type").value("error").key("error").value(code);
  w.key("message").value(message).end_object();
  return std::move(w).str();
}

std::string type_only(std::string_view type) {
  json::writer w;
  w.begin_object().key("type").value(type).end_object();
  return std::move(w).str();
}

template <class Items, class Removed>
std::string build_keyed_delta(std::string_view name, uint64_t version, const Items& items,
                              const Removed& removed, uint64_t from) {
  json::writer w;
  w.begin_object().key("type").value("delta").key("topic").value(name);
  w.key("version").value(version).key("upsert").begin_object();
  for (auto& [id, it] : items)
    if (it.version > from)
      w.key(id).raw(it.json);
  w.end_object().key("remove").begin_array();
  for (auto& [id, v] : removed)
    if (v > from)
      w.value(id);
  w.end_array().end_object();
  return std::move(w).str();
}

template <class It>
std::string build_log_message(std::string_view type, std::string_view name, uint64_t seq,
                              It first, It last, bool gap) {
  json::writer w;
  w.begin_object().key("type").value(type).key("topic").value(name).key("seq").value(seq);
  if (gap)
    w.key("gap").value(true);
  w.key("items").begin_array();
  for (; first != last; ++first)
    w.raw(first->json);
  w.end_array().end_object();
  return std::move(w).str();
}

} // namespace

// -- stream_hub -----------------------------------------------------------------

stream_hub::stream_hub(std::shared_ptr<const stream_source> source, stream_config cfg,
                       std::string token)
  : source_(std::move(source)), cfg_(cfg), token_(std::move(token)) {
  for (auto name : stream_topic_names) {
    auto t = std::make_unique<topic_state>();
    t->name = name;
    t->keyed = is_keyed_topic(name);
    topics_.push_back(std::move(t));
  }
}

stream_hub::~stream_hub() = default;

std::size_t stream_hub::ring_capacity() const noexcept {
  return std::max(cfg_.snapshot_entries, min_log_ring);
}

std::size_t stream_hub::subscribers(std::string_view topic) const noexcept {
  auto i = stream_topic_index(topic);
  return i ? subscribers_[*i].load() : 0;
}

void stream_hub::add_subscriber(std::size_t topic) noexcept {
  ++subscribers_[topic];
}

void stream_hub::drop_subscriber(std::size_t topic) noexcept {
  --subscribers_[topic];
}

void stream_hub::refresh() {
  std::lock_guard guard{refresh_mtx_};
  for (std::size_t i = 0; i < topics_.size(); ++i) {
    if (subscribers_[i].load() == 0)
      forget(i);
    else if (topics_[i]->keyed)
      refresh_keyed(i);
    else
      refresh_log(i);
  }
  ++refreshes_;
}

// Only refresh writes topic states (serialized by refresh_mtx_), so reading
// them here without mtx_ is safe; writing takes it exclusively.
void stream_hub::forget(std::size_t i) {
  auto& t = *topics_[i];
  if (!t.fresh && t.items.empty() && t.removed.empty() && t.ring.empty())
    return; // an idle topic costs nothing
  std::unique_lock lock{mtx_};
  t.fresh = false;
  ++t.epoch;
  t.items.clear();
  t.removed.clear();
  t.horizon = t.version;
  t.ring.clear();
  t.ring.shrink_to_fit();
  t.last_seq = 0;
  t.lost_below = 0;
  t.delta.reset();
  std::lock_guard cache{cache_mtx_};
  t.snapshot.reset();
}

void stream_hub::refresh_keyed(std::size_t i) {
  auto& t = *topics_[i];
  std::vector<stream_item> items;
  if (source_ && source_->keyed)
    items = source_->keyed(t.name);

  std::unique_lock lock{mtx_};
  const uint64_t next = t.version + 1;
  const uint64_t pass = ++t.pass;
  bool changed = false;
  for (auto& in : items) {
    if (in.json.empty())
      in.json = "null";
    auto found = t.items.find(in.id);
    if (found == t.items.end()) {
      t.removed.erase(in.id);
      t.items.emplace(std::move(in.id), topic_state::item{std::move(in.json), next, pass});
      changed = true;
    } else if (found->second.pass != pass) { // a duplicate id: the first wins
      found->second.pass = pass;
      if (found->second.json != in.json) {
        found->second.json = std::move(in.json);
        found->second.version = next;
        changed = true;
      }
    }
  }
  for (auto it = t.items.begin(); it != t.items.end();) {
    if (it->second.pass == pass) {
      ++it;
      continue;
    }
    t.removed.insert_or_assign(it->first, next);
    it = t.items.erase(it);
    changed = true;
  }
  if (changed) {
    t.delta_from = t.version;
    t.version = next;
    t.delta = std::make_shared<const std::string>(
      build_keyed_delta(t.name, t.version, t.items, t.removed, t.delta_from));
  }
  for (auto it = t.removed.begin(); it != t.removed.end();) {
    if (it->second + tombstone_versions <= t.version) {
      t.horizon = std::max(t.horizon, it->second);
      it = t.removed.erase(it);
    } else {
      ++it;
    }
  }
  t.fresh = true;
}

void stream_hub::refresh_log(std::size_t i) {
  auto& t = *topics_[i];
  const auto cap = ring_capacity();
  std::vector<stream_entry> got;
  if (source_ && source_->log)
    got = source_->log(t.name, t.last_seq, cap);

  std::unique_lock lock{mtx_};
  const uint64_t prev = t.last_seq;
  uint64_t first_new = 0;
  for (auto& e : got) {
    if (e.seq <= t.last_seq)
      continue; // not newer (or out of order): never deliver twice
    if (first_new == 0)
      first_new = e.seq;
    if (e.json.empty())
      e.json = "null";
    t.last_seq = e.seq;
    t.ring.push_back(std::move(e));
  }
  // A full batch that does not continue where we were: the source kept only
  // the newest, so entries in between may be lost.
  if (got.size() >= cap && first_new > prev + 1)
    t.lost_below = std::max(t.lost_below, first_new - 1);
  while (t.ring.size() > cap) {
    t.lost_below = std::max(t.lost_below, t.ring.front().seq);
    t.ring.pop_front();
  }
  if (first_new != 0) {
    t.delta_from = prev;
    auto from = std::upper_bound(t.ring.begin(), t.ring.end(), prev,
                                 [](uint64_t s, const stream_entry& e) { return s < e.seq; });
    t.delta = std::make_shared<const std::string>(
      build_log_message("delta", t.name, t.last_seq, from, t.ring.end(), false));
  }
  t.fresh = true;
}

std::shared_ptr<const std::string> stream_hub::keyed_snapshot(std::size_t i) {
  auto& t = *topics_[i];
  std::lock_guard cache{cache_mtx_};
  if (t.snapshot && t.snapshot_at == t.version)
    return t.snapshot;
  json::writer w;
  w.begin_object().key("type").value("snapshot").key("topic").value(t.name);
  w.key("version").value(t.version).key("items").begin_object();
  for (auto& [id, it] : t.items)
    w.key(id).raw(it.json);
  w.end_object().end_object();
  t.snapshot = std::make_shared<const std::string>(std::move(w).str());
  t.snapshot_at = t.version;
  return t.snapshot;
}

std::shared_ptr<const std::string> stream_hub::log_snapshot(std::size_t i, bool gap) {
  auto& t = *topics_[i];
  auto n = std::min(cfg_.snapshot_entries, t.ring.size());
  auto first = t.ring.end() - static_cast<std::ptrdiff_t>(n);
  if (gap) // rare: not cached
    return std::make_shared<const std::string>(
      build_log_message("snapshot", t.name, t.last_seq, first, t.ring.end(), true));
  std::lock_guard cache{cache_mtx_};
  if (t.snapshot && t.snapshot_at == t.last_seq)
    return t.snapshot;
  t.snapshot = std::make_shared<const std::string>(
    build_log_message("snapshot", t.name, t.last_seq, first, t.ring.end(), false));
  t.snapshot_at = t.last_seq;
  return t.snapshot;
}

void stream_hub::poll_keyed(std::size_t i, stream_client::sub_state& s,
                            std::vector<stream_out>& out) {
  auto& t = *topics_[i];
  if (!t.fresh)
    return;
  if (s.need_snapshot || s.epoch != t.epoch || s.seen < t.horizon) {
    out.push_back({t.name, keyed_snapshot(i)});
  } else if (s.seen >= t.version) {
    return; // nothing changed
  } else if (s.seen == t.delta_from && t.delta) {
    out.push_back({t.name, t.delta});
  } else {
    out.push_back({t.name, std::make_shared<const std::string>(build_keyed_delta(
                             t.name, t.version, t.items, t.removed, s.seen))});
  }
  s.need_snapshot = false;
  s.epoch = t.epoch;
  s.seen = t.version;
}

void stream_hub::poll_log(std::size_t i, stream_client::sub_state& s,
                          std::vector<stream_out>& out) {
  auto& t = *topics_[i];
  if (!t.fresh)
    return;
  if (s.need_snapshot) {
    out.push_back({t.name, log_snapshot(i, false)});
  } else if (s.epoch != t.epoch || s.seen < t.lost_below) {
    out.push_back({t.name, log_snapshot(i, true)});
  } else if (s.seen >= t.last_seq) {
    return;
  } else if (s.seen == t.delta_from && t.delta) {
    out.push_back({t.name, t.delta});
  } else {
    auto from = std::upper_bound(t.ring.begin(), t.ring.end(), s.seen,
                                 [](uint64_t v, const stream_entry& e) { return v < e.seq; });
    out.push_back({t.name, std::make_shared<const std::string>(build_log_message(
                             "delta", t.name, t.last_seq, from, t.ring.end(), false))});
  }
  s.need_snapshot = false;
  s.epoch = t.epoch;
  s.seen = t.last_seq;
}

void stream_hub::poll(stream_client& c, std::vector<stream_out>& out) {
  std::shared_lock lock{mtx_};
  for (std::size_t i = 0; i < c.subs_.size(); ++i) {
    auto& s = c.subs_[i];
    if (!s.on)
      continue;
    if (topics_[i]->keyed)
      poll_keyed(i, s, out);
    else
      poll_log(i, s, out);
  }
}

std::vector<std::string> stream_hub::poll(stream_client& c) {
  std::vector<stream_out> shared;
  poll(c, shared);
  std::vector<std::string> out;
  out.reserve(shared.size());
  for (auto& m : shared)
    out.push_back(*m.text);
  return out;
}

std::string stream_hub::hello(const stream_client& c) const {
  json::writer w;
  w.begin_object().key("type").value("hello").key("topics").begin_array();
  for (auto name : stream_topic_names)
    w.value(name);
  w.end_array().key("interval_ms").value(static_cast<int64_t>(cfg_.interval.count()));
  w.key("authenticated").value(c.authenticated()).end_object();
  return std::move(w).str();
}

std::vector<std::string> stream_hub::handle(stream_client& c, std::string_view message) {
  std::vector<std::string> out;
  auto fail = [&](std::string_view code, std::string_view text) {
    out.push_back(error_json(code, text));
    if (++c.errors_ >= max_errors)
      c.close_ = true;
    return out;
  };
  if (message.size() > cfg_.max_message_bytes)
    return fail("bad_request", "message too large");

  // One parser per I/O thread: handle() runs on several threads at once.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(message.data(), message.size()).get(doc) != simdjson::SUCCESS)
    return fail("bad_request", "malformed JSON");
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS)
    return fail("bad_request", "expected a JSON object");
  std::string_view op;
  if (obj["op"].get_string().get(op) != simdjson::SUCCESS)
    return fail("bad_request", "missing or non-string \"op\"");

  if (op == "ping") {
    out.push_back(type_only("pong"));
    return out;
  }
  if (op == "auth") {
    if (c.authenticated_) {
      out.push_back(type_only("authenticated"));
      return out;
    }
    std::string_view token;
    if (obj["token"].get_string().get(token) != simdjson::SUCCESS)
      return fail("bad_request", "missing or non-string \"token\"");
    if (token_.empty() || !constant_time_equal(token, token_)) {
      if (++c.auth_failures_ >= max_auth_failures)
        c.close_ = true;
      return fail("unauthorized", "invalid token");
    }
    c.authenticated_ = true;
    out.push_back(type_only("authenticated"));
    return out;
  }
  const bool sub = op == "subscribe";
  if (!sub && op != "unsubscribe")
    return fail("bad_request", "unknown op");
  if (!c.authenticated_)
    return fail("unauthorized", "authenticate first (op auth or a bearer token)");
  simdjson::dom::array topics;
  if (obj["topics"].get_array().get(topics) != simdjson::SUCCESS)
    return fail("bad_request", "\"topics\" must be an array of topic names");
  std::array<bool, stream_topic_names.size()> picked{};
  for (auto el : topics) {
    std::string_view name;
    if (el.get_string().get(name) != simdjson::SUCCESS)
      return fail("bad_request", "\"topics\" must be an array of topic names");
    auto i = stream_topic_index(name);
    if (!i)
      return fail("unknown_topic",
                  "unknown topic \"" + std::string{name.substr(0, 64)} + "\"");
    picked[*i] = true;
  }
  for (std::size_t i = 0; i < picked.size(); ++i) {
    if (!picked[i])
      continue;
    auto& s = c.subs_[i];
    if (sub) {
      if (!s.on)
        add_subscriber(i);
      s = {true, true, 0, 0}; // (re)subscribing always gets a snapshot
    } else if (s.on) {
      drop_subscriber(i);
      s = {};
    }
  }
  json::writer w;
  w.begin_object().key("type").value("subscribed").key("topics").begin_array();
  for (std::size_t i = 0; i < c.subs_.size(); ++i)
    if (c.subs_[i].on)
      w.value(stream_topic_names[i]);
  w.end_array().end_object();
  out.push_back(std::move(w).str());
  return out;
}

} // namespace xarb
