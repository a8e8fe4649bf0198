// The /ws/stream hub without sockets: protocol, snapshots, deltas, logs.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <simdjson.h>

#include "web/stream_hub.hpp"

using namespace xarb;

namespace {

const std::string token = "hub-Token-0123456789";

// A source over plain maps; counts calls per topic.
struct fake_source {
  std::mutex mtx;
  std::map<std::string, std::map<std::string, std::string>> keyed;
  std::map<std::string, std::vector<stream_entry>> logs;
  std::map<std::string, int> calls;

  void set(const std::string& topic, const std::string& id, const std::string& json) {
    std::lock_guard lock{mtx};
    keyed[topic][id] = json;
  }
  void erase(const std::string& topic, const std::string& id) {
    std::lock_guard lock{mtx};
    keyed[topic].erase(id);
  }
  void append(const std::string& topic, int n) {
    std::lock_guard lock{mtx};
    auto& log = logs[topic];
    for (int i = 0; i < n; ++i) {
      uint64_t seq = log.size() + 1;
      log.push_back({seq, R"({"n":)" + std::to_string(seq) + "}"});
    }
  }
  int calls_of(const std::string& topic) {
    std::lock_guard lock{mtx};
    return calls[topic];
  }

  std::shared_ptr<stream_source> make() {
    auto src = std::make_shared<stream_source>();
    src->keyed = [this](std::string_view topic) {
      std::lock_guard lock{mtx};
      ++calls[std::string{topic}];
      std::vector<stream_item> out;
      for (auto& [id, json] : keyed[std::string{topic}])
        out.push_back({id, json});
      return out;
    };
    src->log = [this](std::string_view topic, uint64_t after, std::size_t limit) {
      std::lock_guard lock{mtx};
      ++calls[std::string{topic}];
      std::vector<stream_entry> out;
      for (auto& e : logs[std::string{topic}])
        if (e.seq > after)
          out.push_back(e);
      if (out.size() > limit)
        out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
      return out;
    };
    return src;
  }
};

struct fixture {
  fake_source data;
  stream_config cfg;
  std::unique_ptr<stream_hub> hub;

  fixture() { cfg.snapshot_entries = 3; }
  stream_hub& make_hub() {
    hub = std::make_unique<stream_hub>(data.make(), cfg, token);
    return *hub;
  }
};

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& text) {
  simdjson::dom::element doc;
  REQUIRE_MESSAGE(p.parse(text).get(doc) == simdjson::SUCCESS, text);
  return doc;
}

std::string str(simdjson::dom::element e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v) != simdjson::SUCCESS)
    return "<missing>";
  return std::string{v};
}

uint64_t num(simdjson::dom::element e, const char* key) {
  uint64_t v = 0;
  REQUIRE(e[key].get_uint64().get(v) == simdjson::SUCCESS);
  return v;
}

std::vector<std::string> subscribe(stream_hub& hub, stream_client& c,
                                   const std::string& topics, const char* op = "subscribe") {
  return hub.handle(c, std::string{R"({"op":")"} + op + R"(","topics":)" + topics + "}");
}

} // namespace

