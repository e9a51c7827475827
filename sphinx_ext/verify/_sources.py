"""The input of the checks: one :class:`Source` per bibliography entry, with the places
citing it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ._identifiers import arxiv_id_of, doi_of, first_author, urls_in_text

__all__ = ["CitingLocation", "Source", "year_of"]


@dataclass(frozen=True, slots=True)
class CitingLocation:
    """One place in the book that cites a work.

    ``locator`` is the pin-point given with the citation (``"p. 42"``, ``"ch. 3"``), if any.

    ``chapter`` is how the book names its chapter (``"3"``, ``"II.3"``, a title).

    >>> str(CitingLocation("chapters/ch01", 12, chapter="1"))
    'chapters/ch01:12'
    """

    docname: str
    line: int | None = None
    chapter: str | None = None
    locator: str | None = None
    #: The sphinxcontrib-bibtex role that cites (``"cite:p"``), or ``None`` for ``[Source: …]``.
    role: str | None = None

    def __str__(self) -> str:
        return self.docname if self.line is None else f"{self.docname}:{self.line}"

    def to_json(self) -> dict[str, object]:
        return {
            "docname": self.docname,
            "line": self.line,
            "chapter": self.chapter,
            "locator": self.locator,
            "role": self.role,
        }


@dataclass(frozen=True, slots=True)
class Source:
    """One bibliography entry as the checks see it.

    ``fields`` holds the raw BibTeX fields with lower-case names (``url``, ``doi``,
    ``eprint``, ``archiveprefix``, ``year``, ``month``, ``date``, ``urldate``, ``title``,
    ``author``, ``keywords``, ``pages``…). ``label`` is the label the book cites it by.

    >>> s = Source("kwon2023", "inproceedings", "Kwon et al., 2023",
    ...            {"title": "PagedAttention", "year": "2023", "eprint": "2309.06180",
    ...             "archiveprefix": "arXiv", "doi": "10.1145/3600006.3613165"})
    >>> s.urls
    ('https://doi.org/10.1145/3600006.3613165', 'https://arxiv.org/abs/2309.06180')
    >>> s.cited
    False
    """

    key: str
    entry_type: str
    label: str
    fields: Mapping[str, str] = field(default_factory=dict)
    cited_at: tuple[CitingLocation, ...] = ()
    #: The first author's family name or the organization, as the bibliography
    #: parsed it; empty when only the fields are known (see ``first_author``).
    author: str = ""

    def __post_init__(self) -> None:
        # Normalise once so every check can rely on lower-case names and types.
        object.__setattr__(self, "entry_type", self.entry_type.lower())
        object.__setattr__(
            self, "fields", MappingProxyType({k.lower(): str(v) for k, v in self.fields.items()})
        )
        object.__setattr__(self, "cited_at", tuple(self.cited_at))

    @property
    def first_author(self) -> str:
        """Who wrote it, folded for comparison: the parsed name, else the fields or label.

        >>> fields = {"author": "Red Hat"}
        >>> red_hat = Source("rh", "online", "Red Hat, 2025", fields, author="Red Hat")
        >>> red_hat.first_author
        'redhat'
        """
        return first_author(self.fields, self.label, parsed=self.author)

    @property
    def cited(self) -> bool:
        return bool(self.cited_at)

    def get(self, name: str) -> str:
        """The field ``name`` stripped of surrounding space and braces, or ``""``."""
        return self.fields.get(name, "").strip().strip("{}").strip()

    @property
    def urls(self) -> tuple[str, ...]:
        """Every URL the entry gives: ``url``, the DOI and arXiv resolvers, URLs in
        ``howpublished``/``note``."""
        found: list[str] = []
        url = self.get("url")
        if url:
            found.append(url)
        doi = doi_of(self.fields)
        if doi:
            found.append(f"https://doi.org/{doi}")
        arxiv = arxiv_id_of(self.fields)
        if arxiv:
            found.append(f"https://arxiv.org/abs/{arxiv}")
        for name in ("howpublished", "note"):
            found.extend(urls_in_text(self.fields.get(name, "")))
        return tuple(dict.fromkeys(found))


def year_of(source: Source) -> int | None:
    """The four-digit year the entry gives (``year``, else the start of ``date``)."""
    for text in (source.get("year"), source.get("date")):
        match = re.match(r"^(\d{4})", text)
        if match:
            return int(match.group(1))
    return None
