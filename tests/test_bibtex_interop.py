"""An existing sphinxcontrib-bibtex book gains the lists and table by adding the extension."""

from __future__ import annotations

import json

from tests.conftest import BuildRoot
from tests.html_helpers import citation_items, read, reference_entries


def test_cite_roles_count_in_lists_and_table(build_root: BuildRoot) -> None:
    app = build_root("bibtex-cite")
    assert app.warning.getvalue() == ""
    data = json.loads(read(app.outdir, "citations.json"))
    works = {w["key"]: w["chapters"] for w in data["works"]}
    assert works == {"alpha2020": ["ch1", "ch2"], "beta2021": ["ch1", "ch3"]}
    chapter1 = [r["key"] for r in data["chapters"][0]["references"]]
    assert chapter1 == ["alpha2020", "beta2021"]
    assert [e["id"] for e in reference_entries(read(app.outdir, "ch1.html"))] == [
        "ref-alpha2020",
        "ref-beta2021",
    ]
    # sphinxcontrib-bibtex still renders its own citation and bibliography.
    assert 'class="bibtex' in read(app.outdir, "ch1.html") or "[Alp20]" in read(
        app.outdir, "ch1.html"
    )
    assert "Alpha Work" in read(app.outdir, "works.html")


def test_cite_role_without_a_bibliography_links_to_the_chapter_list(build_root: BuildRoot) -> None:
    app = build_root("bibtex-cite")
    html = read(app.outdir, "ch3.html")
    [item] = citation_items(html)
    assert item["text"] == "Beta, 2021, p. 4"
    assert item["href"] == "#ref-beta2021"
    [entry] = reference_entries(html)
    assert entry["id"] == "ref-beta2021"
    assert entry["backlinks"].split() == [f"#{item['id']}"]
    assert html.count(f'id="{item["id"]}"') == 1
    assert "could not find bibtex key" not in app.warning.getvalue()