TEST_SUITE("stream_hub") {

TEST_CASE("topic names and kinds") {
  CHECK(is_keyed_topic("pairs"));
  CHECK(is_keyed_topic("venues"));
  CHECK_FALSE(is_keyed_topic("fills"));
  CHECK(is_log_topic("fills"));
  CHECK(is_log_topic("events"));
  CHECK_FALSE(is_log_topic("pairs"));
  CHECK_FALSE(is_keyed_topic("nope"));
  CHECK_FALSE(is_log_topic("nope"));
  for (auto name : stream_topic_names)
    CHECK(is_keyed_topic(name) != is_log_topic(name));
  CHECK(stream_topic_index("tops") == 0u);
  CHECK_FALSE(stream_topic_index("TOPS"));
}

TEST_CASE_FIXTURE(fixture, "hello lists every topic, the interval and the auth state") {
  cfg.interval = std::chrono::milliseconds(125);
  auto& h = make_hub();
  stream_client anon{h};
  stream_client authed{h, true};
  simdjson::dom::parser p;
  auto doc = parse(p, h.hello(anon));
  CHECK(str(doc, "type") == "hello");
  CHECK(num(doc, "interval_ms") == 125);
  CHECK(doc["authenticated"].get_bool().value() == false);
  CHECK(doc["topics"].get_array().size() == stream_topic_names.size());
  CHECK(h.hello(authed).find(R"("authenticated":true)") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "keyed: snapshot, then a delta with only the changed item") {
  data.set("pairs", "a", R"({"v":1})");
  data.set("pairs", "b", R"({"v":2})");
  auto& h = make_hub();
  stream_client c{h, true};
  auto r = subscribe(h, c, R"(["pairs"])");
  REQUIRE(r.size() == 1);
  CHECK(r[0] == R"({"type":"subscribed","topics":["pairs"]})");
  CHECK(h.poll(c).empty()); // not refreshed yet: no stale snapshot
  h.refresh();
  auto m = h.poll(c);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == R"({"type":"snapshot","topic":"pairs","version":1,"items":{"a":{"v":1},"b":{"v":2}}})");
  CHECK(h.poll(c).empty());
  h.refresh(); // nothing changed
  CHECK(h.poll(c).empty());

  data.set("pairs", "b", R"({"v":3})");
  h.refresh();
  m = h.poll(c);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == R"({"type":"delta","topic":"pairs","version":2,"upsert":{"b":{"v":3}},"remove":[]})");
  CHECK(h.poll(c).empty());

  data.erase("pairs", "a");
  data.set("pairs", "c", R"({"v":4})");
  h.refresh();
  m = h.poll(c);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == R"({"type":"delta","topic":"pairs","version":3,"upsert":{"c":{"v":4}},"remove":["a"]})");

  // A second client joining now gets the current state only.
  stream_client late{h, true};
  subscribe(h, late, R"(["pairs"])");
  m = h.poll(late);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == R"({"type":"snapshot","topic":"pairs","version":3,"items":{"b":{"v":3},"c":{"v":4}}})");
}

TEST_CASE_FIXTURE(fixture, "keyed: a client that missed refreshes gets a combined delta") {
  data.set("venues", "x", R"({"s":"up"})");
  data.set("venues", "y", R"({"s":"up"})");
  auto& h = make_hub();
  stream_client fast{h, true}, slow{h, true};
  subscribe(h, fast, R"(["venues"])");
  subscribe(h, slow, R"(["venues"])");
  h.refresh();
  CHECK(h.poll(fast).size() == 1);
  CHECK(h.poll(slow).size() == 1);
  data.set("venues", "x", R"({"s":"down"})");
  h.refresh();
  CHECK(h.poll(fast).size() == 1);
  data.erase("venues", "y");
  h.refresh();
  CHECK(h.poll(fast).size() == 1);
  auto m = h.poll(slow);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == R"({"type":"delta","topic":"venues","version":3,"upsert":{"x":{"s":"down"}},"remove":["y"]})");

  // Beyond the tombstone horizon a snapshot replaces the delta.
  data.erase("venues", "x");
  for (uint64_t i = 0; i < stream_hub::tombstone_versions + 2; ++i) {
    data.set("venues", "z", R"({"i":)" + std::to_string(i) + "}");
    h.refresh();
    CHECK(h.poll(fast).size() == 1);
  }
  m = h.poll(slow);
  REQUIRE(m.size() == 1);
  CHECK(m[0].rfind(R"({"type":"snapshot","topic":"venues")", 0) == 0);
  CHECK(m[0].find(R"("x")") == std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "log: latest entries, then every new one in order") {
  data.append("fills", 5);
  auto& h = make_hub();
  stream_client c{h, true};
  subscribe(h, c, R"(["fills"])");
  h.refresh();
  auto m = h.poll(c);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == R"({"type":"snapshot","topic":"fills","seq":5,"items":[{"n":3},{"n":4},{"n":5}]})");
  CHECK(h.poll(c).empty());
  data.append("fills", 2);
  h.refresh();
  m = h.poll(c);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == R"({"type":"delta","topic":"fills","seq":7,"items":[{"n":6},{"n":7}]})");
  h.refresh();
  CHECK(h.poll(c).empty());
  // Two refreshes without a poll: both batches, oldest first.
  data.append("fills", 1);
  h.refresh();
  data.append("fills", 1);
  h.refresh();
  m = h.poll(c);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == R"({"type":"delta","topic":"fills","seq":9,"items":[{"n":8},{"n":9}]})");
}

