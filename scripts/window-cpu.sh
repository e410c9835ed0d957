#!/usr/bin/env bash
# CPU share of the demo window at its normal repaint rate (10 Hz), under Xvfb with Mesa's
# software OpenGL. Usage: scripts/window-cpu.sh [SECONDS] [full|compact]
set -euo pipefail
seconds=${1:-60}
view=${2:-full}
here=$(cd "$(dirname "$0")/.." && pwd)
Xvfb :77 -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
tmp=$(mktemp -d)
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$tmp"' EXIT
sleep 1
if [ "$view" = compact ]; then echo '{"compact": true}' > "$tmp/settings.json"; fi
DISPLAY=:77 SPEECH_COACH_CONFIG_DIR="$tmp" XDG_CACHE_HOME="$tmp" "$here/target/release/speech-coach" --demo >/dev/null 2>&1 &
app=$!
sleep 5
c0=$(awk '{print $14+$15}' /proc/$app/stat); t0=$(date +%s.%N)
sleep "$seconds"
c1=$(awk '{print $14+$15}' /proc/$app/stat); t1=$(date +%s.%N)
rss=$(awk '/VmRSS/ {print $2}' /proc/$app/status)
python3 -c "print(f'$view window over {$t1-$t0:.0f} s: CPU {100*($c1-$c0)/$(getconf CLK_TCK)/($t1-$t0):.1f} % of one core, RSS {$rss/1024:.0f} MiB')"
