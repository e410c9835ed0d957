#!/usr/bin/env bash
# Screenshots of the call report (HTML) in headless Chromium, zh and en: a stored call of
# 60 s at 240 characters a minute with one interruption of the caller and a 29.9 s hold,
# written as the store writes a session. Writes assets/screenshots/report-zh.png and
# report-en.png (or into OUT_DIR). Usage: scripts/screenshot-report.sh [OUT_DIR].
# Needs chromium and python3; cargo build --release first.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shots=${1:-$here/assets/screenshots}
mkdir -p "$shots"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/data/sessions/1795500180" <<'PY'
import json, os, sys
d = sys.argv[1]
os.makedirs(d)
conversation = {
    "duration_s": 60.0, "agent_talk_s": 40.0, "caller_talk_s": 8.0, "agent_talk_share": 0.83,
    "overlap_s": 3.75, "agent_spurts": 5, "caller_spurts": 2, "agent_interruptions": 1,
    "caller_interruptions": 0, "response_gaps": 1, "response_gap_median_s": 0.8,
    "dead_air_count": 0, "longest_dead_air_s": 0.0,
    "holds": [{"start_s": 25.0, "duration_s": 29.9, "source": "key"}], "longest_hold_s": 29.9,
    "longest_agent_monologue_s": 20.0, "caller_arousal": None,
}
meta = {"id": "1795500180", "started_unix_s": 1795500180, "ended_unix_s": 1795500240,
        "source": "Headset", "kind": "call", "lang": "zh", "recording": False,
        "summary": {"duration_s": 60.0, "speech_s": 30.0, "turn_s": 30.0, "turns": 2,
                    "voiced_s": 24.0, "syllables": 120, "syllables_per_min": 240.0,
                    "chars_per_min": 240.0, "level_active_dbfs": -28.0,
                    "clipped_samples": 0, "pitch_median_hz": 220.0, "pitch_spread_st": 6.0,
                    "pauses": 4, "longest_pause_s": 1.0, "frames": 6000}, "cues": [{"time_s": 12.0, "cue": "TooFast"}],
        "conversation": conversation,
        "conversation_events": [
            {"time_s": 10.0, "kind": "agent_interruption", "duration_s": 3.75},
            {"time_s": 25.0, "kind": "hold", "duration_s": 29.9}]}
json.dump(meta, open(os.path.join(d, "session.json"), "w"))
PY
# frames.csv: the store's header (read from src/session/frames.rs), then 60 s of fast
# speech but for the hold.
python3 - "$work/data/sessions/1795500180/frames.csv" "$here" <<'PY'
import re, sys
src = open(f"{sys.argv[2]}/src/session/frames.rs", encoding="utf-8").read()
header = re.search(r'pub const HEADER: &str =\s*"([^"]+)"', src).group(1)
rows = [header]
for i in range(6000):
    t = i * 0.01
    hold = 25.0 <= t < 54.9
    speech = 0 if hold else 1
    syllable = int(not hold and i % 25 == 0)
    level = -80.0 if hold else -30.0 + 3.0 * ((i // 40) % 3)
    rows.append(f"{t:.2f},{0 if hold else 200 + (i % 50)}.00,{level:.2f},{speech},{speech},{syllable},"
                f"-28.00,240.00,6.00,R,G,G,{speech},0,{speech}")
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
PY
for lang in zh en; do
  SPEECH_COACH_DATA_DIR="$work/data" SPEECH_COACH_CONFIG_DIR="$work/config" \
    "$here/target/release/speech-coach" report 1795500180 --lang "$lang" --html "$work/$lang.html" >/dev/null
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,2400 \
    --screenshot="$shots/report-$lang.png" "file://$work/$lang.html" 2>/dev/null
done
echo "wrote $shots/report-zh.png and report-en.png"
