# Sourced by the screenshot scripts: a desk of their own for the real window, so nothing
# of the user's display, sound server or folders is touched.
#   desk_start DISPLAY WIDTHxHEIGHT   Xvfb on DISPLAY, and a private PulseAudio server (one
#                                     null sink) whose socket is under $work/pulse; sets
#                                     desk_pids for the caller's cleanup trap
#   desk_mic NAME FIFO                a pipe-source named NAME reading FIFO, made the
#                                     default source (the agent's microphone); echoes its
#                                     module id
#   desk_feed FIFO RAW [TAIL_S]       writes 16 kHz 16-bit mono RAW into FIFO in real time
#                                     with faint noise under it (a microphone never
#                                     delivers digital silence), then TAIL_S (5) s of that
#                                     noise; runs in the background, its pid in $!
# Needs $work (a temporary folder) set by the caller.
desk_start() {
  Xvfb "$1" -screen 0 "${2}x24" -nolisten tcp >/dev/null 2>&1 &
  desk_pids="$!"
  export PULSE_RUNTIME_PATH="$work/pulse" XDG_RUNTIME_DIR="$work/pulse"
  mkdir -p "$PULSE_RUNTIME_PATH"
  export PULSE_SERVER="unix:$PULSE_RUNTIME_PATH/native"
  pulseaudio --daemonize=no --exit-idle-time=-1 -n --load=module-native-protocol-unix \
    --load=module-null-sink >/dev/null 2>&1 &
  desk_pids="$desk_pids $!"
  for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
  sleep 1
}

desk_mic() {
  local id
  id=$(pactl load-module module-pipe-source source_name="$1" file="$2" format=s16le \
    rate=16000 channels=1 source_properties=device.description=Headset)
  pactl set-default-source "$1"
  echo "$id"
}

desk_feed() {
  python3 - "$1" "$2" "${3:-5}" <<'PY' &
import random, struct, sys, time
# Faint noise (about -80 dBFS) under it all, 20 ms pieces at the pace of the clock.
f = open(sys.argv[1], "wb", buffering=0); raw = open(sys.argv[2], "rb").read()
start = time.time(); sent = 0; piece = 640; end = len(raw) + int(32000 * float(sys.argv[3]))
while sent < end:
    chunk = raw[sent:sent + piece].ljust(piece, b"\0")
    samples = struct.unpack("<320h", chunk)
    f.write(struct.pack("<320h", *(max(-32768, min(32767, v + random.randint(-3, 3))) for v in samples)))
    sent += piece
    time.sleep(max(0.0, start + sent / 32000 - time.time()))
PY
}