TEST_CASE_FIXTURE(fixture, "log: a client behind the ring gets a gap snapshot") {
  auto& h = make_hub();
  stream_client fast{h, true}, slow{h, true};
  subscribe(h, fast, R"(["orders"])");
  subscribe(h, slow, R"(["orders"])");
  data.append("orders", 2);
  h.refresh();
  CHECK(h.poll(fast).size() == 1);
  CHECK(h.poll(slow).size() == 1);
  // 1200 entries over two refreshes: the ring (1000) no longer holds what
  // `slow` needs next, while `fast` kept up.
  for (int i = 0; i < 2; ++i) {
    data.append("orders", 600);
    h.refresh();
    auto m = h.poll(fast);
    REQUIRE(m.size() == 1);
    CHECK(m[0].rfind(R"({"type":"delta")", 0) == 0);
  }
  auto m = h.poll(slow);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == R"({"type":"snapshot","topic":"orders","seq":1202,"gap":true,"items":[{"n":1200},{"n":1201},{"n":1202}]})");
  CHECK(h.poll(slow).empty());

  // The source itself skipped entries (more than the ring in one go).
  data.append("orders", 1500);
  h.refresh();
  m = h.poll(fast);
  REQUIRE(m.size() == 1);
  CHECK(m[0].find(R"("gap":true)") != std::string::npos);
  CHECK(m[0].find(R"("seq":2702)") != std::string::npos);
  data.append("orders", 1);
  h.refresh();
  m = h.poll(fast);
  REQUIRE(m.size() == 1);
  CHECK(m[0] == R"({"type":"delta","topic":"orders","seq":2703,"items":[{"n":2703}]})");
}

TEST_CASE_FIXTURE(fixture, "unsubscribe stops messages; refresh polls only subscribed topics") {
  data.set("pairs", "a", R"({"v":1})");
  data.append("fills", 1);
  auto& h = make_hub();
  for (int i = 0; i < 3; ++i)
    h.refresh();
  CHECK(h.refreshes() == 3);
  CHECK(data.calls_of("pairs") == 0); // an idle node pays nothing
  CHECK(data.calls_of("fills") == 0);
  {
    stream_client c{h, true};
    subscribe(h, c, R"(["pairs","fills"])");
    CHECK(h.subscribers("pairs") == 1);
    h.refresh();
    CHECK(data.calls_of("pairs") == 1);
    CHECK(data.calls_of("fills") == 1);
    CHECK(data.calls_of("tops") == 0);
    CHECK(h.poll(c).size() == 2);

    auto r = subscribe(h, c, R"(["fills"])", "unsubscribe");
    REQUIRE(r.size() == 1);
    CHECK(r[0] == R"({"type":"subscribed","topics":["pairs"]})");
    CHECK(h.subscribers("fills") == 0);
    data.append("fills", 1);
    data.set("pairs", "a", R"({"v":2})");
    h.refresh();
    CHECK(data.calls_of("fills") == 1);
    CHECK(data.calls_of("pairs") == 2);
    auto m = h.poll(c);
    REQUIRE(m.size() == 1);
    CHECK(m[0].find(R"("topic":"pairs")") != std::string::npos);
    // Subscribing again starts over with a snapshot.
    subscribe(h, c, R"(["pairs"])");
    CHECK(h.subscribers("pairs") == 1);
    m = h.poll(c);
    REQUIRE(m.size() == 1);
    CHECK(m[0].rfind(R"({"type":"snapshot")", 0) == 0);
  }
  // The client is gone: its subscriptions went with it.
  CHECK(h.subscribers("pairs") == 0);
  h.refresh();
  CHECK(data.calls_of("pairs") == 2);
}

