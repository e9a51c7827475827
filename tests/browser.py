"""A real browser for the tests: Playwright for Python driving Debian's Chromium.

A pytest plugin (``tests/conftest.py`` loads it). Tests marked ``browser``
are skipped, saying why, where Playwright or a ``chromium`` executable is
missing (``apt-get install chromium``; ``playwright install`` is not needed).
The ``chromium`` fixture is one browser per test module, the ``serve_html``
fixture serves a built folder over HTTP on 127.0.0.1 for it.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

__all__ = ["CHROMIUM", "LAUNCH_ARGS", "chromium", "serve_html", "served"]

#: The Chromium executable, or None.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: No sandbox (containers), and nothing that would reach beyond loopback.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser test: Playwright for Python is not installed (pip install playwright)"
    if CHROMIUM is None:
        return "browser test: no Chromium installed (apt-get install chromium)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is not None:
        reason = _missing()
        if reason is not None:
            pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the test module (a Playwright ``Browser``).

    Not for the session: Playwright's synchronous API keeps an event loop
    running while it is started, in which no later test could ``asyncio.run``.
    """
    reason = _missing()
    if reason is not None:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def served(folder: Path | str) -> Iterator[str]:
    """Serve *folder* on 127.0.0.1 (a free port); yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def serve_html() -> Iterator[Callable[[Path | str], str]]:
    """Serve built folders for the module's tests: ``serve_html(outdir)`` gives the base URL."""
    with contextlib.ExitStack() as stack:
        urls: dict[str, str] = {}

        def serve(folder: Path | str) -> str:
            key = str(folder)
            if key not in urls:
                urls[key] = stack.enter_context(served(folder))
            return urls[key]

        yield serve
