#!/usr/bin/env bash
# Builds careloop with AddressSanitizer and UndefinedBehaviorSanitizer (g++,
# -DCARELOOP_SANITIZE=ON) in build-asan/ and runs the test suites under them.
#
#   scripts/sanitize.sh [CTEST_ARGS...]        e.g. scripts/sanitize.sh -L unit
#
# BUILD_DIR= changes the build directory; TARGETS="test_decode test_rules" builds only
# those test executables and runs only their tests (default: everything, all tests);
# JOBS= sets the build parallelism (default 2). Any sanitizer report fails the test that
# produced it (halt_on_error), so the exit status is ctest's: 0 when every test passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-asan}"
JOBS="${JOBS:-2}"
TARGETS="${TARGETS:-}"

cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCARELOOP_SANITIZE=ON \
  -DCARELOOP_BUILD_TESTS=ON >/dev/null
ctest_filter=()
if [ -n "$TARGETS" ]; then
  # shellcheck disable=SC2086
  cmake --build "$BUILD_DIR" -j "$JOBS" --target $TARGETS
  ctest_filter=(-R "^($(echo "$TARGETS" | tr -s ' ' '|'))\$")
else
  cmake --build "$BUILD_DIR" -j "$JOBS"
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd "$BUILD_DIR"
ctest --output-on-failure "${ctest_filter[@]}" "$@"