TEST_CASE_FIXTURE(fixture, "a forgotten topic is served afresh, never from stale state") {
  data.set("risk", "risk", R"({"state":"ACTIVE"})");
  auto& h = make_hub();
  stream_client c{h, true};
  subscribe(h, c, R"(["risk"])");
  h.refresh();
  CHECK(h.poll(c).size() == 1);
  subscribe(h, c, R"(["risk"])", "unsubscribe");
  h.refresh(); // nobody subscribed: the state is dropped
  data.set("risk", "risk", R"({"state":"HALTED"})");
  subscribe(h, c, R"(["risk"])");
  CHECK(h.poll(c).empty()); // waits for the next refresh
  h.refresh();
  auto m = h.poll(c);
  REQUIRE(m.size() == 1);
  CHECK(m[0].find("HALTED") != std::string::npos);
  CHECK(m[0].rfind(R"({"type":"snapshot")", 0) == 0);
}

TEST_CASE_FIXTURE(fixture, "bad messages answer errors; too many close") {
  cfg.max_message_bytes = 200;
  auto& h = make_hub();
  stream_client c{h, true};
  simdjson::dom::parser p;
  auto error_of = [&](const std::string& msg) {
    auto r = h.handle(c, msg);
    REQUIRE(r.size() == 1);
    auto doc = parse(p, r[0]);
    CHECK(str(doc, "type") == "error");
    CHECK(str(doc, "message") != "<missing>");
    return str(doc, "error");
  };
  CHECK(error_of("{not json") == "bad_request");
  CHECK(error_of("") == "bad_request");
  CHECK(error_of("[1,2]") == "bad_request");
  CHECK(error_of(R"({"op":42})") == "bad_request");
  CHECK(error_of(R"({"op":"dance"})") == "bad_request");
  CHECK(error_of(R"({"op":"subscribe","topics":"pairs"})") == "bad_request");
  CHECK(error_of(R"({"op":"subscribe","topics":[1]})") == "bad_request");
  CHECK(error_of(R"({"op":"subscribe","topics":["pairs","nope"]})") == "unknown_topic");
  CHECK(error_of(R"({"op":"unsubscribe","topics":["nope"]})") == "unknown_topic");
  CHECK(error_of(R"({"op":"ping","pad":")" + std::string(300, 'x') + "\"}") == "bad_request");
  CHECK(error_of(std::string{"\"\xff\xfe\""}) == "bad_request");
  CHECK(h.subscribers("pairs") == 0); // all or nothing
  CHECK(c.errors() == 11);
  CHECK_FALSE(c.should_close());
  // Good messages still work.
  CHECK(h.handle(c, R"({"op":"ping"})") == std::vector<std::string>{R"({"type":"pong"})"});
  CHECK(subscribe(h, c, R"(["pairs"])")[0] == R"({"type":"subscribed","topics":["pairs"]})");
  while (c.errors() < stream_hub::max_errors)
    error_of("nope");
  CHECK(c.should_close());
}

