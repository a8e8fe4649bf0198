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
  doctest-dev libbenchmark-dev
  # test tools: promtool (from prometheus), curl for the integration test
  prometheus curl python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
