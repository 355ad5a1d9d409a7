"""The wheel build copies the package's resources in first (see fieldsvc/resources/sync.py).

Everything else about the package is in pyproject.toml. Building from a source checkout runs the
same sync as ``scripts/setup-python.sh`` and fails when ``node_modules/`` is missing (``npm ci``
first); building from an sdist uses the resources the sdist already carries.
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fieldsvc import resources  # noqa: E402  (the package being built, stdlib-only imports)
from fieldsvc.resources import sync  # noqa: E402


def sync_resources() -> None:
    if sync.is_source_checkout():
        sync.sync()
    elif missing := resources.missing():
        raise SystemExit(f"fieldsvc/resources/ lacks {missing} and there are no sources to copy")


class BuildPyWithResources(build_py):
    def run(self) -> None:
        # An editable install reads the folders in place; scripts/setup-python.sh syncs them.
        if not self.editable_mode:
            sync_resources()
            self.__dict__.pop("data_files", None)  # listed before the sync: list them again
        super().run()


class SdistWithResources(sdist):
    def run(self) -> None:
        sync_resources()
        super().run()


setup(cmdclass={"build_py": BuildPyWithResources, "sdist": SdistWithResources})
