#!/usr/bin/env bash
# Cluster throughput (docs/SCALING.md): N generated clicks in a P-partition topic of the embedded
# broker, counted by 1 and then 2 `adclick aggregate` workers into a store (and by 2 that checkpoint
# their partitions every second: the cost of checkpoints); every store is checked
# equal to a one-process `adclick ingest` of the same topic (the figures of a wrong run are worth
# nothing). Prints one line per run: workers, span (first assignment → last unit published, so
# without the consumer group's join delay), clicks/s over that span, workers' CPU seconds, and
# the one-process ingest's figures for comparison.
#   scripts/bench-cluster.sh [--clicks N] [--partitions P]      (defaults 400000, 16)
# BENCH_BUILD_DIR: the build to use (default build/). Keep N/P under ~30000 clicks per MiB… the
# mock keeps ~5 MiB per partition: 400k clicks of ~130 bytes need at least 12 partitions.
set -euo pipefail
clicks=400000
partitions=16
while [ $# -gt 0 ]; do
    case "$1" in
        --clicks) clicks=$2; shift 2 ;;
        --partitions) partitions=$2; shift 2 ;;
        *) echo "usage: $0 [--clicks N] [--partitions P]" >&2; exit 2 ;;
    esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
adclick=${BENCH_BUILD_DIR:-$root/build}/app/adclick
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-cluster.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

"$adclick" broker --topic clicks --partitions "$partitions" --also-topic agg1 --also-topic agg2 --also-topic agg2c --also-topic state \
    --port-file "$work/port" >"$work/broker.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
boot=$(cat "$work/port")
"$adclick" gen --out "$work/clicks.jsonl" --events "$clicks" --format jsonl --rate 1000 --seed 3 --zipf 0 >/dev/null # uniform ads: zipf would put ~1/5 of the clicks in one partition, beyond the mock's ~5 MiB
"$adclick" produce --brokers "$boot" --topic clicks "$work/clicks.jsonl" >/dev/null

state() { sqlite3 "$1" "SELECT name, value FROM counters ORDER BY name; SELECT count(*), sum(clicks), sum(late) FROM agg;
    SELECT value FROM meta WHERE key = 'watermark_ms'"; }
/usr/bin/time -f '%e %U %S' -o "$work/ref.time" "$adclick" ingest --db "$work/ref.db" --until-end \
    "kafka://$boot/clicks" >"$work/ref.json"
read -r e u s <"$work/ref.time"
echo "one process (adclick ingest): ${e}s wall, $(awk -v n="$clicks" -v e="$e" 'BEGIN { printf "%d", n / e }') clicks/s, cpu ${u}+${s}s (includes the raw event store)"

for run in 1 2 2c; do
    workers=${run%c}
    extra=()
    [ "$run" = 2c ] && extra=(--checkpoints state --checkpoint-interval 1)
    group=bench$run
    wp=()
    for i in $(seq "$workers"); do
        /usr/bin/time -f '%U %S' -o "$work/w$run.$i.time" "$adclick" aggregate "kafka://$boot/clicks" \
            --to "kafka://$boot/agg$run" --group "$group" --kafka-prop session.timeout.ms=6000 "${extra[@]}" \
            >"$work/w$run.$i.json" 2>"$work/w$run.$i.err" &
        wp+=($!)
        pids+=($!)
    done
    db=$work/store$run.db
    for _ in $(seq 600); do
        "$adclick" ingest --db "$db" --until-end "kafka://$boot/agg$run?kind=aggregates" >/dev/null
        lines=$(sqlite3 "$db" "SELECT value FROM counters WHERE name = 'lines'")
        [ "${lines:-0}" = "$clicks" ] && break
        alive=0
        for p in "${wp[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        if [ $alive = 0 ]; then
            echo "the workers stopped:" >&2
            cat "$work"/w"$run".*.err >&2
            exit 1
        fi
        sleep 0.5
    done
    # SIGTERM to the time(1) wrappers' children: the workers themselves.
    for p in "${wp[@]}"; do pkill -TERM -P "$p" || true; done
    for p in "${wp[@]}"; do wait "$p" || true; done
    if [ "$(state "$db")" != "$(state "$work/ref.db")" ]; then
        echo "$run: the store differs from the one-process ingest" >&2
        exit 1
    fi
    first=$(cat "$work"/w"$run".*.json | sed -n 's/.*"first_assigned_ms": \([0-9]*\).*/\1/p' | sort -n | head -1)
    last=$(cat "$work"/w"$run".*.json | sed -n 's/.*"last_unit_ms": \([0-9]*\).*/\1/p' | sort -n | tail -1)
    cpu=$(cat "$work"/w"$run".*.time | awk '{ t += $1 + $2 } END { printf "%.2f", t }')
    replayed=$(cat "$work"/w"$run".*.json | sed -n 's/.*"replayed": \([0-9]*\).*/\1/p' | awk '{ t += $1 } END { print t + 0 }')
    span=$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
    checkpoints=$(cat "$work"/w"$run".*.json | sed -n 's/.*"checkpoints": \([0-9]*\).*/\1/p' | awk '{ t += $1 } END { print t + 0 }')
    echo "$workers worker(s)${extra[*]:+ ${extra[*]}}: span ${span}s, $(awk -v n="$clicks" -v s="$span" 'BEGIN { printf "%d", n / s }') clicks/s, worker cpu ${cpu}s, replayed $replayed (rebalances), $checkpoints checkpoints, store equal to one process"
done
