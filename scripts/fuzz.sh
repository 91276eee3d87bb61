#!/usr/bin/env bash
# Fuzzes every parser that reads untrusted input, for a set time (default 120 s in total):
# half on the Rust side (LinkrAPI/JourneyAPI response parsing, errors, ids, URLs, prompts:
# crates/providers/src/fuzz_tests.rs, proptest, release build, peak memory checked), half on the
# UI's prompt-parameter parser and editor (ui/src/lib/params.fuzz.test.ts, fast-check).
# Usage: bash scripts/fuzz.sh [seconds]. Not part of the test command (it is a soak, not a test);
# the same properties run briefly in every `scripts/test.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
total="${1:-120}"
[[ "$total" =~ ^[0-9]+$ ]] && [ "$total" -ge 2 ] || { echo "usage: bash scripts/fuzz.sh [seconds >= 2]" >&2; exit 2; }
[ -d ui/node_modules ] || npm --prefix ui ci
half=$((total / 2))

echo "== Rust parsers for ${half} s"
ATELIER_FUZZ_SECONDS="$half" cargo test --release -p atelier-providers --lib fuzz_for_a_while \
  -- --include-ignored --nocapture
echo "== UI prompt parameters for ${half} s"
(cd ui && ATELIER_FUZZ_SECONDS="$half" npx vitest run src/lib/params.fuzz.test.ts)
