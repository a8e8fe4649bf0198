// `xarb scan`'s screen: render_scan on fixed documents (exact lines), null
// and bad fields, malformed documents, narrow terminals, colour, hostile text.
#include "nodes/scan_view.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "nodes/scan_model.hpp"

using namespace xarb;
using namespace xarb::cli;

namespace {

constexpr int64_t ts = 1'700'000'000'000'000'000; // 2023-11-14T22:13:20Z
constexpr int64_t ms = 1'000'000;
constexpr int64_t now = ts + 250 * ms;

// Two ranked rows (the second with nulls, a fallback leverage and the
// direction B->A), one stale row, three venues (one stale), unknown fields.
const std::string top_json = R"({
  "ts": 1700000000000000000, "age_ms": 120, "refresh_ms": 0.84, "sort": "notional",
  "limit": 20, "funding_basis_hours": 8, "carry_horizon_hours": 8, "symbols": 5,
  "rows_total": 15, "ranked": 14, "stale_rows": 1, "future_field": {"x": [1, 2]},
  "venues": [
    {"venue": "sim-a", "state": "ready", "symbols": 5, "quotes": 5, "stale": false, "leverage_fallback": 2},
    {"venue": "sim-b", "state": "ready", "symbols": 5, "quotes": 5, "stale": false, "leverage_fallback": null},
    {"venue": "sim-c", "state": "ready", "symbols": 5, "quotes": 4, "stale": true, "leverage_fallback": null}
  ],
  "rows": [
    {"rank": 1, "symbol": "BTC-PERP", "venue_a": "sim-a", "venue_b": "sim-b",
     "bid_a": "65000.1", "ask_a": "65000.2", "bid_b": "65010.0", "ask_b": "65010.5",
     "spread_ab_bps": 1.23, "spread_ba_bps": -2.5, "sell_venue": "sim-a", "buy_venue": "sim-b",
     "spread_bps": 1.23, "leverage_a": 20, "leverage_b": 10, "leverage": 10,
     "leverage_fallback": false, "notional_spread_bps": 12.3, "funding_a_bps": 1.0,
     "funding_b_bps": 0.5, "funding_diff_bps": 0.5, "funding_diff_apr_pct": 5.5,
     "fees_bps": 18.0, "carry_bps": -16.3, "stale": false, "stale_venues": [],
     "age_ms_a": 10, "age_ms_b": 40},
    {"rank": 2, "symbol": "ETH-PERP", "venue_a": "sim-a", "venue_b": "sim-c",
     "sell_venue": "sim-c", "buy_venue": "sim-a", "spread_bps": 0.8, "leverage": 5,
     "leverage_fallback": true, "notional_spread_bps": null, "funding_a_bps": null,
     "funding_diff_bps": null, "funding_diff_apr_pct": null, "carry_bps": 2.25,
     "stale": false, "stale_venues": [], "age_ms_a": 15, "age_ms_b": 300}
  ],
  "stale": [
    {"rank": null, "symbol": "SOL-PERP", "venue_a": "sim-b", "venue_b": "sim-c",
     "stale": true, "stale_venues": ["sim-c"], "spread_bps": 3.0}
  ]
})";

const std::string signals_json = R"({
  "threshold_bps": 60, "samples": 3, "cooldown_s": 30, "kept": 50,
  "signals": [
    {"seq": 7, "ts": 1699999988000000000, "symbol": "BTC-PERP", "sell_venue": "sim-a",
     "buy_venue": "sim-b", "spread_bps": 64.2, "notional_spread_bps": 642.0,
     "funding_diff_bps": 0.5, "carry_bps": 46.1, "samples": 3},
    {"seq": 6, "ts": 1699999800000000000, "symbol": "ETH-PERP", "sell_venue": "sim-c",
     "buy_venue": "sim-a", "spread_bps": 61, "notional_spread_bps": 305,
     "funding_diff_bps": null, "carry_bps": null, "samples": 3}
  ]
})";

