"""The book-wide view: chapter reference lists, the frequency table, Works Cited.

Pure Python, no Sphinx. :func:`build_book` takes what was collected from
every document and computes, once per build and in time linear in the number
of citations, everything the cross-chapter pages and ``citations.json`` show.

Chapters are documents: every table here is keyed by the chapter's docname,
and its number is only what the reader is shown (:attr:`Chapter.label`).

>>> chapter = Chapter("ch1", "Intro", ("ch1",), number=(1,))
>>> item = ItemRecord("k", None, "resolved", "Org, 2020", "src-1")
>>> records = {"ch1": [CitationRecord(3, (item,))]}
>>> book = build_book([chapter], records, {}, {"k": "Org, 2020"})
>>> [entry.key for entry in book.references("ch1")]
['k']
>>> book.frequency
[('k', ('ch1',))]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from sphinx_ext._works import Work

__all__ = [
    "ALPHABETICAL",
    "FIRST_CITATION",
    "MALFORMED",
    "Backref",
    "Book",
    "Chapter",
    "CitationRecord",
    "ItemRecord",
    "NoteRecord",
    "ReferenceEntry",
    "StoredCitation",
    "StoredEntry",
    "StoredItem",
    "anchors_for",
    "backlink_labels",
    "build_book",
    "chapter_labels",
    "chapter_phrase",
    "citation_record",
    "item_records",
    "join_chapters",
    "join_numbers",
    "shown_text",
    "stored_items",
]


#: The status of an item that could not be parsed (never in a chapter's list).
MALFORMED = "malformed"

#: Orders of a chapter's References: as first cited in it, or by label.
FIRST_CITATION = "first-citation"
ALPHABETICAL = "alphabetical"


class ItemRecord(NamedTuple):
    """One item of a citation, as collected from a document."""

    key: str | None
    locator: str | None
    #: ``resolved``, ``unknown``, ``ambiguous`` (see :class:`~sphinx_ext._matching.Status`)
    #: or :data:`MALFORMED`.
    status: str
    #: The item as written.
    text: str
    #: The id of the inline node, target of the entry's back-link.
    node_id: str


#: An :class:`ItemRecord` as the doctrees and the domain keep it, from reading
#: until the build ends: a plain tuple of strings and ``None``. The garbage
#: collector stops tracking such a tuple (and a tuple of them) after its first
#: pass, where it walks a named tuple, one per cited work of the book, in
#: every full collection of the build.
StoredItem = tuple[str | None, str | None, str, str, str]
#: A :class:`CitationRecord` as the domain keeps it:
#: ``(line, items, role, sections, paragraph)``.
StoredCitation = tuple[int | None, tuple[StoredItem, ...], str, tuple[str, ...], int]


def stored_items(items: Iterable[ItemRecord]) -> tuple[StoredItem, ...]:
    """*items* as kept: plain tuples.

    >>> stored_items([ItemRecord("k", None, "resolved", "Org, 2020", "src-1")])
    (('k', None, 'resolved', 'Org, 2020', 'src-1'),)
    """
    return tuple((i.key, i.locator, i.status, i.text, i.node_id) for i in items)


def item_records(stored: Iterable[StoredItem]) -> tuple[ItemRecord, ...]:
    """Kept items as :class:`ItemRecord` again.

    >>> item_records([("k", "p. 2", "resolved", "Org, 2020, p. 2", "src-1")])[0].locator
    'p. 2'
    """
    return tuple(ItemRecord._make(item) for item in stored)


def shown_text(item: ItemRecord, works: Mapping[str, Work]) -> str:
    """How *item* reads in the text: its work's label and locator, or as written.

    >>> from sphinx_ext._works import Category, Work
    >>> org = Work("k", "misc", "Org", "2020", "b", "T", None, Category.INDUSTRY, True, ())
    >>> shown_text(ItemRecord("k", "p. 4", "resolved", "org, 2020b, p. 4", "src-1"), {"k": org})
    'Org, 2020b, p. 4'
    >>> shown_text(ItemRecord(None, None, "unknown", "Nobody, 1999", "src-2"), {})
    'Nobody, 1999'
    """
    if item.key is None:
        return item.text
    label = works[item.key].cite_label
    return f"{label}, {item.locator}" if item.locator else label


class CitationRecord(NamedTuple):
    """One citation (``[Source: …]``, ``{source}`` or ``{cite:p}``) in a document."""

    line: int | None
    items: tuple[ItemRecord, ...]
    #: The sphinxcontrib-bibtex role that made it (``"cite:p"``), or ``""`` for ours.
    role: str = ""
    #: The sections around it, innermost first, by their anchors in the
    #: document's table of contents (``""`` for the document's first).
    sections: tuple[str, ...] = ()
    #: The number of its paragraph in the innermost section (0: in no paragraph).
    paragraph: int = 0

    def stored(self) -> StoredCitation:
        """The record as kept (see :data:`StoredItem`)."""
        return (self.line, stored_items(self.items), self.role, self.sections, self.paragraph)


def citation_record(stored: StoredCitation) -> CitationRecord:
    """A kept citation as a :class:`CitationRecord` again."""
    return CitationRecord(stored[0], item_records(stored[1]), *stored[2:])


class NoteRecord(NamedTuple):
    """A ``{source-note}``: *text* shown beside *key* in its chapter's list."""

    key: str
    text: str
    line: int | None
    #: The note as parsed markup (inline docutils nodes), shown instead of *text*.
    content: tuple[Any, ...] = ()


