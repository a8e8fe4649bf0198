// name_registry: binding, rebinding, erase-only-if, weak watchers.
#define CAF_SUITE name_registry

#include "tests/actors/actor_fixture.hpp"

#include <thread>

using namespace xarb;
using namespace xarb::test;

namespace {

// Takes an argument on purpose: spawning a function actor with no arguments
// dereferences a null shared_ptr<tuple<>> in CAF 0.17.6's init_fun_factory.hpp
// (harmless, but UBSan aborts on it).
// It accepts `subscribe` because an unexpected message makes CAF send an
// error back, and the default error handler would kill the subscriber.
caf::behavior idle(caf::event_based_actor*, int) {
  return {[](atom::subscribe) {}};
}

struct registry_fixture : fixture {
  caf::actor spawn_idle(const std::string& name) {
    auto h = sys.spawn(idle, 0);
    watch_exit(h, name);
    tracked.push_back(h);
    return h;
  }

  caf::actor spawn_subscriber() {
    auto h = sys.spawn(subscriber, &log);
    tracked.push_back(h);
    return h;
  }

  static caf::strong_actor_ptr ptr(const caf::actor& h) {
    return caf::actor_cast<caf::strong_actor_ptr>(h);
  }

  using rebound = std::pair<std::string, caf::actor_id>;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(name_registry_tests, registry_fixture)

CAF_TEST(put get and names) {
  auto a = spawn_idle("a");
  auto b = spawn_idle("b");
  CAF_CHECK(registry.get("a") == nullptr);
  registry.put("b", ptr(b));
  registry.put("a", ptr(a));
  CAF_CHECK(registry.get("a") == ptr(a));
  CAF_CHECK(registry.get_as<caf::actor>("b") == b);
  CAF_CHECK_EQUAL(registry.names(), (std::vector<std::string>{"a", "b"}));
  registry.put("a", nullptr); // unbind
  CAF_CHECK(registry.get("a") == nullptr);
  CAF_CHECK_EQUAL(registry.names(), (std::vector<std::string>{"b"}));
}

CAF_TEST(a dead actor is not returned even before it is erased) {
  auto a = spawn_idle("a");
  registry.put("a", ptr(a));
  caf::anon_send_exit(a, caf::exit_reason::kill);
  sched.run();
  CAF_REQUIRE(log.exits.count("a") == 1);
  CAF_CHECK(registry.get("a") == nullptr);
  CAF_CHECK(registry.names().empty());
}

CAF_TEST(the registry holds bound actors weakly) {
  registry.put("a", ptr(spawn_idle("a")));
  CAF_CHECK(registry.get("a") != nullptr);
  tracked.clear(); // last strong reference gone: the actor must terminate
  sched.run();
  CAF_CHECK(log.exits["a"] == caf::exit_reason::unreachable);
  CAF_CHECK(registry.get("a") == nullptr);
}

CAF_TEST(rebinding notifies every watcher with the new handle) {
  auto s1 = spawn_subscriber();
  auto s2 = spawn_subscriber();
  registry.watch("venue", s1);
  registry.watch("venue", s2);
  registry.watch("venue", s2); // idempotent
  CAF_CHECK_EQUAL(registry.watcher_count("venue"), 2u);
  auto v1 = spawn_idle("v1");
  auto v2 = spawn_idle("v2");
  registry.put("venue", ptr(v1));
  expect((atom::rebound, std::string, caf::strong_actor_ptr),
         to(s1).with(_, std::string{"venue"}, ptr(v1)));
  expect((atom::rebound, std::string, caf::strong_actor_ptr),
         to(s2).with(_, std::string{"venue"}, ptr(v1)));
  sched.run();
  CAF_CHECK_EQUAL(registry.watcher_count("venue"), 2u);
  registry.put("venue", ptr(v2));
  sched.run();
  CAF_CHECK_EQUAL(log.rebounds,
                  (std::vector<rebound>{{"venue", v1.id()},
                                        {"venue", v1.id()},
                                        {"venue", v2.id()},
                                        {"venue", v2.id()}}));
  CAF_CHECK(registry.get("venue") == ptr(v2));
}

CAF_TEST(watching a bound name sends the current handle once) {
  auto v = spawn_idle("v");
  registry.put("venue", ptr(v));
  auto s = spawn_subscriber();
  registry.watch("venue", s);
  sched.run();
  CAF_CHECK_EQUAL(log.rebounds, (std::vector<rebound>{{"venue", v.id()}}));
  registry.watch("other", s); // unbound: nothing
  sched.run();
  CAF_CHECK_EQUAL(log.rebounds.size(), 1u);
}

CAF_TEST(unwatch stops notifications) {
  auto s = spawn_subscriber();
  registry.watch("venue", s);
  registry.unwatch("venue", s.address());
  CAF_CHECK_EQUAL(registry.watcher_count("venue"), 0u);
  registry.put("venue", ptr(spawn_idle("v")));
  sched.run();
  CAF_CHECK(log.rebounds.empty());
}

CAF_TEST(erase only removes the binding it names) {
  auto old_instance = spawn_idle("old");
  auto new_instance = spawn_idle("new");
  registry.put("venue", ptr(old_instance));
  registry.put("venue", ptr(new_instance));
  registry.erase("venue", old_instance.address()); // stale: ignored
  CAF_CHECK(registry.get("venue") == ptr(new_instance));
  registry.erase("venue", new_instance.address());
  CAF_CHECK(registry.get("venue") == nullptr);
  registry.erase("nothing", new_instance.address()); // absent: no-op
  CAF_CHECK(registry.names().empty());
}

CAF_TEST(erase keeps the watchers for the next binding) {
  auto s = spawn_subscriber();
  auto v1 = spawn_idle("v1");
  registry.watch("venue", s);
  registry.put("venue", ptr(v1));
  registry.erase("venue", v1.address());
  auto v2 = spawn_idle("v2");
  registry.put("venue", ptr(v2));
  sched.run();
  CAF_CHECK_EQUAL(log.rebounds, (std::vector<rebound>{{"venue", v1.id()},
                                                      {"venue", v2.id()}}));
}

CAF_TEST(watchers are weak and dead ones are pruned) {
  auto s = sys.spawn(subscriber, &log);
  watch_exit(s, "sub");
  registry.watch("venue", s);
  CAF_CHECK_EQUAL(registry.watcher_count("venue"), 1u);
  s = caf::actor{}; // only the registry knows it now: it must terminate
  sched.run();
  CAF_CHECK(log.exits["sub"] == caf::exit_reason::unreachable);
  CAF_CHECK_EQUAL(registry.watcher_count("venue"), 0u);
  registry.put("venue", ptr(spawn_idle("v")));
  sched.run();
  CAF_CHECK(log.rebounds.empty());
}

CAF_TEST(concurrent use from several threads stays consistent) {
  // No watchers here: the test coordinator's queue is single-threaded.
  std::vector<caf::actor> hs;
  for (int i = 0; i < 4; ++i)
    hs.push_back(spawn_idle("t" + std::to_string(i)));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      auto name = "n" + std::to_string(t);
      for (int i = 0; i < 2000; ++i) {
        registry.put(name, ptr(hs[static_cast<size_t>((t + i) % 4)]));
        (void) registry.get("n" + std::to_string((t + 1) % 4));
        (void) registry.names();
        if (i % 3 == 0)
          registry.erase(name, hs[static_cast<size_t>((t + i) % 4)].address());
      }
      registry.put(name, ptr(hs[static_cast<size_t>(t)]));
    });
  for (auto& th : threads)
    th.join();
  CAF_CHECK_EQUAL(registry.names(),
                  (std::vector<std::string>{"n0", "n1", "n2", "n3"}));
  for (int t = 0; t < 4; ++t)
    CAF_CHECK(registry.get("n" + std::to_string(t))
              == ptr(hs[static_cast<size_t>(t)]));
}

CAF_TEST_FIXTURE_SCOPE_END()
