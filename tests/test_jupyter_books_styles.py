"""Jupyter-Book-shaped ``{cite}`` books in every layout: one bibliography style, links to the
chapter.

The books of :mod:`tests.jupyter_books` (parts restarting their numbering,
no numbering through sphinx-external-toc): in
each, every lecture's list reads entry for entry like the book's global
``{bibliography}`` (pybtex style and label), and every ``{cite}`` link lands
on an entry of the lecture's own list.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from tests.conftest import build_app
from tests.html_helpers import read, reference_entries
from tests.jupyter_books import PARTS, external_toc_book, toctree_book

CITING = [d for _, lectures in PARTS for d, _, _ in lectures if d != "lectures/about"]
QUIET = 'suppress_warnings = ["citations.chapter-numbers"]\n'


def _bibliography(page: str) -> dict[str, str]:
    found = {}
    for body in re.findall(r'<div class="citation"[^>]*>(.*?)</div>', page, re.DOTALL):
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", body)).split())
        label, rest = text[1:].split("]", 1)
        found[label] = f"[{label}] {rest.strip()}"
    return found


@pytest.fixture(
    scope="module",
    # Not sphinx_multitoc_numbering's continuous parts: it patches Sphinx for the
    # whole process once loaded, and would renumber the parts of later tests'
    # books. sphinx-external-toc leaves state behind too: this module is named
    # to run after tests/test_jupyter_books.py, whose part numbers it would change.
    params=["parts", "external-toc"],
)
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    srcdir = tmp_path_factory.mktemp(request.param) / "book"
    if request.param == "parts":
        toctree_book(srcdir, extra_conf=QUIET)
    else:
        external_toc_book(srcdir)
    return build_app(srcdir, freshenv=True)


def test_builds_clean(book: SphinxTestApp) -> None:
    assert book.warning.getvalue() == ""


def test_every_list_reads_like_the_books_bibliography(book: SphinxTestApp) -> None:
    bibliography = _bibliography(read(book.outdir, "zreferences.html"))
    assert "KL93a" in bibliography and "KL93b" in bibliography
    for docname in CITING:
        for entry in reference_entries(read(book.outdir, f"{docname}.html")):
            text = entry["text"].split(" \u21a9", 1)[0]
            label = text[1:].split("]", 1)[0]
            assert text == bibliography[label], docname


def test_every_cite_link_lands_in_the_lectures_own_list(book: SphinxTestApp) -> None:
    for docname in CITING:
        page = read(book.outdir, f"{docname}.html")
        ids = {e["id"] for e in reference_entries(page)}
        groups = re.findall(r'<span class="bibtex-citation"[^>]*>(.*?)</span>', page, re.DOTALL)
        hrefs = [h for g in groups for h in re.findall(r'href="([^"]*)"', g)]
        if docname == "lectures/models_a":
            # Its subdocument's citation links to the chapter's list, one page up.
            detail = read(book.outdir, "lectures/models_a_detail.html")
            assert 'href="models_a.html#ref-ljungqvist2018"' in detail
        assert hrefs, docname
        assert all(h.startswith("#") and h[1:] in ids for h in hrefs), (docname, hrefs)


def test_author_year_text_tells_one_authors_works_apart(tmp_path: Path) -> None:
    srcdir = toctree_book(
        tmp_path / "book", extra_conf=QUIET + 'bibtex_reference_style = "author_year"\n'
    )
    app = build_app(srcdir, freshenv=True)
    assert app.warning.getvalue() == ""
    basics = read(app.outdir, "lectures/basics.html")
    links = re.findall(
        r'<a class="reference internal" href="(#ref-[^"]*)"[^>]*>([^<]*)</a>', basics
    )
    assert ("#ref-kalai1993a", "Kalai and Lehrer, 1993a") in links
    assert ("#ref-kalai1993b", "Kalai and Lehrer, 1993b") in links
    # A work alone in its author and year keeps its plain year.
    assert ("#ref-sargent1999", "1999") in links
