"""Format a work as a reference-list entry, with pybtex rich text.

Pure Python, no Sphinx. The result is a :class:`pybtex.richtext.Text` that
any pybtex backend renders; the Sphinx side turns it into docutils nodes with
``pybtex_docutils``, so every builder escapes the text in its own way.

The look is the book's: ``**Org** (Year). “Title.” URL``, a book's title in
italics followed by its publisher, a paper's venue in italics, and an arXiv
identifier or DOI as a link.

>>> from pybtex.database import parse_string
>>> from sphinx_ext._works import build_works
>>> data = parse_string('''@misc{k, author = {{Deepgram}}, title = {Pricing},
...   year = 2025, url = {https://deepgram.com/pricing}}''', "bibtex")
>>> entry = data.entries["k"]
>>> format_entry(build_works(data.entries)["k"], entry).render_as("text")
'Deepgram (2025). “Pricing.” https://deepgram.com/pricing'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pybtex.plugin
from pybtex.richtext import BaseMultipartText, HRef, Tag, Text
from pybtex.style.template import FieldIsMissing
from pybtex.textutils import abbreviate

from sphinx_ext._links import is_link
from sphinx_ext._works import WHOLE_BOOK_TYPES, is_others, named_persons, plain, rich_text

if TYPE_CHECKING:
    from pybtex.database import Entry, Person
    from pybtex.style.formatting import BaseStyle

    from sphinx_ext._works import Work

__all__ = ["format_entry", "format_names", "format_with_style", "plain_text"]

# render_as() looks the backend up among entry points on every call.
_PLAIN = pybtex.plugin.find_plugin("pybtex.backends", "text")()


def format_names(work: Work, entry: Entry) -> Text:
    """The names as the list shows them: ``Kwon, W., et al.`` or ``NVIDIA``.

    Persons are written family name first with initials, as the seed's lists
    write them (``Dao, T., et al.``); an organization as it is named.
    """
    persons = named_persons(entry)
    if work.is_organization:
        if persons:
            return Text(plain(" ".join(persons[0].last_names)))
        return Text(work.fields.get("organization") or work.label)
    if not [p for p in persons if not is_others(p)]:
        return Text(work.label)
    return Text(_names(persons))


def format_entry(work: Work, entry: Entry) -> Text:
    """The whole entry, as every list shows it (a chapter's note is added by the list).

    ``**Names** (Year).``, the title (in italics for a whole book, in quotes
    otherwise), where it appeared (journal with volume, issue and pages; the
    book or proceedings with editors and pages; the institution and number of
    a report; the kind and school of a thesis), the edition, address and
    publisher, then the identifiers and the note.
    """
    fields = entry.fields
    # One flat list of parts, made into rich text once: pybtex merges and
    # checks the parts of every Text it makes, nested ones included.
    names = format_names(work, entry)
    if not work.is_organization and not entry.persons.get("author"):
        editors = entry.persons.get("editor")
        if editors:
            names = Text(names, _eds(editors))
    parts: list[Any] = [Tag("strong", names), f" ({work.year}{work.letter})."]
    parts += _title_part(work, fields)
    parts += _container_part(work, entry)
    parts += _publication_part(work, fields)
    # Identifiers verbatim, from work.fields (never LaTeX-decoded).
    parts += _links_part(work.fields)
    bib_note = _latex("note", fields)
    if bib_note:
        parts += [" ", bib_note, "."]
    return Text(*parts)


def format_with_style(style: BaseStyle, label: str, work: Work, entry: Entry) -> Text:
    """The entry as the book's pybtex *style* formats it, after its *label* (``[KL93a]``).

    This is what sphinxcontrib-bibtex's ``{bibliography}`` shows for the
    entry, so a chapter's list and the book's bibliography agree. An entry
    the style cannot format (a missing field, a type it does not know, such
    as ``@online`` for pybtex's own styles) keeps the seed's look.
    """
    try:
        formatted = style.format_entry(label, entry).text
    except (FieldIsMissing, AttributeError, KeyError, TypeError):
        formatted = format_entry(work, entry)
    text: Text = _safe_links(formatted)
    return Text("[", label, "] ", text) if label else text


def _safe_links(rich: Any) -> Any:
    """*rich* with every link that is not a safe one (:mod:`sphinx_ext._links`) made text."""
    if isinstance(rich, HRef) and not is_link(rich.url):
        return Text(*(_safe_links(part) for part in rich.parts))
    if isinstance(rich, BaseMultipartText):
        return rich._create_similar([_safe_links(part) for part in rich.parts])
    return rich


def _title_part(work: Work, fields: Mapping[str, str]) -> list[Any]:
    title = _latex("title", fields)
    if not title:
        return []
    if work.entry_type in _TITLED_AS_BOOK or (
        work.entry_type == "inbook" and not fields.get("booktitle")
    ):
        # A book's own title (a BibTeX @inbook's title is the book's).
        return [" ", Tag("em", title, ".")]
    # Typographic quotes, as smartquotes gives the rest of the book.
    return [" \u201c", title, ".\u201d"]


def _container_part(work: Work, entry: Entry) -> list[Any]:
    """Where the work appeared: journal, book or proceedings, report series, thesis."""
    fields = entry.fields
    kind = work.entry_type
    parts: list[Any] = []
    if kind == "article":
        journal = _latex("journal", fields) or _latex("journaltitle", fields)
        if journal:
            parts += [" ", Tag("em", journal)]
            parts += _volume_issue(fields)
            parts += _pages(fields, ", ")
            parts.append(".")
        elif _volume_issue(fields) or _latex("pages", fields):
            parts += [" ", *_volume_issue(fields, lead="Vol. ")]
            parts += _pages(fields, ", " if _volume_issue(fields) else "")
            parts.append(".")
        return parts
    if kind == "inbook" and not fields.get("booktitle"):
        chapter = _latex("chapter", fields)
        pages = _pages(fields, ", " if chapter else "")
        if chapter or pages:
            parts += [" ", *(["Chapter ", chapter] if chapter else []), *pages, "."]
        return parts
    booktitle = _latex("booktitle", fields)
    editors = _editors(work, entry)
    if booktitle or (editors and kind in _IN_BOOK_TYPES):
        # "In" before editors only: the seed writes a bare venue (*Proceedings of …*).
        if editors:
            parts += [" In ", *editors, ", " if booktitle else ""]
        else:
            parts.append(" ")
        if booktitle:
            parts.append(Tag("em", booktitle))
        parts += _volume_issue(fields, lead=", Vol. ", issue=False)
        parts += _pages(fields, ", ")
        parts.append(".")
        return parts
    if editors and kind not in _IN_BOOK_TYPES:
        # A book or proceedings with editors besides its authors.
        parts += [" ", *editors, "."]
    if kind in _REPORT_TYPES:
        parts += _report(fields)
    elif kind in _THESIS_TYPES:
        parts += _thesis(kind, fields)
    else:
        venue = _latex("journal", fields)
        if venue:
            parts += [" ", Tag("em", venue), "."]
        if kind in _TITLED_AS_BOOK:
            parts += _series(fields)
        pages = _pages(fields, " ")
        if pages:
            parts += [*pages, "."]
    return parts


def _publication_part(work: Work, fields: Mapping[str, str]) -> list[Any]:
    """Edition, how it was published, and the publisher or institution with its address."""
    parts: list[Any] = []
    edition = _edition(fields)
    if edition:
        parts += [" ", edition]  # "2nd ed." ends with its period
    howpublished = _latex("howpublished", fields)
    if howpublished and not _HAS_URL.search(fields["howpublished"]):
        # "NVIDIA Blog", "Lecture notes"; an address in it is the URL's job.
        parts += [" ", howpublished, "."]
    if work.entry_type in _REPORT_TYPES | _THESIS_TYPES:
        return parts  # their institution or school is given with the kind
    publisher = _latex("publisher", fields)
    if not publisher and work.entry_type in {
        "manual",
        "proceedings",
        "inproceedings",
        "conference",
    }:
        # A manual's or proceedings' organization, unless it is the author already.
        organization = _latex("organization", fields)
        if organization and not work.is_organization:
            publisher = organization
    address = _latex("address", fields) or _latex("location", fields)
    if publisher and address:
        parts += [" ", address, ": ", publisher, "."]
    elif publisher:
        parts += [" ", publisher, "."]
    elif address:
        parts += [" ", address, "."]
    return parts


def _links_part(ids: Mapping[str, str]) -> list[Any]:
    """arXiv id, DOI and URL, each a link where it is a safe one."""
    parts: list[Any] = []
    eprint = ids.get("eprint", "")
    if eprint:
        prefix = ids.get("archiveprefix", "") or ids.get("eprinttype", "") or "arXiv"
        target = f"https://arxiv.org/abs/{eprint}" if prefix.lower() == "arxiv" else None
        shown = f"{prefix}:{eprint}"
        parts += [" ", _link(target, shown)]
    doi = ids.get("doi", "")
    if doi:
        parts += [" ", _link(f"https://doi.org/{doi}", f"doi:{doi}")]
    url = ids.get("url", "")
    if url:
        parts += [" ", _link(url, url)]
    return parts


def _link(target: str | None, shown: str) -> HRef | str:
    """A link to *target* when it is a safe one (:mod:`sphinx_ext._links`), else the text."""
    return HRef(target, shown) if target is not None and is_link(target) else shown


_HAS_URL = re.compile(r"\\url|https?://|www\\.", re.IGNORECASE)
_TITLED_AS_BOOK = WHOLE_BOOK_TYPES | {"proceedings", "mvproceedings"}
_IN_BOOK_TYPES = frozenset({"incollection", "inproceedings", "conference", "inbook"})
_REPORT_TYPES = frozenset({"techreport", "report"})
_THESIS_TYPES = frozenset({"phdthesis", "mastersthesis", "thesis"})
_THESIS_KINDS = {"phdthesis": "PhD thesis", "mastersthesis": "Master\u2019s thesis"}


def _volume_issue(fields: Mapping[str, str], lead: str = " ", *, issue: bool = True) -> list[Any]:
    """``61(5)`` after a journal, or ``, Vol. 3`` after a book title."""
    volume = _latex("volume", fields)
    number = _latex("number", fields) or _latex("issue", fields) if issue else None
    if volume and number:
        return [lead, volume, "(", number, ")"]
    if volume:
        return [lead, volume]
    if number:
        return [lead, "No. ", number]
    return []


def _series(fields: Mapping[str, str]) -> list[Any]:
    """``Economics, Vol. 1.``, ``Vol. 1.`` or ``Economics.`` after a book's title."""
    series = _latex("series", fields)
    volume = _volume_issue(fields, lead=", Vol. " if series else "Vol. ", issue=False)
    if not series and not volume:
        return []
    return [" ", *([series] if series else []), *volume, "."]


def _pages(fields: Mapping[str, str], lead: str) -> list[Any]:
    pages = _latex("pages", fields)
    if not pages:
        return []
    many = any(mark in fields["pages"] for mark in ("-", ",", "\u2013"))
    return [lead, "pp. " if many else "p. ", pages]


def _editors(work: Work, entry: Entry) -> list[Any]:
    """``Li, Z. & Ng, A. (Eds.)``, unless the editors stand as the entry's names."""
    editors = list(entry.persons.get("editor") or ())
    if not editors or not entry.persons.get("author"):
        return []
    return [_names(editors, every=True), _eds(editors)]


def _eds(editors: Sequence[Person]) -> str:
    return " (Ed.)" if len(editors) == 1 and not is_others(editors[0]) else " (Eds.)"


def _report(fields: Mapping[str, str]) -> list[Any]:
    """``Technical Report TR-7. Institution, Address.``"""
    kind = _latex("type", fields) or "Technical Report"
    number = _latex("number", fields)
    parts: list[Any] = [" ", kind]
    if number:
        parts += [" ", number]
    return parts + _where(fields, "institution")


def _thesis(entry_type: str, fields: Mapping[str, str]) -> list[Any]:
    """``PhD thesis, School, Address.``"""
    kind = _latex("type", fields) or _THESIS_KINDS.get(entry_type, "Thesis")
    return [" ", kind, *_where(fields, "school")]


def _where(fields: Mapping[str, str], name: str) -> list[Any]:
    parts: list[Any] = []
    for value in (_latex(name, fields), _latex("address", fields) or _latex("location", fields)):
        if value:
            parts += [", ", value]
    parts.append(".")
    return parts


def _edition(fields: Mapping[str, str]) -> Text | str | None:
    """``2nd ed.`` or ``Second ed.``, without the closing period."""
    raw = fields.get("edition", "").strip()
    if raw.isdigit():
        number = int(raw)
        suffix = (
            "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        )
        return f"{number}{suffix} ed."
    edition = _latex("edition", fields)
    return Text(edition, " ed.") if edition is not None else None


def _names(persons: Sequence[Person], *, every: bool = False) -> str:
    """Persons as a list writes them: one or two by name, three or more as the first, et al.

    With *every* (editors), all of them: ``Amman, H. M., Kendrick, D. A. & Rust, J.``.
    """
    others = bool(persons) and is_others(persons[-1])
    names = [_person(p) for p in persons if not is_others(p)]
    if not every and (others or len(names) > 2):
        return f"{names[0]}, et al."
    if others:
        return ", ".join(names) + ", et al."
    return ", ".join(names[:-1]) + " & " + names[-1] if len(names) > 1 else "".join(names)


def _person(person: Person) -> str:
    """``Kwon, W.``: family name (with its particles and lineage), then initials."""
    last = plain(" ".join(person.prelast_names + person.last_names + person.lineage_names))
    initials = " ".join(
        abbreviate(plain(name)) for name in person.first_names + person.middle_names
    )
    return f"{last}, {initials}" if initials else last


def _latex(name: str, fields: Mapping[str, str]) -> Text | None:
    value = fields.get(name, "")
    if not value or not value.strip():
        return None
    return rich_text(" ".join(value.split()))


def plain_text(text: Text) -> str:
    """*text* without markup, as search and plain-text writers show it.

    >>> plain_text(Text(Tag("em", "Title"), ". ", HRef("https://x.org", "https://x.org")))
    'Title. https://x.org'
    """
    rendered: str = text.render(_PLAIN)
    return rendered
