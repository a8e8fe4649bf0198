#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "monitoring/process_metrics.hpp"
#include "monitoring/status_board.hpp"
#include "monitoring/telemetry.hpp"

using namespace xarb;

namespace {

constexpr timestamp_ns sec = 1'000'000'000;
constexpr timestamp_ns t0 = 1'700'000'000 * sec;

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos
         || text.rfind(line + "\n", 0) == 0;
}

struct tool_result {
  int exit_code = -1;
  std::string output;
};

// Runs `promtool check metrics` on `text`; output is stdout+stderr.
tool_result promtool_check(const std::string& promtool, const std::string& text) {
  auto path = std::filesystem::temp_directory_path()
              / ("xarb_metrics_" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream out{path};
    out << text;
  }
  auto cmd = promtool + " check metrics < " + path.string() + " 2>&1";
  tool_result res;
  if (auto* pipe = ::popen(cmd.c_str(), "r")) {
    char buf[512];
    while (auto n = std::fread(buf, 1, sizeof(buf), pipe))
      res.output.append(buf, n);
    auto status = ::pclose(pipe);
    res.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::filesystem::remove(path);
  return res;
}

// A telemetry object with every family populated, as a running node has it.
void populate(telemetry& tel, status_board& board) {
  board.set_node({"xarb", "0.1.0", t0, "sim", "paper"});
  board.set_book("sim-a", "BTC-PERP", true, t0 + 8 * sec, 3);
  board.set_book("sim-a", "ETH-PERP", false, 0, 0);
  tel.messages_processed("venue_session").Increment(5);
  tel.book_last_update("sim-a", "BTC-PERP").Set(static_cast<double>(t0 + 8 * sec) / 1e9);
  tel.book_synced("sim-a", "BTC-PERP").Set(1);
  tel.book_synced("sim-a", "ETH-PERP").Set(0);
  tel.book_resyncs("sim-a").Increment();
  tel.set_venue_state("sim-a", health_state::ready);
  tel.actor_restarts("pair_trader").Increment(2);
  tel.actor_up("pair_trader").Set(1);
  tel.tick_to_decision().Observe(3e-6);
  tel.tick_to_decision().Observe(0.004);
  tel.set_spread("BTC-PERP:sim-a/sim-b", ratio::from_string("0.0015").value(),
                 ratio::from_string("-0.002").value());
  tel.refresh_book_ages(board, t0 + 10 * sec);
  pair_report r;
  r.spread.pair_id = "ETH-PERP:sim-a/sim-b";
  r.phase = pair_phase::open;
  r.leg_a.venue = "sim-a";
  r.leg_a.qty = quantity::from_string("-0.5").value();
  r.leg_a.fees = money::from_string("1.5").value();
  r.leg_b.venue = "sim-b";
  r.leg_b.qty = quantity::from_string("0.5").value();
  r.leg_b.fees = money::from_string("0.75").value();
  r.net_pnl = money::from_string("12.5").value();
  r.round_trips = 4;
  r.orders = 20;
  r.hedges = 3;
  tel.set_pair(r);
  auto vm = tel.venue("sim-a");
  vm.sessions->Increment();
  vm.book_updates->Increment(42);
  vm.order(venue_order_result::accepted);
  vm.order(venue_order_result::filled);
  vm.fill(liquidity::taker);
  vm.drop(md_drop_reason::sequence_gap);
  vm.order_latency->Observe(0.003);
  tel.count_event(severity::warning);
}

/// The value of the sample line that starts with `prefix` (name and
/// labels), or -1 if there is none.
double sample(const std::string& text, const std::string& prefix) {
  auto at = text.find("\n" + prefix + " ");
  if (at == std::string::npos)
    return -1;
  return std::stod(text.substr(at + prefix.size() + 2));
}

} // namespace

