#!/usr/bin/env bash
# Rebuilds assets/fonts/: the subset of WenQuanYi Micro Hei that holds every Chinese
# character the interface can show (taken from src/ui/ and src/settings/ with their subfolders, the report's words in src/report/, and the calibration passage in src/coach/pace_profile.rs) and the bundled example scripts, so Chinese renders on any
# machine without a CJK font installed.
# Needs: apt-get install fonts-wqy-microhei; pip install fonttools
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import re
import glob
text = "".join(open(f, encoding="utf-8").read() for f in sorted(glob.glob("src/ui/**/*.rs", recursive=True) + glob.glob("src/settings/**/*.rs", recursive=True) + ["src/report/words.rs", "src/session/when.rs", "src/coach/pace_profile.rs"] + glob.glob("assets/scripts/*.md")))
chars = sorted({c for c in text if ord(c) > 0x2000} | set("中文…（）：，、↑↓▶✖×"))
open("assets/fonts/subset-chars.txt", "w", encoding="utf-8").write("".join(chars) + "\n")
PY
pyftsubset /usr/share/fonts/truetype/wqy/wqy-microhei.ttc --font-number=0 \
  --text-file=assets/fonts/subset-chars.txt --output-file=assets/fonts/wqy-microhei-subset.ttf \
  --layout-features='*' --no-hinting
cp /usr/share/doc/fonts-wqy-microhei/copyright assets/fonts/LICENSE-wqy-microhei.txt
