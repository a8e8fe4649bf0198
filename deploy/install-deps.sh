#!/usr/bin/env bash
# Installs exactly the Debian 12 packages xarb needs to build, test and run.
# Idempotent: packages already installed are skipped and `apt-get update`
# runs only when something is missing.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache make
  # libraries
  libcaf-dev libboost1.81-dev libssl-dev libsimdjson-dev librocksdb-dev
  prometheus-cpp-dev libfmt-dev libspdlog-dev libtomlplusplus-dev libcli11-dev
  doctest-dev libbenchmark-dev zlib1g-dev
  # test tools: promtool (from prometheus), curl for the integration test
  prometheus curl python3
  # the browser console (web/ui: Vite + TypeScript) and its browser tests:
  # Node.js with npm, Debian's Chromium driven by playwright-core, nginx in front
  nodejs chromium fonts-dejavu-core nginx
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Debian's own nodejs package ships npm separately; NodeSource's includes it
# (and conflicts with Debian's npm): npm is installed after nodejs, if absent.
need_npm() { ! command -v npm >/dev/null; }

if [ ${#missing[@]} -eq 0 ] && ! need_npm; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]} $(need_npm && echo npm)" >&2
  echo "install-deps: run as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if need_npm; then
  echo "install-deps: installing npm"
  apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
echo "install-deps: done"
