"""Keychain wrapper: refuses unsafe backends, turns every keyring error into a plain message, and round-trips
with the real gnome-keyring Secret Service (``keychain`` marker: runs inside the test command's D-Bus
session, and fails rather than skips without one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from keyring.backend import KeyringBackend

from pig_desktop.store.credentials import (
    MSG_LOCKED,
    MSG_PLAINTEXT,
    MSG_UNAVAILABLE,
    Keychain,
    KeychainStatus,
    KeychainUnavailable,
    SessionPasswords,
    refusal_reason,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Corr3ct-Horse-B4ttery!"


@pytest.fixture(autouse=True)
def restore_keyring() -> Iterator[None]:
    """Put keyring's own default backend back after every test."""
    original = keyring.get_keyring()
    try:
        yield
    finally:
        keyring.set_keyring(original)


class MemoryKeyring(KeyringBackend):
    """A stand-in for a secure OS keychain, in memory."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.items:
            raise keyring.errors.PasswordDeleteError("No such password!")
        del self.items[(service, username)]


class PlaintextKeyring(KeyringBackend):
    """Like keyrings.alt's PlaintextKeyring: writes passwords into a file. Must be refused."""

    priority = 0.5  # type: ignore[assignment]
    file_path: Path = Path("/nonexistent")

    def _load(self) -> dict[str, str]:
        return json.loads(self.file_path.read_text()) if self.file_path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self.file_path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}/{username}", None)
        self.file_path.write_text(json.dumps(data))


class LockedKeyring(MemoryKeyring):
    """A Secret Service whose collection stays locked: every call raises like SecretService does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.InitError("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.InitError("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.InitError("Failed to unlock the collection!")


class LeakyErrorKeyring(MemoryKeyring):
    """A backend whose error messages would repeat the password (and that raises non-keyring errors)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"D-Bus said no to {password!r}")


def _chain(*members: KeyringBackend) -> KeyringBackend:
    class FakeChain(keyring.backends.chainer.ChainerBackend):
        backends = list(members)  # type: ignore[assignment]

    return FakeChain()


def _assert_unusable(status: KeychainStatus, message: str) -> None:
    assert status.usable is False
    assert status.message == message
    assert status.detail
    # Plain language for office staff: no class names or jargon in the message.
    for jargon in ("keyring.", "Error", "D-Bus", "backend", "Exception"):
        assert jargon not in status.message


@pytest.mark.parametrize(
    "backend",
    [keyring.backends.null.Keyring(), keyring.backends.fail.Keyring()],
    ids=["null", "fail"],
)
def test_no_keychain_is_not_usable(backend: KeyringBackend) -> None:
    keyring.set_keyring(backend)
    keychain = Keychain(service=f"pig-desktop-test-{uuid.uuid4().hex}")
    status = keychain.status()
    _assert_unusable(status, MSG_UNAVAILABLE)
    assert status.backend == f"{type(backend).__module__}.{type(backend).__qualname__}"
    for call in (
        lambda: keychain.get("https://s", "a@b.c"),
        lambda: keychain.set("https://s", "a@b.c", PASSWORD),
        lambda: keychain.delete("https://s", "a@b.c"),
    ):
        with pytest.raises(KeychainUnavailable) as info:
            call()
        assert info.value.message == MSG_UNAVAILABLE
        assert info.value.detail
        assert PASSWORD not in str(info.value)


def test_plaintext_file_backend_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    backend = PlaintextKeyring()
    backend.file_path = tmp_path / "keyring_pass.cfg"
    keyring.set_keyring(backend)
    keychain = Keychain()
    _assert_unusable(keychain.status(), MSG_PLAINTEXT)
    with pytest.raises(KeychainUnavailable) as info:
        keychain.set("https://s", "a@b.c", PASSWORD)
    assert info.value.message == MSG_PLAINTEXT
    assert not backend.file_path.exists()


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("keyrings.alt.file", "PlaintextKeyring"),
        ("keyrings.alt.file", "EncryptedKeyring"),
        ("keyrings.alt.Gnome", "Keyring"),
        ("keyrings.cryptfile.cryptfile", "CryptFileKeyring"),
        ("some.vendor", "PlaintextStore"),
    ],
)
def test_file_and_keyrings_alt_backends_are_refused(module: str, name: str) -> None:
    cls = type(name, (MemoryKeyring,), {"__module__": module})
    backend = cls()
    assert refusal_reason(backend) is not None
    keyring.set_keyring(backend)
    assert Keychain().status().usable is False
    with pytest.raises(KeychainUnavailable):
        Keychain().set("https://s", "a@b.c", PASSWORD)
    assert backend.items == {}


def test_secure_looking_backends_are_accepted() -> None:
    assert refusal_reason(MemoryKeyring()) is None
    import keyring.backends.SecretService

    assert refusal_reason(keyring.backends.SecretService.Keyring()) is None


def test_chain_of_only_refused_backends_is_refused(tmp_path: Path) -> None:
    plain = PlaintextKeyring()
    plain.file_path = tmp_path / "plain.cfg"
    keyring.set_keyring(_chain(plain, keyring.backends.null.Keyring()))
    status = Keychain().status()
    assert status.usable is False
    with pytest.raises(KeychainUnavailable):
        Keychain().set("https://s", "a@b.c", PASSWORD)
    assert not plain.file_path.exists()


