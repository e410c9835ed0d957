#!/usr/bin/env bash
# `make test-windows`: the Windows build, made and tested on this Debian machine.
#
#  1. installs what it needs from Debian (rustc-web 1.96 with std's source, mingw, Wine 8.0,
#     msitools, Xvfb, PulseAudio);
#  2. a fresh Wine prefix in a temporary folder, with a stand-in ProcessPrng DLL
#     (scripts/windows/processprng.c: Wine 8.0 lacks it, Rust's std needs it; tests only)
#     and a Chinese font in C:\windows\Fonts;
#  3. cross-builds the release .exe (x86_64-pc-windows-gnu, std rebuilt with -Zbuild-std,
#     target/windows) and runs clippy for Windows with -D warnings;
#  4. runs the unit tests and the integration crate (tests/tests.rs) under Wine (its areas
#     that need Linux tools are `#[cfg(unix)]`, left out there);
#  5. `analyze` under Wine against the Linux build on every WAV of ../shared/data;
#  6. the window in demo mode under Xvfb, in Chinese, and a screenshot; a second start
#     finds it through the named pipe and exits 0; the hold hotkey is pressed from
#     another window (said, not required);
#  7. a PulseAudio pipe-source captured through WASAPI (`listen`), and the caller's side
#     through a monitor taken as a capture device;
#  8. the MSI (wixl) installed, run, uninstalled under Wine; the installer's autostart
#     entry seen, removed and written again by `autostart` (the window's toggle).
# Any failure ends it with a non-zero exit. Prints the time each step took.
#
# Environment: SPEECH_COACH_SCREENSHOT=PATH copies the Chinese screenshot there;
# KEEP_WINDOWS_WORK=1 keeps the temporary folder (prefix, logs, screenshots).
set -euo pipefail
# A command that fails outside a test's own check says where: one run of stop 31 ended at
# the start of the analyze step with make's exit 2 and no line saying why.
trap 'echo "test-windows: FAILED: line $LINENO exited $?: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
root=$PWD
data=$(cd ../shared/data && pwd)

# ---------------------------------------------------------------- helpers
start_s=$(date +%s)
step_s=$start_s
step() {
    local now
    now=$(date +%s)
    echo "== [$((now - start_s)) s, last step $((now - step_s)) s] $*"
    step_s=$now
}
fail() {
    echo "test-windows: FAILED: $*" >&2
    exit 1
}

SUDO=${SUDO-$([ "$(id -u)" = 0 ] || echo sudo)}
PACKAGES="rustc-web cargo-web rust-web-src rust-web-clippy gcc-mingw-w64-x86-64 \
g++-mingw-w64-x86-64 wine wine wixl xvfb imagemagick pulseaudio pulseaudio-utils \
sox fonts-wqy-microhei jq python3"

