#!/usr/bin/env bash
# A folder of calls for timing `analyze` on many files: the 500 read sentences of
# ../shared/data/zh-read joined 41 at a time into 12 "calls" of about 3 minutes each
# (16 kHz mono), written as WAV or, with a second argument, in that format (mp3, flac,
# ogg: sox picks the encoder by the extension).
#
#   scripts/make-call-folder.sh out/calls-wav
#   scripts/make-call-folder.sh out/calls-mp3 mp3
set -euo pipefail
out=${1:?usage: make-call-folder.sh OUT_DIR [wav|mp3|flac|ogg]}
format=${2:-wav}
src="$(dirname "$0")/../../shared/data/zh-read"
mkdir -p "$out"
mapfile -t sentences < <(ls "$src"/BAC009S0150W*.wav | sort | head -n 492)
for call in $(seq 0 11); do
    name=$(printf 'call-%02d.%s' "$((call + 1))" "$format")
    sox "${sentences[@]:$((call * 41)):41}" "$out/$name"
done
ls "$out" | wc -l
