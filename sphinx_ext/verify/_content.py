"""Content checks: the fetched page and the registries against the entry (pure, no network).

- ``content-mismatch``: no title of the page (``<title>``, ``citation_title``, ``og:title``,
  JSON-LD, Dublin Core), with its site-name part removed, is similar enough to the entry's.
- ``date-found`` / ``date-mismatch``: the page's publication date for an entry without a
  full date, or with another year.
- ``doi-mismatch`` / ``arxiv-mismatch``: the registry's title, first author or year
  disagree with the entry's.

>>> title_similarity("Comparing SGLang, vLLM, and TensorRT-LLM",
...                  "Comparing SGLang, vLLM, and TensorRT-LLM with GPT-OSS-120B | Clarifai")
1.0
>>> title_similarity("Streaming Speech-to-Text", "Page not found | AssemblyAI") < 0.5
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Final

from ._findings import Check, Finding
from ._identifiers import _fold, arxiv_id_of, doi_of, normalise_title
from ._outcomes import Outcome, UrlResult
from ._pages import PageFacts
from ._settings import VerifySettings
from ._sources import Source, year_of

if TYPE_CHECKING:
    # Types only: the lookups' module stands on the HTTP client, which a book's build
    # that checks no URL need not load.
    from ._lookups import Lookups, WorkMeta

__all__ = ["content_findings", "page_urls", "source_finding", "title_similarity"]

# Parts of a page title separated by these are tried alone: "Title | Site", "Site - Title".
_SEPARATORS: Final = re.compile(r"\s+[|\-–—·:»/]\s+|\s*[|·»]\s*")
_STOPWORDS: Final = frozenset(
    {"a", "an", "the", "and", "or", "of", "to", "in", "for", "with", "on", "by", "at", "from", "vs"}
)
_FULL_DATE: Final = re.compile(r"^\d{4}-\d{2}")
_ARXIV_SLACK: Final = 1
"""A paper's venue year may follow its arXiv year by this much."""


def _words(text: str) -> list[str]:
    return [w for w in normalise_title(text).split() if w not in _STOPWORDS]


def _candidates(page_title: str) -> list[str]:
    parts = [p for p in _SEPARATORS.split(page_title) if p.strip()]
    found = [page_title, *parts]
    # Adjacent parts together: "Title: Subtitle | Site" → "Title: Subtitle".
    found += [
        " ".join(parts[i : j + 1]) for i in range(len(parts)) for j in range(i + 1, len(parts))
    ]
    return found


def title_similarity(entry_title: str, page_title: str) -> float:
    """0 to 1: how well ``page_title`` (or one part of it) names the entry's work.

    The best of the character-level ratio and the share of the entry's words found in
    the part, over the page title and each part of it split at site-name separators;
    case, punctuation and small words do not count.
    """
    entry = _words(entry_title)
    if not entry:
        return 1.0
    best = 0.0
    entry_text = " ".join(entry)
    for candidate in _candidates(page_title):
        words = _words(candidate)
        if not words:
            continue
        ratio = SequenceMatcher(None, entry_text, " ".join(words), autojunk=False).ratio()
        found = set(words)
        share = sum(1 for w in entry if w in found) / len(entry)
        # The part must not be much longer than the entry: a page listing everything is no match.
        if len(words) > 3 * len(entry) + 4:
            share *= 0.5
        best = max(best, ratio, share)
        if best >= 1.0:
            break
    return round(best, 3)


def page_urls(source: Source) -> tuple[str, ...]:
    """The URLs whose page is read for ``source``: its own, not the DOI or arXiv resolvers'."""
    doi = doi_of(source.fields)
    arxiv = arxiv_id_of(source.fields)
    skip = set()
    if doi:
        skip.add(f"https://doi.org/{doi}")
    if arxiv:
        skip.add(f"https://arxiv.org/abs/{arxiv}")
    return tuple(u for u in source.urls if u not in skip)


def source_finding(
    settings: VerifySettings,
    check: Check,
    source: Source,
    message: str,
    *,
    url: str | None = None,
    suggestion: str | None = None,
    fix: tuple[tuple[str, str], ...] = (),
    outcome: Outcome | None = None,
    status: int | None = None,
) -> Finding:
    """A finding of *check* about *source*'s work, shown where the book cites it."""
    return Finding(
        check=check,
        severity=settings.severity_of(check),
        key=source.key,
        message=message,
        suggestion=suggestion,
        locations=source.cited_at,
        url=url,
        outcome=outcome,
        status=status,
        fix=fix,
    )


