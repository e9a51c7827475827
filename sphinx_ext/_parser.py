"""Parse the ``[Source: …]`` citation markup.

Pure Python, no Sphinx: this module turns text into parsed citations and
parse errors, and knows nothing about the bibliography.

>>> [c] = find_citations("Latency matters [Source: AssemblyAI, 2025b, p. 4].")
>>> c.items[0].name, c.items[0].year, c.items[0].letter, c.items[0].locator
('AssemblyAI', '2025', 'b', 'p. 4')
>>> parse_items("kwon2023paged")[0][0].key
'kwon2023paged'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Citation",
    "Item",
    "LocatorKind",
    "Malformed",
    "ParseProblem",
    "UnclosedCitation",
    "find_citations",
    "is_page_locator",
    "locator_kind",
    "parse_items",
]

_OPENER_RE = re.compile(r"\[\s*Source\s*:", re.IGNORECASE)
# A year, then whatever sticks to it: letters are checked separately so a bad
# letter ("2025B", "2025-b") gets its own diagnosis instead of "no year".
_YEAR_RE = re.compile(r"^(?P<year>\d{4}|n\.d\.)(?P<tail>\S*)$")
_LETTER_RE = re.compile(r"^[a-z]{1,2}$")
# BibTeX keys as people write them: no spaces, no commas.
_KEY_RE = re.compile(r"^[A-Za-z0-9_][\w:.\-/+]*$")


class ParseProblem(StrEnum):
    """What can be wrong with a ``[Source: …]`` citation."""

    UNCLOSED = "unclosed"
    EMPTY_ITEM = "empty-item"
    NO_YEAR = "no-year"
    BAD_LETTER = "bad-letter"


class LocatorKind(StrEnum):
    """The recognised kinds of locator; anything else is ``FREE``."""

    PAGE = "page"
    PAGES = "pages"
    CHAPTER = "chapter"
    SECTION = "section"
    FREE = "free"


# "p. 42", "pp. 33-35", "page 7", "p42", "see p. 3"; not "pt. 1".
_PAGES_RE = re.compile(r"(?i)(?:^|[\s(,;])(?:pp|pgs|pages)(?:\b\.?|(?=\d))")
_PAGE_RE = re.compile(r"(?i)(?:^|[\s(,;])(?:p|pg|page)(?:\b\.?|(?=\d))")
# A bare page number or range, arabic or roman: "42", "xiv", "12-14".
_BARE_PAGES_RE = re.compile(r"(?i)^\s*[\divxlc]+\s*(?:([-–])\s*[\divxlc]+)?\s*$")
_CHAPTER_RE = re.compile(r"(?i)^\s*(?:ch\.|chap\.|chapter\b)")
_SECTION_RE = re.compile(r"(?i)^\s*(?:sec\.|section\b|§)")


def locator_kind(locator: str) -> LocatorKind:
    """Classify a locator as written after the year; any page wins.

    >>> locator_kind("pp. 3-5"), locator_kind("ch. 4, p. 12"), locator_kind("Table 2")
    (<LocatorKind.PAGES: 'pages'>, <LocatorKind.PAGE: 'page'>, <LocatorKind.FREE: 'free'>)
    """
    if _PAGES_RE.search(locator):
        return LocatorKind.PAGES
    if _PAGE_RE.search(locator):
        return LocatorKind.PAGE
    bare = _BARE_PAGES_RE.match(locator)
    if bare:
        return LocatorKind.PAGES if bare.group(1) else LocatorKind.PAGE
    if _CHAPTER_RE.match(locator):
        return LocatorKind.CHAPTER
    if _SECTION_RE.match(locator):
        return LocatorKind.SECTION
    return LocatorKind.FREE


def is_page_locator(locator: str | None) -> bool:
    """Whether *locator* gives a page ("p. 42", "pp. 3-5", "xiv").

    >>> is_page_locator("p42"), is_page_locator("ch. 19"), is_page_locator(None)
    (True, False, False)
    """
    return bool(locator) and locator_kind(locator or "") in {LocatorKind.PAGE, LocatorKind.PAGES}


@dataclass(frozen=True, slots=True)
class Item:
    """One cited work inside a citation: ``Name, Year[letter][, locator]`` or a key."""

    text: str
    name: str | None = None
    year: str | None = None
    letter: str | None = None
    locator: str | None = None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Malformed:
    """An item, or a whole citation, that cannot be read."""

    problem: ParseProblem
    text: str
    message: str


@dataclass(frozen=True, slots=True)
class Citation:
    """A ``[Source: …]`` span found in a text: ``text[start:end]``."""

    start: int
    end: int
    items: tuple[Item | Malformed, ...]

    @property
    def well_formed_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if isinstance(item, Item))


@dataclass(frozen=True, slots=True)
class UnclosedCitation:
    """A ``[Source:`` with no closing bracket before the next one or the end."""

    start: int
    end: int
    problem: ParseProblem = ParseProblem.UNCLOSED

    @property
    def message(self) -> str:
        return "citation has no closing ']'"


def find_citations(text: str) -> list[Citation | UnclosedCitation]:
    """All citations in *text*, in order; an unclosed one spans to the next opener."""
    found: list[Citation | UnclosedCitation] = []
    openers = list(_OPENER_RE.finditer(text))
    for index, opener in enumerate(openers):
        limit = openers[index + 1].start() if index + 1 < len(openers) else len(text)
        close = text.find("]", opener.end(), limit)
        if close < 0:
            found.append(UnclosedCitation(opener.start(), limit))
            continue
        items = tuple(_parse_item(part) for part in text[opener.end() : close].split(";"))
        found.append(Citation(opener.start(), close + 1, items))
    return found


def parse_items(text: str) -> tuple[tuple[Item | Malformed, ...], int]:
    """Parse the inside of a citation (as the ``{source}`` role takes it).

    Returns the items and the number of malformed ones.
    """
    items = tuple(_parse_item(part) for part in text.split(";"))
    return items, sum(isinstance(item, Malformed) for item in items)


def _parse_item(raw: str) -> Item | Malformed:
    text = " ".join(raw.split())
    if not text:
        return Malformed(ParseProblem.EMPTY_ITEM, text, "empty item")
    parts = [part.strip() for part in text.split(",")]
    if len(parts) == 1:
        if _KEY_RE.match(text):
            return Item(text=text, key=text)
        return Malformed(
            ParseProblem.NO_YEAR, text, f"no year in {text!r} (expected 'Author/Org, Year')"
        )
    for position in range(1, len(parts)):
        match = _YEAR_RE.match(parts[position])
        if not match:
            continue
        name = ", ".join(parts[:position]).strip()
        if not name:
            return Malformed(
                ParseProblem.EMPTY_ITEM, text, f"no author before the year in {text!r}"
            )
        tail = match["tail"]
        if tail and not _LETTER_RE.match(tail):
            return Malformed(
                ParseProblem.BAD_LETTER,
                text,
                f"bad year letter {tail!r} in {text!r} (expected a lowercase letter, e.g. 2025b)",
            )
        locator = ", ".join(parts[position + 1 :]).strip() or None
        return Item(
            text=text,
            name=name,
            year=match["year"],
            letter=tail or None,
            locator=locator,
        )
    return Malformed(
        ParseProblem.NO_YEAR, text, f"no year in {text!r} (expected 'Author/Org, Year')"
    )
