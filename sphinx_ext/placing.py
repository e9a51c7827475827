"""Write time: link citations and fill the lists and tables.

:func:`place_on_page` runs on ``doctree-resolved``, for every builder, on the
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

from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import NoUri

from sphinx_ext._book import (
    Backref,
    Book,
    Chapter,
    ItemRecord,
    ReferenceEntry,
    backlink_labels,
    chapter_phrase,
    item_records,
    shown_text,
)
from sphinx_ext._citation_map import CitationMap, MapChapter, MapWork, map_text
from sphinx_ext._works import Category
from sphinx_ext.diagnostics import Subtype, warn
from sphinx_ext.domain import CitationsDomain, get_domain
from sphinx_ext.nodes import (
    REFERENCES_SECTION,
    chapter_references,
    citation_frequency,
    citation_map,
    citation_map_picture,
    formatted_entry,
    linked_text,
    preorder,
    reference_entry,
    references_list,
    references_title,
    source_backlinks,
    source_citation,
    source_item,
    source_note,
    whole_book_listing,
    works_cited,
    works_cited_part,
)
from sphinx_ext.savings import HTML_PAGES, Saving, uses

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

__all__ = [
    "BACKLINK_SEPARATOR",
    "ITEM_SEPARATOR",
    "ItemLink",
    "ListedEntry",
    "WorksCitedContents",
    "backlinks_node",
    "citation_when_written",
    "entries_listed_elsewhere",
    "entries_when_written",
    "expand_when_written",
    "fill_list_when_written",
    "item_node",
    "place_on_page",
    "release_when_written",
    "shows_previews",
    "works_cited_contents",
    "works_cited_part_content",
]


def place_on_page(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: link citations to their entries, build every list and table."""
    placer = _placer_for(app.builder, docname)
    later = uses(app.builder, Saving.CITATIONS_WHEN_WRITTEN)
    # One walk over the tree; the nodes are changed after it, not during.
    for node in [node for node in preorder(doctree) if _to_place(node)]:
        if isinstance(node, source_citation):
            if later:
                placer.leave_for_writer(node)
            else:
                placer.expand_citation(node)
        elif isinstance(node, source_note):
            node.parent.remove(node)
        elif isinstance(node, chapter_references):
            placer.place_references(node)
        elif isinstance(node, citation_frequency):
            node.replace_self(placer.frequency_table(node["min_chapters"]))
        elif isinstance(node, citation_map):
            node.replace_self(placer.citation_map(node["min_chapters"]))
        elif isinstance(node, works_cited):
            if placer.works_cited_page not in (None, node.get("docname", docname)):
                warn(
                    "a second {works-cited} shows nothing: the book's Works Cited is %s",
                    placer.works_cited_page,
                    subtype=Subtype.PLACEMENT,
                    location=node,
                )
                node.parent.remove(node)
            else:
                anchor = _toc_anchor(doctree, node)
                node.replace_self(placer.works_cited(node["min_chapters"], anchor))


def _toc_anchor(doctree: nodes.document, node: nodes.Element) -> str:
    """The anchor of *node*'s section in its page's toc ("" for the page's first)."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    first = next(doctree.findall(nodes.section), None)
    if parent is None or parent is first or not parent["ids"]:
        return ""
    return f"#{parent['ids'][0]}"


def works_cited_contents(doctree: nodes.Node | None) -> WorksCitedContents | None:
    """The contents of the Works Cited in *doctree*, a page about to be written (HTML)."""
    listing = doctree.next_node(whole_book_listing) if doctree is not None else None
    if listing is None or "contents" not in listing:
        return None
    return WorksCitedContents(*listing["contents"])


def entries_listed_elsewhere(builder: Builder, page: str) -> nodes.Element | None:
    """The entries of the works cited on *page* when they are listed on another page.

    The citations of a chapter's sub-document link to the chapter's list, and
    those outside chapters to the Works Cited: their previews show these
    copies (``rendering.html_page``). One per work, as in a References list.
    """
    placer = _placer_for(builder, page)
    target = placer.list_page_of(page)
    records = placer.domain.stored_citations.get(page, ())
    if target is None or target == page or not records:
        return None
    chapter = placer.book.chapter_of.get(target)
    noted = {}
    if chapter is not None:
        noted = {entry.key: entry for entry in placer.book.references(chapter) if entry.note}
    listing = nodes.enumerated_list("", classes=["source-previews"])
    seen: set[str] = set()
    for record in records:
        for item in item_records(record[1]):
            key = item.key
            if key is None or key in seen or key not in placer.book.anchors:
                continue
            seen.add(key)
            entry = reference_entry("", ids=[placer.book.anchors[key]])
            note = placer.note(chapter, noted[key]) if chapter and key in noted else None
            entry += placer.formatted(key, note)
            listing += entry
    return listing if seen else None


def shows_previews(builder: Builder) -> bool:
    """Whether *builder*'s pages may carry the citation previews (HTML pages, not EPUB)."""
    return builder.name in HTML_PAGES


