"""What changed in a book's citations between two builds (pure Python, no Sphinx).

Both sides are the content of ``citations.json``. Chapters are matched by
``docname`` (so renumbering chapters is no change), citations by what they
cite (the work's key, or the text as written when unresolved, with its
locator and status) in their order within a document, so a citation that only
moved down a few lines is no change either. Fields this module does not know
are ignored.

>>> old = {"chapters": [{"number": 1, "title": "A", "docname": "a", "references": []}],
...        "works": [{"key": "k", "label": "Org, 2020", "title": "T", "chapters": []}],
...        "citations": []}
>>> new = {**old, "citations": [{"docname": "a", "line": 3, "items": [
...     {"key": "k", "locator": None, "status": "resolved", "text": "Org, 2020"}]}]}
>>> changes = diff(old, new)
>>> [(c.title, [i.shown for i in c.added]) for c in changes.chapters]
[('A', ['Org, 2020'])]
>>> [w.label for w in changes.newly_cited], markdown(diff(new, new))
(['Org, 2020'], '')
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["ChapterChange", "Diff", "Item", "RowChange", "WorkRef", "diff", "markdown"]

#: Statuses of a citation item that a reviewer must look at.
PROBLEMS = ("unknown", "ambiguous")


@dataclass(frozen=True, slots=True)
class Item:
    """One cited item at one place."""

    docname: str
    line: int | None
    key: str | None
    locator: str | None
    status: str
    #: As the reader sees it: the work's label (and locator), or the text as written.
    shown: str

    @property
    def where(self) -> str:
        return self.docname if self.line is None else f"{self.docname}:{self.line}"


@dataclass
class ChapterChange:
    """Citations added to and removed from one chapter (or a document outside chapters)."""

    docname: str
    number: int | None
    title: str
    added: list[Item] = field(default_factory=list)
    removed: list[Item] = field(default_factory=list)
    #: The chapter's label as the book shows it ("3", "II.1"; "" when unnumbered).
    label: str = ""
    #: Whether *docname* is a chapter (else a document outside the chapters).
    in_chapter: bool = True
    #: The chapter's place in the book (documents outside chapters come last).
    position: int = 0

    @property
    def heading(self) -> str:
        if not self.in_chapter:
            return f"`{self.docname}` (not in a chapter)"
        if self.label:
            return f"Chapter {self.label}: {self.title} (`{self.docname}`)"
        return f"{self.title} (`{self.docname}`)"


@dataclass(frozen=True, slots=True)
class WorkRef:
    key: str
    label: str
    title: str


@dataclass(frozen=True, slots=True)
class RowChange:
    """A row of the frequency table that entered, left or changed."""

    change: str  # "entered", "left", "changed"
    key: str
    label: str
    old: tuple[int, ...]
    new: tuple[int, ...]


@dataclass
class Diff:
    chapters: list[ChapterChange] = field(default_factory=list)
    newly_cited: list[WorkRef] = field(default_factory=list)
    no_longer_cited: list[WorkRef] = field(default_factory=list)
    #: Unknown or ambiguous citations of the new build that the old one did not have.
    new_problems: list[Item] = field(default_factory=list)
    #: Unknown or ambiguous citations of the old build that are gone.
    fixed_problems: list[Item] = field(default_factory=list)
    table: list[RowChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.chapters
            or self.newly_cited
            or self.no_longer_cited
            or self.new_problems
            or self.fixed_problems
            or self.table
        )

    def to_json(self) -> dict[str, Any]:
        """The changes as JSON-ready data (every list, empty or not)."""
        out = asdict(self)
        for chapter, change in zip(out["chapters"], self.chapters, strict=True):
            chapter["heading"] = change.heading
        return out


class _Side:
    """One build's ``citations.json``, indexed."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.chapters: list[Mapping[str, Any]] = list(data.get("chapters") or [])
        self.works: dict[str, Mapping[str, Any]] = {
            w["key"]: w for w in data.get("works") or [] if isinstance(w, Mapping) and "key" in w
        }
        self.citations: list[Mapping[str, Any]] = list(data.get("citations") or [])
        self.by_docname = {c.get("docname"): c for c in self.chapters}
        self.by_number = {c.get("number"): c for c in self.chapters}

    def chapter_of(self, docname: str) -> Mapping[str, Any] | None:
        """The chapter a document belongs to: by docname, its ``docnames``, or its folder."""
        if docname in self.by_docname:
            return self.by_docname[docname]
        for chapter in self.chapters:
            if docname in (chapter.get("docnames") or ()):
                return chapter
            own = str(chapter.get("docname") or "")
            if own.endswith("/index") and docname.startswith(own.removesuffix("index")):
                return chapter
        return None

    def position(self, docname: str) -> int:
        """The chapter's place in the book, from 1 (0 when it is not a chapter)."""
        for place, chapter in enumerate(self.chapters, start=1):
            if chapter.get("docname") == docname:
                return place
        return 0

    def label(self, key: str | None) -> str:
        work = self.works.get(key or "")
        return str(work.get("label") or key) if work else str(key)

    def items(self) -> dict[str, list[Item]]:
        """Every cited item, by document, in reading order."""
        out: dict[str, list[Item]] = {}
        for citation in self.citations:
            docname = str(citation.get("docname"))
            for item in citation.get("items") or ():
                key = item.get("key")
                status = str(item.get("status") or "")
                locator = item.get("locator")
                if key is not None and status == "resolved":
                    shown = self.label(key) + (f", {locator}" if locator else "")
                else:
                    shown = str(item.get("text") or "")
                out.setdefault(docname, []).append(
                    Item(docname, citation.get("line"), key, locator, status, shown)
                )
        return out

    def chapter_docnames(self, numbers: Iterable[Any]) -> frozenset[str]:
        """A work's chapters as docnames (``chapters`` may hold numbers or docnames)."""
        names = set()
        for number in numbers:
            if isinstance(number, str):
                names.add(number)
            elif number in self.by_number:
                names.add(str(self.by_number[number].get("docname")))
        return frozenset(names)

    def cited(self) -> set[str]:
        keys = {key for key, work in self.works.items() if work.get("chapters")}
        keys.update(
            str(item["key"])
            for citation in self.citations
            for item in citation.get("items") or ()
            if item.get("key") and item.get("status") == "resolved"
        )
        return keys

    def rows(self, min_chapters: int) -> dict[str, frozenset[str]]:
        return {
            key: self.chapter_docnames(work.get("chapters") or ())
            for key, work in self.works.items()
            if len(work.get("chapters") or ()) >= min_chapters
        }

    def numbers(self, docnames: Iterable[str]) -> tuple[int, ...]:
        return tuple(
            sorted(
                int(self.by_docname[d]["number"])
                for d in docnames
                if d in self.by_docname and self.by_docname[d].get("number") is not None
            )
        )


