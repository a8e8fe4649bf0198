// mock_server over loopback: REST routing, WebSocket subscriptions, every
// fault, several clients, the control endpoint and TLS. Clients are plain
// Beast (tests/venues/mock/mock_test_support.hpp).
#include <doctest/doctest.h>

#include <thread>

#include "core/order_book.hpp"
#include "tests/venues/mock/mock_test_support.hpp"
#include "venues/mock/mock_server.hpp"

using namespace xarb;
using namespace xarb::mock;
using test::frame;
using test::http_call;
using test::ws_conn;
using ms = std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

namespace {

server_config fast() {
  server_config c;
  c.tick = ms{20};
  c.mark_interval = ms{200};
  c.ping_interval = ms{100};
  return c;
}

std::unique_ptr<mock_server> started(server_config cfg = fast(), bool app_ping = false,
                                     market_config mc = {}) {
  auto proto = std::make_unique<test::test_protocol>();
  proto->app_ping = app_ping;
  auto srv = std::make_unique<mock_server>(std::move(proto), std::move(mc), std::move(cfg));
  auto port = srv->start();
  REQUIRE(port);
  REQUIRE(*port != 0);
  return srv;
}

template <class P>
bool eventually(P pred, ms timeout = ms{3000}) {
  const auto deadline = steady::now() + timeout;
  while (steady::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(ms{5});
  }
  return pred();
}

uint64_t count(const std::map<std::string, uint64_t, std::less<>>& m, std::string_view k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

book_snapshot to_snapshot(const frame& f) {
  book_snapshot s;
  s.symbol = f.s;
  s.seq = f.seq;
  s.bids = f.bids;
  s.asks = f.asks;
  return s;
}

book_delta to_delta(const frame& f) {
  book_delta d;
  d.symbol = f.s;
  d.seq = f.seq;
  d.prev_seq = f.prev;
  d.first_seq = f.first;
  d.bids = f.bids;
  d.asks = f.asks;
  return d;
}

// Connects, reads the hello, subscribes `ch` for each symbol and reads the acks.
std::unique_ptr<ws_conn> subscribed(mock_server& srv, std::vector<std::string> books,
                                    bool tls = false) {
  auto c = std::make_unique<ws_conn>(srv.port(), "/ws", tls);
  REQUIRE(c->connected());
  auto hello = c->next();
  REQUIRE(hello);
  REQUIRE(hello->t == "hello");
  for (const auto& s : books)
    c->subscribe("book", s);
  return c;
}

/// Reads frames until `n` deltas (skipping acks, snapshots are kept in `snaps`).
std::vector<frame> deltas(ws_conn& c, std::size_t n, std::vector<frame>* snaps = nullptr,
                          ms timeout = ms{5000}) {
  std::vector<frame> out;
  const auto deadline = steady::now() + timeout;
  while (out.size() < n && steady::now() < deadline) {
    auto f = c.next(ms{1000});
    if (!f)
      break;
    if (f->t == "delta")
      out.push_back(std::move(*f));
    else if (f->t == "snap" && snaps)
      snaps->push_back(std::move(*f));
  }
  return out;
}

} // namespace

TEST_CASE("REST: routing, decoded query and body, 404, per-path counts") {
  auto srv = started();
  CHECK(srv->running());
  CHECK(srv->http_url() == "http://127.0.0.1:" + std::to_string(srv->port()));
  CHECK(srv->ws_url() == "ws://127.0.0.1:" + std::to_string(srv->port()));
  CHECK(srv->venue() == "testx");

  auto list = http_call(srv->port(), "GET", "/api/instruments");
  REQUIRE(list.status == 200);
  CHECK(list.body.find(R"("s":"BTCUSDT","tick":"0.1","lot":"0.001","mult":"1","index":0)")
        != std::string::npos);
  CHECK(list.body.find(R"("s":"1000PEPEUSDT")") != std::string::npos);
  CHECK(list.headers["Content-Type"] == "application/json");
  CHECK(list.headers["Server"] == "xarb-mock");

  auto depth = http_call(srv->port(), "GET", "/api/depth?symbol=ETHUSDT&limit=5");
  REQUIRE(depth.status == 200);
  auto f = test::parse_frame(depth.body);
  CHECK(f.s == "ETHUSDT");
  CHECK(f.seq >= 1);
  CHECK(f.bids.size() == 5);
  CHECK(f.asks.size() == 5);
  CHECK(f.bids[0].px < f.asks[0].px);

  auto echo = http_call(srv->port(), "POST", "/api/echo?a=1&b=x%20y+z&c", "{\"k\":1}");
  REQUIRE(echo.status == 200);
  CHECK(echo.body
        == R"({"method":"POST","path":"/api/echo","query":{"a":"1","b":"x y z","c":""},"body":"{\"k\":1}"})");

  CHECK(http_call(srv->port(), "GET", "/api/depth").status == 400);
  CHECK(http_call(srv->port(), "GET", "/nope").status == 404);
  CHECK(http_call(srv->port(), "GET", "/x?a=%zz").status == 400);

  auto st = srv->stats();
  CHECK(count(st.rest_requests, "/api/instruments") == 1);
  CHECK(count(st.rest_requests, "/api/depth") == 2);
  CHECK(count(st.rest_requests, "/api/echo") == 1);
  CHECK(count(st.rest_requests, "/nope") == 1);
  CHECK(eventually([&] { return srv->stats().ticks > 0; }));

  int listed = 0;
  srv->inspect([&](const mock_market& m) { listed = static_cast<int>(m.instruments().size()); });
  CHECK(listed == 5);
}

TEST_CASE("fault rest_error: the next N REST answers get the status") {
  auto srv = started();
  CHECK(srv->fail_rest(200, 1).code == error_code::config_error);
  CHECK(srv->fail_rest(500, 0).code == error_code::config_error);
  REQUIRE_FALSE(srv->fail_rest(429, 2));
  for (int k = 0; k < 2; ++k) {
    auto r = http_call(srv->port(), "GET", "/api/instruments");
    CHECK(r.status == 429);
    CHECK(r.headers["Retry-After"] == "1");
    CHECK(r.body.find("429") != std::string::npos);
  }
  CHECK(http_call(srv->port(), "GET", "/api/instruments").status == 200);
  REQUIRE_FALSE(srv->fail_rest(503));
  CHECK(http_call(srv->port(), "GET", "/api/depth?symbol=BTCUSDT").status == 503);
  CHECK(http_call(srv->port(), "GET", "/api/depth?symbol=BTCUSDT").status == 200);
  auto st = srv->stats();
  CHECK(st.rest_faulted == 3);
  CHECK(count(st.faults, "rest_error") == 2);
  CHECK(count(st.rest_requests, "/api/instruments") == 3);
}

TEST_CASE("WS: hello, ack, snapshot, then deltas continuing its sequence; unsubscribe") {
  auto srv = started();
  ws_conn c{srv->port(), "/stream?streams=btcusdt@depth"};
  REQUIRE(c.connected());
  auto hello = c.next();
  REQUIRE(hello);
  CHECK(hello->t == "hello");
  CHECK(hello->target == "/stream?streams=btcusdt@depth");

  c.subscribe("book", "BTCUSDT");
  auto ack = c.next();
  REQUIRE(ack);
  CHECK(ack->t == "ack");
  CHECK(ack->op == "sub");
  CHECK(ack->s == "BTCUSDT");
  auto snap = c.next();
  REQUIRE(snap);
  REQUIRE(snap->t == "snap");
  CHECK(snap->bids.size() == 25);
  order_book book;
  REQUIRE(book.apply(to_snapshot(*snap)) == error_code::none);

  uint64_t last = snap->seq;
  for (uint64_t k = 1; k <= 15; ++k) {
    auto d = c.next();
    REQUIRE(d);
    REQUIRE(d->t == "delta");
    CHECK(d->s == "BTCUSDT");
    CHECK(d->prev == last);
    CHECK(d->seq == last + 1);
    CHECK(d->first == d->seq);
    CHECK(d->n == k);              // per-connection counter
    CHECK(d->bookseq == d->seq);   // book() in book_frames is after this delta
    CHECK(book.apply(to_delta(*d)) == error_code::none);
    last = d->seq;
  }
  CHECK(eventually([&] { return count(srv->stats().subscriptions, "books") == 1; }));

  c.send(R"({"op":"unsub","ch":"book","s":"BTCUSDT"})");
  REQUIRE(c.next_of("ack"));
  // Frames leave in order: nothing of the book after the ack.
  CHECK_FALSE(c.next(ms{200}));
  CHECK(count(srv->stats().subscriptions, "books") == 0);

  c.send("not json");
  auto err = c.next();
  REQUIRE(err);
  CHECK(err->t == "error");
  CHECK(srv->stats().frames_in == 3);
  CHECK(count(srv->stats().frames_sent, "snapshot") == 1);
  CHECK(count(srv->stats().frames_sent, "delta") >= 15);
}

TEST_CASE("WS: tops and marks at their cadence") {
  auto srv = started();
  ws_conn c{srv->port()};
  REQUIRE(c.connected());
  c.subscribe("top", "ETHUSDT");
  c.subscribe("mark", "ETHUSDT");
  auto top = c.next_of("top", ms{3000});
  REQUIRE(top);
  CHECK(top->s == "ETHUSDT");
  CHECK(*price::from_string(top->bp) < *price::from_string(top->ap));
  CHECK(quantity::from_string(top->bq)->is_positive());
  auto mark = c.next_of("mark", ms{3000});
  REQUIRE(mark);
  CHECK(mark->s == "ETHUSDT");
  const auto p = *price::from_string(mark->p);
  CHECK(p > *price::from_string("2000"));
  CHECK(p < *price::from_string("5000"));
  CHECK(price::from_string(mark->i)->is_positive());
  // marks come every mark_interval (200 ms), not every tick
  const auto t1 = steady::now();
  REQUIRE(c.next_of("mark", ms{3000}));
  CHECK(steady::now() - t1 > ms{100});
}

TEST_CASE("fault gap: the next delta is withheld, the client sees exactly one gap") {
  auto srv = started();
  auto c = subscribed(*srv, {"BTCUSDT"});
  std::vector<frame> snaps;
  auto before = deltas(*c, 3, &snaps);
  REQUIRE(snaps.size() == 1);
  REQUIRE(before.size() == 3);
  CHECK(srv->inject_gap("NOPE").code == error_code::unknown_symbol);
  REQUIRE_FALSE(srv->inject_gap("BTCUSDT"));
  auto after = deltas(*c, 12);
  REQUIRE(after.size() == 12);

  order_book book;
  REQUIRE(book.apply(to_snapshot(snaps[0])) == error_code::none);
  bool synced = true;
  int seq_gaps = 0, counter_gaps = 0, book_gaps = 0;
  uint64_t last = snaps[0].seq, last_n = 0;
  before.insert(before.end(), after.begin(), after.end());
  for (const auto& d : before) {
    if (d.prev != last) {
      ++seq_gaps;
      CHECK(d.seq == last + 2); // exactly one delta missing
    }
    if (d.n != last_n + 1) {
      ++counter_gaps;
      CHECK(d.n == last_n + 2); // encoded, so the per-connection number moved too
    }
    if (synced) { // a real client would resync here; the test stops applying
      const auto ec = book.apply(to_delta(d));
      if (ec == error_code::sequence_gap) {
        ++book_gaps;
        synced = false;
      } else {
        CHECK(ec == error_code::none);
      }
    }
    last = d.seq;
    last_n = d.n;
  }
  CHECK(seq_gaps == 1);
  CHECK(counter_gaps == 1);
  CHECK(book_gaps == 1);
  auto st = srv->stats();
  CHECK(st.frames_withheld == 1);
  CHECK(count(st.faults, "gap") == 1);
}

TEST_CASE("fault gap for every symbol: one gap per subscribed book") {
  auto srv = started();
  auto c = subscribed(*srv, {"BTCUSDT", "SOLUSDT"});
  std::vector<frame> snaps;
  auto first = deltas(*c, 4, &snaps);
  REQUIRE(snaps.size() == 2);
  REQUIRE_FALSE(srv->inject_gap());
  auto rest = deltas(*c, 24);
  first.insert(first.end(), rest.begin(), rest.end());
  std::map<std::string, uint64_t> last;
  std::map<std::string, int> gaps;
  for (const auto& s : snaps)
    last[s.s] = s.seq;
  for (const auto& d : first) {
    if (d.prev != last[d.s])
      ++gaps[d.s];
    last[d.s] = d.seq;
  }
  CHECK(gaps["BTCUSDT"] == 1);
  CHECK(gaps["SOLUSDT"] == 1);
  CHECK(srv->stats().frames_withheld == 2);
}

TEST_CASE("fault disconnect: every client's socket closes, a new connection works") {
  auto srv = started();
  auto a = subscribed(*srv, {"BTCUSDT"});
  auto b = subscribed(*srv, {});
  REQUIRE(eventually([&] { return srv->stats().clients == 2; }));
  REQUIRE_FALSE(srv->disconnect());
  CHECK(a->wait_closed());
  CHECK(b->wait_closed());
  CHECK(a->close_code() == 0); // dropped, no close frame
  CHECK(eventually([&] { return srv->stats().clients == 0; }));

  auto c = subscribed(*srv, {"ETHUSDT"});
  auto d = deltas(*c, 2);
  CHECK(d.size() == 2);
  CHECK(srv->stats().ws_connections == 3);

  REQUIRE_FALSE(srv->disconnect(true)); // graceful: a 1001 close frame
  CHECK(c->wait_closed());
  CHECK(c->close_code() == 1001);
  CHECK(count(srv->stats().faults, "disconnect") == 2);
}

TEST_CASE("fault stall: nothing at all for the duration (no pongs), then frames resume") {
  auto srv = started();
  auto c = subscribed(*srv, {"BTCUSDT"});
  std::vector<frame> snaps;
  auto all = deltas(*c, 3, &snaps);
  REQUIRE(snaps.size() == 1);
  c->ping();
  REQUIRE(eventually([&] { return c->pongs().size() == 1; }));

  REQUIRE_FALSE(srv->stall(ms{400}));
  const auto stalled_at = steady::now();
  CHECK(srv->stats().stalled);
  std::this_thread::sleep_for(ms{60});
  for (auto& [t, f] : c->drain()) // already on the wire before the stall
    if (f.t == "delta")
      all.push_back(std::move(f));
  c->ping();
  c->send(R"({"op":"ping"})");
  // Silence: no frame, no pong, no answer until the stall ends.
  CHECK_FALSE(c->next(ms{250}));
  CHECK(c->pongs().size() == 1);

  // The held deltas come first, then the answer to the ping read after the
  // stall.
  for (bool pong = false; !pong;) {
    auto f = c->next(ms{2000});
    REQUIRE(f);
    if (f->t == "delta")
      all.push_back(std::move(*f));
    pong = f->t == "pong";
  }
  CHECK(steady::now() - stalled_at >= ms{380});
  REQUIRE(eventually([&] { return c->pongs().size() == 2; }));
  CHECK(c->pongs()[1] - stalled_at >= ms{380});
  CHECK_FALSE(srv->stats().stalled);
  // The held frames were released in order: no sequence hole.
  for (auto& [t, f] : c->drain())
    if (f.t == "delta")
      all.push_back(std::move(f));
  auto more = deltas(*c, 3);
  all.insert(all.end(), more.begin(), more.end());
  REQUIRE(all.size() >= 10); // 400 ms at 20 Hz were held and released
  uint64_t last = snaps[0].seq;
  for (const auto& d : all) {
    CHECK(d.prev == last);
    last = d.seq;
  }

  // Until resume() when no duration is given.
  REQUIRE_FALSE(srv->stall());
  std::this_thread::sleep_for(ms{60});
  c->drain();
  CHECK_FALSE(c->next(ms{300}));
  REQUIRE_FALSE(srv->resume());
  CHECK(c->next_of("delta", ms{1000}));
  auto st = srv->stats();
  CHECK(count(st.faults, "stall") == 2);
  CHECK(count(st.faults, "resume") == 1);
}

TEST_CASE("slow client: a queue over max_queue_bytes closes that client") {
  auto cfg = fast();
  cfg.max_queue_bytes = 4096;
  auto srv = started(cfg);
  auto slow = subscribed(*srv, {"BTCUSDT", "ETHUSDT", "SOLUSDT", "DOGEUSDT"});
  REQUIRE(slow->next_of("delta"));
  REQUIRE_FALSE(srv->stall()); // nothing leaves: the queue grows
  CHECK(eventually([&] { return srv->stats().clients_dropped_slow == 1; }));
  CHECK(slow->wait_closed(ms{3000}));
  REQUIRE_FALSE(srv->resume());
  CHECK(eventually([&] { return srv->stats().clients == 0; }));
  auto fresh = subscribed(*srv, {"BTCUSDT"});
  CHECK(fresh->next_of("delta"));
}

TEST_CASE("fault malformed: one junk frame to every client") {
  auto srv = started();
  ws_conn a{srv->port()}, b{srv->port()};
  REQUIRE(a.next_of("hello"));
  REQUIRE(b.next_of("hello"));
  REQUIRE_FALSE(srv->send_malformed());
  for (auto* c : {&a, &b}) {
    auto f = c->next();
    REQUIRE(f);
    CHECK(f->raw == R"({"broken":)");
    CHECK_FALSE(f->json);
    CHECK_FALSE(c->next(ms{100})); // once
  }
  REQUIRE_FALSE(srv->send_malformed("\x01garbage"));
  auto g = a.next();
  REQUIRE(g);
  CHECK(g->raw == "\x01garbage");
  CHECK(eventually([&] { return count(srv->stats().frames_sent, "malformed") == 4; }));
  CHECK(count(srv->stats().faults, "malformed") == 2);
}

TEST_CASE("several clients: own subscriptions, own per-connection numbering") {
  auto srv = started();
  auto a = subscribed(*srv, {"BTCUSDT"});
  auto b = subscribed(*srv, {"ETHUSDT"});
  auto c = subscribed(*srv, {"BTCUSDT", "SOLUSDT"});
  for (auto* conn : {a.get(), b.get(), c.get()}) {
    std::vector<frame> snaps;
    auto ds = deltas(*conn, 10, &snaps);
    REQUIRE(ds.size() == 10);
    std::map<std::string, uint64_t> n;
    for (const auto& d : ds) {
      CHECK(d.n == ++n[d.s]); // from 1 on each connection
      if (conn == a.get())
        CHECK(d.s == "BTCUSDT");
      if (conn == b.get())
        CHECK(d.s == "ETHUSDT");
      if (conn == c.get())
        CHECK((d.s == "BTCUSDT" || d.s == "SOLUSDT"));
    }
  }
  auto st = srv->stats();
  CHECK(st.clients == 3);
  CHECK(count(st.subscriptions, "books") == 4);
}

TEST_CASE("server pings and WS ping frames") {
  auto srv = started(fast(), true);
  ws_conn c{srv->port()};
  REQUIRE(c.connected());
  REQUIRE(c.next_of("ping", ms{1000}));
  REQUIRE(c.next_of("ping", ms{1000})); // every ping_interval
  c.ping();
  CHECK(eventually([&] { return c.pongs().size() == 1; }));
  CHECK(count(srv->stats().frames_sent, "ping") >= 2);
}

TEST_CASE("control endpoint: faults and stats over HTTP") {
  auto srv = started();
  auto c = subscribed(*srv, {"BTCUSDT"});
  const auto port = srv->port();
  auto post = [&](const std::string& q) { return http_call(port, "POST", "/__mock/fault?" + q); };

  auto ok = post("kind=gap&symbol=BTCUSDT");
  CHECK(ok.status == 200);
  CHECK(ok.body == R"({"ok":true,"kind":"gap"})");
  auto bad = post("kind=gap&symbol=NOPE");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("NOPE") != std::string::npos);
  CHECK(post("kind=bogus").status == 400);
  CHECK(post("kind=stall&ms=abc").status == 400);
  CHECK(post("kind=rest_error&status=200").status == 400);
  CHECK(http_call(port, "GET", "/__mock/fault?kind=gap").status == 405);
  CHECK(http_call(port, "POST", "/__mock/stats").status == 405);
  CHECK(http_call(port, "GET", "/__mock/nope").status == 404);

