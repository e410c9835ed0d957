#!/usr/bin/env bash
# The peer method beside ours on the syllable-count sets: De Jong & Wempe's Syllable Nuclei
# v3 (shared/peers/syllable-nuclei-v3, GPL-3, run unmodified with its own defaults through
# praat --run; never part of the product) and `speech-coach analyze`, per-file count error
# on shared/data/zh (4 files) and on every copy that scripts/syllables-degraded.sh made
# (run that first: it writes OUT/results.txt with each file's true count and our result).
# English counts are syllables for both (v3 counts syllables; so do we).
# Usage: scripts/peer-v3.sh [DEGRADED_OUT_DIR]   (default out/syllables-degraded)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
deg=$(cd "${1:-out/syllables-degraded}" && pwd)
peer="$here/../shared/peers/syllable-nuclei-v3"
bin="$here/target/release/speech-coach"
zh="$here/../shared/data/zh"
list=$(mktemp); trap 'rm -f "$list"' EXIT
# name  truth  ours  path
{
  while read -r id text; do
    n=$(python3 -c 'import sys; print(sum("\u4e00" <= c <= "\u9fff" for c in sys.argv[1]))' "$text")
    ours=$("$bin" analyze "$zh/$id.wav" | python3 -c 'import json, sys; print(json.load(sys.stdin)["syllables"])')
    echo "zh/$id $n $ours $zh/$id.wav"
  done < "$zh/text"
  while read -r corpus name truth report; do
    ours=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["syllables"])' "$report")
    echo "$corpus/$name $truth $ours $deg/$name.wav"
  done < "$deg/results.txt"
} > "$deg/peer-cases.txt"
awk '{print $4}' "$deg/peer-cases.txt" > "$list"
(cd "$peer" && praat --run dejong_batch.praat "$list" 0) > "$deg/peer-v3.txt"
python3 - "$deg/peer-cases.txt" "$deg/peer-v3.txt" <<'PY'
import os, sys
v3 = {}
for line in open(sys.argv[2]):
    if "|" in line:
        path, rest = line.split("|")
        v3[path.strip()] = int(float(rest.split(",")[1]))
groups = {}
for line in open(sys.argv[1]):
    name, truth, ours, path = line.split()
    truth, ours = int(truth), int(ours)
    if name.startswith("zh/"):
        key = "zh/ " + ("close-talk" if "BAC" in name or "IT" in name else name.split("_")[1].lower())
    else:
        key = name.split("/")[0] + " " + name.rsplit("-", 1)[1]
    groups.setdefault(key, []).append((100 * (ours / truth - 1), 100 * (v3[path] / truth - 1)))
print(f"{'set':24s} {'files':>5s}  ours: mean abs. / mean error   v3: mean abs. / mean error")
for key, rows in groups.items():
    n = len(rows)
    o = [r[0] for r in rows]; p = [r[1] for r in rows]
    print(f"{key:24s} {n:5d}  {sum(map(abs, o)) / n:6.1f} % / {sum(o) / n:+6.1f} %      "
          f"{sum(map(abs, p)) / n:6.1f} % / {sum(p) / n:+6.1f} %")
PY
