"""Robustness on books shaped like other people's: placement, identifiers, links, encodings.

The ``robust`` root places one chapter's References with ``{chapter-references}``
under the author's own "References" heading (as the README shows), gives another
chapter a "References" section of its own beside the automatic list, cites in a
section title, and has identifiers (``%20``, ``~``, ``--``, ``%2F``) in its
``.bib``. The other tests here change a copy of it: a second directive, unsafe
URLs, a ``.bib`` in Latin-1, a binary ``.bib``.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from tests import epub_check
from tests.conftest import BuildRoot, build_app, copy_root
from tests.html_helpers import read, reference_entries
from tests.test_verify_builder import warning_lines

URL = "https://example.org/My%20Guide~v2--final#part-1"
ACME_URL = "https://example.org/a_b/c%2Fd?x=1&y=2"
ACME_DOI = "10.1000/a~b--c%25"


@pytest.fixture(scope="module")
def html(build_root: BuildRoot) -> SphinxTestApp:
    return build_root("robust", "html")


@pytest.fixture(scope="module")
def latex(build_root: BuildRoot) -> SphinxTestApp:
    return build_root("robust", "latex")


@pytest.fixture(scope="module")
def epub(build_root: BuildRoot) -> SphinxTestApp:
    return build_root("robust", "epub")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1
            if name == "href" and value is not None:
                self.hrefs.append(value)


def parsed(page: Path) -> _Ids:
    parser = _Ids()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def repeated_ids(outdir: Path, pattern: str) -> dict[str, list[str]]:
    """Page → the ids it repeats, for every page of the build."""
    found = {}
    for page in sorted(outdir.rglob(pattern)):
        repeated = [i for i, n in parsed(page).ids.items() if n > 1]
        if repeated:
            found[page.name] = repeated
    return found


def latex_repeated_labels(tex: str) -> list[str]:
    labels = Counter(re.findall(r"\\label\{(.*?)\}(?=[^}]|$)", tex))
    targets = Counter(re.findall(r"\\(?:hypertarget|sphinxsrctarget)\{([^}]*)\}", tex))
    return [k for k, n in (labels + targets).items() if n > 1]


def lists(page: str) -> int:
    """How many References lists the page shows."""
    return len(re.findall(r'<ol class="[^"]*\bsource-references[\s"]', page))


def messages(app: SphinxTestApp) -> list[str]:
    return warning_lines(app)


# -- the clean root, in every builder -------------------------------------------


def test_builds_without_warnings(html: SphinxTestApp, latex: SphinxTestApp) -> None:
    assert messages(html) == []
    assert messages(latex) == []


def test_placed_list_replaces_the_automatic_one(html: SphinxTestApp) -> None:
    page = read(html.outdir, "placed.html")
    assert lists(page) == 1
    assert "source-references-section" not in page
    # The list stands under the author's heading, before the section after it.
    assert page.index("source-references") < page.index("After the List")
    assert len(reference_entries(page)) == 2


def test_automatic_list_beside_the_authors_own_references_section(html: SphinxTestApp) -> None:
    page = read(html.outdir, "automatic.html")
    assert lists(page) == 1
    assert 'id="references"' in page and 'id="references-1"' in page


def test_no_html_page_repeats_an_id(html: SphinxTestApp) -> None:
    assert repeated_ids(html.outdir, "*.html") == {}


def test_no_epub_page_repeats_an_id_and_epubcheck_passes(epub: SphinxTestApp) -> None:
    assert messages(epub) == []
    assert repeated_ids(epub.outdir, "*.xhtml") == {}
    try:
        report = epub_check.run_epubcheck(epub_check.find_epub(epub.outdir))
    except epub_check.EpubCheckMissingError as missing:
        pytest.skip(str(missing))
    assert (report.fatals, report.errors, report.warnings) == (0, 0, 0), report.output


def test_no_latex_label_is_defined_twice(latex: SphinxTestApp) -> None:
    tex = (latex.outdir / "robust.tex").read_text(encoding="utf-8")
    assert latex_repeated_labels(tex) == []
    assert tex.count(r"\begin{sphinxthebibliography}") == 0


@pytest.mark.latex
@pytest.mark.skipif(shutil.which("latexmk") is None, reason="TeX Live is missing")
def test_latex_reports_no_multiply_defined_label(latex: SphinxTestApp) -> None:
    subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "robust.tex"],
        cwd=latex.outdir,
        capture_output=True,
        check=True,
        timeout=300,
    )
    log = (latex.outdir / "robust.log").read_text(encoding="latin-1")
    assert "multiply defined" not in log
    assert "There were undefined references" not in log


# -- identifiers as written ---------------------------------------------------------


def test_identifiers_reach_citations_json_as_written(html: SphinxTestApp) -> None:
    data = json.loads((html.outdir / "citations.json").read_text(encoding="utf-8"))
    urls = {work["key"]: work["url"] for work in data["works"]}
    assert urls == {"deepgram2025": URL, "acme2024": ACME_URL, "kwon2023paged": None}
    titles = {work["key"]: work["title"] for work in data["works"]}
    assert titles["acme2024"] == "Identifiers 99% Kept"


def test_identifiers_reach_html_and_epub_as_written(
    html: SphinxTestApp, epub: SphinxTestApp
) -> None:
    for outdir, suffix in ((html.outdir, "html"), (epub.outdir, "xhtml")):
        hrefs = set(parsed(outdir / f"works.{suffix}").hrefs)
        assert {URL, ACME_URL, f"https://doi.org/{ACME_DOI}"} <= hrefs, suffix
        assert "https://arxiv.org/abs/2401.00001" in hrefs
        text = html_lib.unescape(read(outdir, f"works.{suffix}"))
        assert f"doi:{ACME_DOI}" in text
        assert "arXiv:2401.00001" in text


def test_identifiers_reach_latex_escaped_only_for_latex(latex: SphinxTestApp) -> None:
    tex = (latex.outdir / "robust.tex").read_text(encoding="utf-8")
    hrefs = re.findall(r"\\sphinx(?:href|url)\{([^}]*)\}", tex)
    unescaped = {re.sub(r"\\([%#&_])", r"\1", h) for h in hrefs}
    assert {URL, ACME_URL, f"https://doi.org/{ACME_DOI}"} <= unescaped
    # The DOI shown as text: TeX's escapes, not a decoded en dash or a no-break space.
    assert r"doi:10.1000/a\textasciitilde{}b\sphinxhyphen{}\sphinxhyphen{}c\%25" in tex


def test_sourcecheck_requests_urls_as_written(tmp_path: Path) -> None:
    from tests._loopback import LoopbackServer, Reply, serve

    srcdir = copy_root("robust", tmp_path)
    server = LoopbackServer("127.0.0.2", {"/My%20Guide~v2--final": Reply(200)})
    with serve(server):
        bib = srcdir / "refs.bib"
        host = f"http://127.0.0.2:{server.port}"
        bib.write_text(
            bib.read_text(encoding="utf-8").replace("https://example.org", host),
            encoding="utf-8",
        )
        app = build_app(
            srcdir,
            "sourcecheck",
            freshenv=True,
            confoverrides={"citations_verify_retries": 0, "citations_verify_hosts": {}},
        )
    paths = {hit.path for hit in server.hits}
    assert "/My%20Guide~v2--final" in paths
    assert "/a_b/c%2Fd?x=1&y=2" in paths
    assert not [line for line in messages(app) if "My%20Guide" in line and "broken" in line]


# -- citations in headings, notes ---------------------------------------------------


def test_citation_in_a_heading_leaves_no_trace_in_anchor_toc_or_titles(
    html: SphinxTestApp,
) -> None:
    page = read(html.outdir, "automatic.html")
    assert 'id="latency-budgets"' in page
    assert "source-deepgram" not in page
    index = read(html.outdir, "index.html")
    assert 'href="automatic.html#latency-budgets">2.1. Latency Budgets</a>' in index
    # The heading still shows the citation, with its space, and links it.
    assert re.search(r"Latency Budgets<span class=\"source-citation\"> \[Source: ", page)
    data = json.loads((html.outdir / "citations.json").read_text(encoding="utf-8"))
    assert [c["title"] for c in data["chapters"]] == ["Placed Chapter", "Automatic Chapter"]


def test_source_note_body_is_myst_inline_markup(html: SphinxTestApp) -> None:
    page = read(html.outdir, "automatic.html")
    assert "<strong>section 3</strong>" in page
    assert "**" not in page
    assert re.search(r"<code[^>]*><span class=\"pre\">the</span>", page)


# -- a copy of the root, changed ----------------------------------------------------


def test_second_directives_are_located_warnings_and_show_nothing(tmp_path: Path) -> None:
    srcdir = copy_root("robust", tmp_path)
    placed = srcdir / "placed.md"
    placed.write_text(
        placed.read_text(encoding="utf-8") + "\n```{chapter-references}\n```\n", encoding="utf-8"
    )
    works = srcdir / "works.md"
    works.write_text(
        works.read_text(encoding="utf-8") + "\n```{works-cited}\n```\n", encoding="utf-8"
    )
    (srcdir / "more.md").write_text("# More\n\n```{works-cited}\n```\n", encoding="utf-8")
    index = srcdir / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8").replace("works\n```", "works\nmore\n```"),
        encoding="utf-8",
    )
    app = build_app(srcdir, "html", freshenv=True)
    found = messages(app)
    assert any(
        re.search(r"placed\.md:15: WARNING: a second \{chapter-references\}.*line 8", m)
        for m in found
    ), found
    assert any(re.search(r"works\.md:6: WARNING: a second \{works-cited\}", m) for m in found)
    assert any(re.search(r"more\.md:3: WARNING: a second \{works-cited\}.*works", m) for m in found)
    assert all("[citations.placement]" in m for m in found), found
    assert len(found) == 3
    assert repeated_ids(app.outdir, "*.html") == {}
    assert lists(read(app.outdir, "placed.html")) == 1
    assert "source-reference" not in read(app.outdir, "more.html")
    # Citations outside chapters link to the one Works Cited.
    # (one listing: its table's section once; its title is also in the page's contents)
    assert read(app.outdir, "works.html").count('id="works-cited-frequent"') == 1


UNSAFE = """
@misc{js, author = {{Script}}, title = {JS}, year = 2020, url = {javascript:alert(1)}}

