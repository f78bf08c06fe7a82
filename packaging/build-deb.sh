#!/usr/bin/env bash
# Wrap a one-folder bundle made by build.sh into a Debian package: dist/pig-desktop_<version>_<arch>.deb.
#
#   packaging/build-deb.sh --bundle DIR [--dist DIR]
#   (packaging/build.sh --deb builds the bundle first, then runs this; so does `make deb`)
#
# What the package installs:
#   /opt/pig-desktop/                 the bundle (pig-desktop, pig-status -> pig-desktop, _internal/)
#   /usr/bin/pig-desktop, pig-status  symlinks into /opt/pig-desktop (one program; it picks the CLI by name)
#   /usr/share/applications, icons/hicolor, metainfo, man/man1, doc/pig-desktop (copyright, changelog)
# Depends and Recommends come from dpkg-shlibdeps. Needs dpkg-dev (dpkg-shlibdeps) and dpkg-deb; no root.
# The Maintainer field is $DEB_MAINTAINER if set (an IT department rebuilding it puts its own address there).
set -euo pipefail

SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
ROOT="$(dirname "$(dirname "$SELF")")"
usage() { sed -n '2,13p' "$SELF" | sed 's/^# \{0,1\}//'; }

BUNDLE=""
DIST="$ROOT/dist"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --bundle|--dist)
            if [[ $# -lt 2 || -z "$2" ]]; then
                echo "build-deb.sh: $1 needs a folder" >&2; usage >&2; exit 2
            fi
            if [[ "$1" == --bundle ]]; then BUNDLE="$2"; else mkdir -p "$2"; DIST="$(cd "$2" && pwd)"; fi
            shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "build-deb.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
if [[ -z "$BUNDLE" || ! -x "$BUNDLE/pig-desktop" || ! -d "$BUNDLE/_internal" ]]; then
    echo "build-deb.sh: --bundle must name a one-folder bundle made by packaging/build.sh" \
        "(a folder with pig-desktop and _internal/ in it)" >&2
    exit 2
fi
for tool in dpkg-deb dpkg-shlibdeps dpkg-query strip patchelf; do
    if ! command -v "$tool" >/dev/null; then
        echo "build-deb.sh: $tool is missing (apt-get install dpkg-dev binutils patchelf)" >&2
        exit 1
    fi
done

PACKAGE=pig-desktop
ID=io.github.pigdesktop.PigDesktop
PREFIX=/opt/pig-desktop
MAINTAINER="${DEB_MAINTAINER:-PIG Desktop team <pig-desktop@users.noreply.github.com>}"
HOMEPAGE=https://github.com/pigdesktop/pig-desktop
RES="$ROOT/resources"
VERSION="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$ROOT/pig_desktop/__init__.py")"
ARCH="$(dpkg --print-architecture)"
MULTIARCH="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null || true)"
DEB="$DIST/${PACKAGE}_${VERSION}_${ARCH}.deb"

# dpkg-shlibdeps wants a source-package layout: debian/control, and the package tree in debian/<package>/
# with a DEBIAN/ folder (that is how it tells the package's own libraries from the system's).
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PKG="$WORK/debian/$PACKAGE"
mkdir -p "$PKG/DEBIAN" "$PKG$PREFIX"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$PACKAGE" "$PACKAGE" > "$WORK/debian/control"

cp -a "$BUNDLE/." "$PKG$PREFIX/"
# The per-user menu-entry script is for the tarball; the package installs the menu entry system-wide.
rm -f "$PKG$PREFIX/install-desktop-entry.sh"

# PyInstaller copies the system libraries Qt and Python link against into _internal/. In a package they
# would never get Debian's security updates (libssl, libglib, ...), so every copy that is byte-identical to
# a file an installed Debian package owns is dropped, and dpkg-shlibdeps turns it into a dependency instead.
# What stays bundled is what Debian does not ship in that exact build: Qt 6 from the PySide6 wheel, its ICU,
# the bundle's own Python, and the Python extension modules.
# One dpkg-query for all candidates: it answers "package: path" for each path a package owns.
candidates=()
for lib in "$PKG$PREFIX"/_internal/lib*.so*; do
    [[ -f "$lib" && ! -L "$lib" ]] || continue
    # Both spellings of each folder: with merged /usr, dpkg knows a file under the name its package used.
    for dir in "/lib/$MULTIARCH" "/usr/lib/$MULTIARCH" /lib /usr/lib; do
        if [[ -e "$dir/${lib##*/}" ]] && cmp -s "$lib" "$dir/${lib##*/}"; then
            candidates+=("$dir/${lib##*/}")
        fi
    done
done
dropped=0
if [[ ${#candidates[@]} -gt 0 ]]; then
    while IFS= read -r owned; do
        rm -f "$PKG$PREFIX/_internal/$owned"
        dropped=$((dropped + 1))
    done < <(dpkg-query -S "${candidates[@]}" 2>/dev/null | sed -n 's|^[^:]*\(:[^:]*\)\{0,1\}: .*/||p' | sort -u)
fi
echo "build-deb.sh: $dropped bundled copies of Debian libraries left out (they become dependencies)"

# Shared libraries and Python extension modules lose their debugging symbols (lintian: unstripped), and
# the build machine's library folder (a pyenv or /usr/local Python's RUNPATH) is taken out of them: on an
# office PC that path means nothing, or worse, something else. $ORIGIN search paths (Qt's) stay. The
# program itself is left alone: PyInstaller appends its archive to it, which strip would cut off.
while IFS= read -r -d '' file; do
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$file"
    runpath="$(patchelf --print-rpath "$file")"
    if [[ -n "$runpath" && "$runpath" != *'$ORIGIN'* ]]; then
        patchelf --remove-rpath "$file"
    fi
done < <(find "$PKG$PREFIX/_internal" -type f \( -name '*.so' -o -name '*.so.*' \) -print0)

# Everything root-owned (dpkg-deb --root-owner-group), readable, nothing group/world-writable; only the
# program itself is executable (shared libraries and Python extension modules do not need the bit).
find "$PKG$PREFIX" -type d -exec chmod 0755 {} +
find "$PKG$PREFIX" -type f -exec chmod 0644 {} +
chmod 0755 "$PKG$PREFIX/pig-desktop"
if [[ ! -L "$PKG$PREFIX/pig-status" ]]; then
    ln -s pig-desktop "$PKG$PREFIX/pig-status"  # bundles from before the spec made the link
fi

# Commands on PATH: absolute links, as Debian policy wants for links between top-level folders.
install -d -m 0755 "$PKG/usr/bin"
ln -s "$PREFIX/pig-desktop" "$PKG/usr/bin/pig-desktop"
ln -s "$PREFIX/pig-status" "$PKG/usr/bin/pig-status"

# Menu entry, icons, AppStream metadata: the same files the per-user script installs, at system paths.
# The menu entry's Exec=pig-desktop finds /usr/bin/pig-desktop on PATH.
install -D -m 0644 "$RES/linux/$ID.desktop" "$PKG/usr/share/applications/$ID.desktop"
install -D -m 0644 "$RES/linux/$ID.metainfo.xml" "$PKG/usr/share/metainfo/$ID.metainfo.xml"
install -D -m 0644 "$RES/icons/app/pig-desktop.svg" "$PKG/usr/share/icons/hicolor/scalable/apps/$ID.svg"
for png in "$RES"/icons/app/pig-desktop-[0-9]*.png; do
    size="$(basename "$png" .png)"
    size="${size##*-}"
    install -D -m 0644 "$png" "$PKG/usr/share/icons/hicolor/${size}x${size}/apps/$ID.png"
done

# Manual pages (gzip -n: no time stamp, so the same input gives the same package).
for page in "$ROOT"/packaging/linux/man/*.1; do
    install -D -m 0644 "$page" "$PKG/usr/share/man/man1/$(basename "$page")"
    gzip -9n "$PKG/usr/share/man/man1/$(basename "$page")"
done

DOC="$PKG/usr/share/doc/$PACKAGE"
install -D -m 0644 "$ROOT/packaging/linux/copyright" "$DOC/copyright"
# A native package's changelog.gz, dated by the newest <release> in the AppStream file (reproducible).
RELEASE_DATE="$(sed -n 's/.*<release version="[^"]*" date="\([0-9-]*\)".*/\1/p' "$RES/linux/$ID.metainfo.xml" | head -1)"
{
    printf '%s (%s) unstable; urgency=medium\n\n' "$PACKAGE" "$VERSION"
    printf '  * Release %s. The release notes are in\n    /usr/share/metainfo/%s.metainfo.xml.\n\n' "$VERSION" "$ID"
    printf ' -- %s  %s\n' "$MAINTAINER" "$(LC_ALL=C date -u -R -d "${RELEASE_DATE:-1970-01-01} 12:00")"
} > "$DOC/changelog"
gzip -9n "$DOC/changelog"
install -D -m 0644 "$ROOT/packaging/linux/lintian-overrides" "$PKG/usr/share/lintian/overrides/$PACKAGE"

# Depends from every ELF file in the tree, except plugins Qt loads only if it can and does without
# otherwise: the GTK 3 platform theme (native dialogs and colours under GNOME) would pull in GTK 3 for a
# KDE or Xfce desktop, so its libraries become Recommends.
optional=()
required=()
# The ELF files are the program and the shared objects (libraries, Qt plugins, Python extension modules).
while IFS= read -r -d '' file; do
    case "$file" in
        */plugins/platformthemes/libqgtk3.so) optional+=("$file") ;;
        *) required+=("$file") ;;
    esac
done < <(find "$PKG$PREFIX" -type f \( -name '*.so' -o -name '*.so.*' -o -path "$PKG$PREFIX/pig-desktop" \) -print0)
(
    cd "$WORK"
    # -l: the bundle's own library folders (the loader finds them there through PyInstaller's RPATH/
    # LD_LIBRARY_PATH); libraries found there are the package's own and add no dependency.
    dpkg-shlibdeps -O --warnings=1 -l"$PKG$PREFIX/_internal" -l"$PKG$PREFIX/_internal/PySide6/Qt/lib" \
        -dDepends "${required[@]}" -dRecommends "${optional[@]}" 2>"$WORK/shlibdeps.log"
) > "$WORK/substvars" || { cat "$WORK/shlibdeps.log" >&2; exit 1; }
DEPENDS="$(sed -n 's/^shlibs:Depends=//p' "$WORK/substvars")"
RECOMMENDS="$(sed -n 's/^shlibs:Recommends=//p' "$WORK/substvars")"
if [[ -z "$DEPENDS" ]]; then
    echo "build-deb.sh: dpkg-shlibdeps found no dependencies; that cannot be right:" >&2
    cat "$WORK/shlibdeps.log" >&2
    exit 1
fi

INSTALLED_SIZE="$(du -sk --apparent-size --exclude=DEBIAN "$PKG" | cut -f1)"
{
    echo "Package: $PACKAGE"
    echo "Version: $VERSION"
    echo "Architecture: $ARCH"
    echo "Maintainer: $MAINTAINER"
    echo "Installed-Size: $INSTALLED_SIZE"
    echo "Depends: $DEPENDS"
    if [[ -n "$RECOMMENDS" ]]; then echo "Recommends: $RECOMMENDS"; fi
    echo "Suggests: gnome-keyring | kwalletmanager"
    echo "Section: utils"
    echo "Priority: optional"
    echo "Homepage: $HOMEPAGE"
    echo "Description: check CINX Partner Integration Gateway job status"
    echo " PIG Desktop tells you whether a job sent through the CINX Partner Integration"
    echo " Gateway (PIG) has been processed, is still running or has failed. Paste a job"
    echo " number or a link, watch jobs in the background with a notification when they"
    echo " finish, and copy a ready-made summary for a support ticket. The password is"
    echo " kept in the desktop's keychain (Secret Service), never in a file."
    echo " ."
    echo " The pig-status command checks a job from a terminal or a script."
    echo " ."
    echo " This package holds a self-contained build (Python and Qt 6 included) under"
    echo " $PREFIX."
} > "$PKG/DEBIAN/control"
chmod 0644 "$PKG/DEBIAN/control"
(cd "$PKG" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
    > "$PKG/DEBIAN/md5sums"
chmod 0644 "$PKG/DEBIAN/md5sums"

mkdir -p "$DIST"
rm -f "$DEB"
# No maintainer scripts: dpkg's file triggers refresh the desktop database, icon cache, AppStream cache and
# man-db when files land in those folders.
# xz at level 1: ~41 MB in ~15 s, where the default level 6 takes ~55 s for ~37 MB. Not zstd (~50 MB in a
# second): Debian 12's lintian calls a zstd member a malformed archive.
dpkg-deb --root-owner-group -Zxz -z1 --build "$PKG" "$DEB" >/dev/null
echo "Built $DEB"
