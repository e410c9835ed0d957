#!/usr/bin/env bash
# Builds a long 16 kHz mono test recording by repeating the Mandarin files of shared/data/zh.
# Usage: scripts/make-long-speech.sh OUT.wav MINUTES
set -euo pipefail
out=$1 minutes=${2:-15}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sox "$here"/../shared/data/zh/*.wav -r 16000 -c 1 -b 16 "$tmp/round.wav"
len=$(soxi -D "$tmp/round.wav")
repeats=$(python3 -c "import math; print(math.ceil($minutes*60/$len))")
sox "$tmp/round.wav" "$out" repeat "$repeats" trim 0 "$((minutes * 60))"
