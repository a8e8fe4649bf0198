#pragma once
// The market watch of a venue session: its whole market (every listed
// symbol's top of book, funding rate and the session's health) for light
// consumers that follow every symbol at once, i.e. the scanner.
//
// Batched, not per top: the session notes what changed while it applies a
// tick's frames and flush() sends one market_watch_batch per watcher per
// tick (messages/scanner.hpp). A new watcher first gets a full batch.
// Watchers are monitored by the session; a dead one is dropped (remove()).

#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "messages/scanner.hpp"

namespace xarb {

class market_watch {
public:
  bool empty() const noexcept { return watchers_.empty(); }

  /// Adds a watcher (idempotent); true if it is new.
  bool add(const caf::actor& watcher);
  void remove(const caf::actor_addr& watcher);

  void note_top(const top_of_book& top) {
    if (!empty())
      batch_.tops.push_back(top);
  }
  void note_rate(const funding_rate& rate) {
    if (!empty())
      batch_.rates.push_back(rate);
  }
  void note_unsynced(const std::string& symbol) {
    if (!empty())
      batch_.unsynced.push_back(symbol);
  }
  void note_state() { state_changed_ = true; }

  /// Sends what changed since the last flush, if anything, to every watcher.
  void flush(const std::string& venue, health_state state, timestamp_ns ts);

  /// Sends `full` (specs, every top, every rate; full = true) to one watcher.
  static void send_full(const caf::actor& watcher, market_watch_batch full);

  std::size_t size() const noexcept { return watchers_.size(); }
  const std::vector<caf::actor>& watchers() const noexcept { return watchers_; }
  uint64_t batches_sent() const noexcept { return sent_; }

private:
  std::vector<caf::actor> watchers_;
  market_watch_batch batch_;
  bool state_changed_ = false;
  uint64_t sent_ = 0;
};

} // namespace xarb
