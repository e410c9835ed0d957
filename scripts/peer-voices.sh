#!/usr/bin/env bash
# The peer method on issue 20's per-voice sets: De Jong & Wempe's Syllable Nuclei v3
# (shared/peers/syllable-nuclei-v3, GPL-3, run unmodified with its own defaults through
# praat --run; never part of the product) counts the syllables of every turn that
# scripts/pace-voices.sh built (zh-read and cv-zh, clean and telephone band, and the cv
# turns' tempo copies), and scripts/voices-report.py --source peer prints its per-voice
# count distributions beside ours: the same halves, the same truth.
# Usage: scripts/peer-voices.sh [OUT_DIR]   (default out/voices; run pace-voices.sh first)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "${1:-out/voices}" && pwd)
peer="$here/../shared/peers/syllable-nuclei-v3"
[ -f "$out/cv/ours-clean.txt" ] || { echo "run scripts/pace-voices.sh $out first" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# One praat per core, each on its share of the files.
run() { # DIR: writes DIR/../peer-KIND.txt lines "name {"syllables": n}"
  local dir=$1 dest=$2
  ls "$dir"/*.wav > "$work/all.txt"
  split -n "l/$(nproc)" "$work/all.txt" "$work/part."
  for part in "$work"/part.*; do
    (cd "$peer" && praat --run dejong_batch.praat "$part" 0 > "$part.out") &
  done
  wait
  cat "$work"/part.*.out | python3 -c '
import json, os, sys
for line in sys.stdin:
    if "|" in line:
        path, rest = line.split("|")
        name = os.path.basename(path.strip())[:-4]
        print(name, json.dumps({"syllables": int(float(rest.split(",")[1]))}))
' > "$dest"
  rm -f "$work"/part.*
}
for set in zh-read cv; do
  for kind in clean tel; do
    run "$out/$set/$kind" "$out/$set/peer-$kind.txt"
  done
done
run "$out/tempo/clean" "$out/tempo/peer-clean.txt"
python3 "$here/scripts/voices-report.py" "$out" --source peer
