#!/usr/bin/env bash
# Screenshots of the real window on a two-sided call: a PulseAudio pipe-source as the
# agent's microphone, a null sink made the default output as the softphone (its monitor is
# the caller), the window under Xvfb. The call: the caller talks, the agent talks over the
# end of it (an interruption), then both are silent (a hold, detected after 10 s).
# Writes assets/screenshots/call-interruption.png and call-hold.png (or into OUT_DIR).
# Usage: scripts/screenshot-call.sh [OUT_DIR]. Needs what `make deps` installs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shots=${1:-$here/assets/screenshots}
work=$(mktemp -d)
export PULSE_RUNTIME_PATH="$work/pulse" XDG_RUNTIME_DIR="$work/pulse"
mkdir -p "$PULSE_RUNTIME_PATH"
export PULSE_SERVER="unix:$PULSE_RUNTIME_PATH/native"
pulseaudio --daemonize=no --exit-idle-time=-1 -n --load=module-native-protocol-unix --load=module-null-sink >/dev/null 2>&1 &
pulse=$!
Xvfb :77 -screen 0 1280x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $pulse $xvfb ${feeder:-} ${player:-} ${app:-} 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
pactl load-module module-pipe-source source_name=vmic file="$work/mic.fifo" format=s16le rate=16000 channels=1 source_properties=device.description=Headset >/dev/null
pactl set-default-source vmic
pactl load-module module-null-sink sink_name=softphone >/dev/null
pactl set-default-sink softphone
data="$here/../shared/data"
# Both sides as 16 kHz raw PCM on one timeline: caller 1.0 s → two sentences; the agent
# starts 1.5 s before the caller's end; then 35 s of silence on both sides.
sox "$data"/fda/sb001.wav "$data"/fda/sb002.wav -r 16000 -c 1 -b 16 "$work/caller.wav"
sox "$data"/zh-read/BAC009S0150W0011.wav "$data"/zh-read/BAC009S0150W0012.wav -c 1 -b 16 "$work/agent.wav"
caller_s=$(soxi -D "$work/caller.wav"); agent_s=$(soxi -D "$work/agent.wav")
agent_at=$(python3 -c "print(1.0 + $caller_s - 1.5)")
sox "$work/caller.wav" "$work/caller.raw" pad 1.0 40
sox "$work/agent.wav" "$work/agent.raw" pad "$agent_at" 40
SPEECH_COACH_DATA_DIR="$work/data" SPEECH_COACH_CONFIG_DIR="$work/config" LANG=zh_CN.UTF-8 DISPLAY=:77 \
  "$here/target/release/speech-coach" > "$work/app.log" 2>&1 &
app=$!
# The window and both captures up first, then the call.
sleep 8
python3 - "$work/mic.fifo" "$work/agent.raw" <<'PY' &
import random, struct, sys, time
# A real microphone is never exactly silent: faint noise (about -80 dBFS) under it all.
f = open(sys.argv[1], "wb", buffering=0); raw = open(sys.argv[2], "rb").read()
start = time.time(); sent = 0; piece = 640
while sent < len(raw) + 32000 * 5:
    chunk = raw[sent:sent + piece].ljust(piece, b"\0")
    samples = struct.unpack("<320h", chunk)
    f.write(struct.pack("<320h", *(max(-32768, min(32767, v + random.randint(-3, 3))) for v in samples)))
    sent += piece
    time.sleep(max(0.0, start + sent / 32000 - time.time()))
PY
feeder=$!
pacat --playback --device=softphone --format=s16le --rate=16000 --channels=1 --latency-msec=20 --raw "$work/caller.raw" &
player=$!
# The interruption is confirmed 0.6 s into the overlap; the cue shows 1.5 s after that.
sleep "$(python3 -c "print($agent_at + 3.0)")"
DISPLAY=:77 import -window root "$work/interruption.png"
# The silence starts when the agent's last sentence ends; the hold timer warns at 25 s.
sleep "$(python3 -c "print(max(0.0, $agent_s - 3.0) + 27.0)")"
DISPLAY=:77 import -window root "$work/hold.png"
convert "$work/interruption.png" -trim +repage "$shots/call-interruption.png"
convert "$work/hold.png" -trim +repage "$shots/call-hold.png"
echo "wrote $shots/call-interruption.png and $shots/call-hold.png"
