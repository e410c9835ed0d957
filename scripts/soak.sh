#!/usr/bin/env bash
# Long-run cost of `speech-coach listen` on a virtual microphone: CPU share of one core and
# resident memory at the start and the end. Usage: scripts/soak.sh SECONDS [OUT_DIR]
# CALLER=1 also plays looped speech into a null sink made the default output, and listens
# to its monitor as the caller's side (`listen --caller`): both channels of a call.
# Needs pulseaudio, pulseaudio-utils, sox, python3 (make deps installs the first three).
set -euo pipefail
seconds=${1:-3600}
out=${2:-out/soak}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"; out=$(cd "$out" && pwd)
export PULSE_RUNTIME_PATH="$out/pulse" XDG_RUNTIME_DIR="$out/pulse"
mkdir -p "$PULSE_RUNTIME_PATH"
export PULSE_SERVER="unix:$PULSE_RUNTIME_PATH/native"
pulseaudio --daemonize=no --exit-idle-time=-1 -n --load=module-native-protocol-unix --load=module-null-sink >/dev/null 2>&1 &
pulse=$!
trap 'kill $pulse $feeder $app 2>/dev/null || true' EXIT
for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
fifo="$out/mic.fifo"; rm -f "$fifo"
pactl load-module module-pipe-source source_name=vmic file="$fifo" format=s16le rate=16000 channels=1 >/dev/null
pactl set-default-source vmic
sox "$here"/../shared/data/zh/*.wav -t raw -r 16000 -e signed -b 16 -c 1 "$out/speech.raw"
python3 - "$fifo" "$out/speech.raw" "$seconds" <<'PY' &
import sys, time
fifo, raw, seconds = sys.argv[1], open(sys.argv[2], "rb").read(), float(sys.argv[3]) + 10
f = open(fifo, "wb", buffering=0); start = time.time(); sent = 0; piece = 640
while time.time() - start < seconds:
    i = sent % len(raw); f.write((raw + raw)[i:i + piece]); sent += piece
    time.sleep(max(0.0, start + sent / 32000 - time.time()))
PY
feeder=$!
caller_args=()
if [ "${CALLER:-0}" = 1 ]; then
  pactl load-module module-null-sink sink_name=softphone >/dev/null
  pactl set-default-sink softphone
  sox "$here"/../shared/data/zh-read/BAC009S015[0-9]W000[1-9].wav -t raw -r 16000 -e signed -b 16 -c 1 "$out/caller.raw"
  # pacat paces the playback by the sink's clock; the loop keeps it fed.
  (while true; do cat "$out/caller.raw"; done | pacat --playback --device=softphone --format=s16le --rate=16000 --channels=1 --latency-msec=20 --raw) &
  player=$!
  trap 'kill $pulse $feeder $app $player 2>/dev/null || true' EXIT
  caller_args=(--caller)
fi
"$here/target/release/speech-coach" listen "${caller_args[@]}" --seconds "$seconds" > "$out/listen.json" 2> "$out/listen.err" &
app=$!
sample() { awk '{print $14+$15}' /proc/$app/stat; }
rss() { awk '/VmRSS/ {print $2}' /proc/$app/status; }
sleep 10
t0=$(date +%s.%N); c0=$(sample); r0=$(rss)
sleep $((seconds - 15))
t1=$(date +%s.%N); c1=$(sample); r1=$(rss)
wait $app
tick=$(getconf CLK_TCK)
python3 - <<PY
wall = $t1 - $t0
cpu = ($c1 - $c0) / $tick
print(f"listen over {wall:.0f} s: CPU {100*cpu/wall:.2f} % of one core; RSS {$r0/1024:.1f} MiB after 10 s, {$r1/1024:.1f} MiB at the end")
PY
cat "$out/listen.json"