TEST_SUITE("telemetry") {

TEST_CASE("every family is exposed with the xarb_ prefix and its type") {
  telemetry tel{"1.2.3"};
  status_board board;
  populate(tel, board);
  auto text = tel.serialize();
  for (auto [name, type] : std::vector<std::pair<std::string, std::string>>{
         {"xarb_messages_processed_total", "counter"},
         {"xarb_book_last_update_timestamp_seconds", "gauge"},
         {"xarb_book_age_seconds", "gauge"},
         {"xarb_book_synced", "gauge"},
         {"xarb_book_resyncs_total", "counter"},
         {"xarb_venue_state", "gauge"},
         {"xarb_actor_restarts_total", "counter"},
         {"xarb_actor_up", "gauge"},
         {"xarb_tick_to_decision_seconds", "histogram"},
         {"xarb_spread_ratio", "gauge"},
         {"xarb_pair_pnl", "gauge"},
         {"xarb_pair_position", "gauge"},
         {"xarb_pair_net_delta", "gauge"},
         {"xarb_pair_phase", "gauge"},
         {"xarb_pair_round_trips_total", "counter"},
         {"xarb_pair_orders_total", "counter"},
         {"xarb_build_info", "gauge"},
         {"xarb_up", "gauge"},
         {"xarb_venue_order_latency_seconds", "histogram"},
         {"xarb_venue_orders_total", "counter"},
         {"xarb_venue_fills_total", "counter"},
         {"xarb_venue_book_updates_total", "counter"},
         {"xarb_venue_sessions_total", "counter"},
         {"xarb_venue_market_messages_dropped_total", "counter"},
         {"xarb_events_total", "counter"},
         {"xarb_process_cpu_seconds_total", "counter"},
         {"xarb_process_resident_memory_bytes", "gauge"},
         {"xarb_process_virtual_memory_bytes", "gauge"},
         {"xarb_process_open_fds", "gauge"},
         {"xarb_process_max_fds", "gauge"},
         {"xarb_process_start_time_seconds", "gauge"},
         {"xarb_process_threads", "gauge"},
       }) {
    INFO(name);
    CHECK(has_line(text, "# TYPE " + name + " " + type));
  }
  CHECK(has_line(text, R"(xarb_build_info{version="1.2.3"} 1)"));
  CHECK(has_line(text, "xarb_up 1"));
  CHECK(has_line(text, R"(xarb_messages_processed_total{actor="venue_session"} 5)"));
  CHECK(has_line(text, R"(xarb_actor_restarts_total{actor="pair_trader"} 2)"));
  CHECK(has_line(text, R"(xarb_book_resyncs_total{venue="sim-a"} 1)"));
  CHECK(has_line(text, R"(xarb_book_synced{symbol="ETH-PERP",venue="sim-a"} 0)"));
  CHECK(has_line(text, R"(xarb_spread_ratio{direction="ab",pair="BTC-PERP:sim-a/sim-b"} 0.0015)"));
  CHECK(has_line(text, R"(xarb_spread_ratio{direction="ba",pair="BTC-PERP:sim-a/sim-b"} -0.002)"));
  CHECK(has_line(text, R"(xarb_pair_pnl{component="net",pair="ETH-PERP:sim-a/sim-b"} 12.5)"));
  CHECK(has_line(text, R"(xarb_pair_pnl{component="fees",pair="ETH-PERP:sim-a/sim-b"} 2.25)"));
  CHECK(has_line(text, R"(xarb_pair_position{pair="ETH-PERP:sim-a/sim-b",venue="sim-a"} -0.5)"));
  CHECK(has_line(text, R"(xarb_pair_position{pair="ETH-PERP:sim-a/sim-b",venue="sim-b"} 0.5)"));
  CHECK(has_line(text, R"(xarb_pair_net_delta{pair="ETH-PERP:sim-a/sim-b"} 0)"));
  CHECK(has_line(text, R"(xarb_pair_phase{pair="ETH-PERP:sim-a/sim-b",phase="open"} 1)"));
  CHECK(has_line(text, R"(xarb_pair_phase{pair="ETH-PERP:sim-a/sim-b",phase="flat"} 0)"));
  CHECK(has_line(text, R"(xarb_pair_round_trips_total{pair="ETH-PERP:sim-a/sim-b"} 4)"));
  CHECK(has_line(text, R"(xarb_pair_orders_total{kind="hedges",pair="ETH-PERP:sim-a/sim-b"} 3)"));
}

TEST_CASE("pair counters follow the report's totals and never go down") {
  telemetry tel;
  pair_report r;
  r.spread.pair_id = "X:a/b";
  r.leg_a.venue = "a";
  r.leg_b.venue = "b";
  r.round_trips = 5;
  tel.set_pair(r);
  r.round_trips = 7;
  tel.set_pair(r);
  CHECK(has_line(tel.serialize(), R"(xarb_pair_round_trips_total{pair="X:a/b"} 7)"));
  r.round_trips = 1; // a restarted pair trader counts from 0 again
  tel.set_pair(r);
  CHECK(has_line(tel.serialize(), R"(xarb_pair_round_trips_total{pair="X:a/b"} 7)"));
}

TEST_CASE("book ages come from the status board at refresh time") {
  telemetry tel{"t"};
  status_board board;
  populate(tel, board);
  auto text = tel.serialize();
  // Updated book: now - last update; never-updated book: now - node start.
  CHECK(has_line(text, R"(xarb_book_age_seconds{symbol="BTC-PERP",venue="sim-a"} 2)"));
  CHECK(has_line(text, R"(xarb_book_age_seconds{symbol="ETH-PERP",venue="sim-a"} 10)"));
  tel.refresh_book_ages(board, t0 + 20 * sec);
  CHECK(has_line(tel.serialize(), R"(xarb_book_age_seconds{symbol="BTC-PERP",venue="sim-a"} 12)"));
  // A book stamped ahead of our clock is fresh, not negative.
  tel.refresh_book_ages(board, t0 + 7 * sec);
  CHECK(has_line(tel.serialize(), R"(xarb_book_age_seconds{symbol="BTC-PERP",venue="sim-a"} 0)"));
}

TEST_CASE("venue state is one-hot over the bounded state set") {
  telemetry tel{"t"};
  tel.set_venue_state("sim-b", health_state::syncing);
  tel.set_venue_state("sim-b", health_state::degraded);
  auto text = tel.serialize();
  for (auto s : {"starting", "syncing", "ready", "stopping", "stopped"})
    CHECK(has_line(text, std::string{R"(xarb_venue_state{state=")"} + s
                           + R"(",venue="sim-b"} 0)"));
  CHECK(has_line(text, R"(xarb_venue_state{state="degraded",venue="sim-b"} 1)"));
}

TEST_CASE("handles are cached: the same labels give the same object") {
  telemetry tel{"t"};
  auto& a = tel.messages_processed("pair_trader");
  auto& b = tel.messages_processed("pair_trader");
  CHECK(&a == &b);
  CHECK(&tel.messages_processed("web") != &a);
  CHECK(&tel.book_age("x", "y") == &tel.book_age("x", "y"));
  CHECK(&tel.tick_to_decision() == &tel.tick_to_decision());
  telemetry def;
  CHECK(has_line(def.serialize(), std::string{R"(xarb_build_info{version=")"} + XARB_VERSION
                                    + R"("} 1)"));
  CHECK(&tel.spread("p", "ab") != &tel.spread("p", "ba"));
}

TEST_CASE("concurrent handle lookups and increments are safe and exact") {
  telemetry tel{"t"};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&tel, t] {
      for (int i = 0; i < 1000; ++i) {
        tel.messages_processed("shared").Increment();
        tel.actor_up("a" + std::to_string(t)).Set(1);
        tel.tick_to_decision().Observe(1e-5);
        tel.set_venue_state("v", (i % 2) ? health_state::ready : health_state::syncing);
      }
    });
  for (auto& th : threads)
    th.join();
  CHECK(tel.messages_processed("shared").Value() == doctest::Approx(4000));
  auto text = tel.serialize();
  CHECK(has_line(text, "xarb_tick_to_decision_seconds_count 4000"));
  // Exactly one state is 1 after concurrent writers.
  std::size_t ones = 0;
  for (auto s : {"starting", "syncing", "ready", "degraded", "stopping", "stopped"})
    ones += has_line(text, std::string{R"(xarb_venue_state{state=")"} + s
                             + R"(",venue="v"} 1)")
              ? 1
              : 0;
  CHECK(ones == 1);
}

