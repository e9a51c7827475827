"""The doctree nodes of the extension.

Read time produces a :class:`source_citation` per citation and placeholders
for the lists and tables that depend on the whole book. At write time (see
:mod:`sphinx_ext.placing`) the placeholders are replaced and each
citation gets one :class:`source_item` per cited work, so no placeholder
(:data:`PLACEHOLDERS`) ever reaches a writer; :mod:`sphinx_ext.rendering` has
the visitors of the others.

Between reading and writing Sphinx keeps every doctree in memory, so a
citation is then one childless node holding its ``items`` (plain tuples,
:data:`~sphinx_ext._book.StoredItem`, the very tuple the domain records)::

    <source_citation classes="source-citation" docname="ch1" line="12"
                     items="(('kwon2023', 'p. 5', 'resolved', …),)">

Every node of the extension is a whole docutils :class:`~docutils.nodes.Element`
at every step, as other extensions' transforms and handlers expect: its list
attributes (``ids``, ``classes``, ``names``, ``dupnames``, ``backrefs``) are
always there, and it copies and deep-copies like any node. Copies made before
writing (a contents entry, a page title) show no text. When written::

    <source_citation docname="ch1" classes="source-citation">
        [Source:␣
        <source_item key="kwon2023" ids="src-3">
            <reference refuri="ch1.html#ref-kwon2023" internal="True">
                Kwon et al., 2023, p. 5
        ]
"""

from __future__ import annotations

from collections.abc import Iterator

from docutils import nodes

__all__ = [
    "REFERENCES_SECTION",
    "chapter_references",
    "citation_frequency",
    "citation_map",
    "citation_map_picture",
    "formatted_entry",
    "line_of",
    "linked_text",
    "preorder",
    "reference_entry",
    "references_list",
    "references_title",
    "source_backlinks",
    "source_citation",
    "source_item",
    "source_note",
    "whole_book_listing",
    "works_cited",
    "works_cited_part",
]


class source_citation(nodes.inline):  # noqa: N801 - docutils names nodes in lowercase
    """A whole ``[Source: …]``: ``items``, then (when written) its text and items."""


class source_item(nodes.inline):  # noqa: N801
    """One cited work, made at write time: ``key`` (absent when unresolved)."""


class references_title(nodes.title):  # noqa: N801
    """The title of an automatic References section.

    Numbered in HTML where Sphinx numbered it in the page's contents (like the
    sections beside it); unnumbered, but in the contents, in LaTeX, text and
    Texinfo.
    """


class references_list(nodes.enumerated_list):  # noqa: N801
    """A chapter's numbered References (built at write time)."""


class reference_entry(nodes.list_item):  # noqa: N801
    """One entry of a references list, target of the chapter's citations."""


class formatted_entry(nodes.inline):  # noqa: N801
    """A work's formatted entry (``key``); its child is the plain text.

    Each builder renders the pybtex-formatted entry itself, once per build
    (:mod:`sphinx_ext.rendering.entries`): the text is there for search and
    ``astext()``.
    """


class chapter_references(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for a chapter's References; ``auto`` when not placed by the author."""


class citation_frequency(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for the frequency table (``min_chapters``)."""


class citation_map(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for the citation map (``min_chapters``)."""


class citation_map_picture(nodes.General, nodes.Element):  # noqa: N801
    """The citation map as written: ``map`` (a :class:`~sphinx_ext._citation_map.CitationMap`)
    and ``title``, drawn by each format's visitor (SVG, TikZ)."""


class works_cited(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for the whole Works Cited (``min_chapters``)."""


class whole_book_listing(nodes.container):  # noqa: N801
    """The Works Cited as written: a container of its sections.

    Each writer (:mod:`sphinx_ext.rendering`) writes it as a container; LaTeX
    also sets the running heads of its pages to the page's title.
    """


class works_cited_part(nodes.General, nodes.Element):  # noqa: N801
    """A part of the Works Cited that HTML writes after the page: ``part`` names it.

    ``"list:<chapter>"``, ``"category:<category>"`` or ``"map:<min_chapters>"``
    (:attr:`Saving.PARTS_AFTER_PAGE <sphinx_ext.savings.Saving.PARTS_AFTER_PAGE>`).
    Its child is the part itself (a category's list: the list's text only),
    read by search and by other extensions; the HTML translator writes a
    marker in its place, which
    :func:`~sphinx_ext.rendering.html_page.write_parts_after_page` replaces.
    """


class source_note(nodes.Invisible, nodes.Element):  # noqa: N801
    """A ``{source-note}``: ``key`` and ``note``, collected then removed."""


class linked_text(nodes.inline):  # noqa: N801
    """Text with internal links, held as ``pieces``, ``(text, URI or None)`` pairs.

    Made only for the HTML writer, which writes the pieces as the markup of
    their text and reference nodes (:attr:`Saving.LINKS_AS_MARKUP
    <sphinx_ext.savings.Saving.LINKS_AS_MARKUP>`); its child is the plain text.
    """


class source_backlinks(nodes.inline):  # noqa: N801
    """The links from a references entry back to the places citing it."""


#: The class of the References section the extension adds to a chapter.
REFERENCES_SECTION = "source-references-section"

PLACEHOLDERS: tuple[type[nodes.Element], ...] = (
    chapter_references,
    citation_frequency,
    citation_map,
    works_cited,
    source_note,
)


def preorder(node: nodes.Node) -> Iterator[nodes.Node]:
    """*node* and every node under it, in document order: ``node.findall()``, walked in one loop.

    docutils' ``findall`` with a condition other than a class nests a
    generator for each node, at every level; a walk over every document
    of a large book is cheaper as one loop over a stack.
    """
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, nodes.Element):
            stack.extend(reversed(current.children))


def line_of(node: nodes.Node) -> int | None:
    """The source line of *node*, or of its nearest ancestor that has one."""
    current: nodes.Node | None = node
    while current is not None:
        if current.line is not None:
            return current.line
        current = current.parent
    return None
