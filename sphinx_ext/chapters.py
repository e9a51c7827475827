"""Which documents are chapters, read off the root document's toctrees.

A chapter is a document: a top-level entry of a toctree of the root
document, with every document below it in the toctree. Which toctrees count
is ``citations_chapters``:

* ``numbered``: the numbered toctrees (``:numbered:``). A Jupyter Book in
  parts has one per part, captioned with the part's name.
* ``toctree``: every toctree of the root, numbered or not, hidden or not (as
  sphinx-external-toc lays out a ``_toc.yml``'s chapters).

In either, the pages showing the whole book's lists (the Works Cited, a
frequency table, a page of its own for the global ``{bibliography}``) are
never chapters.
* ``auto`` (the default): ``numbered`` where the root has a numbered toctree
  with an entry, ``toctree`` otherwise.

A chapter's number is the one Sphinx shows (its section number, continuous
across parts under ``sphinx_multitoc_numbering``); where two chapters show
the same number they are told apart by part (:func:`~sphinx_ext._book.chapter_labels`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from sphinx import addnodes

from sphinx_ext._book import Chapter, chapter_labels

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from sphinx.environment import BuildEnvironment

__all__ = ["MODES", "Chapters", "chapter_documents", "find_chapters", "in_reading_order"]

#: The values of ``citations_chapters``.
MODES = ("auto", "numbered", "toctree")


class Chapters(NamedTuple):
    """The book's chapters in reading order, and what a warning needs."""

    chapters: list[Chapter]
    #: Two chapters show the same number.
    repeated_numbers: bool
    #: The line in the root document of the first numbered toctree whose
    #: numbering starts again (the place to warn at), if any.
    restart_line: int | None


class _Toctree(NamedTuple):
    entries: tuple[str, ...]
    numbered: bool
    caption: str
    line: int | None


def _root_toctrees(env: BuildEnvironment) -> list[_Toctree]:
    """The root document's toctrees, in document order, with their document entries."""
    root = env.config.root_doc
    toc = env.tocs.get(root)
    if toc is None:
        return []
    found = []
    for node in toc.findall(addnodes.toctree):
        listed: list[tuple[str | None, str]] = node.get("entries", [])
        refs = [ref for _, ref in listed]
        entries = tuple(ref for ref in refs if ref not in {"self", root} and ref in env.all_docs)
        found.append(
            _Toctree(entries, bool(node.get("numbered")), node.get("caption") or "", node.line)
        )
    return found


def chapter_documents(
    env: BuildEnvironment, mode: str, whole_book_pages: Collection[str] = ()
) -> list[tuple[str, int, str, bool]]:
    """``(docname, part, caption, numbered toctree)`` of every chapter, in reading order.

    Needs no section numbers: the book's membership is known as soon as the
    toctrees are read.
    """
    toctrees = _root_toctrees(env)
    if mode == "auto":
        mode = "numbered" if any(t.numbered and t.entries for t in toctrees) else "toctree"
    found: list[tuple[str, int, str, bool]] = []
    seen: set[str] = set()
    part = 0
    for toctree in toctrees:
        if mode == "numbered" and not toctree.numbered:
            continue
        entries = [d for d in toctree.entries if d not in whole_book_pages and d not in seen]
        if not entries:
            continue
        part += 1
        for docname in entries:
            seen.add(docname)
            found.append((docname, part, toctree.caption, toctree.numbered))
    return found


def find_chapters(
    env: BuildEnvironment,
    list_docnames: Collection[str],
    mode: str = "auto",
    whole_book_pages: Collection[str] = (),
) -> Chapters:
    """The book's chapters. Needs section numbers, so call it after reading.

    *list_docnames* are the documents holding a ``{chapter-references}``;
    the chapter containing one shows its list there. *whole_book_pages*
    (the Works Cited, frequency tables) are never chapters.
    """
    chapters: list[Chapter] = []
    starts = chapter_documents(env, mode, whole_book_pages)
    others = {docname for docname, *_ in starts}
    restart_line: int | None = None
    for docname, part, caption, numbered in starts:
        number = env.toc_secnumbers.get(docname, {}).get("", ()) if numbered else ()
        docnames = _descendants(env.toctree_includes, docname, others)
        list_docname = next((d for d in docnames if d in list_docnames), docname)
        title = env.titles[docname].astext() if docname in env.titles else docname
        chapters.append(
            Chapter(docname, title, docnames, list_docname, tuple(number), part, caption)
        )
    labelled, repeated = chapter_labels(chapters)
    if repeated:
        restart_line = _restart_line(env, labelled)
    return Chapters(labelled, repeated, restart_line)


def in_reading_order(env: BuildEnvironment, docnames: Collection[str]) -> list[str]:
    """*docnames* in the order of the root document's toctrees; others after, by name."""
    descendants = _descendants(env.toctree_includes, env.config.root_doc, ())
    order = {d: n for n, d in enumerate(descendants)}
    return sorted(docnames, key=lambda d: (order.get(d, len(order)), d))


def _restart_line(env: BuildEnvironment, chapters: list[Chapter]) -> int | None:
    shown: set[tuple[int, ...]] = set()
    for chapter in chapters:
        if chapter.number in shown:
            numbered = [t for t in _root_toctrees(env) if t.numbered and t.entries]
            for toctree in numbered:
                if chapter.docname in toctree.entries:
                    return toctree.line
            return None
        if chapter.number:
            shown.add(chapter.number)
    return None


def _descendants(
    includes: Mapping[str, list[str]], start: str, chapters: Collection[str]
) -> tuple[str, ...]:
    """*start* and the documents below it, not crossing into another chapter."""
    order: list[str] = []
    seen: set[str] = set()
    stack = [start]
    while stack:
        docname = stack.pop()
        if docname in seen or (docname != start and docname in chapters):
            continue
        seen.add(docname)
        order.append(docname)
        stack.extend(reversed(includes.get(docname, ())))
    return tuple(order)
