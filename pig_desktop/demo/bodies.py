"""JSON bodies the sandbox CINX server sends, built from the documented shapes.

The shapes are copied from the seed document (the "Jobs / Job Status" page) and tests/fixtures/. This module
deliberately does not use `pig_desktop.core`: the sandbox must speak the documented wire format on its own, so
it can catch a client that drifts from it.
"""

from __future__ import annotations

import copy
import time
from datetime import UTC, datetime
from typing import Any

from pig_desktop.demo.accounts import (
    ACTIVE_ORG,
    ACTIVE_TOKEN,
    EXPIRED_ON,
    EXPIRED_ORG,
    EXPIRED_TOKEN,
    NO_API_ORG,
    SECOND_ORG,
    SECOND_TOKEN,
)

JsonDict = dict[str, Any]

# The seed's documented envelope header, minus the per-request timings that are filled in when serving.
_METHOD = "App\\Controllers\\Auth->authenticate"

# The seed's job row (processed variant); `cinx_id.id`, status and start time are set per request.
_JOB_ROW: JsonDict = {
    "app": "json-rfq-import",
    "args": {
        "body": ["json"],
        "auto_submit": ["1"],
        "api_version": "2.0",
        "app_cdoc": ["couchdb://apps/2d4dde95cc7d1a3d8e830036ff126f60"],
        "org_cdoc": ["couchdb://orgs/org-unit-test"],
        "org_name": ["PSF Mechanical, Inc."],
        "user_cdoc": ["couchdb://users/CINX-SYSTEM"],
        "user_id": ["2260bc39-5871-4e13-87c6-afd3bfc7519e"],
        "user_name": ["USER TEST"],
        "archive": [1],
        "sub_id": ["93b09b7f-becd-4dd7-801d-80f0f45fa5ab"],
    },
    "command_started_at": "2024-01-17 16:38:55Z",
    "file_count": 1,
    "partner": "cinx",
    "status_code": 200,
    "status_message": "Processed",
    "cinx_id": {
        "id": "97b96860-ca73-4f8e-b6ba-37ce9f256871",
        "domain": "pig",
        "type": "PIG-UPLOAD",
    },
}

SEED_STARTED_AT = "2024-01-17 16:38:55Z"

_USER: JsonDict = {
    "cinx_user_guid": "185aabe1-3487-5f59-9ad5-c577a76bd392",
    "first_name": "Will",
    "middle_name": "",
    "last_name": "Stone",
    "suffix": "",
}

# Rows of GET /2.0/subs: the two from tests/fixtures/subs.json, an organisation with no API token, and a
# second active organisation (issue 14: a job that lives only there).
_SUBS_ROWS: list[JsonDict] = [
    {
        "cinx_api_token": ACTIVE_TOKEN,
        "user": _USER,
        "org": {"cinx_org_id": "org-0001-4030", "name": ACTIVE_ORG},
        "subscription": {
            "status_code": 200,
            "status_message": "OK",
            "status_message_reason": None,
            "start_date": "2017-10-20",
            "end_date": "2025-11-19",
            "catalog_ref": "c5919ab5-68e4-580a-ae1e-9f748abfb223",
            "apps": [
                {
                    "cinx_app_guid": "3780a6b903937022c5649f5cd391744e",
                    "cinx_app_id": "d217f7b7-ef49-5ae1-adf3-3765160725a4",
                    "name": "Integrated Price Updates",
                    "type": "INTEGRATION : IMPORT-EXPORT",
                    "data_source": "My Private Catalog",
                }
            ],
        },
    },
    {
        "cinx_api_token": EXPIRED_TOKEN,
        "user": _USER,
        "org": {"cinx_org_id": "org-0001-4032", "name": EXPIRED_ORG},
        "subscription": {
            "status_code": 401,
            "status_message": "Unauthorized",
            "status_message_reason": f"Subscription expired on [{EXPIRED_ON}]",
            "start_date": "2017-10-23",
            "end_date": EXPIRED_ON,
            "catalog_ref": "d4r19ab5-68e4-580a-ae1e-9f748abfb223",
            "apps": [
                {
                    "cinx_app_guid": "308-599736-f129d818-ca871bfb90-350af7",
                    "cinx_app_id": "f5e9f665-1239-5a1e-8c01-7afda01d6e3d",
                    "name": "Autodesk Fabrication Add-In",
                    "type": "INTEGRATION : IMPORT-EXPORT",
                    "data_source": "My Private Catalog",
                }
            ],
        },
    },
    {
        # An empty token is how CINX says "this company is not enabled for API access".
        "cinx_api_token": "",
        "user": _USER,
        "org": {"cinx_org_id": "org-0001-4035", "name": NO_API_ORG},
        "subscription": {
            "status_code": 200,
            "status_message": "OK",
            "status_message_reason": None,
            "start_date": "2019-03-01",
            "end_date": "2030-12-31",
            "catalog_ref": "e7a21cb6-79f5-4b1d-9c3e-0a8b7c6d5e4f",
            "apps": [],
        },
    },
    {
        "cinx_api_token": SECOND_TOKEN,
        "user": _USER,
        "org": {"cinx_org_id": "org-0001-4041", "name": SECOND_ORG},
        "subscription": {
            "status_code": 200,
            "status_message": "OK",
            "status_message_reason": None,
            "start_date": "2021-06-01",
            "end_date": "2031-05-31",
            "catalog_ref": "f3b8d2a1-6c4e-4f7a-9b0d-5e1c2a3f4b6d",
            "apps": [
                {
                    "cinx_app_guid": "3780a6b903937022c5649f5cd391744e",
                    "cinx_app_id": "d217f7b7-ef49-5ae1-adf3-3765160725a4",
                    "name": "Integrated Price Updates",
                    "type": "INTEGRATION : IMPORT-EXPORT",
                    "data_source": "My Private Catalog",
                }
            ],
        },
    },
]


