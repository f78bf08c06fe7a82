#!/usr/bin/env bash
# Create or refresh the project's virtualenv at .venv (inside the repo, gitignored).
#
# The editable install (`pip install -e '.[test]'`) is redone only when pyproject.toml changed since the last
# successful install: its sha256 is kept in .venv/.pig-desktop-installed. Code changes need no reinstall
# (editable), so a second run of the README commands costs a hash and nothing else.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$repo/.venv"
stamp="$venv/.pig-desktop-installed"

say() { printf 'setup-venv: %s\n' "$*" >&2; }

# Two commands started at once (say `make run` and `make test`) must not both build the venv. flock on the
# read-only pyproject.toml needs no extra lock file in the checkout.
exec 9<"$repo/pyproject.toml"
flock 9

want_hash=$(sha256sum "$repo/pyproject.toml" | cut -d' ' -f1)

# A venv whose interpreter no longer starts (python upgraded or removed underneath it) is rebuilt.
if [[ -d "$venv" ]] && ! "$venv/bin/python" -c 'pass' >/dev/null 2>&1; then
    say "the existing .venv is broken; rebuilding it"
    rm -rf "$venv"
fi

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want_hash" ]]; then
    exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
    command -v python3 >/dev/null 2>&1 || {
        say "python3 was not found. Please install Python 3.11 or newer (Debian: apt-get install python3)."
        exit 1
    }
    if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        say "python3 is $(python3 -V 2>&1); PIG Desktop needs Python 3.11 or newer."
        exit 1
    fi
    # Debian's python3 has no ensurepip until python3.X-venv is installed; `python3 -m venv` would then
    # leave a half-made .venv behind.
    if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
        "$repo/scripts/install-system-deps.sh" venv
    fi
    say "creating .venv with $(python3 -V 2>&1)"
    python3 -m venv "$venv"
fi

say "installing pig-desktop and its test tools into .venv (pyproject.toml is new or changed)"
rm -f "$stamp"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$repo[test]"
printf '%s\n' "$want_hash" >"$stamp"