scan_options plain_opts(int width = 0) {
  scan_options o;
  o.plain = true;
  o.width = width;
  return o;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in{s};
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

bool has_line(const std::string& screen, const std::string& line) {
  for (auto& l : lines_of(screen))
    if (l == line)
      return true;
  return false;
}

/// The screen with ANSI escape sequences (ESC '[' ... letter) removed.
std::string strip_ansi(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
      i += 2;
      while (i < s.size() && !(s[i] >= '@' && s[i] <= '~'))
        ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

} // namespace

TEST_CASE("render_scan: the whole screen of a fixed document at 120 columns") {
  const std::string expected =
    "22:13:20 UTC  http://127.0.0.1:8080  age 250 ms  symbols 5  ranked 14  stale 1  sort notional"
    "  refresh 0.84 ms\n"
    "venues:  sim-a ready 5/5  sim-b ready 5/5  sim-c ready 4/5 STALE\n"
    "\n"
    "top 2 by notional  (bps; LEV * = fallback leverage; AGE = sell/buy quote ages)\n"
    "  # SYMBOL           SELL@        BUY@            SPREAD   NOTIONAL   LEV   FUND/8h    APR %"
    "  CARRY/8h        AGE ms\n"
    "  1 BTC-PERP         sim-a        sim-b             1.23      12.30   10      0.500     5.50"
    "    -16.30         10/40\n"
    // nulls are "-"; the fallback leverage is marked; ages follow the direction (sell sim-c = b).
    "  2 ETH-PERP         sim-c        sim-a             0.80          -    5*         -        -"
    "      2.25        300/15\n"
    "stale (not ranked): 1  e.g. SOL-PERP sim-b/sim-c (sim-c)\n"
    "\n"
    "signals: last 2 of 50 kept  (>= 60 bps for 3 samples, cooldown 30 s)\n"
    "TIME       AGO SYMBOL           SELL@        BUY@            SPREAD   NOTIONAL     CARRY\n"
    "22:13:08   12s BTC-PERP         sim-a        sim-b            64.20     642.00     46.10\n"
    "22:10:00    3m ETH-PERP         sim-c        sim-a            61.00     305.00         -\n";
  auto screen = render_scan(top_json, signals_json, plain_opts(), now);
  CHECK(screen == expected);
  for (auto& l : lines_of(screen))
    CHECK(l.size() <= 120);
}

TEST_CASE("render_scan: standalone source, node age when the clocks disagree, no signals") {
  auto o = plain_opts();
  o.standalone = true;
  // now before ts (clock skew): the node's own age_ms (120) is shown.
  auto screen = render_scan(top_json, R"({"threshold_bps":60,"samples":3,"cooldown_s":30,
                                        "kept":0,"signals":[]})",
                            o, ts - 5 * ms);
  auto first = lines_of(screen).at(0);
  CHECK(first.rfind("22:13:19 UTC  standalone  age 120 ms  symbols 5", 0) == 0);
  CHECK(has_line(screen, "signals: last 0 of 0 kept  (>= 60 bps for 3 samples, cooldown 30 s)"));
  CHECK(has_line(screen, "  none yet"));
  CHECK(screen.find("problems") == std::string::npos);
}

TEST_CASE("render_scan: at most opts.limit rows; an empty ranking says so") {
  auto o = plain_opts();
  o.limit = 1;
  auto screen = render_scan(top_json, signals_json, o, now);
  CHECK(screen.find("BTC-PERP         sim-a") != std::string::npos);
  CHECK(screen.find("  2 ETH-PERP") == std::string::npos);
  CHECK(has_line(screen, "top 1 by notional  (bps; LEV * = fallback leverage; AGE = sell/buy "
                         "quote ages)"));

  auto empty = render_scan(R"({"ts":1700000000000000000,"age_ms":0,"refresh_ms":null,
      "sort":"spread","funding_basis_hours":8,"carry_horizon_hours":8,"symbols":0,"ranked":0,
      "stale_rows":0,"venues":[],"rows":[]})",
                           signals_json, plain_opts(), now);
  CHECK(has_line(empty, "venues:  none"));
  CHECK(has_line(empty, "  no ranked rows yet"));
  CHECK(has_line(empty, "stale (not ranked): 0"));
  CHECK(lines_of(empty).at(0).find("sort spread  refresh - ms") != std::string::npos);
}

TEST_CASE("render_scan: a node without a snapshot yet (ready false, ts 0)") {
  auto screen = render_scan(R"({"ready":false,"ts":0,"age_ms":0,"refresh_ms":0,"sort":"notional",
      "funding_basis_hours":0,"carry_horizon_hours":0,"symbols":0,"ranked":0,"stale_rows":0,
      "venues":[],"rows":[],"stale":[]})",
                            signals_json, plain_opts(), now);
  CHECK(lines_of(screen).at(0)
        == "22:13:20 UTC  http://127.0.0.1:8080  age -  symbols 0  ranked 0  stale 0  sort notional"
           "  refresh 0.00 ms");
  CHECK(lines_of(screen).at(1) == "  NOT READY (no snapshot yet)");
  CHECK(has_line(screen, "  # SYMBOL           SELL@        BUY@            SPREAD   NOTIONAL   LEV"
                         "      FUND    APR %     CARRY        AGE ms"));
  CHECK(screen.find("problems") == std::string::npos);
  // "ready" is optional, and ignored when it is not a boolean.
  CHECK(render_scan(top_json, signals_json, plain_opts(), now).find("NOT READY")
        == std::string::npos);
}

