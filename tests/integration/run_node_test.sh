#!/usr/bin/env bash
# End-to-end: start `xarb run` on a free loopback port with a temp data dir,
# wait for /readyz, check /api/status and /metrics (promtool), send SIGTERM
# and require exit 0 within 10 s.
set -euo pipefail

XARB=${1:?usage: run_node_test.sh path/to/xarb}
PROMTOOL=${PROMTOOL:-promtool}
work=$(mktemp -d)
log="$work/xarb.log"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "---- xarb log (tail) ----" >&2
  tail -n 60 "$log" >&2 || true
  exit 1
}

# 0. The CLI: version, --help on every subcommand, check-config.
"$XARB" version | grep -q '^xarb [0-9]' || fail "xarb version"
for sub in "" run check-config version; do
  "$XARB" $sub --help >/dev/null || fail "xarb $sub --help"
done
here=$(cd "$(dirname "$0")" && pwd)
"$XARB" check-config "$here/../../deploy/xarb.example.toml" >/dev/null || fail "example config rejected"
printf '[web]\nlisen = "x"\n[strategy.signal]\nwindow = 1\n' >"$work/bad.toml"
set +e; "$XARB" check-config "$work/bad.toml" >"$work/check.out" 2>&1; rc=$?; set -e
[ "$rc" = 1 ] || fail "check-config on a bad file exited $rc, expected 1"
grep -q 'bad.toml:2:1: web.lisen: unknown key' "$work/check.out" || fail "unknown key not reported"
grep -q 'bad.toml:4:10: strategy.signal.window' "$work/check.out" || fail "range error not reported"
set +e; "$XARB" run --config "$work/bad.toml" >/dev/null 2>&1; rc=$?; set -e
[ "$rc" = 1 ] || fail "run with a bad config exited $rc, expected 1"
echo "ok: CLI (version, --help, check-config lists every error)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"

token="itest-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
# Starts the node on $port with data dir $1, log $log; sets $pid and waits
# up to 60 s (ASan builds are slow) for /readyz 200. $2 names the run in failures.
start_node() {
  XARB_API_TOKEN="$token" "$XARB" run --listen "127.0.0.1:$port" --data-dir "$1" >"$log" 2>&1 &
  pid=$!
  local ready=0
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || fail "xarb$2 exited before becoming ready"
    code=$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz" || true)
    if [ "$code" = "200" ]; then ready=1; break; fi
    sleep 0.1
  done
  [ "$ready" = 1 ] || fail "/readyz never returned 200$2"
}

# 1. /healthz then /readyz (every book synced).
start_node "$work/data" ""
echo "ok: /readyz 200"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" = "200" ] || fail "/healthz not 200"
echo "ok: /healthz 200"

# 2. /api/status: every venue ready with all books synced, pairs with a live spread.
sleep 2
curl -sf "$base/api/status" >"$work/status.json" || fail "/api/status failed"
python3 - "$work/status.json" <<'PY' || fail "/api/status content"
import json, sys
from decimal import Decimal
s = json.load(open(sys.argv[1]))
venues = s["venues"]
assert len(venues) >= 3, f"expected >= 3 venues, got {len(venues)}"
for v in venues:
    assert v["name"], v
    assert v["state"] in ("ready", "degraded"), v
    assert v["synced_books"] >= 5, v
pairs = s["pairs"]
assert len(pairs) >= 15, f"expected >= 15 pairs, got {len(pairs)}"
live = [p for p in pairs if p["valid"]]
assert len(live) >= len(pairs) // 2, f"only {len(live)} of {len(pairs)} pairs have a live spread"
for p in live:
    ab, ba = Decimal(p["spread_ab"]), Decimal(p["spread_ba"])
    # Crossing the spread both ways costs at least both half-spreads.
    assert ab + ba < 0, p
    assert abs(ab) < Decimal("0.05") and abs(ba) < Decimal("0.05"), p
print(f"ok: /api/status {len(venues)} venues, {len(live)}/{len(pairs)} live pairs")
PY

# 3. /metrics is valid Prometheus exposition and has the core families.
curl -sf "$base/metrics" >"$work/metrics.txt" || fail "/metrics failed"
if command -v "$PROMTOOL" >/dev/null 2>&1; then
  "$PROMTOOL" check metrics <"$work/metrics.txt" >"$work/promtool.txt" 2>&1 \
    || { cat "$work/promtool.txt" >&2; fail "promtool check metrics"; }
else
  echo "SKIP: promtool not found ($PROMTOOL); /metrics lint by promtool skipped"
fi
for family in xarb_messages_processed_total xarb_book_age_seconds xarb_actor_restarts_total \
              xarb_tick_to_decision_seconds_bucket xarb_book_synced xarb_risk_state \
              xarb_risk_breaker_trips_total xarb_risk_capital xarb_risk_rate_limit_available \
              xarb_risk_pair_cap_notional; do
  grep -q "^$family" "$work/metrics.txt" || fail "metric family $family missing"
