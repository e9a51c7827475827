"""Claims: the book's sentences that state a figure, and whether their sources say it.

The builder hands over each paragraph (or table row) of a chapter as :class:`Part` s,
text with the citations in it and the figures the author marked as the book's own
(the ``{measured}`` role). :func:`sentences_of` splits them into sentences, each with
its line and the works it cites (a citation written just after a sentence's full stop
belongs to that sentence). :func:`check_claims` looks for each figure of each sentence
that states one in the cited works' pages (their figures, extracted with the same
parser, so ``300 ms`` = ``300ms`` = ``300-millisecond``):

=============  =================================================================
status         meaning
=============  =================================================================
confirmed      every figure is in a cited work's page
unconfirmed    a cited work's page was read and a figure is not in it (finding)
uncited        the sentence cites nothing (finding)
unchecked      no cited work's page could be read (offline, PDF, a book…)
own            every figure is marked as the book's own measurement
=============  =================================================================

>>> [s.text for s in sentences_of([Part("Latency is 300 ms. "), Part(keys=("a",)),
...                                Part(" It rose 2x [b] in 2024.")], "ch1", 10)]
['Latency is 300 ms.', 'It rose 2x [b] in 2024.']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ._content import page_urls
from ._figures import find_figures
from ._findings import Check, Finding
from ._outcomes import UrlResult
from ._settings import VerifySettings
from ._sources import CitingLocation, Source

__all__ = ["Claim", "ClaimFigure", "Part", "Sentence", "check_claims", "sentences_of"]

CONFIRMED: Final = "confirmed"
UNCONFIRMED: Final = "unconfirmed"
UNCITED: Final = "uncited"
UNCHECKED: Final = "unchecked"
OWN: Final = "own"
STATUSES: Final = (CONFIRMED, UNCONFIRMED, UNCITED, UNCHECKED, OWN)

_MARK: Final = "\ue000"
# The end of a sentence: . ! ? (and closing quotes or brackets), space, then a capital,
# a digit, an opening quote or bracket, or a citation mark.
_END: Final = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[A-Z0-9\"“‘(\[" + _MARK + "])")
_ABBREVIATION: Final = re.compile(
    r"(?:\b(?:e\.g|i\.e|et al|etc|vs|approx|cf|fig|figs|eq|sec|ch|p|pp|vol"
    r"|inc|ltd|corp|dr|mr|u\.s)\.)$",
    re.IGNORECASE,
)
_MARKS: Final = re.compile(_MARK + r"(\d+)" + _MARK)


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of a paragraph: ``text``, or a citation (``keys``), or text marked ``own``."""

    text: str = ""
    keys: tuple[str, ...] = ()
    own: bool = False


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a chapter with the works it cites and the figures marked as the
    book's own."""

    docname: str
    line: int | None
    text: str
    keys: tuple[str, ...] = ()
    own: frozenset[str] = frozenset()
    """Canonical keys of the figures marked as the book's own measurement."""
    chapter: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimFigure:
    """One figure of a claim: as written, its key, and where it was found (``status``
    per figure)."""

    text: str
    key: str
    status: str
    url: str | None = None
    excerpt: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "key": self.key,
            "status": self.status,
            "url": self.url,
            "excerpt": self.excerpt,
        }


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence that states at least one figure, with what the checks made of it."""

    docname: str
    line: int | None
    text: str
    figures: tuple[ClaimFigure, ...]
    keys: tuple[str, ...]
    status: str
    chapter: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "docname": self.docname,
            "line": self.line,
            "chapter": self.chapter,
            "text": self.text,
            "figures": [f.to_json() for f in self.figures],
            "keys": list(self.keys),
            "status": self.status,
        }


def _split(text: str) -> list[tuple[int, str]]:
    """``(offset, sentence)`` pieces of ``text``."""
    pieces: list[tuple[int, str]] = []
    start = 0
    for match in _END.finditer(text):
        head = text[start : match.start()].rstrip("\"'”’)]")
        if _ABBREVIATION.search(head) or re.search(r"\b[A-Z]\.$", head):
            continue  # "et al. 2024", "e.g. Triton", "J. Smith"
        pieces.append((start, text[start : match.start() + len(match.group(0).rstrip())]))
        start = match.end()
    pieces.append((start, text[start:]))
    return pieces


def sentences_of(
    parts: Sequence[Part], docname: str, line: int | None, chapter: str | None = None
) -> list[Sentence]:
    """The sentences of one paragraph, starting at ``line``, with their citations and
    own figures."""
    text = ""
    citations: list[tuple[str, ...]] = []
    own_keys: set[str] = set()
    for part in parts:
        if part.keys:
            text += f"{_MARK}{len(citations)}{_MARK}"
            citations.append(part.keys)
        else:
            text += part.text
            if part.own:
                own_keys.update(f.key for f in find_figures(part.text))
    found: list[tuple[int, str, list[int]]] = []
    for offset, piece in _split(text):
        marks = [int(m.group(1)) for m in _MARKS.finditer(piece)]
        leading = re.match(rf"^\s*((?:{_MARK}\d+{_MARK}\s*)+)", piece)
        if leading and found:
            # A citation right after a full stop cites the sentence before it.
            moved = [int(m.group(1)) for m in _MARKS.finditer(leading.group(1))]
            found[-1][2].extend(moved)
            marks = marks[len(moved) :]
            offset += leading.end()
            piece = piece[leading.end() :]
        found.append((offset, piece, marks))
    sentences: list[Sentence] = []
    for offset, piece, marks in found:
        clean = " ".join(_MARKS.sub(" ", piece).split())
        clean = re.sub(r"\s+([.,;:!?)])", r"\1", clean)
        if not clean:
            continue
        keys = tuple(dict.fromkeys(k for i in marks for k in citations[i]))
        where = None
        if line is not None:
            lead = len(piece) - len(piece.lstrip())
            where = line + text.count("\n", 0, offset + lead)
        sentences.append(Sentence(docname, where, clean, keys, frozenset(own_keys), chapter))
    return sentences


def _pages_of(
    keys: Iterable[str], sources: Mapping[str, Source], results: Mapping[str, UrlResult]
) -> list[tuple[str, Mapping[str, str]]]:
    pages: list[tuple[str, Mapping[str, str]]] = []
    for key in keys:
        source = sources.get(key)
        if source is None:
            continue
        for url in page_urls(source):
            result = results.get(url)
            if result is not None and result.page is not None and result.page.read:
                pages.append((url, result.page.figures))
    return pages


def check_claims(
    sentences: Iterable[Sentence],
    sources: Mapping[str, Source],
    results: Mapping[str, UrlResult],
    settings: VerifySettings,
) -> tuple[list[Claim], list[Finding]]:
    """Every claim, with its status, and the claim findings (minus those accepted)."""
    claims: list[Claim] = []
    findings: list[Finding] = []
    for sentence in sentences:
        figures = find_figures(sentence.text)
        if not figures:
            continue
        unique = list({f.key: f for f in figures}.values())
        checked: list[ClaimFigure] = []
        pages = _pages_of(sentence.keys, sources, results)
        for figure in unique:
            if figure.key in sentence.own:
                checked.append(ClaimFigure(figure.text, figure.key, OWN))
            elif not sentence.keys:
                checked.append(ClaimFigure(figure.text, figure.key, UNCITED))
            elif not pages:
                checked.append(ClaimFigure(figure.text, figure.key, UNCHECKED))
            else:
                where = next(((u, f[figure.key]) for u, f in pages if figure.key in f), None)
                if where:
                    checked.append(ClaimFigure(figure.text, figure.key, CONFIRMED, *where))
                else:
                    checked.append(ClaimFigure(figure.text, figure.key, UNCONFIRMED))
        states = {c.status for c in checked}
        if states == {OWN}:
            status = OWN
        elif UNCITED in states:
            status = UNCITED
        elif UNCHECKED in states:
            status = UNCHECKED
        elif UNCONFIRMED in states:
            status = UNCONFIRMED
        else:
            status = CONFIRMED
        claim = Claim(
            sentence.docname,
            sentence.line,
            sentence.text,
            tuple(checked),
            sentence.keys,
            status,
            sentence.chapter,
        )
        claims.append(claim)
        location = (CitingLocation(sentence.docname, sentence.line, sentence.chapter),)
        shown = ", ".join(c.text for c in checked if c.status in {UNCITED, UNCONFIRMED})
        if status == UNCITED:
            findings.append(
                Finding(
                    check=Check.CLAIM_UNCITED,
                    severity=settings.severity_of(Check.CLAIM_UNCITED),
                    key="",
                    message=f"{shown} stated without a source: {sentence.text!r}",
                    suggestion=(
                        "cite the source of the figure, or mark the book's own measurement "
                        "with {measured}`…`"
                    ),
                    locations=location,
                )
            )
        elif status == UNCONFIRMED:
            key = sentence.keys[0]
            if any(settings.accepts(k, Check.CLAIM_UNCONFIRMED) for k in sentence.keys):
                continue
            urls = ", ".join(dict.fromkeys(u for u, _ in pages))
            findings.append(
                Finding(
                    check=Check.CLAIM_UNCONFIRMED,
                    severity=settings.severity_of(Check.CLAIM_UNCONFIRMED),
                    key=key,
                    message=f"{shown} not found in {urls}: {sentence.text!r}",
                    suggestion=(
                        "check the figure against the source, or cite the page that states it"
                    ),
                    locations=location,
                    url=pages[0][0],
                    related=sentence.keys[1:],
                )
            )
    return claims, findings
