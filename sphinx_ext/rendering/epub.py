"""EPUB: citation semantics for reading systems, and a package that epubcheck accepts.

Reading systems pop up a reference from the DPUB-ARIA roles (EPUB 3.3): each
citation's link is a ``doc-biblioref``, each References list sits in a
``doc-bibliography`` block (as pandoc writes it: a ``<div>``, the list's own
``<ol>`` keeping its list semantics) and its entries are ``doc-biblioentry``,
the links back to the text ``doc-backlink``.

The navigation (``nav.xhtml`` and ``toc.ncx``) lists each chapter's
automatic References under the chapter. An index without entries stays out
of the book, instead of closing its reading order with an empty page. Pages
holding inline SVG (the citation map) are declared with the manifest's
``svg`` property.

Sphinx writes ``epub_uid`` (the XML id of the identifier element) into the
NCX's ``dtb:uid`` where the identifier itself (``epub_identifier``) belongs,
and epubcheck reports NCX-001 for every book that sets a real identifier
(sphinx-doc/sphinx#11184). The NCX template cannot be overridden, so the
builder's metadata for it is corrected instead.

``citations.json``, written into the output folder by every build, is no part
of the book: the EPUB leaves it out instead of warning about its type.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes

from sphinx_ext._files import write_atomically
from sphinx_ext.citations_json import FILENAME
from sphinx_ext.domain import get_domain
from sphinx_ext.rendering import html as html_rendering

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.writers.html5 import HTML5Translator

__all__ = ["BACKLINKS", "ENTRY", "ITEM", "LIST", "setup"]


def _with_role(self: HTML5Translator, role: str) -> None:
    """Give the start tag just written a ``role``."""
    tag = self.body[-1]
    end = len(tag.rstrip()) - 1
    if tag[end] == ">":
        self.body[-1] = f'{tag[:end]} role="{role}"{tag[end:]}'


def _walk_with_roles(self: HTML5Translator, node: nodes.Element, role: str) -> None:
    """Write *node*'s children, each link among them with *role*."""
    for child in node.children:
        if isinstance(child, nodes.reference):
            self.visit_reference(child)
            _with_role(self, role)
            for grandchild in child.children:
                grandchild.walkabout(self)
            self.depart_reference(child)
        else:
            child.walkabout(self)


def _visit_item(self: HTML5Translator, node: nodes.Element) -> None:
    html_rendering.ITEM[0](self, node)
    _walk_with_roles(self, node, "doc-biblioref")
    html_rendering.ITEM[1](self, node)
    raise nodes.SkipNode


def _visit_backlinks(self: HTML5Translator, node: nodes.Element) -> None:
    html_rendering.BACKLINKS[0](self, node)
    _walk_with_roles(self, node, "doc-backlink")
    html_rendering.BACKLINKS[1](self, node)
    raise nodes.SkipNode


