#!/usr/bin/env python3
"""A whole node on REAL venue adapters, served by local mocks (issue 9).

Two `xarb mock-venue` processes speak Binance's and OKX's public protocols
over loopback, both driven by the same simulated market (one seed, one start
time, venue rules of sim-a and sim-b, frequent dislocations). One `xarb run`
reads them as live venues ([venues.binance] / [venues.okx] market_data =
"live", ws_url/rest_url pointing at the mocks) and trades the BTC-PERP pair
between them on paper against their live books. Checked:

  1. both venues list, subscribe and sync: /readyz 200, /api/venues ready;
  2. the pair trades: fills on both venues, each with its fee, and
     /api/pnl adds up exactly (net = realized - fees + funding + unrealized);
  3. a withheld delta on Binance is a resync (/api/venues resyncs grows) and
     the venue is ready again;
  4. an OKX stall (socket open, nothing sent) makes its book stale: the venue
     is not ready, /readyz is 503, nothing fills on OKX while it is stale;
     after the stall everything is ready again;
  5. the mock CLI refuses an unknown venue (exit 2) and SIGTERM stops mocks
     and node cleanly (exit 0).

Usage: live_paper_test.py path/to/xarb
"""

import decimal
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from overlay import active_market, set_key  # noqa: E402

HOST = "127.0.0.1"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def http_get(port, path, timeout=5):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def http_post(port, path, timeout=5):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("POST", path, body=b"")
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def get_json(port, path):
    status, body = http_get(port, path)
    if status != 200:
        raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
    return json.loads(body)


def wait_for(what, fn, timeout=60.0, interval=0.2):
    end = time.time() + timeout
    last = None
    while time.time() < end:
        try:
            last = fn()
            if last:
                return last
        except (OSError, RuntimeError, ValueError) as e:
            last = e
        time.sleep(interval)
    check(False, f"{what} (within {timeout:.0f} s; last: {last!r})")
    return None


