"""Write time: link citations and fill the lists and tables.

:func:`fill_citations` runs on ``doctree-resolved``, for every builder, on the
doctree about to be written (for LaTeX, on the whole assembled book; each
node carries the ``docname`` it was read from). It reads the
:class:`~sphinx_ext._book.Book` computed once for the build and

* turns each resolved ``source_item`` into a link to its entry in the
  References of the chapter it stands in (outside chapters: to the Works
  Cited, when the book has one);
* replaces ``chapter_references`` by the chapter's numbered list (with links
  back to each place citing an entry), or removes it;
* replaces ``citation_frequency`` and ``works_cited`` by their table and lists.

Entries are formatted by pybtex (:mod:`sphinx_ext._formatting`) and rendered
to docutils nodes, so each builder escapes bibliography text its own way.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pybtex.plugin
from docutils import nodes
from sphinx.errors import NoUri

from sphinx_ext._book import Book, ReferenceEntry, join_numbers
from sphinx_ext._works import Category
from sphinx_ext.domain import CitationsDomain, get_domain
from sphinx_ext.nodes import (
    chapter_references,
    citation_frequency,
    reference_entry,
    references_list,
    references_title,
    source_backlinks,
    source_item,
    source_note,
    works_cited,
)
from sphinx_ext.warnings_ import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

__all__ = ["fill_citations"]

_BACKEND = pybtex.plugin.find_plugin("pybtex.backends", "docutils")()
_CODE = re.compile(r"`([^`]+)`")


def fill_citations(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: link citations to their entries, build every list and table."""
    renderer = _Renderer(get_domain(app.env), app.builder, docname)
    # One walk over the tree; the nodes are changed after it, not during.
    for node in list(doctree.findall(_ours)):
        if isinstance(node, source_item):
            renderer.link_item(node)
        elif isinstance(node, source_note):
            node.parent.remove(node)
        elif isinstance(node, chapter_references):
            renderer.place_references(node)
        elif isinstance(node, citation_frequency):
            node.replace_self(renderer.frequency_table(node["min_chapters"]))
        elif isinstance(node, works_cited):
            node.replace_self(renderer.works_cited(node["min_chapters"]))


def _ours(node: nodes.Node) -> bool:
    return isinstance(
        node, source_item | source_note | chapter_references | citation_frequency | works_cited
    )