@misc{data, author = {{Data}}, title = {D}, year = 2020,
  url = {data:text/html,<script>alert(1)</script>}}

@misc{file, author = {{File}}, title = {F}, year = 2020, url = {file:///etc/passwd}}

@misc{relative, author = {{Relative}}, title = {R}, year = 2020, url = {www.example.com/guide}}

@misc{mail, author = {{Mail}}, title = {M}, year = 2020, url = {mailto:someone@example.org}}
"""


@pytest.mark.parametrize("buildername", ["html", "latex", "epub"])
def test_unsafe_urls_are_text_and_located_warnings(tmp_path: Path, buildername: str) -> None:
    srcdir = copy_root("robust", tmp_path)
    bib = srcdir / "refs.bib"
    before = bib.read_text(encoding="utf-8")
    bib.write_text(before + UNSAFE, encoding="utf-8")
    chapter = srcdir / "automatic.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8")
        + "\nUnsafe [Source: Script, 2020; Data, 2020; File, 2020; Relative, 2020; Mail, 2020].\n",
        encoding="utf-8",
    )
    app = build_app(srcdir, buildername, freshenv=True)
    first = before.count("\n") + 2
    lines = {"js": first, "data": first + 2, "file": first + 5, "relative": first + 7}
    found = messages(app)
    for key, line in lines.items():
        assert any(
            f"refs.bib:{line}: WARNING: URL" in m and f"of {key!r}" in m and "[citations.url]" in m
            for m in found
        ), (key, found)
    assert len(found) == 4, found
    out = "\n".join(
        html_lib.unescape(p.read_text(encoding="utf-8", errors="replace"))
        for p in app.outdir.rglob("*")
        if p.suffix in {".html", ".xhtml", ".tex"}
    )
    for scheme in ("javascript:", "data:", "file:"):
        assert not re.search(rf"href=\"{scheme}", out)
        assert not re.search(rf"\\(?:sphinx)?href\{{{scheme}", out)
        assert not re.search(rf"\\url\{{{scheme}", out)
    assert "alert(1)" in out  # shown as text
    assert re.search(r"(href=\"|\\sphinx(?:href|url)\{)mailto:someone", out)  # a link


def test_a_latin1_bib_is_a_located_warning_and_the_rest_loads(tmp_path: Path) -> None:
    srcdir = copy_root("robust", tmp_path)
    bib = srcdir / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    latin = "\n@misc{cafe, author = {{Caf\xe9 Labs}}, title = {Cr\xe8me}, year = 2021}\n"
    data = text.encode("utf-8") + latin.encode("latin-1")
    bib.write_bytes(data)
    app = build_app(srcdir, "html", freshenv=True)
    found = messages(app)
    offset = data.index(b"\xe9")
    line = data[:offset].count(b"\n") + 1
    assert len(found) == 1, found
    assert (
        f"refs.bib:{line}: WARNING: this file is not UTF-8: byte 0xe9 at offset {offset}"
        in (found[0])
    )
    assert "[citations.bibfile]" in found[0]
    assert "Traceback" not in app.warning.getvalue() + app.status.getvalue()
    # Every other entry still loads and resolves.
    cited = json.loads((app.outdir / "citations.json").read_text(encoding="utf-8"))
    assert {w["key"] for w in cited["works"]} == {
        "deepgram2025",
        "acme2024",
        "kwon2023paged",
        "cafe",
    }
    assert all(i["status"] == "resolved" for c in cited["citations"] for i in c["items"])


def test_a_binary_bib_is_a_located_warning_and_the_book_builds(tmp_path: Path) -> None:
    srcdir = copy_root("robust", tmp_path)
    (srcdir / "extra.bib").write_bytes(bytes(range(256)) * 4)
    conf = srcdir / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8").replace('["refs.bib"]', '["refs.bib", "extra.bib"]'),
        encoding="utf-8",
    )
    app = build_app(srcdir, "html", freshenv=True)
    found = messages(app)
    assert len(found) == 1, found
    assert re.search(r"extra\.bib:2: WARNING: not a text file \(byte 0x80 at offset 128", found[0])
    assert (app.outdir / "placed.html").is_file()
    cited = json.loads((app.outdir / "citations.json").read_text(encoding="utf-8"))
    assert all(i["status"] == "resolved" for c in cited["citations"] for i in c["items"])


def test_pages_parse_as_xml_in_epub(epub: SphinxTestApp) -> None:
    pages = sorted(
        page.relative_to(epub.outdir).as_posix() for page in epub.outdir.rglob("*.xhtml")
    )
    assert {"automatic.xhtml", "index.xhtml", "placed.xhtml", "works.xhtml"} <= set(pages)
    for page in pages:
        ET.parse(epub.outdir / page)


# -- -D on the command line -----------------------------------------------------------


def test_every_numeric_value_can_be_given_with_D(tmp_path: Path) -> None:
    """``sphinx-build -D name=value`` passes text, as ``confoverrides`` does here."""
    from sphinx_ext.config import _numeric_values
    from sphinx_ext.sourcecheck import settings_from_config

    numeric = _numeric_values()
    assert {"citations_verify_timeout", "citations_min_chapters"} <= set(numeric)
    given = dict.fromkeys(numeric, "1")
    app = build_app(copy_root("robust", tmp_path), "dummy", freshenv=True, confoverrides=given)
    assert messages(app) == []
    for name, kind in numeric.items():
        value = app.config[name]
        assert type(value) is kind and value == 1, name
    assert settings_from_config(app.config).timeout == 1.0


def test_a_D_value_that_is_no_number_is_a_warning(tmp_path: Path) -> None:
    given = {"citations_verify_timeout": "soon", "citations_min_chapters": "2.5"}
    app = build_app(copy_root("robust", tmp_path), "dummy", freshenv=True, confoverrides=given)
    found = messages(app)
    assert len(found) == 2, found
    assert all("[citations.config]" in m and "on the command line" in m for m in found)
    assert app.config.citations_verify_timeout == 10.0
    assert app.config.citations_min_chapters == 2


def test_citation_in_a_chapter_title_leaves_no_trace_in_works_cited_or_json(
    tmp_path: Path,
) -> None:
    srcdir = copy_root("robust", tmp_path)
    chapter = srcdir / "automatic.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(
        text.replace("# Automatic Chapter\n", "# Automatic Chapter [Source: Acme, 2024]\n"),
        encoding="utf-8",
    )
    app = build_app(srcdir, "html", freshenv=True)
    assert messages(app) == []
    works = read(app.outdir, "works.html")
    assert re.search(r">Chapter 2: Automatic Chapter<", works), works
    assert "Automatic Chapter <" not in works and "Automatic Chapter [" not in works
    index = read(app.outdir, "index.html")
    assert 'href="automatic.html">2. Automatic Chapter</a>' in index
    data = json.loads((app.outdir / "citations.json").read_text(encoding="utf-8"))
    assert [c["title"] for c in data["chapters"]] == ["Placed Chapter", "Automatic Chapter"]
    page = read(app.outdir, "automatic.html")
    assert 'id="automatic-chapter"' in page and "automatic-chapter-source" not in page
