"""The Qt-free layers stay Qt-free: pig_desktop.core, .store and .demo never import PySide6/shiboken6.

They are shared by the window, the tray and the ``pig-status`` command, which must run (and be tested) with no
Qt and no display. Every module under those packages is imported in a fresh interpreter with an import hook
that refuses Qt; a module that tries, directly or through anything it imports, is reported with the chain of
our modules that led there. The hook records the attempt before refusing it, so a ``try: import PySide6
except ImportError`` cannot hide it. With no modules to check the test fails: it must never pass vacuously.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
QT_FREE_PACKAGES = ("core", "store", "demo")

# Runs in the child interpreter; prints one JSON object with "attempts", "errors", "imported" and "leaked".
CHILD = r"""
import importlib, importlib.abc, json, sys, traceback

FORBIDDEN = ("PySide6", "shiboken6", "PySide2", "shiboken2", "PyQt5", "PyQt6")
attempts = []

class RefuseQt(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in FORBIDDEN:
            ours = [f.filename.split("pig_desktop", 1)[-1] + ":" + str(f.lineno)
                    for f in traceback.extract_stack() if "/pig_desktop/" in f.filename.replace("\\", "/")]
            attempts.append({"requested_by": current, "qt_module": fullname, "via": ours})
            raise ImportError(f"{fullname} may not be imported by pig_desktop.core/store/demo")
        return None

sys.meta_path.insert(0, RefuseQt())
errors, imported = {}, []
for current in MODULES:
    try:
        importlib.import_module(current)
        imported.append(current)
    except BaseException as exc:
        errors[current] = f"{type(exc).__name__}: {exc}"
leaked = sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN)
print(json.dumps({"attempts": attempts, "errors": errors, "imported": imported, "leaked": leaked}))
"""


def qt_free_modules() -> list[str]:
    """Dotted names of every module in the Qt-free packages (packages themselves included)."""
    modules: list[str] = []
    for package in QT_FREE_PACKAGES:
        base = REPO_ROOT / "pig_desktop" / package
        for path in sorted(base.rglob("*.py")):
            rel = path.relative_to(REPO_ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules.append(".".join(parts))
    return modules


def test_every_qt_free_package_has_modules_to_check() -> None:
    modules = qt_free_modules()
    for package in QT_FREE_PACKAGES:
        own = [m for m in modules if m.startswith(f"pig_desktop.{package}.")]
        assert own, (
            f"pig_desktop/{package} has no modules besides __init__.py (or does not exist), so the layering "
            "check would prove nothing about it"
        )


def run_import_check(modules: list[str], *, extra_path: Path | None = None) -> dict[str, Any]:
    """Import ``modules`` in a fresh interpreter that refuses Qt; return the child's JSON report."""
    env = dict(os.environ)
    paths = [str(p) for p in (extra_path, REPO_ROOT) if p is not None]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    child = f"MODULES = {modules!r}\n{CHILD}"
    done = subprocess.run(
        [sys.executable, "-c", child], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"the import check itself crashed:\n{done.stderr}"
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def test_the_check_catches_a_qt_import_even_when_it_is_caught(tmp_path: Path) -> None:
    # Proves the checker can fail: a module that hides its Qt import behind try/except is still reported,
    # and so is one that only imports it through another module.
    (tmp_path / "sneaky_qt.py").write_text("try:\n    import PySide6.QtCore\nexcept ImportError:\n    pass\n")
    (tmp_path / "via_sneaky.py").write_text("import sneaky_qt\n")
    (tmp_path / "plain.py").write_text("import json\n")
    report = run_import_check(["plain", "via_sneaky"], extra_path=tmp_path)
    assert [(a["requested_by"], a["qt_module"]) for a in report["attempts"]] == [("via_sneaky", "PySide6")]
    assert report["imported"] == ["plain", "via_sneaky"]
    assert report["leaked"] == []


def test_qt_free_layers_never_import_qt() -> None:
    modules = qt_free_modules()
    assert modules, (
        "found no modules under pig_desktop/core, store or demo: the layering check would be vacuous"
    )
    report = run_import_check(modules)

    offenders = [
        f"{a['requested_by']} -> {a['qt_module']} (via {' -> '.join(a['via']) or 'a third-party module'})"
        for a in report["attempts"]
    ]
    assert not offenders, "these Qt-free modules import Qt:\n  " + "\n  ".join(offenders)
    assert not report["leaked"], f"Qt modules ended up loaded anyway: {report['leaked']}"
    assert not report["errors"], "these modules fail to import:\n  " + "\n  ".join(
        f"{name}: {error}" for name, error in report["errors"].items()
    )
    assert sorted(report["imported"]) == sorted(modules)
