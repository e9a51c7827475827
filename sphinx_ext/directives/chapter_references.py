"""``{chapter-references}``: place the chapter's References here.

Without it, the References of a chapter that cites anything are appended at
the end of the chapter's own document (unless ``citations_auto_references``
is ``False``). Put a heading above it yourself::

    ## References

    ```{chapter-references}
    ```
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.util.docutils import SphinxDirective

from sphinx_ext.nodes import chapter_references

if TYPE_CHECKING:
    from docutils import nodes

__all__ = ["ChapterReferencesDirective"]


class ChapterReferencesDirective(SphinxDirective):
    """Emits ``<chapter_references auto="False">``, filled at write time."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        node = chapter_references("", auto=False, docname=self.env.docname)
        self.set_source_info(node)
        return [node]
