// JSON views of the config (nodes/config_json.cpp): patch_params_json (POST
// /api/pairs/{id}/params: the config file's keys, units and rules, every
// problem listed, nothing applied unless all is valid, no TOML injection),
// params_to_json (every [strategy] key, round-trips through the patch) and
// config_to_json (GET /api/config).
#include <doctest/doctest.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <simdjson.h>

#include "nodes/config.hpp"
#include "tests/core/strategy/params_sample.hpp"

using namespace xarb;
using strategy::pair_params;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (auto& e : errors)
    out += e + "\n";
  return out;
}

/// True if some error contains every one of `needles`.
bool has_error(const std::vector<std::string>& errors,
               std::initializer_list<const char*> needles) {
  for (auto& e : errors) {
    bool all = true;
    for (auto* n : needles)
      all = all && contains(e, n);
    if (all)
      return true;
  }
  return false;
}

/// A valid patch: no errors, returns the new params.
pair_params apply_ok(const pair_params& base, std::string_view patch) {
  auto r = patch_params_json(base, patch);
  INFO("patch: " << patch);
  REQUIRE_MESSAGE(r.errors.empty(), joined(r.errors));
  return r.params;
}

/// An invalid patch: at least one error, params untouched.
std::vector<std::string> apply_bad(const pair_params& base, std::string_view patch) {
  auto r = patch_params_json(base, patch);
  INFO("patch: " << patch);
  CHECK_FALSE(r.errors.empty());
  CHECK(r.params == base);
  return r.errors;
}

std::set<std::string> keys_of(simdjson::dom::object obj) {
  std::set<std::string> out;
  for (auto field : obj)
    out.emplace(field.key);
  return out;
}

} // namespace

