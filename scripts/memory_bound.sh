#!/usr/bin/env bash
# Bounded memory under backpressure (issue 5, item 5), the long form; not part of CI
# (tests/faults/backpressure_test.cpp is the short form).
#
# Starts `careloop broker --brokers 2 --control` with every output topic led by broker 2
# and the inputs by broker 1, loads a backlog of generated events, takes broker 2 down and
# runs `careloop run` for MINUTES with nowhere to deliver: consumption must pause at
# processing.max_in_flight and VmRSS (/proc/PID/status) stay flat. Then broker 2 comes
# back and the run must consume the whole backlog and drain its outbox.
#
# usage: scripts/memory_bound.sh [BUILD_DIR=build] [MINUTES=10] [WORKERS=25000]
# env:   MAX_IN_FLIGHT=2000 BLOCK_CACHE_MB=32 WRITE_BUFFER_MB=16 PREFETCH_KB=65536
#        (the CI test's configuration); SAMPLE_S=5
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
MINUTES=${2:-10}
WORKERS=${3:-25000}
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-2000}
BLOCK_CACHE_MB=${BLOCK_CACHE_MB:-32}
WRITE_BUFFER_MB=${WRITE_BUFFER_MB:-16}
PREFETCH_KB=${PREFETCH_KB:-65536}
SAMPLE_S=${SAMPLE_S:-5}
BIN=$BUILD/src/app/careloop
[ -x "$BIN" ] || { echo "no $BIN: build the careloop target first" >&2; exit 2; }

WORK=$(mktemp -d)
BROKER_PID=""
RUN_PID=""
cleanup() {
  [ -n "$RUN_PID" ] && kill "$RUN_PID" 2>/dev/null && wait "$RUN_PID" 2>/dev/null || true
  [ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null && wait "$BROKER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Configuration: a copy of config/ with the memory settings under test.
cp -r "$ROOT/config" "$WORK/config"
cp -r "$ROOT/topologies" "$WORK/topologies"
sed -i -e "s/^  max_in_flight:.*/  max_in_flight: $MAX_IN_FLIGHT/" \
  -e "s/^  block_cache_mb:.*/  block_cache_mb: $BLOCK_CACHE_MB/" \
  -e "s/^  write_buffer_mb:.*/  write_buffer_mb: $WRITE_BUFFER_MB/" \
  -e "s/^    group.id: careloop/    group.id: careloop\n    queued.max.messages.kbytes: $PREFETCH_KB/" \
  "$WORK/config/careloop.yaml"

# Input: key<TAB>value lines keyed by worker_id.
"$BIN" gen --workers "$WORKERS" --seed 7 --out "$WORK/events.jsonl" 2>/dev/null
python3 - "$WORK/events.jsonl" "$WORK/keyed.txt" <<'PY'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    for line in f:
        line = line.rstrip("\n")
        try:
            key = json.loads(line).get("worker_id", "")
            key = key if isinstance(key, str) else ""
        except Exception:
            key = ""
        out.write(key + "\t" + line + "\n")
PY
EVENTS=$(wc -l < "$WORK/events.jsonl")
BYTES=$(wc -c < "$WORK/events.jsonl")

# Broker with a control channel on a FIFO (kept open read-write on fd 3).
mkfifo "$WORK/ctl"
exec 3<>"$WORK/ctl"
"$BIN" broker --config "$WORK/config" --brokers 2 --control < "$WORK/ctl" > "$WORK/broker.out" \
  2> "$WORK/broker.log" &
BROKER_PID=$!
for _ in $(seq 100); do grep -q bootstrap.servers "$WORK/broker.out" && break; sleep 0.1; done
BOOTSTRAP=$(sed -n 's/^bootstrap.servers=//p' "$WORK/broker.out")
ctl() { echo "$*" >&3; }
for t in alerts alerts.red notifications referrals escalations dead-letter; do ctl leader "$t" '*' 2; done
for t in lab-results checkins petitions; do ctl leader "$t" '*' 1; done
ctl coordinator careloop 1
sleep 1
kcat -b "$BOOTSTRAP" -P -t lab-results -K $'\t' -l "$WORK/keyed.txt"
ctl down 2

"$BIN" run --config "$WORK/config" --bootstrap "$BOOTSTRAP" --state-dir "$WORK/state" \
  --http 127.0.0.1:0 > "$WORK/run.out" 2> "$WORK/run.log" &
RUN_PID=$!
for _ in $(seq 300); do grep -q http.listen "$WORK/run.out" && break; sleep 0.1; done
HTTP=$(sed -n 's/^http.listen=//p' "$WORK/run.out")
metric() {  # sum of a metric's samples
  curl -s --max-time 5 "http://$HTTP/metrics" |
    awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%d", s }'
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$RUN_PID/status"; }

echo "input: $EVENTS events ($((BYTES / 1048576)) MiB); config: max_in_flight $MAX_IN_FLIGHT," \
  "block_cache_mb $BLOCK_CACHE_MB, write_buffer_mb $WRITE_BUFFER_MB," \
  "queued.max.messages.kbytes $PREFETCH_KB"
echo "phase 1: output brokers down for $MINUTES min"
echo "  elapsed_s  rss_mib  events  outbox  lag"
PEAK=0
START=$(date +%s)
END=$((START + $(awk -v m="$MINUTES" 'BEGIN { print int(m * 60) }')))
while [ "$(date +%s)" -lt "$END" ]; do
  R=$(rss_kb)
  [ "$R" -gt "$PEAK" ] && PEAK=$R
  printf "  %9d  %7d  %6s  %6s  %s\n" $(($(date +%s) - START)) $((R / 1024)) \
    "$(metric careloop_events_total)" "$(metric careloop_outbox_depth)" \
    "$(metric careloop_consumer_lag_records)"
  sleep "$SAMPLE_S"
done
PAUSED_EVENTS=$(metric careloop_events_total)
PEAK_PAUSED=$PEAK

echo "phase 2: output brokers up; catching up"
ctl up 2
CATCH_START=$(date +%s)
while true; do
  R=$(rss_kb)
  [ "$R" -gt "$PEAK" ] && PEAK=$R
  EV=$(metric careloop_events_total)
  OB=$(metric careloop_outbox_depth)
  printf "  %9d  %7d  %6s  %6s  %s\n" $(($(date +%s) - START)) $((R / 1024)) "$EV" "$OB" \
    "$(metric careloop_consumer_lag_records)"
  [ "$EV" -ge "$EVENTS" ] && [ "$OB" -eq 0 ] && break
  if [ $(($(date +%s) - CATCH_START)) -gt 600 ]; then echo "did not catch up in 10 min" >&2; exit 1; fi
  sleep "$SAMPLE_S"
done
PRODUCED=$(metric careloop_output_records_total)
FAILED=$(metric careloop_output_delivery_failures_total)
PAUSES=$(grep -c "pausing consumption" "$WORK/run.log" || true)
RESUMES=$(grep -c "resuming consumption" "$WORK/run.log" || true)
kill "$RUN_PID"
wait "$RUN_PID" && RC=0 || RC=$?
RUN_PID=""
echo "result: events consumed while paused: $PAUSED_EVENTS of $EVENTS;" \
  "peak RSS while paused: $((PEAK_PAUSED / 1024)) MiB; peak RSS overall: $((PEAK / 1024)) MiB;" \
  "caught up in $(($(date +%s) - CATCH_START)) s; $PRODUCED records delivered" \
  "($FAILED deliveries failed and were retried);" \
  "pauses $PAUSES, resumes $RESUMES; exit $RC"
