"""Loading the bibliography through sphinxcontrib-bibtex, without its tracebacks.

sphinxcontrib-bibtex parses the ``.bib`` files on ``builder-inited`` and keeps
the result (with file mtimes) in the environment. A syntax error stops its
parse with a traceback; so this module runs the same parse a little earlier
(priority 400), with pybtex's error capture on, and turns each captured error
into a ``citations.bibfile`` or ``citations.duplicate-key`` warning at the
file and line. sphinxcontrib-bibtex then finds its cache up to date and does
not parse again.

Where :attr:`Saving.ENTRIES_PICKLED <sphinx_ext.savings.Saving.ENTRIES_PICKLED>`
is used (the default), each entry is drafted into its work and kept pickled
as it is parsed (:func:`parse_drafting`, :class:`PickledEntries`): no pybtex
object outlives the parse, and sphinxcontrib-bibtex unpickles the entries
its roles and directives look up.

The files are read here too (:func:`read_bib_text`): a file that is not in
``bibtex_encoding`` (UTF-8 by default) is reported at the line and byte offset
of its first undecodable byte and still loads, those bytes read as U+FFFD; a
binary file is reported and skipped. No input gives a traceback.
"""

from __future__ import annotations

import math
import os
import pickle
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

import pybtex.errors
from pybtex.database import BibliographyData, BibliographyDataError, Entry
from pybtex.database.input.bibtex import Parser
from pybtex.errors import report_error
from pybtex.scanner import PybtexSyntaxError
from sphinxcontrib.bibtex.bibfile import BibData, BibFile

from sphinx_ext._works import Work
from sphinx_ext.config import config_location
from sphinx_ext.diagnostics import Subtype, shorten, warn
from sphinx_ext.savings import Saving, uses

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinxcontrib.bibtex.domain import BibtexDomain

__all__ = [
    "Drafter",
    "PickledEntries",
    "Problem",
    "bib_paths",
    "bibdata",
    "check_bibfiles",
    "entry_locations",
    "keep_entries_pickled",
    "load_bibliography",
    "parse_bibliography",
    "parse_drafting",
    "read_bib_text",
    "report",
]


def bib_paths(confdir: str | Path, config: Config) -> list[Path]:
    """The configured ``.bib`` files, as sphinxcontrib-bibtex resolves them."""
    return [(Path(confdir) / name).resolve() for name in config.bibtex_bibfiles or ()]


def check_bibfiles(app: Sphinx, config: Config) -> None:
    """``config-inited``: drop missing ``.bib`` files from the list, with a warning.

    A missing file would otherwise be reported by sphinxcontrib-bibtex
    without a location, and again on every build.
    """
    kept = []
    for name, path in zip(
        config.bibtex_bibfiles or (), bib_paths(app.confdir, config), strict=True
    ):
        if path.is_file():
            kept.append(name)
        else:
            warn(
                "bibliography file %r not found (looked for %s); check bibtex_bibfiles in conf.py",
                name,
                path,
                subtype=Subtype.BIBFILE,
                location=config_location(app.confdir, "bibtex_bibfiles"),
            )
    config.bibtex_bibfiles = kept


_loaded_in: int | None = None


