"""The citation map: the pure drawing, then real builds in HTML, LaTeX/PDF, EPUB and text.

The ``print`` root shows the map twice: ``{citation-map}`` with
``:min-chapters: 3`` in its third chapter, and by default in its Works Cited
("Sources"), under the frequency table.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from sphinx_ext._citation_map import CitationMap, MapChapter, MapWork, map_svg, map_text, map_tikz
from sphinx_ext.rendering.latex import target_name
from tests import epub_check
from tests.conftest import BuildRoot, build_app, copy_root
from tests.test_formats_latex import MISSING_TEX, compile_pdf
from tests.test_incremental_parallel import touch_later

SVG = "{http://www.w3.org/2000/svg}"


def sample(chapters: int = 3) -> CitationMap:
    columns = tuple(
        MapChapter(str(n), f"Chapter {n}: T<{n}>", f"ch{n}.html") for n in range(1, 1 + chapters)
    )
    works = (
        MapWork(
            "A & B, 2020",
            "Title \u201cone\u201d",
            "works.html#ref-a",
            ("ch1.html#ref-a", None, "") + (None,) * (chapters - 3),
        ),
        MapWork("C, 2021", "Two", None, (None, "ch2.html#ref-c", None) + (None,) * (chapters - 3)),
    )
    return CitationMap(columns, works)


# -- the drawing, alone ------------------------------------------------------


def test_svg_is_well_formed_and_draws_every_cell() -> None:
    svg = map_svg(sample(), "Which <chapters> & works")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Which <chapters> & works"
    rows = root.findall(f"{SVG}g")
    assert len(rows) == 2
    first = rows[0]
    [cells] = [g for g in first.iter(f"{SVG}g") if g.get("class") == "citation-map-cells"]
    filled = list(cells.iter(f"{SVG}rect"))
    assert len(filled) == 2
    assert [t.text for t in cells.iter(f"{SVG}title")] == ["1: A & B, 2020", "3: A & B, 2020"]
    links = [a.get("href") for a in first.iter(f"{SVG}a")]
    # The label, then the one filled cell with a link ("" is filled, unlinked).
    assert links == ["works.html#ref-a", "ch1.html#ref-a"]
    assert [t.text for t in root.iter(f"{SVG}title")][1:4] == [
        "Chapter 1: T<1>",
        "Chapter 2: T<2>",
        "Chapter 3: T<3>",
    ]
    # The grid: one path, a line around every row and every column.
    [grid] = root.findall(f"{SVG}path")
    assert grid.get("d").count("H") == 3 and grid.get("d").count("V") == 4


def test_svg_grows_with_filled_cells_not_with_empty_ones() -> None:
    columns = tuple(MapChapter(str(n), "t", None) for n in range(1, 201))
    works = tuple(MapWork(f"W{n}", "t", None, ("",) + (None,) * 199) for n in range(300))
    svg = map_svg(CitationMap(columns, works), "t")
    assert svg.count("<rect") == 300 + 150  # one mark a row, and every other row's band
    assert len(svg) < 150_000


def test_svg_takes_the_pages_colours_and_scales() -> None:
    svg = map_svg(sample(), "t")
    assert "<script" not in svg and "<style" not in svg
    assert not re.search(r'(?:fill|stroke|color)="(?!currentColor|none)[^"]*"', svg)
    root = ET.fromstring(svg)
    assert root.get("fill") == "currentColor"
    _, _, width, height = (int(v) for v in root.get("viewBox").split())
    assert (root.get("width"), root.get("height")) == (str(width), str(height))
    assert "max-width:100%" in root.get("style")


def test_svg_is_the_same_for_the_same_map() -> None:
    assert map_svg(sample(), "t") == map_svg(sample(), "t")


def test_many_chapters_turn_their_labels() -> None:
    assert "rotate(-90)" not in map_svg(sample(9), "t")
    assert "rotate(-90)" in map_svg(sample(120), "t")


def test_text_and_tikz_draw_the_same_cells() -> None:
    assert map_text(sample()).splitlines()[1:] == ["A & B, 2020 ■ · ■", "C, 2021     · ■ ·"]
    tikz = map_tikz(
        sample(), lambda s: s.replace("&", r"\&"), lambda href, text: f"<{href}|{text}>"
    )
    assert tikz.count(r"\node[sphinxsrcmapcell]") == 3
    assert r"<works.html#ref-a|A \& B, 2020>" in tikz
    assert r"\node[sphinxsrcmapcell] at (3,1) {<None|\sphinxsrcmapmark>};" in tikz


def test_long_maps_continue_in_several_pictures() -> None:
    columns = (MapChapter("1", "One", None),)
    works = tuple(MapWork(f"W{n}", "t", None, ("",)) for n in range(85))
    tikz = map_tikz(CitationMap(columns, works), str, lambda href, text: text, rows_per_picture=40)
    assert tikz.count(r"\begin{tikzpicture}") == 3
    assert tikz.count(r"\node[sphinxsrcmaplabel]") == 85


# -- HTML --------------------------------------------------------------------


@pytest.fixture(scope="module")
def html(build_root: BuildRoot) -> SphinxTestApp:
    return build_root("print", "html")


def page(app: SphinxTestApp, name: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / name).read_text(encoding="utf-8"), "html.parser")


def ids_of(app: SphinxTestApp, name: str) -> set[str]:
    return {tag["id"] for tag in page(app, name).find_all(id=True)}


def map_rows(soup: BeautifulSoup) -> list[tuple[str, list[int]]]:
    """Each row's label and the (1-based) columns of its filled cells."""
    svg = soup.find("svg", class_="citation-map")
    # The column headers' centres, left to right.
    centres = [
        float(t["x"])
        for t in svg.find_all("text", recursive=True)
        if t.get("text-anchor") == "middle"
    ]
    rows = []
    for row in svg.find_all("g", class_="citation-map-row"):
        text = row.find("text")
        label = "".join(text.find_all(string=True, recursive=False)).strip()
        columns = []
        for cell in row.find("g", class_="citation-map-cells").find_all("rect"):
            middle = float(cell["x"]) + float(cell["width"]) / 2
            columns.append(min(range(len(centres)), key=lambda n: abs(centres[n] - middle)) + 1)
        rows.append((label, columns))
    return rows