  CHECK(post("kind=rest_error&status=500&count=1").status == 200);
  CHECK(post("kind=malformed&text=hello%20junk").status == 200); // control is not faulted
  CHECK(http_call(port, "GET", "/api/instruments").status == 500);
  CHECK(http_call(port, "GET", "/api/instruments").status == 200);
  bool junk = false;
  for (int k = 0; k < 200 && !junk; ++k) {
    auto f = c->next(ms{1000});
    REQUIRE(f);
    junk = f->raw == "hello junk";
  }
  CHECK(junk);

  CHECK(post("kind=stall").status == 200);
  auto st1 = http_call(port, "GET", "/__mock/stats"); // REST works during a stall
  REQUIRE(st1.status == 200);
  CHECK(st1.body.find(R"("stalled":true)") != std::string::npos);
  CHECK(post("kind=resume").status == 200);
  CHECK(post("kind=disconnect").status == 200);
  CHECK(c->wait_closed());

  auto st = http_call(port, "GET", "/__mock/stats");
  REQUIRE(st.status == 200);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE_FALSE(parser.parse(st.body).get(doc));
  auto num = [&](std::string_view path) {
    uint64_t v = 0;
    return doc.at_pointer(path).get(v) ? uint64_t{999} : v;
  };
  CHECK(num("/faults/gap") == 1);
  CHECK(num("/faults/rest_error") == 1);
  CHECK(num("/faults/malformed") == 1);
  CHECK(num("/faults/stall") == 1);
  CHECK(num("/faults/resume") == 1);
  CHECK(num("/faults/disconnect") == 1);
  CHECK(num("/rest_requests/~1api~1instruments") == 2);
  CHECK(num("/rest_faulted") == 1);
  CHECK(num("/ws_connections") == 1);
  CHECK(num("/frames_sent/malformed") == 1);
  CHECK(num("/frames_sent/snapshot") == 1);
  bool stalled = true;
  CHECK_FALSE(doc["stalled"].get(stalled));
  CHECK_FALSE(stalled);
  CHECK(st.body.find("__mock") == std::string::npos); // control requests are not counted

