#!/usr/bin/env bash
# Rebuilds assets/demo.wav: one real voice (AISHELL-1 speaker S0150, ../shared/data/zh-read,
# Apache-2.0) in three parts a newcomer should see on the gauges, each measured with
# `speech-coach analyze` before it goes in:
#   1. good   (~25 s): lively sentences at a calm pace, normal level   → all three green
#   2. fast   (~20 s): the same voice sped up (sox tempo), short pauses → speed red
#   3. loud and flat (~25 s): the speaker's flattest sentences, +10 dB through a limiter
#      (sox gain -l) so nothing clips                                                   → volume red, tone flat
# Needs: sox, and a built speech-coach (cargo build --release).
# Usage: scripts/make-demo.sh [DATA_DIR]   (default ../shared/data/zh-read)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/zh-read}
bin=${SPEECH_COACH:-target/release/speech-coach}
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Utterances chosen by their own pitch spread (speech-coach analyze on each file): the most
# lively for parts 1 and 2, the flattest (spread under 3 semitones) for part 3.
lively="315 247 345 329"
fast="434 411 236 384 406 485 391"
flat="383 418 428 457"

# One sentence at tempo $2 (sox tempo keeps the pitch), its leading and trailing silence cut.
sentence() {
  sox "$data/BAC009S0150W0$1.wav" "$work/u$1.wav" \
    silence 1 0.05 0.5% reverse silence 1 0.05 0.5% reverse tempo -s "$2"
}
# part NAME TEMPO PAUSE_S "IDS" EFFECTS...: the sentences at TEMPO with PAUSE_S of silence
# between them (a pause, not a turn's end: that takes 2 s), then EFFECTS on the whole.
part() {
  local name=$1 tempo=$2 pause=$3 ids=$4 files=()
  shift 4
  sox -n -r 16000 -c 1 -b 16 "$work/pause-$name.wav" trim 0 "$pause"
  for i in $ids; do
    sentence "$i" "$tempo"
    files+=("$work/u$i.wav" "$work/pause-$name.wav")
  done
  unset 'files[${#files[@]}-1]'
  sox "${files[@]}" "$work/$name.wav" "$@"
}
# The active level of speech in the demo should be the app's default normal level
# (−26 dBFS, coach::targets::DEFAULT_NORMAL_LEVEL_DBFS); these sentences are at about −37.
# Slowed to 0.72 the news reading (about 230 syllables a minute without pauses) lands mid
# green with its pauses (the flat sentences are denser: 0.66); 1.2 times with short pauses
# is far above the band.
part good 0.72 1.2 "$lively" gain -l 11
part fast 1.2 0.25 "$fast" gain -l 11
part loud 0.66 1.2 "$flat" gain -l 22
# A breath between parts; each part is a turn of its own (2 s of silence ends a turn).
sox -n -r 16000 -c 1 -b 16 "$work/gap.wav" trim 0 2.2
sox "$work/good.wav" "$work/gap.wav" "$work/fast.wav" "$work/gap.wav" "$work/loud.wav" \
  -r 16000 -c 1 -b 16 assets/demo.wav

for name in good fast loud; do
  printf '%-5s ' "$name"
  "$bin" analyze "$work/$name.wav" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print("duration %.1f s, pace %.0f chars/min, level %+.1f dB vs -26 dBFS, spread %.1f st, clipped %d"
      % (d["duration_s"], d["chars_per_min"], d["level_active_dbfs"] + 26, d["pitch_spread_st"], d["clipped_samples"]))'
done
printf 'demo  %.1f s, %s bytes\n' "$(soxi -D assets/demo.wav)" "$(stat -c %s assets/demo.wav)"