TEST_SUITE("config_json") {

TEST_CASE("a patch of several keys applies exactly, in the config's units") {
  const pair_params base;
  auto p = apply_ok(base, R"({
    "min_profit_bps": 3,
    "signal": {"z_entry": 2.5},
    "max_hold_s": 60,
    "leg_timeout_ms": 1500,
    "order_notional": "1500",
    "style": "maker_taker"
  })");
  CHECK(p.min_profit_bps == 3.0);
  CHECK(p.signal.z_entry == 2.5);
  CHECK(p.max_hold_ns == 60'000'000'000);
  CHECK(p.leg_timeout_ns == 1'500'000'000);
  CHECK(p.order_notional == money::from_units(1500));
  CHECK(p.order_notional.raw() == 1500'000'000'000);
  CHECK(p.style == strategy::exec_style::maker_taker);

  // Everything not given keeps its value.
  auto expected = base;
  expected.min_profit_bps = 3;
  expected.signal.z_entry = 2.5;
  expected.max_hold_ns = 60'000'000'000;
  expected.leg_timeout_ns = 1'500'000'000;
  expected.order_notional = money::from_units(1500);
  expected.style = strategy::exec_style::maker_taker;
  CHECK(p == expected);
}

TEST_CASE("a patch applies over a non-default base and keeps its other values") {
  const auto base = test::non_default_params();
  auto p = apply_ok(base, R"({"min_profit_bps": 7.5, "signal": {"persist_samples": 4}})");
  auto expected = base;
  expected.min_profit_bps = 7.5;
  expected.signal.persist_samples = 4;
  CHECK(p == expected);
}

TEST_CASE("more units and types: fractional durations, exact money, window_s, enums") {
  const pair_params base;
  auto p = apply_ok(base, R"({"max_hold_s": 0.5, "maker_timeout_ms": 2500.5,
                              "order_notional": "1000.000000001",
                              "hard_delta_notional": 6000,
                              "mode": "zero_wear", "maker": "a",
                              "signal": {"model": "mean_offset", "window_s": 30,
                                         "cooldown_s": 2}})");
  CHECK(p.max_hold_ns == 500'000'000);
  CHECK(p.maker_timeout_ns == 2'500'500'000);
  CHECK(p.order_notional.raw() == 1000'000'000'001);
  CHECK(p.hard_delta_notional == money::from_units(6000));
  CHECK(p.mode == strategy::trade_mode::zero_wear);
  CHECK(p.maker == strategy::maker_leg::a);
  CHECK(p.signal.model == strategy::signal_model::mean_offset);
  CHECK(p.signal.window == 120); // 30 s of 250 ms samples
  CHECK(p.signal.cooldown_ns == 2'000'000'000);
}

TEST_CASE("{\"params\":{...}} is the same as the bare object") {
  const pair_params base;
  const char* bare = R"({"min_profit_bps": 4, "signal": {"z_exit": 0.25}, "max_retries": 1})";
  const char* wrapped =
    R"({"params": {"min_profit_bps": 4, "signal": {"z_exit": 0.25}, "max_retries": 1}})";
  auto a = apply_ok(base, bare);
  auto b = apply_ok(base, wrapped);
  CHECK(a == b);
  CHECK(a.min_profit_bps == 4);
  CHECK(a.signal.z_exit == 0.25);
  CHECK(a.max_retries == 1);
  // Invalid inside the wrapper: reported the same way.
  auto errors = apply_bad(base, R"({"params": {"min_profit_bps": "x"}})");
  CHECK(has_error(errors, {"min_profit_bps"}));
}

TEST_CASE("an unknown key is an error, with a hint when the reader has one") {
  const pair_params base;
  auto errors = apply_bad(base, R"({"min_profit_bp": 3})");
  REQUIRE(errors.size() == 1);
  CHECK(has_error(errors, {"params.min_profit_bp", "unknown key", "did you mean 'min_profit_bps'"}));

  errors = apply_bad(base, R"({"no_such_thing_at_all": 3})");
  REQUIRE(errors.size() == 1);
  CHECK(has_error(errors, {"no_such_thing_at_all", "unknown key"}));

  // A signal key at the top level is pointed to "signal".
  errors = apply_bad(base, R"({"z_entry": 3})");
  REQUIRE(errors.size() == 1);
  CHECK(has_error(errors, {"z_entry", "unknown key", "signal"}));

  errors = apply_bad(base, R"({"signal": {"z_entyr": 3}})");
  REQUIRE(errors.size() == 1);
  CHECK(has_error(errors, {"params.signal.z_entyr", "did you mean 'z_entry'"}));

  // Nothing else of the patch is applied.
  auto r = patch_params_json(base, R"({"min_profit_bps": 9, "bogus": 1})");
  CHECK_FALSE(r.errors.empty());
  CHECK(r.params.min_profit_bps == base.min_profit_bps);
}

TEST_CASE("wrong types are errors") {
  const pair_params base;
  CHECK(has_error(apply_bad(base, R"({"min_profit_bps": "3"})"),
                  {"params.min_profit_bps", "expected a number", "string"}));
  CHECK(has_error(apply_bad(base, R"({"min_profit_bps": true})"), {"params.min_profit_bps"}));
  CHECK(has_error(apply_bad(base, R"({"max_tranches": 2.5})"), {"params.max_tranches"}));
  CHECK(has_error(apply_bad(base, R"({"mode": 1})"), {"params.mode"}));
  CHECK(has_error(apply_bad(base, R"({"signal": {"window": "120"}})"),
                  {"params.signal.window"}));
  // Money: a JSON float is inexact, refused like a TOML float.
  CHECK(has_error(apply_bad(base, R"({"order_notional": 1500.5})"),
                  {"params.order_notional", "strings"}));
  CHECK(has_error(apply_bad(base, R"({"order_notional": "15x0"})"),
                  {"params.order_notional", "decimal"}));
  // Negative for an unsigned count.
  CHECK(has_error(apply_bad(base, R"({"max_retries": -1})"),
                  {"params.max_retries", "negative"}));
  // Enum names.
  CHECK(has_error(apply_bad(base, R"({"style": "maker_maker"})"),
                  {"params.style", "maker_maker"}));
}

TEST_CASE("arrays, null and objects are refused for scalars") {
  const pair_params base;
  for (const char* patch : {R"({"min_profit_bps": [3]})", R"({"min_profit_bps": null})",
                            R"({"min_profit_bps": {"value": 3}})", R"({"mode": []})",
                            R"({"signal": {"z_entry": null}})",
                            R"({"signal": {"z_entry": [2.5]}})",
                            R"({"signal": {"z_entry": {"x": 1}}})"}) {
    CAPTURE(patch);
    auto errors = apply_bad(base, patch);
    CHECK(errors.size() == 1);
    CHECK(has_error(errors, {"must be a number, a string or a boolean"}));
  }
  CHECK(has_error(apply_bad(base, R"({"signal": [1]})"), {"params.signal", "object"}));
  CHECK(has_error(apply_bad(base, R"({"signal": 2})"), {"params.signal", "object"}));
  CHECK(has_error(apply_bad(base, R"({"signal": null})"), {"params.signal", "object"}));
}

TEST_CASE("range rules of validate() apply to the patched set") {
  const pair_params base; // z_entry 2, z_exit 0.5
  auto errors = apply_bad(base, R"({"signal": {"z_exit": 2}})");
  CHECK(has_error(errors, {"params.signal.z_exit", "must be < z_entry"}));
  errors = apply_bad(base, R"({"signal": {"z_entry": 0.4}})");
  CHECK(has_error(errors, {"params.signal.z_exit", "must be < z_entry (0.4)"}));
  // Each key valid alone, both together fine.
  apply_ok(base, R"({"signal": {"z_entry": 3, "z_exit": 2}})");

  errors = apply_bad(base, R"({"order_notional": "-5"})");
  CHECK(has_error(errors, {"params.order_notional", "must be > 0"}));
  errors = apply_bad(base, R"({"order_notional": "0"})");
  CHECK(has_error(errors, {"params.order_notional", "must be > 0"}));
  // A rule across keys: max_position_notional >= order_notional.
  errors = apply_bad(base, R"({"order_notional": "4000"})");
  CHECK(has_error(errors, {"params.max_position_notional"}));
  // Durations named in the key's unit.
  errors = apply_bad(base, R"({"leg_timeout_ms": 60000})");
  CHECK(has_error(errors, {"leg_timeout_ms"}));
}

TEST_CASE("several problems at once are all listed") {
  const pair_params base;
  // Reader problems: wrong type, unknown key, negative count.
  auto errors =
    apply_bad(base, R"({"min_profit_bps": "x", "bogus_key": 1, "max_retries": -2})");
  CHECK(errors.size() == 3);
  CHECK(has_error(errors, {"params.min_profit_bps"}));
  CHECK(has_error(errors, {"params.bogus_key"}));
  CHECK(has_error(errors, {"params.max_retries"}));
  // Rule problems.
  errors = apply_bad(base, R"({"signal": {"z_exit": 9}, "order_notional": "-1"})");
  CHECK(errors.size() >= 2);
  CHECK(has_error(errors, {"params.signal.z_exit"}));
  CHECK(has_error(errors, {"params.order_notional"}));
  // Structural problems.
  errors = apply_bad(base, R"({"min_profit_bps": null, "signal": {"z_entry": [1]}})");
  CHECK(errors.size() == 2);
  CHECK(has_error(errors, {"params.min_profit_bps"}));
  CHECK(has_error(errors, {"params.signal.z_entry"}));
}

TEST_CASE("malformed, non-object and empty JSON are errors") {
  const pair_params base;
  for (const char* patch : {"", "{", R"({"min_profit_bps": })", "{min_profit_bps: 3}",
                            R"({"a": 1,})", "not json"}) {
    CAPTURE(patch);
    auto errors = apply_bad(base, patch);
    CHECK(errors.size() == 1);
  }
  CHECK(has_error(apply_bad(base, "{"), {"malformed JSON"}));
  for (const char* patch : {"[]", "[1,2]", "3", R"("min_profit_bps")", "null", "true"}) {
    CAPTURE(patch);
    auto errors = apply_bad(base, patch);
    REQUIRE(errors.size() == 1);
    CHECK(contains(errors[0], "object"));
  }
  CHECK(has_error(apply_bad(base, "{}"), {"no parameter"}));
  CHECK(has_error(apply_bad(base, R"({"params": {}})"), {"no parameter"}));
  // An empty signal object alone changes nothing, but is not an error.
  auto r = patch_params_json(base, R"({"signal": {}})");
  CHECK(r.params == base);
}

TEST_CASE("strings with quotes, backslashes and newlines are values, never TOML") {
  const pair_params base;
  auto errors = apply_bad(base, R"({"mode": "a\"b\\c\n"})");
  REQUIRE(errors.size() == 1);
  CHECK(has_error(errors, {"params.mode", "must be one of"}));

  // An attempt to smuggle a second key through a string value.
  errors = apply_bad(base, R"({"mode": "normal_arb\"\nmin_profit_bps = 99"})");
  REQUIRE(errors.size() == 1);
  CHECK(has_error(errors, {"params.mode"}));
  auto r = patch_params_json(base, R"({"mode": "normal_arb\"\nmin_profit_bps = 99"})");
  CHECK(r.params.min_profit_bps == base.min_profit_bps);

  // The same, completed into valid TOML if it were pasted unescaped.
  errors = apply_bad(base, R"({"mode": "normal_arb\"\nmin_profit_bps = 99\n#"})");
  REQUIRE(errors.size() == 1);
  CHECK(has_error(errors, {"params.mode", "must be one of"}));

  // ... through a key (unescaped, this would be three valid TOML lines).
  errors = apply_bad(base, R"({"mode\" = \"normal_arb\"\nmin_profit_bps = 99\n#": 1})");
  REQUIRE(errors.size() == 1);
  CHECK(contains(errors[0], "unknown key"));
  // ... a table header through a value or a key.
  errors = apply_bad(base, "{\"mode\": \"normal_arb\\\"\\n[signal]\\nz_entry = 9\\n#\"}");
  CHECK(has_error(errors, {"params.mode"}));
  errors = apply_bad(base, R"({"]\n[signal]\nz_entry = 9\n#": 1})");
  REQUIRE(errors.size() == 1);
  CHECK(contains(errors[0], "unknown key"));
  // Control characters and a tab.
  errors = apply_bad(base, R"({"mode": "normal\u0001arb\tx\r"})");
  CHECK(has_error(errors, {"params.mode"}));
}

