"""Checks of the bibliography that need no network: pure functions of the sources.

>>> from sphinx_ext.verify import Source, run_static_checks
>>> findings = run_static_checks([
...     Source("a", "online", "Clarifai, 2025", {"author": "{Clarifai}", "year": "2025",
...            "title": "Comparing SGLang, vLLM, and TensorRT-LLM", "url": "https://www.clarifai.com/blog/"}),
... ])
>>> sorted(f.check.value for f in findings)
['placeholder-url', 'year-only']
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from sphinx_ext._parser import is_page_locator
from sphinx_ext._works import BOOK_PART_TYPES, BOOK_TYPES

from ._findings import Check, Finding
from ._identifiers import (
    arxiv_candidates,
    doi_candidate,
    normalise_title,
    normalise_url,
    parse_arxiv,
    valid_doi,
)
from ._settings import VerifySettings
from ._sources import CitingLocation, Source, year_of

__all__ = ["placeholder_url", "run_static_checks", "source_kind"]

WEB_TYPES = frozenset({"online", "electronic", "www", "webpage", "software", "dataset", "manual"})
PRINT_TYPES = frozenset(
    {
        "article",
        "inproceedings",
        "conference",
        "proceedings",
        "techreport",
        "report",
        "phdthesis",
        "mastersthesis",
        "thesis",
        "patent",
        "standard",
    }
)
# Path segments that name a section of a site rather than a work in it.
INDEX_SEGMENTS = frozenset(
    {
        "blog",
        "blogs",
        "docs",
        "doc",
        "documentation",
        "news",
        "newsroom",
        "articles",
        "article",
        "posts",
        "post",
        "learn",
        "resources",
        "research",
        "insights",
        "press",
        "guides",
        "guide",
        "library",
        "website",
        "site",
        "home",
        "index",
        "index.html",
        "index.htm",
        "en",
        "en-us",
        "en_us",
        "latest",
        "stable",
        "main",
        "topics",
        "case-studies",
        "engineering",
        "company",
        "about",
        "api",
        "reference",
        "developers",
        "community",
    }
)
_DOCS_TITLE = re.compile(r"(?i)\b(documentation|docs|reference|guide|user guide|api|handbook)\b")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}")
_SIMILAR_TITLES = 0.88


@dataclass(frozen=True, slots=True)
class _Raw:
    """A finding before its severity is looked up."""

    check: Check
    key: str
    message: str
    suggestion: str | None
    locations: tuple[CitingLocation, ...]
    url: str | None = None
    related: tuple[str, ...] = ()
    #: A book cited as a whole: reported at ``VerifySettings.whole_book``.
    whole_book: bool = False


def source_kind(source: Source) -> str:
    """``"book"``, ``"preprint"``, ``"web"``, ``"print"`` or ``"other"``: what the entry describes.

    >>> source_kind(Source("k", "misc", "X, 2025", {"url": "https://x.example/post"}))
    'web'
    >>> source_kind(Source("k", "misc", "Dao et al., 2024", {"note": "arXiv preprint"}))
    'preprint'
    """
    if source.entry_type in BOOK_TYPES:
        return "book"
    text = " ".join(
        source.get(n) for n in ("journal", "note", "howpublished", "publisher", "booktitle")
    ).lower()
    if (
        source.entry_type == "unpublished"
        or "arxiv" in text
        or "preprint" in text
        or (source.entry_type in {"misc", "online", "article"} and arxiv_candidates(source.fields))
    ):
        return "preprint"
    if source.entry_type in WEB_TYPES:
        return "web"
    if source.entry_type in PRINT_TYPES:
        return "print"
    if source.entry_type == "misc" and not any(
        source.get(n) for n in ("publisher", "isbn", "institution", "school")
    ):
        return "web"
    return "other"


def _is_docs(source: Source) -> bool:
    keywords = source.get("keywords").lower()
    return (
        source.entry_type == "manual"
        or "docs" in keywords
        or "documentation" in keywords
        or bool(_DOCS_TITLE.search(source.get("title")))
    )


def _keywords(source: Source) -> set[str]:
    return {k.strip().lower() for k in re.split(r"[,;]", source.get("keywords")) if k.strip()}


def placeholder_url(url: str) -> str | None:
    """What *url* is when it stands for a site rather than a work, else ``None``.

    >>> placeholder_url("https://www.marktechpost.com/"), placeholder_url("https://x.org/blog/")
    ('a bare domain', 'a section index (/blog/)')
    >>> placeholder_url("https://x.org/blog/serving-llms") is None
    True
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return "a bare domain"
    if all(s.lower() in INDEX_SEGMENTS for s in segments):
        return f"a section index ({parts.path})"
    return None


