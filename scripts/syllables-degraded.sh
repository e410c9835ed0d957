#!/usr/bin/env bash
# Robustness check for the syllable counter, on two sets with known counts, degraded with
# sox and counted by `speech-coach analyze`:
#  1. the two close-talk recordings of shared/data/zh and espeak-ng speech (Mandarin at
#     four speeds, up to 8.4 syllables a second, because fast speech is where syllables
#     merge; English at one), each with three reverbs, pink noise, call-centre babble made
#     of three English talkers from shared/data/fda at 15 and 5 dB SNR, and a
#     plucked-chord music loop at 10 and 5 dB SNR;
#  2. real read English: the 100 recordings of shared/data/fda (counts from espeak-ng's
#     phonemes of each sentence), clean, with the music loop at 10 dB SNR, in a small room
#     with pink noise at 15 dB SNR ("far"), with a heavy reverb, and with babble of the
#     Mandarin recordings and two espeak voices at 15 dB SNR.
# Prints each file's error for set 1, and the mean absolute error and mean error per kind.
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
zh="$here/../shared/data/zh"
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
# Gain that puts a background of RMS $2 at $3 dB below speech of RMS $1.
snr_gain() { python3 -c "print($1 / $2 / 10 ** ($3 / 20))"; }
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
    gain=$(snr_gain "$speech_rms" "$babble_rms" "$snr")
    sox -G -m "$out/$name-16k.wav" -v "$gain" "|sox $out/babble.wav -p trim 3 $seconds" "$out/$name-babble$snr.wav"
  done
  for snr in 10 5; do
    gain=$(snr_gain "$speech_rms" "$music_rms" "$snr")
    sox -G -m "$out/$name-16k.wav" -v "$gain" "|sox $out/music.wav -p trim 0 $seconds" "$out/$name-music$snr.wav"
  done
  for kind in rev rev2 room noise babble15 babble5 music10 music5; do
    echo "synthetic $name-$kind $truth $("$bin" analyze "$out/$name-$kind.wav" --lang "$lang")"
  done
done > "$out/results.txt"

# Set 2: real read English.
syllables() { # one per run of vowel symbols in espeak-ng's IPA, plus syllabic consonants
  espeak-ng -q --ipa -v en-gb "$1" | python3 -c '
import sys
ipa, vowels, n, prev = sys.stdin.read(), set("aeiouæɑɒɔəɜɛɪʊʌɐɚɝᵻɨyøœɘɵɤ"), 0, False
for c in ipa:
    n += c in vowels and not prev
    prev = c in vowels
print(n + ipa.count("\u0329"))'
}
espeak-ng -v en-us+m3 -s 170 -w "$out/voice1.wav" "Yes I can help you with that, let me just check the account details for you, one moment please."
espeak-ng -v cmn-latn-pinyin+f2 -s 190 -w "$out/voice2.wav" "请问您的订单号是多少，我这边帮您查一下，好的，没问题，稍等一下，马上就好。"
sox "$zh/BAC009S0764W0121.wav" "$out/voice3.wav" repeat 3
sox "$zh/IT0011W0001.wav" "$out/voice4.wav" repeat 6
sox -m -v 0.6 "|sox $out/voice1.wav -r 16000 -p" -v 0.6 "|sox $out/voice2.wav -r 16000 -p" -v 1.5 "$out/voice3.wav" -v 1.5 "$out/voice4.wav" "$out/zh-babble1.wav"
sox "$out/zh-babble1.wav" "$out/zh-babble.wav" repeat 5
zh_babble_rms=$(rms "$out/zh-babble.wav")
while read -r number text; do
  truth=$(syllables "$text")
  for speaker in rl sb; do
    name="$speaker$number"
    sox "$fda/$name.wav" -r 16000 -b 16 "$out/$name-clean.wav"
    seconds=$(soxi -D "$out/$name-clean.wav"); speech_rms=$(rms "$out/$name-clean.wav")
    gain=$(snr_gain "$speech_rms" "$music_rms" 10)
    sox -G -m "$out/$name-clean.wav" -v "$gain" "|sox $out/music.wav -p trim 1.3 $seconds" "$out/$name-music10.wav"
    gain=$(snr_gain "$speech_rms" "$zh_babble_rms" 15)
    offset=$(( (10#$number * 7) % 20 ))
    sox -G -m "$out/$name-clean.wav" -v "$gain" "|sox $out/zh-babble.wav -p trim $offset $seconds" "$out/$name-babble15.wav"
    sox -G "$out/$name-clean.wav" "$out/$name-rev.wav" reverb 70 50 100
    sox -G "$out/$name-clean.wav" "$out/$name-room.wav" reverb 50 70 60 40 10
    sox -R -n -r 16000 -c 1 -b 16 "$out/noise.wav" synth "$(soxi -D "$out/$name-room.wav")" pinknoise vol 0.3
    gain=$(snr_gain "$(rms "$out/$name-room.wav")" "$(rms "$out/noise.wav")" 15)
    sox -G -m "$out/$name-room.wav" -v "$gain" "$out/noise.wav" "$out/$name-far.wav"
    for kind in clean music10 far rev babble15; do
      echo "real-english $name-$kind $truth $("$bin" analyze "$out/$name-$kind.wav" --lang en)"
    done
  done
done < "$fda/orthographic.index" >> "$out/results.txt"

python3 - "$out/results.txt" <<'EOF'
import sys, json
by_kind = {}
for line in open(sys.argv[1]):
    corpus, name, truth, report = line.split(" ", 3)
    got = json.loads(report)["syllables"]
    err = 100 * (got - int(truth)) / int(truth)
    by_kind.setdefault(corpus, {}).setdefault(name.rsplit("-", 1)[1], []).append(err)
    if corpus == "synthetic":
        print(f"{name:16s} true {truth:>3s}  counted {got:3d}  {err:+6.1f} %")
for corpus, kinds in by_kind.items():
    print(f"{corpus}: mean absolute error / mean error")
    for kind, e in kinds.items():
        print(f"  {kind:9s} {sum(map(abs, e)) / len(e):5.1f} % / {sum(e) / len(e):+5.1f} % ({len(e)} files)")
    everything = [x for e in kinds.values() for x in e]
    print(f"  all       {sum(map(abs, everything)) / len(everything):5.1f} % / {sum(everything) / len(everything):+5.1f} % ({len(everything)} files)")
EOF
