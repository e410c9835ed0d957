#!/usr/bin/env bash
# Office-noise copies of the turns of scripts/make-turns.py: pink noise low-passed at 4 kHz
# (fans, air conditioning) whose level drifts ±3 dB at 0.2 Hz (sox tremolo 0.2 30), mixed
# at 15 dB SNR against the speech's RMS over its sentences (manifest column 7), so the
# pauses hold noise only. Seeded (sox -R): the same files on every run.
# Usage: scripts/office-noise.sh TURNS_DIR   (reads TURNS_DIR/clean, writes TURNS_DIR/noisy)
set -euo pipefail
d=$1
mkdir -p "$d/noisy"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
while IFS=$'\t' read -r name _ _ _ _ _ rms _; do
  rate=$(soxi -r "$d/clean/$name.wav"); seconds=$(soxi -D "$d/clean/$name.wav")
  sox -R -n -r "$rate" -c 1 -b 16 "$tmp/noise.wav" synth "$seconds" pinknoise lowpass 4000 tremolo 0.2 30
  noise_rms=$(sox "$tmp/noise.wav" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}')
  gain=$(python3 -c "print($rms / $noise_rms / 10 ** (15 / 20))")
  sox -R -m "$d/clean/$name.wav" -v "$gain" "$tmp/noise.wav" "$d/noisy/$name.wav"
done < "$d/manifest.tsv"