class Chapter(NamedTuple):
    """A chapter of the book: a document, and the documents below it in the toctree."""

    docname: str
    title: str
    #: The chapter's documents in reading order, its own first.
    docnames: tuple[str, ...]
    #: Where its References list stands (a ``{chapter-references}`` or the chapter itself).
    list_docname: str = ""
    #: Its section number as Sphinx shows it (``(3,)``); ``()`` when unnumbered.
    number: tuple[int, ...] = ()
    #: Its part: the position (from 1) of its toctree among the root's
    #: toctrees holding chapters, and that toctree's caption.
    part: int = 1
    part_caption: str = ""
    #: How the frequency table and the Works Cited name it: its number as
    #: shown (``"3"``), with its part where numbers repeat (``"II.3"``), or,
    #: unnumbered, its title (see :func:`chapter_labels`).
    label: str = ""

    @property
    def references_docname(self) -> str:
        return self.list_docname or self.docname

    @property
    def heading(self) -> str:
        """Its heading in the Works Cited: ``Chapter 3: Title``, or the title alone."""
        return f"Chapter {self.label}: {self.title}" if self.number else self.title


def chapter_labels(chapters: Sequence[Chapter]) -> tuple[list[Chapter], bool]:
    """*chapters* with their labels, and whether their numbers repeat.

    Sphinx restarts the numbering in every numbered toctree, so a book in
    parts (Jupyter Book's layout without ``sphinx_multitoc_numbering``) shows
    several chapters 1. Where numbers repeat, every numbered chapter is named
    by its part in Roman numerals and its number: ``II.3``.

    >>> a = Chapter("a", "A", ("a",), number=(1,), part=1)
    >>> b = Chapter("b", "B", ("b",), number=(1,), part=2)
    >>> c = Chapter("c", "C", ("c",))
    >>> labelled, repeated = chapter_labels([a, b, c])
    >>> [chapter.label for chapter in labelled], repeated
    (['I.1', 'II.1', 'C'], True)
    >>> [chapter.label for chapter in chapter_labels([a, c])[0]]
    ['1', 'C']
    """
    shown = [".".join(map(str, chapter.number)) for chapter in chapters if chapter.number]
    repeated = len(set(shown)) < len(shown)
    labelled = []
    for chapter in chapters:
        if not chapter.number:
            label = chapter.title
        elif repeated:
            label = f"{_roman(chapter.part)}.{'.'.join(map(str, chapter.number))}"
        else:
            label = ".".join(map(str, chapter.number))
        labelled.append(chapter._replace(label=label))
    return labelled, repeated


_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def _roman(number: int) -> str:
    """*number* in Roman numerals.

    >>> _roman(14), _roman(1999)
    ('XIV', 'MCMXCIX')
    """
    out = []
    for value, numeral in _ROMAN:
        count, number = divmod(number, value)
        out.append(numeral * count)
    return "".join(out)


#: A place citing a work: ``(docname, node_id, sections, paragraph)``, the
#: last two as in :class:`CitationRecord`.
Backref = tuple[str, str, tuple[str, ...], int]


