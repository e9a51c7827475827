"""Content checks through the ``sourcecheck`` builder: pages, registries and the claims ledger.

One loopback server plays every site of ``tests/roots/test-sourcecheck-content``: the
cited page (title, date, figures in other spellings), a JavaScript-only page, a page about
something else, an old page behind a permanent redirect, a PDF, a DOI resolver and the
arXiv API answering metadata that disagrees with the entries.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

from sphinx_ext.domain import get_domain
from tests._loopback import LoopbackServer, Reply, serve
from tests.conftest import build_app

pytestmark = pytest.mark.network

ROOT = Path(__file__).parent / "roots" / "test-sourcecheck-content"

LATENCY_PAGE = b"""<!doctype html><html><head>
<title>The 300 ms Rule: Why Latency Makes or Breaks Voice AI | AssemblyAI</title>
<meta property="article:published_time" content="2025-03-05T09:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/blog">Blog</a></nav>
<article><h1>The 300 ms Rule</h1>
<p>People expect a voice agent to answer within 300 milliseconds, the same gap they leave
in conversation. That budget is 2.5&times; tighter than what chat users accept.</p>
<p>Our streaming model costs $0.006/min, and the first 1,000 hours of audio are free for
new accounts. In our survey, 73% of teams named latency their first problem.</p>
</article><footer>&copy; 2025 AssemblyAI</footer></body></html>"""

JS_PAGE = b"""<!doctype html><html><head><script src="/app.js"></script></head>
<body><div id="root"></div><noscript>You need to enable JavaScript to run this app.</noscript>
</body></html>"""

WRONG_PAGE = b"""<html><head><title>Page not found | Example Docs</title>
<meta property="og:title" content="Page not found"></head>
<body><p>The page you are looking for has moved.</p></body></html>"""

OLD_PAGE = b"""<html><head><title>Dated Post</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "BlogPosting",
 "headline": "Dated Post", "datePublished": "2023-05-01"}</script></head>
<body><article><p>Written long ago, with 10 ms of nothing in particular.</p></article>
</body></html>"""

CSL = {
    "type": "paper-conference",
    "title": "A Different Paper Entirely",
    "author": [{"family": "Kwon", "given": "Woosuk"}],
    "issued": {"date-parts": [[2023, 10, 23]]},
}

ATOM = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>arXiv Query</title>
<entry><id>http://arxiv.org/abs/2512.01644v1</id><published>2025-12-01T18:00:00Z</published>
<title>Scaling Laws for Speech Tokenizers</title>
<author><name>Ana Zhang</name></author></entry></feed>"""


def routes() -> dict[str, Any]:
    html = {"Content-Type": "text/html; charset=utf-8"}
    return {
        "/latency": Reply(200, html, LATENCY_PAGE),
        "/js": Reply(200, html, JS_PAGE),
        "/wrong": Reply(200, html, WRONG_PAGE),
        "/old-post": Reply(301, {"Location": "/old"}),
        "/old": Reply(200, html, OLD_PAGE),
        "/paper.pdf": Reply(200, {"Content-Type": "application/pdf"}, b"%PDF-1.7 5 TB"),
        "/doi/10.1145/3600006.3613165": lambda method, count: Reply(
            200,
            {"Content-Type": "application/vnd.citationstyles.csl+json"},
            json.dumps(CSL).encode(),
        ),
        "/api/query": Reply(200, {"Content-Type": "application/atom+xml"}, ATOM),
    }


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with serve(LoopbackServer("127.0.0.2", routes())) as (srv,):
        yield srv


def make_book(tmp_path: Path, host: str) -> Path:
    srcdir = tmp_path / "book"
    shutil.copytree(ROOT, srcdir)
    for name in ("refs.bib", "conf.py"):
        path = srcdir / name
        path.write_text(path.read_text(encoding="utf-8").replace("HOST", host), encoding="utf-8")
    return srcdir


def build(srcdir: Path, **overrides: Any) -> SphinxTestApp:
    return build_app(srcdir, "sourcecheck", freshenv=True, confoverrides=overrides)


