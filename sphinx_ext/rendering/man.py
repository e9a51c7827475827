"""Manual pages: citations and tables as text, without link targets.

A man page has no anchors, yet docutils' man writer prints the target of
every link after its text, so an item would read ``[Source: Org, 2025
<#ref-org2025>]``. For this builder the extension's internal links (items,
the frequency table, the Works Cited) are replaced by their text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from sphinx_ext.nodes import source_item

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["setup", "unlink_citations"]

_LISTING_CLASSES = ("citation-frequency", "works-cited")


def unlink_citations(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace the extension's internal links by their text, for man pages."""
    if app.builder.format != "man":
        return
    for reference in list(doctree.findall(nodes.reference)):
        if reference.get("internal") and _in_citation_or_listing(reference):
            # Element.replace, as replace_self refuses to drop the classes.
            reference.parent.replace(reference, reference.children)


def _in_citation_or_listing(node: nodes.Element) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, source_item) or any(c in parent["classes"] for c in _LISTING_CLASSES):
            return True
        parent = parent.parent
    return False


def setup(app: Sphinx) -> None:
    """Unlink after place_on_page (500) has made the links."""
    app.connect("doctree-resolved", unlink_citations, priority=600)
