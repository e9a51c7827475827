"""Books in Jupyter Book's layouts: chapters are documents, numbered as the reader sees them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path
from typing import NamedTuple

import pytest
from sphinx.util.console import strip_escape_sequences

from tests.html_helpers import read, reference_entries
from tests.jupyter_books import PARTS, external_toc_book, toctree_book

LECTURES = [docname for _, lectures in PARTS for docname, _, _ in lectures]
CITING = [d for d in LECTURES if d != "lectures/about"]
QUIET = 'suppress_warnings = ["citations.chapter-numbers"]\n'


class Built(NamedTuple):
    srcdir: Path
    outdir: Path
    #: What the build wrote to stderr: its warnings.
    warnings: str


def build(srcdir: Path, **overrides: str) -> Built:
    """Build *srcdir* as HTML in a process of its own.

    sphinx_multitoc_numbering patches Sphinx's section numbering for the whole
    process once loaded, and two themes in one process mix their templates
    up: each book here gets a fresh interpreter.
    """
    outdir = srcdir / "_build" / "html"
    command = [sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html"]
    for name, value in overrides.items():
        command += ["-D", f"{name}={value}"]
    done = subprocess.run(
        [*command, str(srcdir), str(outdir)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    assert done.returncode == 0, done.stderr
    return Built(srcdir, outdir, done.stderr)


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Three numbered toctrees, each starting again at 1 (no sphinx_multitoc_numbering)."""
    return build(toctree_book(tmp_path_factory.mktemp("parts") / "book"))


@pytest.fixture(scope="module")
def continuous(tmp_path_factory: pytest.TempPathFactory) -> Built:
    srcdir = toctree_book(tmp_path_factory.mktemp("multitoc") / "book", multitoc=True)
    return build(srcdir)


@pytest.fixture(scope="module")
def unnumbered(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(toctree_book(tmp_path_factory.mktemp("unnumbered") / "book", numbered=False))


@pytest.fixture(scope="module")
def external(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(external_toc_book(tmp_path_factory.mktemp("external") / "book"))


def data_of(app: Built) -> dict[str, list[dict[str, object]]]:
    return json.loads(read(app.outdir, "citations.json"))  # type: ignore[no-any-return]


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def frequency_rows(app: Built) -> list[tuple[str, str]]:
    html = read(app.outdir, "works-cited.html")
    table = html.split('<table class="citation-frequency')[1].split("</table>")[0]
    rows = re.findall(r"<tr class=\"row-(?:even|odd)\">(.*?)</tr>", table, re.DOTALL)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.DOTALL) for row in rows]
    return [(text_of(row[0]).split(" (")[0], text_of(row[1])) for row in cells if row]


def headings(app: Built) -> list[str]:
    html = read(app.outdir, "works-cited.html")
    body = html.split('class="works-cited', 1)[1]
    return [text_of(h).rstrip(" ¶") for h in re.findall(r"<h2>(.*?)</h2>", body, re.DOTALL)]


def every_citing_lecture_has_its_list(app: Built) -> None:
    for docname in CITING:
        entries = reference_entries(read(app.outdir, f"{docname}.html"))
        assert entries, docname
    assert reference_entries(read(app.outdir, "lectures/about.html")) == []
    # The subdocument's citation is in its chapter's list, not its own.
    assert reference_entries(read(app.outdir, "lectures/models_a_detail.html")) == []
    models_a = [e["id"] for e in reference_entries(read(app.outdir, "lectures/models_a.html"))]
    assert models_a == ["ref-jones2001", "ref-kalai1993a", "ref-ljungqvist2018"]


# -- parts, numbering starting again in each ------------------------------------


def test_parts_warn_once_at_the_toctree_that_starts_again(parts: Built) -> None:
    warnings = strip_escape_sequences(parts.warnings).strip().splitlines()
    assert len(warnings) == 1
    intro = (Path(parts.srcdir) / "intro.md").read_text().splitlines()
    line = int(re.search(r"intro\.md:(\d+): WARNING", warnings[0])[1])  # type: ignore[index]
    assert intro[line - 1] == "```{toctree}" and intro[line + 1] == ":caption: Tools"
    assert "two chapters show the same number" in warnings[0]
    assert warnings[0].endswith("[citations.chapter-numbers]")


def test_parts_every_citing_lecture_has_its_list(parts: Built) -> None:
    every_citing_lecture_has_its_list(parts)


