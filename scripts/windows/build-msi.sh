#!/usr/bin/env bash
# Builds the Windows installer: build-msi.sh SPEECH-COACH.EXE OUT.msi WORK-FOLDER
# wixl (Debian's msitools) turns speech-coach.wxs into an MSI; the icon is drawn here with
# ImageMagick (a red-amber-green gauge on a dark tile), so no binary icon is kept in the repository.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exe=$1 out=$2 work=$3
mkdir -p "$work"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$here/../../Cargo.toml" | head -1)
# One band of the gauge: a ring sector from angle $1 to $2 (degrees, clockwise from 3 o'clock).
sector() {
    awk -v a0="$1" -v a1="$2" 'BEGIN {
        pi = atan2(0, -1); s = ""
        for (i = 0; i <= 20; i++) { a = (a0 + (a1 - a0) * i / 20) * pi / 180
            s = s sprintf("%.1f,%.1f ", 128 + 94 * cos(a), 150 + 94 * sin(a)) }
        for (i = 20; i >= 0; i--) { a = (a0 + (a1 - a0) * i / 20) * pi / 180
            s = s sprintf("%.1f,%.1f ", 128 + 64 * cos(a), 150 + 64 * sin(a)) }
        print "polygon " s }'
}
convert -size 256x256 xc:none -fill '#263238' -draw 'roundrectangle 8,8 248,248 40,40' \
    -fill '#c62828' -draw "$(sector 180 228)" -fill '#f9a825' -draw "$(sector 232 280)" \
    -fill '#2e7d32' -draw "$(sector 284 360)" \
    -stroke '#eceff1' -strokewidth 14 -draw 'line 128,150 166,102' \
    -stroke none -fill '#eceff1' -draw 'circle 128,150 128,166' "$work/icon-256.png"
for size in 16 32 48; do
    convert "$work/icon-256.png" -resize "${size}x${size}" "$work/icon-$size.png"
done
convert "$work"/icon-{16,32,48,256}.png "$work/speech-coach.ico"
# wixl finds sources by paths relative to the .wxs file: all of them in one folder.
cp "$here/speech-coach.wxs" "$work/"
cp "$exe" "$work/speech-coach.exe"
out=$(realpath -m "$out")
cd "$work"
wixl -a x64 -D Version="$version" -D Exe=speech-coach.exe -D Icon=speech-coach.ico \
    -o "$out" speech-coach.wxs
