"""Content checks in the pure core and against real loopback servers: titles, dates, registries,
figures, hostile pages, bounded reads, the .bib patch."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import tracemalloc
import warnings
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from sphinx_ext.verify import (
    Check,
    CitingLocation,
    Outcome,
    Source,
    UrlCache,
    UrlResult,
    VerifySettings,
    run_url_checks,
    verify,
)
from sphinx_ext.verify._bibpatch import apply_fixes, bib_patch
from sphinx_ext.verify._claims import Part, sentences_of
from sphinx_ext.verify._content import title_similarity
from sphinx_ext.verify._figures import figure_keys
from sphinx_ext.verify._lookups import WorkMeta, parse_arxiv_atom, parse_csl_json
from sphinx_ext.verify._pages import PageFacts, extract_page
from tests._loopback import LoopbackServer, Reply, serve

FAST = VerifySettings(timeout=2.0, retries=0, backoff=0.01, host_interval=0.0, trust_env=False)
HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with serve(LoopbackServer("127.0.0.2")) as (srv,):
        yield srv


def page(head: str = "", body: str = "<p>Some text of the article.</p>") -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


def web(key: str, url: str, title: str, year: str = "2025", **fields: str) -> Source:
    return Source(
        key,
        "misc",
        f"{key.title()}, {year}",
        {"author": "{" + key.title() + "}", "title": title, "year": year, "url": url, **fields},
        cited_at=(CitingLocation("ch1", 3, 1),),
    )


def checks_of(sources: list[Source], settings: VerifySettings = FAST) -> dict[tuple[str, str], str]:
    report = verify(sources, settings)
    return {(f.check.value, f.key): f.message for f in report.findings}


# Figures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("book", "page_text"),
    [
        ("300 ms", "a 300ms budget"),
        ("300ms", "within 300 milliseconds"),
        ("300-millisecond", "300 ms"),
        ("2.5x", "2.5× faster"),
        ("24x", "24 times the throughput"),
        ("1,000 GB", "1000 gigabytes"),
        ("73%", "73 percent"),
        ("$0.006/min", "$0.006 per minute"),
        ("1.2 TB", "1.20 TB"),
    ],
)
def test_figure_spellings_meet(book: str, page_text: str) -> None:
    assert figure_keys(book) and figure_keys(book) <= figure_keys(page_text)


@pytest.mark.parametrize(
    "text", ["In 2024 the H100 shipped", "FP8 and FP4", "section 4.2.", "version 3.11", "p99 of 5"]
)
def test_bare_numbers_are_not_figures(text: str) -> None:
    assert figure_keys(text) == set()


def test_different_figures_do_not_meet() -> None:
    assert not figure_keys("300 ms") & figure_keys("300 s or 30 ms")
    assert not figure_keys("2.5x") & figure_keys("25x")


def test_sentences_keep_lines_and_citations() -> None:
    parts = [
        Part("First line states 5 ms\nand goes on. Dao et al. 2024 "),
        Part(keys=("dao",)),
        Part(" found it.\nA figure of "),
        Part("40 ms", own=True),
        Part(" here."),
    ]
    found = sentences_of(parts, "ch", 10)
    assert [(s.line, s.text, s.keys) for s in found] == [
        (10, "First line states 5 ms and goes on.", ()),
        (11, "Dao et al. 2024 found it.", ("dao",)),
        (12, "A figure of 40 ms here.", ()),
    ]
    assert found[2].own == {"40 ms"}


# Titles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "where"),
    [
        ("<title>FlashAttention-3 | Tri Dao</title>", "title"),
        ('<meta name="citation_title" content="FlashAttention-3">', "citation_title"),
        ('<meta property="og:title" content="FlashAttention-3">', "og:title"),
        ('<meta name="twitter:title" content="FlashAttention-3">', "twitter:title"),
        ('<meta name="DC.title" content="FlashAttention-3">', "dc.title"),
        (
            (
                '<script type="application/ld+json">'
                '{"@type": "Article", "headline": "FlashAttention-3"}</script>'
            ),
            "json-ld headline",
        ),
        (
            (
                '<script type="application/ld+json">'
                '{"@graph": [{"@type": "WebPage", "name": "FlashAttention-3"}]}</script>'
            ),
            "json-ld name",
        ),
    ],
)
def test_each_title_source_is_read(head: str, where: str) -> None:
    facts = extract_page(page(head))
    assert facts.read and facts.titles[0][0] == where
    assert "FlashAttention-3" in facts.titles[0][1]


@pytest.mark.parametrize(
    "page_title",
    [
        "How PagedAttention Resolves Memory Waste in LLM Systems | Red Hat Developer",
        "NVIDIA Technical Blog - How PagedAttention Resolves Memory Waste in LLM Systems",
        "how pagedattention resolves memory-waste in LLM systems!",
    ],
)
def test_site_names_case_and_punctuation_do_not_count(page_title: str) -> None:
    assert (
        title_similarity("How PagedAttention Resolves Memory Waste in LLM Systems", page_title)
        >= 0.9
    )


def test_matching_and_mismatching_titles_over_http(server: LoopbackServer) -> None:
    server.routes["/good"] = Reply(
        200, HTML, page("<title>Meters API Reference | Stripe Docs</title>")
    )
    server.routes["/ld"] = Reply(
        200,
        HTML,
        page(
            '<script type="application/ld+json">'
            '{"@type": "TechArticle", "headline": "Token Billing Documentation"}</script>'
        ),
    )
    server.routes["/home"] = Reply(
        200, HTML, page("<title>Stripe | Financial Infrastructure</title>")
    )
    found = checks_of(
        [
            web("good", server.url("/good"), "Meters API Reference", date="2025-01-01"),
            web("ld", server.url("/ld"), "Token Billing Documentation", date="2025-01-01"),
            web("home", server.url("/home"), "Token Billing Documentation", date="2025-01-01"),
        ]
    )
    assert ("content-mismatch", "good") not in found and ("content-mismatch", "ld") not in found
    message = found[("content-mismatch", "home")]
    assert (
        "'Stripe | Financial Infrastructure'" in message
        and "'Token Billing Documentation'" in message
    )
    accepted = VerifySettings.from_mapping(
        {**_fast_mapping(), "accept": {"home": ["content-mismatch"]}}
    )
    assert ("content-mismatch", "home") not in checks_of(
        [web("home", server.url("/home"), "Token Billing Documentation", date="2025-01-01")],
        accepted,
    )


def _fast_mapping() -> dict[str, object]:
    return {"timeout": 2.0, "retries": 0, "host_interval": 0.0, "trust_env": False}


@pytest.mark.parametrize(
    "body",
    [
        b"",
        (
            b"<html><head><script src='/app.js'></script></head>"
            b"<body><div id='root'></div></body></html>"
        ),
        b"<html><body><noscript>Enable JavaScript to run this app.</noscript></body></html>",
    ],
)
def test_javascript_only_page_is_unchecked_never_a_mismatch(
    server: LoopbackServer, body: bytes
) -> None:
    server.routes["/app"] = Reply(200, HTML, body)
    report = verify([web("app", server.url("/app"), "Realtime Dashboard")], FAST)
    assert not any(f.check is Check.CONTENT_MISMATCH for f in report.findings)
    result = report.url_results[server.url("/app")]
    assert result.outcome is Outcome.OK and result.page is not None
    assert result.page.state == "unchecked"


# Dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "body", "path"),
    [
        ('<meta property="article:published_time" content="2025-03-05T10:00:00Z">', "", "/a"),
        ('<meta name="citation_publication_date" content="2025/03/05">', "", "/b"),
        ('<meta name="citation_date" content="2025-03-05">', "", "/c"),
        (
            (
                '<script type="application/ld+json">'
                '{"@type": "NewsArticle", "datePublished": "2025-03-05"}</script>'
            ),
            "",
            "/d",
        ),
        ("", '<time datetime="2025-03-05">5 March</time>', "/e"),
        ('<meta name="DC.date.issued" content="2025-03-05">', "", "/f"),
        ("", "", "/blog/2025/03/05/post"),
    ],
)
def test_each_date_source_gives_date_found(
    server: LoopbackServer, head: str, body: str, path: str
) -> None:
    server.routes[path] = Reply(
        200, HTML, page(f"<title>A Post</title>{head}", f"<p>Text.</p>{body}")
    )
    report = verify([web("post", server.url(path), "A Post")], FAST)
    [found] = [f for f in report.findings if f.check is Check.DATE_FOUND]
    assert found.suggestion == "date = {2025-03-05}" and found.fix == (("date", "2025-03-05"),)
    assert found.severity.value == "info"


def test_reading_a_page_in_a_thread_leaves_other_threads_warning_filters_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Pages are read in worker threads while Sphinx reads documents in the main thread, and
    # Sphinx silences docutils' deprecations with warnings.catch_warnings(). Before Python
    # 3.14 that context manager swaps the process-wide filter list, so a worker using it
    # restored the list it saw on entry and dropped the main thread's filter (a build under
    # -W error then failed on a warning Sphinx had silenced).
    import htmldate

    entered, release = threading.Event(), threading.Event()
    real_find_date = htmldate.find_date

    def find_date_when_released(*args: object, **kwargs: object) -> object:
        entered.set()
        release.wait(10)
        return real_find_date(*args, **kwargs)

    monkeypatch.setattr(htmldate, "find_date", find_date_when_released)
    body = page("<title>A Post</title>", '<p>Text.</p><time datetime="2025-03-05">5 March</time>')
    facts: list[PageFacts] = []
    worker = threading.Thread(target=lambda: facts.append(extract_page(body, url="http://x/")))
    worker.start()
    assert entered.wait(10)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="the main thread's own filter")
        mine = warnings.filters[0]
        release.set()
        worker.join(10)
        assert mine in warnings.filters
    [read] = facts
    assert read.date == "2025-03-05"


def test_a_date_that_raises_costs_the_date_not_the_page() -> None:
    # dateutil warns about a time zone it does not know; where warnings are errors (as under
    # pytest here, or python -W error) the page is still read, without a date.
    body = page(
        '<title>A Post</title><meta property="article:published_time" '
        'content="2025-03-05 10:00 PST">',
        "<p>Text.</p>",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        facts = extract_page(body, url="http://x/")
    assert facts.state == "read" and facts.titles == (("title", "A Post"),)
    assert facts.date is None


def test_date_of_another_year_is_a_mismatch(server: LoopbackServer) -> None:
    server.routes["/p"] = Reply(
        200, HTML, page('<title>A Post</title><meta name="citation_date" content="2022-11-30">')
    )
    found = checks_of([web("post", server.url("/p"), "A Post", year="2025")])
    assert "published 2022-11-30, the entry gives 2025" in found[("date-mismatch", "post")]
    assert ("date-found", "post") not in found


def test_full_dated_entry_gets_no_date_found(server: LoopbackServer) -> None:
    server.routes["/p"] = Reply(
        200, HTML, page('<title>A Post</title><meta name="citation_date" content="2025-03-05">')
    )
    found = checks_of([web("post", server.url("/p"), "A Post", date="2025-03-05")])
    assert not any(check.startswith("date-") for check, _ in found)


# Registries ---------------------------------------------------------------------------------


def test_doi_and_arxiv_mismatches_name_both_values(server: LoopbackServer) -> None:
    server.routes["/doi/10.1145/3600006.3613165"] = Reply(
        200,
        {"Content-Type": "application/vnd.citationstyles.csl+json"},
        json.dumps(
            {
                "title": (
                    "Efficient Memory Management for Large Language Model Serving "
                    "with PagedAttention"
                ),
                "author": [{"family": "Kwon"}],
                "issued": {"date-parts": [[2021]]},
            }
        ).encode(),
    )
    server.routes["/api"] = Reply(
        200,
        {"Content-Type": "application/atom+xml"},
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2512.01644v2</id>'
        b"<published>2025-12-01T00:00:00Z</published><title>Something Else Entirely</title>"
        b"<author><name>Ana Zhang</name></author></entry></feed>",
    )
    settings = VerifySettings.from_mapping(
        {
            **_fast_mapping(),
            "doi_resolver": server.url("/doi/"),
            "arxiv_api": server.url("/api"),
            "ignore": [r"https://(doi|arxiv)\.org/"],
        }
    )
    sources = [
        Source(
            "kwon2023",
            "inproceedings",
            "Kwon et al., 2023",
            {
                "title": (
                    "Efficient Memory Management for Large Language Model Serving "
                    "with PagedAttention"
                ),
                "year": "2023",
                "doi": "10.1145/3600006.3613165",
            },
        ),
        Source(
            "chen2024",
            "article",
            "Chen et al., 2024",
            {"title": "Prefill Decode Disaggregation", "year": "2024", "eprint": "2512.01644"},
        ),
    ]
    report = verify(sources, settings)
    by = {(f.check, f.key): f for f in report.findings}
    doi = by[(Check.DOI_MISMATCH, "kwon2023")]
    assert doi.message == "DOI 10.1145/3600006.3613165 is registered with year 2021 (entry: 2023)"
    assert doi.fix == (("year", "2021"),)
    arxiv = by[(Check.ARXIV_MISMATCH, "chen2024")]
    assert (
        "title 'Something Else Entirely' (entry: 'Prefill Decode Disaggregation')" in arxiv.message
    )
    assert "first author 'zhang' (entry: 'Chen et al.')" in arxiv.message
    assert arxiv.fix == ()  # several differences: the identifier may be the wrong one
    accepts = {h.path.split("?")[0]: h.accept for h in server.hits}
    assert accepts["/doi/10.1145/3600006.3613165"] == "application/vnd.citationstyles.csl+json"
    assert accepts["/api"] == "application/atom+xml"


def test_registry_parsers_take_hostile_answers() -> None:
    assert parse_csl_json(b"{not json") is None
    assert parse_csl_json(b"[1, 2]") is None
    assert parse_csl_json(b'{"title": ["T"], "issued": {"date-parts": [["x"]]}}') == WorkMeta(
        "T", "", None
    )
    assert parse_arxiv_atom(b"<feed") == {}
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001</id>'
        b"<title>&lol2;</title></entry></feed>"
    )
    assert all(len(m.title) < 100 for m in parse_arxiv_atom(bomb).values())


# Hostile pages and bounded reads ------------------------------------------------------------


def _gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * (1 << 20)
    parts = [compressor.compress(b"<html><head><title>Bomb</title></head><body><p>")]
    parts += [compressor.compress(chunk) for _ in range(size >> 20)]
    parts.append(compressor.flush())
    return b"".join(parts)


def test_gzip_bomb_is_read_to_the_byte_budget_only(server: LoopbackServer) -> None:
    bomb = _gzip_bomb(256 << 20)  # 256 MiB of spaces in about 250 KB
    assert len(bomb) < 1 << 20
    server.routes["/bomb"] = Reply(200, {**HTML, "Content-Encoding": "gzip"}, bomb)
    settings = VerifySettings.from_mapping({**_fast_mapping(), "max_page_bytes": 1 << 20})
    started = time.monotonic()
    tracemalloc.start()
    try:
        run = run_url_checks([server.url("/bomb")], settings, pages={server.url("/bomb")})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    result = run.results[server.url("/bomb")]
    assert time.monotonic() - started < 10
    assert peak < 48 << 20  # never the 256 MiB the body inflates to
    assert result.outcome is Outcome.OK and result.page is not None
    assert result.page.truncated and result.page.bytes_read <= 1 << 20
    assert result.page.titles == (("title", "Bomb"),)


def test_huge_body_stops_at_the_budget_and_is_not_drained(server: LoopbackServer) -> None:
    server.routes["/huge"] = Reply(200, HTML, body_size=200 << 20)
    settings = VerifySettings.from_mapping({**_fast_mapping(), "max_page_bytes": 256 << 10})
    result = run_url_checks([server.url("/huge")], settings, pages={server.url("/huge")}).results[
        server.url("/huge")
    ]
    assert result.page is not None and result.page.bytes_read <= 256 << 10
    time.sleep(0.2)
    assert server.body_bytes_sent < 32 << 20


def test_slow_body_neither_blocks_other_urls_nor_outlasts_its_time_budget(
    server: LoopbackServer,
) -> None:
    server.routes["/slow"] = Reply(200, HTML, body_size=100 << 20, chunk_delay=0.2)
    server.routes["/other"] = Reply(200, HTML, page("<title>Other</title>"))
    settings = VerifySettings.from_mapping(
        {**_fast_mapping(), "host_concurrency": 1, "page_time_budget": 1.5}
    )
    order: list[tuple[str, float]] = []
    started = time.monotonic()
    run_url_checks(
        [server.url("/slow"), server.url("/other")],
        settings,
        pages={server.url("/slow")},
        on_result=lambda r: order.append((r.url.rsplit("/", 1)[1], time.monotonic() - started)),
    )
    # With one request slot for the host, /other still goes while /slow's body trickles in.
    assert [name for name, _ in order] == ["other", "slow"]
    assert order[0][1] < 1.0 and order[1][1] < 5.0


@pytest.mark.parametrize(
    "body",
    [
        b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000,
        b'<html><head><title x="' + b"a" * (5 << 20) + b'">T</title></head><body>x</body></html>',
        b"<html><head><title>T</title><body><p>unclosed <b><i>tags <table><tr><td>300 ms",
        b"\x00\xff\xfe<html>\x00<title>\x00</title>",
        b"<?xml version='1.0' encoding='utf-8'?><html><title>X</title></html>",
        b'<script type="application/ld+json">' + b"[" * 100_000 + b"</script>",
    ],
)
def test_hostile_html_is_never_a_traceback(body: bytes) -> None:
    facts = extract_page(body, url="https://example.org/x")
    assert facts.state in {"read", "unchecked"}


def test_wrong_charset_is_read_by_what_the_bytes_are(server: LoopbackServer) -> None:
    latin = "<html><head><title>Café Guide: Déjà Vu</title></head><body><p>Texte.</p></body></html>"
    server.routes["/latin"] = Reply(200, HTML, latin.encode("latin-1"))  # declared UTF-8
    report = verify(
        [web("cafe", server.url("/latin"), "Café Guide: Déjà Vu", date="2025-01-01")], FAST
    )
    page_facts = report.url_results[server.url("/latin")].page
    assert page_facts is not None and page_facts.titles == (("title", "Café Guide: Déjà Vu"),)
    assert not any(f.check is Check.CONTENT_MISMATCH for f in report.findings)


def test_non_html_is_unchecked(server: LoopbackServer) -> None:
    server.routes["/paper.pdf"] = Reply(200, {"Content-Type": "application/pdf"}, b"%PDF-1.7")
    result = run_url_checks(
        [server.url("/paper.pdf")], FAST, pages={server.url("/paper.pdf")}
    ).results[server.url("/paper.pdf")]
    assert result.page == PageFacts.unchecked("not an HTML page (application/pdf)")


# Cache --------------------------------------------------------------------------------------


def test_cache_keeps_pages_and_registry_records(tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    cache = UrlCache.load(path, max_age=3600)
    facts = PageFacts(
        "read", titles=(("title", "T"),), date="2025-03-05", figures={"300 ms": "300ms"}
    )
    cache.record(
        UrlResult("https://a.example/", Outcome.OK, 200, "OK", checked_at=time.time(), page=facts)
    )
    cache.record_lookup("doi:10.1/x", WorkMeta("T", "kwon", 2023))
    cache.save()
    again = UrlCache.load(path, max_age=3600)
    cached = again.get("https://a.example/")
    assert cached is not None and cached.page == facts
    assert again.get_lookup("doi:10.1/x") == WorkMeta("T", "kwon", 2023)


def test_a_success_cached_without_its_page_is_fetched_again(
    server: LoopbackServer, tmp_path: Path
) -> None:
    server.routes["/p"] = Reply(200, HTML, page("<title>P</title>"))
    path = tmp_path / "cache.json"
    run_url_checks([server.url("/p")], FAST, cache=UrlCache.load(path, max_age=3600))
    run = run_url_checks(
        [server.url("/p")], FAST, cache=UrlCache.load(path, max_age=3600), pages={server.url("/p")}
    )
    assert [h.method for h in server.hits] == ["HEAD", "GET"]
    page_read = run.results[server.url("/p")].page
    assert page_read is not None and page_read.titles == (("title", "P"),)
    run = run_url_checks(
        [server.url("/p")], FAST, cache=UrlCache.load(path, max_age=3600), pages={server.url("/p")}
    )
    assert len(server.hits) == 2 and run.results[server.url("/p")].from_cache


# The .bib patch -----------------------------------------------------------------------------


BIB = (
    "% a comment that stays\r\n"
    "@online{a,\r\n"
    "  author = {{Org}},\r\n"
    '  title  = "Old {Title}",\r\n'
    "  year   = 2024,\r\n"
    "  url    = {https://x.example/old} # {/more}\r\n"
    "}\r\n"
    "@misc(b, title = {B}, year = {2023})"
)


def test_patch_sets_only_the_fields_and_keeps_every_other_byte(tmp_path: Path) -> None:
    fixes = {
        "a": [("url", "https://x.example/new"), ("date", "2024-05-06"), ("title", "New")],
        "b": [("year", "2024")],
        "missing": [("year", "1")],
    }
    new = apply_fixes(BIB, fixes)
    assert new == (
        "% a comment that stays\r\n"
        "@online{a,\r\n"
        "  author = {{Org}},\r\n"
        '  title  = "New",\r\n'
        "  year   = 2024,\r\n"
        "  url    = {https://x.example/new},\r\n"
        "  date   = {2024-05-06}\r\n"
        "}\r\n"
        "@misc(b, title = {B}, year = {2024})"
    )
    (tmp_path / "refs.bib").write_bytes(BIB.encode())
    patch = bib_patch({"refs.bib": BIB}, fixes)
    assert "\\ No newline at end of file" in patch
    (tmp_path / "fix.patch").write_bytes(patch.encode())
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "apply", "fix.patch"], check=True)
    assert (tmp_path / "refs.bib").read_bytes() == new.encode()
    (tmp_path / "refs.bib").write_bytes(BIB.encode())
    subprocess.run(
        ["patch", "-p1", "-s", "-i", "fix.patch"], cwd=tmp_path, check=True, capture_output=True
    )
    assert (tmp_path / "refs.bib").read_bytes() == new.encode()


def test_no_fix_no_patch() -> None:
    assert bib_patch({"refs.bib": BIB}, {"zzz": [("year", "1")]}) == ""


# Claims against real pages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        (
            "Replies start within 300ms.",
            "answers within 300 milliseconds",
            "within 350 milliseconds",
        ),
        ("A 300-millisecond budget.", "a budget of 300 ms", "a budget of 30 ms"),
        ("It is 2.5x faster.", "2.5× faster", "2.6× faster"),
        ("It gives 24x the throughput.", "24 times the throughput", "42 times the throughput"),
        ("It costs $0.006/min.", "$0.006 per minute", "$0.06 per minute"),
        ("It stores 1,000 GB.", "1000 GB of storage", "100 GB of storage"),
        ("Errors fell 73%.", "errors fell 73 percent", "errors fell 37 percent"),
        ("Disks hold 1.2 TB.", "each disk holds 1.20 TB", "each disk holds 12 TB"),
    ],
)
def test_each_spelling_is_confirmed_where_the_page_says_it_and_only_there(
    server: LoopbackServer, sentence: str, present: str, absent: str
) -> None:
    from sphinx_ext.verify._claims import Sentence

    server.routes["/yes"] = Reply(
        200, HTML, page("<title>Yes</title>", f"<article><p>{present}.</p></article>")
    )
    server.routes["/no"] = Reply(
        200, HTML, page("<title>No</title>", f"<article><p>{absent}.</p></article>")
    )
    sources = [
        web("yes", server.url("/yes"), "Yes", date="2025-01-01"),
        web("no", server.url("/no"), "No", date="2025-01-01"),
    ]
    sentences = [Sentence("ch1", 3, sentence, ("yes",)), Sentence("ch1", 4, sentence, ("no",))]
    report = verify(sources, FAST, sentences=sentences)
    assert [c.status for c in report.claims] == ["confirmed", "unconfirmed"]
    assert report.claims[0].figures[0].url == server.url("/yes")
    [finding] = [f for f in report.findings if f.check is Check.CLAIM_UNCONFIRMED]
    assert finding.key == "no" and str(finding.locations[0]) == "ch1:4"
