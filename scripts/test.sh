#!/usr/bin/env bash
# Runs every test of Atelier, in one go, the way CI does:
#   lints (rustfmt, clippy, the UI's eslint/prettier/svelte-check), UI unit tests, Rust unit and
#   integration tests (against the simulator over real HTTP), a check that the generated
#   TypeScript types are up to date, the real Secret Service test, a build of the real app with
#   its UI embedded, and the end-to-end tests that drive that app under Xvfb over WebDriver.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh --with-e2e

step() { printf '\n== %s\n' "$*"; }

step "rustfmt"
cargo fmt --all -- --check

step "UI lint and unit tests"
npm --prefix ui run lint
npm --prefix ui test

step "Rust unit and integration tests"
cargo test --workspace --exclude atelier --exclude atelier-reference

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

step "clippy"
cargo clippy --workspace --all-targets --exclude atelier --exclude atelier-reference -- -D warnings

step "real Secret Service"
bash scripts/test-secret-service.sh

step "build the app with its UI embedded"
npx tauri build --debug --no-bundle
cargo build -p atelier-simulator

step "end-to-end tests in the real app"
bash scripts/e2e.sh

step "install the .deb and launch it"
bash scripts/test-package.sh