TEST_CASE("tick-to-decision buckets span 1us..100ms, increasing") {
  auto& b = telemetry::tick_to_decision_buckets();
  REQUIRE(b.size() >= 10);
  CHECK(b.front() == 1e-6);
  CHECK(b.back() == 0.1);
  for (std::size_t i = 1; i < b.size(); ++i)
    CHECK(b[i] > b[i - 1]);
  telemetry tel{"t"};
  tel.tick_to_decision().Observe(1.5e-6);
  auto text = tel.serialize();
  CHECK(has_line(text, R"(xarb_tick_to_decision_seconds_bucket{le="1e-06"} 0)"));
  CHECK(has_line(text, R"(xarb_tick_to_decision_seconds_bucket{le="2e-06"} 1)"));
  CHECK(has_line(text, R"(xarb_tick_to_decision_seconds_bucket{le="+Inf"} 1)"));
}

TEST_CASE("venue series exist at 0 from the first lookup, bounded label sets") {
  telemetry tel{"t"};
  auto vm = tel.venue("sim-c");
  auto text = tel.serialize();
  for (auto r : {"accepted", "rejected", "cancelled", "filled"})
    CHECK(has_line(text, std::string{R"(xarb_venue_orders_total{result=")"} + r
                           + R"(",venue="sim-c"} 0)"));
  for (auto l : {"maker", "taker"})
    CHECK(has_line(text, std::string{R"(xarb_venue_fills_total{liquidity=")"} + l
                           + R"(",venue="sim-c"} 0)"));
  for (auto r : {"unknown_symbol", "stale", "sequence_gap", "crossed_book", "book_not_synced",
                 "malformed"})
    CHECK(has_line(text, std::string{R"(xarb_venue_market_messages_dropped_total{reason=")"} + r
                           + R"(",venue="sim-c"} 0)"));
  CHECK(has_line(text, R"(xarb_venue_sessions_total{venue="sim-c"} 0)"));
  CHECK(has_line(text, R"(xarb_venue_book_updates_total{venue="sim-c"} 0)"));
  CHECK(has_line(text, R"(xarb_book_resyncs_total{venue="sim-c"} 0)"));
  CHECK(has_line(text, R"(xarb_venue_order_latency_seconds_count{venue="sim-c"} 0)"));

  vm.order(venue_order_result::rejected);
  vm.fill(liquidity::maker);
  vm.drop(drop_reason_of(error_code::crossed_book));
  vm.drop(drop_reason_of(error_code::stale_data));
  vm.drop(drop_reason_of(error_code::parse_error));
  vm.resyncs->Increment();
  vm.order_latency->Observe(2e-4);
  text = tel.serialize();
  CHECK(has_line(text, R"(xarb_venue_orders_total{result="rejected",venue="sim-c"} 1)"));
  CHECK(has_line(text, R"(xarb_venue_fills_total{liquidity="maker",venue="sim-c"} 1)"));
  CHECK(has_line(text,
                 R"(xarb_venue_market_messages_dropped_total{reason="crossed_book",venue="sim-c"} 1)"));
  CHECK(has_line(text, R"(xarb_venue_market_messages_dropped_total{reason="stale",venue="sim-c"} 1)"));
  CHECK(has_line(text,
                 R"(xarb_venue_market_messages_dropped_total{reason="malformed",venue="sim-c"} 1)"));
  // The session's resync handle is the family xarb_book_resyncs_total.
  CHECK(has_line(text, R"(xarb_book_resyncs_total{venue="sim-c"} 1)"));
  CHECK(&tel.book_resyncs("sim-c") == vm.resyncs);
  CHECK(has_line(text, R"(xarb_venue_order_latency_seconds_bucket{venue="sim-c",le="0.0001"} 0)"));
  CHECK(has_line(text,
                 R"(xarb_venue_order_latency_seconds_bucket{venue="sim-c",le="0.00025"} 1)"));
  // A second lookup: the same series, no new ones.
  auto again = tel.venue("sim-c");
  CHECK(again.orders == vm.orders);
  CHECK(again.order_latency == vm.order_latency);
  // (The process families come last and move between scrapes.)
  auto registry_part = [](const std::string& t) {
    return t.substr(0, t.find("# HELP xarb_process_"));
  };
  CHECK(registry_part(tel.serialize()) == registry_part(text));
}