def check_placeholder_urls(sources: Iterable[Source]) -> Iterator[_Raw]:
    for source in sources:
        url = source.get("url")
        if not url or "homepage" in _keywords(source):
            continue
        what = placeholder_url(url)
        if what is None:
            continue
        yield _Raw(
            Check.PLACEHOLDER_URL,
            source.key,
            f"URL {url} is {what}, not the address of the work {_title(source)}",
            "give the URL of the page itself (or add keyword 'homepage' if the site is the work)",
            source.cited_at,
            url=url,
        )


def _title(source: Source) -> str:
    title = source.get("title")
    return f"“{title}”" if title else f"[{source.label}]"


def check_missing_url(sources: Iterable[Source]) -> Iterator[_Raw]:
    for source in sources:
        if source.urls:
            continue
        kind = source_kind(source)
        if kind == "web":
            yield _Raw(
                Check.MISSING_URL,
                source.key,
                f"online source {_title(source)} has no URL",
                "add url = {…}",
                source.cited_at,
            )
        elif kind == "preprint":
            yield _Raw(
                Check.MISSING_URL,
                source.key,
                f"preprint {_title(source)} has no arXiv id, DOI or URL",
                "add eprint = {yymm.nnnnn} with archiveprefix = {arXiv}, or url = {…}",
                source.cited_at,
            )


def check_year_only(sources: Iterable[Source]) -> Iterator[_Raw]:
    for source in sources:
        if source_kind(source) != "web":
            continue
        if source.get("month") or _FULL_DATE.match(source.get("date")):
            continue
        docs = _is_docs(source)
        if docs and source.get("urldate"):
            continue
        year = source.get("year") or source.get("date") or "no year"
        suggestion = "add date = {YYYY-MM-DD} (publication date)"
        if docs:
            suggestion += ", or urldate = {YYYY-MM-DD} (access date) for documentation without one"
        yield _Raw(
            Check.YEAR_ONLY,
            source.key,
            f"web source {_title(source)} is dated by year only ({year})",
            suggestion,
            source.cited_at,
        )


def check_missing_pages(sources: Iterable[Source]) -> Iterator[_Raw]:
    """Books cited without a page: at a passage (``ch. 4``), or as a whole (no locator).

    A citation of a whole book is often meant so (a textbook named as
    background): it is reported at ``citations_verify_whole_book``'s
    severity (info by default); a passage named without its page at the
    check's own.
    """
    for source in sources:
        if source.entry_type not in BOOK_TYPES:
            continue
        if source.entry_type in BOOK_PART_TYPES and source.get("pages"):
            continue  # a chapter with its page range pins the place already
        unpaged = [loc for loc in source.cited_at if not is_page_locator(loc.locator)]
        passages = tuple(loc for loc in unpaged if loc.locator)
        whole = tuple(loc for loc in unpaged if not loc.locator)
        if passages:
            places = ", ".join(f"{loc} ({loc.locator})" for loc in passages)
            yield _Raw(
                Check.MISSING_PAGES,
                source.key,
                f"book {_title(source)} cited at a passage without its page at {places}",
                "add the page: " + _citation_forms(source, passages),
                passages,
            )
        if whole:
            places = ", ".join(str(loc) for loc in whole)
            yield _Raw(
                Check.MISSING_PAGES,
                source.key,
                f"book {_title(source)} cited as a whole (no page) at {places}",
                "where a passage is meant, add its page: " + _citation_forms(source, whole),
                whole,
                whole_book=True,
            )


