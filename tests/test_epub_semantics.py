"""The EPUB for reading systems: citation roles, References in the navigation,
no empty index, an optional cover; epubcheck 0/0 throughout.

Built from the ``print`` root (a preface, four chapters, a Works Cited titled
"Sources") and the ``formats`` root (a chapter with a sub-document).
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from tests import epub_check
from tests.conftest import ROOTS, BuildRoot, build_app, copy_root

XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"


@pytest.fixture(scope="module")
def built(build_root: BuildRoot) -> SphinxTestApp:
    return build_root("print", "epub")


def xhtml(app: SphinxTestApp, name: str) -> ET.Element:
    return ET.parse(app.outdir / name).getroot()


def assert_epubcheck_clean(outdir: Path) -> None:
    try:
        epub_check.epubcheck_command()
    except epub_check.EpubCheckMissingError as missing:
        pytest.skip(str(missing))
    report = epub_check.run_epubcheck(epub_check.find_epub(outdir))
    assert (report.fatals, report.errors, report.warnings) == (0, 0, 0), report.output


def test_no_warnings(built: SphinxTestApp) -> None:
    assert built.warning.getvalue() == ""


def test_citations_lists_entries_and_backlinks_carry_their_roles(built: SphinxTestApp) -> None:
    root = xhtml(built, "intake.xhtml")
    items = [s for s in root.iter(f"{XHTML}span") if "source-item" in s.get("class", "")]
    assert len(items) == 14
    for item in items:
        [link] = item.iter(f"{XHTML}a")
        assert link.get("role") == "doc-biblioref"
        assert link.get("href", "").startswith("#ref-")
    blocks = [d for d in root.iter(f"{XHTML}div") if d.get("role") == "doc-bibliography"]
    assert len(blocks) == 1
    [listing] = blocks[0].findall(f"{XHTML}ol")
    entries = listing.findall(f"{XHTML}li")
    assert len(entries) == 14
    assert {e.get("role") for e in entries} == {"doc-biblioentry"}
    backlinks = [a for a in listing.iter(f"{XHTML}a") if "source-backlink" in a.get("class", "")]
    assert len(backlinks) == 14
    assert {a.get("role") for a in backlinks} == {"doc-backlink"}
    # Links to the works' own pages are no citations.
    external = [a for a in listing.iter(f"{XHTML}a") if a.get("href", "").startswith("http")]
    assert external and all(a.get("role") is None for a in external)


def test_the_works_cited_lists_are_bibliographies_too(built: SphinxTestApp) -> None:
    root = xhtml(built, "sources.xhtml")
    blocks = [d for d in root.iter(f"{XHTML}div") if d.get("role") == "doc-bibliography"]
    assert len(blocks) == 4  # one per chapter


def nav_entries(app: SphinxTestApp) -> list[tuple[int, str, str]]:
    """(depth, text, href) of every entry of nav.xhtml's table of contents."""
    root = xhtml(app, "nav.xhtml")
    toc = next(
        n
        for n in root.iter(f"{XHTML}nav")
        if "toc" in n.get("{http://www.idpf.org/2007/ops}type", "")
    )
    found: list[tuple[int, str, str]] = []

    def walk(listing: ET.Element, depth: int) -> None:
        for item in listing.findall(f"{XHTML}li"):
            link = item.find(f"{XHTML}a")
            assert link is not None
            found.append((depth, "".join(link.itertext()), link.get("href", "")))
            for sub in item.findall(f"{XHTML}ol"):
                walk(sub, depth + 1)

    walk(toc.find(f"{XHTML}ol"), 1)
    return found


def test_the_navigation_lists_each_chapters_references(built: SphinxTestApp) -> None:
    entries = nav_entries(built)
    for chapter in ("intake", "models", "edges", "money"):
        position = next(n for n, e in enumerate(entries) if e[2] == f"{chapter}.xhtml")
        depth = entries[position][0]
        following = entries[position + 1 :]
        end = next((n for n, e in enumerate(following) if e[0] <= depth), len(following))
        below = following[:end]
        assert below[-1] == (depth + 1, "References", f"{chapter}.xhtml#references")
    ncx = ET.parse(built.outdir / "toc.ncx").getroot()
    sources = [c.get("src") for c in ncx.iter(f"{NCX}content")]
    assert [s for s in sources if s.endswith("#references")] == [
        f"{c}.xhtml#references" for c in ("intake", "models", "edges", "money")
    ]


def test_references_follow_the_chapters_own_page_in_reading_order(
    build_root: BuildRoot,
) -> None:
    # The formats root's second chapter has a sub-document: its References end
    # the chapter's own page, which comes before the sub-document's.
    app = build_root("formats", "epub")
    hrefs = [e[2] for e in nav_entries(app)]
    assert hrefs.index("ch2.xhtml#references") < hrefs.index("ch2-part.xhtml")
    assert_epubcheck_clean(app.outdir)


def spine(app: SphinxTestApp) -> list[str]:
    opf = ET.parse(app.outdir / "content.opf").getroot()
    items = {i.get("id"): i.get("href") for i in opf.iter(f"{OPF}item")}
    return [items[ref.get("idref")] for ref in opf.iter(f"{OPF}itemref")]


def test_no_empty_index_in_the_reading_order(built: SphinxTestApp) -> None:
    assert "genindex.xhtml" not in spine(built)
    assert not (built.outdir / "genindex.xhtml").exists()
    assert spine(built)[-1] == "sources.xhtml"


def test_a_book_with_index_entries_keeps_its_index(tmp_path: Path) -> None:
    srcdir = copy_root("print", tmp_path)
    preface = srcdir / "preface.md"
    preface.write_text(preface.read_text() + "\n```{index} latency\n```\n\nLatency matters.\n")
    app = build_app(srcdir, "epub", freshenv=True)
    assert app.warning.getvalue() == ""
    assert spine(app)[-1] == "genindex.xhtml"
    assert "latency" in (app.outdir / "genindex.xhtml").read_text(encoding="utf-8")


def test_a_cover_image_from_conf(tmp_path: Path) -> None:
    srcdir = copy_root("print", tmp_path)
    (srcdir / "_static").mkdir()
    shutil.copy(ROOTS / "test-formats" / "pixel.png", srcdir / "_static" / "cover.png")
    app = build_app(
        srcdir,
        "epub",
        freshenv=True,
        confoverrides={
            "html_static_path": ["_static"],
            "epub_cover": ("_static/cover.png", "epub-cover.html"),
        },
    )
    assert app.warning.getvalue() == ""
    assert spine(app)[0] == "epub-cover.xhtml"
    opf = (app.outdir / "content.opf").read_text(encoding="utf-8")
    assert re.search(r'<meta name="cover" content="[^"]+"/>', opf)
    assert 'src="_static/cover.png"' in (app.outdir / "epub-cover.xhtml").read_text(
        encoding="utf-8"
    )
    assert_epubcheck_clean(app.outdir)


def test_epubcheck_reports_nothing(built: SphinxTestApp) -> None:
    assert_epubcheck_clean(built.outdir)
