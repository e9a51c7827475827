"""Loading the bibliography through sphinxcontrib-bibtex, without its tracebacks.

sphinxcontrib-bibtex parses the ``.bib`` files on ``builder-inited`` and keeps
the result (with file mtimes) in the environment. A syntax error stops its
parse with a traceback; so this module runs the same parse a little earlier
(priority 400), with pybtex's error capture on, and turns each captured error
into a ``citations.bibfile`` or ``citations.duplicate-key`` warning at the
file and line. sphinxcontrib-bibtex then finds its cache up to date and does
not parse again.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pybtex.errors
from pybtex.database import BibliographyData, BibliographyDataError
from pybtex.scanner import PybtexSyntaxError
from sphinxcontrib.bibtex.bibfile import BibData, process_bibdata

from sphinx_ext.config import config_location
from sphinx_ext.warnings_ import Subtype, warn

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
    "hold",
    "hold_for_the_build",
    "load_bibliography",
    "made_out_of_the_collectors_sight",
    "release_previous_build",
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
    _loaded_in = os.getpid()
    with pybtex.errors.capture() as errors, made_out_of_the_collectors_sight():
        try:
            loaded = process_bibdata(domain.bibdata, paths, app.config.bibtex_encoding)
            domain.data["bibdata"] = _LoadedBibliography(*loaded)
        except (OSError, UnicodeError) as problem:
            warn(
                "cannot read the bibliography: %s; check bibtex_bibfiles and bibtex_encoding",
                problem,
                subtype=Subtype.BIBFILE,
                location=config_location(app.confdir, "bibtex_bibfiles"),
            )
    for error in errors:
        _report(error, paths)


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


@contextmanager
def made_out_of_the_collectors_sight() -> Iterator[None]:
    """Build long-lived data with the garbage collector off, then freeze it.

    The parsed bibliography and its works are hundreds of thousands of
    objects for a large file, all kept until the build ends: collections
    while they are made, and every later one, would walk them again and find
    nothing to free. Frozen (see :func:`hold`), they are skipped.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        hold()
        if enabled:
            gc.enable()


_holding = False


def hold() -> None:
    """Move everything alive now out of the garbage collector's walks.

    :func:`gc.freeze`, as Python's documentation advises for long-lived data:
    the loaded bibliography, its works, the modules and the configuration are
    not walked by the collections of reading and writing, nor by the final
    ones at interpreter exit (for a 10,000-entry file, those alone take more
    than half a second). They stay held after the build, as long as it may
    still be inspected, until :func:`release_previous_build` when the next
    build starts in the same process, so a process that builds again frees
    the previous build as before.
    """
    global _holding
    gc.freeze()
    _holding = True


def hold_for_the_build(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: :func:`hold` what was loaded before reading."""
    hold()


def release_previous_build(app: Sphinx, config: Config) -> None:
    """``config-inited``: give the previous build's held objects back to the collector.

    And collect them now: this build holds what is alive once its
    bibliography is loaded, which would otherwise include the garbage of
    the previous one.
    """
    global _holding
    if _holding:
        gc.unfreeze()
        _holding = False
        gc.collect()
