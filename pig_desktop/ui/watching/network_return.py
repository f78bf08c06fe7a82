"""Knowing when the network comes back, so watched jobs waiting out an error are asked again at once.

On Linux the kernel says so itself: a routing netlink socket (``NETLINK_ROUTE``) reports every link that comes
up, every address and every route added, whoever configured them (NetworkManager, systemd-networkd, ifupdown,
a VPN). The socket is read on the GUI thread through a ``QSocketNotifier``; nothing else is loaded. Qt's own
``QNetworkInformation`` would load all its Linux backends to pick one, and its GLib one (libgio and a worker
thread) costs a few MB for the whole life of an app that mostly sits in the tray (docs/performance.md,
"Hidden start"). On Windows and macOS, Qt's native backend is used.

A burst of messages (a link coming up brings its addresses and routes) gives one ``came_back`` signal, a
moment after the last of them. Going away (links down, addresses and routes removed) says nothing: there is
nothing to ask then.
"""

from __future__ import annotations

import logging
import socket
import struct
import sys

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

log = logging.getLogger(__name__)

__all__ = ["SETTLE_MS", "NetworkReturn", "says_network_came_back"]

#: How long after the last netlink message of a burst ``came_back`` is emitted.
SETTLE_MS = 1000

# linux/rtnetlink.h: the multicast groups, the message types, and the flags of a link that is up and running.
_RTMGRP_LINK = 0x1
_RTMGRP_IPV4_IFADDR = 0x10
_RTMGRP_IPV4_ROUTE = 0x40
_RTMGRP_IPV6_IFADDR = 0x100
_RTMGRP_IPV6_ROUTE = 0x400
_GROUPS = _RTMGRP_LINK | _RTMGRP_IPV4_IFADDR | _RTMGRP_IPV4_ROUTE | _RTMGRP_IPV6_IFADDR | _RTMGRP_IPV6_ROUTE
_RTM_NEWLINK = 16
_RTM_NEWADDR = 20
_RTM_NEWROUTE = 24
_IFF_UP = 0x1
_IFF_RUNNING = 0x40

_HEADER = struct.Struct("=IHHII")  # nlmsghdr: length, type, flags, sequence, port id
_IFINFO = struct.Struct("=BxHiII")  # ifinfomsg: family, type, index, flags, change mask


def says_network_came_back(data: bytes) -> bool:
    """True if these netlink messages tell of a link up and running, or an address or route added."""
    offset = 0
    while offset + _HEADER.size <= len(data):
        length, kind = _HEADER.unpack_from(data, offset)[:2]
        if length < _HEADER.size or offset + length > len(data):
            return False  # a cut or malformed message: nothing after it can be read either
        if kind in (_RTM_NEWADDR, _RTM_NEWROUTE):
            return True
        if kind == _RTM_NEWLINK and length >= _HEADER.size + _IFINFO.size:
            flags = _IFINFO.unpack_from(data, offset + _HEADER.size)[3]
            if flags & _IFF_UP and flags & _IFF_RUNNING:
                return True
        offset += (length + 3) & ~3  # messages are 4-byte aligned
    return False


class NetworkReturn(QObject):
    """Emits ``came_back`` when the network (probably) came back. :meth:`start` says whether it can tell."""

    came_back = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._socket: socket.socket | None = None
        self._notifier: QSocketNotifier | None = None
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.came_back)

    def start(self) -> bool:
        if sys.platform.startswith("linux"):
            return self._start_netlink()
        return self._start_qt_backend()

    def _start_netlink(self) -> bool:
        try:
            sock = socket.socket(
                socket.AF_NETLINK,
                socket.SOCK_RAW | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC,
                socket.NETLINK_ROUTE,
            )
            sock.bind((0, _GROUPS))
        except OSError as exc:
            log.info("no routing netlink socket, so no early check when the network returns: %s", exc)
            return False
        self._socket = sock
        self._notifier = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)
        return True

    def _read(self) -> None:
        sock = self._socket
        if sock is None:
            return
        came_back = False
        while True:
            try:
                data = sock.recv(65536)
            except BlockingIOError:
                break
            except OSError as exc:
                # ENOBUFS: the kernel dropped messages it could not queue, so something did change.
                log.debug("netlink read: %s", exc)
                came_back = True
                break
            if not data:
                break
            came_back = came_back or says_network_came_back(data)
        if came_back:
            self._settle.start()

    def _start_qt_backend(self) -> bool:
        try:
            from PySide6.QtNetwork import QNetworkInformation

            if not QNetworkInformation.loadDefaultBackend():
                return False
            info = QNetworkInformation.instance()
        except (ImportError, RuntimeError, AttributeError):
            return False
        if info is None:
            return False

        def changed(reachability: QNetworkInformation.Reachability) -> None:
            if reachability == QNetworkInformation.Reachability.Online:
                self.came_back.emit()

        info.reachabilityChanged.connect(changed)
        return True

    def shutdown(self) -> None:
        self._settle.stop()
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
