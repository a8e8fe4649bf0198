#!/usr/bin/env python3
"""Crash harness (issue 5): kill -9 a trading node again and again, restart it,
and prove that it always comes back knowing exactly what it holds.

    crash_harness.py path/to/xarb [--kills N] [--seed S] [--keep]

The node runs the embedded default market (simulated venues, paper execution)
with an overlay that makes it trade actively: frequent, larger dislocations, a
short signal window, short holding times, five pairs whose contracts no other
pair shares (so each venue position belongs to one pair leg), two of them
maker_taker (resting orders, a hedge after every maker fill). The simulated
venues keep their order flow in DATA_DIR/sim and are rebuilt from it at each
start, so they survive the node like real exchanges.

Kills: >= N SIGKILLs at random moments (some during start-up), plus failpoints
(XARB_FAILPOINTS, actors/failpoint.hpp) that make the node SIGKILL itself
right after a hedge order left (inside a hedge), between the two legs of an
entry (an orphan leg) and with a fill only the venue knows.

After every restart: the node reconciles each pair leg with its venue; when
no fill happened between the last sample before the kill and the restart,
each pair's P&L from fills (realized - fees) and positions must be exactly
what they were (P&L continuous); funding settles every minute (also while
the node is down) and is checked against the venues at the end.

At the end (trading halted with the kill switch, node stopped cleanly), the
venues' own records (`xarb sim-state`) are compared with the node's journal
(`xarb export fills`) and its status:
  - no client order id was ever submitted twice to a venue;
  - every venue fill of our orders is in the journal exactly once, and the
    journal has no fill the venue does not have (no fill lost or invented);
  - every pair leg's position, realized P&L, fees and funding equal the
    venue's own position record, to the last 1e-9;
  - neither reconciliation nor the risk guard's position audit ever found the
    books and the venues disagreeing.
Prints the numbers it measured; exits 1 with the log tail on any failure.
"""

import argparse
import csv
import io
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal

import overlay

HERE = os.path.dirname(os.path.abspath(__file__))

PAIRS = [
    ("BTC-PERP", "sim-a", "sim-b", "taker_taker"),
    ("ETH-PERP", "sim-b", "sim-c", "taker_taker"),
    ("SOL-PERP", "sim-a", "sim-c", "maker_taker"),
    ("DOGE-PERP", "sim-a", "sim-b", "maker_taker"),
    ("PEPE-PERP", "sim-b", "sim-c", "taker_taker"),
]


class Failure(Exception):
    pass


def overlay_config(path):
    """The embedded default (deploy/xarb.example.toml is exactly it) with an
    active market and the five pairs above."""
    # Funding every minute: settlements happen while the node is down too.
    try:
        text = overlay.active_market(
            [(r"(?m)^funding_interval_s = [0-9]+", "funding_interval_s = 60")])
    except ValueError as e:
        raise Failure(str(e))
    for sym, a, b, style in PAIRS:
        text += (f'\n[[pairs]]\nsymbol = "{sym}"\nvenue_a = "{a}"\nvenue_b = "{b}"\n'
                 f'style = "{style}"\n')
    with open(path, "w") as f:
        f.write(text)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http(method, url, token=None, timeout=3.0):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.read()


def booked(pair):
    return sum(Decimal(l["realized"]) - Decimal(l["fees"]) + Decimal(l["funding"])
               for l in pair["legs"])


def traded(pair):
    """Booked P&L of the fills alone (realized - fees): funding settles on its
    own clock, also while the node is down."""
    return sum(Decimal(l["realized"]) - Decimal(l["fees"]) for l in pair["legs"])


