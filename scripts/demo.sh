#!/usr/bin/env bash
# The product on its embedded default, the live demo. With a display: the desktop application's
# demo mode (embedded broker + generated click stream + live dashboard). Without one (or with
# --cli): the same pipeline from the command line — the embedded broker, a live producer and a
# following ingest — printing the top ads and the ingest health every 5 s until Ctrl-C (or for
# DEMO_SECONDS seconds). Everything lands in ./demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
build=${BUILD_DIR:-build}
cli=$build/app/adclick
gui=$build/app/monitor/adclick-monitor

if [ "${1:-}" != "--cli" ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$gui" ]; then
    exec "$gui" --demo
fi

mkdir -p demo
rm -rf demo/live.db demo/live.db-* demo/live.db.* demo/broker.port
pids=()
# Stops the ingest first, then the producer, then the broker, each waited for.
cleanup() {
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2>/dev/null || true
        wait "${pids[i]}" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 0' INT TERM

"$cli" broker --topic clicks --partitions 8 --port-file demo/broker.port >/dev/null &
pids+=($!)
for _ in $(seq 100); do [ -s demo/broker.port ] && break; sleep 0.1; done
boot=$(cat demo/broker.port)
echo "== embedded broker (in-memory stand-in for Kafka) at $boot"
"$cli" produce --brokers "$boot" --topic clicks --live --rate "${DEMO_RATE:-2000}" >demo/producer.log &
pids+=($!)
# A small lateness and idle time so that minutes become final quickly in a demo.
"$cli" ingest --db demo/live.db --lateness 5 --idle 2 "kafka://$boot/clicks" >demo/ingest.json 2>demo/ingest.log &
pids+=($!)
echo "== producing ${DEMO_RATE:-2000} clicks/s of wall-clock time; ingesting into demo/live.db (Ctrl-C stops)"

start=$SECONDS
while [ -z "${DEMO_SECONDS:-}" ] || [ $((SECONDS - start)) -lt "$DEMO_SECONDS" ]; do
    sleep 5
    [ -f demo/live.db ] || continue
    python3 - "$("$cli" stats --db demo/live.db)" "$("$cli" popular --db demo/live.db --count 5 --window 1)" <<'PY' || true
import json, sys
s, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
k = (s.get("kafka") or [{}])[0]
print(f"lines {s['lines']:,}  accepted {s['accepted']:,}  duplicates {s['duplicates']:,}  "
      f"late {s['late']:,}  rejected {s['rejected']:,}  watermark {s['watermark']}  "
      f"lag {k.get('lag_messages', '-')} msgs  brokers {k.get('broker_state', '-')}")
top = ", ".join(f"{a} {c}" for a, c in zip(p["ad_ids"], p["counts"]))
print("  top 5 of the last final minute: " + (top or "(none yet: the first minute is still open)"))
PY
done