def expand_when_written(builder: Builder, citation: nodes.Element) -> None:
    """A writer's visit: give a citation held for the writer its items and links.

    :attr:`Saving.CITATIONS_WHEN_WRITTEN <sphinx_ext.savings.Saving.CITATIONS_WHEN_WRITTEN>`.
    """
    page = citation.get("page")
    if page is not None:
        assert isinstance(citation, source_citation)
        _placer_for(builder, page).expand_citation(citation)


def fill_list_when_written(builder: Builder, listing: nodes.Element) -> None:
    """A writer's visit: give a list left for the writer its entries.

    :attr:`Saving.LISTS_WHEN_WRITTEN <sphinx_ext.savings.Saving.LISTS_WHEN_WRITTEN>`.
    """
    page = listing.get("page")
    if page is not None and not listing.children:
        assert isinstance(listing, references_list)
        _placer_for(builder, page).fill_list(listing)


class ListedEntry(NamedTuple):
    """A References entry the HTML writer writes as markup, no node made for it.

    :attr:`Saving.LINKS_AS_MARKUP <sphinx_ext.savings.Saving.LINKS_AS_MARKUP>`:
    what :meth:`PagePlacer.entry` would make its ``reference_entry`` of.
    """

    #: The entry's ``id`` (the target of the citations' links).
    node_id: str
    key: str
    #: The style's label with its space (``"[KL93] "``), or "".
    label: str
    #: Each back-link's label and URI.
    targets: tuple[tuple[str, str], ...]


def entries_when_written(
    builder: Builder, listing: nodes.Element
) -> list[ListedEntry | nodes.Element] | None:
    """A writer's visit: a list left for the writer, as its entries (``None``: not left).

    An entry with a note is its nodes (a note is parsed content); any other,
    where the HTML writer writes links as markup, a :class:`ListedEntry`.
    """
    page = listing.get("page")
    if page is None or listing.children:
        return None
    assert isinstance(listing, references_list)
    return _placer_for(builder, page).listed_entries(listing)


def release_when_written(node: nodes.Element) -> None:
    """A writer's departure: drop what a citation or a list was given to be written."""
    if node.get("page") is not None:
        _dismantle(node.children)
        node.children = []


def citation_when_written(
    builder: Builder, citation: nodes.Element
) -> tuple[str, list[ItemLink], str] | None:
    """A writer's visit: a citation held for the writer, as its text and links.

    :attr:`Saving.LINKS_AS_MARKUP <sphinx_ext.savings.Saving.LINKS_AS_MARKUP>`:
    the writer writes them as markup, no node made. ``None`` for a citation
    not held for the writer (it has its nodes).
    """
    page = citation.get("page")
    if page is None:
        return None
    assert isinstance(citation, source_citation)
    return _placer_for(builder, page).citation_links(citation)


def works_cited_part_content(builder: Builder, page: str, part: str) -> nodes.Element | None:
    """The Works Cited's *part* on *page* (``works_cited_part``), made again to be written.

    :attr:`Saving.PARTS_AFTER_PAGE <sphinx_ext.savings.Saving.PARTS_AFTER_PAGE>`.
    ``None`` for a part the book no longer has.
    """
    return _placer_for(builder, page).part(part)


class ItemLink(NamedTuple):
    """An item of a citation as written: what it shows and where it links."""

    node_id: str | None
    shown: str
    #: The work's key; ``None`` for an item that matched no work.
    key: str | None = None
    uri: str | None = None
    #: The work's title, shown on hover where there are no previews.
    title: str | None = None


