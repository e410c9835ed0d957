#!/usr/bin/env bash
# Pace on real read turns, ours and the peer's (De Jong & Wempe Syllable Nuclei v3), clean,
# telephone band and in office noise.
#  1. scripts/make-turns.py builds 30-40 s turns from shared/data/zh-read (Mandarin) and
#     shared/data/fda (English) with pauses of 0.25-1.2 s, and their stopwatch times;
#  2. telephone band: scripts/telephone-band.sh (8 kHz, 300-3400 Hz, G.711 mu-law);
#     office noise: scripts/office-noise.sh (pink noise low-passed at 4 kHz, level drifting
#     ±3 dB at 0.2 Hz, 15 dB SNR against the speech's RMS over its sentences);
#  3. `speech-coach analyze` and the v3 script (praat --run, its own defaults) on every copy;
#  4. per set: headline pace against stopwatch pace (true count / stopwatch time), count
#     error, and pace differences between the copies of each turn.
# Usage: scripts/pace-turns.sh [OUT_DIR]   (needs sox, praat, python3; build --release first)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-out/pace-turns}
bin="$here/target/release/speech-coach"
peer="$here/../shared/peers/syllable-nuclei-v3"
for lang in zh en; do
  d="$out/$lang"
  [ -f "$d/manifest.tsv" ] || python3 "$here/scripts/make-turns.py" "$lang" "$d"
  [ -d "$d/tel" ] || "$here/scripts/telephone-band.sh" "$d/clean" "$d/tel"
  [ -d "$d/noisy" ] || "$here/scripts/office-noise.sh" "$d"
  for kind in clean tel noisy; do
    for wav in "$d/$kind"/*.wav; do
      echo "$(basename "$wav" .wav) $("$bin" analyze "$wav" --lang "$lang")"
    done > "$d/ours-$kind.txt"
    if [ ! -s "$d/v3-$kind.txt" ]; then
      ls "$PWD/$d/$kind"/*.wav > "$d/list.txt"
      (cd "$peer" && praat --run dejong_batch.praat "$OLDPWD/$d/list.txt" 0) > "$d/v3-$kind.txt"
    fi
  done
done
python3 - "$out" <<'EOF'
import json, os, statistics, sys
out = sys.argv[1]
def pct(a, b): return 100.0 * (a / b - 1.0)
def q(xs, p): xs = sorted(xs); return xs[min(len(xs) - 1, int(p * len(xs)))]
for lang in ("zh", "en"):
    d = os.path.join(out, lang)
    truth = {}
    for line in open(os.path.join(d, "manifest.tsv")):
        name, _, count, stopwatch, *_ = line.split("\t")
        truth[name] = (int(count), float(stopwatch))
    unit, per = ("chars/min", 1.0) if lang == "zh" else ("words/min", 1.4)
    field = "chars_per_min" if lang == "zh" else "words_per_min"
    paces = {}
    print(f"== {lang}: {len(truth)} turns; stopwatch pace median "
          f"{statistics.median(c / s * 60 for c, s in truth.values()):.0f} {unit}")
    for kind in ("clean", "tel", "noisy"):
        ours = {}
        for line in open(os.path.join(d, f"ours-{kind}.txt")):
            name, js = line.split(" ", 1)
            ours[name] = json.loads(js)
        v3 = {}
        for line in open(os.path.join(d, f"v3-{kind}.txt")):
            if "|" not in line: continue
            path, rest = line.split("|")
            f = rest.split(",")
            v3[os.path.basename(path.strip())[:-4]] = (float(f[1]), float(f[3]))  # nsyll, dur
        rows = []
        for name, (count, sw) in truth.items():
            o = ours[name]
            truth_pace = count / sw * 60
            count_err = pct(o["syllables"] / per, count)
            pace_err = pct(o[field], truth_pace)
            paces.setdefault(name, {})[kind] = o[field]
            n3, dur3 = v3[name]
            # v3's speech rate is nsyll / whole-file time; its pace over the stopwatch time:
            v3_pace_err = pct(n3 / per / sw * 60, truth_pace)
            rows.append((pace_err, count_err, pct(n3 / per, count), v3_pace_err,
                         o.get("turn_s", 0) - sw))
        pe = [abs(r[0]) for r in rows]
        if lang == "en":
            # The same with words = syllables / 1.27, FDA's own ratio (1106 syllables, 868 words):
            pe127 = [abs((1 + r[0] / 100) * 1.4 / 1.27 - 1) * 100 for r in rows]
            print(f"  {kind:5s} ours, words = syllables / 1.27: pace error median "
                  f"{statistics.median(pe127):.1f} %, 90th pct {q(pe127, 0.9):.1f} %")
        within = 100 * sum(e <= 10 for e in pe) / len(pe)
        print(f"  {kind:5s} ours: pace error median {statistics.median(pe):.1f} %, 90th pct "
              f"{q(pe, 0.9):.1f} %, within 10 % on {within:.0f} % of turns, mean "
              f"{statistics.mean(r[0] for r in rows):+.1f} %; count "
              f"mean abs. error {statistics.mean(abs(r[1]) for r in rows):.1f} % (mean "
              f"{statistics.mean(r[1] for r in rows):+.1f} %); turn time - stopwatch median "
              f"{statistics.median(r[4] for r in rows):+.2f} s")
        print(f"  {kind:5s} v3:   count mean abs. error {statistics.mean(abs(r[2]) for r in rows):.1f} % "
              f"(mean {statistics.mean(r[2] for r in rows):+.1f} %); pace error (its count / "
              f"stopwatch) median {statistics.median(abs(r[3]) for r in rows):.1f} %")
    for kind in ("tel", "noisy"):
        diff = [abs(pct(p[kind], p["clean"])) for p in paces.values()]
        print(f"  {kind} vs clean, same turns: pace difference median {statistics.median(diff):.1f} %, "
              f"90th pct {q(diff, 0.9):.1f} %")
EOF
