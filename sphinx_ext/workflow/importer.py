"""From a hand-kept Works Cited to a bibliography (pure Python, no Sphinx).

:func:`import_listing` takes what :func:`~sphinx_ext.workflow.markdown.parse_listing`
read and decides which entries are one work, gives each work a key, an entry
type and a category, and checks the hand-kept frequency table against the
lists. :func:`bibtex` writes the works as a ``.bib`` (with pybtex), each merge
recorded in a ``%`` comment above its entry; :func:`skeleton` writes a MyST
book whose build reproduces the lists; :func:`report` says what was found.

**The merge rule.** Two entries with the same author (as written) and the same
year are one work when

1. their URLs are equal (ignoring scheme, ``www.``, trailing slash), neither
   being a placeholder (a bare domain or a section index such as ``/blog/``); or
2. their titles are equal (ignoring case and punctuation); or
3. one title is the start of the other (three words at least), or both share a
   main title before a subtitle (``FlashAttention-3: …``), and their URLs do
   not contradict each other (both given, neither a placeholder, different); or
4. one has only an unquoted description and a placeholder URL on the site of
   exactly one work of that author and year.

A merged work keeps the title given most often (the first cited on a tie, a
quoted title before a description), the most specific URL (not a placeholder,
then the longest) and, for every other field, the first value given.

>>> from sphinx_ext.workflow.markdown import parse_listing
>>> listing = parse_listing('''## Chapter 1: A
... 1. **Stixor** (2025). "The New Stack: FA-3." https://stixor.com/stack
... ## Chapter 2: B
... 1. **Stixor** (2025). "The New Stack." https://stixor.com/stack [pipelines]
... ''')
>>> imported = import_listing(listing)
>>> [(w.key, w.title, w.chapters) for w in imported.works]
[('stixor2025new', 'The New Stack: FA-3', (1, 2))]
>>> imported.works[0].merged
('ch2 title "The New Stack" (same URL)',)
"""

from __future__ import annotations

import io
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pybtex.database.output.bibtex
from pybtex.database import BibliographyData, Person, parse_string
from pybtex.database import Entry as BibEntry

from sphinx_ext._book import join_numbers
from sphinx_ext._works import IDENTIFIER_FIELDS, Category, build_works, normalize_name
from sphinx_ext.verify._identifiers import normalise_title, normalise_url
from sphinx_ext.verify._static_checks import placeholder_url
from sphinx_ext.workflow.markdown import Author, Entry, Listing, Problem, main_title

__all__ = ["Imported", "Work", "bibtex", "import_listing", "report", "skeleton"]

_STOPWORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "by", "for", "from", "how", "in", "into", "is", "it"}
    | {"of", "on", "or", "the", "to", "vs", "what", "when", "why", "with", "your", "our", "you"}
)
# A page whose address says what it is.
_DOCS_SEGMENTS = frozenset(
    {"docs", "doc", "documentation", "reference", "api-reference", "guide", "guides", "manual"}
)
_EDITORIAL_SEGMENTS = frozenset(
    {"blog", "blogs", "news", "learn", "articles", "article", "case-studies", "pricing"}
)
_DOCS_TITLE = re.compile(r"(?i)\b(documentation|docs|reference|user guide)\b")
_HEADINGS = {category.heading.casefold(): category for category in Category}


@dataclass
class Work:
    """One work of the imported list, with every entry that gave it."""

    key: str
    author: Author
    year: str
    title: str
    url: str | None
    #: ``(chapter number, entry)`` in the order of the file.
    entries: list[tuple[int, Entry]]
    category: Category = Category.INDUSTRY
    entry_type: str = "online"
    #: How the other entries differ, and the rule that merged them.
    merged: tuple[str, ...] = ()
    #: Why the category is what it is.

    @property
    def chapters(self) -> tuple[int, ...]:
        return tuple(sorted({chapter for chapter, _ in self.entries}))

    def first(self, name: str) -> str | None:
        """The first value any entry gives for *name* (``venue``, ``eprint``, …)."""
        for _, entry in self.entries:
            value: str | None = getattr(entry, name)
            if value:
                return value
        return None


