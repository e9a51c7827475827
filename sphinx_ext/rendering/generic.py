"""Fallback visitors, for text, man, texinfo and any other writer."""

from __future__ import annotations

from typing import Any

from docutils import nodes

__all__ = ["ENTRY", "LIST", "PASS", "SKIP", "TITLE"]


def _pass(self: Any, node: nodes.Element) -> None:
    pass


def _skip(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


def _visit_list(self: Any, node: nodes.Element) -> None:
    self.visit_enumerated_list(node)


def _depart_list(self: Any, node: nodes.Element) -> None:
    self.depart_enumerated_list(node)


def _visit_entry(self: Any, node: nodes.Element) -> None:
    self.visit_list_item(node)


def _depart_entry(self: Any, node: nodes.Element) -> None:
    self.depart_list_item(node)


def _visit_title(self: Any, node: nodes.Element) -> None:
    self.visit_title(node)


def _depart_title(self: Any, node: nodes.Element) -> None:
    self.depart_title(node)


#: Render the children only.
PASS = (_pass, _pass)
#: Render nothing.
SKIP = (_skip, None)
#: A references list is an enumerated list.
LIST = (_visit_list, _depart_list)
#: An entry is a list item.
ENTRY = (_visit_entry, _depart_entry)
#: A references title is a title.
TITLE = (_visit_title, _depart_title)
