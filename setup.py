"""The wheel's build steps beyond pyproject.toml: compile the translations (.po -> .mo) into the build, and
ship the user guide (docs/user-guide*.md and its screenshots in docs/guide/) as
``pig_desktop/resources/guide/`` for Help > User guide (pig_desktop.i18n.user_guide finds it there).

Everything else is declared in pyproject.toml. The compiler is pig_desktop/i18n_build.py (standard library
only), loaded from its file so building needs neither Babel nor an importable pig_desktop.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        spec = importlib.util.spec_from_file_location(
            "_pig_i18n_build", ROOT / "pig_desktop" / "i18n_build.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        target = Path(self.build_lib) / "pig_desktop" / "resources" / "translations"
        for path in module.compile_catalogs(ROOT / "resources" / "translations", target):
            print(f"compiled {path}")
        for path in copy_guide(ROOT / "docs", Path(self.build_lib) / "pig_desktop" / "resources" / "guide"):
            print(f"copied {path}")


def copy_guide(docs: Path, target: Path) -> list[Path]:
    """Copy the guide (every language's ``user-guide*.md``) and its screenshots, keeping their relative
    layout so the guide's ``guide/NN-name.png`` links still resolve."""
    copied = []
    for source in [*sorted(docs.glob("user-guide*.md")), *sorted((docs / "guide").glob("*.png"))]:
        destination = target / source.relative_to(docs)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        copied.append(destination)
    return copied


setup(cmdclass={"build_py": BuildWithTranslations})
