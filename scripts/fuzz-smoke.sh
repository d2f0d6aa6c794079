#!/usr/bin/env bash
# R2 fuzz smoke (part of the test command): builds the libFuzzer targets with clang-14 +
# ASan/UBSan and runs each for FUZZ_SECONDS (default 10), seeded from the checked-in corpora.
# Exits non-zero on any crash, leak, timeout or sanitizer report; the reproducer is left in
# <build>/fuzz-artifacts/<target>/. The long run is scripts/fuzz-nightly.sh.
#
#   scripts/fuzz-smoke.sh [build-dir]         (default: build-fuzz next to this repo's sources)
#   FUZZ_SECONDS=30 scripts/fuzz-smoke.sh
#
# A parser crasher found here belongs in tests/data/corpus/crashers/ with a golden .expected file.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/fuzz-lib.sh"
build=${1:-$fuzz_root/build-fuzz}
seconds=${FUZZ_SECONDS:-10}
fuzz_build "$build"

failed=()
for t in "${fuzz_targets[@]}"; do
    fuzz_run "$build" "$t" "-max_total_time=$seconds" || failed+=("$t")
done
if ((${#failed[@]} > 0)); then
    echo "fuzz-smoke: FAILED: ${failed[*]} (reproducers in $build/fuzz-artifacts/)" >&2
    exit 1
fi
echo "fuzz-smoke: OK (${fuzz_targets[*]}, ${seconds}s each)"
