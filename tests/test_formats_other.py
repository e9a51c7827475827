"""HTML, plain text, man pages, Texinfo and the rest: nothing crashes, citations read well.

The ``formats`` root cites in running text, a section title, a figure
caption, a table caption and cell, a footnote and an admonition.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from tests.conftest import BuildRoot
from tests.html_helpers import citation_items, read, reference_entries

ACME = "[Source: Acme & Sons, 2024]"


def test_html_links_every_place_to_the_chapters_list(build_root: BuildRoot) -> None:
    app = build_root("formats", "html")
    assert app.warning.getvalue() == ""
    chapter = read(app.outdir, "ch1.html")
    ids = re.findall(r'\bid="([^"]+)"', chapter)
    assert len(ids) == len(set(ids))
    # The sidebar's copy of the cited section title shows no citation at all.
    assert all(item["id"] for item in citation_items(chapter))
    items = citation_items(chapter)
    assert [item["id"] for item in items] == [f"src-{n}" for n in range(1, 10)]
    assert all(item["href"].startswith("#ref-") for item in items)
    entries = {e["id"]: e for e in reference_entries(chapter)}
    # Text, figure caption and table cell cite Acme; each gets a link back.
    assert entries["ref-acme2024specials"]["backlinks"].split() == ["#src-1", "#src-4", "#src-6"]
    assert entries["ref-beyer2016sre"]["backlinks"].split() == ["#src-9"]  # the footnote


def test_text_shows_citations_and_unnumbered_references(build_root: BuildRoot) -> None:
    app = build_root("formats", "text")
    assert app.warning.getvalue() == ""
    chapter = read(app.outdir, "ch1.txt")
    assert f"Plain text cites {ACME}" in chapter
    assert (
        "1.1. Results of Zeta [Source: Zeta Research Laboratories International, 2023]" in chapter
    )
    assert f"A caption citing {ACME}" in chapter
    assert "The footnote cites [Source: Beyer et al., 2016]" in chapter
    # Numbered sections, but the References unnumbered, as in HTML.
    assert "\n\nReferences\n==========\n\n1. **Acme & Sons** (2024)" in chapter
    assert re.search(r"^\S+ References$", chapter, re.MULTILINE) is None


def test_man_page_shows_citations_without_link_targets(build_root: BuildRoot) -> None:
    app = build_root("formats", "man")
    assert app.warning.getvalue() == ""
    (page,) = app.outdir.glob("*.1")
    text = page.read_text(encoding="utf-8")
    assert f"Plain text cites {ACME} and [Source: Kwon et al., 2023, p. 5]" in text
    assert "[Source: Acme & Sons, 2024; Zeta Research Laboratories International, 2023]" in text
    assert ".SS References" in text
    assert "<#" not in text and "#ref-" not in text


def test_texinfo_links_citations_under_unnumbered_references(build_root: BuildRoot) -> None:
    app = build_root("formats", "texinfo")
    assert app.warning.getvalue() == ""
    texi = (app.outdir / "formats.texi").read_text(encoding="utf-8")
    assert "Plain text cites [Source: @ref{" in texi
    assert "Acme & Sons@comma{} 2024}]" in texi
    # Texinfo numbers @section; the References are unnumbered, as in HTML.
    assert texi.count("\n@unnumberedsec References\n") == 2
    assert "@section References" not in texi


@pytest.mark.parametrize("builder", ["singlehtml", "dirhtml", "xml", "pseudoxml", "dummy"])
def test_other_builders_do_not_crash(build_root: BuildRoot, builder: str) -> None:
    app: SphinxTestApp = build_root("formats", builder)
    assert app.warning.getvalue() == ""


_BACKLINK = re.compile(r'class="source-backlink reference internal" href="[^"]*">([^<]*)</a>')


def test_singlehtml_back_links_read_as_in_html(build_root: BuildRoot) -> None:
    # singlehtml merges every document's section numbers under the root document when it
    # writes its page: the back-links still name the sections citing ("1 ¶2", "1.1").
    single = build_root("chapters", "singlehtml")
    pages = build_root("chapters", "html")
    assert single.warning.getvalue() == pages.warning.getvalue() == ""
    in_single = _BACKLINK.findall((Path(single.outdir) / "index.html").read_text("utf-8"))
    in_pages = [
        label
        for page in sorted(Path(pages.outdir).rglob("*.html"))
        for label in _BACKLINK.findall(page.read_text("utf-8"))
    ]
    assert in_single and sorted(in_single) == sorted(in_pages)
    assert any(re.fullmatch(r"1\s¶2", label) for label in in_single) and "1.1" in in_single
