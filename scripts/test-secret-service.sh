#!/usr/bin/env bash
# Runs atelier-keys' real Secret Service test (crates/keys/tests/secret_service.rs) inside a
# throwaway D-Bus session with a throwaway, unlocked GNOME Keyring, so it works headless (CI,
# containers) and never touches the user's own keyring.
#
# Needs the Debian packages dbus, dbus-x11 (or dbus-daemon) and gnome-keyring.
# Extra arguments go to `cargo test` (e.g. --release).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "test-secret-service: '$tool' is missing; install the packages dbus and gnome-keyring." >&2
    exit 1
  fi
done

# Build first, outside the D-Bus session, so compile time never races the keyring daemon.
cargo test -p atelier-keys --test secret_service --no-run "$@"

scratch="$(mktemp -d)"
chmod 700 "$scratch"
trap 'rm -rf "$scratch"' EXIT

# The keyring files and the daemon's control socket go to the scratch dir. Inside the session:
# `--unlock` reads the password from stdin, creates and unlocks the "login" keyring, and starts
# the daemon (secrets component only) on the private session bus; it prints
# GNOME_KEYRING_CONTROL=..., which we export. The daemon exits when the session bus goes away.
XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch" \
  dbus-run-session -- bash -euo pipefail -c '
    mkdir -p "$XDG_DATA_HOME"
    while IFS= read -r line; do
      case "$line" in *=*) export "$line" ;; esac
    done < <(printf %s atelier-ci | gnome-keyring-daemon --unlock --components=secrets)
    cargo test -p atelier-keys --test secret_service "$@" -- --ignored --nocapture
  ' bash "$@"
