#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <simdjson.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "monitoring/logging.hpp"

using namespace xarb;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

struct capture {
  std::ostringstream out;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink =
    std::make_shared<spdlog::sinks::ostream_sink_mt>(out, true);
};

} // namespace

TEST_SUITE("logging") {

TEST_CASE("parse_log_level knows the config names") {
  CHECK(parse_log_level("trace") == spdlog::level::trace);
  CHECK(parse_log_level("debug") == spdlog::level::debug);
  CHECK(parse_log_level("info") == spdlog::level::info);
  CHECK(parse_log_level("warn") == spdlog::level::warn);
  CHECK(parse_log_level("warning") == spdlog::level::warn);
  CHECK(parse_log_level("error") == spdlog::level::err);
  CHECK(parse_log_level("critical") == spdlog::level::critical);
  CHECK(parse_log_level("off") == spdlog::level::off);
  CHECK_FALSE(parse_log_level("INFO"));
  CHECK_FALSE(parse_log_level(""));
}

TEST_CASE("log::get returns one logger per component") {
  auto a = log::get("component_a");
  auto b = log::get("component_a");
  CHECK(a == b);
  CHECK(a->name() == "component_a");
  CHECK(log::get("component_b") != a);
}

TEST_CASE("JSON lines are valid JSON with ts, level, logger, msg") {
  capture cap;
  auto early = log::get("venue_session"); // created before init: must follow it
  init_logging("debug", true, cap.sink);
  early->info("book {} synced \"ok\"\nnext\tline \x01", "BTC-PERP");
  log::get("pair_trader")->debug("dbg");
  log::get("pair_trader")->trace("not shown");
  spdlog::warn("via default logger");

  auto lines = lines_of(cap.out.str());
  REQUIRE(lines.size() == 3);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(lines[0]).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view{doc["level"].get_string().value()} == "info");
  CHECK(std::string_view{doc["logger"].get_string().value()} == "venue_session");
  CHECK(std::string_view{doc["msg"].get_string().value()}
        == "book BTC-PERP synced \"ok\"\nnext\tline \x01");
  auto ts = std::string{doc["ts"].get_string().value()};
  CHECK(ts.size() == 27); // 2024-05-01T12:00:00.123456Z
  CHECK(ts[10] == 'T');
  CHECK(ts.back() == 'Z');

  REQUIRE(parser.parse(lines[1]).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view{doc["level"].get_string().value()} == "debug");
  CHECK(std::string_view{doc["logger"].get_string().value()} == "pair_trader");

  REQUIRE(parser.parse(lines[2]).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view{doc["level"].get_string().value()} == "warning");
  CHECK(std::string_view{doc["logger"].get_string().value()} == "xarb");
}

TEST_CASE("text lines have timestamp, level and component") {
  capture cap;
  init_logging("info", false, cap.sink);
  log::get("web")->info("listening on {}", 8080);
  log::get("web")->debug("hidden at info");
  auto lines = lines_of(cap.out.str());
  REQUIRE(lines.size() == 1);
  auto& l = lines[0];
  CHECK(l.find("info") != std::string::npos);
  CHECK(l.find("[web] listening on 8080") != std::string::npos);
  CHECK(l[4] == '-');
  CHECK(l[10] == 'T');
  CHECK(l.find("Z ") == 26);
}

TEST_CASE("an unknown level falls back to info and says so") {
  capture cap;
  init_logging("chatty", false, cap.sink);
  log::get("x")->debug("hidden");
  log::get("x")->info("shown");
  auto text = cap.out.str();
  CHECK(text.find("unknown log level 'chatty', using info") != std::string::npos);
  CHECK(text.find("hidden") == std::string::npos);
  CHECK(text.find("shown") != std::string::npos);
}

TEST_CASE("concurrent logging keeps lines whole") {
  capture cap;
  init_logging("info", true, cap.sink);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t] {
      auto lg = log::get("thread" + std::to_string(t % 2));
      for (int i = 0; i < 200; ++i)
        lg->info("message {} from {}", i, t);
    });
  for (auto& th : threads)
    th.join();
  auto lines = lines_of(cap.out.str());
  CHECK(lines.size() == 800);
  simdjson::dom::parser parser;
  for (auto& line : lines) {
    simdjson::dom::element doc;
    CHECK(parser.parse(line).get(doc) == simdjson::SUCCESS);
  }
  // Leave the process logging to stderr for any later test.
  init_logging("info", false);
}

}
