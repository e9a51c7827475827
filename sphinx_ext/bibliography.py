"""Loading the bibliography through sphinxcontrib-bibtex, without its tracebacks.

sphinxcontrib-bibtex parses the ``.bib`` files on ``builder-inited`` and keeps
the result (with file mtimes) in the environment. A syntax error stops its
parse with a traceback; so this module runs the same parse a little earlier
(priority 400), with pybtex's error capture on, and turns each captured error
into a ``citations.bibfile`` or ``citations.duplicate-key`` warning at the
file and line. sphinxcontrib-bibtex then finds its cache up to date and does
not parse again.

The files are read here too (:func:`read_bib_text`): a file that is not in
``bibtex_encoding`` (UTF-8 by default) is reported at the line and byte offset
of its first undecodable byte and still loads, those bytes read as U+FFFD; a
binary file is reported and skipped. No input gives a traceback.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pybtex.errors
from pybtex.database import BibliographyData, BibliographyDataError
from pybtex.database.input.bibtex import Parser
from pybtex.scanner import PybtexSyntaxError
from sphinxcontrib.bibtex.bibfile import BibData, BibFile

from sphinx_ext.config import config_location
from sphinx_ext.warnings_ import Subtype, shorten, warn

if TYPE_CHECKING:
    from pybtex.database import Entry
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinxcontrib.bibtex.domain import BibtexDomain

__all__ = [
    "bib_paths",
    "bibdata",
    "check_bibfiles",
    "entry_locations",
    "load_bibliography",
    "read_bib_text",
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


def load_bibliography(app: Sphinx) -> None:
    """``builder-inited``: parse the ``.bib`` files, reporting every error."""
    global _loaded_in
    domain = cast("BibtexDomain", app.env.get_domain("cite"))
    paths = bib_paths(app.confdir, app.config)
    encoding = app.config.bibtex_encoding
    _loaded_in = os.getpid()
    with pybtex.errors.capture() as errors:
        loaded = domain.bibdata
        if _outdated(loaded, paths, encoding):
            loaded = _parse(paths, encoding)
        domain.data["bibdata"] = _LoadedBibliography(*loaded)
    for error in errors:
        _report(error, paths)


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


def _parse(paths: list[Path], encoding: str) -> BibData:
    """What sphinxcontrib-bibtex's parse gives, each file read by :func:`read_bib_text`.

    A file that cannot be decoded still gives the entries it can; pybtex's
    own errors are reported to the enclosing :func:`pybtex.errors.capture`.
    """
    parser = Parser(encoding)
    bibfiles: dict[Path, BibFile] = {}
    keys: dict[str, None] = {}
    for path in paths:
        text = read_bib_text(path, encoding, report=True)
        if text is not None:
            parser.filename = str(path)
            try:
                parser.parse_string(text)
            except Exception as problem:  # noqa: BLE001 - pybtex on any input: never a traceback
                warn(
                    "cannot parse the rest of this bibliography file: %s; "
                    "the entries before it are loaded",
                    shorten(str(problem)),
                    subtype=Subtype.BIBFILE,
                    location=str(path),
                )
        keys, old_keys = dict.fromkeys(parser.data.entries.keys()), keys
        new_keys = dict.fromkeys(key for key in keys if key not in old_keys)
        bibfiles[path] = BibFile(mtime=_mtime(path), keys=new_keys)
    return BibData(encoding=encoding, bibfiles=bibfiles, data=parser.data)


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
        if b"\x00" in data:
            if report:
                warn(
                    "not a text file (byte 0x%02x at offset %d is not %s, and it holds NUL "
                    "bytes); no entry of it is loaded. Check bibtex_bibfiles in conf.py",
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


def entries(env: BuildEnvironment) -> dict[str, Entry]:
    """Every entry of the bibliography, by key, in file order."""
    return dict(bibdata(env).data.entries)


def _report(error: Exception, paths: list[Path]) -> None:
    if isinstance(error, PybtexSyntaxError):
        # get_filename() fails on the Path objects sphinxcontrib-bibtex passes in.
        filename = str(getattr(error, "filename", None) or (paths[0] if paths else "?"))
        line = getattr(error, "lineno", None)
        location = f"{filename}:{line}" if line else filename
        warn(
            "%s; %s may be incomplete. Check its braces and commas",
            _syntax_message(error),
            _entry_start(error),
            subtype=Subtype.BIBFILE,
            location=location,
        )
    elif isinstance(error, BibliographyDataError) and "repeated" in str(error):
        key = str(error).rsplit(":", 1)[-1].strip()
        warn(
            "duplicate bibliography key %r: the later entry is ignored; rename one of them",
            key,
            subtype=Subtype.DUPLICATE_KEY,
            location=_second_definition(key, paths),
        )
    else:
        warn("bibliography error: %s", error, subtype=Subtype.BIBFILE, location=None)


def _entry_start(error: PybtexSyntaxError) -> str:
    """Which entry the error is in, from the parser's own context."""
    try:
        start = error.error_context_info[0]
        line = error.parser.text.count("\n", 0, start) + 1
    except (AttributeError, IndexError, TypeError):
        return "the entry before this line"
    return f"the entry starting at line {line}"


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
