"""NetworkReturn: the kernel's routing messages say when the network comes back (Linux).

The real test runs a child in a private network namespace (``unshare --net``: only a loopback link, down),
where it can bring links up and down and add addresses without touching this machine's network, and reads
what the kernel's netlink socket reports through the real ``QSocketNotifier``. The parser is also tested on
hand-made messages for the cases a namespace cannot stage on demand.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from pig_desktop.ui.watching.network_return import says_network_came_back

ROOT = Path(__file__).resolve().parents[3]

HEADER = struct.Struct("=IHHII")
IFINFO = struct.Struct("=BxHiII")
RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR, RTM_NEWROUTE, RTM_DELROUTE = 16, 17, 20, 21, 24, 25
IFF_UP, IFF_RUNNING = 0x1, 0x40


def message(kind: int, payload: bytes = b"\0" * 8) -> bytes:
    body = HEADER.pack(HEADER.size + len(payload), kind, 0, 0, 0) + payload
    return body + b"\0" * (-len(body) % 4)


def link(flags: int) -> bytes:
    return message(RTM_NEWLINK, IFINFO.pack(0, 1, 2, flags, 0xFFFFFFFF))


@pytest.mark.parametrize(
    ("data", "came_back"),
    [
        (message(RTM_NEWADDR), True),
        (message(RTM_NEWROUTE), True),
        (link(IFF_UP | IFF_RUNNING), True),
        (link(IFF_UP), False),  # up but no carrier yet: not back
        (link(0), False),  # a link going down is also an RTM_NEWLINK
        (message(RTM_DELADDR) + message(RTM_DELROUTE) + message(RTM_DELLINK), False),
        (message(RTM_DELROUTE) + message(RTM_NEWROUTE), True),  # any message of a batch
        (message(RTM_NEWADDR)[:10], False),  # cut short
        (HEADER.pack(4, RTM_NEWADDR, 0, 0, 0), False),  # a length shorter than its own header
        (HEADER.pack(4096, RTM_NEWADDR, 0, 0, 0), False),  # a length past the end
        (b"", False),
    ],
)
def test_which_messages_say_the_network_came_back(data: bytes, came_back: bool) -> None:
    assert says_network_came_back(data) is came_back


CHILD = r"""
import json, subprocess, sys, time
from PySide6.QtCore import QCoreApplication, QElapsedTimer
from pig_desktop.ui.watching.network_return import SETTLE_MS, NetworkReturn

app = QCoreApplication([])
watcher = NetworkReturn()
started = watcher.start()
signals = []
watcher.came_back.connect(lambda: signals.append(time.monotonic()))

def wait(seconds):
    clock = QElapsedTimer()
    clock.start()
    while clock.elapsed() < seconds * 1000:
        app.processEvents()
        time.sleep(0.02)

def step(*command):
    subprocess.run(["ip", *command], check=True)
    before = len(signals)
    wait(SETTLE_MS / 1000 + 1.5)
    return len(signals) - before

result = {"started": started}
result["lo up"] = step("link", "set", "lo", "up")
result["lo down"] = step("link", "set", "lo", "down")
result["address added"] = step("addr", "add", "10.77.0.1/24", "dev", "lo")
result["address removed"] = step("addr", "del", "10.77.0.1/24", "dev", "lo")
with open("/proc/self/maps", encoding="ascii", errors="replace") as maps:
    mapped = maps.read()
result["libgio mapped"] = "libgio" in mapped
result["qt network backends mapped"] = "networkinformation" in mapped
result["QtNetwork imported"] = "PySide6.QtNetwork" in sys.modules
watcher.shutdown()
print(json.dumps(result))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the netlink path is Linux's")
def test_the_kernel_says_when_the_network_comes_back_in_a_private_namespace() -> None:
    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    assert unshare and ip, "unshare and ip are needed (scripts/install-system-deps.sh test)"
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [unshare, "--net", sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"the child failed (a private network namespace needs root):\n{done.stderr}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        "started": True,
        "lo up": 1,  # the link, its addresses and routes: one signal for the whole burst
        "lo down": 0,
        "address added": 1,
        "address removed": 0,
        "libgio mapped": False,
        "qt network backends mapped": False,
        "QtNetwork imported": False,
    }