  // Without the control endpoint the paths are the protocol's.
  auto cfg = fast();
  cfg.control = false;
  auto quiet = started(cfg);
  CHECK(http_call(quiet->port(), "GET", "/__mock/stats").status == 404);
}

TEST_CASE("TLS: https and wss with the test certificate") {
  auto cfg = fast();
  cfg.tls_cert_file = test::certs_dir() + "/localhost.pem";
  cfg.tls_key_file = test::certs_dir() + "/localhost.key";
  auto srv = started(cfg);
  CHECK(srv->tls());
  CHECK(srv->http_url() == "https://127.0.0.1:" + std::to_string(srv->port()));
  CHECK(srv->ws_url() == "wss://127.0.0.1:" + std::to_string(srv->port()));
  auto r = http_call(srv->port(), "GET", "/api/instruments", {}, true);
  CHECK(r.status == 200);
  CHECK(r.body.find("BTCUSDT") != std::string::npos);
  CHECK(http_call(srv->port(), "GET", "/api/instruments").status == 0); // plain HTTP: no

  auto c = subscribed(*srv, {"BTCUSDT"}, true);
  std::vector<frame> snaps;
  auto ds = deltas(*c, 5, &snaps);
  REQUIRE(snaps.size() == 1);
  REQUIRE(ds.size() == 5);
  CHECK(ds[0].prev == snaps[0].seq);
  REQUIRE_FALSE(srv->stall(ms{150})); // the gate sits above TLS
  std::this_thread::sleep_for(ms{40});
  c->drain();
  CHECK_FALSE(c->next(ms{80}));
  CHECK(c->next_of("delta", ms{1000}));
  REQUIRE_FALSE(srv->disconnect(true));
  CHECK(c->wait_closed());
  CHECK(c->close_code() == 1001);
}

