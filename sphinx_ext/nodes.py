"""The doctree nodes of the extension.

Read time produces :class:`source_citation` groups holding one
:class:`source_item` per cited work, and placeholders for the lists and tables
that depend on the whole book. At write time the placeholders are replaced
(see :mod:`sphinx_ext.resolution`), so only the first four node types ever
reach a writer; :mod:`sphinx_ext.rendering` has their visitors.

A citation after resolution::

    <source_citation docname="ch1">
        [Source:␣
        <source_item key="kwon2023" ids="src-3" docname="ch1" locator="p. 5">
            <reference refuri="ch1.html#ref-kwon2023" internal="True">
                Kwon et al., 2023, p. 5
        ]
"""

from __future__ import annotations

from docutils import nodes

__all__ = [
    "chapter_references",
    "citation_frequency",
    "reference_entry",
    "references_list",
    "references_title",
    "source_backlinks",
    "source_citation",
    "source_item",
    "source_note",
    "works_cited",
]


class source_citation(nodes.inline):  # noqa: N801 - docutils names nodes in lowercase
    """A whole ``[Source: …]`` group: its text, and the items in it."""


class source_item(nodes.inline):  # noqa: N801
    """One cited work: ``key`` (absent when unresolved), ``locator``, ``status``."""


class references_title(nodes.title):  # noqa: N801
    """The title of an automatic References section, never section-numbered."""


class references_list(nodes.enumerated_list):  # noqa: N801
    """A chapter's numbered References (built at write time)."""


class reference_entry(nodes.list_item):  # noqa: N801
    """One entry of a references list, target of the chapter's citations."""


class chapter_references(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for a chapter's References; ``auto`` when not placed by the author."""


class citation_frequency(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for the frequency table (``min_chapters``)."""


class works_cited(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for the whole Works Cited (``min_chapters``)."""


class source_note(nodes.Invisible, nodes.Element):  # noqa: N801
    """A ``{source-note}``: ``key`` and ``note``, collected then removed."""


class source_backlinks(nodes.inline):  # noqa: N801
    """The links from a references entry back to the places citing it."""


PLACEHOLDERS: tuple[type[nodes.Element], ...] = (
    chapter_references,
    citation_frequency,
    works_cited,
    source_note,
)
