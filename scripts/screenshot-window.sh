#!/usr/bin/env bash
# Screenshots of the real window under Xvfb: the full view in demo mode at 700×500 (in the
# demo's good part) and at 1400×1000 (in its fast part), and the call strip on a virtual
# microphone that is then unplugged. Writes assets/screenshots/full-700x500.png,
# full-1400x1000.png and strip-mic-lost.png (or into OUT_DIR).
# Usage: scripts/screenshot-window.sh [OUT_DIR]. Needs what `make deps` installs, and xdotool.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shots=${1:-$here/assets/screenshots}
mkdir -p "$shots"
work=$(mktemp -d)
display=:78
. "$here/scripts/virtual-desk.sh"
trap 'kill ${app:-} ${feeder:-} $desk_pids 2>/dev/null || true; rm -rf "$work"' EXIT
desk_start $display 1500x1100
export DISPLAY=$display LANG=zh_CN.UTF-8

# The window's own folders, so nothing of the user's is read or written.
app_env() {
  exec env SPEECH_COACH_CONFIG_DIR="$work/$1/config" SPEECH_COACH_DATA_DIR="$work/$1/data" \
    XDG_CACHE_HOME="$work/$1/cache" "${@:2}"
}
# shot FILE: the speech-coach window alone.
shot() {
  local id
  id=$(xdotool search --name '^speech-coach$' | head -1)
  import -window "$id" "$1"
}
resize() {
  xdotool search --name '^speech-coach$' | head -1 | xargs -I{} xdotool windowsize {} "$1" "$2"
}

# 1. The demo at two sizes.
PULSE_SERVER="unix:$work/no-pulse-here" app_env demo "$here/target/release/speech-coach" --demo \
  >"$work/demo.log" 2>&1 &
app=$!
sleep 4
resize 700 500
sleep 22          # the good part: 0–31 s
shot "$shots/full-700x500.png"
resize 1400 1000
sleep 24          # the fast part: 33–51 s
shot "$shots/full-1400x1000.png"
kill $app; wait $app 2>/dev/null || true

# 2. The strip on a virtual microphone, which is then unplugged.
mic=$(desk_mic vmic "$work/mic.fifo")
mkdir -p "$work/strip/config"
echo '{"compact": true, "hear_caller": false}' >"$work/strip/config/settings.json"
app_env strip "$here/target/release/speech-coach" >"$work/strip.log" 2>&1 &
app=$!
sox "$here/assets/demo.wav" -t raw -r 16000 -e signed -b 16 -c 1 - trim 0 20 >"$work/mic.fifo" &
feeder=$!
sleep 12
pactl unload-module "$mic"
sleep 3
shot "$shots/strip-mic-lost.png"
echo "wrote $shots/full-700x500.png, full-1400x1000.png and strip-mic-lost.png"
