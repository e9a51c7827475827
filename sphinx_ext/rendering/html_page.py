"""HTML pages that cite: the extension's script and styles, and the Works Cited's contents.

Only pages that cite or list works get ``sphinx-source-citations.css`` (the
landing highlight, back-link sizes, the previews' look), and only pages that
cite get ``sphinx-source-citations.js`` (the previews). Both are copied from
``sphinx_ext/static`` into the output's ``_static`` folder. EPUB pages get
neither (:func:`~sphinx_ext.placing.shows_previews`).

The Works Cited's sections are made when the page is written, after Sphinx
made the page's contents; :func:`add_to_page` adds them to the contents the
theme shows ("On this page"). Its longest parts are written into its file
after Sphinx wrote the page, one at a time (:func:`write_parts_after_page`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from docutils.utils import new_document
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.environment.adapters.toctree import document_toc
from sphinx.util.fileutil import copy_asset_file

from sphinx_ext.domain import FREQUENCY, WORKS_CITED, get_domain
from sphinx_ext.placing import (
    entries_listed_elsewhere,
    shows_previews,
    works_cited_contents,
    works_cited_part_content,
)
from sphinx_ext.rendering.html import PART_MARKER
from sphinx_ext.savings import Saving, uses

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

__all__ = ["SCRIPT", "STYLES", "add_to_page", "copy_assets", "write_parts_after_page"]

_STATIC = Path(__file__).resolve().parent.parent / "static"
#: The names of the files in the output's ``_static`` folder.
STYLES = "sphinx-source-citations.css"
SCRIPT = "sphinx-source-citations.js"
_SOURCES = {STYLES: "citations.css", SCRIPT: "citations.js"}


def add_to_page(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """``html-page-context`` (before the themes' own, which read the contents)."""
    builder = app.builder
    if not shows_previews(builder):
        return
    domain = get_domain(builder.env)
    placements = domain.placements.get(pagename, ())
    cites = pagename in domain.stored_citations
    if cites or _lists_works(app, pagename):
        app.add_css_file(STYLES)
    if cites and app.config.citations_previews:
        app.add_js_file(SCRIPT, defer="defer")
        if isinstance(builder, StandaloneHTMLBuilder) and "body" in context:
            context["body"] += _previews_elsewhere(builder, pagename)
    contents = works_cited_contents(doctree) if WORKS_CITED in placements else None
    if contents is not None and isinstance(builder, StandaloneHTMLBuilder):
        toc = document_toc(builder.env, pagename, builder.tags)
        if contents.add_to_toc(toc):
            context["toc"] = builder.render_partial(toc)["fragment"]
            context["display_toc"] = True


def _previews_elsewhere(builder: StandaloneHTMLBuilder, pagename: str) -> str:
    """A ``<template>`` of the entries the page's citations link to on other pages."""
    listing = entries_listed_elsewhere(builder, pagename)
    if listing is None:
        return ""
    body = "".join(_rendered(builder, pagename, listing))
    return '<template id="source-previews">' + body + "</template>\n"


def _rendered(builder: StandaloneHTMLBuilder, pagename: str, node: nodes.Element) -> list[str]:
    """*node* as the page's translator writes it: its HTML fragments."""
    document = new_document(pagename, builder.docsettings)
    document += node  # some visitors look at the parent
    translator = builder.create_translator(document, builder)
    node.walkabout(translator)
    body: list[str] = getattr(translator, "body", [])
    return body


def write_parts_after_page(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write the Works Cited's parts where the page marks them.

    :attr:`Saving.PARTS_AFTER_PAGE <sphinx_ext.savings.Saving.PARTS_AFTER_PAGE>`.
    Each part is made and rendered on its own, with the page's translator, and
    the file is replaced whole (a new file, renamed over it). A build that
    failed leaves its error alone and its markers in place; the next build
    completes them, as it does an interrupted build's, even when it writes no
    page. A file without markers is not touched.
    """
    builder = app.builder
    if exception is not None:
        return  # the build's own error stands; the next build writes the parts
    if not isinstance(builder, StandaloneHTMLBuilder) or not uses(builder, Saving.PARTS_AFTER_PAGE):
        return
    domain = get_domain(builder.env)
    pages = sorted(page for page, placed in domain.placements.items() if WORKS_CITED in placed)
    encoding = app.config.html_output_encoding
    for page in pages:
        name = app.config.root_doc if isinstance(builder, SingleFileHTMLBuilder) else page
        path = Path(builder.get_outfilename(name))
        if not _has_parts(path, encoding):
            continue
        partial = path.with_name(f".{path.name}.parts")
        try:
            with (
                path.open(encoding=encoding, newline="") as written,
                partial.open("w", encoding=encoding, errors="xmlcharrefreplace", newline="") as out,
            ):
                # Line by line, and each part fragment by fragment: never the whole page at once.
                for line in written:
                    start = 0
                    for marker in PART_MARKER.finditer(line):
                        out.write(line[start : marker.start()])
                        out.writelines(_part_markup(builder, page, unquote(marker[1])))
                        start = marker.end()
                    out.write(line[start:])
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)


def _has_parts(path: Path, encoding: str) -> bool:
    """Whether the page written at *path* marks parts still to be written."""
    try:
        with path.open(encoding=encoding, newline="") as written:
            return any(PART_MARKER.search(line) for line in written)
    except (OSError, UnicodeError):
        return False


def _part_markup(builder: StandaloneHTMLBuilder, page: str, part: str) -> list[str]:
    """The HTML of one part of the Works Cited on *page*, as the page would have had it."""
    content = works_cited_part_content(builder, page, part)
    if content is None:
        return []
    return _rendered(builder, page, content)


def _lists_works(app: Sphinx, pagename: str) -> bool:
    domain = get_domain(app.builder.env)
    if {WORKS_CITED, FREQUENCY} & set(domain.placements.get(pagename, ())):
        return True
    book = domain.book
    chapter = book.chapter_of.get(pagename)
    if chapter is None:
        return False
    return book.by_docname[chapter].references_docname == pagename and book.cites_anything(chapter)


def copy_assets(app: Sphinx) -> None:
    """``builder-inited``: the script and styles into the output's ``_static``.

    Before any page is written, so that pages name them with their checksums
    (as Sphinx does for the files it finds there), the same in every build.
    """
    if not shows_previews(app.builder):
        return
    static = Path(app.builder.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    for name, source in _SOURCES.items():
        copy_asset_file(_STATIC / source, static / name, force=True)
