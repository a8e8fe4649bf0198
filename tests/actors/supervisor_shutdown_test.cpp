// Graceful shutdown: reverse order, grace period then kill, no restarts, and
// shutdown driven by the parent's exit.
#define CAF_SUITE supervisor_shutdown

#include "tests/actors/actor_fixture.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

// A stand-in parent: links to `target`, then quits with `reason` on tick.
caf::behavior linked_parent(caf::event_based_actor* self, caf::actor target,
                            caf::error reason) {
  self->link_to(target);
  return {
    [=](atom::tick) { self->quit(reason); },
  };
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_shutdown_tests, fixture)

CAF_TEST(shutdown stops children in reverse start order) {
  auto sup = spawn_supervisor(
    config("sup", {worker("a"), worker("b"), worker("c")}));
  caf::anon_send(sup, atom::shutdown_v);
  sched.run();
  CAF_CHECK_EQUAL(log.with_prefix("down:"),
                  (std::vector<std::string>{"down:c", "down:b", "down:a"}));
  CAF_CHECK_EQUAL(log.with_prefix("gone:"),
                  (std::vector<std::string>{"gone:c", "gone:b", "gone:a"}));
  for (auto name : {"a", "b", "c"})
    CAF_CHECK(log.exits[name] == caf::exit_reason::user_shutdown);
  CAF_CHECK(log.index_of("down:a") < log.index_of("exit:sup"));
  CAF_CHECK(log.exits["sup"] == caf::exit_reason::normal);
  CAF_CHECK(log.restarts.empty());
  CAF_CHECK(registry.names().empty());
}

CAF_TEST(a child that ignores user_shutdown is killed after its timeout) {
  auto sup = spawn_supervisor(config(
    "sup", {worker("a"),
            worker("b", restart_policy::permanent, kind::stubborn, 2s),
            worker("c")}));
  caf::anon_send(sup, atom::shutdown_v);
  sched.run();
  // c is gone, b ignored the request, a waits for b (one at a time).
  CAF_CHECK_EQUAL(log.with_prefix("down:"), (std::vector<std::string>{"down:c"}));
  CAF_CHECK(log.index_of("ignored:b:user_shutdown") >= 0);
  CAF_CHECK_EQUAL(entry(sup, "b").status, child_status::stopping);
  CAF_CHECK_EQUAL(entry(sup, "a").status, child_status::running);
  advance(2s - 1ns);
  CAF_CHECK_EQUAL(log.exits.count("b"), 0u);
  advance(1ns);
  CAF_CHECK(log.exits["b"] == caf::exit_reason::kill);
  CAF_CHECK_EQUAL(log.with_prefix("down:"),
                  (std::vector<std::string>{"down:c", "down:b", "down:a"}));
  CAF_CHECK(log.exits["a"] == caf::exit_reason::user_shutdown);
  CAF_CHECK(log.exits["sup"] == caf::exit_reason::normal);
}

CAF_TEST(a stale grace reminder does not kill the next child early) {
  auto sup = spawn_supervisor(config(
    "sup", {worker("a", restart_policy::permanent, kind::stubborn, 10s),
            worker("b", restart_policy::permanent, kind::crashy, 1s)}));
  caf::anon_send(sup, atom::shutdown_v);
  sched.run();
  CAF_CHECK(log.exits["b"] == caf::exit_reason::user_shutdown); // in time
  CAF_CHECK_EQUAL(entry(sup, "a").status, child_status::stopping);
  advance(1s); // b's reminder fires: it must not hit a
  CAF_CHECK_EQUAL(log.exits.count("a"), 0u);
  advance(9s - 1ns);
  CAF_CHECK_EQUAL(log.exits.count("a"), 0u);
  advance(1ns);
  CAF_CHECK(log.exits["a"] == caf::exit_reason::kill);
  CAF_CHECK(log.exits["sup"] == caf::exit_reason::normal);
}

CAF_TEST(a zero shutdown timeout kills at once) {
  auto sup = spawn_supervisor(config(
    "sup", {worker("a", restart_policy::permanent, kind::stubborn, 0s)}));
  caf::anon_send(sup, atom::shutdown_v);
  sched.run();
  CAF_CHECK(log.exits["a"] == caf::exit_reason::kill);
  CAF_CHECK(log.exits["sup"] == caf::exit_reason::normal);
}

