#!/usr/bin/env bash
# Screenshots of a busy call's plots in the HTML report, zh and en, in headless Chromium: a
# stored 3-minute call with 40 cues (bursts a fraction of a second apart, pairs a few
# seconds apart, alarms among nudges), six interruptions, dead air and a hold, written as
# the store writes a session. Only the report's figures are shown (the timeline and the
# three plots). Chromium also measures every text on them as laid out (turned ones too):
# the script fails if any two overlap or a line runs through one. Writes
# assets/screenshots/report-cues-zh.png and report-cues-en.png (or into OUT_DIR).
# Usage: scripts/screenshot-report-cues.sh [OUT_DIR]. Needs chromium and python3;
# cargo build --release first.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shots=${1:-$here/assets/screenshots}
mkdir -p "$shots"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
id=1795500180
python3 - "$work/data/sessions/$id" "$here" <<'PY'
import json, os, re, sys
d, here = sys.argv[1], sys.argv[2]
os.makedirs(d)
duration = 180.0
# (time, cue): a burst of "too fast", a quiet microphone flapping, nudges in pairs.
cues = [(6.0, "TooFast"), (6.4, "TooFast"), (6.9, "TooFast"), (7.3, "TooFast"),
        (12.0, "MicTooQuiet"), (13.5, "TooFast"), (15.0, "MicTooQuiet"), (16.2, "Flat"),
        (30.0, "LetCallerFinish"), (31.0, "TooLoud"), (33.0, "CallerUpset"),
        (34.5, "LosingCalm"), (48.0, "DeadAir"), (62.0, "TooSlow"), (63.0, "TooSoft"),
        (95.0, "HoldTooLong"), (118.0, "TooFast"), (118.6, "Clipping"), (119.1, "TooLoud"),
        (119.6, "Clipping"), (120.2, "TooFast"), (124.0, "Flat"), (126.0, "TooFast")]
cues += [(140.0 + i * 0.8, "TooFast") for i in range(12)]
cues += [(168.0, "LetCallerFinish"), (171.0, "TooFast"), (173.5, "Flat"), (176.0, "TooFast"),
         (178.5, "TooSlow")]
holds = [{"start_s": 70.0, "duration_s": 29.9, "source": "key"}]
events = [{"time_s": 29.5, "kind": "agent_interruption", "duration_s": 1.2},
          {"time_s": 31.5, "kind": "caller_interruption", "duration_s": 0.8},
          {"time_s": 33.0, "kind": "agent_interruption", "duration_s": 1.0},
          {"time_s": 44.0, "kind": "dead_air", "duration_s": 5.2},
          {"time_s": 70.0, "kind": "hold", "duration_s": 29.9},
          {"time_s": 101.0, "kind": "dead_air", "duration_s": 6.0},
          {"time_s": 166.0, "kind": "agent_interruption", "duration_s": 2.1},
          {"time_s": 167.5, "kind": "agent_interruption", "duration_s": 1.0},
          {"time_s": 169.0, "kind": "caller_interruption", "duration_s": 0.9}]
conversation = {
    "duration_s": duration, "agent_talk_s": 120.0, "caller_talk_s": 20.0,
    "agent_talk_share": 0.86, "overlap_s": 7.0, "agent_spurts": 14, "caller_spurts": 6,
    "agent_interruptions": 4, "caller_interruptions": 2, "response_gaps": 5,
    "response_gap_median_s": 0.7, "dead_air_count": 2, "longest_dead_air_s": 6.0,
    "holds": holds, "longest_hold_s": 29.9, "longest_agent_monologue_s": 31.0,
    "caller_arousal": None,
}
meta = {"id": os.path.basename(d), "started_unix_s": 1795500180, "ended_unix_s": 1795500360,
        "source": "Headset", "kind": "call", "lang": "zh", "recording": False,
        "summary": {"duration_s": duration, "speech_s": 120.0, "turn_s": 120.0, "turns": 6,
                    "voiced_s": 96.0, "syllables": 420, "syllables_per_min": 210.0,
                    "chars_per_min": 210.0, "level_active_dbfs": -28.0, "clipped_samples": 40,
                    "pitch_median_hz": 210.0, "pitch_spread_st": 5.5, "pauses": 12,
                    "longest_pause_s": 2.0, "frames": int(duration * 100)},
        "cues": [{"time_s": t, "cue": c} for t, c in cues],
        "conversation": conversation, "conversation_events": events}
