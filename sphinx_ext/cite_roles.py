"""sphinxcontrib-bibtex's ``{cite:p}`` citations without a bibliography to land in.

A book may cite with sphinxcontrib-bibtex's roles and rely on this extension
for its lists. When no ``{bibliography}`` directive lists a cited key,
sphinxcontrib-bibtex cannot resolve it; :class:`AdoptCiteRoles` turns such a
citation into a ``[Source: …]`` one before it tries, so it links to its
chapter's References like any other. Citations whose keys a bibliography
does list are left to sphinxcontrib-bibtex.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

from sphinx_ext._book import ItemRecord, stored_items
from sphinx_ext._resolver import Status
from sphinx_ext.domain import get_domain
from sphinx_ext.nodes import source_citation

if TYPE_CHECKING:
    from sphinxcontrib.bibtex.domain import BibtexDomain

__all__ = ["AdoptCiteRoles"]


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
