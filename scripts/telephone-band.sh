#!/usr/bin/env bash
# Converts every WAV in IN_DIR to telephone band in OUT_DIR: 8 kHz, band-pass 300–3400 Hz,
# G.711 µ-law (no dither, so the files are the same on every run), then decoded back to 16-bit PCM so every reader sees the same samples.
# Usage: scripts/telephone-band.sh IN_DIR OUT_DIR
set -euo pipefail
in_dir=$1 out_dir=$2
mkdir -p "$out_dir"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for wav in "$in_dir"/*.wav; do
  name=$(basename "$wav")
  sox -D "$wav" -r 8000 -e u-law -b 8 "$tmp/$name" sinc 300-3400
  sox -D "$tmp/$name" -e signed-integer -b 16 "$out_dir/$name"
done
