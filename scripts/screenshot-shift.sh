#!/usr/bin/env bash
# Screenshot of the window's progress view: six sample calls of one shift (one an hour from
# 09:00 local time, pace 150–200, level and pitch spread falling through the day) written
# as the store writes sessions, the window opened on them under Xvfb and 通话记录 clicked.
# Writes assets/screenshots/shift.png (or into OUT_DIR).
# Usage: scripts/screenshot-shift.sh [OUT_DIR]. Needs what `make deps` installs, xdotool
# and python3; cargo build --release first.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shots=${1:-$here/assets/screenshots}
mkdir -p "$shots"
work=$(mktemp -d)
. "$here/scripts/virtual-desk.sh"
trap 'kill ${app:-} ${feeder:-} $desk_pids 2>/dev/null || true; rm -rf "$work"' EXIT
desk_start :76 1500x1100
export DISPLAY=:76
# A quiet microphone (room noise only), so the window listens rather than plays the demo.
desk_mic vmic "$work/mic.fifo" >/dev/null
head -c 32000 /dev/zero >"$work/quiet.raw"
desk_feed "$work/mic.fifo" "$work/quiet.raw" 30
feeder=$!
python3 - "$work/data/sessions" <<'PY'
import json, os, sys, time
root = sys.argv[1]
day = time.localtime()
start = int(time.mktime((day.tm_year, day.tm_mon, day.tm_mday, 9, 0, 0, 0, 0, -1))) - 86400
for i in range(6):
    t = start + i * 3600
    pace = [150, 162, 171, 184, 193, 200][i]
    summary = {
        "duration_s": 300.0, "speech_s": 150.0, "turn_s": 160.0, "turns": 20,
        "voiced_s": 110.0, "syllables": int(pace * 160 / 60), "syllables_per_min": pace,
        "chars_per_min": pace, "level_active_dbfs": -22.0 - 1.2 * i, "clipped_samples": 0,
        "pitch_median_hz": 190.0, "pitch_spread_st": 8.5 - 0.8 * i, "pauses": 30,
        "longest_pause_s": 1.5, "frames": 30000,
    }
    d = os.path.join(root, str(t))
    os.makedirs(d)
    meta = {"id": str(t), "started_unix_s": t, "ended_unix_s": t + 300, "source": "Headset",
            "kind": "call", "lang": "zh", "recording": False, "summary": summary, "cues": [],
            "ended_by": "hand"}
    json.dump(meta, open(os.path.join(d, "session.json"), "w"))
PY
mkdir -p "$work/config"
echo '{"hear_caller": false, "ui_lang": "zh", "speech_lang": "zh"}' >"$work/config/settings.json"
sleep 1
SPEECH_COACH_CONFIG_DIR="$work/config" SPEECH_COACH_DATA_DIR="$work/data" \
  XDG_CACHE_HOME="$work/cache" "$here/target/release/speech-coach" >"$work/app.log" 2>&1 &
app=$!
sleep 4
id=$(xdotool search --name '^speech-coach$' | head -1)
xdotool windowsize "$id" 1000 1000
sleep 1
xdotool mousemove --window "$id" 547 65 click 1
sleep 2
import -window "$id" "$work/shift.png"
cp "$work/shift.png" "$shots/shift.png"
echo "wrote $shots/shift.png"