class ReferenceEntry(NamedTuple):
    """One numbered entry of a chapter's References."""

    number: int
    key: str
    note: str | None
    #: The places in the chapter that cite it, in reading order.
    backrefs: tuple[Backref, ...]


#: A :class:`ReferenceEntry` as the :class:`Book` keeps it while every page is
#: written: a plain tuple, out of the garbage collector's walks (see
#: :data:`StoredItem`).
StoredEntry = tuple[int, str, str | None, tuple[Backref, ...]]


@dataclass
class Book:
    """Everything computed once per build from all documents.

    Chapters are known by their docname everywhere.
    """

    chapters: list[Chapter]
    #: Chapter docname → its References as kept (see :meth:`references`).
    stored_references: dict[str, list[StoredEntry]]
    #: ``(key, chapter docnames)`` of every cited work, most chapters first,
    #: then by first chapter (in reading order), then by label.
    frequency: list[tuple[str, tuple[str, ...]]]
    #: Chapter docname → the other chapters it shares at least one work with.
    shared_with: dict[str, tuple[str, ...]]
    #: docname → its chapter's docname, for every document of a chapter.
    chapter_of: dict[str, str]
    #: key → the anchor of its entry in any list (the same in every chapter).
    anchors: dict[str, str] = field(default_factory=dict)
    #: Chapter docname → chapter.
    by_docname: dict[str, Chapter] = field(default_factory=dict)
    #: Chapter docname → an id fragment unique among chapters (``chapter-intro``),
    #: for the chapter's parts of the Works Cited.
    chapter_anchors: dict[str, str] = field(default_factory=dict)

    def references(self, chapter: str) -> list[ReferenceEntry]:
        """The References of *chapter*, numbered in the order the book asked for."""
        return [ReferenceEntry._make(entry) for entry in self.stored_references.get(chapter, ())]

    def frequent(self, min_chapters: int) -> list[tuple[str, tuple[str, ...]]]:
        """The rows of the frequency table (and of the citation map), in its order."""
        return [(key, cited) for key, cited in self.frequency if len(cited) >= min_chapters]

    def cites_anything(self, chapter: str) -> bool:
        """Whether *chapter* has any References."""
        return bool(self.stored_references.get(chapter))


def build_book(
    chapters: Sequence[Chapter],
    citations: Mapping[str, Sequence[CitationRecord]],
    notes: Mapping[str, Sequence[NoteRecord]],
    labels: Mapping[str, str],
    order: str = FIRST_CITATION,
) -> Book:
    """Compute the :class:`Book` from the collected per-document records.

    *labels* maps every key of the bibliography to its citation label; it
    breaks ties in the frequency table, and its order fixes the anchors.
    *order* is the order of each chapter's References, numbered in that
    order: :data:`FIRST_CITATION` or :data:`ALPHABETICAL` (by label).
    """
    known = labels
    chapter_of: dict[str, str] = {}
    references: dict[str, list[StoredEntry]] = {}
    chapters_of_work: dict[str, list[int]] = defaultdict(list)
    for position, chapter in enumerate(chapters):
        backrefs: dict[str, list[Backref]] = {}
        for docname in chapter.docnames:
            chapter_of.setdefault(docname, chapter.docname)
            for citation in citations.get(docname, ()):
                for item in citation.items:
                    if item.key is not None and item.key in known:
                        backrefs.setdefault(item.key, []).append(
                            (docname, item.node_id, citation.sections, citation.paragraph)
                        )
        chapter_notes = _notes_of(chapter, notes)
        cited = list(backrefs.items())
        if order == ALPHABETICAL:
            cited.sort(key=lambda pair: (labels[pair[0]].casefold(), pair[0]))
        references[chapter.docname] = [
            (number, key, chapter_notes.get(key), tuple(places))
            for number, (key, places) in enumerate(cited, start=1)
        ]
        for key in backrefs:
            chapters_of_work[key].append(position)
    names = [chapter.docname for chapter in chapters]
    frequency = [
        (key, tuple(names[p] for p in positions))
        for key, positions in sorted(
            ((key, tuple(sorted(positions))) for key, positions in chapters_of_work.items()),
            key=lambda pair: (-len(pair[1]), pair[1][0], labels[pair[0]].casefold(), pair[0]),
        )
    ]
    shared = {
        names[position]: tuple(names[p] for p in others)
        for position, others in _shared(chapters_of_work).items()
    }
    return Book(
        chapters=list(chapters),
        stored_references=references,
        frequency=frequency,
        shared_with=shared,
        chapter_of=chapter_of,
        anchors=anchors_for(known),
        by_docname={chapter.docname: chapter for chapter in chapters},
        chapter_anchors=_ids_for(names, "chapter-"),
    )