TEST_CASE("render_scan: narrow terminals drop columns, never the sort key's, and stay in width") {
  auto screen = render_scan(top_json, signals_json, plain_opts(80), now);
  // The header wraps at a token boundary instead of being cut.
  auto lines = lines_of(screen);
  CHECK(lines.at(0) == "22:13:20 UTC  http://127.0.0.1:8080  age 250 ms  symbols 5  ranked 14  stale 1");
  CHECK(lines.at(1) == "  sort notional  refresh 0.84 ms");
  CHECK(has_line(screen, "  # SYMBOL           SELL@        BUY@            SPREAD   NOTIONAL   LEV"));
  CHECK(has_line(screen, "  1 BTC-PERP         sim-a        sim-b             1.23      12.30   10 "));
  CHECK(has_line(screen, "TIME       AGO SYMBOL           SELL@        BUY@            SPREAD   NOTIONAL"));
  for (auto& l : lines)
    CHECK(l.size() <= 80);

  auto o = plain_opts(80);
  o.sort = "funding"; // the document's sort wins over the option
  auto by_funding = render_scan(top_json, signals_json, o, now);
  CHECK(has_line(by_funding, "  # SYMBOL           SELL@        BUY@            SPREAD   NOTIONAL   LEV"));
  std::string doc = top_json;
  doc.replace(doc.find("\"sort\": \"notional\""), 18, "\"sort\": \"funding\"");
  auto funding_doc = render_scan(doc, signals_json, plain_opts(80), now);
  CHECK(has_line(funding_doc,
                 "  # SYMBOL           SELL@        BUY@            SPREAD   FUND/8h    APR %"));

  for (int width : {20, 33, 45, 60}) {
    CAPTURE(width);
    auto narrow = render_scan(top_json, signals_json, plain_opts(width), now);
    CHECK(narrow.find("BTC") != std::string::npos);
    for (auto& l : lines_of(narrow))
      CHECK(static_cast<int>(l.size()) <= width);
  }
  // 45: text columns shrink to their minimum, then a column that does not
  // fit (here NOTIONAL, kept as the sort key) is left out whole, not clipped.
  auto w45 = render_scan(top_json, signals_json, plain_opts(45), now);
  CHECK(has_line(w45, "  # SYMBOL   SELL@  BUY@      SPREAD"));
  CHECK(has_line(w45, "  1 BTC-PERP sim-a  sim-b       1.23"));
  // 60: the symbol column gives up what is missing, the rest is whole.
  auto w60 = render_scan(top_json, signals_json, plain_opts(60), now);
  CHECK(has_line(w60, "  1 BTC-PERP  sim-a        sim-b             1.23      12.30"));
}

TEST_CASE("render_scan: a malformed document is an error block, the other is still shown") {
  for (const char* bad : {"{not json", "", "[1, 2]", "\"text\"", "{\"ts\": 1,"}) {
    CAPTURE(bad);
    auto screen = render_scan(bad, signals_json, plain_opts(), now);
    auto lines = lines_of(screen);
    REQUIRE(lines.size() >= 2);
    CHECK(lines.at(0) == "22:13:20 UTC  http://127.0.0.1:8080");
    CHECK(lines.at(1).rfind("top-spreads: error: ", 0) == 0);
    CHECK(screen.find("22:13:08   12s BTC-PERP") != std::string::npos);
  }
  CHECK(has_line(render_scan("[1, 2]", "{}", plain_opts(), now),
                 "top-spreads: error: expected a JSON object, got an array"));
  CHECK(render_scan("{oops", "{}", plain_opts(), now).find("top-spreads: error: malformed JSON (")
        != std::string::npos);

  auto screen = render_scan(top_json, "<html>502 Bad Gateway</html>", plain_opts(), now);
  CHECK(screen.find("  1 BTC-PERP") != std::string::npos);
  CHECK(screen.find("signals: error: malformed JSON") != std::string::npos);
}

