"""The things users install, built and run for real: the PyInstaller one-folder bundle and the wheel.

- The bundle is built with ``packaging/build.sh --dist/--work`` into a temporary folder (about 15 s here),
  then its ``pig-desktop --version`` and ``pig-desktop --self-test`` are run with no display and a private
  home. The self-test uses the real keychain of the test session (gnome-keyring's Secret Service, started by
  ./scripts/test.sh), so the keychain line must name SecretService: that proves the frozen keyring backends
  and their D-Bus libraries work from inside the bundle.
- The wheel is built with ``packaging/build.sh --wheel`` and installed with its dependencies into a fresh
  virtual environment (no system site-packages) by pip, the way ``pipx install`` does. The dependencies are
  constrained to the versions of the environment running the tests, so the install checks this wheel's
  metadata against the same libraries the suite tested (and pip's cache usually has them already). Then
  ``pig-status --demo``, ``pig-desktop --version`` and ``pig-desktop --self-test`` run from that venv.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.bundle import (
    BUILD_TIMEOUT,
    VERSION,
    check_pig_status_demo,
    check_self_test_output,
    files_under,
    isolated_env,
    run,
    run_build_sh,
)

from pig_desktop.demo import PROCESSED_JOB

pytestmark = pytest.mark.slow


# ---- the PyInstaller one-folder bundle ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(pyinstaller_bundle: Path) -> Path:
    """The session's one bundle build (conftest.py), which tests/test_deb.py packages as well."""
    folder = pyinstaller_bundle
    tmp = folder.parent.parent
    assert (folder / "pig-desktop").is_file() and os.access(folder / "pig-desktop", os.X_OK)
    # Only the bundle and its archive in the dist folder; scratch files went to --work, not the checkout.
    assert sorted(p.name for p in (tmp / "dist").iterdir()) == [folder.name, f"{folder.name}.tar.gz"]
    assert (tmp / "work").is_dir()
    return folder


