"""Read time: find ``[Source: …]`` in the text, match every item to its work, report problems.

:class:`SourceCitations` runs once per document after parsing. It replaces
each ``[Source: …]`` in running text (never in code, math, raw or links) by
a :class:`~sphinx_ext.nodes.source_citation`, then matches every item of
every citation of the document, whether it came from the text or from the
``{source}`` role, and warns at the item's line about anything it cannot
match. Finally it marks where a chapter's References go when the author
does not place them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from sphinx_ext import bibliography
from sphinx_ext._book import MALFORMED, ItemRecord, stored_items
from sphinx_ext._matching import Match, Status
from sphinx_ext._parser import (
    OPENER,
    Citation,
    Item,
    Malformed,
    UnclosedCitation,
    find_citations,
    shorten,
)
from sphinx_ext.diagnostics import Subtype, warn
from sphinx_ext.domain import get_domain
from sphinx_ext.nodes import (
    REFERENCES_SECTION,
    chapter_references,
    line_of,
    preorder,
    references_title,
    source_citation,
    works_cited,
)

__all__ = ["SourceCitations", "build_citation_node", "report_unmatched"]

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
    """A ``source_citation`` of the parsed *items*, matched by :class:`SourceCitations`.

    It has no children until written (:mod:`sphinx_ext.placing`).
    """
    citation = source_citation(
        "", classes=["source-citation"], docname=docname, line=line, parsed=items
    )
    citation.line = line
    return citation


class SourceCitations(SphinxTransform):
    """Turn ``[Source: …]`` text into nodes, match their items and report problems."""

    # After MyST and docutils have built the tree, before domains collect it (850).
    default_priority = 700

    def apply(self, **kwargs: object) -> None:
        docname = self.env.docname
        titled = _titles_citing(self.document)
        for parent in list(_text_parents(self.document)):
            _replace_in(parent, docname)
        citations = list(self.document.findall(source_citation))
        if titled:
            _titles_as_if_uncited(self.document, titled, citations)
        if citations:
            for path in bibliography.bib_paths(self.env.srcdir, self.config):
                self.env.note_dependency(path)
            domain = get_domain(self.env)
            matcher = _ItemMatcher(domain.index.match)
            for citation in citations:
                matcher.match_citation(citation)
        placed = _one_placement_each(self.document)
        if (
            self.config.citations_auto_references
            and not placed
            and docname != self.config.root_doc
            and (citations or any(_cites_or_includes(node) for node in preorder(self.document)))
        ):
            _add_references_section(self.document, docname, self.config.citations_references_title)


def _titles_citing(document: nodes.document) -> dict[nodes.title, str]:
    """Section titles holding an opener, with the name docutils gave them from their text."""
    return {
        title: nodes.fully_normalize_name(title.astext())
        for title in document.findall(nodes.title)
        if isinstance(title.parent, nodes.section) and OPENER.search(title.astext())
    }


def _titles_as_if_uncited(
    document: nodes.document, titled: dict[nodes.title, str], citations: list[source_citation]
) -> None:
    """Section titles, anchors and names as if their citations were not there.

    The space before a citation in a title goes into the citation (shown
    when written), so a title's copies (contents, sidebar, Works Cited,
    ``citations.json``) end without it; the section's name and id made from
    the title's text are made again without the citation.
    """
    for citation in citations:
        title = _title_of(citation)
        if title is not None:
            _take_spaces(citation)
    for title, old_name in titled.items():
        section = title.parent
        new_name = nodes.fully_normalize_name(title.astext())
        if isinstance(section, nodes.section) and new_name and new_name != old_name:
            _rename_section(document, section, old_name, new_name)


def _rename_section(
    document: nodes.document, section: nodes.section, old_name: str, new_name: str
) -> None:
    """Give *section* the implicit name and id *new_name* makes, in place of *old_name*'s."""
    if old_name not in section["names"]:
        return  # an explicit target or a duplicate: docutils named it otherwise
    old_id = document.nameids.pop(old_name, None)
    document.nametypes.pop(old_name, None)
    section["names"].remove(old_name)
    new_id = old_id
    if old_id is not None and document.ids.get(old_id) is section:
        base = nodes.make_id(new_name) or "section"
        new_id, number = base, 0
        while new_id in document.ids:
            number += 1
            new_id = f"{base}-{number}"
        section["ids"][section["ids"].index(old_id)] = new_id
        del document.ids[old_id]
        document.ids[new_id] = section
    if new_id is not None and new_name not in document.nameids:
        section["names"].insert(0, new_name)
        document.nameids[new_name] = new_id
        document.nametypes[new_name] = False


def _title_of(node: nodes.Node) -> nodes.title | None:
    current = node.parent
    while current is not None:
        if isinstance(current, nodes.title):
            return current
        current = current.parent
    return None


