"""What the registries say a DOI or an arXiv id is: title, first author, year.

A DOI is resolved with content negotiation for CSL-JSON at ``citations_verify_doi_resolver``
(``Accept: application/vnd.citationstyles.csl+json``); arXiv ids are looked up, all in one
request, at ``citations_verify_arxiv_api`` (Atom). Parsing is pure and tolerant: a malformed
answer gives no metadata, never an exception.

>>> parse_csl_json(b'{"title": "Efficient Memory Management",'
...                b' "author": [{"family": "Kwon", "given": "W"}],'
...                b' "issued": {"date-parts": [[2023, 10, 23]]}}')
WorkMeta(title='Efficient Memory Management', author='kwon', year=2023)
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote, urlencode, urljoin

from ._identifiers import _fold

if TYPE_CHECKING:
    from ._cache import UrlCache
    from ._http_checker import _Checker

__all__ = ["Lookups", "WorkMeta", "parse_arxiv_atom", "parse_csl_json", "run_lookups"]

_CSL_ACCEPT: Final = "application/vnd.citationstyles.csl+json"
_ATOM: Final = "{http://www.w3.org/2005/Atom}"
_MAX_BYTES: Final = 1024 * 1024
_ARXIV_BATCH: Final = 50
_VERSION: Final = re.compile(r"v\d+$")


@dataclass(frozen=True, slots=True)
class WorkMeta:
    """A registry's record of a work; ``author`` is the folded family name of the first author."""

    title: str
    author: str
    year: int | None

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "author": self.author, "year": self.year}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WorkMeta:
        year = data.get("year")
        return cls(str(data["title"]), str(data["author"]), None if year is None else int(year))


@dataclass(slots=True)
class Lookups:
    """Results by identifier (``doi:…``, ``arxiv:…``): metadata, or ``None`` when the registry has
    none."""

    found: dict[str, WorkMeta | None]
    requests: int = 0

    def get(self, key: str) -> WorkMeta | None:
        return self.found.get(key)


