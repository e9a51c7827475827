"""The ``citations`` domain: per-document citation state, and the book built from it.

Its :attr:`~CitationsDomain.data` is per document only: the citations (with
the keys of their matched works), the ``{source-note}`` notes, which
placeholder directives the document holds, the References section added to
it and, for the ``sourcecheck`` builder, its sentences stating figures. That
data is collected in :meth:`CitationsDomain.process_doc` (the sentences on
``doctree-read``), dropped in :meth:`~CitationsDomain.clear_doc` and merged
from parallel readers in :meth:`~CitationsDomain.merge_domaindata`, so
reading is parallel safe.

What one build computes lives in one typed object, never pickled,
:attr:`CitationsDomain.build_state` (:mod:`sphinx_ext.build_state`): the works and
their label index, made on ``builder-inited``; and everything that depends on
every chapter (the :class:`~sphinx_ext._book.Book`, the entries' style and
labels), computed once per build after reading (``env-get-updated``, or
``write-started`` when nothing was read), never per document.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

import pybtex.plugin
from docutils import nodes
from pybtex.style.template import FieldIsMissing
from sphinx import addnodes
from sphinx.domains import Domain
from sphinxcontrib.bibtex.citation_target import parse_citation_targets
from sphinxcontrib.bibtex.nodes import bibliography as bibtex_bibliography

from sphinx_ext import bibliography
from sphinx_ext._book import (
    MALFORMED,
    Book,
    Chapter,
    CitationRecord,
    ItemRecord,
    NoteRecord,
    StoredCitation,
    StoredItem,
    build_book,
    citation_record,
    item_records,
    stored_items,
)
from sphinx_ext._links import link_problem
from sphinx_ext._matching import LabelIndex, Status
from sphinx_ext._parser import Item as ParsedItem
from sphinx_ext._parser import parse_items
from sphinx_ext._works import (
    Category,
    Work,
    build_works,
    categories_by_type,
    draft_work,
    letter_works,
    letters_over,
)
from sphinx_ext.build_state import BookState, BuildState
from sphinx_ext.chapters import Chapters, find_chapters, in_reading_order
from sphinx_ext.diagnostics import Subtype, shorten, warn
from sphinx_ext.nodes import (
    REFERENCES_SECTION,
    chapter_references,
    citation_frequency,
    citation_map,
    preorder,
    source_citation,
    source_note,
    works_cited,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from collections.abc import Set as AbstractSet

    from pybtex.database import Entry
    from pybtex.style.formatting import BaseStyle
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinxcontrib.bibtex.domain import BibtexDomain

    from sphinx_ext.verify._claims import Sentence

__all__ = ["CitationsDomain", "get_domain"]

#: Placements recorded per document.
WORKS_CITED = "works-cited"
FREQUENCY = "citation-frequency"
CITATION_MAP = "citation-map"
CHAPTER_REFERENCES = "chapter-references"
#: sphinxcontrib-bibtex's ``{bibliography}``.
BIBLIOGRAPHY = "bibliography"


class CitationsDomain(Domain):
    """Citation state of every document, and the book-wide view of it."""

    name = "citations"
    label = "Citations"
    data_version = 4
    initial_data: ClassVar[dict[str, Any]] = {
        "citations": {},  # docname -> list[StoredCitation]
        "notes": {},  # docname -> list[NoteRecord]
        "placements": {},  # docname -> sorted list of placement names
        "sections": {},  # docname -> (id, title) of the References section added to it
        "sentences": {},  # docname -> list[Sentence], read by the sourcecheck builder only
    }
    #: The per-document tables of :attr:`data`.
    _PER_DOCUMENT = ("citations", "notes", "placements", "sections", "sentences")

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        #: This build's bibliography and book, in this process (never pickled).
        self._state: BuildState | None = None

    # -- per-document state ---------------------------------------------------

    @property
    def stored_citations(self) -> dict[str, list[StoredCitation]]:
        """docname → its citations, as kept (:data:`~sphinx_ext._book.StoredItem`)."""
        return cast("dict[str, list[StoredCitation]]", self.data["citations"])

    def citation_records(self) -> Mapping[str, list[CitationRecord]]:
        """docname → its citations as records, made for one document at a time."""
        return _CitationRecords(self.stored_citations)

    @property
    def notes(self) -> dict[str, list[NoteRecord]]:
        return cast("dict[str, list[NoteRecord]]", self.data["notes"])

    @property
    def added_sections(self) -> dict[str, tuple[str, str]]:
        """docname → ``(id, title)`` of the References section added to it when read."""
        return cast("dict[str, tuple[str, str]]", self.data["sections"])

    @property
    def placements(self) -> dict[str, list[str]]:
        return cast("dict[str, list[str]]", self.data["placements"])

    @property
    def sentences(self) -> dict[str, list[Sentence]]:
        """docname → the sentences of the book that state figures (sourcecheck builds only)."""
        return cast("dict[str, list[Sentence]]", self.data["sentences"])

    def clear_doc(self, docname: str) -> None:
        self.build_state.read.add(docname)
        for name in self._PER_DOCUMENT:
            self.data[name].pop(docname, None)

    def merge_domaindata(self, docnames: AbstractSet[str], otherdata: dict[str, Any]) -> None:
        for name in self._PER_DOCUMENT:
            for docname, value in otherdata[name].items():
                if docname in docnames:
                    self.data[name][docname] = value
        self.build_state.read.update(docnames)

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        self.build_state.read.add(docname)
        records: list[StoredCitation] = []
        notes: list[NoteRecord] = []
        placements: set[str] = set()
        known = self.works
        places = _Places()
        for node in preorder(document):
            if isinstance(node, nodes.section | nodes.paragraph):
                places.count(node)
            elif isinstance(node, source_citation):
                records.append((node.get("line"), _items_of(node), "", *places.of(node)))
            elif isinstance(node, nodes.Element) and node.get("refdomain") == "cite":
                sections, paragraph = places.of(node)
                record = _cite_role_record(node, known)._replace(
                    sections=sections, paragraph=paragraph
                )
                records.append(record.stored())
            elif isinstance(node, source_note):
                notes.append(
                    NoteRecord(node["key"], node["note"], node.get("line"), node.get("content", ()))
                )
            elif isinstance(node, chapter_references) and not node.get("auto"):
                placements.add(CHAPTER_REFERENCES)
            elif isinstance(node, chapter_references):
                section = node.parent
                if isinstance(section, nodes.section) and REFERENCES_SECTION in section["classes"]:
                    self.added_sections[docname] = (section["ids"][0], section[0].astext())
            elif isinstance(node, works_cited):
                placements.add(WORKS_CITED)
            elif isinstance(node, citation_frequency):
                placements.add(FREQUENCY)
            elif isinstance(node, bibtex_bibliography):
                placements.add(BIBLIOGRAPHY)
            elif isinstance(node, citation_map):
                placements.add(CITATION_MAP)
        if records:
            self.stored_citations[docname] = records
        if notes:
            self.notes[docname] = notes
        if placements:
            self.placements[docname] = sorted(placements)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: addnodes.pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        # Citations are not cross-reference targets of the ``any`` role.
        return []

    # -- the bibliography and the book, once per build -----------------------

    def load_works(
        self, builder: Builder | None = None, drafts: Mapping[str, Work] | None = None
    ) -> BuildState:
        """A new :class:`BuildState`: the works and their label index, from the bibliography.

        *drafts* are the works drafted as the bibliography was parsed
        (:func:`sphinx_ext.bibliography.load_bibliography`), if it was.
        """
        entries = bibliography.bibdata(self.env).data.entries
        if drafts is not None:
            works = letter_works(drafts)
        else:
            works = build_works(entries, _type_categories(self.env.config))
        if builder is not None:
            entries = bibliography.keep_entries_pickled(self.env, builder)
        self._state = BuildState(builder, entries, works, LabelIndex(works))
        return self._state

    @property
    def build_state(self) -> BuildState:
        """This build's state (made on ``builder-inited``, or when first asked)."""
        return self._state if self._state is not None else self.load_works()

    @property
    def works(self) -> dict[str, Work]:
        """Every work of the bibliography, by key (once the book is computed, with its letters)."""
        state = self.build_state
        return state.book.works if state.book is not None else state.works

    @property
    def index(self) -> LabelIndex:
        """The label index, built once per build (before parallel readers fork)."""
        return self.build_state.index

    @property
    def book_state(self) -> BookState:
        """The book and what is derived from it; computed on first use after reading."""
        state = self.build_state
        if state.book is None:
            state.book = self.compute_book()
        return state.book

    @property
    def book(self) -> Book:
        """The book-wide view; computed on first use after reading."""
        return self.book_state.book

    def find_chapters(self) -> Chapters:
        """The book's chapters, with what a warning about their numbers needs."""
        list_docs = {d for d, p in self.placements.items() if CHAPTER_REFERENCES in p}
        mode = self.env.config.citations_chapters
        # A page of its own for sphinxcontrib-bibtex's bibliography is no chapter.
        bibliographies = [
            d
            for d, p in self.placements.items()
            if BIBLIOGRAPHY in p and d not in self.stored_citations
        ]
        return find_chapters(
            self.env, list_docs, mode, {*self.pages_of_whole_book(), *bibliographies}
        )

    def compute_book(self) -> BookState:
        """The book of what was read, and everything derived from it, for this build."""
        state = self.build_state
        found = self.find_chapters()
        config = self.env.config
        role_book = self.cites_with_roles()
        works = state.works
        relettered: dict[str, Work] = {}
        if _letters_mode(config, role_book) == "cited":
            cited = (
                item[0]
                for citations in self.stored_citations.values()
                for citation in citations
                for item in citation[1]
                if item[0] is not None and item[0] in works
            )
            relettered = letters_over(works, cited)
            works = {**works, **relettered}
        labels = {key: work.cite_label for key, work in works.items()}
        order = config.citations_references_order
        book = build_book(found.chapters, self.citation_records(), self.notes, labels, order)
        style_name = _style_name(config, role_book)
        style = _pybtex_style(style_name) if style_name else None
        style_labels: dict[str, str] = {}
        chapter_labels: dict[str, dict[str, str]] = {}
        if style is not None:
            keys = [key for key, _ in book.frequency]
            style_labels, chapter_labels = _cite_labels(
                self.env, style, keys, book.chapters, state.entries
            )
        pages = in_reading_order(self.env, self.pages_of_whole_book())
        works_cited_page = next(
            (page for page in pages if WORKS_CITED in self.placements.get(page, ())), None
        )
        # Entries are formatted for this book's style and letters.
        return BookState(
            book,
            found,
            works,
            frozenset(relettered),
            state.entries,
            style,
            style_labels,
            chapter_labels,
            works_cited_page,
        )

    def cites_with_roles(self) -> bool:
        """Whether the book cites with sphinxcontrib-bibtex's roles (a ``{cite}`` book)."""
        return any(
            citation[2]  # the role (see StoredCitation)
            for citations in self.stored_citations.values()
            for citation in citations
        )

    def shows_list(self, chapter: str) -> bool:
        """Whether the chapter's References appear anywhere (placed, or automatic)."""
        if self.env.config.citations_auto_references:
            return True
        placed_in = self.book.by_docname[chapter].references_docname
        return CHAPTER_REFERENCES in self.placements.get(placed_in, ())

    def pages_of_whole_book(self) -> list[str]:
        """Documents showing the frequency table or the Works Cited."""
        return sorted(d for d, p in self.placements.items() if WORKS_CITED in p or FREQUENCY in p)

    def pages_showing_every_chapter(self) -> list[str]:
        """Documents that change with any chapter: those of the whole book, and
        those showing a citation map (a chapter may hold one)."""
        return sorted(
            d
            for d, p in self.placements.items()
            if WORKS_CITED in p or FREQUENCY in p or CITATION_MAP in p
        )

    def citing_locations(self) -> dict[str, list[tuple[str, int | None, str | None, str]]]:
        """Every place each work is cited: key → ``[(docname, line, locator, role)]``.

        *role* is the sphinxcontrib-bibtex role (``"cite:p"``), or ``""`` for ``[Source: …]``.
        """
        found: dict[str, list[tuple[str, int | None, str | None, str]]] = {}
        records = self.citation_records()
        for docname in sorted(records):
            for record in records[docname]:
                for item in record.items:
                    if item.key is not None:
                        found.setdefault(item.key, []).append(
                            (docname, record.line, item.locator, record.role)
                        )
        return found


