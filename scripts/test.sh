#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: a short libFuzzer smoke run (R2), then
# the CTest suite (whose summary closes the output).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
BUILD_DIR=$BUILD_DIR bash scripts/build.sh
FUZZ_SECONDS=${FUZZ_SECONDS:-5} bash scripts/fuzz-smoke.sh "$PWD/$BUILD_DIR-fuzz"
ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "$(nproc)" --timeout 1200
