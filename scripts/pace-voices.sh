#!/usr/bin/env bash
# Pace and syllable counts per voice: the development protocol of issue 20.
#  1. sets: zh-read turns (scripts/make-turns.py zh: one speaker, 51 turns) and one turn per
#     Common Voice speaker (scripts/make-cv-turns.py: 70 voices, split into a fixed tuning
#     half and a held-out half); each clean and telephone band (scripts/telephone-band.sh);
#  2. `speech-coach analyze --lang zh` on every file (all cores);
#  3. tempo copies (sox tempo -s 0.8, 1.2, 1.4) of every voice's clean turn;
#  4. scripts/voices-report.py: per set and half, the distribution over speakers (median,
#     90th percentile, worst) of count error and of pace error against the stopwatch; the
#     count change with tempo; and what the personal pace calibration (`calibrate` on a
#     voice's first clips, `analyze --profile` on its other clips) does to pace.
# Usage: scripts/pace-voices.sh [OUT_DIR] [-- extra analyze options, e.g. --profile F]
# (needs sox with MP3 support and python3; cargo build --release first)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-out/voices}
shift || true
[ "${1:-}" = "--" ] && shift
bin=${SPEECH_COACH_BIN:-"${CARGO_TARGET_DIR:-$here/target}/release/speech-coach"}
[ -f "$out/zh-read/manifest.tsv" ] || python3 "$here/scripts/make-turns.py" zh "$out/zh-read"
[ -f "$out/cv/manifest.tsv" ] || python3 "$here/scripts/make-cv-turns.py" "$out/cv"
for set in zh-read cv; do
  d="$out/$set"
  [ -d "$d/tel" ] || "$here/scripts/telephone-band.sh" "$d/clean" "$d/tel" 2>/dev/null
  for kind in clean tel; do
    ls "$d/$kind"/*.wav | xargs -P "$(nproc)" -I{} sh -c \
      'echo "$(basename "$1" .wav) $("$0" analyze "$1" --lang zh '"$*"')"' "$bin" {} \
      > "$d/ours-$kind.txt"
  done
done
# The personal pace calibration, with the real command: each voice's -cal passage
# (40-60 characters) through `calibrate --text`, then its -rest turn through `analyze
# --profile`. A refused calibration (a count too far from the text) leaves that voice
# uncalibrated, as it would in the app.
d="$out/cv"
for kind in clean tel; do
  mkdir -p "$d/profiles-$kind"
  for cal in "$d/$kind"/cv-*-cal.wav; do
    v=$(basename "$cal" -cal.wav)
    rest="$d/$kind/$v-rest.wav"
    profile="$d/profiles-$kind/$v.json"
    [ -f "$rest" ] || continue
    if "$bin" calibrate --recording "$cal" --text "$d/clean/$v-cal.txt" --lang zh --json \
        > "$profile" 2> "$profile.err"; then
      echo "$v-rest $("$bin" analyze "$rest" --lang zh --profile "$profile" "$@")"
    else
      rm -f "$profile"
    fi
  done > "$d/ours-calibrated-$kind.txt"
done
# Tempo invariance: every voice's turn sped up or slowed down by sox's WSOLA time stretch
# (pitch and spectrum kept, `tempo -s`): the same syllables, so the same count.
t="$out/tempo"
if [ ! -d "$t/clean" ]; then
  mkdir -p "$t/clean"
  for wav in "$out"/cv/clean/cv-*.wav; do
    case $wav in *-cal.wav|*-rest.wav) continue ;; esac
    for x in 0.8 1.2 1.4; do
      sox -D "$wav" "$t/clean/$(basename "$wav" .wav)-x$x.wav" tempo -s "$x" 2>/dev/null
    done
  done
fi
ls "$t/clean"/*.wav | xargs -P "$(nproc)" -I{} sh -c \
  'echo "$(basename "$1" .wav) $("$0" analyze "$1" --lang zh '"$*"')"' "$bin" {} > "$t/ours-clean.txt"
python3 "$here/scripts/voices-report.py" "$out"