def _identity(item: Item) -> tuple[str | None, str | None, str]:
    # Resolved: the work and locator (its label's year letter may change with
    # the bibliography); otherwise the text as written.
    if item.key is not None and item.status == "resolved":
        return (item.key, item.locator, item.status)
    return (None, item.shown, item.status)


def _changes(old: Sequence[Item], new: Sequence[Item]) -> tuple[list[Item], list[Item]]:
    matcher = difflib.SequenceMatcher(
        None, [_identity(i) for i in old], [_identity(i) for i in new], autojunk=False
    )
    added: list[Item] = []
    removed: list[Item] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed.extend(old[i1:i2])
            added.extend(new[j1:j2])
    return added, removed


def _work(side: _Side, key: str) -> WorkRef:
    work = side.works.get(key) or {}
    return WorkRef(key, str(work.get("label") or key), str(work.get("title") or ""))


def diff(old: Mapping[str, Any], new: Mapping[str, Any], *, min_chapters: int = 2) -> Diff:
    """The changes from *old* to *new* (two ``citations.json`` contents)."""
    before, after = _Side(old), _Side(new)
    result = Diff()
    items_before, items_after = before.items(), after.items()
    by_chapter: dict[str, ChapterChange] = {}
    for docname in sorted(set(items_before) | set(items_after)):
        added, removed = _changes(items_before.get(docname, []), items_after.get(docname, []))
        if not added and not removed:
            continue
        chapter = after.chapter_of(docname) or before.chapter_of(docname)
        chapter_doc = str(chapter.get("docname")) if chapter else docname
        if chapter_doc not in by_chapter:
            number = chapter.get("number") if chapter else None
            label = chapter.get("label") if chapter else None
            side = after if chapter_doc in after.by_docname else before
            by_chapter[chapter_doc] = ChapterChange(
                chapter_doc,
                int(number) if isinstance(number, int) else None,
                str(chapter.get("title") or "") if chapter else "",
                label=str(label if label is not None else number if number is not None else ""),
                in_chapter=chapter is not None,
                position=side.position(chapter_doc),
            )
        change = by_chapter[chapter_doc]
        change.added.extend(added)
        change.removed.extend(removed)
        result.new_problems.extend(i for i in added if i.status in PROBLEMS)
        result.fixed_problems.extend(i for i in removed if i.status in PROBLEMS)
    result.chapters = sorted(
        by_chapter.values(), key=lambda c: (not c.in_chapter, c.position, c.docname)
    )
    cited_before, cited_after = before.cited(), after.cited()
    result.newly_cited = [_work(after, k) for k in sorted(cited_after - cited_before)]
    result.no_longer_cited = [_work(before, k) for k in sorted(cited_before - cited_after)]
    rows_before, rows_after = before.rows(min_chapters), after.rows(min_chapters)
    for key in sorted(set(rows_before) | set(rows_after), key=lambda k: after.label(k).casefold()):
        old_docs, new_docs = rows_before.get(key), rows_after.get(key)
        if old_docs == new_docs:
            continue
        label = after.label(key) if key in after.works else before.label(key)
        old_numbers = before.numbers(old_docs or ())
        new_numbers = after.numbers(new_docs or ())
        kind = "entered" if old_docs is None else "left" if new_docs is None else "changed"
        result.table.append(RowChange(kind, key, label, old_numbers, new_numbers))
    return result