TEST_CASE("render_scan: missing and ill-typed fields show '?' and are listed, not fatal") {
  std::string doc = top_json;
  doc.replace(doc.find("\"spread_bps\": 1.23"), 18, "\"spread_bps\": \"1.2\"");
  doc.replace(doc.find("\"symbol\": \"ETH-PERP\", "), 22, "");
  doc.replace(doc.find("\"symbols\": 5,"), 13, "\"symbols\": [5],");
  auto screen = render_scan(doc, R"({"threshold_bps":60,"samples":3,"cooldown_s":30,"kept":1,
      "signals":[{"ts":"yesterday","symbol":"BTC-PERP","sell_venue":"a","buy_venue":"b",
                  "spread_bps":61,"notional_spread_bps":61,"carry_bps":1}, 7]})",
                            plain_opts(), now);
  CHECK(screen.find("symbols ?") != std::string::npos);
  CHECK(has_line(screen, "  1 BTC-PERP         sim-a        sim-b                ?      12.30   10 "
                         "     0.500     5.50    -16.30         10/40"));
  CHECK(screen.find("  2 ?                sim-c        sim-a") != std::string::npos);
  CHECK(screen.find("?            ? BTC-PERP") != std::string::npos); // bad ts: time and age
  CHECK(has_line(screen, "data problems (5; shown as ?):"));
  CHECK(has_line(screen, "  top-spreads symbols: expected a number or null, got an array"));
  CHECK(has_line(screen, "  top-spreads rows[0].spread_bps: expected a number or null, got a string"));
  CHECK(has_line(screen, "  top-spreads rows[1].symbol: missing"));
  CHECK(has_line(screen, "  signals signals[0].ts: expected an integer (ns since the epoch) or "
                         "null, got a string"));
  CHECK(has_line(screen, "  signals signals[1]: expected an object, got a number"));

  // rows not an array, venues missing: reported, the rest still rendered.
  auto odd = render_scan(R"({"ts":1700000000000000000,"age_ms":0,"refresh_ms":1,"sort":"carry",
      "funding_basis_hours":8,"carry_horizon_hours":8,"symbols":1,"ranked":1,"stale_rows":0,
      "rows":{"rank":1}})",
                         signals_json, plain_opts(), now);
  CHECK(has_line(odd, "  top-spreads venues: missing"));
  CHECK(has_line(odd, "  top-spreads rows: expected an array, got an object"));
  CHECK(has_line(odd, "  no ranked rows yet"));
}

TEST_CASE("render_scan: more than five problems are counted, five listed") {
  auto screen = render_scan("{}", "{}", plain_opts(), now);
  CHECK(has_line(screen, "data problems (16; shown as ?):"));
  CHECK(has_line(screen, "  top-spreads ts: missing"));
  CHECK(has_line(screen, "  ... and 11 more"));
}

TEST_CASE("render_scan: colour only when not plain, same text underneath") {
  auto o = plain_opts();
  o.plain = false;
  auto coloured = render_scan(top_json, signals_json, o, now);
  CHECK(coloured.find("\x1b[31m") != std::string::npos); // the stale venue
  CHECK(coloured.find("\x1b[32m") != std::string::npos); // positive carry
  CHECK(strip_ansi(coloured) == render_scan(top_json, signals_json, plain_opts(), now));
  CHECK(render_scan(top_json, signals_json, plain_opts(), now).find('\x1b') == std::string::npos);
}

TEST_CASE("render_scan: text from the node cannot drive the terminal") {
  std::string doc = top_json;
  doc.replace(doc.find("\"BTC-PERP\""), 10, R"("\u001b[2JBTC\u0007\u00e9")");
  auto screen = render_scan(doc, signals_json, plain_opts(), now);
  CHECK(screen.find('\x1b') == std::string::npos);
  CHECK(screen.find('\x07') == std::string::npos);
  CHECK(screen.find("  1 ?[2JBTC???") != std::string::npos); // é is two bytes
  CHECK(scan::printable("a\tb\x7f") == "a?b?");
}

TEST_CASE("render_notice and clock_utc") {
  auto o = plain_opts(30);
  CHECK(render_notice("refresh failed at 22:13:20 UTC: connection refused", o)
        == "refresh failed at 22:13:20\n  UTC: connection refused\n");
  o.plain = false;
  CHECK(render_notice("boom", o) == "\x1b[31mboom\x1b[0m\n");
  CHECK(clock_utc(ts) == "22:13:20");
  CHECK(clock_utc(0) == "00:00:00");
  CHECK(clock_utc(-1) == "23:59:59");
}
