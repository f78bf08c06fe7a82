#!/usr/bin/env bash
# Static checks: ruff lint, ruff format (check only), mypy. Runs every check and fails if any failed, so one
# run shows all problems. `scripts/lint.sh --fix` applies ruff's fixes and formatting instead of checking.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
"$repo/scripts/setup-venv.sh" || exit 1
bin="$repo/.venv/bin"

if [[ "${1:-}" == "--fix" ]]; then
    "$bin/ruff" check --fix . && "$bin/ruff" format .
    exit
fi

status=0
run() {
    printf '==> %s\n' "$*"
    "$@" || { echo "FAILED: $*"; status=1; }
}
# One line per problem keeps the test log readable; `.venv/bin/ruff check FILE` shows the full context.
run "$bin/ruff" check --output-format concise .
# Formatting is enforced: the whole tree follows `ruff format` (line length 110, from pyproject.toml), as the
# project's rules say. A failure here is fixed with `make format` (scripts/lint.sh --fix).
run "$bin/ruff" format --check --output-format concise .
run "$bin/mypy" pig_desktop
exit "$status"
