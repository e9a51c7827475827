"""Build a book quietly and collect what it cites, for ``python -m sphinx_ext export``.

The Sphinx side of the export: Sphinx runs in this process with the ``dummy``
builder (which writes no pages) into a temporary folder, so the extension
computes the book exactly as a real build does; the domain's book, works and
bibliography are then read into a :class:`~sphinx_ext.workflow.export.Cited`.
"""

from __future__ import annotations

import sys
import tempfile
from io import StringIO
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError, SphinxError
from sphinx.util.docutils import docutils_namespace, patch_docutils

from sphinx_ext.domain import CitationsDomain
from sphinx_ext.workflow.export import Cited, CitedChapter

__all__ = ["CollectError", "collect"]


class CollectError(Exception):
    """The book could not be built; the message is one line."""


def collect(srcdir: Path) -> tuple[Cited, list[str]]:
    """The works *srcdir*'s book cites, and the build's warnings (one per line)."""
    warnings = StringIO()
    saved_path = sys.path.copy()
    # As sphinx-build does: docutils' global registries are restored afterwards,
    # so the process is left as it was (conf.py may also extend sys.path).
    with (
        tempfile.TemporaryDirectory(prefix="sphinx-citations-") as scratch,
        patch_docutils(srcdir),
        docutils_namespace(),
    ):
        try:
            app = Sphinx(
                srcdir,
                srcdir,
                str(Path(scratch) / "out"),
                str(Path(scratch) / "doctrees"),
                "dummy",
                status=None,
                warning=warnings,
                freshenv=True,
            )
            app.build()
        except SphinxError as error:
            message = " ".join(str(error).split())
            raise CollectError(f"{srcdir}: the build failed: {message}") from None
        finally:
            sys.path[:] = saved_path
        try:
            domain = app.env.get_domain(CitationsDomain.name)
        except ExtensionError:
            domain = None
        if not isinstance(domain, CitationsDomain):
            raise CollectError(f"{srcdir}: the book does not use the sphinx_ext extension")
        cited = _cited(app, domain)
    lines = [line for line in warnings.getvalue().splitlines() if line.strip()]
    return cited, lines


def _cited(app: Sphinx, domain: CitationsDomain) -> Cited:
    book = domain.book
    works = domain.works
    entries = dict(domain.build_state.entries)
    order: dict[str, None] = {}
    chapters = []
    # Chapters are numbered by their place in the book, as the Markdown convention does.
    position = {chapter.docname: n for n, chapter in enumerate(book.chapters, start=1)}
    for chapter in book.chapters:
        references = tuple((entry.key, entry.note) for entry in book.references(chapter.docname))
        order.update((key, None) for key, _ in references)
        chapters.append(
            CitedChapter(position[chapter.docname], chapter.title, chapter.docname, references)
        )
    elsewhere = sorted(
        {
            item.key
            for records in domain.citation_records().values()
            for record in records
            for item in record.items
            if item.key is not None and item.status == "resolved" and item.key not in order
        }
    )
    order.update((key, None) for key in elsewhere)
    return Cited(
        title=str(app.config.project),
        works={key: works[key] for key in order if key in works and key in entries},
        entries=entries,
        chapters=chapters,
        frequency=[
            (key, tuple(sorted(position[d] for d in docnames if d in position)))
            for key, docnames in book.frequency
        ],
        shared_with={
            position[docname]: tuple(sorted(position[d] for d in others if d in position))
            for docname, others in book.shared_with.items()
            if docname in position
        },
        min_chapters=int(app.config.citations_min_chapters),
    )