CAF_TEST(nothing is restarted once shutdown began) {
  auto sc = config("sup", {worker("a"), worker("b"),
                           worker("c", restart_policy::permanent,
                                  kind::stubborn, 3s)});
  sc.backoff_initial = 1s;
  auto sup = spawn_supervisor(std::move(sc));
  crash(sup, "a"); // restart pending in 1s
  CAF_CHECK_EQUAL(entry(sup, "a").status, child_status::restarting);
  caf::anon_send(sup, atom::shutdown_v);
  sched.run();
  crash(sup, "b"); // crashes while c is being stopped
  CAF_CHECK_EQUAL(entry(sup, "b").status, child_status::stopped);
  advance(3s); // a's back-off elapses during the shutdown, then c is killed
  CAF_CHECK(log.exits["sup"] == caf::exit_reason::normal);
  CAF_CHECK_EQUAL(log.starts["a"], 1);
  CAF_CHECK_EQUAL(log.starts["b"], 1);
  CAF_CHECK_EQUAL(log.restarts.size(), 1u); // only a's crash before shutdown
}

CAF_TEST(an exit from outside stops the children and keeps its reason) {
  auto sup = spawn_supervisor(config("sup", {worker("a"), worker("b")}));
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
  CAF_CHECK_EQUAL(log.with_prefix("down:"),
                  (std::vector<std::string>{"down:b", "down:a"}));
  CAF_CHECK(log.exits["sup"] == caf::exit_reason::user_shutdown);
  CAF_CHECK(log.restarts.empty());
}

CAF_TEST(a dying linked parent takes the supervisor down in order) {
  auto sup = spawn_supervisor(config("sup", {worker("a"), worker("b")}));
  auto reason = caf::make_error(error_code::venue_unavailable, "parent died");
  auto parent = sys.spawn(linked_parent, sup, reason);
  tracked.push_back(parent);
  sched.run();
  caf::anon_send(parent, atom::tick_v);
  sched.run();
  CAF_CHECK_EQUAL(log.with_prefix("down:"),
                  (std::vector<std::string>{"down:b", "down:a"}));
  CAF_CHECK(log.exits["sup"] == reason);
  CAF_CHECK(log.restarts.empty());
}

CAF_TEST(a normal exit of a linked non-child is ignored) {
  auto sup = spawn_supervisor(config("sup", {worker("a")}));
  auto parent = sys.spawn(linked_parent, sup, caf::error{});
  tracked.push_back(parent);
  sched.run();
  caf::anon_send(parent, atom::tick_v);
  sched.run();
  CAF_CHECK_EQUAL(log.exits.count("sup"), 0u);
  CAF_CHECK_EQUAL(entry(sup, "a").status, child_status::running);
}

CAF_TEST(shutdown of a tree stops the nested supervisor before its elder sibling) {
  auto inner = config("inner", {worker("w1"), worker("w2")});
  auto root = config("root", {worker("x"), supervisor_child(inner)});
  auto sup = spawn_supervisor(std::move(root));
  CAF_CHECK(registry.get("w2") != nullptr);
  caf::anon_send(sup, atom::shutdown_v);
  sched.run();
  CAF_CHECK_EQUAL(log.with_prefix("down:"),
                  (std::vector<std::string>{"down:w2", "down:w1", "down:x"}));
  CAF_REQUIRE_EQUAL(log.exits.count("root"), 1u);
  CAF_CHECK(log.exits["root"] == caf::exit_reason::normal);
  CAF_CHECK(log.restarts.empty());
  CAF_CHECK(registry.names().empty());
}

CAF_TEST(supervisor_child waits for the nested shutdown timeouts) {
  auto inner = config("inner", {worker("w1", restart_policy::permanent,
                                       kind::crashy, 2s),
                                worker("w2", restart_policy::permanent,
                                       kind::crashy, 3s)});
  auto spec = supervisor_child(inner, restart_policy::transient);
  CAF_CHECK_EQUAL(spec.name, "inner");
  CAF_CHECK(spec.policy == restart_policy::transient);
  CAF_CHECK(spec.shutdown_timeout == caf::timespan{6s});
}

CAF_TEST_FIXTURE_SCOPE_END()
