"""Choosing the organisation without --api-token, the session value and the error types (no network)."""

from __future__ import annotations

import pytest

from pig_desktop.core.connection import Connection
from pig_desktop.core.errors import Cancelled, InvalidJobId, NetworkError, PigError, ProtocolError
from pig_desktop.core.models import Organisation
from pig_desktop.core.session import Session
from pig_desktop.core.signin import STEP_REACH, STEP_SUBSCRIPTION, SignInError, SignInResult, choose_token


def org(name: str, token: str = "tok", code: int | None = 200, reason: str = "") -> Organisation:
    return Organisation(name=name, org_id=name.lower(), api_token=token, status_code=code, reason=reason)


def test_exactly_one_active_subscription_is_chosen() -> None:
    orgs = [
        org("Expired", code=401, reason="Subscription expired on [2017-11-22]"),
        org("Active", "t-1"),
        org("No API", token=""),
    ]
    assert choose_token(orgs).name == "Active"
    assert SignInResult(tuple(orgs)).usable == (orgs[1],)


def test_several_active_subscriptions_list_all_with_their_state() -> None:
    with pytest.raises(SignInError) as caught:
        choose_token([org("A", "t-a"), org("B", "t-b"), org("C", code=401, reason="expired")])
    err = caught.value
    assert err.step == STEP_SUBSCRIPTION and not err.network
    assert "--api-token" in err.message
    for name in ("A", "B", "C"):
        assert f"  {name}: " in err.message
    assert "expired" in err.message


def test_no_active_subscription() -> None:
    with pytest.raises(SignInError) as caught:
        choose_token([org("X", code=401, reason="expired"), org("Y", token="")])
    assert "None of your organisations" in caught.value.message
    assert "not enabled for API access" in caught.value.message
    with pytest.raises(SignInError):
        choose_token([])


def test_sign_in_error_network_flag() -> None:
    assert SignInError(STEP_REACH, "m").network
    assert not SignInError(STEP_SUBSCRIPTION, "m").network
    assert SignInError(STEP_SUBSCRIPTION, "m", network=True).network


def test_session_hides_the_token_and_password() -> None:
    conn = Connection("https://api.cinx.com", "a@b.c", "pw-secret-1", "dfed7d88-adf8-5356-8029-fe061c93d0fe")
    session = Session(conn, "WTS", "org-1")
    assert session.server_name == "Production" and session.server == "https://api.cinx.com"
    assert session.token_hint == "…d0fe"
    assert Session(Connection("https://x.example")).token_hint == ""
    assert "pw-secret-1" not in repr(session) and "d0fe" not in repr(conn)


def test_errors_carry_message_and_detail() -> None:
    err = NetworkError("Plain sentence.", "ConnectError: refused", kind="connect")
    assert str(err) == "Plain sentence." and err.detail.startswith("ConnectError") and err.kind == "connect"
    assert isinstance(err, PigError)
    assert isinstance(InvalidJobId("m"), PigError) and isinstance(ProtocolError("m"), PigError)
    cancelled = Cancelled()
    assert cancelled.message == "Cancelled." and isinstance(cancelled, PigError)
