#!/usr/bin/env bash
# Installs Atelier the way a person would and launches it: bundles the .deb from the debug build
# (`tauri build --debug --bundles deb` reuses target/debug/atelier when it is up to date), prints
# its size, installs it with apt (so its dependencies resolve like on a user's machine), checks
# what it put on the system (binary, desktop entry, icons), launches the INSTALLED /usr/bin/atelier
# under Xvfb through the end-to-end harness (e2e/installed/launch.test.mjs: the main window shows
# the Create view; screenshot e2e/screenshots/10-installed.png), and always removes the package
# again. Needs root or sudo. Called by scripts/test.sh after the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf 'test-package: %s\n' "$*"; }
fail() { printf 'test-package: FAILED: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  fail "installing a package needs root or sudo"
fi
pkg=atelier

# Never replace an install that was there before the test: removing it afterwards would surprise.
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
  fail "the package '$pkg' is already installed on this machine; remove it first (sudo apt-get remove $pkg)"
fi

say "bundling the .deb (debug build)"
rm -f target/debug/bundle/deb/*.deb
npx tauri build --debug --bundles deb
deb="$(ls -t target/debug/bundle/deb/*.deb 2>/dev/null | head -n 1)"
[ -n "$deb" ] || fail "no .deb in target/debug/bundle/deb/"
size="$(stat -c %s "$deb")"
say "package: $deb"
ls -l "$deb"
say ".deb size: $size bytes ($(numfmt --to=iec-i --suffix=B "$size")); a debug build, the release .deb is far smaller"
dpkg-deb --field "$deb" Package Version Architecture Depends Section Installed-Size Description

removed=0
remove() {
  [ "$removed" = 1 ] && return 0
  removed=1
  say "removing the package"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq "$pkg" >/dev/null || true
}
trap remove EXIT

say "installing it with apt"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "./$deb" >/dev/null

files="$(dpkg -L "$pkg")"
grep -qx /usr/bin/atelier <<<"$files" || fail "the package does not install /usr/bin/atelier"
[ -x /usr/bin/atelier ] || fail "/usr/bin/atelier is not executable"
desktop="$(grep -E '^/usr/share/applications/[^/]+\.desktop$' <<<"$files" | head -n 1)"
[ -n "$desktop" ] || fail "the package installs no desktop entry in /usr/share/applications"
icons="$(grep -E '^/usr/share/icons/hicolor/[0-9]+x[0-9]+(@2)?/apps/atelier\.png$' <<<"$files" || true)"
[ -n "$icons" ] || fail "the package installs no hicolor icons"
say "installed: /usr/bin/atelier, $desktop, $(wc -l <<<"$icons") icon sizes:"
sed 's/^/  /' <<<"$icons"
say "desktop entry:"
sed 's/^/  /' "$desktop"
for key in Name Comment Exec Icon Categories Type; do
  grep -q "^$key=." "$desktop" || fail "$desktop has no $key="
done
grep -qx 'Exec=atelier' "$desktop" || grep -qx 'Exec=/usr/bin/atelier' "$desktop" || fail "Exec= does not start /usr/bin/atelier"
grep -qx 'Icon=atelier' "$desktop" || fail "Icon= is not the installed hicolor icon 'atelier'"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$desktop" || fail "desktop-file-validate rejects $desktop"
  say "desktop-file-validate: ok"
else
  say "desktop-file-validate not found (apt package desktop-file-utils): skipped"
fi

say "launching the installed /usr/bin/atelier"
ATELIER_E2E_APP=/usr/bin/atelier bash scripts/e2e.sh e2e/installed/launch.test.mjs

remove
trap - EXIT
[ ! -e /usr/bin/atelier ] || fail "/usr/bin/atelier is still there after removing the package"
[ ! -e "$desktop" ] || fail "$desktop is still there after removing the package"
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
  fail "dpkg still lists '$pkg' as installed"
fi
say "removed cleanly: /usr/bin/atelier and the desktop entry are gone"
say "ok ($(numfmt --to=iec-i --suffix=B "$size") .deb)"
