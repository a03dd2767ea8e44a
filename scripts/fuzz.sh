#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang-14 and runs each for a while.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 30)
#
# Installs clang-14 and libclang-rt-14-dev with apt-get when they are missing, configures
# a separate clang build in build-fuzz/ (BUILD_DIR= to change it) with only the fuzz
# targets and the libraries they need, then runs fuzz_event_decoder, fuzz_rules_yaml and
# fuzz_workflow_yaml in turn (TARGETS="..." to choose) for SECONDS_PER_TARGET each. Each
# runs over a working copy of its seed corpus (fuzz/corpus/<target>/ copied into
# BUILD_DIR/corpus/<target>/, where new inputs accumulate from run to run; the seeds in
# the repository are never changed). A crash, sanitizer report, broken invariant, leak or
# hang (over 10 s on one input) stops that target and saves the input as
# fuzz/crashes/<target>-crash-<sha1> (or leak-, timeout-, oom-); reproduce with
#   BUILD_DIR/fuzz/<target> fuzz/crashes/<file>
# Exit status: 0 when no target found anything, 1 otherwise (2 for a setup failure).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_TARGET="${1:-30}"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-fuzz}"
TARGETS="${TARGETS:-fuzz_event_decoder fuzz_rules_yaml fuzz_workflow_yaml}"
JOBS="${JOBS:-2}"

if ! [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || [ "$SECONDS_PER_TARGET" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2
  exit 2
fi

# --- clang-14 with libFuzzer ---------------------------------------------------------
missing=()
command -v clang++-14 >/dev/null 2>&1 || missing+=(clang-14)
dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || missing+=(libclang-rt-14-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "fuzz.sh: installing ${missing[*]} with apt-get"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
fi

# --- build ---------------------------------------------------------------------------
CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCARELOOP_BUILD_FUZZERS=ON -DCARELOOP_BUILD_TESTS=OFF >/dev/null
# shellcheck disable=SC2086
cmake --build "$BUILD_DIR" -j "$JOBS" --target $TARGETS

# --- run -----------------------------------------------------------------------------
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
mkdir -p "$ROOT/fuzz/crashes" "$BUILD_DIR/fuzz-logs"
status=0
summary=()
for target in $TARGETS; do
  dict="$ROOT/fuzz/yaml.dict"
  [ "$target" = fuzz_event_decoder ] && dict="$ROOT/fuzz/json.dict"
  corpus="$BUILD_DIR/corpus/$target"
  mkdir -p "$corpus"
  cp -n "$ROOT/fuzz/corpus/$target/"* "$corpus/" 2>/dev/null || true
  log="$BUILD_DIR/fuzz-logs/$target.log"
  echo "== $target: ${SECONDS_PER_TARGET}s over $(ls "$corpus" | wc -l) inputs (log: $log)"
  set +e
  "$BUILD_DIR/fuzz/$target" "$corpus" -dict="$dict" -max_total_time="$SECONDS_PER_TARGET" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$ROOT/fuzz/crashes/$target-" >"$log" 2>&1
  rc=$?
  set -e
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  if [ "$rc" -eq 0 ]; then
    result="ok"
  else
    status=1
    artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
    result="FOUND A PROBLEM (exit $rc): ${artifact:-see $log}"
    grep -m1 -E "ERROR: |runtime error|invariant failed|reason leaks" "$log" || true
  fi
  summary+=("$(printf '%-20s runs %-10s exec/s %-7s cov %-6s %s' "$target" "${runs:-?}" \
    "${speed:-?}" "${cov:-?}" "$result")")
done

echo
printf '%s\n' "${summary[@]}"
exit "$status"
