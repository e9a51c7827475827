"""The extension beside the extensions books actually use.

``tests/roots/test-alongside`` is built like a Jupyter Book: a notebook read
by myst-nb (not executed), sphinx-design tabs, a dropdown and a card,
sphinx-togglebutton, sphinx-copybutton, intersphinx from a local inventory
(no network), and sphinxcontrib-bibtex's own ``{cite:p}``, ``{footcite:p}``,
``{footbibliography}`` and ``{bibliography}``. Citations inside the other
extensions' directives resolve and link in HTML, LaTeX and EPUB, each built
with ``-W``; the EPUB passes epubcheck.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests import epub_check
from tests.conftest import copy_root
from tests.html_helpers import citation_items, read, reference_entries

XHTML = "{http://www.w3.org/1999/xhtml}"
# (page, the citations' text in order) of the chapters built on other extensions.
DESIGN = [
    "Acme & Sons, 2024",  # plain text
    "Kwon et al., 2023, p. 5",  # first tab
    "Zeta Research Laboratories International, 2023",  # second tab
    "Beyer et al., 2016",  # dropdown
    "Acme & Sons, 2024",  # card
    "Kwon et al., 2023",
    "Beyer et al., 2016, ch. 4",  # toggle
]
NOTEBOOK = ["Zeta Research Laboratories International, 2023", "Kwon et al., 2023, p. 7"]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_root("alongside", tmp_path_factory.mktemp("alongside"))


def build(book: Path, builder: str) -> Path:
    """Build *book* with ``sphinx-build -W``; the output folder.

    In a process of its own: myst-nb leaves its parser registered for ``.md``
    in the process, for every later build.
    """
    outdir = book.parent / builder
    warnings = book.parent / f"{builder}-warnings.txt"
    doctrees = book.parent / f"{builder}-doctrees"
    argv = ["-b", builder, "-W", "-q", "-w", str(warnings), "-d", str(doctrees)]
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", *argv, str(book), str(outdir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr, warnings.read_text()) == (0, "", "")
    return outdir


@pytest.fixture(scope="module")
def html(book: Path) -> Path:
    return build(book, "html")


@pytest.fixture(scope="module")
def latex(book: Path) -> Path:
    return build(book, "latex")


@pytest.fixture(scope="module")
def epub(book: Path) -> Path:
    return build(book, "epub")


def test_html_citations_in_tabs_dropdowns_cards_toggles_and_notebooks_link(html: Path) -> None:
    for page, expected in (("design.html", DESIGN), ("notebook.html", NOTEBOOK)):
        text = read(html, page)
        items = citation_items(text)
        assert [item["text"] for item in items] == expected, page
        entries = {entry["id"] for entry in reference_entries(text)}
        for item in items:
            assert item["href"].startswith("#ref-"), item
            assert item["href"][1:] in entries, item
    # Each inside the other extension's own markup.
    assert _containers_of_citations(read(html, "design.html")) == [
        set(),
        {"sd-tab-set", "sd-tab-content"},
        {"sd-tab-set", "sd-tab-content"},
        {"sd-dropdown", "sd-summary-content", "sd-card", "sd-card-body"},
        {"sd-card", "sd-card-body"},
        {"toggle"},
    ]


_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}
_MARKUP = {"sd-tab-set", "sd-tab-content", "sd-dropdown", "sd-summary-content", "sd-card"}
_MARKUP |= {"sd-card-body", "toggle"}


def _containers_of_citations(page: str) -> list[set[str]]:
    """For each citation of *page*: the other extensions' classes of the elements around it."""

    class Walk(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[set[str]] = []
            self.found: list[set[str]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in _VOID:
                return
            classes = set((dict(attrs).get("class") or "").split())
            if "source-citation" in classes:
                self.found.append(set().union(*self.open) & _MARKUP)
            self.open.append(classes)

        def handle_endtag(self, tag: str) -> None:
            if tag not in _VOID:
                self.open.pop()

    walk = Walk()
    walk.feed(page)
    return walk.found


def test_html_other_extensions_keep_working(html: Path) -> None:
    design = read(html, "design.html")
    # Code is never a citation, and keeps its copy button.
    assert "[Source: Not a Citation, 2024]" in design.replace("&quot;", '"').replace(
        '<span class="s2">', ""
    ).replace("</span>", "")
    assert "copybutton.js" in design and "togglebutton.js" in design
    # intersphinx, from the local inventory.
    assert 'href="https://tools.example.org/api.html#tools.run"' in design
    bibtex = read(html, "bibtex.html")
    # sphinxcontrib-bibtex's roles: {cite:p} to the chapter's entry, {footcite:p} a footnote.
    assert re.search(
        r'<span class="bibtex-citation"[^>]*>\[<a [^>]*href="#ref-kwon2023paged"', bibtex
    )
    assert 'id="footcite-beyer2016sre"' in bibtex and "Site Reliability Engineering" in bibtex
    assert [e["id"] for e in reference_entries(bibtex)] == [
        "ref-kwon2023paged",
        "ref-acme2024specials",
    ]
    # Its {bibliography} lists what its roles cite, as without the extension.
    bibliography = read(html, "bibliography.html")
    assert bibliography.count('role="doc-biblioentry"') == 1
    assert "KLZ23" in bibliography


def test_latex_citations_in_other_directives_link_to_their_entries(latex: Path) -> None:
    tex = (latex / "alongside.tex").read_text(encoding="utf-8")
    for phrase in ("The tab cites", "The dropdown cites", "The card cites", "The toggled text"):
        line = next(line for line in tex.splitlines() if phrase in line)
        links = re.findall(r"\\hyperlink\{([^}]*)\}", line)
        assert links, phrase
        for target in links:
            assert f"\\sphinxsrcanchor{{{target}}}" in tex, target
    assert "A markdown cell cites" in tex


def test_epub_citations_link_and_epubcheck_reports_nothing(epub: Path) -> None:
    page = ET.parse(epub / "design.xhtml").getroot()
    ids = {element.get("id") for element in page.iter() if element.get("id")}
    hrefs = [
        link.get("href", "")
        for link in page.iter(f"{XHTML}a")
        if "source-ref" in link.get("class", "")
    ]
    assert len(hrefs) == len(DESIGN)
    assert all(href.startswith("#") and href[1:] in ids for href in hrefs), hrefs
    try:
        epub_check.epubcheck_command()
    except epub_check.EpubCheckMissingError as missing:
        pytest.skip(str(missing))
    report = epub_check.run_epubcheck(epub_check.find_epub(epub))
    assert (report.fatals, report.errors, report.warnings) == (0, 0, 0), report.output


def test_singlehtml_keeps_the_other_extensions_visitors(book: Path) -> None:
    # Sphinx gives a builder the visitors registered under its own name instead
    # of its format's: registering ours for "singlehtml" or "epub" would lose
    # sphinx-design's there.
    page = read(build(book, "singlehtml"), "index.html")
    assert 'class="sd-tab-content' in page
    assert [item["text"] for item in citation_items(page)][: len(DESIGN)] == DESIGN
