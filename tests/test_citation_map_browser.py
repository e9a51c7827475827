"""The citation map in a real browser, in three themes: links that land, a
picture that fits a phone and reads in light and dark.

Uses the books, page opener and colour helpers of ``tests/test_browser.py``
(Chromium through Playwright, ``tests/browser.py``). The ``chapters`` root
shows the map in its Works Cited (``works.html``), as every book does by
default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import pytest

from tests import test_browser
from tests.test_browser import (
    DARK_THEMES,
    PHONE,
    SCREENSHOTS,
    THEMES,
    assert_landed,
    contrast,
    luminance,
)

pytestmark = pytest.mark.browser

# The browser tests' fixtures: their books in each theme, and the page opener.
books = test_browser.books
open_page = test_browser.open_page

MAP = "svg.citation-map"

_LINKS = """() => [...document.querySelectorAll('svg.citation-map a')].map(a => ({
    href: new URL(a.getAttribute('href'), location.href).href,
    cell: !!a.querySelector('rect'),
}))"""


@pytest.mark.parametrize(
    ("theme", "root", "page", "least"),
    [(theme, "chapters", "works.html", 2) for theme in THEMES]
    + [("sphinx_book_theme", "book", "works-cited.html", 40)],
)
def test_every_link_of_the_map_lands_on_an_element(
    theme: str, root: str, page: str, least: int, open_page: Any
) -> None:
    tab = open_page(theme, page, root=root)
    links = tab.evaluate(_LINKS)
    cells = [link for link in links if link["cell"]]
    assert len(cells) >= least and len(links) > len(cells)
    by_page: dict[str, set[str]] = {}
    for link in links:
        page, fragment = urldefrag(link["href"])
        by_page.setdefault(page, set()).add(fragment)
    for url, fragments in sorted(by_page.items()):
        tab.goto(url)
        tab.wait_for_load_state("load")
        missing = tab.evaluate(
            "ids => ids.filter(id => id && !document.getElementById(id))", sorted(fragments)
        )
        assert missing == [], url


@pytest.mark.parametrize("theme", THEMES)
def test_a_clicked_cell_lands_on_the_chapters_entry(theme: str, open_page: Any) -> None:
    tab = open_page(theme, "works.html")
    cell = tab.locator(f"{MAP} a:has(rect)").first
    href = cell.get_attribute("href")
    assert href is not None and "#ref-" in href
    cell.click()
    target = href.partition("#")[2]
    tab.wait_for_url(f"**#{target}")
    assert not tab.url.split("#")[0].endswith("works.html")  # the chapter's own list
    assert_landed(tab, target)


@pytest.mark.parametrize("theme", THEMES)
def test_the_map_fits_a_phone(theme: str, open_page: Any) -> None:
    tab = open_page(theme, "works.html", viewport=PHONE)
    box = tab.locator(MAP).bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # Scaled down, not cut: the whole picture keeps its proportions.
    ratio = tab.evaluate(
        """() => { const s = document.querySelector('svg.citation-map');
        const [, , w, h] = s.getAttribute('viewBox').split(' ').map(Number);
        const r = s.getBoundingClientRect(); return (r.width / r.height) / (w / h); }"""
    )
    assert abs(ratio - 1) < 0.02


@pytest.mark.parametrize(
    ("theme", "scheme"),
    [(t, s) for t in DARK_THEMES for s in ("light", "dark")] + [("alabaster", "light")],
)
def test_the_map_reads_in_light_and_dark(theme: str, scheme: str, open_page: Any) -> None:
    tab = open_page(theme, "works.html", color_scheme=scheme)
    colours = tab.evaluate(
        """() => {
        const background = el => { for (; el; el = el.parentElement) {
            const c = getComputedStyle(el).backgroundColor;
            if (!c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c; }
            return 'rgb(255, 255, 255)'; };
        const svg = document.querySelector('svg.citation-map');
        const cell = svg.querySelector('a rect');
        const label = svg.querySelector('g.citation-map-row text');
        return [background(svg), getComputedStyle(cell).fill, getComputedStyle(label).fill]; }"""
    )
    page, cell, label = (luminance(c) for c in colours)
    assert (page < 0.3) == (scheme == "dark"), colours
    # Marks stand out as graphics should (WCAG 1.4.11), labels as text.
    assert contrast(page, cell) >= 3, colours
    assert contrast(page, label) >= 4.5, colours


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshot_of_the_map(scheme: str, open_page: Any, tmp_path: Path) -> None:
    tab = open_page(
        "sphinx_book_theme",
        "works-cited.html",
        root="book",
        viewport={"width": 1000, "height": 900},
        color_scheme=scheme,
    )
    folder = SCREENSHOTS if os.environ.get("SPHINX_EXT_SCREENSHOTS") == "1" else tmp_path
    path = folder / f"citation-map-{scheme}.png"
    tab.locator(MAP).screenshot(path=str(path))
    assert path.stat().st_size > 5000