class _LoadedBibliography(BibData):
    """sphinxcontrib-bibtex's :class:`BibData`, pickled whole only where it was loaded.

    :attr:`Saving.BIBLIOGRAPHY_PICKLED_ONCE <sphinx_ext.savings.Saving.BIBLIOGRAPHY_PICKLED_ONCE>`.

    Sphinx's parallel readers each pickle their whole environment back to
    the main process, which takes only their documents' share of it. The
    bibliography is the main process's already: sent back with every chunk
    of documents, it would be pickled, unpickled and collected once per chunk
    for nothing (1.25 MB a chunk for 2,000 entries). A forked
    process pickles it empty; the process that loaded it pickles it whole,
    as a plain :class:`BibData`, for the environment saved between builds.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[type[BibData], tuple[object, ...]]:
        if os.getpid() == _loaded_in:
            return BibData, tuple(self)
        return BibData, (self.encoding, {}, BibliographyData())


class PickledEntries(Mapping[str, Entry]):
    """The bibliography's entries, each kept pickled until asked for.

    :attr:`Saving.ENTRIES_PICKLED <sphinx_ext.savings.Saving.ENTRIES_PICKLED>`.

    pybtex makes some twenty objects an entry (its fields, its persons and
    their name parts), which would live as long as the environment: walked
    by each of the garbage collector's full collections, pickled with the
    environment, freed one by one when the process ends. Kept as one
    ``bytes`` an entry, they are none of that. Each lookup unpickles a new
    :class:`~pybtex.database.Entry` (some 70 µs): the extension formats each
    cited entry once a build, sphinxcontrib-bibtex looks up those its roles
    and ``{bibliography}`` directives cite. Keys are case-insensitive, as
    pybtex's are; the order is the bibliography's.
    """

    def __init__(self, entries: Mapping[str, Entry] | None = None) -> None:
        self._keys: dict[str, str] = {}
        self._pickled: dict[str, bytes] = {}
        for key, entry in (entries or {}).items():
            self.add(key, entry)

    def add(self, key: str, entry: Entry) -> None:
        """Keep *entry* under *key* (replacing an entry of the same key)."""
        lower = key.lower()
        self._keys[lower] = key
        self._pickled[lower] = pickle.dumps(entry, pickle.HIGHEST_PROTOCOL)

    def add_from(self, other: PickledEntries, key: str) -> None:
        """Keep the entry *other* has under *key*, as it is kept there."""
        lower = key.lower()
        self._keys[lower] = other._keys[lower]
        self._pickled[lower] = other._pickled[lower]

    def __getitem__(self, key: str) -> Entry:
        return cast("Entry", pickle.loads(self._pickled[key.lower()]))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._pickled

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys.values())

    def __len__(self) -> int:
        return len(self._pickled)


#: Drafts an entry's work as it is parsed (``_works.draft_work``, with the book's categories).
Drafter = Callable[[str, Entry], Work]


class _Drafting(BibliographyData):  # type: ignore[misc] # pybtex is untyped
    """A parser's data that drafts each entry's work and keeps the entry pickled, as parsed.

    pybtex's parser hands each entry it parses to its data's ``add_entry``.
    Here the entry is drafted and pickled there and then, and dropped: a
    large bibliography's pybtex objects never pile up, so the collector's
    walks during the parse stay short and none of them outlive it.
    """

    def __init__(self, draft: Drafter) -> None:
        super().__init__()
        self.draft = draft
        self.entries = PickledEntries()
        self.drafts: dict[str, Work] = {}

    def add_entry(self, key: str, entry: Entry) -> None:
        if key in self.entries:
            report_error(BibliographyDataError(f"repeated bibliography entry: {key}"))
            return
        entry.key = key
        self.drafts[key] = self.draft(key, entry)
        self.entries.add(key, entry)


def keep_entries_pickled(env: BuildEnvironment, builder: Builder) -> Mapping[str, Entry]:
    """The bibliography's entries, kept pickled from now on where the saving is on.

    For a bibliography not parsed in this build (the saved environment's,
    or one parsed with the saving off), once the works are built from it.
    """
    data = bibdata(env).data
    if uses(builder, Saving.ENTRIES_PICKLED) and not isinstance(data.entries, PickledEntries):
        data.entries = PickledEntries(data.entries)
    return cast("Mapping[str, Entry]", data.entries)


def load_bibliography(app: Sphinx, draft: Drafter) -> dict[str, Work] | None:
    """Parse the ``.bib`` files where they changed since the last build, reporting every error.

    Called on ``builder-inited`` by ``domain.load_works``, before
    sphinxcontrib-bibtex's own handler, which then finds the parse up to
    date. With :attr:`Saving.ENTRIES_PICKLED
    <sphinx_ext.savings.Saving.ENTRIES_PICKLED>`, each entry's work is
    drafted by *draft* as the entry is parsed, and the drafts are returned;
    ``None`` when nothing was parsed or the saving is off.
    """
    global _loaded_in
    domain = cast("BibtexDomain", app.env.get_domain("cite"))
    paths = bib_paths(app.confdir, app.config)
    encoding = app.config.bibtex_encoding
    _loaded_in = os.getpid()
    problems: list[Problem] = []
    drafts: dict[str, Work] | None = None
    loaded = domain.bibdata
    if _outdated(loaded, paths, encoding):
        if uses(app.builder, Saving.ENTRIES_PICKLED):
            loaded, drafts, problems = parse_drafting(paths, encoding, draft)
        else:
            loaded, problems = parse_bibliography(paths, encoding)
    if uses(app.builder, Saving.BIBLIOGRAPHY_PICKLED_ONCE):
        loaded = _LoadedBibliography(*loaded)
    elif isinstance(loaded, _LoadedBibliography):
        loaded = BibData(*loaded)
    domain.data["bibdata"] = loaded
    for problem in problems:
        report(problem, paths)
    return drafts


def _outdated(loaded: BibData, paths: list[Path], encoding: str) -> bool:
    # As sphinxcontrib-bibtex decides it, so that it finds our parse up to date.
    return (
        loaded.encoding != encoding
        or list(loaded.bibfiles) != paths
        or any(bibfile.mtime != _mtime(path) for path, bibfile in loaded.bibfiles.items())
    )


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return -math.inf


class Problem(NamedTuple):
    """An error of pybtex (or raised by it), with the file and line its text starts at."""

    error: Exception
    path: Path | None
    #: The line of the file where the text the error's own line counts from starts.
    first_line: int = 1


# Where entries start: an "@" first on its line.
_AT_LINE_START = re.compile(r"^[ \t]*@", re.MULTILINE)


def parse_bibliography(paths: list[Path], encoding: str) -> tuple[BibData, list[Problem]]:
    """What sphinxcontrib-bibtex's parse gives, and every problem met, located.

    Each file is read by :func:`read_bib_text` (a file that cannot be decoded
    still gives the entries it can) and parsed whole. When pybtex finds
    anything wrong in it, the file is parsed again one entry at a time (an
    entry starts with an ``@`` first on its line), so that an unclosed brace
    or a stray quote costs its own entry only, never the entries after it,
    and each problem is reported at its entry. ``@string`` macros carry over
    from file to file, as in BibTeX.
    """
    data = BibliographyData()
    bibfiles: dict[Path, BibFile] = {}
    problems: list[Problem] = []
    macros: object = None
    for path in paths:
        text = read_bib_text(path, encoding, report=True)
        found: BibliographyData | None = None
        if text is not None:
            found, macros = _parse_file(path, text, encoding, macros, problems)
        keys: dict[str, None] = {}
        if found is not None and not data.entries and not data.preamble_list:
            # The first file's entries: pybtex's own parse, as it is.
            data = found
            bibfiles[path] = BibFile(mtime=_mtime(path), keys=dict.fromkeys(found.entries))
            continue
        with pybtex.errors.capture() as captured:
            for key, entry in found.entries.items() if found is not None else ():
                if key not in data.entries:
                    keys[key] = None
                data.add_entry(key, entry)  # a key seen in an earlier file: reported
            if found is not None:
                data.add_to_preamble(*found.preamble_list)
        problems.extend(Problem(error, path) for error in captured)
        bibfiles[path] = BibFile(mtime=_mtime(path), keys=keys)
    return BibData(encoding=encoding, bibfiles=bibfiles, data=data), problems


def parse_drafting(
    paths: list[Path], encoding: str, draft: Drafter
) -> tuple[BibData, dict[str, Work], list[Problem]]:
    """:func:`parse_bibliography`, each entry drafted into its work and kept pickled as parsed.

    The same entries, preamble, problems and files as :func:`parse_bibliography`
    gives (a key seen in an earlier file is reported and left out), the
    entries a :class:`PickledEntries`; and the draft of each entry's work.
    """
    entries = PickledEntries()
    drafts: dict[str, Work] = {}
    preamble: list[str] = []
    bibfiles: dict[Path, BibFile] = {}
    problems: list[Problem] = []
    macros: object = None
    for path in paths:
        text = read_bib_text(path, encoding, report=True)
        keys: dict[str, None] = {}
        if text is not None:
            found, macros = _parse_file(path, text, encoding, macros, problems, draft)
            assert isinstance(found, _Drafting)
            for key, work in found.drafts.items():
                if key in entries:
                    problems.append(
                        Problem(BibliographyDataError(f"repeated bibliography entry: {key}"), path)
                    )
                    continue
                keys[key] = None
                entries.add_from(found.entries, key)
                drafts[key] = work
            preamble.extend(found.preamble_list)
        bibfiles[path] = BibFile(mtime=_mtime(path), keys=keys)
    data = BibliographyData()
    data.entries = entries
    data.add_to_preamble(*preamble)
    return BibData(encoding=encoding, bibfiles=bibfiles, data=data), drafts, problems


def _parse_file(
    path: Path,
    text: str,
    encoding: str,
    macros: object,
    problems: list[Problem],
    draft: Drafter | None = None,
) -> tuple[BibliographyData, object]:
    """The entries of one file, and the macros known after it."""
    with pybtex.errors.capture() as captured:
        parser = _parser(path, encoding, macros, draft)
        failure = _parse_text(parser, text)
    if failure is None and not captured and len(parser.data.entries) >= _entries_in(text):
        return parser.data, parser.macros
    # Something is wrong: again, one entry at a time.
    parser = _parser(path, encoding, macros, draft)
    starts = [0, *(m.start() for m in _AT_LINE_START.finditer(text) if m.start() > 0)]
    line = 1
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        chunk = text[start:end]
        with pybtex.errors.capture() as captured:
            failure = _parse_text(parser, chunk)
        problems.extend(Problem(error, path, line) for error in captured)
        if failure is not None:
            problems.append(Problem(failure, path, line))
        line += chunk.count("\n")
    return parser.data, parser.macros


_COMMAND = re.compile(r"^[ \t]*@[ \t]*(\w+)", re.MULTILINE)
_NOT_ENTRIES = frozenset({"comment", "string", "preamble"})


def _entries_in(text: str) -> int:
    """How many entries start on a line of their own: a parse giving fewer lost some."""
    return sum(1 for match in _COMMAND.finditer(text) if match[1].lower() not in _NOT_ENTRIES)


def _parser(path: Path, encoding: str, macros: object, draft: Drafter | None = None) -> Parser:
    parser = Parser(encoding) if macros is None else Parser(encoding, macros=macros)
    parser.filename = str(path)
    if draft is not None:
        parser.data = _Drafting(draft)
    return parser


def _parse_text(parser: Parser, text: str) -> Exception | None:
    try:
        parser.parse_string(text)
    except Exception as failure:  # noqa: BLE001 - pybtex on any input: never a traceback
        return failure
    return None


def read_bib_text(path: Path, encoding: str, *, report: bool = False) -> str | None:
    """The text of a ``.bib`` file, or ``None`` when it is unreadable or binary.

    Bytes that are not valid in *encoding* are read as U+FFFD, so that every
    entry without them loads as it is; with *report*, a ``citations.bibfile``
    warning names the file, the line and the byte offset of the first, and
    the lines of the others.
    """
    codec = encoding or "utf-8-sig"
    try:
        data = path.read_bytes()
    except OSError as problem:
        if report:
            warn(
                "cannot read the bibliography file: %s",
                problem.strerror or problem,
                subtype=Subtype.BIBFILE,
                location=str(path),
            )
        return None
    try:
        return data.decode(codec)
    except LookupError:
        if report:
            warn(
                "unknown bibtex_encoding %r; the file is read as UTF-8",
                encoding,
                subtype=Subtype.BIBFILE,
                location=str(path),
            )
        return read_bib_text(path, "utf-8-sig", report=report)
    except UnicodeDecodeError as problem:
        offset = problem.start
        line = data.count(b"\n", 0, offset) + 1
        if _binary(data, codec):
            if report:
                warn(
                    "not a text file (byte 0x%02x at offset %d is not %s, and NUL or "
                    "undecodable bytes are common in it); no entry of it is loaded. "
                    "Check bibtex_bibfiles in conf.py",
                    data[offset],
                    offset,
                    _codec_name(codec),
                    subtype=Subtype.BIBFILE,
                    location=f"{path}:{line}",
                )
            return None
        text = data.decode(codec, errors="replace")
        if report:
            lines = sorted(
                {number for number, row in enumerate(text.splitlines(), 1) if "\ufffd" in row}
                - {line}
            )
            others = f", and on line{'s' if len(lines) > 1 else ''} {_some(lines)}" if lines else ""
            warn(
                "this file is not %s: byte 0x%02x at offset %d cannot be decoded%s. "
                "Such bytes are read as U+FFFD and every other entry loads as it is; "
                "save the file as UTF-8, or set bibtex_encoding (e.g. 'latin-1') in conf.py",
                _codec_name(codec),
                data[offset],
                offset,
                others,
                subtype=Subtype.BIBFILE,
                location=f"{path}:{line}",
            )
        return text


def _binary(data: bytes, codec: str) -> bool:
    """Whether *data* is no text at all: NUL or undecodable in 5% of its first 8 KiB."""
    sample = data[:8192]
    bad = sample.count(b"\x00") + sample.decode(codec, errors="replace").count("\ufffd")
    return bad * 20 > len(sample)


def _codec_name(codec: str) -> str:
    return "UTF-8" if codec.lower().replace("_", "-").startswith("utf-8") else codec


def _some(numbers: list[int], shown: int = 5) -> str:
    head = ", ".join(map(str, numbers[:shown]))
    return head + (f" and {len(numbers) - shown} more" if len(numbers) > shown else "")


_ENTRY_START = re.compile(r"^[ \t]*@\s*\w+\s*[{(]\s*([^,\s]+)\s*,", re.MULTILINE)


def entry_locations(paths: list[Path], encoding: str) -> dict[str, str]:
    """``path:line`` of every entry's ``@type{key,`` in the ``.bib`` files (first wins)."""
    found: dict[str, str] = {}
    for path in paths:
        text = read_bib_text(path, encoding)
        if text is None:
            continue
        for match in _ENTRY_START.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.setdefault(match.group(1), f"{path}:{line}")
    return found


