"""Works: bibliography entries seen the way the book cites them.

Pure Python on top of pybtex's parsed entries (no Sphinx). A :class:`Work`
knows its citation label ("Kwon et al."), its year and the disambiguation
letter it gets among works that share label and year, computed once over the
whole bibliography so that every page shows the same letter.

>>> from pybtex.database import parse_string
>>> data = parse_string('''
... @misc{a, author = {{NVIDIA}}, title = {The Zebra}, year = 2025}
... @misc{b, author = {{NVIDIA}}, title = {Apples}, year = 2025}
... @book{c, author = {Beyer, Betsy and others}, title = {SRE}, year = 2016}
... ''', "bibtex")
>>> works = build_works(data.entries)
>>> works["b"].cite_label, works["a"].cite_label, works["c"].cite_label
('NVIDIA, 2025a', 'NVIDIA, 2025b', 'Beyer et al., 2016')
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import pybtex.plugin
from pybtex.richtext import String, Text

if TYPE_CHECKING:
    from pybtex.database import Entry, Person

__all__ = [
    "BOOK_PART_TYPES",
    "BOOK_TYPES",
    "CATEGORY_TITLES",
    "IDENTIFIER_FIELDS",
    "TYPE_CATEGORIES",
    "WHOLE_BOOK_TYPES",
    "Category",
    "PlainFields",
    "Work",
    "build_works",
    "categories_by_type",
    "draft_work",
    "first_family",
    "identifier",
    "is_others",
    "letter_works",
    "letters",
    "letters_over",
    "named_persons",
    "normalize_name",
    "plain",
    "rich_text",
    "title_sort_key",
]


class Category(StrEnum):
    """Source categories of the Works Cited, in the order the page lists them."""

    ACADEMIC = "academic"
    STANDARD = "standard"
    BOOK = "book"
    REPORT = "report"
    VENDOR_DOCS = "vendor-docs"
    INDUSTRY = "industry"

    @property
    def heading(self) -> str:
        """The heading the Works Cited gives this category by default."""
        return CATEGORY_TITLES[self]


#: The default heading of each category (``citations_category_titles`` changes them).
CATEGORY_TITLES = {
    Category.ACADEMIC: "Academic Papers",
    Category.STANDARD: "Industry Standards",
    Category.BOOK: "Published Books",
    Category.REPORT: "Reports and Working Papers",
    Category.VENDOR_DOCS: "Vendor Documentation",
    Category.INDUSTRY: "Industry Research and Blog Posts",
}

#: Entry types of a whole book: its title is the book's (in italics).
WHOLE_BOOK_TYPES = frozenset({"book", "mvbook", "booklet", "bookinbook"})
#: Entry types of a part of a book: a chapter, or a contribution to a collection.
BOOK_PART_TYPES = frozenset({"inbook", "incollection", "suppbook"})
#: Every entry type that is a book or a part of one (pages pin a place in it).
BOOK_TYPES = WHOLE_BOOK_TYPES | BOOK_PART_TYPES

#: The category of each BibTeX and biblatex entry type, unless an entry says
#: otherwise (``category`` or ``keywords``) or ``citations_categories`` maps
#: its type elsewhere. A type not listed (``misc``, ``online``, …) is an
#: academic paper when it has a DOI or an arXiv id, industry research otherwise.
TYPE_CATEGORIES: Mapping[str, Category] = {
    **dict.fromkeys(BOOK_TYPES, Category.BOOK),
    **dict.fromkeys(
        ("article", "inproceedings", "conference", "proceedings", "mvproceedings"),
        Category.ACADEMIC,
    ),
    **dict.fromkeys(("phdthesis", "mastersthesis", "thesis"), Category.ACADEMIC),
    **dict.fromkeys(("techreport", "report", "unpublished"), Category.REPORT),
    "standard": Category.STANDARD,
    **dict.fromkeys(("manual", "software"), Category.VENDOR_DOCS),
}

# Smart quotes may reach a label as typographic apostrophes.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_ARTICLES = re.compile(r"^(the|an|a)\s+", re.IGNORECASE)


# render_as() looks the backend up among entry points on every call; once is enough.
_TEXT = pybtex.plugin.find_plugin("pybtex.backends", "text")()

# Escapes pybtex's LaTeX reader leaves as they are (or garbles): they are
# swapped for private-use characters before reading and restored after.
_ESCAPES = (
    (r"\textbackslash{}", "\\"),
    (r"\textbackslash", "\\"),
    (r"\textasciitilde{}", "~"),
    (r"\textasciicircum{}", "^"),
    (r"\textdollar{}", "$"),
    (r"\textdollar", "$"),
    (r"\^{}", "^"),
    (r"\~{}", "~"),
    (r"\$", "$"),
    (r"\{", "{"),
    (r"\}", "}"),
)
_PLACEHOLDERS = {escape: chr(0xE000 + n) for n, (escape, _) in enumerate(_ESCAPES)}
_RESTORE = str.maketrans(
    {chr(0xE000 + n): char for n, (_, char) in enumerate((*_ESCAPES, ("%", "%")))}
)


# What makes a field more than plain text for pybtex's LaTeX reader.
_LATEX_MARKUP = re.compile(r"[\\{}~$%]|--|``|''")
# A percent sign not escaped: text to a reader of the .bib, where LaTeX would
# start a comment and drop the rest of the field ("99% of requests").
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_PERCENT = chr(0xE000 + len(_ESCAPES))

#: Fields that identify or locate a work. They are read verbatim, as biblatex
#: reads them: exactly as written in the ``.bib`` (``%20``, ``~``, ``--`` and
#: backslashes kept), never through LaTeX decoding; each output format applies
#: only its own escaping. Every other field is LaTeX-decoded text.
IDENTIFIER_FIELDS = frozenset(
    {
        "url",
        "doi",
        "eprint",
        "eprinttype",
        "eprintclass",
        "archiveprefix",
        "primaryclass",
        "isbn",
        "issn",
        "isrn",
        "pmid",
        "arxiv",
        "urldate",
    }
)


def identifier(raw: str) -> str:
    """An identifier field as written: surrounding space, and braces around all of it, dropped.

    >>> identifier(" {https://x.org/My%20Guide~a--b} ")
    'https://x.org/My%20Guide~a--b'
    """
    value = raw.strip()
    while len(value) >= 2 and value[0] == "{" and value[-1] == "}" and _balanced(value[1:-1]):
        value = value[1:-1].strip()
    return value


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def rich_text(latex: str) -> Text:
    """A BibTeX field as pybtex rich text, LaTeX escapes decoded.

    >>> rich_text(r"100\\% of \\$5 in \\{braces\\}, 99% kept").render_as("text")
    '100% of $5 in {braces}, 99% kept'
    """
    if not _LATEX_MARKUP.search(latex):
        # Most fields: nothing to decode, and decoding is the costly part.
        return Text(latex)
    for escape, placeholder in _PLACEHOLDERS.items():
        latex = latex.replace(escape, placeholder)
    latex = _BARE_PERCENT.sub(_PERCENT, latex)
    return _restore(Text.from_latex(latex))


def _restore(rich: Any) -> Any:
    if isinstance(rich, String):
        return String(rich.value.translate(_RESTORE))
    if hasattr(rich, "parts"):
        return rich._create_similar([_restore(part) for part in rich.parts])
    return rich


def plain(latex: str) -> str:
    """BibTeX field text as plain text: braces gone, accents decoded.

    >>> plain(r"M{\\"u}ller {GPU} Guide")
    'Müller GPU Guide'
    """
    if not _LATEX_MARKUP.search(latex.replace("{", "").replace("}", "")):
        # Only protective braces, or nothing at all: most fields of most entries.
        return " ".join(latex.replace("{", "").replace("}", "").split())
    return " ".join(str(rich_text(latex).render(_TEXT)).split())


def normalize_name(name: str) -> str:
    """The form under which labels are compared: no case, accents or spacing.

    ``&`` and ``and`` between two names are the same, so is "et al" with or
    without its dot.

    >>> normalize_name("  Müller  &  Lee ") == normalize_name("muller and LEE")
    True
    """
    if name.isascii():
        stripped = name
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    lowered = " ".join(stripped.casefold().translate(_QUOTES).split())
    lowered = lowered.replace(" & ", " and ")
    return lowered.removesuffix(".").replace("et al.", "et al")


def title_sort_key(title: str) -> str:
    """APA order: case-insensitive, a leading "A", "An" or "The" ignored."""
    return _ARTICLES.sub("", title.strip()).casefold()


def letters(count: int) -> list[str]:
    """Year letters for *count* works: a … z, then aa, ab, ….

    >>> letters(3), letters(28)[-2:]
    (['a', 'b', 'c'], ['aa', 'ab'])
    """
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    out = list(alphabet[:count])
    for first in alphabet:
        if len(out) >= count:
            break
        out.extend(first + second for second in alphabet[: count - len(out)])
    return out


@dataclass(frozen=True, slots=True)
class Work:
    """One bibliography entry as the book cites it."""

    key: str
    entry_type: str
    #: Author part of the citation label: "Deepgram", "Kwon et al.", "Lee & Kim".
    label: str
    #: "2025", or "n.d." when the entry has no year.
    year: str
    #: Disambiguation letter among works with the same label and year, or "".
    letter: str
    title: str
    url: str | None
    category: Category
    is_organization: bool
    #: Every name the work may be cited by (label, full organization, shortauthor, …).
    aliases: tuple[str, ...]
    #: Raw BibTeX fields (plain text), for checks and machine-readable output.
    fields: Mapping[str, str] = field(default_factory=dict)
    #: The first author's family name, or the organization's name, as the
    #: bibliography's name parser reads it ("Red Hat" for ``{Red Hat}``).
    family: str = ""

    @property
    def cite_label(self) -> str:
        """The label as shown everywhere: ``"AssemblyAI, 2025a"``."""
        return f"{self.label}, {self.year}{self.letter}"


def build_works(
    entries: Mapping[str, Entry], type_categories: Mapping[str, Category] | None = None
) -> dict[str, Work]:
    """Build every :class:`Work` of a bibliography, letters included.

    *type_categories* maps entry types to categories, over
    :data:`TYPE_CATEGORIES`. Cost is linear in the number of entries plus a
    sort within each group of works sharing label and year.
    """
    categories = categories_by_type(type_categories)
    return letter_works({key: draft_work(key, entry, categories) for key, entry in entries.items()})


def categories_by_type(type_categories: Mapping[str, Category] | None) -> dict[str, Category]:
    """Entry type → category: :data:`TYPE_CATEGORIES`, with *type_categories* over it."""
    return {**TYPE_CATEGORIES, **(type_categories or {})}


def letter_works(drafts: Mapping[str, Work]) -> dict[str, Work]:
    """The works of *drafts* (:func:`draft_work`), each with its letter among them all.

    The second half of :func:`build_works`, for a caller that drafts each
    work as its entry is parsed.
    """
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, draft in drafts.items():
        groups[(normalize_name(draft.label), draft.year)].append(key)
    lettered: dict[str, str] = {}
    for keys in groups.values():
        if len(keys) < 2:
            continue
        ordered = sorted(keys, key=lambda k: (title_sort_key(drafts[k].title), k))
        lettered.update(zip(ordered, letters(len(ordered)), strict=True))
    return {
        key: dataclasses.replace(draft, letter=lettered[key]) if key in lettered else draft
        for key, draft in drafts.items()
    }


def letters_over(works: Mapping[str, Work], keys: Iterable[str]) -> dict[str, Work]:
    """The works of *keys* with their letters computed among *keys* only.

    APA letters a work among the entries of its reference list: a book's
    works get them among the works it cites, so no "2025b" stands without
    its "2025a". Only the works whose letter changes are returned.

    >>> from pybtex.database import parse_string
    >>> data = parse_string(
    ...     "@misc{a, author = {{NVIDIA}}, title = {Apples}, year = 2025}"
    ...     "@misc{b, author = {{NVIDIA}}, title = {Bananas}, year = 2025}"
    ...     "@misc{c, author = {{NVIDIA}}, title = {Cherries}, year = 2025}",
    ...     "bibtex",
    ... )
    >>> works = build_works(data.entries)
    >>> {k: w.cite_label for k, w in letters_over(works, ["b", "c"]).items()}
    {'b': 'NVIDIA, 2025a', 'c': 'NVIDIA, 2025b'}
    >>> letters_over(works, ["c"])["c"].cite_label
    'NVIDIA, 2025'
    """
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in dict.fromkeys(keys):
        work = works[key]
        groups[(normalize_name(work.label), work.year)].append(key)
    changed: dict[str, Work] = {}
    for group in groups.values():
        ordered = sorted(group, key=lambda k: (title_sort_key(works[k].title), k))
        shown = letters(len(ordered)) if len(ordered) > 1 else [""]
        for key, letter in zip(ordered, shown, strict=True):
            if works[key].letter != letter:
                changed[key] = dataclasses.replace(works[key], letter=letter)
    return changed


class PlainFields(Mapping[str, str]):
    """An entry's fields by lower-case name, as plain text, each made when first read.

    The one place fields are read: :data:`IDENTIFIER_FIELDS` verbatim
    (:func:`identifier`), every other field LaTeX-decoded (:func:`plain`).

    A work needs a handful of its fields to be built; the others (abstracts,
    notes, …) are read only by the checks of the few works they apply to, so
    a large bibliography is not converted field by field up front.

    >>> fields = PlainFields({"Title": "{GPU} Serving", "Year": "2025"})
    >>> fields["title"], dict(fields)
    ('GPU Serving', {'title': 'GPU Serving', 'year': '2025'})
    >>> PlainFields({"url": "https://x.org/a%20b~c"})["url"]
    'https://x.org/a%20b~c'

    """

    __slots__ = ("_plain", "_raw")

    def __init__(self, raw: Mapping[str, str]) -> None:
        self._raw = {name.lower(): value for name, value in raw.items()}
        self._plain: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        try:
            return self._plain[name]
        except KeyError:
            raw = self._raw[name]
            value = identifier(raw) if name in IDENTIFIER_FIELDS else plain(raw)
            self._plain[name] = value
            return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __repr__(self) -> str:
        return f"PlainFields({dict(self)!r})"


def draft_work(key: str, entry: Entry, type_categories: Mapping[str, Category]) -> Work:
    """The :class:`Work` of one entry, without its letter (:func:`letter_works` gives it).

    *type_categories* is the whole mapping of entry types to categories
    (:func:`categories_by_type`). The work keeps nothing of
    pybtex's objects: its fields are copied as text.
    """
    fields = PlainFields(entry.fields)
    persons = named_persons(entry)
    full_name, is_org = _author_label(persons, fields)
    label = fields.get("shortauthor") or full_name
    aliases = _unique(a for a in (label, full_name, fields.get("organization")) if a)
    year = fields.get("year") or fields.get("date", "")[:4] or "n.d."
    url = fields.get("url") or None
    return Work(
        key=key,
        entry_type=entry.type.lower(),
        label=label,
        year=year,
        letter="",
        title=fields.get("title", ""),
        url=url,
        category=_category(entry.type.lower(), fields, type_categories),
        is_organization=is_org,
        aliases=aliases,
        fields=fields,
        family=first_family(persons) or full_name,
    )


def named_persons(entry: Entry) -> list[Person]:
    """The persons an entry is known by: its authors, or else its editors."""
    return list(entry.persons.get("author") or entry.persons.get("editor") or ())


def is_others(person: Person) -> bool:
    """Whether *person* is BibTeX's ``and others`` (shown as "et al.")."""
    return str(person) == "others"


