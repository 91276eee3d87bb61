#!/usr/bin/env bash
# Runs the end-to-end tests (e2e/*.test.mjs) against the already built app (target/debug/atelier,
# from `npx tauri build --debug --no-bundle --features test-hooks`) inside a throwaway D-Bus session with an unlocked
# GNOME Keyring (a real Secret Service) and a virtual X display. Screenshots land in
# e2e/screenshots/. Arguments are passed to `node --test` (e.g. a single test file).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

for tool in dbus-run-session gnome-keyring-daemon Xvfb tauri-driver WebKitWebDriver node; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "e2e: '$tool' is missing; run: bash scripts/setup.sh --with-e2e" >&2
    exit 1
  }
done
app="${ATELIER_E2E_APP:-target/debug/atelier}"
[ -x "$app" ] || { echo "e2e: $app is missing: build the app first: npx tauri build --debug --no-bundle --features test-hooks (and cargo build -p atelier-simulator --features test-hooks; cargo build -p atelier-library --bin library-bench)" >&2; exit 1; }

scratch="$(mktemp -d)"
chmod 700 "$scratch"
cleanup() {
  [ -n "${run_dir:-}" ] && reap "$run_dir" 2>/dev/null || true
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  # The app's D-Bus session may start xdg-document-portal, which mounts $XDG_RUNTIME_DIR/doc
  # and can still be unmounting when the session ends: unmount it, and never fail the run here.
  for doc in "$scratch"/run-*/doc; do fusermount -u "$doc" 2>/dev/null || true; done
  rm -rf "$scratch" 2>/dev/null || { sleep 1; rm -rf "$scratch"; } || true
}
trap cleanup EXIT

display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1440x960x24 -nolisten tcp >"$scratch/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done

files=("$@")
[ "${#files[@]}" -gt 0 ] || files=(e2e/*.test.mjs)

# A session bus that activates nothing (see scripts/session-bus.conf for why).
bus_config="$PWD/scripts/session-bus.conf"

# Kills whatever a session left behind (anything started with the XDG_RUNTIME_DIR $1) and waits
# until it is gone (SIGKILL after 5 s), so nothing of one file's session still runs when the
# next file starts. (When all files shared one runtime directory and the reaper did not wait, a
# CI run lost its Secret Service in the middle of the next file.)
reap() {
  local pids pid
  pids=$(grep -lzxF "XDG_RUNTIME_DIR=$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | grep -vx "$$" || true)
  [ -n "$pids" ] || return 0
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  local alive
  for _ in $(seq 50); do
    alive=0
    for pid in $pids; do [ -e "/proc/$pid" ] && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 0.1
  done
  for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
}

# Each test file gets its own D-Bus session, runtime directory and fresh keyring, so a key one
# file stores can never leak into the next, and nothing one file's daemons do on their way out
# can reach the next file's. A file that takes longer than E2E_FILE_TIMEOUT seconds (default
# 900) is stopped and counted as failed, so a hang can never eat the CI budget. A failed file
# prints its keyring daemon's log.
status=0
for i in "${!files[@]}"; do
  run_dir="$scratch/run-$i"
  mkdir -m 700 "$run_dir"
  DISPLAY="$display" XDG_DATA_HOME="$scratch/data-$i" XDG_RUNTIME_DIR="$run_dir" NO_AT_BRIDGE=1 \
    GTK_A11Y=none timeout --kill-after=10 "${E2E_FILE_TIMEOUT:-900}" \
    dbus-run-session --config-file="$bus_config" -- bash -euo pipefail -c '
      mkdir -p "$XDG_DATA_HOME"
      while IFS= read -r line; do
        case "$line" in *=*) export "$line" ;; esac
      done < <(printf %s atelier-e2e | gnome-keyring-daemon --unlock --components=secrets 2>>"$XDG_RUNTIME_DIR/keyring.log")
      node --test --test-concurrency=1 --test-reporter=spec "$1"
    ' bash "${files[$i]}" || {
    status=1
    echo "e2e: ${files[$i]} failed (or timed out); the keyring's log:" >&2
    sed 's/^/  /' "$run_dir/keyring.log" >&2 2>/dev/null || true
  }
  reap "$run_dir"
done
exit "$status"
