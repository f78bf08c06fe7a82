#!/usr/bin/env bash
# Add PIG Desktop to your application menu (for the current user only, no administrator rights needed).
#
#   install-desktop-entry.sh                         menu entry runs `pig-desktop` from PATH (pipx install)
#   install-desktop-entry.sh --exec /path/to/pig-desktop   menu entry runs that program (a bundle; the
#                                                    default when this script sits inside the bundle)
#   install-desktop-entry.sh --uninstall             remove what this script installed
#
# Options:  --resources DIR  folder holding icons/ and linux/ (default: found next to --exec inside a bundle,
#           else this repository's resources/);  --prefix DIR  instead of ~/.local/share ($XDG_DATA_HOME).
set -euo pipefail

ID=io.github.pigdesktop.PigDesktop
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREFIX="${XDG_DATA_HOME:-$HOME/.local/share}"
EXEC=""
RES=""
UNINSTALL=0

while [[ $# -gt 0 ]]; do
    case "$1" in
        --exec) EXEC="$(realpath -m "$2")"; shift 2 ;;
        --resources) RES="$2"; shift 2 ;;
        --prefix) PREFIX="$2"; shift 2 ;;
        --uninstall) UNINSTALL=1; shift ;;
        -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done

# Shipped inside a bundle (build.sh puts it beside the program): the menu entry runs that program.
if [[ -z "$EXEC" && -x "$HERE/pig-desktop" ]]; then
    EXEC="$HERE/pig-desktop"
fi

APPS="$PREFIX/applications"
ICONS="$PREFIX/icons/hicolor"
META="$PREFIX/metainfo"
SIZES="16 24 32 48 64 128 256 512"

refresh() {
    # Menus pick the change up by themselves on most desktops; these just make it immediate when available.
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$APPS" || true
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$ICONS" 2>/dev/null || true
}

if [[ $UNINSTALL -eq 1 ]]; then
    rm -f "$APPS/$ID.desktop" "$META/$ID.metainfo.xml" "$ICONS/scalable/apps/$ID.svg"
    for s in $SIZES; do rm -f "$ICONS/${s}x${s}/apps/$ID.png"; done
    refresh
    echo "PIG Desktop was removed from the application menu."
    exit 0
fi

if [[ -n "$EXEC" && ! -x "$EXEC" ]]; then
    echo "There is no PIG Desktop program at $EXEC. Give the path of the pig-desktop file inside the" \
        "unpacked folder." >&2
    exit 1
fi
if [[ -z "$RES" ]]; then
    if [[ -n "$EXEC" && -d "$(dirname "$EXEC")/_internal/pig_desktop/resources" ]]; then
        RES="$(dirname "$EXEC")/_internal/pig_desktop/resources"   # a PyInstaller one-folder bundle
    else
        RES="$HERE/../../resources"
    fi
fi
if [[ ! -f "$RES/linux/$ID.desktop" ]]; then
    echo "Could not find the PIG Desktop files in $RES. Use --resources to say where they are." >&2
    exit 1
fi

mkdir -p "$APPS" "$META" "$ICONS/scalable/apps"
install -m 644 "$RES/icons/app/pig-desktop.svg" "$ICONS/scalable/apps/$ID.svg"
for s in $SIZES; do
    mkdir -p "$ICONS/${s}x${s}/apps"
    install -m 644 "$RES/icons/app/pig-desktop-$s.png" "$ICONS/${s}x${s}/apps/$ID.png"
done
install -m 644 "$RES/linux/$ID.metainfo.xml" "$META/$ID.metainfo.xml"
if [[ -n "$EXEC" ]]; then
    # Point the menu entry at the bundle; quoted only when the path needs it (folders with spaces):
    # xdg-open's generic launcher, which opens pig-desktop:// links on desktops without their own, reads the
    # first word of Exec literally and cannot run a quoted path.
    EXEC_FIELD="$EXEC"
    if [[ "$EXEC" =~ [[:space:]\"\'\\\$\`] ]]; then
        EXEC_FIELD="\"$EXEC\""
    fi
    sed -e "s|^Exec=.*|Exec=$EXEC_FIELD %u|" -e "s|^TryExec=.*|TryExec=$EXEC|" \
        "$RES/linux/$ID.desktop" > "$APPS/$ID.desktop"
    chmod 644 "$APPS/$ID.desktop"
else
    install -m 644 "$RES/linux/$ID.desktop" "$APPS/$ID.desktop"
fi
refresh
# Make PIG Desktop the handler of pig-desktop://job/<id> links (the entry declares the MimeType; this makes it
# the default even when another program claimed the scheme before).
command -v xdg-mime >/dev/null && xdg-mime default "$ID.desktop" x-scheme-handler/pig-desktop 2>/dev/null || true
echo "PIG Desktop was added to the application menu ($APPS/$ID.desktop)."
