"""``{citation-frequency}``: the table of works cited in several chapters.

"Work | Chapters Referenced", for every work cited in at least
``:min-chapters:`` chapters (default ``citations_min_chapters``, 2), most
chapters first, then by first chapter, then by label::

    ```{citation-frequency}
    :min-chapters: 3
    ```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from sphinx_ext import bibliography
from sphinx_ext.nodes import citation_frequency

if TYPE_CHECKING:
    from collections.abc import Callable

    from docutils import nodes

__all__ = ["CitationFrequencyDirective", "note_whole_book_page"]


def note_whole_book_page(directive: SphinxDirective) -> None:
    """A page listing the whole book changes with the bibliography."""
    for path in bibliography.bib_paths(directive.env.srcdir, directive.config):
        directive.env.note_dependency(path)


class CitationFrequencyDirective(SphinxDirective):
    """Emits ``<citation_frequency min_chapters=N>``, filled at write time."""

    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], object]]] = {
        "min-chapters": directives.positive_int,
    }

    def run(self) -> list[nodes.Node]:
        note_whole_book_page(self)
        node = citation_frequency(
            "",
            min_chapters=self.options.get("min-chapters", self.config.citations_min_chapters),
            docname=self.env.docname,
        )
        self.set_source_info(node)
        return [node]
