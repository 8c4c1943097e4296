# ipoc: thin wrapper over Meson. Every target first installs what is missing
# (ci/install-deps, apt-get) and configures the build folder if needed.
#   make run    build, then the main job on the bundled reference engine:
#               the conformance suite, every known-answer vector and the
#               whole capture corpus; `make run ENGINE=./libvendor.so` on
#               another engine
#   make check  build, then every test suite, plain and under ASan+UBSan
#   make fuzz   a short fuzzing campaign on every fuzz target (ipoc fuzz):
#               TARGET=parse_keys for one, FUZZ_TIME=S seconds per target
#               (30), FUZZER=afl (libfuzzer), JOBS=N cores (1),
#               ENGINE=./libvendor.so (an instrumented engine); results in
#               fuzz-campaigns/
#   make fuzz-bench  exec/s and coverage of every fuzz target: one
#               libFuzzer campaign of FUZZ_BENCH_TIME seconds (600) per
#               target on one core, two side by side (a benchmark, not a
#               test); FUZZ_BENCH_JSON=FILE keeps the figures
#   make clean  remove the build folders

BUILD ?= build
ENGINE ?=
ASAN_BUILD ?= build-asan
TARGET ?= all
FUZZ_TIME ?= 30
FUZZER ?= libfuzzer
JOBS ?= 1
FUZZ_BENCH_TIME ?= 600
FUZZ_BENCH_JSON ?=
MESON ?= meson
SAN_ENV = ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1 \
          UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1

.PHONY: all deps build build-asan run bench speed-report dpdk-reports check fuzz fuzz-bench clean

all: build

deps:
	@ci/install-deps

build: deps
	@test -f $(BUILD)/build.ninja || $(MESON) setup $(BUILD)
	$(MESON) compile -C $(BUILD)

build-asan: deps
	@test -f $(ASAN_BUILD)/build.ninja || \
		$(MESON) setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false
	$(MESON) compile -C $(ASAN_BUILD)

run: build
	@/usr/bin/python3 ci/main_job.py $(BUILD) $(if $(ENGINE),--engine $(ENGINE))

# Throughput beside raw OpenSSL EVP and raw intel-ipsec-mb, on ref-mb (else
# ref); a benchmark, not part of check.
bench: build
	./$(BUILD)/harness/ipoc bench

# Both bundled engines' bench tables and replay figures in one run, as
# Markdown (speed-report.md); minutes, on an idle machine.
speed-report: build
	/usr/bin/python3 harness/bench/speed_report.py --out speed-report.md

# The committed reports of the DPDK engine (engine/dpdk/reports/), one per
# crypto device: validate's HTML, JSON and JUnit. validate exits 1 on the
# documented findings (engine/dpdk/FINDINGS.md); 2 or 3 stop here.
DPDK_ENGINE = $(BUILD)/engine/dpdk/libipoc_dpdk.so
dpdk-reports: build
	@for d in crypto_aesni_mb crypto_openssl; do \
		r=engine/dpdk/reports/$$d; \
		IPOC_DPDK_DEVICE=$$d ./$(BUILD)/harness/ipoc validate --engine $(DPDK_ENGINE) \
			--html $$r.html --json $$r.json --junit $$r.junit.xml --no-repro --quiet; \
		rc=$$?; [ $$rc -le 1 ] || exit $$rc; \
	done

check: build build-asan
	$(MESON) test -C $(BUILD) --print-errorlogs || true
	$(SAN_ENV) $(MESON) test -C $(ASAN_BUILD) --print-errorlogs || true
	@/usr/bin/python3 ci/summary.py $(BUILD) $(ASAN_BUILD)

# Builds build-fuzz-libfuzzer/ (or build-fuzz-afl/ and its CMPLOG twin) as
# needed; exit 1 when a campaign filed a crash.
fuzz: build
	./$(BUILD)/harness/ipoc fuzz $(TARGET) --fuzzer $(FUZZER) --time $(FUZZ_TIME) \
		--jobs $(JOBS) $(if $(ENGINE),--engine $(ENGINE))

fuzz-bench: deps
	/usr/bin/python3 fuzz/bench.py --time $(FUZZ_BENCH_TIME) \
		$(if $(FUZZ_BENCH_JSON),--json $(FUZZ_BENCH_JSON)) $(if $(filter-out all,$(TARGET)),$(TARGET))

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz-libfuzzer build-fuzz-afl build-fuzz-afl-cmplog