done
echo "ok: /metrics passes promtool check metrics"

# 3b. The whole node's /metrics once it has run (and maybe traded) for a few
#     seconds: promtool without a single warning, and our own rules
#     (docs/METRICS.md): every family xarb_-prefixed with HELP and TYPE,
#     counters and only counters end in _total, base units only, every
#     histogram in seconds/bytes/ratio, bounded label names; the venue,
#     event and process families are there with plausible values.
#     (Up to 5 s more for a first order; the default market may not offer one.)
for _ in $(seq 1 50); do
  curl -sf "$base/metrics" >"$work/metrics.txt" || fail "/metrics failed"
  grep -q '^xarb_venue_orders_total{result="accepted",venue="[^"]*"} [1-9]' "$work/metrics.txt" && break
  sleep 0.1
done
if command -v "$PROMTOOL" >/dev/null 2>&1; then
  set +e; "$PROMTOOL" check metrics <"$work/metrics.txt" >"$work/promtool.txt" 2>&1; rc=$?; set -e
  { [ "$rc" = 0 ] && [ ! -s "$work/promtool.txt" ]; } \
    || { cat "$work/promtool.txt" >&2; fail "promtool check metrics on the running node: exit $rc"; }
else
  echo "SKIP: promtool not found ($PROMTOOL); only the naming rules are checked"
fi
python3 - "$work/metrics.txt" <<'PY' || fail "/metrics naming rules"
import re, sys
text = open(sys.argv[1]).read()
helps, types, samples = {}, {}, {}
for line in text.splitlines():
    if line.startswith("# HELP "):
        name = line.split(" ", 3)[2]
        helps[name] = line
    elif line.startswith("# TYPE "):
        _, _, name, kind = line.split(" ")
        assert name not in types, f"{name}: TYPE twice"
        types[name] = kind
    elif line and not line.startswith("#"):
        m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$', line)
        assert m, f"bad sample line: {line}"
        samples.setdefault(m.group(1), []).append((m.group(3) or "", float(m.group(4))))
problems = []
non_base = {"ms", "us", "ns", "millis", "milliseconds", "micros", "microseconds", "nanoseconds",
            "minutes", "hours", "days", "kb", "mb", "gb", "kilobytes", "megabytes", "percent",
            "pct", "bps", "basis"}
time_words = {"latency", "duration", "age", "delay", "time", "uptime", "elapsed"}
for name, kind in sorted(types.items()):
    words = name.split("_")
    if not name.startswith("xarb_"): problems.append(f"{name}: no xarb_ prefix")
    if name not in helps: problems.append(f"{name}: no HELP")
    if (kind == "counter") != name.endswith("_total"):
        problems.append(f"{name}: {kind} {'without' if kind == 'counter' else 'with'} _total")
    if non_base & set(words): problems.append(f"{name}: not a base unit ({non_base & set(words)})")
    if time_words & set(words) and "seconds" not in words:
        problems.append(f"{name}: a time without _seconds")
    if "memory" in words and "bytes" not in words: problems.append(f"{name}: memory without _bytes")
    if kind == "histogram" and words[-1] not in ("seconds", "bytes", "ratio"):
        problems.append(f"{name}: histogram not in seconds/bytes/ratio")
    if kind not in ("counter", "gauge", "histogram"): problems.append(f"{name}: type {kind}")
for sname, rows in samples.items():
    base = re.sub(r"_(bucket|sum|count)$", "", sname)
    if sname not in types and not (base in types and types[base] == "histogram"):
        problems.append(f"{sname}: sample without a TYPE")
    for labels, _ in rows:
        for key in re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="', labels):
            if key in ("client_id", "order_id", "venue_order_id", "trade_id"):
                problems.append(f"{sname}: unbounded label {key}")
assert not problems, "\n".join(problems)

def values(name, **want):
    out = []
    for labels, v in samples.get(name, []):
        kv = dict(re.findall(r'([a-zA-Z_]+)="([^"]*)"', labels))
        if all(kv.get(k) == x for k, x in want.items()):
            out.append((kv, v))
    return out
required = ["xarb_venue_order_latency_seconds", "xarb_venue_orders_total", "xarb_venue_fills_total",
            "xarb_venue_book_updates_total", "xarb_venue_sessions_total",
            "xarb_venue_market_messages_dropped_total", "xarb_events_total",
            "xarb_process_cpu_seconds_total", "xarb_process_resident_memory_bytes",
            "xarb_process_virtual_memory_bytes", "xarb_process_open_fds", "xarb_process_max_fds",
            "xarb_process_start_time_seconds", "xarb_process_threads", "xarb_storage_records_total",
            "xarb_build_info", "xarb_up"]
