"""The URL cache: hits, misses, expiry, corrupt files, and interrupted runs leaving a valid file."""

from __future__ import annotations

import dataclasses
import json
import os
import select
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sphinx_ext.verify import (
    CACHE_SCHEMA,
    Outcome,
    UrlCache,
    UrlResult,
    VerifySettings,
    run_url_checks,
)
from tests._loopback import LoopbackServer, Reply, serve

FAST = VerifySettings(timeout=0.5, retries=0, backoff=0.01, host_interval=0.0, trust_env=False)
ROUTES = {
    "/ok": Reply(200),
    "/moved": Reply(301, {"Location": "/ok"}),
    "/missing": Reply(404),
    "/flaky": Reply(500),
}


pytestmark = pytest.mark.network


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with serve(LoopbackServer("127.0.0.2", dict(ROUTES))) as (srv,):
        yield srv


def urls(srv: LoopbackServer) -> list[str]:
    return [srv.url(p) for p in ROUTES]


def test_second_run_within_max_age_requests_only_failures(
    server: LoopbackServer, tmp_path: Path
) -> None:
    path = tmp_path / "cache.json"
    first = run_url_checks(urls(server), FAST, cache=UrlCache.load(path, max_age=3600))
    assert first.stats.from_cache == 0
    requests_before = len(server.hits)

    second = run_url_checks(urls(server), FAST, cache=UrlCache.load(path, max_age=3600))
    assert second.stats.from_cache == 2
    assert {u for u, r in second.results.items() if r.from_cache} == {
        server.url("/ok"),
        server.url("/moved"),
    }
    # Successes come from the cache; the two failures are asked again, once each.
    new_paths = sorted(h.path for h in server.hits[requests_before:])
    assert new_paths == ["/flaky", "/missing"]
    assert second.results[server.url("/moved")].outcome is Outcome.REDIRECTED
    assert second.results[server.url("/moved")].suggested_url == server.url("/ok")


