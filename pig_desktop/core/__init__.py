"""The Qt-free core shared by the window and ``pig-status``: the CINX client, its models and its rules."""

import sys

# httpx's package imports its own command-line tool (``httpx._main``), which pulls in click, pygments and rich
# whenever they happen to be installed beside it: memory and start-up time held for the life of the process,
# for a tool this app never runs. A None entry makes that one import fail, and httpx then leaves its CLI out.
# Figures in docs/performance.md ("Hidden start").
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None is the documented "blocked" entry