def _citation_forms(source: Source, locations: Sequence[CitingLocation]) -> str:
    """The citations with a page, in the syntax each place used: ``[Source: …]`` or ``{cite:p}``."""
    forms: dict[str, None] = {}
    for loc in locations:
        locator = f"{loc.locator}, p. N" if loc.locator else "p. N"
        if loc.role:
            forms[f"{{{loc.role}}}`{source.key}{{{locator}}}`"] = None
        else:
            forms[f"[Source: {source.label}, {locator}]"] = None
    return " or ".join(forms)


def check_identifiers(sources: Iterable[Source]) -> Iterator[_Raw]:
    for source in sources:
        raw_doi = source.get("doi")
        doi = doi_candidate(source.fields)
        if doi is not None:
            if not valid_doi(doi):
                yield _Raw(
                    Check.MALFORMED_ID,
                    source.key,
                    f"malformed DOI {raw_doi!r}",
                    "a DOI looks like 10.1145/3600006.3613165",
                    source.cited_at,
                )
            elif doi != raw_doi:
                yield _Raw(
                    Check.MALFORMED_ID,
                    source.key,
                    f"DOI field holds a resolver address {raw_doi!r}",
                    f"doi = {{{doi}}}",
                    source.cited_at,
                )
        year = year_of(source)
        for candidate in arxiv_candidates(source.fields):
            parsed = parse_arxiv(candidate)
            if parsed is None:
                yield _Raw(
                    Check.MALFORMED_ID,
                    source.key,
                    f"malformed arXiv identifier {candidate!r}",
                    "an arXiv id looks like 2309.06180 (yymm.nnnnn) or hep-th/9901001",
                    source.cited_at,
                )
            elif year is not None and year < parsed.year:
                yield _Raw(
                    Check.ARXIV_YEAR,
                    source.key,
                    f"year {year} is before arXiv:{parsed.text} was submitted "
                    f"({parsed.year}-{parsed.month:02d})",
                    f"year = {{{parsed.year}}}, or correct the identifier",
                    source.cited_at,
                )


