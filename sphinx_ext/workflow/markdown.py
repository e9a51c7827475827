"""A hand-kept Works Cited in Markdown, read line by line (pure Python, no Sphinx).

The convention is the seed's (``book/`` started from one)::

    | Work | Chapters Referenced |
    |------|---------------------|
    | AssemblyAI (2025). "The 300ms Rule." | 1, 4, 12 |

    ## Chapter 1: The Serving Problem

    1. **AssemblyAI** (2025). "The 300ms Rule." https://www.assemblyai.com/blog/the-300ms-rule
    2. **Kwon, W., et al.** (2023). "Efficient Memory …" *SOSP '23*. arXiv:2309.06180 [a note]

    ### Source Categories

    **Academic Papers**:
    - Kwon et al., "PagedAttention" (2023) - SOSP

Every line that belongs to one of these parts and cannot be read is a
:class:`Problem` with its line number; nothing else in the file is read.

>>> listing = parse_listing('''## Chapter 1: Intro
...
... 1. **Dao, T. & Fu, D.** (2022). "FlashAttention." arXiv:2205.14135 [kernels]
... ''')
>>> entry = listing.chapters[0].entries[0]
>>> entry.author.persons, entry.year, entry.title, entry.eprint, entry.note
((('Dao', 'T.'), ('Fu', 'D.')), '2022', 'FlashAttention', '2205.14135', 'kernels')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "Author",
    "CategoryLine",
    "Chapter",
    "Entry",
    "Listing",
    "Problem",
    "TableRow",
    "main_title",
    "parse_author",
    "parse_entry",
    "parse_listing",
]

_CHAPTER = re.compile(r"^##\s+Chapter\s+(\d+)\s*[:.\-–—]\s*(.+?)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBERED = re.compile(r"^(\d+)[.)]\s+(.*)$")
_ENTRY_HEAD = re.compile(r"^\*\*(?P<author>.+?)\*\*\s*(?P<rest>.*)$")
_YEAR = re.compile(r"^\(\s*(?P<year>\d{4})(?P<letter>[a-z]{0,2})\s*\)\.?\s*(?P<rest>.*)$")
_URL = re.compile(r"<?(https?://[^\s<>\]]+?)>?(?=[\s\]]|[.,;]?$|[.,;]\s)")
_ARXIV = re.compile(r"\barXiv:\s*(?P<id>[\w./-]+?)\.?(?=\s|$)", re.IGNORECASE)
_DOI = re.compile(r"\b(?:doi:\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.\d{4,9}/\S+?)\.?(?=\s|$)")
_SEPARATOR_ROW = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CHAPTER_NUMBERS = re.compile(r"^\s*\d+(\s*,\s*\d+)*\s*$")
_BOLD_LINE = re.compile(r"^\*\*(?P<name>[^*]+?)\*\*\s*(?P<rest>.*)$")
_ET_AL = re.compile(r",?\s+et\s+al\.?$", re.IGNORECASE)
_NOT_GIVEN = re.compile(r"^(inc|ltd|llc|corp|co|gmbh|ag|sa|plc)\.?$", re.IGNORECASE)
# The separators between a main title and its subtitle.
_SUBTITLE = re.compile(r"\s*(?::\s|\s[—–-]\s)")
_QUOTES = (('"', '"'), ("\u201c", "\u201d"))


@dataclass(frozen=True, slots=True)
class Problem:
    """A line that could not be read, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class Author:
    """The bold part of an entry: an organisation, or persons as ``(surname, given)``."""

    text: str
    persons: tuple[tuple[str, str], ...] = ()
    others: bool = False

    @property
    def is_organization(self) -> bool:
        return not self.persons

    @property
    def surname(self) -> str:
        """The first surname, or the organisation."""
        return self.persons[0][0] if self.persons else self.text

    @property
    def label(self) -> str:
        """The author part of a citation label: ``Kwon et al.``, ``Lee & Kim``, ``NVIDIA``."""
        if not self.persons:
            return self.text
        if self.others or len(self.persons) > 2:
            return f"{self.persons[0][0]} et al."
        return " & ".join(surname for surname, _ in self.persons)


