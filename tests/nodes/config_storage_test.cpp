// [storage] (issue 5): defaults, reading, round trip, strictness, ranges.
#include <doctest/doctest.h>

#include <string>

#include "nodes/config.hpp"
#include "tests/nodes/config_helpers.hpp"

using namespace xarb;
using xarb::test::contains;
using xarb::test::errors_of;


TEST_SUITE("config: [storage]") {

TEST_CASE("defaults: journal fsynced, batches of 1000 every 50 ms, retention per family") {
  const auto c = default_config();
  CHECK(c.storage.sync_journal);
  CHECK(c.storage.batch_max == 1000);
  CHECK(c.storage.flush_ms == 50);
  CHECK_FALSE(c.storage.record_market);
  const auto& d = c.storage.retention_days;
  CHECK(d.orders == 0);
  CHECK(d.fills == 0);
  CHECK(d.positions == 0);
  CHECK(d.events == 30);
  CHECK(d.spreads == 7);
  CHECK(d.market == 1);
  CHECK(d.config == 0);
  CHECK(d.history == 30);
  CHECK_FALSE(validate(c));
}

TEST_CASE("every key is read, the rest keeps its default") {
  auto res = load_config_string(R"([storage]
sync_journal = false
batch_max = 250
flush_ms = 10
record_market = true
sim_history = false
[storage.retention_days]
events = 90
market = 3
history = 400
)");
  REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
  const auto& s = res->storage;
  CHECK_FALSE(s.sync_journal);
  CHECK(s.batch_max == 250);
  CHECK(s.flush_ms == 10);
  CHECK(s.record_market);
  CHECK_FALSE(s.sim_history);
  CHECK(s.retention_days.events == 90);
  CHECK(s.retention_days.market == 3);
  CHECK(s.retention_days.spreads == 7);  // not given: default
  CHECK(s.retention_days.orders == 0);
  CHECK(s.retention_days.history == 400);
}

TEST_CASE("to_toml round-trips a changed [storage]") {
  auto c = default_config();
  c.storage.sync_journal = false;
  c.storage.batch_max = 7;
  c.storage.flush_ms = 1234;
  c.storage.record_market = true;
  c.storage.sim_history = false;
  c.storage.retention_days = {1, 0, 3, 4, 5, 6, 7, 8};
  auto text = to_toml(c);
  CHECK(contains(text, "[storage.retention_days]"));
  CHECK(contains(text, "\nhistory = 8\n"));
  auto back = load_config_string(text, "round.toml");
  REQUIRE_MESSAGE(back.has_value(), (back ? "" : back.error().message));
  CHECK(back->storage == c.storage);
  CHECK(to_toml(*back) == text);
}

TEST_CASE("unknown keys, wrong types and ranges are errors, located") {
  auto e = errors_of(R"([storage]
sync_jurnal = true
batch_max = 0
flush_ms = "fast"
[storage.retention_days]
events = -1
orders = 40000
trades = 3
history = 36501
)");
  CHECK(contains(e, "storage.sync_jurnal"));
  CHECK(contains(e, "storage.batch_max: must be between 1 and 1000000 (got 0)"));
  CHECK(contains(e, "t.toml:4:12: storage.flush_ms"));
  CHECK(contains(e, "storage.retention_days.events: must be between 0 and 36500 (got -1)"));
  CHECK(contains(e, "storage.retention_days.orders: must be between 0 and 36500 (got 40000)"));
  CHECK(contains(e, "storage.retention_days.trades"));
  CHECK(contains(e, "storage.retention_days.history: must be between 0 and 36500 (got 36501)"));
  CHECK(contains(errors_of("[storage]\nretention_days = 3\n"), "storage.retention_days"));
  // Recovery rebuilds every ledger from all of its fills: they are kept.
  CHECK(contains(errors_of("[storage.retention_days]\nfills = 30\n"),
                 "storage.retention_days.fills: must be 0"));
  CHECK(contains(errors_of("[storage]\nflush_ms = 60001\n"),
                 "storage.flush_ms: must be between 1 and 60000 (got 60001)"));
}

TEST_CASE("validate() checks [storage] changed in code") {
  auto c = default_config();
  c.storage.batch_max = -5;
  c.storage.retention_days.spreads = -1;
  auto err = validate(c);
  REQUIRE(err);
  CHECK(contains(err.message, "storage.batch_max"));
  CHECK(contains(err.message, "storage.retention_days.spreads"));
}

} // TEST_SUITE
