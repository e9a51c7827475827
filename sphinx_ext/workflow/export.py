"""The works a book cites, written for reference managers (pure Python, no Sphinx).

:class:`Cited` is what a build computed (see :mod:`sphinx_ext.collect`); the
writers turn it into

- **CSL-JSON** (:func:`csl_json`), the format of citeproc, Pandoc, Quarto and
  Zotero: persons as ``family``/``given``, organisations as ``literal``
  authors, years as ``date-parts``, ``URL``, ``DOI``, ``note``;
- **BibTeX** (:func:`bibtex`) of the cited works only, each entry copied as the
  ``.bib`` gives it (pybtex's writer would escape again what is LaTeX already);
- **RIS** (:func:`ris`, with rispy) for Zotero, EndNote and Mendeley;
- **Markdown** (:func:`markdown`) in the seed's own convention, which
  ``import`` reads back to the same works and chapter lists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sphinx_ext._book import join_numbers
from sphinx_ext._works import CATEGORY_TITLES, Category, is_others, named_persons, plain

if TYPE_CHECKING:
    from pybtex.database import Entry, Person

    from sphinx_ext._works import Work

__all__ = ["FORMATS", "Cited", "CitedChapter", "bibtex", "csl_json", "markdown", "ris"]


@dataclass(frozen=True, slots=True)
class CitedChapter:
    number: int
    title: str
    docname: str
    #: ``(key, note)`` in the order of the chapter's References.
    references: tuple[tuple[str, str | None], ...]


@dataclass
class Cited:
    """What a build cites: its works (cited ones only, in order of first citation) and lists."""

    title: str
    works: dict[str, Work]
    entries: Mapping[str, Entry]
    chapters: list[CitedChapter]
    #: ``(key, chapter numbers)`` of every work cited in a chapter, the table's order.
    frequency: list[tuple[str, tuple[int, ...]]]
    shared_with: dict[int, tuple[int, ...]] = field(default_factory=dict)
    min_chapters: int = 2


# -- CSL-JSON -----------------------------------------------------------------------------

_CSL_TYPES = {
    "book": "book",
    "mvbook": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "article": "article-journal",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "webpage",
    "online": "webpage",
    "software": "software",
    "dataset": "dataset",
    "standard": "standard",
}


def _csl_name(person: Person) -> dict[str, str]:
    family = plain(" ".join(person.prelast_names + person.last_names))
    given = plain(" ".join(person.first_names + person.middle_names))
    if not given and len(person.last_names) == 1 and person.last_names[0].startswith("{"):
        return {"literal": family}
    name = {"family": family}
    if given:
        name["given"] = given
    if person.lineage_names:
        name["suffix"] = plain(" ".join(person.lineage_names))
    return name


def _csl_type(work: Work) -> str:
    if work.entry_type in _CSL_TYPES:
        return _CSL_TYPES[work.entry_type]
    if work.fields.get("eprint") or work.category is Category.ACADEMIC:
        return "article"
    return "webpage" if work.url else "document"


def _date_parts(work: Work) -> list[int] | None:
    found = re.match(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", work.fields.get("date", ""))
    if found:
        return [int(part) for part in found.groups() if part]
    return [int(work.year)] if work.year.isdigit() else None


def csl_item(work: Work, entry: Entry) -> dict[str, Any]:
    """One work as a CSL-JSON item."""
    fields = work.fields
    item: dict[str, Any] = {"id": work.key, "type": _csl_type(work)}
    persons = entry.persons.get("author") or ()
    editors = entry.persons.get("editor") or ()
    if persons:
        item["author"] = [_csl_name(p) for p in persons if not is_others(p)]
    elif not editors:
        item["author"] = [{"literal": work.label}]
    if editors:
        item["editor"] = [_csl_name(p) for p in editors if not is_others(p)]
    if work.title:
        item["title"] = work.title
    parts = _date_parts(work)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    container = fields.get("booktitle") or fields.get("journal")
    if container:
        item["container-title"] = container
    for name, csl in (
        ("publisher", "publisher"),
        ("address", "publisher-place"),
        ("volume", "volume"),
        ("number", "issue"),
        ("pages", "page"),
        ("edition", "edition"),
        ("doi", "DOI"),
        ("isbn", "ISBN"),
        ("note", "note"),
    ):
        if fields.get(name):
            item[csl] = fields[name]
    eprint = fields.get("eprint")
    url = work.url or (f"https://arxiv.org/abs/{eprint}" if eprint else None)
    if url:
        item["URL"] = url
    if eprint:
        item["number"] = f"arXiv:{eprint}"
        item["publisher"] = item.get("publisher", "arXiv")
    if fields.get("howpublished") and "publisher" not in item:
        item["publisher"] = fields["howpublished"]
    item["keyword"] = work.category.value
    return item


def csl_json(cited: Cited) -> str:
    """The cited works as a CSL-JSON array."""
    items = [csl_item(work, cited.entries[key]) for key, work in cited.works.items()]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


# -- BibTeX -------------------------------------------------------------------------------


def bibtex(cited: Cited) -> str:
    """The cited works' entries, as their ``.bib`` gives them."""
    out = [f"% The works cited in {cited.title}, exported by `python -m sphinx_ext export`.", ""]
    for key in cited.works:
        entry = cited.entries[key]
        lines = [f"@{entry.type}{{{key},"]
        for role, persons in entry.persons.items():
            lines.append(f"  {role.lower()} = {{{' and '.join(str(p) for p in persons)}}},")
        lines.extend(f"  {name.lower()} = {{{value}}}," for name, value in entry.fields.items())
        lines.append("}")
        out += [*lines, ""]
    return "\n".join(out)


