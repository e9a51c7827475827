"""``{source-note}``: a note on one work, shown in this chapter's list only.

The argument takes the same item syntax as a citation; the body is the note::

    ```{source-note} Google, 2025
    AIP-121: Resource-oriented design, AIP-133: Standard methods
    ```

The entry for that work in the chapter's References then ends with
``[AIP-121: Resource-oriented design, AIP-133: Standard methods]``.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from sphinx_ext._matching import Status
from sphinx_ext._parser import Malformed, parse_items, shorten
from sphinx_ext.diagnostics import Subtype, warn
from sphinx_ext.domain import get_domain
from sphinx_ext.nodes import source_citation, source_note
from sphinx_ext.transforms import report_unmatched

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
        # As written (citations.json); shown as parsed.
        note = " ".join("\n".join(self.content).split())
        if malformed or len(items) != 1:
            problems = "; ".join(i.message for i in items if isinstance(i, Malformed))
            warn(
                "source-note takes exactly one work, e.g. 'Google, 2025'; got %r%s",
                shorten(self.arguments[0]),
                f" ({problems})" if problems else "",
                subtype=Subtype.NOTE,
                location=location,
            )
            return []
        if not note:
            warn(
                "source-note for %r has no text",
                shorten(self.arguments[0]),
                subtype=Subtype.NOTE,
                location=location,
            )
            return []
        [item] = items
        assert not isinstance(item, Malformed)
        match = get_domain(self.env).index.match(item)
        if match.status is not Status.RESOLVED:
            report_unmatched(item.text, match, (docname, line))
            return []
        content = self._inline_content()
        node = source_note(
            "", key=match.key, note=note, docname=docname, line=line, content=content
        )
        return [node]

    def _inline_content(self) -> tuple[nodes.Node, ...]:
        """The body parsed as MyST (or reST) inline markup, kept to what any page can show.

        A body of several paragraphs, or of blocks, is shown as its text,
        with a warning. Cross-references and other nodes that need their own
        page's resolution are kept as their text.
        """
        if not self.content:
            return ()
        parsed = self.parse_content_to_nodes()
        if len(parsed) == 1 and isinstance(parsed[0], nodes.paragraph):
            return tuple(_portable(child) for child in parsed[0].children)
        warn(
            "source-note body should be one paragraph of text; shown as plain text",
            subtype=Subtype.NOTE,
            location=self.get_location(),
        )
        return (nodes.Text(" ".join(" ".join(n.astext() for n in parsed).split())),)


#: Inline nodes a note may keep wherever its list is written.
_PORTABLE = (
    nodes.Text,
    nodes.emphasis,
    nodes.strong,
    nodes.literal,
    nodes.subscript,
    nodes.superscript,
    nodes.inline,
    nodes.abbreviation,
)


def _portable(node: nodes.Node) -> nodes.Node:
    """*node* if every node in it is :data:`_PORTABLE` (or an external link), else its text."""
    for inner in node.findall(include_self=True):
        external = isinstance(inner, nodes.reference) and "refuri" in inner
        if not (isinstance(inner, _PORTABLE) or external) or isinstance(inner, source_citation):
            return nodes.Text(node.astext())
    return node