def cinx_timestamp(epoch: float) -> str:
    """Format a Unix time the way CINX writes `command_started_at` ("2024-01-17 16:38:55Z", UTC)."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def envelope(
    rows: list[JsonDict],
    *,
    status_code: int = 200,
    message: str = "OK",
    uri: str = "",
    started: float | None = None,
) -> JsonDict:
    """The documented `{"response": {...}, "rows": [...]}` envelope, with this request's timings."""
    start = time.time() if started is None else started
    return {
        "response": {
            "status_code": status_code,
            "message": message,
            "method": _METHOD,
            "uri": uri,
            "format": "json",
            "start_time": start,
            "total_time": max(0.0, time.time() - start),
            "record_count": len(rows),
            "total_count": 0,
        },
        "rows": rows,
    }


def error_envelope(
    status_code: int, message: str, *, uri: str = "", started: float | None = None
) -> JsonDict:
    """An envelope-level error: non-200 `response.status_code` and no rows."""
    return envelope([], status_code=status_code, message=message, uri=uri, started=started)


def job_row(
    job_id: str, *, status_code: int, status_message: str, started_at: str = SEED_STARTED_AT
) -> JsonDict:
    """A job row in the seed's shape, for `job_id` (echoed in `cinx_id.id`)."""
    row = copy.deepcopy(_JOB_ROW)
    row["cinx_id"]["id"] = job_id
    row["status_code"] = status_code
    row["status_message"] = status_message
    row["command_started_at"] = started_at
    return row


def processed_row(job_id: str, *, started_at: str = SEED_STARTED_AT) -> JsonDict:
    return job_row(job_id, status_code=200, status_message="Processed", started_at=started_at)


def failed_row(job_id: str, *, started_at: str = SEED_STARTED_AT) -> JsonDict:
    return job_row(job_id, status_code=500, status_message="Internal Server Error", started_at=started_at)


def status_uri(token: str, job_id: str) -> str:
    """The `response.uri` the seed's not-found example shows (no leading slash, no version)."""
    return f"sub/{token}/partner/exec/{job_id}/status"


def not_found_envelope(token: str, job_id: str, *, started: float | None = None) -> JsonDict:
    """The seed's "invalid job id" answer (sent with HTTP 500)."""
    return error_envelope(
        500,
        f"Failed to find a job with the given id of [{job_id}]",
        uri=status_uri(token, job_id),
        started=started,
    )


def ping_envelope(*, started: float | None = None) -> JsonDict:
    return envelope([{"status": 200, "message": "CINX: API Ping Response: Ok"}], started=started)


def subs_body() -> JsonDict:
    """GET /2.0/subs, with `"response": {}` exactly as the documented fixture has it."""
    return {"response": {}, "rows": copy.deepcopy(_SUBS_ROWS)}