def _notes_of(chapter: Chapter, notes: Mapping[str, Sequence[NoteRecord]]) -> dict[str, str]:
    found: dict[str, list[str]] = defaultdict(list)
    for docname in chapter.docnames:
        for note in notes.get(docname, ()):
            found[note.key].append(note.text)
    return {key: "; ".join(texts) for key, texts in found.items()}


def _shared(chapters_of_work: Mapping[str, list[int]]) -> dict[int, tuple[int, ...]]:
    # A set of chapters as the bits of an int: a chapter's sharers are the
    # union of the readers of each work it cites, one big-int OR per
    # (work, chapter) pair instead of a set update per pair of chapters.
    readers: dict[int, int] = defaultdict(int)
    for numbers in chapters_of_work.values():
        mask = 0
        for number in numbers:
            mask |= 1 << number
        for number in numbers:
            readers[number] |= mask
    return {number: _numbers_in(mask & ~(1 << number)) for number, mask in readers.items()}


def _numbers_in(mask: int) -> tuple[int, ...]:
    numbers = []
    while mask:
        lowest = mask & -mask
        numbers.append(lowest.bit_length() - 1)
        mask ^= lowest
    return tuple(numbers)


_NOT_ID = re.compile(r"[^a-z0-9]+")


def anchors_for(keys: Iterable[str]) -> dict[str, str]:
    """An HTML/LaTeX-safe anchor per key, unique even where keys differ only
    in case or punctuation.

    >>> anchors_for(["Kwon:2023", "kwon-2023", "b"])
    {'Kwon:2023': 'ref-kwon-2023', 'kwon-2023': 'ref-kwon-2023-2', 'b': 'ref-b'}
    """
    return _ids_for(keys, "ref-")


def _ids_for(names: Iterable[str], prefix: str) -> dict[str, str]:
    """An id per name, *prefix* then its letters and digits, unique.

    >>> _ids_for(["lectures/Intro", "lectures-intro"], "ch-")
    {'lectures/Intro': 'ch-lectures-intro', 'lectures-intro': 'ch-lectures-intro-2'}
    """
    anchors: dict[str, str] = {}
    taken: set[str] = set()
    for key in names:
        base = prefix + (_NOT_ID.sub("-", key.lower()).strip("-") or "entry")
        anchor, suffix = base, 2
        while anchor in taken:
            anchor, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(anchor)
        anchors[key] = anchor
    return anchors


def join_numbers(numbers: Sequence[int]) -> str:
    """English list of chapter numbers, runs of three or more as a range.

    >>> join_numbers([1]), join_numbers([1, 2]), join_numbers([1, 3, 4])
    ('1', '1 and 2', '1, 3, and 4')
    >>> join_numbers([2, 3, 4, 5, 6, 12, 13, 14]), join_numbers([1, 2, 3, 7])
    ('2–6 and 12–14', '1–3 and 7')
    """
    words: list[str] = []
    start = 0
    for position in range(1, len(numbers) + 1):
        if position < len(numbers) and numbers[position] == numbers[position - 1] + 1:
            continue
        run = numbers[start:position]
        if len(run) >= 3:
            words.append(f"{run[0]}\u2013{run[-1]}")
        else:
            words.extend(str(n) for n in run)
        start = position
    return _and(words)


def join_chapters(chapters: Sequence[Chapter]) -> str:
    """The chapters as a phrase: ``Chapters 1–3 and 7``; unnumbered ones by title.

    *chapters* are in reading order. Runs of three or more consecutive
    numbered chapters read as a range.

    >>> one, two, three = (
    ...     Chapter(str(n), f"T{n}", (), number=(n,), label=str(n)) for n in (1, 2, 3)
    ... )
    >>> join_chapters([one]), join_chapters([one, two, three]), join_chapters([one, three])
    ('Chapter 1', 'Chapters 1–3', 'Chapters 1 and 3')
    >>> join_chapters([one, Chapter("x", "Setup", (), label="Setup")])
    'Chapter 1 and “Setup”'
    """
    return "".join(p if isinstance(p, str) else p.label for p in chapter_phrase(chapters))