TEST_CASE("params_to_json has every [strategy] key and parses as JSON") {
  const pair_params p;
  auto text = params_to_json(p);
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  REQUIRE_MESSAGE(parser.parse(text).get(obj) == simdjson::SUCCESS, text);

  // nodes/config_toml.cpp each_strategy_key (20) + "signal".
  const std::set<std::string> top{"mode",
                                  "style",
                                  "maker",
                                  "order_notional",
                                  "max_tranches",
                                  "max_position_notional",
                                  "min_profit_bps",
                                  "take_profit_bps",
                                  "stop_loss_bps",
                                  "max_hold_s",
                                  "slippage_bps",
                                  "hedge_slippage_bps",
                                  "requote_bps",
                                  "leg_timeout_ms",
                                  "maker_timeout_ms",
                                  "hedge_timeout_ms",
                                  "max_retries",
                                  "max_book_age_ms",
                                  "rebalance_multiple",
                                  "hard_delta_notional",
                                  "signal"};
  CHECK(top.size() == 21);
  CHECK(obj.size() == 21);
  CHECK(keys_of(obj) == top);

  // each_signal_key (17).
  const std::set<std::string> sig{"model",
                                  "window",
                                  "sample_interval_ms",
                                  "min_std_bps",
                                  "z_entry",
                                  "z_exit",
                                  "offset_bps",
                                  "exit_offset_bps",
                                  "low_vol_min_profit_bps",
                                  "high_vol_min_profit_bps",
                                  "vol_low_bps",
                                  "vol_high_bps",
                                  "threshold_bps",
                                  "persist_samples",
                                  "cooldown_s",
                                  "persistent_exit_bps",
                                  "tranche_step"};
  CHECK(sig.size() == 17);
  simdjson::dom::object signal;
  REQUIRE(obj["signal"].get(signal) == simdjson::SUCCESS);
  CHECK(signal.size() == 17);
  CHECK(keys_of(signal) == sig);

  // Values in the config's units and types.
  std::string_view sv;
  REQUIRE(obj["mode"].get(sv) == simdjson::SUCCESS);
  CHECK(sv == "normal_arb");
  REQUIRE(obj["order_notional"].get(sv) == simdjson::SUCCESS); // exact: a string
  CHECK(money::from_string(sv).value() == p.order_notional);
  int64_t i = 0;
  REQUIRE(obj["max_hold_s"].get(i) == simdjson::SUCCESS);
  CHECK(i == 1800);
  REQUIRE(obj["leg_timeout_ms"].get(i) == simdjson::SUCCESS);
  CHECK(i == 2000);
  REQUIRE(signal["window"].get(i) == simdjson::SUCCESS);
  CHECK(i == 240);
  double d = 0;
  REQUIRE(obj["min_profit_bps"].get(d) == simdjson::SUCCESS);
  CHECK(d == 2.0);
  REQUIRE(signal["z_entry"].get(d) == simdjson::SUCCESS);
  CHECK(d == 2.0);
}

