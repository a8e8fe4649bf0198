// Restart intensity (R restarts in T, then escalate) and nested supervisors.
#define CAF_SUITE supervisor_escalation

#include "tests/actors/actor_fixture.hpp"

using namespace xarb;
using namespace xarb::test;

namespace {

struct escalation_fixture : fixture {
  // "a" crashes in the tests, "b" is a bystander; R = 2 restarts in T = 10s.
  supervisor_config two_children(std::string name) {
    auto sc = config(std::move(name), {worker("a"), worker("b")});
    sc.max_restarts = 2;
    sc.period = 10s;
    sc.backoff_initial = 100ms;
    sc.backoff_max = 100ms;
    return sc;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_escalation_tests, escalation_fixture)

CAF_TEST(R plus one crashes within T escalate) {
  auto sup = spawn_supervisor(two_children("sup"));
  for (int i = 0; i < 2; ++i) { // R crashes: tolerated
    crash(sup, "a");
    advance(100ms);
  }
  CAF_CHECK_EQUAL(log.starts["a"], 3);
  CAF_CHECK(log.escalations.empty());
  CAF_CHECK_EQUAL(log.exits.count("sup"), 0u);
  crash(sup, "a"); // R + 1 within T
  CAF_REQUIRE_EQUAL(log.escalations.size(), 1u);
  CAF_CHECK(log.escalations[0].find("restart intensity exceeded")
            != std::string::npos);
  CAF_CHECK(log.escalations[0].find("'a'") != std::string::npos);
  // The bystander was stopped, then the supervisor exited with the error.
  CAF_REQUIRE_EQUAL(log.exits.count("sup"), 1u);
  CAF_CHECK(is_restart_intensity_error(log.exits["sup"]));
  CAF_CHECK(is_xarb_error(log.exits["sup"], error_code::internal));
  CAF_CHECK(log.exits["b"] == caf::exit_reason::user_shutdown);
  CAF_CHECK(log.index_of("down:b") < log.index_of("exit:sup"));
  CAF_CHECK(log.restarts.size() == 2u); // the third crash was not restarted
  CAF_CHECK(registry.names().empty());
  advance(1s);
  CAF_CHECK_EQUAL(log.starts["a"], 3); // and nothing restarts later
}

CAF_TEST(max_restarts zero escalates on the first crash) {
  auto sc = two_children("sup");
  sc.max_restarts = 0;
  auto sup = spawn_supervisor(std::move(sc));
  crash(sup, "a");
  CAF_CHECK(is_restart_intensity_error(log.exits["sup"]));
  CAF_CHECK(log.restarts.empty());
}

CAF_TEST(crashes spread over more than T do not escalate) {
  auto sc = two_children("sup");
  sc.period = 1s;
  auto sup = spawn_supervisor(std::move(sc));
  for (int i = 0; i < 8; ++i) {
    crash(sup, "a");
    advance(100ms);
    CAF_CHECK_EQUAL(entry(sup, "a").status, child_status::running);
    advance(1s); // the previous restart leaves the window
  }
  CAF_CHECK(log.escalations.empty());
  CAF_CHECK_EQUAL(log.exits.count("sup"), 0u);
  CAF_CHECK_EQUAL(entry(sup, "a").restarts, 8);
  CAF_CHECK_EQUAL(log.restarts.back().second, 8);
}

CAF_TEST(crashes of different children share the intensity window) {
  auto sup = spawn_supervisor(two_children("sup"));
  crash(sup, "a");
  crash(sup, "b");
  advance(100ms);
  CAF_CHECK_EQUAL(log.exits.count("sup"), 0u);
  crash(sup, "b");
  CAF_CHECK(is_restart_intensity_error(log.exits["sup"]));
}

CAF_TEST(nested escalation reaches the parent which restarts the child) {
  auto inner = two_children("inner");
  inner.max_restarts = 1;
  auto root = config("root", {worker("x"), supervisor_child(inner)});
  root.max_restarts = 3;
  root.backoff_initial = 1s;
  auto sup = spawn_supervisor(std::move(root));
  auto inner1 = child(sup, "inner");
  CAF_REQUIRE(static_cast<bool>(inner1));
  CAF_CHECK(registry.get("inner") == caf::actor_cast<caf::strong_actor_ptr>(inner1));
  CAF_CHECK(registry.get("a") != nullptr);
  auto a1 = caf::actor_cast<caf::actor>(registry.get("a"));
  // Two crashes of "a": the inner supervisor (R = 1) gives up.
  caf::anon_send(a1, atom::crash_v);
  sched.run();
  advance(100ms);
  CAF_CHECK_EQUAL(log.starts["a"], 2);
  caf::anon_send(caf::actor_cast<caf::actor>(registry.get("a")), atom::crash_v);
  sched.run();
  CAF_REQUIRE_EQUAL(log.escalations.size(), 1u);
  // The root saw the inner supervisor die with the escalation error ...
  CAF_REQUIRE_EQUAL(log.restarts.size(), 2u);
  CAF_CHECK_EQUAL(log.restarts[1].first, "inner");
  CAF_CHECK_EQUAL(log.restarts[1].second, 1);
  CAF_CHECK(is_restart_intensity_error(log.restart_reasons[1]));
  CAF_CHECK(log.exits["b"] == caf::exit_reason::user_shutdown);
  CAF_CHECK_EQUAL(entry(sup, "inner").status, child_status::restarting);
  CAF_CHECK(registry.get("inner") == nullptr);
  // ... and restarts it after its own back-off, with fresh children.
  advance(999ms);
  CAF_CHECK_EQUAL(log.starts["a"], 2);
  advance(1ms);
  CAF_CHECK_EQUAL(entry(sup, "inner").status, child_status::running);
  auto inner2 = child(sup, "inner");
  CAF_CHECK(inner2 != inner1);
  CAF_CHECK_EQUAL(log.starts["a"], 3);
  CAF_CHECK_EQUAL(log.starts["b"], 2);
  CAF_CHECK(registry.get("inner") == caf::actor_cast<caf::strong_actor_ptr>(inner2));
  CAF_CHECK(registry.get("a") != caf::actor_cast<caf::strong_actor_ptr>(a1));
  CAF_CHECK(registry.get("a") != nullptr);
  // The sibling of the inner supervisor was never touched.
  CAF_CHECK_EQUAL(log.starts["x"], 1);
  CAF_CHECK_EQUAL(log.exits.count("root"), 0u);
}

CAF_TEST(repeated nested escalations finally escalate the root) {
  auto inner = two_children("inner");
  inner.max_restarts = 0;
  auto root = config("root", {supervisor_child(inner)});
  root.max_restarts = 1;
  root.backoff_initial = 10ms;
  auto sup = spawn_supervisor(std::move(root));
  auto crash_a = [&] {
    caf::anon_send(caf::actor_cast<caf::actor>(registry.get("a")), atom::crash_v);
    sched.run();
  };
  crash_a(); // inner gives up, root restarts it (1 <= R)
  advance(10ms);
  CAF_CHECK_EQUAL(log.exits.count("root"), 0u);
  crash_a(); // inner gives up again: root exceeds R = 1
  CAF_CHECK(is_restart_intensity_error(log.exits["root"]));
  CAF_CHECK_EQUAL(log.escalations.size(), 3u); // inner, inner, root
  CAF_CHECK(registry.names().empty());
}

CAF_TEST(an exception inside the supervisor becomes an error exit) {
  auto sc = two_children("sup");
  sc.on_restart = [](const std::string&, const caf::error&, int) {
    throw std::runtime_error("metrics backend down");
  };
  auto sup = spawn_supervisor(std::move(sc));
  crash(sup, "a");
  CAF_REQUIRE_EQUAL(log.escalations.size(), 1u);
  CAF_CHECK(log.escalations[0].find("metrics backend down")
            != std::string::npos);
  CAF_CHECK(is_xarb_error(log.exits["sup"], error_code::internal));
  CAF_CHECK(!is_restart_intensity_error(log.exits["sup"]));
  // The remaining child dies with it: "unreachable" here because the
  // supervisor's state held the last reference (else via the link).
  CAF_REQUIRE_EQUAL(log.exits.count("b"), 1u);
  CAF_CHECK(log.exits["b"] == caf::exit_reason::unreachable);
}

CAF_TEST_FIXTURE_SCOPE_END()
