// Saving the config from the console (nodes/config_save.hpp): the JSON patch
// merge, the problems without file positions, the differences, the atomic
// write and the editor over a temporary directory.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "nodes/config_save.hpp"
#include "tests/nodes/config_helpers.hpp"

using namespace xarb;
using xarb::test::contains;

namespace {

namespace fs = std::filesystem;

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("xarb-cfgsave-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in{p};
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

node_config loaded(std::string_view text) {
  auto res = load_config_string(text, "merged.toml");
  REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message) << "\n" << text);
  return *res;
}

} // namespace

TEST_SUITE("config: saving from the console") {

TEST_CASE("objects merge, arrays and values replace, null restores the default") {
  const std::string base = R"([web]
threads = 4
rate_limit_rps = 20.0

[[pairs]]
symbol = "BTC-PERP"
venue_a = "sim-a"
venue_b = "sim-b"
)";
  auto m = merge_config_patch(base, R"({"web":{"rate_limit_rps":30,"threads":null,
    "stream_interval_ms":500},"venues":{"sim-c":{"enabled":false}},
    "pairs":[{"symbol":"ETH-PERP","venue_a":"sim-a","venue_b":"sim-c"}]})");
  REQUIRE_MESSAGE(m.errors.empty(), m.errors.front());
  auto c = loaded(m.text);
  CHECK(c.web.threads == 2);           // null: back to the default
  CHECK(c.web.rate_limit_rps == 30.0); // a JSON integer on a float key stays a float
  CHECK(contains(m.text, "rate_limit_rps = 30.0\n"));
  CHECK(c.web.stream_interval_ms == 500);
  CHECK_FALSE(venue_enabled(c, "sim-c"));
  REQUIRE(c.pairs.size() == 1); // the array is replaced, not merged
  CHECK(c.pairs[0].symbol == "ETH-PERP");
}

TEST_CASE("numbers follow the key's TOML type: saved file first, else the default") {
  // 5.0 arrives as a JSON double; equity_sample_s is an integer key.
  auto m = merge_config_patch("", R"({"web":{"equity_sample_s":60.0,"rate_limit_burst":7},
    "market":{"consistency_check_s":30}})");
  REQUIRE(m.errors.empty());
  CHECK(contains(m.text, "equity_sample_s = 60\n"));
  CHECK(contains(m.text, "rate_limit_burst = 7.0\n"));
  auto c = loaded(m.text);
  CHECK(c.web.equity_sample_s == 60);
  CHECK(c.market.consistency_check_s == 30.0);
  // A fraction on an integer key stays a float: the loader names the key.
  auto f = merge_config_patch("", R"({"web":{"threads":2.5}})");
  auto checked = check_config_text(f.text, "/x/xarb.toml");
  REQUIRE(checked.errors.size() == 1);
  CHECK(checked.errors[0] == "web.threads: expected an integer, got a float");
}

TEST_CASE("\"<redacted>\" keeps a saved secret; a new value replaces it") {
  const std::string base = "[venues.sim-a]\napi_key = \"KEEP-ME\"\napi_secret = \"OLD\"\n";
  auto m = merge_config_patch(base, R"({"venues":{"sim-a":{"api_key":"<redacted>",
    "api_secret":"NEW","passphrase":"<redacted>","enabled":false}}})");
  REQUIRE(m.errors.empty());
  auto c = loaded(m.text);
  auto& v = venue_of(c, "sim-a");
  CHECK(v.api_key == "KEEP-ME");
  CHECK(v.api_secret == "NEW");
  CHECK(v.passphrase.empty()); // unset stays unset
  CHECK_FALSE(v.enabled);
}

TEST_CASE("patch problems: malformed JSON, not an object, nulls in arrays, huge integers") {
  CHECK(contains(merge_config_patch("", "{").errors.at(0), "malformed JSON"));
  CHECK(contains(merge_config_patch("", "[1]").errors.at(0), "must be a JSON object"));
  auto e = merge_config_patch("", R"({"pairs":[null],"sim":{"seed":18446744073709551615}})");
  REQUIRE(e.errors.size() == 2);
  CHECK(contains(e.errors[0] + e.errors[1], "pairs[0]: null is not allowed in an array"));
  CHECK(contains(e.errors[0] + e.errors[1], "sim.seed: integer out of range"));
  CHECK(contains(merge_config_patch("[web\n", "{}").errors.at(0), "the saved config does not parse"));
}

TEST_CASE("every problem of the merged config, without FILE:LINE:COL") {
  auto m = merge_config_patch("", R"({"venues":{"sim-c":{"market_data":"live"},"nope":{}},
    "web":{"equity_sample_s":0,"bogus":1}})");
  REQUIRE(m.errors.empty());
  auto checked = check_config_text(m.text, "/data/xarb.toml");
  REQUIRE(checked.errors.size() == 4);
  std::string all;
  for (auto& e : checked.errors) {
    CHECK_FALSE(contains(e, "xarb.toml:"));
    all += e + "\n";
  }
  CHECK(contains(all, "venues.sim-c.market_data: \"sim-c\" is a [[sim.venues]] name: switching "
                      "it to \"live\" needs an explicit adapter"));
  CHECK(contains(all, "venues.nope: unknown venue \"nope\""));
  CHECK(contains(all, "web.equity_sample_s: must be between 1 and 3600 (got 0)"));
  CHECK(contains(all, "web.bogus: unknown key"));
}

