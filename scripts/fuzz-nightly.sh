#!/usr/bin/env bash
# Nightly fuzzing (not part of the test command): runs every libFuzzer target for FUZZ_RUNS
# executions (default 10 million), then merges what it found into the checked-in corpora
# (tests/fuzz/corpus/<target>/, minimised with -merge=1: only inputs that add coverage are kept),
# so the next smoke run in CI starts from there. Commit the corpus changes it leaves.
#
#   scripts/fuzz-nightly.sh [build-dir]           (default: build-fuzz next to the sources)
#   FUZZ_RUNS=1000000 scripts/fuzz-nightly.sh
#
# Exits non-zero if any target found a crash, leak, timeout or sanitizer report.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/fuzz-lib.sh"
build=${1:-$fuzz_root/build-fuzz}
runs=${FUZZ_RUNS:-10000000}
fuzz_build "$build"

failed=()
for t in "${fuzz_targets[@]}"; do
    start=$(date +%s)
    fuzz_run "$build" "$t" "-runs=$runs" || failed+=("$t")
    echo "== $t: $runs runs in $(($(date +%s) - start)) s"
    corpus="$fuzz_root/tests/fuzz/corpus/$t"
    mkdir -p "$corpus"
    before=$(find "$corpus" -type f | wc -l)
    bin=$(find "$build" -type f -name "$t" -perm -u+x | head -n 1)
    "$bin" -merge=1 "$corpus" "$build/fuzz-corpus/$t" >/dev/null 2>&1
    echo "== $t: corpus $before → $(find "$corpus" -type f | wc -l) files"
done
if ((${#failed[@]} > 0)); then
    echo "fuzz-nightly: FAILED: ${failed[*]} (reproducers in $build/fuzz-artifacts/)" >&2
    exit 1
fi
echo "fuzz-nightly: OK (${fuzz_targets[*]}, $runs runs each)"
