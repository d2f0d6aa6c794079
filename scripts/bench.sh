#!/usr/bin/env bash
# The end-to-end benchmark (issue 12, docs/PERFORMANCE.md): builds a Release-with-debug-info tree of
# its own, generates the inputs with `adclick gen` (cached in the work folder), installs DuckDB from
# npm (@duckdb/node-api) into a folder it owns, runs every row of the targets table — CSV ingest on
# 1 and 2 threads, against DuckDB on the same file with the same threads (counts compared cell by
# cell: a difference fails the run), book and JSON lines, --order any, Kafka against a bare
# librdkafka consumer loop on one embedded broker, popular/count/filter query times, peak RSS from
# 1 M to 10 M (100 M) lines, raw bytes on disk, the GUI — and prints one table.
#
#   scripts/bench.sh [--quick] [--lines N] [--with-100m] [--with-gui] [--with-serve] [--skip LIST]
#     --quick       small inputs (200k lines; peak RSS at 200k and 1 M) to check the script: ~2 min
#     --lines N     lines of the main inputs (default 3,000,000)
#     --with-100m   also the 100 M-line peak-RSS row (~8 GB of input and ~15 min more)
#     --with-gui    also the GUI rows (builds adclick-monitor; scripts/bench-gui.sh)
#     --with-serve  also adclick serve's requests/s and p99 latency (scripts/bench-serve.sh)
#     --skip LIST   comma list of sections to leave out: formats,any,kafka,queries,memory
# Environment: BENCH_BUILD_DIR (default build-bench), BENCH_WORK (inputs and databases, default
# ~/.cache/adclick-bench/work), BENCH_DUCKDB_DIR (default ~/.cache/adclick-bench/duckdb).
# Not part of the test command; timings are printed, never asserted. Exit 1 when a step fails or
# when the counts of DuckDB, --threads 2 or --order any differ from the 1-thread ingest.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
die() { echo "bench: $*" >&2; exit 1; }

args=()
gui=0
serve=0
while [ $# -gt 0 ]; do
    case $1 in
    --quick | --with-100m) args+=("$1") ;;
    --with-gui) gui=1; args+=(--gui) ;;
    --with-serve) serve=1 ;;
    --lines | --skip)
        [ $# -ge 2 ] || die "$1 needs a value"
        args+=("$1" "$2"); shift ;;
    -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

for tool in cmake ninja node npm python3 sed /usr/bin/time; do
    command -v "$tool" >/dev/null || die "'$tool' is missing (scripts/setup.sh installs the build tools; node/npm: apt-get install nodejs npm)"
done

build=$(realpath -m "${BENCH_BUILD_DIR:-build-bench}")
work=$(realpath -m "${BENCH_WORK:-$HOME/.cache/adclick-bench/work}")
duck=$(realpath -m "${BENCH_DUCKDB_DIR:-$HOME/.cache/adclick-bench/duckdb}")

# Build: a tree of its own (never the test build), optimised with debug info as the release is.
if [ ! -f "$build/build.ninja" ]; then
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null \
        || die "cmake configure of $build failed"
fi
targets=(adclick bench_kafka_count)
[ $gui = 1 ] && targets+=(adclick-monitor)
[ $serve = 1 ] && targets+=(bench_serve_load)
echo "bench: building ${targets[*]} in $build" >&2
nice cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]}" >"$build/bench-build.log" 2>&1 \
    || { tail -n 30 "$build/bench-build.log" >&2; die "the build failed (log: $build/bench-build.log)"; }

# DuckDB: from npm into a folder of ours, never a build dependency; the query script beside it.
mkdir -p "$duck" "$work"
if [ ! -d "$duck/node_modules/@duckdb/node-api" ]; then
    echo "bench: installing @duckdb/node-api into $duck" >&2
    [ -f "$duck/package.json" ] || echo '{"name":"adclick-bench-duckdb","private":true,"type":"module"}' >"$duck/package.json"
    (cd "$duck" && npm install --no-audit --no-fund --silent @duckdb/node-api) \
        || die "npm install @duckdb/node-api into $duck failed (is the npm registry reachable?)"
fi
cp scripts/bench/duckdb-counts.mjs "$duck/"

if [ $serve = 1 ]; then
    BENCH_BUILD_DIR="$build" BENCH_WORK="$work" scripts/bench-serve.sh || die "the serve rows failed"
fi
PYTHONDONTWRITEBYTECODE=1 exec python3 scripts/bench/run.py --cli "$build/app/adclick" --kafka-count "$build/tests/bench/bench_kafka_count" \
    --duckdb-dir "$duck" --work "$work" --repo "$repo" --build-dir "$build" "${args[@]}"