def parse_author(text: str) -> Author:
    """Persons when *text* reads as ``Surname, Given`` pairs, else an organisation.

    >>> parse_author("Kwon, W., et al.")
    Author(text='Kwon, W., et al.', persons=(('Kwon', 'W.'),), others=True)
    >>> parse_author("Kwon, W. & Li, Z.").label, parse_author("Beyer, Betsy, et al.").label
    ('Kwon & Li', 'Beyer et al.')
    >>> parse_author("LinkedIn/The Stack").is_organization, parse_author("Acme, Inc.").persons
    (True, ())
    >>> parse_author("Acme & Sons").persons, parse_author("Lee, A., Kim, B., & Park, C.").label
    ((), 'Lee et al.')
    """
    text = " ".join(text.split())
    body = _ET_AL.sub("", text)
    others = body != text
    parts: list[str] = []
    for group in re.split(r",?\s*&\s*|\s+and\s+", body):
        if "," not in group:  # "Acme & Sons": each person is "Surname, Given"
            return Author(text)
        parts += [part.strip() for part in group.split(",")]
    if len(parts) < 2 or len(parts) % 2 or not all(parts):
        return Author(text)
    pairs = tuple(zip(parts[::2], parts[1::2], strict=True))
    if any(_NOT_GIVEN.match(given) or not given[:1].isupper() for _, given in pairs):
        return Author(text)
    return Author(text, pairs, others)


