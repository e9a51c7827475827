"""The reader's side of the HTML, as written: back-link labels, the Works
Cited's links and contents, and which pages get the previews' script."""

from __future__ import annotations

import re

import pytest
from sphinx.testing.util import SphinxTestApp

from tests.conftest import BuildRoot
from tests.html_helpers import read


@pytest.fixture(scope="module")
def built(build_root: BuildRoot) -> SphinxTestApp:
    return build_root("chapters")


def backlinks(html: str, anchor: str) -> list[tuple[str, str]]:
    entry = html.split(f'id="{anchor}"')[1].split("</li>")[0]
    return re.findall(r'class="source-backlink[^"]*" href="([^"]+)">([^<]+)</a>', entry)


def test_backlinks_name_the_citing_sections(built: SphinxTestApp) -> None:
    ch1 = read(built.outdir, "ch1.html")
    # Twice in section 1 (paragraphs 1 and 2), once in 1.1 (the sub-document).
    assert backlinks(ch1, "ref-alpha2020") == [
        ("#src-1", "1\xa0¶1"),
        ("#src-3", "1\xa0¶2"),
        ("ch1-part.html#src-2", "1.1"),
    ]
    assert backlinks(ch1, "ref-beta2021") == [("#src-2", "1")]
    # A non-breaking gap after the arrow.
    assert "\u21a9\ufe0e\xa0<a" in ch1


def test_works_cited_links_chapters_and_entries(built: SphinxTestApp) -> None:
    works = read(built.outdir, "works.html")
    chapter = works.split('id="works-cited-chapter-ch1"')[1].split("</section>")[0]
    assert re.search(
        r'<h2><a class="reference internal" href="ch1.html">Chapter 1: First Chapter</a>', chapter
    )
    assert re.search(
        r'Shares sources with Chapter <a class="reference internal" href="ch2/index.html">2</a>\.',
        chapter,
    )
    # Under its category, each work says which chapters cite it, each a link to its entry there.
    beta = works.split('id="ref-beta2021"')[1].split("</li>")[0]
    assert (
        'Cited in Chapters <a class="reference internal" href="ch1.html#ref-beta2021">1</a> and '
        '<a class="reference internal" href="ch2/sources.html#ref-beta2021">2</a>.'
    ) in beta


def test_works_cited_has_its_contents_in_the_page_and_the_sidebar(built: SphinxTestApp) -> None:
    works = read(built.outdir, "works.html")
    contents = works.split('class="works-cited-contents')[1].split("</div>")[0]
    targets = re.findall(r'href="#([^"]+)"', contents)
    assert targets[:3] == [
        "works-cited-frequent",
        "works-cited-chapter-ch1",
        "works-cited-chapter-ch2-index",
    ]
    assert "works-cited-categories" in targets
    for target in targets:
        assert f'id="{target}"' in works
    # The theme's own contents of the page (alabaster: its local toc) list them too.
    sidebar = works.split('class="sphinxsidebar"')[1]
    assert 'href="#works-cited-chapter-ch3"' in sidebar


def test_only_citing_pages_get_the_script(built: SphinxTestApp) -> None:
    def assets(page: str) -> set[str]:
        return set(
            re.findall(r"_static/(sphinx-source-citations\.(?:css|js))", read(built.outdir, page))
        )

    assert assets("ch1.html") == {"sphinx-source-citations.css", "sphinx-source-citations.js"}
    assert assets("preface.html") == {"sphinx-source-citations.css", "sphinx-source-citations.js"}
    assert assets("works.html") == {"sphinx-source-citations.css"}  # lists, no citations
    assert assets("index.html") == set()
    assert assets("ch3.html") == set()
    static = built.outdir / "_static"
    assert (static / "sphinx-source-citations.js").read_text().startswith("/* sphinx_ext")
    # No title attribute on citations: the preview shows the entry instead.
    assert 'class="source-ref reference internal" href="#ref-alpha2020">' in read(
        built.outdir, "ch1.html"
    )


def test_a_page_citing_works_listed_elsewhere_carries_their_entries(built: SphinxTestApp) -> None:
    part = read(built.outdir, "ch1-part.html")
    template = part.split('<template id="source-previews">')[1].split("</template>")[0]
    assert re.findall(r'<li id="([^"]+)"', template) == ["ref-gamma2022", "ref-alpha2020"]
    assert "Note for alpha in chapter one" in template  # as in chapter 1's list
    assert "<template" not in read(built.outdir, "ch1.html")


def test_previews_can_be_turned_off(build_root: BuildRoot) -> None:
    app = build_root("chapters", confoverrides={"citations_previews": False})
    ch1 = read(app.outdir, "ch1.html")
    assert "sphinx-source-citations.js" not in ch1
    assert "sphinx-source-citations.css" in ch1
    assert 'title="Alpha Work"' in ch1
    assert "<template" not in read(app.outdir, "ch1-part.html")
