#!/usr/bin/env bash
# Screenshots of the real window under Xvfb, in Chinese and in English, whose team sync
# cannot go on until a person acts: the settings' CA file holds no certificate, so the
# header says "cannot connect: the CA certificate file cannot be read" (in red) instead
# of "offline". Writes assets/screenshots/team-ca-file-zh.png and team-ca-file-en.png
# (or into OUT_DIR).
# Usage: scripts/screenshot-team-line.sh [OUT_DIR]. Needs what `make deps` installs, and xdotool.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shots=${1:-$here/assets/screenshots}
mkdir -p "$shots"
work=$(mktemp -d)
display=:76
. "$here/scripts/virtual-desk.sh"
trap 'kill ${app:-} $desk_pids 2>/dev/null || true; rm -rf "$work"' EXIT
desk_start $display 1000x800
export DISPLAY=$display

echo "not a certificate" >"$work/centre-ca.pem"
for lang in zh en; do
  mkdir -p "$work/$lang/config"
  cat >"$work/$lang/config/settings.json" <<EOF
{"ui_lang": "$lang", "team": {"url": "postgresql://alice@127.0.0.1:1/coach",
 "team": "north", "agent": "Alice", "ca_file": "$work/centre-ca.pem"}}
EOF
  SPEECH_COACH_DB_PASSWORD=unused PULSE_SERVER="unix:$work/no-pulse-here" \
    SPEECH_COACH_CONFIG_DIR="$work/$lang/config" SPEECH_COACH_DATA_DIR="$work/$lang/data" \
    XDG_CACHE_HOME="$work/$lang/cache" "$here/target/release/speech-coach" --demo \
    >"$work/$lang.log" 2>&1 &
  app=$!
  sleep 4
  id=$(xdotool search --name '^speech-coach$' | head -1)
  xdotool windowsize "$id" 700 500
  sleep 8
  import -window "$id" "$shots/team-ca-file-$lang.png"
  kill $app
  wait $app 2>/dev/null || true
  grep -q "cannot read the CA certificate" "$work/$lang.log"
done
echo "wrote $shots/team-ca-file-zh.png and team-ca-file-en.png"
