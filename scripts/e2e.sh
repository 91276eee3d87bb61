#!/usr/bin/env bash
# Runs the end-to-end tests (e2e/*.test.mjs) against the already built app (target/debug/atelier,
# from `npx tauri build --debug --no-bundle`) inside a throwaway D-Bus session with an unlocked
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
[ -x target/debug/atelier ] || { echo "e2e: build the app first: npx tauri build --debug --no-bundle" >&2; exit 1; }

scratch="$(mktemp -d)"
chmod 700 "$scratch"
cleanup() {
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  # The app's D-Bus session may start xdg-document-portal, which mounts $XDG_RUNTIME_DIR/doc
  # and can still be unmounting when the session ends: unmount it, and never fail the run here.
  fusermount -u "$scratch/doc" 2>/dev/null || true
  rm -rf "$scratch" 2>/dev/null || { sleep 1; rm -rf "$scratch"; } || true
}
trap cleanup EXIT

display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1440x960x24 -nolisten tcp >"$scratch/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done

files=("$@")
[ "${#files[@]}" -gt 0 ] || files=(e2e/*.test.mjs)

DISPLAY="$display" XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch" NO_AT_BRIDGE=1 \
  dbus-run-session -- bash -euo pipefail -c '
    mkdir -p "$XDG_DATA_HOME"
    while IFS= read -r line; do
      case "$line" in *=*) export "$line" ;; esac
    done < <(printf %s atelier-e2e | gnome-keyring-daemon --unlock --components=secrets)
    node --test --test-concurrency=1 --test-reporter=spec "$@"
  ' bash "${files[@]}"