def parse_csl_json(body: bytes) -> WorkMeta | None:
    """Title, first author and year of a CSL-JSON record, or ``None``."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    title = data.get("title")
    if isinstance(title, list):
        title = title[0] if title else ""
    if not isinstance(title, str) or not title.strip():
        return None
    author = ""
    authors = data.get("author")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        first = authors[0]
        author = _fold(str(first.get("family") or first.get("literal") or first.get("name") or ""))
    year = None
    for name in ("issued", "published-print", "published-online", "created"):
        issued = data.get(name)
        if isinstance(issued, dict):
            parts = issued.get("date-parts")
            if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
                try:
                    year = int(parts[0][0])
                    break
                except (TypeError, ValueError):
                    continue
    return WorkMeta(" ".join(title.split())[:500], author, year)


def parse_arxiv_atom(body: bytes) -> dict[str, WorkMeta]:
    """Every entry of an arXiv API answer, by id without version.

    >>> feed = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
    ...         b'<id>http://arxiv.org/abs/2309.06180v1</id>'
    ...         b'<published>2023-09-12T17:53:35Z</published>'
    ...         b'<title>Efficient Memory\\n  Management</title>'
    ...         b'<author><name>Woosuk Kwon</name></author></entry></feed>')
    >>> parse_arxiv_atom(feed)
    {'2309.06180': WorkMeta(title='Efficient Memory Management', author='kwon', year=2023)}
    """
    from lxml import etree

    try:
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
        )
        root = etree.fromstring(body, parser=parser)
    except Exception:  # noqa: BLE001 - a malformed answer is no answer
        return {}
    found: dict[str, WorkMeta] = {}
    for entry in root.iter(f"{_ATOM}entry"):
        ident = (entry.findtext(f"{_ATOM}id") or "").strip()
        title = " ".join((entry.findtext(f"{_ATOM}title") or "").split())
        if "/abs/" not in ident or not title or title.lower() == "error":
            continue
        arxiv_id = _VERSION.sub("", ident.split("/abs/", 1)[1])
        published = (entry.findtext(f"{_ATOM}published") or "")[:4]
        name = " ".join((entry.findtext(f"{_ATOM}author/{_ATOM}name") or "").split())
        found[arxiv_id] = WorkMeta(
            title[:500],
            _fold(name.split()[-1]) if name else "",
            int(published) if published.isdigit() else None,
        )
    return found


async def _fetch(checker: _Checker, url: str, accept: str) -> bytes | None:
    """The body of ``url`` (redirects followed), or ``None`` when there is no 2xx answer."""
    from ._http_checker import _HostDownError, _RequestError
    from ._page_reader import read_body

    current = url
    for _ in range(checker.settings.max_redirects + 1):
        try:
            answer = await checker.send(
                "GET",
                current,
                keep=True,
                headers={"Accept": accept, "Accept-Encoding": "gzip, deflate"},
            )
        except (_RequestError, _HostDownError):
            return None
        if answer.response is not None:
            try:
                body, truncated = await read_body(
                    answer.response, max_bytes=_MAX_BYTES, budget=checker.settings.page_time_budget
                )
            except Exception:  # noqa: BLE001 - an unreadable answer is no answer
                return None
            finally:
                await answer.response.aclose()
            return None if truncated else body
        if answer.status in {301, 302, 303, 307, 308} and answer.location:
            current = urljoin(current, answer.location.strip())
            continue
        return None
    return None


async def run_lookups(
    checker: _Checker,
    dois: Iterable[str],
    arxiv_ids: Iterable[str],
    lookups: Lookups,
    cache: UrlCache | None,
) -> None:
    """Fill ``lookups`` for every DOI and arXiv id, from the cache or the registries."""
    settings = checker.settings
    tasks = []
    wanted_arxiv: list[str] = []
    for doi in dict.fromkeys(dois):
        key = f"doi:{doi.lower()}"
        cached = cache.get_lookup(key) if cache is not None else None
        if cached is not None:
            lookups.found[key] = cached
        else:
            tasks.append(_doi(checker, doi, key, lookups, cache))
    for arxiv_id in dict.fromkeys(_VERSION.sub("", a) for a in arxiv_ids):
        key = f"arxiv:{arxiv_id}"
        cached = cache.get_lookup(key) if cache is not None else None
        if cached is not None:
            lookups.found[key] = cached
        else:
            wanted_arxiv.append(arxiv_id)
    for start in range(0, len(wanted_arxiv), _ARXIV_BATCH):
        batch = wanted_arxiv[start : start + _ARXIV_BATCH]
        tasks.append(_arxiv(checker, settings.arxiv_api, batch, lookups, cache))
    await asyncio.gather(*tasks)


async def _doi(
    checker: _Checker, doi: str, key: str, lookups: Lookups, cache: UrlCache | None
) -> None:
    lookups.requests += 1
    body = await _fetch(
        checker, checker.settings.doi_resolver + quote(doi, safe="/:;()"), _CSL_ACCEPT
    )
    if body is None:
        return  # not answered: unchecked, and asked again next run
    meta = parse_csl_json(body)
    lookups.found[key] = meta
    if cache is not None and meta is not None:
        cache.record_lookup(key, meta)


async def _arxiv(
    checker: _Checker, api: str, batch: list[str], lookups: Lookups, cache: UrlCache | None
) -> None:
    lookups.requests += 1
    query = urlencode({"id_list": ",".join(batch), "max_results": str(len(batch))})
    body = await _fetch(checker, f"{api}?{query}", "application/atom+xml")
    if body is None:
        return
    entries = parse_arxiv_atom(body)
    for arxiv_id in batch:
        meta = entries.get(arxiv_id)
        lookups.found[f"arxiv:{arxiv_id}"] = meta
        if cache is not None and meta is not None:
            cache.record_lookup(f"arxiv:{arxiv_id}", meta)
