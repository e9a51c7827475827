"""Write time: link citations and fill the lists and tables.

:func:`fill_citations` runs on ``doctree-resolved``, for every builder, on the
doctree about to be written (for LaTeX, on the whole assembled book; each
node carries the ``docname`` it was read from). It reads the
:class:`~sphinx_ext._book.Book` computed once for the build and

* expands each ``source_citation`` into its text and one ``source_item`` per
  work, a link to the work's entry in the References of the chapter it
  stands in (outside chapters: to the Works Cited, when the book has one);
  for HTML, when the writer reaches it (:func:`expand_when_written`);
* replaces ``chapter_references`` by the chapter's numbered list (with links
  back to each place citing an entry), or removes it;
* replaces ``citation_frequency``, ``citation_map`` and ``works_cited`` by
  their table, picture and lists.

Entries are formatted by pybtex (:mod:`sphinx_ext._formatting`); each builder
renders them its own way, once per work (:mod:`sphinx_ext.rendering.entries`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.errors import NoUri

from sphinx_ext._book import (
    Book,
    ItemRecord,
    ReferenceEntry,
    item_records,
    join_chapters,
    shown_text,
)
from sphinx_ext._citation_map import CitationMap, MapChapter, MapWork, map_text
from sphinx_ext._works import Category
from sphinx_ext.chapters import in_reading_order
from sphinx_ext.domain import CitationsDomain, get_domain
from sphinx_ext.nodes import (
    chapter_references,
    citation_frequency,
    citation_map,
    citation_map_picture,
    formatted_entry,
    reference_entry,
    references_list,
    references_title,
    source_backlinks,
    source_citation,
    source_item,
    source_note,
    whole_book_listing,
    works_cited,
)
from sphinx_ext.warnings_ import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

__all__ = [
    "expand_when_written",
    "fill_citations",
    "fill_list_when_written",
    "release_when_written",
    "writes_entries_as_markup",
]


# Builders that write the resolved doctree as it is. For them a References
# list gets its entries when written, and an entry is formatted once per
# build (sphinx_ext.rendering). Any other builder may rework the tree before
# writing (EPUB rewrites ids and shows link targets) and gets every node now.
_WRITTEN_AS_RESOLVED = frozenset({"html", "dirhtml", "singlehtml", "latex"})
# Of those, the builders whose citations are expanded when written, one at a
# time: the nodes of a book's citations are made and dropped while the page is
# written instead of all living through it (LaTeX writes the whole book as one
# tree, and gains nothing).
_CITATIONS_EXPANDED_WHEN_WRITTEN = frozenset({"html", "dirhtml", "singlehtml"})


def fill_citations(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: link citations to their entries, build every list and table."""
    renderer = _renderer_for(app.builder, docname)
    later = app.builder.name in _CITATIONS_EXPANDED_WHEN_WRITTEN
    # One walk over the tree; the nodes are changed after it, not during.
    for node in list(doctree.findall(_ours)):
        if isinstance(node, source_citation):
            if later:
                renderer.hold_citation(node)
            else:
                renderer.expand_citation(node)
        elif isinstance(node, source_note):
            node.parent.remove(node)
        elif isinstance(node, chapter_references):
            renderer.place_references(node)
        elif isinstance(node, citation_frequency):
            node.replace_self(renderer.frequency_table(node["min_chapters"]))
        elif isinstance(node, citation_map):
            node.replace_self(renderer.citation_map(node["min_chapters"]))
        elif isinstance(node, works_cited):
            if renderer.works_cited_page not in (None, node.get("docname", docname)):
                warn(
                    "a second {works-cited} shows nothing: the book's Works Cited is %s",
                    renderer.works_cited_page,
                    subtype=Subtype.PLACEMENT,
                    location=node,
                )
                node.parent.remove(node)
            else:
                node.replace_self(renderer.works_cited(node["min_chapters"]))


def writes_entries_as_markup(builder: Builder) -> bool:
    """Whether *builder*'s lists hold :class:`formatted_entry` nodes (rendering.entries)."""
    return builder.name in _WRITTEN_AS_RESOLVED