# -- RIS ----------------------------------------------------------------------------------

_RIS_TYPES = {
    "book": "BOOK",
    "mvbook": "BOOK",
    "inbook": "CHAP",
    "incollection": "CHAP",
    "inproceedings": "CPAPER",
    "conference": "CPAPER",
    "article": "JOUR",
    "phdthesis": "THES",
    "mastersthesis": "THES",
    "thesis": "THES",
    "techreport": "RPRT",
    "report": "RPRT",
    "manual": "ELEC",
    "online": "ELEC",
    "standard": "STAND",
}


def ris_record(work: Work, entry: Entry) -> dict[str, Any]:
    """One work as a rispy record."""
    fields = work.fields
    kind = _RIS_TYPES.get(work.entry_type)
    if kind is None:
        kind = "JOUR" if fields.get("eprint") else "ELEC" if work.url else "GEN"
    record: dict[str, Any] = {"type_of_reference": kind, "id": work.key}
    names = [_ris_name(p) for p in entry.persons.get("author") or () if not is_others(p)]
    record["authors"] = names or [work.label]
    editors = [_ris_name(p) for p in entry.persons.get("editor") or () if not is_others(p)]
    if editors:
        record["secondary_authors"] = editors
    if work.title:
        record["title"] = work.title
    if work.year.isdigit():
        record["year"] = work.year
    container = fields.get("booktitle") or fields.get("journal")
    if container:
        record["secondary_title"] = container
    publisher = fields.get("publisher") or fields.get("howpublished")
    if publisher:
        record["publisher"] = publisher
    for name, tag in (("doi", "doi"), ("volume", "volume"), ("number", "number")):
        if fields.get(name):
            record[tag] = fields[name]
    urls = [work.url] if work.url else []
    if fields.get("eprint"):
        urls.append(f"https://arxiv.org/abs/{fields['eprint']}")
    if urls:
        record["urls"] = urls
    if fields.get("note"):
        record["notes"] = [fields["note"]]
    record["keywords"] = [work.category.value]
    return record


def _ris_name(person: Person) -> str:
    family = plain(" ".join(person.prelast_names + person.last_names))
    given = plain(" ".join(person.first_names + person.middle_names))
    return f"{family}, {given}" if given else family