class _Groups:
    """Union-find over entry keys."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        by_root: dict[str, list[str]] = defaultdict(list)
        for key in self.parent:
            by_root[self.find(key)].append(key)
        return sorted(sorted(g) for g in by_root.values() if len(g) > 1)


def _similar_titles(a: str, b: str, *, allow_prefix: bool) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if allow_prefix and len(short.split()) >= 3 and long.startswith(short + " "):
        return True
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= _SIMILAR_TITLES and matcher.ratio() >= _SIMILAR_TITLES


def check_duplicates(sources: Sequence[Source]) -> Iterator[_Raw]:
    """Duplicate works (one finding per group) and URLs shared by different works.

    Each finding says what was seen: the same DOI, arXiv id or URL, or the
    same author and year with a near-equal title. Entries sharing an
    identifier whose titles and authors both differ are "the same work or a
    wrong identifier": the suggestion is to check it, never to drop one.
    """
    by_key = {s.key: s for s in sources}
    titles = {s.key: normalise_title(s.get("title")) for s in sources}
    authors = {s.key: s.first_author for s in sources}
    why: dict[frozenset[str], str] = {}
    groups = _Groups()

    def same(a: str, b: str, reason: str) -> None:
        groups.union(a, b)
        why.setdefault(frozenset((a, b)), reason)

    # Same identifier, or same address with a like title: the strongest evidence.
    by_url: dict[str, set[str]] = defaultdict(set)
    for source in sources:
        for url in source.urls:
            by_url[normalise_url(url)].add(source.key)
    for norm, key_set in sorted(by_url.items()):
        keys = sorted(key_set)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if norm.startswith("doi.org/"):
                    same(a, b, f"same DOI {norm.removeprefix('doi.org/')}")
                elif norm.startswith("arxiv.org/abs/"):
                    same(a, b, f"same arXiv id {norm.removeprefix('arxiv.org/abs/')}")
                elif _similar_titles(titles[a], titles[b], allow_prefix=True):
                    same(a, b, f"same URL {norm} and near-equal titles")
    # Same author or organisation, same year, near-equal title.
    buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
    for source in sources:
        who, year = authors[source.key], year_of(source)
        if who and year is not None:
            buckets[(who, year)].append(source.key)
    for keys in buckets.values():
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if _similar_titles(titles[a], titles[b], allow_prefix=False):
                    same(a, b, "same author and year, near-equal titles")

    for group in groups.groups():
        reasons = sorted({r for pair, r in why.items() if pair <= set(group)})
        members = ", ".join(f"{k} [{by_key[k].label}]" for k in group)
        distinct = [
            (a, b)
            for i, a in enumerate(group)
            for b in group[i + 1 :]
            if authors[a] != authors[b]
            and not _similar_titles(titles[a], titles[b], allow_prefix=True)
        ]
        if distinct:
            a, b = distinct[0]
            message = (
                f"entries {members} share an identifier ({'; '.join(reasons)}) but "
                f"{a} and {b} differ in title and author: the same work, or a wrong identifier"
            )
            suggestion = (
                "check which work the identifier belongs to and correct the other entry; "
                "only if they are one work, keep one entry and cite it everywhere"
            )
        else:
            keep = max(group, key=lambda k: (len(by_key[k].cited_at), len(by_key[k].fields)))
            message = f"entries {members} describe one work ({'; '.join(reasons)})"
            suggestion = f"keep one entry (e.g. {keep}) and cite it everywhere"
        yield _Raw(
            Check.DUPLICATE,
            group[0],
            message,
            suggestion,
            tuple(loc for k in group for loc in by_key[k].cited_at),
            related=tuple(group[1:]),
        )
    # One URL, different works (entries of one duplicate group count as one work).
    for norm, key_set in sorted(by_url.items()):
        keys = sorted(key_set)
        if len({groups.find(k) for k in keys}) < 2:
            continue
        url = next(u for u in by_key[keys[0]].urls if normalise_url(u) == norm)
        members = ", ".join(f"{k} [{by_key[k].label}]" for k in keys)
        yield _Raw(
            Check.SHARED_URL,
            keys[0],
            f"URL {url} is given by different works: {members}",
            "give each work the URL of its own page",
            tuple(loc for k in keys for loc in by_key[k].cited_at),
            url=url,
            related=tuple(keys[1:]),
        )


_CHECKS = (
    check_placeholder_urls,
    check_missing_url,
    check_year_only,
    check_missing_pages,
    check_identifiers,
)


def run_static_checks(
    sources: Sequence[Source], settings: VerifySettings | None = None
) -> list[Finding]:
    """Every static finding about ``sources``, sorted by key then check.

    ``settings`` supplies severities (and ``check_uncited``: when false, uncited works
    are left out of the checks that concern a single work).
    """
    settings = settings or VerifySettings()
    single = [s for s in sources if settings.check_uncited or s.cited]
    raws: list[_Raw] = [raw for check in _CHECKS for raw in check(single)]
    raws.extend(check_duplicates(sources))
    findings = [
        Finding(
            check=raw.check,
            severity=settings.whole_book if raw.whole_book else settings.severity_of(raw.check),
            key=raw.key,
            message=raw.message,
            suggestion=raw.suggestion,
            locations=raw.locations,
            url=raw.url,
            related=raw.related,
        )
        for raw in raws
    ]
    return sorted(findings, key=Finding.sort_key)
