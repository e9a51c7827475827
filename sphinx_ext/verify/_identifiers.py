"""Pure helpers for URLs, DOIs, arXiv identifiers, names and titles found in BibTeX fields."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person

from sphinx_ext._works import first_family

__all__ = [
    "ArxivId",
    "arxiv_candidates",
    "arxiv_id_of",
    "doi_candidate",
    "doi_of",
    "first_author",
    "normalise_title",
    "normalise_url",
    "parse_arxiv",
    "urls_in_text",
    "valid_doi",
]

_DOI_RE = re.compile(r"^10\.\d{4,9}/[^\s\"<>]+$")
_DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# New-style identifiers (April 2007 on): yymm.nnnn, five digits from January 2015.
_ARXIV_NEW_RE = re.compile(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5})(?:v\d+)?$")
_ARXIV_OLD_RE = re.compile(
    r"^[a-z][a-z-]*(?:\.[A-Z]{2})?/(?P<yy>\d{2})(?P<mm>\d{2})\d{3}(?:v\d+)?$"
)
_ARXIV_IN_TEXT_RE = re.compile(r"arxiv\s*:\s*(\S+?)[.,;)\]]*(?:\s|$)", re.IGNORECASE)
_ARXIV_URL_RE = re.compile(
    r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(\S+?)(?:\.pdf)?/?$", re.IGNORECASE
)
_URL_IN_TEXT_RE = re.compile(r"\\url\{([^}]+)\}|(https?://[^\s{}<>\"]+)")
_TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_[a-z]+|ref_src)$")


@dataclass(frozen=True, slots=True)
class ArxivId:
    """A parsed arXiv identifier.

    >>> parse_arxiv("2309.06180v2")
    ArxivId(text='2309.06180v2', year=2023, month=9)
    >>> parse_arxiv("hep-th/9901001").year
    1999
    >>> parse_arxiv("2313.01234") is None  # month 13
    True
    """

    text: str
    year: int
    month: int


def parse_arxiv(text: str) -> ArxivId | None:
    """Parse a bare identifier; ``None`` when it is malformed (bad shape, month, or era)."""
    text = text.strip()
    match = _ARXIV_NEW_RE.match(text)
    if match:
        yy, mm, num = int(match["yy"]), int(match["mm"]), match["num"]
        # New-style ids began in 0704; five-digit numbers began in 1501.
        if not 1 <= mm <= 12 or (yy, mm) < (7, 4) or (len(num) == 5) != ((yy, mm) >= (15, 1)):
            return None
        return ArxivId(text, 2000 + yy, mm)
    match = _ARXIV_OLD_RE.match(text)
    if match:
        yy, mm = int(match["yy"]), int(match["mm"])
        year = 1900 + yy if yy >= 91 else 2000 + yy
        if not 1 <= mm <= 12 or (year, mm) > (2007, 3):
            return None
        return ArxivId(text, year, mm)
    return None


def _clean(value: str) -> str:
    return value.strip().strip("{}").strip()


def arxiv_candidates(fields: Mapping[str, str]) -> list[str]:
    """Every string the entry offers as an arXiv identifier, well-formed or not.

    >>> arxiv_candidates({"journal": "arXiv preprint arXiv:2512.01644", "url": "https://arxiv.org/abs/2512.01644"})
    ['2512.01644']
    """
    found: list[str] = []
    prefix = _clean(fields.get("archiveprefix", "") or fields.get("eprinttype", "")).lower()
    eprint = _clean(fields.get("eprint", ""))
    if eprint and (prefix == "arxiv" or not prefix):
        found.append(eprint.removeprefix("arXiv:").removeprefix("arxiv:"))
    if _clean(fields.get("arxiv", "")):
        found.append(_clean(fields["arxiv"]))
    url_match = _ARXIV_URL_RE.match(_clean(fields.get("url", "")))
    if url_match:
        found.append(url_match.group(1))
    for name in ("journal", "note", "howpublished", "booktitle"):
        found.extend(m.group(1) for m in _ARXIV_IN_TEXT_RE.finditer(fields.get(name, "") + " "))
    return list(dict.fromkeys(found))


def arxiv_id_of(fields: Mapping[str, str]) -> str | None:
    """The first well-formed arXiv identifier of the entry, without version suffix removed."""
    for candidate in arxiv_candidates(fields):
        if parse_arxiv(candidate):
            return candidate
    return None


def doi_candidate(fields: Mapping[str, str]) -> str | None:
    """The ``doi`` field without a resolver prefix, or ``None`` when absent."""
    raw = _clean(fields.get("doi", ""))
    return _DOI_PREFIX_RE.sub("", raw) if raw else None


def valid_doi(doi: str) -> bool:
    """Whether ``doi`` has the DOI syntax ``10.<registrant>/<suffix>``.

    >>> valid_doi("10.1145/3600006.3613165"), valid_doi("10.1145"), valid_doi("1145/3600006")
    (True, False, False)
    """
    return bool(_DOI_RE.match(doi))


def doi_of(fields: Mapping[str, str]) -> str | None:
    doi = doi_candidate(fields)
    return doi if doi and valid_doi(doi) else None


def urls_in_text(text: str) -> list[str]:
    r"""URLs written in free text, as ``\url{...}`` or bare.

    >>> urls_in_text(r"see \url{https://a.example/x} and https://b.example/y.")
    ['https://a.example/x', 'https://b.example/y']
    """
    found = []
    for match in _URL_IN_TEXT_RE.finditer(text):
        url = (match.group(1) or match.group(2)).strip().rstrip(".,;)")
        found.append(url)
    return found


def normalise_url(url: str) -> str:
    """A comparison key under which trivially different spellings of one URL are equal.

    Scheme, ``www.``, default ports, case of the host, trailing slashes, fragments
    and tracking parameters do not matter.

    >>> normalise_url("HTTP://www.Example.com:80/Blog/?utm_source=x#top")
    'example.com/Blog'
    >>> normalise_url("https://example.com/blog") == normalise_url("http://example.com/blog/")
    True
    """
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().removeprefix("www.")
        port = parts.port
    except ValueError:
        return url.strip()
    if port is not None and port not in {80, 443}:
        host = f"{host}:{port}"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING_PARAMS.match(k))
    )
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, query, "")).removeprefix("//")


def first_author(fields: Mapping[str, str], label: str = "", *, parsed: str = "") -> str:
    """A comparison key for who wrote the work: the first author's family name or the organisation.

    *parsed* is the name as the bibliography's parser read it (a work's
    ``family``), which knows a braced ``{Red Hat}`` from plain text; without
    it the fields are read with the same parser (pybtex's).

    >>> first_author({"author": "Dao, Tri and Shah, Jay"})
    'dao'
    >>> first_author({"author": "{AssemblyAI}"}), first_author({"author": "{Red Hat}"})
    ('assemblyai', 'redhat')
    >>> first_author({"author": "Tri Dao and others"})
    'dao'
    >>> first_author({"author": "Red Hat"}, parsed="Red Hat")
    'redhat'
    >>> first_author({}, "Red Hat, 2025a")
    'redhat'
    """
    if parsed:
        return _fold(parsed)
    for name in ("author", "editor"):
        raw = fields.get(name, "").strip()
        if raw:
            return _fold(first_family([Person(n) for n in split_name_list(raw)[:1]]))
    for name in ("organization", "institution"):
        raw = fields.get(name, "").strip()
        if raw:
            return _fold(raw)
    who = re.sub(r",?\s*\d{4}[a-z]?$", "", label).strip()
    return _fold(re.sub(r"\s+et al\.?$", "", who))


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text.lower() if ch.isalnum())


def normalise_title(title: str) -> str:
    """Lower-case words only, for fuzzy comparison of titles.

    >>> normalise_title("{FlashAttention-3}: Fast and Accurate -- Attention")
    'flashattention 3 fast and accurate attention'
    """
    text = unicodedata.normalize("NFKD", title).lower()
    text = re.sub(r"\\[a-z]+|[{}]", "", text)
    return " ".join(re.findall(r"[a-z0-9]+", text))
