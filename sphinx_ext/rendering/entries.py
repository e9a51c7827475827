"""Reference entries: rendered once per build and builder, then reused.

:attr:`Saving.ENTRY_MARKUP <sphinx_ext.savings.Saving.ENTRY_MARKUP>`.

A work's entry reads the same in every list that shows it: the References of
each chapter citing it and, twice, the Works Cited. For the builders that
write the resolved doctree as it is (HTML, LaTeX) the lists hold a
:class:`~sphinx_ext.nodes.formatted_entry` with the entry's plain text (what
search and ``astext()`` see). Their visitors render the pybtex-formatted entry
through the page's own translator the first time they meet a work, so each
format escapes it its own way, and write the same markup for every later
occurrence: a long book's Works Cited costs a string per entry, not a tree of
nodes per entry. Other builders get the formatted nodes instead of this node
(:mod:`sphinx_ext.placing`). When HTML pages are written in parallel, every
entry is rendered in the main process first (:func:`render_before_parallel_writing`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.utils import new_document

from sphinx_ext.domain import get_domain
from sphinx_ext.nodes import reference_entry
from sphinx_ext.placing import entries_when_written
from sphinx_ext.rendering.html import LIST, backlinks_markup, text_markup
from sphinx_ext.savings import Saving, uses

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["HTML_LIST", "REUSED", "render_before_parallel_writing"]


def _visit_reused(self: Any, node: nodes.Element) -> None:
    self.body.append(_markup(self, node["key"]))
    raise nodes.SkipNode


def _visit_html_list(self: Any, node: nodes.Element) -> None:
    """HTML: a References list; one left for the writer gets its entries here.

    Where links are written as markup (:attr:`Saving.LINKS_AS_MARKUP
    <sphinx_ext.savings.Saving.LINKS_AS_MARKUP>`) no node is made for an
    entry: each is written as the translator writes its nodes, a
    ``reference_entry`` holding a paragraph, by the translator's own
    visitors of the two (on one pair of nodes, given each entry's id in
    turn) around the entry's label, markup and back-links. An entry with a
    note is its nodes, walked in its place.
    """
    listed = entries_when_written(self.builder, node)
    if listed is None:
        LIST[0](self, node)
        return
    self.visit_enumerated_list(node)
    paragraph = nodes.paragraph()
    item = reference_entry("", paragraph, classes=["source-reference"])
    item.parent = node  # some visitors look at the parent
    for entry in listed:
        if isinstance(entry, nodes.Element):
            node += entry
            entry.walkabout(self)
            continue
        item["ids"] = [entry.node_id]
        self.dispatch_visit(item)
        self.dispatch_visit(paragraph)
        out = [text_markup(self, entry.label)] if entry.label else []
        out.append(_markup(self, entry.key))
        if entry.targets:
            out += [text_markup(self, " "), backlinks_markup(self, entry.targets)]
        self.body.append("".join(out))
        self.dispatch_departure(paragraph)
        self.dispatch_departure(item)
    LIST[1](self, node)
    raise nodes.SkipNode


def _markup(translator: Any, key: str) -> str:
    """The entry of *key* as *translator*'s builder writes it, rendered once per build."""
    state = get_domain(translator.builder.env).book_state
    cache_key = (translator.builder.name, key)
    markup: str | None = state.entry_markup.get(cache_key)
    if markup is None:
        # A paragraph, as in the list: some visitors look at the parent.
        holder = nodes.paragraph("", "", *state.entry_nodes(key))
        start = len(translator.body)
        for child in holder.children:
            child.walkabout(translator)
        markup = "".join(translator.body[start:])
        state.entry_markup[cache_key] = markup
        del translator.body[start:]
        # Its plain text is in the node already (search, astext()).
        state.drop_rich_text(key)
    return markup


def render_before_parallel_writing(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: when HTML pages are written in parallel, render every entry now.

    Sphinx resolves pages in the main process and writes them in forked ones,
    a chunk of pages each, and a cache filled in a forked process dies with
    it: every chunk would render again the entries its lists show. Rendered
    here, before the first fork, they are inherited by all.
    """
    builder = app.builder
    settings = getattr(builder, "docsettings", None)
    if not (builder.parallel_ok and builder.format == "html" and settings is not None):
        return
    if not uses(builder, Saving.ENTRY_MARKUP):  # EPUB lists hold the formatted nodes
        return
    state = get_domain(builder.env).book_state
    if builder.name in state.entries_rendered_by:
        return
    state.entries_rendered_by.add(builder.name)
    translator = builder.create_translator(new_document(docname, settings), builder)
    for key, _ in state.book.frequency:
        _markup(translator, key)


#: Writers that collect their output in ``self.body`` (HTML, LaTeX).
REUSED = (_visit_reused, None)
#: The HTML translator's References list.
HTML_LIST = (_visit_html_list, LIST[1])
