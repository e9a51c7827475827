"""How each builder renders the extension's nodes: one module per output format.

:func:`register_nodes` gives ``app.add_node`` every node type with a
``(visit, depart)`` pair per output format: ``html`` (which Sphinx also
gives EPUB, ``dirhtml`` and ``singlehtml``; EPUB's own visitors for some
nodes are chosen inside it), ``latex``, and the generic fallbacks for text,
man and Texinfo, which ``text`` and ``texinfo`` override for the References
heading. Every other builder writes nodes generically (``xml``), so no
builder meets a node it does not know.

:func:`setup_builders` registers what some formats need beyond visitors: the
LaTeX package, the EPUB's NCX identifier, link-free man pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinx_ext.nodes import (
    PLACEHOLDERS,
    citation_map_picture,
    formatted_entry,
    linked_text,
    reference_entry,
    references_list,
    references_title,
    source_backlinks,
    source_citation,
    source_item,
    whole_book_listing,
    works_cited_part,
)
from sphinx_ext.rendering import entries, epub, generic, html, latex, man, texinfo, text

if TYPE_CHECKING:
    from docutils.nodes import Element
    from sphinx.application import Sphinx

__all__ = ["register_nodes", "setup_builders"]

_Pair = tuple[Any, Any]


def _for_all(
    app: Sphinx,
    node: type[Element],
    html_: _Pair,
    latex_: _Pair,
    other: _Pair,
    *,
    epub_: _Pair | None = None,
    **specific: _Pair,
) -> None:
    """*other* for text, man and Texinfo, unless *specific* names the builder.

    Never a builder whose format another key names (``epub``, ``singlehtml``:
    ``html``): Sphinx gives such a builder the visitors registered under its
    own name *instead of* its format's, and every other extension's HTML
    visitors would be lost to it (sphinx-design's tabs in EPUB, for one). So
    *epub_*, EPUB's own pair, is chosen inside the ``html`` one.
    """
    handlers = {
        "html": html_ if epub_ is None else _html_or_epub(html_, epub_),
        "latex": latex_,
        "text": other,
        "man": other,
        "texinfo": other,
    }
    app.add_node(node, override=False, **(handlers | specific))


def _html_or_epub(html_: _Pair, epub_: _Pair) -> _Pair:
    """One pair for the HTML translator: EPUB's visitors when it writes an EPUB."""

    def visit(self: Any, node: Element) -> None:
        (epub_ if self.builder.name == "epub" else html_)[0](self, node)

    def depart(self: Any, node: Element) -> None:
        chosen = (epub_ if self.builder.name == "epub" else html_)[1]
        if chosen is not None:  # EPUB's visitors that skip their children depart in visit
            chosen(self, node)

    return visit, depart


def register_nodes(app: Sphinx) -> None:
    """Every node type with its visitors, for every builder family."""
    _for_all(app, source_citation, html.CITATION, latex.CITATION, generic.PASS)
    _for_all(app, source_item, html.ITEM, latex.ITEM, generic.PASS, epub_=epub.ITEM)
    _for_all(app, references_list, entries.HTML_LIST, latex.LIST, generic.LIST, epub_=epub.LIST)
    _for_all(app, reference_entry, html.ENTRY, latex.ENTRY, generic.ENTRY, epub_=epub.ENTRY)
    # Made for HTML and LaTeX only; elsewhere its plain text would do.
    _for_all(app, formatted_entry, entries.REUSED, entries.REUSED, generic.PASS)
    _for_all(
        app,
        references_title,
        html.TITLE,
        latex.TITLE,
        generic.TITLE,
        text=text.TITLE,
        texinfo=texinfo.TITLE,
    )
    _for_all(
        app, source_backlinks, html.BACKLINKS, latex.BACKLINKS, generic.SKIP, epub_=epub.BACKLINKS
    )
    # Other translators write it as the container it is (they look up
    # visitors along the node's bases); LaTeX also fixes its running heads.
    app.add_node(whole_book_listing, override=False, latex=latex.WHOLE_BOOK)
    # Made for HTML pages only (savings.Saving.LINKS_AS_MARKUP); elsewhere its text.
    _for_all(app, linked_text, html.LINKED_TEXT, generic.PASS, generic.PASS)
    # Made for HTML (and EPUB) and LaTeX only; other formats get the map as text.
    _for_all(app, citation_map_picture, html.MAP, latex.MAP, generic.SKIP)
    # Made for HTML pages only (savings.Saving.PARTS_AFTER_PAGE); elsewhere its content.
    _for_all(app, works_cited_part, html.PART, generic.PASS, generic.PASS)
    for placeholder in PLACEHOLDERS:
        # Replaced at write time; a builder that skips that step shows nothing.
        _for_all(app, placeholder, generic.SKIP, generic.SKIP, generic.SKIP)


def setup_builders(app: Sphinx) -> None:
    """Register the per-format support that node visitors cannot provide."""
    latex.setup(app)
    epub.setup(app)
    man.setup(app)
