# Shared by the benchmarks that drive the real app over WebDriver (bench-gallery.sh,
# bench-completion.sh): the tools they need, a scratch folder, a virtual display, and a
# throwaway D-Bus session with an unlocked keyring of its own. Source it from the repository
# root; it defines functions only.

# Exits with the setup command when a tool the benchmark needs is missing.
bench_require_tools() {
  local tool
  for tool in dbus-run-session gnome-keyring-daemon Xvfb tauri-driver WebKitWebDriver node; do
    command -v "$tool" >/dev/null 2>&1 || {
      echo "bench: '$tool' is missing; run: bash scripts/setup.sh --with-e2e" >&2
      exit 1
    }
  done
}

# Makes $scratch (private) and removes it, the display and any mount in it on exit.
bench_scratch() {
  scratch="$(mktemp -d)"
  chmod 700 "$scratch"
  trap bench_cleanup EXIT
}

bench_cleanup() {
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  fusermount -u "$scratch/doc" 2>/dev/null || true
  rm -rf "$scratch" 2>/dev/null || { sleep 1; rm -rf "$scratch"; } || true
}

# Starts Xvfb on a free-looking display number; sets $display and $xvfb_pid.
bench_display() {
  display=":$((90 + RANDOM % 100))"
  Xvfb "$display" -screen 0 1440x960x24 -nolisten tcp >"$scratch/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
}

# Runs `node <script> <args...>` on the display, in a session bus that activates nothing
# (scripts/session-bus.conf) with a keyring of its own. The app's scratch folders (the
# harness's freshHome) go under $scratch via TMPDIR.
bench_node() {
  DISPLAY="$display" XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch" TMPDIR="$scratch" \
    NO_AT_BRIDGE=1 GTK_A11Y=none dbus-run-session --config-file="$PWD/scripts/session-bus.conf" -- bash -euo pipefail -c '
      mkdir -p "$XDG_DATA_HOME"
      while IFS= read -r line; do
        case "$line" in *=*) export "$line" ;; esac
      done < <(printf %s atelier-bench | gnome-keyring-daemon --unlock --components=secrets 2>>"$XDG_RUNTIME_DIR/keyring.log")
      node "$@"
    ' bash "$@"
}
