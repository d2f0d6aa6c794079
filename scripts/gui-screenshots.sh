#!/usr/bin/env bash
# The screenshots of docs/gui.md: starts adclick-monitor under Xvfb (a real X server, no window
# manager) on a generated archive and on --demo, in the light and the dark theme, at 1280×720 and
# 1024×640 and at 150 % scaling (QT_SCALE_FACTOR=1.5 on a 1920×1080 screen), drives it with
# xdotool (F1 opens the keyboard shortcuts) and writes the PNGs into docs/images/ with ImageMagick's
# `import`. Needs the Debian packages xvfb, xdotool and imagemagick.
#   scripts/gui-screenshots.sh        BUILD_DIR=… (default build), SHOT_DISPLAY=… (default :99),
#                                     WAIT=… seconds before a shot (default 6), OUT=… (docs/images)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
SHOT_DISPLAY=${SHOT_DISPLAY:-:99}
WAIT=${WAIT:-6}
OUT=${OUT:-docs/images}
CLI="$BUILD_DIR/app/adclick"
GUI="$BUILD_DIR/app/monitor/adclick-monitor"
for tool in Xvfb xdotool import; do
    command -v "$tool" >/dev/null || { echo "gui-screenshots: $tool is missing (apt-get install xvfb xdotool imagemagick)" >&2; exit 1; }
done
[ -x "$CLI" ] && [ -x "$GUI" ] || BUILD_DIR=$BUILD_DIR bash scripts/build.sh >/dev/null
mkdir -p "$OUT"

WORK=$(mktemp -d)
XVFB_PID=
APP_PID=
cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# A 20-minute archive with every kind of line (late, duplicate, rejected).
"$CLI" gen --out "$WORK/clicks.csv" --events 300000 --rate 250 --seed 11 --format csv >/dev/null

start_x() { # start_x WIDTH HEIGHT
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
    Xvfb "$SHOT_DISPLAY" -screen 0 "${1}x${2}x24" -nolisten tcp >/dev/null 2>&1 &
    XVFB_PID=$!
    for _ in $(seq 50); do
        DISPLAY=$SHOT_DISPLAY xdotool getdisplaygeometry >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "gui-screenshots: Xvfb did not start on $SHOT_DISPLAY" >&2
    exit 1
}

# shot NAME WIDTH HEIGHT THEME SCALE ARGS…: one run of the window, one screenshot of the screen.
shot() {
    local name=$1 width=$2 height=$3 theme=$4 scale=$5
    shift 5
    start_x "$width" "$height"
    local config="$WORK/config-$name"
    mkdir -p "$config/AdClick"
    printf '[view]\ntheme=%s\n' "$theme" >"$config/AdClick/AdClick Monitor.conf"
    DISPLAY=$SHOT_DISPLAY QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR=$scale XDG_CONFIG_HOME=$config \
        XDG_DATA_HOME="$WORK/data-$name" "$GUI" --db "$WORK/$name.db" "$@" >/dev/null 2>&1 &
    APP_PID=$!
    local win
    win=$(DISPLAY=$SHOT_DISPLAY xdotool search --sync --onlyvisible --name "AdClick Monitor" | head -1)
    # No window manager: put the window on the whole screen, as a maximised one.
    DISPLAY=$SHOT_DISPLAY xdotool windowmove "$win" 0 0 windowsize "$win" "$width" "$height"
    sleep "$WAIT"
    if [ "${SHORTCUTS:-0}" = 1 ]; then
        DISPLAY=$SHOT_DISPLAY xdotool windowfocus --sync "$win" key F1
        sleep 1
    fi
    DISPLAY=$SHOT_DISPLAY import -window root "$OUT/$name.png"
    kill "$APP_PID" 2>/dev/null
    wait "$APP_PID" 2>/dev/null || true
    APP_PID=
    echo "gui-screenshots: $OUT/$name.png"
}

shot archive-light-1280x720 1280 720 light 1 "$WORK/clicks.csv"
shot archive-dark-1280x720 1280 720 dark 1 "$WORK/clicks.csv"
shot demo-light-1280x720 1280 720 light 1 --demo
shot demo-dark-1280x720 1280 720 dark 1 --demo
shot archive-light-1024x640 1024 640 light 1 "$WORK/clicks.csv"
shot demo-dark-1024x640 1024 640 dark 1 --demo
shot archive-light-150pct 1920 1080 light 1.5 "$WORK/clicks.csv"
SHORTCUTS=1 shot shortcuts-dark-1280x720 1280 720 dark 1 "$WORK/clicks.csv"
