"""LaTeX rendering: plain text with ``\\label``/``\\hyperref`` pairs.

Each ``source_item`` and each entry carries ids; they become labels of the
document they were read from, the targets of the ``\\hyperref`` links that
Sphinx's writer emits for the items' and back-links' references.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.writers.latex import LaTeXTranslator

__all__ = ["BACKLINKS", "CITATION", "ENTRY", "ITEM", "LIST", "TITLE"]


def _pass(self: LaTeXTranslator, node: nodes.Element) -> None:
    pass


def _visit_item(self: LaTeXTranslator, node: nodes.Element) -> None:
    for node_id in node["ids"]:
        self.body.append(self.hypertarget(node_id, anchor=not self.in_caption))


def _visit_list(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.visit_enumerated_list(node)


def _depart_list(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.depart_enumerated_list(node)


def _visit_entry(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.visit_list_item(node)
    for node_id in node["ids"]:
        self.body.append(self.hypertarget(node_id))


def _depart_entry(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.depart_list_item(node)


def _visit_backlinks(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.body.append(r"\,$\uparrow$\,")


def _visit_title(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.visit_title(node)


def _depart_title(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.depart_title(node)


CITATION = (_pass, _pass)
ITEM = (_visit_item, _pass)
LIST = (_visit_list, _depart_list)
ENTRY = (_visit_entry, _depart_entry)
BACKLINKS = (_visit_backlinks, _pass)
TITLE = (_visit_title, _depart_title)
