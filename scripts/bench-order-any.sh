#!/usr/bin/env bash
# `ingest --order any` benchmark: a generated N-line CSV log (default 10 million, design-like as in
# bench-ingest.sh), shuffled with `shuf`, ingested with --order any into a fresh database. Prints
# lines/s, peak RSS (/usr/bin/time -v), the sort's runs and spilled bytes, and the sizes.
#   scripts/bench-order-any.sh [LINES] [WORKDIR] [SORT_MEMORY]
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-10000000}
work=${2:-$(mktemp -d /tmp/adclick-bench-any.XXXXXX)}
memory=${3:-256M}
cli=${ADCLICK_CLI:-}
if [ -z "$cli" ]; then
    bash scripts/build.sh >/dev/null
    cli=$PWD/${BUILD_DIR:-build}/app/adclick
fi
mkdir -p "$work"
log=$work/bench-$lines.csv
shuffled=$work/bench-$lines-shuffled.csv
if [ ! -s "$shuffled" ]; then
    if [ ! -s "$log" ]; then
        echo "generating $lines lines into $log" >&2
        "$cli" gen --out "$log" --events "$lines" --format csv --seed 42 --rate 11574 --ads 100000 \
            --users 2000000 --no-truth >/dev/null
    fi
    echo "shuffling into $shuffled" >&2
    # The header first, the rows in random order.
    { head -n 1 "$log"; tail -n +2 "$log" | shuf --random-source=<(yes); } >"$shuffled"
fi
db=$work/bench-any.db
rm -rf "$db" "$db".* "$db"-*
/usr/bin/time -v -o "$work/time-any.txt" "$cli" ingest --db "$db" --order any --sort-memory "$memory" \
    "$shuffled" >"$work/summary-any.json"
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-any.txt")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time-any.txt")
cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$work/time-any.txt")
python3 - "$work/summary-any.json" "$rss_kb" "$wall" "$db" "$memory" "$cpu" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1]))
rss_mb = int(sys.argv[2]) / 1024
db = sys.argv[4]
raw = sum(os.path.getsize(os.path.join(db + ".raw", f)) for f in os.listdir(db + ".raw"))
dbsize = sum(os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p))
run = s["run"]
print(f"order            any (--sort-memory {sys.argv[5]})")
print(f"lines            {run['lines']:>14,}")
print(f"input            {run['bytes'] / 1e6:>14,.1f} MB")
print(f"ingest time      {run['seconds']:>14.2f} s   (process wall {sys.argv[3]})")
print(f"lines/s          {run['lines'] / run['seconds']:>14,.0f}")
cpu = float(sys.argv[6])
# On a shared machine the wall time depends on the other load; the CPU time does not.
print(f"CPU time         {cpu:>14.2f} s   ({run['lines'] / cpu:,.0f} lines per CPU second)")
print(f"peak RSS         {rss_mb:>14,.1f} MB")
print(f"sort runs        {s['sort']['runs']:>14,}")
print(f"sort spilled     {s['sort']['spilled_bytes'] / 1e6:>14,.1f} MB")
print(f"database         {dbsize / 1e6:>14,.1f} MB")
print(f"raw segments     {raw / 1e6:>14,.1f} MB")
print(f"accepted/dup/late/rejected  {s['accepted']:,} / {s['duplicates']:,} / {s['late']:,} / {s['rejected']:,}")
PY
