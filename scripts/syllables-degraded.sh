#!/usr/bin/env bash
# Held-out check for the syllable counter: clean recordings with known counts, degraded
# with sox (two reverbs, pink noise), counted by `speech-coach analyze`. Prints each
# file's error and the mean absolute error. Usage: scripts/syllables-degraded.sh [OUT_DIR]
# Needs sox, espeak-ng, python3 (make deps installs the first two).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-out/syllables-degraded}
mkdir -p "$out"
bin="$here/target/release/speech-coach"
zh_text="您好，这里是客户服务中心，请问有什么可以帮您？请您稍等一下，我马上为您查询订单的处理情况。非常抱歉让您久等了，您的包裹明天上午就能送到。"
en_text="Hello, thank you for calling customer support. Could you please tell me your order number? I am sorry for the delay, your parcel will arrive tomorrow morning."
# name  lang  true syllables  source
cases=()
cp "$here/../shared/data/zh/BAC009S0764W0121.wav" "$out/bac009.wav"; cases+=("bac009 zh 13")
cp "$here/../shared/data/zh/IT0011W0001.wav" "$out/it0011.wav"; cases+=("it0011 zh 4")
for s in 150 200; do
  espeak-ng -v cmn-latn-pinyin -s $s -w "$out/zh-$s.wav" "$zh_text"; cases+=("zh-$s zh 61")
done
espeak-ng -v en -s 150 -w "$out/en-150.wav" "$en_text"; cases+=("en-150 en 41")
for c in "${cases[@]}"; do
  read -r name lang truth <<<"$c"
  src="$out/$name.wav"
  sox -G "$src" -r 16000 -c 1 -b 16 "$out/$name-rev.wav" reverb 70 50 100
  sox -G "$src" -r 16000 -c 1 -b 16 "$out/$name-rev2.wav" reverb 90 30 100 80
  sox "$src" -r 16000 -c 1 -b 16 "$out/$name-16k.wav"
  sox -R -n -r 16000 -c 1 -b 16 "$out/noise.wav" synth "$(soxi -D "$out/$name-16k.wav")" pinknoise vol 0.05
  sox -m "$out/$name-16k.wav" "$out/noise.wav" "$out/$name-noise.wav"
  for kind in rev rev2 noise; do
    echo "$name-$kind $truth $("$bin" analyze "$out/$name-$kind.wav" --lang "$lang")"
  done
done | python3 -c '
import sys, json
errs = []
for line in sys.stdin:
    name, truth, report = line.split(" ", 2)
    got = json.loads(report)["syllables"]
    err = 100 * (got - int(truth)) / int(truth)
    errs.append(abs(err))
    print(f"{name:14s} true {truth:>3s}  counted {got:3d}  {err:+6.1f} %")
print(f"mean absolute error over {len(errs)} files: {sum(errs) / len(errs):.1f} %")
'
