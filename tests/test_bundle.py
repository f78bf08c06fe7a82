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
import platform
import subprocess
import sys
from pathlib import Path

import pytest

import pig_desktop
from pig_desktop import assets
from pig_desktop.demo import PROCESSED_JOB

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
BUILD_SH = REPO / "packaging" / "build.sh"
VERSION = pig_desktop.__version__
BUILD_TIMEOUT = 600
RUN_TIMEOUT = 90


def _arch() -> str:
    machine = platform.machine().lower()
    return {"aarch64": "arm64", "amd64": "x86_64", "x64": "x86_64"}.get(machine, machine)


def _build(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHON=sys.executable)  # build with the interpreter that runs the tests
    run = subprocess.run(
        [str(BUILD_SH), "--dist", str(tmp / "dist"), "--work", str(tmp / "work"), *args],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    assert run.returncode == 0, f"build.sh {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"
    return run


def isolated_env(tmp: Path, **changes: str) -> dict[str, str]:
    """No display, and a home, XDG folders and PIG_DESKTOP_HOME that are empty folders of their own."""
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        folder = tmp / name.lower()
        folder.mkdir()
        env[name] = str(folder)
    (tmp / "pig-home").mkdir()
    env["PIG_DESKTOP_HOME"] = str(tmp / "pig-home")
    env.update(changes)
    return env


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)


def check_self_test_output(
    result: subprocess.CompletedProcess[str], installed_as: str, icons_from: Path
) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output, output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines[-1] == "Self-test passed: PIG Desktop is ready to use.", output
    expected = [
        f"ok   PIG Desktop {VERSION} ({installed_as}",
        "(display: offscreen)",
        f"all {len(assets.all_icon_paths())} icons load (from {icons_from})",
        "password keychain works (keyring.backends.SecretService.Keyring)",
        "secure connections: the system's certificate store loads",
        f"practice server check: job {PROCESSED_JOB} is Processed",
    ]
    for text in expected:
        assert [line for line in lines if line.startswith("ok   ") and text in line], (
            f"{text!r} in:\n{output}"
        )


# ---- the PyInstaller one-folder bundle ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("bundle")
    _build(tmp)
    folder = tmp / "dist" / f"pig-desktop-{VERSION}-linux-{_arch()}"
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
    _build(tmp, "--wheel")
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
