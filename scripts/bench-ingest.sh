#!/usr/bin/env bash
# Ingest benchmark: a generated N-line CSV log (default 10 million, raw data kept) ingested on one
# thread into a fresh database. Prints events/s, peak RSS and the database + raw sizes.
#   scripts/bench-ingest.sh [LINES] [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-10000000}
work=${2:-$(mktemp -d /tmp/adclick-bench.XXXXXX)}
bash scripts/build.sh >/dev/null
cli=$PWD/${BUILD_DIR:-build}/app/adclick
mkdir -p "$work"
log=$work/bench-$lines.csv
if [ ! -s "$log" ]; then
    echo "generating $lines lines into $log" >&2
    # Design-like load: 11,574 clicks/s of event time (1 billion a day), 100k ads (Zipf), 2M users.
    "$cli" gen --out "$log" --events "$lines" --format csv --seed 42 --rate 11574 --ads 100000 \
        --users 2000000 --no-truth >/dev/null
fi
db=$work/bench.db
rm -rf "$db" "$db".*  "$db"-*
/usr/bin/time -f '%M %e' -o "$work/time.txt" "$cli" ingest --db "$db" "$log" >"$work/summary.json"
read -r rss_kb wall <"$work/time.txt"
python3 - "$work/summary.json" "$rss_kb" "$wall" "$db" "$log" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1]))
rss_mb = int(sys.argv[2]) / 1024
wall = float(sys.argv[3])
db = sys.argv[4]
raw = sum(os.path.getsize(os.path.join(db + ".raw", f)) for f in os.listdir(db + ".raw"))
dbsize = sum(os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p))
run = s["run"]
print(f"lines            {run['lines']:>14,}")
print(f"input            {run['bytes'] / 1e6:>14,.1f} MB")
print(f"ingest time      {run['seconds']:>14.2f} s   (process wall {wall:.2f} s)")
print(f"events/s         {run['lines'] / run['seconds']:>14,.0f}")
print(f"peak RSS         {rss_mb:>14,.1f} MB")
print(f"database         {dbsize / 1e6:>14,.1f} MB")
print(f"raw segments     {raw / 1e6:>14,.1f} MB")
print(f"accepted/dup/late/rejected  {s['accepted']:,} / {s['duplicates']:,} / {s['late']:,} / {s['rejected']:,}")
PY
