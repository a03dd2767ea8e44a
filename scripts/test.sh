#!/usr/bin/env bash
# The tests, as CI runs them (.ci/run calls this, nothing else):
#   1. builds careloop with its test suites in build/ and runs them all with CTest: unit,
#      integration (real RocksDB, real files), end to end on the embedded broker (kcat,
#      a real Prometheus, headless Chromium), broker/storage faults, and the crash
#      harness in its short form (200,000 events, 3 SIGKILLs);
#   2. the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#      (scripts/sanitize.sh, build-asan/; the crash harness aside);
#   3. a short fuzz run of every decoder and loader (scripts/fuzz.sh, clang-14 libFuzzer
#      under ASan+UBSan, build-fuzz/);
#   4. the benchmarks' short form, to check that it runs (benchmarks/run --short, built
#      into build/ so that only the harness compiles; no figure is checked: no test
#      depends on speed; the figures of record come from `benchmarks/run`, Release).
# CARELOOP_TEST_QUICK=1 runs step 1 only. Arguments go to the first ctest run.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
scripts/setup.sh -DCARELOOP_BUILD_TESTS=ON
(cd build && ctest --output-on-failure --timeout 1800 "$@")
echo "test.sh: suite passed ($((SECONDS - start)) s so far)"
if [ "${CARELOOP_TEST_QUICK:-0}" = 1 ]; then exit 0; fi
scripts/sanitize.sh
echo "test.sh: sanitizer suite passed ($((SECONDS - start)) s so far)"
scripts/fuzz.sh 20
echo "test.sh: fuzz run clean ($((SECONDS - start)) s so far)"
BENCH_BUILD_DIR=build BENCH_REUSE_BUILD=1 benchmarks/run --short --out build/bench-short.json
echo "test.sh: all passed in $((SECONDS - start)) s"
