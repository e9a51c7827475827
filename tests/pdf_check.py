"""Check a book's PDF: every chapter followed by its own References.

Usage: ``python -m tests.pdf_check PATH [--references-title TITLE]`` where
PATH is the LaTeX output folder (one ``.pdf`` and the ``citations.json`` the
extension wrote there) or the ``.pdf`` itself, ``citations.json`` beside it.

The PDF's named destinations (``pdfinfo -dests``) place every anchor on its
page: hyperref's ``chapter.N`` for chapter N, and the extension's
``src:<doc>:src-N`` (citations) and ``src:<doc>:ref-…`` (entries). For each
chapter of ``citations.json`` the check requires

* that the PDF numbers it N, as the book does;
* as many entries between its start and the next chapter as it has
  References, none before its last citation's page;
* the References heading (pdftotext) on a page from its last citation's page
  to its first entry's page, unless the author placed the list in a
  sub-document, under a heading of their own;
* the title of each of its works in the text of its References' pages;

and of the whole PDF, that no link points at a missing anchor and no anchor
is defined twice (the LaTeX log next to it). Exit status 0 when all holds,
1 with the list of problems, 2 when poppler-utils is missing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["Anchor", "ChapterReport", "PopplerMissingError", "check_pdf", "destinations", "main"]

PACKAGES = "poppler-utils"
_DEST = re.compile(
    r"^\s*(\d+)\s+\[\s*XYZ\s+(-?[\d.]+|null)\s+(-?[\d.]+|null)[^\]]*\]\s+\"(.*)\"\s*$"
)
_LOG_PROBLEMS = (
    "has been referenced but does not exist",
    "destination with the same identifier",
)


class PopplerMissingError(RuntimeError):
    """pdfinfo / pdftotext are not installed."""


@dataclass(frozen=True, order=True)
class Anchor:
    """Where a named destination is: page, then top to bottom."""

    page: int
    depth: float  # minus the y coordinate: grows down the page


class ChapterReport(NamedTuple):
    number: int
    title: str
    first_page: int
    #: The page of the first entry of its References, if any.
    references_page: int | None
    entries: int


def _run(*command: str) -> str:
    if shutil.which(command[0]) is None:
        raise PopplerMissingError(
            f"{command[0]} is not installed. On Debian/Ubuntu: sudo apt-get install {PACKAGES}"
        )
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return result.stdout


def destinations(pdf: Path) -> dict[str, Anchor]:
    """Every named destination of *pdf* with its place."""
    found: dict[str, Anchor] = {}
    for line in _run("pdfinfo", "-dests", str(pdf)).splitlines():
        match = _DEST.match(line)
        if match:
            page, _, top, name = match.groups()
            found[name] = Anchor(int(page), -float(top) if top != "null" else 0.0)
    return found


def _pages(pdf: Path) -> list[str]:
    return _run("pdftotext", "-enc", "UTF-8", str(pdf), "-").split("\f")


def _locate(path: Path) -> tuple[Path, Path]:
    if path.is_file():
        return path, path.with_name("citations.json")
    found = sorted(path.glob("*.pdf"))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one .pdf in {path}, found {len(found)}")
    return found[0], path / "citations.json"


def _letters(text: str) -> str:
    """Only the letters and digits, lowercased: immune to line breaks and hyphenation."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def check_pdf(
    pdf: Path, data: dict[str, Any], references_title: str = "References"
) -> tuple[list[ChapterReport], list[str]]:
    """Reports per chapter, and the problems found (none when all is well)."""
    anchors = destinations(pdf)
    pages = _pages(pdf)
    titles = {work["key"]: work["title"] for work in data["works"]}
    problems: list[str] = []
    chapters = data["chapters"]
    starts: list[Anchor] = []
    for chapter in chapters:
        start = anchors.get(f"chapter.{chapter['number']}")
        if start is None:
            problems.append(
                f"chapter {chapter['number']} ({chapter['title']}) is not "
                f"chapter {chapter['number']} of the PDF"
            )
            return [], problems
        starts.append(start)
    # The last chapter ends where the first unnumbered chapter after it starts
    # (the back matter), or with the PDF.
    back_matter = [a for n, a in anchors.items() if n.startswith("chapter*.") and a > starts[-1]]
    ends = [*starts[1:], min(back_matter, default=Anchor(len(pages) + 1, 0.0))]

    reports: list[ChapterReport] = []
    for chapter, start, end in zip(chapters, starts, ends, strict=True):
        label = f"chapter {chapter['number']} ({chapter['title']})"
        found, report = _check_chapter(
            chapter, start, end, anchors, pages, titles, references_title
        )
        problems.extend(f"{label}: {problem}" for problem in found)
        reports.append(report)

    log = pdf.with_suffix(".log")
    if log.is_file():
        text = log.read_text(encoding="utf-8", errors="replace")
        problems.extend(
            f"{log.name}: {line.strip()}"
            for line in text.splitlines()
            if any(p in line for p in _LOG_PROBLEMS)
        )
    return reports, problems


