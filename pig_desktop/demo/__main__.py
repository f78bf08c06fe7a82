"""`python -m pig_desktop.demo`: run the sandbox CINX server in the foreground until Ctrl+C.

Handy for support staff and docs: it prints the URL to use as the server, the demo sign-in and the job ids
that show each outcome.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from pig_desktop.demo.accounts import (
    ACTIVE_ORG,
    ACTIVE_TOKEN,
    DEMO_EMAIL,
    DEMO_JOBS,
    DEMO_PASSWORD,
    EXPIRED_ORG,
    EXPIRED_TOKEN,
    NO_API_ORG,
    SECOND_ORG,
    SECOND_ORG_JOB,
    SECOND_TOKEN,
)
from pig_desktop.demo.server import SandboxServer


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Treat a plain `kill` like Ctrl+C, so the server always stops the same clean way.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pig_desktop.demo",
        description="Run the PIG Desktop sandbox CINX server on this computer only (127.0.0.1).",
    )
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=3.0,
        help="how long the slow demo job takes to answer (default: 3)",
    )
    args = parser.parse_args(argv)

    signal.signal(signal.SIGTERM, _on_sigterm)
    with SandboxServer(slow_seconds=args.slow_seconds) as server:
        lines = [
            "PIG Desktop sandbox CINX server (practice data only, not a real CINX server)",
            f"Server URL: {server.url}",
            f"Email:      {DEMO_EMAIL}",
            f"Password:   {DEMO_PASSWORD}",
            "Companies:",
            f"  {ACTIVE_ORG}: active, API token {ACTIVE_TOKEN}",
            f"  {EXPIRED_ORG}: subscription expired, API token {EXPIRED_TOKEN}",
            f"  {NO_API_ORG}: not enabled for API access (no token)",
            f"  {SECOND_ORG}: active, API token {SECOND_TOKEN} (job {SECOND_ORG_JOB} lives only here)",
            "Job ids to try:",
            *(f"  {job_id}  {text}" for job_id, text in DEMO_JOBS.items()),
            "  any other id  not found",
            "Press Ctrl+C to stop.",
        ]
        print("\n".join(lines), flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    print("Sandbox server stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
