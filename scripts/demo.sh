#!/usr/bin/env bash
# The main job: builds careloop and runs the pipeline on the embedded broker with a
# synthetic screened population; ends by itself within about a minute with a summary.
# Extra arguments go to `careloop demo` (e.g. --workers 5000 --rate 500).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh -DCARELOOP_BUILD_TESTS=OFF >&2
exec build/careloop demo --config config "$@"