TEST_CASE("order latency buckets span 10us..5s, increasing") {
  auto& b = telemetry::order_latency_buckets();
  CHECK(b.front() == 1e-5);
  CHECK(b.back() == 5.0);
  for (std::size_t i = 1; i < b.size(); ++i)
    CHECK(b[i] > b[i - 1]);
}

TEST_CASE("events are counted by severity, every severity present") {
  telemetry tel{"t"};
  tel.count_event(severity::error);
  tel.count_event(severity::error);
  tel.count_event(severity::info);
  auto text = tel.serialize();
  CHECK(has_line(text, R"(xarb_events_total{severity="error"} 2)"));
  CHECK(has_line(text, R"(xarb_events_total{severity="info"} 1)"));
  for (auto sev : {"debug", "warning", "critical"})
    CHECK(has_line(text, std::string{R"(xarb_events_total{severity=")"} + sev + R"("} 0)"));
  CHECK(tel.events(severity::error).Value() == 2);
}

TEST_CASE("process metrics are read from /proc at each scrape and are plausible") {
  auto s = read_process_stats();
  REQUIRE(s.has_value()); // the tests run on Linux
  CHECK(s->cpu_seconds >= 0);
  CHECK(s->resident_bytes > 1e6);
  CHECK(s->virtual_bytes >= s->resident_bytes);
  CHECK(s->open_fds >= 3); // stdin, stdout, stderr
  CHECK(s->max_fds >= s->open_fds);
  CHECK(s->threads >= 1);
  const auto now = static_cast<double>(std::time(nullptr));
  CHECK(s->start_time_seconds > now - 3600); // this test binary started just now
  CHECK(s->start_time_seconds <= now + 1);

  // Open descriptors are counted live: three more files, three more fds.
  std::vector<std::FILE*> files;
  for (int i = 0; i < 3; ++i)
    files.push_back(std::fopen("/proc/self/stat", "r"));
  auto more = read_process_stats();
  for (auto* f : files)
    if (f)
      std::fclose(f);
  REQUIRE(more.has_value());
  CHECK(more->open_fds == s->open_fds + 3);

  // Busy CPU shows up in the counter (clock ticks: 10 ms resolution).
  volatile double sink = 0;
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(60))
    sink = sink + 1;
  auto later = read_process_stats();
  REQUIRE(later.has_value());
  CHECK(later->cpu_seconds > s->cpu_seconds);

  // The same figures in the exposition.
  telemetry tel{"t"};
  auto text = tel.serialize();
  CHECK(sample(text, "xarb_process_resident_memory_bytes") > 1e6);
  CHECK(sample(text, "xarb_process_open_fds") >= 3);
  CHECK(sample(text, "xarb_process_cpu_seconds_total") >= later->cpu_seconds);
  CHECK(sample(text, "xarb_process_threads") >= 1);
  CHECK(sample(text, "xarb_process_start_time_seconds")
        == doctest::Approx(s->start_time_seconds));
}

