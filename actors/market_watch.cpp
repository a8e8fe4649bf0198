#include "actors/market_watch.hpp"

#include <algorithm>

#include <caf/send.hpp>

#include "messages/type_ids.hpp"

namespace xarb {

bool market_watch::add(const caf::actor& watcher) {
  if (!watcher || std::find(watchers_.begin(), watchers_.end(), watcher) != watchers_.end())
    return false;
  watchers_.push_back(watcher);
  return true;
}

void market_watch::remove(const caf::actor_addr& watcher) {
  std::erase_if(watchers_, [&](const caf::actor& w) { return w.address() == watcher; });
  if (watchers_.empty()) {
    batch_ = {};
    state_changed_ = false;
  }
}

void market_watch::flush(const std::string& venue, health_state state, timestamp_ns ts) {
  if (watchers_.empty()
      || (!state_changed_ && batch_.tops.empty() && batch_.rates.empty()
          && batch_.unsynced.empty()))
    return;
  batch_.venue = venue;
  batch_.full = false;
  batch_.state = state;
  batch_.ts = ts;
  for (std::size_t i = 0; i + 1 < watchers_.size(); ++i)
    caf::anon_send(watchers_[i], batch_);
  caf::anon_send(watchers_.back(), std::move(batch_));
  sent_ += watchers_.size();
  batch_ = {};
  state_changed_ = false;
}

void market_watch::send_full(const caf::actor& watcher, market_watch_batch full) {
  full.full = true;
  caf::anon_send(watcher, std::move(full));
}

} // namespace xarb
