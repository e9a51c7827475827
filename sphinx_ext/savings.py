"""What the extension does only to build faster or in less memory, in one place.

Each :class:`Saving` changes how or when the output is made, never what it
is. :func:`uses` is the one question the rest of the extension asks ("does
this builder use this saving in this build?"); the places that act on the
answer name the saving they serve. ``citations_savings_off`` in ``conf.py``
(or ``-D citations_savings_off=entry-markup,lists-when-written``) turns
savings off: the output is then the same, byte for byte, which
``tests/test_savings.py`` checks for each builder.

``python -m benchmarks.savings`` measures what each one saves (time and peak
memory, at 200 chapters by default); ``benchmarks/README.md`` quotes the
run. Delete a saving when Sphinx or CPython makes it unnecessary: its member
here and the code behind each :func:`uses` call naming it, and add its
name to :data:`RETIRED`, so that a ``conf.py`` naming it still builds.

None of them reaches outside the extension: no process-wide state (the
garbage collector, the warning filters), no node without the attributes
docutils guarantees, no private attribute of Sphinx. The one file rewritten
is the Works Cited's own page, renamed over whole, at ``build-finished``
before other extensions' handlers run.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from sphinx.builders import Builder

__all__ = ["BUILDERS", "HTML_PAGES", "RETIRED", "Saving", "uses"]


class Saving(enum.StrEnum):
    """A saving, by the name ``citations_savings_off`` gives it."""

    #: HTML: a citation is held as one childless node from reading to writing
    #: (Sphinx keeps every doctree in memory between them); the writer's visit
    #: gives it its text, items and links, and its departure drops them
    #: (``placing.expand_when_written``, ``placing.release_when_written``).
    #: The nodes of 10,000 citations never live all at once, nor long enough
    #: for the collector's walks.
    CITATIONS_WHEN_WRITTEN = "citations-when-written"
    #: HTML: what the writer's visit makes only to write it at once is written
    #: as markup, the same the translator writes for its nodes, no node made
    #: (``rendering.html``, ``rendering.entries``): a citation held for the
    #: writer (above), its items and links; the entries of a References list
    #: filled by the writer (below), each its label, entry and back-links
    #: between the translator's own tags of an entry and its paragraph; the
    #: Works Cited's chapter links (frequency table, "Shares sources with",
    #: "Cited in Chapters …"). A link's or an item's tag is made once a page
    #: with stand-ins for its values (``rendering.html._filled``). At 200
    #: chapters: 10,000 citations, 17,000 entries with 23,600 back-links,
    #: some 30,000 chapter links.
    LINKS_AS_MARKUP = "links-as-markup"
    #: HTML, LaTeX: a chapter's References list gets its entries when the
    #: writer reaches it, and drops them once written
    #: (``placing.fill_list_when_written``): one list's nodes at a time.
    LISTS_WHEN_WRITTEN = "lists-when-written"
    #: HTML, LaTeX: a work's entry is rendered once per builder and its markup
    #: written wherever it is listed (``rendering.entries``): a string per
    #: entry, not a tree of nodes per entry, in every list.
    ENTRY_MARKUP = "entry-markup"
    #: HTML: the Works Cited's longest parts (each chapter's list, each
    #: category's list, the map) are written into its file after Sphinx has
    #: written the page, one part at a time; the page holds a marker for each
    #: until then (``rendering.html_page.write_parts_after_page``). Sphinx
    #: holds a page several times over while writing it (the translator's
    #: fragments, the body, the templated page, its encoded bytes), and these
    #: parts are most of the largest page. The tree keeps each part for
    #: search and for other extensions (a category's list as its text only,
    #: the list being made once, after the page); the HTML translator skips them.
    PARTS_AFTER_PAGE = "parts-after-page"
    #: Parallel reading: the bibliography is pickled only by the process that
    #: loaded it, not sent back with each chunk of documents read in a forked
    #: process (``bibliography.load_bibliography``).
    BIBLIOGRAPHY_PICKLED_ONCE = "bibliography-pickled-once"
    #: Every build: once the works are built from them, the bibliography's
    #: entries are kept pickled, one ``bytes`` an entry, and unpickled when
    #: looked up (``bibliography.PickledEntries``): pybtex's some twenty
    #: objects an entry are then not walked by each of the garbage
    #: collector's full collections, nor pickled with the environment, nor
    #: freed when the process ends.
    ENTRIES_PICKLED = "entries-pickled"


#: The builders that write HTML pages (EPUB writes HTML too, but reworks the tree
#: first and its pages show no previews).
HTML_PAGES: Final = frozenset({"html", "dirhtml", "singlehtml"})

#: The builders each saving applies to (``None``: every builder).
BUILDERS: Final[dict[Saving, frozenset[str] | None]] = {
    Saving.CITATIONS_WHEN_WRITTEN: HTML_PAGES,
    Saving.LINKS_AS_MARKUP: HTML_PAGES,
    # LaTeX writes the resolved tree as it is; EPUB and the others rework the
    # tree before writing (EPUB rewrites ids and shows link targets), so they
    # get every node when the page is placed.
    Saving.LISTS_WHEN_WRITTEN: HTML_PAGES | {"latex"},
    Saving.ENTRY_MARKUP: HTML_PAGES | {"latex"},
    Saving.PARTS_AFTER_PAGE: HTML_PAGES,
    Saving.BIBLIOGRAPHY_PICKLED_ONCE: None,
    Saving.ENTRIES_PICKLED: None,
}


#: Names of savings since deleted, still accepted by ``citations_savings_off``
#: (turning them off does nothing). ``latin-1`` kept the Works Cited's HTML
#: to Latin-1 characters; once its longest parts were written after the page
#: (``parts-after-page``) it saved 2.5 MB of 172 at 200 chapters, and no time.
RETIRED: Final = frozenset({"latin-1"})


def uses(builder: Builder, saving: Saving) -> bool:
    """Whether *builder* uses *saving* in this build."""
    builders = BUILDERS[saving]
    if builders is not None and builder.name not in builders:
        return False
    return saving.value not in (builder.config.citations_savings_off or ())
