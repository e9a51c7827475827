"""How each builder renders the extension's nodes: one module per output format.

:func:`register_nodes` gives ``app.add_node`` every node type with a
``(visit, depart)`` pair per builder family: ``html`` (also EPUB),
``latex``, EPUB's own for its roles, and the generic fallbacks for text, man and Texinfo, which
``text`` and ``texinfo`` override for the References heading. Every other
builder derives from one of these (``dirhtml``, ``singlehtml``) or writes
nodes generically (``xml``), so no builder meets a node it does not know.

:func:`setup_builders` registers what some formats need beyond visitors: the
LaTeX package, the EPUB's NCX identifier, link-free man pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinx_ext.nodes import (
    PLACEHOLDERS,
    citation_map_picture,
    formatted_entry,
    reference_entry,
    references_list,
    references_title,
    source_backlinks,
    source_citation,
    source_item,
    whole_book_listing,
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
    **specific: _Pair,
) -> None:
    """*other* for text, man and Texinfo, unless *specific* names the builder."""
    handlers = {
        "html": html_,
        "epub": html_,
        "singlehtml": html_,
        "latex": latex_,
        "text": other,
        "man": other,
        "texinfo": other,
    }
    app.add_node(node, override=False, **(handlers | specific))


def register_nodes(app: Sphinx) -> None:
    """Every node type with its visitors, for every builder family."""
    _for_all(app, source_citation, html.CITATION, latex.CITATION, generic.PASS)
    _for_all(app, source_item, html.ITEM, latex.ITEM, generic.PASS, epub=epub.ITEM)
    _for_all(app, references_list, html.LIST, latex.LIST, generic.LIST, epub=epub.LIST)
    _for_all(app, reference_entry, html.ENTRY, latex.ENTRY, generic.ENTRY, epub=epub.ENTRY)
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
        app, source_backlinks, html.BACKLINKS, latex.BACKLINKS, generic.SKIP, epub=epub.BACKLINKS
    )
    # Other translators write it as the container it is (they look up
    # visitors along the node's bases).
    app.add_node(
        whole_book_listing,
        override=False,
        html=html.WHOLE_BOOK,
        epub=html.WHOLE_BOOK,
        singlehtml=html.WHOLE_BOOK,
        latex=latex.WHOLE_BOOK,
    )
    # Made for HTML (and EPUB) and LaTeX only; other formats get the map as text.
    _for_all(app, citation_map_picture, html.MAP, latex.MAP, generic.SKIP)
    for placeholder in PLACEHOLDERS:
        # Replaced at write time; a builder that skips that step shows nothing.
        _for_all(app, placeholder, generic.SKIP, generic.SKIP, generic.SKIP)


def setup_builders(app: Sphinx) -> None:
    """Register the per-format support that node visitors cannot provide."""
    latex.setup(app)
    epub.setup(app)
    man.setup(app)