def _check_chapter(
    chapter: dict[str, Any],
    start: Anchor,
    end: Anchor,
    anchors: dict[str, Anchor],
    pages: list[str],
    titles: dict[str, str],
    references_title: str,
) -> tuple[list[str], ChapterReport]:
    problems: list[str] = []
    inside = {n: a for n, a in anchors.items() if n.startswith("src:") and start <= a < end}
    items = [a for n, a in inside.items() if re.search(r":src-\d+$", n)]
    entries = {n: a for n, a in inside.items() if re.search(r":ref-[^:]*$", n)}
    expected = chapter["references"]
    report = ChapterReport(chapter["number"], chapter["title"], start.page, None, len(entries))
    if len(entries) != len(expected):
        problems.append(
            f"{len(entries)} reference entries before the next chapter, expected {len(expected)}"
        )
    if not entries:
        return problems, report
    last_item = max(items, default=start).page
    first_entry = min(entries.values()).page
    last_entry = max(entries.values()).page
    report = report._replace(references_page=first_entry)
    if first_entry < last_item:
        problems.append(
            f"References start on page {first_entry}, before the citation on page {last_item}"
        )
    # The automatic section has the References heading; a list the author
    # placed in a sub-document stands under the author's own heading.
    in_chapter = any(n.startswith(f"src:{chapter['docname']}:") for n in entries)
    heading = [
        p
        for p in range(last_item, first_entry + 1)
        if references_title in pages[p - 1].splitlines()
    ]
    if in_chapter and not heading:
        problems.append(f"no {references_title!r} heading on pages {last_item}-{first_entry}")
    # The text of those pages shows each of the chapter's works.
    text = _letters(" ".join(pages[first_entry - 1 : last_entry]))
    problems.extend(
        f"{entry['label']} is not in the References text"
        for entry in expected
        if _letters(titles.get(entry["key"], ""))[:40] not in text
    )
    return problems, report


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    title = "References"
    if len(args) == 3 and args[1] == "--references-title":
        title = args[2]
    elif len(args) != 1:
        print("usage: python -m tests.pdf_check PATH [--references-title TITLE]")
        return 2
    try:
        pdf, data_file = _locate(Path(args[0]))
        data = json.loads(data_file.read_text(encoding="utf-8"))
        reports, problems = check_pdf(pdf, data, title)
    except (PopplerMissingError, FileNotFoundError) as error:
        print(f"pdf_check: {error}", file=sys.stderr)
        return 2
    for report in reports:
        where = (
            f"References on page {report.references_page} ({report.entries} entries)"
            if report.references_page
            else "cites nothing, no References"
        )
        print(f"chapter {report.number:>2} on page {report.first_page:<3} {where}: {report.title}")
    pages = len(_pages(pdf)) - 1
    if problems:
        print(f"pdf_check: {pdf}: {len(problems)} problems", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(
        f"pdf_check: {pdf}: {pages} pages, {len(reports)} chapters; each that cites anything "
        "is followed by its own References (page numbers count the PDF's pages)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
