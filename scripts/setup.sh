#!/usr/bin/env bash
# Installs what building, running and testing Atelier needs on Debian/Ubuntu, skipping what is
# already there: system packages (apt, needs root or sudo), the npm packages of the Tauri CLI and
# the UI, and tauri-driver for the end-to-end tests (`--with-e2e`).
set -euo pipefail
cd "$(dirname "$0")/.."

with_e2e=0
[ "${1:-}" = "--with-e2e" ] && with_e2e=1

build_pkgs=(build-essential pkg-config file libwebkit2gtk-4.1-dev libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev curl)
test_pkgs=(webkit2gtk-driver xvfb xauth dbus dbus-x11 gnome-keyring rpm imagemagick desktop-file-utils
  xdotool python3-gi gir1.2-gtk-3.0 gstreamer1.0-plugins-good gstreamer1.0-libav)
pkgs=("${build_pkgs[@]}")
[ "$with_e2e" = 1 ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "setup: these Debian packages are missing and I am not root: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "setup: Rust is missing: install it from https://rustup.rs, then run this again." >&2
  exit 1
fi
if ! command -v npm >/dev/null; then
  echo "setup: Node.js 20+ and npm are missing: install them (apt-get install nodejs npm), then run this again." >&2
  exit 1
fi

# The Tauri CLI's lock file lists only this platform's prebuilt binary (npm leaves the other
# platforms' optional packages out), which `npm ci` refuses; `npm install` honours the lock.
[ -d node_modules/@tauri-apps/cli ] || npm install --no-save --no-audit --no-fund --loglevel=error
[ -d ui/node_modules/svelte ] || npm --prefix ui ci --no-audit --no-fund --loglevel=error

if [ "$with_e2e" = 1 ] && ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi
