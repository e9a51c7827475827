"""Read time: find ``[Source: …]`` in the text, resolve every item, report problems.

:class:`SourceCitations` runs once per document after parsing. It replaces
each ``[Source: …]`` in running text (never in code, math, raw or links) by
a :class:`~sphinx_ext.nodes.source_citation`, then resolves every item of
every citation of the document, whether it came from the text or from the
``{source}`` role, and warns at the item's line about anything it cannot
resolve. Finally it marks where a chapter's References go when the author
does not place them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from sphinx_ext import bibliography
from sphinx_ext._book import MALFORMED, ItemRecord, stored_items
from sphinx_ext._parser import Citation, Item, Malformed, UnclosedCitation, find_citations
from sphinx_ext._resolver import Resolution, Status
from sphinx_ext.domain import get_domain
from sphinx_ext.nodes import chapter_references, source_citation
from sphinx_ext.warnings_ import Subtype, warn

__all__ = ["SourceCitations", "build_citation_node", "report_resolution"]

# Text in these is never a citation.
_SKIPPED = (
    nodes.FixedTextElement,
    nodes.literal,
    nodes.raw,
    nodes.comment,
    nodes.math,
    nodes.reference,
    nodes.target,
    addnodes.pending_xref,
    source_citation,
)


def build_citation_node(
    items: tuple[Item | Malformed, ...], docname: str, line: int | None
) -> source_citation:
    """A ``source_citation`` of the parsed *items*, resolved by :class:`SourceCitations`.

    It has no children until written (:mod:`sphinx_ext.resolution`).
    """
    citation = source_citation(
        "", classes=["source-citation"], docname=docname, line=line, parsed=items
    )
    citation.line = line
    citation.shed_unused_attributes()
    return citation


class SourceCitations(SphinxTransform):
    """Turn ``[Source: …]`` text into nodes, resolve them and report problems."""

    # After MyST and docutils have built the tree, before domains collect it (850).
    default_priority = 700

    def apply(self, **kwargs: object) -> None:
        docname = self.env.docname
        for parent in list(_text_parents(self.document)):
            _replace_in(parent, docname)
        citations = list(self.document.findall(source_citation))
        if citations:
            for path in bibliography.bib_paths(self.env.srcdir, self.config):
                self.env.note_dependency(path)
            domain = get_domain(self.env)
            resolver = _Resolver(domain.index.resolve)
            for citation in citations:
                resolver.resolve_citation(citation)
        if self.config.citations_auto_references:
            _mark_auto_references(self.document, docname)


def _text_parents(node: nodes.Element) -> Iterator[nodes.Element]:
    """Elements with a direct Text child holding an opener, skipping code and links."""
    stack: list[nodes.Element] = [node]
    while stack:
        element = stack.pop()
        if isinstance(element, _SKIPPED):
            continue
        has_text = False
        for child in element.children:
            if isinstance(child, nodes.Text):
                has_text = has_text or "[" in child
            elif isinstance(child, nodes.Element):
                stack.append(child)
        if has_text:
            yield element


def _replace_in(parent: nodes.Element, docname: str) -> None:
    base_line = _line_of(parent)
    newlines_before = 0
    index = 0
    while index < len(parent.children):
        child = parent.children[index]
        if not isinstance(child, nodes.Text):
            newlines_before += child.astext().count("\n")
            index += 1
            continue
        end = index
        while end < len(parent.children) and isinstance(parent.children[end], nodes.Text):
            end += 1
        text = "".join(str(t) for t in parent.children[index:end])
        found = find_citations(text)
        if not found:
            newlines_before += text.count("\n")
            index = end
            continue
        replacement: list[nodes.Node] = []
        position = 0
        for citation in found:
            line = None
            if base_line is not None:
                line = base_line + newlines_before + text.count("\n", 0, citation.start)
            if citation.start > position:
                replacement.append(nodes.Text(text[position : citation.start]))
            if isinstance(citation, UnclosedCitation):
                warn(
                    "%s: %r; close it, or escape the bracket if it is not a citation",
                    citation.message,
                    _snippet(text[citation.start : citation.end]),
                    subtype=Subtype.UNCLOSED,
                    location=(docname, line),
                )
                replacement.append(nodes.Text(text[citation.start : citation.end]))
            else:
                assert isinstance(citation, Citation)
                replacement.append(build_citation_node(citation.items, docname, line))
            position = citation.end
        if position < len(text):
            replacement.append(nodes.Text(text[position:]))
        parent[index:end] = replacement
        newlines_before += text.count("\n")
        index += len(replacement)


class _Resolver:
    """Resolves the items of one document's citations, numbering them in order."""

    def __init__(self, resolve: Callable[[Item], Resolution]) -> None:
        self.resolve = resolve
        self.count = 0

    def resolve_citation(self, citation: source_citation) -> None:
        """Replace the parsed items by item records, warning about the unresolved."""
        location = (citation["docname"], _line_of(citation))
        records = [self.record(item, location) for item in citation["parsed"]]
        del citation["parsed"]
        citation["items"] = stored_items(records)

    def record(self, item: Item | Malformed, location: tuple[str | None, int | None]) -> ItemRecord:
        self.count += 1
        node_id = f"src-{self.count}"
        if isinstance(item, Malformed):
            warn(
                "malformed citation: %s",
                item.message,
                subtype=Subtype(item.problem.value),
                location=location,
            )
            return ItemRecord(None, None, MALFORMED, item.text, node_id)
        resolution = self.resolve(item)
        if resolution.status is not Status.RESOLVED:
            report_resolution(item.text, resolution, location)
        return ItemRecord(resolution.key, item.locator, resolution.status.value, item.text, node_id)


def report_resolution(
    text: str, resolution: Resolution, location: tuple[str | None, int | None]
) -> None:
    """Warn about an unresolved item, with candidates or a "did you mean"."""
    if resolution.status is Status.AMBIGUOUS:
        candidates = "; ".join(f"{label} ({key})" for label, key in resolution.candidates)
        warn(
            "ambiguous citation %r matches %d works: %s; add the year letter",
            text,
            len(resolution.candidates),
            candidates,
            subtype=Subtype.AMBIGUOUS,
            location=location,
        )
        return
    hint = (
        f"; did you mean {' or '.join(map(repr, resolution.suggestions))}?"
        if resolution.suggestions
        else ""
    )
    if resolution.missing_year:
        warn(
            "malformed citation: no year in %r (expected 'Author/Org, Year')%s",
            text,
            hint,
            subtype=Subtype.NO_YEAR,
            location=location,
        )
        return
    reason = f" ({resolution.reason})" if resolution.reason else ""
    warn(
        "unknown work %r: not in the bibliography%s%s",
        text,
        reason,
        hint,
        subtype=Subtype.UNKNOWN,
        location=location,
    )


def _mark_auto_references(document: nodes.document, docname: str) -> None:
    sections = [n for n in document.children if isinstance(n, nodes.section)]
    target: nodes.Element = sections[-1] if sections else document
    target += chapter_references("", auto=True, docname=docname)


def _line_of(node: nodes.Node) -> int | None:
    current: nodes.Node | None = node
    while current is not None:
        if current.line is not None:
            return current.line
        current = current.parent
    return None


def _snippet(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
