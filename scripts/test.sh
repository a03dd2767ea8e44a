#!/usr/bin/env bash
# The tests: builds careloop with its test suites and runs them all with CTest (unit,
# integration with real RocksDB and files, and end to end on the embedded broker).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh -DCARELOOP_BUILD_TESTS=ON
cd build
ctest --output-on-failure --timeout 900 "$@"