def bibdata(env: BuildEnvironment) -> BibData:
    """The parsed bibliography, as sphinxcontrib-bibtex keeps it."""
    return cast("BibtexDomain", env.get_domain("cite")).bibdata


def report(problem: Problem, paths: list[Path]) -> None:
    """A problem of the parse as a ``citations.bibfile`` or ``duplicate-key`` warning, located."""
    error, path, first_line = problem
    filename = str(path) if path is not None else None
    entry_line = first_line
    if isinstance(error, PybtexSyntaxError):
        line = getattr(error, "lineno", None)
        location = f"{filename}:{first_line + line - 1}" if line else f"{filename}:{first_line}"
        entry_line = _entry_start(error, first_line) or first_line
        unclosed = _unclosed(getattr(getattr(error, "parser", None), "text", None))
        if unclosed is not None and "end of file" in str(error):
            char, offset = unclosed
            warn(
                "the %r here is never closed: the entry starting at line %d ends first. "
                "Close it (or escape it as \\%s)",
                char,
                entry_line,
                char,
                subtype=Subtype.BIBFILE,
                location=f"{filename}:{first_line + offset}",
            )
            return
        warn(
            "%s; the entry starting at line %d may be incomplete. Check its braces and commas",
            shorten(_syntax_message(error), 200),
            entry_line,
            subtype=Subtype.BIBFILE,
            location=location,
        )
    elif isinstance(error, BibliographyDataError) and "repeated" in str(error):
        key = str(error).rsplit(":", 1)[-1].strip()
        warn(
            "duplicate bibliography key %r: the later entry is ignored; rename one of them",
            shorten(key),
            subtype=Subtype.DUPLICATE_KEY,
            location=_second_definition(key, paths) or filename,
        )
    else:
        warn(
            "bibliography error in the entry starting here: %s",
            shorten(str(error) or type(error).__name__, 200),
            subtype=Subtype.BIBFILE,
            location=f"{filename}:{first_line}" if filename else None,
        )