def _page_checks(
    source: Source, url: str, page: PageFacts, settings: VerifySettings
) -> Iterator[Finding]:
    title = source.get("title")
    if title and page.titles:
        scored = [(title_similarity(title, t), where, t) for where, t in page.titles]
        best = max(scored)
        if best[0] < settings.title_threshold:
            where, shown = scored[0][1], scored[0][2]
            yield source_finding(
                settings,
                Check.CONTENT_MISMATCH,
                source,
                f"the page at {url} is titled {shown!r} ({where}), the entry {title!r} "
                f"(similarity {best[0]:.2f} < {settings.title_threshold:g})",
                url=url,
                suggestion=(
                    "correct the URL or the title, or accept the difference with "
                    f"citations_verify_accept = {{{source.key!r}: ['content-mismatch']}}"
                ),
            )
    if page.date is None:
        return
    year = year_of(source)
    full = bool(source.get("month")) or bool(_FULL_DATE.match(source.get("date")))
    page_year = int(page.date[:4])
    if year is not None and page_year != year:
        yield source_finding(
            settings,
            Check.DATE_MISMATCH,
            source,
            f"the page at {url} was published {page.date}, the entry gives {year}",
            url=url,
            suggestion=f"date = {{{page.date}}}, or check that the URL is the cited edition",
        )
    elif not full:
        yield source_finding(
            settings,
            Check.DATE_FOUND,
            source,
            f"the page at {url} gives its publication date: {page.date}",
            url=url,
            suggestion=f"date = {{{page.date}}}",
            fix=(("date", page.date),),
        )


def _identity_checks(
    source: Source,
    check: Check,
    what: str,
    meta: WorkMeta,
    settings: VerifySettings,
    *,
    slack: int,
) -> Iterator[Finding]:
    differences: list[str] = []
    fix: list[tuple[str, str]] = []
    title = source.get("title")
    if title and meta.title and title_similarity(title, meta.title) < settings.title_threshold:
        differences.append(f"title {meta.title!r} (entry: {title!r})")
        fix.append(("title", meta.title))
    # The label starts with the first author's family name ("Kwon et al.", "Chen & Li"),
    # also where the entry's persons are not among its plain fields.
    named = re.sub(r",?\s*(?:\d{4}[a-z]?|n\.d\.)$", "", source.label).strip()
    author = source.first_author
    if (
        meta.author
        and (author or named)
        and author != meta.author
        and not _fold(named).startswith(meta.author)
    ):
        differences.append(f"first author {meta.author!r} (entry: {named or author!r})")
    year = year_of(source)
    if year is not None and meta.year is not None and not 0 <= year - meta.year <= slack:
        differences.append(f"year {meta.year} (entry: {year})")
        fix.append(("year", str(meta.year)))
    if differences:
        yield source_finding(
            settings,
            check,
            source,
            f"{what} is registered with " + "; ".join(differences),
            suggestion="correct the entry to the registered values, or the identifier",
            # Only a year or title of an otherwise agreeing record is a certain fix.
            fix=tuple(fix) if len(differences) == 1 else (),
        )


def content_findings(
    sources: Sequence[Source],
    results: Mapping[str, UrlResult],
    lookups: Lookups,
    settings: VerifySettings,
) -> list[Finding]:
    """Every content finding, minus those the author accepted (``citations_verify_accept``)."""
    findings: list[Finding] = []
    for source in sources:
        for url in page_urls(source):
            result = results.get(url)
            if result is not None and result.page is not None and result.page.read:
                findings.extend(_page_checks(source, url, result.page, settings))
        doi = doi_of(source.fields)
        meta = lookups.get(f"doi:{doi.lower()}") if doi else None
        if doi and meta is not None:
            findings.extend(
                _identity_checks(source, Check.DOI_MISMATCH, f"DOI {doi}", meta, settings, slack=0)
            )
        arxiv = arxiv_id_of(source.fields)
        meta = lookups.get(f"arxiv:{re.sub(r'v[0-9]+$', '', arxiv)}") if arxiv else None
        if arxiv and meta is not None:
            findings.extend(
                _identity_checks(
                    source,
                    Check.ARXIV_MISMATCH,
                    f"arXiv:{arxiv}",
                    meta,
                    settings,
                    slack=_ARXIV_SLACK,
                )
            )
    return [f for f in findings if not settings.accepts(f.key, f.check)]