def test_bundle_carries_its_menu_entry_script_and_an_archive(bundle: Path, tmp_path: Path) -> None:
    import tarfile

    with tarfile.open(bundle.parent / f"{bundle.name}.tar.gz") as archive:
        names = set(archive.getnames())
    assert f"{bundle.name}/pig-desktop" in names
    assert f"{bundle.name}/install-desktop-entry.sh" in names
    # Run from inside the bundle, the script points the menu entry at the bundle's own program.
    prefix = tmp_path / "share"
    script = bundle / "install-desktop-entry.sh"
    result = run(["bash", str(script), "--prefix", str(prefix)], tmp_path, isolated_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    entry = (prefix / "applications" / "io.github.pigdesktop.PigDesktop.desktop").read_text()
    assert f"Exec={bundle / 'pig-desktop'}" in entry or f'Exec="{bundle / "pig-desktop"}"' in entry, entry


def test_bundle_answers_version_without_a_display(bundle: Path, tmp_path: Path) -> None:
    result = run([str(bundle / "pig-desktop"), "--version"], tmp_path, isolated_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"pig-desktop {VERSION}"


def test_bundle_pig_status_is_the_same_program_under_the_cli_name(bundle: Path, tmp_path: Path) -> None:
    import tarfile

    # A relative symlink, so it survives unpacking the archive anywhere; entry.py picks the CLI by argv[0].
    assert os.readlink(bundle / "pig-status") == "pig-desktop"
    with tarfile.open(bundle.parent / f"{bundle.name}.tar.gz") as archive:
        link = archive.getmember(f"{bundle.name}/pig-status")
    assert link.issym() and link.linkname == "pig-desktop"
    env = isolated_env(tmp_path)
    check_pig_status_demo(run([str(bundle / "pig-status"), "--demo", PROCESSED_JOB], tmp_path, env))
    usage = run([str(bundle / "pig-status")], tmp_path, env)
    assert usage.returncode == 64 and "pig-status: " in usage.stderr, usage.stdout + usage.stderr


@pytest.mark.keychain
def test_bundle_self_test_passes_and_writes_only_its_own_folders(bundle: Path, tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    before = files_under(bundle)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    result = run([str(bundle / "pig-desktop"), "--self-test"], cwd, env)
    check_self_test_output(
        result, f"bundled app at {bundle}", bundle / "_internal" / "pig_desktop" / "resources"
    )
    # Only the app's own folders were written (its log), nothing in the home, XDG folders, working folder
    # or the bundle itself.
    assert files_under(tmp_path / "pig-home") == ["log/pig-desktop.log"]
    for name in ("home", "xdg_config_home", "xdg_data_home", "xdg_cache_home", "xdg_state_home", "cwd"):
        assert files_under(tmp_path / name) == [], name
    assert files_under(bundle) == before


# ---- the wheel in a fresh virtual environment --------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel ``packaging/build.sh --wheel`` builds, beside ``constraints.txt``: the versions of this test
    environment, so what gets installed from the registry is what the suite runs with."""
    tmp = tmp_path_factory.mktemp("wheel")
    run_build_sh(tmp, "--wheel")
    (built,) = (tmp / "dist").glob("*.whl")
    assert built.name == f"pig_desktop-{VERSION}-py3-none-any.whl"
    constraints = built.parent / "constraints.txt"
    frozen = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "list",
            "--format=freeze",
            "--exclude-editable",
            "--disable-pip-version-check",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # Not pig-desktop itself (the editable or an older install): the wheel under test is what gets installed.
    # Nor the installers (pip, setuptools, wheel): pipx upgrades its own pip.
    skip = ("pig-desktop==", "pip==", "setuptools==", "wheel==")
    pins = [line for line in frozen.splitlines() if not line.lower().startswith(skip)]
    constraints.write_text("".join(line + "\n" for line in pins))
    return built


@pytest.fixture(scope="module")
def wheel_venv(wheel: Path) -> Path:
    venv = wheel.parent.parent / "venv"
    constraints = wheel.parent / "constraints.txt"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-c",
            str(constraints),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    assert install.returncode == 0, f"pip install of the wheel failed:\n{install.stdout}\n{install.stderr}"
    return venv


def test_wheel_venv_is_isolated_from_the_test_environment(wheel_venv: Path, tmp_path: Path) -> None:
    # Proves what the next tests run is the wheel and its own dependencies, not the checkout or the dev venv.
    probe = (
        "import PySide6, httpx, keyring, pig_desktop; print(pig_desktop.__file__); print(PySide6.__file__)"
    )
    result = run([str(wheel_venv / "bin" / "python"), "-c", probe], tmp_path, isolated_env(tmp_path))
    assert result.returncode == 0, result.stderr
    for path in result.stdout.split():
        assert Path(path).resolve().is_relative_to(wheel_venv.resolve()), path


def test_wheel_pig_status_demo_works(wheel_venv: Path, tmp_path: Path) -> None:
    result = run(
        [str(wheel_venv / "bin" / "pig-status"), "--demo", PROCESSED_JOB], tmp_path, isolated_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Processed: job {PROCESSED_JOB}" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_wheel_pig_desktop_version(wheel_venv: Path, tmp_path: Path) -> None:
    result = run([str(wheel_venv / "bin" / "pig-desktop"), "--version"], tmp_path, isolated_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"pig-desktop {VERSION}"


@pytest.mark.keychain
def test_wheel_pig_desktop_self_test(wheel_venv: Path, tmp_path: Path) -> None:
    (site,) = (p.resolve() for p in (wheel_venv / "lib").glob("python3.*/site-packages"))
    result = run([str(wheel_venv / "bin" / "pig-desktop"), "--self-test"], tmp_path, isolated_env(tmp_path))
    check_self_test_output(
        result, f"installed package at {site / 'pig_desktop'}", site / "pig_desktop" / "resources"
    )


def test_pipx_install_of_the_wheel_gives_both_commands(wheel: Path, tmp_path: Path) -> None:
    """The way docs/install.md tells users to install the wheel: ``pipx install <wheel>``."""
    env = isolated_env(tmp_path)
    env.update(
        PIPX_HOME=str(tmp_path / "pipx"),
        PIPX_BIN_DIR=str(tmp_path / "bin"),
        PIPX_MAN_DIR=str(tmp_path / "man"),
        PIP_CONSTRAINT=str(wheel.parent / "constraints.txt"),
    )
    install = subprocess.run(
        [sys.executable, "-m", "pipx", "install", str(wheel)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=BUILD_TIMEOUT,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr
    assert sorted(p.name for p in (tmp_path / "bin").iterdir()) == ["pig-desktop", "pig-status"]
    status = run([str(tmp_path / "bin" / "pig-status"), "--demo", PROCESSED_JOB], tmp_path, env)
    assert status.returncode == 0, status.stdout + status.stderr
    assert f"Processed: job {PROCESSED_JOB}" in status.stdout
    version = run([str(tmp_path / "bin" / "pig-desktop"), "--version"], tmp_path, env)
    assert version.stdout.strip() == f"pig-desktop {VERSION}", version.stderr
