"""Every form of the markup contract, in a real HTML build."""

from __future__ import annotations

import pytest
from sphinx.testing.util import SphinxTestApp

from tests.conftest import BuildRoot
from tests.html_helpers import citation_items, read, reference_entries


@pytest.fixture(scope="module")
def built(build_root: BuildRoot) -> SphinxTestApp:
    return build_root("markup")


def items_by_text(app: SphinxTestApp) -> dict[str, dict[str, str]]:
    return {i["text"]: i for i in citation_items(read(app.outdir, "chapter.html"))}


def test_builds_without_warnings(built: SphinxTestApp) -> None:
    assert built.warning.getvalue() == ""


@pytest.mark.parametrize(
    ("shown", "key"),
    [
        ("Deepgram, 2025", "deepgram2025pricing"),
        ("Kwon et al., 2023", "kwon2023paged"),
        ("Smith & Jones, 2020", "smith2020two"),
        ("Lee, 2021", "lee2021one"),
        ("Beyer et al., 2016, p. 42", "beyer2016sre"),
        ("Beyer et al., 2016, ch. 4", "beyer2016sre"),
        ("AssemblyAI, 2025a", "assemblyai2025rule"),
        ("AssemblyAI, 2025b", "assemblyai2025an"),
        ("AssemblyAI, 2025c", "assemblyai2025pricing"),
        ("BentoML, 2025", "bentoml2025"),
        ("Anyscale, 2023", "anyscale2023"),
        ("AWS, 2025", "aws2025ec2"),
        ("OWASP, 2023", "owasp2023"),
        ("Müller, 2022", "muller2022"),
        ("Kwon et al., 2023, p. 5", "kwon2023paged"),
    ],
)
def test_each_form_matches_and_links_to_its_entry(
    built: SphinxTestApp, shown: str, key: str
) -> None:
    item = items_by_text(built)[shown]
    assert item["href"] == f"#ref-{key}"
    assert "source-unresolved" not in item["class"]


def test_every_citation_in_the_page_matches(built: SphinxTestApp) -> None:
    html = read(built.outdir, "chapter.html")
    items = citation_items(html)
    # 18 items in the body's sentences; list, table, admonition, footnote, role: 5 more.
    assert len(items) == 23
    assert all(i["href"].startswith("#ref-") for i in items)


def test_citations_keep_the_books_look(built: SphinxTestApp) -> None:
    html = read(built.outdir, "chapter.html")
    assert "[Source: <span" in html
    import re

    plain = re.sub(r"<[^>]+>", "", html)
    assert "[Source: AssemblyAI, 2025a; AssemblyAI, 2025b]" in plain
    assert "[Source: BentoML, 2025; Anyscale, 2023]" in plain
    assert "[Source: Kwon et al., 2023, p. 5]" in plain


def test_code_is_never_touched(built: SphinxTestApp) -> None:
    html = read(built.outdir, "chapter.html")
    assert '<span class="pre">[Source:</span>' in html
    assert "[Source: Deepgram, 2025] in a code block stays as it is." in html


@pytest.mark.parametrize(
    "where",
    ["<li><p>In a list item", "<td><p>In a table cell", "In an admonition", "In a footnote"],
)
def test_citations_anywhere_in_the_text(built: SphinxTestApp, where: str) -> None:
    html = read(built.outdir, "chapter.html")
    start = html.index(where)
    assert 'class="source-citation"' in html[start : start + 400]


def test_references_in_order_of_first_citation(built: SphinxTestApp) -> None:
    entries = reference_entries(read(built.outdir, "chapter.html"))
    assert [e["id"] for e in entries] == [
        "ref-deepgram2025pricing",
        "ref-kwon2023paged",
        "ref-smith2020two",
        "ref-lee2021one",
        "ref-beyer2016sre",
        "ref-assemblyai2025pricing",
        "ref-assemblyai2025rule",
        "ref-assemblyai2025an",
        "ref-bentoml2025",
        "ref-anyscale2023",
        "ref-aws2025ec2",
        "ref-owasp2023",
        "ref-muller2022",
    ]


def test_entries_look_like_the_seed(built: SphinxTestApp) -> None:
    entries = {e["id"]: e["text"] for e in reference_entries(read(built.outdir, "chapter.html"))}
    assert entries["ref-deepgram2025pricing"].startswith(
        "Deepgram (2025). “Pricing: Pay-as-you-go.” https://deepgram.com/pricing"
    )
    assert entries["ref-kwon2023paged"].startswith(
        "Kwon, W., et al. (2023). “Efficient Memory Management for Large Language Model "
        "Serving with PagedAttention.” Proceedings of the ACM SOSP '23. arXiv:2309.06180"
    )
    assert entries["ref-beyer2016sre"].startswith(
        "Beyer, B., et al. (2016). Site Reliability Engineering: How Google Runs "
        "Production Systems. O'Reilly Media."
    )
    assert entries["ref-assemblyai2025rule"].startswith("AssemblyAI (2025a). “The 300ms Rule.”")
    assert entries["ref-smith2020two"].startswith("Smith, J. & Jones, K. (2020).")


def test_entries_link_back_to_every_citing_place(built: SphinxTestApp) -> None:
    html = read(built.outdir, "chapter.html")
    items = citation_items(html)
    entries = {e["id"]: e for e in reference_entries(html)}
    deepgram_places = [f"#{i['id']}" for i in items if i["href"] == "#ref-deepgram2025pricing"]
    assert len(deepgram_places) == 3
    assert entries["ref-deepgram2025pricing"]["backlinks"].split() == deepgram_places
