#!/usr/bin/env bash
# Completion-to-screen benchmark (not a timed test), issue 13 item 6: from the poll that sees a
# task finished to its grid and four singles painted in the card, in parts (download, archive,
# thumbnails, event, paint). Builds the release app with test hooks (the core then writes a
# step trace, crates/core/src/completion_trace.rs), runs it in the demo lane under a virtual
# display with CPU rendering, and sends --tasks imagines --round at a time (half to each
# provider) through bench/completion.mjs. Budget: total p95 <= 1 s.
#
#   bash scripts/bench-completion.sh [--tasks 40] [--round 2] [--no-build] [--app PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

tasks=40 round=2 build=1 app=""
usage="usage: bash scripts/bench-completion.sh [--tasks N] [--round N] [--no-build] [--app PATH]"
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) tasks="$2"; shift 2 ;;
    --round) round="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --app) app="$2"; build=0; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done

. scripts/lib/bench-session.sh
bench_require_tools

target="${CARGO_TARGET_DIR:-$PWD/target}"
if [ "$build" = 1 ]; then
  echo "bench: building Atelier (release, UI embedded, test hooks)"
  npx tauri build --no-bundle --features test-hooks
fi
app="${app:-$target/release/atelier}"
[ -x "$app" ] || { echo "bench: $app is missing (run without --no-build)" >&2; exit 1; }

bench_scratch
bench_display
bench_node bench/completion.mjs --app "$app" --tasks "$tasks" --round "$round"
