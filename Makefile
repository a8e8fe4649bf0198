# xarb — two commands on a fresh Debian 12 machine (as root): `make run`, `make test`.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
ARGS ?=

.PHONY: all deps build ui run test bench clean debug asan

all: build

deps:
	@bash deploy/install-deps.sh

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

# The browser console (web/ui -> web/ui/dist, served by the node), rebuilt
# only when its sources changed.
ui: deps
	@bash deploy/build-ui.sh

run: build ui
	./build/release/nodes/xarb run $(ARGS)

asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

# Every test, built with AddressSanitizer + UBSan and -Werror.
test: asan ui
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --preset asan -j $(JOBS)

bench: build
	@for b in build/release/bench/bench_*; do echo "== $$b"; $$b --benchmark_repetitions=5 --benchmark_report_aggregates_only=true; done

debug: deps
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug -j $(JOBS)

clean:
	rm -rf build web/ui/dist
