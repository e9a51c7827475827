"""The extension's directives, one module each."""

from __future__ import annotations

from sphinx_ext.directives.chapter_references import ChapterReferencesDirective
from sphinx_ext.directives.citation_frequency import CitationFrequencyDirective
from sphinx_ext.directives.citation_map import CitationMapDirective
from sphinx_ext.directives.source_note import SourceNoteDirective
from sphinx_ext.directives.works_cited import WorksCitedDirective

__all__ = [
    "ChapterReferencesDirective",
    "CitationFrequencyDirective",
    "CitationMapDirective",
    "SourceNoteDirective",
    "WorksCitedDirective",
]
