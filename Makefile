# Two commands do everything on a fresh Debian 12 machine:
#   make run    install what is missing, build, make dev certificates, serve the example policy
#   make test   install what is missing, build, run every test
PRESET ?= release
BUILD_DIR := build/$(PRESET)
BINARY := $(BUILD_DIR)/server/launchguard
JOBS ?= $(shell nproc)

LISTEN ?= 127.0.0.1:8443
OPS_LISTEN ?= 127.0.0.1:9090
POLICY ?= deploy/examples/policy.yaml

.PHONY: all deps configure build run test test-asan test-tsan test-fuzz fuzz certs docs emulate bench format clean

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS)

certs: dev-certs/tls.crt

dev-certs/tls.crt: scripts/dev-certs
	@scripts/dev-certs dev-certs

run: build certs
	$(BINARY) serve --config $(POLICY) \
	  --tls-cert dev-certs/tls.crt --tls-key dev-certs/tls.key \
	  --listen $(LISTEN) --ops-listen $(OPS_LISTEN) --state-dir build/launchguard-state

# Every test: the suite on the release build, then the whole suite again under ASan and UBSan,
# the integration tests under TSan (they drive the real server binary, so its threads are
# checked), and a short run of each fuzz target (docs/fuzzing.md).
test: build
	@ctest --preset $(PRESET) -j $(JOBS)
	@$(MAKE) --no-print-directory test-asan test-tsan test-fuzz

test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan -j $(JOBS)

test-tsan: deps
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS)
	@ctest --preset tsan -j $(JOBS)

test-fuzz: deps
	@cmake --preset fuzz -DLAUNCHGUARD_FUZZ_SECONDS=10 >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@ctest --preset fuzz -j $(JOBS)

# Longer fuzzing: every target for FUZZ_SECONDS, one after the other.
FUZZ_SECONDS ?= 600
fuzz: deps
	@cmake --preset fuzz -DLAUNCHGUARD_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@ctest --preset fuzz -j 1

# Replays the adversary emulation scenarios of tests/emulation/ against a fresh local server.
emulate: build
	@scripts/emulate $(BINARY)

# The side-by-side benchmarks of docs/benchmarks.md (several minutes; run on an idle machine).
bench: deps
	@bench/run

# Regenerates docs/rules.md from the rule catalog (a test fails when it is stale).
docs: build
	@$(BINARY) rules --format markdown > docs/rules.md

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