def test_parts_chapters_are_documents_named_by_part_and_number(parts: Built) -> None:
    chapters = data_of(parts)["chapters"]
    assert [c["docname"] for c in chapters] == LECTURES
    assert [c["number"] for c in chapters] == [1, 2, 1, 2, 1, 2]
    page = read(parts.outdir, "lectures/tools_a.html")
    assert '<h1><span class="section-number">1. </span>Tools A' in page  # as Sphinx shows it
    assert [c["label"] for c in chapters] == ["I.1", "I.2", "II.1", "II.2", "III.1", "III.2"]
    assert [c["part"] for c in chapters] == ["Introduction"] * 2 + ["Tools"] * 2 + ["Models"] * 2
    references = {c["docname"]: [r["key"] for r in c["references"]] for c in chapters}  # type: ignore[union-attr]
    assert references["lectures/tools_a"] == ["sargent1999", "ljungqvist2018"]
    assert references["lectures/models_b"] == ["sargent1999", "imf2015"]
    works = {w["key"]: w["chapters"] for w in data_of(parts)["works"]}
    assert works["sargent1999"] == ["lectures/basics", "lectures/tools_a", "lectures/models_b"]


def test_parts_table_and_works_cited_tell_chapters_apart(parts: Built) -> None:
    assert frequency_rows(parts) == [
        ("Sargent", "I.2, II.1, III.2"),
        ("Kalai & Lehrer", "I.2, III.1"),
        ("Ljungqvist & Sargent", "II.1, III.1"),
        ("International Monetary Fund", "II.2, III.2"),
    ]
    html = read(parts.outdir, "works-cited.html")
    assert '<a class="reference internal" href="lectures/tools_a.html">II.1</a>' in html
    assert headings(parts)[1:7] == [
        "Chapter I.1: About These Lectures",
        "Chapter I.2: Basics",
        "Chapter II.1: Tools A",
        "Chapter II.2: Tools B",
        "Chapter III.1: Models A",
        "Chapter III.2: Models B",
    ]
    assert "Shares sources with Chapters I.2, II.1, and II.2." in text_of(html)
    # Each chapter's list on the Works Cited has ids of its own.
    ids = [e["id"] for e in reference_entries(html)]
    assert "chapter-lectures-tools-a-ref-sargent1999" in ids
    assert len(ids) == len(set(ids))


def test_parts_with_the_warning_silenced_build_clean(tmp_path: Path) -> None:
    app = build(toctree_book(tmp_path / "book", extra_conf=QUIET))
    assert app.warnings == ""


# -- parts numbered continuously ------------------------------------------------


def test_continuous_numbering_is_taken_as_shown(continuous: Built) -> None:
    assert continuous.warnings == ""
    chapters = data_of(continuous)["chapters"]
    assert [c["docname"] for c in chapters] == LECTURES
    assert [c["label"] for c in chapters] == ["1", "2", "3", "4", "5", "6"]
    assert frequency_rows(continuous)[0] == ("Sargent", "2, 3, 6")
    assert headings(continuous)[3] == "Chapter 3: Tools A"
    assert "Shares sources with Chapters 2–4." in text_of(
        read(continuous.outdir, "works-cited.html")
    )
    every_citing_lecture_has_its_list(continuous)


# -- no numbered toctree ----------------------------------------------------------


@pytest.mark.parametrize("layout", ["unnumbered", "external"])
def test_unnumbered_chapters_are_the_root_toctrees_entries(
    layout: str, request: pytest.FixtureRequest
) -> None:
    app: Built = request.getfixturevalue(layout)
    assert app.warnings == ""
    chapters = data_of(app)["chapters"]
    # The bibliography's own page and the Works Cited are no chapters.
    assert [c["docname"] for c in chapters] == LECTURES
    assert [c["number"] for c in chapters] == [None] * 6
    assert [c["label"] for c in chapters] == [
        "About These Lectures",
        "Basics",
        "Tools A",
        "Tools B",
        "Models A",
        "Models B",
    ]
    every_citing_lecture_has_its_list(app)
    assert frequency_rows(app)[0] == ("Sargent", "Basics, Tools A, Models B")
    assert headings(app)[1:3] == ["About These Lectures", "Basics"]
    assert "Shares sources with “Basics” and “Tools A”." in text_of(
        read(app.outdir, "works-cited.html")
    )


def test_external_toc_with_numbered_parts(tmp_path: Path) -> None:
    app = build(external_toc_book(tmp_path / "book", numbered=True))
    assert app.warnings == ""
    chapters = data_of(app)["chapters"]
    assert [c["docname"] for c in chapters] == LECTURES
    # Sphinx numbers the parts sphinx-external-toc makes continuously: as shown.
    page = read(app.outdir, "lectures/tools_a.html")
    assert '<h1><span class="section-number">3. </span>Tools A' in page
    assert [c["label"] for c in chapters] == ["1", "2", "3", "4", "5", "6"]
    every_citing_lecture_has_its_list(app)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("numbered", ["ch1", "ch2/index", "ch3"]),
        ("toctree", ["preface", "ch1", "ch2/index", "ch3"]),
    ],
)
def test_the_config_value_chooses(mode: str, expected: list[str], tmp_path: Path) -> None:
    from tests.conftest import copy_root

    app = build(copy_root("chapters", tmp_path), citations_chapters=mode)
    assert [c["docname"] for c in data_of(app)["chapters"]] == expected


