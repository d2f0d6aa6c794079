#!/usr/bin/env bash
# R16 (nightly, not in .ci/run: it takes ~15 min on 2 cores): builds the engine, the CLI and the
# tests with AddressSanitizer + UndefinedBehaviorSanitizer and runs the end-to-end (R3), crash
# (R4–R6), bad-environment, Kafka (R7–R10) and unit tests under them. Any report fails the run.
#
#   scripts/sanitize.sh [build-dir]      (default: build-asan)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build-asan}
bash "$root/scripts/setup.sh"
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DADCLICK_BUILD_GUI=OFF \
    -DADCLICK_BUILD_BENCHMARKS=OFF -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" --parallel "$(nproc)"
# Leak checking stays on; librdkafka's and Qt's own one-time allocations are not reported as
# leaks by LSan because they stay reachable.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" --timeout 3000 \
    -R 'tst_(engine|engine_boundaries|end_to_end|crash|bad_environment|kafka_ingest|kafka_chaos|query|maintenance|sliding_top_n|line_parser|line_splitter|input_file|timestamp|filter_expr|folder_sources|future_clicks|input_formats|power_loss|crash_io|ip_address|store_sql|kafka_partitions|parser_corpus|serve_router|serve)$'
