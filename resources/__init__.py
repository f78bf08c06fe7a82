"""Icons and desktop-integration files of PIG Desktop.

This folder is installed as the data-only package ``pig_desktop.resources`` (see the setuptools
``package-dir`` mapping in pyproject.toml). Code never imports anything from here; it finds files through
:mod:`pig_desktop.assets`, which also works from a source checkout and a PyInstaller bundle.
"""
