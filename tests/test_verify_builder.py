"""The ``sourcecheck`` builder on a small book, against loopback servers (or none)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

from tests._loopback import LoopbackServer, Reply, serve

pytestmark = pytest.mark.network

ROOT = Path(__file__).parent / "roots" / "test-sourcecheck"


@pytest.fixture
def servers() -> Iterator[tuple[LoopbackServer, LoopbackServer]]:
    a = LoopbackServer("127.0.0.2", {"/ok": Reply(200), "/gone": Reply(410)})
    b = LoopbackServer(
        "127.0.0.3", {"/blog/": Reply(200), "/old": Reply(301, {"Location": "/new"})}
    )
    b.routes["/new"] = Reply(200)
    with serve(a, b):
        yield a, b


def make_book(tmp_path: Path, hosts: tuple[str, str]) -> Path:
    srcdir = tmp_path / "book"
    shutil.copytree(ROOT, srcdir)
    bib = srcdir / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace("HOST_A", hosts[0]).replace("HOST_B", hosts[1]), encoding="utf-8")
    return srcdir


def build(srcdir: Path, buildername: str = "sourcecheck", **overrides: Any) -> SphinxTestApp:
    app = SphinxTestApp(
        buildername,
        srcdir=srcdir,
        confoverrides=overrides,
        status=StringIO(),
        warning=StringIO(),
        freshenv=True,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def hosts_of(servers: tuple[LoopbackServer, LoopbackServer]) -> tuple[str, str]:
    return tuple(f"{s.host}:{s.port}" for s in servers)  # type: ignore[return-value]


def warning_lines(app: SphinxTestApp) -> list[str]:
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [line for line in text.splitlines() if "WARNING" in line]


def test_findings_are_warnings_at_citing_lines_and_in_reports(
    servers: tuple[LoopbackServer, LoopbackServer], tmp_path: Path
) -> None:
    srcdir = make_book(tmp_path, hosts_of(servers))
    app = build(srcdir)
    lines = warning_lines(app)
    ch1 = str(srcdir / "ch1.md")
    ch2 = str(srcdir / "ch2.md")
    bib = str(srcdir / "refs.bib")

    def find(subtype: str) -> str:
        found = [line for line in lines if line.endswith(f"[citations.{subtype}]")]
        assert len(found) == 1, (subtype, lines)
        return found[0]

    assert find("url-broken").startswith(f"{ch1}:3: WARNING: [Gone, 2025] http://")
    assert "410 Gone" in find("url-broken")
    assert find("placeholder-url").startswith(f"{ch1}:5: WARNING: [Blogger, 2025]")
    pages = find("missing-pages")
    assert pages.startswith(f"{ch2}:5: WARNING: [Beyer et al., 2016]")
    assert "(ch. 4)" in pages and "p. 38" not in pages
    # An uncited work is reported at its entry in the .bib file.
    redirected = find("url-redirected")
    assert redirected.startswith(f"{bib}:24: WARNING: [Moved, 2024]")
    assert "suggestion: url = {http://" in redirected and "(not cited)" in redirected
    assert find("year-only").startswith(f"{bib}:24:")

    data = json.loads((app.outdir / "sourcecheck.json").read_text(encoding="utf-8"))
    works = {w["key"]: w for w in data["works"]}
    assert [loc["docname"] for loc in works["good2025"]["locations"]] == ["ch1", "ch2"]
    assert [loc["chapter"] for loc in works["good2025"]["locations"]] == ["1", "2"]  # as shown
    assert works["good2025"]["urls"][0]["outcome"] == "ok"
    assert works["moved2024"]["cited"] is False
    assert data["summary"]["exit_status"] == 1
    assert "### gone2025" in (app.outdir / "sourcecheck.md").read_text(encoding="utf-8")
    # Its own report only: the book's citations.json is the writers' to give.
    assert not (app.outdir / "citations.json").exists()
    # A broken URL is an error by default: the build fails.
    assert app.statuscode == 1


def test_second_build_takes_successes_from_the_cache(
    servers: tuple[LoopbackServer, LoopbackServer], tmp_path: Path
) -> None:
    srcdir = make_book(tmp_path, hosts_of(servers))
    build(srcdir)
    before = [s.requests for s in servers]
    build(srcdir)
    again = [h.path for s, n in zip(servers, before, strict=True) for h in s.hits[n:]]
    assert again == ["/gone"]


def test_offline_every_url_is_unreachable_without_crash(tmp_path: Path) -> None:
    srcdir = make_book(tmp_path, ("docs.unresolvable.invalid", "blog.unresolvable.invalid"))
    app = build(srcdir, citations_verify_fail_on="error")
    data = json.loads((app.outdir / "sourcecheck.json").read_text(encoding="utf-8"))
    outcomes = {u["url"]: u["outcome"] for w in data["works"] for u in w["urls"]}
    assert set(outcomes.values()) == {"unreachable"} and len(outcomes) == 4
    unreachable = [line for line in warning_lines(app) if "[citations.url-unreachable]" in line]
    assert len(unreachable) == 4
    assert all("network unreachable: name resolution failed" in line for line in unreachable)
    # Unreachable is a warning, not an error: no error-level finding remains.
    assert app.statuscode == 0


def test_static_only_makes_no_request(
    servers: tuple[LoopbackServer, LoopbackServer], tmp_path: Path
) -> None:
    srcdir = make_book(tmp_path, hosts_of(servers))
    app = build(srcdir, citations_verify_network=False)
    assert sum(s.requests for s in servers) == 0
    subtypes = {line.rsplit("[citations.", 1)[1].rstrip("]") for line in warning_lines(app)}
    assert subtypes == {"placeholder-url", "missing-pages", "year-only"}
    assert app.statuscode == 0


def test_fail_on_warning_and_suppressed_subtypes(
    servers: tuple[LoopbackServer, LoopbackServer], tmp_path: Path
) -> None:
    srcdir = make_book(tmp_path, hosts_of(servers))
    app = build(
        srcdir,
        citations_verify_network=False,
        citations_verify_fail_on="warning",
        suppress_warnings=["citations.year-only"],
    )
    assert not any("year-only" in line for line in warning_lines(app))
    assert app.statuscode == 1


def test_static_checks_in_a_normal_build(
    servers: tuple[LoopbackServer, LoopbackServer], tmp_path: Path
) -> None:
    srcdir = make_book(tmp_path, hosts_of(servers))
    quiet = build(srcdir, "dummy")
    assert not any("citations.placeholder-url" in line for line in warning_lines(quiet))
    app = build(srcdir, "dummy", citations_verify_static_in_build=True)
    lines = warning_lines(app)
    assert any(line.endswith("[citations.placeholder-url]") for line in lines)
    assert not any("url-" in line for line in lines)
    assert sum(s.requests for s in servers) == 0