missing = [f for f in required if f not in types]
assert not missing, f"families missing: {missing}"
sessions = values("xarb_venue_sessions_total")
assert len(sessions) >= 3 and all(v >= 1 for _, v in sessions), sessions
updates = values("xarb_venue_book_updates_total")
assert len(updates) >= 3 and all(v > 0 for _, v in updates), updates
assert values("xarb_process_resident_memory_bytes")[0][1] > 1e6
assert values("xarb_process_open_fds")[0][1] >= 3
assert values("xarb_process_cpu_seconds_total")[0][1] > 0
assert values("xarb_process_threads")[0][1] >= 2
orders = sum(v for _, v in values("xarb_venue_orders_total", result="accepted"))
rtt = sum(v for _, v in values("xarb_venue_order_latency_seconds_count"))
assert rtt >= orders, (rtt, orders)  # every accepted order had its round trip measured
print(f"ok: /metrics naming rules on {len(types)} families; {len(sessions)} venues, "
      f"{int(orders)} orders accepted, {int(rtt)} round trips measured")
PY

# 4. The risk guard and the kill switch over HTTP: /api/risk, token required,
#    halt -> HALTED everywhere, resume -> ACTIVE, without a restart.
risk_state() { curl -sf "$base/api/risk" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["state"], len(d["pairs"]), len(d["capital"]))'; }
read -r state npairs ncap < <(risk_state) || fail "/api/risk failed"
[ "$state" = active ] || fail "risk state $state, expected active"
[ "$npairs" -ge 15 ] || fail "/api/risk lists $npairs pairs, expected >= 15"
[ "$ncap" -ge 3 ] || fail "/api/risk lists $ncap venues' capital, expected >= 3"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/api/halt")
[ "$code" = 401 ] || fail "POST /api/halt without a token: $code, expected 401"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer wrong" "$base/api/halt")
[ "$code" = 401 ] || fail "POST /api/halt with a wrong token: $code, expected 401"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" "$base/api/halt?reason=itest")
[ "$code" = 202 ] || fail "POST /api/halt: $code, expected 202"
halted=0
for _ in $(seq 1 50); do
  read -r state _ _ < <(risk_state) || true
  if [ "$state" = halted ]; then halted=1; break; fi
  sleep 0.1
done
[ "$halted" = 1 ] || fail "risk state never became halted"
curl -sf "$base/api/risk" | grep -q '"reason":"itest' || fail "halt reason not shown"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" "$base/api/resume")
[ "$code" = 202 ] || fail "POST /api/resume: $code, expected 202"
resumed=0
for _ in $(seq 1 50); do
  read -r state _ _ < <(risk_state) || true
  if [ "$state" = active ]; then resumed=1; break; fi
  sleep 0.1
done
[ "$resumed" = 1 ] || fail "risk state never became active again"
grep -q "$token" "$log" && fail "the API token appears in the log"
echo "ok: /api/risk, kill switch halt -> resume over HTTP with a token"

# 4b. The same export over HTTP, from the running node's store.
curl -sf "$base/api/export/events.csv?from=2020-01-01T00%3A00%3A00Z" >"$work/http-events.csv" \
  || fail "GET /api/export/events.csv failed"
head -n 1 "$work/http-events.csv" | grep -q '^ts_ns,ts,severity,source,text' || fail "HTTP export: no CSV header"
[ "$(wc -l <"$work/http-events.csv")" -gt 1 ] || fail "HTTP export: no events (the node writes some at start)"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/export/events.csv?from=yesterday")
[ "$code" = 400 ] || fail "GET /api/export with a bad time: $code, expected 400"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/export/trades.csv")
[ "$code" = 404 ] || fail "GET /api/export/trades.csv: $code, expected 404"
echo "ok: GET /api/export/{kind}.csv"

# 5. SIGTERM -> exit 0 within 10 s.
kill -TERM "$pid"
for _ in $(seq 1 100); do
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then fail "still running 10 s after SIGTERM"; fi
set +e; wait "$pid"; rc=$?; set -e
pid=""
[ "$rc" = 0 ] || fail "exit code $rc after SIGTERM"
echo "ok: SIGTERM -> exit 0"

# 6. `xarb export` on the data dir the node used: CSV with a header (the
#    events header at least) once the node writes DATA/db; before that, a
#    clear "no data" error (exit 1) that creates nothing. Usage errors exit 2.
"$XARB" export --help >/dev/null || fail "xarb export --help"
set +e; "$XARB" export events --data-dir "$work/data" >"$work/events.csv" 2>"$work/export.err"; rc=$?; set -e
if [ -d "$work/data/db" ]; then
  [ "$rc" = 0 ] || { cat "$work/export.err" >&2; fail "xarb export events exited $rc"; }
  head -n 1 "$work/events.csv" | grep -q '^ts_ns,ts,severity,source,text' || fail "export: no CSV header"
  "$XARB" export fills --data-dir "$work/data" --out "$work/fills.csv" || fail "xarb export fills --out"
  head -n 1 "$work/fills.csv" | grep -q '^ts_ns,ts,pair_id,client_id' || fail "export --out: no CSV header"