def _numbers(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def markdown(changes: Diff) -> str:
    """The changes as a pull-request comment; ``""`` when nothing changed."""
    if not changes:
        return ""
    added = sum(len(c.added) for c in changes.chapters)
    removed = sum(len(c.removed) for c in changes.chapters)
    summary = [
        f"{_count(added, 'citation')} added, {removed} removed",
        f"{_count(len(changes.newly_cited), 'work')} newly cited",
        f"{len(changes.no_longer_cited)} no longer cited",
    ]
    if changes.new_problems:
        summary.append(f"**{_count(len(changes.new_problems), 'citation')} unknown or ambiguous**")
    if changes.table:
        summary.append(f"{_count(len(changes.table), 'frequency-table row')} changed")
    out = ["### Citations", "", "; ".join(summary) + ".", ""]
    for chapter in changes.chapters:
        out.append(f"**{chapter.heading}**")
        out.extend(f"- added {i.shown} at `{i.where}`" for i in chapter.added)
        out.extend(f"- removed {i.shown} (was at `{i.where}`)" for i in chapter.removed)
        out.append("")
    if changes.new_problems:
        out.append("**Unknown or ambiguous**")
        out.extend(f"- {i.status}: `{i.shown}` at `{i.where}`" for i in changes.new_problems)
        out.append("")
    if changes.fixed_problems:
        out.append("**No longer unknown or ambiguous**")
        out.extend(f"- `{i.shown}` (was at `{i.where}`)" for i in changes.fixed_problems)
        out.append("")
    for title, works in (
        ("Newly cited", changes.newly_cited),
        ("No longer cited anywhere", changes.no_longer_cited),
    ):
        if works:
            out.append(f"**{title}**")
            out.extend(
                f"- {w.label}" + (f" — “{w.title}”" if w.title else "") + f" (`{w.key}`)"
                for w in works
            )
            out.append("")
    if changes.table:
        out.append("**Frequency table**")
        for row in changes.table:
            if row.change == "entered":
                out.append(f"- entered: {row.label} (chapters {_numbers(row.new)})")
            elif row.change == "left":
                out.append(f"- left: {row.label} (was chapters {_numbers(row.old)})")
            else:
                out.append(
                    f"- changed: {row.label} (chapters {_numbers(row.old)} → {_numbers(row.new)})"
                )
        out.append("")
    return "\n".join(out).rstrip() + "\n"
