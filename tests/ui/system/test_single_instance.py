"""Single instance with two real processes: the second start hands its jobs over and exits 0; a socket left
behind by a killed app is recovered. Both transports run here: POSIX's own Unix socket (the default) and
Qt's local socket (Windows' transport; on Linux a socket file at the same place), each end with either."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from helpers.single_instance import TRANSPORTS, offscreen_env, second_start, start_app

from pig_desktop.ui.system.single_instance import qt_temp_path, socket_name


@pytest.fixture
def name(tmp_path: Path) -> str:
    return socket_name(tmp_path / "data")


def test_socket_name_is_per_data_folder(tmp_path: Path) -> None:
    a, b = socket_name(tmp_path / "a"), socket_name(tmp_path / "b")
    assert a != b and a.startswith("pig-desktop-") and len(a) < 60
    assert socket_name(tmp_path / "a") == a


@pytest.mark.parametrize(
    "tmpdir", ["", "{tmp}/t", "{tmp}/t/", "{tmp}//t/../t", "{tmp}/link", "{tmp}/missing", "t/./relative"]
)
def test_the_temporary_folder_is_the_one_qlocalserver_uses(tmp_path: Path, tmpdir: str) -> None:
    """The socket file must sit where Qt's ``QLocalServer`` would put it, so either end may be a Qt one."""
    (tmp_path / "t").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "t")
    value = tmpdir.format(tmp=tmp_path)
    code = "import sys; from PySide6.QtCore import QDir; print(QDir.tempPath())"
    env = {k: v for k, v in os.environ.items() if k != "TMPDIR"} | ({"TMPDIR": value} if value else {})
    qt = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    old = os.environ.get("TMPDIR")
    try:
        os.environ.pop("TMPDIR", None)
        if value:
            os.environ["TMPDIR"] = value
        assert qt_temp_path() == qt.stdout.strip()
    finally:
        os.environ.pop("TMPDIR", None)
        if old is not None:
            os.environ["TMPDIR"] = old


@pytest.mark.parametrize("server", TRANSPORTS)
@pytest.mark.parametrize("client", TRANSPORTS)
def test_second_start_hands_jobs_to_the_running_app(
    tmp_path: Path, name: str, server: str, client: str
) -> None:
    app = start_app(tmp_path, name, transport=server)
    try:
        jobs = [
            "97b96860-ca73-4f8e-b6ba-37ce9f256871",
            "https://x.example/exec/3f1c2a9e-5b7d-4e21-9c3a-8d6f0b2e4a17",
        ]
        done = second_start(tmp_path, name, *jobs, transport=client)
        assert done.returncode == 0, done.stderr
        assert app.stdout is not None
        assert app.stdout.readline().strip() == "JOBS " + json.dumps(jobs)
        assert app.stdout.readline().strip() == "ACTIVATE"
    finally:
        app.kill()
        app.wait()


@pytest.mark.parametrize("client", TRANSPORTS)
def test_no_running_app_means_no_hand_off(tmp_path: Path, name: str, client: str) -> None:
    done = second_start(tmp_path, name, "job", transport=client)
    assert done.returncode == 3


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_stale_socket_from_a_crash_is_recovered(tmp_path: Path, name: str, transport: str) -> None:
    crashed = start_app(tmp_path, name, transport=transport, stale=False)
    crashed.send_signal(signal.SIGKILL)  # no chance to clean up: the socket file stays behind
    crashed.wait()
    leftovers = [p for p in Path(os.environ.get("TMPDIR", "/tmp")).glob(name)]
    assert leftovers, "the killed app should have left its socket file"
    # nobody answers on the stale socket, so a second start does not claim a hand-off...
    assert second_start(tmp_path, name, "job").returncode == 3
    # ...and the next app removes it and listens
    app = start_app(tmp_path, name, transport=transport, stale=True)
    try:
        time.sleep(0.1)
        assert app.poll() is None
        done = second_start(tmp_path, name, "job-after-crash")
        assert done.returncode == 0, done.stderr
        assert app.stdout is not None
        assert app.stdout.readline().strip() == 'JOBS ["job-after-crash"]'
    finally:
        app.kill()
        app.wait()