TEST_CASE("every exposed family follows the naming rules") {
  telemetry tel{"t"};
  status_board board;
  populate(tel, board);
  auto text = tel.serialize();
  std::size_t families = 0;
  for (std::size_t at = text.find("# TYPE "); at != std::string::npos;
       at = text.find("\n# TYPE ", at + 1)) {
    auto line = text.substr(text[at] == '\n' ? at + 1 : at);
    line = line.substr(0, line.find('\n'));
    auto name = line.substr(7, line.rfind(' ') - 7);
    auto type = line.substr(line.rfind(' ') + 1);
    INFO(line);
    ++families;
    CHECK(name.rfind("xarb_", 0) == 0);
    const bool total = name.size() > 6 && name.ends_with("_total");
    CHECK(total == (type == "counter"));
    for (auto bad : {"_ms", "_us", "_ns", "_millis", "_micro", "_nano", "_percent", "_pct",
                     "_kb", "_mb", "_minutes", "_hours", "_bps"})
      CHECK(name.find(bad) == std::string::npos);
  }
  CHECK(families >= 30);
}

TEST_CASE("exposition passes promtool check metrics") {
  std::string promtool = XARB_PROMTOOL;
  if (promtool.empty()) {
    MESSAGE("promtool not found at configure time; exposition lint skipped");
    return;
  }
  telemetry tel{"0.1.0"};
  status_board board;
  populate(tel, board);
  auto res = promtool_check(promtool, tel.serialize());
  INFO(res.output);
  CHECK(res.exit_code == 0);
  CHECK(res.output.empty()); // no lint warnings either

  // The check is real: a badly named counter is rejected.
  auto bad = promtool_check(promtool, "# HELP xarb_orders x\n# TYPE xarb_orders counter\n"
                                      "xarb_orders 1\n");
  CHECK(bad.exit_code != 0);
}

}