def test_chain_uses_its_secure_member_never_the_plaintext_one(tmp_path: Path) -> None:
    plain = PlaintextKeyring()
    plain.file_path = tmp_path / "plain.cfg"
    secure = MemoryKeyring()
    keyring.set_keyring(_chain(plain, secure))  # plaintext first: the chain itself would write there
    keychain = Keychain()
    status = keychain.status()
    assert status.usable and status.message == ""
    assert status.backend.endswith("MemoryKeyring")
    keychain.set("https://s", "a@b.c", PASSWORD)
    assert not plain.file_path.exists()
    assert secure.items == {("pig-desktop", "a@b.c @ https://s"): PASSWORD}


def test_round_trip_and_entry_naming_with_an_acceptable_backend() -> None:
    backend = MemoryKeyring()
    keychain = Keychain(backend=backend)
    assert keychain.status() == KeychainStatus(True, backend.__module__ + ".MemoryKeyring", "", "")
    assert keychain.get("https://cinx.example", "anna@example.com") is None
    keychain.set("https://cinx.example", "anna@example.com", PASSWORD)
    assert backend.items == {("pig-desktop", "anna@example.com @ https://cinx.example"): PASSWORD}
    assert keychain.get("https://cinx.example", "anna@example.com") == PASSWORD
    assert keychain.get("https://other.example", "anna@example.com") is None  # per server
    keychain.delete("https://cinx.example", "anna@example.com")
    keychain.delete("https://cinx.example", "anna@example.com")  # a missing entry is fine
    assert keychain.get("https://cinx.example", "anna@example.com") is None


def test_locked_keychain_fails_the_probe_with_a_plain_message() -> None:
    keychain = Keychain(backend=LockedKeyring())
    status = keychain.status()
    _assert_unusable(status, MSG_LOCKED)
    assert "InitError" in status.detail and "unlock" in status.detail
    for call in (
        lambda: keychain.get("s", "e"),
        lambda: keychain.set("s", "e", PASSWORD),
        lambda: keychain.delete("s", "e"),
    ):
        with pytest.raises(KeychainUnavailable) as info:
            call()
        assert info.value.message == MSG_UNAVAILABLE
        assert "InitError" in info.value.detail


def test_password_never_appears_in_errors() -> None:
    keychain = Keychain(backend=LeakyErrorKeyring())
    with pytest.raises(KeychainUnavailable) as info:
        keychain.set("s", "e@x", PASSWORD)
    assert PASSWORD not in str(info.value)
    assert PASSWORD not in info.value.detail
    assert "RuntimeError" in info.value.detail
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_really_absent_keychain_in_a_process_without_dbus(tmp_path: Path) -> None:
    """keyring's own discovery, with no D-Bus session and no config: the app must say "no keychain"."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "PYTHON_KEYRING"))}
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        HOME=str(tmp_path),
        XDG_RUNTIME_DIR=str(tmp_path / "run"),
        PYTHONPATH=str(REPO_ROOT),
    )
    code = (
        "import json; from pig_desktop.store.credentials import Keychain; "
        "s = Keychain().status(); print(json.dumps([s.usable, s.backend, s.message]))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    usable, backend, message = json.loads(out.stdout)
    assert usable is False
    assert backend == "keyring.backends.fail.Keyring"
    assert message == MSG_UNAVAILABLE
    assert list(tmp_path.rglob("*")) == [] or all(p.is_dir() for p in tmp_path.rglob("*"))


def test_session_passwords_are_thread_safe_and_not_shown() -> None:
    store = SessionPasswords()
    assert store.get("s", "e") is None
    store.set("s", "e", PASSWORD)
    assert store.get("s", "e") == PASSWORD
    assert store.get("s2", "e") is None
    assert PASSWORD not in repr(store)

    def writer(n: int) -> None:
        for i in range(200):
            store.set(f"s{n}", f"e{i}", f"p{i}")
            store.get(f"s{n}", f"e{i}")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store) == 801
    store.delete("s", "e")
    store.delete("s", "e")  # missing is fine
    assert store.get("s", "e") is None
    store.clear()
    assert len(store) == 0


@pytest.mark.keychain
def test_real_secret_service_round_trip() -> None:
    """gnome-keyring's Secret Service inside the test command's D-Bus session.

    Deliberately no skip: run without an unlocked Secret Service, this test fails and says why.
    """
    service = f"pig-desktop-test-{uuid.uuid4().hex}"  # never touches a real "pig-desktop" entry
    keychain = Keychain(service=service)
    status = keychain.status()
    assert status.usable, (
        f"No usable Secret Service ({status.backend}: {status.detail}). Run inside "
        "dbus-run-session with gnome-keyring-daemon --unlock --components=secrets."
    )
    assert status.backend in ("keyring.backends.SecretService.Keyring", "keyring.backends.libsecret.Keyring")
    server, email = "https://127.0.0.1:8443", "anna@example.com"
    try:
        assert keychain.get(server, email) is None
        keychain.set(server, email, PASSWORD)
        assert keychain.get(server, email) == PASSWORD
        # Another process (the next app start) sees the same entry.
        code = (
            "import sys; from pig_desktop.store.credentials import Keychain; "
            "print(Keychain(service=sys.argv[1]).get(sys.argv[2], sys.argv[3]) == sys.argv[4])"
        )
        env: dict[str, Any] = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
        out = subprocess.run(
            [sys.executable, "-c", code, service, server, email, PASSWORD],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.stdout.strip() == "True", out.stderr
        keychain.set(server, email, PASSWORD + "2")  # replacing works
        assert keychain.get(server, email) == PASSWORD + "2"
    finally:
        keychain.delete(server, email)
    assert keychain.get(server, email) is None
    keychain.delete(server, email)  # deleting a missing entry is fine
