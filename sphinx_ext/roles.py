"""The ``{source}`` role: a citation where brackets are awkward.

``{source}`Kwon et al., 2023, p. 5``` takes the same items as ``[Source: …]``
(``;``-separated) and renders the same way. Matching and its warnings
happen with every other citation, in :mod:`sphinx_ext.transforms`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.util.docutils import SphinxRole

from sphinx_ext._parser import parse_items
from sphinx_ext.transforms import build_citation_node

if TYPE_CHECKING:
    from docutils import nodes

__all__ = ["SourceRole"]


class SourceRole(SphinxRole):
    """``{source}`Org, Year```: one :class:`~sphinx_ext.nodes.source_citation`."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        items, _ = parse_items(self.text)
        return [build_citation_node(items, self.env.docname, self.lineno)], []