def ris(cited: Cited) -> str:
    """The cited works as RIS (needs rispy: the ``workflow`` extra)."""
    import rispy

    class Writer(rispy.RisWriter):  # type: ignore[misc]
        def set_header(self, count: int) -> str:
            return ""  # no "1." line before each record: not RIS

    records = [ris_record(work, cited.entries[key]) for key, work in cited.works.items()]
    text: str = rispy.dumps(records, implementation=Writer)
    return text


# -- Markdown in the seed's convention -----------------------------------------------------


def names(work: Work, entry: Entry) -> str:
    """The bold part of a seed entry: ``Kwon, W., et al.``, ``Kwon, W. & Li, Z.``, ``NVIDIA``."""
    if work.is_organization:
        return work.label
    persons = named_persons(entry)
    others = any(is_others(p) for p in persons)
    shown = [_ris_name(p) for p in persons if not is_others(p)]
    if not shown:
        return work.label
    if others:
        return ", ".join(shown) + ", et al."
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + (", & " if len(shown) > 2 else " & ") + shown[-1]


def entry_line(work: Work, entry: Entry, note: str | None = None) -> str:
    """One work as the seed writes it: ``**Org** (2025a). "Title." URL [note]``."""
    fields = work.fields
    parts = [f"**{names(work, entry)}** ({work.year}{work.letter})."]
    book = work.category is Category.BOOK or work.entry_type in {"book", "mvbook"}
    if work.title:
        parts.append(f"*{work.title}.*" if book else f'"{work.title}."')
    container = fields.get("booktitle") or fields.get("journal")
    if container:
        parts.append(f"*{container}*.")
    other = fields.get("publisher") if book else fields.get("howpublished")
    if other and not other.startswith("http"):
        parts.append(f"{other}.")
    if fields.get("eprint"):
        parts.append(f"arXiv:{fields['eprint']}")
    if fields.get("doi"):
        parts.append(f"doi:{fields['doi']}")
    if work.url:
        parts.append(work.url)
    if note:
        parts.append(f"[{note}]")
    return " ".join(parts)


def _row(work: Work) -> str:
    return f'{work.label} ({work.year}{work.letter}). "{work.title}."'.replace("|", "\\|")


def markdown(cited: Cited) -> str:
    """The Works Cited in the seed's Markdown convention (``import`` reads it back)."""
    out = [
        "# Works Cited",
        "",
        f'The works cited in "{cited.title}."',
        "",
    ]
    rows = [(k, n) for k, n in cited.frequency if len(n) >= cited.min_chapters]
    if rows:
        out += [
            "## Frequently Cited Works",
            "",
            "| Work | Chapters Referenced |",
            "|------|---------------------|",
        ]
        out += [f"| {_row(cited.works[k])} | {', '.join(map(str, n))} |" for k, n in rows]
        out += ["", "---", ""]
    for chapter in cited.chapters:
        out += [f"## Chapter {chapter.number}: {chapter.title}", ""]
        shared = cited.shared_with.get(chapter.number)
        if shared:
            word = "Chapter" if len(shared) == 1 else "Chapters"
            out += [f"*Shares sources with {word} {join_numbers(shared)}.*", ""]
        if not chapter.references:
            out += ["*This chapter cites no sources.*", ""]
        for number, (key, note) in enumerate(chapter.references, start=1):
            out += [f"{number}. {entry_line(cited.works[key], cited.entries[key], note)}", ""]
        out += ["---", ""]
    out += ["## Source Categories", ""]
    for category, lines in _by_category(cited):
        # The default headings, which import knows.
        out += [f"**{CATEGORY_TITLES[category]}**:", *lines, ""]
    return "\n".join(out).rstrip() + "\n"


def _by_category(cited: Cited) -> Iterator[tuple[Category, list[str]]]:
    for category in Category:
        works: Sequence[Work] = sorted(
            (w for w in cited.works.values() if w.category is category),
            key=lambda w: (w.label.casefold(), w.year, w.letter),
        )
        if works:
            yield category, [f'- {w.label}, "{w.title}" ({w.year}{w.letter})' for w in works]


FORMATS = {"csl-json": csl_json, "bibtex": bibtex, "ris": ris, "markdown": markdown}
