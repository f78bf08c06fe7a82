"""Shared helpers for the test suite (not a test module itself).

pytest puts ``tests/`` on ``sys.path`` (the rootdir conftest lives there and ``tests`` is not a package), so
test modules import these as ``from helpers.dbus import wait_for_name`` or ``from helpers import xvfb``.

- :mod:`helpers.dbus`: ask the private session bus whether a service is up; read what dunst received.
- :mod:`helpers.xvfb`: screenshots of the Xvfb screen and real input through xdotool.
- :mod:`helpers.tray`: a real XEmbed tray host (trayer) on that screen.
- :mod:`helpers.net`: a loopback port / URL where nothing listens.
- :mod:`helpers.reports`: status bodies and classified reports from tests/fixtures, and a big answer.
- :mod:`helpers.signin`: signing a window in through the real sign-in dialog; the sandbox demo account.

``dbus``, ``xvfb`` and ``tray`` need the environment that ``./scripts/test.sh`` builds (a private D-Bus
session, dunst, Xvfb) and fail with a message that says so when it is missing, instead of quietly doing
nothing.
"""
