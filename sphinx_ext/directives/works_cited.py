"""``{works-cited}``: the whole Works Cited, computed from every chapter.

In order: the frequency table (works cited in at least ``:min-chapters:``
chapters), then every chapter's list under "Chapter N: Title" with the
chapters it shares works with, then every cited work grouped by source
category (Academic Papers, Industry Standards, Published Books, Vendor
Documentation, Industry Research and Blog Posts)::

    ```{works-cited}
    ```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from sphinx_ext.directives.citation_frequency import note_whole_book_page
from sphinx_ext.nodes import works_cited

if TYPE_CHECKING:
    from collections.abc import Callable

    from docutils import nodes

__all__ = ["WorksCitedDirective"]


class WorksCitedDirective(SphinxDirective):
    """Emits ``<works_cited min_chapters=N>``, filled at write time."""

    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], object]]] = {
        "min-chapters": directives.positive_int,
    }

    def run(self) -> list[nodes.Node]:
        note_whole_book_page(self)
        node = works_cited(
            "",
            min_chapters=self.options.get("min-chapters", self.config.citations_min_chapters),
            docname=self.env.docname,
        )
        self.set_source_info(node)
        return [node]