def test_no_warnings(html: SphinxTestApp) -> None:
    assert html.warning.getvalue() == ""


def test_the_works_cited_shows_the_frequency_tables_rows(html: SphinxTestApp) -> None:
    soup = page(html, "sources.html")
    table = soup.find("table", class_="citation-frequency")
    table_rows = []
    for row in table.find("tbody").find_all("tr"):
        work, chapters = row.find_all("td")
        label = work.find("strong").get_text()
        year = re.search(r"\((\d{4}[a-z]?)\)", work.get_text())[1]
        table_rows.append(
            (f"{label}, {year}", [int(n) for n in re.findall(r"\d+", chapters.get_text())])
        )
    assert len(table_rows) > 10
    assert map_rows(soup) == table_rows


def test_the_directive_takes_min_chapters(html: SphinxTestApp) -> None:
    data = json.loads((html.outdir / "citations.json").read_text(encoding="utf-8"))
    label = {w["key"]: w["label"] for w in data["works"]}
    column = {c["docname"]: n for n, c in enumerate(data["chapters"], start=1)}
    frequent = [
        (label[w["key"]], [column[c] for c in w["chapters"]])
        for w in data["works"]
        if len(w["chapters"]) >= 3
    ]
    assert frequent
    assert sorted(map_rows(page(html, "edges.html"))) == sorted(frequent)


def test_every_link_of_the_map_lands(html: SphinxTestApp) -> None:
    checked = {"cell": 0, "chapter": 0, "work": 0}
    for name in ("sources.html", "edges.html"):
        svg = page(html, name).find("svg", class_="citation-map")
        for link in svg.find_all("a"):
            target, fragment = urldefrag(link["href"])
            target = target or name
            assert (html.outdir / target).is_file(), link["href"]
            if not fragment:
                checked["chapter"] += 1
                continue
            assert fragment in ids_of(html, target), link["href"]
            kind = "cell" if link.find("rect") else "work"
            if kind == "cell":
                # A cell goes to the work's entry in that chapter's References.
                assert target != "sources.html"
            else:
                assert target == "sources.html"
            checked[kind] += 1
    assert all(count > 3 for count in checked.values()), checked


def test_the_works_cited_map_can_be_left_out(build_root: BuildRoot) -> None:
    app = build_root("print", "html", confoverrides={"citations_works_cited_map": False})
    assert page(app, "sources.html").find("svg") is None
    assert page(app, "edges.html").find("svg") is not None