TEST_CASE_FIXTURE(fixture, "subscribing needs auth; the auth op checks the token") {
  auto& h = make_hub();
  stream_client c{h};
  CHECK_FALSE(c.authenticated());
  auto r = subscribe(h, c, R"(["pairs"])");
  REQUIRE(r.size() == 1);
  CHECK(r[0].find(R"("error":"unauthorized")") != std::string::npos);
  CHECK(h.subscribers("pairs") == 0);
  CHECK(h.handle(c, R"({"op":"ping"})")[0] == R"({"type":"pong"})"); // allowed
  r = h.handle(c, R"({"op":"auth","token":"wrong"})");
  CHECK(r[0].find(R"("error":"unauthorized")") != std::string::npos);
  CHECK(r[0].find("wrong") == std::string::npos);
  CHECK(h.handle(c, R"({"op":"auth"})")[0].find("bad_request") != std::string::npos);
  r = h.handle(c, R"({"op":"auth","token":")" + token + "\"}");
  CHECK(r == std::vector<std::string>{R"({"type":"authenticated"})"});
  CHECK(c.authenticated());
  CHECK(subscribe(h, c, R"(["pairs"])")[0] == R"({"type":"subscribed","topics":["pairs"]})");

  // Three wrong tokens and the client should go.
  stream_client guesser{h};
  for (int i = 0; i < 3; ++i)
    h.handle(guesser, R"({"op":"auth","token":"guess"})");
  CHECK(guesser.should_close());
  CHECK_FALSE(guesser.authenticated());

  // No token configured: auth never succeeds.
  stream_hub closed{data.make(), cfg};
  stream_client d{closed};
  CHECK(closed.handle(d, R"({"op":"auth","token":""})")[0].find("unauthorized")
        != std::string::npos);
  CHECK_FALSE(d.authenticated());
}

TEST_CASE_FIXTURE(fixture, "concurrent polls during refreshes rebuild the source's state") {
  auto& h = make_hub();
  constexpr int rounds = 300;
  std::atomic<bool> stop{false};
  std::vector<std::map<std::string, std::string>> seen(3);
  std::vector<std::thread> pollers;
  std::vector<std::unique_ptr<stream_client>> clients;
  for (int t = 0; t < 3; ++t) {
    clients.push_back(std::make_unique<stream_client>(h, true));
    subscribe(h, *clients.back(), R"(["tops"])");
  }
  for (int t = 0; t < 3; ++t)
    pollers.emplace_back([&, t] {
      simdjson::dom::parser p;
      auto apply = [&](const std::string& msg) {
        simdjson::dom::element doc;
        REQUIRE(p.parse(msg).get(doc) == simdjson::SUCCESS);
        std::string_view type = doc["type"].get_string().value();
        auto& state = seen[static_cast<std::size_t>(t)];
        if (type == "snapshot") {
          state.clear();
          for (auto [k, v] : doc["items"].get_object())
            state[std::string{k}] = simdjson::minify(v);
        } else {
          for (auto [k, v] : doc["upsert"].get_object())
            state[std::string{k}] = simdjson::minify(v);
          for (auto id : doc["remove"].get_array())
            state.erase(std::string{id.get_string().value()});
        }
      };
      while (!stop) {
        for (auto& m : h.poll(*clients[static_cast<std::size_t>(t)]))
          apply(m);
        // Real sessions poll once per interval; never starve the writer.
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
      for (auto& m : h.poll(*clients[static_cast<std::size_t>(t)]))
        apply(m);
    });
  for (int i = 0; i < rounds; ++i) {
    data.set("tops", "k" + std::to_string(i % 7), R"({"i":)" + std::to_string(i) + "}");
    if (i % 5 == 0)
      data.erase("tops", "k" + std::to_string((i / 5) % 7));
    h.refresh();
  }
  stop = true;
  for (auto& th : pollers)
    th.join();
  std::map<std::string, std::string> expected;
  {
    std::lock_guard lock{data.mtx};
    expected = data.keyed["tops"];
  }
  for (auto& s : seen)
    CHECK(s == expected);
}

}