CLAIM_THEN_LISTEN = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from PySide6.QtCore import QCoreApplication, QTimer
    from pig_desktop.ui.system.single_instance import claim_single_instance

    app = QCoreApplication([])
    instance = claim_single_instance(Path(sys.argv[1]), [])
    # Nobody could be running: no socket file, so no QtNetwork and no server yet (the app listens after its
    # first paint).
    network = "PySide6.QtNetwork" in sys.modules
    print("CLAIMED server=%s qtnetwork=%s" % (instance.server is not None, network), flush=True)
    print("LISTENING" if instance.listen() else "NOT-LISTENING", flush=True)
    print("qtnetwork=%s" % ("PySide6.QtNetwork" in sys.modules), flush=True)
    instance.jobs_received.connect(lambda jobs: print("JOBS %d" % len(jobs), flush=True))
    QTimer.singleShot(15000, app.quit)
    app.exec()
    """
)


def test_may_be_running_only_while_the_socket_file_exists(tmp_path: Path, name: str, qapp: object) -> None:
    from pig_desktop.ui.system.single_instance import SingleInstance

    probe = SingleInstance(name)
    assert not probe.may_be_running()
    app = start_app(tmp_path, name)
    try:
        assert probe.may_be_running()
    finally:
        app.send_signal(signal.SIGKILL)  # the socket file stays behind: someone may still be running
        app.wait()
    assert probe.may_be_running()


def test_the_socket_file_is_private_and_goes_when_the_app_closes(name: str, qapp: object) -> None:
    from pig_desktop.ui.system.single_instance import SingleInstance

    instance = SingleInstance(name)
    assert instance.listen() and not instance.recovered_stale
    info = os.lstat(instance.path)
    assert stat.S_ISSOCK(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600
    assert info.st_uid == os.getuid()
    assert not [p for p in Path(instance.path).parent.glob(name + ".*")]  # no private name left beside it
    instance.close()
    assert not os.path.lexists(instance.path)


def test_closing_leaves_the_socket_of_an_app_that_took_the_name_since(name: str, qapp: object) -> None:
    from pig_desktop.ui.system.single_instance import SingleInstance

    first = SingleInstance(name)
    assert first.listen()
    os.unlink(first.path)  # as if removed behind its back; a later start then takes the name
    later = SingleInstance(name)
    assert later.listen()
    later_inode = os.lstat(later.path).st_ino
    first.close()
    assert os.lstat(later.path).st_ino == later_inode
    later.close()
    assert not os.path.lexists(later.path)


def test_a_first_start_claims_without_qtnetwork_and_listens_when_asked(tmp_path: Path) -> None:
    data = tmp_path / "data"
    script = tmp_path / "claim.py"
    script.write_text(CLAIM_THEN_LISTEN)
    app = subprocess.Popen(
        [sys.executable, str(script), str(data)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=offscreen_env(),
    )  # fmt: skip
    try:
        assert app.stdout is not None
        assert app.stdout.readline().strip() == "CLAIMED server=False qtnetwork=False"
        assert app.stdout.readline().strip() == "LISTENING"
        assert app.stdout.readline().strip() == "qtnetwork=False"  # POSIX serves its own Unix socket
        done = second_start(tmp_path, socket_name(data), "97b96860-ca73-4f8e-b6ba-37ce9f256871")
        assert done.returncode == 0, done.stderr
        assert app.stdout.readline().strip() == "JOBS 1"
    finally:
        app.kill()
        app.wait()


def test_the_real_app_listens_after_its_first_paint_and_a_second_start_hands_over(tmp_path: Path) -> None:
    """Two real ``python -m pig_desktop`` processes: the first one opens its window and then listens; the
    second one, given a job id, hands it over and ends at once with status 0."""
    from pig_desktop.store.paths import app_dirs

    dirs = app_dirs()  # the same folders the children use: PIG_DESKTOP_HOME is this test's
    socket_file = Path(os.environ.get("TMPDIR") or "/tmp") / socket_name(dirs.data)
    first = subprocess.Popen(
        [sys.executable, "-m", "pig_desktop"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=offscreen_env(),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not socket_file.exists():
            assert first.poll() is None, first.communicate()[1]
            assert time.monotonic() < deadline, "the first app never listened"
            time.sleep(0.05)
        second = subprocess.run(
            [sys.executable, "-m", "pig_desktop", "97b96860-ca73-4f8e-b6ba-37ce9f256871"],
            capture_output=True, text=True, env=offscreen_env(), timeout=30,
        )  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert first.poll() is None  # the first one still runs, with its window
        log_text = (dirs.log / "pig-desktop.log").read_text(encoding="utf-8")
        assert "handed 1 job(s) to the running app" in log_text
    finally:
        first.terminate()
        first.wait(timeout=30)


def test_a_second_pig_desktop_shows_its_job_in_the_running_window(tmp_path: Path) -> None:
    """Two real ``pig-desktop --demo`` processes: the second hands its job over, prints one line and exits 0;
    the running window brings that job on screen with its badge as soon as its first answer comes (its log
    says so: the window's own record of what it showed)."""
    from pig_desktop.demo.accounts import FAILED_JOB, PROCESSED_JOB

    home = tmp_path / "home"
    app_env = {**offscreen_env(), "PIG_DESKTOP_HOME": str(home)}
    first = subprocess.Popen(
        [sys.executable, "-m", "pig_desktop", "--demo", PROCESSED_JOB],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=app_env,
    )  # fmt: skip

    def log_text() -> str:
        return "".join(
            p.read_text(encoding="utf-8", errors="replace") for p in home.glob("**/pig-desktop.log")
        )

    try:
        deadline = time.monotonic() + 60
        while f"job {PROCESSED_JOB} asked for is on screen: Processed" not in log_text():
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, log_text()
            time.sleep(0.2)
        second = subprocess.run(
            [sys.executable, "-m", "pig_desktop", "--demo", FAILED_JOB],
            capture_output=True, text=True, env=app_env, timeout=60,
        )  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert second.stdout.splitlines() == ["Opened in the running PIG Desktop window"]
        while f"job {FAILED_JOB} asked for is on screen: Failed" not in log_text():
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline + 30, log_text()
            time.sleep(0.2)
    finally:
        first.terminate()
        try:
            first.wait(timeout=30)
        except subprocess.TimeoutExpired:
            first.kill()
            first.wait()