# A line that starts a field: "  year = ".
_FIELD_START = re.compile(r"[ \t]*[\w-]+[ \t]*=")


def _unclosed(text: object) -> tuple[str, int] | None:
    """The brace (or quote) of a field left open in an entry's *text*, and its line offset.

    A field opened and not closed when the next field starts (``year =`` at
    the start of a line, inside a value), or at the end of the entry.
    """
    if not isinstance(text, str):
        return None
    opened: list[int] = []
    quote: int | None = None
    for position, char in enumerate(text):
        if char == "\n" and (len(opened) > 1 or quote is not None):
            if _FIELD_START.match(text, position + 1):
                start = quote if quote is not None else opened[1]
                return text[start], text.count("\n", 0, start)
        elif char == "{":
            opened.append(position)
        elif char == "}" and opened:
            opened.pop()
        elif char == '"' and len(opened) == 1 and text[position - 1 : position] != "\\":
            quote = None if quote is not None else position
    found = quote if quote is not None else (opened[1] if len(opened) > 1 else None)
    if found is None:
        return None
    return text[found], text.count("\n", 0, found)


def _entry_start(error: PybtexSyntaxError, first_line: int) -> int | None:
    """The line of the entry the error is in, from the parser's own context."""
    try:
        start = error.error_context_info[0]
        return int(error.parser.text.count("\n", 0, start)) + first_line
    except (AttributeError, IndexError, TypeError):
        return None


def _syntax_message(error: PybtexSyntaxError) -> str:
    # pybtex's str() repeats "in line N", which the location already says.
    return re.sub(r" in line \d+", "", str(error))


def _second_definition(key: str, paths: list[Path]) -> str | None:
    """Where *key* is defined a second time: ``file:line``, for the warning."""
    pattern = re.compile(r"@\w+\s*[{(]\s*" + re.escape(key) + r"\s*,", re.IGNORECASE)
    seen = 0
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            continue
        for match in pattern.finditer(text):
            seen += 1
            if seen == 2:
                return f"{path}:{text.count(chr(10), 0, match.start()) + 1}"
    return None
