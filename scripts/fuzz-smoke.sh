#!/usr/bin/env bash
# R2 fuzz smoke: builds the libFuzzer targets with clang-14 + ASan/UBSan and runs each for
# FUZZ_SECONDS (default 10), seeded from tests/data/corpus. Exits non-zero on any crash, leak,
# timeout or sanitizer report; the reproducer is left in <build>/fuzz-artifacts/<target>/.
#
#   scripts/fuzz-smoke.sh [build-dir]         (default: build-fuzz next to this repo's sources)
#   FUZZ_SECONDS=30 scripts/fuzz-smoke.sh
#
# A crasher found here belongs in tests/data/corpus/crashers/ with a golden .expected file.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-10}
targets=(fuzz_line_parser fuzz_line_splitter)

CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DADCLICK_FUZZ=ON -DADCLICK_BUILD_TESTS=OFF \
    -DADCLICK_BUILD_BENCHMARKS=OFF -DADCLICK_BUILD_GUI=OFF >"$build.configure.log" 2>&1 || {
    cat "$build.configure.log"
    echo "fuzz-smoke: configure failed" >&2
    exit 2
}
ninja -C "$build" "${targets[@]}"

failed=()
for t in "${targets[@]}"; do
    bin=$(find "$build" -type f -name "$t" -perm -u+x | head -n 1)
    work="$build/fuzz-corpus/$t" # new inputs go here, never into the source tree
    artifacts="$build/fuzz-artifacts/$t/"
    mkdir -p "$work" "$artifacts"
    echo "== $t: ${seconds}s"
    # First corpus directory is writable scratch; tests/data/corpus is read-only seed input.
    if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
        "$bin" "$work" "$root/tests/data/corpus" \
        -max_total_time="$seconds" -max_len=70000 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts" -print_final_stats=1; then
        failed+=("$t")
        echo "fuzz-smoke: $t FAILED; reproducer(s):" >&2
        ls -1 "$artifacts" >&2 || true
    fi
done

if ((${#failed[@]} > 0)); then
    echo "fuzz-smoke: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz-smoke: OK (${targets[*]}, ${seconds}s each)"
