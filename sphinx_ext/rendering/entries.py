"""Reference entries: rendered once per build and builder, then reused.

A work's entry reads the same in every list that shows it: the References of
each chapter citing it and, twice, the Works Cited. For the builders that
write the resolved doctree as it is (HTML, LaTeX) the lists hold a
:class:`~sphinx_ext.nodes.formatted_entry` with the entry's plain text (what
search and ``astext()`` see). Their visitors render the pybtex-formatted entry
through the page's own translator the first time they meet a work, so each
format escapes it its own way, and write the same markup for every later
occurrence: a long book's Works Cited costs a string per entry, not a tree of
nodes per entry. Other builders get the formatted nodes instead of this node
(:mod:`sphinx_ext.resolution`).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

from sphinx_ext.domain import get_domain
from sphinx_ext.rendering.html import in_latin1

__all__ = ["REUSED"]


def _visit_reused(self: Any, node: nodes.Element) -> None:
    domain = get_domain(self.builder.env)
    cache_key = (self.builder.name, node["key"])
    markup = domain.entry_markup.get(cache_key)
    if markup is None:
        # A paragraph, as in the list: some visitors look at the parent.
        holder = nodes.paragraph("", "", *domain.entry_nodes(node["key"]))
        start = len(self.body)
        for child in holder.children:
            child.walkabout(self)
        markup = "".join(self.body[start:])
        if self.builder.format == "html":
            # Most entries have curly quotes: see whole_book_listing.
            markup = in_latin1(markup)
        domain.entry_markup[cache_key] = markup
        del self.body[start:]
        # Its plain text is in the node already (search, astext()).
        domain.drop_rich_text(node["key"])
    self.body.append(markup)
    raise nodes.SkipNode


#: Writers that collect their output in ``self.body`` (HTML, LaTeX).
REUSED = (_visit_reused, None)