def free_port():
    import socket
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Mock:
    """One `xarb mock-venue` process; its port is read from its first line."""

    def __init__(self, xarb, work, venue, sim_venue, cfg):
        self.venue = venue
        self.log = open(os.path.join(work, f"mock-{venue}.log"), "w+b")
        self.proc = subprocess.Popen(
            [xarb, "mock-venue", "--venue", venue, "--config", cfg, "--sim-venue", sim_venue,
             "--symbols", "BTC,ETH", "--tick-ms", "20", "--listen", f"{HOST}:0"],
            stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+) \(ws://127\.0\.0\.1:\d+\)", line)
        if not m:
            raise RuntimeError(f"mock {venue}: unexpected first line {line!r}")
        self.port = int(m.group(1))

    def fault(self, query):
        status, body = http_post(self.port, "/__mock/fault?" + query)
        return status == 200 and json.loads(body).get("ok") is True

    def stats(self):
        return get_json(self.port, "/__mock/stats")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return -1


def venue_row(port, name):
    for v in get_json(port, "/api/venues")["venues"]:
        if v["name"] == name:
            return v
    return None


def main():
    xarb = sys.argv[1]
    work = tempfile.mkdtemp(prefix="xarb-live-paper-")
    mocks = []
    node = None
    try:
        # 5a. A bad venue is a usage error.
        rc = subprocess.run([xarb, "mock-venue", "--venue", "nope"], capture_output=True).returncode
        check(rc == 2, f"xarb mock-venue --venue nope exits 2 (got {rc})")

        # One market for both mocks: same seed, same start, dislocating often.
        start_ns = (time.time_ns() // 1_000_000_000 - 2) * 1_000_000_000
        mock_cfg = set_key(active_market(), "sim", "start_ts", str(start_ns))
        mock_path = os.path.join(work, "mock.toml")
        with open(mock_path, "w") as f:
            f.write(mock_cfg)
        binance = Mock(xarb, work, "binance", "sim-a", mock_path)
        mocks.append(binance)
        okx = Mock(xarb, work, "okx", "sim-b", mock_path)
        mocks.append(okx)
        check(True, f"mocks listening: binance :{binance.port}, okx :{okx.port}")

        # The node: the simulated venues off, the two mocks as live venues.
        text = active_market()
        for v in ("sim-a", "sim-b", "sim-c"):
            text = set_key(text, f"venues.{v}", "enabled", "false")
        for name, m in (("binance", binance), ("okx", okx)):
            text += (f'\n[venues.{name}]\nmarket_data = "live"\n'
                     f'ws_url = "ws://{HOST}:{m.port}"\nrest_url = "http://{HOST}:{m.port}"\n'
                     f'symbols = ["BTC-PERP"]\n')
        text += '\n[[pairs]]\nsymbol = "BTC-PERP"\nvenue_a = "binance"\nvenue_b = "okx"\n'
        cfg_path = os.path.join(work, "node.toml")
        with open(cfg_path, "w") as f:
            f.write(text)
        r = subprocess.run([xarb, "check-config", cfg_path], capture_output=True, text=True)
        check(r.returncode == 0, f"the node config is valid ({r.stdout.strip()} {r.stderr.strip()})")

        port = free_port()
        env = dict(os.environ)
        for k in ("XARB_API_TOKEN", "XARB_DATA_DIR", "XARB_LISTEN", "XARB_FAILPOINTS"):
            env.pop(k, None)
        node_log = open(os.path.join(work, "node.log"), "w+b")
        node = subprocess.Popen([xarb, "run", "--config", cfg_path, "--data-dir",
                                 os.path.join(work, "data"), "--listen", f"{HOST}:{port}"],
                                stdout=node_log, stderr=subprocess.STDOUT, env=env)

        # 1. Listing, subscriptions, sync.
        wait_for("/readyz is 200", lambda: http_get(port, "/readyz")[0] == 200, timeout=90)
        for name in ("binance", "okx"):
            row = wait_for(f"{name} is ready in /api/venues",
                           lambda n=name: (venue_row(port, n) or {}).get("state") == "ready"
                           and venue_row(port, n))
            if row:
                check(any(b["symbol"] == "BTC-PERP" for b in row["books"]),
                      f"{name} keeps the BTC-PERP book")
        syms = get_json(port, "/api/symbols")
        check("BTC-PERP" in json.dumps(syms) and "BTC-USDT-SWAP" in json.dumps(syms)
              and "BTCUSDT" in json.dumps(syms),
              "/api/symbols has the venues' native contracts (BTCUSDT, BTC-USDT-SWAP)")

        # 2. The pair trades on paper against both live books.
        def fills_on_both():
            fills = get_json(port, "/api/fills?limit=1000")["fills"]
            venues = {f["venue"] for f in fills}
            return fills if {"binance", "okx"} <= venues else None

        fills = wait_for("fills on both venues", fills_on_both, timeout=180, interval=1.0)
        if fills:
            check(all(decimal.Decimal(f["fee"]) > 0 for f in fills),
                  f"every fill carries its taker fee ({len(fills)} fills)")
            pnl = get_json(port, "/api/pnl")["total"]
            d = {k: decimal.Decimal(pnl[k]) for k in
                 ("realized", "fees", "funding", "unrealized", "net")}
            check(d["fees"] > 0, f"P&L counts fees ({pnl['fees']})")
            check(d["net"] == d["realized"] - d["fees"] + d["funding"] + d["unrealized"],
                  f"net = realized - fees + funding + unrealized exactly ({pnl})")

        # 3. A hole in Binance's update ids: one resync, then ready again.
        before = venue_row(port, "binance")["resyncs"]
        check(binance.fault("kind=gap&symbol=BTCUSDT"), "gap injected on binance")
        wait_for("binance resyncs after the gap",
                 lambda: venue_row(port, "binance")["resyncs"] > before, timeout=30)
        wait_for("binance ready after the resync",
                 lambda: venue_row(port, "binance")["state"] == "ready", timeout=30)

        # 4. OKX goes silent: stale, not ready, no orders to it.
        check(okx.fault("kind=stall"), "stall injected on okx")
        wait_for("okx not ready while stalled",
                 lambda: venue_row(port, "okx")["state"] != "ready", timeout=30)
        check(http_get(port, "/readyz")[0] == 503, "/readyz is 503 while okx is stale")
        t0 = time.time_ns()
        time.sleep(3)
        t1 = time.time_ns()
        stale_fills = [f for f in get_json(port, "/api/fills?limit=1000")["fills"]
                       if f["venue"] == "okx" and t0 <= int(f["ts_ns"]) <= t1]
        check(not stale_fills, f"nothing fills on okx while its book is stale ({len(stale_fills)})")
        check(okx.fault("kind=resume"), "okx resumed")
        wait_for("okx ready after the stall",
                 lambda: venue_row(port, "okx")["state"] == "ready", timeout=60)
        wait_for("/readyz is 200 again", lambda: http_get(port, "/readyz")[0] == 200, timeout=30)

        st = okx.stats()
        check(st["errors"] == 0 and st["ws_connections"] >= 1,
              f"okx mock: no protocol errors, {st['ws_connections']} connection(s)")

        # 5b. Clean stops.
        node.send_signal(signal.SIGTERM)
        rc = node.wait(timeout=60)
        check(rc == 0, f"node exits 0 on SIGTERM (got {rc})")
        node = None
        for m in mocks:
            rc = m.stop()
            check(rc == 0, f"mock {m.venue} exits 0 on SIGTERM (got {rc})")
        mocks = []
    finally:
        if node is not None and node.poll() is None:
            node.kill()
        for m in mocks:
            if m.proc.poll() is None:
                m.proc.kill()
        if failures:
            for name in os.listdir(work):
                if name.endswith(".log"):
                    tail = open(os.path.join(work, name), "rb").read()[-4000:]
                    print(f"--- {name} (tail)\n{tail.decode(errors='replace')}")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
