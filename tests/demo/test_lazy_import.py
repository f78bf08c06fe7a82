"""``pig_desktop.demo`` loads its sandbox server only when a server name is used.

Code that needs only the demo account's constants (a window signed in to a sandbox in another process, the
memory benchmark) must not pay for http.server, socketserver and email. Checked in fresh interpreters, since
this test session has long imported the server.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import pig_desktop.demo as demo
from pig_desktop.demo import server as demo_server


def _fresh(code: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_accounts_alone_do_not_load_the_server() -> None:
    loaded = _fresh(
        "import json, sys\n"
        "from pig_desktop.demo.accounts import PROCESSED_JOB\n"
        "from pig_desktop.demo import DEMO_EMAIL\n"
        "print(json.dumps({m: m in sys.modules for m in "
        "('pig_desktop.demo.server', 'http.server', 'socketserver', 'email')}))"
    )
    assert loaded == {
        "pig_desktop.demo.server": False,
        "http.server": False,
        "socketserver": False,
        "email": False,
    }


def test_server_names_load_on_first_use_in_a_fresh_process() -> None:
    loaded = _fresh(
        "import json, sys\n"
        "from pig_desktop.demo import SandboxServer, PROCESSED_JOB\n"
        "import pig_desktop.demo.server as s\n"
        "same = SandboxServer is s.SandboxServer\n"
        "print(json.dumps({'same': same, 'loaded': 'http.server' in sys.modules}))"
    )
    assert loaded == {"same": True, "loaded": True}


def test_public_names_are_unchanged() -> None:
    assert demo.SandboxServer is demo_server.SandboxServer
    assert demo.ScriptedResponse is demo_server.ScriptedResponse
    assert demo.RecordedRequest is demo_server.RecordedRequest
    for name in demo.__all__:
        assert getattr(demo, name) is not None, name
    assert set(demo.__all__) <= set(dir(demo))


def test_star_import_gives_the_server_classes() -> None:
    namespace: dict[str, object] = {}
    exec("from pig_desktop.demo import *", namespace)
    assert namespace["SandboxServer"] is demo_server.SandboxServer
    assert "PROCESSED_JOB" in namespace


def test_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        _ = demo.NoSuchThing  # type: ignore[attr-defined]
    with pytest.raises(ImportError):
        exec("from pig_desktop.demo import NoSuchThing", {})


def test_module_runs_as_a_program() -> None:
    """``python -m pig_desktop.demo`` still starts the server (it imports the server module itself)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pig_desktop.demo"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(2)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert any("http://127.0.0.1:" in line for line in lines), lines
