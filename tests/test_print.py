"""The book in print: how the PDF reads, on a book shaped like someone else's.

The ``print`` root is a short manual with a preface, four chapters citing
long URLs of dashed words with query strings, and a back-matter Works Cited
page titled "Sources". The tests read its ``.tex``, then compile it and read
the PDF's text, word boxes, destinations and bookmarks (``latex`` marker).
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_ext.rendering.latex import target_name
from tests import pdf_text
from tests.conftest import BuildRoot
from tests.pdf_check import destinations
from tests.test_formats_latex import MISSING_POPPLER, MISSING_TEX, compile_pdf

URL_BREAKS = "/.-?&="


@pytest.fixture(scope="module")
def built(build_root: BuildRoot) -> SphinxTestApp:
    return build_root("print", "latex")


@pytest.fixture(scope="module")
def tex(built: SphinxTestApp) -> str:
    return (built.outdir / "fieldnotes.tex").read_text(encoding="utf-8")


def test_no_warnings(built: SphinxTestApp) -> None:
    assert built.warning.getvalue() == ""


def test_chapters_open_on_any_page_by_default(tex: str) -> None:
    assert re.search(r"\\documentclass\[[^\]]*\bopenany\b[^\]]*\]\{sphinxmanual\}", tex)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("openright", "openright"),
        ("oneside,openright", "oneside,openright"),
        ("oneside", "oneside,openany"),
    ],
)
def test_an_authors_choice_of_chapter_openings_stands(
    build_root: BuildRoot, options: str, expected: str
) -> None:
    app = build_root(
        "print", "latex", confoverrides={"latex_elements": {"extraclassoptions": options}}
    )
    tex = (app.outdir / "fieldnotes.tex").read_text(encoding="utf-8")
    assert rf"english,{expected}]{{sphinxmanual}}" in tex


def test_contents_keep_the_languages_name(tex: str) -> None:
    # Sphinx would rename them after the first toctree's caption.
    assert r"\contentsname" not in tex
    assert "Front matter" not in tex


def test_inline_citations_are_not_emphasised(tex: str) -> None:
    first = target_name("intake", "ref-w00")
    assert rf"\sphinxsrcitem{{\hyperlink{{{first}}}{{Northwind Audio, 2020c}}}}" in tex
    # Sphinx's \sphinxcrossref is \emph.
    assert not re.search(r"\\(?:sphinxcrossref|emph)\{\\hyperlink\{src:", tex)


def test_reference_lists_are_ragged_right(tex: str) -> None:
    lists = tex.count(r"\begin{enumerate}")
    assert lists == 8  # four chapters' References, and again in the Works Cited
    assert tex.count(r"\begin{sphinxsrcreferences}") == lists + 1  # and the category list
    for block in tex.split(r"\begin{sphinxsrcreferences}")[1:]:
        inner = block.split(r"\end{sphinxsrcreferences}")[0]
        assert inner.strip().startswith((r"\begin{enumerate}", r"\begin{itemize}"))


def test_targets_are_raised_anchors(tex: str) -> None:
    assert rf"\sphinxsrcanchor{{{target_name('intake', 'src-1')}}}" in tex
    assert r"\hypertarget{src:" not in tex


def test_the_works_cited_names_its_running_heads(tex: str) -> None:
    listing = tex.split(r"\sphinxsrcfixmarks{Sources}")
    assert len(listing) == 2
    assert listing[1].index(r"\section{Chapter 1: Intake and Buffering}") < listing[1].index(
        r"\sphinxsrcfreemarks"
    )


# -- the PDF -----------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(built: SphinxTestApp) -> Path:
    if MISSING_TEX or MISSING_POPPLER:
        pytest.skip(
            f"TeX Live or poppler-utils is missing ({', '.join(MISSING_TEX + MISSING_POPPLER)})"
        )
    return compile_pdf(built.outdir, "fieldnotes")


def _lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


HEAD = "Field Notes"


@pytest.mark.latex
def test_no_page_is_left_blank(pdf: Path) -> None:
    pages = pdf_text.layout_pages(pdf)
    assert len(pages) > 10
    for number, page in enumerate(pages, start=1):
        body = [line for line in _lines(page) if line != HEAD and not line.isdigit()]
        assert body, f"page {number} holds only its running head and number"


@pytest.mark.latex
def test_the_contents_page_is_titled_contents(pdf: Path) -> None:
    after_the_title = [_lines(page) for page in pdf_text.layout_pages(pdf)[1:]]
    assert next(lines for lines in after_the_title if lines)[0].casefold() == "contents"


@pytest.mark.latex
def test_urls_break_only_after_separators(built: SphinxTestApp, pdf: Path) -> None:
    text = "\n".join(pdf_text.raw_pages(pdf))
    works = json.loads((built.outdir / "citations.json").read_text(encoding="utf-8"))["works"]
    urls = {work["url"] for work in works if work["url"]}
    assert len(urls) == 36
    broken = 0
    for url in urls:
        # The URL as printed, a line break (and a running head) allowed anywhere.
        pattern = r"(?:\n(?:[^\n]*\n)?)?".join(re.escape(c) for c in url)
        found = list(re.finditer(pattern, text))
        assert found, url
        for match in found:
            printed = match[0]
            for position, char in enumerate(printed):
                if char == "\n" and printed[position - 1] != "\n":
                    broken += 1
                    assert printed[position - 1] in URL_BREAKS, f"{url} broken as {printed!r}"
    assert broken > 20  # long URLs: most break somewhere


@pytest.mark.latex
def test_works_cited_running_heads_name_the_page(pdf: Path) -> None:
    pages = pdf_text.layout_pages(pdf)
    start = next(n for n, page in enumerate(pages) if _lines(page)[:1] == ["SOURCES"])
    feet = [_lines(page)[-1] for page in pages[start + 1 :] if _lines(page)]
    assert len(feet) >= 3
    for foot in feet:
        assert "Chapter" not in foot
        words = [word for word in foot.split() if not word.isdigit()]
        assert words == ["Sources"], foot


@pytest.mark.latex
def test_bookmarks_carry_chapter_numbers(pdf: Path) -> None:
    titles = pdf_text.outline_titles(pdf)
    chapters = [t for t in titles if re.match(r"\d+ ", t)]
    assert chapters == [
        "1 Intake and Buffering",
        "2 Serving the Models",
        "3 At the Edges",
        "4 Paying for It",
    ]
    assert "Preface" in titles and "Sources" in titles


@pytest.mark.latex
def test_link_targets_land_with_their_line_in_view(pdf: Path) -> None:
    anchors = destinations(pdf)
    heights = pdf_text.page_sizes(pdf)
    words = pdf_text.words(pdf)
    # The first citation stands in "Paragraph 0 of intake", the first entry
    # of the References reads "1. Northwind Audio (2020c)".
    checked = 0
    for name, first_word, second_word in (
        (target_name("intake", "src-1"), "Paragraph", "0"),
        (target_name("intake", "ref-w00"), "Northwind", "Audio"),
    ):
        anchor = anchors[name]
        on_page = [w for w in words if w.page == anchor.page]
        line = next(
            a
            for a, b in itertools.pairwise(on_page)
            if a.text == first_word and b.text == second_word
        )
        # A viewer puts the destination at the top of the window: the line
        # must lie below it, not above.
        destination_y = -anchor.depth
        line_top_y = heights[anchor.page - 1] - line.top
        assert destination_y >= line_top_y, name
        checked += 1
    assert checked == 2
