"""Parse the ``[Source: …]`` citation markup.

Pure Python, no Sphinx: this module turns text into parsed citations and
parse errors, and knows nothing about the bibliography.

>>> [c] = find_citations("Latency matters [Source: AssemblyAI, 2025b, p. 4].")
>>> c.items[0].name, c.items[0].year, c.items[0].letter, c.items[0].locator
('AssemblyAI', '2025', 'b', 'p. 4')
>>> parse_items("kwon2023paged")[0][0].key
'kwon2023paged'
>>> parse_items("kwon2023paged, p. 5")[0][0].locator
'p. 5'
>>> print(parse_items("Deepgram 2025")[0][0].message)
missing comma between the name and the year in 'Deepgram 2025': write 'Deepgram, 2025'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "OPENER",
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
    "shorten",
]

#: What starts a citation: ``[Source:``, in any case, with any spacing.
OPENER = re.compile(r"\[\s*Source\s*:", re.IGNORECASE)
# A year, then whatever sticks to it: letters are checked separately so a bad
# letter ("2025B", "2025-b") gets its own diagnosis instead of "no year".
_YEAR_RE = re.compile(r"^(?P<year>\d{4}|n\.d\.)(?P<tail>\S*)$")
_LETTER_RE = re.compile(r"^[a-z]{1,2}$")
# BibTeX keys as people write them: no spaces, no commas.
_KEY_RE = re.compile(r"^[A-Za-z0-9_][\w:.\-/+]*$")
# "Deepgram 2025", "Deepgram 2025b": a name and a year without the comma.
_NO_COMMA_RE = re.compile(r"^(?P<name>.*\S)\s+(?P<year>(?:\d{4}|n\.d\.)[a-z]{0,2})$")
# "2025 p. 5": a year and a locator without the comma.
_YEAR_THEN_MORE_RE = re.compile(r"^(?P<year>(?:\d{4}|n\.d\.)[a-z]{0,2})\s+(?P<rest>\S.*)$")

#: Quoted input is cut to about this many characters in messages.
QUOTED_WIDTH = 80


def shorten(text: str, width: int = QUOTED_WIDTH) -> str:
    """*text* on one line, cut to *width* characters with an ellipsis.

    >>> shorten("[Source: " + "x" * 200 + "]")[-3:], len(shorten("y" * 200))
    ('xx…', 80)
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


class ParseProblem(StrEnum):
    """What can be wrong with a ``[Source: …]`` citation."""

    UNCLOSED = "unclosed"
    EMPTY_ITEM = "empty-item"
    NO_YEAR = "no-year"
    BAD_LETTER = "bad-letter"
    NESTED_BRACKET = "nested-bracket"


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
    openers = list(OPENER.finditer(text))
    for index, opener in enumerate(openers):
        limit = openers[index + 1].start() if index + 1 < len(openers) else len(text)
        close = _closing_bracket(text, opener.end(), limit)
        if close < 0:
            found.append(UnclosedCitation(opener.start(), limit))
            continue
        inside = text[opener.end() : close]
        items: tuple[Item | Malformed, ...]
        if "[" in inside or "]" in inside:
            items = (_nested(inside),)
        else:
            items = tuple(_parse_item(part) for part in inside.split(";"))
        found.append(Citation(opener.start(), close + 1, items))
    return found


def _closing_bracket(text: str, start: int, limit: int) -> int:
    """The ``]`` closing a citation opened before *start*: the one balancing any
    ``[`` inside (brackets do not nest, but a reader sees them so), else the first."""
    depth = 0
    for position in range(start, limit):
        char = text[position]
        if char == "[":
            depth += 1
        elif char == "]":
            if depth == 0:
                return position
            depth -= 1
    return text.find("]", start, limit)


def _nested(inside: str) -> Malformed:
    flat = " ".join(inside.split())
    outer = " ".join(flat.replace("[", " ").replace("]", " ").split(";")[0].split())
    words = re.sub(r"\[[^\[\]]*\]?", "", flat).strip(" ,;") or outer
    extra = re.findall(r"\[([^\[\]]*)\]?", flat)
    suggestion = f"[Source: {words}] [{extra[0]}]" if extra else f"[Source: {words}]"
    return Malformed(
        ParseProblem.NESTED_BRACKET,
        flat,
        f"a bracket inside the citation {shorten('[Source: ' + flat + ']')!r}: citations "
        f"do not nest; put the bracketed text outside ({shorten(suggestion)!r}) "
        "or use parentheses",
    )


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
    if "[" in text or "]" in text:
        return _nested(text)
    parts = [part.strip() for part in text.split(",")]
    if not any(_YEAR_RE.match(part) for part in parts[1:]):
        if _KEY_RE.match(parts[0]) and not any(_YEAR_THEN_MORE_RE.match(p) for p in parts[1:]):
            # A BibTeX key, with a locator after it or not.
            locator = ", ".join(parts[1:]).strip() or None
            return Item(text=text, key=parts[0], locator=locator)
        return _no_year(text, parts)
    for position in range(1, len(parts)):
        match = _YEAR_RE.match(parts[position])
        if not match:
            continue
        name = ", ".join(parts[:position]).strip()
        if not name:
            return Malformed(
                ParseProblem.EMPTY_ITEM, text, f"no author before the year in {shorten(text)!r}"
            )
        tail = match["tail"]
        if tail and not _LETTER_RE.match(tail):
            return Malformed(
                ParseProblem.BAD_LETTER,
                text,
                f"bad year letter {shorten(tail)!r} in {shorten(text)!r} "
                "(expected a lowercase letter, e.g. 2025b)",
            )
        locator = ", ".join(parts[position + 1 :]).strip() or None
        return Item(
            text=text,
            name=name,
            year=match["year"],
            letter=tail or None,
            locator=locator,
        )
    return _no_year(text, parts)


def _no_year(text: str, parts: list[str]) -> Malformed:
    """What is wrong with an item without a year, and its likely fix."""
    quoted = shorten(text)
    for position, part in enumerate(parts):
        no_comma = _NO_COMMA_RE.match(part)
        if no_comma:
            fixed = [*parts[:position], no_comma["name"], no_comma["year"], *parts[position + 1 :]]
            return Malformed(
                ParseProblem.NO_YEAR,
                text,
                f"missing comma between the name and the year in {quoted!r}: "
                f"write {shorten(', '.join(fixed))!r}",
            )
        if position:
            then_more = _YEAR_THEN_MORE_RE.match(part)
            if then_more:
                fixed = [
                    *parts[:position],
                    then_more["year"],
                    then_more["rest"],
                    *parts[position + 1 :],
                ]
                return Malformed(
                    ParseProblem.NO_YEAR,
                    text,
                    f"missing comma after the year in {quoted!r}: "
                    f"write {shorten(', '.join(fixed))!r}",
                )
    return Malformed(
        ParseProblem.NO_YEAR, text, f"no year in {quoted!r} (expected 'Author/Org, Year')"
    )