class _CitationRecords(Mapping[str, list[CitationRecord]]):
    # Records made for every citation at once would all live until the book
    # is computed: long enough for the garbage collector to move them among
    # its oldest objects, and start one more walk over the whole heap.
    def __init__(self, stored: dict[str, list[StoredCitation]]) -> None:
        self._stored = stored

    def __getitem__(self, docname: str) -> list[CitationRecord]:
        return [citation_record(citation) for citation in self._stored[docname]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._stored)

    def __len__(self) -> int:
        return len(self._stored)


def _cite_labels(
    env: BuildEnvironment,
    style: BaseStyle,
    keys: list[str],
    chapters: list[Chapter],
    entries: Mapping[str, Entry],
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The label of each cited work, as the book's bibliography shows it.

    Where a ``{bibliography}`` lists the work, its label there (the one
    inline ``{cite}`` text shows, sphinxcontrib-bibtex resolving a
    citation to the last bibliography listing its key); otherwise the
    style's label among such works.
    """
    bibtex = cast("BibtexDomain", env.get_domain("cite"))
    labels: dict[str, str] = {}
    in_document: dict[str, dict[str, str]] = {}
    for citation in bibtex.citations:
        bibliography = bibtex.bibliographies.get(citation.bibliography_key)
        if bibliography is not None and bibliography.list_ == "citation":
            label = citation.formatted_entry.label
            labels[citation.key] = label
            docname = citation.bibliography_key.docname
            in_document.setdefault(docname, {}).setdefault(citation.key, label)
    # A chapter with a bibliography of its own (sphinxcontrib-bibtex's
    # per-chapter recipe): its citations resolve there, with its labels.
    chapter_labels: dict[str, dict[str, str]] = {}
    for chapter in chapters:
        own: dict[str, str] = {}
        for docname in chapter.docnames:
            for key, label in in_document.get(docname, {}).items():
                own.setdefault(key, label)
        if own:
            chapter_labels[chapter.docname] = own
    unlisted = [entries[key] for key in keys if key not in labels]
    if unlisted:
        try:
            ordered = list(style.sort(unlisted))
            labels.update(
                (entry.key, label)
                for label, entry in zip(style.format_labels(ordered), ordered, strict=True)
            )
        except (FieldIsMissing, AttributeError, KeyError, TypeError):
            pass  # entries without a label keep the seed's look
    return {key: labels[key] for key in keys if key in labels}, chapter_labels


def _type_categories(config: Config) -> dict[str, Category]:
    """``citations_categories``, by entry type (lower case)."""
    return {kind.lower(): Category(value) for kind, value in config.citations_categories.items()}


def _style_name(config: Config, role_book: bool) -> str | None:
    """The pybtex style of the list entries, or ``None`` for the seed's look."""
    chosen: str = config.citations_entry_style
    if chosen == "auto":
        return str(config.bibtex_default_style) if role_book else None
    return None if chosen == "seed" else chosen


def _pybtex_style(name: str) -> BaseStyle | None:
    try:
        return cast("BaseStyle", pybtex.plugin.find_plugin("pybtex.style.formatting", name)())
    except pybtex.plugin.PluginNotFound:
        warn(
            "no pybtex formatting style named %r (bibtex_default_style); "
            "list entries keep the seed's look",
            name,
            subtype=Subtype.CONFIG,
            location=None,
        )
        return None


def _letters_mode(config: Config, role_book: bool) -> str:
    """``"cited"`` or ``"bibliography"``: over which works year letters are computed."""
    mode: str = config.citations_year_letters
    if mode == "auto":
        return "cited" if role_book else "bibliography"
    return mode


def get_domain(env: BuildEnvironment) -> CitationsDomain:
    return cast("CitationsDomain", env.get_domain(CitationsDomain.name))


class _Places:
    """Where a document's citations stand: their sections and paragraph numbers.

    Fed the document's sections and paragraphs in reading order (:meth:`count`),
    it tells a citation's (:meth:`of`): the anchors of the sections around it,
    innermost first, as the document's table of contents names them (so that
    their numbers can be looked up when written), and the number of its
    paragraph in the innermost. Citations in one section share its tuple.
    """

    def __init__(self) -> None:
        self._anchors: dict[int, tuple[str, ...]] = {}
        self._paragraphs: dict[int, int] = {}
        self._counts: dict[int, int] = defaultdict(int)

    def count(self, node: nodes.Element) -> None:
        section = _nearest(node.parent, nodes.section)
        if isinstance(node, nodes.section):
            # The document's first section is its page's own entry ("").
            anchor = "#" + node["ids"][0] if self._anchors and node["ids"] else ""
            outer = self._anchors.get(id(section), ()) if section is not None else ()
            self._anchors[id(node)] = (anchor, *outer)
        elif section is not None:
            self._counts[id(section)] += 1
            self._paragraphs[id(node)] = self._counts[id(section)]

    def of(self, node: nodes.Element) -> tuple[tuple[str, ...], int]:
        section = _nearest(node.parent, nodes.section)
        paragraph = _nearest(node.parent, nodes.paragraph)
        anchors = self._anchors.get(id(section), ()) if section is not None else ()
        number = self._paragraphs.get(id(paragraph), 0) if paragraph is not None else 0
        return anchors, number


def _nearest(node: nodes.Node | None, kind: type[nodes.Element]) -> nodes.Element | None:
    while node is not None and not isinstance(node, kind):
        node = node.parent
    return node


def _items_of(citation: source_citation) -> tuple[StoredItem, ...]:
    items: tuple[StoredItem, ...] = citation.get("items", ())
    records = item_records(items)
    if any(record.status == MALFORMED for record in records):
        return stored_items(record for record in records if record.status != MALFORMED)
    # The node's own tuple: shared, not copied, by the node and the domain.
    return items


def _cite_role_record(node: nodes.Element, known: dict[str, Work]) -> CitationRecord:
    items = []
    for target in parse_citation_targets(node.get("reftarget", "")):
        status = Status.RESOLVED if target.key in known else Status.UNKNOWN
        items.append(
            ItemRecord(
                target.key if status is Status.RESOLVED else None,
                target.post or None,
                status.value,
                target.key,
                node["ids"][0] if node.get("ids") else "",
            )
        )
    return CitationRecord(node.line, tuple(items), f"cite:{node.get('reftype') or 'p'}")


# -- events --------------------------------------------------------------------


def _report_stray_notes(domain: CitationsDomain, docnames: Iterable[str]) -> None:
    """Warn, once per reading, about notes that no chapter list can show."""
    book = domain.book
    for docname in sorted(docnames):
        for note in domain.notes.get(docname, ()):
            chapter = book.chapter_of.get(docname)
            if chapter is None:
                problem = "is not in a chapter"
            elif all(entry.key != note.key for entry in book.references(chapter)):
                name = book.by_docname[chapter].label
                problem = f"is about a work chapter {name} does not cite"
            else:
                continue
            warn(
                "source-note for %r %s; the note is not shown",
                domain.works[note.key].cite_label,
                problem,
                subtype=Subtype.NOTE,
                location=(docname, note.line),
            )


def _report_repeated_numbers(domain: CitationsDomain, env: BuildEnvironment) -> None:
    """Warn, once per reading, where the book shows two chapters under one number."""
    found = domain.book_state.chapters
    if not found.repeated_numbers:
        return
    warn(
        "two chapters show the same number: each numbered toctree of %s starts again at 1; "
        "the frequency table and the Works Cited name chapters by part and number "
        "(I.1, II.1, …). For continuous numbering add 'sphinx_multitoc_numbering' to "
        "extensions (Jupyter Book's choice)",
        env.config.root_doc,
        subtype=Subtype.CHAPTER_NUMBERS,
        location=(env.config.root_doc, found.restart_line),
    )


def shows_added_section(domain: CitationsDomain, chapter: Chapter) -> bool:
    """Whether *chapter*'s own document keeps the References section added to it."""
    works = domain.works
    return chapter.references_docname == chapter.docname and any(
        item[0] is not None and item[0] in works
        for docname in chapter.docnames
        for citation in domain.stored_citations.get(docname, ())
        for item in citation[1]
    )


def tocs_follow_the_book(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``, before Sphinx numbers sections: contents as the pages show them.

    A References section is added when a document is read, wherever the book
    may want it (:func:`sphinx_ext.transforms.SourceCitations`); only chapters
    that cite keep it. Here, once the book's chapters are known, each such
    document's entry in its local table of contents (``env.tocs``: "On this
    page", the sidebars) is taken out, or put back, to match: before the
    toctree collector numbers the sections, so that a kept one is numbered
    like its siblings. Returns nothing: the pages concerned are written again
    by :func:`outdated_by_changes` and Sphinx's numbering.
    """
    domain = get_domain(env)
    if not domain.added_sections:
        return []
    kept = {
        chapter.docname
        for chapter in domain.find_chapters().chapters
        if shows_added_section(domain, chapter)
    }
    # An EPUB's navigation must follow its reading order: a chapter's page,
    # References included, before its subdocuments' pages.
    early = app.builder.name == "epub"
    for docname, (section_id, title) in domain.added_sections.items():
        toc = env.tocs.get(docname)
        if toc is not None:
            toc_entry(toc, docname, section_id, title, keep=docname in kept, early=early)
    return []


def toc_entry(
    toc: nodes.bullet_list,
    docname: str,
    section_id: str,
    title: str,
    *,
    keep: bool,
    early: bool = False,
) -> None:
    """Take the added section's entry out of a page's *toc*, or put it in its place.

    Its place is last, as the page shows it; *early*: before the toctrees
    that end its list (see :func:`_place`).
    """
    anchor = "#" + section_id
    for reference in toc.findall(nodes.reference):
        if reference.get("anchorname") == anchor:
            item = reference.parent.parent
            listing = item.parent
            listing.remove(item)
            if keep:
                _place(listing, item, early=early)
            elif not listing.children and listing is not toc:
                listing.parent.remove(listing)
            return
    if not keep:
        return
    reference = nodes.reference(
        "", "", nodes.Text(title), internal=True, refuri=docname, anchorname=anchor
    )
    item = nodes.list_item("", addnodes.compact_paragraph("", "", reference))
    # Added as the last child of the document's last top-level section.
    top = toc.children[-1] if toc.children else None
    if isinstance(top, nodes.list_item):
        inner = top.children[-1]
        if not isinstance(inner, nodes.bullet_list):
            inner = nodes.bullet_list()
            top += inner
        _place(inner, item, early=early)
    else:
        _place(toc, item, early=early)


def _place(listing: nodes.Element, item: nodes.Element, *, early: bool) -> None:
    """*item* last in *listing*, or, *early*, before the toctrees that end it.

    Last, the References are numbered after the chapter's subdocuments, whose
    numbers then stay the same whether the chapter has a list or not. Early
    is the reading order of an EPUB: the chapter's page, its References
    included, then its subdocuments' pages.
    """
    position = len(listing.children)
    while early and position and isinstance(listing.children[position - 1], addnodes.toctree):
        position -= 1
    listing.insert(position, item)


def load_works(app: Sphinx) -> None:
    """``builder-inited``: the bibliography parsed (where it changed) and its works, once per build.

    Every URL that will not be a link (:mod:`sphinx_ext._links`) is reported
    at its entry, in every build.
    """
    domain = get_domain(app.env)
    categories = categories_by_type(_type_categories(app.config))
    drafts = bibliography.load_bibliography(
        app, functools.partial(draft_work, type_categories=categories)
    )
    domain.load_works(app.builder, drafts)
    unlinked = [
        (key, work.url, problem)
        for key, work in domain.works.items()
        if work.url and (problem := link_problem(work.url))
    ]
    if unlinked:
        paths = bibliography.bib_paths(app.confdir, app.config)
        located = bibliography.entry_locations(paths, app.config.bibtex_encoding)
        for key, url, problem in unlinked:
            warn(
                "URL %r of %r is shown as text, not linked: %s",
                shorten(url),
                key,
                problem,
                subtype=Subtype.URL,
                location=located.get(key),
            )


def compute_book(app: Sphinx, builder: Builder) -> None:
    """``write-started``: the book, once, before any page is written."""
    get_domain(app.env).book_state  # noqa: B018 - computed on first use


def outdated_by_changes(app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    """``env-get-updated``: pages that show other chapters' citations.

    When any document was read or removed, the Works Cited and frequency
    pages, and the References of each chapter a changed document belongs
    to, must be written again.
    """
    domain = get_domain(env)
    state = domain.build_state
    touched, state.read = state.read, set()
    # Section numbers are assigned by now (priority 900): the book is final.
    state.book = None
    if not touched:
        return []
    outdated = set(domain.pages_showing_every_chapter())
    chapters = domain.book.chapters
    _report_repeated_numbers(domain, env)
    _report_stray_notes(domain, touched)
    _report_moved_letters(domain, touched)
    if env.config.root_doc in touched:
        outdated.update(chapter.references_docname for chapter in chapters)
    else:
        for chapter in chapters:
            if touched.intersection(chapter.docnames):
                outdated.add(chapter.references_docname)
    outdated.update(_lists_shown_differently(domain))
    # sphinxcontrib-bibtex writes a {bibliography} again only when its own page
    # changed: a citation added elsewhere would be missing from it, or its
    # labels out of date (its env-updated returns nothing).
    bibtex = cast("BibtexDomain", env.get_domain("cite"))
    outdated.update(key.docname for key in bibtex.bibliographies)
    return sorted(outdated - touched)


def _lists_shown_differently(domain: CitationsDomain) -> set[str]:
    """The list pages of chapters citing a work whose entry reads differently than last build.

    A citation added in one chapter may give another chapter's work a year
    letter, or the book its first ``{cite}`` role and so its pybtex style.
    """
    shown = domain.book_state.shown_state()
    before: dict[str, str] = domain.data.get("shown", {})
    domain.data["shown"] = shown
    changed = {key for key in shown if shown[key] != before.get(key)}
    book = domain.book
    return {
        book.by_docname[chapter].references_docname
        for key, chapters in book.frequency
        if key in changed
        for chapter in chapters
    }


def _report_moved_letters(domain: CitationsDomain, docnames: Iterable[str]) -> None:
    """Warn where a citation's written year letter is not the one the book shows.

    With letters over the cited works, ``[Source: X, 2025b]`` is matched by
    the bibliography's letters (known while reading) but shown with the
    letter it gets among the works the book cites.
    """
    relettered = domain.book_state.relettered
    if not relettered:
        return
    records = domain.citation_records()
    for docname in sorted(docnames):
        if docname not in records:
            continue
        for record in records[docname]:
            for item in record.items:
                if record.role or item.key not in relettered:
                    continue
                parsed = parse_items(item.text)[0]
                written = parsed[0] if parsed else None
                work = domain.works[item.key]
                if not isinstance(written, ParsedItem) or written.letter is None:
                    continue
                if written.letter == work.letter:
                    continue
                warn(
                    "%r is shown as %r: year letters are computed over the works the book "
                    "cites (citations_year_letters); cite it as [Source: %s] (or by its key %s)",
                    item.text,
                    work.cite_label,
                    work.cite_label,
                    item.key,
                    subtype=Subtype.LETTER,
                    location=(docname, record.line),
                )
