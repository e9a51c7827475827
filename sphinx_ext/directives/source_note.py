"""``{source-note}``: a note on one work, shown in this chapter's list only.

The argument takes the same item syntax as a citation; the body is the note::

    ```{source-note} Google, 2025
    AIP-121: Resource-oriented design, AIP-133: Standard methods
    ```

The entry for that work in the chapter's References then ends with
``[AIP-121: Resource-oriented design, AIP-133: Standard methods]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.util.docutils import SphinxDirective

from sphinx_ext._parser import Malformed, parse_items
from sphinx_ext._resolver import Status
from sphinx_ext.domain import get_domain
from sphinx_ext.nodes import source_note
from sphinx_ext.transforms import report_resolution
from sphinx_ext.warnings_ import Subtype, warn

if TYPE_CHECKING:
    from docutils import nodes

__all__ = ["SourceNoteDirective"]


class SourceNoteDirective(SphinxDirective):
    """Emits an invisible ``<source_note key=… note=…>``, collected by the domain."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self) -> list[nodes.Node]:
        location = self.get_location()
        docname, line = self.env.docname, self.lineno
        items, malformed = parse_items(self.arguments[0])
        note = " ".join("\n".join(self.content).split())
        if malformed or len(items) != 1:
            problems = "; ".join(i.message for i in items if isinstance(i, Malformed))
            warn(
                "source-note takes exactly one work, e.g. 'Google, 2025'; got %r%s",
                self.arguments[0],
                f" ({problems})" if problems else "",
                subtype=Subtype.NOTE,
                location=location,
            )
            return []
        if not note:
            warn(
                "source-note for %r has no text",
                self.arguments[0],
                subtype=Subtype.NOTE,
                location=location,
            )
            return []
        [item] = items
        assert not isinstance(item, Malformed)
        resolution = get_domain(self.env).index.resolve(item)
        if resolution.status is not Status.RESOLVED:
            report_resolution(item.text, resolution, (docname, line))
            return []
        node = source_note("", key=resolution.key, note=note, docname=docname, line=line)
        return [node]
