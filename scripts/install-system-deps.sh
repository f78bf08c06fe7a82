#!/usr/bin/env bash
# Install the Debian/Ubuntu packages PIG Desktop needs, but only the ones that are missing.
#
#   scripts/install-system-deps.sh runtime   # what the window needs on a real X display (Qt's xcb plugin)
#   scripts/install-system-deps.sh test      # runtime + Xvfb, D-Bus, gnome-keyring, dunst, ... for the suite
#   scripts/install-system-deps.sh venv      # only python3.X-venv, when `python3 -m venv` cannot work yet
# (every group adds python3.X-venv when the running python3 lacks ensurepip)
#
# Already-installed packages are detected with dpkg-query, so on a prepared machine this does nothing and
# never touches the network. `apt-get update` runs at most once, and only when something has to be installed.
# sudo is used only when we are not root.
set -euo pipefail

# The Qt xcb platform plugin's runtime libraries. Qt's own error message names only libxcb-cursor0, but on
# Debian 12 it also needs icccm4 and keysyms1; this list was tried on a bare Debian 12 machine.
RUNTIME_PACKAGES=(
    libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
    libxcb-shape0 libxcb-randr0 libxcb-xkb1 libx11-xcb1 fonts-dejavu-core
)

# What scripts/test-session.sh starts or calls: a virtual X server and X tools, a private D-Bus session,
# the real keychain, a notification daemon, an XEmbed tray host, and the desktop-file/AppStream validators.
TEST_PACKAGES=(
    xvfb xauth x11-utils xdotool imagemagick
    dbus dbus-x11 gnome-keyring dunst libnotify-bin trayer
    desktop-file-utils appstream dex  # dex: the XDG autostart runner (tests/x11/test_autostart_dex.py)
    at-spi2-core python3-pyatspi gir1.2-atspi-2.0
    dpkg-dev binutils patchelf lintian  # packaging/build-deb.sh (dpkg-shlibdeps, strip) and its lintian check
    iproute2 util-linux  # ip and unshare: a private network namespace (tests/ui/watching/test_network_return.py)
)

say() { printf 'install-system-deps: %s\n' "$*" >&2; }

usage() {
    say "usage: $0 runtime|test|venv"
    exit 64
}

[[ $# -eq 1 ]] || usage
case "$1" in
    runtime) wanted=("${RUNTIME_PACKAGES[@]}") ;;
    test) wanted=("${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
    venv) wanted=() ;;
    *) usage ;;
esac

# Debian splits venv/ensurepip out of python3 (scripts/setup-venv.sh needs it). Asking for it here too means
# one `apt-get update` covers everything a first run of the README commands installs.
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    pyver=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    wanted+=("python${pyver}-venv")
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    say "This is not a Debian or Ubuntu system (no dpkg-query/apt-get), so system packages cannot be"
    say "installed automatically. Please install the equivalents of: ${wanted[*]}"
    exit 1
fi

is_installed() {
    # "installed" is the only state in which the files are really there ("config-files" etc. are not).
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == "installed" ]]
}

missing=()
for pkg in "${wanted[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

say "installing missing system packages: ${missing[*]}"

if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    say "These packages are missing and this account cannot install them (not root, and sudo is not"
    say "available). Ask an administrator to run:"
    say "    apt-get install ${missing[*]}"
    exit 1
fi

# noninteractive: CI runs us with no stdin; a debconf question would otherwise hang the run.
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"

# Fail loudly if apt reported success but a package still is not there (e.g. a name that does not exist
# in this release would already have failed above; this catches held or half-configured packages).
still_missing=()
for pkg in "${missing[@]}"; do
    is_installed "$pkg" || still_missing+=("$pkg")
done
if [[ ${#still_missing[@]} -ne 0 ]]; then
    say "these packages are still not installed after apt-get: ${still_missing[*]}"
    exit 1
fi
