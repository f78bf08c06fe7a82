"""Status answers for tests, built from the captured fixtures in ``tests/fixtures``: as parsed bodies, as
classified :class:`StatusReport` values, and a big answer (many rows, many args) for the speed tests.

Plain Python and ``pig_desktop.core`` only (no Qt), so model, widget and core tests can all use it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pig_desktop.core.outcome import StatusReport, classify

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
JOB = "97b96860-ca73-4f8e-b6ba-37ce9f256871"  # the job id in the captured fixtures


def status_body(name: str) -> dict[str, Any]:
    """``status_body("processed")`` -> tests/fixtures/status-processed.json, parsed (a fresh copy)."""
    return json.loads((FIXTURES / f"status-{name}.json").read_text())


def report_of(body: dict[str, Any] | bytes, http: int = 200, job_id: str = JOB) -> StatusReport:
    """Classify ``body`` (a parsed body, or raw bytes sent as they are) as the answer for ``job_id``."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return classify(job_id, http, raw)


def big_body(rows: int = 1000, args: int = 50) -> dict[str, Any]:
    """The processed fixture grown to ``rows`` rows of ``args`` args each, every row with its own id."""
    template = status_body("processed")
    base = template["rows"][0]
    out = []
    for n in range(rows):
        row = dict(base)
        row["cinx_id"] = {"id": f"00000000-0000-4000-8000-{n:012d}", "domain": "pig", "type": "PIG-UPLOAD"}
        row["args"] = {f"arg_{a:02d}": [f"value {n}/{a}"] for a in range(args)}
        out.append(row)
    template["rows"] = out
    return template
