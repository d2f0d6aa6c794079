#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the CTest suite, then a short fuzz smoke.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build} bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "$(nproc)" --timeout 1200
FUZZ_SECONDS=${FUZZ_SECONDS:-5} bash scripts/fuzz-smoke.sh