TEST_CASE("params_to_json round-trips through patch_params_json") {
  const auto p = test::non_default_params();
  REQUIRE_MESSAGE(strategy::validate(p, "t").empty(), strategy::validate(p, "t"));
  const pair_params defaults;
  REQUIRE(p != defaults);
  // Every field differs, so a key the writer dropped would show.
  CHECK(p.signal != defaults.signal);
  auto json = params_to_json(p);
  auto back = patch_params_json(defaults, json);
  REQUIRE_MESSAGE(back.errors.empty(), joined(back.errors) << json);
  CHECK(back.params == p);
  // And the default set back over a changed one.
  auto reverse = patch_params_json(p, params_to_json(defaults));
  REQUIRE_MESSAGE(reverse.errors.empty(), joined(reverse.errors));
  CHECK(reverse.params == defaults);
  // A fractional duration in the key's unit also survives.
  auto q = p;
  q.leg_timeout_ns = 1'250'500'000; // 1250.5 ms
  auto q_back = patch_params_json(defaults, params_to_json(q));
  REQUIRE_MESSAGE(q_back.errors.empty(), joined(q_back.errors));
  CHECK(q_back.params == q);
}

TEST_CASE("config_to_json parses and has every section") {
  auto cfg = default_config();
  auto text = config_to_json(cfg);
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  REQUIRE_MESSAGE(parser.parse(text).get(obj) == simdjson::SUCCESS, text);
  for (const char* section : {"node", "web", "market", "strategy", "risk", "sim"}) {
    CAPTURE(section);
    simdjson::dom::object sub;
    CHECK(obj[section].get(sub) == simdjson::SUCCESS);
  }
  std::string_view sv;
  REQUIRE(obj["node"]["name"].get(sv) == simdjson::SUCCESS);
  CHECK(sv == cfg.node.name);
  REQUIRE(obj["web"]["listen"].get(sv) == simdjson::SUCCESS);
  CHECK(sv == cfg.web.listen);
  // [strategy] has the same keys as params_to_json.
  simdjson::dom::parser parser2;
  simdjson::dom::object params;
  auto params_text = params_to_json(cfg.strategy);
  REQUIRE(parser2.parse(params_text).get(params) == simdjson::SUCCESS);
  simdjson::dom::object strat;
  REQUIRE(obj["strategy"].get(strat) == simdjson::SUCCESS);
  CHECK(keys_of(strat) == keys_of(params));

  // A changed value shows.
  cfg.node.name = "node-under-test";
  cfg.strategy.min_profit_bps = 6.5;
  auto changed = config_to_json(cfg);
  REQUIRE(parser.parse(changed).get(obj) == simdjson::SUCCESS);
  REQUIRE(obj["node"]["name"].get(sv) == simdjson::SUCCESS);
  CHECK(sv == "node-under-test");
  double d = 0;
  REQUIRE(obj["strategy"]["min_profit_bps"].get(d) == simdjson::SUCCESS);
  CHECK(d == 6.5);
}