# ---------------------------------------------------------------- 1. packages
step "packages"
# shellcheck disable=SC2086
missing=$(for p in $PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
    echo "installing: $missing"
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        $missing >/dev/null
fi

# Debian's rustc 1.96 rebuilds std for Windows from rust-web-src; rustup's toolchain stays
# first on PATH for everything else, so Debian's tools are named by full path.
target=x86_64-pc-windows-gnu
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc
export CXX_x86_64_pc_windows_gnu=x86_64-w64-mingw32-g++
export AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
export CARGO_TARGET_DIR=$root/target/windows
# Shipped stripped, and no debug info: 23 MB instead of 158 MB, and a shorter link.
export CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_STRIP=symbols
# cargo_win SUBCOMMAND ARGS…: Debian's cargo for Windows; ARGS may end in `-- …` for the tool.
cargo_win() {
    local subcommand=$1
    shift
    /usr/bin/cargo "$subcommand" -j 2 --release --target $target -Zbuild-std=std,panic_unwind "$@"
}
exe=$CARGO_TARGET_DIR/$target/release/speech-coach.exe

# ---------------------------------------------------------------- 2. Wine prefix
step "Wine prefix"
work=$(mktemp -d "${TMPDIR:-/tmp}/speech-coach-windows.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    WINEPREFIX=$work/prefix wineserver -k 2>/dev/null || true
    if [ "${KEEP_WINDOWS_WORK:-}" = 1 ]; then
        echo "kept: $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
# No Mono or Gecko downloads, and no menu entries written to the Linux desktop.
export WINEPREFIX=$work/prefix WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
# Nothing of the machine's own sound server or display reaches Wine unless a step says so.
unset DISPLAY PULSE_SERVER
x86_64-w64-mingw32-gcc -O2 -shared -static-libgcc -o "$work/bcryptprimitives.dll" \
    scripts/windows/processprng.c scripts/windows/processprng.def -lbcrypt
wine wineboot -i >"$work/wineboot.log" 2>&1 || fail "wineboot (see $work/wineboot.log)"
wineserver -w
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
cp /usr/share/fonts/truetype/wqy/wqy-microhei.ttc "$WINEPREFIX/drive_c/windows/Fonts/"
# One server for the whole run instead of one per program started.
wineserver -p
run_win() { wine "$@"; }
# The Windows user's profile folder (named after the Unix user).
profile=$(find "$WINEPREFIX/drive_c/users" -mindepth 1 -maxdepth 1 -type d ! -name Public | head -1)

# ---------------------------------------------------------------- 3. build and clippy
step "cross-build (release, $target)"
cargo_win build --bin speech-coach
ls -l "$exe"
run_win "$exe" --version || fail "the .exe does not start under Wine"

step "clippy for Windows (-D warnings)"
# Debian's clippy (rust-web-clippy) matches Debian's rustc: /usr/bin first for this only.
PATH=/usr/bin:$PATH cargo_win clippy --lib --bins --tests -- -D warnings

# ---------------------------------------------------------------- 4. tests under Wine
step "tests under Wine"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
cargo_win test --lib --bins --tests 2>&1 | tee "$work/tests.log" ||
    fail "a test failed under Wine (see above)"
unset CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER
ran=$(grep -E '^test result:' "$work/tests.log" |
    awk '{p += $4; f += $6; i += $8} END {print p " passed, " f " failed, " i " ignored"}')
echo "under Wine: $ran (the integration crate's areas that need Linux tools are left out)"

# ---------------------------------------------------------------- 5. analyze equality
step "analyze: Windows build under Wine against the Linux build"
linux_bin=$root/target/release/speech-coach
(
    unset RUSTC RUSTDOC RUSTC_BOOTSTRAP CARGO_TARGET_DIR CARGO_PROFILE_RELEASE_DEBUG \
        CARGO_PROFILE_RELEASE_STRIP
    # The binary `make test` built, with the tests' features: nothing to build again in CI.
    cd "$root" && cargo test -j 2 --release --no-run --test tests
)
mkdir -p "$work/linux" "$work/windows"
find "$data" -iname '*.wav' | sort >"$work/wavs.txt"
n_wavs=$(wc -l <"$work/wavs.txt")
[ "$n_wavs" -gt 0 ] || fail "no WAV files under $data"
# Output file per input: its path under the data folder, / turned into _.
out_name() { local rel=${1#"$data"/}; echo "${rel//\//_}"; }
export -f out_name
export data linux_bin exe work
analyze_one() {
    local side=$1 wav=$2 name bin
    name=$(out_name "$wav")
    if [ "$side" = linux ]; then
        "$linux_bin" analyze "$wav" >"$work/linux/$name.json" 2>/dev/null
    else
        wine "$exe" analyze "$wav" >"$work/windows/$name.json" 2>/dev/null
    fi
    echo "exit $?" >>"$work/$side/$name.json"
}
export -f analyze_one
xargs -a "$work/wavs.txt" -P 2 -I{} bash -c 'analyze_one linux "$1"' _ {}
xargs -a "$work/wavs.txt" -P 2 -I{} bash -c 'analyze_one windows "$1"' _ {}
# A file compared at once could still be short: in one run the file that differed was
# identical a moment later, before its retry (so `wine` may return before the program's
# output is all written); a second's grace first.
sleep 2
# Wine's console ends lines with CRLF; the JSON itself must be byte for byte the same.
for f in "$work"/windows/*.json; do sed -i 's/\r$//' "$f"; done
# A file whose output differs is analysed under Wine once more before it counts: one run
# in stop 31 and one in stop 32 differed somewhere, and the whole step passed when run
# again (a Wine hiccup). Each retry is shown with its first difference, so a real
# difference still fails, on the second run.
while read -r wav; do
    name=$(out_name "$wav")
    cmp -s "$work/linux/$name.json" "$work/windows/$name.json" && continue
    echo "analyze: $name differed under Wine on the first run; once more:"
    # Empty when the file was still being written as it was compared.
    { diff "$work/linux/$name.json" "$work/windows/$name.json" || true; } | head -6
    analyze_one windows "$wav" || true
    sed -i 's/\r$//' "$work/windows/$name.json"
done <"$work/wavs.txt"
# diff exits 1 when files differ: under pipefail that ended the script silently before
# it could show them (the silent stop of stop 31, named by the ERR trap in stop 32).
differ=$( { diff -rq "$work/linux" "$work/windows" || true; } | wc -l)
same=$((n_wavs - differ))
echo "analyze: $same of $n_wavs WAV files give byte-identical JSON under Wine"
[ "$differ" = 0 ] || { { diff -r "$work/linux" "$work/windows" || true; } | head -40; fail "analyze differs"; }

# ---------------------------------------------------------------- 6. the window
step "the window (--demo, Chinese) under Xvfb"
display=":$((90 + $$ % 8))"
Xvfb "$display" -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
sleep 1
config=$work/window-config
mkdir -p "$config"
echo '{"ui_lang": "zh", "speech_lang": "zh"}' >"$config/settings.json"
DISPLAY=$display LANG=zh_CN.UTF-8 SPEECH_COACH_CONFIG_DIR=$config \
    SPEECH_COACH_DATA_DIR=$work/window-data wine "$exe" --demo >"$work/window.log" 2>&1 &
window_pid=$!
pids+=("$window_pid")
sleep 20
kill -0 "$window_pid" 2>/dev/null || { cat "$work/window.log"; fail "the window exited"; }
DISPLAY=$display import -window root "$work/windows-wine-zh.png"
# One window per user: a second start rings the first through the named pipe and exits 0.
second=$(DISPLAY=$display SPEECH_COACH_CONFIG_DIR=$config SPEECH_COACH_DATA_DIR=$work/window-data \
    timeout 60 wine "$exe" --demo 2>"$work/second.err" | tr -d '\r') ||
    { cat "$work/second.err"; fail "the second start did not exit 0"; }
echo "second start: $second"
[ "$second" = "speech-coach: the window is already open; it was brought to the front" ] ||
    fail "the second start did not find the first window"
sleep 1
grep -q "started again: this window is brought to the front" "$work/window.log" ||
    fail "the first window was not rung"
# The tray icon (Windows only) was made without an error.
! grep -q "no tray icon" "$work/window.log" || { cat "$work/window.log"; fail "the tray icon"; }
# The hold hotkey while another X client has the focus (Wine maps RegisterHotKey to an X
# grab); said, not required: Wine is not Windows here.
if command -v xdotool >/dev/null && command -v xmessage >/dev/null; then
    DISPLAY=$display xmessage -title softphone "a call" &
    pids+=($!)
    sleep 2
    phone=$(DISPLAY=$display xdotool search --name '^softphone$' | head -1)
    DISPLAY=$display xdotool windowfocus --sync "$phone" key ctrl+alt+h
    sleep 2
    if grep -q "hold on (hold hotkey Ctrl+Alt+H)" "$work/window.log"; then
        echo "hold hotkey under Wine: pressed while another window had the focus, hold on"
    else
        echo "hold hotkey under Wine: no press seen (not checked further)"
    fi
fi
kill "$window_pid"
spread=$(convert "$work/windows-wine-zh.png" -colorspace gray -format '%[fx:standard_deviation]' info:)
echo "screenshot: $work/windows-wine-zh.png (grey spread $spread)"
awk -v s="$spread" 'BEGIN { exit !(s > 0.05) }' || fail "the screenshot is blank"
if [ -n "${SPEECH_COACH_SCREENSHOT:-}" ]; then
    # Only the window: no window manager, so the rest of the screen is black.
    convert "$work/windows-wine-zh.png" -trim +repage "$SPEECH_COACH_SCREENSHOT"
fi

# ---------------------------------------------------------------- 7. capture through WASAPI
step "capture: a PulseAudio pipe-source through Wine's WASAPI"
pulse=$work/pulse
mkdir -p "$pulse"
export PULSE_RUNTIME_PATH=$pulse XDG_RUNTIME_DIR=$pulse
pulseaudio --daemonize=no --exit-idle-time=-1 --disallow-exit -n \
    --load=module-native-protocol-unix >"$work/pulse.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.2; done
pactl info >/dev/null || fail "pulseaudio did not start"
pactl load-module module-pipe-source source_name=vmic file="$pulse/mic.fifo" \
    format=s16le rate=16000 channels=1 source_properties=device.description=vmic >/dev/null
pactl set-default-source vmic
pactl load-module module-null-sink sink_name=softphone \
    sink_properties=device.description=Softphone >/dev/null
pactl set-default-sink softphone
export PULSE_SERVER=unix:$pulse/native
speech=$data/zh/BAC009S0764W0121.wav
[ -f "$speech" ] || speech=$(head -1 "$work/wavs.txt")
# The microphone: 2 s of faint noise (capture is running when the speech starts), the
# speech, then faint noise until listen ends; written in real time.
sox -n -r 16000 -c 1 -b 16 -e signed -t raw "$work/noise.raw" synth 2 whitenoise vol 0.001
sox "$speech" -t raw -r 16000 -e signed -b 16 -c 1 "$work/speech.raw"
cat "$work/noise.raw" "$work/speech.raw" "$work"/noise.raw{,,,,} >"$work/mic.raw"
sox -t raw -r 16000 -e signed -b 16 -c 1 "$work/speech.raw" "$work/speech.wav"
"$linux_bin" analyze "$work/speech.wav" >"$work/speech.json"
file_level=$(jq .level_active_dbfs "$work/speech.json")

run_win "$exe" devices | tr -d '\r' | tee "$work/devices.txt"
grep -q '^audio host: WASAPI$' "$work/devices.txt" ||
    fail "devices does not say WASAPI alone (no Linux host hint)"
mics=$(sed -n '/^microphones/,/^caller sources/p' "$work/devices.txt")
grep -q '  vmic  ' <<<"$mics" || fail "the pipe-source is not offered as a microphone"
# WASAPI (through Wine, as on Windows) gives a monitor only a name: "Monitor of Softphone"
# is the caller, never a microphone.
! grep -q 'Monitor of' <<<"$mics" || fail "a monitor is offered as a microphone"
seconds=8
listen_checked() { # NAME ARGS…: listen under Wine while the microphone is fed
    local name=$1
    shift
    scripts/windows/feed-fifo.py "$work/mic.raw" "$pulse/mic.fifo" &
    local feeder=$!
    pids+=("$feeder")
    sleep 1
    run_win "$exe" listen --device vmic --seconds $seconds "$@" >"$work/$name.json" \
        2>"$work/$name.err" || { cat "$work/$name.err"; fail "listen $*"; }
    kill "$feeder" 2>/dev/null || true
    tr -d '\r' <"$work/$name.json" >"$work/$name.json.lf" && mv "$work/$name.json.lf" "$work/$name.json"
}
listen_checked listen --session
jq -c '{device, delivered_blocks, dropped_blocks, duration_s, speech_s, level_active_dbfs}' \
    "$work/listen.json"
jq -e --argjson level "$file_level" '.delivered_blocks > 0 and .speech_s > 3 and
    ((.level_active_dbfs - $level) | fabs) < 2' "$work/listen.json" >/dev/null ||
    fail "listen did not hear the pipe-source's speech at the file's level ($file_level dBFS)"

step "capture: the caller's side through a monitor taken as a capture device"
# A softphone's own capture device or a virtual cable is an input like this monitor;
# WASAPI loopback of an output (the default on Windows) is not in Wine 8.0
# (AUDCLNT_E_WRONG_ENDPOINT_TYPE), so it is not tested here.
(sleep 2.5 && paplay -d softphone "$work/speech.wav") &
pids+=($!)
listen_checked caller --caller-device "Monitor of Softphone"
jq -c '{caller_device, caller_dropped_blocks, caller_talk_s: .conversation.caller_talk_s,
    agent_talk_s: .conversation.agent_talk_s}' "$work/caller.json"
jq -e '.caller_device == "Monitor of Softphone" and .conversation.caller_talk_s > 2' \
    "$work/caller.json" >/dev/null || fail "the caller was not heard"
unset PULSE_SERVER

# ---------------------------------------------------------------- 8. the installer
step "installer: MSI built with wixl, installed and removed under Wine"
msi=$CARGO_TARGET_DIR/speech-coach.msi
scripts/windows/build-msi.sh "$exe" "$msi" "$work/msi"
ls -l "$msi"
installed=$profile/AppData/Local/Programs/speech-coach
menu="$profile/AppData/Roaming/Microsoft/Windows/Start Menu/Programs"
run_key='HKCU\Software\Microsoft\Windows\CurrentVersion\Run'
autostart() { wine reg query "$run_key" /v speech-coach >/dev/null 2>&1; }
# msiexec returns when it is done (the wineserver is persistent: no `wineserver -w` here).
wine msiexec /i "$msi" /qn || fail "msiexec /i"
[ -f "$installed/speech-coach.exe" ] || fail "nothing installed at $installed"
[ -f "$menu/speech-coach.lnk" ] || fail "no Start-menu shortcut"
! autostart || fail "a default install must not start with Windows"
run_win "$installed/speech-coach.exe" analyze "$speech" | tr -d '\r' >"$work/installed.json"
cmp "$work/installed.json" <(head -n -1 "$work/windows/$(out_name "$speech").json") ||
    fail "the installed program's analyze differs"
sessions=$profile/AppData/Roaming/speech-coach/data/sessions
n_sessions=$(find "$sessions" -mindepth 1 -maxdepth 1 -type d | wc -l)
[ "$n_sessions" -gt 0 ] || fail "listen --session stored no session in $sessions"
wine msiexec /x "$msi" /qn || fail "msiexec /x"
[ ! -e "$installed" ] || fail "$installed is still there after uninstall"
[ ! -e "$menu/speech-coach.lnk" ] || fail "the shortcut is still there after uninstall"
[ "$(find "$sessions" -mindepth 1 -maxdepth 1 -type d | wc -l)" = "$n_sessions" ] ||
    fail "uninstalling removed the agent's sessions"
echo "installed, ran, removed; the $n_sessions stored session(s) kept"
# The optional feature: start with Windows (a Run entry), gone again with the program.
wine msiexec /i "$msi" /qn ADDLOCAL=ALL || fail "msiexec /i ADDLOCAL=ALL"
autostart || fail "ADDLOCAL=ALL did not add the Run entry"
# The window's toggle (and `autostart`) sees the installer's entry and can undo it, and
# writes the same value when turned on again.
said=$(run_win "$installed/speech-coach.exe" autostart | tr -d '\r')
case "$said" in
"start with the system: on (HKCU\Software\Microsoft\Windows\CurrentVersion\Run\speech-coach)") ;;
*) fail "autostart does not see the installer's Run entry: $said" ;;
esac
run_win "$installed/speech-coach.exe" autostart off >/dev/null || fail "autostart off"
! autostart || fail "autostart off left the Run entry"
run_win "$installed/speech-coach.exe" autostart on >/dev/null || fail "autostart on"
wine reg query "$run_key" /v speech-coach | tr -d '\r' | tee "$work/run-value.txt"
grep -qi 'speech-coach\\speech-coach.exe"' "$work/run-value.txt" ||
    fail "autostart on did not write the installed program's path"
echo "the toggle's autostart: sees the installer's Run entry, removes and writes it again"
wine msiexec /x "$msi" /qn || fail "msiexec /x"
! autostart || fail "the Run entry is still there after uninstall"
echo "with ADDLOCAL=ALL: the Run entry added, and removed with the program"

step "done: test-windows passed"
echo "summary: tests under Wine: $ran; analyze identical on $same of $n_wavs WAVs"
