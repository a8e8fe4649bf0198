#pragma once
// name_registry: stable names for actors whose handles change on restart.
//
// A supervisor binds each (re)started child under its spec name; dependents
// look the name up (get) or watch it and receive
//     (xarb::atom::rebound, std::string name, caf::strong_actor_ptr handle)
// every time the name is (re)bound, so a subscriber of a restarted venue
// session finds the NEW instance instead of talking to a dead handle.
//
// It is a plain thread-safe object, not an actor: it must outlive every actor
// restart (including the supervisor's own) and is shared by pointer. It holds
// only weak references (caf::actor_addr) to bound actors and to watchers, so it
// neither keeps dead actors alive nor leaks watchers; dead watchers are pruned
// whenever their name is touched. Messages are sent outside the lock.
//
// Ordering: rebound notifications for one name are sent in put() order as long
// as put() for that name is called from one thread (the owning supervisor).
// erase() notifies nobody: watchers learn about a death through their own
// monitor/link and about the replacement through the next `rebound`.

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/actor_cast.hpp>
#include <caf/fwd.hpp>

namespace xarb {

class name_registry {
public:
  /// Binds (or rebinds) `name` to `h` and sends `(rebound, name, h)` to every
  /// live watcher of `name`. A null `h` unbinds the name (no notification).
  void put(const std::string& name, caf::strong_actor_ptr h);

  /// The actor bound to `name`, or null if absent or already terminated.
  caf::strong_actor_ptr get(const std::string& name) const;

  /// `get` cast to a handle type (caf::actor or a typed_actor<...>).
  template <class Handle>
  Handle get_as(const std::string& name) const {
    return caf::actor_cast<Handle>(get(name));
  }

  /// Unbinds `name` only if it is still bound to `only_if`, so a late erase
  /// for an old instance never removes its replacement. Watchers are kept.
  void erase(const std::string& name, const caf::actor_addr& only_if);

  /// Registers `watcher` (held weakly) for rebinds of `name`. If `name` is
  /// currently bound to a live actor, sends one `rebound` right away.
  /// Watching twice is idempotent.
  void watch(const std::string& name, caf::actor watcher);
  void watch(const std::string& name, const caf::actor_addr& watcher);

  /// Removes `watcher` from the watchers of `name`.
  void unwatch(const std::string& name, const caf::actor_addr& watcher);

  /// Names bound to live actors, sorted.
  std::vector<std::string> names() const;

  /// Number of live watchers of `name` (prunes dead ones). For tests/metrics.
  size_t watcher_count(const std::string& name);

private:
  struct entry {
    caf::actor_addr handle;                // weak; empty when unbound
    std::vector<caf::actor_addr> watchers; // weak
  };

  // Drops watchers that are gone; returns strong pointers to the live ones.
  static std::vector<caf::strong_actor_ptr> live_watchers(entry& e);

  mutable std::mutex mtx_;
  std::map<std::string, entry> entries_;
};

/// True if `p` points to an actor that has not terminated yet (best effort:
/// an actor may terminate right after this returns).
bool is_alive(const caf::strong_actor_ptr& p) noexcept;

} // namespace xarb