def first_family(persons: Sequence[Person]) -> str:
    """The family name of the first person (particles included), or an organization's name.

    >>> from pybtex.database import Person
    >>> first_family([Person("{Red Hat}")]), first_family([Person("van der Berg, Ann")])
    ('Red Hat', 'van der Berg')
    """
    for person in persons:
        if not is_others(person):
            return plain(" ".join(person.prelast_names + person.last_names))
    return ""


def _author_label(persons: list[Person], fields: Mapping[str, str]) -> tuple[str, bool]:
    others = bool(persons) and is_others(persons[-1])
    names = [p for p in persons if not is_others(p)]
    if not names:
        org = fields.get("organization") or fields.get("publisher") or "Anonymous"
        return org, True
    if len(names) == 1 and not others and _is_organization(names[0]):
        return plain(" ".join(names[0].last_names)), True
    surnames = [plain(" ".join(p.prelast_names + p.last_names)) for p in names]
    if others or len(surnames) > 2:
        return f"{surnames[0]} et al.", False
    return " & ".join(surnames), False


def _is_organization(person: Person) -> bool:
    # {{Deepgram}} parses as one braced last name and nothing else.
    return (
        len(person.last_names) == 1
        and not person.first_names
        and not person.middle_names
        and not person.prelast_names
        and person.last_names[0].startswith("{")
        and person.last_names[0].endswith("}")
    )


# By value, in the order of the enum (iterating an enum is slow, and this runs per entry).
_CATEGORY_OF = {category.value: category for category in Category}


def _category(
    entry_type: str, fields: Mapping[str, str], type_categories: Mapping[str, Category]
) -> Category:
    explicit = fields.get("category", "").strip().lower()
    if explicit in _CATEGORY_OF:
        return _CATEGORY_OF[explicit]
    keywords = fields.get("keywords")
    if keywords:
        named = {k.strip().lower() for k in re.split(r"[,;]", keywords)}
        for value, category in _CATEGORY_OF.items():
            if value in named:
                return category
    mapped = type_categories.get(entry_type)
    if mapped is not None:
        return mapped
    if "doi" in fields or "eprint" in fields:
        return Category.ACADEMIC
    return Category.INDUSTRY


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(normalize_name(value), value)
    return tuple(seen.values())
