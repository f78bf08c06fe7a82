#!/usr/bin/env bash
# The whole test suite, from a fresh Debian/Ubuntu machine: installs the missing system packages, sets up
# .venv, then runs lint + both pytest groups inside a private D-Bus session (scripts/test-session.sh starts
# Xvfb, an unlocked gnome-keyring and dunst in it). Results, daemon logs and screenshots: test-artifacts/.
#
# Extra arguments go to pytest in both groups, e.g. `./scripts/test.sh -k keychain -x`.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

"$repo/scripts/install-system-deps.sh" test
"$repo/scripts/setup-venv.sh"

# Start from a clean slate: whatever the suite leaves in test-artifacts/ belongs to this run only.
rm -rf "$repo/test-artifacts"
mkdir -p "$repo/test-artifacts"

# dbus-run-session gives the suite its own session bus and ends it (and its dbus-daemon) with the session
# script. Anything inherited from the caller's desktop is dropped so tests never reach the real user's
# keychain, notification daemon or display.
status=0
env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS -u PYTHON_KEYRING_BACKEND \
    dbus-run-session -- "$repo/scripts/test-session.sh" "$@" || status=$?
exit "$status"