def test_parallel_and_incremental_builds_draw_the_same_map(tmp_path: Path) -> None:
    srcdir = copy_root("print", tmp_path)
    serial = build_app(srcdir, freshenv=True, builddir=tmp_path / "serial")
    parallel = build_app(srcdir, freshenv=True, parallel=2, builddir=tmp_path / "parallel")
    for name in ("sources.html", "edges.html"):
        assert (serial.outdir / name).read_bytes() == (parallel.outdir / name).read_bytes()
    before = dict(map_rows(page(serial, "edges.html")))
    # A citation added to the last chapter shows in the map of the third.
    data = json.loads((serial.outdir / "citations.json").read_text(encoding="utf-8"))
    work = next(w for w in data["works"] if w["chapters"] == ["intake", "models"])
    money = srcdir / "money.md"
    money.write_text(money.read_text() + f"\nA new claim [Source: {work['key']}].\n")
    touch_later(money)
    again = build_app(srcdir, builddir=tmp_path / "serial")
    assert again.warning.getvalue() == ""
    after = dict(map_rows(page(again, "edges.html")))
    assert work["label"] not in before
    assert after[work["label"]] == [1, 2, 4]
    clean = build_app(srcdir, freshenv=True, builddir=tmp_path / "clean")
    for name in ("sources.html", "edges.html"):
        assert (again.outdir / name).read_bytes() == (clean.outdir / name).read_bytes()


def test_text_builders_get_the_map_in_characters(build_root: BuildRoot) -> None:
    app = build_root("print", "text")
    text = (app.outdir / "edges.txt").read_text(encoding="utf-8")
    assert "■" in text and "Each column is a chapter" in text


# -- LaTeX and the PDF -------------------------------------------------------


@pytest.fixture(scope="module")
def latex(build_root: BuildRoot) -> SphinxTestApp:
    return build_root("print", "latex")


def test_the_pdf_map_is_a_tikz_picture_with_working_links(latex: SphinxTestApp) -> None:
    tex = (latex.outdir / "fieldnotes.tex").read_text(encoding="utf-8")
    pictures = re.findall(r"\\begin\{sphinxsrcmap\}\{4\}(.*?)\\end\{sphinxsrcmap\}", tex, re.DOTALL)
    assert len(pictures) == 2
    targets = set(re.findall(r"\\sphinxsrcanchor\{([^}]*)\}", tex))
    for picture in pictures:
        links = re.findall(r"\\hyperlink\{([^}]*)\}", picture)
        assert links and set(links) <= targets
        assert r"\hyperref[\detokenize{intake::doc}]{1}" in picture
    # The Works Cited's map sends a work's label to its entry there.
    assert rf"\hyperlink{{{target_name('sources', 'ref-w00')}}}" in pictures[1]


@pytest.mark.latex
def test_the_pdf_with_maps_compiles_and_every_link_lands(latex: SphinxTestApp) -> None:
    if MISSING_TEX:
        pytest.skip(f"TeX Live is missing ({', '.join(MISSING_TEX)})")
    pdf = compile_pdf(latex.outdir, "fieldnotes")
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert "has been referenced but does not exist" not in log
    assert "Overfull \\hbox" not in log


# -- EPUB --------------------------------------------------------------------


@pytest.fixture(scope="module")
def epub(build_root: BuildRoot) -> SphinxTestApp:
    return build_root("print", "epub")


def test_the_epub_carries_the_same_svg_declared_in_its_manifest(
    epub: SphinxTestApp, html: SphinxTestApp
) -> None:
    for name in ("sources", "edges"):
        root = ET.parse(epub.outdir / f"{name}.xhtml").getroot()
        svg = root.find(f".//{SVG}svg")
        assert svg is not None
        html_svg = page(html, f"{name}.html").find("svg")
        assert len(list(svg.iter(f"{SVG}rect"))) == len(html_svg.find_all("rect"))
        for link in svg.iter(f"{SVG}a"):
            assert link.get("href").partition("#")[0].endswith((".xhtml", ""))
    opf = (epub.outdir / "content.opf").read_text(encoding="utf-8")
    declared = re.findall(r'href="([^"]*)" media-type="[^"]*" properties="svg"', opf)
    assert sorted(declared) == ["edges.xhtml", "sources.xhtml"]


def test_the_epub_with_maps_passes_epubcheck(epub: SphinxTestApp) -> None:
    try:
        epub_check.epubcheck_command()
    except epub_check.EpubCheckMissingError as missing:
        pytest.skip(str(missing))
    report = epub_check.run_epubcheck(epub_check.find_epub(epub.outdir))
    assert (report.fatals, report.errors, report.warnings) == (0, 0, 0), report.output
