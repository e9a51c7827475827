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

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import pybtex.plugin
from pybtex.richtext import HRef, Tag, Text

from sphinx_ext._works import plain, rich_text

if TYPE_CHECKING:
    from pybtex.database import Entry, Person

    from sphinx_ext._works import Work

__all__ = ["format_entry", "format_names", "plain_text"]

T = TypeVar("T")

_BOOK_TYPES = frozenset({"book", "mvbook", "booklet"})
# render_as() looks the backend up among entry points on every call.
_PLAIN = pybtex.plugin.find_plugin("pybtex.backends", "text")()


def format_names(work: Work, entry: Entry) -> Text:
    """The names as the list shows them: ``Kwon, W., et al.`` or ``NVIDIA``."""
    persons = list(entry.persons.get("author") or entry.persons.get("editor") or ())
    if work.is_organization:
        if persons:
            return Text(plain(" ".join(persons[0].last_names)))
        return Text(work.fields.get("organization") or work.label)
    others = bool(persons) and str(persons[-1]) == "others"
    names = [p for p in persons if str(p) != "others"]
    if not names:
        return Text(work.label)
    if others or len(names) > 2:
        return Text(_person(names[0]), ", et al.")
    return Text(*_joined([_person(p) for p in names], " & "))


def format_entry(work: Work, entry: Entry) -> Text:
    """The whole entry, as every list shows it (a chapter's note is added by the list)."""
    fields = entry.fields
    # One flat list of parts, made into rich text once: pybtex merges and
    # checks the parts of every Text it makes, nested ones included.
    parts: list[Any] = [Tag("strong", format_names(work, entry)), f" ({work.year}{work.letter})."]
    title = _latex("title", fields)
    if work.entry_type in _BOOK_TYPES:
        if title:
            parts += [" ", Tag("em", title, ".")]
        publisher = _latex("publisher", fields)
        if publisher:
            parts += [" ", publisher, "."]
    else:
        if title:
            # Typographic quotes, as smartquotes gives the rest of the book.
            parts += [" “", title, ".”"]
        venue = _latex("booktitle", fields) or _latex("journal", fields)
        if venue:
            parts += [" ", Tag("em", venue), "."]
        howpublished = _latex("howpublished", fields)
        if howpublished and not fields.get("url"):
            parts += [" ", howpublished, "."]
    eprint = fields.get("eprint", "").strip()
    if eprint:
        prefix = fields.get("archiveprefix", "arXiv").strip() or "arXiv"
        target = f"https://arxiv.org/abs/{eprint}" if prefix.lower() == "arxiv" else None
        shown = f"{prefix}:{eprint}"
        parts += [" ", HRef(target, shown) if target else shown]
    doi = fields.get("doi", "").strip()
    if doi:
        parts += [" ", HRef(f"https://doi.org/{doi}", f"doi:{doi}")]
    url = fields.get("url", "").strip()
    if url:
        parts += [" ", HRef(url, url)]
    bib_note = _latex("note", fields)
    if bib_note:
        parts += [" ", bib_note, "."]
    return Text(*parts)


def _person(person: Person) -> str:
    last = plain(" ".join(person.prelast_names + person.last_names + person.lineage_names))
    first = plain(" ".join(person.first_names + person.middle_names))
    return f"{last}, {first}" if first else last


def _latex(name: str, fields: Mapping[str, str]) -> Text | None:
    value = fields.get(name, "")
    if not value or not value.strip():
        return None
    return rich_text(" ".join(value.split()))


def _joined(items: Sequence[T], separator: str) -> list[T | str]:
    out: list[T | str] = []
    for index, item in enumerate(items):
        if index:
            out.append(separator)
        out.append(item)
    return out


def plain_text(text: Text) -> str:
    """*text* without markup, as search and plain-text writers show it.

    >>> plain_text(Text(Tag("em", "Title"), ". ", HRef("https://x.org", "https://x.org")))
    'Title. https://x.org'
    """
    rendered: str = text.render(_PLAIN)
    return rendered
