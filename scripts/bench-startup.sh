#!/usr/bin/env bash
# Startup and memory benchmark (not a timed test): Atelier against the smallest Tauri window
# (bench/reference-app, the same tauri crate), both release builds made now, the same way
# (`tauri build --no-bundle`). Measures, over alternating launches under a virtual display:
#   - start: spawn until the UI reports it is interactive (cold: page cache dropped first when
#     running as root; warm: right after), and
#   - memory: total PSS of the app plus its WebKit processes after 10 s idle,
# and prints the medians and the ratios atelier/reference against the budget
# (start <= 1.3x, memory <= 1.5x).
#
#   bash scripts/bench-startup.sh [--runs 5] [--idle 10] [--no-build] [--lived-in] [--live-tasks 20]
#
# --lived-in starts every Atelier launch with a library of 10,000 tasks / ~40,000 images (made
# by library-bench, with real files), so the Create feed has 200 recent tasks to show, and
# --live-tasks (default 20 with --lived-in) unfinished live tasks to resume: the simulator
# stands in for both services (slowed so that they stay unfinished), their keys in the
# session's Secret Service; one untimed launch under tauri-driver makes them.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

runs=5 idle=10 build=1 lived_in=0 live_tasks=20
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --idle) idle="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --lived-in) lived_in=1; shift ;;
    --live-tasks) live_tasks="$2"; shift 2 ;;
    *) echo "usage: bash scripts/bench-startup.sh [--runs N] [--idle SECONDS] [--no-build] [--lived-in] [--live-tasks N]" >&2; exit 2 ;;
  esac
done

tools="dbus-run-session gnome-keyring-daemon Xvfb node"
# The live tasks are made through one launch under WebDriver.
[ "$lived_in" = 1 ] && [ "$live_tasks" -gt 0 ] && tools="$tools tauri-driver WebKitWebDriver"
for tool in $tools; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "bench: '$tool' is missing; run: bash scripts/setup.sh --with-e2e" >&2
    exit 1
  }
done

target="${CARGO_TARGET_DIR:-$PWD/target}"
if [ "$build" = 1 ]; then
  echo "bench: building Atelier (release, UI embedded)"
  npx tauri build --no-bundle --features test-hooks
  echo "bench: building the reference window (release, same tauri)"
  (cd bench/reference-app && npx tauri build --no-bundle)
fi
app="$target/release/atelier"
reference="$target/release/atelier-reference"
for bin in "$app" "$reference"; do
  [ -x "$bin" ] || { echo "bench: $bin is missing (run without --no-build)" >&2; exit 1; }
done
echo "bench: binaries: atelier $(du -h "$app" | cut -f1), reference $(du -h "$reference" | cut -f1)"

scratch="$(mktemp -d)"
chmod 700 "$scratch"
library=""
if [ "$lived_in" = 1 ]; then
  # A lived-in library: 10,000 tasks / ~40,000 images with their files, whose newest 200 tasks
  # fill the Create feed. Every Atelier launch starts from a copy of it.
  echo "bench: making a lived-in library (library-bench --tasks 10000 --files)"
  cargo build --release -p atelier-library --bin library-bench
  [ "$live_tasks" -gt 0 ] && cargo build -p atelier-simulator
  library="$scratch/lived-in"
  "$target/release/library-bench" --tasks 10000 --files --out "$library" | grep -v '^kept '
fi
cleanup() {
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  # xdg-document-portal (started on the session bus) may still hold $XDG_RUNTIME_DIR/doc.
  fusermount -u "$scratch/doc" 2>/dev/null || true
  rm -rf "$scratch" 2>/dev/null || { sleep 1; rm -rf "$scratch"; } || true
}
trap cleanup EXIT

display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1440x960x24 -nolisten tcp >"$scratch/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done

# The session bus activates nothing (scripts/session-bus.conf): portal and accessibility daemons
# would otherwise start inside the first launch's measured time.
DISPLAY="$display" XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch" NO_AT_BRIDGE=1 \
  GTK_A11Y=none dbus-run-session --config-file="$PWD/scripts/session-bus.conf" -- bash -euo pipefail -c '
    mkdir -p "$XDG_DATA_HOME"
    while IFS= read -r line; do
      case "$line" in *=*) export "$line" ;; esac
    done < <(printf %s atelier-bench | gnome-keyring-daemon --unlock --components=secrets)
    node bench/startup.mjs "$@"
  ' bash --app "$app" --reference "$reference" --runs "$runs" --idle "$idle" --library "$library" \
    --live-tasks "$([ "$lived_in" = 1 ] && echo "$live_tasks" || echo 0)"