def test_a_wrong_mode_warns_and_uses_auto(tmp_path: Path) -> None:
    from tests.conftest import copy_root

    app = build(copy_root("chapters", tmp_path), citations_chapters="parts")
    assert "invalid value for citations_chapters" in app.warnings
    assert [c["docname"] for c in data_of(app)["chapters"]] == ["ch1", "ch2/index", "ch3"]


# -- the added References section -------------------------------------------------


def ids_of(html: str) -> list[str]:
    return re.findall(r"\sid=\"([^\"]+)\"", html)


@pytest.mark.parametrize("layout", ["parts", "continuous", "unnumbered", "external"])
def test_no_id_repeats_on_any_page(layout: str, request: pytest.FixtureRequest) -> None:
    app: Built = request.getfixturevalue(layout)
    pages = sorted(Path(app.outdir).rglob("*.html"))
    assert len(pages) > 8
    for page in pages:
        ids = ids_of(page.read_text(encoding="utf-8"))
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        assert repeated == [], page


def test_an_authors_references_heading_keeps_its_id(continuous: Built) -> None:
    html = read(continuous.outdir, "lectures/tools_a.html")
    # The author's own section, then ours: both numbered like their siblings.
    assert re.search(
        r'<section id="references">\s*<h2><span class="section-number">3\.2\. </span>References',
        html,
    )
    ours = html.split('<section class="source-references-section" id="references-1">')[1]
    assert ours.lstrip().startswith('<h2><span class="section-number">3.3. </span>References')
    assert [e["id"] for e in reference_entries(ours)] == ["ref-sargent1999", "ref-ljungqvist2018"]
    # The author's section keeps its text and holds no list.
    authors = html.split('<section id="references">')[1].split("</section>")[0]
    assert "further reading" in authors and "source-reference" not in authors


def test_the_section_is_in_contents_boxes(continuous: Built) -> None:
    html = read(continuous.outdir, "lectures/basics.html")
    box = html.split('<nav class="contents local"')[1].split("</nav>")[0]
    assert re.findall(r'href="#([^"]+)"', box) == ["overview", "details", "references"]
    assert '<section class="source-references-section" id="references">' in html
    # A subdocument's list is its chapter's: no section, nor an entry in its box.
    detail = read(continuous.outdir, "lectures/models_a_detail.html")
    box = detail.split('<nav class="contents local"')[1].split("</nav>")[0]
    assert re.findall(r'href="#([^"]+)"', box) == ["derivation"]
    assert "source-references-section" not in detail
    assert "source-references-section" not in read(continuous.outdir, "lectures/about.html")


def test_a_chapter_without_sections_numbers_nothing(unnumbered: Built) -> None:
    html = read(unnumbered.outdir, "lectures/tools_b.html")
    assert re.search(
        r'<section class="source-references-section" id="references">\s*<h2>References<', html
    )


@pytest.fixture(scope="module", params=["sphinx_book_theme", "pydata_sphinx_theme", "alabaster"])
def themed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    theme: str = request.param
    srcdir = toctree_book(tmp_path_factory.mktemp(theme) / "book", multitoc=True)
    return build(srcdir, html_theme=theme)


def page_toc(app: Built, page: str) -> list[str]:
    """The anchors the page's "On this page" lists (the theme's local table of contents)."""
    html = read(app.outdir, page)
    if "alabaster" in app.srcdir.parent.name:
        # Its sidebar's toctree shows the current page's sections.
        current = html.split('<li class="toctree-l1 current">')[1].split("</ul>")[0]
        return re.findall(r'toctree-l2"><a class="reference internal" href="#([^"]+)"', current)
    nav = html.split("page-toc", 1)[1].split("</nav>")[0]
    return re.findall(r'nav-link" href="#([^"]+)"', nav)


def test_on_this_page_lists_the_references(themed: Built) -> None:
    assert themed.warnings == ""
    assert page_toc(themed, "lectures/tools_a.html") == ["overview", "references", "references-1"]
    assert page_toc(themed, "lectures/tools_b.html") == ["overview", "references"]
    assert "references" not in page_toc(themed, "lectures/models_a_detail.html")