def chapter_phrase(chapters: Sequence[Chapter]) -> list[str | Chapter]:
    """:func:`join_chapters` in parts: the words, and each chapter shown (to link it).

    >>> one, two, three = (
    ...     Chapter(str(n), f"T{n}", (), number=(n,), label=str(n)) for n in (1, 2, 3)
    ... )
    >>> [p if isinstance(p, str) else p.docname for p in chapter_phrase([one, two, three])]
    ['Chapters ', '1', '–', '3']
    """
    numbered = [chapter for chapter in chapters if chapter.number]
    words: list[list[str | Chapter]] = []
    if numbered:
        runs: list[list[Chapter]] = []
        for chapter in numbered:
            if runs and _follows(runs[-1][-1], chapter):
                runs[-1].append(chapter)
            else:
                runs.append([chapter])
        labels: list[list[str | Chapter]] = []
        for run in runs:
            if len(run) >= 3:
                labels.append([run[0], "\u2013", run[-1]])
            else:
                labels.extend([chapter] for chapter in run)
        plural = len(numbered) > 1
        words.append([f"Chapter{'s' if plural else ''} ", *_and_parts(labels)])
    words.extend(["\u201c", chapter, "\u201d"] for chapter in chapters if not chapter.number)
    return _and_parts(words)


def _and_parts(words: Sequence[list[str | Chapter]]) -> list[str | Chapter]:
    out: list[str | Chapter] = []
    for position, word in enumerate(words):
        if position:
            last = position == len(words) - 1
            out.append((", and " if len(words) > 2 else " and ") if last else ", ")
        out.extend(word)
    return out


def _follows(previous: Chapter, chapter: Chapter) -> bool:
    return (
        previous.part == chapter.part
        and previous.number[:-1] == chapter.number[:-1]
        and previous.number[-1] + 1 == chapter.number[-1]
    ) or (
        # Continuous numbering across parts.
        len(previous.number) == len(chapter.number) == 1
        and previous.number[0] + 1 == chapter.number[0]
        and "." not in chapter.label
    )


def _and(words: Sequence[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + ", and " + words[-1]


def backlink_labels(places: Sequence[tuple[tuple[int, ...] | None, int]]) -> list[str]:
    """What each back-link of an entry says: the citing section's number, with
    the paragraph's (``¶``) where the entry has several in one section.

    *places* are ``(section number or None, paragraph)`` in reading order.
    Paragraphs are counted per section, so in unnumbered sections two places
    may read alike (``¶1`` of one section and ``¶1`` of the next): where any
    label would repeat, every back-link says its place in reading order.

    >>> backlink_labels([((1, 2), 3), ((1, 5), 1)])
    ['1.2', '1.5']
    >>> backlink_labels([((1, 2), 3), ((1, 2), 7), ((4,), 2)])
    ['1.2\xa0¶3', '1.2\xa0¶7', '4']
    >>> backlink_labels([(None, 2), (None, 0)])
    ['¶2', '2']
    >>> backlink_labels([(None, 2), (None, 8), (None, 1)])
    ['¶2', '¶8', '¶1']
    >>> backlink_labels([(None, 3), (None, 8), (None, 8)])
    ['1', '2', '3']
    """
    sections = [".".join(map(str, number)) if number else "" for number, _ in places]
    seen: dict[str, int] = defaultdict(int)
    for section in sections:
        seen[section] += 1
    labels = []
    for position, (section, (_, paragraph)) in enumerate(zip(sections, places, strict=True)):
        if section and (seen[section] == 1 or not paragraph):
            labels.append(section)
        elif paragraph:
            labels.append(f"{section}\xa0¶{paragraph}" if section else f"¶{paragraph}")
        else:
            labels.append(str(position + 1))
    if len(set(labels)) < len(labels):
        return [str(position + 1) for position in range(len(labels))]
    return labels
