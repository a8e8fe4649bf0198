// GET /api/config/file and POST /api/config through the router, with the
// node's real config editor (nodes/config_save.hpp) on a temporary data dir:
// the token, dry runs, every problem listed with nothing written, the
// atomic 0600 write, "<redacted>" keeping a secret that no reply contains.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>

#include <simdjson.h>

#include "monitoring/status_board.hpp"
#include "nodes/config_save.hpp"
#include "web/routes.hpp"

using namespace xarb;

namespace {

namespace fs = std::filesystem;

constexpr timestamp_ns t0 = 1'700'000'000'000'000'000;
const std::string token = "cfg-test-token-0123456789abcdef";
const std::string bearer = "Bearer " + token;
constexpr const char* secret = "VENUE-SECRET-4f1e9a";

std::string slurp(const fs::path& p) {
  std::ifstream in{p};
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool has(const std::string& hay, std::string_view needle) {
  return hay.find(needle) != std::string::npos;
}

struct config_fixture {
  fs::path dir;
  status_board board;
  control_api api;
  std::shared_ptr<config_editor> editor;
  simdjson::dom::parser parser;

  config_fixture() {
    std::random_device rd;
    dir = fs::temp_directory_path() / ("xarb-apicfg-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(dir);
    // The node runs a file that holds a credential.
    std::ofstream{dir / "node.toml"} << "[venues.sim-a]\napi_key = \"" << secret << "\"\n";
    auto loaded = load_config_file((dir / "node.toml").string());
    REQUIRE(loaded.has_value());
    editor = std::make_shared<config_editor>(
      make_config_origin((dir / "node.toml").string(), (dir / "data").string(), *loaded));
    api.token = token;
    api.config_save = [e = editor](std::string_view patch, bool dry_run) {
      return e->save(patch, dry_run);
    };
    api.config_file = [e = editor] { return e->file(); };
  }
  ~config_fixture() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  std::string file() const { return slurp(dir / "node.toml"); }

  http_reply call(std::string_view method, std::string_view target, std::string_view body = {},
                  std::string_view auth = {}, std::string_view type = "application/json") {
    http_request req{method, target, auth, body, type, "127.0.0.1"};
    auto r = route_request(req, board, nullptr, t0, &api);
    // No reply ever carries the token or a credential.
    CHECK_FALSE(has(r.body, token));
    CHECK_FALSE(has(r.body, secret));
    return r;
  }
  http_reply post(std::string_view target, std::string_view body) {
    return call("POST", target, body, bearer);
  }
  simdjson::dom::element json(const http_reply& r) {
    simdjson::dom::element e;
    REQUIRE_MESSAGE(parser.parse(r.body).get(e) == simdjson::SUCCESS, r.body);
    return e;
  }
  std::vector<std::string> strings(simdjson::dom::element arr) {
    std::vector<std::string> out;
    for (auto s : arr.get_array())
      out.emplace_back(std::string_view(s));
    return out;
  }
};

} // namespace

TEST_SUITE("api: config") {

TEST_CASE_FIXTURE(config_fixture, "POST /api/config needs the token; bad requests change nothing") {
  const auto before = file();
  const std::string patch = R"({"venues":{"sim-c":{"enabled":false}}})";
  auto r = call("POST", "/api/config", patch);
  CHECK(r.status == 401);
  r = call("POST", "/api/config", patch, "Bearer wrong");
  CHECK(r.status == 401);
  r = call("POST", "/api/config", patch, bearer, "text/plain");
  CHECK(r.status == 415);
  r = post("/api/config", "");
  CHECK(r.status == 400);
  r = post("/api/config", "{\"venues\":");
  CHECK(r.status == 400);
  CHECK(std::string_view(json(r)["error"]) == "bad_json");
  r = post("/api/config", "[]");
  CHECK(r.status == 400);
  r = post("/api/config?dry_run=maybe", patch);
  CHECK(r.status == 400);
  r = post("/api/config?force=1", patch);
  CHECK(r.status == 400);
  CHECK(has(r.body, "force"));
  CHECK(file() == before);
  // GET on the POST-only path is the GET route (the running config).
  api.config_json = "{}";
  CHECK(call("GET", "/api/config").status == 200);
}

TEST_CASE_FIXTURE(config_fixture, "dry_run validates and writes nothing") {
  const auto before = file();
  auto r = post("/api/config?dry_run=true", R"({"venues":{"sim-c":{"enabled":false}}})");
  REQUIRE(r.status == 200);
  auto j = json(r);
  CHECK_FALSE(bool(j["saved"]));
  CHECK(bool(j["dry_run"]));
  CHECK(bool(j["restart_required"]));
  CHECK(std::string_view(j["path"]) == (dir / "node.toml").string());
  CHECK(strings(j["changed"]) == std::vector<std::string>{"venues.sim-c.enabled"});
  CHECK(bool(j["config"]["venues"]["sim-c"]["enabled"]) == false);
  CHECK(file() == before);
}

TEST_CASE_FIXTURE(config_fixture, "400 lists every problem, nothing is written") {
  const auto before = file();
  auto r = post("/api/config", R"({"venues":{"sim-c":{"market_data":"live","enabled":"no"},
    "sim-z":{"enabled":true}},"web":{"equity_sample_s":0,"thread":2}})");
  REQUIRE(r.status == 400);
  auto j = json(r);
  CHECK(std::string_view(j["error"]) == "invalid_params");
  CHECK(std::string_view(j["message"]) == "5 problems: nothing saved");
  auto errors = strings(j["errors"]);
  REQUIRE(errors.size() == 5);
  std::string all;
  for (auto& e : errors) {
    CHECK_FALSE(has(e, "node.toml:")); // no FILE:LINE:COL prefix
    all += e + "\n";
  }
  CHECK(has(all, "venues.sim-c.market_data: \"sim-c\" is a [[sim.venues]] name: switching it "
                 "to \"live\" needs an explicit adapter"));
  CHECK(has(all, "venues.sim-c.enabled: expected a boolean"));
  CHECK(has(all, "venues.sim-z: unknown venue"));
  CHECK(has(all, "web.equity_sample_s: must be between 1 and 3600"));
  CHECK(has(all, "web.thread: unknown key (did you mean 'threads'?)"));
  CHECK(file() == before);
}

TEST_CASE_FIXTURE(config_fixture, "200 writes the file (0600), \"<redacted>\" keeps the secret") {
  auto info = json(call("GET", "/api/config/file"));
  CHECK(bool(info["exists"]));
  CHECK(bool(info["running_matches"]));
  CHECK(std::string_view(info["config"]["venues"]["sim-a"]["api_key"]) == "<redacted>");
  CHECK(std::string_view(info["config"]["venues"]["sim-b"]["api_key"]).empty());
  CHECK(info["errors"].get_array().size() == 0);

  // The console sends back what it got: the masked secret means "keep".
  auto r = post("/api/config", R"({"venues":{"sim-a":{"api_key":"<redacted>","api_secret":"",
    "passphrase":""},"sim-c":{"enabled":false}},"web":{"equity_sample_s":15}})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  auto j = json(r);
  CHECK(bool(j["saved"]));
  CHECK_FALSE(bool(j["dry_run"]));
  CHECK(bool(j["restart_required"]));
  CHECK(strings(j["changed"])
        == std::vector<std::string>{"venues.sim-c.enabled", "web.equity_sample_s"});
  CHECK(std::string_view(j["config"]["venues"]["sim-a"]["api_key"]) == "<redacted>");
  struct stat st{};
  REQUIRE(::stat((dir / "node.toml").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto saved = load_config_file((dir / "node.toml").string());
  REQUIRE(saved.has_value());
  CHECK(venue_of(*saved, "sim-a").api_key == secret);
  CHECK_FALSE(venue_enabled(*saved, "sim-c"));
  CHECK(saved->web.equity_sample_s == 15);

  info = json(call("GET", "/api/config/file"));
  CHECK_FALSE(bool(info["running_matches"]));
  CHECK(int64_t(info["config"]["web"]["equity_sample_s"]) == 15);

  // A new value replaces the secret; the reply still masks it.
  r = post("/api/config", R"({"venues":{"sim-a":{"api_key":"NEW-KEY-value-77"}}})");
  REQUIRE(r.status == 200);
  CHECK_FALSE(has(r.body, "NEW-KEY-value-77"));
  CHECK(has(strings(json(r)["changed"]).front(), "venues.sim-a.api_key"));
  CHECK(venue_of(*load_config_file((dir / "node.toml").string()), "sim-a").api_key
        == "NEW-KEY-value-77");
}

TEST_CASE_FIXTURE(config_fixture, "503 when the node does not offer the routes") {
  api.config_save = nullptr;
  api.config_file = nullptr;
  CHECK(post("/api/config", "{}").status == 503);
  CHECK(call("GET", "/api/config/file").status == 503);
}

}
