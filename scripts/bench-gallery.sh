#!/usr/bin/env bash
# Gallery browsing benchmark (not a timed test): memory after browsing and frame times while
# scrolling, issue 13 items 2 and 3. Builds the release app the way bench-startup.sh does, makes
# a lived-in library (library-bench --files: 10,000 tasks / ~40,000 images with real thumbnail
# files), and under a virtual display, with CPU rendering, drives the app over WebDriver
# (tauri-driver, as the end-to-end tests do) through bench/gallery.mjs:
#   - the empty app's PSS (fresh data folder, gallery open, after --idle seconds) as the baseline,
#   - then with the library, --passes times: scroll the gallery through every image at a steady
#     --step px per animation frame (frame times recorded in the page), back to the top,
#     --idle seconds idle, PSS of the app and its WebKit processes,
# and prints frame time p50/p95/p99/max, dropped frames, DOM nodes, thumbnails loaded and the
# PSS of each pass against the budget (p95 <= 33 ms, PSS <= 2x the empty app, no growth over
# the passes: < 5% each).
#
#   bash scripts/bench-gallery.sh [--passes 3] [--idle 30] [--step 100] [--tasks 10000]
#                                 [--no-build] [--app PATH] [--no-thumbnails] [--leave]
#
# Diagnoses, not the budget's measure: --no-thumbnails scrolls without loading any picture (what
# the cells cost by themselves); --leave reads the PSS again after leaving the gallery and after
# reloading the page (is what browsing kept tied to the gallery, the page, or the process?).
#
# --no-build uses target/release/atelier and target/release/library-bench as they are;
# --app runs another build of the app (e.g. target/debug/atelier) and implies --no-build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

passes=3 idle=30 step=100 tasks=10000 build=1 app="" thumbnails=on leave=off
usage="usage: bash scripts/bench-gallery.sh [--passes N] [--idle SECONDS] [--step PX] [--tasks N] [--no-build] [--app PATH] [--no-thumbnails] [--leave]"
while [ $# -gt 0 ]; do
  case "$1" in
    --passes) passes="$2"; shift 2 ;;
    --idle) idle="$2"; shift 2 ;;
    --step) step="$2"; shift 2 ;;
    --tasks) tasks="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --app) app="$2"; build=0; shift 2 ;;
    --no-thumbnails) thumbnails=off; shift ;;
    --leave) leave=on; shift ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done

. scripts/lib/bench-session.sh
bench_require_tools

target="${CARGO_TARGET_DIR:-$PWD/target}"
if [ "$build" = 1 ]; then
  echo "bench: building Atelier (release, UI embedded)"
  npx tauri build --no-bundle --features test-hooks
  cargo build --release -p atelier-library --bin library-bench
fi
app="${app:-$target/release/atelier}"
for bin in "$app" "$target/release/library-bench"; do
  [ -x "$bin" ] || { echo "bench: $bin is missing (run without --no-build)" >&2; exit 1; }
done

bench_scratch

echo "bench: making a lived-in library (library-bench --tasks $tasks --files)"
library="$scratch/lived-in"
"$target/release/library-bench" --tasks "$tasks" --files --out "$library" | grep -v '^kept '

bench_display
bench_node bench/gallery.mjs --app "$app" --library "$library" --passes "$passes" --idle "$idle" --step "$step" \
  --thumbnails "$thumbnails" --leave "$leave"