def _visit_list(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append('<div class="source-bibliography" role="doc-bibliography">\n')
    html_rendering.LIST[0](self, node)


def _depart_list(self: HTML5Translator, node: nodes.Element) -> None:
    html_rendering.LIST[1](self, node)
    self.body.append("</div>\n")


def _visit_entry(self: HTML5Translator, node: nodes.list_item) -> None:
    self.visit_list_item(node)
    _with_role(self, "doc-biblioentry")


def _depart_entry(self: HTML5Translator, node: nodes.list_item) -> None:
    self.depart_list_item(node)


def _prepare_epub(app: Sphinx) -> None:
    builder = app.builder
    toc_metadata = getattr(builder, "toc_metadata", None)
    if builder.name != "epub" or toc_metadata is None:
        return
    excluded = list(app.config.epub_exclude_files)
    if FILENAME not in excluded:
        app.config.epub_exclude_files = [*excluded, FILENAME]
    identifier = html.escape(app.config.epub_identifier)

    def with_identifier(level: int, navpoints: list[Any]) -> dict[str, Any]:
        metadata: dict[str, Any] = toc_metadata(level, navpoints)
        metadata["uid"] = identifier
        return metadata

    builder.toc_metadata = with_identifier  # type: ignore[attr-defined]
    _references_in_navigation(builder)
    _declare_svg_pages(builder)


def _references_in_navigation(builder: Builder) -> None:
    """List each chapter's automatic References in the navigation, under the chapter.

    Sphinx builds ``nav.xhtml`` and ``toc.ncx`` from the sections it read; the
    References are made when the chapter is written. Every list of entries
    the builder makes passes through ``toc_add_files``: they are added there.
    """
    add_files = builder.toc_add_files  # type: ignore[attr-defined]
    suffix = builder.out_suffix  # type: ignore[attr-defined]

    def with_references(refnodes: list[dict[str, Any]]) -> None:
        _add_references(builder, refnodes, suffix)
        add_files(refnodes)

    builder.toc_add_files = with_references  # type: ignore[attr-defined]


def _add_references(builder: Builder, refnodes: list[dict[str, Any]], suffix: str) -> None:
    config = builder.config
    if not config.citations_auto_references:
        return
    domain = get_domain(builder.env)
    book = domain.book
    present = {node["refuri"] for node in refnodes}
    title = html.escape(config.citations_references_title)
    # From the last chapter back, so that earlier positions stay valid.
    for chapter in reversed(book.chapters):
        if chapter.references_docname != chapter.docname or not book.cites_anything(
            chapter.docname
        ):
            continue
        # The section's id as read (the author may have a "References" of their own).
        section_id = domain.added_sections.get(chapter.docname, ("references", ""))[0]
        refuri = html.escape(f"{chapter.docname}{suffix}#{section_id}")
        # After the last entry of the chapter's own page, where the list
        # ends: its sub-documents are later pages of the reading order.
        page = html.escape(chapter.docname + suffix)
        positions = [
            n for n, node in enumerate(refnodes) if node["refuri"].partition("#")[0] == page
        ]
        if refuri in present or not positions:
            continue
        level = refnodes[positions[0]]["level"] + 1
        refnodes.insert(positions[-1] + 1, {"level": level, "refuri": refuri, "text": title})


def _leave_out_an_empty_index(app: Sphinx, builder: Builder) -> None:
    """``write-started``: no index page when nothing was indexed."""
    if builder.name != "epub" or not getattr(builder, "use_index", False):
        return
    entries = app.env.domains.index_domain.entries
    if not any(entries.values()):
        builder.use_index = False  # type: ignore[attr-defined]


_ITEM_TAG = re.compile(r'<item id="[^"]*" href="([^"]*)" media-type="application/xhtml\+xml"')


def _declare_svg_pages(builder: Builder) -> None:
    """Give the manifest items of pages with inline SVG the ``svg`` property.

    Sphinx's package template writes no properties for them, which epubcheck
    requires (OPF-014): the ``content.opf`` it writes is amended.
    """
    build_content = builder.build_content  # type: ignore[attr-defined]

    def with_svg_properties() -> None:
        build_content()
        package = Path(builder.outdir, "content.opf")
        text = package.read_text(encoding="utf-8")

        def amend(match: re.Match[str]) -> str:
            page = Path(builder.outdir, html.unescape(match[1]))
            if page.is_file() and "<svg" in page.read_text(encoding="utf-8"):
                return f'{match[0]} properties="svg"'
            return match[0]

        amended = _ITEM_TAG.sub(amend, text)
        if amended != text:
            write_atomically(package, amended)

    builder.build_content = with_svg_properties  # type: ignore[attr-defined]


def setup(app: Sphinx) -> None:
    """Adjust the EPUB builder once it exists."""
    app.connect("builder-inited", _prepare_epub)
    app.connect("write-started", _leave_out_an_empty_index)


ITEM = (_visit_item, None)
BACKLINKS = (_visit_backlinks, None)
LIST = (_visit_list, _depart_list)
ENTRY = (_visit_entry, _depart_entry)
