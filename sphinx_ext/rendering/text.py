"""Plain-text rendering: a References heading without a section number.

The text writer numbers every heading of a numbered document ("14.
References"); HTML and LaTeX show the References unnumbered, and so does text.
Everything else of the extension renders through the generic fallbacks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.writers.text import TextTranslator

__all__ = ["TITLE"]


def _visit_title(self: TextTranslator, node: nodes.Element) -> None:
    self.visit_title(node)


def _depart_title(self: TextTranslator, node: nodes.Element) -> None:
    numbered, self.add_secnumbers = self.add_secnumbers, False
    try:
        self.depart_title(node)
    finally:
        self.add_secnumbers = numbered


TITLE = (_visit_title, _depart_title)