def test_search_finds_a_work_on_the_works_cited_not_in_chapters(themed: Built) -> None:
    text = read(themed.outdir, "searchindex.js")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    docnames = index["docnames"]
    # "equilibrium" is only in works' titles: the lists of the chapters citing
    # them are out of the index, the Works Cited and the bibliography are in it.
    pages = index["terms"]["equilibrium"]
    pages = pages if isinstance(pages, list) else [pages]
    assert sorted(docnames[i] for i in pages) == ["works-cited", "zreferences"]
    # The References sections are titles of their chapters, found as such.
    titled = sorted(docnames[i] for i, anchor in index["alltitles"]["References"])
    assert set(CITING) <= set(titled)


def test_the_realbook_checks_see_what_they_check(continuous: Built, tmp_path: Path) -> None:
    from benchmarks.realbook import chapters_without_their_list, repeated_ids

    assert chapters_without_their_list(continuous.outdir) == []
    assert repeated_ids(continuous.outdir) == {}
    broken = tmp_path / "html"
    shutil.copytree(continuous.outdir, broken)
    page = broken / "lectures" / "tools_b.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html.split('<section class="source-references-section"')[0], encoding="utf-8")
    about = broken / "lectures" / "about.html"
    about.write_text(about.read_text(encoding="utf-8") + '<p id="x"></p><p id="x"></p>')
    assert chapters_without_their_list(broken) == ["lectures/tools_b: 0 of 2 entries"]
    assert repeated_ids(broken) == {"lectures/about.html": ["x"]}


def test_realbook_tells_the_books_own_repeated_ids_from_ours(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exercises and proofs repeat their ids in a real book: the book's doing, not a failure."""
    from benchmarks.realbook import main

    srcdir = external_toc_book(tmp_path / "book", extra_conf=QUIET)
    about = srcdir / "lectures" / "about.md"
    about.write_text(
        about.read_text(encoding="utf-8")
        + '\n```{raw} html\n<p id="twice"></p><p id="twice"></p>\n```\n',
        encoding="utf-8",
    )
    work = tmp_path / "work"
    assert main([str(srcdir), "--keep", str(work)]) == 0
    said = capsys.readouterr().out
    assert "the book itself repeats ids on 1 pages (without sphinx_ext too): twice" in said
    assert "every citing chapter has its list, sphinx_ext repeats no id" in said
    assert f"{len(LECTURES)} chapters, {len(CITING)} citing" in said
    # Notebooks are never executed in the copies; the author's conf.py is untouched.
    for copy in ("plain-src", "ext-src"):
        conf = (work / copy / "conf.py").read_text(encoding="utf-8")
        assert conf.endswith('nb_execution_mode = "off"\n')
    assert "nb_execution_mode" not in (srcdir / "conf.py").read_text(encoding="utf-8")


def test_realbook_compares_repeats_and_warnings_with_the_build_without() -> None:
    from benchmarks.realbook import ids_repeated_by_the_extension, warnings_only_with

    plain = {"a.html": ["exercise-content"], "b.html": ["proof"]}
    ours = {"a.html": ["exercise-content", "references"], "b.html": ["proof"], "c.html": ["x"]}
    assert ids_repeated_by_the_extension(plain, ours) == {"a.html": ["references"], "c.html": ["x"]}
    assert ids_repeated_by_the_extension(plain, plain) == {}
    without = ["/w/plain-src/a.md:3: WARNING: one", "/w/plain-src/a.md:3: WARNING: one"]
    with_ = [
        "/w/ext-src/a.md:3: WARNING: one",
        "/w/ext-src/a.md:3: WARNING: one",
        "/w/ext-src/a.md:3: WARNING: one",
        "/w/ext-src/b.md:1: WARNING: two [citations.unknown]",
    ]
    assert warnings_only_with(without, with_) == [
        "/w/ext-src/a.md:3: WARNING: one",
        "/w/ext-src/b.md:1: WARNING: two [citations.unknown]",
    ]


def test_back_links_in_unnumbered_sections_never_read_alike(tmp_path: Path) -> None:
    """Paragraphs count per section: ¶1 of two unnumbered sections must not give two "¶1"."""
    srcdir = external_toc_book(tmp_path / "book", extra_conf=QUIET)
    tools_b = srcdir / "lectures" / "tools_b.md"
    tools_b.write_text(
        tools_b.read_text(encoding="utf-8") + "\n## More\n\nAgain {cite:p}`smith2010`.\n",
        encoding="utf-8",
    )
    page = read(build(srcdir).outdir, "lectures/tools_b.html")
    item = r'<li class="source-reference" id="ref-smith2010">(.*?)</li>'
    entry = re.search(item, page, re.DOTALL)
    assert entry is not None
    labels = re.findall(r'class="source-backlink[^"]*"[^>]*>([^<]*)</a>', entry.group(1))
    assert labels == ["1", "2"]
