#!/usr/bin/env bash
# Runs every test of Atelier, in one go, the way CI does:
#   lints (rustfmt, clippy of every crate and of the app itself, with and without its test hooks,
#   the UI's eslint/prettier/svelte-check), UI unit tests, Rust unit and integration tests
#   (against the simulator over real HTTP), a check that the generated TypeScript types are up to
#   date, the real Secret Service test, the desktop-notification test on a real D-Bus, ONE debug
#   build of the real app with its UI embedded and its `test-hooks` feature on, the app crate's own tests, the end-to-end tests that drive that
#   app under Xvfb over WebDriver, and the release packages (the ones users get: no test hooks)
#   built, inspected, installed and launched. Each step prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh --with-e2e

run_started=$(date +%s)
step_name="" step_started=0
step_done() {
  [ -n "$step_name" ] && printf '== %s: %s s\n' "$step_name" "$(( $(date +%s) - step_started ))"
  return 0
}
step() {
  step_done
  step_name="$*" step_started=$(date +%s)
  printf '\n== %s\n' "$*"
}
finish() {
  local rc=$?
  step_done
  printf '\n== all steps: %s s (exit %s)\n' "$(( $(date +%s) - run_started ))" "$rc"
}
trap finish EXIT

step "rustfmt"
cargo fmt --all -- --check

step "UI lint and unit tests"
npm --prefix ui run lint
npm --prefix ui test

step "Rust unit and integration tests"
cargo test --workspace --exclude atelier --exclude atelier-reference
# The simulator as the shipped demo has it (no `test-hooks`): markers are plain text.
cargo test -p atelier-simulator --lib

step "generated TypeScript types are up to date"
if ! git diff --exit-code --stat -- ui/src/lib/bindings; then
  echo "The TypeScript bindings changed when the tests regenerated them: commit ui/src/lib/bindings." >&2
  exit 1
fi
if [ -n "$(git ls-files --others --exclude-standard ui/src/lib/bindings)" ]; then
  echo "New generated TypeScript bindings are not committed:" >&2
  git ls-files --others --exclude-standard ui/src/lib/bindings >&2
  exit 1
fi

step "real Secret Service"
bash scripts/test-secret-service.sh

step "desktop notifications over a real D-Bus (a stand-in notification service)"
# The same package selection as the workspace tests above, so their build is reused.
cargo test --workspace --exclude atelier --exclude atelier-reference --test click --no-run
dbus-run-session --config-file="$PWD/scripts/session-bus.conf" -- \
  cargo test --workspace --exclude atelier --exclude atelier-reference --test click -- --ignored

step "build the app (debug, UI embedded, test hooks on), the standalone simulator and the library maker"
npx tauri build --debug --no-bundle --features test-hooks
cargo build -p atelier-simulator --features test-hooks
# library-bench makes the large library e2e/gallery-window.test.mjs browses.
cargo build -p atelier-library --bin library-bench

step "clippy (every crate and the app, with and without test hooks)"
cargo clippy --workspace --all-targets --exclude atelier --exclude atelier-reference -- -D warnings
# The app alone: its core and demo simulator as shipped (no hooks), then as the e2e build has them.
cargo clippy -p atelier --all-targets -- -D warnings
cargo clippy -p atelier --all-targets --features test-hooks -- -D warnings

step "the app crate's own tests (src-tauri), with and without test hooks"
# tauri/custom-protocol as `tauri build` sets it, so the build above is reused, not redone.
cargo test -p atelier --features test-hooks,tauri/custom-protocol
cargo test -p atelier --features tauri/custom-protocol

step "end-to-end tests in the real app"
bash scripts/e2e.sh

step "release packages: built, checked for test hooks, inspected, installed and launched"
bash scripts/test-package.sh
