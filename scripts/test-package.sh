#!/usr/bin/env bash
# Installs Atelier the way a person would and launches it: builds the RELEASE packages users get
# (`tauri build --bundles deb,rpm`, without the `test-hooks` feature), checks that the release
# binary carries none of the test hooks (fault injection, /_control, ui_ready, the timing
# variables), inspects the .rpm (file list, dependencies, desktop entry through
# desktop-file-validate), installs the .deb with apt (so its dependencies resolve like on a user's
# machine), checks what it put on the system (binary, desktop entry, icons), launches the
# INSTALLED /usr/bin/atelier under Xvfb through the end-to-end harness
# (e2e/installed/launch.test.mjs: the main window shows the Create view; screenshot
# e2e/screenshots/10-installed.png), and always removes the package again. Needs root or sudo.
# Called by scripts/test.sh after the end-to-end tests.
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

command -v desktop-file-validate >/dev/null || fail "desktop-file-validate is missing (apt package desktop-file-utils; scripts/setup.sh --with-e2e installs it)"
command -v rpm >/dev/null && command -v rpm2archive >/dev/null || fail "rpm and rpm2archive are missing (apt package rpm; scripts/setup.sh --with-e2e installs it)"

say "building the release packages (.deb and .rpm, no test hooks)"
rm -f target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm
started=$(date +%s)
npx tauri build --bundles deb,rpm
say "release build and bundling took $(( $(date +%s) - started )) s"
deb="$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -n 1)"
rpmfile="$(ls -t target/release/bundle/rpm/*.rpm 2>/dev/null | head -n 1)"
[ -n "$deb" ] || fail "no .deb in target/release/bundle/deb/"
[ -n "$rpmfile" ] || fail "no .rpm in target/release/bundle/rpm/"
size="$(stat -c %s "$deb")"
ls -l "$deb" "$rpmfile"
say ".deb size: $size bytes ($(numfmt --to=iec-i --suffix=B "$size")), .rpm size: $(numfmt --to=iec-i --suffix=B "$(stat -c %s "$rpmfile")")"
dpkg-deb --field "$deb" Package Version Architecture Depends Section Installed-Size Description

# The shipped binary has no test hooks. Each string below is in a `test-hooks` build (checked on
# the e2e build, so a renamed hook cannot make this pass vacuously) and must not be in the release.
# ("thank-you" is the simulator's prompt-marker parser; "/_control" its control endpoint.)
hooks=("/_control" "thank-you" "ATELIER_UI_READY" "ATELIER_DEMO_SPEED" "ATELIER_DEMO_POLL_MS" "ATELIER_POLL_INTERVAL_MS" "ATELIER_COMPLETION_TRACE")
release_bin=target/release/atelier
hooked_bin="${ATELIER_E2E_APP:-target/debug/atelier}"
has() { grep -aqF -- "$2" "$1"; }
if [ -x "$hooked_bin" ]; then
  for h in "${hooks[@]}"; do
    has "$hooked_bin" "$h" || fail "the test-hooks build $hooked_bin lacks '$h': the hook list here is out of date"
  done
  say "control: the test-hooks build $hooked_bin carries all ${#hooks[@]} hook strings"
else
  fail "no test-hooks build at $hooked_bin to check the hook list against (scripts/test.sh builds it first)"
fi
has "$release_bin" "ATELIER_LINKR_BASE_URL" || fail "the release binary lacks ATELIER_LINKR_BASE_URL: the string search is broken"
for h in "${hooks[@]}"; do
  if has "$release_bin" "$h"; then fail "the release binary contains the test hook '$h'"; fi
done
say "the release binary has none of the ${#hooks[@]} test hooks"

say "inspecting the .rpm"
rpm -qip "$rpmfile" | sed 's/^/  /'
rpm_files="$(rpm -qlp "$rpmfile")"
sed 's/^/  /' <<<"$rpm_files"
grep -qx /usr/bin/atelier <<<"$rpm_files" || fail "the .rpm does not install /usr/bin/atelier"
rpm_desktop="$(grep -E '^/usr/share/applications/[^/]+\.desktop$' <<<"$rpm_files" | head -n 1)"
[ -n "$rpm_desktop" ] || fail "the .rpm installs no desktop entry"
grep -qE '^/usr/share/icons/hicolor/[0-9]+x[0-9]+(@2)?/apps/atelier\.png$' <<<"$rpm_files" || fail "the .rpm installs no hicolor icons"
rpm -qp --requires "$rpmfile" | grep -qi webkit || fail "the .rpm does not require WebKitGTK"
unpacked="$(mktemp -d)"
rpm2archive - <"$rpmfile" | tar -xz -C "$unpacked"
desktop-file-validate "$unpacked$rpm_desktop" || fail "desktop-file-validate rejects the .rpm's $rpm_desktop"
grep -qx 'Icon=atelier' "$unpacked$rpm_desktop" || fail "the .rpm's desktop entry has no Icon=atelier"
# The bundler marks the binary with its package type, so it is not byte-equal to target/release:
# check it for the hooks itself.
for h in "${hooks[@]}"; do
  if has "$unpacked/usr/bin/atelier" "$h"; then fail "the .rpm's /usr/bin/atelier contains the test hook '$h'"; fi
done
has "$unpacked/usr/bin/atelier" "ATELIER_LINKR_BASE_URL" || fail "the .rpm's /usr/bin/atelier is not Atelier"
rm -rf "$unpacked"
say ".rpm: binary (no test hooks), desktop entry (valid), icons and WebKitGTK dependency ok"

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
desktop-file-validate "$desktop" || fail "desktop-file-validate rejects $desktop"
say "desktop-file-validate: ok"
for h in "${hooks[@]}"; do
  if has /usr/bin/atelier "$h"; then fail "the installed /usr/bin/atelier contains the test hook '$h'"; fi
done
say "the installed binary has none of the test hooks either"

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
