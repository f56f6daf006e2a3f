#!/usr/bin/env bash
# Remakes docs/img/report.png: an XOR run (configs/xor.yaml, seed 1), its report, and a headless
# Chromium screenshot of the page (Debian packages: chromium, graphviz).
# Usage: tools/report/screenshot.sh [path/to/ganglion]   (default: build/ganglion)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ganglion=${1:-$root/build/ganglion}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$ganglion" run "$root/configs/xor.yaml" --seed 1 --out "$work/xor" -q || [[ $? -eq 3 ]]
"$ganglion" report "$work/xor" >/dev/null
mkdir -p "$root/docs/img"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$work/profile" --window-size=1300,2300 \
  --screenshot="$root/docs/img/report.png" "file://$work/xor/report.html" 2>/dev/null
echo "wrote $root/docs/img/report.png"
