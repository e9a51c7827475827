"""The citation map: which chapters cite which works, as a picture. Pure.

A :class:`CitationMap` has one column per chapter and one row per work
(the frequency table's rows, in its order); a cell is filled where the
chapter cites the work. Every label and filled cell may carry a link. The
same map is drawn as SVG (:func:`map_svg`, inline in HTML and EPUB), as TikZ
(:func:`map_tikz`, for the PDF) and as text (:func:`map_text`). The output
depends on the map alone, so equal books give byte-identical pictures.

>>> chapters = (MapChapter("1", "Intro", "ch1.html"), MapChapter("2", "Next", "ch2.html"))
>>> rows = (MapWork("Org, 2020", "A Title", "works.html#ref-k", ("ch1.html#ref-k", None)),)
>>> print(map_text(CitationMap(chapters, rows)))
          1 2
Org, 2020 ■ ·
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "CitationMap",
    "MapChapter",
    "MapWork",
    "map_svg",
    "map_text",
    "map_tikz",
]

#: A cell that the chapter leaves empty.
EMPTY = None


class MapChapter(NamedTuple):
    """A column: the chapter's label (its number), heading, link and short name."""

    label: str
    #: Its heading, the column's tooltip (``Chapter 3: Title``).
    title: str
    href: str | None
    #: How a cell's tooltip names it (``Chapter 3``); the label when empty.
    name: str = ""


class MapWork(NamedTuple):
    """A row: the work's citation label, its title, link, and one cell per chapter.

    A cell is the link of the work's entry in that chapter's References (``""``
    when filled without a link), or ``None`` where the chapter does not cite it.
    """

    label: str
    title: str
    href: str | None
    cells: tuple[str | None, ...]


class CitationMap(NamedTuple):
    chapters: tuple[MapChapter, ...]
    works: tuple[MapWork, ...]


# -- SVG ---------------------------------------------------------------------

#: Distance between the centres of two cells, in SVG user units (px at 1:1).
_PITCH = 18
_MARK = 13
_FONT = 12
#: Average advance of a character, as a share of the font size (no metrics
#: are available here: an estimate, generous for digits and capitals).
_ADVANCE = 0.6
_MAX_LABEL = 40


def _shorten(label: str, limit: int = _MAX_LABEL) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _text_width(text: str) -> int:
    return round(len(text) * _FONT * _ADVANCE)


def _linked(href: str | None, inner: str) -> str:
    return inner if not href else f"<a href={quoteattr(href)}>{inner}</a>"


def map_svg(citation_map: CitationMap, title: str) -> str:
    """The map as one ``<svg>`` element, for inline use in HTML and XHTML.

    No script, no style sheet and no fixed colour: everything is drawn in
    ``currentColor``, so the map takes the text colour of the page (and of its
    links), light or dark; the ``viewBox`` lets it shrink to a narrow screen.
    """
    chapters, works = citation_map.chapters, citation_map.works
    labels = [_shorten(work.label) for work in works]
    label_width = max((_text_width(label) for label in labels), default=0) + 10
    upright = all(_text_width(chapter.label) <= _PITCH - 2 for chapter in chapters)
    head = _PITCH + 4 if upright else max(_text_width(c.label) for c in chapters) + 8
    width = label_width + _PITCH * len(chapters) + 2
    height = head + _PITCH * len(works) + 2
    start = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="citation-map" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'style="max-width:100%;height:auto" font-family="sans-serif" '
        f'font-size="{_FONT}" fill="currentColor">'
    )
    out = [start, f"<title>{escape(title)}</title>"]
    for column, chapter in enumerate(chapters):
        x = label_width + _PITCH * column + _PITCH // 2
        name = f"<title>{escape(chapter.title)}</title>{escape(chapter.label)}"
        if upright:
            text = f'<text x="{x}" y="{head - 6}" text-anchor="middle">{name}</text>'
        else:
            text = f'<text transform="translate({x + 4} {head - 4}) rotate(-90)">{name}</text>'
        out.append(_linked(chapter.href, text))
    left, right = label_width, label_width + _PITCH * len(chapters)
    bottom = head + _PITCH * len(works)
    for row, (work, label) in enumerate(zip(works, labels, strict=True)):
        top = head + _PITCH * row
        out.append('<g class="citation-map-row">')
        if row % 2 == 0:
            out.append(
                f'<rect x="0" y="{top}" width="{width}" height="{_PITCH}" fill-opacity="0.06"/>'
            )
        text = (
            f'<text x="{label_width - 6}" y="{top + _PITCH - 4}" text-anchor="end">'
            f"<title>{escape(work.title)}</title>{escape(label)}</text>"
        )
        out.append(_linked(work.href, text))
        inset = (_PITCH - _MARK) // 2
        out.append('<g class="citation-map-cells">')
        for column, cell in enumerate(work.cells):
            if cell is EMPTY:
                continue
            x = label_width + _PITCH * column + inset
            chapter = chapters[column]
            mark = (
                f'<rect x="{x}" y="{top + inset}" width="{_MARK}" height="{_MARK}" rx="2">'
                f"<title>{escape(chapter.name or chapter.label)}: {escape(work.label)}</title>"
                "</rect>"
            )
            out.append(_linked(cell, mark))
        out.append("</g></g>")
    # One path for the grid: its size grows with rows plus columns, not with cells.
    lines = [f"M{left} {head + _PITCH * r}H{right}" for r in range(len(works) + 1)]
    lines += [f"M{left + _PITCH * c} {head}V{bottom}" for c in range(len(chapters) + 1)]
    out.append(
        f'<path class="citation-map-grid" d="{"".join(lines)}" fill="none" '
        f'stroke="currentColor" stroke-opacity="0.25"/>'
    )
    out.append("</svg>")
    return "\n".join(out)