TEST_CASE("start and stop: errors, restart") {
  auto bad_tls = fast();
  bad_tls.tls_cert_file = test::certs_dir() + "/localhost.pem";
  {
    mock_server s{std::make_unique<test::test_protocol>(), {}, bad_tls};
    CHECK(s.start().code() == error_code::config_error); // key missing
  }
  bad_tls.tls_key_file = test::certs_dir() + "/does-not-exist.key";
  {
    mock_server s{std::make_unique<test::test_protocol>(), {}, bad_tls};
    CHECK(s.start().code() == error_code::config_error);
    CHECK_FALSE(s.running());
  }
  auto host = fast();
  host.host = "localhost";
  {
    mock_server s{std::make_unique<test::test_protocol>(), {}, host};
    CHECK(s.start().code() == error_code::config_error);
  }
  CHECK_THROWS_AS(mock_server(nullptr), std::invalid_argument);

  auto srv = started();
  CHECK(srv->start().code() == error_code::internal); // already running
  auto taken = fast();
  taken.port = srv->port();
  {
    mock_server s{std::make_unique<test::test_protocol>(), {}, taken};
    CHECK(s.start().code() == error_code::io_error);
  }
  auto c = subscribed(*srv, {"BTCUSDT"});
  REQUIRE(c->next_of("delta"));
  srv->stop();
  CHECK_FALSE(srv->running());
  CHECK(srv->port() == 0);
  CHECK(c->wait_closed());
  srv->stop(); // idempotent
  // Faults while stopped apply directly; then a restart serves again.
  CHECK_FALSE(srv->inject_gap("BTCUSDT"));
  auto port = srv->start();
  REQUIRE(port);
  CHECK(http_call(*port, "GET", "/api/instruments").status == 200);
}