class _Renderer:
    def __init__(self, domain: CitationsDomain, builder: Builder, docname: str) -> None:
        self.domain = domain
        self.book: Book = domain.book
        self.builder = builder
        self.docname = docname
        self.config = builder.config
        self.works = domain.works
        pages = domain.pages_of_whole_book()
        works_cited_pages = [d for d in pages if "works-cited" in domain.placements.get(d, ())]
        self.works_cited_page = works_cited_pages[0] if works_cited_pages else None

    # -- links -----------------------------------------------------------------

    def uri(self, docname: str, anchor: str = "") -> str | None:
        try:
            uri = self.builder.get_relative_uri(self.docname, docname)
        except NoUri:
            return None
        return f"{uri}#{anchor}" if anchor else uri

    def link_item(self, item: source_item) -> None:
        key = item.get("key")
        if not key:
            return
        chapter_number = self.book.chapter_of.get(item["docname"])
        anchor = self.book.anchors[key]
        if chapter_number is not None and self.shows_list(chapter_number):
            target = self.book.by_number[chapter_number].references_docname
        elif self.works_cited_page is not None:
            target = self.works_cited_page
        else:
            return
        uri = self.uri(target, anchor)
        if uri is None:
            return
        link = nodes.reference(
            "", "", *item.children, refuri=uri, internal=True, classes=["source-ref"]
        )
        link["reftitle"] = self.works[key].title
        item.children = []
        item += link

    def shows_list(self, chapter_number: int) -> bool:
        """Whether the chapter's References appear anywhere (placed, or automatic)."""
        if self.config.citations_auto_references:
            return True
        placed_in = self.book.by_number[chapter_number].references_docname
        return "chapter-references" in self.domain.placements.get(placed_in, ())

    # -- chapter References ----------------------------------------------------

    def place_references(self, placeholder: chapter_references) -> None:
        docname = placeholder["docname"]
        number = self.book.chapter_of.get(docname)
        chapter = self.book.by_number.get(number) if number is not None else None
        if placeholder.get("auto"):
            wanted = (
                chapter is not None
                and chapter.docname == docname
                and chapter.references_docname == docname
                and bool(self.book.references.get(chapter.number))
            )
            if not wanted or chapter is None:
                placeholder.parent.remove(placeholder)
                return
            section = nodes.section("", ids=["references"], classes=["source-references-section"])
            section += references_title("", self.config.citations_references_title)
            section += self.references_list(chapter.number, docname, backlinks=True)
            placeholder.replace_self(section)
            return
        if chapter is None:
            warn(
                "chapter-references outside a chapter: %s is not in the numbered "
                "toctree of the root document",
                docname,
                subtype=Subtype.PLACEMENT,
                location=placeholder,
            )
            placeholder.parent.remove(placeholder)
            return
        if chapter.references_docname != docname:
            warn(
                "chapter %d already places its References in %s",
                chapter.number,
                chapter.references_docname,
                subtype=Subtype.PLACEMENT,
                location=placeholder,
            )
            placeholder.parent.remove(placeholder)
            return
        placeholder.replace_self(self.references_list(chapter.number, docname, backlinks=True))

    def references_list(
        self, chapter: int, list_docname: str, *, backlinks: bool, id_prefix: str = ""
    ) -> nodes.Element:
        entries = self.book.references.get(chapter, [])
        if not entries:
            return nodes.paragraph(
                "", "This chapter cites no sources.", classes=["source-references-empty"]
            )
        # Out of the search index: a popular work's words on every chapter
        # citing it would grow the index with chapters × works. The Works
        # Cited's category lists index every work once.
        listing = references_list(
            "",
            enumtype="arabic",
            prefix="",
            suffix=".",
            classes=["source-references", "no-search"],
        )
        for entry in entries:
            listing += self.entry(
                entry, id_prefix, backlinks and self.config.citations_backlinks, list_docname
            )
        return listing

    def entry(
        self, entry: ReferenceEntry, id_prefix: str, backlinks: bool, list_docname: str
    ) -> reference_entry:
        node = reference_entry(
            "", ids=[id_prefix + self.book.anchors[entry.key]], classes=["source-reference"]
        )
        paragraph = self.formatted(entry.key, entry.note)
        if backlinks and entry.backrefs:
            links = source_backlinks("", classes=["source-backlinks"])
            for number, (docname, node_id) in enumerate(entry.backrefs, start=1):
                uri = self.uri(docname, node_id)
                if uri is not None:
                    if links.children:
                        links += nodes.Text(" ")
                    links += nodes.reference(
                        "", str(number), refuri=uri, internal=True, classes=["source-backlink"]
                    )
            if links.children:
                paragraph += nodes.Text(" ")
                paragraph += links
        node += paragraph
        return node

    def formatted(self, key: str, note: str | None = None) -> nodes.paragraph:
        paragraph = nodes.paragraph("", "", *self.domain.formatted(key).render(_BACKEND))
        if note:
            paragraph += nodes.Text(" [")
            paragraph += _note_nodes(note)
            paragraph += nodes.Text("]")
        return paragraph

    # -- cross-chapter pages ---------------------------------------------------

    def frequency_table(self, min_chapters: int) -> nodes.Element:
        rows = [
            (key, chapters)
            for key, chapters in self.book.frequency
            if len(chapters) >= min_chapters
        ]
        if not rows:
            return nodes.paragraph(
                "",
                f"No work is cited in {min_chapters} or more chapters.",
                classes=["citation-frequency-empty"],
            )
        table = nodes.table("", classes=["citation-frequency"])
        group = nodes.tgroup("", cols=2)
        table += group
        group += nodes.colspec("", colwidth=70)
        group += nodes.colspec("", colwidth=30)
        head = nodes.thead()
        head += _row(nodes.Text("Work"), nodes.Text("Chapters Referenced"))
        group += head
        body = nodes.tbody()
        for key, chapters in rows:
            body += _row(self.short_work(key), *self.chapter_links(chapters))
        group += body
        return table

    def short_work(self, key: str) -> nodes.Node:
        work = self.works[key]
        text = nodes.inline("", "")
        text += nodes.strong("", work.label)
        text += nodes.Text(f" ({work.year}{work.letter}). “{work.title}.”")
        if self.works_cited_page is not None:
            uri = self.uri(self.works_cited_page, self.book.anchors[key])
            if uri is not None:
                return nodes.reference("", "", text, refuri=uri, internal=True)
        return text

    def chapter_links(self, numbers: tuple[int, ...]) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for position, number in enumerate(numbers):
            if position:
                out.append(nodes.Text(", "))
            uri = self.uri(self.book.by_number[number].docname)
            if uri is None:
                out.append(nodes.Text(str(number)))
            else:
                out.append(nodes.reference("", str(number), refuri=uri, internal=True))
        return out

    def works_cited(self, min_chapters: int) -> nodes.Element:
        container = nodes.container("", classes=["works-cited"])
        frequent = _section("works-cited-frequent", "Frequently Cited Works")
        frequent += nodes.paragraph("", f"Works referenced in {min_chapters} or more chapters.")
        frequent += self.frequency_table(min_chapters)
        container += frequent
        for chapter in self.book.chapters:
            section = _section(
                f"works-cited-chapter-{chapter.number}",
                f"Chapter {chapter.number}: {chapter.title}",
            )
            shared = self.book.shared_with.get(chapter.number)
            if shared:
                line = nodes.paragraph("", "", classes=["works-cited-shared"])
                line += nodes.emphasis(
                    "",
                    f"Shares sources with Chapter{'s' if len(shared) > 1 else ''} "
                    f"{join_numbers(shared)}.",
                )
                section += line
            section += self.references_list(
                chapter.number, self.docname, backlinks=False, id_prefix=f"c{chapter.number}-"
            )
            container += section
        container += self.by_category()
        return container

    def by_category(self) -> nodes.section:
        cited = [
            key
            for key, _ in sorted(
                self.book.frequency, key=lambda p: self.works[p[0]].cite_label.casefold()
            )
        ]
        section = _section("works-cited-categories", "Sources by Category")
        for category in Category:
            keys = [key for key in cited if self.works[key].category is category]
            if not keys:
                continue
            group = _section(f"works-cited-{category.value}", category.heading)
            listing = nodes.bullet_list("", classes=["works-cited-category"])
            for key in keys:
                item = reference_entry(
                    "", ids=[self.book.anchors[key]], classes=["source-reference"]
                )
                item += self.formatted(key)
                listing += item
            group += listing
            section += group
        return section


def _section(section_id: str, title: str) -> nodes.section:
    section = nodes.section("", ids=[section_id])
    section += nodes.title("", title)
    return section


def _row(*cells: nodes.Node) -> nodes.row:
    row = nodes.row()
    first = nodes.entry()
    first += nodes.paragraph("", "", cells[0])
    row += first
    second = nodes.entry()
    second += nodes.paragraph("", "", *cells[1:])
    row += second
    return row


def _note_nodes(note: str) -> list[nodes.Node]:
    """A note's text, its backquoted spans as inline code."""
    out: list[nodes.Node] = []
    position = 0
    for match in _CODE.finditer(note):
        if match.start() > position:
            out.append(nodes.Text(note[position : match.start()]))
        out.append(nodes.literal(match[1], match[1]))
        position = match.end()
    if position < len(note):
        out.append(nodes.Text(note[position:]))
    return out