json.dump(meta, open(os.path.join(d, "session.json"), "w"))
# frames.csv: the store's header (read from src/session/frames.rs), then speech whose pace
# and level wander, silent through the hold and the dead air.
src = open(f"{here}/src/session/frames.rs", encoding="utf-8").read()
header = re.search(r'pub const HEADER: &str =\s*"([^"]+)"', src).group(1)
rows = [header]
quiet = [(70.0, 99.9), (44.0, 49.2), (101.0, 107.0)]
caller = [(24.0, 32.5), (55.0, 62.0), (108.0, 116.0), (158.0, 170.0)]
for i in range(int(duration * 100)):
    t = i * 0.01
    silent = any(a <= t < b for a, b in quiet)
    heard = int(any(a <= t < b for a, b in caller))
    speech = 0 if silent else 1
    pace = 150 + 70 * ((i // 1500) % 3 == 1) + (i % 300) / 10
    level = -80.0 if silent else -30.0 + 4.0 * ((i // 700) % 3)
    f0 = "" if silent else f"{190 + (i % 60)}.00"
    active = "" if silent else f"{level:.2f}"
    rows.append(f"{t:.2f},{f0},{level:.2f},{speech},{speech},{int(not silent and i % 25 == 0)},"
                f"{active},{pace:.2f},5.50,R,G,G,{speech},{heard}")
open(os.path.join(d, "frames.csv"), "w").write("\n".join(rows) + "\n")
PY
# Only the figures, and a probe: every <text> in the figures measured by the browser;
# pairs that overlap and lines through a label are written into the page.
probe='<style>body>*:not(figure){display:none!important}</style><script>
const bad = [];
for (const svg of document.querySelectorAll("figure svg")) {
  const texts = [...svg.querySelectorAll("text")].map(t => [t.textContent, t.getBoundingClientRect()]);
  const lines = [...svg.querySelectorAll("line")].map(l => l.getBoundingClientRect());
  const hit = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  texts.forEach(([s, a], i) => {
    texts.slice(i + 1).forEach(([u, b]) => { if (hit(a, b)) bad.push(s + " / " + u); });
    lines.forEach(l => { if (hit(a, l)) bad.push("a line through " + s); });
  });
}
const pre = document.createElement("pre"); pre.id = "overlaps"; pre.style.display = "none";
pre.textContent = bad.length + " overlaps" + (bad.length ? ": " + bad.join("; ") : "");
document.body.appendChild(pre);
</script>'
status=0
for lang in zh en; do
  SPEECH_COACH_DATA_DIR="$work/data" SPEECH_COACH_CONFIG_DIR="$work/config" \
    "$here/target/release/speech-coach" report "$id" --lang "$lang" --html "$work/$lang.html" >/dev/null
  python3 - "$work/$lang.html" "$probe" <<'PY'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[1], "w", encoding="utf-8").write(page.replace("</body>", sys.argv[2] + "</body>"))
PY
  found=$(chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$work/$lang.html" 2>/dev/null \
    | sed -n 's/.*<pre id="overlaps"[^>]*>\([^<]*\)<\/pre>.*/\1/p')
  echo "$lang: ${found:-no answer from the browser}"
  [ "${found%% *}" = 0 ] || status=1
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,1240 \
    --screenshot="$shots/report-cues-$lang.png" "file://$work/$lang.html" 2>/dev/null
done
echo "wrote $shots/report-cues-zh.png and report-cues-en.png"
exit $status
