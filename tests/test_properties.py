"""Property-based tests (hypothesis): any text, any nesting, any Unicode, any damaged ``.bib``.

* The markup parser on any text: never an exception; every ``[Source:`` is the
  start of exactly one parsed or unclosed citation; messages are short.
* The whole read step, on documents nobody wrote: each example is a MyST page
  read by a real Sphinx application (``Builder.read_doc``: MyST, docutils, every
  transform, ours and the domain's collection), built once per module, so an
  example costs a page's reading, not a build. Never an exception, and every
  line holding a ``[Source:`` either has only resolved citations or a
  ``citations.*`` warning at that line.
* A fuzzed ``.bib``: the book's own bibliography, truncated, with random bytes
  put in, braces, commas and quotes deleted. Never an exception; every
  problem a warning at a line of the file; every entry left intact still loads.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from docutils import nodes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp

from sphinx_ext import bibliography
from sphinx_ext._book import item_records
from sphinx_ext._parser import (
    OPENER,
    Citation,
    Malformed,
    UnclosedCitation,
    find_citations,
    parse_items,
)
from sphinx_ext._works import TYPE_CATEGORIES, Category, build_works, draft_work, letter_works
from sphinx_ext.nodes import source_citation
from tests.conftest import ROOTS

BOOK_BIB = Path(__file__).parents[1] / "book" / "references.bib"

NAMES = ["Deepgram", "Acme", "Kwon et al.", "kwon2023paged", "Nobody", "Deepgram Inc", "", " "]
YEARS = ["2025", "2024", "2023", "1999", "2025b", "2025B", "n.d.", "", "20255", "2025 [x]"]
LOCATORS = ["", ", p. 5", ", pp. 3-4", ", ch. 2", ", Table 1", ", p.", ",,"]

item = st.builds(
    lambda name, sep, year, locator: f"{name}{sep}{year}{locator}",
    st.sampled_from(NAMES),
    st.sampled_from([", ", " ", ",", ""]),
    st.sampled_from(YEARS),
    st.sampled_from(LOCATORS),
)
citation = st.builds(
    lambda opener, items, close: opener + "; ".join(items) + close,
    st.sampled_from(["[Source: ", "[source:", "[ Source :", "[SOURCE:"]),
    st.lists(item, max_size=4),
    st.sampled_from(["]", "", "]]", " ]", "[", "] ["]),
)
# Text of any script, without what Markdown would turn into code, links or HTML.
prose = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Co", "Cn"),
        blacklist_characters="`<>\\()|!{}$~^\n\r#-+*_=",
    ),
    max_size=12,
)
fragment = st.one_of(
    citation,
    prose,
    st.sampled_from(["[", "]", "[Source:", ";", ",", " ", "2025", "et al.", "&", "x" * 300]),
)
line_text = st.lists(fragment, max_size=8).map("".join)


# -- the parser ----------------------------------------------------------------------


def check_parse(text: str) -> None:
    found = find_citations(text)
    openers = [m.start() for m in OPENER.finditer(text)]
    assert [c.start for c in found] == openers
    previous_end = 0
    for one in found:
        assert previous_end <= one.start < one.end <= len(text)
        previous_end = one.end
        if isinstance(one, UnclosedCitation):
            continue
        assert isinstance(one, Citation)
        assert one.items
        for part in one.items:
            if isinstance(part, Malformed):
                assert part.message
                # Quoted text is cut to 80 characters (a repr may spell each in up to 10).
                assert len(part.message) < 1200, part.message


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(st.one_of(fragment, st.sampled_from(["\n", "\n\n"])), max_size=30).map("".join))
def test_parser_on_citation_shaped_text(text: str) -> None:
    check_parse(text)


@settings(max_examples=300, deadline=None, database=None)
@given(st.text())
def test_parser_on_any_text(text: str) -> None:
    check_parse(text)
    check_parse("[Source: " + text)
    check_parse("[Source: " + text + "]")
    items, malformed = parse_items(text)
    assert items and 0 <= malformed <= len(items)


# -- the read step ---------------------------------------------------------------------


class Reader:
    """A real Sphinx application of the ``robust`` root that reads one page again and again."""

    def __init__(self, srcdir: Path) -> None:
        (srcdir / "example.md").write_text("---\norphan: true\n---\n# Example\n", encoding="utf-8")
        self.page = srcdir / "example.md"
        self.app = SphinxTestApp(
            "dummy", srcdir=srcdir, status=StringIO(), warning=StringIO(), freshenv=True
        )
        self.app.build()
        self.doctrees: list[nodes.document] = []
        self.app.connect("doctree-read", lambda app, doctree: self.doctrees.append(doctree))

    def read(self, text: str) -> tuple[nodes.document, str]:
        self.page.write_text(text, encoding="utf-8")
        self.app.warning.seek(0)
        self.app.warning.truncate()
        self.doctrees.clear()
        self.app.builder.read_doc("example")
        [doctree] = self.doctrees
        return doctree, re.sub(r"\x1b\[[0-9;]*m", "", self.app.warning.getvalue())


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    srcdir = tmp_path_factory.mktemp("properties") / "robust"
    shutil.copytree(ROOTS / "test-robust", srcdir)
    reader = Reader(srcdir)
    yield reader
    reader.app.cleanup()


block = st.builds(
    lambda prefix, text: f"{prefix}Text {text}",
    st.sampled_from(["", "", "## ", "### ", "* ", "1. ", "> "]),
    line_text,
)
page = st.lists(st.tuples(block, st.sampled_from(["\n", "\n\n"])), min_size=1, max_size=8).map(
    lambda blocks: "# Example\n\n" + "".join(b + sep for b, sep in blocks)
)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(page)
def test_read_step_matches_or_reports_every_citation_at_its_line(reader: Reader, text: str) -> None:
    doctree, warnings = reader.read(text)
    assert "Traceback" not in warnings and "Exception" not in warnings
    ours = [line for line in warnings.splitlines() if "[citations." in line]
    for line in ours:
        assert re.match(r".*example\.md:\d+: WARNING: ", line), line
        assert len(line) < len(str(reader.page)) + 1200, line
    warned_at = {
        int(m[1]) for m in re.finditer(r"example\.md:(\d+): WARNING: .*\[citations\.", warnings)
    }
    resolved_at: dict[int, int] = {}
    for node in doctree.findall(source_citation):
        records = item_records(node.get("items", ()))
        if records and all(r.status == "resolved" for r in records):
            resolved_at[node["line"]] = resolved_at.get(node["line"], 0) + 1
        else:
            assert node["line"] in warned_at, (node["line"], warnings)
    for number, raw in enumerate(text.splitlines(), start=1):
        openers = len(OPENER.findall(raw))
        if openers > resolved_at.get(number, 0):
            assert number in warned_at, (number, raw, warnings)


# -- a fuzzed .bib ---------------------------------------------------------------------

ENTRY = re.compile(r"^@(\w+)\{([^,\s]+),", re.MULTILINE)


def entry_chunks(text: str) -> list[str]:
    starts = [m.start() for m in re.finditer(r"^@", text, re.MULTILINE)]
    return [text[: starts[0]]] + [
        text[start:end] for start, end in zip(starts, [*starts[1:], len(text)], strict=True)
    ]


BOOK_CHUNKS = entry_chunks(BOOK_BIB.read_text(encoding="utf-8"))


@st.composite
def damaged_bib(draw: st.DrawFn) -> tuple[bytes, set[str]]:
    """The book's .bib with some entries damaged; the keys of the entries left whole."""
    chunks = [chunk.encode("utf-8") for chunk in BOOK_CHUNKS]
    damaged = draw(st.sets(st.integers(1, len(chunks) - 1), max_size=8))
    for index in damaged:
        chunk = chunks[index]
        how = draw(st.sampled_from(["bytes", "braces", "commas", "quotes", "cut"]))
        if how == "bytes":
            at = draw(st.integers(0, len(chunk)))
            chunk = chunk[:at] + draw(st.binary(min_size=1, max_size=12)) + chunk[at:]
        elif how == "cut":
            chunk = chunk[: draw(st.integers(1, len(chunk)))]
        else:
            char = {"braces": b"{}", "commas": b",", "quotes": b'"'}[how]
            positions = [i for i, byte in enumerate(chunk) if bytes([byte]) in char]
            if not positions:
                chunk = chunk.replace(b"{", b'"', 1)
            else:
                gone = draw(st.sets(st.sampled_from(positions), min_size=1, max_size=3))
                chunk = bytes(b for i, b in enumerate(chunk) if i not in gone)
        if not chunk.endswith(b"\n"):
            chunk += b"\n"
        chunks[index] = chunk
    data = b"".join(chunks)
    truncate = draw(st.booleans())
    keep = len(data)
    if truncate:
        keep = draw(st.integers(0, len(data)))
    intact: set[str] = set()
    offset = 0
    for index, chunk in enumerate(chunks):
        whole = offset + len(chunk) <= keep
        offset += len(chunk)
        match = ENTRY.match(chunk.decode("utf-8", errors="replace"))
        if index and index not in damaged and whole and match and match[1].lower() != "comment":
            intact.add(match[2])
    return data[:keep], intact


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    logger = logging.getLogger("sphinx.sphinx_ext")
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def test_the_book_bib_loads_whole_without_a_warning(tmp_path: Path, records: Records) -> None:
    data, problems = bibliography.parse_bibliography([BOOK_BIB], "utf-8-sig")
    assert problems == [] and records.records == []
    keys = {m[2] for m in ENTRY.finditer(BOOK_BIB.read_text(encoding="utf-8"))}
    assert set(data.data.entries) == keys and len(keys) > 70


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(damaged_bib())
def test_a_fuzzed_bib_loads_every_intact_entry_and_locates_every_problem(
    tmp_path: Path, records: Records, damaged: tuple[bytes, set[str]]
) -> None:
    content, intact = damaged
    path = tmp_path / "fuzzed.bib"
    path.write_bytes(content)
    records.records.clear()
    data, problems = bibliography.parse_bibliography([path], "utf-8-sig")
    for problem in problems:
        bibliography.report(problem, [path])
    lines = content.count(b"\n") + 1
    duplicates = set()
    for record in records.records:
        message = record.getMessage()
        assert getattr(record, "type", None) == "citations", message
        assert record.subtype in {"bibfile", "duplicate-key"}, message  # type: ignore[attr-defined]
        location = str(record.location)  # type: ignore[attr-defined]
        match = re.fullmatch(re.escape(str(path)) + r":(\d+)", location)
        assert match and 1 <= int(match[1]) <= lines, (location, message)
        if record.subtype == "duplicate-key":  # type: ignore[attr-defined]
            duplicates.add(message.split("'")[1])
    assert len(records.records) >= len(problems)
    assert intact - duplicates <= set(data.data.entries), sorted(intact - set(data.data.entries))


