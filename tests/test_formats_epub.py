"""The book as EPUB 3: valid XHTML, the same References and links, the book's metadata."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from tests import epub_check
from tests.conftest import BuildRoot, build_app, copy_root
from tests.html_helpers import citation_items, read, reference_entries

XHTML = "{http://www.w3.org/1999/xhtml}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture(scope="module")
def built(build_root: BuildRoot) -> SphinxTestApp:
    return build_root("formats", "epub")


def pages(outdir: Path) -> dict[str, ET.Element]:
    """Every XHTML page of the book, parsed as XML (so it must be well-formed)."""
    return {
        path.relative_to(outdir).as_posix(): ET.parse(path).getroot()
        for path in sorted(outdir.rglob("*.xhtml"))
    }


def test_no_warnings(built: SphinxTestApp) -> None:
    assert built.warning.getvalue() == ""


def test_ids_are_unique_and_every_internal_link_lands(built: SphinxTestApp) -> None:
    parsed = pages(built.outdir)
    ids = {}
    for name, root in parsed.items():
        counts = Counter(e.get("id") for e in root.iter() if e.get("id"))
        assert [i for i, n in counts.items() if n > 1] == [], name
        ids[name] = set(counts)
    checked = 0
    for name, root in parsed.items():
        for link in root.iter(f"{XHTML}a"):
            href = link.get("href", "")
            if href.startswith(("http:", "https:", "mailto:")) or "#" not in href:
                continue
            page, _, fragment = href.partition("#")
            target = (Path(name).parent / page).as_posix() if page else name
            assert fragment in ids[target], f"{name}: {href}"
            checked += 1
    assert checked > 20


def test_every_kind_of_place_links_to_the_chapters_list(built: SphinxTestApp) -> None:
    chapter = read(built.outdir, "ch1.xhtml")
    hrefs = [item["href"] for item in citation_items(chapter)]
    # text (2), section title, figure caption, table caption, table cell (2),
    # admonition, footnote: all to this chapter's own entries.
    assert len(hrefs) == 9
    assert all(href.startswith("#ref-") for href in hrefs)
    entries = reference_entries(chapter)
    assert [e["id"] for e in entries] == [
        "ref-acme2024specials",
        "ref-kwon2023paged",
        "ref-zeta2023long",
        "ref-beyer2016sre",
    ]
    assert entries[0]["backlinks"].split() == ["#src-1", "#src-4", "#src-6"]
    part = read(built.outdir, "ch2-part.xhtml")
    assert [i["href"] for i in citation_items(part)] == ["ch2.xhtml#ref-acme2024specials"]


def test_contents_leave_a_titles_citation_to_the_section(built: SphinxTestApp) -> None:
    # A contents entry is a link to the section already; the citation, its
    # links and its ids stay in the section's own heading.
    index = read(built.outdir, "index.xhtml")
    assert citation_items(index) == []
    assert "source-citation" not in index
    assert ">1.1. Results of Zeta</a>" in index
    chapter = read(built.outdir, "ch1.xhtml")
    heading = chapter[chapter.index("<h2>") : chapter.index("</h2>")]
    assert [item["text"] for item in citation_items(heading)] == [
        "Zeta Research Laboratories International, 2023"
    ]


def test_metadata_comes_from_conf(built: SphinxTestApp) -> None:
    opf = ET.parse(built.outdir / "content.opf").getroot()
    meta = {e.tag.removeprefix(DC): (e.text or "") for e in opf.iter() if e.tag.startswith(DC)}
    assert meta["title"] == "Formats"
    assert meta["creator"] == "Formats Authors"
    assert meta["language"] == "en"
    assert meta["identifier"] == "urn:uuid:0b6f5a86-2c49-4a53-9d7f-0f2d1b1c6a11"
    assert meta["rights"] == "2026, Formats Authors"


def test_ncx_names_the_books_identifier(built: SphinxTestApp) -> None:
    ncx = (built.outdir / "toc.ncx").read_text(encoding="utf-8")
    assert '<meta name="dtb:uid" content="urn:uuid:0b6f5a86-2c49-4a53-9d7f-0f2d1b1c6a11"/>' in ncx


def test_rebuild_leaves_citations_json_out(tmp_path: Path) -> None:
    srcdir = copy_root("formats", tmp_path)
    build_app(srcdir, "epub", freshenv=True)
    again = build_app(srcdir, "epub")
    assert (again.outdir / "citations.json").is_file()
    assert again.warning.getvalue() == ""
    assert "citations.json" not in (again.outdir / "content.opf").read_text(encoding="utf-8")


def test_epubcheck_reports_nothing(built: SphinxTestApp) -> None:
    try:
        epub_check.epubcheck_command()
    except epub_check.EpubCheckMissingError as missing:
        pytest.skip(str(missing))
    report = epub_check.run_epubcheck(epub_check.find_epub(built.outdir))
    assert (report.fatals, report.errors, report.warnings) == (0, 0, 0), report.output
    assert report.ok
