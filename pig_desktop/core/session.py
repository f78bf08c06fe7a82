"""Who is signed in where: the connection (server, email, password, token) and the organisation's name.

Immutable, so it can be handed to worker threads; a new Session is made when the user signs in again or
picks another organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from .connection import Connection
from .servers import describe_server


@dataclass(frozen=True)
class Session:
    connection: Connection
    organisation: str = ""
    org_id: str = ""

    @property
    def server(self) -> str:
        return self.connection.server

    @property
    def server_name(self) -> str:
        return describe_server(self.connection.server)

    @property
    def token_hint(self) -> str:
        """The API token as support may see it: its last 4 characters at most."""
        token = self.connection.api_token
        return f"…{token[-4:]}" if token else ""
