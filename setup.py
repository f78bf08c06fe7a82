"""The wheel's one build step beyond pyproject.toml: compile the translations (.po -> .mo) into the build.

Everything else is declared in pyproject.toml. The compiler is pig_desktop/i18n_build.py (standard library
only), loaded from its file so building needs neither Babel nor an importable pig_desktop.
"""

from __future__ import annotations

import importlib.util
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


setup(cmdclass={"build_py": BuildWithTranslations})