TEST_CASE("config_to_json never contains the API token") {
  const std::string token = "env-token-never-in-config-7f3a9c1d";
  REQUIRE(::setenv("XARB_API_TOKEN", token.c_str(), 1) == 0);
  auto cfg = default_config();
  (void)apply_env_overrides(cfg);
  cfg.web.token_file = "/var/lib/xarb/custom_api_token";
  auto text = config_to_json(cfg);
  ::unsetenv("XARB_API_TOKEN");
  CHECK_FALSE(contains(text, token));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);
  // The token file's key is there (its value is the path, not a token).
  simdjson::dom::element tf;
  CHECK(doc["web"]["token_file"].get(tf) == simdjson::SUCCESS);
}

TEST_CASE("config_to_json shows web.token_file's path") {
  auto cfg = default_config();
  cfg.web.token_file = "/var/lib/xarb/custom_api_token";
  auto text = config_to_json(cfg);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);
  std::string_view sv;
  REQUIRE(doc["web"]["token_file"].get(sv) == simdjson::SUCCESS);
  CHECK(sv == "/var/lib/xarb/custom_api_token");
}

TEST_CASE("is_secret_key masks credentials, not the paths to them") {
  for (auto k : {"api_key", "api_secret", "secret", "password", "passphrase", "private_key",
                 "token", "api_token", "signing_key", "l2_private_key"}) {
    CAPTURE(k);
    CHECK(is_secret_key(k));
  }
  for (auto k : {"token_file", "private_key_path", "secret_dir", "key_id", "listen", "name",
                 "data_dir", "live_confirm_text"}) {
    CAPTURE(k);
    CHECK_FALSE(is_secret_key(k));
  }
}

}