#: Between the items of a citation.
ITEM_SEPARATOR = "; "
#: Between the back-links of a References entry.
BACKLINK_SEPARATOR = ", "


def item_node(link: ItemLink) -> source_item:
    """An item of a citation as nodes: a ``source_item``, with a link to its entry."""
    item = source_item("", ids=[link.node_id] if link.node_id else [])
    if link.key is None:
        item["classes"].append("source-unresolved")
        item += nodes.Text(link.shown)
        return item
    item["key"] = link.key
    if link.uri is None:
        item += nodes.Text(link.shown)
        return item
    reference = nodes.reference(
        "", link.shown, refuri=link.uri, internal=True, classes=["source-ref"]
    )
    if link.title is not None:
        reference["reftitle"] = link.title
    item += reference
    return item


def backlinks_node(targets: tuple[tuple[str, str], ...]) -> source_backlinks:
    """A References entry's links back to its citations, from ``(label, uri)`` pairs."""
    links = source_backlinks("", classes=["source-backlinks"])
    for position, (label, uri) in enumerate(targets):
        if position:
            links += nodes.Text(BACKLINK_SEPARATOR)
        links += nodes.reference("", label, refuri=uri, internal=True, classes=["source-backlink"])
    return links


def _link_or_text(text: str, uri: str | None) -> nodes.Node:
    """*text* as an internal link to *uri*, or as text where there is no URI."""
    if uri is None:
        return nodes.Text(text)
    return nodes.reference("", text, refuri=uri, internal=True)


def _linked(pieces: tuple[tuple[str, str | None], ...], *, as_markup: bool) -> list[nodes.Node]:
    """``(text, URI)`` pieces as text and links: one ``linked_text`` the HTML writer writes
    as markup (:attr:`Saving.LINKS_AS_MARKUP <sphinx_ext.savings.Saving.LINKS_AS_MARKUP>`),
    or a node each."""
    if as_markup:
        return [linked_text("", "".join(text for text, _ in pieces), pieces=pieces)]
    return [_link_or_text(text, uri) for text, uri in pieces]


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


def _placer_for(builder: Builder, page: str) -> PagePlacer:
    """The placer of the page being written: one for its doctree-resolved, citations and lists.

    Kept with the book it places (:attr:`BookState.page_placer
    <sphinx_ext.build_state.BookState.page_placer>`) until another page is placed.
    """
    domain = get_domain(builder.env)
    state = domain.book_state
    placer = state.page_placer
    if placer is None or placer.docname != page or placer.builder is not builder:
        placer = state.page_placer = PagePlacer(domain, builder, page)
    return placer


def _to_place(node: nodes.Node) -> bool:
    """The nodes :func:`place_on_page` replaces: citations, notes and placeholders."""
    return isinstance(
        node,
        source_citation
        | source_note
        | chapter_references
        | citation_frequency
        | citation_map
        | works_cited,
    )


