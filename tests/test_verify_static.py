"""Static checks (no network): each with positives and negatives, and the seed's known problems."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from sphinx_ext.verify import (
    Check,
    CitingLocation,
    Finding,
    Severity,
    Source,
    VerifySettings,
    normalise_url,
    parse_arxiv,
    run_static_checks,
    source_kind,
)
from sphinx_ext.verify._identifiers import ArxivId

CH1 = CitingLocation("chapters/ch01", 10, chapter=1)
CH3 = CitingLocation("chapters/ch03", 42, chapter=3)


def src(
    key: str,
    fields: Mapping[str, str],
    *,
    entry_type: str = "online",
    label: str = "",
    cited: tuple[CitingLocation, ...] = (CH1,),
) -> Source:
    return Source(key, entry_type, label or key, dict(fields), cited_at=cited)


def checks(*sources: Source, settings: VerifySettings | None = None) -> list[tuple[str, str]]:
    return [(f.check.value, f.key) for f in run_static_checks(sources, settings)]


def only(check: Check, *sources: Source) -> list[Finding]:
    return [f for f in run_static_checks(sources) if f.check is check]


DATED = {"date": "2025-06-01"}


# placeholder-url ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://www.marktechpost.com/",
        "https://ankursnewsletter.com",
        "https://www.assemblyai.com/blog/",
        "https://openmeter.io/docs",
        "https://getstream.io/blog/",
        "https://kserve.github.io/website/",
        "https://developer.nvidia.com/blog/",
        "https://example.readthedocs.io/en/latest/",
    ],
)
def test_placeholder_urls(url: str) -> None:
    findings = only(Check.PLACEHOLDER_URL, src("a", {"url": url, **DATED}))
    assert len(findings) == 1
    assert findings[0].url == url and findings[0].locations == (CH1,)
    assert findings[0].severity is Severity.WARNING


@pytest.mark.parametrize(
    "url",
    [
        "https://www.assemblyai.com/blog/the-300ms-rule",
        "https://docs.stripe.com/api/billing/meter",
        "https://github.com/pytorch/serve/issues/3396",
        "https://platform.openai.com/docs/guides/realtime",
        "https://www.youtube.com/watch?v=abc",
        "ftp://ftp.example.org/",
    ],
)
def test_specific_urls_are_not_placeholders(url: str) -> None:
    assert only(Check.PLACEHOLDER_URL, src("a", {"url": url, **DATED})) == []


def test_homepage_keyword_allows_a_site_as_the_work() -> None:
    assert (
        only(
            Check.PLACEHOLDER_URL,
            src("aip", {"url": "https://aip.dev", "keywords": "standard, homepage"}),
        )
        == []
    )


# shared-url ---------------------------------------------------------------------------------


def test_one_url_for_different_works_is_reported_once() -> None:
    a = src(
        "getstream", {"url": "https://getstream.io/blog/", "title": "WebRTC vs WebSocket", **DATED}
    )
    b = src(
        "getstream-b",
        {"url": "http://getstream.io/blog", "title": "Media over QUIC explained", **DATED},
    )
    c = src("other", {"url": "https://getstream.io/blog/webrtc", "title": "Other", **DATED})
    findings = only(Check.SHARED_URL, a, b, c)
    assert [(f.key, f.related) for f in findings] == [("getstream", ("getstream-b",))]


def test_same_url_same_title_is_a_duplicate_not_a_shared_url() -> None:
    a = src(
        "handbook",
        {
            "url": "https://www.bentoml.com/blog/llm-inference-handbook",
            "title": "LLM Inference Handbook",
        },
    )
    b = src(
        "handbook2",
        {
            "url": "https://bentoml.com/blog/llm-inference-handbook/",
            "title": "LLM Inference Handbook: Continuous Batching",
        },
    )
    assert only(Check.SHARED_URL, a, b) == []
    assert [f.key for f in only(Check.DUPLICATE, a, b)] == ["handbook"]


# missing-url and year-only ------------------------------------------------------------------


def test_online_source_without_url() -> None:
    findings = only(
        Check.MISSING_URL, src("eu", {"title": "Implementation Timeline", "year": "2025"})
    )
    assert len(findings) == 1 and "has no URL" in findings[0].message


def test_preprint_without_identifier() -> None:
    fa3 = src(
        "dao",
        {"title": "FlashAttention-3", "year": "2024", "journal": "arXiv preprint"},
        entry_type="article",
    )
    assert source_kind(fa3) == "preprint"
    assert "no arXiv id" in only(Check.MISSING_URL, fa3)[0].message


@pytest.mark.parametrize(
    ("entry_type", "fields"),
    [
        ("online", {"url": "https://a.example/post"}),
        ("online", {"doi": "10.1145/3600006.3613165"}),
        ("misc", {"eprint": "2407.08608", "archiveprefix": "arXiv"}),
        ("book", {"publisher": "O'Reilly"}),
        ("article", {"journal": "Communications of the ACM"}),
        ("misc", {"publisher": "Some Press"}),
    ],
)
def test_sources_that_need_no_url(entry_type: str, fields: dict[str, str]) -> None:
    assert (
        only(
            Check.MISSING_URL,
            src("a", {"title": "T", "year": "2024", **fields}, entry_type=entry_type),
        )
        == []
    )


def test_year_only_web_source() -> None:
    findings = only(
        Check.YEAR_ONLY,
        src("a", {"url": "https://a.example/post", "year": "2025", "title": "Post"}),
    )
    assert len(findings) == 1 and "(2025)" in findings[0].message
    assert findings[0].suggestion and "date = {YYYY-MM-DD}" in findings[0].suggestion


@pytest.mark.parametrize(
    "fields",
    [
        {"year": "2025", "month": "mar"},
        {"date": "2025-03-14"},
        {"date": "2025-03"},
        {"year": "2025", "urldate": "2026-02-01", "title": "Realtime API Documentation"},
        {"year": "2025", "urldate": "2026-02-01", "title": "Guide", "keywords": "docs"},
    ],
)
def test_dated_web_sources(fields: dict[str, str]) -> None:
    assert (
        only(
            Check.YEAR_ONLY, src("a", {"url": "https://a.example/post", "title": "Post", **fields})
        )
        == []
    )


def test_access_date_does_not_replace_publication_date_of_a_post() -> None:
    post = src(
        "a",
        {
            "url": "https://a.example/post",
            "title": "The 300ms Rule",
            "year": "2025",
            "urldate": "2026-02-01",
        },
    )
    assert len(only(Check.YEAR_ONLY, post)) == 1


def test_year_only_does_not_apply_to_print_sources() -> None:
    paper = src(
        "kwon",
        {"year": "2023", "title": "PagedAttention", "booktitle": "SOSP"},
        entry_type="inproceedings",
    )
    assert only(Check.YEAR_ONLY, paper) == []


# missing-pages ------------------------------------------------------------------------------


def test_book_cited_without_page() -> None:
    with_page = CitingLocation("chapters/ch12", 5, chapter=12, locator="p. 42")
    bare = CitingLocation("chapters/ch14", 7, chapter=14)
    chapter_only = CitingLocation("chapters/ch14", 9, chapter=14, locator="ch. 19")
    sre = src(
        "sre",
        {"title": "Site Reliability Engineering", "year": "2016"},
        entry_type="book",
        label="Beyer et al., 2016",
        cited=(with_page, bare, chapter_only),
    )
    whole, passage = only(Check.MISSING_PAGES, sre)  # sorted by message
    assert passage.locations == (chapter_only,)
    assert passage.severity is Severity.WARNING
    assert "at a passage without its page at chapters/ch14:9 (ch. 19)" in passage.message
    assert passage.suggestion == "add the page: [Source: Beyer et al., 2016, ch. 19, p. N]"
    # A whole book named without a locator is often meant so: info by default.
    assert whole.locations == (bare,)
    assert whole.severity is Severity.INFO
    assert "cited as a whole (no page) at chapters/ch14:7" in whole.message
    assert whole.suggestion == (
        "where a passage is meant, add its page: [Source: Beyer et al., 2016, p. N]"
    )


def test_whole_book_severity_is_configurable() -> None:
    bare = CitingLocation("chapters/ch14", 7, chapter=14)
    book = src("b", {"title": "B"}, entry_type="book", cited=(bare,))
    settings = VerifySettings.from_mapping({"citations_verify_whole_book": "warning"})
    [finding] = [f for f in run_static_checks([book], settings) if f.check is Check.MISSING_PAGES]
    assert finding.severity is Severity.WARNING
    with pytest.raises(ValueError, match="whole_book"):
        VerifySettings.from_mapping({"citations_verify_whole_book": "loud"})


def test_missing_pages_suggestions_speak_the_citations_dialect() -> None:
    cite_p = CitingLocation("lectures/lqcontrol", 30, chapter=5, role="cite:p")
    cite_t = CitingLocation("lectures/lqcontrol", 31, chapter=5, locator="ch. 4", role="cite:t")
    ours = CitingLocation("lectures/intro", 3, chapter=1)
    book = src(
        "Sargent1987",
        {"title": "Macroeconomic Theory"},
        entry_type="book",
        label="Sargent, 1987",
        cited=(cite_p, cite_t, ours),
    )
    whole, passage = only(Check.MISSING_PAGES, book)  # sorted by message
    assert passage.suggestion == "add the page: {cite:t}`Sargent1987{ch. 4, p. N}`"
    assert whole.suggestion == (
        "where a passage is meant, add its page: "
        "{cite:p}`Sargent1987{p. N}` or [Source: Sargent, 1987, p. N]"
    )


@pytest.mark.parametrize(
    "locator",
    ["p. 42", "pp. 33-35", "pp. 33–35", "page 7", "p42", "see p. 3", "42", "xiv", "12-14"],
)
def test_page_locators_accepted(locator: str) -> None:
    loc = CitingLocation("ch", 1, locator=locator)
    assert (
        only(Check.MISSING_PAGES, src("b", {"title": "B"}, entry_type="book", cited=(loc,))) == []
    )


@pytest.mark.parametrize(
    "locator", ["ch. 4", "chapter 21", "§ 3.2", "sec. 3", "see also", "fig. 2", "pt. 1"]
)
def test_other_locators_are_not_pages(locator: str) -> None:
    loc = CitingLocation("ch", 1, locator=locator)
    book = src("b", {"title": "B"}, entry_type="book", cited=(loc,))
    assert [f.locations for f in only(Check.MISSING_PAGES, book)] == [(loc,)]


def test_pages_rule_does_not_apply_to_other_types_or_uncited_books() -> None:
    assert only(Check.MISSING_PAGES, src("w", {"url": "https://a.example/x"}, cited=(CH1,))) == []
    assert only(Check.MISSING_PAGES, src("b", {"title": "B"}, entry_type="book", cited=())) == []
    chapter = src("c", {"title": "C", "pages": "10--20"}, entry_type="incollection", cited=(CH1,))
    assert only(Check.MISSING_PAGES, chapter) == []


# duplicate-work -----------------------------------------------------------------------------


def test_same_org_year_title_with_different_urls_is_a_duplicate() -> None:
    a = src(
        "clarifai2025",
        {
            "author": "{Clarifai}",
            "year": "2025",
            "title": "Comparing SGLang, vLLM, and TensorRT-LLM with GPT-OSS-120B",
            "url": "https://www.clarifai.com/blog/comparing-sglang-vllm-tensorrt-llm",
        },
        cited=(CH1,),
    )
    b = src(
        "clarifai2025b",
        {
            "author": "{Clarifai}",
            "year": "2025",
            "title": "Comparing SGLang, vLLM, and TensorRT-LLM with GPT-OSS-120B.",
            "url": "https://www.clarifai.com/blog/comparing-sglang-vllm-and-tensorrt-llm-with-gpt-oss-120b",
        },
        cited=(CH3,),
    )
    findings = only(Check.DUPLICATE, a, b)
    assert len(findings) == 1
    assert (findings[0].key, findings[0].related) == ("clarifai2025", ("clarifai2025b",))
    assert findings[0].locations == (CH1, CH3)
    assert "same author and year, near-equal titles" in findings[0].message
    assert findings[0].suggestion == "keep one entry (e.g. clarifai2025) and cite it everywhere"


def test_near_equal_titles_of_one_paper_are_a_duplicate() -> None:
    a = src(
        "dao2024",
        {
            "author": "Dao, Tri and Shah, Jay",
            "year": "2024",
            "title": (
                "FlashAttention-3: Fast and Accurate Attention with Asynchrony and Low-precision"
            ),
        },
        entry_type="misc",
    )
    b = src(
        "dao2024b",
        {
            "author": "Tri Dao and others",
            "year": "2024",
            "title": "FlashAttention-3: Fast and Exact Attention with Asynchrony and Low-Precision",
        },
        entry_type="misc",
    )
    assert [f.key for f in only(Check.DUPLICATE, a, b)] == ["dao2024"]


def test_same_doi_is_a_duplicate_whatever_the_titles() -> None:
    a = src(
        "kwon",
        {"doi": "10.1145/3600006.3613165", "title": "PagedAttention"},
        entry_type="inproceedings",
    )
    b = src(
        "kwon-b",
        {"doi": "https://doi.org/10.1145/3600006.3613165", "title": "vLLM paper"},
        entry_type="misc",
    )
    [finding] = only(Check.DUPLICATE, a, b)
    assert "same DOI 10.1145/3600006.3613165" in finding.message


def test_a_shared_doi_between_different_works_is_never_a_reason_to_drop_one() -> None:
    # Two papers of different authors and titles, one DOI copied into both.
    a = src(
        "kalai1993",
        {
            "author": "Kalai, Ehud and Lehrer, Ehud",
            "year": "1993",
            "doi": "10.2307/2951492",
            "title": "Rational Learning Leads to Nash Equilibrium",
        },
        entry_type="article",
    )
    b = src(
        "jordan1991",
        {
            "author": "Jordan, James S.",
            "year": "1991",
            "doi": "10.2307/2951492",
            "title": "Bayesian Learning in Normal Form Games",
        },
        entry_type="article",
    )
    [finding] = only(Check.DUPLICATE, a, b)
    assert "same DOI 10.2307/2951492" in finding.message
    assert "the same work, or a wrong identifier" in finding.message
    assert finding.suggestion is not None
    assert not finding.suggestion.startswith("keep one")
    assert "check which work the identifier belongs to" in finding.suggestion


def test_organisation_names_key_duplicates_as_the_bibliography_parses_them() -> None:
    # A work's fields are plain text ({Red Hat} → "Red Hat"): the parsed name decides.
    fields = {"author": "Red Hat", "year": "2025", "title": "OpenShift AI Serving"}
    a = Source("rh1", "online", "Red Hat, 2025a", fields, (CH1,), author="Red Hat")
    b = Source(
        "rh2",
        "online",
        "Red Hat, 2025b",
        {**fields, "title": "OpenShift AI serving."},
        (CH3,),
        author="Red Hat",
    )
    c = Source("hat", "online", "Hat, 2025", fields, (CH3,), author="Hat")
    [finding] = only(Check.DUPLICATE, a, b, c)
    assert (finding.key, finding.related) == ("rh1", ("rh2",))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Same organisation and year, different works.
        (
            {"author": "{NVIDIA}", "year": "2025", "title": "Triton Model Management"},
            {"author": "{NVIDIA}", "year": "2025", "title": "Multi-Instance GPU User Guide"},
        ),
        # Same title, different years: a new edition or a yearly report.
        (
            {"author": "{Deepgram}", "year": "2025", "title": "Best Speech-to-Text APIs"},
            {"author": "{Deepgram}", "year": "2026", "title": "Best Speech-to-Text APIs"},
        ),
        # Same title, different organisations.
        (
            {"author": "{Deepgram}", "year": "2025", "title": "Pricing"},
            {"author": "{AssemblyAI}", "year": "2025", "title": "Pricing"},
        ),
        # A short title that is the start of another one, without a shared URL.
        (
            {"author": "{OpenAI}", "year": "2025", "title": "API Reference"},
            {"author": "{OpenAI}", "year": "2025", "title": "API Reference Chat Completions"},
        ),
    ],
)
def test_distinct_works_are_not_duplicates(a: dict[str, str], b: dict[str, str]) -> None:
    assert only(Check.DUPLICATE, src("a", a), src("b", b)) == []


def test_duplicate_groups_are_transitive_and_reported_once() -> None:
    base = {"author": "{BentoML}", "year": "2025"}
    a = src(
        "h1",
        {
            **base,
            "title": "LLM Inference Handbook",
            "url": "https://www.bentoml.com/blog/llm-inference-handbook",
        },
    )
    b = src(
        "h2",
        {
            **base,
            "title": "LLM Inference Handbook: Choosing the Right Framework",
            "url": "https://bentoml.com/blog/llm-inference-handbook",
        },
    )
    c = src("h3", {**base, "title": "LLM Inference Handbook: Choosing the Right Framework."})
    findings = only(Check.DUPLICATE, a, b, c)
    assert [(f.key, f.related) for f in findings] == [("h1", ("h2", "h3"))]


# identifiers --------------------------------------------------------------------------------


def test_arxiv_year_contradiction() -> None:
    chen = src(
        "chen2024",
        {"year": "2024", "journal": "arXiv preprint arXiv:2512.01644", "title": "GPUs"},
        entry_type="article",
    )
    findings = only(Check.ARXIV_YEAR, chen)
    assert len(findings) == 1
    assert "2512.01644" in findings[0].message and "2025-12" in findings[0].message
    assert findings[0].severity is Severity.ERROR


@pytest.mark.parametrize(
    "fields",
    [
        {"year": "2023", "eprint": "2309.06180", "archiveprefix": "arXiv"},
        {
            "year": "2024",
            "eprint": "2309.06180",
            "archiveprefix": "arXiv",
        },  # published after the preprint
        {"year": "1999", "eprint": "hep-th/9901001", "archiveprefix": "arXiv"},
        {"year": "2024", "url": "https://arxiv.org/abs/2407.08608v2"},
    ],
)
def test_consistent_arxiv_years(fields: dict[str, str]) -> None:
    source = src("a", {"title": "T", **fields}, entry_type="misc")
    assert only(Check.ARXIV_YEAR, source) == [] and only(Check.MALFORMED_ID, source) == []


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        (
            {"eprint": "2313.01234", "archiveprefix": "arXiv"},
            "malformed arXiv identifier '2313.01234'",
        ),
        (
            {"eprint": "1412.12345", "archiveprefix": "arXiv"},
            "malformed arXiv identifier",
        ),  # 5 digits before 2015
        ({"eprint": "23.06180", "archiveprefix": "arXiv"}, "malformed arXiv identifier"),
        ({"journal": "arXiv preprint arXiv:abc"}, "malformed arXiv identifier 'abc'"),
        ({"doi": "10.1145"}, "malformed DOI"),
        ({"doi": "doi 10/abc"}, "malformed DOI"),
        ({"doi": "https://doi.org/10.1145/3600006.3613165"}, "resolver address"),
    ],
)
def test_malformed_identifiers(fields: dict[str, str], fragment: str) -> None:
    findings = only(
        Check.MALFORMED_ID, src("a", {"title": "T", "year": "2024", **fields}, entry_type="misc")
    )
    assert len(findings) == 1 and fragment in findings[0].message


def test_eprint_of_another_archive_is_not_arxiv() -> None:
    source = src(
        "a", {"eprint": "12345", "archiveprefix": "HAL", "year": "2020"}, entry_type="misc"
    )
    assert only(Check.MALFORMED_ID, source) == []


def test_parse_arxiv_eras() -> None:
    assert parse_arxiv("0704.0001") == ArxivId("0704.0001", 2007, 4)
    assert parse_arxiv("0703.0001") is None  # before new-style identifiers
    assert parse_arxiv("math.GT/0309136") == ArxivId("math.GT/0309136", 2003, 9)
    assert parse_arxiv("hep-th/9901001") == ArxivId("hep-th/9901001", 1999, 1)
    assert parse_arxiv("1412.12345") is None  # five digits only from 1501
    assert parse_arxiv("math/0801001") is None  # old style after March 2007


def test_normalise_url_equivalences() -> None:
    assert (
        normalise_url("https://www.example.com/a/?utm_source=x&b=2&a=1#frag")
        == "example.com/a?a=1&b=2"
    )
    assert normalise_url("http://example.com:8080/a") != normalise_url("http://example.com/a")


# settings and severities --------------------------------------------------------------------


def test_severity_overrides_and_uncited_entries() -> None:
    post = src("a", {"url": "https://a.example/", "year": "2025"}, cited=())
    settings = VerifySettings.from_mapping(
        {"severity": {"placeholder-url": "error"}, "check_uncited": False}
    )
    assert checks(post, settings=settings) == []
    settings = VerifySettings.from_mapping({"severity": {"placeholder-url": "error"}})
    findings = {f.check: f.severity for f in run_static_checks([post], settings)}
    assert findings == {Check.PLACEHOLDER_URL: Severity.ERROR, Check.YEAR_ONLY: Severity.WARNING}


def test_clean_bibliography_has_no_findings() -> None:
    sources = [
        src(
            "assemblyai2025a",
            {
                "author": "{AssemblyAI}",
                "date": "2025-05-14",
                "title": "The 300ms Rule",
                "url": "https://www.assemblyai.com/blog/the-300ms-rule",
            },
        ),
        src(
            "beyer2016",
            {
                "author": "Beyer, Betsy",
                "year": "2016",
                "title": "Site Reliability Engineering",
                "publisher": "O'Reilly",
            },
            entry_type="book",
            cited=(CitingLocation("ch12", 3, 12, "p. 212"),),
        ),
        src(
            "kwon2023",
            {
                "author": "Kwon, Woosuk",
                "year": "2023",
                "title": "PagedAttention",
                "eprint": "2309.06180",
                "archiveprefix": "arXiv",
                "doi": "10.1145/3600006.3613165",
            },
            entry_type="inproceedings",
        ),
    ]
    assert checks(*sources) == []


def test_findings_are_sorted_and_stable() -> None:
    sources = [src(k, {"url": "https://x.example/", "year": "2025"}) for k in ("b", "a")]
    first = [f.to_json() for f in run_static_checks(sources)]
    assert first == [f.to_json() for f in run_static_checks(list(reversed(sources)))]
    assert [f["key"] for f in first] == sorted(f["key"] for f in first)
