"""Read a PDF as a reader meets it: its pages' lines, word boxes and bookmarks.

Helpers of the print tests (poppler's ``pdftotext`` and ``pdfinfo`` for text and
destinations; the bookmarks are read from the PDF's own objects, inflated
with :mod:`zlib`, since poppler-utils has no outline printer).
"""

from __future__ import annotations

import re
import subprocess
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["Word", "layout_pages", "outline_titles", "page_sizes", "raw_pages", "words"]


def _pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *options, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def layout_pages(pdf: Path) -> list[str]:
    """Each page's text, laid out as on the page (running heads included)."""
    return _pdftotext(pdf, "-layout").split("\f")[:-1]


def raw_pages(pdf: Path) -> list[str]:
    """Each page's text in the order it was set, one printed line per line."""
    return _pdftotext(pdf, "-raw").split("\f")[:-1]


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    #: From the top of the page, in PDF points.
    top: float
    bottom: float


class _BoxParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = 0
        self.found: list[Word] = []
        self.sizes: list[float] = []
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "page":
            self.page += 1
            self.sizes.append(float(values["height"]))
        elif tag == "word":
            self._open = values

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            box = self._open
            self.found.append(Word(self.page, data, float(box["ymin"]), float(box["ymax"])))
            self._open = None


def _boxes(pdf: Path) -> _BoxParser:
    parser = _BoxParser()
    parser.feed(_pdftotext(pdf, "-bbox"))
    return parser


def words(pdf: Path) -> list[Word]:
    """Every word with its page and vertical extent."""
    return _boxes(pdf).found


def page_sizes(pdf: Path) -> list[float]:
    """The height of each page, in points."""
    return _boxes(pdf).sizes


_OBJECT = re.compile(rb"(\d+)\s+0\s+obj\b(.*?)endobj", re.DOTALL)
_STREAM = re.compile(rb"<<(.*?)>>\s*stream\r?\n", re.DOTALL)
_TITLE = re.compile(rb"/Title\s*(\d+)\s+0\s+R")
_STRING = re.compile(rb"^\s*(?:\(((?:\\.|[^\\)])*)\)|<([0-9A-Fa-f\s]*)>)", re.DOTALL)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.DOTALL)
_SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _text_string(data: bytes) -> str:
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be")
    return data.decode("latin-1")


def _string(body: bytes) -> str | None:
    match = _STRING.match(body)
    if match is None:
        return None
    if match[1] is not None:

        def unescape(escape: re.Match[bytes]) -> bytes:
            code = escape[1]
            if code[:1].isdigit():
                return bytes([int(code, 8) & 0xFF])
            return _SIMPLE.get(code, code)

        return _text_string(_ESCAPE.sub(unescape, match[1]))
    return _text_string(bytes.fromhex(match[2].decode("ascii")))


def _objects(pdf: Path) -> dict[int, bytes]:
    """Every object of *pdf* by number, those in object streams included."""
    data = pdf.read_bytes()
    found = {int(m[1]): m[2] for m in _OBJECT.finditer(data)}
    for match in _STREAM.finditer(data):
        head = match[1]
        if b"/ObjStm" not in head:
            continue
        length = re.search(rb"/Length\s+(\d+)", head)
        first = re.search(rb"/First\s+(\d+)", head)
        count = re.search(rb"/N\s+(\d+)", head)
        if not (length and first and count):
            continue
        raw = data[match.end() : match.end() + int(length[1])]
        try:
            stream = zlib.decompress(raw)
        except zlib.error:
            continue
        numbers = [int(n) for n in stream[: int(first[1])].split()]
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))[: int(count[1])]
        for position, (number, offset) in enumerate(pairs):
            end = pairs[position + 1][1] if position + 1 < len(pairs) else None
            start = int(first[1]) + offset
            found[number] = stream[start : int(first[1]) + end if end is not None else None]
    return found


def outline_titles(pdf: Path) -> list[str]:
    """The titles of the PDF's bookmarks (its outline items), in object order."""
    objects = _objects(pdf)
    titles: list[str] = []
    for _, body in sorted(objects.items()):
        if b"/Parent" not in body:
            continue
        for reference in _TITLE.finditer(body):
            title = _string(objects.get(int(reference[1]), b""))
            if title is not None:
                titles.append(title)
    return titles
