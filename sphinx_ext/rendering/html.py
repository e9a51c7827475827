"""HTML (and EPUB) rendering: spans and an ordered list, classed for styling.

``source-citation`` wraps a whole ``[Source: …]``, ``source-item`` one work
(its ``id`` is the target of the entry's back-link), ``source-references`` is
the chapter's ``<ol>``, ``source-backlinks`` the links back to the text.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, cast
from urllib.parse import quote

from docutils import nodes

from sphinx_ext._citation_map import map_svg
from sphinx_ext.placing import (
    BACKLINK_SEPARATOR,
    ITEM_SEPARATOR,
    ItemLink,
    citation_when_written,
    expand_when_written,
    fill_list_when_written,
    release_when_written,
)
from sphinx_ext.savings import Saving, uses

if TYPE_CHECKING:
    from sphinx.writers.html5 import HTML5Translator

__all__ = [
    "BACKLINKS",
    "CITATION",
    "ENTRY",
    "ITEM",
    "LINKED_TEXT",
    "LIST",
    "MAP",
    "PART",
    "PART_MARKER",
    "TITLE",
    "backlinks_markup",
    "part_marker",
    "text_markup",
]


def _visit_citation(self: HTML5Translator, node: nodes.Element) -> None:
    if uses(self.builder, Saving.LINKS_AS_MARKUP):
        written = citation_when_written(self.builder, node)
        if written is not None:
            self.body.append(_citation_markup(self, node, *written))
            release_when_written(node)
            raise nodes.SkipNode
    expand_when_written(self.builder, node)
    if not node.children:
        # A contents entry's or a page title's copy of a section title: the
        # citation stays with the section.
        raise nodes.SkipNode
    self.body.append(self.starttag(node, "span", ""))


def _citation_markup(
    self: HTML5Translator, node: nodes.Element, opening: str, links: list[ItemLink], closing: str
) -> str:
    """A citation's markup, as the translator writes its nodes (:func:`item_node`).

    :attr:`Saving.LINKS_AS_MARKUP <sphinx_ext.savings.Saving.LINKS_AS_MARKUP>`.
    Tags are made by the translator's own ``starttag`` (on a bare node with
    the same ids and classes), text by its own ``encode``.
    """
    tag = nodes.inline()
    out = [self.starttag(node, "span", ""), text_markup(self, opening)]
    for position, link in enumerate(links):
        if position:
            out.append(text_markup(self, ITEM_SEPARATOR))
        out.append(_item_tag(self, tag, link.node_id, unresolved=link.key is None))
        if link.uri is None:
            out.append(text_markup(self, link.shown))
        else:
            out.append(_link(self, tag, "source-ref", link.uri, link.shown, link.title))
        out.append("</span>")
    out += [text_markup(self, closing), "</span>"]
    return "".join(out)


def _link(
    self: HTML5Translator,
    tag: nodes.Element,
    kind: str,
    uri: str,
    shown: str,
    title: str | None = None,
) -> str:
    """An internal link, as Sphinx's ``visit_reference`` writes one in running text."""
    href = uri or "#"

    def made(href: str, title: str | None = None) -> str:
        tag["ids"] = []
        tag["classes"] = [kind] if kind else []
        if title is None:
            return self.starttag(tag, "a", "", CLASS="reference internal", href=href)
        return self.starttag(tag, "a", "", CLASS="reference internal", href=href, title=title)

    values = (href,) if title is None else (href, title)
    start = _filled(self, ("a", kind, title is not None), values, made)
    return start + text_markup(self, shown) + "</a>"


def _item_tag(
    self: HTML5Translator, tag: nodes.Element, node_id: str | None, *, unresolved: bool
) -> str:
    """The opening tag of a citation's item (:func:`~sphinx_ext.placing.item_node`)."""

    def made(node_id: str | None = None) -> str:
        tag["ids"] = [node_id] if node_id else []
        tag["classes"] = ["source-unresolved"] if unresolved else []
        return self.starttag(tag, "span", "", CLASS="source-item")

    if not node_id:
        return _filled(self, ("item", unresolved, False), (), made)
    return _filled(self, ("item", unresolved, True), (node_id,), made)


#: Stand-ins for attribute values in a tag made once per page (:func:`_filled`).
_SLOTS = ("\x00", "\x01")
#: translator → (kind of tag → the tag cut where its values go, or () where it cannot be).
_TAGS: weakref.WeakKeyDictionary[HTML5Translator, dict[tuple[object, ...], tuple[str, ...]]] = (
    weakref.WeakKeyDictionary()
)


def _filled(
    self: HTML5Translator,
    kind: tuple[object, ...],
    values: tuple[str, ...],
    made: Callable[..., str],
) -> str:
    """The tag *made* (the translator's own ``starttag``) with *values*, the tag made once a page.

    :attr:`Saving.LINKS_AS_MARKUP <sphinx_ext.savings.Saving.LINKS_AS_MARKUP>`:
    thousands of links and items share a few shapes. The translator makes
    each shape once, with stand-ins for its values, and each tag is that
    shape with the values put in as ``starttag`` puts them (``attval``).
    A translator whose tags do not keep the stand-ins, each once and in
    order, makes every tag itself.
    """
    tags = _TAGS.setdefault(self, {})
    cut = tags.get(kind)
    if cut is None:
        slots = _SLOTS[: len(values)]
        shape = made(*slots)
        pieces = re.split("(" + "|".join(slots) + ")", shape) if slots else [shape]
        cut = tags[kind] = tuple(pieces[::2]) if pieces[1::2] == list(slots) else ()
    if not cut:
        return made(*values)
    out = [cut[0]]
    for value, piece in zip(values, cut[1:], strict=True):
        out += [self.attval(value), piece]
    return "".join(out)


