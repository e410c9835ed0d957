#!/usr/bin/env bash
# Screenshots of a rehearsal in the real window: a script made of four zh-read sentences
# (the last one marked [slow]), read by their own recordings on a virtual microphone in
# real time with 1.2 s between lines, and the window shot once the take is done, in the
# Chinese and the English interface: each line's pace in its band's colour, the summary.
# Writes assets/screenshots/rehearsal.png (zh) and rehearsal-en.png (or into OUT_DIR).
# Usage: scripts/screenshot-rehearsal.sh [OUT_DIR]. Needs what `make deps` installs,
# xdotool, and python3; cargo build --release first.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shots=${1:-$here/assets/screenshots}
mkdir -p "$shots"
work=$(mktemp -d)
. "$here/scripts/virtual-desk.sh"
trap 'kill ${app:-} ${feeder:-} $desk_pids 2>/dev/null || true; rm -rf "$work"' EXIT
desk_start :78 1500x1100
export DISPLAY=:78

# Four sentences of Han characters only and few digits (not phone numbers), from the
# 101st on: the script and its reading.
data="$here/../shared/data/zh-read"
mapfile -t files < <(python3 - "$data" "$work/script.md" <<'PY'
import sys
data, script = sys.argv[1], sys.argv[2]
lines = []
for line in list(open(f"{data}/text", encoding="utf-8"))[100:]:
    name, text = line.rstrip("\n").split("\t")
    digits = sum(c in "零一二三四五六七八九" for c in text)
    if all("\u4e00" <= c <= "\u9fff" for c in text) and 10 <= len(text) <= 20 and digits <= 2:
        lines.append((name, text))
        print(f"{data}/{name}.wav")
        if len(lines) == 4:
            break
with open(script, "w", encoding="utf-8") as f:
    f.write("# 投诉电话开场\n")
    for i, (_, text) in enumerate(lines):
        f.write(text + (" [slow]\n" if i == 3 else "\n"))
PY
)
parts=()
for f in "${files[@]}"; do
  sox "$f" -t raw -r 16000 -e signed -b 16 -c 1 "$work/$(basename "$f" .wav).raw" pad 0 1.2
  parts+=("-t" "raw" "-r" "16000" "-e" "signed" "-b" "16" "-c" "1" "$work/$(basename "$f" .wav).raw")
done
sox "${parts[@]}" -t raw "$work/reading.raw" pad 3 0

# run UI: the rehearsal window in interface language UI, the reading fed in real time,
# the shot 4 s after its end.
run() {
  local mic seconds
  mkdir -p "$work/$1/config"
  echo "{\"hear_caller\": false, \"ui_lang\": \"$1\", \"speech_lang\": \"zh\"}" \
    >"$work/$1/config/settings.json"
  mic=$(desk_mic "vmic-$1" "$work/$1.fifo")
  SPEECH_COACH_CONFIG_DIR="$work/$1/config" SPEECH_COACH_DATA_DIR="$work/$1/data" \
    XDG_CACHE_HOME="$work/$1/cache" "$here/target/release/speech-coach" rehearse \
    "$work/script.md" --lang zh >"$work/$1.log" 2>&1 &
  app=$!
  desk_feed "$work/$1.fifo" "$work/reading.raw" 10
  feeder=$!
  sleep 3
  local id
  id=$(xdotool search --name '^speech-coach$' | head -1)
  xdotool windowsize "$id" 1000 760
  seconds=$(python3 -c "import os; print(int(os.path.getsize('$work/reading.raw') / 32000) + 2)")
  sleep "$seconds"
  import -window "$id" "$work/$1.png"
  kill $app
  wait $app 2>/dev/null || true
  kill $feeder 2>/dev/null || true
  pactl unload-module "$mic"
}
run zh
cp "$work/zh.png" "$shots/rehearsal.png"
run en
cp "$work/en.png" "$shots/rehearsal-en.png"
echo "wrote $shots/rehearsal.png and rehearsal-en.png"
