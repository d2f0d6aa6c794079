#!/usr/bin/env bash
# GUI responsiveness under the heaviest ingest the benchmark makes: generates LINES CSV lines
# (default 10 million), opens them in adclick-monitor (offscreen, --measure-stalls) and prints
# the GUI thread's event-loop stalls while the archive is read, the ingest rate and the time to
# the first top-N; then checks that the top-N the window showed equals `adclick popular` and
# `adclick count` on the same database. Then the same figures for --demo (DEMO_SECONDS, default 20).
#   scripts/bench-gui.sh [LINES]      WORK_DIR=… keeps the files there
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${1:-10000000}
BUILD_DIR=${BUILD_DIR:-build}
DEMO_SECONDS=${DEMO_SECONDS:-20}
CLI="$BUILD_DIR/app/adclick"
GUI="$BUILD_DIR/app/monitor/adclick-monitor"
[ -x "$CLI" ] && [ -x "$GUI" ] || BUILD_DIR=$BUILD_DIR bash scripts/build.sh >/dev/null

if [ -n "${WORK_DIR:-}" ]; then
    WORK=$WORK_DIR
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi
export QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data"

field() { # field NAME JSON: a number or string value
    sed -E "s/.*\"$1\":\"?([^,\"}]*)\"?.*/\1/" <<<"$2"
}
array() { # array NAME JSON: the elements of a flat array, one a line
    sed -E "s/.*\"$1\":\[([^]]*)\].*/\1/" <<<"$2" | tr ',' '\n' | tr -d '"'
}

LOG="$WORK/clicks-$LINES.csv"
if [ ! -f "$LOG" ]; then
    echo "bench-gui: generating $LINES lines…" >&2
    "$CLI" gen --events "$LINES" --no-truth --out "$LOG" >/dev/null
fi
DB="$WORK/clicks-$LINES.db"
rm -rf "$DB" "$DB".*
echo "bench-gui: reading them in adclick-monitor…" >&2
OUT=$("$GUI" --db "$DB" --measure-stalls 3600 "$LOG" 2>/dev/null | tail -n 1)
echo "$OUT" >"$WORK/archive.json"

state=$(field ingest_state "$OUT")
[ "$state" = finished ] || { echo "bench-gui: the ingest ended '$state': $OUT" >&2; exit 1; }
printf 'archive: %s lines in %.1f s (%.0f lines/s), %s snapshots; GUI stalls: max %.1f ms, p99 %.0f ms; first top-N after %.2f s\n' \
    "$(field lines "$OUT")" "$(field ingest_seconds "$OUT")" "$(field lines_per_s "$OUT")" "$(field snapshots "$OUT")" \
    "$(field max_stall_ms "$OUT")" "$(field p99_stall_ms "$OUT")" "$(field first_data_s "$OUT")"

# The window's last top-N against the CLI on the same database.
TOP=$(sed -E 's/.*"top":(\{[^}]*\}).*/\1/' <<<"$OUT")
AT=$(field at "$TOP")
WINDOW=$(field window_minutes "$TOP")
N=$(array ad_ids "$TOP" | wc -l)
CLI_TOP=$("$CLI" popular --db "$DB" --count "$N" --window "$WINDOW" --at "$AT")
if [ "$(array ad_ids "$TOP")" != "$(array ad_ids "$CLI_TOP")" ] || [ "$(array counts "$TOP")" != "$(array counts "$CLI_TOP")" ]; then
    echo "bench-gui: MISMATCH: the window showed $TOP, adclick popular says $CLI_TOP" >&2
    exit 1
fi
TO_MS=$(( $(date -u -d "$AT" +%s) * 1000 ))
FROM_MS=$(( TO_MS - WINDOW * 60000 ))
paste <(array ad_ids "$TOP") <(array counts "$TOP") | while read -r ad shown; do
    counted=$(field count "$("$CLI" count --db "$DB" --ad "$ad" --from "$FROM_MS" --to "$TO_MS")")
    if [ "$counted" != "$shown" ]; then
        echo "bench-gui: MISMATCH: $ad shows $shown clicks, adclick count says $counted" >&2
        exit 1
    fi
done
echo "top-$N over $WINDOW min at $AT: equal to adclick popular and adclick count"

if [ "$DEMO_SECONDS" -gt 0 ]; then
    echo "bench-gui: running --demo for $DEMO_SECONDS s…" >&2
    OUT=$("$GUI" --demo --measure-stalls "$DEMO_SECONDS" 2>/dev/null | tail -n 1)
    echo "$OUT" >"$WORK/demo.json"
    printf 'demo: first top-N after %.2f s, %s lines in %.0f s, %s snapshots; GUI stalls: max %.1f ms, p99 %.0f ms\n' \
        "$(field first_data_s "$OUT")" "$(field lines "$OUT")" "$(field seconds "$OUT")" "$(field snapshots "$OUT")" \
        "$(field max_stall_ms "$OUT")" "$(field p99_stall_ms "$OUT")"
fi
