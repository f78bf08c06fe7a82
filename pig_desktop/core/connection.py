"""The plain description of one connection to CINX: server, user, secrets and timeouts.

Kept apart from the HTTP client so that whoever only holds or builds a connection (the session, the start
path, the settings) does not pull in httpx.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .servers import DEFAULT_STATUS_PATH

if TYPE_CHECKING:  # core.proxy reads urllib.request, which the first frame must not import
    from .proxy import ResolvedProxy

__all__ = ["Connection"]


@dataclass(frozen=True)
class Connection:
    """Everything needed to talk to one CINX server as one user. The password never appears in repr()."""

    server: str
    email: str = ""
    password: str = field(default="", repr=False)
    api_token: str = field(default="", repr=False)
    status_path_template: str = DEFAULT_STATUS_PATH
    connect_timeout: float = 10.0
    read_timeout: float = 15.0
    ca_bundle: str = ""
    proxy: ResolvedProxy | None = None  # core.proxy.resolve_proxy's answer; None = direct

    def with_token(self, token: str) -> Connection:
        return replace(self, api_token=token)

    @property
    def total_timeout(self) -> float:
        """The most one request may take, even when the body trickles in a byte at a time."""
        return self.connect_timeout + 2 * self.read_timeout
