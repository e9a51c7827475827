"""Chapters, their References, the frequency table and the Works Cited."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

from tests.conftest import BuildRoot, build_app, copy_root
from tests.html_helpers import citation_items, read, reference_entries


@pytest.fixture(scope="module")
def built(build_root: BuildRoot) -> SphinxTestApp:
    return build_root("chapters")


def hrefs(app: SphinxTestApp, page: str) -> list[str]:
    return [i["href"] for i in citation_items(read(app.outdir, page))]


def entry_ids(app: SphinxTestApp, page: str) -> list[str]:
    return [e["id"] for e in reference_entries(read(app.outdir, page))]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_no_warnings(built: SphinxTestApp) -> None:
    assert built.warning.getvalue() == ""


def test_chapter_lists_its_own_and_its_subdocuments_works(built: SphinxTestApp) -> None:
    assert entry_ids(built, "ch1.html") == ["ref-alpha2020", "ref-beta2021", "ref-gamma2022"]
    # Numbered like the chapter's other sections, after its subdocument (1.1).
    assert '<h2><span class="section-number">1.2. </span>References' in read(
        built.outdir, "ch1.html"
    )


def test_subdocument_links_to_its_chapters_list(built: SphinxTestApp) -> None:
    assert hrefs(built, "ch1-part.html") == ["ch1.html#ref-gamma2022", "ch1.html#ref-alpha2020"]
    assert entry_ids(built, "ch1-part.html") == []


def test_backlinks_reach_every_citing_place_in_the_chapter(built: SphinxTestApp) -> None:
    entries = {e["id"]: e for e in reference_entries(read(built.outdir, "ch1.html"))}
    assert entries["ref-alpha2020"]["backlinks"].split() == [
        "#src-1",
        "#src-3",
        "ch1-part.html#src-2",
    ]


def test_note_shows_in_its_chapter_only(built: SphinxTestApp) -> None:
    ch1 = {e["id"]: e["text"] for e in reference_entries(read(built.outdir, "ch1.html"))}
    assert "[Note for alpha in chapter one, see alpha.cfg]" in ch1["ref-alpha2020"]
    assert (
        "<code" in read(built.outdir, "ch1.html").split('id="ref-alpha2020"')[1].split("</li>")[0]
    )
    works = read(built.outdir, "works.html")
    assert works.count("Note for alpha") == 1  # in chapter 1's list, not in the categories


def test_explicit_placement_in_a_subdocument(built: SphinxTestApp) -> None:
    assert hrefs(built, "ch2/index.html") == [
        "sources.html#ref-beta2021",
        "sources.html#ref-omega2019",
        "sources.html#ref-zeta2024",
    ]
    assert entry_ids(built, "ch2/sources.html") == [
        "ref-beta2021",
        "ref-omega2019",
        "ref-zeta2024",
    ]
    assert 'id="references"' not in read(built.outdir, "ch2/index.html")


def test_a_work_in_two_chapters_links_within_each(built: SphinxTestApp) -> None:
    assert "ch1.html#ref-beta2021" not in read(built.outdir, "ch2/index.html")
    assert hrefs(built, "ch1.html")[1] == "#ref-beta2021"


def test_chapter_without_citations_has_no_references(built: SphinxTestApp) -> None:
    html = read(built.outdir, "ch3.html")
    assert 'id="references"' not in html
    assert "source-references" not in html


def test_front_matter_citations_link_to_the_works_cited(built: SphinxTestApp) -> None:
    assert hrefs(built, "preface.html") == ["works.html#ref-alpha2020"]
    assert entry_ids(built, "preface.html") == []


def test_frequency_table(built: SphinxTestApp) -> None:
    html = read(built.outdir, "frequency.html")
    rows = re.findall(r"<tr class=\"row-(?:even|odd)\">(.*?)</tr>", html, re.DOTALL)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.DOTALL) for row in rows]
    table = [[text_of(cell) for cell in row] for row in cells if row]
    assert table == [
        ["Beta (2021). “Beta Work.”", "1, 2"],
        ["Alpha (2020). “Alpha Work.”", "1"],
        ["Gamma et al. (2022). “Gamma Paper.”", "1"],
        ["Omega (2019). “The Omega Book.”", "2"],
        ["Zeta (2024). “Zeta Docs.”", "2"],
    ]
    # A chapter number links to the work's entry in that chapter's References
    # (chapter 2 places them in ch2/sources).
    assert '<a class="reference internal" href="ch2/sources.html#ref-beta2021">2</a>' in html


def test_works_cited(built: SphinxTestApp) -> None:
    html = read(built.outdir, "works.html")
    text = text_of(html)
    # The table keeps only works in two or more chapters by default.
    table = html.split('id="works-cited-frequent"')[1].split("</table>")[0]
    assert "Beta Work" in table and "Alpha Work" not in table
    for heading in (
        "Chapter 1: First Chapter",
        "Chapter 2: Second Chapter",
        "Chapter 3: Third Chapter",
    ):
        assert heading in text
    assert "Shares sources with Chapter 2." in text
    assert "Shares sources with Chapter 1." in text
    chapter3 = html.split('id="works-cited-chapter-ch3"')[1].split("</section>")[0]
    assert "This chapter cites no sources." in chapter3
    assert entry_ids(built, "works.html") == [
        "chapter-ch1-ref-alpha2020",
        "chapter-ch1-ref-beta2021",
        "chapter-ch1-ref-gamma2022",
        "chapter-ch2-index-ref-beta2021",
        "chapter-ch2-index-ref-omega2019",
        "chapter-ch2-index-ref-zeta2024",
        # By category, then label: Academic, Published Books, Vendor Documentation, Industry.
        "ref-gamma2022",
        "ref-omega2019",
        "ref-zeta2024",
        "ref-alpha2020",
        "ref-beta2021",
    ]
    for heading in (
        "Academic Papers",
        "Published Books",
        "Vendor Documentation",
        "Industry Research and Blog Posts",
    ):
        assert heading in text
    assert "Industry Standards" not in text
    assert "Never Cited" not in text


def test_auto_references_can_be_switched_off(build_root: BuildRoot) -> None:
    app = build_root("chapters", confoverrides={"citations_auto_references": False})
    assert entry_ids(app, "ch1.html") == []
    # Still resolves; with no list in its chapter it links to the Works Cited.
    assert hrefs(app, "ch1.html")[0] == "works.html#ref-alpha2020"
    assert entry_ids(app, "ch2/sources.html")[0] == "ref-beta2021"  # explicit stays


def test_misplaced_directives_warn(tmp_path: Path) -> None:
    srcdir = copy_root("chapters", tmp_path)
    with (srcdir / "preface.md").open("a") as preface:
        preface.write("\n```{chapter-references}\n```\n")
        preface.write("\n```{source-note} Alpha, 2020\nfront\n```\n")
    with (srcdir / "ch3.md").open("a") as chapter3:
        chapter3.write("\n```{source-note} Beta, 2021\nnot cited here\n```\n")
    with (srcdir / "ch1-part.md").open("a") as part:
        part.write(
            "\n```{source-note} Nobody, 1999\nlost\n```\n\n```{source-note} Alpha 2020\nx\n```\n"
        )
    app = build_app(srcdir, freshenv=True)
    warnings = strip_escape_sequences(app.warning.getvalue())
    assert re.search(
        r"preface.md:5: WARNING: chapter-references outside a chapter.*\[citations.placement\]",
        warnings,
    )
    assert re.search(
        r"ch1-part.md:5: WARNING: unknown work 'Nobody, 1999'.*\[citations.unknown\]", warnings
    )
    assert re.search(
        r"ch1-part.md:9: WARNING: source-note takes exactly one work.*\[citations.note\]", warnings
    )
    assert re.search(
        r"preface.md:8: WARNING: source-note for 'Alpha, 2020' is not in a chapter"
        r".*\[citations.note\]",
        warnings,
    )
    assert re.search(
        r"ch3.md:5: WARNING: source-note for 'Beta, 2021' is about a work chapter 3 does not cite"
        r".*\[citations.note\]",
        warnings,
    )


def test_search_index_has_each_work_once(built: SphinxTestApp) -> None:
    text = read(built.outdir, "searchindex.js")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    docnames = index["docnames"]
    # "docs" is only in a work's title ("Zeta Docs"): found where the tables
    # and the Works Cited show it, not on the chapter page whose References list it.
    pages = index["terms"]["doc"]
    pages = pages if isinstance(pages, list) else [pages]
    assert sorted(docnames[i] for i in pages) == ["frequency", "works"]
