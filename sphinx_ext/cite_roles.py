"""sphinxcontrib-bibtex's ``{cite:p}`` citations without a bibliography to land in.

A book may cite with sphinxcontrib-bibtex's roles and rely on this extension
for its lists. When no ``{bibliography}`` directive lists a cited key,
sphinxcontrib-bibtex cannot resolve it; :class:`AdoptCiteRoles` turns such a
citation into a ``[Source: …]`` one before it tries, so it links to its
chapter's References like any other. Citations whose keys a bibliography
does list are left to sphinxcontrib-bibtex.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import NoUri
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

from sphinx_ext._book import ItemRecord, stored_items
from sphinx_ext._matching import Status
from sphinx_ext.domain import get_domain
from sphinx_ext.nodes import source_citation

if TYPE_CHECKING:
    from sphinxcontrib.bibtex.domain import BibtexDomain

__all__ = ["AdoptCiteRoles", "RetargetCiteLinks"]


class AdoptCiteRoles(SphinxPostTransform):
    """``{cite:p}`` with no bibliography listing its keys → a ``source_citation``."""

    # Before sphinxcontrib-bibtex's bibliography transform (5) and the resolver (10).
    default_priority = 4

    def run(self, **kwargs: Any) -> None:
        pending = [
            node
            for node in self.document.findall(addnodes.pending_xref)
            if node.get("refdomain") == "cite"
        ]
        if not pending:
            return
        listed = {c.key for c in cast("BibtexDomain", self.env.get_domain("cite")).citations}
        works = get_domain(self.env).works
        for node in pending:
            targets = list(parse_citation_targets(node.get("reftarget", "")))
            keys = [target.key for target in targets]
            if not keys or any(k in listed for k in keys) or not all(k in works for k in keys):
                continue
            docname = node.get("refdoc", "")
            # The id the domain recorded for this citation: the entry's back-link target.
            node_id = node["ids"][0] if node.get("ids") else ""
            items = tuple(
                ItemRecord(
                    target.key,
                    target.post or None,
                    Status.RESOLVED.value,
                    target.key,
                    node_id if position == 0 else "",
                )
                for position, target in enumerate(targets)
            )
            citation = source_citation(
                "", classes=["source-citation"], docname=docname, items=stored_items(items)
            )
            # Not replace_self(): it would copy the ids onto the group as well.
            node.parent.replace(node, citation)


class RetargetCiteLinks(SphinxPostTransform):
    """``{cite}`` links to the entry in the chapter's own References.

    sphinxcontrib-bibtex links a ``{cite}`` role to its ``{bibliography}``;
    with ``citations_cite_links = "chapter"`` (the default) a citation in a
    chapter whose References are shown links to that chapter's entry instead,
    which reads the same (the book's style and label). Its text and tooltip
    stay sphinxcontrib-bibtex's, but for the work's year letter where the
    text shows its year (``Kalai and Lehrer, 1993a``): two works are never
    cited alike. LaTeX keeps sphinxcontrib-bibtex's targets and text.
    """

    # After the resolver (10) has made sphinxcontrib-bibtex's links.
    default_priority = 11
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        groups = [
            node
            for node in self.document.findall(nodes.inline)
            if "bibtex-citation" in node.get("classes", ())
        ]
        if not groups:
            return
        domain = get_domain(self.env)
        book = domain.book
        page = self._list_page()
        bibtex = cast("BibtexDomain", self.env.get_domain("cite"))
        keys_of_id: dict[str, set[str]] = {}
        for entry in bibtex.citations:
            keys_of_id.setdefault(entry.citation_id, set()).add(entry.key)
        for group in groups:
            keys = {target.key for target in parse_citation_targets(group.rawsource)}
            for link in group.findall(nodes.reference):
                target = link.get("refid") or link.get("refuri", "").rpartition("#")[2]
                found = keys & keys_of_id.get(target, set())
                if len(found) != 1:
                    continue
                [key] = found
                work = domain.works.get(key)
                if work is not None and work.letter:
                    _add_letter(link, work.year, work.letter)
                anchor = book.anchors.get(key)
                if page is None or anchor is None:
                    continue
                link.attributes.pop("refid", None)
                link["refuri"] = f"{page}#{anchor}"
                link["internal"] = True

    def _list_page(self) -> str | None:
        """The URI of the chapter's References from this page, when links go there."""
        if self.config.citations_cite_links != "chapter":
            return None
        domain = get_domain(self.env)
        chapter = domain.book.chapter_of.get(self.env.docname)
        if chapter is None or not domain.shows_list(chapter):
            return None
        list_docname = domain.book.by_docname[chapter].references_docname
        # The builder as builder-inited gave it: Sphinx offers a post-transform no public one.
        builder = domain.build_state.builder
        if builder is None:
            return None
        try:
            return builder.get_relative_uri(self.env.docname, list_docname)
        except NoUri:
            return None


def _add_letter(link: nodes.Element, year: str, letter: str) -> None:
    """``Kalai and Lehrer, 1993`` → ``…, 1993a``: the year letter the book gives the work."""
    pattern = re.compile(rf"\b{re.escape(year)}\b(?![a-z])")
    for text in list(link.findall(nodes.Text)):
        if pattern.search(text):
            text.parent.replace(text, nodes.Text(pattern.sub(year + letter, str(text), count=1)))
            return
