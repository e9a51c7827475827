"""Texinfo rendering: an unnumbered References heading.

Texinfo numbers ``@section`` headings itself; the References are unnumbered
in HTML and LaTeX, so here they take the ``@unnumbered…`` command of their
level. Everything else renders through the generic fallbacks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.writers.texinfo import TexinfoTranslator

__all__ = ["TITLE"]

_UNNUMBERED = (
    "@unnumbered",
    "@unnumbered",
    "@unnumberedsec",
    "@unnumberedsubsec",
    "@unnumberedsubsubsec",
)


def _visit_title(self: TexinfoTranslator, node: nodes.Element) -> None:
    # The writer picks the heading command from this tuple, by level.
    self.headings = _UNNUMBERED
    try:
        self.visit_title(node)
    finally:
        del self.headings


def _depart_title(self: TexinfoTranslator, node: nodes.Element) -> None:
    self.depart_title(node)


TITLE = (_visit_title, _depart_title)
