#!/usr/bin/env bash
# Installs the Debian 12 packages the build and the tests need (only the missing ones).
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config git
    python3                         # scripts/function_sizes.py (the structure test)
    qt6-base-dev libgl-dev          # Qt Widgets/Test; libgl-dev completes Qt6::Gui's CMake config
    qt6-charts-dev libqt6opengl6-dev  # the GUI's per-minute charts (Qt Charts needs Qt OpenGL's CMake config)
    desktop-file-utils appstream    # validate the desktop entry and AppStream metadata (packaging test)
    libsqlite3-dev sqlite3 zlib1g-dev gzip
    zstd                            # tests write .zst logs with the zstd tool (tst_end_to_end)
    libzstd-dev                     # compresses the raw event segments (core/pipeline/raw_frame.h), reads .zst logs
    librdkafka-dev kcat             # Kafka client (and its mock cluster); kcat is the independent client in tests
    libbenchmark-dev time           # micro benchmarks; /usr/bin/time for peak RSS
    clang-14 libclang-rt-14-dev     # libFuzzer + sanitizers for the fuzz smoke test
    tzdata                          # --time-zone Area/City (read at run time; tst_timestamp)
    libmicrohttpd-dev               # adclick serve: a hardened HTTP server with a thread pool and connection limits, no Qt in the CLI
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
