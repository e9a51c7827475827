"""``python -m sphinx_ext`` (the ``sphinx-citations`` script): import, export and diff.

A thin shell over :mod:`sphinx_ext.workflow`: it reads the arguments, reads and
writes the files, and turns every failure into one line on standard error.
Exit status: 0 success, 1 findings a CI should stop on, 2 usage errors (bad
arguments, missing or unreadable input, an output that would overwrite a file).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from sphinx_ext._files import write_atomically

__all__ = ["main"]

PROG = "sphinx-citations"
OK, FINDINGS, USAGE = 0, 1, 2


class CliError(Exception):
    """A failure that ends the command with one line and a status."""

    def __init__(self, message: str, status: int = USAGE) -> None:
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block.
        self.exit(USAGE, f"{self.prog}: error: {message} (see --help)\n")


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise CliError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CliError(f"{path}:{line}: not UTF-8 text") from None


def _write(path: Path, text: str) -> None:
    try:
        write_atomically(path, text)
    except OSError as error:
        raise CliError(f"{path}: cannot be written ({error.strerror})") from None


# -- import -------------------------------------------------------------------------------


def _import(args: argparse.Namespace) -> int:
    from sphinx_ext.workflow.importer import (
        bibtex,
        import_listing,
        relative_bib,
        report,
        skeleton,
    )
    from sphinx_ext.workflow.markdown import parse_listing

    source: Path = args.source
    listing = parse_listing(_read_text(source))
    imported = import_listing(listing)
    files: dict[Path, str] = {}
    if args.chapters is not None:
        book: Path = args.chapters
        if book.exists() and not book.is_dir():
            raise CliError(f"{book}: exists and is not a folder")
        bib = relative_bib(str(book.resolve()), str(args.output.resolve()))
        files = {book / name: text for name, text in skeleton(imported, bib).items()}
        existing = sorted(str(path) for path in files if path.exists())
        if existing:
            raise CliError(
                f"{existing[0]}: exists; not overwritten ({len(existing)} such files, "
                "choose an empty folder)"
            )
    for problem in sorted(imported.problems, key=lambda p: p.line):
        print(f"{source}:{problem.line}: {problem.message}", file=sys.stderr)
    _write(args.output, bibtex(imported, source.name))
    for path, text in files.items():
        _write(path, text)
    if args.report is not None:
        _write(args.report, report(imported, source.name))
    merged = sum(1 for work in imported.works if work.merged)
    entries = sum(len(chapter.entries) for chapter in listing.chapters)
    print(
        f"{args.output}: {len(imported.works)} works from {entries} entries "
        f"({merged} merged from variants); {len(imported.placeholders)} placeholder URLs, "
        f"{len(imported.table)} frequency-table findings, "
        f"{len(imported.problems)} lines not read"
        + (f"; skeleton in {args.chapters}" if args.chapters is not None else "")
    )
    return FINDINGS if imported.problems else OK


# -- export -------------------------------------------------------------------------------


def _export(args: argparse.Namespace) -> int:
    from sphinx_ext.collect import CollectError, collect
    from sphinx_ext.workflow.export import FORMATS

    if args.format == "ris":
        try:
            import rispy  # noqa: F401
        except ImportError:
            raise CliError(
                "--format ris needs rispy: pip install 'sphinx-source-citations[workflow]'"
            ) from None
    source: Path = args.source
    if not source.is_dir():
        raise CliError(f"{source}: no such folder")
    if not (source / "conf.py").is_file():
        raise CliError(f"{source}: no conf.py (not a Sphinx source folder)")
    try:
        cited, warnings = collect(source)
    except CollectError as error:
        raise CliError(str(error), FINDINGS) from None
    for line in warnings:
        print(line, file=sys.stderr)
    _write(args.output, FORMATS[args.format](cited))
    print(
        f"{args.output}: {len(cited.works)} cited works as {args.format}"
        + (f" ({len(warnings)} build warnings above)" if warnings else "")
    )
    return OK


# -- diff ---------------------------------------------------------------------------------


def _citations_json(path: Path) -> dict[str, Any]:
    """A ``citations.json``, given as the file or as a build's output folder."""
    if path.is_dir():
        found = [path / "citations.json"] if (path / "citations.json").is_file() else []
        found = found or sorted(path.glob("*/citations.json"))
        if len(found) != 1:
            what = "no citations.json" if not found else "several citations.json"
            raise CliError(f"{path}: {what} in this folder or the ones below it")
        path = found[0]
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CliError(f"{path}:{error.lineno}: not JSON ({error.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("citations"), list):
        raise CliError(f"{path}: not a citations.json (no 'citations' list)")
    return data


def _diff(args: argparse.Namespace) -> int:
    from sphinx_ext.workflow.diff import diff, markdown

    old, new = _citations_json(args.old), _citations_json(args.new)
    changes = diff(old, new, min_chapters=args.min_chapters)
    if args.format == "json":
        print(json.dumps(changes.to_json(), indent=2, ensure_ascii=False, sort_keys=True))
    else:
        sys.stdout.write(markdown(changes))
    return FINDINGS if changes.new_problems else OK


# -- the parser ---------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Import a hand-kept Works Cited, export a book's bibliography, "
        "diff two builds' citations.",
        epilog="Exit status: 0 success, 1 findings, 2 usage errors.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    importing = commands.add_parser(
        "import",
        help="a Markdown Works Cited to a .bib (and a skeleton book)",
        description="Read a works-cited file in the seed's Markdown convention and write one "
        "BibTeX entry per work; variants of one work are merged (README, 'Workflow'). "
        "Exit status 1 when some lines could not be read (they are listed on stderr).",
    )
    importing.add_argument("source", type=Path, metavar="WORKS_CITED.md")
    importing.add_argument("-o", "--output", type=Path, required=True, metavar="BIB")
    importing.add_argument(
        "--chapters",
        type=Path,
        metavar="DIR",
        help="also write a MyST book here (conf.py, index.md, one file per chapter) whose "
        "build lists each chapter's works in the file's order",
    )
    importing.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="write what was found (lines not read, merges, placeholder URLs, the "
        "frequency table against the lists) as Markdown",
    )
    importing.set_defaults(run=_import)

    exporting = commands.add_parser(
        "export",
        help="the works a book cites, for reference managers",
        description="Build the book quietly (in this process, with the dummy builder: no page "
        "is written) and write the works it cites: CSL-JSON (citeproc, Pandoc, Quarto, "
        "Zotero), BibTeX (the cited entries only), RIS (Zotero, EndNote, Mendeley; needs the "
        "'workflow' extra) or Markdown in the seed's convention (which import reads back). "
        "The build's warnings go to stderr.",
    )
    exporting.add_argument("source", type=Path, metavar="SOURCE_DIR")
    exporting.add_argument(
        "--format", required=True, choices=("csl-json", "bibtex", "ris", "markdown")
    )
    exporting.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    exporting.set_defaults(run=_export)

    diffing = commands.add_parser(
        "diff",
        help="what changed in the citations between two builds",
        description="Compare two builds' citations (citations.json files, or output folders "
        "holding one): per chapter the citations added and removed, works newly cited or no "
        "longer cited, citations that became unknown or ambiguous, and rows entering, leaving "
        "or changing in the frequency table. Markdown prints nothing when nothing changed. "
        "Exit status 1 when the new build has unknown or ambiguous citations the old one had not.",
    )
    diffing.add_argument("old", type=Path, metavar="OLD")
    diffing.add_argument("new", type=Path, metavar="NEW")
    diffing.add_argument("--format", choices=("markdown", "json"), default="markdown")
    diffing.add_argument(
        "--min-chapters",
        type=int,
        default=2,
        metavar="N",
        help="a work is in the frequency table when cited in N chapters or more (default 2)",
    )
    diffing.set_defaults(run=_diff)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except CliError as error:
        print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - a defect: one line still, never a traceback
        reason = " ".join(str(error).split())
        print(
            f"{PROG} {args.command}: internal error ({type(error).__name__}: {reason}); "
            "please report it with the input",
            file=sys.stderr,
        )
        return FINDINGS
    return status