# -- TikZ --------------------------------------------------------------------

#: Rows per picture: a long map continues on the next page, headed again.
ROWS_PER_PICTURE = 40

#: A LaTeX link: (href, LaTeX text) → markup.
LatexLink = Callable[[str | None, str], str]


def map_tikz(
    citation_map: CitationMap,
    escape_latex: Callable[[str], str],
    link: LatexLink,
    rows_per_picture: int = ROWS_PER_PICTURE,
) -> str:
    """The map as TikZ pictures, for the extension's ``sphinxsrcmap`` environment.

    The environment (the LaTeX package's) sets the width of a column, so that
    every chapter fits the line, and draws with the ``sphinxsrcmap*`` styles.
    Column *c* is at x = *c*, row *r* at y = *r* (downwards), labels end at
    x = 0.4.
    """
    chapters, works = citation_map.chapters, citation_map.works
    if not chapters or not works:
        return ""
    out = [rf"\begin{{sphinxsrcmap}}{{{len(chapters)}}}"]
    for start in range(0, len(works), rows_per_picture):
        chunk = works[start : start + rows_per_picture]
        out.append(r"\begin{tikzpicture}[sphinxsrcmap]")
        last = len(chapters)
        rows = len(chunk)
        lines = [f"(0.5,{r}.5) -- ({last}.5,{r}.5)" for r in range(rows + 1)]
        lines += [f"({c}.5,0.5) -- ({c}.5,{rows}.5)" for c in range(last + 1)]
        out.append(rf"\draw[sphinxsrcmapgrid] {' '.join(lines)};")
        for column, chapter in enumerate(chapters, start=1):
            label = link(chapter.href, escape_latex(chapter.label))
            out.append(rf"\node[sphinxsrcmaphead] at ({column},0.5) {{{label}}};")
        for row, work in enumerate(chunk, start=1):
            label = link(work.href, escape_latex(_shorten(work.label)))
            out.append(rf"\node[sphinxsrcmaplabel] at (0.4,{row}) {{{label}}};")
            for column, cell in enumerate(work.cells, start=1):
                if cell is not EMPTY:
                    mark = link(cell or None, r"\sphinxsrcmapmark")
                    out.append(rf"\node[sphinxsrcmapcell] at ({column},{row}) {{{mark}}};")
        out.append(r"\end{tikzpicture}")
    out.append(r"\end{sphinxsrcmap}")
    return "\n".join(out) + "\n"


# -- text --------------------------------------------------------------------


def map_text(citation_map: CitationMap) -> str:
    """The map in characters: ``■`` where a chapter cites a work, ``·`` elsewhere."""
    chapters, works = citation_map.chapters, citation_map.works
    labels = [_shorten(work.label) for work in works]
    width = max((len(label) for label in labels), default=0)
    column = max((len(chapter.label) for chapter in chapters), default=1)
    lines = [" " * width + " " + " ".join(c.label.rjust(column) for c in chapters)]
    for work, label in zip(works, labels, strict=True):
        marks = " ".join(("·" if cell is EMPTY else "■").rjust(column) for cell in work.cells)
        lines.append(f"{label.ljust(width)} {marks}")
    return "\n".join(line.rstrip() for line in lines)