def test_expired_entries_are_rechecked(server: LoopbackServer, tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    run_url_checks([server.url("/ok")], FAST, cache=UrlCache.load(path, max_age=3600))
    later = time.time() + 7200
    run = run_url_checks(
        [server.url("/ok")], FAST, cache=UrlCache.load(path, max_age=3600, now=lambda: later)
    )
    assert run.stats.from_cache == 0
    assert [h.path for h in server.hits] == ["/ok", "/ok"]


def test_a_failure_evicts_the_cached_success(tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    cache = UrlCache.load(path, max_age=3600)
    cache.record(UrlResult("https://a.example/", Outcome.OK, 200, "200 OK", checked_at=time.time()))
    cache.record(
        UrlResult(
            "https://a.example/", Outcome.BROKEN, 404, "404 Not Found", checked_at=time.time()
        )
    )
    cache.save()
    assert json.loads(path.read_text())["entries"] == {}


def test_only_successes_are_stored(server: LoopbackServer, tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    run_url_checks(urls(server), FAST, cache=UrlCache.load(path, max_age=3600))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == CACHE_SCHEMA
    assert sorted(data["entries"]) == sorted([server.url("/ok"), server.url("/moved")])
    assert {e["outcome"] for e in data["entries"].values()} == {"ok", "redirected"}


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        json.dumps({"schema": 999, "entries": {}}),
        json.dumps(
            {
                "schema": CACHE_SCHEMA,
                "entries": {"https://a.example/": {"url": "https://a.example/"}},
            }
        ),
        json.dumps({"schema": CACHE_SCHEMA, "entries": {"u": {"url": "u", "outcome": "nonsense"}}}),
        json.dumps({"schema": CACHE_SCHEMA}),
    ],
)
def test_unreadable_cache_is_ignored_with_a_warning(
    server: LoopbackServer, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "cache.json"
    path.write_text(content, encoding="utf-8")
    warnings: list[str] = []
    cache = UrlCache.load(path, max_age=3600, on_warning=warnings.append)
    assert cache.entries == {}
    assert len(warnings) == 1 and str(path) in warnings[0]
    run = run_url_checks([server.url("/ok")], FAST, cache=cache)
    assert run.stats.requests == 1
    assert server.url("/ok") in json.loads(path.read_text())["entries"]


def test_failures_in_a_hand_edited_cache_are_not_served(tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    broken = UrlResult(
        "https://a.example/", Outcome.BROKEN, 404, "404 Not Found", checked_at=time.time()
    )
    path.write_text(json.dumps({"schema": CACHE_SCHEMA, "entries": {broken.url: broken.to_json()}}))
    assert UrlCache.load(path, max_age=3600).get(broken.url) is None


def test_unwritable_cache_is_a_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    warnings: list[str] = []
    cache = UrlCache(blocker / "cache.json", max_age=10, on_warning=warnings.append)
    cache.record(UrlResult("https://a.example/", Outcome.OK, 200, checked_at=time.time()))
    cache.save()
    assert warnings and "cannot write URL cache" in warnings[0]


def test_save_interrupted_mid_write_keeps_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cache.json"
    cache = UrlCache.load(path, max_age=3600)
    cache.record(UrlResult("https://a.example/", Outcome.OK, 200, checked_at=time.time()))
    cache.save()
    before = path.read_bytes()

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    cache.record(UrlResult("https://b.example/", Outcome.OK, 200, checked_at=time.time()))
    # Ctrl-C after the new content is written to disk, before it replaces the old file.
    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.save()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.json"]  # no temporary file left


def test_interrupt_during_run_saves_what_was_checked(
    server: LoopbackServer, tmp_path: Path
) -> None:
    path = tmp_path / "cache.json"
    server.routes.update({f"/fast{i}": Reply(200) for i in range(3)})
    server.routes["/slow"] = Reply(hang=True)
    seen: list[UrlResult] = []

    def interrupt_after_three(result: UrlResult) -> None:
        seen.append(result)
        if len(seen) == 3:
            signal.raise_signal(signal.SIGINT)  # as Ctrl-C: asyncio cancels the run

    settings = dataclasses.replace(FAST, timeout=5.0)
    all_urls = [server.url("/slow")] + [server.url(f"/fast{i}") for i in range(3)]
    with pytest.raises(KeyboardInterrupt):
        run_url_checks(
            all_urls,
            settings,
            cache=UrlCache.load(path, max_age=3600),
            on_result=interrupt_after_three,
        )
    entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
    assert sorted(entries) == sorted(r.url for r in seen)


_CHILD = """
import sys
from pathlib import Path
from sphinx_ext.verify import UrlCache, VerifySettings, run_url_checks
cache = UrlCache.load(Path(sys.argv[1]), max_age=3600)
settings = VerifySettings(timeout=30, retries=0, host_interval=0.0, trust_env=False)
run_url_checks(sys.argv[2:], settings, cache=cache, on_result=lambda r: print(r.url, flush=True))
"""


def test_ctrl_c_leaves_a_valid_cache(server: LoopbackServer, tmp_path: Path) -> None:
    """A real SIGINT to a checking process: the cache on disk is complete and loadable."""
    path = tmp_path / "cache.json"
    server.routes.update({f"/fast{i}": Reply(200) for i in range(5)})
    server.routes["/slow"] = Reply(hang=True)
    targets = [server.url(f"/fast{i}") for i in range(5)] + [server.url("/slow")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[1]), *sys.path])}
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_CHILD), str(path), *targets],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not any(h.path == "/slow" for h in server.hits) or server.requests < 6:
            assert time.monotonic() < deadline, "the child never reached the slow URL"
            assert child.poll() is None, child.communicate()
            time.sleep(0.02)
        # The server answering is not the child having recorded the answers:
        # wait for it to report all five, so the interrupt finds them cached.
        assert child.stdout is not None
        reported = b""
        while reported.count(b"\n") < 5:
            remaining = deadline - time.monotonic()
            assert remaining > 0, "the child never reported the fast URLs"
            if select.select([child.stdout], [], [], remaining)[0]:
                # Unbuffered, so that select() sees whatever is still unread.
                chunk = os.read(child.stdout.fileno(), 4096)
                assert chunk, child.communicate()
                reported += chunk
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode != 0
    assert b"KeyboardInterrupt" in stderr
    warnings: list[str] = []
    cache = UrlCache.load(path, max_age=3600, on_warning=warnings.append)
    assert warnings == []
    assert sorted(cache.entries) == sorted(targets[:5])