def expand_when_written(builder: Builder, citation: nodes.Element) -> None:
    """A writer's visit: give a citation held for the writer its items and links."""
    page = citation.get("page")
    if page is not None:
        assert isinstance(citation, source_citation)
        _renderer_for(builder, page).expand_citation(citation)


def fill_list_when_written(builder: Builder, listing: nodes.Element) -> None:
    """A writer's visit: give a list left for the writer its entries."""
    page = listing.get("page")
    if page is not None and not listing.children:
        assert isinstance(listing, references_list)
        _renderer_for(builder, page).fill_list(listing)


def release_when_written(node: nodes.Element) -> None:
    """A writer's departure: drop what a citation or a list was given to be written."""
    if node.get("page") is not None:
        _dismantle(node.children)
        node.children = []


def _dismantle(children: list[nodes.Node]) -> None:
    # Without their parent links the nodes form no cycle, so they are freed
    # as soon as they are dropped; otherwise they would wait, with every
    # written page, for the garbage collector's next walk over the whole heap.
    stack = list(children)
    while stack:
        node = stack.pop()
        node.parent = None
        if isinstance(node, nodes.Element):
            stack.extend(node.children)


def _renderer_for(builder: Builder, page: str) -> _Renderer:
    """The renderer of the page being written: one for its doctree-resolved, citations and lists."""
    domain = get_domain(builder.env)
    renderer = domain.page_renderer
    if (
        not isinstance(renderer, _Renderer)
        or renderer.docname != page
        or renderer.builder is not builder
        or renderer.book is not domain.book
    ):
        renderer = domain.page_renderer = _Renderer(domain, builder, page)
    return renderer


def _ours(node: nodes.Node) -> bool:
    return isinstance(
        node,
        source_citation
        | source_note
        | chapter_references
        | citation_frequency
        | citation_map
        | works_cited,
    )


