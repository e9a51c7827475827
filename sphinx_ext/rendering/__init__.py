"""How each builder renders the extension's nodes: one module per output format.

:data:`NODE_VISITORS` is what ``setup()`` hands to ``app.add_node``: for every
node type, a ``(visit, depart)`` pair per builder family. Builders without
their own entry (``man``, ``texinfo``) render through the generic fallbacks,
so no builder meets a node it does not know.
"""

from __future__ import annotations

from typing import Any

from sphinx_ext.nodes import (
    PLACEHOLDERS,
    reference_entry,
    references_list,
    references_title,
    source_backlinks,
    source_citation,
    source_item,
)
from sphinx_ext.rendering import generic, html, latex

__all__ = ["NODE_VISITORS"]

_Visitors = dict[str, tuple[Any, Any]]


def _for_all(html_pair: Any, latex_pair: Any, generic_pair: Any) -> _Visitors:
    return {
        "html": html_pair,
        "epub": html_pair,
        "singlehtml": html_pair,
        "latex": latex_pair,
        "text": generic_pair,
        "man": generic_pair,
        "texinfo": generic_pair,
    }


NODE_VISITORS: dict[type[Any], _Visitors] = {
    source_citation: _for_all(html.CITATION, latex.CITATION, generic.PASS),
    source_item: _for_all(html.ITEM, latex.ITEM, generic.PASS),
    references_list: _for_all(html.LIST, latex.LIST, generic.LIST),
    reference_entry: _for_all(html.ENTRY, latex.ENTRY, generic.ENTRY),
    references_title: _for_all(html.TITLE, latex.TITLE, generic.TITLE),
    source_backlinks: _for_all(html.BACKLINKS, latex.BACKLINKS, generic.SKIP),
    **{placeholder: _for_all(generic.SKIP, generic.SKIP, generic.SKIP)
       for placeholder in PLACEHOLDERS},
}
