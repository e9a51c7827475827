"""The extension's warnings: one type, ``citations``, and its subtypes.

Every warning the extension emits carries ``type="citations"`` and one of the
subtypes below (:class:`Subtype`, and the source checks'
:data:`SOURCE_CHECK_SUBTYPES`), so a book can silence one kind in ``conf.py``::

    suppress_warnings = ["citations.ambiguous"]

and ``sphinx-build -W`` turns any of them into an error.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from sphinx_ext._parser import shorten
from sphinx_ext.verify import Check

if TYPE_CHECKING:
    from docutils import nodes

__all__ = ["SOURCE_CHECK_SUBTYPES", "WARNING_TYPE", "Subtype", "shorten", "warn"]

#: The ``type`` of every warning of this extension.
WARNING_TYPE = "citations"

_LOGGER = logging.getLogger("sphinx_ext")


class Subtype(StrEnum):
    """The subtypes of ``citations`` warnings, one per kind of problem."""

    UNKNOWN = "unknown"
    """A citation names a work that is not in the bibliography."""
    AMBIGUOUS = "ambiguous"
    """A citation without a year letter matches several works."""
    UNCLOSED = "unclosed"
    """A ``[Source:`` has no closing bracket."""
    EMPTY_ITEM = "empty-item"
    """A citation, or one of its ``;``-separated items, is empty."""
    NO_YEAR = "no-year"
    """An item has no year (and is not a BibTeX key)."""
    BAD_LETTER = "bad-letter"
    """The year is followed by something other than a lowercase letter."""
    NESTED_BRACKET = "nested-bracket"
    """A citation holds a bracket of its own (citations do not nest)."""
    BIBFILE = "bibfile"
    """A ``.bib`` file is missing or cannot be parsed."""
    DUPLICATE_KEY = "duplicate-key"
    """Two ``.bib`` entries share a key; the later one is ignored."""
    CONFIG = "config"
    """A configuration value has the wrong type or value; its default is used."""
    NOTE = "note"
    """A ``{source-note}`` that cannot be attached to a chapter's list."""
    PLACEMENT = "placement"
    """A ``{chapter-references}`` outside a chapter or twice in one, or a second
    ``{works-cited}``."""
    URL = "url"
    """An entry's URL is not linked (a scheme other than http, https, ftp, mailto):
    shown as text."""
    LETTER = "letter"
    """A citation's year letter is not the one shown: letters are over the works the book cites."""
    CHAPTER_NUMBERS = "chapter-numbers"
    """Two chapters show the same number (each numbered toctree starts again at 1);
    the frequency table and the Works Cited name them by part and number."""
    SOURCECHECK_CACHE = "sourcecheck-cache"
    """The sourcecheck URL cache cannot be read or written; the run goes on without it."""


#: Source verification findings use their check's name as subtype
#: (``citations.placeholder-url``, ``citations.url-broken``, …); the checks and
#: their meaning are :class:`sphinx_ext.verify.Check`.
SOURCE_CHECK_SUBTYPES: tuple[Check, ...] = tuple(Check)


def warn(
    message: str,
    *args: Any,
    subtype: Subtype | Check,
    location: str | tuple[str | None, int | None] | nodes.Node | None = None,
) -> None:
    """Emit a ``citations.<subtype>`` warning; *message* is %-formatted with *args*."""
    _LOGGER.warning(message, *args, type=WARNING_TYPE, subtype=subtype.value, location=location)
