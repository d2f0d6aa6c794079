#!/usr/bin/env bash
# Kafka benchmark: against one embedded broker and one topic, times `kcat -C` consuming to
# /dev/null and `adclick ingest kafka://…` aggregating into a fresh store, and prints both rates
# and their ratio.   scripts/bench-kafka.sh [MESSAGES] [PARTITIONS]
# The mock broker keeps only ~5 MiB per partition, and keys are Zipf-skewed ads (the top ad gets
# ~20% of the clicks): the busiest partitions drop their oldest messages when the stream is big,
# so both tools are timed on what the topic holds (the ingest's line count). Both rates include
# connecting and detecting the end of every partition (about a second on the mock).
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-800000}
partitions=${2:-128}
bash scripts/build.sh >/dev/null
cli=$PWD/${BUILD_DIR:-build}/app/adclick
work=$(mktemp -d /tmp/adclick-kbench.XXXXXX)
"$cli" broker --topic bench --partitions "$partitions" --port-file "$work/port" >/dev/null 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
boot=$(cat "$work/port")
"$cli" produce --brokers "$boot" --topic bench --gen-events "$messages" --seed 42 >/dev/null
now() { date +%s.%N; }
t0=$(now)
kcat -C -b "$boot" -t bench -e -q -o beginning >/dev/null
t1=$(now)
"$cli" ingest --db "$work/bench.db" --until-end "kafka://$boot/bench" >"$work/summary.json"
t2=$(now)
python3 - "$messages" "$t0" "$t1" "$t2" "$work/summary.json" <<'PY'
import json, sys
produced = int(sys.argv[1]); t0, t1, t2 = map(float, sys.argv[2:5])
s = json.load(open(sys.argv[5]))
n = s["lines"]  # what the topic held: both tools read all of it
kcat = n / (t1 - t0); ingest = n / (t2 - t1)
print(f"messages            {n:>12,}  (of {produced:,} produced; the mock dropped the rest)")
print(f"kcat -C → /dev/null {kcat:>12,.0f} msg/s")
print(f"adclick ingest      {ingest:>12,.0f} msg/s  (parse, dedup, windows, raw + aggregates in SQLite)")
print(f"ratio ingest/kcat   {ingest / kcat:>12.2f}")
PY