class _Renderer:
    def __init__(self, domain: CitationsDomain, builder: Builder, docname: str) -> None:
        self.domain = domain
        self.book: Book = domain.book
        self.builder = builder
        self.docname = docname
        self.config = builder.config
        self.works = domain.works
        pages = in_reading_order(builder.env, domain.pages_of_whole_book())
        works_cited_pages = [d for d in pages if "works-cited" in domain.placements.get(d, ())]
        self.works_cited_page = works_cited_pages[0] if works_cited_pages else None
        self._uris: dict[str, str | None] = {}

    # -- links -----------------------------------------------------------------

    def uri(self, docname: str, anchor: str = "") -> str | None:
        try:
            uri = self._uris[docname]
        except KeyError:
            try:
                uri = self.builder.get_relative_uri(self.docname, docname)
            except NoUri:
                uri = None
            self._uris[docname] = uri
        if uri is None:
            return None
        return f"{uri}#{anchor}" if anchor else uri

    def expand_citation(self, citation: source_citation) -> None:
        """Give the citation its final children: text, and an item per work, linked."""
        target = self.list_page_of(citation["docname"])
        records = item_records(citation.get("items", ()))
        children: list[nodes.Node] = [nodes.Text(citation.get("lead", "") + "[Source: ")]
        for position, record in enumerate(records):
            if position:
                children.append(nodes.Text("; "))
            children.append(self.item_node(record, target))
        children.append(nodes.Text("]" + citation.get("trail", "")))
        _dismantle(citation.children)  # the text held for search, if any
        citation.children = []
        citation.extend(children)

    def hold_citation(self, citation: source_citation) -> None:
        """Leave the citation for :func:`expand_when_written`, with its text for search."""
        citation["page"] = self.docname
        records = item_records(citation.get("items", ()))
        shown = "; ".join(shown_text(record, self.works) for record in records)
        lead, trail = citation.get("lead", ""), citation.get("trail", "")
        citation += nodes.Text(f"{lead}[Source: {shown}]{trail}")

    def list_page_of(self, docname: str) -> str | None:
        """Where the citations of *docname* link: its chapter's list, or the Works Cited."""
        chapter = self.book.chapter_of.get(docname)
        if chapter is not None and self.shows_list(chapter):
            return self.book.by_docname[chapter].references_docname
        return self.works_cited_page

    def item_node(self, record: ItemRecord, target: str | None) -> source_item:
        item = source_item("", ids=[record.node_id] if record.node_id else [])
        shown = shown_text(record, self.works)
        key = record.key
        if key is None:
            item["classes"].append("source-unresolved")
            item += nodes.Text(shown)
            return item
        item["key"] = key
        uri = self.uri(target, self.book.anchors[key]) if target is not None else None
        if uri is None:
            item += nodes.Text(shown)
            return item
        link = nodes.reference("", shown, refuri=uri, internal=True, classes=["source-ref"])
        link["reftitle"] = self.works[key].title
        item += link
        return item

    def shows_list(self, chapter: str) -> bool:
        """Whether the chapter's References appear anywhere (placed, or automatic)."""
        return self.domain.shows_list(chapter)

    # -- chapter References ----------------------------------------------------

    def place_references(self, placeholder: chapter_references) -> None:
        docname = placeholder["docname"]
        of = self.book.chapter_of.get(docname)
        chapter = self.book.by_docname.get(of) if of is not None else None
        if placeholder.get("auto"):
            wanted = (
                chapter is not None
                and chapter.docname == docname
                and chapter.references_docname == docname
                and self.book.cites_anything(chapter.docname)
            )
            if not wanted or chapter is None:
                placeholder.parent.remove(placeholder)
                return
            section = nodes.section(
                "",
                ids=[placeholder.get("section_id", "references")],
                classes=["source-references-section"],
            )
            section += references_title("", self.config.citations_references_title)
            section += self.references_list(chapter.docname, docname, backlinks=True)
            placeholder.replace_self(section)
            return
        if chapter is None:
            warn(
                "chapter-references outside a chapter: %s is not a chapter nor in one "
                "(see citations_chapters)",
                docname,
                subtype=Subtype.PLACEMENT,
                location=placeholder,
            )
            placeholder.parent.remove(placeholder)
            return
        if chapter.references_docname != docname:
            warn(
                "chapter %s already places its References in %s",
                chapter.label,
                chapter.references_docname,
                subtype=Subtype.PLACEMENT,
                location=placeholder,
            )
            placeholder.parent.remove(placeholder)
            return
        placeholder.replace_self(self.references_list(chapter.docname, docname, backlinks=True))

    def references_list(
        self, chapter: str, list_docname: str, *, backlinks: bool, id_prefix: str = ""
    ) -> nodes.Element:
        if not self.book.cites_anything(chapter):
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
            chapter=chapter,
            backlinks=backlinks and self.config.citations_backlinks,
            id_prefix=id_prefix,
        )
        if self.builder.name in _WRITTEN_AS_RESOLVED:
            # Made when written (fill_list_when_written), one list at a time.
            listing["page"] = self.docname
        else:
            self.fill_list(listing)
        return listing

    def fill_list(self, listing: nodes.Element) -> None:
        """Give a references list its entries."""
        for entry in self.book.references(listing["chapter"]):
            listing += self.entry(
                entry, listing["id_prefix"], listing["backlinks"], listing["chapter"]
            )

    def entry(
        self, entry: ReferenceEntry, id_prefix: str, backlinks: bool, chapter: str
    ) -> reference_entry:
        node = reference_entry(
            "", ids=[id_prefix + self.book.anchors[entry.key]], classes=["source-reference"]
        )
        paragraph = self.formatted(entry.key, self.note(chapter, entry) if entry.note else None)
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

    def note(self, chapter: str, entry: ReferenceEntry) -> list[nodes.Node]:
        """The notes on *entry*'s work in *chapter*'s documents, as parsed, joined by "; "."""
        out: list[nodes.Node] = []
        for docname in self.book.by_docname[chapter].docnames:
            for note in self.domain.notes.get(docname, ()):
                if note.key == entry.key:
                    if out:
                        out.append(nodes.Text("; "))
                    content = [n.deepcopy() for n in note.content]
                    out.extend(content or [nodes.Text(note.text)])
        return out or [nodes.Text(entry.note or "")]

    def formatted(self, key: str, note: list[nodes.Node] | None = None) -> nodes.paragraph:
        if writes_entries_as_markup(self.builder):
            text: list[nodes.Node] = [formatted_entry("", self.domain.entry_text(key), key=key)]
        else:
            text = self.domain.entry_nodes(key)
        paragraph = nodes.paragraph("", "", *text)
        if note:
            paragraph += nodes.Text(" [")
            paragraph += note
            paragraph += nodes.Text("]")
        return paragraph

    # -- cross-chapter pages ---------------------------------------------------

    def frequency_table(self, min_chapters: int) -> nodes.Element:
        rows = self.book.frequent(min_chapters)
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

    def citation_map(self, min_chapters: int) -> nodes.Element:
        """The chapters × works picture of the works in the frequency table."""
        rows = self.book.frequent(min_chapters)
        if not rows or not self.book.chapters:
            return nodes.paragraph(
                "",
                f"No work is cited in {min_chapters} or more chapters.",
                classes=["citation-map-empty"],
            )
        chapters = self.book.chapters
        columns = tuple(
            MapChapter(chapter.label, chapter.heading, self.uri(chapter.docname))
            for chapter in chapters
        )
        lists = {
            chapter.docname: chapter.references_docname
            if self.shows_list(chapter.docname)
            else None
            for chapter in chapters
        }
        works = []
        for key, cited_in in rows:
            anchor = self.book.anchors[key]
            home = self.works_cited_page or lists[cited_in[0]]
            citing = set(cited_in)
            cells = tuple(
                (
                    self._cell_link(lists[chapter.docname], anchor)
                    if chapter.docname in citing
                    else None
                )
                for chapter in chapters
            )
            work = self.works[key]
            href = self.uri(home, anchor) if home is not None else None
            works.append(MapWork(work.cite_label, work.title, href, cells))
        picture = CitationMap(columns, tuple(works))
        legend = nodes.paragraph(
            "",
            f"Each column is a chapter, each row a work cited in {min_chapters} or more "
            "chapters; a filled square marks a chapter citing the work.",
            classes=["citation-map-legend"],
        )
        holder = nodes.container("", classes=["citation-map"])
        if self.builder.format in ("html", "latex"):
            holder += citation_map_picture(
                "",
                map=picture,
                title=f"Which chapters cite the {len(works)} works cited in {min_chapters} "
                "or more chapters",
            )
        else:
            holder += nodes.literal_block("", map_text(picture))
        holder += legend
        return holder

    def _cell_link(self, list_docname: str | None, anchor: str) -> str:
        if list_docname is None:
            return ""
        return self.uri(list_docname, anchor) or ""

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

    def chapter_links(self, docnames: tuple[str, ...]) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for position, docname in enumerate(docnames):
            if position:
                out.append(nodes.Text(", "))
            label = self.book.by_docname[docname].label
            uri = self.uri(docname)
            if uri is None:
                out.append(nodes.Text(label))
            else:
                out.append(nodes.reference("", label, refuri=uri, internal=True))
        return out

    def works_cited(self, min_chapters: int) -> nodes.Element:
        container = whole_book_listing("", classes=["works-cited"])
        frequent = _section("works-cited-frequent", "Frequently Cited Works")
        frequent += nodes.paragraph("", f"Works referenced in {min_chapters} or more chapters.")
        frequent += self.frequency_table(min_chapters)
        if self.config.citations_works_cited_map:
            frequent += self.citation_map(min_chapters)
        container += frequent
        for chapter in self.book.chapters:
            anchor = self.book.chapter_anchors[chapter.docname]
            section = _section(f"works-cited-{anchor}", chapter.heading)
            shared = self.book.shared_with.get(chapter.docname)
            if shared:
                line = nodes.paragraph("", "", classes=["works-cited-shared"])
                sharers = [self.book.by_docname[docname] for docname in shared]
                line += nodes.emphasis("", f"Shares sources with {join_chapters(sharers)}.")
                section += line
            section += self.references_list(
                chapter.docname, self.docname, backlinks=False, id_prefix=f"{anchor}-"
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
            heading = self.config.citations_category_titles.get(category.value, category.heading)
            group = _section(f"works-cited-{category.value}", heading)
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
