"""``{citation-map}``: which chapters cite which works, as a picture.

One column per chapter, one row per work cited in at least ``:min-chapters:``
chapters (default ``citations_min_chapters``, 2), in the frequency table's
order; a filled cell where the chapter cites the work. Cells link to the
work's entry in that chapter's References, row labels to the work in the
Works Cited, column labels to the chapters::

    ```{citation-map}
    :min-chapters: 3
    ```

HTML and EPUB show it as inline SVG, the PDF as a TikZ picture, text
formats as a grid of characters (:mod:`sphinx_ext._citation_map`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from sphinx_ext.directives.citation_frequency import note_whole_book_page
from sphinx_ext.nodes import citation_map

if TYPE_CHECKING:
    from collections.abc import Callable

    from docutils import nodes

__all__ = ["CitationMapDirective"]


class CitationMapDirective(SphinxDirective):
    """Emits ``<citation_map min_chapters=N>``, filled at write time."""

    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], object]]] = {
        "min-chapters": directives.positive_int,
    }

    def run(self) -> list[nodes.Node]:
        note_whole_book_page(self)
        node = citation_map(
            "",
            min_chapters=self.options.get("min-chapters", self.config.citations_min_chapters),
            docname=self.env.docname,
        )
        self.set_source_info(node)
        return [node]
