#!/usr/bin/env bash
# Runs clang-tidy (the naming rules in .clang-tidy) over every source of the project, using the
# compile database of an existing build (${BUILD_DIR:-build}; scripts/build.sh makes one). A report,
# not a gate: prints the warnings grouped by file and exits 1 if there are any.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/compile_commands.json" ]; then
    echo "tidy: no $BUILD_DIR/compile_commands.json; run scripts/build.sh first (or set BUILD_DIR)" >&2
    exit 2
fi
mapfile -t sources < <(git ls-files 'core/*.cpp' 'sim/*.cpp' 'app/*.cpp' 'ui/*.cpp')
out=$(mktemp)
trap 'rm -f "$out"' EXIT
printf '%s\n' "${sources[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$BUILD_DIR" --quiet 2>/dev/null \
    | grep -E '^/.*(warning|error):' | sort -u > "$out" || true
if [ -s "$out" ]; then
    cat "$out"
    echo "tidy: $(wc -l < "$out") warning(s)"
    exit 1
fi
echo "tidy: clean (${#sources[@]} files)"
