"""Shared fixtures: real Sphinx builds of the projects under ``tests/roots``."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

from tests._loopback import guard_loopback

pytest_plugins = ["sphinx.testing.fixtures", "tests.browser"]
collect_ignore = ["roots"]

ROOTS = Path(__file__).parent / "roots"

BuildRoot = Callable[..., SphinxTestApp]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture(autouse=True)
def _loopback_only() -> Iterator[None]:
    """No test reaches beyond 127.0.0.0/8: other names do not resolve, other hosts refuse."""
    with guard_loopback():
        yield


def copy_root(name: str, destination: Path) -> Path:
    """A private copy of ``tests/roots/test-<name>`` that a test may edit."""
    srcdir = destination / name
    shutil.copytree(ROOTS / f"test-{name}", srcdir)
    return srcdir


def build_app(
    srcdir: Path,
    buildername: str = "html",
    *,
    parallel: int = 0,
    freshenv: bool = False,
    confoverrides: dict[str, Any] | None = None,
    builddir: Path | None = None,
) -> SphinxTestApp:
    """Build *srcdir* with a real Sphinx application; warnings in ``app.warning``."""
    app = SphinxTestApp(
        buildername,
        srcdir=srcdir,
        builddir=builddir,
        confoverrides=confoverrides,
        status=StringIO(),
        warning=StringIO(),
        freshenv=freshenv,
        parallel=parallel,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return app


@pytest.fixture(scope="module")
def build_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuildRoot]:
    """Copy a root into a fresh folder and build it: one build per call."""

    def build(name: str, buildername: str = "html", **options: Any) -> SphinxTestApp:
        destination = tmp_path_factory.mktemp(name)
        return build_app(copy_root(name, destination), buildername, freshenv=True, **options)

    yield build
