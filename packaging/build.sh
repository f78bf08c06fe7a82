#!/usr/bin/env bash
# Build PIG Desktop for the machine this runs on (tested on Linux only; <os> is linux, windows or macos).
#
#   packaging/build.sh            one-folder bundle: dist/pig-desktop-<version>-<os>-<arch>/pig-desktop
#                                 (with install-desktop-entry.sh beside it) and the same folder as .tar.gz
#   packaging/build.sh --onefile  single file:       dist/pig-desktop-<version>-<os>-<arch>
#   packaging/build.sh --wheel    wheel (for pip/pipx): dist/pig_desktop-<version>-py3-none-any.whl
#   packaging/build.sh --deb      the one-folder bundle, then the Debian package made from it by
#                                 packaging/build-deb.sh: dist/pig-desktop_<version>_<arch>.deb
#   --dist DIR                    put the result in DIR instead of dist/
#   --work DIR                    PyInstaller's scratch folder instead of build/pyinstaller
#
# Python: $PYTHON if set, else the repository's .venv, else python3.
# PyInstaller is installed into that environment if it is missing.
set -euo pipefail

SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
ROOT="$(dirname "$(dirname "$SELF")")"
cd "$ROOT"

usage() { sed -n '2,14p' "$SELF" | sed 's/^# \{0,1\}//'; }

MODE=onedir
DEB=0
DIST="$ROOT/dist"
WORK="$ROOT/build/pyinstaller"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --onefile) MODE=onefile ;;
        --wheel) MODE=wheel ;;
        --deb) DEB=1 ;;
        --dist|--work)
            if [[ $# -lt 2 || -z "$2" ]]; then
                echo "build.sh: $1 needs a folder" >&2; usage >&2; exit 2
            fi
            # Absolute, because the build runs from the repository root.
            mkdir -p "$2"
            if [[ "$1" == --dist ]]; then DIST="$(cd "$2" && pwd)"; else WORK="$(cd "$2" && pwd)"; fi
            shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "build.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
if [[ "$DEB" == 1 && "$MODE" != onedir ]]; then
    echo "build.sh: --deb is made from the one-folder bundle; leave out --onefile/--wheel" >&2; exit 2
fi

# An explicit $PYTHON wins (the bundle test passes the interpreter that runs pytest).
if [[ -n "${PYTHON:-}" ]]; then
    PY="$PYTHON"
elif [[ -x "$ROOT/.venv/bin/python" ]]; then
    PY="$ROOT/.venv/bin/python"
elif [[ -x "$ROOT/.venv/Scripts/python.exe" ]]; then
    PY="$ROOT/.venv/Scripts/python.exe"
else
    PY="$(command -v python3)"
fi

VERSION="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$ROOT/pig_desktop/__init__.py")"
if [[ -z "$VERSION" ]]; then
    echo "build.sh: could not read __version__ from pig_desktop/__init__.py" >&2
    exit 1
fi
case "$(uname -s)" in
    Linux) PLATFORM=linux ;;
    Darwin) PLATFORM=macos ;;
    MINGW*|MSYS*|CYGWIN*) PLATFORM=windows ;;  # Git Bash on Windows
    *) PLATFORM="$(uname -s | tr '[:upper:]' '[:lower:]')" ;;
esac
ARCH="$(uname -m | tr '[:upper:]' '[:lower:]')"
case "$ARCH" in aarch64) ARCH=arm64 ;; amd64|x64) ARCH=x86_64 ;; esac
# Same name the spec would compute; set here so the messages below can name the output.
NAME="pig-desktop-${VERSION}-${PLATFORM}-${ARCH}"
mkdir -p "$DIST"

if [[ "$MODE" == wheel ]]; then
    # Build from a clean copy: setuptools reuses build/lib, so an in-tree build could carry files that were
    # deleted from the source into the wheel.
    SRC="$(mktemp -d)"
    trap 'rm -rf "$SRC"' EXIT
    tar -C "$ROOT" --exclude=./build --exclude=./dist --exclude=./.venv --exclude=./.git \
        --exclude='*.egg-info' --exclude=__pycache__ -cf - . | tar -C "$SRC" -xf -
    rm -f "$DIST"/pig_desktop-"$VERSION"-*.whl
    "$PY" -m pip wheel --no-deps --quiet --wheel-dir "$DIST" "$SRC"
    ls -1 "$DIST"/pig_desktop-"$VERSION"-*.whl
    exit 0
fi

if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
    echo "Installing PyInstaller into $("$PY" -c 'import sys; print(sys.prefix)') ..."
    "$PY" -m pip install "pyinstaller>=6.0"
fi

# The compiled translations (.mo) go into resources/, which the spec collects (the .deb is made from this bundle).
"$PY" "$ROOT/pig_desktop/i18n_build.py"

rm -rf "$WORK" "${DIST:?}/$NAME"
if [[ "$MODE" == onefile ]]; then
    export PIG_ONEFILE=1
fi
export PIG_BUNDLE_NAME="$NAME"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" "$ROOT/packaging/pig-desktop.spec"

if [[ "$MODE" == onefile ]]; then
    echo "Built $DIST/$NAME"
else
    # The menu-entry script travels with the bundle, and one archive is what people are handed.
    cp "$ROOT/packaging/linux/install-desktop-entry.sh" "$DIST/$NAME/"
    tar -C "$DIST" -czf "$DIST/$NAME.tar.gz" "$NAME"
    echo "Built $DIST/$NAME/ (run $DIST/$NAME/pig-desktop) and $DIST/$NAME.tar.gz"
fi

# ---- --deb: the Debian package, made from the one-folder bundle just built (all of it in build-deb.sh) ----
if [[ "$DEB" == 1 ]]; then
    "$ROOT/packaging/build-deb.sh" --bundle "$DIST/$NAME" --dist "$DIST"
fi