else
  [ "$rc" = 1 ] || fail "xarb export without a store exited $rc, expected 1"
  grep -q "no data in $work/data/db" "$work/export.err" || fail "export: no 'no data' message"
  [ ! -e "$work/data/db" ] || fail "xarb export created $work/data/db"
fi
set +e; "$XARB" export fills --data-dir "$work/data" --from 2026-13-01T00:00:00Z >/dev/null 2>&1; rc=$?; set -e
[ "$rc" = 2 ] || fail "xarb export with a bad --from exited $rc, expected 2"
echo "ok: xarb export"

# 7. A config saved from the console: `xarb run` without --config loads
#    <data_dir>/xarb.toml. In it sim-c is disabled (no session, no pairs,
#    not in readiness), an explicit pair on sim-c is skipped, and sim-a has
#    a credential that must not reach the log or the API.
mkdir -p "$work/data2"
cat >"$work/data2/xarb.toml" <<'TOML'
[venues.sim-c]
enabled = false

[venues.sim-a]
api_key = "ITEST-CREDENTIAL-93c1"

[[pairs]]
symbol = "BTC-PERP"
venue_a = "sim-a"
venue_b = "sim-c"

[[pairs]]
symbol = "ETH-PERP"
venue_a = "sim-a"
venue_b = "sim-b"
TOML
chmod 600 "$work/data2/xarb.toml"
log="$work/xarb2.log"
start_node "$work/data2" " (saved config, sim-c disabled)"
grep -q "config: $work/data2/xarb.toml (saved from the console" "$log" \
  || fail "no log line naming the saved config"
grep -q "venue sim-c is disabled" "$log" || fail "the skipped pair was not logged"
curl -sf "$base/api/status" >"$work/status2.json" || fail "/api/status failed"
curl -sf "$base/api/risk" >"$work/risk2.json" || fail "/api/risk failed"
curl -sf "$base/api/config" >"$work/config2.json" || fail "/api/config failed"
curl -sf "$base/api/events?limit=1000" >"$work/events2.json" || fail "/api/events failed"
python3 - "$work" <<'PY' || fail "sim-c disabled: status, risk, config, events"
import json, sys
w = sys.argv[1]
s = json.load(open(f"{w}/status2.json"))
names = sorted(v["name"] for v in s["venues"])
assert names == ["sim-a", "sim-b"], names
ids = [p["id"] for p in s["pairs"]]
assert ids == ["ETH-PERP:sim-a/sim-b"], ids
r = json.load(open(f"{w}/risk2.json"))
assert "sim-c" not in json.dumps(r["venues"]), r["venues"]
c = json.load(open(f"{w}/config2.json"))
assert c["venues"]["sim-c"]["enabled"] is False, c["venues"]
assert c["venues"]["sim-a"]["api_key"] == "<redacted>", c["venues"]["sim-a"]
assert c["venues"]["sim-b"]["api_key"] == "", c["venues"]["sim-b"]
ev = json.load(open(f"{w}/events2.json"))["events"]
assert any("pair skipped" in e["text"] and "sim-c" in e["text"] for e in ev), ev[:5]
print("ok: sim-c disabled: 2 venues, 1 pair, risk without sim-c, secret masked")
PY
# Saving from the console goes to the same file (mode 0600); the running
# node is not changed.
code=$(curl -s -o "$work/save.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"venues":{"sim-c":{"enabled":true}}}' "$base/api/config")
[ "$code" = 200 ] || { cat "$work/save.json" >&2; fail "POST /api/config: $code"; }
grep -q '"changed":\["venues.sim-c.enabled"\]' "$work/save.json" || fail "POST /api/config: changed"
[ "$(stat -c %a "$work/data2/xarb.toml")" = 600 ] || fail "saved config not mode 0600"
grep -q 'ITEST-CREDENTIAL-93c1' "$work/data2/xarb.toml" || fail "the saved file lost the credential"
grep -q 'ITEST-CREDENTIAL-93c1' "$log" "$work/save.json" "$work/config2.json" \
  && fail "the credential leaked into the log or a reply"
kill -TERM "$pid"
set +e; wait "$pid"; rc=$?; set -e
pid=""
[ "$rc" = 0 ] || fail "exit code $rc after SIGTERM (saved config)"
echo "ok: <data_dir>/xarb.toml loaded without --config; POST /api/config saved to it"
