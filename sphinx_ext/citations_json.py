"""``citations.json``: the book's citations, machine-readable.

Written to the output folder at the end of every build. Keys are sorted,
lists have a fixed order and each record stands on a line of its own, so
equivalent builds (serial or parallel, clean or incremental) give
byte-identical files. The layout::

    {
      "chapters": [{"docname", "number", "label", "part", "title",
                    "references": [{"number", "key", "label", "note"}]}],
      "works": [{"key", "label", "title", "url", "category", "chapters"}],
      "citations": [{"docname", "line",
                     "items": [{"key", "locator", "status", "text"}]}]
    }
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx_ext._files import write_atomically
from sphinx_ext.domain import get_domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["FILENAME", "book_data", "dumps", "json_lines", "write_citations_json"]

FILENAME = "citations.json"


def book_data(app: Sphinx) -> dict[str, Iterable[dict[str, Any]]]:
    """The content of ``citations.json`` for the current build, each list made lazily."""
    domain = get_domain(app.env)
    book = domain.book
    works = domain.works
    chapters_of = dict(book.frequency)
    citations = domain.citation_records()
    return {
        "chapters": (
            {
                "docname": chapter.docname,
                "number": chapter.number[0] if chapter.number else None,
                "label": chapter.label,
                "part": chapter.part_caption or None,
                "title": chapter.title,
                "references": [
                    {
                        "number": entry.number,
                        "key": entry.key,
                        "label": works[entry.key].cite_label,
                        "note": entry.note,
                    }
                    for entry in book.references(chapter.docname)
                ],
            }
            for chapter in book.chapters
        ),
        "works": (
            {
                "key": key,
                "label": work.cite_label,
                "title": work.title,
                "url": work.url,
                "category": work.category.value,
                "chapters": list(chapters_of.get(key, ())),
            }
            for key, work in sorted(works.items())
        ),
        "citations": (
            {
                "docname": docname,
                "line": record.line,
                "items": [
                    {
                        "key": item.key,
                        "locator": item.locator,
                        "status": item.status,
                        "text": item.text,
                    }
                    for item in record.items
                ],
            }
            for docname in sorted(citations)
            for record in citations[docname]
        ),
    }


def write_citations_json(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write ``citations.json`` unless the build failed."""
    if exception is not None or app.builder.name in {"sourcecheck", "linkcheck"}:
        return
    write_atomically(Path(app.outdir) / FILENAME, json_lines(book_data(app)))


def dumps(data: Mapping[str, Iterable[Any]]) -> str:
    """JSON with sorted keys and one record per line.

    >>> print(dumps({"b": [{"y": 1, "x": None}], "a": []}))
    {
      "a": [],
      "b": [
        {"x": null, "y": 1}
      ]
    }
    <BLANKLINE>
    """
    return "".join(json_lines(data))


def json_lines(data: Mapping[str, Iterable[Any]]) -> Iterator[str]:
    """:func:`dumps`, line by line, each record encoded as it comes.

    Diffs stay readable (a changed citation is a changed line) and the C
    encoder does the work: ``json.dumps(indent=…)`` would fall back to the
    pure-Python one, several times slower on a long book.
    """
    yield "{"
    for position, name in enumerate(sorted(data)):
        yield f"{',' if position else ''}\n  {json.dumps(name)}: ["
        empty = True
        for record in data[name]:
            yield f"{'' if empty else ','}\n    " + json.dumps(
                record, sort_keys=True, ensure_ascii=False
            )
            empty = False
        yield "]" if empty else "\n  ]"
    yield "\n}\n"