class PagePlacer:
    """Places one page's citations, lists and tables, for one builder and one book."""

    def __init__(self, domain: CitationsDomain, builder: Builder, docname: str) -> None:
        self.domain = domain
        #: The book and its entries, formatted once per build.
        self.state = domain.book_state
        self.book: Book = self.state.book
        self.builder = builder
        self.docname = docname
        self.config = builder.config
        self.works = domain.works
        self.works_cited_page = self.state.works_cited_page
        self._uris: dict[str, str | None] = {}
        # HTML pages only (not EPUB): the popups of sphinx_ext/static.
        self.previews = bool(self.config.citations_previews) and shows_previews(builder)

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
        opening, links, closing = self.citation_links(citation)
        children: list[nodes.Node] = [nodes.Text(opening)]
        for position, link in enumerate(links):
            if position:
                children.append(nodes.Text(ITEM_SEPARATOR))
            children.append(item_node(link))
        children.append(nodes.Text(closing))
        _dismantle(citation.children)  # the text held for search, if any
        citation.children = []
        citation.extend(children)

    def citation_links(self, citation: source_citation) -> tuple[str, list[ItemLink], str]:
        """A citation as written: its opening text, each item's link, its closing text."""
        target = self.list_page_of(citation["docname"])
        links = [
            self.item_link(record, target) for record in item_records(citation.get("items", ()))
        ]
        return citation.get("lead", "") + "[Source: ", links, "]" + citation.get("trail", "")

    def leave_for_writer(self, citation: source_citation) -> None:
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

    def item_link(self, record: ItemRecord, target: str | None) -> ItemLink:
        """What an item of a citation shows, and where it links (*target*: the list's page)."""
        shown = shown_text(record, self.works)
        key = record.key
        if key is None:
            return ItemLink(record.node_id, shown)
        uri = self.uri(target, self.book.anchors[key]) if target is not None else None
        # With previews, the popup shows the whole entry instead of a title.
        title = None if uri is None or self.previews else self.works[key].title
        return ItemLink(record.node_id, shown, key, uri, title)

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
            added = placeholder.parent
            if not (isinstance(added, nodes.section) and REFERENCES_SECTION in added["classes"]):
                added = None  # a placeholder alone, as read by an earlier version
            if not wanted or chapter is None:
                if added is not None:
                    _drop_section(added)
                else:
                    placeholder.parent.remove(placeholder)
                return
            listing = self.references_list(chapter.docname, docname, backlinks=True)
            if added is not None:
                placeholder.replace_self(listing)
                return
            section = nodes.section(
                "", ids=[placeholder.get("section_id", "references")], classes=[REFERENCES_SECTION]
            )
            section += references_title("", self.config.citations_references_title)
            section += listing
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
        if uses(self.builder, Saving.LISTS_WHEN_WRITTEN):
            # Made when written (fill_list_when_written), one list at a time.
            listing["page"] = self.docname
        else:
            self.fill_list(listing)
        return listing

    def fill_list(self, listing: nodes.Element) -> None:
        """Give a references list its entries, as nodes (:meth:`listed_entries`: as markup)."""
        for entry in self.book.references(listing["chapter"]):
            listing += self.entry(
                entry, listing["id_prefix"], listing["backlinks"], listing["chapter"]
            )

    def listed_entries(self, listing: nodes.Element) -> list[ListedEntry | nodes.Element] | None:
        """The entries of a list left for the writer, where it writes them as markup.

        ``None`` where it does not (the list is then filled with nodes,
        :meth:`fill_list`).
        """
        if not (
            uses(self.builder, Saving.LINKS_AS_MARKUP) and uses(self.builder, Saving.ENTRY_MARKUP)
        ):
            return None
        chapter: str = listing["chapter"]
        id_prefix: str = listing["id_prefix"]
        backlinks: bool = listing["backlinks"]
        return [
            self.entry(entry, id_prefix, backlinks, chapter)
            if entry.note
            else self.listed_entry(entry, id_prefix, backlinks, chapter)
            for entry in self.book.references(chapter)
        ]

    def listed_entry(
        self, entry: ReferenceEntry, id_prefix: str, backlinks: bool, chapter: str
    ) -> ListedEntry:
        """An entry of *chapter*'s list: its id, label and back-links."""
        return ListedEntry(
            id_prefix + self.book.anchors[entry.key],
            entry.key,
            self.state.label_in(chapter, entry.key),
            self.backlink_targets(entry.backrefs) if backlinks and entry.backrefs else (),
        )

    def entry(
        self, entry: ReferenceEntry, id_prefix: str, backlinks: bool, chapter: str
    ) -> reference_entry:
        """An entry of *chapter*'s list as nodes (:meth:`listed_entry` and the formatted entry)."""
        listed = self.listed_entry(entry, id_prefix, backlinks, chapter)
        node = reference_entry("", ids=[listed.node_id], classes=["source-reference"])
        paragraph = self.formatted(
            entry.key, self.note(chapter, entry) if entry.note else None, chapter=chapter
        )
        if listed.targets:
            paragraph += nodes.Text(" ")
            paragraph += backlinks_node(listed.targets)
        node += paragraph
        return node

    def backlink_targets(self, backrefs: tuple[Backref, ...]) -> tuple[tuple[str, str], ...]:
        """Each back-link's label and URI (the places a link cannot reach left out)."""
        labels = self.backlink_labels(backrefs)
        targets = []
        for label, (docname, node_id, _, _) in zip(labels, backrefs, strict=True):
            uri = self.uri(docname, node_id)
            if uri is not None:
                targets.append((label, uri))
        return tuple(targets)

    def backlink_labels(self, backrefs: tuple[Backref, ...]) -> list[str]:
        """The citing places' section numbers (and paragraphs, where needed)."""
        numbers = self.builder.env.toc_secnumbers
        # singlehtml writes its one page with every document's numbers merged under the
        # root document, keyed "docname/#anchor" (Sphinx's assemble_toc_secnumbers).
        merged = numbers.get(self.config.root_doc, {})
        places: list[tuple[tuple[int, ...] | None, int]] = []
        for docname, _, sections, paragraph in backrefs:
            in_doc = numbers.get(docname)
            if in_doc is None:
                in_doc = {
                    a: merged[f"{docname}/{a}"] for a in sections if f"{docname}/{a}" in merged
                }
            number = next((in_doc[a] for a in sections if in_doc.get(a)), None)
            places.append((number, paragraph))
        return backlink_labels(places)

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

    def formatted(
        self, key: str, note: list[nodes.Node] | None = None, *, chapter: str | None = None
    ) -> nodes.paragraph:
        if uses(self.builder, Saving.ENTRY_MARKUP):
            text: list[nodes.Node] = [formatted_entry("", self.state.entry_text(key), key=key)]
        else:
            text = self.state.entry_nodes(key)
        label = self.state.label_in(chapter, key)
        if label:
            # The book's bibliography label, as sphinxcontrib-bibtex shows it.
            text.insert(0, nodes.Text(label))
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
        # Made to be written with the page, by the HTML writer where it writes links as markup.
        as_markup = uses(self.builder, Saving.LINKS_AS_MARKUP)
        for key, chapters in rows:
            links = _linked(self.chapter_pieces(chapters, key), as_markup=as_markup)
            body += _row(self.short_work(key), *links)
        group += body
        return table

    def citation_map(self, min_chapters: int, *, after_page: bool = False) -> nodes.Element:
        """The chapters × works picture of the works in the frequency table, with its legend.

        *after_page*: the Works Cited's map, which HTML may write after the page.
        """
        drawn = self._map_picture(min_chapters)
        if drawn is None:
            return nodes.paragraph(
                "",
                f"No work is cited in {min_chapters} or more chapters.",
                classes=["citation-map-empty"],
            )
        legend = nodes.paragraph(
            "",
            f"Each column is a chapter, each row a work cited in {min_chapters} or more "
            "chapters; a filled square marks a chapter citing the work.",
            classes=["citation-map-legend"],
        )
        holder = nodes.container("", classes=["citation-map"])
        if self.builder.format in ("html", "latex"):
            holder += self._after_page(f"map:{min_chapters}", drawn) if after_page else drawn
        else:
            holder += nodes.literal_block("", map_text(drawn["map"]))
        holder += legend
        return holder

    def _map_picture(self, min_chapters: int) -> citation_map_picture | None:
        """The map of the works cited in *min_chapters* or more chapters (None: no such work)."""
        rows = self.book.frequent(min_chapters)
        if not rows or not self.book.chapters:
            return None
        chapters = self.book.chapters
        columns = tuple(
            MapChapter(
                chapter.label,
                chapter.heading,
                self.uri(chapter.docname),
                f"Chapter {chapter.label}" if chapter.number else chapter.title,
            )
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
        return citation_map_picture(
            "",
            map=CitationMap(columns, tuple(works)),
            title=f"Which chapters cite the {len(works)} works cited in {min_chapters} "
            "or more chapters",
        )

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

    def chapter_pieces(
        self, docnames: tuple[str, ...], key: str
    ) -> tuple[tuple[str, str | None], ...]:
        """The chapters citing *key*, each linking to the work's entry in its list, as
        ``(text, URI)`` pieces (:func:`_linked`)."""
        pieces: list[tuple[str, str | None]] = []
        for position, docname in enumerate(docnames):
            if position:
                pieces.append((", ", None))
            pieces.append((self.book.by_docname[docname].label, self.chapter_uri(docname, key)))
        return tuple(pieces)

    def chapter_link(self, docname: str, text: str, key: str | None = None) -> nodes.Node:
        """*text* linking to the chapter, or to *key*'s entry in its References."""
        return _link_or_text(text, self.chapter_uri(docname, key))

    def chapter_uri(self, docname: str, key: str | None = None) -> str | None:
        """The chapter's URI, or that of *key*'s entry in its References (None: no link)."""
        chapter = self.book.by_docname[docname]
        if key is not None and self.shows_list(docname):
            return self.uri(chapter.references_docname, self.book.anchors[key])
        return self.uri(docname)

    def chapter_phrase(self, chapters: list[Chapter], key: str | None = None) -> list[nodes.Node]:
        """:func:`~sphinx_ext._book.join_chapters`, each chapter shown a link.

        Where the HTML writer writes links as markup, one ``linked_text``.
        """
        pieces = tuple(
            (part, None)
            if isinstance(part, str)
            else (part.label, self.chapter_uri(part.docname, key))
            for part in chapter_phrase(chapters)
        )
        return _linked(pieces, as_markup=uses(self.builder, Saving.LINKS_AS_MARKUP))

    def works_cited(self, min_chapters: int, anchor: str = "") -> nodes.Element:
        """The whole Works Cited; *anchor* names the section it stands in (contents)."""
        container = whole_book_listing("", classes=["works-cited"])
        frequent = _section("works-cited-frequent", "Frequently Cited Works")
        frequent += nodes.paragraph("", f"Works referenced in {min_chapters} or more chapters.")
        frequent += self.frequency_table(min_chapters)
        if self.config.citations_works_cited_map:
            frequent += self.citation_map(min_chapters, after_page=True)
        html = self.builder.name in HTML_PAGES
        chapters = []
        shortcuts = []
        for chapter in self.book.chapters:
            anchor_of = self.book.chapter_anchors[chapter.docname]
            # A link in HTML only: in LaTeX a linked heading is a link in the
            # running head, the contents and the bookmarks too.
            heading = [self.chapter_link(chapter.docname, chapter.heading)] if html else []
            section = _section(f"works-cited-{anchor_of}", chapter.heading, *heading)
            shortcuts.append((f"works-cited-{anchor_of}", chapter.label))
            shared = self.book.shared_with.get(chapter.docname)
            if shared:
                line = nodes.paragraph("", "", classes=["works-cited-shared"])
                sharers = [self.book.by_docname[docname] for docname in shared]
                line += nodes.emphasis(
                    "",
                    "Shares sources with ",
                    *self.chapter_phrase(sharers),
                    nodes.Text("."),
                )
                section += line
            section += self._after_page(f"list:{chapter.docname}", self._chapter_list(chapter))
            chapters.append(section)
        categories = self.by_category()
        if html:
            entries = [_toc_entry(section) for section in (frequent, *chapters, categories)]
            # For the theme's contents (rendering.html_page), maybe in another process.
            container["contents"] = (anchor, entries, shortcuts)
            container += WorksCitedContents(anchor, entries, shortcuts).in_page()
        container += frequent
        container.extend(chapters)
        container += categories
        return container

    def _chapter_list(self, chapter: Chapter) -> nodes.Element:
        """The Works Cited's copy of *chapter*'s References, without back-links."""
        anchor_of = self.book.chapter_anchors[chapter.docname]
        return self.references_list(
            chapter.docname, self.docname, backlinks=False, id_prefix=f"{anchor_of}-"
        )

    def _after_page(self, part: str, content: nodes.Element) -> nodes.Element:
        """*content*, held to be written after the page where that saving is used."""
        if not uses(self.builder, Saving.PARTS_AFTER_PAGE):
            return content
        return works_cited_part("", content, part=part)

    def part(self, part: str) -> nodes.Element | None:
        """The content of a :func:`_after_page` part, made again (None: no longer there)."""
        kind, _, name = part.partition(":")
        if kind == "list" and name in self.book.by_docname:
            return self._chapter_list(self.book.by_docname[name])
        if kind == "category" and name in {category.value for category in Category}:
            keys = self._category_keys(Category(name))
            # Made to be written at once, by the HTML writer.
            as_markup = uses(self.builder, Saving.LINKS_AS_MARKUP)
            return self._category_list(keys, as_markup=as_markup) if keys else None
        if kind == "map" and name.isdigit():
            return self._map_picture(int(name))
        return None

    def cited_in(
        self, key: str, docnames: tuple[str, ...], *, as_markup: bool = False
    ) -> nodes.paragraph:
        """ "Cited in Chapters 1, 3 and 6.", each chapter a link to the work's entry there.

        *as_markup*: held as ``(text, URI)`` pieces the HTML writer writes
        (:attr:`Saving.LINKS_AS_MARKUP <sphinx_ext.savings.Saving.LINKS_AS_MARKUP>`).
        """
        line = nodes.paragraph("", "", classes=["works-cited-chapters"])
        line.extend(_linked(self._cited_in_pieces(key, docnames), as_markup=as_markup))
        return line

    def _cited_in_pieces(
        self, key: str, docnames: tuple[str, ...]
    ) -> tuple[tuple[str, str | None], ...]:
        chapters = [self.book.by_docname[docname] for docname in docnames]
        numbered = [chapter for chapter in chapters if chapter.number]
        pieces: list[tuple[str, str | None]] = [("Cited in ", None)]
        if numbered:
            pieces.append((f"Chapter{'s' if len(numbered) > 1 else ''} ", None))
        for position, chapter in enumerate(chapters):
            if position:
                last = position == len(chapters) - 1
                between = (", and " if len(chapters) > 2 else " and ") if last else ", "
                pieces.append((between, None))
            link = (chapter.label, self.chapter_uri(chapter.docname, key))
            if chapter.number:
                pieces.append(link)
            else:
                pieces += [("\u201c", None), link, ("\u201d", None)]
        pieces.append((".", None))
        return tuple(pieces)

    def by_category(self) -> nodes.section:
        section = _section("works-cited-categories", "Sources by Category")
        after_page = uses(self.builder, Saving.PARTS_AFTER_PAGE)
        for category in Category:
            keys = self._category_keys(category)
            if not keys:
                continue
            heading = self.config.citations_category_titles.get(category.value, category.heading)
            group = _section(f"works-cited-{category.value}", heading)
            if after_page:
                # Its words only, for search: the list itself is made once, after the page.
                group += works_cited_part(
                    "", nodes.Text(self._category_words(keys)), part=f"category:{category.value}"
                )
            else:
                group += self._category_list(keys)
            section += group
        return section

    @cached_property
    def _chapters_citing(self) -> dict[str, tuple[str, ...]]:
        """The chapters citing each work the book cites."""
        return dict(self.book.frequency)

    def _category_keys(self, category: Category) -> list[str]:
        """The works of *category* the book cites, by label."""
        return sorted(
            (key for key, _ in self.book.frequency if self.works[key].category is category),
            key=lambda key: self.works[key].cite_label.casefold(),
        )

    def _category_list(self, keys: list[str], *, as_markup: bool = False) -> nodes.bullet_list:
        """The works of *keys* (a category's), each with the chapters citing it."""
        listing = nodes.bullet_list("", classes=["works-cited-category"])
        listing.extend(self._category_item(key, as_markup=as_markup) for key in keys)
        return listing

    def _category_item(self, key: str, *, as_markup: bool = False) -> reference_entry:
        item = reference_entry("", ids=[self.book.anchors[key]], classes=["source-reference"])
        item += self.formatted(key)
        item += self.cited_in(key, self._chapters_citing[key], as_markup=as_markup)
        return item

    def _category_words(self, keys: list[str]) -> str:
        """The text of the category list of *keys*: each text node's, a line each."""
        # A search index of the same words, without the list's nodes living
        # until the page is written. With the entries' markup, each item's
        # text nodes are known without making them: its label, its entry's
        # text, and the pieces of its "Cited in" line.
        if not uses(self.builder, Saving.ENTRY_MARKUP):
            return "\n".join(
                text.astext()
                for key in keys
                for text in self._category_item(key).findall(nodes.Text)
            )
        lines = []
        for key in keys:
            label = self.state.label_in(None, key)
            if label:
                lines.append(label)
            lines.append(self.state.entry_text(key))
            lines.extend(text for text, _ in self._cited_in_pieces(key, self._chapters_citing[key]))
        return "\n".join(lines)


def _drop_section(section: nodes.section) -> None:
    """Remove an added References section the book does not want, and its contents entries."""
    ids = set(section["ids"])
    # Its document's part of the tree only (LaTeX writes the whole book as one).
    scope: nodes.Element = section
    while scope.parent is not None and not isinstance(scope, addnodes.start_of_file):
        scope = scope.parent
    for topic in list(scope.findall(nodes.topic)):
        for reference in list(topic.findall(nodes.reference)):
            if reference.get("refid") in ids:
                _remove_entry(reference)
    section.parent.remove(section)


def _remove_entry(reference: nodes.reference) -> None:
    """The contents entry holding *reference*, and its list where it was the only one."""
    item: nodes.Element | None = reference.parent
    while item is not None and not isinstance(item, nodes.list_item):
        item = item.parent
    if item is None:
        return
    listing = item.parent
    listing.remove(item)
    if isinstance(listing, nodes.bullet_list) and not listing.children:
        holder = listing.parent
        holder.remove(listing)
        if isinstance(holder, nodes.topic) and next(holder.findall(nodes.list_item), None) is None:
            holder.parent.remove(holder)  # a contents box with nothing left


def _section(section_id: str, title: str, *shown: nodes.Node) -> nodes.section:
    """A section; its heading shows *shown* (a link, say) or else *title*."""
    section = nodes.section("", ids=[section_id])
    section += nodes.title(title, "", *shown) if shown else nodes.title("", title)
    return section


_TocEntry = tuple[str, str, list[Any]]


def _toc_entry(section: nodes.section) -> _TocEntry:
    """A section's id, title, and its subsections' the same way."""
    title = section.next_node(nodes.title)
    children = [_toc_entry(child) for child in section.children if isinstance(child, nodes.section)]
    return section["ids"][0], title.astext() if title else "", children


def _toc_items(entries: list[_TocEntry]) -> list[nodes.list_item]:
    """*entries* as Sphinx writes a page's contents (its TocTreeCollector)."""
    items = []
    for section_id, title, children in entries:
        reference = nodes.reference(
            "", title, internal=True, refuri="#" + section_id, anchorname="#" + section_id
        )
        item = nodes.list_item("", addnodes.compact_paragraph("", "", reference))
        if children:
            item += nodes.bullet_list("", *_toc_items(children))
        items.append(item)
    return items


class WorksCitedContents:
    """The Works Cited's own contents: its table, each chapter, each category.

    Shown at the top of the listing (:meth:`in_page`, every theme) and in the
    theme's "On this page" (:meth:`add_to_toc`), which Sphinx makes when the
    page is read, before the chapters are known.
    """

    def __init__(
        self, anchor: str, entries: list[_TocEntry], chapters: list[tuple[str, str]]
    ) -> None:
        #: The toc anchor of the section the listing stands in ("" for the page's).
        self.anchor = anchor
        #: Each section's id, title and subsections (see :func:`_toc_entry`).
        self.entries = entries
        #: Each chapter's section id and label (its number), for the short line.
        self.chapters = chapters

    def in_page(self) -> nodes.Element:
        """The table; the chapters by label on one line; the categories on one line."""
        box = nodes.container("", classes=["works-cited-contents"])
        chapter_ids = {section_id for section_id, _ in self.chapters}
        chapters_done = False
        for section_id, title, children in self.entries:
            if section_id in chapter_ids:
                if not chapters_done:
                    line = nodes.paragraph("", "Chapters: ")
                    for position, (chapter_id, label) in enumerate(self.chapters):
                        if position:
                            line += nodes.Text(" · ")
                        line += nodes.reference("", label, refid=chapter_id, internal=True)
                    box += line
                    chapters_done = True
                continue
            line = nodes.paragraph("", "")
            line += nodes.reference("", title, refid=section_id, internal=True)
            for position, (child_id, child_title, _) in enumerate(children):
                line += nodes.Text(" · " if position else ": ")
                line += nodes.reference("", child_title, refid=child_id, internal=True)
            box += line
        return box

    def add_to_toc(self, toc: nodes.Node) -> bool:
        """Add the sections under the listing's own in *toc* (a page's toc); whether it could."""
        for reference in toc.findall(nodes.reference):
            if reference.get("anchorname", "") == self.anchor:
                item = reference.parent.parent
                assert isinstance(item, nodes.Element)
                sublist = next((c for c in item.children if isinstance(c, nodes.bullet_list)), None)
                if sublist is None:
                    sublist = nodes.bullet_list()
                    item += sublist
                sublist.extend(_toc_items(self.entries))
                return True
        return False


def _row(*cells: nodes.Node) -> nodes.row:
    row = nodes.row()
    first = nodes.entry()
    first += nodes.paragraph("", "", cells[0])
    row += first
    second = nodes.entry()
    second += nodes.paragraph("", "", *cells[1:])
    row += second
    return row
