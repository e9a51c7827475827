"""What the extension holds for one build, in each process: never pickled.

The ``citations`` domain keeps per-document data only (what Sphinx pickles
and merges); everything computed from the whole bibliography or the whole
book lives here, in one typed object the domain reaches by one attribute
(:attr:`sphinx_ext.domain.CitationsDomain.build_state`):

* :class:`BuildState`, made on ``builder-inited`` from the bibliography
  (:func:`sphinx_ext.domain.load_works`): its works and their label index,
  which reading needs, and the documents read in this build;
* its :class:`BookState`, made when the book is computed after reading
  (:meth:`sphinx_ext.domain.CitationsDomain.compute_book`) and dropped when
  documents were read again: the book, the works with the book's year
  letters, the list entries' style and labels, and every entry formatted
  once for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pybtex.plugin

from sphinx_ext._formatting import format_entry, format_with_style, plain_text

if TYPE_CHECKING:
    from collections.abc import Mapping

    from docutils import nodes
    from pybtex.database import Entry
    from pybtex.richtext import Text
    from pybtex.style.formatting import BaseStyle
    from sphinx.builders import Builder

    from sphinx_ext._book import Book
    from sphinx_ext._matching import LabelIndex
    from sphinx_ext._works import Work
    from sphinx_ext.chapters import Chapters
    from sphinx_ext.placing import PagePlacer

__all__ = ["BookState", "BuildState"]

_DOCUTILS = pybtex.plugin.find_plugin("pybtex.backends", "docutils")()


@dataclass(eq=False)
class BookState:
    """The book of this build and what is derived from it, once per build."""

    book: Book
    #: The book's chapters, with what a warning about their numbers needs.
    chapters: Chapters
    #: Every work of the bibliography, by key, with the year letters the book shows.
    works: dict[str, Work]
    #: Works whose year letter among the cited works is not the bibliography's.
    relettered: frozenset[str]
    #: The bibliography's entries, by key.
    entries: Mapping[str, Entry]
    #: The pybtex style of list entries, or ``None`` for the seed's look.
    style: BaseStyle | None
    #: key → the label its entry shows in that style (``KL93a``).
    style_labels: dict[str, str]
    #: chapter docname → key → the label of a ``{bibliography}`` in that chapter.
    chapter_labels: dict[str, dict[str, str]]
    #: The first page holding the Works Cited in reading order, if any: where
    #: citations outside chapters link.
    works_cited_page: str | None
    #: key → the entry as rich text, until rendered for good (:meth:`drop_rich_text`).
    formatted: dict[str, Text] = field(default_factory=dict)
    #: key → the entry as plain text.
    plain: dict[str, str] = field(default_factory=dict)
    #: ``(builder name, key)`` → the entry as that builder writes it (rendering.entries).
    entry_markup: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Builders whose every entry is in :attr:`entry_markup` already.
    entries_rendered_by: set[str] = field(default_factory=set)
    #: The placer of the page being placed or written (sphinx_ext.placing): one page's.
    page_placer: PagePlacer | None = None

    def rich_text(self, key: str) -> Text:
        """The entry of *key* as rich text, formatted once per build."""
        found = self.formatted.get(key)
        if found is None:
            entry, work = self.entries[key], self.works[key]
            if self.style is None:
                found = format_entry(work, entry)
            else:
                # The label is the list's to add (label_in): it may differ by chapter.
                found = format_with_style(self.style, "", work, entry)
            self.formatted[key] = found
        return found

    def entry_nodes(self, key: str) -> list[nodes.Node]:
        """The entry of *key* as new docutils nodes (emphasis, links, text)."""
        rendered: list[nodes.Node] = self.rich_text(key).render(_DOCUTILS)
        return rendered

    def drop_rich_text(self, key: str) -> None:
        """Forget the rich text of *key*, rendered for good; its plain text is kept.

        A large book's entries would otherwise stay until the build ends, in
        the way of every garbage collection. The plain text (search, the
        lists' nodes) is taken first, so that the entry is not formatted again.
        """
        if key in self.formatted:
            self.entry_text(key)
        self.formatted.pop(key, None)

    def entry_text(self, key: str) -> str:
        """The entry of *key* as plain text, once per build."""
        found = self.plain.get(key)
        if found is None:
            found = self.plain[key] = plain_text(self.rich_text(key))
        return found

    def label_in(self, chapter: str | None, key: str) -> str:
        """What *key*'s entry starts with in *chapter*'s list (or the Works Cited's): its
        style's label and a space (``"[KL93] "``), or "" in the seed's look."""
        own = self.chapter_labels.get(chapter, {}).get(key) if chapter is not None else None
        label = own if own is not None else self.style_labels.get(key, "")
        return f"[{label}] " if label else ""

    def shown_state(self) -> dict[str, str]:
        """key → how its entry reads (label, letter, style), for every work a chapter cites.

        Kept between builds: a work whose entry changed (a letter moved, a
        label renumbered) makes every chapter citing it be written again.
        """
        style = type(self.style).__name__ if self.style is not None else "seed"
        return {
            key: f"{self.works[key].cite_label}\x00{self.style_labels.get(key, '')}\x00{style}"
            for key, _ in self.book.frequency
        }


@dataclass(eq=False)
class BuildState:
    """The bibliography of this build, the documents read, and the book once computed."""

    #: The builder of this build (``None`` when made before ``builder-inited``).
    builder: Builder | None
    #: The bibliography's entries, by key.
    entries: Mapping[str, Entry]
    #: Every work of the bibliography, by key, lettered as the bibliography is.
    works: dict[str, Work]
    #: Every way of citing every work: what reading matches items with.
    index: LabelIndex
    #: Documents read or removed since the book was last computed.
    read: set[str] = field(default_factory=set)
    #: The book, once computed after reading.
    book: BookState | None = None