def text_markup(self: HTML5Translator, text: str) -> str:
    """What the translator writes for a text node of *text* (outside literals and mail links)."""
    return self.encode(nodes.unescape(text))


def _visit_linked_text(self: HTML5Translator, node: nodes.Element) -> None:
    # Saving.LINKS_AS_MARKUP: what the translator writes for its text and reference nodes.
    tag = nodes.inline()
    self.body.extend(
        text_markup(self, text) if uri is None else _link(self, tag, "", uri, text)
        for text, uri in node["pieces"]
    )
    raise nodes.SkipNode


def _visit_item(self: HTML5Translator, node: nodes.Element) -> None:
    # Only a citation being written has items: copies of a cited title (in
    # contents and sidebars) are skipped whole by _visit_citation.
    self.body.append(self.starttag(node, "span", "", CLASS="source-item"))


def _depart_span(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append("</span>")


def _depart_citation(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append("</span>")
    release_when_written(node)


def _visit_list(self: HTML5Translator, node: nodes.Element) -> None:
    # A list left for the writer is filled with nodes here; the HTML pages'
    # visitor (rendering.entries) writes its entries as markup where it can.
    fill_list_when_written(self.builder, node)
    self.visit_enumerated_list(cast("nodes.enumerated_list", node))


def _depart_list(self: HTML5Translator, node: nodes.Element) -> None:
    self.depart_enumerated_list(cast("nodes.enumerated_list", node))
    release_when_written(node)


def _visit_entry(self: HTML5Translator, node: nodes.list_item) -> None:
    self.visit_list_item(node)


def _depart_entry(self: HTML5Translator, node: nodes.list_item) -> None:
    self.depart_list_item(node)


def _visit_backlinks(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "span", "", title=_BACK))
    self.body.append(_ARROW)


# U+21A9 with the text-style selector, so no emoji font takes it over.
_ARROW = "\u21a9\ufe0e\u00a0"
_BACK = "Back to the citing text"


def backlinks_markup(self: HTML5Translator, targets: tuple[tuple[str, str], ...]) -> str:
    """What the translator writes for :func:`~sphinx_ext.placing.backlinks_node`'s nodes.

    :attr:`Saving.LINKS_AS_MARKUP <sphinx_ext.savings.Saving.LINKS_AS_MARKUP>`.
    """
    tag = nodes.inline(classes=["source-backlinks"])
    start = self.starttag(tag, "span", "", title=_BACK)
    separator = text_markup(self, BACKLINK_SEPARATOR)
    links = separator.join(
        _link(self, tag, "source-backlink", uri, label) for label, uri in targets
    )
    return start + _ARROW + links + "</span>"


def _visit_title(self: HTML5Translator, node: nodes.title) -> None:
    section = node.parent
    numbers = getattr(self.builder, "secnumbers", {})
    if isinstance(section, nodes.section) and section["ids"] and "#" + section["ids"][0] in numbers:
        # In the page's contents: numbered like the sections beside it.
        self.visit_title(node)
        return
    # Sphinx numbers a heading it does not know with its page's number
    # ("1. References"); with no numbers in sight it numbers nothing.
    self.builder.secnumbers = {}
    try:
        self.visit_title(node)
    finally:
        self.builder.secnumbers = numbers


def _depart_title(self: HTML5Translator, node: nodes.title) -> None:
    self.depart_title(node)


def _visit_map(self: HTML5Translator, node: nodes.Element) -> None:
    # Inline SVG: no script, readable in dark mode (currentColor), valid XHTML.
    self.body.append(map_svg(node["map"], node["title"]) + "\n")
    raise nodes.SkipNode


#: What :func:`part_marker` writes; ``part`` is the part's name, quoted.
PART_MARKER = re.compile(r"<!--sphinx-source-citations part=([A-Za-z0-9_.~%-]*?)-->")


def part_marker(part: str) -> str:
    """The marker of a Works Cited part written after the page.

    :attr:`Saving.PARTS_AFTER_PAGE <sphinx_ext.savings.Saving.PARTS_AFTER_PAGE>`.

    >>> part_marker("list:chapters/one")
    '<!--sphinx-source-citations part=list%3Achapters%2Fone-->'
    >>> PART_MARKER.fullmatch(part_marker("list:a-->b"))[1]
    'list%3Aa--%3Eb'
    """
    return f"<!--sphinx-source-citations part={quote(part, safe='')}-->"


def _visit_part(self: HTML5Translator, node: nodes.Element) -> None:
    # The tree keeps the part (search reads it); the file gets it after the page.
    self.body.append(part_marker(node["part"]))
    raise nodes.SkipNode


CITATION = (_visit_citation, _depart_citation)
ITEM = (_visit_item, _depart_span)
ENTRY = (_visit_entry, _depart_entry)
BACKLINKS = (_visit_backlinks, _depart_span)
LINKED_TEXT = (_visit_linked_text, None)
LIST = (_visit_list, _depart_list)
TITLE = (_visit_title, _depart_title)
MAP = (_visit_map, None)
PART = (_visit_part, None)