def report(app: SphinxTestApp) -> dict[str, Any]:
    return json.loads((app.outdir / "sourcecheck.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def warnings_of(app: SphinxTestApp, subtype: str) -> list[str]:
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [line for line in text.splitlines() if line.endswith(f"[citations.{subtype}]")]


def claims_by_text(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["text"]: c for c in data["claims"]}


@pytest.fixture
def built(server: LoopbackServer, tmp_path: Path) -> tuple[SphinxTestApp, LoopbackServer, Path]:
    srcdir = make_book(tmp_path, f"{server.host}:{server.port}")
    return build(srcdir), server, srcdir


def test_claims_ledger_has_every_status(
    built: tuple[SphinxTestApp, LoopbackServer, Path],
) -> None:
    app, _, _ = built
    claims = claims_by_text(report(app))
    expected = {
        "A voice reply should start within 300ms.": ("confirmed", 3),
        "The same page calls a 300-millisecond budget 2.5x tighter than chat.": ("confirmed", 4),
        "Transcription costs $0.006 per minute and the first 1000 hours are free.": (
            "confirmed",
            5,
        ),
        "Our cluster served 40% of requests from cache.": ("unconfirmed", 8),
        "Our own benchmark measured 120 ms on one GPU.": ("own", 9),
        "Batching gives 24x the throughput.": ("uncited", 9),
        "An app shell claims 99.9% uptime.": ("unchecked", 12),
        "AssemblyAI | 73%": ("confirmed", 16),
        "Costs fell 73 percent.": ("confirmed", 3),
        "PDF pages promise 5 TB of storage.": ("unchecked", 6),
    }
    assert {t: (c["status"], c["line"]) for t, c in claims.items()} == expected
    first = claims["A voice reply should start within 300ms."]
    assert first["docname"] == "ch1" and first["chapter"] == "1"  # the chapter as the book names it
    assert first["keys"] == ["assemblyai2025"]
    [figure] = first["figures"]
    assert figure["text"] == "300ms" and figure["status"] == "confirmed"
    assert figure["url"].endswith("/latency")
    assert figure["excerpt"].startswith("The 300 ms Rule People expect")
    # Each formatting variant meets the page's own spelling.
    costs = claims["Transcription costs $0.006 per minute and the first 1000 hours are free."]
    assert [f["status"] for f in costs["figures"]] == ["confirmed", "confirmed"]
    assert "1,000 hours" in costs["figures"][1]["excerpt"]
    ratio = claims["The same page calls a 300-millisecond budget 2.5x tighter than chat."]
    assert "2.5×" in ratio["figures"][1]["excerpt"]
    # A citation written after the full stop cites the sentence before it.
    assert claims["Costs fell 73 percent."]["keys"] == ["assemblyai2025"]
    assert report(app)["summary"]["claims"] == {
        "confirmed": 5,
        "unconfirmed": 1,
        "uncited": 1,
        "unchecked": 2,
        "own": 1,
    }


def test_claim_findings_at_the_sentence(built: tuple[SphinxTestApp, LoopbackServer, Path]) -> None:
    app, _, srcdir = built
    [uncited] = warnings_of(app, "claim-uncited")
    assert uncited.startswith(f"{srcdir / 'ch1.md'}:9: WARNING: 24x stated without a source")
    [unconfirmed] = warnings_of(app, "claim-unconfirmed")
    assert unconfirmed.startswith(f"{srcdir / 'ch1.md'}:8: WARNING: [AssemblyAI, 2025] 40%")
    assert "/latency" in unconfirmed
    markdown = (app.outdir / "sourcecheck.md").read_text(encoding="utf-8")
    ledger = markdown.split("## Claims (10)", 1)[1]
    assert "### `ch1` (ch. 1)" in ledger and "### `ch2` (ch. 2)" in ledger
    assert (
        "| 8 | Our cluster served 40% of requests from cache. | `40%` unconfirmed | assemblyai2025 "
        "| **unconfirmed** |  |" in ledger
    )


def test_page_and_registry_findings(built: tuple[SphinxTestApp, LoopbackServer, Path]) -> None:
    app, server, _ = built
    [mismatch] = warnings_of(app, "content-mismatch")
    assert "[Wrong, 2025]" in mismatch
    assert "'Page not found | Example Docs'" in mismatch
    assert "'Streaming Speech-to-Text API Reference'" in mismatch
    data = report(app)
    by_check = {(f["check"], f["key"]): f for f in data["findings"]}
    assert by_check[("date-found", "assemblyai2025")]["suggestion"] == "date = {2025-03-05}"
    assert "2023-05-01" in by_check[("date-mismatch", "dated2025")]["message"]
    doi = by_check[("doi-mismatch", "kwon2023")]["message"]
    assert "'A Different Paper Entirely'" in doi and "Efficient Memory Management" in doi
    arxiv = by_check[("arxiv-mismatch", "chen2024")]["message"]
    assert "'Scaling Laws for Speech Tokenizers'" in arxiv
    assert (
        "first author 'zhang' (entry: 'Chen & Li')" in arxiv and "year 2025 (entry: 2024)" in arxiv
    )
    # The JavaScript-only page and the PDF are unchecked, never a mismatch.
    assert ("content-mismatch", "shell2025") not in by_check
    assert ("content-mismatch", "paper2025") not in by_check
    pages = {u["url"].rsplit("/", 1)[1]: u["page"] for w in data["works"] for u in w["urls"]}
    assert pages["js"]["state"] == "unchecked" and "JavaScript" in pages["js"]["reason"]
    assert pages["paper.pdf"]["reason"] == "not an HTML page (application/pdf)"
    # Content negotiation and one Atom query for all arXiv ids.
    doi_hits = [h for h in server.hits if h.path.startswith("/doi/")]
    assert len(doi_hits) == 1
    assert [h.path for h in server.hits if h.path.startswith("/api/")] == [
        "/api/query?id_list=2512.01644&max_results=1"
    ]


def test_accepted_difference_is_silent(server: LoopbackServer, tmp_path: Path) -> None:
    srcdir = make_book(tmp_path, f"{server.host}:{server.port}")
    app = build(srcdir, citations_verify_accept={"wrong2025": ["content-mismatch"]})
    assert warnings_of(app, "content-mismatch") == []
    assert any(f["check"] == "date-mismatch" for f in report(app)["findings"])


def test_suggestions_patch_applies_and_touches_only_the_fields(
    built: tuple[SphinxTestApp, LoopbackServer, Path],
) -> None:
    app, _, srcdir = built
    patch = app.outdir / "sourcecheck-suggestions.bib.patch"
    text = patch.read_text(encoding="utf-8")
    assert text.startswith("--- a/refs.bib\n+++ b/refs.bib\n")
    host = server_host(srcdir)
    changed = [line for line in text.splitlines()[2:] if line[:1] in {"-", "+"}]
    assert changed == [
        "+  date   = {2025-03-05},",
        f"-  url    = {{http://{host}/old-post}},",
        f"+  url    = {{http://{host}/old}},",
        (
            "-  title     = {Efficient Memory Management for Large Language Model Serving with "
            "PagedAttention},"
        ),
        "+  title     = {A Different Paper Entirely},",
    ]
    before = (srcdir / "refs.bib").read_bytes()
    subprocess.run(["git", "init", "-q", str(srcdir)], check=True)
    subprocess.run(["git", "-C", str(srcdir), "apply", "--check", str(patch)], check=True)
    subprocess.run(["git", "-C", str(srcdir), "apply", str(patch)], check=True)
    after = (srcdir / "refs.bib").read_text(encoding="utf-8")
    assert "date   = {2025-03-05}" in after
    assert "/old}," in after and "/old-post" not in after
    assert "title     = {A Different Paper Entirely}," in after
    # The .bib itself was never rewritten by the build; only the patch changed it.
    assert before != after.encode()
    subprocess.run(["git", "-C", str(srcdir), "apply", "-R", str(patch)], check=True)
    assert (srcdir / "refs.bib").read_bytes() == before


def server_host(srcdir: Path) -> str:
    match = re.search(r"http://([^/]+)/latency", (srcdir / "refs.bib").read_text(encoding="utf-8"))
    assert match
    return match.group(1)


def test_warm_run_requests_nothing_and_reports_every_claim(
    server: LoopbackServer, tmp_path: Path
) -> None:
    srcdir = make_book(tmp_path, f"{server.host}:{server.port}")
    first = build_app(srcdir, "sourcecheck", freshenv=True)
    before = len(server.hits)
    second = build_app(srcdir, "sourcecheck", freshenv=True)
    assert server.hits[before:] == []
    assert report(second)["claims"] == report(first)["claims"]
    summary = report(second)["summary"]
    assert summary["from_cache"] == summary["urls"] - summary["outcomes"]["ignored"] == 5
    assert report(second)["findings"] == report(first)["findings"]


def test_offline_every_claim_unchecked_and_uncited_reported(tmp_path: Path) -> None:
    srcdir = make_book(tmp_path, "docs.unresolvable.invalid")
    app = build(srcdir)
    statuses = {c["status"] for c in report(app)["claims"]}
    assert statuses == {"unchecked", "uncited", "own"}
    assert len(warnings_of(app, "claim-uncited")) == 1
    assert not (app.outdir / "sourcecheck-suggestions.bib.patch").exists()


def test_content_off_reads_no_page(server: LoopbackServer, tmp_path: Path) -> None:
    srcdir = make_book(tmp_path, f"{server.host}:{server.port}")
    app = build(srcdir, citations_verify_content=False)
    assert {h.method for h in server.hits} == {"HEAD"}
    assert not any(h.path.startswith(("/doi/", "/api/")) for h in server.hits)
    assert {c["status"] for c in report(app)["claims"]} == {"unchecked", "uncited", "own"}


def test_sentences_cost_nothing_in_other_builds(server: LoopbackServer, tmp_path: Path) -> None:
    srcdir = make_book(tmp_path, f"{server.host}:{server.port}")
    app = build_app(srcdir, "html", freshenv=True)
    assert get_domain(app.env).sentences == {}
    html = (app.outdir / "ch1.html").read_text(encoding="utf-8")
    assert '<span class="measured">120 ms</span>' in html


def test_claims_are_checked_after_another_builder_read_the_book(
    server: LoopbackServer, tmp_path: Path
) -> None:
    # make html, then make sourcecheck: one environment (_build/doctrees) for both.
    srcdir = make_book(tmp_path, f"{server.host}:{server.port}")
    fresh = report(build_app(srcdir, "sourcecheck", freshenv=True, builddir=tmp_path / "a"))
    build_app(srcdir, "html", freshenv=True, builddir=tmp_path / "b")
    after_html = build_app(srcdir, "sourcecheck", builddir=tmp_path / "b")
    status = strip_escape_sequences(after_html.status.getvalue())
    assert "reading 3 documents again: another builder read them last" in status
    assert "0 added, 3 changed, 0 removed" in status
    assert report(after_html)["claims"] == fresh["claims"] and len(fresh["claims"]) == 10
    # Read by sourcecheck now: the next run reads nothing, and keeps every claim.
    again = build_app(srcdir, "sourcecheck", builddir=tmp_path / "b")
    status = strip_escape_sequences(again.status.getvalue())
    assert "0 added, 0 changed, 0 removed" in status and "documents again" not in status
    assert report(again)["claims"] == fresh["claims"]


def test_claims_are_the_same_read_in_parallel_or_kept_from_a_previous_read(
    server: LoopbackServer, tmp_path: Path
) -> None:
    srcdir = make_book(tmp_path, f"{server.host}:{server.port}")
    # Sphinx reads in parallel from six documents on.
    index = srcdir / "index.md"
    extra = [f"extra{i}" for i in range(6)]
    index.write_text(
        index.read_text(encoding="utf-8").replace("ch2\n", "ch2\n" + "\n".join(extra) + "\n"),
        encoding="utf-8",
    )
    for i, name in enumerate(extra):
        (srcdir / f"{name}.md").write_text(
            f"# Extra {i}\n\nIt took {i + 1} ms [Source: AssemblyAI, 2025]. Uncited: {i}x.\n",
            encoding="utf-8",
        )
    serial = report(build_app(srcdir, "sourcecheck", freshenv=True))["claims"]
    parallel_app = build_app(srcdir, "sourcecheck", freshenv=True, parallel=2)
    parallel = report(parallel_app)["claims"]
    # A rebuild that reads nothing takes the sentences from the saved environment.
    again = build_app(srcdir, "sourcecheck")
    assert "0 added, 0 changed, 0 removed" in again.status.getvalue()
    assert len(serial) == 10 + 12
    assert parallel == serial and report(again)["claims"] == serial
