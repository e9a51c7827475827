"""EPUB: a package that epubcheck accepts.

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
from typing import TYPE_CHECKING, Any

from sphinx_ext.citations_json import FILENAME

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["setup"]


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


def setup(app: Sphinx) -> None:
    """Adjust the EPUB builder once it exists."""
    app.connect("builder-inited", _prepare_epub)
