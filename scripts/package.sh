#!/usr/bin/env bash
# Builds the Debian package (CPack DEB) into ${BUILD_DIR:-build}, prints its path, contents and
# control information. With --install it also installs it (dpkg -i) and runs the installed programs.
set -euo pipefail
cd "$(dirname "$0")/.."

install=0
for arg in "$@"; do
    case "$arg" in
    --install) install=1 ;;
    -h | --help)
        echo "usage: scripts/package.sh [--install]   (BUILD_DIR=dir to build elsewhere)"
        exit 0
        ;;
    *)
        echo "package.sh: unknown argument: $arg (see --help)" >&2
        exit 2
        ;;
    esac
done

BUILD_DIR=${BUILD_DIR:-build}
export BUILD_DIR
bash scripts/build.sh
# dpkg-shlibdeps computes the library dependencies (CPACK_DEBIAN_PACKAGE_SHLIBDEPS).
command -v dpkg-shlibdeps >/dev/null || {
    echo "package.sh: dpkg-shlibdeps is missing (apt-get install dpkg-dev)" >&2
    exit 1
}

rm -f "$BUILD_DIR"/adclick-monitor_*.deb
(cd "$BUILD_DIR" && cpack -G DEB >/dev/null)
debs=("$BUILD_DIR"/adclick-monitor_*.deb)
if [ ! -f "${debs[0]}" ]; then
    echo "package.sh: cpack produced no adclick-monitor_*.deb in $BUILD_DIR" >&2
    exit 1
fi
deb=$(realpath "${debs[0]}")

echo "== package: $deb"
echo "== contents"
dpkg-deb -c "$deb"
echo "== control"
dpkg-deb -I "$deb"

if [ "$install" = 1 ]; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    echo "== installing"
    # dpkg -i does not fetch dependencies: let apt add any that are missing, then check.
    if ! $SUDO dpkg -i "$deb"; then
        $SUDO apt-get install -y -f -qq
    fi
    dpkg-query -W -f='${Package} ${Version} ${Status}\n' adclick-monitor
    echo "== adclick --help"
    adclick --help | head -n 5
    if command -v adclick-monitor >/dev/null; then
        echo "== adclick-monitor --version"
        QT_QPA_PLATFORM=offscreen adclick-monitor --version
    fi
fi
