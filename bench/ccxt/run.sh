#!/usr/bin/env bash
# xarb vs ccxt pro (binanceusdm) on the same Binance USD-M depth stream
# (docs/BENCHMARKS.md, "Venue codecs (issue 9)"):
#   1. loopback: a Binance mock venue (bench_md_stream --serve: SYMBOLS
#      perpetuals x HZ book updates a second, delivered every TICK_MS) read
#      by xarb (venues/net + Binance codec + feed_sync + order_book) and then
#      by ccxt (watchOrderBookForSymbols), one after the other, each for
#      SECS seconds after WARMUP seconds: messages/s and process CPU per
#      message;
#   2. replay: one recorded session of that stream (listing, REST snapshots,
#      frames) decoded and applied as fast as possible by both, REPEAT times.
# Prints a table with the CPU-per-message ratio ccxt / xarb.
#
# Needs build/release/bench/bench_md_stream (cmake --build build/release
# --target bench_md_stream) and node + npm; `npm ci` installs the pinned ccxt
# from package-lock.json once (offline: the ccxt side is skipped).
# Everything listens on and connects to 127.0.0.1 only.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bench=${BENCH_MD_STREAM:-$root/build/release/bench/bench_md_stream}
SYMBOLS=${SYMBOLS:-100}
HZ=${HZ:-200}
TICK_MS=${TICK_MS:-1}
SECS=${SECS:-10}
WARMUP=${WARMUP:-3}
RECORD_SECS=${RECORD_SECS:-5}
REPEAT=${REPEAT:-3}

if [[ ! -x $bench ]]; then
  echo "run.sh: $bench not found; build it: cmake --build build/release --target bench_md_stream" >&2
  exit 1
fi

ccxt=1
if [[ ! -d $here/node_modules/ccxt ]]; then
  if ! (cd "$here" && npm ci --no-audit --no-fund >&2); then
    echo "run.sh: npm ci failed (offline?): the ccxt side is skipped" >&2
    ccxt=0
  fi
fi
if ! command -v node >/dev/null; then
  echo "run.sh: node not found: the ccxt side is skipped" >&2
  ccxt=0
fi

work=$(mktemp -d)
mock_pid=
cleanup() {
  [[ -n $mock_pid ]] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$bench" --serve --listen 127.0.0.1:0 --symbols "$SYMBOLS" --hz "$HZ" --tick-ms "$TICK_MS" \
  >"$work/mock.log" 2>&1 &
mock_pid=$!
url=
for _ in $(seq 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/mock.log" | head -1 || true)
  [[ -n $url ]] && break
  sleep 0.1
done
if [[ -z $url ]]; then
  echo "run.sh: the mock did not start:" >&2
  cat "$work/mock.log" >&2
  exit 1
fi
echo "mock: $url, $SYMBOLS perpetuals x $HZ updates/s, tick ${TICK_MS} ms" >&2

results=$work/results
: >"$results"
run() { # label command...
  local label=$1
  shift
  local line
  line=$("$@" 2>"$work/err.log" | grep '^RESULT' | tail -1 || true)
  if [[ -z $line ]]; then
    echo "run.sh: $label produced no result:" >&2
    tail -5 "$work/err.log" >&2
    return 0
  fi
  echo "$line" | tee -a "$results" >&2
}

run "xarb loopback" "$bench" --url "$url" --warmup "$WARMUP" --seconds "$SECS"
if ((ccxt)); then
  run "ccxt loopback" timeout $((SECS + WARMUP + 60)) node "$here/ccxt_bench.js" loopback \
    --url "$url" --warmup "$WARMUP" --seconds "$SECS"
fi
"$bench" --url "$url" --warmup 0 --seconds "$RECORD_SECS" --record "$work/session.txt" \
  >/dev/null 2>&1
echo "recorded $(grep -c '^W' "$work/session.txt") frames" >&2
run "xarb replay" "$bench" --replay "$work/session.txt" --repeat "$REPEAT"
if ((ccxt)); then
  run "ccxt replay" node "$here/ccxt_bench.js" replay "$work/session.txt" --repeat "$REPEAT"
fi

awk '
  function field(name,   i, kv) {
    for (i = 1; i <= NF; ++i) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
    return ""
  }
  { side = field("side"); mode = field("mode")
    rate[mode, side] = field("msgs_per_s"); cpu[mode, side] = field("cpu_us_per_msg")
    applied[mode, side] = field("applied"); msgs[mode, side] = field("msgs") }
  END {
    printf "%-9s %-5s %10s %12s %14s\n", "mode", "side", "msgs", "msgs/s", "CPU us/msg"
    split("loopback replay", modes, " ")
    for (m = 1; m <= 2; ++m) {
      for (s = 1; s <= 2; ++s) {
        side = s == 1 ? "xarb" : "ccxt"
        if ((modes[m], side) in cpu)
          printf "%-9s %-5s %10s %12s %14s\n", modes[m], side, msgs[modes[m], side],
                 rate[modes[m], side], cpu[modes[m], side]
      }
      if ((modes[m], "xarb") in cpu && (modes[m], "ccxt") in cpu && cpu[modes[m], "xarb"] > 0)
        printf "%-9s ratio ccxt/xarb CPU per message: %.1fx\n", modes[m],
               cpu[modes[m], "ccxt"] / cpu[modes[m], "xarb"]
    }
  }' "$results"
