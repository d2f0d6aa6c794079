#!/usr/bin/env bash
# The benchmark of `adclick serve` (issue 13, docs/PERFORMANCE.md "serve"): requests/s and latency
# percentiles of both query endpoints with concurrent clients (tests/bench/serve_load.cpp, one
# kept-alive connection per client) on a generated, ingested log. Called by `scripts/bench.sh
# --with-serve`; runs on its own too.
#
#   scripts/bench-serve.sh [--lines N] [--clients N] [--seconds S] [--threads N]
#     --lines N     generated lines (default 1,000,000: 1,000 ads, ~17 minutes of event time)
#     --clients N   concurrent clients (default 8)
#     --seconds S   per endpoint (default 10)
#     --threads N   the server's --threads (default 4)
# Environment: BENCH_BUILD_DIR (default build-bench; adclick and bench_serve_load are built there
# when missing), BENCH_WORK (inputs and databases, default ~/.cache/adclick-bench/work).
# Timings are printed, never asserted; exit 1 when a step fails or any answer is not a 200.
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "bench-serve: $*" >&2; exit 1; }

lines=1000000 clients=8 seconds=10 threads=4
while [ $# -gt 0 ]; do
    case $1 in
    --lines | --clients | --seconds | --threads)
        [ $# -ge 2 ] || die "$1 needs a value"
        declare "${1#--}=$2"; shift ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-serve: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

build=$(realpath -m "${BENCH_BUILD_DIR:-build-bench}")
work=$(realpath -m "${BENCH_WORK:-$HOME/.cache/adclick-bench/work}")
cli=$build/app/adclick
load=$build/tests/bench/bench_serve_load
if [ ! -x "$cli" ] || [ ! -x "$load" ]; then
    [ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    nice cmake --build "$build" --parallel "$(nproc)" --target adclick bench_serve_load >/dev/null \
        || die "the build of adclick and bench_serve_load failed"
fi

mkdir -p "$work"
log=$work/serve-$lines.csv db=$work/serve-$lines.db
[ -f "$log" ] || "$cli" gen --out "$log" --events "$lines" --seed 1 >/dev/null || die "gen failed"
[ -f "$db" ] || "$cli" ingest --db "$db" "$log" >/dev/null || die "ingest failed"

# Request targets: counts of random ads over whole-minute ranges (some with a country filter:
# answered from the aggregates), over ranges with edges inside minutes (their edge minutes are
# counted from the raw events), and top-10 rankings over 1-60 minute windows at several ends.
python3 - "$work" "$lines" <<'PY'
import random, sys
work, lines = sys.argv[1], int(sys.argv[2])
rnd = random.Random(13)
minutes = max(2, lines // 60000)  # --rate 1000 of the generator: 60,000 clicks a minute
first = 26824320  # 2021-01-01T00:00Z, the generator's start
with open(f"{work}/serve-count.targets", "w") as f:  # whole minutes (epoch minutes): aggregates
    for _ in range(5000):
        a = first + rnd.randrange(minutes)
        b = a + rnd.choice([1, 5, 10, 60])
        flt = rnd.choice(["", "", "", "&filter=country%3DUS"])
        f.write(f"/v1/ads/ad{rnd.randrange(1000):06d}/aggregated_count?from={a}&to={b}{flt}\n")
with open(f"{work}/serve-count-partial.targets", "w") as f:  # edges inside minutes: raw events too
    for _ in range(5000):
        a = first * 60 + rnd.randrange(minutes * 60)
        b = a + rnd.choice([60, 300, 600, 37, 1234])
        f.write(f"/v1/ads/ad{rnd.randrange(1000):06d}/aggregated_count?from={a}&to={b}\n")
with open(f"{work}/serve-popular.targets", "w") as f:
    for _ in range(5000):
        at = first + rnd.randrange(1, minutes + 1)
        flt = rnd.choice(["", "", "", "&filter=country%3DUS"])
        f.write(f"/v1/ads/popular_ads?count=10&window={rnd.choice([1, 5, 15, 60])}&at={at}{flt}\n")
PY

port_file=$work/serve.port
rm -f "$port_file"
"$cli" serve --db "$db" --listen 127.0.0.1:0 --threads "$threads" --port-file "$port_file" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -f "$port_file" ] && break; sleep 0.1; done
[ -f "$port_file" ] || die "adclick serve did not start"
where=$(cat "$port_file")

printf '%-14s %8s %8s %10s %9s %9s %9s %7s\n' endpoint clients threads requests/s p50_ms p90_ms p99_ms errors
status=0
for endpoint in count count-partial popular; do
    out=$("$load" "$where" "$work/serve-$endpoint.targets" "$clients" "$seconds") || status=1
    python3 - "$endpoint" "$threads" "$out" <<'PY'
import json, sys
r = json.loads(sys.argv[3])
print(f"{sys.argv[1]:<14} {r['clients']:>8} {sys.argv[2]:>8} {r['rps']:>10.0f} {r['p50_ms']:>9.2f} {r['p90_ms']:>9.2f} {r['p99_ms']:>9.2f} {r['errors']:>7}")
PY
done
kill "$server"
wait "$server" || true
trap - EXIT
exit $status
