#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang-14 under ASan+UBSan and runs each for a
# while over its seed corpus. Works on a fresh Debian 12 machine.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 30: the CI form, 2 min of fuzzing)
#
# Installs with apt-get what is missing: clang-14 (the compiler), libclang-rt-14-dev
# (libFuzzer itself, libclang_rt.fuzzer*.a, and the ASan/UBSan runtimes for clang), and
# the packages scripts/setup.sh lists (the project's CMake configure step needs them).
# Configures a separate clang build in build-fuzz/ (BUILD_DIR= to change it) with only the
# fuzz targets and the libraries they need, then runs fuzz_event_decoder, fuzz_rules_yaml,
# fuzz_workflow_yaml and fuzz_state_codec in turn (TARGETS="..." to choose) for
# SECONDS_PER_TARGET each.
# Each runs over a working copy of its seed corpus (fuzz/corpus/<target>/ copied into
# BUILD_DIR/corpus/<target>/, where new inputs accumulate from run to run; the seeds in
# the repository are never changed). A crash, sanitizer report, broken invariant, leak or
# hang (over 10 s on one input) stops that target and saves the input as
# BUILD_DIR/crashes/<target>-crash-<sha1> (or leak-, timeout-, oom-); reproduce with
#   BUILD_DIR/fuzz/<target> BUILD_DIR/crashes/<file>
# and, once fixed, add the input to fuzz/corpus/<target>/ as a regression seed.
# Prints, per target, the runs, execs/s and coverage (libFuzzer's `cov`: instrumented
# edges reached) and the log path.
# Exit status: 0 when no target found anything, 1 otherwise (2 for a setup failure).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_TARGET="${1:-30}"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-fuzz}"
TARGETS="${TARGETS:-fuzz_event_decoder fuzz_rules_yaml fuzz_workflow_yaml fuzz_state_codec}"
JOBS="${JOBS:-2}"

if ! [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || [ "$SECONDS_PER_TARGET" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2
  exit 2
fi

# --- packages: clang-14 + libFuzzer, and what the project's configure step needs ------
# The project's list is read from scripts/setup.sh (one list to maintain).
mapfile -t project_packages < <(sed -n '/^PACKAGES=(/,/^)/p' "$ROOT/scripts/setup.sh" |
  sed -e 's/^PACKAGES=(//' -e 's/)$//' | tr -s ' \t' '\n' | sed '/^$/d')
missing=()
for p in clang-14 libclang-rt-14-dev "${project_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "fuzz.sh: installing ${missing[*]} with apt-get"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q || exit 2
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}" || exit 2
fi
if ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz.sh: libFuzzer (libclang_rt.fuzzer-x86_64.a from libclang-rt-14-dev) not found" >&2
  exit 2
fi

# --- build ---------------------------------------------------------------------------
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
fi
CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCARELOOP_BUILD_FUZZERS=ON -DCARELOOP_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null || exit 2
# shellcheck disable=SC2086
cmake --build "$BUILD_DIR" -j "$JOBS" --target $TARGETS || exit 2

# --- run -----------------------------------------------------------------------------
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
crashes="$BUILD_DIR/crashes"
mkdir -p "$crashes" "$BUILD_DIR/fuzz-logs"
status=0
summary=()
for target in $TARGETS; do
  # A dictionary of tokens for the text formats; the binary state codec has none.
  dict=()
  case "$target" in
    fuzz_event_decoder) dict=(-dict="$ROOT/fuzz/json.dict") ;;
    fuzz_rules_yaml | fuzz_workflow_yaml) dict=(-dict="$ROOT/fuzz/yaml.dict") ;;
  esac
  corpus="$BUILD_DIR/corpus/$target"
  mkdir -p "$corpus"
  cp -n "$ROOT/fuzz/corpus/$target/"* "$corpus/" 2>/dev/null || true
  log="$BUILD_DIR/fuzz-logs/$target.log"
  echo "== $target: ${SECONDS_PER_TARGET}s over $(find "$corpus" -type f | wc -l) inputs (log: $log)"
  set +e
  "$BUILD_DIR/fuzz/$target" "$corpus" "${dict[@]}" -max_total_time="$SECONDS_PER_TARGET" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/$target-" >"$log" 2>&1
  rc=$?
  set -e
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  ft="$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  if [ "$rc" -eq 0 ]; then
    result="ok"
  else
    status=1
    artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
    result="FOUND A PROBLEM (exit $rc): ${artifact:-see $log}"
    grep -m3 -E "ERROR: |runtime error|invariant failed|reason leaks" "$log" || true
    tail -n 40 "$log"
  fi
  summary+=("$(printf '%-20s runs %-10s exec/s %-7s cov %-6s ft %-6s %s' "$target" "${runs:-?}" \
    "${speed:-?}" "${cov:-?}" "${ft:-?}" "$result")")
done

echo
printf '%s\n' "${summary[@]}"
exit "$status"