def _take_spaces(citation: source_citation) -> None:
    """Move the space before *citation* (or after it, at the start) into it."""
    parent = citation.parent
    assert parent is not None
    index = parent.index(citation)
    before = parent[index - 1] if index else None
    if isinstance(before, nodes.Text) and str(before)[-1:].isspace():
        kept = str(before).rstrip()
        citation["lead"] = str(before)[len(kept) :]
        if kept:
            parent[index - 1] = nodes.Text(kept)
        else:
            parent.remove(before)
        return
    after = parent[index + 1] if index + 1 < len(parent) else None
    if before is None and isinstance(after, nodes.Text) and str(after)[:1].isspace():
        kept = str(after).lstrip()
        citation["trail"] = str(after)[: len(str(after)) - len(kept)]
        if kept:
            parent[index + 1] = nodes.Text(kept)
        else:
            parent.remove(after)


def _one_placement_each(document: nodes.document) -> bool:
    """Keep the first ``{chapter-references}`` and ``{works-cited}`` of a document.

    A second one would repeat the list and every id in it: it is a located
    ``citations.placement`` warning and shows nothing. Returns whether the
    document places its chapter's References itself.
    """
    seen: dict[type[nodes.Node], nodes.Node] = {}
    for node in [node for node in preorder(document) if _placement(node)]:
        first = seen.setdefault(type(node), node)
        if first is node:
            continue
        name = "chapter-references" if isinstance(node, chapter_references) else "works-cited"
        warn(
            "a second {%s} in this document shows nothing: the first one, at line %s, "
            "already shows the list; remove this one",
            name,
            first.line,
            subtype=Subtype.PLACEMENT,
            location=node,
        )
        node.parent.remove(node)
    return chapter_references in seen


def _placement(node: nodes.Node) -> bool:
    return isinstance(node, works_cited) or (
        isinstance(node, chapter_references) and not node.get("auto")
    )


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
    base_line = line_of(parent)
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
                    shorten(text[citation.start : citation.end]),
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


class _ItemMatcher:
    """Matches the items of one document's citations, numbering them in order."""

    def __init__(self, match: Callable[[Item], Match]) -> None:
        self.match = match
        self.count = 0

    def match_citation(self, citation: source_citation) -> None:
        """Replace the parsed items by item records, warning about the unmatched."""
        location = (citation["docname"], line_of(citation))
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
        match = self.match(item)
        if match.status is not Status.RESOLVED:
            report_unmatched(item.text, match, location)
        return ItemRecord(match.key, item.locator, match.status.value, item.text, node_id)


def report_unmatched(text: str, match: Match, location: tuple[str | None, int | None]) -> None:
    """Warn about an unmatched item, with candidates or a "did you mean"."""
    text = shorten(text)
    if match.status is Status.AMBIGUOUS:
        candidates = "; ".join(f"{label} ({key})" for label, key in match.candidates)
        warn(
            "ambiguous citation %r matches %d works: %s; add the year letter",
            text,
            len(match.candidates),
            candidates,
            subtype=Subtype.AMBIGUOUS,
            location=location,
        )
        return
    hint = (
        f"; did you mean {' or '.join(map(repr, match.suggestions))}?" if match.suggestions else ""
    )
    if match.missing_year:
        warn(
            "malformed citation: no year in %r (expected 'Author/Org, Year')%s",
            text,
            hint,
            subtype=Subtype.NO_YEAR,
            location=location,
        )
        return
    reason = f" ({match.reason})" if match.reason else ""
    warn(
        "unknown work %r: not in the bibliography%s%s",
        text,
        reason,
        hint,
        subtype=Subtype.UNKNOWN,
        location=location,
    )


def _cites_or_includes(node: nodes.Node) -> bool:
    """A ``{cite}`` role, or a toctree (the chapter's other documents may cite)."""
    return isinstance(node, addnodes.toctree) or (
        isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite"
    )


def _add_references_section(document: nodes.document, docname: str, title: str) -> None:
    """The chapter's References, a real section from the start.

    Added now, before docutils' ``{contents}`` (720) and Sphinx's toctree
    collector read the document, so it is in the page's contents boxes, its
    local table of contents ("On this page") and the section numbering like
    the sections around it. Only a document that cites, or includes others,
    can be a chapter with a list; where the book decides otherwise
    (a subdocument, front matter), the section is dropped when written
    (:mod:`sphinx_ext.placing`) and out of the contents before
    (:func:`sphinx_ext.domain.tocs_follow_the_book`).
    """
    sections = [n for n in document.children if isinstance(n, nodes.section)]
    target: nodes.Element = sections[-1] if sections else document
    # The section's id, free in this document (the author may have a
    # "References" heading of their own).
    section_id, number = "references", 0
    while section_id in document.ids:
        number += 1
        section_id = f"references-{number}"
    section = nodes.section("", ids=[section_id], classes=[REFERENCES_SECTION])
    # Numbered in HTML like its siblings; in print, an unnumbered heading
    # still in the contents (sphinx_ext.rendering).
    section += references_title(title, title)
    section += chapter_references("", auto=True, docname=docname, section_id=section_id)
    target += section
    document.ids[section_id] = section
