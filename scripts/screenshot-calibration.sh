#!/usr/bin/env bash
# Screenshots of the window's calibration, on a virtual microphone that plays read
# Mandarin (zh-read sentences, about 74 characters) in real time: the passage being read
# (Chinese interface) and the result with the pace calibration's switch (English
# interface). Writes assets/screenshots/calibration-zh.png and calibration-done-en.png
# (or into OUT_DIR). The button is clicked at its place in a 1000×760 window.
# Usage: scripts/screenshot-calibration.sh [OUT_DIR]. Needs what `make deps` installs,
# xdotool, and python3; cargo build --release first.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shots=${1:-$here/assets/screenshots}
mkdir -p "$shots"
work=$(mktemp -d)
. "$here/scripts/virtual-desk.sh"
trap 'kill ${app:-} ${feeder:-} $desk_pids 2>/dev/null || true; rm -rf "$work"' EXIT
desk_start :79 1500x1100
export DISPLAY=:79 LANG=zh_CN.UTF-8

# The reading: zh-read sentences of Han characters only, from the 61st on, to 71 or more.
data="$here/../shared/data/zh-read"
mapfile -t files < <(python3 - "$data" <<'PY'
import sys
data, n = sys.argv[1], 0
for line in list(open(f"{data}/text", encoding="utf-8"))[60:]:
    name, text = line.rstrip("\n").split("\t")
    if all("\u4e00" <= c <= "\u9fff" for c in text):
        print(f"{data}/{name}.wav")
        n += len(text)
        if n >= 71:
            break
PY
)
sox "${files[@]}" -t raw -r 16000 -e signed -b 16 -c 1 "$work/reading.raw"

# run UI CLICK_X: the window in interface language UI; the microphone hears 4 s of room
# noise, the reading, then room noise, in real time (desk_feed); the calibrate button is clicked at
# CLICK_X (y 65) after 4 s. Screenshots at 10 s and 36 s go to $work/UI-during.png, -after.png.
run() {
  local mic
  mkdir -p "$work/$1/config"
  echo "{\"hear_caller\": false, \"ui_lang\": \"$1\", \"speech_lang\": \"zh\"}" \
    >"$work/$1/config/settings.json"
  mic=$(desk_mic "vmic-$1" "$work/$1.fifo")
  SPEECH_COACH_CONFIG_DIR="$work/$1/config" SPEECH_COACH_DATA_DIR="$work/$1/data" \
    XDG_CACHE_HOME="$work/$1/cache" "$here/target/release/speech-coach" >"$work/$1.log" 2>&1 &
  app=$!
  # 4 s of room noise, the reading, then room noise.
  sox -t raw -r 16000 -e signed -b 16 -c 1 "$work/reading.raw" -t raw "$work/feed.raw" pad 4 0
  desk_feed "$work/$1.fifo" "$work/feed.raw" 40
  feeder=$!
  sleep 4
  local id
  id=$(xdotool search --name '^speech-coach$' | head -1)
  xdotool windowsize "$id" 1000 760
  sleep 1
  xdotool mousemove --window "$id" "$2" 65 click 1
  sleep 9
  import -window "$id" "$work/$1-during.png"
  sleep 26
  import -window "$id" "$work/$1-after.png"
  kill $app
  wait $app 2>/dev/null || true
  kill $feeder 2>/dev/null || true
  pactl unload-module "$mic"
  cat "$work/$1/config/pace-profile.json" >&2
}
run zh 735
cp "$work/zh-during.png" "$shots/calibration-zh.png"
run en 837
cp "$work/en-after.png" "$shots/calibration-done-en.png"
echo "wrote $shots/calibration-zh.png and calibration-done-en.png"
