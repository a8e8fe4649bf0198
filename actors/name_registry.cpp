#include "actors/name_registry.hpp"

#include <algorithm>
#include <utility>

#include <caf/abstract_actor.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/send.hpp>

#include "messages/type_ids.hpp"

namespace xarb {

bool is_alive(const caf::strong_actor_ptr& p) noexcept {
  if (!p)
    return false;
  // CAF 0.17 has no public "is terminated" query; these flags are set by the
  // actor itself (relaxed atomic) when it quits / after it cleaned up.
  constexpr int dead = caf::abstract_actor::is_terminated_flag
                       | caf::abstract_actor::is_cleaned_up_flag;
  return !p->get()->getf(dead);
}

namespace {

caf::strong_actor_ptr lock(const caf::actor_addr& addr) {
  auto p = caf::actor_cast<caf::strong_actor_ptr>(addr);
  return is_alive(p) ? p : nullptr;
}

void notify(const std::vector<caf::strong_actor_ptr>& targets,
            const std::string& name, const caf::strong_actor_ptr& h) {
  for (auto& w : targets)
    caf::anon_send(caf::actor_cast<caf::actor>(w), atom::rebound_v, name, h);
}

} // namespace

std::vector<caf::strong_actor_ptr> name_registry::live_watchers(entry& e) {
  std::vector<caf::strong_actor_ptr> out;
  auto& ws = e.watchers;
  ws.erase(std::remove_if(ws.begin(), ws.end(),
                          [&](const caf::actor_addr& w) {
                            auto p = lock(w);
                            if (!p)
                              return true;
                            out.push_back(std::move(p));
                            return false;
                          }),
           ws.end());
  return out;
}

void name_registry::put(const std::string& name, caf::strong_actor_ptr h) {
  std::vector<caf::strong_actor_ptr> targets;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto& e = entries_[name];
    e.handle = caf::actor_cast<caf::actor_addr>(h);
    targets = live_watchers(e);
    if (!h) {
      if (e.watchers.empty())
        entries_.erase(name);
      return;
    }
  }
  notify(targets, name, h);
}

caf::strong_actor_ptr name_registry::get(const std::string& name) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = entries_.find(name);
  if (i == entries_.end())
    return nullptr;
  return lock(i->second.handle);
}

void name_registry::erase(const std::string& name,
                          const caf::actor_addr& only_if) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = entries_.find(name);
  if (i == entries_.end() || !i->second.handle || i->second.handle != only_if)
    return;
  i->second.handle = caf::actor_addr{};
  live_watchers(i->second);
  if (i->second.watchers.empty())
    entries_.erase(i);
}

void name_registry::watch(const std::string& name, caf::actor watcher) {
  watch(name, watcher.address());
}

void name_registry::watch(const std::string& name,
                          const caf::actor_addr& watcher) {
  if (!watcher)
    return;
  caf::strong_actor_ptr current;
  caf::strong_actor_ptr target;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto& e = entries_[name];
    live_watchers(e);
    if (std::find(e.watchers.begin(), e.watchers.end(), watcher)
        == e.watchers.end())
      e.watchers.push_back(watcher);
    current = lock(e.handle);
    target = lock(watcher);
  }
  if (current && target)
    notify({target}, name, current);
}

void name_registry::unwatch(const std::string& name,
                            const caf::actor_addr& watcher) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = entries_.find(name);
  if (i == entries_.end())
    return;
  auto& ws = i->second.watchers;
  ws.erase(std::remove(ws.begin(), ws.end(), watcher), ws.end());
  if (ws.empty() && !i->second.handle)
    entries_.erase(i);
}

std::vector<std::string> name_registry::names() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<std::string> out;
  for (auto& [name, e] : entries_) // std::map: already sorted
    if (lock(e.handle))
      out.push_back(name);
  return out;
}

size_t name_registry::watcher_count(const std::string& name) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = entries_.find(name);
  if (i == entries_.end())
    return 0;
  return live_watchers(i->second).size();
}

} // namespace xarb
