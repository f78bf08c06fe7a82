"""Sign-in in three steps, each failure told apart in plain words: reach CINX (ping), check the email and
password, then list the organisations and their subscriptions (``/2.0/subs``)."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _
from .client import CinxClient
from .errors import AuthError, Cancelled, ConfigError, NetworkError, PigError, ProtocolError
from .models import Organisation
from .servers import describe_server

STEP_REACH = "reach"
STEP_CREDENTIALS = "credentials"
STEP_SUBSCRIPTION = "subscription"


class SignInError(PigError):
    """A sign-in step failed. ``step`` is STEP_REACH, STEP_CREDENTIALS or STEP_SUBSCRIPTION.

    ``network`` is True when the cause was the network or the server (not the account), so a caller such as
    ``pig-status`` can tell "try again later" from "fix your sign-in" even within the subscription step.
    """

    def __init__(self, step: str, message: str, detail: str = "", *, network: bool = False) -> None:
        super().__init__(message, detail)
        self.step = step
        self.network = network or step == STEP_REACH


@dataclass(frozen=True)
class SignInResult:
    organisations: tuple[Organisation, ...]

    @property
    def usable(self) -> tuple[Organisation, ...]:
        return tuple(org for org in self.organisations if org.usable)


def sign_in(client: CinxClient) -> SignInResult:
    """Run the three steps. Raises SignInError (or Cancelled) with a plain message naming the step."""
    where = describe_server(client.server)
    if not client.connection.email or not client.connection.password:
        raise SignInError(
            STEP_CREDENTIALS, _("Enter your CINX email and password."), "missing email or password"
        )
    try:
        if not client.ping():
            raise SignInError(
                STEP_REACH,
                _("CINX ({server}) answered but says it isn't ready. Try again in a few minutes.").format(
                    server=where
                ),
                "ping did not report status 200",
            )
    except NetworkError as exc:
        # The network error's own sentence already says "Couldn't reach CINX..." and what to do: only the
        # server is added, so the same words are not said twice.
        message = _("{problem} (Server: {server}.)").format(problem=exc.message, server=where)
        raise SignInError(STEP_REACH, message, exc.detail) from None
    except ConfigError as exc:
        # A setting that cannot work (e.g. an unreadable CA file): its own message says what to fix.
        raise SignInError(STEP_REACH, exc.message, exc.detail) from None
    try:
        organisations = client.subscriptions()
    except AuthError as exc:
        raise SignInError(
            STEP_CREDENTIALS,
            _(
                "CINX did not accept this email and password. Check them (the password is case-sensitive) "
                "and try again."
            ),
            exc.detail,
        ) from None
    except (NetworkError, ProtocolError) as exc:
        raise SignInError(
            STEP_SUBSCRIPTION,
            _("Your sign-in worked, but CINX couldn't list your organisations. {problem}").format(
                problem=exc.message
            ),
            exc.detail,
            network=True,
        ) from None
    except Cancelled:
        raise
    if not organisations:
        raise SignInError(
            STEP_SUBSCRIPTION,
            _(
                "Your sign-in worked, but this account doesn't belong to any organisation. "
                "Ask your CINX administrator to add you."
            ),
            "/2.0/subs returned no rows",
        )
    return SignInResult(tuple(organisations))


def choose_token(organisations: tuple[Organisation, ...] | list[Organisation]) -> Organisation:
    """The one organisation to use when none was named: exactly one active subscription, else SignInError
    listing what there is (for ``pig-status`` without ``--api-token``)."""
    usable = [org for org in organisations if org.usable]
    if len(usable) == 1:
        return usable[0]
    lines = [f"  {org.name}: {org.plain_state}" for org in organisations]
    if not usable:
        message = _("None of your organisations has an active CINX subscription with API access.")
    else:
        message = _("You belong to several organisations; choose one with --api-token.")
    raise SignInError(
        STEP_SUBSCRIPTION, message + "\n" + "\n".join(lines), f"{len(usable)} usable subscriptions"
    )
