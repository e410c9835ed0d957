#!/usr/bin/env bash
# Robustness check for the syllable counter: clean recordings with known counts, degraded
# with sox (three reverbs, pink noise, call-centre babble made of three English talkers
# from shared/data/fda at 15 and 5 dB SNR, and a plucked-chord music loop at 10 and 5 dB
# SNR), counted by `speech-coach analyze`. The espeak Mandarin runs at four speeds, up to
# 8.4 syllables a second, because fast speech is where syllables merge.
# Prints each file's error and the mean absolute error per kind and overall.
# Usage: scripts/syllables-degraded.sh [OUT_DIR]
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
for s in 150 200 300 380; do
  espeak-ng -v cmn-latn-pinyin -s $s -w "$out/zh-$s.wav" "$zh_text"; cases+=("zh-$s zh 61")
done
espeak-ng -v en -s 150 -w "$out/en-150.wav" "$en_text"; cases+=("en-150 en 41")
fda="$here/../shared/data/fda"
sox -G -m -v 0.5 "$fda/rl010.wav" -v 0.5 "$fda/sb020.wav" -v 0.5 "$fda/rl030.wav" -r 16000 -c 1 -b 16 "$out/babble1.wav"
sox "$out/babble1.wav" "$out/babble.wav" repeat 20
# Music: four bars of plucked triads with a bass note and a four-note melody, 4 s, looped.
bars=()
i=0
for chord in "220 261.6 329.6" "196 246.9 293.7" "174.6 220 261.6" "261.6 329.6 392"; do
  read -r a b c <<<"$chord"
  sox -n -r 16000 -c 1 -b 16 "$out/chord.wav" synth 1 pluck "$a" pluck "$b" pluck "$c" pluck "$(python3 -c "print($a / 2)")" remix -
  melody=()
  for n in 0 1 2 3; do
    f=$(python3 -c "print([$a, $b, $c, 2 * $a][($n * 3 + $i) % 4] * 2)")
    sox -n -r 16000 -c 1 -b 16 "$out/note$n.wav" synth 0.25 pluck "$f"; melody+=("$out/note$n.wav")
  done
  sox "${melody[@]}" "$out/melody.wav"
  sox -m "$out/chord.wav" "$out/melody.wav" "$out/bar$i.wav"; bars+=("$out/bar$i.wav")
  i=$((i + 1))
done
sox "${bars[@]}" "$out/music1.wav"
sox "$out/music1.wav" "$out/music.wav" repeat 10
rms() { sox "$1" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}'; }
babble_rms=$(rms "$out/babble.wav")
music_rms=$(rms "$out/music.wav")
for c in "${cases[@]}"; do
  read -r name lang truth <<<"$c"
  src="$out/$name.wav"
  sox -G "$src" -r 16000 -c 1 -b 16 "$out/$name-rev.wav" reverb 70 50 100
  sox -G "$src" -r 16000 -c 1 -b 16 "$out/$name-rev2.wav" reverb 90 30 100 80
  sox "$src" -r 16000 -c 1 -b 16 "$out/$name-16k.wav"
  sox -R -n -r 16000 -c 1 -b 16 "$out/noise.wav" synth "$(soxi -D "$out/$name-16k.wav")" pinknoise vol 0.05
  sox -m "$out/$name-16k.wav" "$out/noise.wav" "$out/$name-noise.wav"
  sox -G "$out/$name-16k.wav" "$out/$name-room.wav" reverb 50 70 60 40 10
  seconds=$(soxi -D "$out/$name-16k.wav"); speech_rms=$(rms "$out/$name-16k.wav")
  for snr in 15 5; do
    gain=$(python3 -c "print($speech_rms / $babble_rms / 10 ** ($snr / 20))")
    sox -G -m "$out/$name-16k.wav" -v "$gain" "|sox $out/babble.wav -p trim 3 $seconds" "$out/$name-babble$snr.wav"
  done
  for snr in 10 5; do
    gain=$(python3 -c "print($speech_rms / $music_rms / 10 ** ($snr / 20))")
    sox -G -m "$out/$name-16k.wav" -v "$gain" "|sox $out/music.wav -p trim 0 $seconds" "$out/$name-music$snr.wav"
  done
  for kind in rev rev2 room noise babble15 babble5 music10 music5; do
    echo "$name-$kind $truth $("$bin" analyze "$out/$name-$kind.wav" --lang "$lang")"
  done
done | python3 -c '
import sys, json
errs, by_kind = [], {}
for line in sys.stdin:
    name, truth, report = line.split(" ", 2)
    got = json.loads(report)["syllables"]
    err = 100 * (got - int(truth)) / int(truth)
    errs.append(abs(err))
    by_kind.setdefault(name.rsplit("-", 1)[1], []).append(abs(err))
    print(f"{name:16s} true {truth:>3s}  counted {got:3d}  {err:+6.1f} %")
for kind, e in by_kind.items():
    print(f"  {kind:9s} mean absolute error {sum(e) / len(e):5.1f} % ({len(e)} files)")
print(f"mean absolute error over {len(errs)} files: {sum(errs) / len(errs):.1f} %")
'
