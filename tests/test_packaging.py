"""Packaging: the wheel (contents, entry points, resources found once installed), the build script, the
PyInstaller spec, the Windows/macOS settings and the Linux menu-entry installer.

Building and running the PyInstaller bundle itself (``--self-test``) is a separate, later check.
"""

from __future__ import annotations

import os
import plistlib
import re
import shutil
import subprocess
import sys
import zipfile
from configparser import ConfigParser
from pathlib import Path

import pytest

import pig_desktop
from pig_desktop import assets

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"
SPEC = PACKAGING / "pig-desktop.spec"
BUILD_SH = PACKAGING / "build.sh"
INSTALL_SH = PACKAGING / "linux" / "install-desktop-entry.sh"
# Never copied into a scratch build: caches, earlier builds and other helpers' virtual environments.
_COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
    "test-artifacts",
    "benchmarks",
)


# --- static checks ------------------------------------------------------------------------------------------


def test_every_package_folder_is_listed_in_pyproject() -> None:
    """pyproject lists packages by hand (see its comment); a forgotten new sub-package would be left out."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "pig_desktop").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    # Folders of modules without an __init__.py would be namespace packages, which setuptools also skips.
    loose = {
        ".".join(py.parent.relative_to(REPO).parts)
        for py in (REPO / "pig_desktop").rglob("*.py")
        if not (py.parent / "__init__.py").exists()
    }
    assert not loose, f"add an __init__.py to: {sorted(loose)}"
    assert on_disk | {"pig_desktop.resources"} == listed, "update [tool.setuptools] packages in pyproject"


def test_spec_bundles_resources_where_assets_looks_for_them() -> None:
    text = SPEC.read_text()
    compile(text, str(SPEC), "exec")  # syntax only; PyInstaller provides Analysis, EXE, ... when it runs it
    assert '"pig_desktop/resources"' in text
    assert 'RESOURCES = ROOT / "resources"' in text
    assert '"packaging" / "entry.py"' in text
    for hidden in ("keyring.backends.SecretService", "keyring.backends.fail", "jeepney", "truststore"):
        assert f'"{hidden}"' in text
    assert "PIG_ONEFILE" in text
    assert '"pig_desktop/resources/guide"' in text and 'DOCS.glob("user-guide*.md")' in text
    assert (PACKAGING / "entry.py").is_file()
    assert "from pig_desktop.app import main" in (PACKAGING / "entry.py").read_text()


def test_build_script_is_executable_and_parses() -> None:
    assert os.access(BUILD_SH, os.X_OK)
    subprocess.run(["bash", "-n", str(BUILD_SH)], check=True)
    shown = subprocess.run([str(BUILD_SH), "--help"], capture_output=True, text=True, check=True)
    assert "--onefile" in shown.stdout and "--wheel" in shown.stdout
    refused = subprocess.run([str(BUILD_SH), "--bogus"], capture_output=True, text=True, check=False)
    assert refused.returncode == 2 and "--bogus" in refused.stderr


def test_deb_build_is_wired_into_build_sh_and_refuses_what_is_not_a_bundle(tmp_path: Path) -> None:
    build_deb = PACKAGING / "build-deb.sh"
    assert os.access(build_deb, os.X_OK)
    subprocess.run(["bash", "-n", str(build_deb)], check=True)
    shown = subprocess.run([str(BUILD_SH), "--help"], capture_output=True, text=True, check=True)
    assert "--deb" in shown.stdout and "build-deb.sh" in shown.stdout
    # --deb is made from the one-folder bundle: refused with the other modes before anything is built.
    refused = subprocess.run([str(BUILD_SH), "--deb", "--wheel"], capture_output=True, text=True)
    assert refused.returncode == 2 and "--deb" in refused.stderr
    not_a_bundle = subprocess.run(
        [str(build_deb), "--bundle", str(tmp_path), "--dist", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert not_a_bundle.returncode == 2 and "one-folder bundle" in not_a_bundle.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    unknown = subprocess.run([str(build_deb), "--bogus"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "--bogus" in unknown.stderr
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^deb:\n\t.*packaging/build\.sh --deb$", makefile, re.M)


def test_macos_info_plist_settings() -> None:
    with open(PACKAGING / "macos" / "Info.plist", "rb") as fh:
        info = plistlib.load(fh)
    assert info["CFBundleIdentifier"] == assets.DESKTOP_ID
    assert info["CFBundleName"] == pig_desktop.APP_DISPLAY_NAME
    assert info["LSUIElement"] is False
    assert info["NSHighResolutionCapable"] is True
    assert (REPO / "resources" / "icons" / "app" / info["CFBundleIconFile"]).is_file()


def test_windows_installer_script_settings() -> None:
    text = (PACKAGING / "windows" / "pig-desktop.iss").read_text()
    assert re.search(
        r"^AppId=\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$", text, re.M
    )
    default_version = re.search(r'#define AppVersion "([^"]+)"', text)
    assert default_version and default_version.group(1) == pig_desktop.__version__
    assert re.search(r"^PrivilegesRequired=lowest$", text, re.M)  # per-user install by default
    assert "{group}" in text and "{uninstallexe}" in text and "desktopicon" in text
    icon = re.search(r"^SetupIconFile=(.+)$", text, re.M)
    assert icon and (PACKAGING / "windows" / icon.group(1).replace("\\", "/")).resolve().is_file()


def test_linux_menu_entry_installs_validates_and_uninstalls(tmp_path: Path) -> None:
    prefix = tmp_path / "share"
    program = tmp_path / "My Apps" / "pig-desktop"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    run = subprocess.run(
        [str(INSTALL_SH), "--prefix", str(prefix), "--exec", str(program)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "added to the application menu" in run.stdout
    desktop = prefix / "applications" / f"{assets.DESKTOP_ID}.desktop"
    entry = ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(desktop, encoding="utf-8")
    assert entry["Desktop Entry"]["Exec"] == f'"{program}" %u'
    assert entry["Desktop Entry"]["MimeType"] == "x-scheme-handler/pig-desktop;"
    validate = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
    assert validate.returncode == 0 and ": error:" not in validate.stdout, validate.stdout
    for size in assets.APP_ICON_SIZES:
        assert (
            prefix / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{assets.DESKTOP_ID}.png"
        ).is_file()
    assert (prefix / "icons" / "hicolor" / "scalable" / "apps" / f"{assets.DESKTOP_ID}.svg").is_file()
    assert (prefix / "metainfo" / f"{assets.DESKTOP_ID}.metainfo.xml").is_file()

    subprocess.run([str(INSTALL_SH), "--prefix", str(prefix), "--uninstall"], capture_output=True, check=True)
    left = [p for p in prefix.rglob("*") if p.is_file() and assets.DESKTOP_ID in p.name]
    assert left == []

    missing = subprocess.run(
        [str(INSTALL_SH), "--prefix", str(prefix), "--exec", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1 and "There is no PIG Desktop program" in missing.stderr


# --- wheel and installs (slow: they run pip and create virtual environments) --------------------------------


@pytest.fixture(scope="module")
def source_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Build from a copy: an in-tree build leaves build/ and *.egg-info in the shared checkout, and a stale
    # build/lib could hide a missing file.
    dest = tmp_path_factory.mktemp("src") / "pig-desktop"
    shutil.copytree(REPO, dest, ignore=_COPY_IGNORE)
    return dest


@pytest.fixture(scope="module")
def wheel(source_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source_copy)],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("pig_desktop-*.whl")
    return built


def _fresh_venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
    return path / "bin" / "python"


_PROBE = (
    "import sys; from pig_desktop import assets; "
    "print(assets.resources_root()); print(assets.asset_path('icons/outcome/processed.svg')); "
    "print(len(assets.all_icon_paths()))"
)


@pytest.mark.slow
def test_wheel_contains_code_resources_and_entry_points(wheel: Path, source_copy: Path) -> None:
    # Compared with the copy it was built from: others may be adding files to the checkout meanwhile.
    assert wheel.name == f"pig_desktop-{pig_desktop.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = zf.read(f"pig_desktop-{pig_desktop.__version__}.dist-info/entry_points.txt").decode()
    for py in (source_copy / "pig_desktop").rglob("*.py"):
        if "__pycache__" not in py.parts:
            assert py.relative_to(source_copy).as_posix() in names, f"{py} missing from the wheel"
    resources = [
        p for p in (source_copy / "resources").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ]
    assert len(resources) > 40
    for path in resources:
        assert "pig_desktop/resources/" + path.relative_to(source_copy / "resources").as_posix() in names, (
            path
        )
    # The build step (setup.py) compiles every shipped translation into the wheel.
    for po in (source_copy / "resources" / "translations").glob("*.po"):
        assert f"pig_desktop/resources/translations/{po.stem}/LC_MESSAGES/pig-desktop.mo" in names, po
    # The build step also ships the user guide and its screenshots (Help > User guide works offline).
    assert "pig_desktop/resources/guide/user-guide.md" in names
    for png in (source_copy / "docs" / "guide").glob("*.png"):
        assert f"pig_desktop/resources/guide/guide/{png.name}" in names, png
    assert re.search(r"\[console_scripts\]\s*\npig-status = pig_desktop\.cli:main", entry_points)
    assert re.search(r"\[gui_scripts\]\s*\npig-desktop = pig_desktop\.app:main", entry_points)
    # Nothing from the repository's other folders leaks in as a package.
    assert not [n for n in names if n.split("/")[0] in {"tests", "packaging", "resources", "scripts"}]


@pytest.mark.slow
def test_installed_wheel_finds_its_resources(wheel: Path, tmp_path: Path) -> None:
    python = _fresh_venv(tmp_path / "venv")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True)
    # Run outside the checkout so that the source tree cannot be picked up by accident.
    out = subprocess.run(
        [str(python), "-c", _PROBE], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    site = (tmp_path / "venv" / "lib").resolve()
    assert Path(out[0]).resolve().is_relative_to(site) and out[0].endswith("pig_desktop/resources")
    assert Path(out[1]).is_file()
    assert int(out[2]) == len(assets.all_icon_paths())
    for script in ("pig-status", "pig-desktop"):
        assert (tmp_path / "venv" / "bin" / script).is_file()
    # The compiled Spanish catalogue was installed and is the one found (the wheel has no dependencies
    # installed here, so ask the Qt-free, dependency-free i18n module directly).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANG", "LC_", "PYTHONPATH"))}
    probe = "; ".join(
        (
            "from pig_desktop import i18n",
            "i18n.setup()",
            "print(i18n.translations_dir())",
            "print(i18n._('Processed'))",
        )
    )
    spoken = subprocess.run(
        [str(python), "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**env, "LANGUAGE": "es"},
    )
    where, word = spoken.stdout.split("\n")[:2]
    assert Path(where).resolve().is_relative_to(site) and word == "Procesado", spoken.stderr
    assert (Path(where) / "es" / "LC_MESSAGES" / "pig-desktop.mo").is_file()
    # The installed guide is the one Help > User guide opens (not the checkout's docs/).
    guide = subprocess.run(
        [str(python), "-c", "from pig_desktop import i18n; print(i18n.user_guide('en'))"],
        cwd=tmp_path, capture_output=True, text=True, env=env, check=True,
    ).stdout.strip()  # fmt: skip
    assert Path(guide).resolve().is_relative_to(site) and guide.endswith("resources/guide/user-guide.md")
    assert (Path(guide).parent / "guide" / "01-sign-in.png").is_file()


@pytest.mark.slow
def test_editable_install_finds_the_source_resources(source_copy: Path, tmp_path: Path) -> None:
    python = _fresh_venv(tmp_path / "venv")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "-e", str(source_copy)],
        check=True,
        timeout=300,
    )
    out = subprocess.run(
        [str(python), "-c", _PROBE], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert Path(out[0]) == source_copy / "resources"
    assert Path(out[1]) == source_copy / "resources" / "icons" / "outcome" / "processed.svg"


# ---- pig-desktop:// links (issue 14, part 3). Windows and macOS: the configs only (not built here) -------


def test_link_scheme_is_registered_on_every_platform() -> None:
    desktop = ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]
    desktop.read(REPO / "resources" / "linux" / f"{assets.DESKTOP_ID}.desktop", encoding="utf-8")
    section = desktop["Desktop Entry"]
    assert "x-scheme-handler/pig-desktop" in section["MimeType"].split(";")
    assert section["Exec"].endswith(" %u")

    with open(PACKAGING / "macos" / "Info.plist", "rb") as fh:
        info = plistlib.load(fh)
    schemes = [scheme for url_type in info["CFBundleURLTypes"] for scheme in url_type["CFBundleURLSchemes"]]
    assert schemes == ["pig-desktop"]

    iss = (PACKAGING / "windows" / "pig-desktop.iss").read_text()
    assert 'Subkey: "Software\\Classes\\pig-desktop"; ValueType: string; ValueName: "URL Protocol"' in iss
    command = re.search(
        r'Subkey: "Software\\Classes\\pig-desktop\\shell\\open\\command".*ValueData: (.+)$', iss, re.M
    )
    assert command and '""%1""' in command.group(1) and "{#AppExe}" in command.group(1)


def test_app_command_line_takes_a_link_as_its_job() -> None:
    from pig_desktop.app import parse_args

    job = "97b96860-ca73-4f8e-b6ba-37ce9f256871"
    args = parse_args([f"pig-desktop://job/{job}?server=production", "abc123def"])
    assert args.jobs == (job, "abc123def")
