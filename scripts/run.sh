#!/usr/bin/env bash
# Runs Atelier from source (dev build with live UI reload). With no API key set it starts in
# demo mode: a built-in simulator of both providers, so everything works offline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npx tauri dev "$@"