TEST_CASE("the merged text is written in TOML the loader reads back identically") {
  auto d = default_config();
  auto m = merge_config_patch(to_toml(d), R"({"sim":{"correlation":0.25},
    "strategy":{"signal":{"z_entry":2.75}},"scanner":{"fallback_leverage":{"sim-a":3}}})");
  REQUIRE(m.errors.empty());
  auto c = loaded(m.text);
  CHECK(c.sim.correlation == 0.25);
  CHECK(c.strategy.signal.z_entry == 2.75);
  CHECK(c.scanner.fallback_leverage.at("sim-a") == 3);
  CHECK(contains(m.text, "correlation = 0.25\n"));
  CHECK(c.sim.venues.size() == d.sim.venues.size());
  CHECK(c.sim.venues[1].contracts.size() == d.sim.venues[1].contracts.size());
  CHECK(config_differences(d, c)
        == std::vector<std::string>{"scanner.fallback_leverage.sim-a", "sim.correlation",
                                    "strategy.signal.z_entry"});
}

TEST_CASE("differences: keys, array elements, a resized array as one key") {
  auto a = default_config();
  CHECK(config_differences(a, a).empty());
  auto b = a;
  b.venues["sim-c"].enabled = false;
  b.venues["sim-c"].api_key = "x";
  b.sim.venues[1].maker_fee = ratio::from_string("0.0001").value();
  CHECK(config_differences(a, b)
        == std::vector<std::string>{"sim.venues[1].maker_fee", "venues.sim-c.api_key",
                                    "venues.sim-c.enabled"});
  auto c = a;
  c.pairs.push_back({"BTC-PERP", "sim-a", "sim-b", c.strategy});
  CHECK(config_differences(a, c) == std::vector<std::string>{"pairs"});
}

TEST_CASE("write_file_atomic: mode 0600, replaces, creates the directory") {
  temp_dir t;
  auto p = (t.path / "sub" / "xarb.toml").string();
  REQUIRE(write_file_atomic(p, "a = 1\n").empty());
  CHECK(slurp(p) == "a = 1\n");
  struct stat st{};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  ::chmod(p.c_str(), 0644);
  REQUIRE(write_file_atomic(p, "a = 2\n").empty());
  CHECK(slurp(p) == "a = 2\n");
  REQUIRE(::stat(p.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_FALSE(fs::exists(p + ".tmp"));
  // A directory where the file should be: an error, not a crash.
  fs::create_directories(t.path / "dir.toml");
  CHECK_FALSE(write_file_atomic((t.path / "dir.toml").string(), "x").empty());
}

TEST_CASE("config_editor: the embedded default saves to <data_dir>/xarb.toml") {
  temp_dir t;
  auto origin = make_config_origin("", (t.path / "data").string(), default_config());
  CHECK(origin.save_path == (t.path / "data" / "xarb.toml").string());
  config_editor ed{origin};
  auto before = ed.file();
  CHECK_FALSE(before.exists);
  CHECK(before.running_matches);
  CHECK(before.errors.empty());
  CHECK(contains(before.config_json, "\"venues\""));
  // Dry run: validated, nothing written.
  auto dry = ed.save(R"({"venues":{"sim-b":{"enabled":false}}})", true);
  CHECK(dry.errors.empty());
  CHECK_FALSE(dry.saved);
  CHECK(dry.changed == std::vector<std::string>{"venues.sim-b.enabled"});
  CHECK_FALSE(fs::exists(origin.save_path));
  // Invalid: every problem, nothing written.
  auto bad = ed.save(R"({"venues":{"sim-b":{"enabled":"no"}},"web":{"threads":0}})", false);
  CHECK(bad.errors.size() == 2);
  CHECK_FALSE(bad.saved);
  CHECK_FALSE(fs::exists(origin.save_path));
  // Valid: written, mode 0600; a second save merges onto the first.
  auto ok = ed.save(R"({"venues":{"sim-b":{"enabled":false,"api_key":"K-123"}}})", false);
  REQUIRE(ok.errors.empty());
  REQUIRE(ok.failure.empty());
  CHECK(ok.saved);
  CHECK(ok.restart_required);
  CHECK_FALSE(contains(ok.config_json, "K-123"));
  struct stat st{};
  REQUIRE(::stat(origin.save_path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto again = ed.save(R"({"web":{"equity_sample_s":10},"venues":{"sim-b":{"api_key":"<redacted>"}}})", false);
  REQUIRE(again.errors.empty());
  CHECK(again.changed == std::vector<std::string>{"venues.sim-b.api_key", "venues.sim-b.enabled",
                                                  "web.equity_sample_s"});
  auto saved = load_config_file(origin.save_path);
  REQUIRE(saved.has_value());
  CHECK(venue_of(*saved, "sim-b").api_key == "K-123");
  CHECK(saved->web.equity_sample_s == 10);
  auto after = ed.file();
  CHECK(after.exists);
  CHECK_FALSE(after.running_matches);
  CHECK_FALSE(contains(after.config_json, "K-123"));
}

TEST_CASE("config_editor: an invalid file on disk is reported, not hidden") {
  temp_dir t;
  auto path = (t.path / "node.toml").string();
  { std::ofstream{path} << "[web]\nthreads = 0\n"; }
  config_editor ed{make_config_origin(path, "unused", default_config())};
  auto info = ed.file();
  CHECK(info.exists);
  CHECK_FALSE(info.running_matches);
  CHECK(info.config_json.empty());
  REQUIRE(info.errors.size() == 1);
  CHECK(contains(info.errors[0], "web.threads: must be between 1 and 16"));
  // Fixing it through a save works.
  auto r = ed.save(R"({"web":{"threads":3}})", false);
  CHECK(r.errors.empty());
  CHECK(r.saved);
  CHECK(r.changed == std::vector<std::string>{"web.threads"});
}

}
