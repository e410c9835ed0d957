#!/usr/bin/env bash
# Screenshots of the real window on a two-sided call, in Chinese and in English: a
# PulseAudio pipe-source as the agent's microphone, a null sink made the default output as
# the softphone (its monitor is the caller), the window under Xvfb. The call: the caller
# talks, the agent talks over the end of it (an interruption), then both are silent (a
# hold, detected after 10 s); then the headset is muted (PulseAudio set-source-mute: the
# stream runs on with exact zeros) and the header says so.
# Writes assets/screenshots/call-interruption.png, call-hold.png and call-muted.png
# (Chinese) and the same names with -en (English), or into OUT_DIR.
# Usage: scripts/screenshot-call.sh [OUT_DIR]. Needs what `make deps` installs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shots=${1:-$here/assets/screenshots}
work=$(mktemp -d)
. "$here/scripts/virtual-desk.sh"
trap 'kill $desk_pids ${feeder:-} ${player:-} ${app:-} 2>/dev/null || true; rm -rf "$work"' EXIT
desk_start :77 1280x1000
desk_mic vmic "$work/mic.fifo" >/dev/null
pactl load-module module-null-sink sink_name=softphone >/dev/null
pactl set-default-sink softphone
data="$here/../shared/data"
# Both sides as 16 kHz raw PCM on one timeline: caller 1.0 s → two sentences; the agent
# starts 1.5 s before the caller's end; then 35 s of silence on both sides. The caller
# speaks English (fda sb); the agent Mandarin (zh-read) in the Chinese run and English
# (fda rl) in the English one, so each run's call language is the one the agent speaks.
sox "$data"/fda/sb001.wav "$data"/fda/sb002.wav -r 16000 -c 1 -b 16 "$work/caller.wav"
caller_s=$(soxi -D "$work/caller.wav")
sox "$work/caller.wav" "$work/caller.raw" pad 1.0 40
agent_at=$(python3 -c "print(1.0 + $caller_s - 1.5)")
# call LANG SUFFIX AGENT_WAV...: one run of the window on the call, in the locale LANG.
call() {
  local lang=$1 suffix=$2
  shift 2
  sox "$@" -r 16000 -c 1 -b 16 "$work/agent.wav"
  agent_s=$(soxi -D "$work/agent.wav")
  # The microphone delivers (faint noise) from before the window opens, as a headset
  # does: a pipe-source nobody writes to yet gives no sound at all, and the window took
  # it for no microphone and started the demo. The agent's speech starts 8 s later.
  sox "$work/agent.wav" "$work/agent.raw" pad "$(python3 -c "print(8.0 + $agent_at)")" 40
  pactl set-source-mute vmic 0
  desk_feed "$work/mic.fifo" "$work/agent.raw" 40
  feeder=$!
  SPEECH_COACH_DATA_DIR="$work/data$suffix" SPEECH_COACH_CONFIG_DIR="$work/config$suffix" LANG=$lang DISPLAY=:77 \
    "$here/target/release/speech-coach" > "$work/app$suffix.log" 2>&1 &
  app=$!
  # The window and both captures up first, then the call.
  sleep 8
  pacat --playback --device=softphone --format=s16le --rate=16000 --channels=1 --latency-msec=20 --raw "$work/caller.raw" &
  player=$!
  # The interruption is confirmed 0.6 s into the overlap; the cue shows 1.5 s after that.
  sleep "$(python3 -c "print($agent_at + 3.0)")"
  DISPLAY=:77 import -window root "$work/interruption.png"
  # The silence starts when the agent's last sentence ends; the hold timer warns at 25 s.
  sleep "$(python3 -c "print(max(0.0, $agent_s - 3.0) + 27.0)")"
  DISPLAY=:77 import -window root "$work/hold.png"
  # The headset muted: a second of exact zeros is a muted microphone, not a lost one.
  pactl set-source-mute vmic 1
  sleep 4
  DISPLAY=:77 import -window root "$work/muted.png"
  kill "$app" "$feeder" "$player" 2>/dev/null || true
  wait "$app" "$feeder" "$player" 2>/dev/null || true
  convert "$work/interruption.png" -trim +repage "$shots/call-interruption$suffix.png"
  convert "$work/hold.png" -trim +repage "$shots/call-hold$suffix.png"
  convert "$work/muted.png" -trim +repage "$shots/call-muted$suffix.png"
}
call zh_CN.UTF-8 "" "$data"/zh-read/BAC009S0150W0011.wav "$data"/zh-read/BAC009S0150W0012.wav
call en_US.UTF-8 -en "$data"/fda/rl001.wav "$data"/fda/rl002.wav
echo "wrote call-interruption, call-hold and call-muted (zh; -en: English) in $shots"
