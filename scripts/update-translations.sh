#!/usr/bin/env bash
# Extract every translatable string under pig_desktop/ into resources/translations/pig-desktop.pot, merge it
# into each resources/translations/<lang>.po, and compile the .mo files the app loads.
#
#   scripts/update-translations.sh          # after changing or adding user-facing strings
#   scripts/update-translations.sh es       # also start a catalogue for a new language (here: es)
#
# Strings are found in calls of _(), N_(), ngettext(), pgettext() (pig_desktop/i18n.py) and Qt's tr(). New
# strings arrive untranslated and tests/test_translations.py fails until a translator fills them in; no
# fuzzy guesses are made (--no-fuzzy-matching), and strings that left the code are dropped.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
DIR=resources/translations
POT="$DIR/pig-desktop.pot"
VERSION="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' pig_desktop/__init__.py)"

# The one place that lists the extraction keywords; tests/test_translations.py reads them from here.
KEYWORDS=(-k _ -k N_ -k ngettext:1,2 -k pgettext:1c,2 -k tr)

"$PY" -m babel.messages.frontend -q extract --no-wrap -c TRANSLATORS: --sort-by-file --add-location=file \
    --project="PIG Desktop" --version="$VERSION" --copyright-holder="PIG Desktop team" \
    --msgid-bugs-address="https://github.com/pigdesktop/pig-desktop/issues" \
    "${KEYWORDS[@]}" -o "$POT" pig_desktop

for lang in "$@"; do
    [[ -f "$DIR/$lang.po" ]] || "$PY" -m babel.messages.frontend -q init --no-wrap -l "$lang" -i "$POT" -o "$DIR/$lang.po"
done
for po in "$DIR"/*.po; do
    lang="$(basename "$po" .po)"
    "$PY" -m babel.messages.frontend -q update --no-wrap --ignore-pot-creation-date --no-fuzzy-matching --ignore-obsolete \
        -l "$lang" -i "$POT" -o "$po"
done
"$PY" -m pig_desktop.i18n_build