@dataclass(frozen=True, slots=True)
class Entry:
    """One numbered entry of a chapter's list."""

    line: int
    number: int
    author: Author
    year: str
    #: The quoted (or, for a book, italic) title, without its closing period.
    title: str
    #: True when the title was an unquoted description ("Security documentation.").
    described: bool = False
    book: bool = False
    url: str | None = None
    eprint: str | None = None
    doi: str | None = None
    #: An italic venue after the title (``*Proceedings of …*``).
    venue: str | None = None
    #: Other text after the title: "O'Reilly Media", "arXiv preprint", "NVIDIA Blog".
    published: str | None = None
    #: The bracketed note at the end, for this chapter only.
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Chapter:
    """A ``## Chapter N: Title`` section."""

    line: int
    number: int
    title: str
    entries: tuple[Entry, ...]
    #: Italic lines of the section ("*Combines sources from Chapters 1 and 2.*"), without markup.
    remarks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row of the "Frequently Cited Works" table."""

    line: int
    work: str
    chapters: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CategoryLine:
    """A ``- …`` line under a category of the "Source Categories" lists."""

    line: int
    category: str
    text: str


@dataclass
class Listing:
    """Everything read from a works-cited file."""

    #: The first heading of the file ("Works Cited").
    title: str = ""
    #: The first quoted title in the text before the lists (the book's, in the seed).
    book_title: str = ""
    chapters: list[Chapter] = field(default_factory=list)
    table: list[TableRow] = field(default_factory=list)
    categories: list[CategoryLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def main_title(title: str) -> str:
    """The title before its subtitle.

    >>> main_title("FlashAttention-3: Fast and Exact"), main_title("API Reference — Chat")
    ('FlashAttention-3', 'API Reference')
    """
    return _SUBTITLE.split(title, maxsplit=1)[0].strip()


def parse_entry(text: str, line: int = 0, number: int = 0) -> Entry | Problem:
    """One entry (the text after its number), or why it cannot be read.

    >>> parse_entry('**Beyer, Betsy, et al.** (2016). *Site Reliability Engineering.* '
    ...             "O'Reilly Media. [error budgets]").published
    "O'Reilly Media"
    >>> print(parse_entry('**OpenAI** "API Reference." https://platform.openai.com', 7))
    line 7: no year after the author: expected **Author** (YEAR). "Title." URL
    """
    head = _ENTRY_HEAD.match(text)
    if not head:
        return Problem(line, 'no bold author: expected **Author** (YEAR). "Title." URL')
    author = parse_author(head["author"].strip())
    dated = _YEAR.match(head["rest"])
    if not dated:
        return Problem(line, 'no year after the author: expected **Author** (YEAR). "Title." URL')
    rest = dated["rest"].strip()
    rest, note = _split_note(rest)
    if isinstance(note, Problem):
        return Problem(line, note.message)
    title, described, book, rest = _split_title(rest)
    if title is None:
        return Problem(line, f"unclosed title quote or italics: {rest[:60]!r}")
    fields: dict[str, str | None] = {"url": None, "eprint": None, "doi": None, "venue": None}
    found = _DOI.search(rest)
    if found:
        fields["doi"] = found["doi"]
        rest = rest.replace(found[0], " ")
    found = _ARXIV.search(rest)
    if found:
        fields["eprint"] = found["id"]
        rest = rest.replace(found[0], " ")
    found = _URL.search(rest)
    if found:
        fields["url"] = found[1].rstrip(".,;")
        rest = rest.replace(found[0], " ")
    venue = re.search(r"(?<!\*)\*(?!\*)([^*]+?)\*(?!\*)", rest)
    if venue:
        fields["venue"] = venue[1].strip().rstrip(".")
        rest = rest.replace(venue[0], " ")
    published = " ".join(rest.split()).strip(" .,;")
    return Entry(
        line=line,
        number=number,
        author=author,
        year=dated["year"],
        title=title,
        described=described,
        book=book,
        published=published or None,
        note=note,
        **fields,
    )


def _split_note(rest: str) -> tuple[str, str | Problem | None]:
    """The trailing ``[note]`` (brackets inside it balanced), and what stands before it."""
    if not rest.endswith("]"):
        if "[" in rest and "]" not in rest[rest.rindex("[") :]:
            return rest, Problem(0, f"unclosed note bracket: {rest[rest.rindex('[') :][:60]!r}")
        return rest, None
    depth = 0
    for position in range(len(rest) - 1, -1, -1):
        char = rest[position]
        if char == "]":
            depth += 1
        elif char == "[":
            depth -= 1
            if depth == 0:
                note = " ".join(rest[position + 1 : -1].split())
                return rest[:position].rstrip(), note or None
    return rest, Problem(0, "unbalanced brackets in the note")


def _split_title(rest: str) -> tuple[str | None, bool, bool, str]:
    """(title, described, book, what follows); title None when its quote is unclosed."""
    for opening, closing in _QUOTES:
        if rest.startswith(opening):
            # The closing quote ends a sentence ("Title." or "Why?"), so a title
            # may quote a phrase of its own.
            found = re.search(rf"(?<=[.?!]){closing}(?=\s|$)", rest[1:])
            end = found.start() + 1 if found else rest.find(closing, 1)
            if end < 0:
                return None, False, False, rest
            return rest[1:end].strip().rstrip(".").strip(), False, False, rest[end + 1 :]
    if rest.startswith("*") and not rest.startswith("**"):
        end = rest.find("*", 1)
        if end < 0:
            return None, False, False, rest
        return rest[1:end].strip().rstrip(".").strip(), False, True, rest[end + 1 :]
    if not rest or _URL.match(rest) or rest.startswith(("arXiv:", "doi:")):
        return "", False, False, rest
    # An unquoted description: up to the first period that ends a sentence.
    found = re.search(r"\.(\s|$)", rest)
    end = found.start() if found else len(rest)
    return rest[:end].strip(), True, False, rest[end + 1 :]


def _cells(line: str) -> list[str] | None:
    text = line.strip()
    if not text.startswith("|") or not text.endswith("|") or len(text) < 2:
        return None
    return [cell.strip() for cell in text[1:-1].split("|")]


def parse_listing(text: str) -> Listing:
    """Read a whole works-cited file (see the module's docstring for the convention)."""
    listing = Listing()
    lines = text.splitlines()
    section: str | None = None  # "chapter", "categories", or None
    chapter: dict[str, object] | None = None
    entries: list[Entry] = []
    remarks: list[str] = []
    category: str | None = None
    categories_level = 0
    in_table = False
    pending: tuple[int, int, str] | None = None  # an entry and its continuation lines

    def flush_entry() -> None:
        nonlocal pending
        if pending is None:
            return
        number_line, number, body = pending
        pending = None
        parsed = parse_entry(body, number_line, number)
        if isinstance(parsed, Problem):
            listing.problems.append(parsed)
        else:
            entries.append(parsed)

    def flush_chapter() -> None:
        nonlocal chapter
        flush_entry()
        if chapter is not None:
            listing.chapters.append(
                Chapter(
                    int(str(chapter["line"])),
                    int(str(chapter["number"])),
                    str(chapter["title"]),
                    tuple(entries),
                    tuple(remarks),
                )
            )
        chapter = None
        entries.clear()
        remarks.clear()

    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        heading = _HEADING.match(stripped)
        if in_table:
            if stripped.startswith("|"):
                _table_row(listing, number, stripped)
                continue
            in_table = False
        if heading:
            level = len(heading[1])
            if section == "categories" and level > categories_level:
                listing.problems.append(Problem(number, f"unexpected heading {stripped!r}"))
                continue
            flush_chapter()
            section = None
            found = _CHAPTER.match(stripped)
            if found:
                section = "chapter"
                chapter = {"line": number, "number": int(found[1]), "title": found[2]}
            elif "source categories" in heading[2].lower():
                section, category, categories_level = "categories", None, level
            elif level == 1 and not listing.title:
                listing.title = heading[2]
            continue
        header = _cells(stripped)
        if header and [c.lower() for c in header][:1] == ["work"]:
            flush_chapter()
            section = None
            in_table = True
            if len(header) != 2 or "chapter" not in header[1].lower():
                listing.problems.append(
                    Problem(number, "table header should be | Work | Chapters Referenced |")
                )
            continue
        if section == "chapter":
            numbered = _NUMBERED.match(stripped)
            if numbered:
                flush_entry()
                pending = (number, int(numbered[1]), numbered[2].strip())
            elif not stripped:
                flush_entry()
            elif pending is not None:
                pending = (pending[0], pending[1], f"{pending[2]} {stripped}")
            elif stripped == "---":
                continue
            elif re.fullmatch(r"\*[^*].*[^*]\*|_.+_", stripped):
                remarks.append(stripped[1:-1].strip())
            else:
                listing.problems.append(Problem(number, f"not an entry: {stripped[:60]!r}"))
        elif section == "categories":
            bold = _BOLD_LINE.match(stripped)
            if bold:
                category = bold["name"].strip().rstrip(":").strip()
            elif stripped.startswith(("- ", "* ")):
                if category is None:
                    listing.problems.append(Problem(number, "a category item before any category"))
                else:
                    listing.categories.append(CategoryLine(number, category, stripped[2:].strip()))
            elif stripped and stripped != "---":
                listing.problems.append(Problem(number, f"not a category line: {stripped[:60]!r}"))
        elif not listing.chapters and chapter is None and not listing.book_title:
            quoted = re.search(r"[\"“]([^\"”]+)[\"”]", stripped)
            if quoted:
                listing.book_title = quoted[1].strip().rstrip(".")
    flush_chapter()
    if in_table and not listing.table:
        listing.problems.append(Problem(len(lines), "the table has no rows"))
    if not listing.chapters:
        listing.problems.append(Problem(len(lines) or 1, 'no "## Chapter N: Title" section'))
    return listing


def _table_row(listing: Listing, number: int, line: str) -> None:
    if _SEPARATOR_ROW.match(line):
        return
    cells = _cells(line)
    if cells is None:
        listing.problems.append(Problem(number, f"table row not closed by '|': {line[:60]!r}"))
    elif len(cells) != 2:
        listing.problems.append(
            Problem(number, f"table row has {len(cells)} cells, expected 2: {line[:60]!r}")
        )
    elif not _CHAPTER_NUMBERS.match(cells[1]):
        listing.problems.append(
            Problem(number, f"chapters should be numbers separated by commas: {cells[1]!r}")
        )
    else:
        chapters = tuple(int(n) for n in re.findall(r"\d+", cells[1]))
        listing.table.append(TableRow(number, cells[0], chapters))
