// Restart policies, back-off and the registry hand-over of the supervisor.
#define CAF_SUITE supervisor_restart

#include "tests/actors/actor_fixture.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

struct restart_fixture : fixture {
  // One child "a" with the given policy; back-off 100ms x2 capped at 400ms.
  caf::actor start_one(restart_policy policy) {
    auto sc = config("sup", {worker("a", policy)});
    sc.max_restarts = 100;
    sc.backoff_initial = 100ms;
    sc.backoff_max = 400ms;
    return spawn_supervisor(std::move(sc));
  }

  // After a crash: no restart before `delay`, exactly one restart at `delay`.
  void expect_restart_after(const caf::actor& sup, caf::timespan delay) {
    auto before = log.starts["a"];
    CAF_CHECK(sched.has_pending_timeout());
    CAF_CHECK_EQUAL(entry(sup, "a").status, child_status::restarting);
    advance(delay - 1ns);
    CAF_CHECK_EQUAL(log.starts["a"], before);
    CAF_CHECK(!entry(sup, "a").handle);
    advance(1ns);
    CAF_CHECK_EQUAL(log.starts["a"], before + 1);
    CAF_CHECK_EQUAL(entry(sup, "a").status, child_status::running);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_restart_tests, restart_fixture)

CAF_TEST(children start in order and are registered) {
  auto sup = spawn_supervisor(
    config("sup", {worker("a"), worker("b"), worker("c")}));
  CAF_CHECK_EQUAL(log.with_prefix("start:"),
                  (std::vector<std::string>{"start:a", "start:b", "start:c"}));
  CAF_CHECK_EQUAL(registry.names(),
                  (std::vector<std::string>{"a", "b", "c"}));
  CAF_CHECK(registry.get("b")
            == caf::actor_cast<caf::strong_actor_ptr>(child(sup, "b")));
  CAF_CHECK_EQUAL(log.with_prefix("up:").size(), 3u);
  CAF_CHECK(!sched.has_pending_timeout());
}

CAF_TEST(a crashed permanent child is restarted only after its back-off) {
  auto sup = start_one(restart_policy::permanent);
  auto first = child(sup, "a");
  crash(sup, "a");
  CAF_CHECK(is_xarb_error(log.exits["a"], error_code::io_error));
  CAF_CHECK(registry.get("a") == nullptr); // erased while down
  CAF_CHECK(log.index_of("gone:a") >= 0);
  expect_restart_after(sup, 100ms);
  auto second = child(sup, "a");
  CAF_CHECK(second != first);
  CAF_CHECK(registry.get("a") == caf::actor_cast<caf::strong_actor_ptr>(second));
  // on_restart saw the crash reason and the first restart count.
  CAF_REQUIRE_EQUAL(log.restarts.size(), 1u);
  CAF_CHECK_EQUAL(log.restarts[0].first, "a");
  CAF_CHECK_EQUAL(log.restarts[0].second, 1);
  CAF_CHECK(is_xarb_error(log.restart_reasons[0], error_code::io_error));
  CAF_CHECK(log.escalations.empty());
}

CAF_TEST(back-off doubles and is capped) {
  auto sup = start_one(restart_policy::permanent);
  for (auto delay : {100ms, 200ms, 400ms, 400ms, 400ms}) {
    crash(sup, "a");
    expect_restart_after(sup, delay);
  }
  CAF_CHECK_EQUAL(log.starts["a"], 6);
  CAF_CHECK_EQUAL(entry(sup, "a").restarts, 5);
}

CAF_TEST(back-off resets after the child was up long enough) {
  auto sup = start_one(restart_policy::permanent);
  crash(sup, "a");
  expect_restart_after(sup, 100ms);
  crash(sup, "a");
  expect_restart_after(sup, 200ms);
  advance(60s); // default backoff_reset_after
  crash(sup, "a");
  expect_restart_after(sup, 100ms);
}

CAF_TEST(jitter only lengthens the back-off within its bound) {
  auto sc = config("sup", {worker("a")});
  sc.backoff_initial = 100ms;
  sc.backoff_jitter = 0.5;
  sc.jitter_seed = 42;
  auto sup = spawn_supervisor(std::move(sc));
  for (int i = 0; i < 3; ++i) {
    crash(sup, "a");
    auto delay = caf::timespan{100ms} * (1 << i);
    advance(delay - 1ns);
    CAF_CHECK_EQUAL(log.starts["a"], i + 1);
    advance(delay / 2 + 1ns);
    CAF_CHECK_EQUAL(log.starts["a"], i + 2);
  }
}

CAF_TEST(restart counts are passed to on_restart per child) {
  auto sc = config("sup", {worker("a"), worker("b")});
  sc.backoff_initial = 10ms;
  sc.backoff_max = 10ms;
  auto sup = spawn_supervisor(std::move(sc));
  crash(sup, "a");
  advance(10ms);
  crash(sup, "b");
  advance(10ms);
  crash(sup, "a");
  advance(10ms);
  using restart = std::pair<std::string, int>;
  CAF_CHECK_EQUAL(log.restarts,
                  (std::vector<restart>{{"a", 1}, {"b", 1}, {"a", 2}}));
  CAF_CHECK_EQUAL(entry(sup, "a").restarts, 2);
  CAF_CHECK_EQUAL(entry(sup, "b").restarts, 1);
}

CAF_TEST(an exception in a child is a crash whose reason reaches on_restart) {
  auto sup = start_one(restart_policy::permanent);
  caf::anon_send(child(sup, "a"), atom::tick_v);
  sched.run();
  CAF_REQUIRE_EQUAL(log.restart_reasons.size(), 1u);
  CAF_CHECK(log.restart_reasons[0] == caf::sec::runtime_error);
  expect_restart_after(sup, 100ms);
}

CAF_TEST(a permanent child is restarted even after a normal exit) {
  auto sup = start_one(restart_policy::permanent);
  caf::anon_send(child(sup, "a"), atom::shutdown_v);
  sched.run();
  CAF_CHECK(log.exits["a"] == caf::exit_reason::normal);
  expect_restart_after(sup, 100ms);
}

CAF_TEST(a transient child is restarted after a crash but not a normal exit) {
  auto sup = start_one(restart_policy::transient);
  crash(sup, "a");
  expect_restart_after(sup, 100ms);
  caf::anon_send(child(sup, "a"), atom::shutdown_v); // normal exit
  sched.run();
  CAF_CHECK_EQUAL(entry(sup, "a").status, child_status::stopped);
  CAF_CHECK(!sched.has_pending_timeout());
  advance(10s);
  CAF_CHECK_EQUAL(log.starts["a"], 2);
  CAF_CHECK(registry.get("a") == nullptr);
  CAF_CHECK_EQUAL(log.restarts.size(), 1u);
}

CAF_TEST(a transient child stopped with user_shutdown is not restarted) {
  auto sup = start_one(restart_policy::transient);
  caf::anon_send_exit(child(sup, "a"), caf::exit_reason::user_shutdown);
  sched.run();
  CAF_CHECK_EQUAL(entry(sup, "a").status, child_status::stopped);
  advance(10s);
  CAF_CHECK_EQUAL(log.starts["a"], 1);
}

CAF_TEST(a temporary child is never restarted) {
  auto sup = start_one(restart_policy::temporary);
  crash(sup, "a");
  CAF_CHECK_EQUAL(entry(sup, "a").status, child_status::stopped);
  CAF_CHECK(!sched.has_pending_timeout());
  advance(10s);
  CAF_CHECK_EQUAL(log.starts["a"], 1);
  CAF_CHECK(log.restarts.empty());
  CAF_CHECK(log.index_of("gone:a") >= 0);
  // The supervisor itself keeps running.
  CAF_CHECK_EQUAL(log.exits.count("sup"), 0u);
}

CAF_TEST(a failing start function counts as a crash and is retried) {
  int attempts = 0;
  child_spec flaky = worker("a");
  auto real_start = flaky.start;
  flaky.start = [&attempts, real_start](caf::actor_system& system) -> caf::actor {
    if (++attempts == 1)
      throw std::runtime_error("venue config missing");
    return real_start(system);
  };
  auto sc = config("sup", {flaky});
  sc.backoff_initial = 50ms;
  auto sup = spawn_supervisor(std::move(sc));
  CAF_CHECK_EQUAL(attempts, 1);
  CAF_REQUIRE_EQUAL(log.restart_reasons.size(), 1u);
  CAF_CHECK(is_xarb_error(log.restart_reasons[0], error_code::internal));
  CAF_CHECK_EQUAL(entry(sup, "a").status, child_status::restarting);
  advance(50ms);
  CAF_CHECK_EQUAL(attempts, 2);
  CAF_CHECK_EQUAL(entry(sup, "a").status, child_status::running);
}

CAF_TEST(a watcher finds the new instance after a restart) {
  auto sub = sys.spawn(subscriber, &log);
  tracked.push_back(sub);
  registry.watch("a", sub); // before the name exists: nothing sent yet
  sched.run();
  CAF_CHECK(log.rebounds.empty());
  auto sup = start_one(restart_policy::permanent);
  auto first = child(sup, "a");
  // put() after the start notified the watcher, which subscribed.
  using rebound = std::pair<std::string, caf::actor_id>;
  CAF_CHECK_EQUAL(log.rebounds, (std::vector<rebound>{{"a", first.id()}}));
  CAF_CHECK_EQUAL(log.subscriptions,
                  (std::vector<std::string>{"a#" + std::to_string(first.id())}));
  crash(sup, "a");
  CAF_CHECK_EQUAL(log.rebounds.size(), 1u); // nothing while down
  expect_restart_after(sup, 100ms);
  auto second = child(sup, "a");
  CAF_CHECK_EQUAL(log.rebounds, (std::vector<rebound>{{"a", first.id()},
                                                      {"a", second.id()}}));
  CAF_REQUIRE_EQUAL(log.subscriptions.size(), 2u);
  CAF_CHECK_EQUAL(log.subscriptions[1], "a#" + std::to_string(second.id()));
}

CAF_TEST(a late watcher gets the current binding at once) {
  auto sup = start_one(restart_policy::permanent);
  auto sub = sys.spawn(subscriber, &log);
  tracked.push_back(sub);
  registry.watch("a", sub);
  sched.run();
  CAF_REQUIRE_EQUAL(log.rebounds.size(), 1u);
  CAF_CHECK_EQUAL(log.rebounds[0].second, child(sup, "a").id());
}

CAF_TEST(status and children queries) {
  auto sup = spawn_supervisor(config("sup", {worker("a"), worker("b")}));
  crash(sup, "b");
  self->send(sup, atom::status_v);
  expect((atom::status), from(self).to(sup));
  expect((std::string),
         from(sup).to(self).with(std::string{"a:running:0\nb:restarting:1\n"}));
  self->send(sup, atom::children_v);
  expect((atom::children), from(self).to(sup));
  expect((std::vector<caf::actor>),
         from(sup).to(self).with(
           std::vector<caf::actor>{child(sup, "a"), caf::actor{}}));
  self->send(sup, caf::get_atom_v, std::string{"a"});
  expect((caf::get_atom, std::string), from(self).to(sup));
  expect((caf::actor), from(sup).to(self).with(child(sup, "a")));
}

CAF_TEST(an invalid config ends the supervisor with config_error) {
  auto sup = spawn_supervisor(config("sup", {worker("a"), worker("a")}));
  CAF_CHECK(is_xarb_error(log.exits["sup"], error_code::config_error));
  CAF_CHECK_EQUAL(log.escalations.size(), 1u);
  CAF_CHECK_EQUAL(log.starts.count("a"), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
