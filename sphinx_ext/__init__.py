"""Citation-aware book builds for Sphinx.

Add ``"sphinx_ext"`` to ``extensions`` in ``conf.py`` (it sets up
sphinxcontrib-bibtex itself) and name the bibliography::

    extensions = ["myst_parser", "sphinx_ext"]
    bibtex_bibfiles = ["references.bib"]

Authors then cite with ``[Source: Org, Year]`` anywhere in the text; every
chapter gets its References, and ``{works-cited}`` / ``{citation-frequency}``
show the whole book's. See the README for the markup and the config values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__all__ = ["__version__", "setup"]

__version__ = "0.1.0"


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the extension with Sphinx."""
    # Imported here, not at module level: `import sphinx_ext.verify` (or any other
    # module of the pure core) then loads no Sphinx module.
    from sphinx_ext import bibliography, citations_json, config, domain, rendering
    from sphinx_ext.cite_roles import AdoptCiteRoles, RetargetCiteLinks
    from sphinx_ext.directives import (
        ChapterReferencesDirective,
        CitationFrequencyDirective,
        CitationMapDirective,
        SourceNoteDirective,
        WorksCitedDirective,
    )
    from sphinx_ext.placing import place_on_page
    from sphinx_ext.rendering import html_page
    from sphinx_ext.roles import SourceRole
    from sphinx_ext.sourcecheck import (
        SourceCheckBuilder,
        collect_sentences,
        measured_role,
        read_again_without_sentences,
        start_network_checks,
        static_checks_in_build,
    )
    from sphinx_ext.transforms import SourceCitations

    app.setup_extension("sphinxcontrib.bibtex")

    config.register_config(app)
    # Now: Sphinx reads every value (and refuses a float's -D text) before config-inited.
    config.coerce_command_line(app.config)
    app.connect("config-inited", config.validate_config, priority=400)
    app.connect("config-inited", bibliography.check_bibfiles, priority=410)

    rendering.register_nodes(app)
    rendering.setup_builders(app)

    app.add_domain(domain.CitationsDomain)
    app.add_role("source", SourceRole())
    app.add_directive("chapter-references", ChapterReferencesDirective)
    app.add_directive("citation-frequency", CitationFrequencyDirective)
    app.add_directive("citation-map", CitationMapDirective)
    app.add_directive("works-cited", WorksCitedDirective)
    app.add_directive("source-note", SourceNoteDirective)
    app.add_transform(SourceCitations)
    app.add_post_transform(AdoptCiteRoles)
    app.add_post_transform(RetargetCiteLinks)
    app.add_builder(SourceCheckBuilder)
    app.add_role("measured", measured_role)
    app.connect("doctree-read", collect_sentences)
    app.connect("env-get-outdated", read_again_without_sentences)
    app.connect("env-before-read-docs", start_network_checks, priority=900)

    # Before sphinxcontrib-bibtex's own parse (500), so that ours reports errors.
    # Before sphinxcontrib-bibtex's own handler, which then finds the parse up to date.
    app.connect("builder-inited", domain.load_works, priority=400)
    app.connect("builder-inited", html_page.copy_assets)
    # Before Sphinx numbers sections (500): the added References are numbered too.
    app.connect("env-get-updated", domain.tocs_follow_the_book, priority=450)
    # After it: chapters are known by their numbers.
    app.connect("env-get-updated", domain.outdated_by_changes, priority=900)
    app.connect("write-started", domain.compute_book)
    app.connect("doctree-resolved", place_on_page)
    app.connect("doctree-resolved", rendering.entries.render_before_parallel_writing)
    app.connect("env-check-consistency", static_checks_in_build)
    # Before the themes' own (500), which read the page's contents.
    app.connect("html-page-context", html_page.add_to_page, priority=400)
    # Before other extensions' build-finished handlers, which may read the pages.
    app.connect("build-finished", html_page.write_parts_after_page, priority=100)
    app.connect("build-finished", citations_json.write_citations_json)

    return {
        "version": __version__,
        "env_version": 3,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
