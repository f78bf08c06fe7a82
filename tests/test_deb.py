"""The Debian package, built and checked for real: ``packaging/build-deb.sh`` (what ``build.sh --deb`` and
``make deb`` run after the bundle) wraps the session's one-folder bundle (conftest.py's
``pyinstaller_bundle``, shared with tests/test_bundle.py, so no second PyInstaller build).

- Its control fields (Depends and Recommends from dpkg-shlibdeps) and contents (``dpkg-deb -f``/``-c``), and
  lintian with no errors.
- With ``CI=true``: installed for real with ``apt-get install``, run from /usr/bin, found by AppStream and
  the desktop database, removed with ``apt-get remove``, and nothing left under /opt/pig-desktop.
- Always: unpacked with ``dpkg-deb -x`` into a temporary folder and its programs run from there. On a
  developer's machine that is all: installing system-wide there is intrusive (it needs root, and changes
  /opt, /usr/bin and the menus of a machine someone works on), so the apt test says so and is skipped.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.bundle import (
    BUILD_TIMEOUT,
    REPO,
    VERSION,
    check_pig_status_demo,
    check_self_test_output,
    isolated_env,
    run,
)

from pig_desktop import assets
from pig_desktop.demo import PROCESSED_JOB

pytestmark = pytest.mark.slow

BUILD_DEB = REPO / "packaging" / "build-deb.sh"
PACKAGE = "pig-desktop"
ID = assets.DESKTOP_ID
PREFIX = "/opt/pig-desktop"
TOOLS = (
    "dpkg-deb",
    "dpkg-shlibdeps",
    "lintian",
    "patchelf",
    "strip",
    "appstreamcli",
    "desktop-file-validate",
)
SYSTEM_INSTALL_SKIP = (
    "CI is not 'true': installing the .deb system-wide with apt needs root and changes /opt, /usr/bin and "
    "the menus of the machine someone works on; test_deb_unpacked_programs_run ran the package's programs "
    "from a dpkg-deb -x copy instead. Run with CI=true (as root or with sudo) to install for real."
)


def _deb_arch() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def deb(pyinstaller_bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    assert not missing, f"missing {missing}: run scripts/install-system-deps.sh test"
    out = tmp_path_factory.mktemp("deb")
    build = subprocess.run(
        [str(BUILD_DEB), "--bundle", str(pyinstaller_bundle), "--dist", str(out)],
        capture_output=True, text=True, timeout=BUILD_TIMEOUT, cwd=out,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout + build.stderr
    built = out / f"{PACKAGE}_{VERSION}_{_deb_arch()}.deb"
    assert sorted(p.name for p in out.iterdir()) == [built.name]
    return built


@dataclass(frozen=True)
class Entry:
    mode: str
    owner: str
    path: str  # without the leading "./", directories without the trailing "/"
    target: str | None  # symlinks only


def _contents(deb: Path) -> dict[str, Entry]:
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    entries: dict[str, Entry] = {}
    for line in listing.splitlines():
        # drwxr-xr-x root/root         0 2026-12-01 11:19 ./opt/pig-desktop/
        mode, owner, _size, _date, _time, rest = line.split(None, 5)
        path, _, target = rest.partition(" -> ")
        path = path.removeprefix("./").rstrip("/")
        entries[path] = Entry(mode, owner, path, target or None)
    return entries


def _field(deb: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True, check=True
    ).stdout.strip()


def _package_names(relation: str) -> set[str]:
    return {re.split(r"[\s(:]", alt.strip())[0] for part in relation.split(",") for alt in part.split("|")}


# ---- what is in it -----------------------------------------------------------------------------------------


def test_deb_control_fields_and_computed_dependencies(deb: Path) -> None:
    assert _field(deb, "Package") == PACKAGE
    assert _field(deb, "Version") == VERSION
    assert _field(deb, "Architecture") == _deb_arch()
    assert re.fullmatch(r".+ <[^@ ]+@[^@ ]+>", _field(deb, "Maintainer"))
    assert int(_field(deb, "Installed-Size")) > 50_000  # KiB: Python and Qt are in it
    depends = _package_names(_field(deb, "Depends"))
    recommends = _package_names(_field(deb, "Recommends"))
    # From dpkg-shlibdeps over the bundle: the C library, the libraries Qt's X11 plugin needs (the ones
    # scripts/install-system-deps.sh runtime names by hand), and the TLS library Python links to, which the
    # package takes from Debian (with its security updates) instead of bundling a copy.
    assert {
        "libc6",
        "libxcb-cursor0",
        "libxcb-icccm4",
        "libxkbcommon-x11-0",
        "libssl3",
        "libglib2.0-0",
    } <= depends
    # The GTK 3 platform theme is optional to Qt (it falls back to its own look), so GTK is only recommended.
    assert "libgtk-3-0" in recommends and "libgtk-3-0" not in depends
    # No maintainer scripts: dpkg triggers refresh the menus, icons and AppStream cache.
    members = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(deb)], capture_output=True, check=True).stdout
    listed = subprocess.run(["tar", "-t"], input=members, capture_output=True, check=True).stdout.decode()
    assert sorted(name.removeprefix("./") for name in listed.split() if name not in {"./", "."}) == [
        "control",
        "md5sums",
    ]


def test_deb_installs_the_program_commands_menu_entry_icons_and_metadata(deb: Path) -> None:
    entries = _contents(deb)
    program = entries["opt/pig-desktop/pig-desktop"]
    assert program.mode == "-rwxr-xr-x"
    assert entries["opt/pig-desktop/pig-status"].target == "pig-desktop"
    assert entries["usr/bin/pig-desktop"].target == f"{PREFIX}/pig-desktop"
    assert entries["usr/bin/pig-status"].target == f"{PREFIX}/pig-status"
    wanted = [
        f"usr/share/applications/{ID}.desktop",
        f"usr/share/metainfo/{ID}.metainfo.xml",
        f"usr/share/icons/hicolor/scalable/apps/{ID}.svg",
        *(f"usr/share/icons/hicolor/{size}x{size}/apps/{ID}.png" for size in assets.APP_ICON_SIZES),
        "usr/share/doc/pig-desktop/copyright",
        "usr/share/doc/pig-desktop/changelog.gz",
        "usr/share/man/man1/pig-desktop.1.gz",
        "usr/share/man/man1/pig-status.1.gz",
        "opt/pig-desktop/_internal/pig_desktop/resources/icons/app/pig-desktop.svg",
    ]
    for path in wanted:
        assert path in entries and entries[path].mode == "-rw-r--r--", path
    for entry in entries.values():
        assert entry.owner == "root/root", entry
        if entry.target is None:  # symlinks are lrwxrwxrwx by nature
            assert entry.mode[5] != "w" and entry.mode[8] != "w", entry
    # Only the program is executable; libraries and data are not.
    executables = [e.path for e in entries.values() if e.mode.startswith("-") and "x" in e.mode]
    assert executables == ["opt/pig-desktop/pig-desktop"]
    # The per-user menu script belongs to the tarball, and copies of Debian's own libraries are left out.
    assert "opt/pig-desktop/install-desktop-entry.sh" not in entries
    for system_library in ("libssl.so.3", "libglib-2.0.so.0", "libgtk-3.so.0", "libstdc++.so.6"):
        assert f"opt/pig-desktop/_internal/{system_library}" not in entries, system_library
    # ... but Qt's own libraries stay (Debian's Qt is not the one PySide6 was built against).
    assert "opt/pig-desktop/_internal/PySide6/Qt/lib/libQt6Core.so.6" in entries


def test_deb_passes_lintian_without_errors(deb: Path) -> None:
    lint = subprocess.run(
        ["lintian", "--fail-on", "error", "--no-tag-display-limit", str(deb)],
        capture_output=True, text=True, timeout=BUILD_TIMEOUT,
    )  # fmt: skip
    report = lint.stdout + lint.stderr
    errors = [line for line in lint.stdout.splitlines() if line.startswith("E:")]
    assert errors == [] and lint.returncode == 0, report


def test_deb_unpacked_files_validate(deb: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    copyright_text = (root / "usr/share/doc/pig-desktop/copyright").read_text()
    assert copyright_text.startswith(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    )
    metainfo = root / f"usr/share/metainfo/{ID}.metainfo.xml"
    appstream = subprocess.run(
        ["appstreamcli", "validate", "--no-net", "--no-color", str(metainfo)], capture_output=True, text=True
    )
    assert appstream.returncode == 0, appstream.stdout + appstream.stderr
    desktop = root / f"usr/share/applications/{ID}.desktop"
    validate = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
    assert validate.returncode == 0 and ": error:" not in validate.stdout, validate.stdout
    # The system-wide entry starts the command on PATH, which is /usr/bin/pig-desktop.
    exec_line = _desktop_entry(desktop)["Exec"]
    assert exec_line.split()[0] == "pig-desktop", exec_line


def _desktop_entry(path: Path) -> configparser.SectionProxy:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(path, encoding="utf-8")
    return entry["Desktop Entry"]


# ---- does it run -------------------------------------------------------------------------------------------


@pytest.mark.keychain
def test_deb_unpacked_programs_run(deb: Path, tmp_path: Path) -> None:
    """The package's own files (with Debian's libraries instead of the bundled copies it leaves out), run from
    a dpkg-deb -x copy: what every run can check without installing anything."""
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    opt = root / PREFIX.lstrip("/")
    env = isolated_env(tmp_path)
    check_self_test_output(
        run([str(opt / "pig-desktop"), "--self-test"], tmp_path, env),
        f"bundled app at {opt}",
        opt / "_internal" / "pig_desktop" / "resources",
    )
    check_pig_status_demo(run([str(opt / "pig-status"), "--demo", PROCESSED_JOB], tmp_path, env))


def _as_root() -> list[str]:
    return [] if os.geteuid() == 0 else ["sudo", "-n"]


def _apt_get(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return subprocess.run(
        [*_as_root(), "apt-get", "-y", *args], capture_output=True, text=True, env=env, timeout=BUILD_TIMEOUT
    )


def _installed(package: str) -> bool:
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${db:Status-Status}", package], capture_output=True, text=True
    )
    return status.stdout.strip() == "installed"


@pytest.mark.keychain
@pytest.mark.skipif(os.environ.get("CI") != "true", reason=SYSTEM_INSTALL_SKIP)
def test_deb_installs_with_apt_runs_and_removes_cleanly(deb: Path, tmp_path: Path) -> None:
    assert not _installed(PACKAGE), (
        "pig-desktop is already installed on this machine; this test installs and removes it, so remove it "
        "first (apt-get remove pig-desktop)"
    )
    # Without the Recommends (GTK 3): the computed Depends alone must be enough to run.
    install = _apt_get("install", "--no-install-recommends", str(deb))
    try:
        assert install.returncode == 0, install.stdout + install.stderr
        assert _installed(PACKAGE)
        env = isolated_env(tmp_path)
        version = run(["/usr/bin/pig-desktop", "--version"], tmp_path, env)
        assert version.stdout.strip() == f"pig-desktop {VERSION}", version.stdout + version.stderr
        check_self_test_output(
            run(["/usr/bin/pig-desktop", "--self-test"], tmp_path, env),
            f"bundled app at {PREFIX}",
            Path(PREFIX) / "_internal" / "pig_desktop" / "resources",
        )
        check_pig_status_demo(run(["/usr/bin/pig-status", "--demo", PROCESSED_JOB], tmp_path, env))

        # AppStream (software centres) knows the app from the installed metainfo.
        found = subprocess.run(["appstreamcli", "get", ID], capture_output=True, text=True, timeout=120)
        assert found.returncode == 0 and ID in found.stdout, found.stdout + found.stderr
        # The menus: the installed entry validates, and dpkg's trigger put its MIME types (if the entry
        # declares any) into the desktop database.
        desktop = Path("/usr/share/applications") / f"{ID}.desktop"
        validate = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert validate.returncode == 0 and ": error:" not in validate.stdout, validate.stdout
        mime_types = [t for t in _desktop_entry(desktop).get("MimeType", "").split(";") if t]
        cache = Path("/usr/share/applications/mimeinfo.cache")
        cached = cache.read_text(encoding="utf-8") if cache.exists() else ""
        for mime_type in mime_types:
            assert re.search(rf"^{re.escape(mime_type)}=.*\b{re.escape(ID)}\.desktop", cached, re.M), (
                mime_type
            )
    finally:
        remove = _apt_get("remove", PACKAGE)
    assert remove.returncode == 0, remove.stdout + remove.stderr
    assert not _installed(PACKAGE)
    assert not Path(PREFIX).exists(), sorted(str(p) for p in Path(PREFIX).rglob("*"))[:20]
    for gone in ("/usr/bin/pig-desktop", "/usr/bin/pig-status", f"/usr/share/applications/{ID}.desktop"):
        assert not os.path.lexists(gone), gone
