"""The book through LaTeX: per-chapter References, matching links, safe captions.

The ``formats`` root cites in running text, a section title, a figure
caption, a table caption and cell, a footnote and an admonition, and has a
chapter with a sub-document. Most tests read the ``.tex``; the ``latex``
ones compile it (skipped where TeX Live is missing) and read the PDF.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_ext.rendering.latex import LATEX_PACKAGE, target_name
from tests import pdf_check
from tests.conftest import BuildRoot

LINK = re.compile(r"\\(?:hyperlink|sphinxsrclink)\{([^}]*)\}")
TARGET = re.compile(r"\\(?:hypertarget|sphinxsrctarget|sphinxsrcanchor)\{([^}]*)\}")


@pytest.fixture(scope="module")
def built(build_root: BuildRoot) -> SphinxTestApp:
    return build_root("formats", "latex")


@pytest.fixture(scope="module")
def tex(built: SphinxTestApp) -> str:
    return (built.outdir / "formats.tex").read_text(encoding="utf-8")


def chapters(tex: str) -> dict[str, str]:
    """Title → the text of the chapter, up to the next chapter."""
    parts = re.split(r"\\chapter\{([^}]*)\}", tex)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_no_warnings(built: SphinxTestApp) -> None:
    assert built.warning.getvalue() == ""


def test_every_chapter_ends_with_its_own_references(tex: str) -> None:
    by_title = chapters(tex)
    for title in ("First Chapter", "Second Chapter"):
        text = by_title[title]
        assert text.count(r"\section*{References}") == 1
        # Nothing of the chapter after its References but the list itself.
        assert r"\section{" not in text.split(r"\section*{References}")[1]
    # The sub-document's section, and the text after its toctree, come first.
    second = by_title["Second Chapter"]
    assert second.index(r"\section{A Part of the Second Chapter}") < second.index("References")
    assert second.index("END") < second.index(r"\section*{References}")
    # Not merged into one bibliography at the end of the book.
    assert "sphinxthebibliography" not in tex


def test_references_are_unnumbered_but_in_the_contents(tex: str) -> None:
    assert (
        tex.count(r"\section*{References}\phantomsection\addcontentsline{toc}{section}{References}")
        == 2
    )


def test_chapters_are_numbered_as_in_html_and_back_matter_is_not(tex: str) -> None:
    unnumbered = tex.index(r"\sphinxsrcunnumbered")
    assert tex.index(r"\chapter{Second Chapter}") < unnumbered < tex.index(r"\chapter{Works Cited}")
    assert r"\sphinxsrcnumbered" not in tex  # the chapters come first: nothing to switch back


def test_links_and_targets_pair_up(tex: str) -> None:
    targets = Counter(TARGET.findall(tex))
    assert targets and max(targets.values()) == 1
    links = set(LINK.findall(tex))
    assert links <= set(targets)


def test_items_link_to_their_chapters_list_and_back(tex: str) -> None:
    by_title = chapters(tex)
    first = by_title["First Chapter"]
    acme = target_name("ch1", "ref-acme2024specials")
    assert rf"\sphinxsrcanchor{{{target_name('ch1', 'src-1')}}}" in first
    assert rf"\hyperlink{{{acme}}}{{Acme \& Sons, 2024}}" in first
    # The entry links back to every place citing it: text, caption, table cell.
    entry = first.split(rf"\sphinxsrcanchor{{{acme}}}")[1].split(r"\item")[0]
    assert LINK.findall(entry) == [target_name("ch1", f"src-{n}") for n in (1, 4, 6)]
    # A sub-document's citation links to its chapter's list.
    part = by_title["Second Chapter"].split(r"\section{A Part")[1].split("END")[0]
    assert LINK.findall(part) == [target_name("ch2", "ref-acme2024specials")]


def test_moving_arguments_hold_only_robust_commands(tex: str) -> None:
    heading = re.search(r"\\section\{Results of Zeta.*\n", tex)
    assert heading is not None
    assert r"\sphinxsrclink{" in heading[0]
    assert r"\hyperlink" not in heading[0] and "target" not in heading[0]
    assert "anchor" not in heading[0]
    # The title's item anchor follows the heading instead.
    after = tex[heading.end() :].split("\n", 1)[0]
    assert rf"\sphinxsrcanchor{{{target_name('ch1', 'src-3')}}}" in after
    for caption in re.findall(r"\\(?:sphinx)?caption\{.*", tex):
        assert r"\hyperlink" not in caption and r"\hypertarget" not in caption
        assert r"\sphinxsrclink" in caption and r"\sphinxsrctarget" in caption


def test_footnote_and_admonition_citations_link(tex: str) -> None:
    footnote = tex.split(r"\begin{footnote}")[1].split(r"\end{footnote}")[0]
    assert rf"\hyperlink{{{target_name('ch1', 'ref-beyer2016sre')}}}" in footnote
    note = tex.split(r"\begin{sphinxadmonition}")[1].split(r"\end{sphinxadmonition}")[0]
    assert rf"\hyperlink{{{target_name('ch1', 'ref-kwon2023paged')}}}" in note


def test_bib_special_characters_are_escaped(tex: str) -> None:
    assert (
        r"Specials \& 100\% \$5 \#1 under\_score \{braces\} tilde\textasciitilde{} "
        r"caret\textasciicircum{} back\textbackslash{}slash"
    ) in tex
    assert r"Note with \& and \% and \_" in tex
    # In a URL, Sphinx keeps ~ as it is (\sphinxurl reads it verbatim).
    assert r"\sphinxurl{https://example.com/a\_b/c\%20d?x=1\&y=2\#frag~tilde}" in tex


def test_frequency_table_is_a_longtable_that_wraps(tex: str) -> None:
    table = tex.split(r"\section{Frequently Cited Works}")[1]
    assert r"\begin{longtable}" in table.split(r"\section{")[0]
    assert r"\X{70}{100}" in table and r"\X{30}{100}" in table


def test_the_package_is_loaded_and_written(built: SphinxTestApp, tex: str) -> None:
    assert rf"\usepackage{{{LATEX_PACKAGE}}}" in tex
    package = (built.outdir / f"{LATEX_PACKAGE}.sty").read_text(encoding="utf-8")
    assert r"\protected\def\sphinxsrclink" in package
    assert r"\def\UrlBreaks{\do\/\do\.\do\-\do\?\do\&\do\=}" in package


def test_target_names_are_distinct_and_safe() -> None:
    names = {
        target_name("a/b", "c"),
        target_name("a", "b/c"),
        target_name("a:b", "c"),
        target_name("a", "b:c"),
        target_name("a_b", "c"),
        target_name("a+5f+b", "c"),
    }
    assert len(names) == 6
    assert all(re.fullmatch(r"[A-Za-z0-9/.:+-]+", name) for name in names)


# -- real LaTeX --------------------------------------------------------------

MISSING_TEX = [p for p in ("latexmk", "pdflatex") if shutil.which(p) is None]
MISSING_POPPLER = [p for p in ("pdfinfo", "pdftotext") if shutil.which(p) is None]


def compile_pdf(outdir: Path, name: str = "formats") -> Path:
    result = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=outdir,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    log = outdir / f"{name}.log"
    assert result.returncode == 0, log.read_text(encoding="utf-8", errors="replace")[-3000:]
    return outdir / f"{name}.pdf"


@pytest.fixture(scope="module")
def pdf(built: SphinxTestApp) -> Path:
    if MISSING_TEX:
        pytest.skip(
            f"TeX Live is missing ({', '.join(MISSING_TEX)}): apt-get install latexmk "
            "texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended"
        )
    return compile_pdf(built.outdir)


@pytest.mark.latex
def test_pdf_compiles_without_errors_or_broken_links(pdf: Path) -> None:
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert "\n!" not in log
    assert "has been referenced but does not exist" not in log
    assert "destination with the same identifier" not in log
    assert "Token not allowed in a PDF string" not in log


@pytest.mark.latex
def test_pdf_has_each_chapters_references_before_the_next(pdf: Path) -> None:
    if MISSING_POPPLER:
        pytest.skip(f"poppler-utils is missing ({', '.join(MISSING_POPPLER)})")
    assert pdf_check.main([str(pdf.parent)]) == 0
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # After the contents: each marker after the one before it.
    position = text.index("FIRST CHAPTER")
    for marker in (
        "Plain text cites",
        "References",
        "SECOND CHAPTER",
        "END-OF-TEXT",
        "References",
        "WORKS CITED",
        "Frequently Cited Works",
    ):
        position = text.index(marker, position)


@pytest.mark.latex
def test_pdf_check_finds_missing_references(build_root: BuildRoot, pdf: Path) -> None:
    # Same book without the automatic References: the check must object.
    if MISSING_POPPLER:
        pytest.skip(f"poppler-utils is missing ({', '.join(MISSING_POPPLER)})")
    app = build_root("formats", "latex", confoverrides={"citations_auto_references": False})
    broken = compile_pdf(app.outdir)
    assert pdf_check.main([str(broken.parent)]) == 1