def test_a_ten_thousand_character_citation_is_quoted_cut(reader: Reader) -> None:
    for inside in ("Deepgram " * 1200 + "2025", "x" * 10_000, "Nobody, 2025, " + "p" * 10_000):
        _, warnings = reader.read(f"# Example\n\nText [Source: {inside}] and more.\n")
        [warning] = [line for line in warnings.splitlines() if "[citations." in line]
        assert "example.md:3: WARNING:" in warning
        assert len(warning) < len(str(reader.page)) + 300, warning
        assert "…" in warning


def _drafted(content: bytes, tmp_path: Path, split: bool) -> tuple[list[Path], object, object]:
    """*content* as one file, or cut in two files at an entry; both parses of them."""
    text = content.decode("utf-8", errors="replace")
    starts = [m.start() for m in re.finditer(r"^@", text, re.MULTILINE)]
    # Cut in two, the second file repeating the first's entries after its own.
    files = [text]
    if split and len(starts) > 2:
        cut = starts[len(starts) // 2]
        files = [text[:cut], text[cut:] + text[:cut]]
    paths = []
    for number, part in enumerate(files):
        (tmp_path / f"{number}.bib").write_text(part, encoding="utf-8")
        paths.append(tmp_path / f"{number}.bib")
    categories = {**TYPE_CATEGORIES, "misc": Category.STANDARD}
    whole = bibliography.parse_bibliography(paths, "utf-8")
    drafted = bibliography.parse_drafting(
        paths, "utf-8", functools.partial(draft_work, type_categories=categories)
    )
    return paths, whole, drafted


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(damaged_bib(), st.booleans())
def test_a_bib_parsed_drafting_gives_what_the_whole_parse_gives(
    tmp_path: Path, records: Records, damaged: tuple[bytes, set[str]], split: bool
) -> None:
    # Saving.ENTRIES_PICKLED: entries drafted and pickled as parsed, never all alive at once.
    _, (data, problems), (kept, drafts, drafted_problems) = _drafted(damaged[0], tmp_path, split)
    entries = kept.data.entries
    assert isinstance(entries, bibliography.PickledEntries)
    assert list(entries) == list(data.data.entries)
    assert all(entries[key] == data.data.entries[key] for key in entries)
    assert all(entries[key.upper()] == data.data.entries[key] for key in entries)
    assert all(key.swapcase() in entries for key in entries) and "no such key" not in entries
    assert kept.data.preamble_list == data.data.preamble_list
    assert {path: list(f.keys) for path, f in kept.bibfiles.items()} == {
        path: list(f.keys) for path, f in data.bibfiles.items()
    }
    assert [(str(p.error), p.path, p.first_line) for p in drafted_problems] == [
        (str(p.error), p.path, p.first_line) for p in problems
    ]
    categories = {"misc": Category.STANDARD}
    assert letter_works(drafts) == build_works(data.data.entries, categories)


def test_entries_kept_pickled_are_new_entries_at_each_lookup(tmp_path: Path) -> None:
    _, (data, _), (kept, _, _) = _drafted(BOOK_BIB.read_bytes(), tmp_path, split=True)
    entries = kept.data.entries
    key = next(iter(entries))
    assert entries[key] == data.data.entries[key] and entries[key] is not entries[key]
    # What another extension does with a looked-up entry stays with it.
    entries[key].fields["title"] = "Changed"
    assert entries[key].fields["title"] == data.data.entries[key].fields["title"]
    assert len(entries) == len(data.data.entries) > 70
    with pytest.raises(KeyError):
        entries["no such key"]
