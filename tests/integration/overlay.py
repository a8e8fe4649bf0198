"""Config overlays shared by the integration tests (crash harness, API
test): the embedded default (deploy/xarb.example.toml is exactly it) edited
so that the simulated market trades actively, plus a TOML key setter."""

import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "..", "deploy", "xarb.example.toml")

# Frequent, wide dislocations and a short signal window: entries within
# seconds; short holds: round trips close quickly.
ACTIVE_MARKET = [
    (r"(?m)^dislocation_per_hour = [0-9.]+", "dislocation_per_hour = 900.0"),
    (r"(?m)^dislocation_bps = [0-9.]+", "dislocation_bps = 60.0"),
    (r"(?m)^window = 240\b", "window = 20"),
    (r"(?m)^sample_interval_ms = 250\b", "sample_interval_ms = 100"),
    (r"(?m)^max_hold_s = 1800\b", "max_hold_s = 6"),
    (r"(?m)^min_profit_bps = 2.0\b", "min_profit_bps = 0.5"),
]


def active_market(extra=()):
    """The example config with ACTIVE_MARKET and `extra` (pattern,
    replacement) substitutions; raises ValueError when a pattern no longer
    matches the example (the overlay must not silently stop applying)."""
    text = open(EXAMPLE).read()
    for pattern, repl in list(ACTIVE_MARKET) + list(extra):
        text, n = re.subn(pattern, repl, text)
        if n == 0:
            raise ValueError(f"overlay: '{pattern}' not found in {EXAMPLE}")
    return text


def set_key(text, section, key, value):
    """Sets `key = value` in [section] of a TOML text: replaces the line if
    the key is there, else adds it right after the section header."""
    m = re.search(r"(?m)^\[" + re.escape(section) + r"\]\s*$", text)
    if not m:
        return text + f"\n[{section}]\n{key} = {value}\n"
    nxt = re.search(r"(?m)^\[", text[m.end():])
    end = m.end() + (nxt.start() if nxt else len(text) - m.end())
    body = text[m.end():end]
    body, n = re.subn(r"(?m)^" + re.escape(key) + r"\s*=.*$", f"{key} = {value}", body, count=1)
    if n == 0:
        body = f"\n{key} = {value}" + body
    return text[:m.end()] + body + text[end:]