@dataclass(frozen=True, slots=True)
class TableFinding:
    """Where the hand-kept frequency table and the lists disagree."""

    line: int | None
    work: str
    #: Chapters in the table (None: the work is not in the table).
    table: tuple[int, ...] | None
    #: Chapters the lists cite it in (None: no work matches the row).
    lists: tuple[int, ...] | None


@dataclass
class Imported:
    """The result of an import."""

    listing: Listing
    works: list[Work]
    #: Chapter number → ``(key, note)`` in the list's order.
    lists: dict[int, list[tuple[str, str | None]]]
    placeholders: list[tuple[int, str, str, str]] = field(default_factory=list)
    table: list[TableFinding] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return self.listing.problems

    def by_key(self) -> dict[str, Work]:
        return {work.key: work for work in self.works}


class _Groups:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.reason: dict[int, str] = {}

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int, reason: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            first, second = sorted((root_a, root_b))
            self.parent[second] = first
        self.reason.setdefault(max(a, b), reason)


def _specific(url: str | None) -> str | None:
    """The URL's comparison form, or None when it is missing or a placeholder."""
    if not url or placeholder_url(url):
        return None
    return normalise_url(url)


def _parts(url: str) -> tuple[str, set[str]]:
    """The host and the path's segments of *url* (nothing when it is malformed)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "", set()
    return host, {s.lower() for s in parts.path.split("/") if s}


def _host(url: str | None) -> str:
    return _parts(url)[0].removeprefix("www.") if url else ""


def _same_work(a: Entry, b: Entry) -> str | None:
    """The merge rule (see the module's docstring): why *a* and *b* are one work."""
    url_a, url_b = _specific(a.url), _specific(b.url)
    if url_a and url_a == url_b:
        return "same URL"
    title_a, title_b = normalise_title(a.title), normalise_title(b.title)
    if not title_a or not title_b or a.described or b.described:
        return None
    if title_a == title_b:
        return "same title"
    if url_a and url_b and url_a != url_b:
        return None
    short, long = sorted((title_a, title_b), key=len)
    if len(short.split()) >= 3 and long.startswith(short + " "):
        return "title is the start of the other"
    main_a, main_b = main_title(a.title), main_title(b.title)
    if (
        main_a != a.title
        and main_b != b.title
        and normalise_title(main_a) == normalise_title(main_b)
    ):
        return "same main title"
    return None


def _merge(listing: Listing) -> tuple[list[list[tuple[int, Entry]]], dict[int, str]]:
    """Groups of ``(chapter, entry)``, one per work, and why each later entry joined one.

    The reasons are keyed by ``id(entry)``.
    """
    flat = [(chapter.number, entry) for chapter in listing.chapters for entry in chapter.entries]
    groups = _Groups(len(flat))
    by_author: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (_, entry) in enumerate(flat):
        by_author[(normalize_name(entry.author.text), entry.year)].append(index)
    for indices in by_author.values():
        for position, i in enumerate(indices):
            for j in indices[:position]:
                reason = _same_work(flat[j][1], flat[i][1])
                if reason:
                    groups.union(j, i, reason)
        # Rule 4: a description at a placeholder URL, on the site of one work.
        for i in indices:
            entry = flat[i][1]
            if not (entry.described and entry.url and placeholder_url(entry.url)):
                continue
            roots = {
                groups.find(j)
                for j in indices
                if groups.find(j) != groups.find(i)
                and _host(flat[j][1].url) == _host(entry.url)
                and not flat[j][1].described
            }
            if len(roots) == 1:
                groups.union(roots.pop(), i, "a description at a placeholder URL on its site")
    members: dict[int, list[int]] = defaultdict(list)
    for index in range(len(flat)):
        members[groups.find(index)].append(index)
    reasons = {id(flat[i][1]): reason for i, reason in groups.reason.items()}
    return [[flat[i] for i in indices] for _, indices in sorted(members.items())], reasons


def _pick_title(entries: Sequence[Entry]) -> str:
    quoted = [e.title for e in entries if e.title and not e.described]
    candidates = quoted or [e.title for e in entries if e.title]
    if not candidates:
        return ""
    counts = Counter(candidates)
    return max(candidates, key=lambda t: (counts[t], -candidates.index(t)))


def _pick_url(entries: Sequence[Entry]) -> str | None:
    urls = [e.url for e in entries if e.url]
    if not urls:
        return None
    return max(urls, key=lambda u: (not placeholder_url(u), len(u), -urls.index(u)))


def _differences(work: Work, reasons: dict[int, str]) -> tuple[str, ...]:
    """How each entry differs from the work kept, and the rule that merged it."""
    notes: list[str] = []
    differs = False
    for chapter, entry in work.entries:
        parts = []
        if entry.title != work.title:
            what = "description" if entry.described else "title"
            parts.append(f'{what} "{entry.title}"' if entry.title else "no title")
        if entry.url != work.url:
            parts.append(f"URL {entry.url}" if entry.url else "no URL")
        for name, said in (("venue", "venue"), ("published", "note"), ("eprint", "arXiv id")):
            value = getattr(entry, name)
            if value and value != work.first(name):
                parts.append(f'{said} "{value}"')
            elif not value and name == "eprint" and work.first(name):
                parts.append(f"no {said}")
        differs = differs or bool(parts)
        reason = reasons.get(id(entry))
        if parts or reason:
            said = ", ".join(parts) or "the same details"
            notes.append(f"ch{chapter} {said}" + (f" ({reason})" if reason else ""))
    return tuple(notes) if differs else ()


def _key(work: Work, taken: set[str]) -> str:
    who = re.sub(r"[^a-z0-9]", "", normalize_name(work.author.surname))
    words = [re.sub(r"[^a-z0-9]", "", w) for w in normalise_title(work.title).split()]
    significant = [w for w in words if w and w not in _STOPWORDS] or [""]
    base = f"{who or 'anon'}{work.year}"
    candidate = base + significant[0]
    for extra in significant[1:3]:
        if candidate not in taken:
            break
        candidate += extra
    suffix = 2
    unique = candidate
    while unique in taken:
        unique, suffix = f"{candidate}{suffix}", suffix + 1
    taken.add(unique)
    return unique


def _mentions(
    lines: Sequence[tuple[str, str]], works: Sequence[Work]
) -> dict[int, tuple[str, str]]:
    """Category lines that name one work (strong) or only its author (weak).

    Returns ``index of work → (category heading, "strong"/"weak")``; strong wins.
    """
    found: dict[int, tuple[str, str]] = {}
    for heading, text in lines:
        folded = normalise_title(text)
        quoted = [normalise_title(q) for q in re.findall(r"[\"“]([^\"”]+)[\"”]", text)]
        years = set(re.findall(r"\b(\d{4})[a-z]{0,2}\b", text))
        strong: list[int] = []
        by_author_year: list[int] = []
        for index, work in enumerate(works):
            author = normalise_title(work.author.label.replace(" et al.", ""))
            named = bool(author) and f" {author} " in f" {folded} "
            title = normalise_title(work.title)
            main = normalise_title(main_title(work.title))
            if years and work.year not in years:
                continue
            by_title = quoted and named and any(q and f" {q} " in f" {title} " for q in quoted)
            by_main_title = not quoted and len(main.split()) >= 2 and f" {main} " in f" {folded} "
            if by_title or by_main_title:
                strong.append(index)
            elif not quoted and named and years:
                by_author_year.append(index)
        exact = [i for i in strong if normalise_title(works[i].title) in quoted]
        strong = exact or strong
        if not strong and len(by_author_year) == 1:
            strong = by_author_year
        for index in strong:
            found[index] = (heading, "strong")
        if strong or quoted or years:
            continue
        # A list of names: "Deepgram, OpenMeter, Google Cloud Speech, EU AI Act".
        for part in (p.strip() for p in re.split(r"[,;]", re.sub(r"\([^)]*\)", "", text))):
            words = normalise_title(part)
            if not words:
                continue
            for index, work in enumerate(works):
                author = normalise_title(work.author.text)
                title = normalise_title(work.title)
                if words == author or author.startswith(words + " "):
                    found.setdefault(index, (heading, "weak"))
                elif words.startswith(author + " "):
                    rest = words[len(author) + 1 :].split()
                    if all(f" {w} " in f" {title} " for w in rest):
                        found[index] = (heading, "strong")
    return found


def _intrinsic(work: Work) -> Category | None:
    """The category a work's own fields show: an identifier or venue, a book, its URL or title."""
    if work.first("eprint") or work.first("doi") or work.first("venue"):
        return Category.ACADEMIC
    if any(entry.book for _, entry in work.entries):
        return Category.BOOK
    if work.url:
        host, segments = _parts(work.url)
        if host.startswith("docs.") or segments & _DOCS_SEGMENTS:
            return Category.VENDOR_DOCS
        if host.startswith("blog.") or segments & _EDITORIAL_SEGMENTS:
            return Category.INDUSTRY
    if _DOCS_TITLE.search(work.title):
        return Category.VENDOR_DOCS
    return None


def _categorise(listing: Listing, works: Sequence[Work]) -> None:
    lines = []
    for line in listing.categories:
        heading = line.category.casefold()
        matched = next((c for h, c in _HEADINGS.items() if h.startswith(heading)), None)
        if matched is None:
            matched = next((c for h, c in _HEADINGS.items() if heading.startswith(h)), None)
        if matched is None:
            listing.problems.append(
                Problem(line.line, f"unknown source category {line.category!r}")
            )
            continue
        lines.append((matched.heading, line.text))
    mentions = _mentions(lines, works)
    for index, work in enumerate(works):
        heading, strength = mentions.get(index, ("", ""))
        category = next((c for c in Category if c.heading == heading), None)
        intrinsic = _intrinsic(work)
        if category is not None and strength == "strong":
            work.category = category  # named in Source Categories
        elif intrinsic is not None:
            work.category = intrinsic
        elif category is not None:
            work.category = category  # its author named in Source Categories
        else:
            work.category = Category.INDUSTRY


def _entry_type(work: Work) -> str:
    if work.category is Category.BOOK:
        return "book"
    if work.first("venue"):
        return "inproceedings" if "proc" in (work.first("venue") or "").lower() else "article"
    if work.first("eprint") or work.first("doi") or work.category is Category.ACADEMIC:
        return "misc"
    return "online" if work.url else "misc"


def _table_findings(listing: Listing, works: Sequence[Work]) -> list[TableFinding]:
    findings: list[TableFinding] = []
    matched: set[str] = set()
    for row in listing.table:
        work = _row_work(row.work, works)
        if work is None:
            findings.append(TableFinding(row.line, row.work, row.chapters, None))
            continue
        matched.add(work.key)
        if tuple(sorted(row.chapters)) != work.chapters:
            findings.append(TableFinding(row.line, row.work, row.chapters, work.chapters))
    if listing.table:
        for work in works:
            if len(work.chapters) >= 2 and work.key not in matched:
                label = f'{work.author.label} ({work.year}). "{work.title}."'
                findings.append(TableFinding(None, label, None, work.chapters))
    return findings


def _row_work(text: str, works: Sequence[Work]) -> Work | None:
    """The work a table row names: by quoted title, or by author, year and title words."""
    years = set(re.findall(r"\b(\d{4})[a-z]{0,2}\b", text))
    quoted = [normalise_title(q) for q in re.findall(r"[\"“]([^\"”]+)[\"”]", text)]
    folded = f" {normalise_title(text)} "
    candidates = [w for w in works if not years or w.year in years]
    if quoted:
        hits = [
            w
            for w in candidates
            if f" {normalise_title(w.author.label.replace(' et al.', ''))} " in folded
            and any(
                normalise_title(w.title) == q or normalise_title(w.title).startswith(q + " ")
                for q in quoted
            )
        ]
    else:
        hits = [
            w
            for w in candidates
            if f" {normalise_title(w.author.label.replace(' et al.', ''))} " in folded
            and (
                f" {normalise_title(w.title)} " in folded
                or f" {normalise_title(w.author.label)} " in folded
            )
        ]
    if len(hits) > 1:
        # The most specific mention wins: the title named, then the longest author label.
        def score(work: Work) -> tuple[bool, int]:
            label = normalise_title(work.author.label)
            return (
                f" {normalise_title(work.title)} " in folded,
                len(label.split()) if f" {label} " in folded else 0,
            )

        best = max(score(w) for w in hits)
        hits = [w for w in hits if score(w) == best]
    return hits[0] if len(hits) == 1 else None


def import_listing(listing: Listing) -> Imported:
    """Works, keys, categories and table findings of a parsed works-cited file."""
    works: list[Work] = []
    groups, reasons = _merge(listing)
    for group in groups:
        entries = [entry for _, entry in group]
        first = entries[0]
        works.append(
            Work(
                key="",
                author=first.author,
                year=first.year,
                title=_pick_title(entries),
                url=_pick_url(entries),
                entries=list(group),
            )
        )
    taken: set[str] = set()
    for work in works:
        work.key = _key(work, taken)
        work.merged = _differences(work, reasons)
    _categorise(listing, works)
    for work in works:
        work.entry_type = _entry_type(work)
    of_entry = {id(entry): work.key for work in works for _, entry in work.entries}
    lists: dict[int, list[tuple[str, str | None]]] = {}
    for chapter in listing.chapters:
        seen: dict[str, str | None] = {}
        for entry in chapter.entries:
            key = of_entry[id(entry)]
            if key in seen:
                listing.problems.append(
                    Problem(
                        entry.line, f"the same work is listed twice in chapter {chapter.number}"
                    )
                )
                if entry.note:
                    seen[key] = "; ".join(n for n in (seen[key], entry.note) if n)
                continue
            seen[key] = entry.note
        lists[chapter.number] = list(seen.items())
    placeholders = [
        (entry.line, entry.url, of_entry[id(entry)], what)
        for chapter in listing.chapters
        for entry in chapter.entries
        if entry.url and (what := placeholder_url(entry.url))
    ]
    numbers = [chapter.number for chapter in listing.chapters]
    if numbers != list(range(1, len(numbers) + 1)):
        line = next(
            c.line for position, c in enumerate(listing.chapters, 1) if c.number != position
        )
        listing.problems.append(
            Problem(line, f"chapters are numbered {join_numbers(numbers)}, not 1 to {len(numbers)}")
        )
    return Imported(listing, works, lists, placeholders, _table_findings(listing, works))


# -- writing ------------------------------------------------------------------------------


def _braces(text: str) -> str:
    """*text* safe inside a BibTeX value: braces that do not pair up are dropped.

    >>> _braces("{GPU} serving"), _braces("a } b {"), _braces('say "hi"')
    ('{GPU} serving', 'a  b ', 'say "hi"')
    """
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            break
    return text if depth == 0 else text.replace("{", "").replace("}", "")


def _latex(text: str) -> str:
    r"""Plain *text* as a BibTeX text field (pybtex's writer leaves these characters alone).

    >>> print(_latex("C:\\new } GPU"))
    C:\textbackslash{}new  GPU
    >>> print(_latex("{braces}"))
    \{braces\}
    """
    escapes = {"\\": "\\textbackslash{}", "{": "\\{", "}": "\\}"}
    return "".join(escapes.get(char, char) for char in _braces(text))


def _persons(author: Author) -> list[Person]:
    if author.is_organization:
        return [Person(f"{{{_latex(author.text)}}}")]
    people = [Person(_latex(f"{surname}, {given}")) for surname, given in author.persons]
    if author.others:
        people.append(Person("others"))
    return people


def bib_entry(work: Work) -> BibEntry:
    """The work as a pybtex entry."""
    fields: dict[str, str] = {}
    if work.title:
        fields["title"] = work.title
    venue = work.first("venue")
    if venue:
        fields["journal" if work.entry_type == "article" else "booktitle"] = venue
    published = work.first("published")
    if published:
        fields["publisher" if work.entry_type == "book" else "howpublished"] = published
    fields["year"] = work.year
    if work.url:
        fields["url"] = work.url
    doi = work.first("doi")
    if doi:
        fields["doi"] = doi
    eprint = work.first("eprint")
    if eprint:
        fields["eprint"] = eprint
        fields["archiveprefix"] = "arXiv"
    fields["keywords"] = work.category.value
    safe = {
        name: _braces(value) if name in IDENTIFIER_FIELDS else _latex(value)
        for name, value in fields.items()
    }
    return BibEntry(work.entry_type, fields=safe, persons={"author": _persons(work.author)})


def _comment(text: str, width: int = 78) -> list[str]:
    # An "@" would start an entry for BibTeX, comment or not.
    text = text.replace("@", "(at)")
    lines: list[str] = []
    current = "%"
    for word in text.split():
        if len(current) + 1 + len(word) > width and current != "%":
            lines.append(current)
            current = "%"
        current += " " + word
    lines.append(current)
    return lines


def _about(work: Work) -> list[str]:
    chapters = ", ".join(f"ch{n}" for n in work.chapters)
    text = []
    if work.merged:
        text.append(f"Merged: {'; '.join(work.merged)}.")
    elif len(work.entries) > 1:
        text.append(f"Cited in {chapters} with identical details.")
    notes = [f'ch{chapter} "{entry.note}"' for chapter, entry in work.entries if entry.note]
    if notes:
        text.append(f"Notes: {'; '.join(notes)}.")
    return [line for paragraph in text for line in _comment(paragraph)]


class _BibWriter(pybtex.database.output.bibtex.Writer):  # type: ignore[misc]
    """pybtex's BibTeX writer, identifier fields verbatim (as the extension reads them)."""

    def _write_field(self, stream: io.StringIO, name: str, value: str) -> None:
        if name.lower() in IDENTIFIER_FIELDS:
            stream.write(f",\n    {name} = {self.quote(value)}")
        else:
            super()._write_field(stream, name, value)


def bibtex(imported: Imported, source: str = "") -> str:
    """The ``.bib`` of the imported works, in order of first citation."""
    out = [
        f"% Imported from {source or 'a hand-kept Works Cited'} by `python -m sphinx_ext import`.",
        "% One entry per work; the comment above an entry records the variants merged into it",
        "% (titles, URLs) and the rule that merged them, and its chapters' notes.",
        "",
    ]
    for work in imported.works:
        out.extend(_about(work))
        stream = io.StringIO()
        _BibWriter().write_stream(BibliographyData({work.key: bib_entry(work)}), stream)
        out.append(stream.getvalue().strip())
        out.append("")
    return "\n".join(out)


def _slug(text: str, limit: int = 5) -> str:
    words = re.findall(r"[a-z0-9]+", normalize_name(text))
    return "-".join(words[:limit]) or "chapter"


def cite_labels(imported: Imported) -> dict[str, str]:
    """key → the label the extension will give the work (``AssemblyAI, 2025a``).

    Read from the ``.bib`` as written, as the extension will read it.
    """
    data = parse_string(bibtex(imported), "bibtex")
    return {key: work.cite_label for key, work in build_works(data.entries).items()}


def _myst_text(text: str) -> str:
    return re.sub(r"([\[\]*_`<>])", r"\\\1", text)


def skeleton(imported: Imported, bib_path: str, book_title: str = "") -> dict[str, str]:
    """A MyST book (path → text) whose build lists, chapter by chapter, the imported works.

    *bib_path* is the ``.bib`` as ``conf.py`` should name it (relative to the book).
    """
    labels = cite_labels(imported)
    works = imported.by_key()
    title = book_title or imported.listing.book_title or "Book"
    files: dict[str, str] = {}
    names: list[str] = []
    for chapter in imported.listing.chapters:
        name = f"ch{chapter.number:02d}-{_slug(chapter.title)}"
        names.append(name)
        lines = [f"# {chapter.title}", ""]
        lines += [f"*{remark}*\n" for remark in chapter.remarks]
        entries = imported.lists.get(chapter.number, [])
        if entries:
            lines.append("Skeleton: one line per source of the imported list, in its order.")
            lines.append("")
        for key, _ in entries:
            work = works[key]
            shown = _myst_text(work.title) or "(untitled)"
            lines.append(f"- {shown} [Source: {labels[key]}]")
        for key, note in entries:
            if note:
                lines += ["", f"```{{source-note}} {labels[key]}", note, "```"]
        files[f"{name}.md"] = "\n".join(lines).rstrip() + "\n"
    files["works-cited.md"] = "# Works Cited\n\n```{works-cited}\n```\n"
    files["index.md"] = "\n".join(
        [
            f"# {title}",
            "",
            "```{toctree}",
            ":numbered:",
            ":maxdepth: 1",
            ":caption: Chapters",
            "",
            *names,
            "```",
            "",
            "```{toctree}",
            ":caption: Back matter",
            "",
            "works-cited",
            "```",
            "",
        ]
    )
    files["conf.py"] = "\n".join(
        [
            f'"""Sphinx configuration of the skeleton imported for {title!r}."""',
            "",
            f"project = {title!r}",
            'extensions = ["myst_parser", "sphinx_ext"]',
            f"bibtex_bibfiles = [{bib_path!r}]",
            'exclude_patterns = ["_build"]',
            "",
        ]
    )
    return files


def relative_bib(book: str, bib: str) -> str:
    """*bib* as seen from the folder *book* (POSIX separators)."""
    return PurePosixPath(os.path.relpath(bib, book).replace(os.sep, "/")).as_posix()


# -- the report ---------------------------------------------------------------------------


def _chapters(numbers: Iterable[int] | None) -> str:
    return ", ".join(str(n) for n in numbers) if numbers else "none"


def report(imported: Imported, source: str = "") -> str:
    """What the import found, in Markdown."""
    listing = imported.listing
    entries = sum(len(c.entries) for c in listing.chapters)
    merged = [w for w in imported.works if len(w.entries) > 1]
    out = [
        f"# Import of {source or 'the works cited'}",
        "",
        (
            f"{entries} entries in {len(listing.chapters)} chapters: "
            f"{len(imported.works)} works, {len(merged)} of them cited in more than one entry."
        ),
        "",
        "## Lines not read",
        "",
    ]
    out += [f"- line {p.line}: {p.message}" for p in sorted(imported.problems, key=_line)] or [
        "None."
    ]
    out += ["", "## Merges", ""]
    out += [
        f"- `{w.key}` ({', '.join(f'ch{n}' for n in w.chapters)}): {'; '.join(w.merged)}"
        for w in merged
        if w.merged
    ] or ["None."]
    out += ["", "## Placeholder URLs", ""]
    out += [
        f"- line {line}: {url} ({what}) for `{key}`"
        for line, url, key, what in imported.placeholders
    ] or ["None."]
    out += ["", "## Frequency table against the lists", ""]
    for finding in imported.table:
        where = f"line {finding.line}" if finding.line else "not in the table"
        if finding.lists is None:
            out.append(f"- {where}: {finding.work} — no work of the lists matches this row")
        elif finding.table is None:
            out.append(f"- {where}: {finding.work} — cited in chapters {_chapters(finding.lists)}")
        else:
            out.append(
                f"- {where}: {finding.work} — the table says {_chapters(finding.table)}, "
                f"the lists cite it in {_chapters(finding.lists)}"
            )
    if not imported.table:
        out.append("The table agrees with the lists." if listing.table else "No table.")
    out += ["", "## Categories", ""]
    counts = Counter(w.category for w in imported.works)
    out += [f"- {c.heading}: {counts[c]}" for c in Category if counts[c]]
    return "\n".join(out) + "\n"


def _line(problem: Problem) -> int:
    return problem.line