class Node:
    def __init__(self, xarb, cfg, data, port, token, log_path, failpoints=None):
        env = dict(os.environ, XARB_API_TOKEN=token)
        env.pop("XARB_FAILPOINTS", None)
        if failpoints:
            env["XARB_FAILPOINTS"] = failpoints
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [xarb, "run", "--config", cfg, "--listen", f"127.0.0.1:{port}", "--data-dir", data],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def alive(self):
        return self.proc.poll() is None

    def text(self):
        if not self.log.closed:
            self.log.flush()
        return open(self.log_path, errors="replace").read()

    def wait_ready(self, timeout=90):
        end = time.time() + timeout
        while time.time() < end:
            if not self.alive():
                return False
            try:
                if http("GET", self.base + "/readyz", timeout=1)[0] == 200:
                    return True
            except Exception:
                pass
            time.sleep(0.1)
        raise Failure("node never became ready")

    def wait_reconciled(self, legs, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            if not self.alive():
                return False
            if len(re.findall(r": reconciled sim-", self.text())) >= legs:
                return True
            time.sleep(0.1)
        raise Failure(f"the pairs did not reconcile {legs} legs within {timeout} s")

    def status(self):
        return json.loads(http("GET", self.base + "/api/status")[1])

    def kill(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def stop(self, timeout=30):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=timeout)
        self.log.close()
        return rc


def snapshot(status):
    return {p["id"]: {"traded": traded(p), "fills": p["fills"],
                      "funding": tuple(l["funding"] for l in p["legs"]),
                      "qty": tuple(l["qty"] for l in p["legs"])}
            for p in status["pairs"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("xarb")
    ap.add_argument("--kills", type=int, default=24)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="xarb-crash-")
    cfg = os.path.join(work, "crash.toml")
    data = os.path.join(work, "data")
    token = "crash-" + os.urandom(12).hex()
    port = free_port()
    legs = 2 * len(PAIRS)
    print(f"crash harness: seed {args.seed}, {args.kills} kills, work dir {work}")
    last_log = None
    counts = {"random": 0, "startup": 0, "hedge_sent": 0, "entry_leg_sent": 0,
              "fill_unjournaled": 0, "continuity_exact": 0, "continuity_skipped": 0,
              "funding_changed": 0}
    try:
        overlay_config(cfg)
        before = None   # last sample before the previous kill
        cycle = 0
        while cycle < args.kills:
            kind = "random"
            if cycle % 8 == 7:
                kind = "startup"
            elif cycle % 3 == 1:
                kind = "hedge_sent"
            elif cycle % 6 == 2:
                kind = "fill_unjournaled"
            elif cycle % 6 == 5:
                kind = "entry_leg_sent"
            failpoints = None
            if kind == "hedge_sent":
                failpoints = "hedge_sent=1"
            elif kind == "entry_leg_sent":
                failpoints = "entry_leg_sent=1"
            elif kind == "fill_unjournaled":
                failpoints = f"fill_unjournaled={rnd.randint(2, 6)}"
            last_log = os.path.join(work, f"node-{cycle:02d}.log")
            node = Node(args.xarb, cfg, data, port, token, last_log, failpoints)
            if kind == "startup":
                # Anywhere in start-up: replay, journal load, reconciliation.
                time.sleep(rnd.uniform(0.05, 1.5))
                node.kill()
                counts["startup"] += 1
                cycle += 1
                before = None
                continue
            if not node.wait_ready() or not node.wait_reconciled(legs):
                text = node.text()
                node.kill()
                if failpoints and "failpoint" in text:
                    # Died by its failpoint before it was even reconciled:
                    # a kill like any other.
                    counts[kind] += 1
                    cycle += 1
                    before = None
                    continue
                raise Failure("node exited during start-up")
            after = snapshot(node.status())
            if before is not None:
                for pid, b in before.items():
                    a = after.get(pid)
                    if a is None:
                        raise Failure(f"pair {pid} missing after restart")
                    if a["funding"] != b["funding"]:
                        counts["funding_changed"] += 1
                    if a["fills"] == b["fills"]:
                        if a["traded"] != b["traded"] or a["qty"] != b["qty"]:
                            raise Failure(f"P&L not continuous for {pid}: before the kill "
                                          f"{b}, after the restart {a}")
                        counts["continuity_exact"] += 1
                    elif a["fills"] < b["fills"]:
                        raise Failure(f"pair {pid} lost fills across the restart: {b} -> {a}")
                    else:
                        counts["continuity_skipped"] += 1
            # Trade, sampling, until the failpoint fires or the random moment.
            deadline = time.time() + (rnd.uniform(0.5, 4.0) if kind == "random" else 25.0)
            before = None
            while time.time() < deadline and node.alive():
                try:
                    before = snapshot(node.status())
                except Exception:
                    pass  # died meanwhile
                time.sleep(rnd.uniform(0.05, 0.3))
            died_alone = not node.alive()
            node.kill()
            if died_alone:
                if f"failpoint {kind} reached" not in node.text():
                    raise Failure(f"node died on its own in cycle {cycle} ({kind})")
                counts[kind] += 1
            else:
                counts["random"] += 1
            cycle += 1

        # -- final: restart, reconcile, halt everything, stop cleanly --------------
        last_log = os.path.join(work, "node-final.log")
        node = Node(args.xarb, cfg, data, port, token, last_log)
        if not node.wait_ready() or not node.wait_reconciled(legs):
            raise Failure("final start failed")
        code, _ = http("POST", node.base + "/api/halt?reason=crash-harness", token)
        if code != 202:
            raise Failure(f"/api/halt answered {code}")
        time.sleep(4.0)   # cancels answered, IOCs done
        held = node.status()
        if any(Decimal(l["qty"]) != 0 for p in held["pairs"] for l in p["legs"]):
            # The positions are held: let one funding settlement (every minute)
            # happen, so that funding is part of the final comparison.
            time.sleep(60.0 - time.time() % 60.0 + 3.0)
        final = node.status()
        rc = node.stop()
        if rc != 0:
            raise Failure(f"final stop exited {rc}")

        sim = json.loads(subprocess.run(
            [args.xarb, "sim-state", "--config", cfg, "--data-dir", data],
            check=True, capture_output=True, text=True).stdout)
        fills_csv = subprocess.run(
            [args.xarb, "export", "fills", "--data-dir", data],
            check=True, capture_output=True, text=True).stdout
        journal = list(csv.DictReader(io.StringIO(fills_csv)))

        # 1. No client order id submitted twice.
        submits = sum(v["submits"] for v in sim["venues"])
        dups = [d for v in sim["venues"] for d in v["duplicate_submits"]]
        if dups:
            raise Failure(f"client order ids submitted twice: {dups[:10]}")
        # 2. Every venue fill journaled exactly once, nothing invented.
        venue_fills = {(v["name"], f["fill_id"]): f for v in sim["venues"] for f in v["fills"]}
        seen = {}
        for row in journal:
            key = (row["venue"], row["fill_id"])
            seen[key] = seen.get(key, 0) + 1
        lost = [k for k in venue_fills if seen.get(k, 0) == 0]
        twice = [k for k, n in seen.items() if n > 1]
        invented = [k for k in seen if k not in venue_fills]
        if lost or twice or invented:
            raise Failure(f"fills: lost {lost[:5]}, journaled twice {twice[:5]}, not at the "
                          f"venue {invented[:5]}")
        # 3. Positions and P&L equal the venues' own records.
        venue_pos = {(v["name"], p["symbol"]): p for v in sim["venues"] for p in v["positions"]}
        for p in final["pairs"]:
            for leg in p["legs"]:
                vp = venue_pos[(leg["venue"], p["symbol"])]
                for field, vfield in (("qty", "qty"), ("realized", "realized"),
                                      ("fees", "fees"), ("funding", "funding")):
                    if Decimal(leg[field]) != Decimal(vp[vfield]):
                        raise Failure(f"{p['id']} {leg['venue']}: {field} {leg[field]} but the "
                                      f"venue says {vp[vfield]}")
        all_logs = "".join(open(os.path.join(work, f), errors="replace").read()
                           for f in sorted(os.listdir(work)) if f.endswith(".log"))
        recovered = sum(int(n) for n in
                        re.findall(r"reconciled sim-[a-z]+: (\d+) fills recovered", all_logs))
        kills = sum(counts[k] for k in ("random", "startup", "hedge_sent", "entry_leg_sent",
                                        "fill_unjournaled"))
        print(f"kills: {kills} (random {counts['random']}, during start-up {counts['startup']}, "
              f"inside a hedge {counts['hedge_sent']}, between entry legs "
              f"{counts['entry_leg_sent']}, with an unjournaled fill {counts['fill_unjournaled']})")
        print(f"venues: {submits} orders submitted, none twice; {len(venue_fills)} fills, all "
              f"journaled once; {recovered} fills recovered from the venues by reconciliation")
        print(f"P&L continuity: {counts['continuity_exact']} pair restarts exact, "
              f"{counts['continuity_skipped']} with fills in between (checked at the end); "
              f"funding settled across {counts['funding_changed']} pair restarts")
        payments = sum(len(v["funding"]) for v in sim["venues"])
        print(f"funding: {payments} settlements at the venues, every pair leg's funding equal "
              f"to its venue's")
        net = sum(booked(p) for p in final["pairs"])
        print(f"final: {len(final['pairs'])} pairs agree with the venues (qty, realized, fees, "
              f"funding); booked P&L {net}")
        if kills < 20:
            raise Failure(f"only {kills} kills")
        if counts["hedge_sent"] < 3:
            raise Failure(f"only {counts['hedge_sent']} kills inside a hedge")
        if len(venue_fills) < 50:
            raise Failure(f"not active enough: {len(venue_fills)} fills")
        if counts["continuity_exact"] < 5:
            raise Failure("too few restarts checked for P&L continuity")
        if "reconciliation: " in all_logs and "pair REDUCING" in all_logs:
            raise Failure("a reconciliation disagreement after a restart")
        if "position audit: " in all_logs:
            raise Failure("the position audit found books that do not add up")
        print("ok: crash harness")
        return 0
    except (Failure, subprocess.CalledProcessError) as e:
        print(f"FAIL: {e}", file=sys.stderr)
        if last_log and os.path.exists(last_log):
            print("---- node log (tail) ----", file=sys.stderr)
            print("".join(open(last_log, errors="replace").readlines()[-60:]), file=sys.stderr)
        args.keep = True
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work dir kept: {work}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
