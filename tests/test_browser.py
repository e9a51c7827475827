"""What a reader sees and does in a real browser, in three themes.

Each theme builds ``tests/roots/test-chapters`` (sub-documents, front
matter, a chapter placing its own References), served on loopback and opened
in Chromium (``tests/browser.py``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import copy_root

pytestmark = pytest.mark.browser

THEMES = ["sphinx_book_theme", "pydata_sphinx_theme", "alabaster"]
#: Themes with a light and a dark mode, switched by the reader's preference.
DARK_THEMES = ["sphinx_book_theme", "pydata_sphinx_theme"]
POPUP = "#source-preview"
PHONE = {"width": 390, "height": 844}


BOOK = Path(__file__).resolve().parents[1] / "book"


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    """``books(root, theme)``: the root (or ``"book"``, the project's) built in the theme.

    Each build runs in its own process: after sphinx-book-theme, the pydata
    theme fails in the same process.
    """
    built: dict[tuple[str, str], Path] = {}

    def build(root: str, theme: str) -> Path:
        if (root, theme) in built:
            return built[root, theme]
        folder = tmp_path_factory.mktemp(f"{root}-{theme}")
        if root == "book":
            srcdir = folder / "book"
            shutil.copytree(BOOK, srcdir, ignore=shutil.ignore_patterns("_build"))
        else:
            srcdir = copy_root(root, folder)
        outdir = srcdir / "_build" / "html"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "sphinx",
                "-q",
                "-b",
                "html",
                "-D",
                f"html_theme={theme}",
                str(srcdir),
                str(outdir),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0 and result.stderr == "", result.stderr
        built[root, theme] = outdir
        return outdir

    return build


@pytest.fixture
def open_page(
    books: Callable[[str, str], Path], serve_html: Callable[[Path], str], chromium: Any
) -> Iterator[Callable[..., Any]]:
    """``open_page(theme, page, root="chapters", **context options)``: a Playwright page."""
    contexts: list[Any] = []

    def open_(theme: str, page: str, root: str = "chapters", **options: Any) -> Any:
        context = chromium.new_context(**options)
        context.set_default_timeout(5000)
        contexts.append(context)
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.errors = errors
        tab.goto(serve_html(books(root, theme)) + page)
        tab.wait_for_load_state("load")
        return tab

    yield open_
    for context in contexts:
        context.close()


def popup_shown(tab: Any) -> bool:
    return bool(
        tab.evaluate(
            """() => { const p = document.querySelector('#source-preview');
            return !!p && p.matches(':popover-open') && p.getBoundingClientRect().height > 0; }"""
        )
    )


def first_citation(tab: Any, key: str) -> Any:
    return tab.locator(f'a.source-ref[href$="#ref-{key}"]').first


@pytest.mark.parametrize("theme", THEMES)
def test_hover_shows_the_entry_and_escape_closes_it(theme: str, open_page: Any) -> None:
    tab = open_page(theme, "ch1.html")
    citation = first_citation(tab, "alpha2020")
    citation.hover()
    tab.wait_for_selector(f"{POPUP}:popover-open")
    popup = tab.locator(POPUP)
    text = popup.inner_text()
    # The whole entry, as in the References: title, URL as a link, the note.
    assert "alpha work" in text.casefold()
    assert popup.locator('a[href="https://alpha.example/work"]').count() == 1
    assert "Note for alpha in chapter one" in text
    assert popup.get_attribute("role") == "tooltip"
    assert citation.get_attribute("aria-describedby") == "source-preview"
    assert citation.get_attribute("title") is None
    # The popup's own link goes to the entry.
    assert popup.locator("a.source-preview-go").get_attribute("href") == "#ref-alpha2020"
    tab.keyboard.press("Escape")
    assert not popup_shown(tab)
    assert citation.get_attribute("aria-describedby") is None
    assert tab.errors == []


@pytest.mark.parametrize("theme", THEMES)
def test_keyboard_focus_shows_the_entry_and_reaches_its_links(theme: str, open_page: Any) -> None:
    tab = open_page(theme, "ch1.html")
    citation = first_citation(tab, "beta2021")
    citation.focus()
    tab.wait_for_selector(f"{POPUP}:popover-open")
    assert "beta work" in tab.locator(POPUP).inner_text().casefold()
    # Tab moves into the popup (its links), Escape closes it and returns to the citation.
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.closest('#source-preview') !== null")
    tab.keyboard.press("Escape")
    assert not popup_shown(tab)
    assert tab.evaluate("document.activeElement.classList.contains('source-ref')")
    # Tabbing past the popup closes it.
    tab.evaluate("document.activeElement.blur()")
    citation.focus()
    tab.wait_for_selector(f"{POPUP}:popover-open")
    for _ in range(3):
        tab.keyboard.press("Tab")
    assert not popup_shown(tab) or tab.evaluate(
        "document.activeElement.closest('#source-preview, a.source-ref') !== null"
    )


@pytest.mark.parametrize("theme", THEMES)
def test_tap_shows_the_entry_a_second_tap_goes_to_it(theme: str, open_page: Any) -> None:
    tab = open_page(theme, "ch1.html", viewport=PHONE, has_touch=True, is_mobile=True)
    citation = first_citation(tab, "alpha2020")
    citation.scroll_into_view_if_needed()
    citation.tap()
    tab.wait_for_selector(f"{POPUP}:popover-open")
    assert "alpha work" in tab.locator(POPUP).inner_text().casefold()
    assert not tab.url.endswith("#ref-alpha2020")  # the first tap stays
    tab.keyboard.press("Escape")
    assert not popup_shown(tab)
    # Tapping elsewhere closes it.
    citation.tap()
    tab.wait_for_selector(f"{POPUP}:popover-open")
    start = citation.evaluate(
        "a => { const r = a.closest('p').getClientRects()[0]; return [r.left + 4, r.top + 4]; }"
    )
    tab.touchscreen.tap(*start)  # the paragraph's first word
    assert not popup_shown(tab)
    # A second tap on the same citation goes to the entry.
    citation.tap()
    tab.wait_for_selector(f"{POPUP}:popover-open")
    citation.tap()
    tab.wait_for_url("**#ref-alpha2020")
    assert not popup_shown(tab)


@pytest.mark.parametrize("theme", THEMES)
def test_the_preview_fits_a_phone(theme: str, open_page: Any) -> None:
    tab = open_page(theme, "ch1.html", viewport=PHONE, has_touch=True, is_mobile=True)
    for key in ("alpha2020", "beta2021"):
        citation = first_citation(tab, key)
        citation.scroll_into_view_if_needed()
        citation.tap()
        tab.wait_for_selector(f"{POPUP}:popover-open")
        box = tab.locator(POPUP).bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (key, box)
        overflow = tab.evaluate(
            "() => { const p = document.querySelector('#source-preview');"
            " return p.scrollWidth - p.clientWidth; }"
        )
        assert overflow <= 0, key
        tab.keyboard.press("Escape")
    # Nothing of the citations' widens the page (long URLs included).
    wide = tab.evaluate(
        """w => [...document.querySelectorAll('.source-citation, .source-reference')]
        .filter(e => e.getBoundingClientRect().right > w).map(e => e.outerHTML.slice(0, 80))""",
        PHONE["width"],
    )
    assert wide == []


@pytest.mark.parametrize("theme", THEMES)
def test_previews_of_entries_listed_on_another_page(theme: str, open_page: Any) -> None:
    # A sub-document's citations link to its chapter's list; front matter's to the Works Cited.
    for page, key, title in [
        ("ch1-part.html", "gamma2022", "Gamma Paper"),
        ("preface.html", "alpha2020", "Alpha Work"),
    ]:
        tab = open_page(theme, page)
        first_citation(tab, key).focus()
        tab.wait_for_selector(f"{POPUP}:popover-open")
        assert title.casefold() in tab.locator(POPUP).inner_text().casefold()


@pytest.mark.parametrize(
    ("theme", "scheme"),
    [(t, s) for t in DARK_THEMES for s in ("light", "dark")] + [("alabaster", "light")],
)
def test_the_preview_reads_in_light_and_dark(theme: str, scheme: str, open_page: Any) -> None:
    tab = open_page(theme, "ch1.html", color_scheme=scheme)
    first_citation(tab, "alpha2020").hover()
    tab.wait_for_selector(f"{POPUP}:popover-open")
    colours = tab.evaluate(
        """() => { const s = getComputedStyle(document.querySelector('#source-preview'));
        const page = getComputedStyle(document.body);
        return [s.backgroundColor, s.color, page.color]; }"""
    )
    background, text, page_text = (luminance(c) for c in colours)
    # The popup follows the theme: dark on dark, light on light, its text readable.
    assert (background < 0.3) == (scheme == "dark"), colours
    assert contrast(background, text) >= 4.5, colours
    assert (text > 0.5) == (page_text > 0.5), colours


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 600}, PHONE])
@pytest.mark.parametrize("theme", THEMES)
def test_a_clicked_citation_lands_highlighted_below_the_header(
    theme: str, viewport: dict[str, int], open_page: Any
) -> None:
    # The book's first chapter: long enough for any target to scroll to the top.
    tab = open_page(theme, "chapters/ch01-serving-problem.html", root="book", viewport=viewport)
    first_citation(tab, "assemblyai2025rule300ms").click()
    tab.wait_for_url("**#ref-assemblyai2025rule300ms")
    assert_landed(tab, "ref-assemblyai2025rule300ms")
    # And back: a back-link lands on the citation, highlighted and clear of the header.
    back = tab.locator("#ref-assemblyai2025rule300ms a.source-backlink").last
    target = back.get_attribute("href").lstrip("#")
    back.click()
    assert_landed(tab, target)
    assert tab.evaluate("window.scrollY") > 0


@pytest.mark.parametrize("theme", THEMES)
def test_backlinks_say_where_they_go_with_big_enough_targets(theme: str, open_page: Any) -> None:
    tab = open_page(theme, "ch1.html")
    links = tab.locator("#ref-alpha2020 a.source-backlink")
    assert links.all_inner_texts() == ["1\xa0¶1", "1\xa0¶2", "1.1"]
    for link in links.all():
        box = link.bounding_box()
        assert box is not None and box["width"] >= 24 and box["height"] >= 24, box


@pytest.mark.parametrize("theme", DARK_THEMES)
def test_on_this_page_lists_the_references(theme: str, open_page: Any) -> None:
    tab = open_page(theme, "ch1.html", viewport={"width": 1400, "height": 900})
    toc = tab.locator("#pst-page-toc-nav")
    # Numbered like the chapter's other sections: after its subdocument, 1.1.
    assert toc.locator('a[href="#references"]').inner_text().strip() == "1.2. References"


@pytest.mark.parametrize("theme", THEMES)
def test_works_cited_has_its_own_contents(theme: str, open_page: Any) -> None:
    tab = open_page(theme, "works.html", viewport={"width": 1400, "height": 900})
    contents = tab.locator(".works-cited-contents")
    targets = contents.locator("a").evaluate_all("links => links.map(a => a.hash)")
    assert "#works-cited-frequent" in targets
    assert {"#works-cited-chapter-ch1", "#works-cited-chapter-ch2-index"} <= set(targets)
    assert "#works-cited-categories" in targets
    for target in targets:
        assert tab.locator(target).count() == 1, target
    if theme in DARK_THEMES:
        toc = tab.locator("#pst-page-toc-nav")
        assert toc.locator('a[href="#works-cited-chapter-ch2-index"]').count() == 1
    contents.locator('a[href="#works-cited-chapter-ch2-index"]').click()
    assert_landed(tab, "works-cited-chapter-ch2-index")


def assert_landed(tab: Any, target_id: str) -> None:
    """The target is highlighted, and nothing (a sticky header) covers its top."""
    tab.wait_for_function(
        "id => document.querySelector(':target') && document.querySelector(':target').id === id",
        arg=target_id,
    )
    tab.wait_for_timeout(100)  # smooth scrolling, where a theme asks for it
    found = tab.evaluate(
        """id => {
        const t = document.getElementById(id);
        const box = t.getClientRects()[0];
        const x = Math.min(box.left + 8, box.right - 1), y = box.top + 2;
        const hit = document.elementFromPoint(x, y);
        const marked = t.matches('section') ? t.firstElementChild : t;
        return { top: box.top, covered: !(hit && (t.contains(hit) || hit.contains(t))),
                 hit: hit ? hit.outerHTML.slice(0, 80) : null,
                 background: getComputedStyle(marked).backgroundColor };
        }""",
        target_id,
    )
    assert found["top"] >= 0 and not found["covered"], found
    assert found["background"] not in ("rgba(0, 0, 0, 0)", "transparent"), found


def luminance(colour: str) -> float:
    """Relative luminance (WCAG) of a CSS ``rgb()``/``rgba()`` colour."""
    parts = colour[colour.index("(") + 1 : colour.index(")")].replace(",", " ").split()
    channels = [float(v) / 255 for v in parts[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: float, b: float) -> float:
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


#: Where the README's screenshots go when ``SPHINX_EXT_SCREENSHOTS=1``
#: (otherwise into the test's temporary folder, so a test run changes no file).
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshot_of_a_preview(scheme: str, open_page: Any, tmp_path: Path) -> None:
    tab = open_page(
        "sphinx_book_theme",
        "chapters/ch01-serving-problem.html",
        root="book",
        viewport={"width": 1000, "height": 640},
        color_scheme=scheme,
        device_scale_factor=1,
    )
    citation = first_citation(tab, "kwon2023paged")
    citation.evaluate("a => window.scrollTo(0, a.getBoundingClientRect().top + scrollY - 200)")
    citation.hover()
    tab.wait_for_selector(f"{POPUP}:popover-open")
    tab.wait_for_timeout(100)
    popup = tab.locator(POPUP).bounding_box()
    paragraph = citation.evaluate(
        "a => { const r = a.closest('p').getBoundingClientRect();"
        " return {x: r.left, y: r.top, width: r.width, height: r.height}; }"
    )
    assert popup is not None and "Efficient Memory Management" in tab.locator(POPUP).inner_text()
    left = max(0, paragraph["x"] - 16)
    top = max(0, paragraph["y"] - 16)
    right = max(popup["x"] + popup["width"], paragraph["x"] + paragraph["width"]) + 16
    bottom = popup["y"] + popup["height"] + 16
    folder = SCREENSHOTS if os.environ.get("SPHINX_EXT_SCREENSHOTS") else tmp_path
    folder.mkdir(exist_ok=True)
    path = folder / f"citation-preview-{scheme}.png"
    tab.screenshot(
        path=str(path), clip={"x": left, "y": top, "width": right - left, "height": bottom - top}
    )
    assert path.read_bytes().startswith(b"\x89PNG")
